package httpapi

import (
	"net/http"
	"strconv"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/operate"
)

// The business side of authorized operation (OPR-1, OPR-5 … OPR-8): prices, metering, feedback,
// reports and the annual disclosure, contribution scores, the operator's annual evaluation, and
// the public board. Thin handlers over operate.Service.

// operateListPrices answers GET /api/v1/operate/products/{id}/prices: a product's prices.
func (api *API) operateListPrices(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	ps, err := api.App.Operate.Prices(r.Context(), p, r.PathValue("id"))
	return map[string]any{"items": nonNil(ps)}, err
}

// operateProposePrice answers POST /api/v1/operate/products/{id}/prices: propose a price under a cap.
func (api *API) operateProposePrice(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in operate.PriceSpec
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	pr, err := api.App.Operate.ProposePrice(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return nil, err
	}
	return Created{pr}, nil
}

// operateDecidePrice answers POST /api/v1/operate/products/{id}/prices/{version}/decide: approve or refuse a price (authority).
func (api *API) operateDecidePrice(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in PriceDecideInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	v, _ := strconv.Atoi(r.PathValue("version"))
	return api.App.Operate.DecidePrice(r.Context(), p, r.PathValue("id"), v, in.Approve, in.Note)
}

// operateUsage answers GET /api/v1/operate/usage: metered use and charges of a month.
func (api *API) operateUsage(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	us, err := api.App.Operate.Usage(r.Context(), p, r.URL.Query().Get("month"))
	return map[string]any{"items": nonNil(us)}, err
}

// operateListFeedback answers GET /api/v1/operate/feedback: units' ratings and reports of use.
func (api *API) operateListFeedback(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	fs, err := api.App.Operate.FeedbackList(r.Context(), p)
	return map[string]any{"items": nonNil(fs)}, err
}

// operateGiveFeedback answers POST /api/v1/operate/products/{id}/feedback: rate a product, report use and effect.
func (api *API) operateGiveFeedback(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in operate.Feedback
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	f, err := api.App.Operate.GiveFeedback(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return nil, err
	}
	return Created{f}, nil
}

// operateListReports answers GET /api/v1/operate/reports: reports and disclosures.
func (api *API) operateListReports(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	rs, err := api.App.Operate.Reports(r.Context(), p)
	return map[string]any{"items": nonNil(rs)}, err
}

// operateFileReport answers POST /api/v1/operate/reports: file a report or the annual disclosure.
func (api *API) operateFileReport(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in ReportFileInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	rep, err := api.App.Operate.FileReport(r.Context(), p, in.Kind, in.Period)
	if err != nil {
		return nil, err
	}
	return Created{rep}, nil
}

// operateDisclosures answers GET /api/v1/operate/disclosures: annual disclosures (products and prices, public).
func (api *API) operateDisclosures(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	ds, err := api.App.Operate.Disclosures(r.Context())
	return map[string]any{"items": nonNil(ds)}, err
}

// operateContributions answers GET /api/v1/operate/contributions: contribution scores of providing agencies.
func (api *API) operateContributions(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	y, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil {
		return nil, apperr.Invalid.With(apperr.Field("year", "请给出年份", "give the year"))
	}
	cs, err := api.App.Operate.Contributions(r.Context(), p, y)
	return map[string]any{"items": nonNil(cs)}, err
}

// operateListEvaluations answers GET /api/v1/operate/evaluations: annual evaluations of the operator.
func (api *API) operateListEvaluations(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	es, err := api.App.Operate.Evaluations(r.Context(), p)
	return map[string]any{"items": nonNil(es)}, err
}

// operateRecordEvaluation answers POST /api/v1/operate/evaluations: record a third-party evaluation.
func (api *API) operateRecordEvaluation(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in operate.EvaluationInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	ev, err := api.App.Operate.RecordEvaluation(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{ev}, nil
}

// operateBoard answers GET /api/v1/operate/board: needs, offers, cases and notices (public).
func (api *API) operateBoard(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	items, total, err := api.App.Operate.Posts(r.Context(), r.URL.Query().Get("kind"), pg.Size, pg.Offset)
	if err != nil {
		return nil, err
	}
	return NewPaged(nonNil(items), pg, total), nil
}

// operateAddPost answers POST /api/v1/operate/board: post a need, offer, case or notice.
func (api *API) operateAddPost(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in operate.Post
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	po, err := api.App.Operate.AddPost(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{po}, nil
}

// operateClosePost answers POST /api/v1/operate/board/{id}/close: close a board item.
func (api *API) operateClosePost(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Operate.ClosePost(r.Context(), p, r.PathValue("id"))
}
