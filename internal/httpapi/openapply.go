package httpapi

import (
	"net/http"

	"pubdata/internal/authz"
	"pubdata/internal/openapply"
)

// Conditional opening (OPN-3): a registered public user applies for a conditionally open
// dataset; the provider approves (narrowing only) or refuses; the applicant signs the use
// agreement and receives a key limited to the dataset, the approved items and period.

// openapplyAgreement answers GET /api/v1/open/agreement: the open data use agreement (current version).
func (api *API) openapplyAgreement(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	ag := openapply.CurrentAgreement
	return OpenAgreementAnswer{Version: ag.Version, Text: ag.TextZH, TextEN: ag.TextEN, Digest: ag.Digest()}, nil
}

// openapplySubmit answers POST /api/v1/open/applications: apply for conditionally open data.
func (api *API) openapplySubmit(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in openapply.Input
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	x, err := api.App.Applications.Submit(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{x}, nil
}

// openapplyList answers GET /api/v1/open/applications: conditional-opening applications.
func (api *API) openapplyList(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	list, err := api.App.Applications.List(r.Context(), p, openapply.ListQuery{State: r.URL.Query().Get("state")})
	return map[string]any{"items": list}, err
}

// openapplyGet answers GET /api/v1/open/applications/{id}: a conditional-opening application and its progress.
func (api *API) openapplyGet(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Applications.Get(r.Context(), p, r.PathValue("id"))
}

// openapplyAct answers POST /api/v1/open/applications/{id}/events: approve, refuse, sign (returns the key once), withdraw or revoke.
func (api *API) openapplyAct(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var st openapply.Step
	if err := Decode(r, &st); err != nil {
		return nil, err
	}
	return api.App.Applications.Act(r.Context(), p, r.PathValue("id"), st)
}
