package supervise_test

import (
	"context"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// Agencies with catalog entries but no data appear with their zero (#10 item 4) on the
// supervision dashboard's quality by agency, as on the quality overview, and count in the
// average.
func TestDashboardShowsAgenciesWithoutDataAtZero(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-03-10 10:00"))
		s := a.Supervise
		sc, err := s.ScopeOf(ctx, principal(t, a, "admin"), "")
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.Dashboard(ctx, sc, 12)
		if err != nil {
			t.Fatal(err)
		}
		var none string
		if err := d.QueryRowContext(ctx, `SELECT MIN(provider_org_id) FROM catalog_entries WHERE live = 1
			AND provider_org_id NOT IN (SELECT org_id FROM quality_org_scores)`).Scan(&none); err != nil || none == "" {
			t.Fatalf("the demo has no agency with entries but no data (%v)", err)
		}
		found, sum := false, 0.0
		for _, c := range b.QualityByOrg {
			sum += c.N
			if c.Key == none {
				found = true
				if c.N != 0 || c.Name == "" {
					t.Fatalf("agency without data on the dashboard: %+v", c)
				}
			}
		}
		if !found {
			t.Fatalf("agency %s with entries but no data is missing from quality by agency: %+v", none, b.QualityByOrg)
		}
		if want := float64(int(sum/float64(len(b.QualityByOrg))*10+0.5)) / 10; b.Quality != want {
			t.Fatalf("average %v; want %v over every agency shown, zeros included", b.Quality, want)
		}
	})
}
