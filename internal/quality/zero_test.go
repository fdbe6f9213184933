package quality_test

import (
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// TestAgenciesWithoutDataScoreZero: every agency with published catalog entries is on the
// authority's quality overview; one that has aggregated no data scores 0, flagged, instead of
// being left out.
func TestAgenciesWithoutDataScoreZero(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, _ := demoApp(t, d)
		sm, err := a.Quality.Summaries(ctx, as(t, a, "admin"))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for i, s := range sm {
			got[s.OrgID] = i
		}
		rows, err := d.QueryContext(ctx, `SELECT DISTINCT provider_org_id FROM catalog_entries WHERE live = 1 AND provider_org_id NOT IN (SELECT org_id FROM quality_org_scores)`)
		if err != nil {
			t.Fatal(err)
		}
		var none []string
		for rows.Next() {
			var o string
			rows.Scan(&o)
			none = append(none, o)
		}
		rows.Close()
		if len(none) == 0 {
			t.Fatal("the demo has no agency with entries but no data")
		}
		for _, o := range none {
			i, ok := got[o]
			if !ok {
				t.Fatalf("agency %s with published entries but no data is missing from the overview", o)
			}
			if sm[i].Score != 0 || !sm[i].NoData || sm[i].Entries == 0 {
				t.Fatalf("agency without data: %+v", sm[i])
			}
		}
	})
}
