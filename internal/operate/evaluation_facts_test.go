package operate_test

import (
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/market"
	"pubdata/internal/operate"
	"pubdata/internal/testutil"
)

// The annual evaluation records, beside the units' ratings and the reports filed, the
// supervision letters the authority sent the operator that year (OPR-8 reading OPR-11): a
// rectification letter still open counts.
func TestEvaluationRecordsSupervisionLetters(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		op, admin := who(t, a, "operator"), who(t, a, "admin")
		r, err := a.Market.FileReport(ctx, op, market.ReportInput{Kind: "outsourcing", Title: "数据清洗服务外包", Body: "拟将数据清洗外包给某科技公司，合同期一年。"})
		must(t, err)
		_, err = a.Market.IssueLetter(ctx, admin, market.LetterInput{ReportID: r.ID, Kind: market.LetterRectify, Body: "外包合同未约定数据安全责任，请补充并报送。", Days: 5})
		must(t, err)
		ev, err := a.Operate.RecordEvaluation(ctx, admin, operate.EvaluationInput{Year: 2026, Assessor: "某评估机构", Outcome: "rectify", Findings: "外包管理不规范"})
		must(t, err)
		if ev.Facts["supervision_letters"] != 1 || ev.Facts["rectification_letters"] != 1 || ev.Facts["letters_open"] != 1 || ev.Facts["letters_overdue"] != 0 {
			t.Fatalf("facts: %v", ev.Facts)
		}
		if _, ok := ev.Facts["restrictions_open"]; !ok {
			t.Fatalf("facts lack the open restrictions: %v", ev.Facts)
		}
	})
}
