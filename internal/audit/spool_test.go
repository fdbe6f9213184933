package audit_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// The write-ahead spool exists on the embedded backend only (PostgreSQL nodes write directly,
// which the ForEachDB tests above cover); these tests are about what it promises there: an
// acknowledged record is never lost, never inserted twice, and readers see it at once.

func spoolDir(t *testing.T, d *db.DB) string { return d.Where + "-audit-spool" }

func countRows(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM audit_log").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func spooled(t *testing.T, d *db.DB) *audit.Service {
	t.Helper()
	s := audit.New(d, "")
	if err := s.EnableSpool(context.Background(), spoolDir(t, d)); err != nil {
		t.Fatal(err)
	}
	if !audit.Spooling(s) {
		t.Fatal("the spool was not taken")
	}
	return s
}

// logMany logs n gateway-like events from 8 goroutines at once (so they are group-committed).
func logMany(t *testing.T, s *audit.Service, n int, tag string) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += 8 {
				errs <- s.Log(context.Background(), audit.Event{ActorID: "u-civil", ActorName: "民政厅经办人", OrgID: "org-civil",
					Action: "share.gateway.lookup", ObjectType: "catalog_entry", ObjectID: "e-pop", GrantID: "g-1", Purpose: "低保审核",
					Detail: map[string]any{"key": fmt.Sprintf("%s-%d", tag, i), "found": i%2 == 0}})
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestSpoolSurvivesCrash(t *testing.T) {
	d := testutil.SQLite(t)
	ctx := context.Background()
	s := spooled(t, d)
	logMany(t, s, 40, "early") // inserted normally
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	audit.HoldInserts(s)
	logMany(t, s, 300, "late") // acknowledged, durable in the spool only
	if n := countRows(t, d); n != 40 {
		t.Fatalf("before the crash the table holds %d records, want the 40 inserted", n)
	}
	audit.Crash(s)

	// A torn append at the end (the process died inside a write that was never acknowledged).
	segs, _ := filepath.Glob(filepath.Join(spoolDir(t, d), "*.spool"))
	if len(segs) == 0 {
		t.Fatal("no spool segment on disk")
	}
	b, err := os.ReadFile(segs[len(segs)-1])
	if err != nil {
		t.Fatal(err)
	}
	end := len(b)
	for end > 0 && b[end-1] == 0 {
		end--
	}
	f, err := os.OpenFile(segs[len(segs)-1], os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte{0x40, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3}, int64(end))
	f.Close()

	// The next start inserts the 300, once, in a valid chain, and removes the segments.
	s2 := spooled(t, d)
	defer s2.Close()
	if n := countRows(t, d); n != 340 {
		t.Fatalf("after the restart the table holds %d records, want 340", n)
	}
	if res, err := s2.Verify(ctx); err != nil || !res.OK || res.Count != 340 {
		t.Fatalf("chain after replay: %+v %v", res, err)
	}
	recs, total, err := s2.Search(ctx, audit.Filter{GrantID: "g-1", Limit: 1000})
	if err != nil || total != 340 {
		t.Fatalf("search after replay: %d records, %v", total, err)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		k := fmt.Sprint(r.Detail["key"])
		if seen[k] {
			t.Fatalf("record %s inserted twice", k)
		}
		seen[k] = true
		if r.Purpose != "低保审核" || r.ActorName != "民政厅经办人" || r.At.IsZero() {
			t.Fatalf("replayed record lost a field: %+v", r)
		}
	}
	left, _ := filepath.Glob(filepath.Join(spoolDir(t, d), "*.spool"))
	if len(left) != 1 { // only the new run's fresh segment
		t.Fatalf("segments left after replay: %v", left)
	}

	// A third start has nothing to replay: nothing is inserted twice.
	logMany(t, s2, 10, "after")
	s2.Close()
	s3 := spooled(t, d)
	defer s3.Close()
	if n := countRows(t, d); n != 350 {
		t.Fatalf("after a clean stop and start: %d records, want 350", n)
	}
}

func TestSpoolReadersSeeAcknowledgedRecords(t *testing.T) {
	d := testutil.SQLite(t)
	ctx := context.Background()
	s := spooled(t, d)
	defer s.Close()
	start := time.Now()
	if err := s.Log(ctx, audit.Event{ActorID: "u1", Action: "share.gateway.lookup", GrantID: "g-9"}); err != nil {
		t.Fatal(err)
	}
	// Search right after Log finds the record, without waiting for the inserter's schedule.
	recs, total, err := s.Search(ctx, audit.Filter{GrantID: "g-9"})
	if err != nil || total != 1 || len(recs) != 1 || recs[0].Action != "share.gateway.lookup" {
		t.Fatalf("search right after the call: %d %v", total, err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("search waited %v for the spool", time.Since(start))
	}
}

func TestSecondProcessWritesDirectly(t *testing.T) {
	d := testutil.SQLite(t)
	ctx := context.Background()
	s := spooled(t, d)
	defer s.Close()
	// Another process on the same database (a CLI command beside the server) cannot take the
	// spool: it writes its records straight into the table.
	d2 := testutil.Reopen(t, d)
	other := audit.New(d2, "")
	if err := other.EnableSpool(ctx, spoolDir(t, d)); err != nil {
		t.Fatal(err)
	}
	if audit.Spooling(other) {
		t.Fatal("two services share one spool")
	}
	if err := other.Log(ctx, audit.Event{Action: "cli.test"}); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, d); n != 1 {
		t.Fatalf("the direct write is not in the table: %d rows", n)
	}
	logMany(t, s, 20, "srv")
	if res, err := s.Verify(ctx); err != nil || !res.OK || res.Count != 21 {
		t.Fatalf("chain with both writers: %+v %v", res, err)
	}
}

func TestSpoolFailureFallsBackToDatabase(t *testing.T) {
	d := testutil.SQLite(t)
	ctx := context.Background()
	s := spooled(t, d)
	defer s.Close()
	logMany(t, s, 16, "before")
	audit.BreakSpool(s) // the next append fails (a disk error)
	logMany(t, s, 16, "after")
	if res, err := s.Verify(ctx); err != nil || !res.OK || res.Count != 32 {
		t.Fatalf("after the spool failed: %+v %v", res, err)
	}
}

func TestFrameRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ev := audit.Event{
			At:        time.UnixMilli(rapid.Int64Range(0, 1<<45).Draw(t, "at")),
			ActorID:   rapid.String().Draw(t, "actor"),
			ActorName: rapid.StringMatching(`[\p{Han}a-z ]{0,12}`).Draw(t, "name"),
			OrgID:     rapid.String().Draw(t, "org"), Action: rapid.String().Draw(t, "action"),
			ObjectType: rapid.String().Draw(t, "ot"), ObjectID: rapid.String().Draw(t, "oi"),
			Purpose: rapid.String().Draw(t, "purpose"), GrantID: rapid.String().Draw(t, "grant"),
			Result: rapid.String().Draw(t, "result"), ClientIP: rapid.String().Draw(t, "ip"),
			Retention: rapid.SampledFrom([]string{audit.Retain3Y, audit.Retain20Y}).Draw(t, "ret"),
		}
		got, detail, err := audit.FrameRoundTrip(ev, `{"k":"v"}`)
		if err != nil {
			t.Fatal(err)
		}
		if got.Detail["k"] != "v" || detail != `{"k":"v"}` {
			t.Fatalf("detail changed: %v %q", got.Detail, detail)
		}
		got.Detail = nil
		if !reflect.DeepEqual(got, ev) {
			t.Fatalf("round trip changed the event:\n%+v\n%+v", ev, got)
		}
	})
}

func TestSpoolOfAnotherDatabaseIsNotInserted(t *testing.T) {
	d1 := testutil.SQLite(t)
	s1 := spooled(t, d1)
	audit.HoldInserts(s1)
	logMany(t, s1, 24, "elsewhere")
	audit.Crash(s1)

	// The directory turns up beside a different database (the database file was replaced).
	d2 := testutil.SQLite(t)
	if err := os.CopyFS(spoolDir(t, d2), os.DirFS(spoolDir(t, d1))); err != nil {
		t.Fatal(err)
	}
	s2 := spooled(t, d2)
	defer s2.Close()
	if n := countRows(t, d2); n != 0 {
		t.Fatalf("records of another database were inserted: %d", n)
	}
	aside, _ := filepath.Glob(filepath.Join(spoolDir(t, d2), "orphaned-*", "*.spool"))
	if len(aside) == 0 {
		t.Fatal("the foreign segments were not kept aside")
	}
	// The original database still gets its own records back.
	s3 := spooled(t, d1)
	defer s3.Close()
	if n := countRows(t, d1); n != 24 {
		t.Fatalf("the spool's own database got %d of its 24 records", n)
	}
}
