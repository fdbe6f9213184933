package workday_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/db"
	"pubdata/internal/testutil"
	"pubdata/internal/workday"
)

// Several nodes starting at once on one database all ship the 2025/2026 tables without
// tripping over each other, and an import on one node reaches the others on reload.
func TestCalendarStoreAcrossNodes(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		apps := make([]*app.App, 3)
		errs := make([]error, 3)
		for i := range apps {
			node := testutil.Reopen(t, d)
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				apps[i], errs[i] = app.New(ctx, node, app.Config{DataDir: t.TempDir()})
			}(i)
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("node %d did not start: %v", i, err)
			}
		}
		var n int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM calendar_days").Scan(&n)
		if n != len(workday.Shipped()) {
			t.Fatalf("%d calendar days stored, want the %d shipped", n, len(workday.Shipped()))
		}
		a, b := apps[0], apps[1]
		if got := workday.Format(b.Calendar.AddWorkdays(mustParse("2026-09-30"), 5)); got != "2026-10-13" {
			t.Fatalf("2026-09-30 + 5 = %s", got)
		}
		// Importing 2026 again replaces that year only (here: the National Day week shortened).
		days := []workday.Day{{Date: "2026-10-01", Kind: workday.Off, Name: "国庆节"}, {Date: "2026-10-02", Kind: workday.Off}, {Date: "2026-10-02", Kind: workday.Off, Name: "重复行"}}
		if err := a.CalStore.Import(ctx, a.Audit, "u1", "admin", "", days); err != nil {
			t.Fatal(err)
		}
		if got := len(a.Calendar.Days(2026)); got != 2 {
			t.Fatalf("2026 after import: %d days", got)
		}
		if got := len(a.Calendar.Days(2025)); got == 0 {
			t.Fatal("importing 2026 removed 2025")
		}
		// Node B sees it after its reload job.
		if err := b.CalStore.Load(ctx); err != nil {
			t.Fatal(err)
		}
		if got := workday.Format(b.Calendar.AddWorkdays(mustParse("2026-09-30"), 5)); got != "2026-10-09" {
			t.Fatalf("node B after reload: 2026-09-30 + 5 = %s, want 2026-10-09", got)
		}
	})
}

func mustParse(s string) time.Time {
	t, err := workday.Parse(s)
	if err != nil {
		panic(err)
	}
	return t
}
