package open_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/open"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// A committed version's public CSV download is built in the background, so the first user's
// download is served from the file — the same bytes a download generates — and a dataset that
// is suspended is not built. Once the node's jobs run, a commit builds at once.
func TestExportPrebuild(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-10-12 10:00"))
		a.Open.BuildQueuedExports(ctx) // the demo region's datasets
		os.RemoveAll(a.Open.ExportDir)
		h, _, err := server.Handler(a, false)
		must(t, err)
		e := publish(t, a, reportEntry(catalog.OpenUnconditional))
		load(t, a, e, reportRows(1500))
		n, err := a.Open.BuildQueuedExports(ctx)
		must(t, err)
		if n != 1 {
			t.Fatalf("built %d files after a commit", n)
		}
		path := "/api/v1/open/datasets/" + e.ID + "/download?format=csv"
		first := get(t, h, path)
		if first.code != 200 || first.h.Get("X-Pubdata-Export") != "cached" {
			t.Fatalf("first download after the build: %d %q", first.code, first.h.Get("X-Pubdata-Export"))
		}
		a.Open.DropExports(e.ID)
		gen := get(t, h, path)
		if gen.h.Get("X-Pubdata-Export") != "generated" || !bytes.Equal(gen.body, first.body) || strings.Count(string(gen.body), "\n") != 1501 {
			t.Fatalf("the built file differs from a generated download (%q, %d / %d bytes)", gen.h.Get("X-Pubdata-Export"), len(first.body), len(gen.body))
		}
		// Built once: a second build finds the file.
		if ok, err := a.Open.BuildExport(ctx, e.ID); ok || err != nil {
			t.Fatalf("built again: %v %v", ok, err)
		}

		// Jobs running: the next commit builds at once, in the background.
		if ran, err := a.Jobs.RunNow(ctx, "open.exports", true); !ran || err != nil {
			t.Fatalf("job: %v %v", ran, err)
		}
		load(t, a, e, reportRows(40))
		a.Open.WaitExportBuilds()
		if r := get(t, h, path); r.h.Get("X-Pubdata-Export") != "cached" || strings.Count(string(r.body), "\n") != 41 {
			t.Fatalf("after a commit with jobs running: %q, %d lines", r.h.Get("X-Pubdata-Export"), strings.Count(string(r.body), "\n"))
		}

		// Suspended: nothing is built.
		_, err = a.Open.Suspend(ctx, who(t, a, "market_approver"), e.ID, open.SuspendInput{Cause: open.CauseComplaint, Reason: "核查中"})
		must(t, err)
		load(t, a, e, reportRows(20))
		a.Open.WaitExportBuilds()
		if ok, err := a.Open.BuildExport(ctx, e.ID); ok || err != nil {
			t.Fatalf("a suspended dataset was built: %v %v", ok, err)
		}
		if files := exportFiles(t, a.Open.ExportDir); len(files) != 0 {
			t.Fatalf("files of a suspended dataset: %v", files)
		}
	})
}

// The export cache stays within its bound: files are removed least recently served first, and
// the file just written is kept.
func TestExportCacheBound(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-10-12 10:00"))
		a.Open.BuildQueuedExports(ctx) // the demo region's datasets
		os.RemoveAll(a.Open.ExportDir)
		h, _, err := server.Handler(a, false)
		must(t, err)
		var es []catalog.Entry
		for i := 0; i < 3; i++ {
			e := reportEntry(catalog.OpenUnconditional)
			e.Name += string(rune('甲' + i))
			es = append(es, publish(t, a, e))
			load(t, a, es[i], reportRows(200))
		}
		a.Open.BuildQueuedExports(ctx)
		files := exportFiles(t, a.Open.ExportDir)
		if len(files) != 3 {
			t.Fatalf("files: %v", files)
		}
		var size int64
		for _, f := range files {
			st, err := os.Stat(f)
			must(t, err)
			size += st.Size() + 200 // and its metadata
		}
		// The first dataset's file was served most recently; the second's is the oldest.
		old := time.Now().Add(-time.Hour)
		for i, f := range files {
			os.Chtimes(f, old.Add(time.Duration(i)*time.Minute), old.Add(time.Duration(i)*time.Minute))
		}
		path := func(e catalog.Entry) string { return "/api/v1/open/datasets/" + e.ID + "/download?format=csv" }
		if r := get(t, h, path(es[0])); r.h.Get("X-Pubdata-Export") != "cached" {
			t.Fatalf("not cached: %q", r.h.Get("X-Pubdata-Export"))
		}
		// Room for two files: a new one (a new option) evicts the least recently served.
		a.Open.ExportCacheMax = size * 2 / 3
		if r := get(t, h, path(es[2])+"&bom=1"); r.h.Get("X-Pubdata-Export") != "generated" {
			t.Fatalf("bom: %q", r.h.Get("X-Pubdata-Export"))
		}
		served := map[int]string{}
		for i, e := range es {
			served[i] = get(t, h, path(e)).h.Get("X-Pubdata-Export")
		}
		if served[0] != "cached" || served[1] == "cached" {
			t.Fatalf("after the sweep: %v (files %v)", served, exportFiles(t, a.Open.ExportDir))
		}
		// A bound smaller than one file keeps the file just written.
		a.Open.ExportCacheMax = 1
		if r := get(t, h, path(es[1])+"&labels=1"); r.h.Get("X-Pubdata-Export") != "generated" {
			t.Fatalf("labels: %q", r.h.Get("X-Pubdata-Export"))
		}
		if files := exportFiles(t, a.Open.ExportDir); len(files) != 1 || !strings.Contains(files[0], es[1].ID) {
			t.Fatalf("files after a tiny bound: %v", files)
		}
		if r := get(t, h, path(es[1])+"&labels=1"); r.h.Get("X-Pubdata-Export") != "cached" {
			t.Fatalf("the file just written was removed: %q", r.h.Get("X-Pubdata-Export"))
		}
	})
}

// exportFiles lists the finished export files (not metadata, not files being written).
func exportFiles(t *testing.T, dir string) []string {
	var out []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && !strings.HasSuffix(p, ".json") && !strings.HasPrefix(info.Name(), ".tmp-") {
			out = append(out, p)
		}
		return nil
	})
	return out
}
