// Command ingest benchmarks aggregation (AGG-2) against named baselines, side by side in one run:
// a generated population file of N rows (ID number, name, sex, birth date, address, phone,
// region) is loaded with full validation and a quality report
//
//   - on the embedded backend (SQLite), beside the sqlite3 CLI's .import of the same file into
//     a table of the same columns and the same unique key index, without validation;
//   - on PostgreSQL (PUBDATA_TEST_PG or -pg), beside COPY … FROM STDIN (CSV) of the same file
//     into a table of the same columns and key index.
//
// It prints `name ours baseline ratio` per backend and the peak resident memory (VmHWM) of this
// process, which runs the loads; the file is streamed, so memory stays bounded whatever N is.
//
//	go run ./bench/ingest -rows 1000000
package main

import (
	"bufio"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/stdlib"

	"pubdata/internal/app"
	"pubdata/internal/catalog"
	"pubdata/internal/identity"
	"pubdata/internal/ids"
	"pubdata/internal/ingest"
	"pubdata/internal/validate"
)

var cpuprofile = flag.String("cpuprofile", "", "write CPU profiles of our loads to this path prefix")

var regions = []string{"150102", "150105", "150121", "150202", "150203", "150221"}

func entry() *catalog.Entry {
	return &catalog.Entry{ID: "bench-population", Code: "BENCH-POP", Name: "人口基准测试", RegionCode: "150000", ProviderOrgID: "org-bench",
		Frequency: catalog.FreqDaily, Status: catalog.StatusPublished, Fields: []catalog.Field{
			{Name: "citizen_id", Label: "公民身份号码", Type: catalog.TypeString, Kind: catalog.KindCitizenID, Required: true, IsKey: true, Sensitivity: 3},
			{Name: "name", Label: "姓名", Type: catalog.TypeString, Kind: catalog.KindName, Required: true, Sensitivity: 2},
			{Name: "sex", Label: "性别", Type: catalog.TypeString, Kind: catalog.KindEnum, EnumValues: []string{"男", "女"}},
			{Name: "birth_date", Label: "出生日期", Type: catalog.TypeDate, Kind: catalog.KindDate, Required: true},
			{Name: "address", Label: "住址", Type: catalog.TypeString, Kind: catalog.KindAddress, Sensitivity: 2},
			{Name: "phone", Label: "联系电话", Type: catalog.TypeString, Kind: catalog.KindPhone, Sensitivity: 3},
			{Name: "region_code", Label: "行政区划代码", Type: catalog.TypeString, Kind: catalog.KindRegionCode},
		}}
}

const columns = "citizen_id,name,sex,birth_date,address,phone,region_code"

func generate(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(columns + "\n")
	sur := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
	given := []string{"伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "巴特尔", "其其格"}
	streets := []string{"新华大街", "中山路", "钢铁大街", "阿尔丁大街", "民族东路"}
	base := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		region := regions[i%len(regions)]
		k := i / len(regions)
		birth := base.AddDate(0, 0, k/1000)
		seq := k % 1000
		id := validate.MakeCitizenID(region, birth, seq)
		sex := "女"
		if seq%2 == 1 {
			sex = "男"
		}
		fmt.Fprintf(w, "%s,%c%s,%s,%s,内蒙古自治区包头市%s%d号,1%d%09d,%s\n", id, sur[i%len(sur)], given[i%len(given)], sex,
			birth.Format("2006-01-02"), streets[i%len(streets)], i%500+1, 3+i%7, i, region)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func baselineDDL(table string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE TABLE %s (", table)
	for i, c := range strings.Split(columns, ",") {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s TEXT", c)
	}
	fmt.Fprintf(&b, "); CREATE UNIQUE INDEX %s_k ON %s (citizen_id);", table, table)
	return b.String()
}

// ours loads the file through the platform on a fresh database.
func ours(ctx context.Context, dsn, dataDir, file string) (time.Duration, *ingest.LoadResult, error) {
	a, err := app.Open(ctx, app.Config{DSN: dsn, DataDir: dataDir})
	if err != nil {
		return 0, nil, err
	}
	defer a.Close()
	for _, r := range append([]string{"150000", "150100", "150200"}, regions...) {
		parent := validate.ParentRegion(r)
		level, _ := validate.RegionCode(r)
		if err := a.Identity.CreateRegion(ctx, a.DB, identity.Region{Code: r, Name: r, Level: level, ParentCode: parent}); err != nil {
			return 0, nil, err
		}
	}
	// the platform's own field rules and report; quality's configurable rules and hooks look
	// the entry up in the catalog, which this synthetic entry is not in
	a.Ingest.ExtraRules, a.Ingest.AfterCommit = nil, nil
	f, err := os.Open(file)
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	if *cpuprofile != "" {
		pf, err := os.Create(*cpuprofile + "." + string(a.DB.Dialect))
		if err != nil {
			return 0, nil, err
		}
		pprof.StartCPUProfile(pf)
		defer func() { pprof.StopCPUProfile(); pf.Close() }()
	}
	runtime.GC()
	c0 := cpuTime()
	start := time.Now()
	res, err := a.Ingest.LoadEntry(ctx, ingest.Actor{ID: "bench", Name: "bench"}, entry(), ingest.LoadRequest{EntryID: "bench-population",
		FileName: filepath.Base(file), Format: ingest.FormatCSV, Body: f})
	lastCPU = cpuTime() - c0
	return time.Since(start), res, err
}

// lastCPU is the CPU time (user+system, all threads) of the last of our loads.
var lastCPU time.Duration

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// baselineCPU is the CPU time of the last sqlite3 baseline process.
var baselineCPU time.Duration

func sqliteBaseline(dir, file string, index bool) (time.Duration, int64, error) {
	db := filepath.Join(dir, "baseline.db")
	os.Remove(db)
	ddl := baselineDDL("population")
	if !index {
		ddl = strings.SplitAfter(ddl, ");")[0]
	}
	script := ddl + "\n.import --csv --skip 1 " + file + " population\n"
	cmd := exec.Command("sqlite3", db)
	cmd.Stdin = strings.NewReader(script)
	cmd.Stderr = os.Stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, 0, err
	}
	d := time.Since(start)
	baselineCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
	return d, rss, nil
}

func pgSchemaDSN(ctx context.Context, base string) (string, func(), error) {
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	schema := "bench_" + strings.ReplaceAll(ids.Token(6), "-", "")
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", nil, err
	}
	u, _ := url.Parse(base)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), func() { admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); admin.Close() }, nil
}

