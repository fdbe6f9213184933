// Command catalog benchmarks catalog search (CAT-11) at scale, side by side with baselines in
// one run: a generator makes N entries (default 100,000) of a province-sized catalog, and a mix
// of realistic queries — one- and two-character Chinese, phrases, English words, facet filters,
// as a visitor, an agency and the authority — is run through catalog.Service.Search (freshness
// check against the database, visibility, filters, ranking, facets, paging). Baselines:
//
//   - "raw index": the posting-list intersection of the same terms alone (RawIndexCount) — what
//     the index costs before everything a user needs on top of it;
//   - "sql LIKE": SELECT COUNT(*) … WHERE name LIKE '%q%' OR data LIKE '%q%' on the same rows —
//     the index-less scan a naive implementation would run (reported for reference).
//
// It prints `name ours baseline ratio` and p50/p95 on SQLite and, when PUBDATA_TEST_PG (or -pg)
// names a server, on PostgreSQL in a fresh schema.
//
//	go run ./bench/catalog             # 100,000 entries
//	go run ./bench/catalog -n 20000 -reps 5
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/ids"
)

type query struct {
	label string
	who   string // anon | agency | authority
	q     catalog.SearchQuery
}

// queries is the mix: what people type into a catalog search box.
func queries(ags []agency) []query {
	city := ags[len(sectors)] // the first city's public security bureau
	var qs []query
	for _, s := range []string{"水", "税", "证", "户", "人"} {
		qs = append(qs, query{"1-char", "anon", catalog.SearchQuery{Q: s}})
	}
	for _, s := range []string{"户籍", "婚姻", "企业", "社保", "医疗", "公积", "学籍", "用电", "许可", "信用"} {
		qs = append(qs, query{"2-char", "anon", catalog.SearchQuery{Q: s}})
	}
	for _, s := range []string{"婚姻登记", "不动产登记", "市场主体登记", "常住人口信息", "食品经营许可", "包头市公安局", "养老保险待遇"} {
		qs = append(qs, query{"phrase", "anon", catalog.SearchQuery{Q: s}})
	}
	for _, s := range []string{"citizen", "credit code", "address"} {
		qs = append(qs, query{"english", "anon", catalog.SearchQuery{Q: s}})
	}
	qs = append(qs,
		query{"facet", "anon", catalog.SearchQuery{Q: "登记", Share: "conditional"}},
		query{"facet", "anon", catalog.SearchQuery{Q: "信息", Region: "150200", Open: "unconditional"}},
		query{"facet", "anon", catalog.SearchQuery{Share: "none"}},
		query{"facet", "anon", catalog.SearchQuery{Agency: city.id}},
		query{"agency", "agency", catalog.SearchQuery{Q: "户籍"}},
		query{"agency", "agency", catalog.SearchQuery{Q: "人口", Status: "draft"}},
		query{"authority", "authority", catalog.SearchQuery{Q: "登记"}},
		query{"authority", "authority", catalog.SearchQuery{Q: "用水", Page: 3}},
		query{"browse", "anon", catalog.SearchQuery{}},
		query{"worst", "anon", catalog.SearchQuery{Q: "信息"}},
	)
	return qs
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	i := int(float64(len(s)-1) * p)
	return s[i]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.3fms", float64(d.Microseconds())/1000) }

// Result is one backend's measurements.
type Result struct {
	Backend            string
	Entries            int
	Load, Build        time.Duration
	Ours, Raw          []time.Duration
	OursByClass        map[string][]time.Duration
	RawByClass         map[string][]time.Duration
	Like               []time.Duration
	HeapMB             uint64
	ZeroHit            []string
	FirstHitsOfQueries map[string]string
}

// run loads n entries into a (empty, migrated) platform and measures.
func run(ctx context.Context, a *app.App, backend string, n, reps int, like bool) (Result, error) {
	res := Result{Backend: backend, Entries: n, OursByClass: map[string][]time.Duration{}, RawByClass: map[string][]time.Duration{}, FirstHitsOfQueries: map[string]string{}}
	t0 := time.Now()
	ags, err := loadDirectory(ctx, a)
	if err != nil {
		return res, err
	}
	if err := loadEntries(ctx, a, ags, n, 1); err != nil {
		return res, err
	}
	res.Load = time.Since(t0)
	t0 = time.Now()
	if _, err := a.Catalog.Search(ctx, authz.System, catalog.SearchQuery{Q: "户籍"}); err != nil {
		return res, err
	}
	res.Build = time.Since(t0)
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	res.HeapMB = m.HeapAlloc >> 20
	city := ags[len(sectors)]
	principals := map[string]*authz.Principal{
		"anon":      {},
		"agency":    {UserID: "u-agency", OrgID: city.id, OrgKind: authz.KindAgency, RegionCode: city.region, Roles: []authz.Role{authz.DataOfficer}},
		"authority": {UserID: "u-auth", OrgID: "auth", OrgKind: authz.KindAuthority, RegionCode: "150000", Roles: []authz.Role{authz.AuthorityReviewer}},
	}
	qs := queries(ags)
	for rep := 0; rep < reps; rep++ {
		for _, q := range qs {
			p := principals[q.who]
			t := time.Now()
			r, err := a.Catalog.Search(ctx, p, q.q)
			if err != nil {
				return res, err
			}
			d := time.Since(t)
			res.Ours = append(res.Ours, d)
			res.OursByClass[q.label] = append(res.OursByClass[q.label], d)
			if rep == 0 {
				if r.Total == 0 {
					res.ZeroHit = append(res.ZeroHit, q.q.Q)
				} else if q.q.Q != "" {
					res.FirstHitsOfQueries[q.q.Q] = fmt.Sprintf("%d hits, first %s", r.Total, r.Hits[0].Name)
				}
			}
			t = time.Now()
			a.Catalog.RawIndexCount(q.q.Q)
			d = time.Since(t)
			res.Raw = append(res.Raw, d)
			res.RawByClass[q.label] = append(res.RawByClass[q.label], d)
		}
	}
	if like {
		for _, q := range qs {
			if q.q.Q == "" {
				continue
			}
			t := time.Now()
			var c int
			pat := "%" + q.q.Q + "%"
			if err := a.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM catalog_entries WHERE name "+a.DB.Like()+" $1 OR data "+a.DB.Like()+" $1", pat).Scan(&c); err != nil {
				return res, err
			}
			res.Like = append(res.Like, time.Since(t))
		}
	}
	return res, nil
}

