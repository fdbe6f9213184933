package ingest_test

import (
	"testing"
	"time"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/testutil"
)

// TestDemoData: the demo region holds the synthetic data with its deliberate problems, and the
// late power entry is flagged.
func TestDemoData(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		start := time.Now()
		a := testutil.DemoApp(t, d, nil)
		t.Logf("demo region loaded in %v", time.Since(start))
		s := a.Ingest
		// (later demo data — corrections of the quality demo — may add rows)
		want := map[string]int64{demo.EntryPopulation: demo.DemoPersons, demo.EntryEnterprise: demo.DemoEnterprises, demo.EntryFoodLicense: 800, demo.EntryWater: 3000, demo.EntryPower: 6000}
		for id, n := range want {
			v, err := s.Current(ctx, id)
			must(t, err)
			if v.Rows < n {
				t.Errorf("%s: %d rows, want %d", id, v.Rows, n)
			}
		}
		officer := who(t, a, "officer")
		vs, _, err := s.Versions(ctx, officer, demo.EntryPopulation, 50, 0)
		must(t, err)
		loadID := ""
		for _, v := range vs {
			if v.Channel == ingest.ChannelDemo {
				loadID = v.ID
			}
		}
		rep, err := s.Report(ctx, officer, loadID)
		must(t, err)
		failed := int64(0)
		for _, d := range rep.Dimensions {
			failed += d.Failed
		}
		if rep.RowsInvalid != 5 || failed < 5 || len(rep.Problems) < 5 {
			t.Errorf("population report: %d invalid rows, %d failed checks", rep.RowsInvalid, failed)
		}
		// a composite key: account number and month
		if r, err := s.Lookup(ctx, demo.EntryPower, "DL00000001|2026-07"); err != nil || r.Values["month"] != "2026-07" {
			t.Errorf("power record by composite key: %+v %v", r, err)
		}
		board, err := s.Freshness(ctx, who(t, a, "admin"))
		must(t, err)
		if st := statusOf(board, demo.EntryPower); st != ingest.FreshLate {
			t.Errorf("power entry: %s, want late", st)
		}
	})
}