func pgBaseline(ctx context.Context, dsn, file string) (time.Duration, error) {
	d, err := sql.Open("pgx", dsn)
	if err != nil {
		return 0, err
	}
	defer d.Close()
	if _, err := d.ExecContext(ctx, baselineDDL("population")); err != nil {
		return 0, err
	}
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	conn, err := d.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	start := time.Now()
	err = conn.Raw(func(dc any) error {
		_, err := dc.(*stdlib.Conn).Conn().PgConn().CopyFrom(ctx, f, "COPY population FROM STDIN (FORMAT csv, HEADER true)")
		return err
	})
	return time.Since(start), err
}

func vmHWM() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	return "?"
}

func main() {
	rows := flag.Int("rows", 1000000, "rows in the generated population file")
	dir := flag.String("dir", "", "working directory (default: a temporary one)")
	pg := flag.String("pg", os.Getenv("PUBDATA_TEST_PG"), "PostgreSQL DSN (empty: skip the PostgreSQL run)")
	skipSQLite := flag.Bool("skip-sqlite", false, "skip the SQLite run")
	pageSize := flag.Int("page-size", 0, "experiment: create our SQLite file with this page size first (0: the platform default)")
	flag.Parse()
	ctx := context.Background()
	if *dir == "" {
		d, err := os.MkdirTemp("", "pubdata-bench-ingest-")
		check(err)
		defer os.RemoveAll(d)
		*dir = d
	}
	check(os.MkdirAll(*dir, 0o750))
	file := filepath.Join(*dir, "population.csv")
	t0 := time.Now()
	check(generate(file, *rows))
	st, _ := os.Stat(file)
	fmt.Printf("# %d rows, %.1f MiB generated in %v; GOMAXPROCS=%d\n", *rows, float64(st.Size())/(1<<20), time.Since(t0).Round(time.Millisecond), runtime.GOMAXPROCS(0))
	fmt.Printf("%-32s %10s %10s %7s\n", "name", "ours", "baseline", "ratio")
	report := func(name string, ours, base time.Duration) {
		fmt.Printf("%-32s %9.2fs %9.2fs %7.2f\n", name, ours.Seconds(), base.Seconds(), ours.Seconds()/base.Seconds())
	}
	if !*skipSQLite {
		_, err := exec.LookPath("sqlite3")
		check(err)
		base, brss, err := sqliteBaseline(*dir, file, true)
		check(err)
		baseCPU := baselineCPU
		baseNoIdx, _, err := sqliteBaseline(*dir, file, false)
		check(err)
		dd := filepath.Join(*dir, "ours-sqlite")
		if *pageSize > 0 {
			check(os.MkdirAll(dd, 0o750))
			check(exec.Command("sqlite3", filepath.Join(dd, "pubdata.db"), fmt.Sprintf("PRAGMA page_size=%d; PRAGMA journal_mode=WAL;", *pageSize)).Run())
		}
		d, res, err := ours(ctx, "", dd, file)
		check(err)
		if res.Load.RowsLoaded != int64(*rows) {
			check(fmt.Errorf("sqlite: loaded %d of %d rows", res.Load.RowsLoaded, *rows))
		}
		report("sqlite_load_vs_import", d, base)
		report("sqlite_load_vs_import_noindex", d, baseNoIdx)
		report("sqlite_cpu_vs_import_cpu", lastCPU, baseCPU)
		for _, dm := range res.Report.Dimensions {
			fmt.Printf("# %s %d/%d\n", dm.Name, dm.Failed, dm.Checked)
		}
		fmt.Printf("# sqlite: score %.1f, %d rows, sqlite3 .import peak RSS %d KiB\n", res.Report.Score, res.Load.RowsTotal, brss)
		os.RemoveAll(dd)
	}
	if *pg != "" {
		bdsn, drop, err := pgSchemaDSN(ctx, *pg)
		check(err)
		base, err := pgBaseline(ctx, bdsn, file)
		drop()
		check(err)
		odsn, drop2, err := pgSchemaDSN(ctx, *pg)
		check(err)
		d, res, err := ours(ctx, odsn, *dir, file)
		drop2()
		check(err)
		if res.Load.RowsLoaded != int64(*rows) {
			check(fmt.Errorf("postgres: loaded %d of %d rows", res.Load.RowsLoaded, *rows))
		}
		report("postgres_load_vs_copy", d, base)
	}
	fmt.Printf("# peak RSS of this process (loads included): %s\n", vmHWM())
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
