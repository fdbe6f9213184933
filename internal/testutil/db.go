// Package testutil gives tests both database backends, the demo region and a browser harness.
//
// Every test that touches storage calls ForEachDB and so runs on SQLite and, when
// PUBDATA_TEST_PG names a PostgreSQL server (CI sets it), on PostgreSQL in a fresh schema.
//
// The environment contract (CI's .ci/run sets these; docs/install-and-operate.md repeats it):
//
//	PUBDATA_TEST_PG           PostgreSQL DSN. Unset: the PostgreSQL subtests skip with a message
//	                          (the plain `go test ./...` is the SQLite suite). Set: they run, in a
//	                          fresh schema per test.
//	PUBDATA_TEST_MYSQL        MySQL/MariaDB DSN (go-sql-driver form) for tests that read an
//	                          agency's source database. Unset: those tests skip.
//	PUBDATA_CHROME            Path of the Chromium/Chrome binary for browser tests (else found
//	                          on PATH: chromium, chromium-browser, google-chrome).
//	PUBDATA_REQUIRE_SERVICES  "1": a service that is expected but missing FAILS the test instead
//	                          of skipping it — Chromium not found, or a DSN that is set but does
//	                          not answer. An unset DSN is a choice, not a missing service, so
//	                          the SQLite pass of CI can run with PUBDATA_REQUIRE_SERVICES=1.
package testutil

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/ids"
)

// Require reports whether missing services must fail tests rather than skip them.
func Require() bool { return os.Getenv("PUBDATA_REQUIRE_SERVICES") == "1" }

// SkipOrFail skips the test with a message on a bare machine, or fails it under CI.
func SkipOrFail(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if Require() {
		t.Fatalf("required service missing (PUBDATA_REQUIRE_SERVICES=1): %s", msg)
	}
	t.Skip(msg)
}

// dsns remembers the DSN each test database was opened with, so a test can open a second
// connection pool (a second "node") or hand the database to the CLI.
var dsns sync.Map // *db.DB → string

// DSN returns what `pubdata --db` needs to reach a database made by SQLite or Postgres: the
// SQLite file path, or the PostgreSQL DSN with its search_path set to the test schema.
func DSN(d *db.DB) string {
	if s, ok := dsns.Load(d); ok {
		return s.(string)
	}
	return d.Where
}

// Reopen opens a second, independent connection pool to the same database, as a second
// platform node would. It is closed when the test ends.
func Reopen(t testing.TB, d *db.DB) *db.DB {
	t.Helper()
	d2, err := db.Open(context.Background(), DSN(d), "")
	if err != nil {
		t.Fatal(err)
	}
	dsns.Store(d2, DSN(d))
	t.Cleanup(func() { d2.Close() })
	return d2
}

// SQLite opens a migrated SQLite database in a temporary directory.
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	d := rawSQLite(t)
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

func rawSQLite(t testing.TB) *db.DB {
	t.Helper()
	Logs(t)
	dir := t.TempDir()
	d, err := db.Open(context.Background(), "", dir)
	if err != nil {
		t.Fatal(err)
	}
	dsns.Store(d, filepath.Join(dir, "pubdata.db"))
	t.Cleanup(func() { d.Close() })
	return d
}

// PGDSN returns the DSN of the test PostgreSQL server, or "" when none is configured.
func PGDSN() string { return os.Getenv("PUBDATA_TEST_PG") }

// Postgres opens a migrated PostgreSQL database in a fresh schema that is dropped afterwards.
// Without PUBDATA_TEST_PG it skips; with it set but unreachable it skips, or fails under
// PUBDATA_REQUIRE_SERVICES=1.
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	d := rawPostgres(t)
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

func rawPostgres(t testing.TB) *db.DB {
	t.Helper()
	Logs(t)
	base := PGDSN()
	if base == "" {
		t.Skip("PostgreSQL tests skipped: set PUBDATA_TEST_PG=postgres://… to run them (see README)")
	}
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	schema := "t_" + strings.ReplaceAll(ids.Token(8), "-", "")
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		SkipOrFail(t, "PostgreSQL not reachable at %s: %v", base, err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	d, err := db.Open(ctx, u.String(), "")
	if err != nil {
		t.Fatal(err)
	}
	d.SetMaxOpenConns(8)
	dsns.Store(d, u.String())
	t.Cleanup(func() {
		d.Close()
		if a, err := sql.Open("pgx", base); err == nil {
			a.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			a.Close()
		}
	})
	return d
}

// ForEachDB runs fn as a subtest on each backend: "sqlite" always, "postgres" when configured.
func ForEachDB(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// ForEachRawDB is ForEachDB over empty databases: nothing is migrated (for migration tests).
func ForEachRawDB(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, rawSQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, rawPostgres(t)) })
}
