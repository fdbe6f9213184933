// Command gateway benchmarks the share gateway (SHR-10) against a named baseline, side by side
// in one run: concurrent clients over loopback make keyed lookups
//
//   - through the whole pubdata server (middleware with bearer-token resolution, grant check,
//     field filter, masking, the durable audit record of every call, statistics), on a grant of
//     the demo population entry (10,000 residents);
//   - against a bare net/http handler that returns, from memory, the very bytes the gateway
//     returned for the same keys.
//
// Ours is measured twice in every round, the same server and grant with the call limits (per-grant
// rate and daily quota, SHR-10) switched on and off (share.Service.BenchmarkWithoutCallLimits), in
// alternating order, so that what the limits cost is measured under the same machine load.
//
// It prints requests/s and p50/p99 latency for each side, the ratios ours/limits off and
// ours/baseline, and for each of -runs measurements the on/off ratio with the machine's load
// average; the verdict is on the median on/off ratio (the budget: ≥ 0.95). Loops are
// bounded (a fixed number of requests per client) and everything listens on 127.0.0.1 only.
//
//	go run ./bench/gateway                       # embedded backend (SQLite)
//	go run ./bench/gateway -pg postgres://…      # PostgreSQL
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/authz"
	"pubdata/internal/demo"
	"pubdata/internal/server"
	"pubdata/internal/share"
)

var (
	clients  = flag.Int("clients", 32, "concurrent clients")
	requests = flag.Int("requests", 1000, "requests per client (per side)")
	rounds   = flag.Int("rounds", 20, "alternating rounds (baseline, ours, baseline, …) the requests are split into; many short rounds let a shared machine's drifting speed fall on both sides alike")
	runs     = flag.Int("runs", 3, "measurements, each of -rounds rounds; the call limits' cost is the median of their on/off ratios")
	keys     = flag.Int("keys", 1000, "distinct keys looked up")
	pg       = flag.String("pg", os.Getenv("PUBDATA_TEST_PG"), "PostgreSQL DSN (empty: embedded SQLite in a temporary directory)")
	cpuprof  = flag.String("cpuprofile", "", "write a CPU profile of the measured runs to this file")
	memprof  = flag.String("memprofile", "", "write an allocation profile of the measured runs to this file")
	accesslg = flag.Bool("accesslog", false, "keep the server's per-request access log (to stderr); off by default so the terminal is not the bottleneck")
)

