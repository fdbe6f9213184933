package web_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/httpapi"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// The workbench charts of #11 (requests by state and month, overdue items over time, quality
// and freshness by agency, gateway calls per day), each drawn as SVG with its text alternative
// (a title, a description and the numbers in a table).
var workbenchCharts = []struct{ id, zh, en string }{
	{"c-requests", "共享申请（按月份、当前状态）", "Share requests by month and state"},
	{"c-overdue", "逾期事项（按期限所在月份）", "Overdue items by the month they fell due"},
	{"c-quality-org", "各部门最新质量得分", ""},
	{"c-fresh-org", "各部门按时更新的比例", ""},
	{"c-calls", "共享网关每日调用", ""},
}

// noFigures are the demo accounts without figures of their own: the public, an application
// unit, the operating unit's staff and the expert committee.
var noFigures = map[string]bool{"citizen": true, "appunit": true, "operator": true, "operator2": true, "expert": true}

var (
	pendingRow = regexp.MustCompile(`(?s)<tr( class="overdue")?><td><a href="[^"]+">.*?</a></td><td>[^<]+</td><td>(\d{4}-\d\d-\d\d)</td>\s*<td class="left" data-left="(-?\d+)">(.*?)</td></tr>`)
	chartFig   = regexp.MustCompile(`(?s)<figure class="chart" id="([a-z-]+)".*?</figure>`)
)

// Every demo staff account's workbench — agency officers, approvers and security officers, the
// authority's administrators and reviewers at each level, the auditor and the supervision
// body — lists its pending items nearest deadline first, each with its working days left (or
// overdue by), and shows the five charts, each an SVG with a title, a description and its
// numbers as a table (or, with nothing to draw, its caption and a sentence saying so), in
// both languages. Accounts without figures of their own get a home page without charts.
func TestEveryStaffWorkbenchHasChartsAndDeadlines(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-03-10 10:00"))
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		en := &http.Cookie{Name: httpapi.LangCookie, Value: "en"}
		withRows := 0
		for _, acc := range demo.Accounts {
			c := s.login(acc.Username)
			for _, lang := range []string{"zh", "en"} {
				cookies := []*http.Cookie{c}
				if lang == "en" {
					cookies = append(cookies, en)
				}
				w := s.get("/", cookies...)
				page := w.Body.String()
				if w.Code != 200 {
					t.Fatalf("%s (%s): home page HTTP %d", acc.Username, lang, w.Code)
				}
				if noFigures[acc.Username] {
					if strings.Contains(page, `class="chart"`) {
						t.Errorf("%s (%s): the home page shows charts", acc.Username, lang)
					}
					continue
				}
				figs := map[string]string{}
				for _, m := range chartFig.FindAllStringSubmatch(page, -1) {
					figs[m[1]] = m[0]
				}
				for _, c := range workbenchCharts {
					f, ok := figs[c.id]
					if !ok {
						t.Errorf("%s (%s): the workbench lacks the chart %s", acc.Username, lang, c.id)
						continue
					}
					if strings.Contains(f, `<p class="help">`) && !strings.Contains(f, "<svg") {
						continue // nothing to draw for this account: the figure says so in words
					}
					for _, want := range []string{`<svg `, `role="img"`, `<title id="` + c.id + `-t">`, `<desc id="` + c.id + `-d">`, `<table class="chart-data">`} {
						if !strings.Contains(f, want) {
							t.Errorf("%s (%s): chart %s lacks %s", acc.Username, lang, c.id, want)
						}
					}
					if want := map[string]string{"zh": c.zh, "en": c.en}[lang]; want != "" && !strings.Contains(f, "<figcaption>"+want+"</figcaption>") {
						t.Errorf("%s (%s): chart %s is not titled %q", acc.Username, lang, c.id, want)
					}
				}
				if !strings.Contains(page, `id="pending"`) {
					t.Errorf("%s (%s): no pending section", acc.Username, lang)
					continue
				}
				rows := pendingRow.FindAllStringSubmatch(page, -1)
				if strings.Contains(page, `<table class="pending">`) && len(rows) == 0 {
					t.Errorf("%s (%s): pending rows not understood", acc.Username, lang)
				}
				if len(rows) > 0 && lang == "zh" {
					withRows++
				}
				for i, r := range rows {
					if i > 0 && r[2] < rows[i-1][2] {
						t.Errorf("%s (%s): pending not by deadline: %s after %s", acc.Username, lang, r[2], rows[i-1][2])
					}
					left, text := r[3], r[4]
					var want string
					switch {
					case strings.HasPrefix(left, "-"):
						want = map[string]string{"zh": "已逾期 " + left[1:] + " 个工作日", "en": "Overdue by " + left[1:] + " working days"}[lang]
						if r[1] == "" {
							t.Errorf("%s (%s): an overdue row is not marked overdue", acc.Username, lang)
						}
					case left == "0":
						want = map[string]string{"zh": "今天到期", "en": "Due today"}[lang]
					default:
						want = map[string]string{"zh": left + " 个工作日", "en": left + " working days"}[lang]
					}
					if !strings.Contains(text, want) {
						t.Errorf("%s (%s): days left %s reads %q, want %q", acc.Username, lang, left, text, want)
					}
				}
			}
		}
		if withRows < 3 {
			t.Errorf("only %d workbenches list pending items", withRows)
		}
	})
}

