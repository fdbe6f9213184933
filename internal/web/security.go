package web

import (
	"net/http"
	"strconv"
	"strings"

	"pubdata/internal/authz"
	"pubdata/internal/security"
)

// Security operations page (安全运营, SEC-6, SEC-9): open records by due date (platform-opened
// incidents among them, with the signal that opened them), the form to record a check,
// assessment, plan, drill, incident or provider, and closing with a note.
func init() {
	Register(map[string][2]string{
		"nav.security":               {"安全运营", "Security"},
		"security.title":             {"安全运营记录", "Security operations"},
		"security.kind":              {"类型", "Kind"},
		"security.rtitle":            {"标题", "Title"},
		"security.detail":            {"内容", "Details"},
		"security.owner":             {"责任人（用户名）", "Owner (username)"},
		"security.due":               {"期限", "Due"},
		"security.days":              {"期限（工作日）", "Due in (working days)"},
		"security.severity":          {"级别", "Severity"},
		"security.duty":              {"须向网信、公安部门报告", "Must be reported to the cyberspace and public security authorities"},
		"security.state":             {"状态", "State"},
		"security.signal":            {"来源信号", "Signal"},
		"security.by_hand":           {"人工登记", "Recorded by hand"},
		"security.new":               {"登记记录", "Record"},
		"security.close":             {"关闭（写明处置情况）", "Close (what was done)"},
		"security.none":              {"没有安全运营记录。", "No security records."},
		"flash.security":             {"已保存", "Saved"},
		"security.one":               {"安全运营记录", "Security record"},
		"security.stage":             {"阶段", "Stage"},
		"security.region":            {"所属地区", "Region"},
		"security.history":           {"事件经过", "History"},
		"security.duties":            {"报告义务", "Notification duties"},
		"security.recipient":         {"报告对象", "Notify"},
		"security.basis":             {"依据", "Basis"},
		"security.duty_due":          {"最迟（工作日）", "By (working day)"},
		"security.done":              {"已履行", "Done"},
		"security.overdue":           {"已逾期", "Overdue"},
		"security.pending":           {"待履行", "Pending"},
		"security.add_step":          {"记录处置步骤", "Record a response step"},
		"security.step_note":         {"采取的措施", "What was done"},
		"security.notify":            {"登记已报告", "Record the notification"},
		"security.notify_note":       {"报告方式、时间、对方经办人", "How, when, and to whom"},
		"security.review_expires":    {"安全审查有效期至", "Security review valid until"},
		"security.agreement_expires": {"保密协议有效期至", "Confidentiality agreement valid until"},
		"security.expires":           {"到期", "Expiry"},
	})
	AddNav(NavItem{Key: "nav.security", Href: "/security", Roles: []authz.Role{authz.AuthorityAdmin, authz.Auditor, authz.Oversight}, Order: 85})
}

// securityList lists the security operations records, with the form to open one.
func (w *Web) securityList(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	rs, err := a.Security.List(r.Context(), p, r.URL.Query().Get("kind"), 200)
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "security.title")
	v.Data = map[string]any{"Items": rs, "Kinds": security.Kinds, "CanWrite": authz.SecurityRecords(p, authz.Create, p.RegionCode) == nil}
	w.Render(rw, 200, "security", v)
	return nil
}

// securityRecord shows a security record with its steps and notifications.
func (w *Web) securityRecord(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	rec, err := a.Security.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	var zh, en string
	a.DB.QueryRowContext(r.Context(), "SELECT name, name_en FROM regions WHERE code = $1", rec.RegionCode).Scan(&zh, &en)
	v := w.NewView(rw, r, "security.one")
	v.Data = map[string]any{"R": rec, "RegionZH": zh, "RegionEN": en, "CanWrite": authz.SecurityRecords(p, authz.Update, rec.RegionCode) == nil && rec.State == "open"}
	w.Render(rw, 200, "security_record", v)
	return nil
}

// securityStep adds a handling step to a security record.
func (w *Web) securityStep(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	if _, err := a.Security.AddStep(r.Context(), p, r.PathValue("id"), r.PostFormValue("note")); err != nil {
		return err
	}
	Redirect(rw, r, "/security/"+r.PathValue("id"), "flash.security")
	return nil
}

// securityNotified records that a party was notified of a security record.
func (w *Web) securityNotified(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	if _, err := a.Security.Notified(r.Context(), p, r.PathValue("id"), r.PostFormValue("recipient"), r.PostFormValue("note")); err != nil {
		return err
	}
	Redirect(rw, r, "/security/"+r.PathValue("id"), "flash.security")
	return nil
}

// securityCreate opens a security record.
func (w *Web) securityCreate(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	days, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("days")))
	_, err := a.Security.Create(r.Context(), p, security.NewRecord{Kind: r.PostFormValue("kind"), Title: r.PostFormValue("title"),
		Detail: r.PostFormValue("detail"), Owner: r.PostFormValue("owner"), Severity: r.PostFormValue("severity"), Days: days,
		NotifyDuty: r.PostFormValue("notify_duty") == "1", ReviewExpires: r.PostFormValue("review_expires"), AgreementExpires: r.PostFormValue("agreement_expires")})
	if err != nil {
		return err
	}
	Redirect(rw, r, "/security", "flash.security")
	return nil
}

// securityClose closes a security record.
func (w *Web) securityClose(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	if _, err := a.Security.Close(r.Context(), p, r.PathValue("id"), r.PostFormValue("note")); err != nil {
		return err
	}
	Redirect(rw, r, "/security/"+r.PathValue("id"), "flash.security")
	return nil
}
