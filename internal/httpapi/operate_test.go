package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
)

// A unit's API token with scope "product" queries a statistics product; a token without it is
// refused; the workflow routes are session-only; a product the caller may not see answers 404.
func TestOperateAPI(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c, csrf := e.session("appunit")
		r := e.do(req{method: "GET", path: "/api/v1/operate/products", cookies: []*http.Cookie{c}, csrf: csrf})
		if r.Code != 200 {
			t.Fatalf("products: %d %s", r.Code, r.body)
		}
		var list struct {
			Items []struct{ ID, Name string } `json:"items"`
		}
		json.Unmarshal([]byte(r.body), &list)
		id := ""
		for _, p := range list.Items {
			if p.Name == demo.DemoProductPopulation {
				id = p.ID
			}
		}
		if id == "" {
			t.Fatalf("no demo product in %s", r.body)
		}
		q := `{"group_by":["sex"],"aggregates":[{"fn":"count_distinct"}]}`
		tok := e.token("appunit", "product")
		r = e.do(req{method: "POST", path: "/api/v1/operate/products/" + id + "/query", body: q, bearer: tok})
		if r.Code != 200 || !strings.Contains(r.body, `"cost_milli":500`) || !strings.Contains(r.body, `"男"`) {
			t.Fatalf("query with a product token: %d %s", r.Code, r.body)
		}
		r = e.do(req{method: "POST", path: "/api/v1/operate/products/" + id + "/query", body: q, bearer: e.token("appunit", "read")})
		if r.Code != 403 || !strings.Contains(r.body, "insufficient_scope") {
			t.Fatalf("query with a read token: %d %s", r.Code, r.body)
		}
		r = e.do(req{method: "GET", path: "/api/v1/operate/agreements", bearer: tok})
		if r.Code != 403 {
			t.Fatalf("agreements with a token: %d", r.Code)
		}
		r = e.do(req{method: "POST", path: "/api/v1/operate/products/" + id + "/query", body: `{"group_by":["citizen_id"],"aggregates":[{"fn":"count"}]}`, bearer: tok})
		if r.Code != 422 || !strings.Contains(r.body, "operate.query_form") {
			t.Fatalf("out-of-form query: %d %s", r.Code, r.body)
		}
		r = e.do(req{method: "GET", path: "/api/v1/operate/products/no-such-product", cookies: []*http.Cookie{c}, csrf: csrf})
		if r.Code != 404 {
			t.Fatalf("unknown product: %d", r.Code)
		}
		// a citizen's page lists their authorizations (none yet) and accesses
		cc, ccsrf := e.session("citizen")
		r = e.do(req{method: "GET", path: "/api/v1/me/accesses", cookies: []*http.Cookie{cc}, csrf: ccsrf})
		if r.Code != 200 {
			t.Fatalf("accesses: %d %s", r.Code, r.body)
		}
	})
}
