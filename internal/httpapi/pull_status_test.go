package httpapi_test

import (
	"database/sql"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ids"
	"pubdata/internal/testutil"
)

// 201 only when something was created (#10 item 9): a pull that finds no new rows answers 200
// saying so, never 201 with an empty, zero-dated load; a pull with rows answers 201 with its load.
// The source is a PostgreSQL schema (skipped without PUBDATA_TEST_PG).
func TestPullWithNoNewRowsIsNotCreated(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		base := testutil.PGDSN()
		if base == "" {
			t.Skip("set PUBDATA_TEST_PG to run the pull over the API")
		}
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatal(err)
		}
		schema := "src_" + strings.ReplaceAll(ids.Token(6), "-", "")
		if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
			admin.Close()
			testutil.SkipOrFail(t, "PostgreSQL not reachable: %v", err)
		}
		t.Cleanup(func() { admin.Exec("DROP SCHEMA " + schema + " CASCADE"); admin.Close() })
		if _, err := admin.Exec(`CREATE TABLE ` + schema + `.persons (citizen_id TEXT PRIMARY KEY, name TEXT, sex TEXT, birth_date DATE, address TEXT,
			phone TEXT, region_code TEXT, updated_at TIMESTAMP NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		e := newEnv(t, d)
		e.a.Ingest.AllowLoopbackSources = true // the test's source database is on this host
		cookie, csrf := e.session("officer")
		u, _ := url.Parse(base)
		body, _ := json.Marshal(map[string]any{"name": "户籍库", "dsn": u.String(), "table": schema + ".persons", "mode": "incremental", "watermark_column": "updated_at"})
		r := e.do(req{method: "POST", path: "/api/v1/ingest/entries/" + demo.EntryPopulation + "/sources", body: string(body), cookies: []*http.Cookie{cookie}, csrf: csrf})
		if r.Code != http.StatusCreated {
			t.Fatalf("register: %d %s", r.Code, r.body)
		}
		var src struct {
			ID string `json:"id"`
		}
		json.Unmarshal([]byte(r.body), &src)
		pull := func() resp {
			return e.do(req{method: "POST", path: "/api/v1/ingest/sources/" + src.ID + "/pull", cookies: []*http.Cookie{cookie}, csrf: csrf})
		}
		r = pull()
		if r.Code != http.StatusOK || !strings.Contains(r.body, `"no_new_rows":true`) || strings.Contains(r.body, "0001-01-01") {
			t.Fatalf("pull with no rows: %d %s; want 200 no_new_rows", r.Code, r.body)
		}
		if _, err := admin.Exec(`INSERT INTO `+schema+`.persons VALUES ($1,'源一','男','1980-01-01','包头市','13800000000','150200','2026-09-01 08:00:00')`,
			"15020219800101001X"); err != nil {
			t.Fatal(err)
		}
		r = pull()
		if r.Code != http.StatusCreated || !strings.Contains(r.body, `"rows_loaded":1`) {
			t.Fatalf("pull with a row: %d %s; want 201 with the load", r.Code, r.body)
		}
		r = pull()
		if r.Code != http.StatusOK || !strings.Contains(r.body, `"no_new_rows":true`) {
			t.Fatalf("second pull, nothing new: %d %s; want 200 no_new_rows", r.Code, r.body)
		}
	})
}
