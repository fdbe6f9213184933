package web_test

import (
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/httpapi"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

var figureLink = regexp.MustCompile(`<a class="tile[^"]*" href="([^"]+)" data-figure="dash.entries"><span class="v">(\d+)</span>`)

// The authority's dashboard shows charts with text alternatives, and its numbers lead to the
// items behind them (as many as the number says); auditors and oversight bodies read the same;
// an agency's officer is kept to its organization, another region's authority does not see a
// provincial agency, the public sees nothing. On both backends.
func TestDashboardPages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-03-10 10:00"))
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		for _, user := range []string{"admin", "auditor", "oversight"} {
			page := s.get("/supervise/dashboard", s.login(user))
			body := page.Body.String()
			if page.Code != 200 {
				t.Fatalf("%s: %d", user, page.Code)
			}
			for _, want := range []string{`role="img"`, `<table class="chart-data">`, "各部门已发布目录", "共享申请（按月份、当前状态）", "期限临近或逾期", "最近一次恢复演练"} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: dashboard lacks %q", user, want)
				}
			}
			if strings.Contains(body, `method="post"`) && !strings.Contains(body, `action="/logout"`) {
				t.Errorf("%s: the dashboard has a form that changes something", user)
			}
			m := figureLink.FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("%s: no entries figure", user)
			}
			n, _ := strconv.Atoi(m[2])
			items := s.get(strings.ReplaceAll(m[1], "&amp;", "&")+"&page_size=500", s.login(user)).Body.String()
			if got := strings.Count(items, `<a href="/catalog/entries/`); got != n || n == 0 {
				t.Fatalf("%s: the figure says %d entries, the drill-down lists %d", user, n, got)
			}
		}
		// Narrowed to one agency, by the authority.
		org := s.get("/supervise/dashboard?org="+demo.OrgPublicSec, s.login("admin")).Body.String()
		if !strings.Contains(org, `<option value="`+demo.OrgPublicSec+`" selected>`) {
			t.Fatal("the agency filter is not kept")
		}
		if c := s.get("/supervise/dashboard?org="+demo.OrgPublicSec, s.login("bt_admin")).Code; c != http.StatusNotFound {
			t.Fatalf("city authority on a provincial agency: %d", c)
		}
		if c := s.get("/supervise/dashboard/items?set=entries&scope="+demo.OrgCivil, s.login("officer")).Code; c != http.StatusNotFound {
			t.Fatalf("officer on another agency's items: %d", c)
		}
		if c := s.get("/supervise/dashboard", s.login("citizen")).Code; c != http.StatusForbidden {
			t.Fatalf("citizen: %d", c)
		}
		if c := s.get("/supervise/dashboard/items?set=nope", s.login("admin")).Code; c != http.StatusNotFound {
			t.Fatalf("unknown set: %d", c)
		}
		// English.
		en := s.get("/supervise/dashboard", s.login("admin"), &http.Cookie{Name: httpapi.LangCookie, Value: "en"}).Body.String()
		if !strings.Contains(en, "Published entries by agency") || strings.Contains(en, "各部门已发布目录") {
			t.Fatal("the English dashboard is not in English")
		}
	})
}

// The workbench lists pending items by deadline with working days left and shows charts; the
// public home page has the search box, the counts, topics and recent updates.
func TestHomeAndWorkbench(t *testing.T) {
	d := testutil.SQLite(t)
	a := testutil.DemoApp(t, d, testutil.NewClock("2026-03-10 10:00"))
	h, _, err := server.Handler(a, false)
	if err != nil {
		t.Fatal(err)
	}
	s := site{t, h}
	home := s.get("/").Body.String()
	for _, want := range []string{`id="home-search"`, `action="/catalog"`, "目录条目", "开放数据集", "累计服务调用", "按主题浏览", "最近更新", `href="/catalog?topic=`} {
		if !strings.Contains(home, want) {
			t.Errorf("public home lacks %q", want)
		}
	}
	en := s.get("/", &http.Cookie{Name: httpapi.LangCookie, Value: "en"}).Body.String()
	if !strings.Contains(en, "Find public data") || !strings.Contains(en, "Recent updates") {
		t.Error("the English home page is not in English")
	}
	for _, user := range []string{"approver", "admin"} {
		wb := s.get("/", s.login(user)).Body.String()
		for _, want := range []string{`id="pending"`, "共享申请（按月份、当前状态）", "逾期事项（按期限所在月份）", "各部门最新质量得分", "各部门按时更新的比例", "共享网关每日调用"} {
			if !strings.Contains(wb, want) {
				t.Errorf("%s workbench lacks %q", user, want)
			}
		}
		// Pending rows come by deadline.
		dues := regexp.MustCompile(`<td>(\d{4}-\d\d-\d\d)</td>\s*<td class="left"`).FindAllStringSubmatch(wb, -1)
		for i := 1; i < len(dues); i++ {
			if dues[i][1] < dues[i-1][1] {
				t.Fatalf("%s: pending not by deadline: %s before %s", user, dues[i-1][1], dues[i][1])
			}
		}
	}
	if os.Getenv("PUBDATA_DEBUG_HOME") != "" {
		t.Log(s.get("/", s.login("approver")).Body.String())
	}
}
