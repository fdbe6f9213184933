package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// The civil affairs department asks for national-platform data from its page; the authority
// records the national request number and then the answer; the department reads each step.
func TestNationalRequestPages(t *testing.T) {
	d := testutil.SQLite(t)
	a := testutil.DemoApp(t, d, testutil.NewClock("2026-11-02 10:00"))
	h, _, err := server.Handler(a, false)
	if err != nil {
		t.Fatal(err)
	}
	s := site{t, h}
	civil, admin := s.login("civil"), s.login("admin")
	if !strings.Contains(s.get("/share/national", civil).Body.String(), `name="data_wanted"`) {
		t.Fatalf("no form for the agency")
	}
	w := s.postForm("/share/national", civil, url.Values{"data_wanted": {"跨省婚姻登记信息"}, "source": {"民政部全国婚姻登记信息系统"},
		"purpose": {"核验婚姻状况"}, "basis": {"《婚姻登记条例》第七条"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("file: %d %s", w.Code, w.Body)
	}
	loc := strings.SplitN(w.Header().Get("Location"), "?", 2)[0]
	if page := s.get(loc, admin).Body.String(); !strings.Contains(page, `id="act-forward"`) || !strings.Contains(page, "待主管部门协调") {
		t.Fatalf("the authority has no forward step")
	}
	if strings.Contains(s.get(loc, civil).Body.String(), `id="act-forward"`) {
		t.Fatalf("the agency is offered the authority's step")
	}
	if w := s.postForm(loc+"/steps", admin, url.Values{"event": {"forward"}, "national_ref": {"GJSQ-1"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("forward: %d %s", w.Code, w.Body)
	}
	if w := s.postForm(loc+"/steps", admin, url.Values{"event": {"received"}, "note": {"已开通接口"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("answer: %d %s", w.Code, w.Body)
	}
	page := s.get(loc, civil).Body.String()
	for _, want := range []string{"国家平台已提供", "GJSQ-1", "已开通接口"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the agency's page lacks %q", want)
		}
	}
}
