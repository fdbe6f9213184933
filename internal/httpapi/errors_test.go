package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/httpapi"
	"pubdata/internal/testutil"
)

// Malformed requests get 4xx in the error shape — stable code, Chinese and English message,
// the bad field named — never a 500 and never a stack trace.
func TestMalformedRequestsGetTheErrorShape(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newDirEnv(t, d)
		cases := []struct {
			name, body, contentType string
			status                  int
			code, field             string
		}{
			{"syntax error", `{"username": "admin", "password":`, "", 400, "bad_request", "body"},
			{"not JSON at all", `username=admin`, "", 400, "bad_request", "body"},
			{"unknown field", `{"username":"admin","password":"x","remember":true}`, "", 400, "bad_request", "remember"},
			{"wrong type", `{"username":5,"password":"x"}`, "", 400, "bad_request", "username"},
			{"array instead of object", `[1,2]`, "", 400, "bad_request", ""},
			{"trailing data", `{"username":"a","password":"b"} {"x":1}`, "", 400, "bad_request", "body"},
			{"wrong content type", `<login/>`, "application/xml", 415, "unsupported_media_type", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := e.do(req{method: "POST", path: "/api/v1/auth/login", body: c.body, contentType: c.contentType})
				if r.Code != c.status {
					t.Fatalf("status %d, want %d: %s", r.Code, c.status, r.body)
				}
				er := errorShape(t, r)
				if er.Code != c.code {
					t.Fatalf("code %q, want %q", er.Code, c.code)
				}
				if c.field != "" && er.fieldNames() != c.field {
					t.Fatalf("fields %q, want %q", er.fieldNames(), c.field)
				}
			})
		}
		// A body over the limit is 413 too_large, whether or not its length was declared.
		big := `{"username":"` + strings.Repeat("a", httpapi.MaxBody) + `","password":"x"}`
		r0 := e.do(req{method: "POST", path: "/api/v1/auth/login", body: big})
		if er := errorShape(t, r0); r0.Code != 413 || er.Code != "too_large" || er.fieldNames() != "body" {
			t.Fatalf("oversized body: %d %.300s", r0.Code, r0.body)
		}
		hr := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(big))
		hr.Header.Set("Content-Type", "application/json")
		hr.ContentLength = -1
		if err := httpapi.Decode(hr, &struct {
			Username, Password string
		}{}); apperr.As(err).Status != 413 {
			t.Fatalf("oversized body of unknown length: %v", err)
		}
		// An empty body names the body.
		r := e.do(req{method: "POST", path: "/api/v1/auth/register", body: " ", contentType: "application/json"})
		if er := errorShape(t, r); r.Code != 400 || er.fieldNames() != "body" {
			t.Fatalf("empty body: %d %s", r.Code, r.body)
		}
		// Validation failures are 422 with every bad field named in both languages.
		r = e.do(req{method: "POST", path: "/api/v1/auth/register", body: `{"username":"x","password":"short","person_kind":"legal","credit_code":"91150000MA000001X"}`})
		er := errorShape(t, r)
		if r.Code != 422 || er.Code != "invalid" || er.fieldNames() != "username,display_name,password,credit_code,org_name" {
			t.Fatalf("registration validation: %d %s", r.Code, r.body)
		}
		for _, f := range er.Fields {
			if f.Message == "" || f.MessageEN == "" {
				t.Fatalf("field %s lacks a zh or en message", f.Field)
			}
		}
		// Every route that takes a JSON body answers a syntax error with a 4xx error shape.
		admin := e.token("admin", "*")
		for _, rt := range e.api.Routes {
			if !rt.Body {
				continue
			}
			path := pathParam.ReplaceAllString(rt.Path, "zz-no-such")
			r := e.do(req{method: rt.Method, path: path, body: `{"a":`, bearer: admin})
			if r.Code < 400 || r.Code >= 500 {
				t.Errorf("%s %s with broken JSON: %d %.200s", rt.Method, rt.Path, r.Code, r.body)
				continue
			}
			if strings.HasPrefix(rt.Path, "/api/3/") {
				// CKAN-compatible routes answer as CKAN does: 400 "Bad request: JSON Error: …".
				if r.Code != 400 || !strings.HasPrefix(r.body, `"Bad request: JSON Error`) {
					t.Errorf("%s %s with broken JSON: %d %.200s", rt.Method, rt.Path, r.Code, r.body)
				}
				continue
			}
			errorShape(t, r)
		}
	})
}

func TestUnknownAPIPathsGetTheErrorShape(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newDirEnv(t, d)
		for _, c := range []struct{ method, path string }{
			{"GET", "/api/v1/no-such-thing"},
			{"GET", "/api/v2/catalog"},
			{"POST", "/api/v1/no/such/thing"},
			{"DELETE", "/api/v1/me"},      // known path, unknown method
			{"GET", "/api/v1/auth/login"}, // POST-only route
		} {
			r := e.do(req{method: c.method, path: c.path})
			if r.Code != 404 || errorShape(t, r).Code != "no_such_route" {
				t.Errorf("%s %s: %d %s", c.method, c.path, r.Code, r.body)
			}
		}
	})
}

