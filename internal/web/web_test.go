package web_test

import (
	"bytes"
	"mime/multipart"
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

type site struct {
	t *testing.T
	h http.Handler
}

func (s site) get(path string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", path, nil)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	return w
}

func (s site) login(username string) *http.Cookie {
	s.t.Helper()
	r := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"`+username+`","password":"`+demo.Password+`"}`))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	for _, c := range w.Result().Cookies() {
		if c.Name == httpapi.SessionCookie {
			return c
		}
	}
	s.t.Fatalf("login %s: %d %s", username, w.Code, w.Body)
	return nil
}

var navLink = regexp.MustCompile(`<nav aria-label="main">[\s\S]*?</nav>`)
var href = regexp.MustCompile(`href="([^"]+)"`)

// Every demo user's navigation shows only pages that user may open, and each of them renders
// in both languages; role-restricted entries appear for the right roles only.
func TestRoleAwareNavigation(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		en := &http.Cookie{Name: httpapi.LangCookie, Value: "en"}
		for _, acc := range demo.Accounts {
			c := s.login(acc.Username)
			home := s.get("/", c)
			if home.Code != 200 {
				t.Fatalf("%s: home %d", acc.Username, home.Code)
			}
			nav := navLink.FindString(home.Body.String())
			var links []string
			for _, m := range href.FindAllStringSubmatch(nav, -1) {
				links = append(links, m[1])
			}
			hasAudit := strings.Contains(nav, `href="/audit"`)
			wantAudit := acc.Username == "admin" || acc.Username == "auditor" || acc.Username == "oversight" || acc.Username == "security" ||
				acc.Username == "officer" || acc.Username == "civil" || acc.Username == "market" || acc.Username == "health" ||
				acc.Username == "hrss" || acc.Username == "water" || acc.Username == "bt_admin" || acc.Username == "tmy_admin" || acc.Username == "tmy_civil"
			if hasAudit != wantAudit {
				t.Errorf("%s: audit log in navigation = %v", acc.Username, hasAudit)
			}
			if got := strings.Contains(nav, `href="/jobs"`); got != (acc.Username == "admin" || acc.Username == "bt_admin" || acc.Username == "tmy_admin") {
				t.Errorf("%s: jobs in navigation = %v", acc.Username, got)
			}
			for _, l := range links {
				for _, lang := range [][]*http.Cookie{{c}, {c, en}} {
					r := s.get(l, lang...)
					if r.Code != 200 {
						t.Errorf("%s: navigation link %s answers %d", acc.Username, l, r.Code)
					}
				}
			}
		}
	})
}

func TestPagesForVisitors(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DirectoryApp(t, d, nil)
		h, _, _ := server.Handler(a, false)
		s := site{t, h}
		// Pages that need a login send visitors to it, keeping where they were going.
		r := s.get("/audit?actor=admin")
		if r.Code != 303 || r.Header().Get("Location") != "/login?next=%2Faudit%3Factor%3Dadmin" {
			t.Fatalf("visitor on /audit: %d %s", r.Code, r.Header().Get("Location"))
		}
		// Public pages render in Chinese by default and in English with the cookie.
		for path, words := range map[string][2]string{"/": {"公共数据平台", "Public Data Platform"}, "/login": {"登录", "Log in"}, "/register": {"公众注册", "Register"},
			"/open/complaints/status": {"查询投诉办理情况", "Follow a complaint"}} {
			zh := s.get(path)
			en := s.get(path, &http.Cookie{Name: httpapi.LangCookie, Value: "en"})
			if zh.Code != 200 || !strings.Contains(zh.Body.String(), words[0]) || !strings.Contains(zh.Body.String(), `lang="zh-CN"`) {
				t.Errorf("%s in Chinese: %d", path, zh.Code)
			}
			if en.Code != 200 || !strings.Contains(en.Body.String(), words[1]) || !strings.Contains(en.Body.String(), `<html lang="en">`) {
				t.Errorf("%s in English: %d", path, en.Code)
			}
		}
		// The language and large-text switches set cookies and return to the page (never off-site).
		r = s.get("/lang?to=en&back=/login")
		if r.Code != 303 || r.Header().Get("Location") != "/login" || !strings.Contains(r.Header().Get("Set-Cookie"), "pd_lang=en") {
			t.Fatalf("/lang: %d %v", r.Code, r.Header())
		}
		if r := s.get("/lang?to=en&back=//evil.example/"); r.Header().Get("Location") != "/" {
			t.Fatalf("open redirect through /lang: %s", r.Header().Get("Location"))
		}
		r = s.get("/large?on=1&back=/")
		if !strings.Contains(r.Header().Get("Set-Cookie"), "pd_large=1") {
			t.Fatal("/large sets no cookie")
		}
		if b := s.get("/", &http.Cookie{Name: httpapi.LargeCookie, Value: "1"}).Body.String(); !strings.Contains(b, `<body class="large">`) {
			t.Fatal("large-text mode not applied")
		}
		// Every form field on the public forms has a label.
		for _, path := range []string{"/login", "/register"} {
			body := s.get(path).Body.String()
			for _, m := range regexp.MustCompile(`<input id="([^"]+)"`).FindAllStringSubmatch(body, -1) {
				if !strings.Contains(body, `<label for="`+m[1]+`"`) {
					t.Errorf("%s: input #%s has no label", path, m[1])
				}
			}
		}
	})
}

