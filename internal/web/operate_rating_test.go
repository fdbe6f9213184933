package web_test

import (
	"net/url"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// OPR-8 ratings through the pages: the unit rates a product it has an agreement for (an invalid
// rating answers beside the field), rates again in the same quarter (an edit, not a second
// rating), and the average shows on the product page and the operator's board.
func TestOperateRatingForm(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		unit := s.login("appunit")
		w := s.get("/operate", unit)
		ids := map[string]string{}
		for _, m := range productLink.FindAllStringSubmatch(w.Body.String(), -1) {
			ids[m[2]] = m[1]
		}
		pop := ids[demo.DemoProductPopulation]
		w = s.get("/operate/products/"+pop, unit)
		mustContain(t, "product page", w, 200, `id="rate-form"`, "暂无评价")
		w = s.postForm("/operate/products/"+pop+"/rate", unit, url.Values{"rating": {"7"}, "use": {"区域分析"}, "effect": {"缩短审批"}})
		mustContain(t, "bad rating", w, 422, `id="rate-rating-err"`, "评分为1到5")
		w = s.postForm("/operate/products/"+pop+"/rate", unit, url.Values{"rating": {"2"}, "use": {"区域分析"}, "effect": {"缩短审批"}})
		if w.Code != 303 {
			t.Fatalf("rate: %d %.300s", w.Code, w.Body.String())
		}
		w = s.postForm("/operate/products/"+pop+"/rate", unit, url.Values{"rating": {"4"}, "use": {"区域分析"}, "effect": {"审批缩短两天"}})
		if w.Code != 303 {
			t.Fatalf("edit rating: %d", w.Code)
		}
		w = s.get("/operate/products/"+pop, unit)
		mustContain(t, "rated product", w, 200, `<span id="rating-mean">4</span> / 5（1 条）`, "修改本季度评价")
		op := s.login("operator")
		w = s.get("/operate", op)
		mustContain(t, "operator board", w, 200, "平均评价")
		if !strings.Contains(w.Body.String(), "4 / 5（1）") {
			t.Fatal("the operator board does not show the product's average rating")
		}
	})
}
