package httpapi

import (
	"net/http"

	"pubdata/internal/authz"
	"pubdata/internal/security"
)

// Security operation records (SEC-6, SEC-9) — thin handlers over security.Service.
// The routes are listed in routes.go.

// securityListRecords serves GET /api/v1/security/records: Security operation records.
func (api *API) securityListRecords(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	rs, err := api.App.Security.List(r.Context(), p, r.URL.Query().Get("kind"), 200)
	return map[string]any{"items": nonNil(rs)}, err
}

// securityCreateRecord serves POST /api/v1/security/records: Create a security record.
func (api *API) securityCreateRecord(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in security.NewRecord
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	rec, err := api.App.Security.Create(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{rec}, nil
}

// securityGetRecord serves GET /api/v1/security/records/{id}: A security record.
func (api *API) securityGetRecord(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Security.Get(r.Context(), p, r.PathValue("id"))
}

// securityCloseRecord serves POST /api/v1/security/records/{id}/close: Close a record with a note.
func (api *API) securityCloseRecord(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in SecurityCloseInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Security.Close(r.Context(), p, r.PathValue("id"), in.Note)
}

// securityAddStep serves POST /api/v1/security/records/{id}/steps: Record a response step of an incident.
func (api *API) securityAddStep(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in NoteBody
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Security.AddStep(r.Context(), p, r.PathValue("id"), in.Note)
}

// securityNotified serves POST /api/v1/security/records/{id}/notified: Record a notification duty fulfilled.
func (api *API) securityNotified(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in SecurityNotifiedInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Security.Notified(r.Context(), p, r.PathValue("id"), in.Recipient, in.Note)
}

// SecurityNotifiedInput records a notification duty fulfilled: whom (data_authority, cyber_police,
// affected_users, public) and how and when.
type SecurityNotifiedInput struct {
	Recipient string `json:"recipient"`
	Note      string `json:"note"`
}
