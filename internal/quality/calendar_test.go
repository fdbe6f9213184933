package quality_test

import (
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/quality"
	"pubdata/internal/testutil"
	"pubdata/internal/workday"
)

// An objection's answer deadline that runs into 2027 before its holiday table exists is
// provisional in the API; importing the 2027 table (a test fixture) recomputes it.
func TestObjectionDeadlineProvisionalUntilImport(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, clock := demoApp(t, d)
		officer, citizen, admin := as(t, a, "officer"), as(t, a, "citizen"), as(t, a, "admin")
		rs := residents(1)
		load(t, a, officer, demo.EntryPopulation, ingest.ModeReplace, false, popFile(rs))
		if _, err := d.ExecContext(ctx, "UPDATE users SET id_number = $1 WHERE id = $2", rs[0].id, citizen.UserID); err != nil {
			t.Fatal(err)
		}
		clock.Set("2026-12-30 10:00")
		o, err := a.Quality.Raise(ctx, citizen, quality.ObjectionInput{EntryID: demo.EntryPopulation, Key: rs[0].id, Kind: quality.ObjWrong,
			Fields: []string{"name"}, Description: "姓名登记错误"}, "")
		if err != nil {
			t.Fatal(err)
		}
		o, err = a.Quality.Objection(ctx, officer, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := workday.Format(a.Calendar.AddWorkdays(workday.Date(clock.Now()), a.Quality.Settings(ctx).ObjectionWorkdays))
		if o.Due != want || o.Due < "2027-01-01" || !o.DeadlineProvisional || len(o.MissingYears) != 1 || o.MissingYears[0] != 2027 {
			t.Fatalf("raised 2026-12-30: due %s (want %s) provisional %v %v; want provisional for 2027", o.Due, want, o.DeadlineProvisional, o.MissingYears)
		}
		before := o.Due
		if err := a.CalStore.Import(ctx, a.Audit, admin.UserID, admin.Username, admin.OrgID,
			[]workday.Day{{Date: "2027-01-01", Kind: workday.Off, Name: "fixture"}}); err != nil {
			t.Fatal(err)
		}
		o, err = a.Quality.Objection(ctx, officer, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		want = workday.Format(a.Calendar.AddWorkdays(workday.Date(clock.Now()), a.Quality.Settings(ctx).ObjectionWorkdays))
		if o.Due != want || o.Due == before || o.DeadlineProvisional {
			t.Fatalf("after importing 2027: due %s (was %s, want %s) provisional %v", o.Due, before, want, o.DeadlineProvisional)
		}
	})
}
