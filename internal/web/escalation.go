package web

import (
	"net/http"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/httpapi"
	"pubdata/internal/share"
)

// Escalation pages (督办件): the authority's list and the escalation page with the steps it may
// take — urge with a new date, start coordination, record meetings, refer to the expert committee,
// decide — and the expert's opinion form. The parties see the escalation and its decision on their
// request or demand page.
func init() {
	Register(map[string][2]string{
		"share.escalations":    {"督办件", "Escalations"},
		"share.escalation":     {"督办件详情", "Escalation"},
		"nav.share_escalation": {"督办件", "Escalations"},
	})
	AddNav(NavItem{Key: "nav.share_escalation", Href: "/share/escalations", Roles: []authz.Role{authz.AuthorityAdmin, authz.AuthorityReviewer,
		authz.Expert, authz.Oversight, authz.Auditor}, Order: 32})
}

// escalationRender renders an escalation page with the state, event and deadline names, and a
// failed form's errors.
func (w *Web) escalationRender(rw http.ResponseWriter, r *http.Request, title, page string, data map[string]any, ferr error) {
	v := w.NewView(rw, r, title)
	status := 200
	if ferr != nil {
		v.Error = apperr.As(ferr)
		v.Errors = v.Error.Fields
		status = v.Error.Status
	}
	data["EscStates"] = share.EscStateNames
	data["Events"] = share.EventNames
	data["DueNames"] = dueNamesWeb
	v.Data = data
	w.Render(rw, status, page, v)
}

// escalationList lists escalations (督办件) by box.
func (w *Web) escalationList(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	boxes := share.EscalationBoxes(p)
	if len(boxes) == 0 {
		return apperr.Forbidden
	}
	box := r.URL.Query().Get("box")
	if box == "" {
		box = boxes[0]
	}
	pg, err := httpapi.PageOf(r)
	if err != nil {
		return err
	}
	items, total, err := s.ListEscalations(r.Context(), p, box, pg.Size, pg.Offset)
	if err != nil {
		return err
	}
	w.escalationRender(rw, r, "share.escalations", "share_escalations", map[string]any{"Box": box, "Boxes": boxes, "Items": items, "Total": total,
		"Page": pg, "HasNext": pg.Offset+len(items) < total}, nil)
	return nil
}

// escalationPage renders one escalation with the steps the caller may take.
func (w *Web) escalationPage(rw http.ResponseWriter, r *http.Request, p *authz.Principal, id string, ferr error) error {
	s := w.App.Share
	d, err := s.EscalationDetails(r.Context(), p, id)
	if err != nil {
		return err
	}
	e := d.Escalation
	at := e.Authz()
	handle := authz.Escalation(p, authz.EscalationHandle, at) == nil
	data := map[string]any{"E": e, "D": d, "Today": workdayToday(s)}
	dueZH, dueEN, urgent := countdown(e.DueDate, e.Remaining, e.Overdue)
	data["DueZH"], data["DueEN"], data["Urgent"] = dueZH, dueEN, urgent
	switch e.State {
	case share.EscOpen, share.EscUrged:
		data["CanUrge"], data["CanCoordinate"], data["CanDecide"] = handle && e.ResponsibleID != "", handle, handle
	case share.EscCoordinating:
		data["CanMeet"], data["CanRefer"], data["CanDecide"] = handle, handle, handle
	case share.EscExperts:
		data["CanDecide"] = handle && len(d.Opinions) > 0
		data["CanOpine"] = authz.Escalation(p, authz.EscalationOpinion, at) == nil
	}
	w.escalationRender(rw, r, "share.escalation", "share_escalation", data, ferr)
	return nil
}

// escalationShow shows one escalation.
func (w *Web) escalationShow(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.escalationPage(rw, r, p, r.PathValue("id"), nil)
}

// escalationOpen opens (or finds) the escalation of an overdue item and goes to it.
func (w *Web) escalationOpen(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	r.ParseForm()
	e, err := s.OpenEscalation(r.Context(), p, r.PostFormValue("subject_type"), r.PostFormValue("subject_id"))
	if err != nil {
		return err
	}
	Redirect(rw, r, "/share/escalations/"+e.ID, "flash.share_done")
	return nil
}

// escalationStep runs one step on an escalation and goes back to it; a refused step (422, 409)
// shows it with the error.
func (w *Web) escalationStep(rw http.ResponseWriter, r *http.Request, p *authz.Principal, do func(r *http.Request, p *authz.Principal, id string) error) error {
	r.ParseForm()
	id := r.PathValue("id")
	if err := do(r, p, id); err != nil {
		if ae := apperr.As(err); ae.Status == 422 || ae.Status == 409 {
			return w.escalationPage(rw, r, p, id, err)
		}
		return err
	}
	Redirect(rw, r, "/share/escalations/"+id, "flash.share_done")
	return nil
}

// escalationUrge urges the responsible party with a new due date.
func (w *Web) escalationUrge(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.escalationStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		_, err := s.UrgeEscalation(r.Context(), p, id, share.Urge{DueDate: r.PostFormValue("due_date"), Note: r.PostFormValue("note")})
		return err
	})
}

// escalationCoordinate starts coordination.
func (w *Web) escalationCoordinate(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.escalationStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		_, err := s.CoordinateEscalation(r.Context(), p, id, r.PostFormValue("note"))
		return err
	})
}

// escalationMeeting records a coordination meeting.
func (w *Web) escalationMeeting(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.escalationStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		_, err := s.RecordMeeting(r.Context(), p, id, share.NewMeeting{HeldOn: r.PostFormValue("held_on"), Participants: r.PostFormValue("participants"),
			Outcome: r.PostFormValue("outcome"), Agreed: r.PostFormValue("agreed") == "1"})
		return err
	})
}

// escalationRefer refers an escalation to experts.
func (w *Web) escalationRefer(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.escalationStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		_, err := s.ReferEscalation(r.Context(), p, id, r.PostFormValue("note"))
		return err
	})
}

// escalationOpinion records an expert's opinion.
func (w *Web) escalationOpinion(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.escalationStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		_, err := s.GiveOpinion(r.Context(), p, id, r.PostFormValue("opinion"))
		return err
	})
}

// escalationDecide decides an escalation.
func (w *Web) escalationDecide(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Share
	return w.escalationStep(rw, r, p, func(r *http.Request, p *authz.Principal, id string) error {
		_, err := s.DecideEscalation(r.Context(), p, id, share.EscDecision{Decision: r.PostFormValue("decision"),
			LegalBasis: r.PostFormValue("legal_basis"), ComplyBy: r.PostFormValue("comply_by")})
		return err
	})
}
