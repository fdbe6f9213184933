package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/httpapi"
	"pubdata/internal/testutil"
)

// Every registered route declares what it takes and what it answers (#11 item 6, #12 item 2):
// Route.Out always, Route.In whenever the route takes a body. The OpenAPI document's schemas are
// reflected from these types, so a route without them would be documented as "any object".
func TestEveryRouteTyped(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, rt := range e.api.SortedRoutes() {
			for _, msg := range typeProblems(rt) {
				t.Error(msg)
			}
		}
		if !t.Failed() {
			t.Logf("%d routes, all typed", len(e.api.Routes))
		}
	})
}

// typeProblems tells, in words an engineer can act on, what a route's declaration lacks.
func typeProblems(rt httpapi.Route) []string {
	at := fmt.Sprintf("route %s %s", rt.Method, rt.Path)
	var out []string
	if rt.Out == nil {
		out = append(out, at+" has no Out type: set Route.Out to a zero value of what the handler returns — "+
			"T{} for 200 with a T, Created{V: T{}} for 201, Items[T]{} for map[string]any{\"items\": …}, Paged[T]{} for NewPaged, "+
			"NoContent{} when it returns nil, nil, Raw{} when it writes a file itself (see the Route doc in internal/httpapi/api.go)")
	}
	if rt.Body && rt.In == nil {
		out = append(out, at+" takes a body (Body: true) but has no In type: set Route.In to a zero value of the type the handler "+
			"decodes, e.g. In: share.NewRequest{} for Decode(r, &in) with in a share.NewRequest (Upload{} for a file upload; "+
			"see the Route doc in internal/httpapi/api.go)")
	}
	for _, v := range []struct {
		name string
		v    any
	}{{"Out", rt.Out}, {"In", rt.In}} {
		x := v.v
		if c, ok := x.(httpapi.Created); ok {
			x = c.V
		}
		if x == nil || rt.Path == "/api/v1/openapi.json" {
			continue
		}
		if t := reflect.TypeOf(x); t.Name() == "" && t.Kind() == reflect.Struct {
			out = append(out, at+" declares "+v.name+" as an anonymous struct: declare it as a named type (request bodies in "+
				"internal/httpapi/inputs.go, answers in replies.go), use it as Route."+v.name+" and have the handler use the same type")
		} else if t.Name() == "" && t.Kind() == reflect.Map && t.Elem().Kind() == reflect.Interface {
			out = append(out, at+" declares "+v.name+" as "+t.String()+", which says nothing of its fields: declare a named struct "+
				"with json tags (as in internal/httpapi/replies.go), use it as Route."+v.name+" and have the handler use it too")
		}
	}
	return out
}

// The check above speaks to the engineer who forgot a declaration.
func TestTypeProblemsSayWhatToAdd(t *testing.T) {
	p := typeProblems(httpapi.Route{Method: "POST", Path: "/api/v1/x", Body: true})
	if len(p) != 2 || !strings.Contains(p[0], "route POST /api/v1/x has no Out type: set Route.Out") ||
		!strings.Contains(p[1], "has no In type: set Route.In") {
		t.Fatalf("messages: %q", p)
	}
	if p := typeProblems(httpapi.Route{Method: "GET", Path: "/api/v1/x", Out: map[string]any{}}); len(p) != 1 || !strings.Contains(p[0], "named struct") {
		t.Fatalf("an untyped map passes: %q", p)
	}
	if p := typeProblems(httpapi.Route{Method: "POST", Path: "/api/v1/x", Body: true, In: struct{ A int }{}, Out: httpapi.NoContent{}}); len(p) != 1 || !strings.Contains(p[0], "anonymous struct") {
		t.Fatalf("an anonymous request type passes: %q", p)
	}
	if p := typeProblems(httpapi.Route{Method: "GET", Path: "/api/v1/x", Out: httpapi.Items[int]{}}); len(p) != 0 {
		t.Fatalf("a typed route fails: %q", p)
	}
}

// loadDoc reads the served document with kin-openapi and validates it (OpenAPI 3.1: structure,
// $refs, schemas, examples).
func loadDoc(t *testing.T, e *env) *openapi3.T {
	t.Helper()
	r := e.do(req{method: "GET", path: "/api/v1/openapi.json"})
	if r.Code != 200 {
		t.Fatalf("openapi.json: %d", r.Code)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData([]byte(r.body))
	if err != nil {
		t.Fatalf("kin-openapi cannot load the document: %v", err)
	}
	if err := doc.Validate(t.Context()); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	return doc
}

// The document is valid OpenAPI 3.1 for kin-openapi, every operation has a typed 2xx answer
// (no bare {"type":"object"}), every 4xx answer is the shared error shape, and paged lists
// declare page and page_size.
func TestOpenAPIValidatesAndIsTyped(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		doc := loadDoc(t, e)
		ops := 0
		for path, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				ops++
				at := method + " " + path
				if ref := op.Responses.Value("4XX"); ref == nil || ref.Ref != "#/components/responses/Error" {
					t.Errorf("%s: 4XX is not the shared error response", at)
				}
				ok := false
				for code, ref := range op.Responses.Map() {
					if !strings.HasPrefix(code, "2") {
						continue
					}
					ok = true
					for ct, mt := range ref.Value.Content {
						if ct == "application/json" && (mt.Schema == nil || mt.Schema.Ref == "" && mt.Schema.Value != nil && mt.Schema.Value.Type.Is("object") && len(mt.Schema.Value.Properties) == 0 && mt.Schema.Value.AdditionalProperties.Schema == nil && path != "/api/v1/openapi.json") {
							t.Errorf("%s: %s answer is an untyped object", at, code)
						}
					}
				}
				if !ok {
					t.Errorf("%s: no 2xx answer", at)
				}
			}
		}
		paged := doc.Paths.Value("/api/v1/share/requests").Get
		if paged.Parameters.GetByInAndName("query", "page") == nil || paged.Parameters.GetByInAndName("query", "page_size") == nil {
			t.Error("GET /api/v1/share/requests does not declare page and page_size")
		}
		if ops != len(e.api.Routes) {
			t.Errorf("%d operations for %d routes", ops, len(e.api.Routes))
		}
	})
}

