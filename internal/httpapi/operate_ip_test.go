package httpapi_test

import (
	"context"
	"encoding/json"
	"testing"

	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
)

// Product calls and their refusals (out of form, no authorization) are audited with the caller's
// address, as the gateway's record calls are.
func TestOperateProductCallsAuditClientIP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ids := map[string]string{}
		u, err := e.a.Identity.UserByName(context.Background(), "operator")
		if err != nil {
			t.Fatal(err)
		}
		op, err := e.a.Identity.Principal(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		ps, err := e.a.Operate.Products(context.Background(), op)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			ids[p.Name] = p.ID
		}
		tok := e.token("appunit", "product")
		const ip = "203.0.113.7"
		calls := []struct{ path, body string }{
			{"/api/v1/operate/products/" + ids[demo.DemoProductPopulation] + "/query", `{"group_by":["sex"],"aggregates":[{"fn":"count_distinct"}]}`},
			{"/api/v1/operate/products/" + ids[demo.DemoProductPopulation] + "/query", `{"group_by":["citizen_id"],"aggregates":[{"fn":"count"}]}`},
			{"/api/v1/operate/products/" + ids[demo.DemoProductIdentity] + "/verify", `{"subject":"150102199001010011","claims":{"name":"x"}}`},
		}
		for _, c := range calls {
			e.do(req{method: "POST", path: c.path, body: c.body, bearer: tok, remote: ip + ":41000"})
		}
		recs, _, err := e.a.Audit.Search(context.Background(), audit.Filter{Action: "operate.", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]string{}
		for _, r := range recs {
			seen[r.Action] = r.ClientIP
		}
		for _, act := range []string{"operate.query.statistics", "operate.query.refused", "operate.verify.refused"} {
			if seen[act] != ip {
				b, _ := json.Marshal(seen)
				t.Errorf("%s audited from %q; want %s (all: %s)", act, seen[act], ip, b)
			}
		}
	})
}