func main() {
	flag.Parse()
	if !*accesslg {
		slog.SetDefault(slog.New(slog.DiscardHandler))
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "pubdata-bench-gateway-")
	check(err)
	defer os.RemoveAll(dir)
	dsn := ""
	if *pg != "" {
		dsn = *pg
		fmt.Fprintln(os.Stderr, "PostgreSQL: the demo region is loaded into the given database; use an empty one")
	}
	a, err := app.Open(ctx, app.Config{DSN: dsn, DataDir: dir})
	check(err)
	defer a.Close()
	start := time.Now()
	check(demo.Load(ctx, a))
	fmt.Fprintf(os.Stderr, "demo region loaded in %v (%s)\n", time.Since(start).Round(time.Millisecond), a.DB.Dialect)

	// A grant: 民政厅 reads citizen_id, name (clear), address and phone (masked) of residents.
	civil, approver := principal(ctx, a, "civil"), principal(ctx, a, "approver")
	r, err := a.Share.File(ctx, civil, share.NewRequest{EntryID: demo.EntryPopulation, Fields: []string{"citizen_id", "name", "address", "phone"},
		ClearFields: []string{"name"}, Scenario: "基准测试 " + time.Now().Format(time.RFC3339Nano), Purpose: "gateway benchmark", LegalBasis: "bench",
		Mode: share.ModeAPI, EndDate: time.Now().AddDate(0, 6, 0).Format("2006-01-02"), Authenticity: true, Compliance: true, Security: true})
	check(err)
	// Every call counts against the grant's rate and daily quota (they are measured, not hit): the
	// region's caps are raised for the run, and the approver sets limits above the traffic.
	a.Share.Limits.CapPerMinute, a.Share.Limits.CapPerDay = 1<<30, 1<<30
	r, err = a.Share.Approve(ctx, approver, r.ID, share.Approval{Limits: share.GrantLimits{RatePerMinute: 1 << 30, DailyQuota: 1 << 30, Reason: "gateway benchmark"}})
	check(err)
	token, _, err := a.Share.IssueCredential(ctx, civil, r.GrantID)
	check(err)
	people, _, err := a.Ingest.Query(ctx, demo.EntryPopulation, nil, *keys, 0)
	check(err)
	ks := make([]string, len(people))
	for i, p := range people {
		ks[i] = p.Values["citizen_id"]
	}

	h, _, err := server.Handler(a, false)
	check(err)
	ours := serve(h)
	defer ours.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *clients * 2, MaxConnsPerHost: *clients * 2, DisableCompression: true}}

	// The baseline serves exactly the bytes the gateway returned for each key.
	body := map[string][]byte{}
	for _, k := range ks {
		b, st := get(client, ours.url+"/api/v1/gateway/records/"+k, token)
		if st != 200 {
			fmt.Fprintf(os.Stderr, "gateway answered HTTP %d for a known key: %s\n", st, b)
			os.Exit(1)
		}
		body[k] = b
	}
	bare := serve(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := body[strings.TrimPrefix(r.URL.Path, "/api/v1/gateway/records/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(b)
	}))
	defer bare.Close()

	// Warm both, then measure the baseline and ours in the same process, alternating in rounds so
	// that drifting background load on a shared machine falls on all sides alike. Ours runs twice
	// a round, the same server and grant with the call limits (rate and daily quota) switched off
	// and on, in alternating order, so that their cost is measured under the same load.
	run(client, bare.url, token, ks, body, *clients, 50)
	run(client, ours.url, token, ks, body, *clients, 50)
	if *cpuprof != "" {
		f, err := os.Create(*cpuprof)
		check(err)
		check(pprof.StartCPUProfile(f))
	}
	ourRun := func(limits bool, n int) result {
		a.Share.BenchmarkWithoutCallLimits(!limits)
		defer a.Share.BenchmarkWithoutCallLimits(false)
		return run(client, ours.url, token, ks, body, *clients, n)
	}
	per := max(*requests / *rounds, 1)
	var base, our, off result
	var costs []float64
	for r := 1; r <= *runs; r++ {
		load0 := loadavg()
		var b, on, no result
		for i := 0; i < *rounds; i++ {
			b = b.add(run(client, bare.url, token, ks, body, *clients, per))
			if (i+r)%2 == 0 {
				no = no.add(ourRun(false, per))
				on = on.add(ourRun(true, per))
			} else {
				on = on.add(ourRun(true, per))
				no = no.add(ourRun(false, per))
			}
		}
		base, our, off = base.add(b), our.add(on), off.add(no)
		b.finish()
		on.finish()
		no.finish()
		costs = append(costs, on.rps/no.rps)
		fmt.Printf("run %d/%d: requests/s limits on %.0f, limits off %.0f, ratio on/off %.3f; baseline %.0f; load %s → %s\n",
			r, *runs, on.rps, no.rps, on.rps/no.rps, b.rps, load0, loadavg())
	}
	if *cpuprof != "" {
		pprof.StopCPUProfile()
	}
	if *memprof != "" {
		f, err := os.Create(*memprof)
		check(err)
		check(pprof.Lookup("allocs").WriteTo(f, 0))
		f.Close()
	}
	base.finish()
	our.finish()
	off.finish()

	var calls int
	check(a.Audit.Flush(ctx))
	a.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE grant_id = $1 AND action = 'share.gateway.lookup'", r.GrantID).Scan(&calls)
	fmt.Printf("share gateway keyed lookup — %s, %d runs of %d clients × %d requests in %d alternating rounds, %d keys, GOMAXPROCS %d\n",
		a.DB.Dialect, *runs, *clients, *requests, *rounds, len(ks), runtime.GOMAXPROCS(0))
	fmt.Printf("%-14s %14s %14s %14s %8s %8s\n", "name", "ours", "limits off", "baseline", "ours/off", "ours/base")
	fmt.Printf("%-14s %14.0f %14.0f %14.0f %8.3f %8.3f\n", "requests/s", our.rps, off.rps, base.rps, our.rps/off.rps, our.rps/base.rps)
	fmt.Printf("%-14s %14s %14s %14s %8.2f %8.2f\n", "p50 latency", our.p50, off.p50, base.p50, float64(our.p50)/float64(off.p50), float64(our.p50)/float64(base.p50))
	fmt.Printf("%-14s %14s %14s %14s %8.2f %8.2f\n", "p99 latency", our.p99, off.p99, base.p99, float64(our.p99)/float64(off.p99), float64(our.p99)/float64(base.p99))
	sort.Float64s(costs)
	verdict := "within"
	if costs[len(costs)/2] < 0.95 {
		verdict = "OVER"
	}
	fmt.Printf("call limits (rate + daily quota) on/off throughput, %d runs: median %.3f (min %.3f, max %.3f) — %s the 5 %% budget (≥ 0.95)\n",
		len(costs), costs[len(costs)/2], costs[0], costs[len(costs)-1], verdict)
	fmt.Printf("audited gateway lookups on record: %d (every call, durable before the answer)\n", calls)
	if our.errors > 0 || base.errors > 0 {
		fmt.Printf("errors: ours %d, baseline %d\n", our.errors, base.errors)
		os.Exit(1)
	}
}

