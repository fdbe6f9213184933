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

func (w *Web) complaintPages(mux *http.ServeMux) {
	c := w.App.Complaints
	if c == nil {
		return
	}
	kinds := func() [][3]string {
		var out [][3]string
		for _, k := range complaint.Kinds {
			out = append(out, [3]string{k, "", ""})
		}
		return out
	}
	w.PublicPage(mux, "GET /open/complaints/new", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		v := w.NewView(rw, r, "complaint.new")
		id := r.URL.Query().Get("dataset")
		e, err := w.App.Catalog.Published(r.Context(), id)
		if err != nil {
			return complaint.ErrNotOpen
		}
		v.Data = map[string]any{"DatasetID": e.ID, "DatasetTitle": e.Name, "Kinds": kinds()}
		w.Render(rw, http.StatusOK, "complaint_new", v)
		return nil
	})
	w.PublicPage(mux, "POST /open/complaints", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		in := complaint.Filing{DatasetID: r.PostFormValue("dataset_id"), Kind: r.PostFormValue("kind"), Records: r.PostFormValue("records"),
			Description: r.PostFormValue("description"), Evidence: r.PostFormValue("evidence"), Name: r.PostFormValue("complainant_name"),
			Contact: r.PostFormValue("contact")}
		rc, err := c.File(r.Context(), p, in, httpapi.ClientIP(r))
		if err != nil {
			if ae := apperr.As(err); ae.Code == "invalid" {
				v := w.NewView(rw, r, "complaint.new")
				v.Errors = ae.Fields
				v.Data = map[string]any{"DatasetID": in.DatasetID, "DatasetTitle": r.PostFormValue("dataset_title"), "Kinds": kinds(), "In": in}
				w.Render(rw, http.StatusUnprocessableEntity, "complaint_new", v)
				return nil
			}
			return err
		}
		Redirect(rw, r, "/open/complaints/status/"+rc.Complaint.Number+"?filed=1", "")
		return nil
	})
	w.PublicPage(mux, "GET /open/complaints/status", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		if n := r.URL.Query().Get("number"); n != "" {
			Redirect(rw, r, "/open/complaints/status/"+n, "")
			return nil
		}
		v := w.NewView(rw, r, "complaint.status")
		v.Data = map[string]any{} // the lookup form (no complaint yet)
		w.Render(rw, http.StatusOK, "complaint_status", v)
		return nil
	})
	w.PublicPage(mux, "GET /open/complaints/status/{number}", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		pub, err := c.Status(r.Context(), r.PathValue("number"))
		if err != nil {
			return err
		}
		v := w.NewView(rw, r, "complaint.status")
		v.Data = map[string]any{"C": pub, "Filed": r.URL.Query().Get("filed") == "1"}
		w.Render(rw, http.StatusOK, "complaint_status", v)
		return nil
	})
	w.Page(mux, "GET /open/complaints", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		list, err := c.List(r.Context(), p, complaint.ListQuery{State: r.URL.Query().Get("state")})
		if err != nil {
			return err
		}
		v := w.NewView(rw, r, "complaint.list")
		v.Data = map[string]any{"Items": list}
		w.Render(rw, http.StatusOK, "complaint_list", v)
		return nil
	})
	w.Page(mux, "GET /open/complaints/{id}", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
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
	})
	w.Page(mux, "POST /open/complaints/{id}/act", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		_, err := c.Act(r.Context(), p, r.PathValue("id"), complaint.Step{Event: complaint.Ev(r.PostFormValue("event")),
			Answer: r.PostFormValue("answer"), LegalBasis: r.PostFormValue("legal_basis")})
		if err != nil {
			return err
		}
		Redirect(rw, r, "/open/complaints/"+r.PathValue("id"), "flash.complaint_done")
		return nil
	})
}
