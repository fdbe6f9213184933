package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// A migration that fails half-way leaves the database exactly as it was before it: no table
// it created, no row it inserted, no column it added, and the version is not advanced. The next
// (fixed) start applies it normally.
func TestFailedMigrationLeavesDatabaseAsItWas(t *testing.T) {
	testutil.ForEachRawDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		first := &fstest.MapFile{Data: []byte("-- +goose Up\nCREATE TABLE first_t (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n" +
			"INSERT INTO first_t (id, name) VALUES (1, 'one');\n-- +goose Down\nDROP TABLE first_t;\n")}
		if err := d.MigrateFS(ctx, fstest.MapFS{"00001_first.sql": first}); err != nil {
			t.Fatal(err)
		}
		broken := fstest.MapFS{
			"00001_first.sql": first,
			"00002_broken.sql": &fstest.MapFile{Data: []byte("-- +goose Up\n" +
				"CREATE TABLE half_t (id INTEGER PRIMARY KEY);\n" +
				"INSERT INTO first_t (id, name) VALUES (2, 'two');\n" +
				"ALTER TABLE first_t ADD COLUMN extra TEXT;\n" +
				"INSERT INTO first_t (id, name) VALUES (1, 'duplicate key');\n" + // fails here
				"CREATE TABLE never_t (id INTEGER);\n" +
				"-- +goose Down\nDROP TABLE half_t;\n")},
		}
		err := d.MigrateFS(ctx, broken)
		if err == nil || !strings.Contains(err.Error(), "migration failed") || !strings.Contains(err.Error(), "version:2") {
			t.Fatalf("broken migration: %v", err)
		}
		exists := func(q string) bool { _, err := d.ExecContext(ctx, q); return err == nil }
		if exists("SELECT COUNT(*) FROM half_t") || exists("SELECT COUNT(*) FROM never_t") {
			t.Fatal("the failed migration left a table behind")
		}
		if exists("SELECT extra FROM first_t") {
			t.Fatal("the failed migration left a column behind")
		}
		var n int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM first_t").Scan(&n)
		if n != 1 {
			t.Fatalf("first_t has %d rows after the failed migration, want 1", n)
		}
		var version int64
		d.QueryRowContext(ctx, "SELECT MAX(version_id) FROM goose_db_version").Scan(&version)
		if version != 1 {
			t.Fatalf("schema version %d after the failure, want 1", version)
		}
		// Fixed, it applies.
		broken["00002_broken.sql"] = &fstest.MapFile{Data: []byte("-- +goose Up\nCREATE TABLE half_t (id INTEGER PRIMARY KEY);\n-- +goose Down\nDROP TABLE half_t;\n")}
		if err := d.MigrateFS(ctx, broken); err != nil {
			t.Fatal(err)
		}
		if !exists("SELECT COUNT(*) FROM half_t") {
			t.Fatal("fixed migration not applied")
		}
	})
}

// The real migrations apply from empty, twice (the second is a no-op).
func TestMigrationsApplyAndAreIdempotent(t *testing.T) {
	testutil.ForEachRawDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		for i := 0; i < 2; i++ {
			if err := d.Migrate(ctx); err != nil {
				t.Fatalf("run %d: %v", i+1, err)
			}
		}
		var n int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_head").Scan(&n); err != nil || n != 1 {
			t.Fatalf("audit_head: %d %v", n, err)
		}
	})
}

// Both dialects define the same tables with the same columns ("no feature on one backend only").
func TestSchemasMatchAcrossDialects(t *testing.T) {
	if testutil.PGDSN() == "" {
		t.Skip("needs PUBDATA_TEST_PG to compare with PostgreSQL")
	}
	ctx := context.Background()
	lite, pg := testutil.SQLite(t), testutil.Postgres(t)
	columns := func(d *db.DB, q string) map[string][]string {
		rows, err := d.QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string][]string{}
		for rows.Next() {
			var table, col string
			rows.Scan(&table, &col)
			if table == "goose_db_version" || strings.HasPrefix(table, "sqlite_") || strings.Contains(table, "_fts") {
				continue
			}
			out[table] = append(out[table], col)
		}
		for _, c := range out {
			sort.Strings(c)
		}
		return out
	}
	a := columns(lite, `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'`)
	b := columns(pg, `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()`)
	for table, cols := range a {
		if pc, ok := b[table]; !ok {
			t.Errorf("table %s exists on SQLite only", table)
		} else if strings.Join(cols, ",") != strings.Join(pc, ",") {
			t.Errorf("table %s: SQLite columns %v, PostgreSQL %v", table, cols, pc)
		}
	}
	for table := range b {
		if _, ok := a[table]; !ok {
			t.Errorf("table %s exists on PostgreSQL only", table)
		}
	}
}

