package share_test

import (
	"encoding/json"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/testutil"
	"pubdata/internal/workday"
)

// A decision deadline that runs into 2027 before its holiday table exists is provisional (API
// field deadline_provisional, naming 2027); importing the 2027 table (a test fixture, not the
// official one) recomputes the stored deadline, audited, and it is final.
func TestProvisionalDeadlineRecomputedOnImport(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-12-30 10:00")
		a := testutil.DemoApp(t, d, clock)
		civil, approver := who(t, a, "civil"), who(t, a, "approver")
		r, err := a.Share.File(ctx, civil, popRequest("跨年申请"))
		must(t, err)
		// 5 working days: 12-31, then 2027 counted Monday–Friday: 01-01, 01-04, 01-05, 01-06.
		if r.DueDate != "2027-01-06" || !r.DeadlineProvisional || len(r.MissingYears) != 1 || r.MissingYears[0] != 2027 {
			t.Fatalf("filed: due %s provisional %v %v; want 2027-01-06 provisional for 2027", r.DueDate, r.DeadlineProvisional, r.MissingYears)
		}
		b, _ := json.Marshal(r)
		if !strings.Contains(string(b), `"deadline_provisional":true`) || !strings.Contains(string(b), `"deadline_missing_years":[2027]`) {
			t.Fatalf("the API shape lacks the provisional flag: %s", b)
		}
		admin := who(t, a, "admin")
		if err := a.CalStore.Import(ctx, a.Audit, admin.UserID, admin.Username, admin.OrgID,
			[]workday.Day{{Date: "2027-01-01", Kind: workday.Off, Name: "元旦（测试夹具 / fixture）"}}); err != nil {
			t.Fatal(err)
		}
		got, err := a.Share.Get(ctx, approver, r.ID)
		must(t, err)
		if got.DueDate != "2027-01-07" || got.DecideDue != "2027-01-07" || got.DeadlineProvisional {
			t.Fatalf("after importing 2027: due %s (decide %s) provisional %v; want 2027-01-07 final", got.DueDate, got.DecideDue, got.DeadlineProvisional)
		}
		var audited int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.recompute' AND object_id = $1", r.ID).Scan(&audited)
		if audited != 1 {
			t.Fatalf("%d audit records of the recomputation, want 1", audited)
		}
	})
}
