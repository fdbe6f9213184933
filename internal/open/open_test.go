package open_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/open"
	"pubdata/internal/testutil"
)

// An unconditionally open dataset: in the open catalog, downloadable without login through the
// opening plan, its records paged by cursor, suspended and restored.
func TestOpenDatasetLifecycle(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-10-12 10:00")
		a := testutil.DemoApp(t, d, clock)
		e := publish(t, a, reportEntry(catalog.OpenUnconditional))
		load(t, a, e, reportRows(25))

		// The open catalog lists it, with facets; a not-open entry never appears.
		res, err := a.Open.Search(ctx, open.SearchQuery{Q: "年度报告"})
		must(t, err)
		if res.Total != 1 || res.Items[0].ID != e.ID {
			t.Fatalf("search = %+v", res)
		}
		all, err := a.Open.Search(ctx, open.SearchQuery{PageSize: 100})
		must(t, err)
		for _, h := range all.Items {
			if h.OpenType == catalog.OpenNone {
				t.Fatalf("not-open entry %s in the open catalog", h.ID)
			}
		}
		if len(all.Facets["agency"]) == 0 || len(all.Facets["open_type"]) == 0 {
			t.Fatalf("facets = %v", all.Facets)
		}

		// The dataset page: items with names and types, the withheld ones named apart.
		ds, err := a.Open.Dataset(ctx, e.ID)
		must(t, err)
		var items []string
		for _, c := range ds.Items {
			items = append(items, c.Name)
		}
		if !slices.Equal(items, []string{"credit_code", "company", "legal_rep", "employees", "district"}) {
			t.Fatalf("page items = %v", items)
		}
		if len(ds.Withheld) != 2 || ds.Withheld[0].Name != "rep_id" || ds.Withheld[0].Reason != "none" || ds.Withheld[1].Reason != "conditional" {
			t.Fatalf("withheld = %+v", ds.Withheld)
		}
		if ds.Rows != 25 || ds.Version != 1 || len(ds.Versions) != 1 || !ds.Versions[0].Available || ds.Provider == "" {
			t.Fatalf("dataset = %+v", ds)
		}

		// A download by nobody in particular: the public level.
		dl, err := a.Open.BeginDownload(ctx, &open.Caller{ClientIP: "203.0.113.5"}, e.ID, open.DownloadOptions{Format: open.FormatCSV})
		must(t, err)
		var buf bytes.Buffer
		n, err := dl.Write(ctx, &buf)
		must(t, err)
		if n != 25 {
			t.Fatalf("rows = %d", n)
		}
		recs, err := csv.NewReader(&buf).ReadAll()
		must(t, err)
		if !slices.Equal(recs[0], []string{"credit_code", "company", "legal_rep", "employees", "district"}) {
			t.Fatalf("header = %v", recs[0])
		}
		for _, r := range recs[1:] {
			if !strings.HasSuffix(r[2], "*") || !strings.HasPrefix(r[2], "张") {
				t.Fatalf("legal_rep not masked: %v", r)
			}
		}
		if strings.Contains(buf.String(), "138000") {
			t.Fatal("a conditional item left at the public level")
		}

		// Records, paged by cursor, all rows once.
		seen := map[string]bool{}
		cursor := ""
		for pages := 0; ; pages++ {
			pg, err := a.Open.Records(ctx, &open.Caller{ClientIP: "203.0.113.5"}, e.ID, open.RecordsQuery{Limit: 10, Cursor: cursor})
			must(t, err)
			for _, r := range pg.Records {
				k := r.Get("credit_code")
				if seen[k] {
					t.Fatalf("record %s twice", k)
				}
				seen[k] = true
			}
			if pg.Next == "" {
				break
			}
			if strings.Contains(pg.Next, "9115") {
				t.Fatal("cursor shows the key")
			}
			cursor = pg.Next
		}
		if len(seen) != 25 {
			t.Fatalf("paged %d records", len(seen))
		}
		// Filters only on open, unmasked items.
		_, err = a.Open.Records(ctx, &open.Caller{}, e.ID, open.RecordsQuery{Filter: map[string]string{"legal_rep": "张伟"}})
		wantCode(t, err, "open.bad_filter")
		pg, err := a.Open.Records(ctx, &open.Caller{}, e.ID, open.RecordsQuery{Filter: map[string]string{"company": "测试企业007有限公司"}})
		must(t, err)
		if pg.Count != 1 {
			t.Fatalf("filtered = %d", pg.Count)
		}

		// Suspension: the next call on every path is refused with the reason; restore reopens.
		market := who(t, a, "market_approver")
		_, err = a.Open.Suspend(ctx, market, e.ID, open.SuspendInput{Cause: open.CauseComplaint, Reason: "涉嫌泄露个人信息，核查中"})
		must(t, err)
		_, err = a.Open.BeginDownload(ctx, &open.Caller{}, e.ID, open.DownloadOptions{Format: open.FormatJSON})
		wantCode(t, err, "open.suspended")
		_, err = a.Open.Records(ctx, &open.Caller{}, e.ID, open.RecordsQuery{})
		wantCode(t, err, "open.suspended")
		_, err = a.Open.Preview(ctx, &open.Caller{}, e.ID)
		wantCode(t, err, "open.suspended")
		// The public cannot restore it.
		wantCode(t, a.Open.Restore(ctx, &authz.Principal{}, e.ID, "", "x"), "unauthenticated")
		must(t, a.Open.Restore(ctx, market, e.ID, "", "核实无个人信息泄露"))
		_, err = a.Open.Preview(ctx, &open.Caller{}, e.ID)
		must(t, err)

		// Keys: a citizen's own key, at most 180 days, for unconditional data only; its use counted.
		citizen := who(t, a, "citizen")
		_, err = a.Open.CreateKey(ctx, citizen, open.KeyInput{Name: "研究", Days: 200})
		wantCode(t, err, "invalid")
		_, err = a.Open.CreateKey(ctx, citizen, open.KeyInput{Name: "研究", Datasets: []string{"cat-penalties"}})
		wantCode(t, err, "invalid")
		_, err = a.Open.CreateKey(ctx, &authz.Principal{}, open.KeyInput{Name: "x"})
		wantCode(t, err, "unauthenticated")
		k, err := a.Open.CreateKey(ctx, citizen, open.KeyInput{Name: "研究", Datasets: []string{e.ID}})
		must(t, err)
		_, err = a.Open.Records(ctx, &open.Caller{KeySecret: k.Secret}, e.ID, open.RecordsQuery{Limit: 1})
		must(t, err)
		keys, err := a.Open.Keys(ctx, citizen)
		must(t, err)
		if len(keys) != 1 || keys[0].Calls != 1 || keys[0].Secret != "" {
			t.Fatalf("keys = %+v", keys)
		}
		must(t, a.Open.RevokeKey(ctx, citizen, k.ID))
		_, err = a.Open.Records(ctx, &open.Caller{KeySecret: k.Secret}, e.ID, open.RecordsQuery{Limit: 1})
		wantCode(t, err, "open.bad_key")

		// Counts: one download, the record calls.
		ds, err = a.Open.Dataset(ctx, e.ID)
		must(t, err)
		if len(ds.Usage) != 1 || ds.Usage[0].Downloads != 1 || ds.Usage[0].Calls < 4 || ds.Usage[0].Month != "2026-10" {
			t.Fatalf("usage = %+v", ds.Usage)
		}
	})
}
