package ingest_test

import (
	"errors"
	"strings"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/testutil"
)

// TestRetentionAndReturn: older versions are pruned to the retention setting except a version
// pinned by an approved return (回流) to a lower region, which the lower authority then fetches
// (only the approved fields), every step audited.
func TestRetentionAndReturn(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		s := a.Ingest
		officer, admin, btAdmin := who(t, a, "officer"), who(t, a, "admin"), who(t, a, "bt_admin")
		load := func(from int) ingest.Load {
			res, err := s.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "p.csv", Body: strings.NewReader(popCSV(from, 10))})
			must(t, err)
			return res.Load
		}
		must(t, s.SetRetention(ctx, officer, demo.EntryPopulation, 2, ""))
		v1 := load(0)

		// a lower region asks for the data back; the upper authority approves
		r, err := s.RequestReturn(ctx, btAdmin, ingest.ReturnInput{EntryID: demo.EntryPopulation, Purpose: "包头市人口服务", Fields: []string{"citizen_id", "name"}}, "")
		must(t, err)
		if r.ToRegion != demo.RegionCityB || r.FromRegion != demo.RegionProvince {
			t.Fatalf("return: %+v", r)
		}
		if _, err := s.DecideReturn(ctx, btAdmin, r.ID, ingest.EventApprove, "", ""); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("requester approved its own request: %v", err)
		}
		if _, err := s.RequestReturn(ctx, admin, ingest.ReturnInput{EntryID: demo.EntryPopulation, Purpose: "x"}, ""); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the same level asked for a return: %v", err)
		}
		r, err = s.DecideReturn(ctx, admin, r.ID, ingest.EventApprove, "同意回流", "")
		must(t, err)
		if r.Status != ingest.ReturnApproved || r.Version != v1.Version || r.Rows != 4 {
			t.Fatalf("approved: %+v", r)
		}
		if _, err := s.DecideReturn(ctx, admin, r.ID, ingest.EventRefuse, "x", ""); err == nil {
			t.Fatal("decided twice")
		}

		v2, v3 := load(100), load(200)
		load(300) // retention 2 keeps v3, v4 and the pinned v1; v2 is pruned
		var n int
		must(t, d.QueryRowContext(ctx, `SELECT COUNT(*) FROM ing_catpopulation WHERE _from = $1`, v2.Version).Scan(&n))
		if n != 0 {
			t.Fatalf("version 2 not pruned: %d rows", n)
		}
		must(t, d.QueryRowContext(ctx, `SELECT COUNT(*) FROM ing_catpopulation WHERE _from = $1`, v3.Version).Scan(&n))
		if n != 10 {
			t.Fatalf("version 3 pruned: %d rows", n)
		}

		// the lower authority fetches the pinned version, only the approved fields
		var got []ingest.Record
		must(t, s.FetchReturn(ctx, btAdmin, r.ID, "", func(fields []string, rec ingest.Record) error {
			got = append(got, rec)
			return nil
		}))
		// only Baotou's rows (popCSV alternates Hohhot and Baotou counties), masked per grade
		if len(got) != 4 || len(got[0].Values) != 2 || got[0].Values["name"] == "" || got[0].Values["phone"] != "" {
			t.Fatalf("fetched: %d records %+v", len(got), got[0])
		}
		for _, rec := range got {
			if !strings.Contains(rec.Values["citizen_id"], "*") || rec.Values["citizen_id"][:4] != "1502" {
				t.Fatalf("returned a row outside Baotou or in clear: %+v", rec)
			}
		}
		if err := s.FetchReturn(ctx, officer, r.ID, "", func([]string, ingest.Record) error { return nil }); err == nil {
			t.Fatal("agency fetched a return")
		}
		logs, _, err := a.Audit.Search(ctx, auditFilter("ingest.return."))
		must(t, err)
		if len(logs) < 3 || logs[0].GrantID != r.ID {
			t.Fatalf("return audit: %d records", len(logs))
		}
		vs, total, err := s.Versions(ctx, officer, demo.EntryPopulation, 10, 0)
		must(t, err)
		if total != int(v3.Version)+1 || vs[0].Version != v3.Version+1 || !vs[3].Pinned || vs[3].Version != v1.Version {
			t.Fatalf("versions: %+v", vs)
		}
	})
}
