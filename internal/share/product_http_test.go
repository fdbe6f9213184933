package share_test

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/server"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
)

// SHR-12 over HTTP: the agency files a product request on the web form (errors beside the
// field, then 303 to the request), the source agency approves it on the request page with a
// narrower budget, the grant's credential calls the statistics product through the gateway and
// is refused a record lookup.
func TestProductRequestOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		h, _, err := server.Handler(a, false)
		must(t, err)
		srv := httptest.NewServer(h)
		defer srv.Close()
		civil, approver := login(t, srv.URL, "civil"), login(t, srv.URL, "approver")
		ps, err := a.Operate.ShareableProducts(ctx)
		must(t, err)
		var popID string
		for _, p := range ps {
			if p.Name == demo.DemoProductPopulation {
				popID = p.ID
			}
			if p.Name == demo.DemoProductScore {
				t.Fatal("an indicator product is offered for sharing")
			}
		}
		st, body := civil.page("/share/new-product")
		if st != 200 || !strings.Contains(body, `value="`+popID+`"`) || !strings.Contains(body, "数据产品") {
			t.Fatalf("product form: HTTP %d", st)
		}
		v := url.Values{"product_id": {popID}, "scenario": {"养老设施规划"}, "purpose": {"按区县统计常住人口"}, "legal_basis": {"《养老机构管理办法》"},
			"end_date": {"2027-03-31"}, "budget_milli": {"99999"}, "commit_authenticity": {"1"}, "commit_compliance": {"1"}, "commit_security": {"1"}}
		// a budget above the product's: 422 with the error beside the field
		if st, _ := civil.form("/share/new-product", v); st != 422 {
			t.Fatalf("budget above the product's: HTTP %d", st)
		}
		v.Set("budget_milli", "2000")
		st, loc := civil.form("/share/new-product", v)
		if st != 303 || !strings.HasPrefix(loc, "/share/requests/") {
			t.Fatalf("file: HTTP %d %s", st, loc)
		}
		loc, _, _ = strings.Cut(loc, "?")
		id := strings.TrimPrefix(loc, "/share/requests/")
		st, body = approver.page(loc)
		if st != 200 || !strings.Contains(body, `id="ap-budget"`) || !strings.Contains(body, demo.DemoProductPopulation) {
			t.Fatalf("approval page: HTTP %d", st)
		}
		if st, _ := approver.form(loc+"/approve", url.Values{"kind": {"product"}, "mode": {"api"}, "budget_milli": {"3000"}}); st != 422 {
			t.Fatalf("a wider budget at approval: HTTP %d", st)
		}
		if st, l := approver.form(loc+"/approve", url.Values{"kind": {"product"}, "mode": {"api"}, "budget_milli": {"1500"}}); st != 303 {
			t.Fatalf("approve: HTTP %d %s", st, l)
		}
		r, err := a.Share.Get(ctx, who(t, a, "civil"), id)
		must(t, err)
		if r.State != share.StateActive || r.Product == nil || r.Product.BudgetMilli != 1500 {
			t.Fatalf("after approval: %s %+v", r.State, r.Product)
		}
		st, body = civil.page(loc)
		if st != 200 || !strings.Contains(body, `id="request-budget">1500<`) {
			t.Fatalf("request page: HTTP %d", st)
		}
		var cred struct {
			Secret string `json:"token"`
		}
		if st := civil.do("POST", "/api/v1/share/grants/"+r.GrantID+"/credentials", nil, &cred); st != 201 || cred.Secret == "" {
			t.Fatalf("credential: HTTP %d", st)
		}
		gw := bearer(t, srv.URL, cred.Secret)
		var res struct {
			Answer struct {
				Rows []struct {
					Group []string `json:"group"`
				} `json:"rows"`
			} `json:"answer"`
			Budget struct {
				Total int64 `json:"total_milli"`
				Spent int64 `json:"spent_milli"`
			} `json:"budget"`
		}
		q := map[string]any{"group_by": []string{"sex"}, "aggregates": []map[string]string{{"fn": "count_distinct"}}}
		if st := gw.do("POST", "/api/v1/gateway/products/"+popID+"/query", q, &res); st != 200 || len(res.Answer.Rows) != 2 || res.Budget.Total != 1500 || res.Budget.Spent == 0 {
			t.Fatalf("product query: HTTP %d %+v", st, res)
		}
		var e apiErr
		if st := gw.do("GET", "/api/v1/gateway/records/150102199001010011", nil, &e); st != 403 || e.Error.Code != "share.product_only" {
			t.Fatalf("record lookup on a product grant: HTTP %d %s", st, e.Error.Code)
		}
		// the unit's product path does not take a gateway credential
		if st := gw.do("POST", "/api/v1/operate/products/"+popID+"/query", q, &e); st != 403 {
			t.Fatalf("operate path with a gateway credential: HTTP %d", st)
		}
	})
}
