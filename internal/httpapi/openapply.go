package httpapi

import (
	"net/http"

	"pubdata/internal/authz"
	"pubdata/internal/openapply"
)

// Conditional opening (OPN-3): a registered public user applies for a conditionally open
// dataset; the provider approves (narrowing only) or refuses; the applicant signs the use
// agreement and receives a key limited to the dataset, the approved items and period.
func (api *API) openapplyRoutes() {
	a := api.App
	if a.Applications == nil {
		return
	}
	h := func(rt Route, fn HandlerFunc) { rt.Tag = "open-application"; api.Handle(rt, fn) }
	h(Route{Method: "GET", Path: "/api/v1/open/agreement", Summary: "开放数据使用协议（当前版本） / The open data use agreement (current version)", Public: true, Out: OpenAgreementAnswer{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			ag := openapply.CurrentAgreement
			return OpenAgreementAnswer{Version: ag.Version, Text: ag.TextZH, TextEN: ag.TextEN, Digest: ag.Digest()}, nil
		})
	h(Route{Method: "POST", Path: "/api/v1/open/applications", Summary: "申请有条件开放数据 / Apply for conditionally open data", Body: true, In: openapply.Input{}, Out: Created{V: openapply.Application{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in openapply.Input
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			x, err := a.Applications.Submit(r.Context(), p, in)
			if err != nil {
				return nil, err
			}
			return Created{x}, nil
		})
	h(Route{Method: "GET", Path: "/api/v1/open/applications", Summary: "有条件开放申请列表（本人、提供部门、主管部门、审计） / Conditional-opening applications", Out: Items[openapply.Application]{}, Query: []string{"state"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			list, err := a.Applications.List(r.Context(), p, openapply.ListQuery{State: r.URL.Query().Get("state")})
			return map[string]any{"items": list}, err
		})
	h(Route{Method: "GET", Path: "/api/v1/open/applications/{id}", Summary: "有条件开放申请详情与进度 / A conditional-opening application and its progress", Out: openapply.Application{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Applications.Get(r.Context(), p, r.PathValue("id"))
		})
	h(Route{Method: "POST", Path: "/api/v1/open/applications/{id}/events", Summary: "办理申请：批准（只能缩小）、不予开放、签署协议（返回一次性密钥）、撤回、终止使用 / Act: approve, refuse, sign (returns the key once), withdraw, revoke", Body: true, In: openapply.Step{}, Out: openapply.Result{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var st openapply.Step
			if err := Decode(r, &st); err != nil {
				return nil, err
			}
			return a.Applications.Act(r.Context(), p, r.PathValue("id"), st)
		})
}
