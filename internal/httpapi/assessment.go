package httpapi

import (
	"bytes"
	"net/http"

	"pubdata/internal/authz"
	"pubdata/internal/supervise"
)

// Annual assessment (SUP-3): plans with indicators and weights, scores computed from the
// platform's facts, each agency's result with the fact rows behind it, and its report as XLSX.
func (api *API) assessmentRoutes() {
	a := api.App
	h := func(rt Route, fn HandlerFunc) { rt.Tag = "supervise"; api.Handle(rt, fn) }
	h(Route{Method: "GET", Path: "/api/v1/assessments", Summary: "年度考核方案 / Annual assessment plans", Out: Items[supervise.Plan]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			items, err := a.Supervise.ListPlans(r.Context(), p)
			return map[string]any{"items": nonNil(items)}, err
		})
	h(Route{Method: "POST", Path: "/api/v1/assessments", Summary: "制定年度考核方案（指标与权重）/ Create a plan (indicators and weights)", Body: true, In: supervise.NewPlan{}, Out: Created{V: supervise.Plan{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in supervise.NewPlan
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			pl, err := a.Supervise.CreatePlan(r.Context(), p, in)
			if err != nil {
				return nil, err
			}
			return Created{pl}, nil
		})
	h(Route{Method: "GET", Path: "/api/v1/assessments/{id}", Summary: "考核方案及排名 / A plan and its ranking", Out: supervise.Plan{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Supervise.GetPlan(r.Context(), p, r.PathValue("id"))
		})
	h(Route{Method: "PUT", Path: "/api/v1/assessments/{id}/indicators", Summary: "调整指标与权重（草稿）/ Set the indicators and weights (draft)", Body: true, In: AssessmentIndicators{}, Out: supervise.Plan{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in AssessmentIndicators
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Supervise.SetWeights(r.Context(), p, r.PathValue("id"), in.Indicators)
		})
	h(Route{Method: "POST", Path: "/api/v1/assessments/{id}/compute", Summary: "按平台事实计算得分（草稿）/ Compute the scores from the platform's facts (draft)", Out: supervise.Plan{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Supervise.Compute(r.Context(), p, r.PathValue("id"))
		})
	h(Route{Method: "POST", Path: "/api/v1/assessments/{id}/events", Summary: "审核（review）、发布（publish）、退回修改（reopen）/ Review, publish or reopen", Body: true, In: AssessmentEvent{}, Out: supervise.Plan{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in AssessmentEvent
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Supervise.StepPlan(r.Context(), p, r.PathValue("id"), in.Event)
		})
	h(Route{Method: "GET", Path: "/api/v1/assessments/{id}/orgs/{org}", Summary: "单位得分及其依据的事实记录 / An agency's scores and the fact rows behind them", Out: supervise.OrgResult{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Supervise.OrgResult(r.Context(), p, r.PathValue("id"), r.PathValue("org"))
		})
	h(Route{Method: "GET", Path: "/api/v1/assessments/{id}/orgs/{org}/report.xlsx", Summary: "单位考核报告（XLSX）/ An agency's report (XLSX)", Out: Raw{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var buf bytes.Buffer
			if err := a.Supervise.ExportXLSX(r.Context(), p, r.PathValue("id"), r.PathValue("org"), &buf); err != nil {
				return nil, err
			}
			w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			w.Header().Set("Content-Disposition", `attachment; filename="assessment-`+r.PathValue("org")+`.xlsx"`)
			w.Write(buf.Bytes())
			return Raw{}, nil
		})
}
