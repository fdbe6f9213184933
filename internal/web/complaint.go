package web

import (
	"net/http"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/complaint"
	"pubdata/internal/httpapi"
)

// Rights complaints (权益投诉, OPN-5): the public form (no login) and status page by complaint
// number; the provider's and authority's list and the complaint with its steps.
func init() {
	Register(map[string][2]string{
		"complaint.new":        {"权益投诉", "Rights complaint"},
		"complaint.status":     {"投诉办理情况", "Complaint status"},
		"complaint.list":       {"权益投诉办理", "Rights complaints"},
		"complaint.view":       {"权益投诉详情", "Rights complaint"},
		"nav.complaints":       {"权益投诉", "Complaints"},
		"flash.complaint_done": {"已办理", "Done"},
	})
	AddNav(NavItem{Key: "nav.complaints", Href: "/open/complaints", Roles: []authz.Role{authz.DataOfficer, authz.AgencyApprover, authz.SecurityOfficer,
		authz.AuthorityAdmin, authz.AuthorityReviewer, authz.Auditor, authz.Oversight}, Order: 44})
}

// complaintKinds lists the complaint kinds as the form's choices.
func (w *Web) complaintKinds() [][3]string {
	var out [][3]string
	for _, k := range complaint.Kinds {
		out = append(out, [3]string{k, "", ""})
	}
	return out
}

// complaintNew shows the public form to complain about an open dataset (no login).
func (w *Web) complaintNew(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	v := w.NewView(rw, r, "complaint.new")
	id := r.URL.Query().Get("dataset")
	e, err := w.App.Catalog.Published(r.Context(), id)
	if err != nil {
		return complaint.ErrNotOpen
	}
	v.Data = map[string]any{"DatasetID": e.ID, "DatasetTitle": e.Name, "Kinds": w.complaintKinds()}
	w.Render(rw, http.StatusOK, "complaint_new", v)
	return nil
}

// complaintFile files a public complaint; a form error shows the form again, refilled.
func (w *Web) complaintFile(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	c := w.App.Complaints
	in := complaint.Filing{DatasetID: r.PostFormValue("dataset_id"), Kind: r.PostFormValue("kind"), Records: r.PostFormValue("records"),
		Description: r.PostFormValue("description"), Evidence: r.PostFormValue("evidence"), Name: r.PostFormValue("complainant_name"),
		Contact: r.PostFormValue("contact")}
	rc, err := c.File(r.Context(), p, in, httpapi.ClientIP(r))
	if err != nil {
		if ae := apperr.As(err); ae.Code == "invalid" {
			v := w.NewView(rw, r, "complaint.new")
			v.Errors = ae.Fields
			v.Data = map[string]any{"DatasetID": in.DatasetID, "DatasetTitle": r.PostFormValue("dataset_title"), "Kinds": w.complaintKinds(), "In": in}
			w.Render(rw, http.StatusUnprocessableEntity, "complaint_new", v)
			return nil
		}
		return err
	}
	Redirect(rw, r, "/open/complaints/status/"+rc.Complaint.Number+"?filed=1", "")
	return nil
}

// complaintStatusLookup shows the form to look a complaint up by its number, or goes to its status.
func (w *Web) complaintStatusLookup(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	if n := r.URL.Query().Get("number"); n != "" {
		Redirect(rw, r, "/open/complaints/status/"+n, "")
		return nil
	}
	v := w.NewView(rw, r, "complaint.status")
	v.Data = map[string]any{} // the lookup form (no complaint yet)
	w.Render(rw, http.StatusOK, "complaint_status", v)
	return nil
}

// complaintStatus shows a complaint's public status by its number.
func (w *Web) complaintStatus(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	c := w.App.Complaints
	pub, err := c.Status(r.Context(), r.PathValue("number"))
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "complaint.status")
	v.Data = map[string]any{"C": pub, "Filed": r.URL.Query().Get("filed") == "1"}
	w.Render(rw, http.StatusOK, "complaint_status", v)
	return nil
}

// complaintList lists the complaints the caller handles.
func (w *Web) complaintList(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	c := w.App.Complaints
	list, err := c.List(r.Context(), p, complaint.ListQuery{State: r.URL.Query().Get("state")})
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "complaint.list")
	v.Data = map[string]any{"Items": list}
	w.Render(rw, http.StatusOK, "complaint_list", v)
	return nil
}

// complaintShow shows a complaint with the steps the caller may take.
func (w *Web) complaintShow(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	c := w.App.Complaints
	x, err := c.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	var actions []string
	for _, ev := range []complaint.Ev{complaint.EvVerify, complaint.EvWithdraw, complaint.EvRestore, complaint.EvReopen} {
		if _, ok := complaint.Next(x.State, ev); ok {
			actions = append(actions, string(ev))
		}
	}
	v := w.NewView(rw, r, "complaint.view")
	v.Data = map[string]any{"C": x, "Actions": actions}
	w.Render(rw, http.StatusOK, "complaint_view", v)
	return nil
}

// complaintAct records a step on a complaint.
func (w *Web) complaintAct(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	c := w.App.Complaints
	_, err := c.Act(r.Context(), p, r.PathValue("id"), complaint.Step{Event: complaint.Ev(r.PostFormValue("event")),
		Answer: r.PostFormValue("answer"), LegalBasis: r.PostFormValue("legal_basis")})
	if err != nil {
		return err
	}
	Redirect(rw, r, "/open/complaints/"+r.PathValue("id"), "flash.complaint_done")
	return nil
}