type result struct {
	lat      []time.Duration
	elapsed  time.Duration
	rps      float64
	p50, p99 time.Duration
	errors   int
}

func (r result) add(o result) result {
	return result{lat: append(r.lat, o.lat...), elapsed: r.elapsed + o.elapsed, errors: r.errors + o.errors}
}

// finish computes throughput and percentiles over all rounds.
func (r *result) finish() {
	sort.Slice(r.lat, func(i, j int) bool { return r.lat[i] < r.lat[j] })
	r.rps = float64(len(r.lat)) / r.elapsed.Seconds()
	r.p50, r.p99 = r.lat[len(r.lat)/2].Round(time.Microsecond), r.lat[len(r.lat)*99/100].Round(time.Microsecond)
}

// run has each of c clients make n lookups of random keys and checks every answer against the
// expected bytes.
func run(client *http.Client, base, token string, ks []string, want map[string][]byte, c, n int) result {
	lat := make([][]time.Duration, c)
	errs := make([]int, c)
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < c; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(i), 7))
			lat[i] = make([]time.Duration, 0, n)
			for j := 0; j < n; j++ {
				k := ks[rnd.IntN(len(ks))]
				t0 := time.Now()
				b, st := get(client, base+"/api/v1/gateway/records/"+k, token)
				lat[i] = append(lat[i], time.Since(t0))
				if st != 200 || !bytes.Equal(b, want[k]) {
					errs[i]++
				}
			}
		}(i)
	}
	wg.Wait()
	el := time.Since(start)
	var all []time.Duration
	e := 0
	for i := range lat {
		all = append(all, lat[i]...)
		e += errs[i]
	}
	return result{lat: all, elapsed: el, errors: e}
}

// loadavg is the machine's 1-minute load average (as uptime shows it).
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

func get(client *http.Client, url, token string) ([]byte, int) {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return []byte(err.Error()), 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return b, resp.StatusCode
}

type srv struct {
	url string
	s   *http.Server
}

func (s *srv) Close() { s.s.Close() }

// serve listens on a random loopback port.
func serve(h http.Handler) *srv {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	s := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go s.Serve(ln)
	return &srv{url: "http://" + ln.Addr().String(), s: s}
}

func principal(ctx context.Context, a *app.App, username string) *authz.Principal {
	u, err := a.Identity.UserByName(ctx, username)
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
