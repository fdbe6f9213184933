package httpapi_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

var pathParam = regexp.MustCompile(`\{([a-zA-Z_]+)(\.\.\.)?\}`)

// docPath is how a registered ServeMux pattern path appears in the OpenAPI document.
func docPath(p string) string { return pathParam.ReplaceAllString(p, "{$1}") }

func fetchDoc(t *testing.T, e *env) map[string]any {
	t.Helper()
	r := e.do(req{method: "GET", path: "/api/v1/openapi.json"}) // public: no credentials
	if r.Code != 200 {
		t.Fatalf("openapi.json: %d %.200s", r.Code, r.body)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	return doc
}

// The document has the structure OpenAPI 3.1 requires of it: openapi/info/paths, every operation
// with responses and a unique operationId, every path template parameter declared, every $ref
// resolvable, every security requirement naming a defined scheme.
func TestOpenAPIDocumentIsValid31(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newDirEnv(t, d)
		doc := fetchDoc(t, e)
		if v, _ := doc["openapi"].(string); !regexp.MustCompile(`^3\.1\.\d+$`).MatchString(v) {
			t.Fatalf("openapi = %q, want 3.1.x", v)
		}
		info, _ := doc["info"].(map[string]any)
		if s, _ := info["title"].(string); s == "" {
			t.Fatal("info.title missing")
		}
		if s, _ := info["version"].(string); s == "" {
			t.Fatal("info.version missing")
		}
		paths, _ := doc["paths"].(map[string]any)
		if len(paths) == 0 {
			t.Fatal("no paths")
		}
		components, _ := doc["components"].(map[string]any)
		schemes, _ := components["securitySchemes"].(map[string]any)
		checkSecurity := func(where string, v any) {
			list, ok := v.([]any)
			if !ok {
				t.Errorf("%s: security is not a list", where)
				return
			}
			for _, req := range list {
				for name := range req.(map[string]any) {
					if _, ok := schemes[name]; !ok {
						t.Errorf("%s: security scheme %q is not defined", where, name)
					}
				}
			}
		}
		checkSecurity("document", doc["security"])
		methods := []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}
		opIDs := map[string]string{}
		for p, item := range paths {
			if !strings.HasPrefix(p, "/") {
				t.Errorf("path %q does not start with /", p)
			}
			if strings.Contains(p, "...") {
				t.Errorf("path %q keeps a ServeMux wildcard", p)
			}
			ops, _ := item.(map[string]any)
			if len(ops) == 0 {
				t.Errorf("path %s has no operations", p)
			}
			for m, v := range ops {
				where := strings.ToUpper(m) + " " + p
				if !slices.Contains(methods, m) {
					t.Errorf("%s: %q is not an HTTP method", where, m)
					continue
				}
				op, _ := v.(map[string]any)
				id, _ := op["operationId"].(string)
				if id == "" {
					t.Errorf("%s: no operationId", where)
				} else if prev, dup := opIDs[id]; dup {
					t.Errorf("operationId %q used by %s and %s", id, prev, where)
				}
				opIDs[id] = where
				if s, _ := op["summary"].(string); s == "" {
					t.Errorf("%s: no summary", where)
				}
				responses, _ := op["responses"].(map[string]any)
				if len(responses) == 0 {
					t.Errorf("%s: no responses", where)
				}
				for code, rv := range responses {
					if code != "default" && !regexp.MustCompile(`^[1-5]\d\d$|^[1-5]XX$`).MatchString(code) {
						t.Errorf("%s: response key %q", where, code)
					}
					if _, ref := rv.(map[string]any)["$ref"]; ref {
						continue // a shared response (components/responses), checked by the $ref walk below
					}
					if d, _ := rv.(map[string]any)["description"].(string); d == "" {
						t.Errorf("%s: response %s has no description (required)", where, code)
					}
				}
				declared := map[string]bool{}
				params, _ := op["parameters"].([]any)
				for _, pv := range params {
					pm := pv.(map[string]any)
					if pm["in"] == "path" {
						if pm["required"] != true {
							t.Errorf("%s: path parameter %v not required", where, pm["name"])
						}
						declared[pm["name"].(string)] = true
					}
				}
				for _, m := range pathParam.FindAllStringSubmatch(p, -1) {
					if !declared[m[1]] {
						t.Errorf("%s: path parameter {%s} not declared", where, m[1])
					}
					delete(declared, m[1])
				}
				for name := range declared {
					t.Errorf("%s: declares path parameter %q that is not in the path", where, name)
				}
				if sec, ok := op["security"]; ok {
					checkSecurity(where, sec)
				}
			}
		}
		// Every $ref points at something in the document.
		var walk func(v any)
		walk = func(v any) {
			switch x := v.(type) {
			case map[string]any:
				if ref, ok := x["$ref"].(string); ok {
					if !resolves(doc, ref) {
						t.Errorf("$ref %q does not resolve", ref)
					}
				}
				for _, c := range x {
					walk(c)
				}
			case []any:
				for _, c := range x {
					walk(c)
				}
			}
		}
		walk(doc)
	})
}

