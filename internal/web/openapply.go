package web

import (
	"net/http"
	"slices"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/openapply"
)

// Conditional opening (有条件开放申请, OPN-3): the application form (logged-in public users),
// the applicant's progress page with the use agreement to sign, and the provider's list and
// decision forms.
func init() {
	Register(map[string][2]string{
		"application.new":         {"申请有条件开放数据", "Apply for conditionally open data"},
		"application.list":        {"有条件开放申请", "Conditional-opening applications"},
		"application.view":        {"有条件开放申请", "Conditional-opening application"},
		"nav.applications":        {"开放申请", "Open applications"},
		"flash.application_done":  {"已办理", "Done"},
		"flash.application_filed": {"申请已提交，可在本页跟踪办理进度", "Application filed; follow its progress on this page"},
	})
	AddNav(NavItem{Key: "nav.applications", Href: "/open/applications", Roles: []authz.Role{authz.PublicUser, authz.DataOfficer, authz.AgencyApprover,
		authz.AuthorityAdmin, authz.AuthorityReviewer, authz.Auditor, authz.Oversight}, Order: 43})
}

type itemChoice struct {
	Name, Label string
	Checked     bool
}

// applicationForm renders the application form for a conditionally open dataset, refilled from in on a form error.
func (w *Web) applicationForm(rw http.ResponseWriter, r *http.Request, id string, in *openapply.Input, ferr error) error {
	e, err := w.App.Catalog.Published(r.Context(), id)
	if err != nil || e.OpenType != catalog.OpenConditional {
		return openapply.ErrNotCond
	}
	var items []itemChoice
	for i := range e.Fields {
		f := &e.Fields[i]
		if ot := catalog.FieldOpen(&e, f); ot == catalog.OpenConditional || ot == catalog.OpenUnconditional {
			items = append(items, itemChoice{Name: f.Name, Label: f.Label, Checked: in == nil || slices.Contains(in.Fields, f.Name)})
		}
	}
	v := w.NewView(rw, r, "application.new")
	status := http.StatusOK
	if ferr != nil {
		v.Error = apperr.As(ferr)
		v.Errors = v.Error.Fields
		status = v.Error.Status
	}
	v.Data = map[string]any{"E": e, "Items": items, "In": in, "Methods": openapply.Methods}
	w.Render(rw, status, "application_new", v)
	return nil
}

// applicationNew shows the form to apply for a conditionally open dataset.
func (w *Web) applicationNew(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.applicationForm(rw, r, r.URL.Query().Get("dataset"), nil, nil)
}

// applicationFile files an application; a form error shows the form again, refilled.
func (w *Web) applicationFile(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Applications
	r.ParseForm()
	in := openapply.Input{DatasetID: r.PostFormValue("dataset_id"), Scenario: r.PostFormValue("scenario"), Fields: r.PostForm["fields"],
		Method: r.PostFormValue("method"), EndDate: r.PostFormValue("end_date"), Security: r.PostFormValue("security"), Contact: r.PostFormValue("contact")}
	x, err := s.Submit(r.Context(), p, in)
	if err != nil {
		if ae := apperr.As(err); ae.Code == "invalid" {
			return w.applicationForm(rw, r, in.DatasetID, &in, err)
		}
		return err
	}
	Redirect(rw, r, "/open/applications/"+x.ID, "flash.application_filed")
	return nil
}

// applicationList lists the applications the caller filed or decides.
func (w *Web) applicationList(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Applications
	list, err := s.List(r.Context(), p, openapply.ListQuery{State: r.URL.Query().Get("state")})
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "application.list")
	v.Data = map[string]any{"Items": list}
	w.Render(rw, http.StatusOK, "application_list", v)
	return nil
}

// applicationView renders an application with the steps the caller may take, the key's secret once after signing, and the form error ferr.
func (w *Web) applicationView(rw http.ResponseWriter, r *http.Request, p *authz.Principal, id string, secret string, ferr error) error {
	s := w.App.Applications
	x, err := s.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	mine := p.UserID == x.UserID
	var actions []string
	for _, ev := range []openapply.Ev{openapply.EvApprove, openapply.EvRefuse, openapply.EvRevoke} {
		if _, ok := openapply.Next(x.State, ev); ok && !mine {
			if e, err := w.App.Catalog.Published(r.Context(), x.EntryID); err == nil &&
				authz.Open(p, authz.OpenDecide, authz.OpenAttrs{OpenType: string(e.OpenType), ProviderOrgID: e.ProviderOrgID, SourceOrgID: e.SourceOrgID, RegionCode: e.RegionCode}) == nil {
				actions = append(actions, string(ev))
			}
		}
	}
	_, canWithdraw := openapply.Next(x.State, openapply.EvWithdraw)
	_, canSign := openapply.Next(x.State, openapply.EvSign)
	v := w.NewView(rw, r, "application.view")
	status := http.StatusOK
	if ferr != nil {
		v.Error = apperr.As(ferr)
		v.Errors = v.Error.Fields
		status = v.Error.Status
	}
	labels := map[string]string{} // each item's Chinese name, shown beside its code
	if e, err := w.App.Catalog.Published(r.Context(), x.EntryID); err == nil {
		for _, f := range e.Fields {
			labels[f.Name] = f.Label
		}
	}
	v.Data = map[string]any{"A": x, "Actions": actions, "Mine": mine, "CanWithdraw": mine && canWithdraw, "CanSign": mine && canSign,
		"Agreement": openapply.CurrentAgreement, "Secret": secret, "Labels": labels}
	w.Render(rw, status, "application_view", v)
	return nil
}

// applicationShow shows an application (with the key's secret once, right after signing).
func (w *Web) applicationShow(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.applicationView(rw, r, p, r.PathValue("id"), w.TakeSecret(rw, r), nil)
}

// applicationAct records a step on an application (not signing); a form error shows the application again.
func (w *Web) applicationAct(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Applications
	r.ParseForm()
	st := openapply.Step{Event: openapply.Ev(r.PostFormValue("event")), Fields: r.PostForm["fields"], Method: r.PostFormValue("method"),
		EndDate: r.PostFormValue("end_date"), Use: r.PostFormValue("use"), Reason: r.PostFormValue("reason"), LegalBasis: r.PostFormValue("legal_basis")}
	if st.Event == openapply.EvSign {
		return openapply.ErrState // signing has its own form (the key is shown once)
	}
	if _, err := s.Act(r.Context(), p, r.PathValue("id"), st); err != nil {
		if ae := apperr.As(err); ae.Code == "invalid" {
			return w.applicationView(rw, r, p, r.PathValue("id"), "", err)
		}
		return err
	}
	Redirect(rw, r, "/open/applications/"+r.PathValue("id"), "flash.application_done")
	return nil
}

// applicationSign signs the use agreement of an approved application. It answers with the page
// itself: the key's secret is shown once, never stored in clear (as on the keys page).
func (w *Web) applicationSign(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Applications
	res, err := s.Act(r.Context(), p, r.PathValue("id"), openapply.Step{Event: openapply.EvSign, Agree: r.PostFormValue("agree") == "1",
		AgreementVersion: r.PostFormValue("agreement_version")})
	if err != nil {
		if ae := apperr.As(err); ae.Code == "invalid" || ae.Code == openapply.ErrAgreement.Code {
			return w.applicationView(rw, r, p, r.PathValue("id"), "", err)
		}
		return err
	}
	w.RedirectWithSecret(rw, r, "/open/applications/"+r.PathValue("id"), res.Key.Secret, "")
	return nil
}
