package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// Baotou's data bureau reports its level's catalog to the region from the catalog-report page;
// the region's reviewer returns one entry with a reason and approves the rest; both see the
// outcome in words, and the agency's entry page shows the return.
func TestLevelReportPages(t *testing.T) {
	d := testutil.SQLite(t)
	a := testutil.DemoApp(t, d, testutil.NewClock("2026-11-02 10:00"))
	h, _, err := server.Handler(a, false)
	if err != nil {
		t.Fatal(err)
	}
	s := site{t, h}
	bt, reviewer := s.login("bt_admin"), s.login("reviewer")
	page := s.get("/catalog/level-reports", bt).Body.String()
	for _, want := range []string{"待报审的变化", "包头市犬只登记信息", "新增", "报上一级审核"} {
		if !strings.Contains(page, want) {
			t.Fatalf("Baotou's page lacks %q", want)
		}
	}
	w := s.postForm("/catalog/level-reports", bt, url.Values{"note": {"第四季度"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("report: %d %s", w.Code, w.Body)
	}
	loc := strings.SplitN(w.Header().Get("Location"), "?", 2)[0]
	view := s.get(loc, reviewer).Body.String()
	if !strings.Contains(view, "待上级审核") || !strings.Contains(view, `name="d_cat-bt-dogs"`) {
		t.Fatalf("the reviewer's view has no decision form:\n%s", view)
	}
	if strings.Contains(s.get(loc, bt).Body.String(), `name="d_cat-bt-dogs"`) {
		t.Fatalf("the reporting level is offered the decision")
	}
	form := url.Values{"note": {"其余通过"}}
	for _, m := range regexp.MustCompile(`name="d_([^"]+)" value="approve"`).FindAllStringSubmatch(view, -1) {
		form.Set("d_"+m[1], "approve")
	}
	form.Set("d_cat-bt-dogs", "return")
	form.Set("reason_cat-bt-dogs", "犬主身份号码应为有条件共享")
	w = s.postForm(loc+"/decide", reviewer, form)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("decide: %d %s", w.Code, w.Body)
	}
	done := s.get(loc, bt).Body.String()
	for _, want := range []string{"上级退回部分目录", "退回：犬主身份号码应为有条件共享", "通过"} {
		if !strings.Contains(done, want) {
			t.Fatalf("the decided report lacks %q", want)
		}
	}
	entry := s.get("/catalog/entries/cat-bt-dogs", s.login("admin")).Body.String()
	if !strings.Contains(entry, `id="upper-return"`) {
		t.Fatalf("the entry page does not show the return")
	}
}
