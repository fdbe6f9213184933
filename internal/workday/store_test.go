package workday_test

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
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

// A running deadline counted into 2027 before 2027 had a table is recomputed, in the import's
// transaction and audited, when the authority imports the 2027 table (here a test fixture, not
// official data); a finished item and a deadline inside 2026 are left alone.
func TestImportRecomputesProvisionalDeadlines(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := testutil.NewApp(t, d, testutil.NewClock("2026-12-30 10:00"))
		if _, err := d.ExecContext(ctx, `CREATE TABLE t_items (id TEXT PRIMARY KEY, due TEXT NOT NULL, mirror TEXT NOT NULL,
			since_at BIGINT NOT NULL, done INTEGER NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		start := mustParse("2026-12-30").Add(10 * time.Hour)
		dl := a.Calendar.Deadline(start, 2)
		if workday.Format(dl.Due) != "2027-01-01" || !dl.Provisional() || dl.Missing[0] != 2027 {
			t.Fatalf("2026-12-30 + 2 = %s (missing %v); want 2027-01-01, provisional for 2027", workday.Format(dl.Due), dl.Missing)
		}
		due := workday.Format(dl.Due)
		for _, row := range []struct {
			id, due string
			done    int
		}{{"open", due, 0}, {"done", due, 1}, {"early", "2026-10-13", 0}} {
			if _, err := d.ExecContext(ctx, "INSERT INTO t_items (id, due, mirror, since_at, done) VALUES ($1, $2, $2, $3, $4)",
				row.id, row.due, start.UnixMilli(), row.done); err != nil {
				t.Fatal(err)
			}
		}
		a.CalStore.Deadlines = append(a.CalStore.Deadlines, workday.DeadlineColumn{Table: "t_items", ObjectType: "t_item",
			Due: "due", Mirrors: []string{"mirror"}, Since: "since_at", Running: "done = 0"})

		f, err := os.Open(filepath.Join("testdata", "fixture-2027.csv"))
		if err != nil {
			t.Fatal(err)
		}
		days, err := workday.ParseTable(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		n, err := a.CalStore.ImportCount(ctx, a.Audit, "u1", "admin", "", days)
		if err != nil || n != 1 {
			t.Fatalf("import: %d deadlines recomputed, err %v; want 1", n, err)
		}
		got := map[string][2]string{}
		rows, err := d.QueryContext(ctx, "SELECT id, due, mirror FROM t_items")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id, due, mirror string
			rows.Scan(&id, &due, &mirror)
			got[id] = [2]string{due, mirror}
		}
		rows.Close()
		want := map[string][2]string{"open": {"2027-01-04", "2027-01-04"}, "done": {due, due}, "early": {"2026-10-13", "2026-10-13"}}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("after importing 2027: %v, want %v", got, want)
		}
		if p := a.Calendar.ProvisionalDue("2027-01-04", start); p != nil {
			t.Fatalf("2027-01-04 still provisional after the import: %v", p)
		}
		if dl := a.Calendar.Deadline(start, 2); workday.Format(dl.Due) != "2027-01-04" || dl.Provisional() {
			t.Fatalf("after import: 2026-12-30 + 2 = %s (missing %v), want 2027-01-04 final", workday.Format(dl.Due), dl.Missing)
		}
		var audited int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.recompute' AND object_id = 'open'").Scan(&audited)
		if audited != 1 {
			t.Fatalf("%d audit records of the recomputation, want 1", audited)
		}
	})
}

// From 1 November, while next year's table is missing, every authority administrator is told
// once (inbox), however often the daily job runs; the workbench notice ends with the import.
func TestMissingNextYearNoticeOnce(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := testutil.NewClock("2026-10-31 23:00")
		a := testutil.DirectoryApp(t, d, clock)
		if n, err := a.NoticeMissingCalendar(ctx, clock.Now()); err != nil || n != 0 || a.MissingNextYear(clock.Now()) != 0 {
			t.Fatalf("31 October: %d notices (err %v); want none before November", n, err)
		}
		var admins int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM user_roles WHERE role = 'authority_admin'").Scan(&admins)
		clock.Set("2026-11-01 08:00")
		if y := a.MissingNextYear(clock.Now()); y != 2027 {
			t.Fatalf("1 November: missing year %d, want 2027", y)
		}
		n, err := a.NoticeMissingCalendar(ctx, clock.Now())
		if err != nil || n != admins || admins == 0 {
			t.Fatalf("1 November: %d notices (err %v), want one per authority administrator (%d)", n, err, admins)
		}
		clock.Advance(48 * time.Hour)
		if n, err := a.NoticeMissingCalendar(ctx, clock.Now()); err != nil || n != 0 {
			t.Fatalf("the next runs sent %d more (err %v); want each administrator told once", n, err)
		}
		var admin string
		d.QueryRowContext(ctx, "SELECT id FROM users WHERE username = 'admin'").Scan(&admin)
		var got int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND title_zh LIKE '%2027%'", admin).Scan(&got)
		if got != 1 {
			t.Fatalf("admin's inbox has %d notices about 2027, want 1", got)
		}
		if err := a.CalStore.Import(ctx, a.Audit, admin, "admin", "", []workday.Day{{Date: "2027-01-01", Kind: workday.Off, Name: "fixture"}}); err != nil {
			t.Fatal(err)
		}
		if y := a.MissingNextYear(clock.Now()); y != 0 {
			t.Fatalf("after importing 2027 the notice still names %d", y)
		}
	})
}
