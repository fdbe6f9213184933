package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"pubdata/internal/authz"
	"pubdata/internal/supervise"
)

// Annual assessment pages (年度考核, SUP-3): the plans; one plan with its weights, its ranking and
// its steps; one agency's result with every fact behind it, its XLSX report and a print view.
func init() {
	Register(map[string][2]string{
		"nav.assessments":     {"年度考核", "Assessment"},
		"assess.title":        {"年度考核评价", "Annual assessment"},
		"assess.plan":         {"考核方案", "Assessment plan"},
		"assess.year":         {"年度", "Year"},
		"assess.state":        {"状态", "State"},
		"assess.new":          {"制定年度考核方案", "Create a plan"},
		"assess.none":         {"没有考核方案。", "No plans."},
		"assess.indicator":    {"指标", "Indicator"},
		"assess.weight":       {"权重", "Weight"},
		"assess.weights_save": {"保存权重", "Save the weights"},
		"assess.compute":      {"按平台事实计算得分", "Compute from the platform's facts"},
		"assess.computed":     {"计算时间", "Computed"},
		"assess.not_computed": {"尚未计算", "Not computed yet"},
		"assess.ranking":      {"排名", "Ranking"},
		"assess.rank":         {"名次", "Rank"},
		"assess.org":          {"单位", "Agency"},
		"assess.total":        {"总分", "Total"},
		"assess.score":        {"得分", "Score"},
		"assess.good":         {"计分事实", "Facts counted for"},
		"assess.facts":        {"事实数", "Facts"},
		"assess.result":       {"单位考核结果", "Agency result"},
		"assess.fact_rows":    {"得分依据的事实记录", "The fact rows behind the scores"},
		"assess.source":       {"来源", "Source"},
		"assess.row":          {"记录", "Row"},
		"assess.counts":       {"计分", "Counts for"},
		"assess.value":        {"数值", "Value"},
		"assess.xlsx":         {"导出报告（XLSX）", "Report (XLSX)"},
		"assess.print":        {"打印版", "Print view"},
		"assess.how":          {"计分规则见《监督》文档：各指标 0–100 分，总分为按权重的加权平均。", "How each indicator scores is in the supervision guide: 0–100 each; the total is the weighted mean."},
		"flash.assess_done":   {"已办理", "Done"},
	})
	AddNav(NavItem{Key: "nav.assessments", Href: "/assessments", Roles: []authz.Role{authz.AuthorityAdmin, authz.AuthorityReviewer, authz.Auditor,
		authz.Oversight, authz.DataOfficer, authz.AgencyApprover}, Order: 82})
}

// assessmentList lists the assessment plans, with the form to create one.
func (w *Web) assessmentList(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	items, err := a.Supervise.ListPlans(r.Context(), p)
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "assess.title")
	v.Data = map[string]any{"Items": items, "CanCreate": supervise.CanAssess(p), "Year": a.Now().Year()}
	w.Render(rw, 200, "assess_plans", v)
	return nil
}

// assessmentCreate creates an assessment plan for a year.
func (w *Web) assessmentCreate(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	year, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("year")))
	pl, err := a.Supervise.CreatePlan(r.Context(), p, supervise.NewPlan{Year: year, Title: r.PostFormValue("title")})
	if err != nil {
		return err
	}
	Redirect(rw, r, "/assessments/"+pl.ID, "flash.assess_done")
	return nil
}

// assessmentPlan shows an assessment plan with its indicators and results.
func (w *Web) assessmentPlan(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	pl, err := a.Supervise.GetPlan(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "assess.plan")
	v.Data = map[string]any{"P": pl, "CanAct": authz.Supervision(p, authz.Review, authz.SanctionAttrs{Region: pl.RegionCode}) == nil}
	w.Render(rw, 200, "assess_plan", v)
	return nil
}

// assessmentWeights sets the indicator weights of a plan; an unreadable weight is passed on as -1 so the service names the field.
func (w *Web) assessmentWeights(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	var list []supervise.Indicator
	for _, c := range supervise.IndicatorCodes {
		if v := strings.TrimSpace(r.PostFormValue("w_" + c)); v != "" {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				f = -1 // refused by the service with the field named
			}
			list = append(list, supervise.Indicator{Code: c, Weight: f})
		}
	}
	if _, err := a.Supervise.SetWeights(r.Context(), p, r.PathValue("id"), list); err != nil {
		return err
	}
	Redirect(rw, r, "/assessments/"+r.PathValue("id"), "flash.assess_done")
	return nil
}

// assessmentCompute computes a plan's results.
func (w *Web) assessmentCompute(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	if _, err := a.Supervise.Compute(r.Context(), p, r.PathValue("id")); err != nil {
		return err
	}
	Redirect(rw, r, "/assessments/"+r.PathValue("id"), "flash.assess_done")
	return nil
}

// assessmentAct records a step on an assessment plan.
func (w *Web) assessmentAct(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	if _, err := a.Supervise.StepPlan(r.Context(), p, r.PathValue("id"), r.PostFormValue("event")); err != nil {
		return err
	}
	Redirect(rw, r, "/assessments/"+r.PathValue("id"), "flash.assess_done")
	return nil
}

// assessmentResult renders an organisation's assessment result with the template tpl (page or print).
func (w *Web) assessmentResult(rw http.ResponseWriter, r *http.Request, p *authz.Principal, tpl string) error {
	a := w.App
	res, err := a.Supervise.OrgResult(r.Context(), p, r.PathValue("id"), r.PathValue("org"))
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "assess.result")
	v.Data = map[string]any{"R": res}
	w.Render(rw, 200, tpl, v)
	return nil
}

// assessmentOrg shows an organisation's result in a plan.
func (w *Web) assessmentOrg(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.assessmentResult(rw, r, p, "assess_org")
}

// assessmentOrgPrint shows an organisation's result in a plan, for printing.
func (w *Web) assessmentOrgPrint(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.assessmentResult(rw, r, p, "assess_print")
}

// assessmentOrgXLSX downloads an organisation's result as a spreadsheet.
func (w *Web) assessmentOrgXLSX(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	var buf bytes.Buffer
	if err := a.Supervise.ExportXLSX(r.Context(), p, r.PathValue("id"), r.PathValue("org"), &buf); err != nil {
		return err
	}
	rw.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	rw.Header().Set("Content-Disposition", `attachment; filename="assessment-`+r.PathValue("org")+`.xlsx"`)
	_, err := rw.Write(buf.Bytes())
	return err
}
