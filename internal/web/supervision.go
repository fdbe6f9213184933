package web

import (
	"net/http"
	"strconv"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/httpapi"
	"pubdata/internal/identity"
	"pubdata/internal/supervise"
)

// Agency supervision pages (SUP-2, SUP-4, SUP-5, SUP-6): notices (the authority's region, an
// agency its own) with the authority's form to record a violation; the government's supervision
// list; one notice with its history and actions; reports of illegal use — the public form and
// status page (no login) and the authority's list and handling; dishonesty records.
func init() {
	Register(map[string][2]string{
		"nav.supervision":    {"部门督办", "Supervision"},
		"sup.title":          {"督办与整改通知", "Supervision notices"},
		"sup.list_title":     {"政府督办清单", "Government supervision list"},
		"sup.list_hint":      {"以下通知已超过整改期限仍未整改，已列入政府督办清单。", "These notices passed their deadline without rectification and are on the government's supervision list."},
		"sup.one":            {"督办通知", "Supervision notice"},
		"sup.org":            {"被督办单位", "Agency"},
		"sup.source":         {"来源", "Source"},
		"sup.kind":           {"类型", "Kind"},
		"sup.violation":      {"违规情形", "Violation"},
		"sup.title_f":        {"标题", "Title"},
		"sup.detail":         {"违规事实", "Facts"},
		"sup.state":          {"状态", "State"},
		"sup.deadline":       {"整改期限", "Deadline"},
		"sup.issued":         {"下达时间", "Issued"},
		"sup.days":           {"整改期限（工作日）", "Deadline (working days)"},
		"sup.none":           {"没有通知。", "No notices."},
		"sup.record":         {"登记违规并下达通知", "Record a violation and issue a notice"},
		"sup.detect":         {"立即检测违规", "Detect violations now"},
		"sup.fact":           {"平台事实", "Platform fact"},
		"sup.response":       {"部门答复", "Agency's answer"},
		"sup.note":           {"认定意见", "Decision"},
		"sup.escalation":     {"协调与专家论证（督办件）", "Coordination and experts (escalation)"},
		"sup.history":        {"经过", "History"},
		"sup.act":            {"办理", "Act"},
		"sup.text":           {"说明", "Text"},
		"sup.on_list":        {"列入督办清单", "On the supervision list"},
		"sup.reports":        {"违法违规使用举报", "Reports of illegal use"},
		"sup.report":         {"举报", "Report"},
		"sup.report_new":     {"举报违法违规使用公共数据", "Report illegal use of public data"},
		"sup.report_status":  {"举报办理情况", "Report status"},
		"sup.number":         {"举报编号", "Report number"},
		"sup.region":         {"所在地区", "Region"},
		"sup.reporter":       {"举报人", "Reporter"},
		"sup.contact":        {"联系方式", "Contact"},
		"sup.target":         {"被举报的单位或个人", "Reported party"},
		"sup.content":        {"违法违规事实", "Facts"},
		"sup.answer":         {"答复", "Answer"},
		"sup.filed":          {"提交时间", "Filed"},
		"sup.no_reports":     {"没有举报。", "No reports."},
		"sup.dishonesty":     {"失信记录", "Dishonesty records"},
		"sup.dis_one":        {"失信记录", "Dishonesty record"},
		"sup.dis_new":        {"登记失信记录", "Enter a dishonesty record"},
		"sup.subject":        {"对象", "Subject"},
		"sup.basis":          {"依据", "Basis"},
		"sup.basis_id":       {"依据编号（通知或处罚）", "Basis id (notice or sanction)"},
		"sup.period":         {"有效期", "Period"},
		"sup.period_from":    {"起始日期", "From"},
		"sup.period_to":      {"截止日期", "To"},
		"sup.reason":         {"失信事实", "Facts"},
		"sup.no_dis":         {"没有失信记录。", "No dishonesty records."},
		"flash.sup_done":     {"已办理", "Done"},
		"flash.sup_issued":   {"已下达通知", "Notice issued"},
		"flash.sup_detected": {"检测完成", "Detection done"},
		"flash.sup_dis":      {"已登记失信记录", "Dishonesty record entered"},
		"flash.report_filed": {"举报已提交，请保存举报编号以查询答复", "Report filed; keep the number to read the answer"},
		"nav.report":         {"举报", "Report"},
	})
	AddNav(NavItem{Key: "nav.supervision", Href: "/supervision", Roles: []authz.Role{authz.AuthorityAdmin, authz.AuthorityReviewer, authz.Auditor,
		authz.Oversight, authz.DataOfficer, authz.AgencyApprover, authz.SecurityOfficer}, Order: 81})
}

// supervisionOffset is the list offset asked for in the query (never negative).
func (w *Web) supervisionOffset(r *http.Request) int {
	n, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	return max(n, 0)
}

