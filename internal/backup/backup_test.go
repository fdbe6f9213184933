package backup_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/backup"
	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// dumpTables reads every table of d as sorted text rows.
func dumpTables(t *testing.T, d *db.DB) map[string][]string {
	t.Helper()
	ctx := context.Background()
	list := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
	if d.Dialect == db.Postgres {
		list = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
	}
	rows, err := d.QueryContext(ctx, list)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	out := map[string][]string{}
	for _, n := range names {
		r, err := d.QueryContext(ctx, `SELECT * FROM "`+n+`"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := r.Columns()
		var lines []string
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				fmt.Fprintf(&b, "%v\x1f", v)
			}
			lines = append(lines, b.String())
		}
		r.Close()
		sort.Strings(lines)
		out[n] = lines
	}
	return out
}

// freshTarget is an empty place to restore into: a new data directory, or a new PostgreSQL
// database (the dump recreates the source's schema in it).
func freshTarget(t *testing.T, src *db.DB) (backup.Target, func() *db.DB) {
	t.Helper()
	ctx := context.Background()
	if src.Dialect == db.SQLite {
		dir := t.TempDir()
		return backup.Target{SQLitePath: filepath.Join(dir, "pubdata.db")}, func() *db.DB {
			d, err := db.Open(ctx, "", dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d.Close() })
			return d
		}
	}
	u, _ := url.Parse(testutil.DSN(src))
	name := fmt.Sprintf("restore_%d", time.Now().UnixNano())
	if _, err := src.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	dsn := u.String()
	t.Cleanup(func() { src.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
	return backup.Target{DSN: dsn}, func() *db.DB {
		d, err := db.Open(ctx, dsn, "")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
}

func newService(t *testing.T, a *app.App, d *db.DB, national bool) (*backup.Service, string) {
	t.Helper()
	rcpt, ident, err := backup.GenerateKeyPair(national)
	if err != nil {
		t.Fatal(err)
	}
	s := a.Backup
	s.DSN = testutil.DSN(d)
	s.Dir = t.TempDir()
	s.Recipient = rcpt
	return s, ident
}

// A backup restored onto a fresh database equals the source: every table's rows and the audit
// chain; the manifest's hash is in the audit log; a wrong key is refused before anything is
// written; a restore drill passes and records its recovery point and time.
func TestBackupRestoreRoundTrip(t *testing.T) {
	for _, national := range []bool{false, true} {
		t.Run(fmt.Sprintf("national=%v", national), func(t *testing.T) {
			testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
				ctx := context.Background()
				a := testutil.DemoApp(t, d, nil)
				if _, _, err := a.Audit.MakeCheckpoint(ctx); err != nil {
					t.Fatal(err)
				}
				s, ident := newService(t, a, d, national)
				a.Audit.Flush(ctx)
				src := dumpTables(t, d) // as of the snapshot: nothing else writes meanwhile
				var stages []string
				m, err := s.Create(ctx, "tester", func(stage string, done, total int64) {
					if len(stages) == 0 || stages[len(stages)-1] != stage {
						stages = append(stages, stage)
					}
				})
				if err != nil {
					t.Fatal(err)
				}
				if len(stages) == 0 {
					t.Fatal("no progress reported")
				}
				if m.Checkpoint == nil || len(m.Tables) < 20 || m.Tables["audit_log"] == 0 {
					t.Fatalf("manifest: checkpoint %v, %d tables, %d audit records", m.Checkpoint != nil, len(m.Tables), m.Tables["audit_log"])
				}
				// The file is not readable as a database.
				raw, _ := os.ReadFile(filepath.Join(s.Dir, m.File))
				if strings.Contains(string(raw), "SQLite format") || strings.Contains(string(raw), "audit_log") || strings.Contains(string(raw), "PGDMP") {
					t.Fatal("the backup file is not encrypted")
				}
				// The manifest's hash is in the audit log.
				mb, _ := os.ReadFile(filepath.Join(s.Dir, m.ID+".manifest.json"))
				a.Audit.Flush(ctx)
				var detail string
				if err := d.QueryRowContext(ctx, "SELECT detail FROM audit_log WHERE action = 'backup.create' AND object_id = $1", m.ID).Scan(&detail); err != nil {
					t.Fatal(err)
				}
				if want := sha256hex(mb); !strings.Contains(detail, want) {
					t.Fatalf("audit detail %s lacks the manifest hash %s", detail, want)
				}

				// Wrong key: refused, target untouched.
				_, wrong, _ := backup.GenerateKeyPair(national)
				tgt, open := freshTarget(t, d)
				_, err = s.RestoreID(ctx, m.ID, wrong, tgt, nil)
				var ae *apperr.Error
				if !errors.Is(err, backup.ErrWrongKey) || !errors.As(err, &ae) || ae.Code != "backup_wrong_key" || ae.ZH == "" || ae.EN == "" {
					t.Fatalf("wrong key: %v", err)
				}
				if tgt.SQLitePath != "" {
					if _, err := os.Stat(tgt.SQLitePath); err == nil {
						t.Fatal("a refused restore wrote the target")
					}
				}
				// The other scheme's key is refused too.
				_, other, _ := backup.GenerateKeyPair(!national)
				if _, err := s.RestoreID(ctx, m.ID, other, tgt, nil); !errors.Is(err, backup.ErrWrongKey) {
					t.Fatalf("other scheme's key: %v", err)
				}

				// Right key: equal.
				if _, err := s.RestoreID(ctx, m.ID, ident, tgt, nil); err != nil {
					t.Fatal(err)
				}
				rd := open()
				got := dumpTables(t, rd)
				var tables []string
				for n := range src {
					tables = append(tables, n)
				}
				sort.Strings(tables)
				for _, n := range tables {
					if n == "backups" || n == "goose_db_version" {
						continue // the backup's own row is written after the snapshot
					}
					if strings.Join(src[n], "\n") != strings.Join(got[n], "\n") {
						t.Errorf("table %s differs after restore: %d rows, source %d", n, len(got[n]), len(src[n]))
					}
				}
				if len(got) != len(src) {
					t.Errorf("restored %d tables, source has %d", len(got), len(src))
				}
				ra := audit.New(rd, a.Audit.Algo)
				v, err := ra.Verify(ctx)
				if err != nil || !v.OK || v.Count != m.Tables["audit_log"] {
					t.Fatalf("restored audit chain: %+v %v", v, err)
				}
				// The backup's own row was snapshotted while it ran; the restore completes it from
				// the manifest and records itself, with the manifest's hash, in the restored log.
				var state string
				rd.QueryRowContext(ctx, "SELECT state FROM backups WHERE id = $1", m.ID).Scan(&state)
				if state != "running" {
					t.Fatalf("restored backup row before marking: %q", state)
				}
				if err := backup.MarkRestored(ctx, rd, m, mb, "tester"); err != nil {
					t.Fatal(err)
				}
				rows, _ := s.List(ctx, 1)
				var file, msum, fsum string
				var size int64
				if err := rd.QueryRowContext(ctx, "SELECT state, file, size, sha256, manifest_sha256 FROM backups WHERE id = $1", m.ID).Scan(&state, &file, &size, &fsum, &msum); err != nil {
					t.Fatal(err)
				}
				if state != "done" || file != m.File || size != m.Size || fsum != m.SHA256 || msum != sha256hex(mb) || len(rows) == 0 || rows[0].Manifest != msum {
					t.Fatalf("restored backup row: %s %s %d %s %s (source %+v)", state, file, size, fsum, msum, rows)
				}
				var rdetail string
				if err := rd.QueryRowContext(ctx, "SELECT detail FROM audit_log WHERE action = 'backup.restore' AND object_id = $1", m.ID).Scan(&rdetail); err != nil || !strings.Contains(rdetail, msum) {
					t.Fatalf("restored log's restore record: %q %v", rdetail, err)
				}
				if v, err := ra.Verify(ctx); err != nil || !v.OK || v.Count != m.Tables["audit_log"]+1 {
					t.Fatalf("restored audit chain after the restore record: %+v %v", v, err)
				}
				// Not over existing data.
				if _, err := s.RestoreID(ctx, m.ID, ident, tgt, nil); !errors.Is(err, backup.ErrTargetNotEmpty) {
					t.Fatalf("restore over a restored database: %v", err)
				}

				// Drill.
				s.DrillIdentity = ident
				dr, err := s.RunDrill(ctx)
				if err != nil || !dr.OK || dr.Tables != len(m.Tables) || dr.RTO <= 0 || dr.AuditSize != m.Tables["audit_log"] {
					t.Fatalf("drill: %+v %v", dr, err)
				}
				ds, _ := s.Drills(ctx, 10)
				if len(ds) == 0 || ds[0].ID != dr.ID || !ds[0].OK {
					t.Fatalf("drills listed: %+v", ds)
				}
			})
		})
	}
}

func sha256hex(b []byte) string { return backup.SHA256Hex(b) }

// A damaged file fails its drill (recorded, not passed) and a restore (ErrCorrupt).
func TestDamagedBackupIsRefused(t *testing.T) {
	d := testutil.SQLite(t)
	a := testutil.DirectoryApp(t, d, nil)
	ctx := context.Background()
	s, ident := newService(t, a, d, false)
	m, err := s.Create(ctx, "tester", nil)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(s.Dir, m.File)
	b, _ := os.ReadFile(p)
	b[len(b)/2] ^= 1
	os.WriteFile(p, b, 0o600)
	tgt, _ := freshTarget(t, d)
	if _, err := s.RestoreID(ctx, m.ID, ident, tgt, nil); !errors.Is(err, backup.ErrCorrupt) {
		t.Fatalf("damaged file: %v", err)
	}
	s.DrillIdentity = ident
	dr, err := s.RunDrill(ctx)
	if err != nil || dr.OK || dr.Detail == "" {
		t.Fatalf("drill of a damaged backup: %+v %v", dr, err)
	}
}

// Off-site: the backup goes to an S3-compatible store; a node without the local file restores
// from there.
func TestOffsiteCopy(t *testing.T) {
	be := s3mem.New()
	srv := httptest.NewServer(gofakes3.New(be).Server())
	defer srv.Close()
	if err := be.CreateBucket("pubdata-backups"); err != nil {
		t.Fatal(err)
	}
	d := testutil.SQLite(t)
	a := testutil.DirectoryApp(t, d, nil)
	ctx := context.Background()
	s, ident := newService(t, a, d, false)
	u, _ := url.Parse(srv.URL)
	s.Offsite = &backup.S3{Endpoint: u.Host, Bucket: "pubdata-backups", Prefix: "city/", AccessKey: "a", SecretKey: "b", Insecure: true}
	m, err := s.Create(ctx, "tester", nil)
	if err != nil {
		t.Fatal(err)
	}
	names, err := s.Offsite.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	if len(names) != 2 || names[0] != m.File && names[1] != m.File {
		t.Fatalf("off-site objects: %v", names)
	}
	// The local copies are lost (a new node): the restore fetches from off-site.
	os.RemoveAll(s.Dir)
	os.MkdirAll(s.Dir, 0o700)
	tgt, open := freshTarget(t, d)
	if _, err := s.RestoreID(ctx, m.ID, ident, tgt, nil); err != nil {
		t.Fatal(err)
	}
	var n int
	open().QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n)
	if n == 0 {
		t.Fatal("restored database has no users")
	}
}

// Retention keeps 7 daily, 4 weekly and 6 monthly backups by default.
func TestRetention(t *testing.T) {
	loc := time.UTC
	start := time.Date(2026, 1, 1, 2, 0, 0, 0, loc)
	var times []time.Time
	for i := range 400 { // one backup a day for 400 days, two on the last day
		times = append(times, start.AddDate(0, 0, i))
	}
	times = append(times, start.AddDate(0, 0, 399).Add(time.Hour))
	keep := backup.Retention{Location: loc}.Keep(times)
	var kept []string
	for i := range times {
		if keep[i] {
			kept = append(kept, times[i].Format("2006-01-02T15"))
		}
	}
	sort.Strings(kept)
	// Last day 2027-02-04 (a Thursday): its newest and the 6 days before; the newest of the 4
	// ISO weeks (this one and the Sundays of the 3 before); of the 6 months (this one and the
	// last days of the 5 before).
	want := []string{"2026-09-30T02", "2026-10-31T02", "2026-11-30T02", "2026-12-31T02",
		"2027-01-17T02", "2027-01-24T02", "2027-01-29T02", "2027-01-30T02", "2027-01-31T02",
		"2027-02-01T02", "2027-02-02T02", "2027-02-03T02", "2027-02-04T03"}
	if strings.Join(kept, " ") != strings.Join(want, " ") {
		t.Fatalf("kept %v\nwant %v", kept, want)
	}
}

var _ = sql.ErrNoRows

// The SQLite snapshot takes its row counts from the b-tree pages it streams: they equal
// count(*) for rowid tables (several levels deep, rows spilling to overflow pages), WITHOUT ROWID
// tables and virtual tables, and the restored file — taken while a writer kept inserting — holds
// exactly the rows its manifest counts.
func TestSnapshotCountsFromPages(t *testing.T) {
	d := testutil.SQLite(t)
	a := testutil.DirectoryApp(t, d, nil)
	ctx := context.Background()
	for _, q := range []string{
		"CREATE TABLE t_big (id INTEGER PRIMARY KEY, v TEXT)",
		"CREATE TABLE t_norowid (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID",
		"CREATE VIRTUAL TABLE t_fts USING fts5(body)",
		"CREATE TABLE t_empty (x TEXT)",
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)
			INSERT INTO t_big (v) SELECT CASE WHEN i % 500 = 0 THEN printf('%.9000c', 'x') ELSE 'row ' || i END FROM n`,
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 7000)
			INSERT INTO t_norowid SELECT printf('key-%08d', i), printf('%.200c', 'y') FROM n`,
		`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
			INSERT INTO t_fts SELECT 'document ' || i FROM n`,
		"DELETE FROM t_big WHERE id % 7 = 0", // freed pages on the freelist
	} {
		if _, err := d.ExecContext(ctx, q); err != nil {
			t.Fatal(q, err)
		}
	}
	s, ident := newService(t, a, d, false)
	stop := make(chan struct{})
	wrote := make(chan int)
	go func() { // a writer that keeps going during the backup
		n := 0
		for {
			select {
			case <-stop:
				wrote <- n
				return
			default:
			}
			if _, err := d.ExecContext(ctx, "INSERT INTO t_big (v) VALUES ('during')"); err == nil {
				n++
			}
		}
	}()
	m, err := s.Create(ctx, "tester", nil)
	close(stop)
	during := <-wrote
	if err != nil {
		t.Fatal(err)
	}
	rows, err := d.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	if len(m.Tables) != len(names) {
		t.Fatalf("manifest counts %d tables, the database has %d", len(m.Tables), len(names))
	}
	tgt, open := freshTarget(t, d)
	if _, err := s.RestoreID(ctx, m.ID, ident, tgt, nil); err != nil {
		t.Fatal(err)
	}
	rd := open()
	if r, err := rd.QueryContext(ctx, "PRAGMA integrity_check"); err != nil {
		t.Fatal(err)
	} else {
		var res []string
		for r.Next() {
			var x string
			r.Scan(&x)
			res = append(res, x)
		}
		r.Close()
		if strings.Join(res, ";") != "ok" {
			t.Fatalf("restored database integrity: %v", res)
		}
	}
	for _, n := range names {
		var c int64
		if err := rd.QueryRowContext(ctx, `SELECT count(*) FROM "`+n+`"`).Scan(&c); err != nil {
			t.Fatal(n, err)
		}
		if c != m.Tables[n] {
			t.Errorf("table %s: manifest counts %d, the restored copy holds %d", n, m.Tables[n], c)
		}
	}
	want := map[string]int64{"t_big": 30000 - 30000/7, "t_norowid": 7000, "t_fts": 300, "t_empty": 0}
	for n, w := range want {
		if n == "t_big" {
			if m.Tables[n] < w || m.Tables[n] > w+int64(during) {
				t.Errorf("t_big: manifest counts %d, expected between %d and %d", m.Tables[n], w, w+int64(during))
			}
			continue
		}
		if m.Tables[n] != w {
			t.Errorf("%s: manifest counts %d, want %d", n, m.Tables[n], w)
		}
	}
	t.Logf("%d rows written during the backup", during)
}
