package web_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"pubdata/internal/db"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// The operator files a quarterly report and the authority records the annual evaluation on the
// operation workbench (OPR-6, OPR-8): errors beside the field, POST → 303, the outcome in words;
// a second rectify in a year counts as fail.
func TestOperateReportAndEvaluationForms(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		last := time.Now().Year() - 1
		op := s.login("operator")
		w := s.get("/operate", op)
		mustContain(t, "report form", w, 200, `id="report-form"`, "向数据主管部门的定期报告")
		w = s.postForm("/operate/reports", op, url.Values{"kind": {"authority"}, "period": {"2099-Q1"}})
		mustContain(t, "future period", w, 422, `id="rp-period-err"`)
		w = s.postForm("/operate/reports", op, url.Values{"kind": {"authority"}, "period": {fmt.Sprintf("%d-Q4", last)}})
		if w.Code != 303 {
			t.Fatalf("file report: %d %.300s", w.Code, w.Body.String())
		}
		w = s.get("/operate", op)
		mustContain(t, "filed report", w, 200, fmt.Sprintf("<td>%d-Q4</td>", last))

		admin := s.login("admin")
		w = s.get("/operate", admin)
		mustContain(t, "evaluation form", w, 200, `id="evaluation-form"`, "限期整改")
		w = s.postForm("/operate/evaluations", admin, url.Values{"year": {fmt.Sprint(last)}, "assessor": {""}, "outcome": {"rectify"}})
		mustContain(t, "no assessor", w, 422, `id="ev-assessor-err"`)
		for i, want := range []string{"整改中", "不合格，退出运营"} {
			w = s.postForm("/operate/evaluations", admin, url.Values{"year": {fmt.Sprint(last)}, "assessor": {"某评估机构"}, "outcome": {"rectify"}, "findings": {"日志不完整"}})
			if w.Code != 303 {
				t.Fatalf("evaluation %d: %d %.300s", i+1, w.Code, w.Body.String())
			}
			w = s.get("/operate", admin)
			mustContain(t, "evaluation table", w, 200, `id="evaluation-table"`, want, `class="evaluation-facts"`, "监管函 0")
		}
	})
}

// The operator proposes a price on the product page: a non-number answers beside the field; a
// valid price is listed awaiting the authority.
func TestOperatePriceForm(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		op := s.login("operator")
		w := s.get("/operate", op)
		m := productLink.FindStringSubmatch(w.Body.String())
		if m == nil {
			t.Fatal("no product on the operator's board")
		}
		page := "/operate/products/" + m[1]
		w = s.get(page, op)
		mustContain(t, "price form", w, 200, `id="price-form"`, "按次计费")
		w = s.postForm(page+"/prices", op, url.Values{"model": {"per_call"}, "unit_cents": {"abc"}, "cap_cents": {"500"}, "free_conditions": {"非营利、成果公开"}})
		mustContain(t, "bad amount", w, 422, `id="pr-unit-err"`)
		w = s.postForm(page+"/prices", op, url.Values{"model": {"per_call"}, "unit_cents": {"0.5"}, "cap_cents": {"500"}, "free_conditions": {"非营利、成果公开"}})
		if w.Code != 303 {
			t.Fatalf("propose: %d %.400s", w.Code, w.Body.String())
		}
		w = s.get(page, op)
		mustContain(t, "price listed", w, 200, `id="price-table"`, "待主管部门批准")
	})
}
