package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/httpapi"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
	"pubdata/internal/web"
)

// offSite are next=/back= values that a browser would follow off the site (TAB, CR and LF are
// dropped from URLs and a backslash reads as a slash) or that name another scheme or host.
var offSite = []string{
	"//evil.example/", "/\t/evil.example/", "/\\evil.example/", "\\/evil.example/", "/\r\n/evil.example",
	"https://evil.example/", "javascript:alert(1)", "/%09/evil.example", "///evil.example", "/\\/evil.example",
	"evil.example", " /x", "/.//evil.example", "/x/..//evil.example", "/\x00/evil", "\t//evil.example",
}

func TestSafeNext(t *testing.T) {
	for _, s := range offSite {
		got := web.SafeNext(s)
		if got != "/" && !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.ContainsAny(got, "\\\t\r\n") {
			t.Errorf("SafeNext(%q) = %q: leaves the site", s, got)
		}
		if u, err := url.Parse(got); err != nil || u.Host != "" || u.Scheme != "" {
			t.Errorf("SafeNext(%q) = %q: not a same-site path", s, got)
		}
	}
	for in, want := range map[string]string{"/catalog?q=水": "/catalog?q=水", "/audit?actor=admin": "/audit?actor=admin", "/a/./b/../c/": "/a/c/",
		"/share/grants/x": "/share/grants/x", "": "/", "/": "/", "/%09/evil.example": "/%09/evil.example"} {
		if got := web.SafeNext(in); got != want {
			t.Errorf("SafeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNoOpenRedirect(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DirectoryApp(t, d, nil)
		h, _, _ := server.Handler(a, false)
		s := site{t, h}
		for _, bad := range offSite {
			for _, p := range []string{"/lang?to=en&back=", "/large?on=1&back="} {
				r := s.get(p + url.QueryEscape(bad))
				if loc := r.Header().Get("Location"); r.Code != 303 || strings.HasPrefix(loc, "//") || strings.ContainsAny(loc, "\\\t\r\n") || strings.Contains(loc, ":") {
					t.Errorf("%s%q → %d %q", p, bad, r.Code, loc)
				}
			}
		}
		// A login form carrying next= lands on the site only.
		pre := s.get("/login")
		var csrf *http.Cookie
		for _, c := range pre.Result().Cookies() {
			if c.Name == httpapi.PreCSRFCookie {
				csrf = c
			}
		}
		if csrf == nil {
			t.Fatal("login page set no CSRF cookie")
		}
		for _, next := range append([]string{"/catalog?q=1"}, offSite[:6]...) {
			form := url.Values{"username": {"admin"}, "password": {demo.Password}, "next": {next}, "csrf_token": {csrf.Value}}
			r := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.AddCookie(csrf)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			loc := w.Header().Get("Location")
			want := "/"
			if next == "/catalog?q=1" {
				want = next
			}
			if w.Code != 303 || loc != want {
				t.Errorf("login with next=%q → %d %q, want %q", next, w.Code, loc, want)
			}
		}
	})
}