func (r Result) print() {
	fmt.Printf("\n== %s: %d entries (load %.1fs, index build %.2fs, Go heap %d MB, %d searches)\n", r.Backend, r.Entries, r.Load.Seconds(), r.Build.Seconds(), r.HeapMB, len(r.Ours))
	fmt.Printf("%-34s %12s %12s %8s\n", "name", "ours", "baseline", "ratio")
	line := func(name string, ours, base time.Duration) {
		ratio := float64(ours) / float64(max(base, time.Microsecond))
		fmt.Printf("%-34s %12s %12s %8.1f\n", name, ms(ours), ms(base), ratio)
	}
	line("search."+r.Backend+".p50 (vs raw index)", percentile(r.Ours, .5), percentile(r.Raw, .5))
	line("search."+r.Backend+".p95 (vs raw index)", percentile(r.Ours, .95), percentile(r.Raw, .95))
	var classes []string
	for c := range r.OursByClass {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	for _, c := range classes {
		line("  "+c+".p95", percentile(r.OursByClass[c], .95), percentile(r.RawByClass[c], .95))
	}
	if len(r.Like) > 0 {
		line("search."+r.Backend+".p50 (vs sql LIKE)", percentile(r.Ours, .5), percentile(r.Like, .5))
		line("search."+r.Backend+".p95 (vs sql LIKE)", percentile(r.Ours, .95), percentile(r.Like, .95))
	}
	verdict := "OK"
	if percentile(r.Ours, .95) > 20*time.Millisecond {
		verdict = "OVER the 20 ms goal"
	}
	fmt.Printf("p95 %s: %s\n", ms(percentile(r.Ours, .95)), verdict)
	if len(r.ZeroHit) > 0 {
		fmt.Printf("queries with no hit: %v\n", r.ZeroHit)
	}
}

func main() {
	n := flag.Int("n", 100000, "entries to generate")
	reps := flag.Int("reps", 10, "repetitions of the query mix")
	pg := flag.String("pg", os.Getenv("PUBDATA_TEST_PG"), "PostgreSQL DSN (default $PUBDATA_TEST_PG; empty: SQLite only)")
	like := flag.Bool("like", true, "also time the sql LIKE scan baseline")
	show := flag.Bool("show", false, "print the first hit of each query")
	flag.Parse()
	ctx := context.Background()

	dir, err := os.MkdirTemp("", "pubdata-bench-catalog-")
	check(err)
	defer os.RemoveAll(dir)
	a, err := app.Open(ctx, app.Config{DataDir: dir})
	check(err)
	r, err := run(ctx, a, "sqlite", *n, *reps, *like)
	check(err)
	a.Close()
	r.print()
	if *show {
		for q, h := range r.FirstHitsOfQueries {
			fmt.Printf("  %-12s %s\n", q, h)
		}
	}
	if *pg != "" {
		a, cleanup, err := openPG(ctx, *pg)
		check(err)
		r, err := run(ctx, a, "postgres", *n, *reps, *like)
		a.Close()
		cleanup()
		check(err)
		r.print()
	}
}

// openPG opens a platform in a fresh schema of the server, dropped by cleanup.
func openPG(ctx context.Context, dsn string) (*app.App, func(), error) {
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, nil, err
	}
	schema := "bench_catalog_" + strings.ReplaceAll(strings.ToLower(ids.Token(6)), "-", "")
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return nil, nil, err
	}
	cleanup := func() {
		admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}
	u, err := url.Parse(dsn)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	qv := u.Query()
	qv.Set("search_path", schema)
	u.RawQuery = qv.Encode()
	a, err := app.Open(ctx, app.Config{DSN: u.String()})
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return a, cleanup, nil
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench/catalog:", err)
		os.Exit(1)
	}
}

var _ = db.SQLite
