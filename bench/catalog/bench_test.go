package main

import (
	"context"
	"os"
	"strconv"
	"testing"

	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// TestSmoke runs the generator and the whole measurement at a tiny size on both backends, so
// the benchmark keeps working; the real run is `go run ./bench/catalog` (100,000 entries).
func TestSmoke(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.NewApp(t, d, nil)
		r, err := run(context.Background(), a, string(d.Dialect), 300, 1, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Ours) != len(r.Raw) || len(r.Ours) == 0 {
			t.Fatalf("measurements: %d ours, %d raw", len(r.Ours), len(r.Raw))
		}
		res, err := a.Catalog.Search(context.Background(), &authz.Principal{}, catalog.SearchQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total < 250 || res.Total >= 300 {
			t.Fatalf("%d published of 300 generated (about 5%% are drafts)", res.Total)
		}
	})
}

// BenchmarkSearch measures Search over PUBDATA_BENCH_N entries (default 2,000) on SQLite.
func BenchmarkSearch(b *testing.B) {
	n := 2000
	if s := os.Getenv("PUBDATA_BENCH_N"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	ctx := context.Background()
	a := testutil.NewApp(b, testutil.SQLite(b), nil)
	ags, err := loadDirectory(ctx, a)
	if err != nil {
		b.Fatal(err)
	}
	if err := loadEntries(ctx, a, ags, n, 1); err != nil {
		b.Fatal(err)
	}
	qs := queries(ags)
	a.Catalog.Search(ctx, &authz.Principal{}, qs[0].q)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := a.Catalog.Search(ctx, &authz.Principal{}, qs[i%len(qs)].q); err != nil {
			b.Fatal(err)
		}
	}
}
