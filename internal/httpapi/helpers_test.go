package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/httpapi"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// env is the whole HTTP surface (middleware, API, UI, health) over the whole demo region with
// every capability's demo data (newEnv), or over only the demo region's directory and accounts
// (newDirEnv: much faster, for tests of the foundation).
type env struct {
	t   *testing.T
	a   *app.App
	h   http.Handler
	api *httpapi.API
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	return envFor(t, testutil.DemoApp(t, d, nil))
}

func newDirEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	return envFor(t, testutil.DirectoryApp(t, d, nil))
}

func envFor(t *testing.T, a *app.App) *env {
	t.Helper()
	h, api, err := server.Handler(a, false)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, a: a, h: h, api: api}
}

// req is one request; zero fields are left out. A body is sent as application/json unless
// contentType says otherwise ("none": no Content-Type header at all).
type req struct {
	method, path, body, contentType string
	bearer, csrf                    string
	cookies                         []*http.Cookie
	remote                          string
}

type resp struct {
	*httptest.ResponseRecorder
	body string
}

func (e *env) do(r req) resp {
	e.t.Helper()
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if r.body != "" {
		switch ct := r.contentType; ct {
		case "":
			hr.Header.Set("Content-Type", "application/json")
		case "none":
		default:
			hr.Header.Set("Content-Type", ct)
		}
	}
	if r.bearer != "" {
		hr.Header.Set("Authorization", "Bearer "+r.bearer)
	}
	if r.csrf != "" {
		hr.Header.Set("X-CSRF-Token", r.csrf)
	}
	for _, c := range r.cookies {
		hr.AddCookie(c)
	}
	if r.remote != "" {
		hr.RemoteAddr = r.remote
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, hr)
	return resp{w, w.Body.String()}
}

// session logs a demo user in through the API and returns its cookie and CSRF token.
func (e *env) session(username string) (*http.Cookie, string) {
	e.t.Helper()
	r := e.do(req{method: "POST", path: "/api/v1/auth/login", body: `{"username":"` + username + `","password":"` + demo.Password + `"}`})
	if r.Code != 200 {
		e.t.Fatalf("login %s: %d %s", username, r.Code, r.body)
	}
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	json.Unmarshal([]byte(r.body), &out)
	for _, c := range r.Result().Cookies() {
		if c.Name == httpapi.SessionCookie {
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
				e.t.Fatalf("session cookie is not HttpOnly/SameSite=Lax: %+v", c)
			}
			return c, out.CSRF
		}
	}
	e.t.Fatalf("login %s set no session cookie", username)
	return nil, ""
}

// token mints an API token for a demo user with the given scopes.
func (e *env) token(username string, scopes ...string) string {
	e.t.Helper()
	ctx := context.Background()
	u, err := e.a.Identity.UserByName(ctx, username)
	if err != nil {
		e.t.Fatal(err)
	}
	p, err := e.a.Identity.Principal(ctx, u)
	if err != nil {
		e.t.Fatal(err)
	}
	secret, _, err := e.a.Identity.IssueToken(ctx, p, "test", scopes, 24*time.Hour)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// errorShape decodes the error body and checks the shape every failure must have.
func errorShape(t *testing.T, r resp) httpapiError {
	t.Helper()
	if ct := r.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%d answer is %q, not JSON: %.300s", r.Code, ct, r.body)
	}
	var e struct {
		Error *httpapiError `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.body), &e); err != nil || e.Error == nil {
		t.Fatalf("%d answer is not the error shape: %.300s", r.Code, r.body)
	}
	if e.Error.Code == "" || e.Error.Message == "" || e.Error.MessageEN == "" {
		t.Fatalf("error lacks code or zh/en message: %.300s", r.body)
	}
	for _, leak := range []string{"goroutine ", ".go:", "panic", "runtime.", "SQLSTATE", "sql:"} {
		if strings.Contains(r.body, leak) {
			t.Fatalf("error body leaks internals (%q): %.300s", leak, r.body)
		}
	}
	return *e.Error
}

type httpapiError struct {
	Code      string `json:"code"`
	Message   string `json:"message"`
	MessageEN string `json:"message_en"`
	Fields    []struct {
		Field     string `json:"field"`
		Message   string `json:"message"`
		MessageEN string `json:"message_en"`
	} `json:"fields"`
}

func (e httpapiError) fieldNames() string {
	var s []string
	for _, f := range e.Fields {
		s = append(s, f.Field)
	}
	return strings.Join(s, ",")
}
