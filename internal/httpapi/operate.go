package httpapi

import (
	"io"
	"net/http"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/operate"
)

// Authorized operation (OPR, SHR-12) and data-subject authorizations (SEC-7): thin handlers over
// operate.Service. Product calls (query, verify, score, budget) take an API token with scope
// "product"; everything else is a session's.

// operateNote is the request body of the operate steps that take a few words (expert opinion, unit
// registration and decisions, application decisions, objections); each step reads its fields.
type operateNote struct {
	Note     string `json:"note"`
	Reason   string `json:"reason"`
	Action   string `json:"action"`
	Approve  bool   `json:"approve"`
	Contact  string `json:"contact"`
	Opinion  string `json:"opinion"`
	AuditSeq int64  `json:"audit_seq"`
	Text     string `json:"text"`
}

// operateDecodeOpt decodes an optional JSON body: an empty one leaves v as it is.
func operateDecodeOpt(r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return Decode(r, v)
}

// operateListViews answers GET /api/v1/operate/views: data views.
func (api *API) operateListViews(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	vs, err := api.App.Operate.Views(r.Context(), p)
	return map[string]any{"items": nonNil(vs)}, err
}

// operateRegisterView answers POST /api/v1/operate/views: register a view (provider).
func (api *API) operateRegisterView(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in operate.View
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	v, err := api.App.Operate.RegisterView(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{v}, nil
}

// operateGetView answers GET /api/v1/operate/views/{id}: a data view.
func (api *API) operateGetView(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Operate.View(r.Context(), p, r.PathValue("id"))
}

// operateListProducts answers GET /api/v1/operate/products: products.
func (api *API) operateListProducts(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	ps, err := api.App.Operate.Products(r.Context(), p)
	return map[string]any{"items": nonNil(ps)}, err
}

// operateCreateProduct answers POST /api/v1/operate/products: define a product (operator).
func (api *API) operateCreateProduct(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in operate.ProductInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	pr, err := api.App.Operate.CreateProduct(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{pr}, nil
}

// operateGetProduct answers GET /api/v1/operate/products/{id}: a product and its reviews.
func (api *API) operateGetProduct(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pr, err := api.App.Operate.Product(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	rv, err := api.App.Operate.Reviews(r.Context(), p, pr.ID)
	return map[string]any{"product": pr, "reviews": nonNil(rv)}, err
}

// operateUpdateProduct answers PUT /api/v1/operate/products/{id}: edit a product (a released one opens a new version).
func (api *API) operateUpdateProduct(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in operate.ProductInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Operate.UpdateProduct(r.Context(), p, r.PathValue("id"), in)
}

// operateSubmitProduct answers POST /api/v1/operate/products/{id}/submit: send to compliance review.
func (api *API) operateSubmitProduct(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Operate.SubmitProduct(r.Context(), p, r.PathValue("id"))
}

// operateReviewProduct answers POST /api/v1/operate/products/{id}/review: compliance review decision.
func (api *API) operateReviewProduct(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in operate.ReviewInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Operate.ReviewProduct(r.Context(), p, r.PathValue("id"), in)
}

// operateExpertOpinion answers POST /api/v1/operate/products/{id}/expert-opinion: expert opinion.
func (api *API) operateExpertOpinion(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in operateNote
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Operate.ExpertOpinion(r.Context(), p, r.PathValue("id"), in.Opinion)
}

// operateWithdrawProduct answers POST /api/v1/operate/products/{id}/withdraw: withdraw a product.
func (api *API) operateWithdrawProduct(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Operate.WithdrawProduct(r.Context(), p, r.PathValue("id"))
}

// operateQueryStats answers POST /api/v1/operate/products/{id}/query: statistics query (restricted form, differential privacy).
func (api *API) operateQueryStats(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<10+1))
	if err != nil {
		return nil, apperr.BadRequest
	}
	return api.App.Operate.QueryStats(operate.WithClientIP(r.Context(), ClientIP(r)), p, r.PathValue("id"), body)
}

// operateVerify answers POST /api/v1/operate/products/{id}/verify: verification (yes/no only).
func (api *API) operateVerify(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in ProductVerifyInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Operate.Verify(operate.WithClientIP(r.Context(), ClientIP(r)), p, r.PathValue("id"), in.Subject, in.Claims)
}

// operateScore answers POST /api/v1/operate/products/{id}/score: indicator (the score only).
func (api *API) operateScore(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in ProductScoreInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Operate.Score(operate.WithClientIP(r.Context(), ClientIP(r)), p, r.PathValue("id"), in.Subject)
}

// operateBudget answers GET /api/v1/operate/products/{id}/budget: privacy budget of the agreement period.
func (api *API) operateBudget(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Operate.BudgetOf(r.Context(), p, r.PathValue("id"))
}

// operateListUnits answers GET /api/v1/operate/units: application units.
func (api *API) operateListUnits(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	us, err := api.App.Operate.Units(r.Context(), p)
	return map[string]any{"items": nonNil(us)}, err
}

// operateRegisterUnit answers POST /api/v1/operate/units: register as an application unit.
func (api *API) operateRegisterUnit(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in operateNote
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	u, err := api.App.Operate.RegisterUnit(r.Context(), p, in.Contact)
	if err != nil {
		return nil, err
	}
	return Created{u}, nil
}

// operateMoveUnit answers POST /api/v1/operate/units/{id}/decide: qualify, suspend, resume or terminate a unit.
func (api *API) operateMoveUnit(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in operateNote
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Operate.MoveUnit(r.Context(), p, r.PathValue("id"), in.Action, in.Reason)
}

// operateListApplications answers GET /api/v1/operate/applications: product applications.
func (api *API) operateListApplications(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	as, err := api.App.Operate.Applications(r.Context(), p)
	return map[string]any{"items": nonNil(as)}, err
}

// operateApply answers POST /api/v1/operate/applications: apply for a product.
func (api *API) operateApply(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in operate.ApplicationInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	ap, err := api.App.Operate.Apply(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{ap}, nil
}

// operateDecideApplication answers POST /api/v1/operate/applications/{id}/decide: decide an application.
func (api *API) operateDecideApplication(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in operateNote
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Operate.DecideApplication(r.Context(), p, r.PathValue("id"), in.Approve, in.Note)
}

// operateAmendAgreement answers POST /api/v1/operate/applications/{id}/amend: amend the agreement (new version).
func (api *API) operateAmendAgreement(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in operate.AmendInput
	if err := operateDecodeOpt(r, &in); err != nil {
		return nil, err
	}
	return api.App.Operate.AmendAgreement(r.Context(), p, r.PathValue("id"), in)
}

// operateListAgreements answers GET /api/v1/operate/agreements: agreements.
func (api *API) operateListAgreements(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	gs, err := api.App.Operate.Agreements(r.Context(), p)
	return map[string]any{"items": nonNil(gs)}, err
}

// operateSignAgreement answers POST /api/v1/operate/agreements/{id}/sign: sign an agreement for one's side.
func (api *API) operateSignAgreement(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Operate.SignAgreement(r.Context(), p, r.PathValue("id"))
}

// operateListQueries answers GET /api/v1/operate/queries: product use log with costs.
func (api *API) operateListQueries(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	qs, err := api.App.Operate.Queries(r.Context(), p)
	return map[string]any{"items": nonNil(qs)}, err
}

// operateMyAuthorizations answers GET /api/v1/me/authorizations: my authorizations.
func (api *API) operateMyAuthorizations(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	as, err := api.App.Operate.MyAuthorizations(r.Context(), p)
	return map[string]any{"items": nonNil(as)}, err
}

// operateAuthorize answers POST /api/v1/me/authorizations: authorize a third party.
func (api *API) operateAuthorize(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in operate.AuthorizationInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	au, err := api.App.Operate.Authorize(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{au}, nil
}

// operateRevokeAuthorization answers POST /api/v1/me/authorizations/{id}/revoke: revoke (effective on the next request).
func (api *API) operateRevokeAuthorization(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Operate.Revoke(r.Context(), p, r.PathValue("id"))
}

// operateMyAccesses answers GET /api/v1/me/accesses: who accessed my data (from the audit log).
func (api *API) operateMyAccesses(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	items, total, err := api.App.Operate.MyAccesses(r.Context(), p, pg.Size, pg.Offset)
	if err != nil {
		return nil, err
	}
	return NewPaged(nonNil(items), pg, total), nil
}

// operateMyObjections answers GET /api/v1/me/objections: my objections.
func (api *API) operateMyObjections(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	os, err := api.App.Operate.MyObjections(r.Context(), p)
	return map[string]any{"items": nonNil(os)}, err
}

// operateObject answers POST /api/v1/me/objections: object to an access.
func (api *API) operateObject(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in operateNote
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	o, err := api.App.Operate.Object(r.Context(), p, in.AuditSeq, in.Text)
	if err != nil {
		return nil, err
	}
	return Created{o}, nil
}
