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

func (s site) postSanction(path string, c *http.Cookie, form url.Values) *httptest.ResponseRecorder {
	page := s.get("/sanctions", c).Body.String()
	m := regexp.MustCompile(`name="csrf_token" value="([a-z0-9]+)"`).FindStringSubmatch(page)
	if m == nil {
		s.t.Fatalf("no csrf token on /sanctions")
	}
	form.Set("csrf_token", m[1])
	r := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(c)
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	return w
}

// The authority orders rectification from the sanctions page; the agency sees its order with
// the form to report; the demo's accepted order shows its whole history.
func TestSanctionPages(t *testing.T) {
	d := testutil.SQLite(t)
	a := testutil.DemoApp(t, d, nil)
	h, _, err := server.Handler(a, false)
	if err != nil {
		t.Fatal(err)
	}
	s := site{t, h}
	admin := s.login("admin")
	list := s.get("/sanctions", admin).Body.String()
	for _, want := range []string{"包头智信科技有限公司", "整改通过，已恢复访问", "未落实安全保障措施", "下达责令整改"} {
		if !strings.Contains(list, want) {
			t.Errorf("sanctions page lacks %q", want)
		}
	}
	w := s.postSanction("/sanctions", admin, url.Values{"subject_kind": {"org"}, "org_id": {demo.OrgMarket}, "ground": {"beyond_scope"},
		"reason": {"超范围调用共享接口"}, "days": {"10"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("issue: %d %s", w.Code, w.Body)
	}
	loc := w.Header().Get("Location")
	page := s.get(strings.SplitN(loc, "?", 2)[0], admin).Body.String()
	if !strings.Contains(page, "整改中（访问已暂停）") || !strings.Contains(page, `id="act-terminate"`) || strings.Contains(page, `id="act-report"`) {
		t.Fatalf("order page for the authority:\n%s", page)
	}
	// A bad form: the fields are named.
	bad := s.postSanction("/sanctions", admin, url.Values{"subject_kind": {"org"}, "org_id": {demo.OrgMarket}, "ground": {"x"}, "days": {"99"}})
	if bad.Code != http.StatusUnprocessableEntity || !strings.Contains(bad.Body.String(), "整改期限须为 1–60 个工作日") {
		t.Fatalf("bad form: %d", bad.Code)
	}
	// The agency's officer sees its order and may report.
	var officer string
	for _, acc := range demo.Accounts {
		if acc.Org == demo.OrgMarket {
			officer = acc.Username
			break
		}
	}
	if officer == "" {
		t.Skip("no demo account in the market agency")
	}
	oc := s.login(officer)
	op := s.get(strings.SplitN(loc, "?", 2)[0], oc).Body.String()
	if !strings.Contains(op, `id="act-report"`) || strings.Contains(op, `id="act-accept"`) {
		t.Fatalf("order page for the subject lacks the report form or shows the authority's actions")
	}
	// Another region's authority does not see it.
	if g := s.get(strings.SplitN(loc, "?", 2)[0], s.login("bt_admin")); g.Code != http.StatusNotFound {
		t.Fatalf("another region's authority: %d", g.Code)
	}
}