func TestOpenFailsClearly(t *testing.T) {
	ctx := context.Background()
	// A data directory that cannot be created.
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o644)
	_, err := db.Open(ctx, "", filepath.Join(file, "data"))
	if err == nil || !strings.Contains(err.Error(), "cannot create data directory") {
		t.Fatalf("data dir under a file: %v", err)
	}
	if os.Geteuid() != 0 {
		ro := t.TempDir()
		os.Chmod(ro, 0o500)
		defer os.Chmod(ro, 0o700)
		if _, err := db.Open(ctx, "", ro); err == nil || !strings.Contains(err.Error(), "not writable") {
			t.Fatalf("read-only data dir: %v", err)
		}
	}
	// An unreachable PostgreSQL: the message names the server, not the password.
	start := time.Now()
	_, err = db.Open(ctx, "postgres://app:hunter2@127.0.0.1:1/x?connect_timeout=3", "")
	if err == nil || !strings.Contains(err.Error(), "cannot reach PostgreSQL") || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("unreachable PostgreSQL: %v", err)
	}
	if time.Since(start) > 15*time.Second {
		t.Fatalf("took %v to give up", time.Since(start))
	}
	if !db.IsPostgresDSN("postgresql://x") || db.IsPostgresDSN("/var/lib/pubdata.db") {
		t.Fatal("IsPostgresDSN")
	}
}

func TestTxAndDialectHelpers(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ins := func(q db.Q, key string) error {
			_, err := q.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ($1, $2)", key, "v")
			return err
		}
		// Committed on nil, rolled back on error and on panic.
		if err := d.Tx(ctx, func(tx *sql.Tx) error { return ins(tx, "a") }); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		if err := d.Tx(ctx, func(tx *sql.Tx) error { ins(tx, "b"); return boom }); !errors.Is(err, boom) {
			t.Fatalf("Tx returned %v", err)
		}
		func() {
			defer func() { recover() }()
			d.Tx(ctx, func(tx *sql.Tx) error { ins(tx, "c"); panic("x") })
		}()
		var keys []string
		rows, _ := d.QueryContext(ctx, "SELECT key FROM settings ORDER BY key")
		for rows.Next() {
			var k string
			rows.Scan(&k)
			keys = append(keys, k)
		}
		rows.Close()
		if strings.Join(keys, ",") != "a" {
			t.Fatalf("settings after commit/rollback/panic: %v", keys)
		}
		// The unique violation is recognized on both backends.
		if err := ins(d, "a"); !db.IsUniqueViolation(err) {
			t.Fatalf("duplicate key not recognized: %v", err)
		}
		if db.IsUniqueViolation(errors.New("other")) || db.IsUniqueViolation(nil) {
			t.Fatal("IsUniqueViolation too eager")
		}
		err := d.QueryRowContext(ctx, "SELECT key FROM settings WHERE key = 'zz'").Scan(new(string))
		if !db.IsNoRows(err) {
			t.Fatalf("IsNoRows: %v", err)
		}
		// Case-insensitive LIKE and FOR UPDATE per dialect.
		d.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ('Mixed', 'ABC')")
		var n int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM settings WHERE value "+d.Like()+" $1", "%abc%").Scan(&n)
		if n != 1 {
			t.Fatalf("%s is not case-insensitive", d.Like())
		}
		if err := d.Tx(ctx, func(tx *sql.Tx) error {
			return tx.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = 'a'"+d.ForUpdate()).Scan(new(string))
		}); err != nil {
			t.Fatalf("FOR UPDATE suffix: %v", err)
		}
		// Times round-trip as Unix milliseconds.
		now := time.Date(2026, 9, 30, 10, 0, 0, 123456789, time.UTC)
		if got := db.FromMillis(db.Millis(now)); !got.Equal(now.Truncate(time.Millisecond)) {
			t.Fatalf("millis round trip: %v", got)
		}
		if db.Millis(time.Time{}) != 0 || !db.FromMillis(0).IsZero() {
			t.Fatal("zero time is not stored as 0")
		}
	})
}

