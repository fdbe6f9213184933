package audit_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// lostOnPowerCut logs records through the spool and then cuts the power: the process dies before
// inserting anything (HoldInserts, Crash) and every segment file keeps only what its last fsync
// made durable (the fsync seam snapshots the file when it syncs; a file never synced through it
// keeps the zeros it was created with). It returns how many acknowledged records the next start
// does not find. skip replaces the fsync by nothing, as if the call were removed.
func lostOnPowerCut(t *testing.T, skip bool) (acked, lost int) {
	t.Helper()
	d := testutil.SQLite(t)
	ctx := context.Background()
	s := audit.New(d, "")
	var mu sync.Mutex
	durable := map[string][]byte{}
	s.SetSpoolSync(func(f *os.File) error {
		if skip {
			return nil
		}
		if err := f.Sync(); err != nil {
			return err
		}
		b, err := os.ReadFile(f.Name())
		mu.Lock()
		durable[f.Name()] = b
		mu.Unlock()
		return err
	})
	if err := s.EnableSpool(ctx, spoolDir(t, d)); err != nil || !audit.Spooling(s) {
		t.Fatal("spool not taken", err)
	}
	audit.HoldInserts(s)
	for i := 0; i < 60; i++ {
		if err := s.Log(ctx, audit.Event{ActorID: "u-civil", Action: "share.gateway.lookup", ObjectID: "e-pop", GrantID: "g-1"}); err != nil {
			t.Fatal(err)
		}
		acked++
	}
	audit.Crash(s)
	segs, _ := filepath.Glob(filepath.Join(spoolDir(t, d), "*.spool"))
	for _, seg := range segs {
		img, ok := durable[seg]
		if !ok {
			st, err := os.Stat(seg)
			if err != nil {
				t.Fatal(err)
			}
			img = make([]byte, st.Size())
		}
		if err := os.WriteFile(seg, img, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	s2 := spooled(t, d)
	defer s2.Close()
	return acked, acked - countRows(t, d)
}

// An access is answered only once its record is durable: after a power cut every acknowledged
// record is found (SEC-4, the spool's promise).
func TestSpoolAnswerFollowsFsync(t *testing.T) {
	acked, lost := lostOnPowerCut(t, false)
	if lost != 0 {
		t.Fatalf("%d of %d acknowledged records lost in a power cut", lost, acked)
	}
}

// The check above can fail: with the fsync skipped through the seam (as if the call were
// removed from append), acknowledged records are lost in the power cut and the check sees it.
func TestSpoolSkippedFsyncIsCaught(t *testing.T) {
	acked, lost := lostOnPowerCut(t, true)
	if lost == 0 {
		t.Fatalf("with the fsync skipped, none of %d acknowledged records was lost: the durability check cannot fail", acked)
	}
}

// When the spool's fsync fails, Log answers only once the record is in the database (the spool
// closes and the service writes directly), and if that fails too, Log returns the error — it
// never acknowledges a record that is not durable.
func TestSpoolFsyncFailure(t *testing.T) {
	d := testutil.SQLite(t)
	ctx := context.Background()
	s := spooled(t, d)
	defer s.Close()
	logMany(t, s, 5, "before")
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	s.SetSpoolSync(func(*os.File) error { return errors.New("injected: fsync failed (disk gone)") })
	if err := s.Log(ctx, audit.Event{ActorID: "u", Action: "share.gateway.lookup", ObjectID: "x"}); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, d); n != 6 { // read at once, no Flush: the answer came after the commit
		t.Fatalf("after a failed fsync Log answered with %d records in the table, want 6", n)
	}
	if audit.Spooling(s) && audit.SpoolOpen(s) {
		t.Fatal("the spool stayed open after its fsync failed")
	}
	// The database refuses too: Log fails, nothing is acknowledged.
	breakTable(t, d)
	if err := s.Log(ctx, audit.Event{ActorID: "u", Action: "share.gateway.lookup", ObjectID: "y"}); err == nil {
		t.Fatal("Log acknowledged a record neither the spool nor the database holds")
	}
	restoreTable(t, d)
	if res, err := s.Verify(ctx); err != nil || !res.OK || res.Count != 6 {
		t.Fatalf("chain after the failures: %+v %v", res, err)
	}
}

func breakTable(t *testing.T, d *db.DB) {
	t.Helper()
	if _, err := d.ExecContext(context.Background(), "ALTER TABLE audit_log RENAME TO audit_log_away"); err != nil {
		t.Fatal(err)
	}
}

func restoreTable(t *testing.T, d *db.DB) {
	t.Helper()
	if _, err := d.ExecContext(context.Background(), "ALTER TABLE audit_log_away RENAME TO audit_log"); err != nil {
		t.Fatal(err)
	}
}
