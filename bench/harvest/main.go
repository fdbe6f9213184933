// Command harvest measures package_search (the CKAN-compatible API harvesters page through) at
// 100,000 open datasets, through the whole HTTP stack (middleware, route, CKAN envelope, JSON),
// beside a bare net/http handler serving the same response bytes from memory (baseline), in
// one process. The datasets come from a generated Source (the catalog adapter's loading cost is
// a one-off at startup, not part of a call); each call still checks the change counter in the
// database, as in production.
//
//	go run ./bench/harvest [-n 100000] [-reps 20]
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/authz"
	"pubdata/internal/harvest"
	"pubdata/internal/server"
)

var (
	places  = []string{"呼和浩特市", "包头市", "乌海市", "赤峰市", "通辽市", "鄂尔多斯市", "呼伦贝尔市", "巴彦淖尔市", "乌兰察布市", "兴安盟", "锡林郭勒盟", "阿拉善盟"}
	subject = []string{"公交站点", "空气质量监测", "医疗机构", "学校名录", "企业登记", "道路交通流量", "气象观测", "水质监测", "停车场", "景区客流", "药品零售", "养老机构", "文物保护单位", "招投标公告", "财政预算", "社会组织", "农产品价格", "用水量统计", "充电桩", "公共厕所"}
	suffix  = []string{"信息", "名录", "统计", "数据", "明细", "目录"}
	tags    = []string{"交通", "环境", "卫生", "教育", "市场监管", "气象", "水利", "文旅", "民政", "财政", "农业", "能源"}
	formats = []string{"CSV", "XLSX", "JSON", "Parquet"}
)

// genSource is a Source of n generated open datasets (about 3% tombstones).
type genSource struct {
	app  *app.App
	data []harvest.Dataset
	orgs []harvest.Org
}

func newGen(a *app.App, n int) *genSource {
	r := rand.New(rand.NewPCG(1, 2))
	g := &genSource{app: a}
	for i := 0; i < 900; i++ {
		g.orgs = append(g.orgs, harvest.Org{ID: fmt.Sprintf("org-%04d", i), Name: places[i%len(places)] + subject[i%len(subject)] + "主管部门", Region: "150000"})
	}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	for i := 0; i < n; i++ {
		o := g.orgs[r.IntN(len(g.orgs))]
		title := places[r.IntN(len(places))] + subject[r.IntN(len(subject))] + suffix[r.IntN(len(suffix))]
		ds := harvest.Dataset{ID: fmt.Sprintf("%08x-0000-7000-8000-%012x", r.Uint32(), i), Name: fmt.Sprintf("150000-%03d-%06d", r.IntN(999), i),
			Code: fmt.Sprintf("%03d-%06d", r.IntN(999), i), Title: title, Summary: title + "，按月更新，供社会公众查询和开发利用。",
			OrgID: o.ID, OrgName: o.Name, Region: "150000", Topic: fmt.Sprintf("%02d", 1+r.IntN(20)),
			Tags: []string{tags[r.IntN(len(tags))], tags[r.IntN(len(tags))]}, OpenType: "unconditional", Frequency: "monthly", Version: 1 + r.IntN(5),
			Fields:  []harvest.Field{{Name: "name", Label: "名称", Type: "string"}, {Name: "address", Label: "地址", Type: "string"}, {Name: "count", Label: "数量", Type: "integer"}},
			Created: base + int64(r.IntN(700*24*3600))*1000}
		if r.IntN(10) == 0 {
			ds.OpenType = "conditional"
		}
		ds.Modified = ds.Created + int64(r.IntN(30*24*3600))*1000
		ds.Distributions = []harvest.Distribution{{Format: formats[r.IntN(len(formats))], MediaType: "text/csv", Path: "/open/datasets/" + ds.ID + "/download.csv", Title: "下载"},
			{Format: "API", MediaType: "application/json", Path: "/api/3/action/datastore_search?resource_id=" + ds.ID, Title: "接口", API: true}}
		if r.IntN(33) == 0 {
			ds.Deleted, ds.WithdrawnAt = true, ds.Modified
		}
		g.data = append(g.data, ds)
	}
	return g
}

func (g *genSource) Cursor(ctx context.Context) (int64, error) {
	var n int64
	err := g.app.DB.QueryRowContext(ctx, "SELECT seq FROM catalog_seq WHERE id = 1").Scan(&n)
	return n + 1, err
}
func (g *genSource) Changed(ctx context.Context, since int64) ([]harvest.Dataset, int64, error) {
	c, err := g.Cursor(ctx)
	return g.data, c, err
}
func (g *genSource) Orgs(context.Context) ([]harvest.Org, error) { return g.orgs, nil }
func (g *genSource) Records(context.Context, *authz.Principal, string, harvest.RecordQuery) (harvest.RecordPage, error) {
	return harvest.RecordPage{}, harvest.ErrNoRecords
}

type query struct {
	class string
	v     url.Values
}

