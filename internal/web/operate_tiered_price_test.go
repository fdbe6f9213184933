package web_test

import (
	"net/url"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// The operator proposes a tiered price on the product page (OPR-5): tiers that rise in price are
// answered beside the tiers; valid tiers are listed with their bounds and prices in yuan.
func TestOperateTieredPriceForm(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		op := s.login("operator")
		m := productLink.FindStringSubmatch(s.get("/operate", op).Body.String())
		if m == nil {
			t.Fatal("no product on the operator's board")
		}
		page := "/operate/products/" + m[1]
		mustContain(t, "tier fields", s.get(page, op), 200, `id="price-tiers"`, `name="tier_up_to"`, "阶梯计费")
		form := func(ups, prices []string) url.Values {
			return url.Values{"model": {"tiered"}, "cap_cents": {"800"}, "free_conditions": {"非营利、成果公开"}, "tier_up_to": ups, "tier_price": prices}
		}
		w := s.postForm(page+"/prices", op, form([]string{"100", "", "", ""}, []string{"0.10", "0.20", "", ""}))
		mustContain(t, "rising tiers", w, 422, `id="pr-tiers-err"`)
		w = s.postForm(page+"/prices", op, form([]string{"abc", ""}, []string{"0.10", "0.05"}))
		mustContain(t, "a bound that is no number", w, 422, `id="pr-tiers-err"`)
		w = s.postForm(page+"/prices", op, form([]string{"100", "1000", "", ""}, []string{"0.10", "0.05", "0.02", ""}))
		if w.Code != 303 {
			t.Fatalf("propose: %d %.600s", w.Code, w.Body.String())
		}
		mustContain(t, "tiered price listed", s.get(page, op), 200, "≤100 次 0.10", "≤1000 次 0.05", "以上 0.02", "800.00", "待主管部门批准")
	})
}
