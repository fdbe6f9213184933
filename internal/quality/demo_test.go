package quality_test

import (
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/quality"
	"pubdata/internal/testutil"
)

// The demo region shows quality at work: rules, open correction tasks with problem rows for
// public security (ID consistency) and civil affairs (多源校核), one open objection from the demo
// citizen about their own record (marked disputed), and a score history for the trend charts.
func TestDemoData(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, _ := demoApp(t, d)
		officer, civil, citizen, admin := as(t, a, "officer"), as(t, a, "civil"), as(t, a, "citizen"), as(t, a, "admin")
		if rs, err := a.Quality.Rules(ctx, officer, demo.EntryPopulation); err != nil || len(rs) != 2 {
			t.Errorf("population rules: %v %d", err, len(rs))
		}
		for _, c := range []struct {
			who   string
			entry string
			field string
		}{{"officer", demo.EntryPopulation, "sex"}, {"civil", demo.EntryMarriage, "name"}, {"civil", demo.EntryMarriage, "spouse_citizen_id"}} {
			p := as(t, a, c.who)
			ts, _, err := a.Quality.Tasks(ctx, p, quality.TaskFilter{State: "live", EntryID: c.entry})
			if err != nil || len(ts) == 0 {
				t.Fatalf("%s: no open task on %s: %v", c.who, c.entry, err)
			}
			found := false
			for _, tk := range ts {
				full, _ := a.Quality.Task(ctx, p, tk.ID)
				for _, r := range full.Rows {
					found = found || (r.Field == c.field && r.Status == quality.RowOpen)
				}
			}
			if !found {
				t.Errorf("%s: no open %s row on %s", c.who, c.field, c.entry)
			}
		}
		mine, _, err := a.Quality.Objections(ctx, citizen, quality.ObjectionFilter{Mine: true})
		if err != nil || len(mine) != 1 || mine[0].State != quality.ObjOpen {
			t.Fatalf("citizen objection: %v %+v", err, mine)
		}
		rec, err := a.Ingest.Lookup(ctx, demo.EntryPopulation, mine[0].Key)
		if err != nil || !rec.Disputed {
			t.Errorf("the citizen's record exists and is disputed: %v %+v", err, rec)
		}
		q, _, _ := a.Quality.Objections(ctx, officer, quality.ObjectionFilter{State: "live"})
		if len(q) != 1 {
			t.Errorf("provider queue: %+v", q)
		}
		day, err := a.Quality.EntryScores(ctx, admin, demo.EntryPopulation, quality.PeriodDay, 0)
		if err != nil || len(day) != 15 {
			t.Errorf("daily history: %v %d points", err, len(day))
		}
		if sm, err := a.Quality.Summaries(ctx, admin); err != nil || len(sm) < 3 {
			t.Errorf("authority summary: %v %+v", err, sm)
		}
		_ = civil
	})
}
