package quality_test

import (
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/quality"
	"pubdata/internal/testutil"
)

// Task counts count rows, not problems (#10 item 4): a record failing on its birth date and its
// sex is one row to correct, so a load with that record and one other failing record opens a
// task of 2 rows (3 problems listed), and its inbox message says 2; fixing one field of the
// first record leaves 2 rows open, fixing both leaves 1.
func TestTaskCountsRowsNotProblems(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, clock := demoApp(t, d)
		officer := as(t, a, "officer")
		addIDRule(t, a, officer)
		rs := residents(4)
		both, one := rs[1], rs[2]
		both.birth, both.sex = "1961-02-12", "女" // the ID says otherwise on both
		one.sex = "女"
		load(t, a, officer, demo.EntryPopulation, ingest.ModeReplace, true, popFile([]resident{rs[0], both, one, rs[3]}))
		ts := liveTasks(t, a, officer)
		if len(ts) != 1 {
			t.Fatalf("want one task, got %d", len(ts))
		}
		tk, err := a.Quality.Task(ctx, officer, ts[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(tk.Rows) != 3 || tk.RowsTotal != 2 || tk.RowsOpen != 2 {
			t.Fatalf("task: %d problems listed, rows %d open %d; want 3 problems on 2 rows", len(tk.Rows), tk.RowsTotal, tk.RowsOpen)
		}
		said := false
		for _, m := range inbox(t, a, officer) {
			if m.ObjectID == tk.ID && m.Kind == "flag" {
				said = strings.Contains(m.BodyZH, "有 2 行问题") && strings.Contains(m.BodyEN, "2 rows")
			}
		}
		if !said {
			t.Fatal("the task's inbox message does not count 2 rows")
		}

		// Only the birth date of the first record fixed: it still fails on sex.
		clock.Set("2026-10-08 09:00")
		half := rs[1]
		half.sex = "女"
		load(t, a, officer, demo.EntryPopulation, ingest.ModeUpsert, false, popFile([]resident{half}))
		tk, _ = a.Quality.Task(ctx, officer, tk.ID)
		if tk.RowsOpen != 2 || tk.State == quality.TaskResolved {
			t.Fatalf("after fixing one field of a row: %s, %d rows open; want 2", tk.State, tk.RowsOpen)
		}
		clock.Set("2026-10-09 09:00")
		load(t, a, officer, demo.EntryPopulation, ingest.ModeUpsert, false, popFile([]resident{rs[1]}))
		tk, _ = a.Quality.Task(ctx, officer, tk.ID)
		if tk.RowsOpen != 1 || tk.RowsTotal != 2 {
			t.Fatalf("after fixing the first row: %d of %d rows open; want 1 of 2", tk.RowsOpen, tk.RowsTotal)
		}
	})
}
