package httpapi

import (
	"net/http"

	"pubdata/internal/authz"
	"pubdata/internal/security"
)

// Security operation records (SEC-6, SEC-9) — thin handlers over security.Service.
func (api *API) securityRoutes() {
	a := api.App
	h := func(rt Route, fn HandlerFunc) {
		rt.Tag = "security"
		api.Handle(rt, fn)
	}
	h(Route{Method: "GET", Path: "/api/v1/security/records", Summary: "安全运营记录（检查、评估、预案、演练、事件、第三方服务机构）/ Security operation records", Out: Items[security.Record]{}, Query: []string{"kind"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			rs, err := a.Security.List(r.Context(), p, r.URL.Query().Get("kind"), 200)
			return map[string]any{"items": nonNil(rs)}, err
		})
	h(Route{Method: "POST", Path: "/api/v1/security/records", Summary: "登记安全运营记录 / Create a security record", Body: true, In: security.NewRecord{}, Out: Created{V: security.Record{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in security.NewRecord
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			rec, err := a.Security.Create(r.Context(), p, in)
			if err != nil {
				return nil, err
			}
			return Created{rec}, nil
		})
	h(Route{Method: "GET", Path: "/api/v1/security/records/{id}", Summary: "安全运营记录 / A security record", Out: security.Record{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Security.Get(r.Context(), p, r.PathValue("id"))
		})
	h(Route{Method: "POST", Path: "/api/v1/security/records/{id}/close", Summary: "关闭安全运营记录（写明处置情况）/ Close a record with a note", Body: true, In: SecurityCloseInput{}, Out: security.Record{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in SecurityCloseInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Security.Close(r.Context(), p, r.PathValue("id"), in.Note)
		})
	h(Route{Method: "POST", Path: "/api/v1/security/records/{id}/steps", Summary: "记录安全事件处置步骤 / Record a response step of an incident", Body: true, In: NoteBody{}, Out: security.Record{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in NoteBody
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Security.AddStep(r.Context(), p, r.PathValue("id"), in.Note)
		})
	h(Route{Method: "POST", Path: "/api/v1/security/records/{id}/notified", Summary: "登记已履行的事件报告义务 / Record a notification duty fulfilled", Body: true, In: SecurityNotifiedInput{}, Out: security.Record{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in SecurityNotifiedInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Security.Notified(r.Context(), p, r.PathValue("id"), in.Recipient, in.Note)
		})
}

// SecurityNotifiedInput records a notification duty fulfilled: whom (data_authority, cyber_police,
// affected_users, public) and how and when.
type SecurityNotifiedInput struct {
	Recipient string `json:"recipient"`
	Note      string `json:"note"`
}
