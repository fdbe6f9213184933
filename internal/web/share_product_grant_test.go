package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/operate"
	"pubdata/internal/server"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
)

// A product grant's page (SHR-12) names its product, kind and privacy budget, and its one-time
// credential comes with the product call (not a record lookup, which such a grant refuses).
func TestProductGrantPageShowsItsProduct(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		who := func(name string) *authz.Principal {
			u, err := a.Identity.UserByName(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			p, err := a.Identity.Principal(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		var pop operate.Product
		ps, err := a.Operate.Products(ctx, who("operator"))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.Name == demo.DemoProductPopulation {
				pop = p
			}
		}
		r, err := a.Share.File(ctx, who("civil"), share.NewRequest{Kind: share.KindProduct, ProductID: pop.ID, Scenario: "养老服务设施布局规划",
			Purpose: "按区县、性别统计常住人口", LegalBasis: "《养老机构管理办法》第五条", EndDate: "2027-06-30", Authenticity: true, Compliance: true, Security: true})
		if err != nil {
			t.Fatal(err)
		}
		r, err = a.Share.Approve(ctx, who("approver"), r.ID, share.Approval{BudgetMilli: 1500})
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		c := s.login("civil")
		page := "/share/grants/" + r.GrantID
		w := s.get(page, c)
		mustContain(t, "product grant", w, 200, `id="grant-product"`, demo.DemoProductPopulation, "数据产品", `<span id="grant-budget">1500</span>`)

		w = s.postForm(page+"/credentials", c, url.Values{})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("issue: %d %.300s", w.Code, w.Body.String())
		}
		var once *http.Cookie
		for _, k := range w.Result().Cookies() {
			if k.Name == "pd_credential_once" {
				once = k
			}
		}
		if once == nil {
			t.Fatal("no one-time credential cookie")
		}
		req := httptest.NewRequest("GET", page, nil)
		req.AddCookie(c)
		req.AddCookie(once)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		body := rec.Body.String()
		want := `/api/v1/gateway/products/` + pop.ID + `/query`
		if rec.Code != 200 || !strings.Contains(body, `id="curl-product"`) || !strings.Contains(body, want) || !strings.Contains(body, "Bearer "+once.Value) {
			t.Fatalf("the credential is not shown with the product call %s (%d)", want, rec.Code)
		}
		if strings.Contains(body, `id="curl-lookup"`) {
			t.Error("a product grant's page offers a record lookup")
		}
	})
}