// supervisionAgencies lists the agencies and utilities a notice may be issued to in the caller's region; none when the caller may not issue.
func (w *Web) supervisionAgencies(r *http.Request, p *authz.Principal) ([]identity.Org, error) {
	a := w.App
	if !supervise.CanIssue(p) {
		return nil, nil
	}
	all, err := a.Identity.Orgs(r.Context(), "", "")
	if err != nil {
		return nil, err
	}
	var out []identity.Org
	for _, o := range all {
		if authz.RegionCovers(p.RegionCode, o.RegionCode) && (o.Kind == authz.KindAgency || o.Kind == authz.KindUtility) {
			out = append(out, o)
		}
	}
	return out, nil
}

// supervisionNotices lists supervision notices: all with the form to issue one, or only the escalated ones.
func (w *Web) supervisionNotices(rw http.ResponseWriter, r *http.Request, p *authz.Principal, escalated bool) error {
	a := w.App
	q := r.URL.Query()
	items, total, err := a.Supervise.ListNotices(r.Context(), p, supervise.NoticeFilter{State: q.Get("state"), Source: q.Get("source"),
		Escalated: escalated, Limit: 50, Offset: w.supervisionOffset(r)})
	if err != nil {
		return err
	}
	title := "sup.title"
	var orgs []identity.Org
	if escalated {
		title = "sup.list_title"
	} else if orgs, err = w.supervisionAgencies(r, p); err != nil {
		return err
	}
	v := w.NewView(rw, r, title)
	v.Data = map[string]any{"Items": items, "Total": total, "Orgs": orgs, "Violations": supervise.Violations, "Escalated": escalated,
		"CanIssue": supervise.CanIssue(p)}
	w.Render(rw, 200, "sup_notices", v)
	return nil
}

// supervisionHome shows the supervision notices with the form to issue one.
func (w *Web) supervisionHome(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.supervisionNotices(rw, r, p, false)
}

// supervisionEscalated lists the escalated supervision notices.
func (w *Web) supervisionEscalated(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.supervisionNotices(rw, r, p, true)
}

// supervisionNoticeIssue issues a supervision notice to an agency or utility.
func (w *Web) supervisionNoticeIssue(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	in := supervise.NewNotice{OrgID: r.PostFormValue("org_id"), Violation: r.PostFormValue("violation"), Title: r.PostFormValue("title"),
		Detail: r.PostFormValue("detail"), Kind: r.PostFormValue("kind")}
	in.Days, _ = strconv.Atoi(strings.TrimSpace(r.PostFormValue("days")))
	n, err := a.Supervise.Record(r.Context(), p, in)
	if err != nil {
		return err
	}
	Redirect(rw, r, "/supervision/notices/"+n.ID, "flash.sup_issued")
	return nil
}

// supervisionDetect runs the detection of violations and escalates overdue notices now.
func (w *Web) supervisionDetect(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	if !supervise.CanIssue(p) {
		return apperr.Forbidden
	}
	now := a.Supervise.Now()
	if _, err := a.Supervise.Detect(r.Context(), now); err != nil {
		return err
	}
	if _, err := a.Supervise.EscalateOverdue(r.Context(), now); err != nil {
		return err
	}
	Redirect(rw, r, "/supervision", "flash.sup_detected")
	return nil
}

// supervisionNotice shows a supervision notice with the steps the caller may take.
func (w *Web) supervisionNotice(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	n, err := a.Supervise.GetNotice(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "sup.one")
	v.Data = map[string]any{"N": n, "Actions": supervise.NoticeActions(p, n)}
	w.Render(rw, 200, "sup_notice", v)
	return nil
}

// supervisionNoticeAct records a step on a supervision notice.
func (w *Web) supervisionNoticeAct(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	if _, err := a.Supervise.FireNotice(r.Context(), p, r.PathValue("id"), supervise.NoticeEvent(r.PostFormValue("event")), r.PostFormValue("text")); err != nil {
		return err
	}
	Redirect(rw, r, "/supervision/notices/"+r.PathValue("id"), "flash.sup_done")
	return nil
}

// Reports of illegal use: the public form and status page.

// supervisionRegions lists the regions a public report may name.
func (w *Web) supervisionRegions(r *http.Request) []identity.Region {
	a := w.App
	rs, _ := a.Identity.Regions(r.Context())
	return rs
}

// supervisionReportForm shows the public form to report illegal use of data (no login).
func (w *Web) supervisionReportForm(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	v := w.NewView(rw, r, "sup.report_new")
	v.Data = map[string]any{"Regions": w.supervisionRegions(r)}
	w.Render(rw, 200, "sup_report_new", v)
	return nil
}