// Nodes starting at once on one empty database all come up: one migrates, the others wait.
func TestConcurrentStartsMigrateOnce(t *testing.T) {
	testutil.ForEachRawDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		errs := make(chan error, 3)
		for i := 0; i < 3; i++ {
			node := testutil.Reopen(t, d)
			go func() { errs <- node.Migrate(ctx) }()
		}
		for i := 0; i < 3; i++ {
			if err := <-errs; err != nil {
				t.Fatalf("a node failed to migrate: %v", err)
			}
		}
		var n int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_head").Scan(&n); err != nil || n != 1 {
			t.Fatalf("audit_head rows: %d %v", n, err)
		}
	})
}

// A driver error leaving the DB handle names the operation and the statement's verb and table,
// and keeps its cause: errors.Is finds context.Canceled, errors.As the driver's typed error, and
// a unique violation is still one (also wrapped once more by a service), so RetryUnique retries.
func TestDriverErrorsNameTheStatementAndKeepTheCause(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ins := "INSERT INTO settings (key, value) VALUES ($1, 'v')"
		if _, err := d.ExecContext(ctx, ins, "k"); err != nil {
			t.Fatal(err)
		}
		_, err := d.ExecContext(ctx, ins, "k")
		if err == nil || !strings.HasPrefix(err.Error(), "db: exec INSERT INTO settings: ") {
			t.Fatalf("duplicate insert: %v", err)
		}
		if strings.Contains(err.Error(), "'v'") {
			t.Fatalf("the statement's text leaked into the error: %v", err)
		}
		if d.IsPG() {
			var pe *pgconn.PgError
			if !errors.As(err, &pe) || pe.Code != "23505" {
				t.Fatalf("errors.As lost the PostgreSQL error: %v", err)
			}
		} else {
			var se *sqlite.Error
			if !errors.As(err, &se) {
				t.Fatalf("errors.As lost the SQLite error: %v", err)
			}
		}
		if !db.IsUniqueViolation(fmt.Errorf("svc: op: %w", err)) {
			t.Fatalf("wrapped unique violation not recognized: %v", err)
		}
		tries := 0
		if err := db.RetryUnique(3, func() error {
			tries++
			_, err := d.ExecContext(ctx, ins, "k")
			return fmt.Errorf("svc: save: %w", err)
		}); !db.IsUniqueViolation(err) || tries != 3 {
			t.Fatalf("RetryUnique: %d tries, %v", tries, err)
		}

		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := d.QueryContext(cctx, "SELECT key FROM settings WHERE key = $1", "k"); !errors.Is(err, context.Canceled) ||
			!strings.HasPrefix(err.Error(), "db: query SELECT settings: ") {
			t.Fatalf("cancelled query: %v", err)
		}
		if err := d.Tx(cctx, func(*sql.Tx) error { return nil }); !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "db: begin: ") {
			t.Fatalf("cancelled begin: %v", err)
		}
		if _, err := d.ExecContext(ctx, "UPDATE no_such_table SET x = 1"); err == nil || !strings.HasPrefix(err.Error(), "db: exec UPDATE no_such_table: ") {
			t.Fatalf("bad table: %v", err)
		}
		// sql.ErrNoRows from a row read stays the plain sentinel.
		if err := d.QueryRowContext(ctx, "SELECT key FROM settings WHERE key = 'zz'").Scan(new(string)); err != sql.ErrNoRows {
			t.Fatalf("no rows: %v", err)
		}
	})
}

func TestStmtSummary(t *testing.T) {
	for q, want := range map[string]string{
		"UPDATE share_requests SET state = $1 WHERE id = $2":      "UPDATE share_requests",
		"\n\t\tSELECT a, b FROM datasets d JOIN x ON x.id = d.id": "SELECT datasets",
		"INSERT INTO loads(id, entry) VALUES ($1, $2)":            "INSERT INTO loads",
		"DELETE FROM sessions WHERE expires < $1":                 "DELETE sessions",
		"WITH t AS (SELECT 1) UPDATE jobs SET x = 1":              "WITH … UPDATE jobs",
		"WITH t AS (SELECT id FROM a) SELECT * FROM t":            "WITH … SELECT a",
		"SELECT current_schema()":                                 "SELECT",
		"  ":                                                      "(empty)",
		"select count(*) from (SELECT id FROM entries) s":         "SELECT entries",
	} {
		if got := db.StmtSummary(q); got != want {
			t.Errorf("StmtSummary(%q) = %q, want %q", q, got, want)
		}
	}
}
