package ingest_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ids"
	"pubdata/internal/ingest"
	"pubdata/internal/notify"
	"pubdata/internal/testutil"
)

// sourceDB is an agency's own database for pull tests.
type sourceDB struct {
	dsn   string // as registered with the platform
	conn  *sql.DB
	mysql bool
	table string
	ts    func(int) string
}

func mariaDB(t *testing.T) sourceDB {
	if testutil.MySQLDSN() == "" {
		// unset: use the local MariaDB if one answers (an unset DSN is a choice, never a failure)
		const local = "root@tcp(127.0.0.1:3306)/test?timeout=2s"
		c, err := sql.Open("mysql", local)
		if err == nil {
			err = c.Ping()
			c.Close()
		}
		if err != nil {
			t.Skip("MariaDB pull tests skipped: set PUBDATA_TEST_MYSQL='root@tcp(127.0.0.1:3306)/test' to run them")
		}
		t.Setenv("PUBDATA_TEST_MYSQL", local)
	}
	dsn, conn := testutil.MySQL(t)
	_, err := conn.Exec(`CREATE TABLE persons (citizen_id VARCHAR(18) PRIMARY KEY, name VARCHAR(50), sex VARCHAR(4), birth_date DATE,
		address VARCHAR(200), phone VARCHAR(20), region_code VARCHAR(6), updated_at DATETIME NOT NULL) CHARACTER SET utf8mb4`)
	must(t, err)
	return sourceDB{dsn: dsn, conn: conn, mysql: true, table: "persons", ts: func(i int) string { return fmt.Sprintf("2026-09-%02d 08:00:00", i) }}
}

func postgresSource(t *testing.T) sourceDB {
	base := testutil.PGDSN()
	if base == "" {
		t.Skip("PostgreSQL source tests skipped: set PUBDATA_TEST_PG to run them")
	}
	admin, err := sql.Open("pgx", base)
	must(t, err)
	schema := "src_" + strings.ReplaceAll(ids.Token(6), "-", "")
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		testutil.SkipOrFail(t, "PostgreSQL not reachable: %v", err)
	}
	t.Cleanup(func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() })
	_, err = admin.Exec(`CREATE TABLE ` + schema + `.persons (citizen_id TEXT PRIMARY KEY, name TEXT, sex TEXT, birth_date DATE, address TEXT,
		phone TEXT, region_code TEXT, updated_at TIMESTAMP NOT NULL)`)
	must(t, err)
	u, _ := url.Parse(base)
	return sourceDB{dsn: u.String(), conn: admin, table: schema + ".persons", ts: func(i int) string { return fmt.Sprintf("2026-09-%02d 08:00:00", i) }}
}

func (s sourceDB) upsert(t *testing.T, i int, name string, day int) {
	id, _, sex, birth, addr, phone, region := person(i)
	q := `INSERT INTO ` + s.table + ` VALUES ($1,$2,$3,$4,$5,$6,$7,$8) ON CONFLICT (citizen_id) DO UPDATE SET name = EXCLUDED.name, updated_at = EXCLUDED.updated_at`
	if s.mysql {
		q = `INSERT INTO ` + s.table + ` VALUES (?,?,?,?,?,?,?,?) ON DUPLICATE KEY UPDATE name = VALUES(name), updated_at = VALUES(updated_at)`
	}
	_, err := s.conn.Exec(q, id, name, sex, birth, addr, phone, region, s.ts(day))
	must(t, err)
}

// TestPullMariaDB pulls incrementally by a watermark column from a real MariaDB.
func TestPullMariaDB(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) { testPull(t, d, mariaDB(t)) })
}

// TestPullPostgres pulls from a PostgreSQL source database.
func TestPullPostgres(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) { testPull(t, d, postgresSource(t)) })
}

