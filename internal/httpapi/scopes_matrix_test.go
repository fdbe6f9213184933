package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// Every route × every scope (issue #9, "How it is checked"; SEC-3). For each registered route and
// each scope a token may carry, a token of the authority administrator holding only that scope is
// tried: it gets past the scope check exactly when the route's table entry names that scope (or
// the token is "*"), and is refused 403 insufficient_scope otherwise. Session-only routes refuse
// every token, "*" included; public and any-caller routes refuse none.
func TestEveryRouteTimesEveryScope(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newDirEnv(t, d)
		tokens := map[string]string{}
		for _, s := range authz.TokenScopes {
			tokens[s] = e.token("admin", s)
		}
		pairs, refused := 0, 0
		for _, rt := range e.api.SortedRoutes() {
			where := rt.Method + " " + rt.Path
			target := pathParam.ReplaceAllString(rt.Path, "zz-no-such")
			body := ""
			if rt.Method == http.MethodPost || rt.Method == http.MethodPut || rt.Method == http.MethodPatch {
				body = "{}"
			}
			accepts := strings.Split(rt.Scope, "|")
			for _, s := range authz.TokenScopes {
				var want bool // whether the scope check lets the token through
				switch rt.Scope {
				case authz.ScopePublic, authz.ScopeAny:
					want = true
				case authz.ScopeSession:
					want = false
				default:
					want = s == authz.ScopeAll || slices.Contains(accepts, s) || rt.Public
				}
				r := e.do(req{method: rt.Method, path: target, body: body, bearer: tokens[s]})
				scopeRefusal := r.Code == http.StatusForbidden && strings.Contains(r.body, `"insufficient_scope"`)
				switch {
				case want && scopeRefusal:
					t.Errorf("%s (scope %s): a token with only %q was refused: %.200s", where, rt.Scope, s, r.body)
				case !want && !scopeRefusal:
					t.Errorf("%s (scope %s): a token with only %q got %d %.200s, want 403 insufficient_scope", where, rt.Scope, s, r.Code, r.body)
				case !want:
					refused++
				}
				pairs++
			}
		}
		t.Logf("%d routes × %d scopes = %d pairs tried, %d refused for the scope", len(e.api.SortedRoutes()), len(authz.TokenScopes), pairs, refused)
		if pairs < 100*len(authz.TokenScopes) {
			t.Fatalf("only %d route × scope pairs tried", pairs)
		}
	})
}
