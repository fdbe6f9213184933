package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"pubdata/internal/demo"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// Agency supervision pages (SUP-2, SUP-4, SUP-6): a visitor files a report without logging in
// and reads its state by number; the authority records a notice from the supervision page, the
// agency sees it with the forms to answer or dispute, another region's authority does not; the
// supervision list, reports and dishonesty pages read in Chinese.
func TestSupervisionPages(t *testing.T) {
	d := testutil.SQLite(t)
	a := testutil.DemoApp(t, d, nil)
	h, _, err := server.Handler(a, false)
	if err != nil {
		t.Fatal(err)
	}
	s := site{t, h}
	// A visitor's report.
	form := s.get("/report")
	mustContain(t, "report form", form, 200, "举报违法违规使用公共数据", `id="file-report"`)
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(form.Body.String())
	if m == nil {
		t.Fatal("no csrf token on the public form")
	}
	vals := url.Values{"csrf_token": {m[1]}, "region_code": {demo.RegionProvince}, "target": {"某信息公司"}, "content": {"出售公民身份信息"},
		"reporter_name": {"李四"}, "contact": {"13900000000"}}
	r := httptest.NewRequest("POST", "/report", strings.NewReader(vals.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range form.Result().Cookies() {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/report/status/JB") {
		t.Fatalf("filing: %d %s %.300s", w.Code, w.Header().Get("Location"), w.Body)
	}
	st := s.get(strings.SplitN(w.Header().Get("Location"), "?", 2)[0])
	mustContain(t, "status", st, 200, "已受理", "某信息公司")
	if strings.Contains(st.Body.String(), "13900000000") {
		t.Fatal("the status page shows the contact")
	}

	admin := s.login("admin")
	mustContain(t, "reports", s.get("/supervision/reports", admin), 200, "某信息公司", "已受理")
	page := s.get("/supervision", admin)
	mustContain(t, "supervision", page, 200, "办理低保时仍要求群众提供户籍证明", "已答复，待认定", "登记违规并下达通知")
	w = s.postForm("/supervision/notices", admin, url.Values{"org_id": {demo.OrgMarket}, "violation": {"misuse"}, "kind": {"rectify"},
		"title": {"超范围使用企业数据"}, "detail": {"用于非履职用途"}, "days": {"5"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("record: %d %.300s", w.Code, w.Body)
	}
	loc := strings.SplitN(w.Header().Get("Location"), "?", 2)[0]
	mustContain(t, "notice for the authority", s.get(loc, admin), 200, "待整改", `id="act-withdraw"`, "主管部门登记")
	op := s.get(loc, s.login("market"))
	mustContain(t, "notice for the agency", op, 200, `id="act-respond"`, `id="act-dispute"`)
	if strings.Contains(op.Body.String(), `id="act-accept"`) {
		t.Fatal("the agency sees the authority's actions")
	}
	if g := s.get(loc, s.login("bt_admin")); g.Code != http.StatusNotFound {
		t.Fatalf("another region's authority: %d", g.Code)
	}
	w = s.postForm(loc+"/act", s.login("market"), url.Values{"event": {"respond"}, "text": {"已停止并删除"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("respond: %d %.300s", w.Code, w.Body)
	}
	mustContain(t, "answered", s.get(loc, admin), 200, "已答复，待认定", "已停止并删除", `id="act-accept"`)
	mustContain(t, "supervision list", s.get("/supervision/list", s.login("oversight")), 200, "政府督办清单")
	mustContain(t, "dishonesty", s.get("/supervision/dishonesty", admin), 200, "包头智信科技有限公司", "已登记（未公示）", "登记失信记录")
}

// The annual assessment pages (SUP-3): the demo's plan with its ranking, an agency's drill-down
// with the facts behind each score and links to their rows, the print view and the XLSX report;
// an agency does not see a draft.
func TestAssessmentPages(t *testing.T) {
	d := testutil.SQLite(t)
	a := testutil.DemoApp(t, d, nil)
	h, _, err := server.Handler(a, false)
	if err != nil {
		t.Fatal(err)
	}
	s := site{t, h}
	admin := s.login("admin")
	list := s.get("/assessments", admin)
	mustContain(t, "plans", list, 200, "年度公共数据工作考核", "草稿")
	m := regexp.MustCompile(`href="/assessments/([0-9a-f-]+)"`).FindStringSubmatch(list.Body.String())
	if m == nil {
		t.Fatal("no plan link")
	}
	plan := "/assessments/" + m[1]
	mustContain(t, "plan", s.get(plan, admin), 200, "目录完整性", "审批及时性", `id="compute"`, `id="act-review"`, "内蒙古自治区公安厅")
	org := s.get(plan+"/orgs/"+demo.OrgPublicSec, admin)
	mustContain(t, "drill-down", org, 200, "得分依据的事实记录", "目录条目", `href="/catalog/entries/`, "导出报告（XLSX）")
	mustContain(t, "print", s.get(plan+"/orgs/"+demo.OrgPublicSec+"/print", admin), 200, "内蒙古自治区公安厅", "得分依据的事实记录")
	x := s.get(plan+"/orgs/"+demo.OrgPublicSec+"/report.xlsx", admin)
	if x.Code != 200 || !strings.Contains(x.Header().Get("Content-Type"), "spreadsheetml") || x.Body.Len() < 1000 {
		t.Fatalf("xlsx: %d %s %d bytes", x.Code, x.Header().Get("Content-Type"), x.Body.Len())
	}
	if g := s.get(plan+"/orgs/"+demo.OrgPublicSec, s.login("officer")); g.Code != http.StatusNotFound {
		t.Fatalf("the agency read a draft: %d", g.Code)
	}
	for _, ev := range []string{"review", "publish"} {
		if w := s.postForm(plan+"/act", admin, url.Values{"event": {ev}}); w.Code != http.StatusSeeOther {
			t.Fatalf("%s: %d %.300s", ev, w.Code, w.Body)
		}
	}
	mustContain(t, "own result once published", s.get(plan+"/orgs/"+demo.OrgPublicSec, s.login("officer")), 200, "内蒙古自治区公安厅", "已发布")
	if g := s.get(plan+"/orgs/"+demo.OrgCivil, s.login("officer")); g.Code != http.StatusNotFound {
		t.Fatalf("an agency read another's result: %d", g.Code)
	}
}
