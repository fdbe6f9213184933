package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/operate"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// Anyone, logged in or not, reads the public page of authorized operation: the demo's need,
// offer, case and notice, the disclosure due date while none is filed, and, once the operator
// has filed the annual disclosure, its products with their approved prices in yuan.
func TestOperatePublicPage(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := testutil.DemoApp(t, d, nil)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		w := s.get("/operate/public")
		mustContain(t, "public page", w, 200, `id="needs"`, "小微企业经营状况统计需求", "人口分布统计产品上线", "普惠金融授信案例", "公共数据授权运营管理办法", `id="disclosure-due"`)
		principal := func(name string) *authz.Principal {
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
		op, admin := principal("operator"), principal("admin")
		ps, err := a.Operate.Products(ctx, op)
		if err != nil || len(ps) == 0 {
			t.Fatal(err)
		}
		pr, err := a.Operate.ProposePrice(ctx, op, ps[0].ID, operate.PriceSpec{Model: operate.PricePerCall, UnitCents: 150, CapCents: 300000, FreeConditions: "非营利用途"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Operate.DecidePrice(ctx, admin, ps[0].ID, pr.Version, true, "同意"); err != nil {
			t.Fatal(err)
		}
		year := time.Now().Year()
		a.Operate.Now = func() time.Time { return time.Date(year+1, 3, 1, 9, 0, 0, 0, time.UTC) }
		if _, err := a.Operate.FileReport(ctx, op, operate.ReportDisclosure, strconv.Itoa(year)); err != nil {
			t.Fatal(err)
		}
		w = s.get("/operate/public", s.login("citizen"))
		mustContain(t, "public page with the disclosure", w, 200, ps[0].Name, "按次计费", "1.50", "3000.00", "非营利用途")
		if body := w.Body.String(); strings.Contains(body, `id="disclosure-due"`) {
			t.Error("the due notice stays after the disclosure was filed")
		}
	})
}
