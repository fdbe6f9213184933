package httpapi

import (
	"net/http"

	"pubdata/internal/authz"
	"pubdata/internal/complaint"
)

// Rights complaints (OPN-5): anyone files (public), anyone reads the public status by number;
// the provider and the authority list, read and act.
// The routes are listed in routes.go.

// complaintFile serves POST /api/v1/open/complaints: File a rights complaint (suspends opening at once).
func (api *API) complaintFile(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in complaint.Filing
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	rc, err := api.App.Complaints.File(r.Context(), p, in, ClientIP(r))
	if err != nil {
		return nil, err
	}
	return Created{rc}, nil
}

// complaintStatus serves GET /api/v1/open/complaint-status/{number}: Complaint status by number.
func (api *API) complaintStatus(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Complaints.Status(r.Context(), r.PathValue("number"))
}

// complaintList serves GET /api/v1/open/complaints: Rights complaints (provider, authority).
func (api *API) complaintList(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	list, err := api.App.Complaints.List(r.Context(), p, complaint.ListQuery{State: r.URL.Query().Get("state")})
	return map[string]any{"items": list}, err
}

// complaintMine serves GET /api/v1/open/complaints/mine: My rights complaints.
func (api *API) complaintMine(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	list, err := api.App.Complaints.Mine(r.Context(), p)
	return map[string]any{"items": list}, err
}

// complaintGet serves GET /api/v1/open/complaints/{id}: A rights complaint.
func (api *API) complaintGet(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Complaints.Get(r.Context(), p, r.PathValue("id"))
}

// complaintAct serves POST /api/v1/open/complaints/{id}/events: Act on a complaint.
func (api *API) complaintAct(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var st complaint.Step
	if err := Decode(r, &st); err != nil {
		return nil, err
	}
	return api.App.Complaints.Act(r.Context(), p, r.PathValue("id"), st)
}
