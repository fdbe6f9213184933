// Command open benchmarks the open data download (OPN-2) against a named baseline, side by side
// in one run: a published, unconditionally open entry of N rows (7 items, one masked) is
// exported as CSV through the platform — the opening plan, masking, formula neutralisation,
// audit and counts included — and, as the baseline, by the sqlite3 CLI (`sqlite3 -csv`) reading
// the same rows of the same table in the same file.
//
// It prints `name ours baseline ratio`, our allocated bytes (runtime TotalAlloc) per run and
// per row, and the peak heap sampled during our export (constant memory: it does not grow with
// N).
//
//	go run ./bench/open -rows 1000000
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sync/atomic"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/open"
)

var (
	rows       = flag.Int("rows", 1_000_000, "rows in the dataset")
	runs       = flag.Int("runs", 3, "timed runs of each side (the best is reported)")
	cpuprofile = flag.String("cpuprofile", "", "write a CPU profile of our exports here")
	keep       = flag.String("dir", "", "work directory (default: a temporary one, removed)")
)

func entry() catalog.Entry {
	return catalog.Entry{Name: "开放基准数据集", Summary: "开放下载基准测试", ProviderOrgID: demo.OrgMarket,
		Form: catalog.FormTable, ResourceAttr: catalog.AttrSubject, Topic: "14", Grade: catalog.GradeGeneral,
		ShareType: catalog.ShareUnconditional, OpenType: catalog.OpenUnconditional, Frequency: catalog.FreqDaily,
		Fields: []catalog.Field{
			{Name: "record_no", Label: "记录编号", Type: catalog.TypeString, Kind: catalog.KindOther, IsKey: true, Required: true, Sensitivity: 1},
			{Name: "org_name", Label: "单位名称", Type: catalog.TypeString, Kind: catalog.KindText, Sensitivity: 1},
			{Name: "category", Label: "类别", Type: catalog.TypeString, Kind: catalog.KindEnum, EnumValues: []string{"甲", "乙", "丙", "丁"}, Sensitivity: 1},
			{Name: "staff", Label: "人数", Type: catalog.TypeInteger, Kind: catalog.KindNumber, Sensitivity: 1},
			{Name: "amount", Label: "金额", Type: catalog.TypeDecimal, Kind: catalog.KindNumber, Sensitivity: 1},
			{Name: "reg_date", Label: "登记日期", Type: catalog.TypeDate, Kind: catalog.KindDate, Sensitivity: 1},
			{Name: "contact", Label: "联系人", Type: catalog.TypeString, Kind: catalog.KindName, Sensitivity: 2}, // masked: surname kept
		}}
}

