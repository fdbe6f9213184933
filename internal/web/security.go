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
		"nav.security":      {"安全运营", "Security"},
		"security.title":    {"安全运营记录", "Security operations"},
		"security.kind":     {"类型", "Kind"},
		"security.rtitle":   {"标题", "Title"},
		"security.detail":   {"内容", "Details"},
		"security.owner":    {"责任人（用户名）", "Owner (username)"},
		"security.due":      {"期限", "Due"},
		"security.days":     {"期限（工作日）", "Due in (working days)"},
		"security.severity": {"级别", "Severity"},
		"security.duty":     {"须向网信、公安部门报告", "Must be reported to the cyberspace and public security authorities"},
		"security.state":    {"状态", "State"},
		"security.signal":   {"来源信号", "Signal"},
		"security.by_hand":  {"人工登记", "Recorded by hand"},
		"security.new":      {"登记记录", "Record"},
		"security.close":    {"关闭（写明处置情况）", "Close (what was done)"},
		"security.none":     {"没有安全运营记录。", "No security records."},
		"flash.security":    {"已保存", "Saved"},
	})
	AddNav(NavItem{Key: "nav.security", Href: "/security", Roles: []authz.Role{authz.AuthorityAdmin, authz.Auditor, authz.Oversight}, Order: 85})
	pageHooks = append(pageHooks, func(w *Web, mux *http.ServeMux) { w.securityPages(mux) })
}

func (w *Web) securityPages(mux *http.ServeMux) {
	a := w.App
	w.Page(mux, "GET /security", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		rs, err := a.Security.List(r.Context(), p, r.URL.Query().Get("kind"), 200)
		if err != nil {
			return err
		}
		v := w.NewView(rw, r, "security.title")
		v.Data = map[string]any{"Items": rs, "Kinds": security.Kinds, "CanWrite": p.Has(authz.AuthorityAdmin, authz.SecurityOfficer)}
		w.Render(rw, 200, "security", v)
		return nil
	})
	w.Page(mux, "POST /security", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		days, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("days")))
		_, err := a.Security.Create(r.Context(), p, security.NewRecord{Kind: r.PostFormValue("kind"), Title: r.PostFormValue("title"),
			Detail: r.PostFormValue("detail"), Owner: r.PostFormValue("owner"), Severity: r.PostFormValue("severity"), Days: days,
			NotifyDuty: r.PostFormValue("notify_duty") == "1"})
		if err != nil {
			return err
		}
		Redirect(rw, r, "/security", "flash.security")
		return nil
	})
	w.Page(mux, "POST /security/{id}/close", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		if _, err := a.Security.Close(r.Context(), p, r.PathValue("id"), r.PostFormValue("note")); err != nil {
			return err
		}
		Redirect(rw, r, "/security", "flash.security")
		return nil
	})
}