func queries(n int) []query {
	var qs []query
	for _, start := range []int{0, n / 4, n / 2, n - 200} {
		qs = append(qs, query{"harvest.full", url.Values{"rows": {"100"}, "start": {fmt.Sprint(start)}, "sort": {"id asc"}}})
	}
	for _, since := range []string{"2025-11-01T00:00:00.000000Z", "2025-06-01T00:00:00Z", "2024-06-01T00:00:00Z"} {
		qs = append(qs, query{"harvest.incremental", url.Values{"rows": {"100"}, "start": {"0"}, "sort": {"id asc"}, "fq": {"metadata_modified:[" + since + " TO *]"}}})
	}
	qs = append(qs,
		query{"harvest.org", url.Values{"rows": {"100"}, "sort": {"id asc"}, "fq": {"organization:org-0007 OR organization:org-0100 metadata_modified:[2025-01-01T00:00:00Z TO *]"}}},
		query{"harvest.exclude", url.Values{"rows": {"100"}, "sort": {"id asc"}, "fq": {"-organization:org-0007 -organization:org-0008"}}},
		query{"search.q", url.Values{"q": {"公交"}}},
		query{"search.q", url.Values{"q": {"包头市 空气质量"}, "facet.field": {`["organization","tags","res_format"]`}}},
		query{"search.facets", url.Values{"fq": {"tags:交通"}, "facet.field": {`["organization","tags","res_format","open_type"]`}, "sort": {"metadata_modified desc"}}},
		query{"search.default", url.Values{}},
		query{"search.title", url.Values{"sort": {"title_string asc"}, "rows": {"50"}, "start": {"1000"}}},
	)
	return qs
}

func pct(d []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(float64(len(s)-1)*p)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3fms", float64(d.Microseconds())/1000) }

// Result holds the measurements.
type Result struct {
	N            int
	Build        time.Duration
	Ours, Base   []time.Duration
	First        []time.Duration // each query's first call (its answer not in the query cache yet)
	ByClass      map[string][]time.Duration
	BaseByClass  map[string][]time.Duration
	Counts       map[string]int
	HeapMB       uint64
	FailedStatus int
}

func run(ctx context.Context, a *app.App, n, reps int) (Result, error) {
	res := Result{N: n, ByClass: map[string][]time.Duration{}, BaseByClass: map[string][]time.Duration{}, Counts: map[string]int{}}
	a.Harvest = harvest.New(a.DB, a.Audit, newGen(a, n))
	h, _, err := server.Handler(a, false)
	if err != nil {
		return res, err
	}
	call := func(hd http.Handler, path string) (*httptest.ResponseRecorder, time.Duration) {
		r := httptest.NewRequest("GET", path, nil)
		w := httptest.NewRecorder()
		t0 := time.Now()
		hd.ServeHTTP(w, r)
		return w, time.Since(t0)
	}
	t0 := time.Now()
	if w, _ := call(h, "/api/3/action/package_search?rows=1"); w.Code != 200 {
		return res, fmt.Errorf("warm-up: %d %s", w.Code, w.Body.String())
	}
	res.Build = time.Since(t0)
	qs := queries(n)
	bodies := make([][]byte, len(qs))
	for i, q := range qs {
		w, d := call(h, "/api/3/action/package_search?"+q.v.Encode())
		if w.Code != 200 {
			return res, fmt.Errorf("%v: %d %s", q.v, w.Code, w.Body.String())
		}
		bodies[i] = w.Body.Bytes()
		res.First = append(res.First, d)
	}
	for rep := 0; rep < reps; rep++ {
		for i, q := range qs {
			w, d := call(h, "/api/3/action/package_search?"+q.v.Encode())
			if w.Code != 200 {
				res.FailedStatus = w.Code
			}
			res.Ours = append(res.Ours, d)
			res.ByClass[q.class] = append(res.ByClass[q.class], d)
			body := bodies[i]
			bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json;charset=utf-8")
				w.Write(body)
			})
			_, bd := call(bare, "/api/3/action/package_search?"+q.v.Encode())
			res.Base = append(res.Base, bd)
			res.BaseByClass[q.class] = append(res.BaseByClass[q.class], bd)
		}
	}
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	res.HeapMB = m.HeapAlloc >> 20
	return res, nil
}

func (r Result) print() {
	fmt.Printf("\n== sqlite: %d datasets (index build %.2fs, Go heap %d MB, %d calls)\n", r.N, r.Build.Seconds(), r.HeapMB, len(r.Ours))
	fmt.Printf("%-34s %12s %12s %8s\n", "name", "ours", "baseline", "ratio")
	line := func(name string, o, b time.Duration) {
		fmt.Printf("%-34s %12s %12s %8.1f\n", name, ms(o), ms(b), float64(o)/float64(max(b, time.Microsecond)))
	}
	line("package_search.p50", pct(r.Ours, .5), pct(r.Base, .5))
	line("package_search.p95", pct(r.Ours, .95), pct(r.Base, .95))
	if len(r.First) > 0 {
		fmt.Printf("%-34s %12s %12s (each query's first call: a pass over every dataset; later calls and pages of the same query are answered from the per-index query cache)\n",
			"package_search.first.p50/max", ms(pct(r.First, .5)), ms(pct(r.First, 1)))
	}
	var cs []string
	for c := range r.ByClass {
		cs = append(cs, c)
	}
	sort.Strings(cs)
	for _, c := range cs {
		line("  "+c+".p95", pct(r.ByClass[c], .95), pct(r.BaseByClass[c], .95))
	}
	verdict := "OK"
	if pct(r.Ours, .95) > 20*time.Millisecond {
		verdict = "OVER the 20 ms goal"
	}
	fmt.Printf("p95 %s: %s\n", ms(pct(r.Ours, .95)), verdict)
}

func main() {
	n := flag.Int("n", 100000, "datasets to generate")
	reps := flag.Int("reps", 20, "repetitions of the query mix")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the measured calls here")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		check(err)
		check(pprof.StartCPUProfile(f))
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	slog.SetDefault(slog.New(slog.DiscardHandler)) // no access log on the terminal
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "pubdata-bench-harvest-")
	check(err)
	defer os.RemoveAll(dir)
	a, err := app.Open(ctx, app.Config{DataDir: dir})
	check(err)
	defer a.Close()
	r, err := run(ctx, a, *n, *reps)
	check(err)
	r.print()
	if r.FailedStatus != 0 {
		fmt.Printf("a call answered HTTP %d\n", r.FailedStatus)
		os.Exit(1)
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