func generate(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString("record_no,org_name,category,staff,amount,reg_date,contact\n")
	sur := []rune("王李张刘陈杨黄赵吴周")
	cats := []string{"甲", "乙", "丙", "丁"}
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "R%09d,呼和浩特市第%d服务中心,%s,%d,%d.%02d,2026-%02d-%02d,%c建国\n", i, i%5000, cats[i%4], i%300, i%100000, i%100, 1+i%12, 1+i%28, sur[i%len(sur)])
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func who(ctx context.Context, a *app.App, name string) *authz.Principal {
	u, err := a.Identity.UserByName(ctx, name)
	check(err)
	p, err := a.Identity.Principal(ctx, u)
	check(err)
	return p
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func main() {
	flag.Parse()
	ctx := context.Background()
	dir := *keep
	if dir == "" {
		d, err := os.MkdirTemp("", "bench-open-")
		check(err)
		defer os.RemoveAll(d)
		dir = d
	}
	a, err := app.Open(ctx, app.Config{DataDir: dir, NoAuditSpool: false})
	check(err)
	defer a.Close()
	check(demo.LoadDirectory(ctx, a))
	officer, reviewer := who(ctx, a, "market"), who(ctx, a, "reviewer")
	e, err := a.Catalog.Create(ctx, officer, entry())
	check(err)
	check(a.Catalog.Submit(ctx, officer, e.ID))
	check(a.Catalog.Approve(ctx, reviewer, e.ID, "bench"))
	pub, err := a.Catalog.Published(ctx, e.ID)
	check(err)

	file := filepath.Join(dir, "data.csv")
	check(generate(file, *rows))
	f, err := os.Open(file)
	check(err)
	t0 := time.Now()
	a.Ingest.ExtraRules, a.Ingest.AfterCommit = nil, nil
	_, err = a.Ingest.LoadEntry(ctx, ingest.Actor{ID: "bench", Name: "bench", OrgID: demo.OrgMarket}, &pub, ingest.LoadRequest{EntryID: pub.ID,
		Format: ingest.FormatCSV, FileName: "data.csv", Body: f})
	f.Close()
	check(err)
	fmt.Fprintf(os.Stderr, "loaded %d rows in %s\n", *rows, time.Since(t0).Round(time.Millisecond))
	var table string
	check(a.DB.QueryRowContext(ctx, "SELECT table_name FROM ingest_tables WHERE entry_id = $1", pub.ID).Scan(&table))

	oursOnce := func() (time.Duration, int64, uint64, uint64) {
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		var peak atomic.Uint64
		stop := make(chan struct{})
		go func() {
			var m runtime.MemStats
			for {
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
					runtime.ReadMemStats(&m)
					if m.HeapInuse > peak.Load() {
						peak.Store(m.HeapInuse)
					}
				}
			}
		}()
		start := time.Now()
		dl, err := a.Open.BeginDownload(ctx, &open.Caller{ClientIP: "192.0.2.1"}, pub.ID, open.DownloadOptions{Format: open.FormatCSV})
		check(err)
		out, err := os.Create(filepath.Join(dir, "ours.csv"))
		check(err)
		n, err := dl.Write(ctx, out)
		check(err)
		check(out.Close())
		d := time.Since(start)
		close(stop)
		runtime.ReadMemStats(&m1)
		return d, n, m1.TotalAlloc - m0.TotalAlloc, peak.Load()
	}
	baseOnce := func() time.Duration {
		start := time.Now()
		cmd := exec.Command("sqlite3", "-csv", "-header", filepath.Join(dir, "pubdata.db"),
			"SELECT record_no, org_name, category, staff, amount, reg_date, contact FROM "+table+" WHERE _to = 0")
		out, err := os.Create(filepath.Join(dir, "base.csv"))
		check(err)
		cmd.Stdout = out
		cmd.Stderr = os.Stderr
		check(cmd.Run())
		out.Close()
		return time.Since(start)
	}
	if *cpuprofile != "" {
		pf, err := os.Create(*cpuprofile)
		check(err)
		pprof.StartCPUProfile(pf)
		defer func() { pprof.StopCPUProfile(); pf.Close() }()
	}
	best, bestBase := time.Duration(1<<62), time.Duration(1<<62)
	var n int64
	var alloc, peak uint64
	for i := 0; i < *runs; i++ { // interleaved, so load on the machine hits both alike
		d, rows, al, pk := oursOnce()
		if d < best {
			best, n, alloc, peak = d, rows, al, pk
		}
		if b := baseOnce(); b < bestBase {
			bestBase = b
		}
	}
	so, _ := os.Stat(filepath.Join(dir, "ours.csv"))
	sb, _ := os.Stat(filepath.Join(dir, "base.csv"))
	fmt.Printf("name ours baseline ratio\n")
	fmt.Printf("open_csv_vs_sqlite3_csv %.3fs %.3fs %.2f\n", best.Seconds(), bestBase.Seconds(), best.Seconds()/bestBase.Seconds())
	fmt.Printf("rows %d, ours %d bytes, baseline %d bytes\n", n, so.Size(), sb.Size())
	fmt.Printf("allocated %d bytes (%.0f per row), peak heap in use %.1f MiB\n", alloc, float64(alloc)/float64(max(n, 1)), float64(peak)/(1<<20))
}
