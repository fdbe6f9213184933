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
	"io"
	"log/slog"
	"net"
	"net/http"
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
	"pubdata/internal/server"
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
	slog.SetDefault(slog.New(slog.DiscardHandler)) // no access log on the terminal
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

	h, _, err := server.Handler(a, false)
	check(err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	url := "http://" + ln.Addr().String() + "/api/v1/open/datasets/" + pub.ID + "/download?format=csv"
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}

	// oursOnce downloads the dataset as a user does: GET over loopback, the body written to a
	// file. It returns the time, the path that answered (X-Pubdata-Export), the bytes, and the
	// Go heap allocated and at its peak in this process (server and client) meanwhile.
	oursOnce := func() (time.Duration, string, int64, uint64, uint64) {
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
		resp, err := client.Get(url)
		check(err)
		if resp.StatusCode != http.StatusOK {
			check(fmt.Errorf("download: %s", resp.Status))
		}
		out, err := os.Create(filepath.Join(dir, "ours.csv"))
		check(err)
		n, err := io.Copy(out, resp.Body)
		check(err)
		resp.Body.Close()
		check(out.Close())
		d := time.Since(start)
		close(stop)
		runtime.ReadMemStats(&m1)
		if m1.HeapInuse > peak.Load() {
			peak.Store(m1.HeapInuse)
		}
		return d, resp.Header.Get("X-Pubdata-Export"), n, m1.TotalAlloc - m0.TotalAlloc, peak.Load()
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
	// Interleaved rounds, so load on the machine hits every side alike: the first download of
	// the version (cold: every row read, transformed and encoded while the export file is
	// written beside the answer), sqlite3, then a download served from that file (cached).
	type side struct {
		best        time.Duration
		bytes       int64
		alloc, peak uint64
	}
	cold, cached := side{best: 1 << 62}, side{best: 1 << 62}
	bestBase := time.Duration(1 << 62)
	for i := 0; i < *runs; i++ {
		a.Open.DropExports(pub.ID)
		d, path, n, al, pk := oursOnce()
		if path != "generated" {
			check(fmt.Errorf("cold download answered by %q", path))
		}
		if d < cold.best {
			cold = side{d, n, al, pk}
		}
		if b := baseOnce(); b < bestBase {
			bestBase = b
		}
		d, path, n, al, pk = oursOnce()
		if path != "cached" {
			check(fmt.Errorf("second download answered by %q", path))
		}
		if d < cached.best {
			cached = side{d, n, al, pk}
		}
	}
	sb, _ := os.Stat(filepath.Join(dir, "base.csv"))
	fmt.Printf("name ours baseline ratio\n")
	fmt.Printf("open_csv_cached_vs_sqlite3_csv %.3fs %.3fs %.2f\n", cached.best.Seconds(), bestBase.Seconds(), cached.best.Seconds()/bestBase.Seconds())
	fmt.Printf("open_csv_cold_vs_sqlite3_csv %.3fs %.3fs %.2f\n", cold.best.Seconds(), bestBase.Seconds(), cold.best.Seconds()/bestBase.Seconds())
	fmt.Printf("rows %d, ours %d bytes (cold) %d bytes (cached), baseline %d bytes\n", *rows, cold.bytes, cached.bytes, sb.Size())
	fmt.Printf("cold: allocated %d bytes (%.0f per row), peak heap in use %.1f MiB\n", cold.alloc, float64(cold.alloc)/float64(max(*rows, 1)), float64(cold.peak)/(1<<20))
	fmt.Printf("cached: allocated %d bytes (%.0f per row), peak heap in use %.1f MiB\n", cached.alloc, float64(cached.alloc)/float64(max(*rows, 1)), float64(cached.peak)/(1<<20))
	fmt.Printf("cached = a later download of the same version, served from the export file; cold = the first one after a new version\n")
	verdict := "OK"
	if r := cold.best.Seconds() / bestBase.Seconds(); r > 1.0 {
		verdict = "OVER"
	}
	fmt.Printf("gate: cold ratio ≤ 1.0 (the first download of a version, not the cached one): %s\n", verdict)
}