func testPull(t *testing.T, d *db.DB, src sourceDB) {
	a := testutil.DemoApp(t, d, nil)
	officer := who(t, a, "officer")
	s := a.Ingest
	s.AllowLoopbackSources = true // the test's source databases are on this host
	for i := 0; i < 3; i++ {
		src.upsert(t, i, fmt.Sprintf("源%d", i), 1)
	}
	before, _ := s.Current(ctx, demo.EntryPopulation) // the demo's residents
	reg, err := s.RegisterSource(ctx, officer, demo.EntryPopulation, ingest.SourceInput{Name: "户籍库", DSN: src.dsn, Table: src.table,
		Mode: ingest.PullIncremental, Watermark: "updated_at"}, "")
	must(t, err)
	if reg.Every != 24*time.Hour || strings.Contains(reg.DSNHint, "root@") {
		t.Fatalf("registered source: %+v", reg)
	}
	var enc string
	must(t, d.QueryRowContext(ctx, "SELECT dsn_enc FROM ingest_sources WHERE id = $1", reg.ID).Scan(&enc))
	if strings.Contains(enc, "127.0.0.1") || strings.Contains(enc, "root") {
		t.Fatal("DSN stored in clear")
	}

	res, err := s.PullNow(ctx, officer, reg.ID, "")
	must(t, err)
	if res.Load.RowsLoaded != 3 || res.Load.Channel != ingest.ChannelPull || res.Load.Mode != ingest.ModeUpsert {
		t.Fatalf("first pull: %+v", res.Load)
	}
	r, err := s.Lookup(ctx, demo.EntryPopulation, mkID(1))
	must(t, err)
	_, _, _, birth, _, _, _ := person(1)
	if r.Values["name"] != "源1" || r.Values["birth_date"] != birth {
		t.Fatalf("pulled row: %+v", r.Values)
	}

	// one changed row, one new row: only those come over
	src.upsert(t, 1, "改名", 2)
	src.upsert(t, 7, "新增", 2)
	res, err = s.PullNow(ctx, officer, reg.ID, "")
	must(t, err)
	if res.Load.RowsRead != 2 || res.Load.RowsLoaded != 2 || res.Load.RowsTotal != before.Rows+4 {
		t.Fatalf("incremental pull: %+v", res.Load)
	}
	if r, _ := s.Lookup(ctx, demo.EntryPopulation, mkID(1)); r.Values["name"] != "改名" {
		t.Fatalf("changed row: %+v", r.Values)
	}
	srcs, err := s.Sources(ctx, officer, demo.EntryPopulation)
	must(t, err)
	if len(srcs) != 1 || !strings.HasPrefix(srcs[0].Watermark, "2026-09-02") || srcs[0].Failures != 0 {
		t.Fatalf("source after pull: %+v", srcs)
	}
	// nothing new: no new version
	cur, _ := s.Current(ctx, demo.EntryPopulation)
	res, err = s.PullNow(ctx, officer, reg.ID, "")
	must(t, err)
	if !res.NoNewRows || res.Load.ID != "" { // the API answers 200 "no new rows", not 201 with an empty load
		t.Fatalf("a pull with nothing new: %+v", res)
	}
	if c2, _ := s.Current(ctx, demo.EntryPopulation); c2.Version != cur.Version {
		t.Fatalf("an empty pull made version %d", c2.Version)
	}

	// a full pull replaces
	full, err := s.RegisterSource(ctx, officer, demo.EntryPopulation, ingest.SourceInput{DSN: src.dsn, Query: "SELECT citizen_id, name, sex, birth_date, address, phone, region_code FROM " + src.table + " WHERE name <> '新增'"}, "")
	must(t, err)
	res, err = s.PullNow(ctx, officer, full.ID, "")
	must(t, err)
	if res.Load.Mode != ingest.ModeReplace || res.Load.RowsTotal != 3 {
		t.Fatalf("full pull: %+v", res.Load)
	}
	sourceDown(t, a, d)
}

// sourceDown: an unreachable source is retried with back-off, recorded and reported once.
func sourceDown(t *testing.T, a *app.App, d *db.DB) {
	officer := who(t, a, "officer")
	s := a.Ingest
	s.PullRetry = []time.Duration{10 * time.Millisecond}
	down, err := s.RegisterSource(ctx, officer, demo.EntryPopulation, ingest.SourceInput{Name: "停机库", DSN: "mysql://root:secret@127.0.0.1:1/none", Table: "persons"}, "")
	must(t, err)
	_, err = s.PullNow(ctx, officer, down.ID, "")
	if !errors.Is(err, ingest.ErrSourceDown) {
		t.Fatalf("want source down, got %v", err)
	}
	srcs, _ := s.Sources(ctx, officer, demo.EntryPopulation)
	var got ingest.Source
	for _, x := range srcs {
		if x.ID == down.ID {
			got = x
		}
	}
	if got.Failures != 2 || got.LastError == "" || strings.Contains(got.LastError, "secret") || !got.NextAttemptAt.After(got.LastPullAt) {
		t.Fatalf("source after failures: %+v", got)
	}
	msgs, _, err := a.Notify.Inbox(ctx, officer, false, 50, 0)
	must(t, err)
	n := 0
	for _, m := range msgs {
		if m.ObjectID == down.ID {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d source-down messages, want 1", n)
	}
	loads, _, err := s.Loads(ctx, officer, demo.EntryPopulation, 50, 0)
	must(t, err)
	failed := 0
	for _, l := range loads {
		if l.SourceID == down.ID && l.Status == ingest.StatusFailed {
			failed++
		}
	}
	if failed != 2 {
		t.Fatalf("%d failed attempts recorded, want 2", failed)
	}
	// the job does not retry before the back-off has passed
	must(t, s.PullDue(context.Background(), a.Now()))
	var f int64
	must(t, d.QueryRowContext(ctx, "SELECT failures FROM ingest_sources WHERE id = $1", down.ID).Scan(&f))
	if f != 2 {
		t.Fatalf("retried before back-off: %d failures", f)
	}
	_ = notify.Message{}
}