// The error pages — 404 (no such page), 405 (a wrong method) and 500 (a failure inside) — are
// styled pages in the user's language, with the way back home; the 500 page shows no detail.
func TestErrorPagesInTheUsersLanguage(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DirectoryApp(t, d, nil)
		h, _, err := server.Handler(a, false) // sets the web UI's error page for the middleware
		if err != nil {
			t.Fatal(err)
		}
		boom := httpapi.Middleware(a, false, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			panic("secret internal detail")
		}))
		en := &http.Cookie{Name: httpapi.LangCookie, Value: "en"}
		for _, c := range []struct {
			lang             string
			cookies          []*http.Cookie
			html             string
			n404, n405, n500 string
			home             string
		}{
			{"zh", nil, "zh-CN", "页面不存在", "不能直接打开此地址", "服务器出错了", "回到首页"},
			{"en", []*http.Cookie{en}, "en", "Page not found", "This address cannot be opened directly", "Server error", "Go to the home page"},
		} {
			do := func(h http.Handler, method, path string) *httptest.ResponseRecorder {
				r := httptest.NewRequest(method, path, nil)
				for _, k := range c.cookies {
					r.AddCookie(k)
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				return w
			}
			for _, e := range []struct {
				w     *httptest.ResponseRecorder
				code  int
				title string
			}{
				{do(h, "GET", "/no/such/page"), 404, c.n404},
				{do(h, "PATCH", "/catalog"), 405, c.n405},
				{do(boom, "GET", "/catalog"), 500, c.n500},
			} {
				body := e.w.Body.String()
				if e.w.Code != e.code {
					t.Errorf("%s: HTTP %d, want %d: %.300s", c.lang, e.w.Code, e.code, body)
					continue
				}
				for _, want := range []string{`<html lang="` + c.html + `"`, "<h1>" + e.title + "</h1>", `href="/static/style.css"`, `rel="icon"`, `id="error-home"`} {
					if !strings.Contains(body, want) {
						t.Errorf("%s %d: the page lacks %s:\n%.600s", c.lang, e.code, want, body)
					}
				}
				if c.home != "" && !strings.Contains(body, c.home) {
					t.Errorf("%s %d: no %q", c.lang, e.code, c.home)
				}
				if strings.Contains(body, "secret internal detail") || strings.Contains(body, "goroutine") {
					t.Errorf("%s %d: the page shows the internal detail", c.lang, e.code)
				}
				if c.lang == "en" && regexp.MustCompile(`<main[\s\S]*\p{Han}[\s\S]*</main>`).MatchString(body) {
					t.Errorf("the English %d page shows Chinese", e.code)
				}
			}
		}
	})
}
