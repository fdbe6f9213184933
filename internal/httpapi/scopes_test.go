package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/httpapi"
	"pubdata/internal/testutil"
)

// SEC-3: every registered route names its token scope in the one table (RouteScopes), the table
// names no route that does not exist, and the middleware enforces it on every route: a token
// without the scope gets 403 insufficient_scope in the error shape — before the handler looks
// anything up — and a token with it gets past the check. Session-only routes refuse even a "*"
// token; public routes serve a token without the scope as a visitor.
func TestEveryRouteEnforcesItsScope(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newDirEnv(t, d)
		registered := map[string]bool{}
		for _, rt := range e.api.Routes {
			key := rt.Method + " " + rt.Path
			registered[key] = true
			if rt.Scope == "" || !authz.ValidRouteScope(rt.Scope) || httpapi.RouteScopes[key] != rt.Scope {
				t.Errorf("%s: scope %q is not the table's %q", key, rt.Scope, httpapi.RouteScopes[key])
			}
		}
		for key := range httpapi.RouteScopes {
			if !registered[key] {
				t.Errorf("RouteScopes names %s, which is not registered", key)
			}
		}
		// Tokens of the authority administrator (who may do most things) with every scope but
		// the ones a route accepts.
		tokens := map[string]string{}
		without := func(scope string) string {
			if tok, ok := tokens[scope]; ok {
				return tok
			}
			var sc []string
			for _, s := range authz.TokenScopes {
				if s != authz.ScopeAll && !slices.Contains(strings.Split(scope, "|"), s) {
					sc = append(sc, s)
				}
			}
			tokens[scope] = e.token("admin", sc...)
			return tokens[scope]
		}
		with := map[string]string{}
		withTok := func(scope string) string {
			s := strings.Split(scope, "|")[0]
			if tok, ok := with[s]; ok {
				return tok
			}
			with[s] = e.token("admin", s)
			return with[s]
		}
		all := e.token("admin", authz.ScopeAll)
		checked := 0
		for _, rt := range e.api.SortedRoutes() {
			where := rt.Method + " " + rt.Path
			target := pathParam.ReplaceAllString(rt.Path, "zz-no-such")
			body := ""
			if rt.Method == http.MethodPost || rt.Method == http.MethodPut || rt.Method == http.MethodPatch {
				body = "{}"
			}
			switch rt.Scope {
			case authz.ScopePublic, authz.ScopeAny:
				r := e.do(req{method: rt.Method, path: target, body: body, bearer: without(authz.ScopeRead)})
				if r.Code == http.StatusForbidden && strings.Contains(r.body, "insufficient_scope") {
					t.Errorf("%s (%s): refused a token: %s", where, rt.Scope, r.body)
				}
				continue
			case authz.ScopeSession:
				r := e.do(req{method: rt.Method, path: target, body: body, bearer: all})
				if r.Code != http.StatusForbidden || errorShape(t, r).Code != "insufficient_scope" {
					t.Errorf("%s (session only): a * token got %d %.200s", where, r.Code, r.body)
				}
				checked++
				continue
			}
			r := e.do(req{method: rt.Method, path: target, body: body, bearer: without(rt.Scope)})
			if rt.Public {
				if r.Code == http.StatusForbidden && strings.Contains(r.body, "insufficient_scope") {
					t.Errorf("%s (public): a token without %s was refused instead of served as a visitor", where, rt.Scope)
				}
			} else if r.Code != http.StatusForbidden || errorShape(t, r).Code != "insufficient_scope" {
				t.Errorf("%s: a token without %s got %d %.200s", where, rt.Scope, r.Code, r.body)
			}
			r = e.do(req{method: rt.Method, path: target, body: body, bearer: withTok(rt.Scope)})
			if strings.Contains(r.body, "insufficient_scope") {
				t.Errorf("%s: a token with %s was refused: %.200s", where, rt.Scope, r.body)
			}
			checked++
		}
		if checked < 100 {
			t.Fatalf("only %d routes checked", checked)
		}
	})
}

// The tokens the issue names: read, gateway and push (ingest) tokens no longer register
// webhooks or read the audit log, users or the inbox.
func TestNarrowTokensStayNarrow(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newDirEnv(t, d)
		for _, scope := range []string{authz.ScopeRead, authz.ScopeGateway, authz.ScopeIngest} {
			tok := e.token("admin", scope)
			for _, c := range []req{
				{method: "POST", path: "/api/v1/webhooks", body: `{"url":"https://hooks.example.org/x"}`},
				{method: "GET", path: "/api/v1/webhooks"},
				{method: "GET", path: "/api/v1/audit"},
				{method: "GET", path: "/api/v1/audit/verify"},
				{method: "GET", path: "/api/v1/users"},
				{method: "GET", path: "/api/v1/notifications"},
			} {
				c.bearer = tok
				if r := e.do(c); r.Code != http.StatusForbidden || errorShape(t, r).Code != "insufficient_scope" {
					t.Errorf("%s token: %s %s → %d %.200s", scope, c.method, c.path, r.Code, r.body)
				}
			}
		}
		// Web pages are for sessions: a bearer token does not open them.
		r := e.do(req{method: "GET", path: "/audit", bearer: e.token("auditor", authz.ScopeAll)})
		if r.Code != http.StatusForbidden {
			t.Errorf("a token opened the audit page: %d", r.Code)
		}
	})
}
