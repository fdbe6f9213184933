package httpapi

import (
	"net/http"
	"strconv"

	"pubdata/internal/authz"
	"pubdata/internal/openplan"
)

// Open plans, reviews of data not open, public open-data demands and the reuse showcase
// (OPN-1, OPN-6, OPN-7). Plans, demands with their answers and the published showcase are
// public; reviews are read by the agency, the authority, auditors and oversight.

// openplanListPlans answers GET /api/v1/open/plans: annual open plans with progress (public).
func (api *API) openplanListPlans(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	y, _ := strconv.Atoi(r.URL.Query().Get("year"))
	list, err := api.App.Plans.Plans(r.Context(), y)
	return map[string]any{"items": list}, err
}

// openplanSavePlan answers POST /api/v1/open/plans: create or update an annual open plan.
func (api *API) openplanSavePlan(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in openplan.PlanInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Plans.SavePlan(r.Context(), p, in)
}

// openplanGetPlan answers GET /api/v1/open/plans/{id}: an open plan with progress (public).
func (api *API) openplanGetPlan(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Plans.Plan(r.Context(), r.PathValue("id"))
}

// openplanAddItem answers POST /api/v1/open/plans/{id}/items: plan an entry.
func (api *API) openplanAddItem(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in openplan.ItemInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Plans.AddItem(r.Context(), p, r.PathValue("id"), in)
}

// openplanRemoveItem answers DELETE /api/v1/open/plans/{id}/items/{item}: remove a planned entry.
func (api *API) openplanRemoveItem(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Plans.RemoveItem(r.Context(), p, r.PathValue("id"), r.PathValue("item"))
}

// openplanReviews answers GET /api/v1/open/reviews: data not open and its reviews.
func (api *API) openplanReviews(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	list, err := api.App.Plans.NotOpen(r.Context(), p)
	if err != nil {
		return nil, err
	}
	rv, err := api.App.Plans.Reviews(r.Context(), p)
	return OpenReviewsAnswer{NotOpen: list, Reviews: rv}, err
}

// openplanRecordReview answers POST /api/v1/open/reviews: record a review (opening outcomes submit a catalog revision).
func (api *API) openplanRecordReview(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in openplan.ReviewInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	rv, err := api.App.Plans.Review(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{rv}, nil
}

// openplanListDemands answers GET /api/v1/open/demands: open-data demands and answers (public).
func (api *API) openplanListDemands(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	lim, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	list, err := api.App.Plans.Demands(r.Context(), p, r.URL.Query().Get("state"), lim, off)
	return map[string]any{"items": list}, err
}

// openplanFileDemand answers POST /api/v1/open/demands: file an open-data demand (anyone).
func (api *API) openplanFileDemand(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in openplan.DemandInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	d, err := api.App.Plans.FileDemand(r.Context(), p, in, ClientIP(r))
	if err != nil {
		return nil, err
	}
	return Created{d}, nil
}

// openplanGetDemand answers GET /api/v1/open/demands/{number}: an open-data demand and its answer (public).
func (api *API) openplanGetDemand(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Plans.Demand(r.Context(), p, r.PathValue("number"))
}

// openplanAnswer answers POST /api/v1/open/demands/{number}/answer: answer an open-data demand (public answer).
func (api *API) openplanAnswer(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in openplan.AnswerInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Plans.Answer(r.Context(), p, r.PathValue("number"), in)
}

// openplanShowcase answers GET /api/v1/open/showcase: the reuse showcase (public).
func (api *API) openplanShowcase(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	list, err := api.App.Plans.Published(r.Context(), r.URL.Query().Get("dataset"))
	return map[string]any{"items": list}, err
}

// openplanSubmitShowcase answers POST /api/v1/open/showcase: submit a reuse (moderated).
func (api *API) openplanSubmitShowcase(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in openplan.ShowcaseInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	x, err := api.App.Plans.SubmitShowcase(r.Context(), p, in, ClientIP(r))
	if err != nil {
		return nil, err
	}
	return Created{x}, nil
}

// openplanPendingShowcase answers GET /api/v1/open/showcase/pending: reuse awaiting moderation (authority).
func (api *API) openplanPendingShowcase(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	list, err := api.App.Plans.Pending(r.Context(), p)
	return map[string]any{"items": list}, err
}

// openplanModerate answers POST /api/v1/open/showcase/{id}/moderate: moderate a reuse.
func (api *API) openplanModerate(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in ShowcaseModerateInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return OpenModerated{OK: true}, api.App.Plans.Moderate(r.Context(), p, r.PathValue("id"), in.Publish, in.Note)
}
