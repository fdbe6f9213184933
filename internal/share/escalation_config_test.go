package share_test

import (
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
)

// The coordination's working-day deadline is configurable (PUBDATA_COORDINATE_DAYS, read when
// the platform starts): 3 instead of 10, counted across the National Day holiday; and a
// coordination that runs into 2027 before that year's holiday table exists shows its deadline
// as provisional, naming 2027.
func TestEscalationCoordinationDaysConfigurableAndProvisional(t *testing.T) {
	t.Setenv("PUBDATA_COORDINATE_DAYS", "3")
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-14 10:00")
		a := testutil.DemoApp(t, d, clock)
		if a.Share.CoordinateDays != 3 {
			t.Fatalf("coordination days %d; want 3 from PUBDATA_COORDINATE_DAYS", a.Share.CoordinateDays)
		}
		civil, admin := who(t, a, "civil"), who(t, a, "admin")
		r, err := a.Share.File(ctx, civil, popRequest("协调期限配置测试"))
		must(t, err)
		clock.Set("2026-09-21 09:00")
		must(t, a.Share.Deadlines(ctx))
		es, _, err := a.Share.ListEscalations(ctx, admin, "region", 50, 0)
		must(t, err)
		e := escOf(t, es, r.ID)
		clock.Set("2026-09-29 10:00")
		e, err = a.Share.CoordinateEscalation(ctx, admin, e.ID, "")
		must(t, err)
		// 30 September, then the holiday 1–7 October, 8 and 9 October.
		if e.State != share.EscCoordinating || e.DueDate != "2026-10-09" || e.DeadlineProvisional {
			t.Fatalf("coordination: %s due %s provisional %v; want 2026-10-09", e.State, e.DueDate, e.DeadlineProvisional)
		}
		clock.Set("2026-10-08 09:00")
		must(t, a.Share.Deadlines(ctx))
		if n := titled(inbox(t, a, admin), "协调办结期限提醒", e.ID); n != 1 {
			t.Fatalf("authority reminded of the 3-day coordination %d times", n)
		}

		// Across a year without a holiday table.
		clock.Set("2026-12-14 10:00")
		r2, err := a.Share.File(ctx, civil, popRequest("跨年协调测试"))
		must(t, err)
		clock.Set("2026-12-22 09:00")
		must(t, a.Share.Deadlines(ctx))
		es, _, err = a.Share.ListEscalations(ctx, admin, "region", 50, 0)
		must(t, err)
		e2 := escOf(t, es, r2.ID)
		clock.Set("2026-12-29 10:00")
		e2, err = a.Share.CoordinateEscalation(ctx, admin, e2.ID, "")
		must(t, err)
		// 30, 31 December, then 2027 counted Monday to Friday with no holidays known: 1 January.
		if e2.DueDate != "2027-01-01" || !e2.DeadlineProvisional || len(e2.MissingYears) != 1 || e2.MissingYears[0] != 2027 {
			t.Fatalf("coordination into 2027: due %s provisional %v %v; want 2027-01-01 provisional for 2027", e2.DueDate, e2.DeadlineProvisional, e2.MissingYears)
		}
	})
}