// supervisionReportFile files a public report of illegal use; a form error shows the form again.
func (w *Web) supervisionReportFile(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	in := supervise.Filing{RegionCode: r.PostFormValue("region_code"), ReporterName: r.PostFormValue("reporter_name"),
		Contact: r.PostFormValue("contact"), Target: r.PostFormValue("target"), Content: r.PostFormValue("content")}
	rc, err := a.Supervise.FileReport(r.Context(), p, in, httpapi.ClientIP(r))
	if err != nil {
		if ae := apperr.As(err); ae.Code == "invalid" {
			v := w.NewView(rw, r, "sup.report_new")
			v.Errors = ae.Fields
			v.Data = map[string]any{"Regions": w.supervisionRegions(r), "In": in}
			w.Render(rw, http.StatusUnprocessableEntity, "sup_report_new", v)
			return nil
		}
		return err
	}
	Redirect(rw, r, "/report/status/"+rc.Number, "flash.report_filed")
	return nil
}

// supervisionReportStatus shows a public report's status by its number (no login).
func (w *Web) supervisionReportStatus(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	rs, err := a.Supervise.ReportStatus(r.Context(), r.PathValue("number"))
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "sup.report_status")
	v.Data = map[string]any{"R": rs}
	w.Render(rw, 200, "sup_report_status", v)
	return nil
}

// supervisionReports lists the public reports of illegal use.
func (w *Web) supervisionReports(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	items, total, err := a.Supervise.ListReports(r.Context(), p, r.URL.Query().Get("state"), 50, w.supervisionOffset(r))
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "sup.reports")
	v.Data = map[string]any{"Items": items, "Total": total}
	w.Render(rw, 200, "sup_reports", v)
	return nil
}

// supervisionReport shows a public report with the forms to handle it.
func (w *Web) supervisionReport(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	x, err := a.Supervise.GetReport(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	orgs, err := w.supervisionAgencies(r, p)
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "sup.report")
	v.Data = map[string]any{"R": x, "CanHandle": authz.Reports(p, authz.Review, x.RegionCode) == nil, "Orgs": orgs, "Violations": supervise.Violations}
	w.Render(rw, 200, "sup_report", v)
	return nil
}

// supervisionReportAct records a step on a public report, possibly issuing a notice.
func (w *Web) supervisionReportAct(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	st := supervise.ReportStep{Event: r.PostFormValue("event"), Answer: r.PostFormValue("answer")}
	if st.Event == "notice" {
		st.Notice = supervise.NewNotice{OrgID: r.PostFormValue("org_id"), Violation: r.PostFormValue("violation"), Title: r.PostFormValue("title"),
			Detail: r.PostFormValue("detail"), Kind: "rectify"}
	}
	if _, err := a.Supervise.HandleReport(r.Context(), p, r.PathValue("id"), st); err != nil {
		return err
	}
	Redirect(rw, r, "/supervision/reports/"+r.PathValue("id"), "flash.sup_done")
	return nil
}

// Dishonesty records.

// supervisionDishonestyList lists the dishonesty records.
func (w *Web) supervisionDishonestyList(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	items, total, err := a.Supervise.ListDishonesty(r.Context(), p, 50, w.supervisionOffset(r))
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "sup.dishonesty")
	v.Data = map[string]any{"Items": items, "Total": total, "CanIssue": supervise.CanIssue(p)}
	w.Render(rw, 200, "sup_dishonesty", v)
	return nil
}

// supervisionDishonestyRecord records a dishonesty entry.
func (w *Web) supervisionDishonestyRecord(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	x, err := a.Supervise.RecordDishonesty(r.Context(), p, supervise.NewDishonesty{BasisKind: r.PostFormValue("basis_kind"),
		BasisID: r.PostFormValue("basis_id"), Reason: r.PostFormValue("reason"), PeriodFrom: r.PostFormValue("period_from"),
		PeriodTo: r.PostFormValue("period_to")})
	if err != nil {
		return err
	}
	Redirect(rw, r, "/supervision/dishonesty/"+x.ID, "flash.sup_dis")
	return nil
}

// supervisionDishonesty shows a dishonesty record.
func (w *Web) supervisionDishonesty(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	x, err := a.Supervise.GetDishonesty(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "sup.dis_one")
	v.Data = map[string]any{"D": x, "CanAct": authz.Supervision(p, authz.Review, authz.SanctionAttrs{Region: x.RegionCode, SubjectKind: x.SubjectKind,
		SubjectID: x.SubjectID}) == nil}
	w.Render(rw, 200, "sup_dishonesty_one", v)
	return nil
}

// supervisionDishonestyAct records a step on a dishonesty record.
func (w *Web) supervisionDishonestyAct(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	if _, err := a.Supervise.StepDishonesty(r.Context(), p, r.PathValue("id"), r.PostFormValue("event"), r.PostFormValue("text")); err != nil {
		return err
	}
	Redirect(rw, r, "/supervision/dishonesty/"+r.PathValue("id"), "flash.sup_done")
	return nil
}
