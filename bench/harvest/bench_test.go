package main

import (
	"context"
	"net/http/httptest"
	"net/url"
	"testing"

	"pubdata/internal/harvest"
	"pubdata/internal/server"

	"pubdata/internal/testutil"
)

// TestSmoke runs the whole measurement at a tiny size so the benchmark keeps working; the real
// run is `go run ./bench/harvest` (100,000 datasets).
func TestSmoke(t *testing.T) {
	a := testutil.NewApp(t, testutil.SQLite(t), nil)
	r, err := run(context.Background(), a, 500, 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.FailedStatus != 0 || len(r.Ours) != len(queries(500)) || len(r.Base) != len(r.Ours) {
		t.Fatalf("status %d, %d calls, %d baseline", r.FailedStatus, len(r.Ours), len(r.Base))
	}
}

// BenchmarkExclude profiles one harvester query at 100,000 datasets.
func BenchmarkExclude(b *testing.B) {
	a := testutil.NewApp(b, testutil.SQLite(b), nil)
	gen := newGen(a, 100000)
	a.Harvest = harvest.New(a.DB, a.Audit, gen)
	h, _, _ := server.Handler(a, false)
	q := "/api/3/action/package_search?" + url.Values{"rows": {"100"}, "sort": {"id asc"}, "fq": {"-organization:org-0007 -organization:org-0008"}}.Encode()
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", q, nil))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", q, nil))
	}
}

// BenchmarkMix profiles the whole query mix at 100,000 datasets
// (go test ./bench/harvest -run '^$' -bench Mix -cpuprofile /tmp/cpu).
func BenchmarkMix(b *testing.B) {
	a := testutil.NewApp(b, testutil.SQLite(b), nil)
	a.Harvest = harvest.New(a.DB, a.Audit, newGen(a, 100000))
	h, _, _ := server.Handler(a, false)
	qs := queries(100000)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/3/action/package_search?rows=1", nil))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, q := range qs {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/api/3/action/package_search?"+q.v.Encode(), nil))
		}
	}
}
