// Package testutil gives tests both database backends, the demo region and a browser harness.
//
// Every test that touches storage calls Backends (or ForEachDB) and so runs on SQLite and, when
// PUBDATA_TEST_PG names a PostgreSQL server (CI sets it), on PostgreSQL in a fresh schema.
// With PUBDATA_REQUIRE_SERVICES=1 (CI), a missing service fails the test instead of skipping it.
package testutil

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
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

// SQLite opens a migrated SQLite database in a temporary directory.
func SQLite(t testing.TB) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return d
}

// PGDSN returns the DSN of the test PostgreSQL server, or "" when none is configured.
func PGDSN() string { return os.Getenv("PUBDATA_TEST_PG") }

// Postgres opens a migrated PostgreSQL database in a fresh schema that is dropped afterwards.
// Without PUBDATA_TEST_PG it skips (or fails under PUBDATA_REQUIRE_SERVICES=1).
func Postgres(t testing.TB) *db.DB {
	t.Helper()
	base := PGDSN()
	if base == "" {
		SkipOrFail(t, "PostgreSQL tests skipped: set PUBDATA_TEST_PG=postgres://… to run them")
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
	t.Cleanup(func() {
		d.Close()
		if a, err := sql.Open("pgx", base); err == nil {
			a.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			a.Close()
		}
	})
	if err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return d
}

// ForEachDB runs fn as a subtest on each backend: "sqlite" always, "postgres" when configured.
func ForEachDB(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}
