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
// The routes are listed in routes.go.

// superviseListSanctions serves GET /api/v1/sanctions: Rectification orders (sanctions).
func (api *API) superviseListSanctions(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
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
	items, total, err := api.App.Supervise.List(r.Context(), p, q.Get("state"), limit, offset)
	return map[string]any{"items": nonNil(items), "total": total}, err
}

// superviseIssueSanction serves POST /api/v1/sanctions: Order rectification, suspending the subject's API access.
func (api *API) superviseIssueSanction(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in supervise.NewSanction
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	sc, err := api.App.Supervise.Issue(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{sc}, nil
}

// superviseGetSanction serves GET /api/v1/sanctions/{id}: A rectification order and its history.
func (api *API) superviseGetSanction(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Supervise.Get(r.Context(), p, r.PathValue("id"))
}

// superviseStepSanction serves POST /api/v1/sanctions/{id}/{event}: Report, accept, reject or terminate.
func (api *API) superviseStepSanction(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
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
	return api.App.Supervise.Fire(r.Context(), p, r.PathValue("id"), ev, in.Text)
}