// The authority administrator imports next year's holiday table through the calendar page (a
// multipart upload carrying the CSRF token in its URL); others cannot.
func TestCalendarImportPage(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DirectoryApp(t, d, nil)
		h, _, _ := server.Handler(a, false)
		s := site{t, h}
		upload := func(username, csv string) *httptest.ResponseRecorder {
			c := s.login(username)
			page := s.get("/calendar", c).Body.String()
			m := regexp.MustCompile(`action="/calendar/import\?csrf_token=([a-z0-9]+)"`).FindStringSubmatch(page)
			csrf := ""
			if m != nil {
				csrf = m[1]
			} else {
				csrf = regexp.MustCompile(`name="csrf_token" value="([a-z0-9]+)"`).FindStringSubmatch(page)[1]
			}
			var body bytes.Buffer
			mw := multipart.NewWriter(&body)
			fw, _ := mw.CreateFormFile("file", "2027.csv")
			fw.Write([]byte(csv))
			mw.Close()
			r := httptest.NewRequest("POST", "/calendar/import?csrf_token="+csrf, &body)
			r.Header.Set("Content-Type", mw.FormDataContentType())
			r.AddCookie(c)
			w := httptest.NewRecorder()
			s.h.ServeHTTP(w, r)
			return w
		}
		if strings.Contains(s.get("/calendar", s.login("officer")).Body.String(), "/calendar/import") {
			t.Fatal("the import form is shown to a data officer")
		}
		if w := upload("officer", "2027-01-01,off,元旦\n"); w.Code != 403 {
			t.Fatalf("data officer imported a calendar: %d", w.Code)
		}
		w := upload("admin", "2027-01-01,off\n2027-02-30,off\n")
		if w.Code != 422 || !strings.Contains(w.Body.String(), "第 2 行") {
			t.Fatalf("bad file: %d %.300s", w.Code, w.Body.String())
		}
		w = upload("admin", "date,kind,name\n2027-01-01,off,元旦\n2027-02-20,班,春节调休\n")
		if w.Code != 303 || w.Header().Get("Location") != "/calendar?year=2027" {
			t.Fatalf("import: %d %s", w.Code, w.Header().Get("Location"))
		}
		page := s.get("/calendar?year=2027", s.login("officer")).Body.String()
		if !strings.Contains(page, "2027-02-20") || !strings.Contains(page, "春节调休") {
			t.Fatal("imported days not shown")
		}
		page = s.get("/calendar?year=2027&from=2027-02-19&workdays=1", s.login("officer")).Body.String()
		if !strings.Contains(page, `<strong>2027-02-20</strong>`) {
			t.Fatal("the page's working-day calculator ignores the imported make-up day")
		}
	})
}