func resolves(doc map[string]any, ref string) bool {
	if !strings.HasPrefix(ref, "#/") {
		return false
	}
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[part]; !ok {
			return false
		}
	}
	return true
}

// Walks the route registry: every registered route is in the document, answers its method
// (never the mux's "no such route" 404 or 405), never fails with a 5xx on an empty request, and
// refuses anonymous callers unless it is public.
func TestEveryRouteIsDocumentedAndAnswers(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		doc := fetchDoc(t, e)
		paths := doc["paths"].(map[string]any)
		routes := e.api.SortedRoutes()
		if len(routes) < 20 {
			t.Fatalf("only %d routes registered", len(routes))
		}
		documented := 0
		for _, item := range paths {
			documented += len(item.(map[string]any))
		}
		if documented != len(routes) {
			t.Errorf("document has %d operations, registry %d routes", documented, len(routes))
		}
		admin := e.token("admin", "*")
		for _, rt := range routes {
			where := rt.Method + " " + rt.Path
			item, ok := paths[docPath(rt.Path)].(map[string]any)
			if !ok || item[strings.ToLower(rt.Method)] == nil {
				t.Errorf("%s is not in the OpenAPI document", where)
			}
			if !strings.HasPrefix(rt.Path, "/api/v1/") && rt.Tag != "harvest" {
				t.Errorf("%s is outside /api/v1", where)
			}
			if rt.Summary == "" || rt.Tag == "" {
				t.Errorf("%s has no summary or tag", where)
			}
			target := pathParam.ReplaceAllString(rt.Path, "zz-no-such")
			body := ""
			if rt.Method == http.MethodPost || rt.Method == http.MethodPut || rt.Method == http.MethodPatch {
				body = "{}"
			}
			// As the authority administrator with an all-scope token.
			r := e.do(req{method: rt.Method, path: target, body: body, bearer: admin})
			switch {
			case r.Code == http.StatusMethodNotAllowed:
				t.Errorf("%s: 405 from the mux", where)
			case r.Code == http.StatusNotFound && strings.Contains(r.body, `"no_such_route"`):
				t.Errorf("%s: the mux does not route it (no_such_route)", where)
			case r.Code >= 500:
				t.Errorf("%s: %d on an empty request: %.300s", where, r.Code, r.body)
			case r.Code >= 400 && strings.HasPrefix(rt.Path, "/api/3/"):
				ckanErrorShape(t, where, r)
			case r.Code >= 400:
				errorShape(t, r)
			}
			// Anonymous.
			r = e.do(req{method: rt.Method, path: target, body: body})
			if !rt.Public {
				if r.Code != http.StatusUnauthorized || errorShape(t, r).Code != "unauthenticated" {
					t.Errorf("%s: anonymous caller got %d, want 401 unauthenticated: %.200s", where, r.Code, r.body)
				}
			} else if r.Code >= 500 || r.Code == http.StatusMethodNotAllowed {
				t.Errorf("%s (public): anonymous caller got %d", where, r.Code)
			}
		}
	})
}

// ckanErrorShape checks a CKAN-compatible error: the envelope with success false and a
// CKAN error type, or (unknown actions) CKAN's plain "Bad request" string.
func ckanErrorShape(t *testing.T, where string, r resp) {
	t.Helper()
	if strings.HasPrefix(r.body, `"Bad request`) {
		return
	}
	var env struct {
		Success *bool          `json:"success"`
		Error   map[string]any `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.body), &env); err != nil || env.Success == nil || *env.Success || env.Error["__type"] == nil {
		t.Errorf("%s: not CKAN's error envelope: %.300s", where, r.body)
	}
}