// A panicking handler answers 500 "internal" in the error shape; the panic text and the stack
// stay in the log.
func TestPanicsBecomeInternalErrors(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newDirEnv(t, d)
		e.api.Handle(httpapi.Route{Method: "GET", Path: "/api/v1/test/panic", Summary: "test", Tag: "test", Public: true, Scope: "public"},
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				panic("secret internal detail")
			})
		r := e.do(req{method: "GET", path: "/api/v1/test/panic"})
		if r.Code != 500 || errorShape(t, r).Code != "internal" || strings.Contains(r.body, "secret internal detail") {
			t.Fatalf("panic answered %d %s", r.Code, r.body)
		}
	})
}

// CSRF: a state-changing request that rides on the session cookie needs the session's token
// (X-CSRF-Token header, or csrf_token in a form); bearer-token calls need none.
func TestCSRF(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newDirEnv(t, d)
		cookie, csrf := e.session("officer")
		body := `{"name":"ci","scopes":["read"],"ttl_days":7}`

		r := e.do(req{method: "POST", path: "/api/v1/tokens", body: body, cookies: []*http.Cookie{cookie}})
		if r.Code != 403 || errorShape(t, r).Code != "csrf" {
			t.Fatalf("cookie POST without token: %d %s", r.Code, r.body)
		}
		r = e.do(req{method: "POST", path: "/api/v1/tokens", body: body, cookies: []*http.Cookie{cookie}, csrf: csrf + "x"})
		if r.Code != 403 || errorShape(t, r).Code != "csrf" {
			t.Fatalf("cookie POST with a wrong token: %d %s", r.Code, r.body)
		}
		r = e.do(req{method: "POST", path: "/api/v1/tokens", body: body, cookies: []*http.Cookie{cookie}, csrf: csrf})
		if r.Code != 201 || !strings.Contains(r.body, `"token":"pd_`) {
			t.Fatalf("cookie POST with the token: %d %s", r.Code, r.body)
		}
		// GET needs no token.
		if r := e.do(req{method: "GET", path: "/api/v1/me", cookies: []*http.Cookie{cookie}}); r.Code != 200 || !strings.Contains(r.body, csrf) {
			t.Fatalf("GET /me: %d %s", r.Code, r.body)
		}
		// HTML forms: the token travels as the csrf_token field.
		form := func(vals url.Values) req {
			return req{method: "POST", path: "/logout", body: vals.Encode(), contentType: "application/x-www-form-urlencoded", cookies: []*http.Cookie{cookie}}
		}
		if r := e.do(form(url.Values{})); r.Code != 403 {
			t.Fatalf("logout form without token: %d", r.Code)
		}
		if r := e.do(form(url.Values{"csrf_token": {csrf}})); r.Code != 303 {
			t.Fatalf("logout form with token: %d %s", r.Code, r.body)
		}
		// That logout ended the session.
		if r := e.do(req{method: "GET", path: "/api/v1/me", cookies: []*http.Cookie{cookie}}); r.Code != 401 {
			t.Fatalf("session after logout: %d", r.Code)
		}
		// Anonymous forms (login, register) use the double-submit cookie pd_csrf.
		login := url.Values{"username": {"officer"}, "password": {"Demo@2026pass"}}
		r = e.do(req{method: "POST", path: "/login", body: login.Encode(), contentType: "application/x-www-form-urlencoded"})
		if r.Code != 403 {
			t.Fatalf("login form without CSRF cookie: %d", r.Code)
		}
		page := e.do(req{method: "GET", path: "/login"})
		var pre *http.Cookie
		for _, c := range page.Result().Cookies() {
			if c.Name == httpapi.PreCSRFCookie {
				pre = c
			}
		}
		if pre == nil || !strings.Contains(page.body, `name="csrf_token" value="`+pre.Value+`"`) {
			t.Fatal("login page sets no pre-login CSRF cookie or does not put it in the form")
		}
		login.Set("csrf_token", pre.Value)
		r = e.do(req{method: "POST", path: "/login", body: login.Encode(), contentType: "application/x-www-form-urlencoded", cookies: []*http.Cookie{pre}})
		if r.Code != 303 || r.Header().Get("Location") != "/" {
			t.Fatalf("login form with CSRF: %d %s", r.Code, r.body)
		}
		// A script on another site can post a body with no content type without a preflight:
		// anonymous ones need the double-submit token too (login CSRF).
		r = e.do(req{method: "POST", path: "/api/v1/auth/login", body: `{"username":"officer","password":"Demo@2026pass"}`, contentType: "none"})
		if r.Code != 403 || errorShape(t, r).Code != "csrf" {
			t.Fatalf("anonymous login without content type: %d %s", r.Code, r.body)
		}
		// Bearer calls are not cookie-borne, so they need no CSRF token.
		// (Logout is session-only now, so the check uses a webhook registration with a bad URL.)
		tok := e.token("officer", "inbox")
		if r := e.do(req{method: "POST", path: "/api/v1/webhooks", body: `{"url":"ftp://x"}`, bearer: tok}); r.Code != 422 {
			t.Fatalf("bearer POST: %d %s", r.Code, r.body)
		}
	})
}
