package open_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"pubdata/internal/audit"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/open"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// The export cache: the first download of a version writes the file as it streams, later
// downloads are served from it (length, ranges, ETag) with every check and audit record still
// made per call; a new version, new opening settings and a suspension are never answered from
// a stale file.
func TestExportCache(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-10-12 10:00")
		a := testutil.DemoApp(t, d, clock)
		if a.Open.ExportDir == "" {
			t.Fatal("no export directory under the data directory")
		}
		h, _, err := server.Handler(a, false)
		must(t, err)
		e := publish(t, a, reportEntry(catalog.OpenUnconditional))
		load(t, a, e, reportRows(25))
		path := "/api/v1/open/datasets/" + e.ID + "/download?format=csv"

		first := get(t, h, path)
		if first.code != 200 || first.h.Get("X-Pubdata-Export") != "generated" {
			t.Fatalf("first download: %d %q %s", first.code, first.h.Get("X-Pubdata-Export"), first.body)
		}
		second := get(t, h, path)
		if second.code != 200 || second.h.Get("X-Pubdata-Export") != "cached" || !bytes.Equal(first.body, second.body) {
			t.Fatalf("second download: %d %q, same bytes %v", second.code, second.h.Get("X-Pubdata-Export"), bytes.Equal(first.body, second.body))
		}
		if second.h.Get("Content-Length") != strconv.Itoa(len(first.body)) || second.h.Get("ETag") == "" ||
			!strings.HasPrefix(second.h.Get("Content-Disposition"), "attachment;") || second.h.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("cached headers = %v", second.h)
		}
		// An interrupted download resumes.
		part := get(t, h, path, "Range", "bytes=100-")
		if part.code != 206 || !bytes.Equal(part.body, first.body[100:]) {
			t.Fatalf("range: %d, %d bytes", part.code, len(part.body))
		}
		// Other options are other files.
		if r := get(t, h, path+"&bom=1"); r.code != 200 || r.h.Get("X-Pubdata-Export") != "generated" || !bytes.HasPrefix(r.body, []byte("\uFEFF")) {
			t.Fatalf("bom download: %d %q", r.code, r.h.Get("X-Pubdata-Export"))
		}
		// The service path too (the bench's and other callers').
		dl, err := a.Open.BeginDownload(ctx, &open.Caller{ClientIP: "203.0.113.5"}, e.ID, open.DownloadOptions{Format: open.FormatCSV})
		must(t, err)
		if !dl.Cached() {
			t.Fatal("BeginDownload does not see the cached file")
		}
		var buf bytes.Buffer
		n, err := dl.Write(ctx, &buf)
		must(t, err)
		if n != 25 || !bytes.Equal(buf.Bytes(), first.body) {
			t.Fatalf("cached Write: %d rows", n)
		}
		// Each call audited with its rows, the cached ones marked.
		recs, _, err := a.Audit.Search(ctx, audit.Filter{Action: "open.download.done", ObjectID: e.ID, Limit: 50})
		must(t, err)
		cached := 0
		for _, rc := range recs {
			if rc.Detail["rows"] == nil {
				t.Fatalf("audit detail = %v", rc.Detail)
			}
			if rc.Detail["cached"] == true {
				cached++
			}
		}
		if len(recs) != 5 || cached != 3 {
			t.Fatalf("audited %d downloads, %d cached", len(recs), cached)
		}

		// Small counts suppressed from now on: the next download is derived again.
		market := who(t, a, "market")
		_, err = a.Open.SetSettings(ctx, market, open.Settings{EntryID: e.ID, CountFields: []string{"employees"}, MinCount: 5})
		must(t, err)
		r := get(t, h, path)
		if r.code != 200 || r.h.Get("X-Pubdata-Export") != "generated" || !strings.Contains(string(r.body), "<5") {
			t.Fatalf("after new settings: %d %q", r.code, r.h.Get("X-Pubdata-Export"))
		}
		// A new version: its rows, not the cached ones.
		load(t, a, e, reportRows(30))
		r = get(t, h, path)
		if r.code != 200 || r.h.Get("X-Pubdata-Export") != "generated" || strings.Count(string(r.body), "\n") != 31 {
			t.Fatalf("after a new version: %d %q, %d lines", r.code, r.h.Get("X-Pubdata-Export"), strings.Count(string(r.body), "\n"))
		}
		if r = get(t, h, path); r.h.Get("X-Pubdata-Export") != "cached" {
			t.Fatalf("not cached again: %q", r.h.Get("X-Pubdata-Export"))
		}
		// The first version stays downloadable by number, its own bytes.
		if r = get(t, h, path+"&version=1"); r.code != 200 || strings.Count(string(r.body), "\n") != 26 {
			t.Fatalf("version 1: %d, %d lines", r.code, strings.Count(string(r.body), "\n"))
		}
		// Suspended: refused, though the file was there.
		_, err = a.Open.Suspend(ctx, who(t, a, "market_approver"), e.ID, open.SuspendInput{Cause: open.CauseComplaint, Reason: "涉嫌泄露个人信息，核查中"})
		must(t, err)
		if r = get(t, h, path); r.code != 403 {
			t.Fatalf("suspended: %d", r.code)
		}
	})
}
