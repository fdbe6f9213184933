package market_test

import (
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
)

// In a real browser: the market regulation administration registers a data asset and the
// authority approves it (a certificate number); the authority records the operator's product
// operation right; the operator lists the product with its data-source statement and records a
// trade with the application unit, both responsible persons named.
func TestMarketBrowser(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := testutil.NewBrowser(t, d, testutil.NewClock("2026-09-30 10:00"))
		b.Login("market")
		b.Visit("/market")
		b.Fill("#as-name", "市场主体登记数据资产")
		b.Fill("#as-entry", demo.EntryEnterprise)
		b.Fill("#as-cost", "系统建设与维护约 120 万元/年")
		b.Fill("#as-usage", "支撑企业登记核验与信用监管")
		b.Click("#asset-submit")
		if got := b.Text("#asset-state"); !strings.Contains(got, "待审核") {
			t.Fatalf("after registering: %q (page %s)", got, b.Path())
		}
		asset := b.Path()
		if i := strings.IndexByte(asset, '?'); i >= 0 {
			asset = asset[:i]
		}

		b.Login("admin")
		b.Visit(asset)
		b.Click("#asset-approve")
		if got := b.Text("#cert-no"); !strings.HasPrefix(got, "DA-"+demo.RegionProvince+"-2026-") {
			t.Fatalf("certificate number %q", got)
		}
		var pid string
		if err := b.App.DB.QueryRow("SELECT id FROM opr_products WHERE name = $1", demo.DemoProductPopulation).Scan(&pid); err != nil {
			t.Fatal(err)
		}
		b.Visit("/market/products/" + pid)
		b.Fill("#ri-kind", "operation")
		b.Fill("#ri-holder", demo.OrgOperator)
		b.Fill("#ri-ref", "内数管授〔2026〕1号")
		b.Fill("#ri-from", "2026-01-01")
		b.Fill("#ri-to", "2028-12-31")
		b.Click("#right-submit")
		if !strings.Contains(b.HTML(), "数据产品经营权") {
			t.Fatal("the operation right is not shown")
		}

		b.Login("operator")
		b.Visit("/market")
		b.Fill("#li-product", pid)
		b.Fill("#li-stmt", "数据来源于公安厅常住人口信息，依授权运营协议加工，原始数据不出域。")
		b.Click("#listing-submit")
		if got := b.Text("#listing-state"); !strings.Contains(got, "挂牌中") {
			t.Fatalf("after listing: %q (page %s)", got, b.Path())
		}
		b.Fill("#tr-buyer", demo.OrgAppUnit)
		b.Fill("#tr-sp", "杨运营")
		b.Fill("#tr-price", "5000 元/年")
		b.Fill("#tr-scope", "小微企业授信风控")
		b.Fill("#tr-to", "2027-09-30")
		// Without the buyer's responsible person the trade is refused.
		b.Click("#trade-submit")
		if !strings.Contains(b.HTML(), "责任人") || b.Status != 422 {
			t.Fatalf("a trade without the buyer's responsible person: HTTP %d", b.Status)
		}
		b.Visit(strings.Split(b.Path(), "/trades")[0])
		b.Fill("#tr-buyer", demo.OrgAppUnit)
		b.Fill("#tr-bp", "朱应用")
		b.Fill("#tr-sp", "杨运营")
		b.Fill("#tr-price", "5000 元/年")
		b.Fill("#tr-scope", "小微企业授信风控")
		b.Fill("#tr-to", "2027-09-30")
		b.Click("#trade-submit")
		if got := b.Text("#trade-buyer"); !strings.Contains(got, "朱应用") {
			t.Fatalf("after recording the trade: %q (page %s)", got, b.Path())
		}
		b.Screenshot("trade")
	})
}
