package httpapi_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
)

var snakeKey = regexp.MustCompile(`^[a-z0-9]+(_[a-z0-9]+)*$`)

// One API shape (#10 item 9): every GET route of the API is called as every demo role on the demo
// region, and every JSON answer is walked. Every key is snake_case; every timestamp — a key
// ending in _at — is an RFC 3339 string (or null), never epoch milliseconds. Maps keyed by data
// (record values by item name, counts by code) are keyed by snake_case names or codes too.
func TestAPIShapeAsEveryRole(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ids := demoRecordIDs(t, e, d)
		bad := map[string]string{} // problem → where first seen
		var walk func(where, key string, v any)
		walk = func(where, key string, v any) {
			if strings.HasSuffix(key, "_at") {
				switch x := v.(type) {
				case nil:
				case string:
					if _, err := time.Parse(time.RFC3339, x); err != nil {
						bad["timestamp "+key+" = "+x] = where
					}
				default:
					bad["timestamp "+key+" is not an RFC 3339 string"] = where
				}
			}
			if n, ok := v.(float64); ok && n > 1e12 && n < 1e13 && key != "total" {
				bad["epoch milliseconds under "+key] = where // 2001–2286 in ms: a timestamp given as a number
			}
			switch x := v.(type) {
			case map[string]any:
				for k, c := range x {
					if !snakeKey.MatchString(k) && !dataKey(key) {
						bad["key "+k] = where
					}
					walk(where, k, c)
				}
			case []any:
				for _, c := range x {
					walk(where, key, c)
				}
			}
		}
		calls := 0
		for _, acc := range demo.Accounts {
			cookie, _ := e.session(acc.Username)
			for _, rt := range e.api.SortedRoutes() {
				if rt.Method != http.MethodGet || strings.HasSuffix(rt.Path, ".svg") || strings.Contains(rt.Path, "/export") ||
					strings.HasSuffix(rt.Path, "/data") || strings.HasPrefix(rt.Path, "/api/v1/gateway/") ||
					rt.Path == "/api/v1/openapi.json" { // the OpenAPI document has its own shape (paths, $ref)
					continue
				}
				path, ok := fillDemo(rt.Path, ids)
				if !ok {
					continue
				}
				r := e.do(req{method: "GET", path: path, cookies: []*http.Cookie{cookie}})
				if r.Code != 200 || !strings.HasPrefix(r.Header().Get("Content-Type"), "application/json") {
					continue
				}
				var v any
				if err := json.Unmarshal([]byte(r.body), &v); err != nil {
					t.Errorf("%s as %s: not JSON: %v", path, acc.Username, err)
					continue
				}
				calls++
				walk(rt.Path, "", v)
			}
		}
		var problems []string
		for p, where := range bad {
			problems = append(problems, p+" (in "+where+")")
		}
		sort.Strings(problems)
		for _, p := range problems {
			t.Error(p)
		}
		if calls < 200 {
			t.Fatalf("only %d answers walked", calls)
		}
	})
}

// dataKey tells whether the children of key are keyed by data (item names of a record, codes),
// not by the API's own names.
func dataKey(key string) bool {
	switch key {
	case "values", "record", "labels", "names", "fields_zh", "counts", "by_kind", "by_state", "by_status", "by_org", "by_dimension", "dimensions":
		return true
	}
	return false
}

// demoRecordIDs finds a record of the demo for each kind of path parameter.
func demoRecordIDs(t *testing.T, e *env, d *db.DB) map[string]string {
	t.Helper()
	one := func(q string, args ...any) string {
		var s string
		d.QueryRowContext(t.Context(), q, args...).Scan(&s)
		return s
	}
	people, _, _ := e.a.Ingest.Query(t.Context(), demo.EntryPopulation, nil, 1, 0)
	key := ""
	if len(people) > 0 {
		key = people[0].Values["citizen_id"]
	}
	return map[string]string{
		"/api/v1/orgs/{id}":               demo.OrgPublicSec,
		"/api/v1/catalog/entries/{id}":    demo.EntryPopulation,
		"/api/v1/ingest/entries/{id}":     demo.EntryPopulation,
		"/api/v1/quality/entries/{id}":    demo.EntryPopulation,
		"/api/v1/quality/orgs/{id}":       demo.OrgPublicSec,
		"/api/v1/ingest/loads/{id}":       one("SELECT id FROM ingest_loads WHERE entry_id = $1 ORDER BY id LIMIT 1", demo.EntryPopulation),
		"/api/v1/quality/rules/{id}":      one("SELECT id FROM quality_rules ORDER BY id LIMIT 1"),
		"/api/v1/quality/tasks/{id}":      one("SELECT id FROM quality_tasks ORDER BY id LIMIT 1"),
		"/api/v1/quality/objections/{id}": one("SELECT id FROM quality_objections ORDER BY id LIMIT 1"),
		"/api/v1/share/requests/{id}":     one("SELECT id FROM share_requests ORDER BY id LIMIT 1"),
		"/api/v1/share/grants/{id}":       one("SELECT id FROM share_grants ORDER BY id LIMIT 1"),
		"/api/v1/share/demands/{id}":      one("SELECT id FROM share_demands ORDER BY id LIMIT 1"),
		"/api/v1/ingest/bases/{base}":     "population",
		"/api/v1/operate/products/{id}":   one("SELECT id FROM opr_products ORDER BY id LIMIT 1"),
		"/api/v1/operate/views/{id}":      one("SELECT id FROM opr_views ORDER BY id LIMIT 1"),
		"{key}":                           key,
		"{version}":                       "1",
	}
}

// fillDemo puts demo records into a route's path parameters; false when one is unknown.
func fillDemo(path string, ids map[string]string) (string, bool) {
	out := path
	for k, v := range ids {
		if strings.HasPrefix(k, "/") && strings.HasPrefix(out, k) && v != "" {
			out = strings.Replace(out, k, strings.Replace(k, "{"+paramName(k)+"}", v, 1), 1)
		}
	}
	for _, k := range []string{"{key}", "{version}"} {
		out = strings.ReplaceAll(out, k, ids[k])
	}
	return out, !strings.Contains(out, "{")
}

// Numeric amounts accept JSON numbers as well as the strings accepted before (#10 item 9), and
// timestamps written back come out RFC 3339.
func TestAmountsAcceptNumbers(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		tok := e.token("market", "write")
		for body, want := range map[string]string{
			`{"name":"企业舆情数据","supplier":"某数据服务公司","purpose":"信用监管","amount":120000.5}`: "120000.5",
			`{"name":"企业年报数据","supplier":"某数据服务公司","purpose":"信用监管","amount":"12 万元"}`:  "12 万元",
		} {
			r := e.do(req{method: "POST", path: "/api/v1/catalog/purchases", body: body, bearer: tok})
			var out struct {
				Amount    string `json:"amount"`
				CreatedAt string `json:"created_at"`
			}
			json.Unmarshal([]byte(r.body), &out)
			if _, err := time.Parse(time.RFC3339, out.CreatedAt); r.Code != http.StatusCreated || out.Amount != want || err != nil {
				t.Fatalf("purchase with amount %s: %d %s", want, r.Code, r.body)
			}
		}
		r := e.do(req{method: "POST", path: "/api/v1/catalog/purchases", body: `{"name":"x","supplier":"y","purpose":"z","amount":true}`, bearer: tok})
		if r.Code != http.StatusBadRequest && r.Code != http.StatusUnprocessableEntity {
			t.Fatalf("an amount that is neither: %d %s", r.Code, r.body)
		}
	})
}
