package testutil

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"pubdata/internal/ids"
)

// MySQLDSN returns the DSN of the test MySQL/MariaDB server (PUBDATA_TEST_MYSQL, go-sql-driver
// form such as root@tcp(127.0.0.1:3306)/test), or "" when none is configured.
func MySQLDSN() string { return os.Getenv("PUBDATA_TEST_MYSQL") }

// MySQL gives a test a fresh, empty MySQL/MariaDB database — standing in for an agency's own
// database that the platform pulls tables from — and returns its DSN and an open handle. The
// database is dropped when the test ends. Without PUBDATA_TEST_MYSQL the test skips; with it set
// but unreachable it skips, or fails under PUBDATA_REQUIRE_SERVICES=1.
func MySQL(t testing.TB) (dsn string, conn *sql.DB) {
	t.Helper()
	base := MySQLDSN()
	if base == "" {
		t.Skip("MySQL tests skipped: set PUBDATA_TEST_MYSQL='root@tcp(127.0.0.1:3306)/test' to run them")
	}
	cfg, err := mysql.ParseDSN(base)
	if err != nil {
		t.Fatalf("PUBDATA_TEST_MYSQL: %v", err)
	}
	ctx := context.Background()
	admin, err := sql.Open("mysql", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := "t_" + strings.ReplaceAll(ids.Token(8), "-", "")
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4"); err != nil {
		SkipOrFail(t, "MySQL not reachable at %s: %v", cfg.Addr, err)
	}
	cfg.DBName = name
	dsn = cfg.FormatDSN()
	conn, err = sql.Open("mysql", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn.Close()
		if a, err := sql.Open("mysql", base); err == nil {
			a.ExecContext(context.Background(), "DROP DATABASE "+name)
			a.Close()
		}
	})
	return dsn, conn
}