// Real answers match their documented schemas: every GET route is called as every demo role (and
// anonymously) on the demo region, and each JSON answer, success or error, is validated against
// its operation in the document with kin-openapi's openapi3filter.ValidateResponse.
func TestResponsesMatchSchemas(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		doc := loadDoc(t, e)
		ids := demoRecordIDs(t, e, d)
		bad := map[string][]string{}
		checked, ok2xx := 0, 0
		examples := map[string]httpapi.CapturedExample{} // the first real 2xx answer of each operation
		check := func(rt httpapi.Route, hr *http.Request, r resp) {
			if _, raw := rt.Out.(httpapi.Raw); raw || !strings.HasPrefix(r.Header().Get("Content-Type"), "application/json") {
				return // files, feeds, CKAN and DCAT answers: their own formats, tested by their own tests
			}
			p := docPath(rt.Path)
			item := doc.Paths.Value(p)
			if item == nil {
				bad["not in the document"] = append(bad["not in the document"], rt.Method+" "+p)
				return
			}
			op := item.GetOperation(rt.Method)
			in := &openapi3filter.RequestValidationInput{Request: hr, Route: &routers.Route{Spec: doc, Path: p, PathItem: item, Method: rt.Method, Operation: op}}
			err := openapi3filter.ValidateResponse(t.Context(), &openapi3filter.ResponseValidationInput{
				RequestValidationInput: in, Status: r.Code, Header: r.Header(), Body: io.NopCloser(bytes.NewReader([]byte(r.body))),
				Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
			})
			checked++
			if r.Code < 300 {
				ok2xx++
				key := rt.Method + " " + p
				if _, have := examples[key]; !have && err == nil && rt.Path != "/api/v1/openapi.json" {
					if body, ok := httpapi.ScrubExample([]byte(r.body)); ok {
						examples[key] = httpapi.CapturedExample{Status: r.Code, Body: body}
					}
				}
			}
			if err != nil {
				msg, _, _ := strings.Cut(err.Error(), "\n")
				key := fmt.Sprintf("%s %s → %d", rt.Method, rt.Path, r.Code)
				bad[key] = append(bad[key], msg)
			}
		}
		users := []string{""}
		for _, acc := range demo.Accounts {
			users = append(users, acc.Username)
		}
		for _, u := range users {
			var cookies []*http.Cookie
			if u != "" {
				c, _ := e.session(u)
				cookies = []*http.Cookie{c}
			}
			for _, rt := range e.api.SortedRoutes() {
				if rt.Method != http.MethodGet {
					continue
				}
				path, ok := fillDemo(rt.Path, ids)
				if !ok {
					continue
				}
				hr := httptest.NewRequest("GET", path, nil)
				r := e.do(req{method: "GET", path: path, cookies: cookies})
				check(rt, hr, r)
			}
		}
		// The validation has teeth: a list whose items are not objects does not pass.
		rt := httpapi.Route{Method: "GET", Path: "/api/v1/share/requests"}
		wrong := httptest.NewRecorder()
		wrong.Header().Set("Content-Type", "application/json")
		wrong.WriteString(`{"items":[5],"page":"one"}`)
		check(rt, httptest.NewRequest("GET", rt.Path, nil), resp{wrong, wrong.Body.String()})
		if len(bad["GET /api/v1/share/requests → 200"]) != 1 {
			t.Fatalf("a wrong answer passed the validation: %v", bad)
		}
		delete(bad, "GET /api/v1/share/requests → 200")
		var keys []string
		for k := range bad {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			t.Errorf("%s: %s", k, bad[k][0])
		}
		if ok2xx < 200 {
			t.Fatalf("only %d successful answers validated (%d in all)", ok2xx, checked)
		}
		// The document's examples are these answers: PUBDATA_UPDATE_DOCS=1 rewrites them (from
		// SQLite, the same demo on both backends).
		if os.Getenv("PUBDATA_UPDATE_DOCS") == "1" && d.Dialect == db.SQLite {
			b, err := json.MarshalIndent(examples, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile("openapi_examples.json", append(b, '\n'), 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("%d examples written to openapi_examples.json", len(examples))
		}
		t.Logf("%d answers validated, %d of them 2xx", checked, ok2xx)
	})
}
