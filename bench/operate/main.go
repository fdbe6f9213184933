// Command operate benchmarks a statistics product (OPR-2) against the sqlite3 CLI, side by side
// in one run, on the same SQLite file: a generated table of N rows shaped like an aggregated
// entry (subject, region, sex, a monthly kWh reading; _from/_to version columns), queried as
//
//	{"group_by":["region_code","sex"],"aggregates":[{"fn":"count_distinct"},{"fn":"count"},
//	 {"fn":"sum","measure":"kwh"},{"fn":"mean","measure":"kwh"}]}
//
// "ours" is the whole product path minus the ledger: the engine's bounded aggregate
// (operate.TruthSQL over the modernc SQLite driver) plus noise, thresholds and formatting
// (operate.Release). Baselines, each the sqlite3 CLI (native SQLite) on the same file:
//
//   - plain: SELECT region_code, sex, COUNT(DISTINCT citizen_id), COUNT(*), SUM(kwh), AVG(kwh)
//     … GROUP BY region_code, sex — the aggregate a person would type;
//   - same_sql: the very statement the engine runs (clamping, domain filter), printed by
//     operate.SQLText.
//
// Two views are measured: subject = the table's unique key (one row per subject, no window) and
// subject with several rows (MaxRows = 3, bounded by ROW_NUMBER() over the subject).
// It prints `name ours baseline ratio` (best of -runs each).
//
//	go run ./bench/operate -rows 1000000
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"pubdata/internal/db"
	"pubdata/internal/ingest"
	"pubdata/internal/operate"
	"pubdata/internal/privacy"
)

var regions = []string{"150102", "150105", "150121", "150202", "150203", "150221"}

func main() {
	rows := flag.Int("rows", 1000000, "rows in the table")
	runs := flag.Int("runs", 3, "runs of each side (best is reported)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of our side to this file")
	only := flag.String("only", "", "run only the view of this name (key_subject or multi_row_subject)")
	flag.Parse()
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "bench-operate-")
	must(err)
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "pubdata.db")

	// The table, built by the CLI from a CSV (the build is not measured).
	csvPath := filepath.Join(dir, "rows.csv")
	f, err := os.Create(csvPath)
	must(err)
	w := bufio.NewWriterSize(f, 1<<20)
	subjects := *rows / 3
	for i := 0; i < *rows; i++ {
		// key: one row per subject in ing_key; ing_multi: three readings per subject
		fmt.Fprintf(w, "K%09d,S%09d,%s,%s,%d,1,0\n", i, i%max(subjects, 1), regions[(i*7)%6], []string{"男", "女"}[i%2], 50+(i*37)%900)
	}
	must(w.Flush())
	must(f.Close())
	schema := `CREATE TABLE ing_key (citizen_id TEXT, person TEXT, region_code TEXT, sex TEXT, kwh TEXT, _from INTEGER, _to INTEGER);
CREATE TABLE ing_multi (account TEXT, citizen_id TEXT, region_code TEXT, sex TEXT, kwh TEXT, _from INTEGER, _to INTEGER);
.mode csv
.import ` + csvPath + ` ing_key
`
	if *only != "key_subject" {
		schema += ".import " + csvPath + " ing_multi\n"
	}
	schema += `CREATE UNIQUE INDEX ing_key_k ON ing_key(citizen_id) WHERE _to = 0;
`
	cmd := exec.Command("sqlite3", file)
	cmd.Stdin = strings.NewReader(schema)
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintln(os.Stderr, string(out))
		panic(err)
	}
	os.Remove(csvPath)

	d, err := db.Open(ctx, "", dir)
	must(err)
	defer d.Close()
	fmt.Println("name ours baseline ratio")
	for _, c := range []struct {
		name, table, subject string
		unique               bool
		maxRows              int
	}{{"key_subject", "ing_key", "citizen_id", true, 1}, {"multi_row_subject", "ing_multi", "citizen_id", false, 3}} {
		if *only != "" && *only != c.name {
			continue
		}
		v := &operate.View{Name: "bench", Subject: c.subject, MaxRows: c.maxRows,
			Dimensions: []operate.Dimension{{Field: "region_code", Values: regions}, {Field: "sex", Values: []string{"男", "女"}}},
			Measures:   []operate.Measure{{Field: "kwh", Lo: 0, Hi: 1000}}}
		fields := []string{"citizen_id", "person", "account", "region_code", "sex", "kwh"}
		must(v.Normalize(fields))
		v.SubjectUnique = c.unique
		q, err := operate.ParseStatsQuery([]byte(`{"group_by":["region_code","sex"],"aggregates":[{"fn":"count_distinct"},{"fn":"count"},{"fn":"sum","measure":"kwh"},{"fn":"mean","measure":"kwh"}]}`), v)
		must(err)
		rel := ingest.Relation{Table: c.table}
		src := privacy.Secure()
		if *cpuprofile != "" {
			pf, err := os.Create(*cpuprofile + "." + c.name)
			must(err)
			must(pprof.StartCPUProfile(pf))
		}
		ours := best(*runs, func() {
			t, err := operate.TruthSQL(ctx, d, rel, v, &q)
			must(err)
			_, err = operate.Release(v, &q, t, 500, src)
			must(err)
		})
		if *cpuprofile != "" {
			pprof.StopCPUProfile()
		}
		plain := fmt.Sprintf("SELECT region_code, sex, COUNT(DISTINCT citizen_id), COUNT(*), SUM(kwh), AVG(kwh) FROM %s WHERE _to = 0 GROUP BY region_code, sex;", c.table)
		same := operate.SQLText(db.SQLite, rel, v, &q)[0] + ";"
		for _, b := range []struct{ name, sql string }{{"plain", plain}, {"same_sql", same}} {
			base := best(*runs, func() {
				cmd := exec.Command("sqlite3", file, b.sql)
				if out, err := cmd.CombinedOutput(); err != nil {
					fmt.Fprintln(os.Stderr, string(out))
					panic(err)
				}
			})
			fmt.Printf("%s_vs_cli_%s %.3fs %.3fs %.2f\n", c.name, b.name, ours.Seconds(), base.Seconds(), ours.Seconds()/base.Seconds())
		}
	}
}

func best(n int, fn func()) time.Duration {
	var b time.Duration
	for i := 0; i < n; i++ {
		t := time.Now()
		fn()
		if e := time.Since(t); i == 0 || e < b {
			b = e
		}
	}
	return b
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
