package httpapi

import (
	"net/http"
	"strconv"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/supervise"
)

// Sanctions (SUP-1): rectification orders to data users — thin handlers over supervise.Service.
// A sanctioned subject's API keys are refused, so it reports its rectification through a
// logged-in session (the web page or this API with the session cookie).
func (api *API) superviseRoutes() {
	a := api.App
	h := func(rt Route, fn HandlerFunc) {
		rt.Tag = "supervise"
		api.Handle(rt, fn)
	}
	h(Route{Method: "GET", Path: "/api/v1/sanctions", Summary: "责令整改（处罚）列表 / Rectification orders (sanctions)", Out: SanctionsAnswer{}, Query: []string{"limit", "offset", "state"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			q := r.URL.Query()
			limit, offset := 50, 0
			if v := q.Get("limit"); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 || n > 200 {
					return nil, apperr.BadRequest.With(apperr.Field("limit", "条数须为 1–200", "limit must be 1–200"))
				}
				limit = n
			}
			if v := q.Get("offset"); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil || n < 0 {
					return nil, apperr.BadRequest.With(apperr.Field("offset", "须为非负整数", "must be a non-negative integer"))
				}
				offset = n
			}
			items, total, err := a.Supervise.List(r.Context(), p, q.Get("state"), limit, offset)
			return map[string]any{"items": nonNil(items), "total": total}, err
		})
	h(Route{Method: "POST", Path: "/api/v1/sanctions", Summary: "责令整改：暂停对象的全部接口访问 / Order rectification, suspending the subject's API access", Body: true, In: supervise.NewSanction{}, Out: Created{V: supervise.Sanction{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in supervise.NewSanction
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			sc, err := a.Supervise.Issue(r.Context(), p, in)
			if err != nil {
				return nil, err
			}
			return Created{sc}, nil
		})
	h(Route{Method: "GET", Path: "/api/v1/sanctions/{id}", Summary: "责令整改及其经过 / A rectification order and its history", Out: supervise.Sanction{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Supervise.Get(r.Context(), p, r.PathValue("id"))
		})
	h(Route{Method: "POST", Path: "/api/v1/sanctions/{id}/{event}", Summary: "报告整改（report）、认定通过（accept）、退回（reject）、终止（terminate）/ Report, accept, reject or terminate", Body: true, In: SanctionStepInput{}, Out: supervise.Sanction{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in SanctionStepInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			ev := supervise.SanctionEvent(r.PathValue("event"))
			switch ev {
			case supervise.EvReport, supervise.EvAccept, supervise.EvReject, supervise.EvTerminate:
			default:
				return nil, apperr.NotFound
			}
			return a.Supervise.Fire(r.Context(), p, r.PathValue("id"), ev, in.Text)
		})
}
