package httpapi

import (
	"bytes"
	"net/http"

	"pubdata/internal/authz"
	"pubdata/internal/supervise"
)

// Annual assessment (SUP-3): plans with indicators and weights, scores computed from the
// platform's facts, each agency's result with the fact rows behind it, and its report as XLSX.
// The routes are listed in routes.go.

// assessmentListPlans serves GET /api/v1/assessments: Annual assessment plans.
func (api *API) assessmentListPlans(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	items, err := api.App.Supervise.ListPlans(r.Context(), p)
	return map[string]any{"items": nonNil(items)}, err
}

// assessmentCreatePlan serves POST /api/v1/assessments: Create a plan (indicators and weights).
func (api *API) assessmentCreatePlan(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in supervise.NewPlan
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	pl, err := api.App.Supervise.CreatePlan(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{pl}, nil
}

// assessmentGetPlan serves GET /api/v1/assessments/{id}: A plan and its ranking.
func (api *API) assessmentGetPlan(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Supervise.GetPlan(r.Context(), p, r.PathValue("id"))
}

// assessmentSetIndicators serves PUT /api/v1/assessments/{id}/indicators: Set the indicators and weights (draft).
func (api *API) assessmentSetIndicators(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in AssessmentIndicators
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Supervise.SetWeights(r.Context(), p, r.PathValue("id"), in.Indicators)
}

// assessmentCompute serves POST /api/v1/assessments/{id}/compute: Compute the scores from the platform's facts (draft).
func (api *API) assessmentCompute(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Supervise.Compute(r.Context(), p, r.PathValue("id"))
}

// assessmentStepPlan serves POST /api/v1/assessments/{id}/events: Review, publish or reopen.
func (api *API) assessmentStepPlan(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in AssessmentEvent
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Supervise.StepPlan(r.Context(), p, r.PathValue("id"), in.Event)
}

// assessmentOrgResult serves GET /api/v1/assessments/{id}/orgs/{org}: An agency's scores and the fact rows behind them.
func (api *API) assessmentOrgResult(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Supervise.OrgResult(r.Context(), p, r.PathValue("id"), r.PathValue("org"))
}

// assessmentOrgReport serves GET /api/v1/assessments/{id}/orgs/{org}/report.xlsx: An agency's report (XLSX).
func (api *API) assessmentOrgReport(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var buf bytes.Buffer
	if err := api.App.Supervise.ExportXLSX(r.Context(), p, r.PathValue("id"), r.PathValue("org"), &buf); err != nil {
		return nil, err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="assessment-`+r.PathValue("org")+`.xlsx"`)
	w.Write(buf.Bytes())
	return Raw{}, nil
}
