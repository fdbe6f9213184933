package catalog_test

import (
	"testing"
	"time"

	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
)

func TestDemoCatalog(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		start := time.Now()
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		t.Logf("demo load %v", time.Since(start))
		var n int
		mustNoErr(t, d.QueryRowContext(ctx, "SELECT COUNT(*) FROM catalog_entries WHERE live = 1").Scan(&n))
		if n < 50 {
			t.Fatalf("%d published demo entries, want ≥ 50", n)
		}
		shares, opens := map[catalog.ShareType]bool{}, map[catalog.OpenType]bool{}
		rows, err := d.QueryContext(ctx, "SELECT share_type, open_type FROM catalog_entries WHERE live = 1")
		mustNoErr(t, err)
		for rows.Next() {
			var s, o string
			rows.Scan(&s, &o)
			shares[catalog.ShareType(s)], opens[catalog.OpenType(o)] = true, true
		}
		rows.Close()
		if len(shares) != 3 || len(opens) != 3 {
			t.Fatalf("share types %v, open types %v: every one must be represented", shares, opens)
		}
		pop, err := a.Catalog.Published(ctx, demo.EntryPopulation)
		mustNoErr(t, err)
		if k := pop.KeyFields(); len(k) != 1 || k[0] != "citizen_id" {
			t.Fatalf("population key %v", k)
		}
		for _, f := range []string{"citizen_id", "name", "sex", "birth_date", "address", "phone", "region_code"} {
			if _, ok := pop.Field(f); !ok {
				t.Errorf("population lacks field %s", f)
			}
		}
		m, err := a.Catalog.Published(ctx, demo.EntryMarriage)
		mustNoErr(t, err)
		if m.ShareType != catalog.ShareNone {
			t.Fatalf("marriage share type %s", m.ShareType)
		}
		for _, id := range []string{demo.EntryEnterprise, demo.EntryWater, demo.EntrySocialInsurance, demo.EntryPower, demo.EntryRealEstate} {
			if _, err := a.Catalog.Published(ctx, id); err != nil {
				t.Errorf("%s: %v", id, err)
			}
		}
		q, err := a.Catalog.ReviewQueue(ctx, who(t, a, "reviewer"))
		mustNoErr(t, err)
		if len(q) != 2 || q[0].EntryID != demo.EntryReviewOverdue || !q[0].Overdue || q[1].Overdue {
			t.Fatalf("review queue %+v", q)
		}
	})
}
