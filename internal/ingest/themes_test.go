package ingest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/testutil"
)

// The authority defines a thematic database across two agencies' entries, fused by the citizen
// ID: a lookup shows each value with its source agency. Only authority administrators define;
// an entry without the identifier is refused by name; the base list carries the new database
// beside the base databases (macro-economy included).
func TestThematicDatabase(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		s := a.Ingest
		id, name, _, _, _, _, _ := person(3)
		_, err := s.Load(ctx, who(t, a, "officer"), ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "p.csv", Body: strings.NewReader(popCSV(0, 10))})
		must(t, err)
		water := fmt.Sprintf("account_no,user_name,citizen_id,phone,address,region_code,user_type,open_date\nBT0001,%s户,%s,13912345678,包头市昆都仑区阿尔丁大街1号,150203,居民,2015-06-01\n", name, id)
		_, err = s.Load(ctx, who(t, a, "water"), ingest.LoadRequest{EntryID: demo.EntryWater, FileName: "w.csv", Body: strings.NewReader(water)})
		must(t, err)

		admin, reviewer := who(t, a, "admin"), who(t, a, "reviewer")
		in := ingest.ThemeInput{Code: "livelihood", Kind: ingest.KindThematic, Name: "民生保障专题库", KeyKind: "citizen_id",
			Entries: []string{demo.EntryPopulation, demo.EntryWater}}
		if _, err := s.DefineTheme(ctx, reviewer, in); apperr.As(err).Status != 403 {
			t.Fatalf("a reviewer defined a database: %v", err)
		}
		bad := in
		bad.Code, bad.Entries = "population", []string{"cat-outage"}
		err = func() error { _, err := s.DefineTheme(ctx, admin, bad); return err }()
		ae := apperr.As(err)
		if ae.Status != 422 || !strings.Contains(ae.Error(), "code") || !strings.Contains(ae.Error(), "entries") {
			t.Fatalf("a base's code and an entry without citizen IDs were accepted: %v", err)
		}
		def, err := s.DefineTheme(ctx, admin, in)
		must(t, err)
		if def.Kind != ingest.KindThematic || len(def.Entries) != 2 {
			t.Fatalf("defined %+v", def)
		}
		fr, err := s.Fuse(ctx, reviewer, "livelihood", id, "")
		must(t, err)
		if len(fr.Records) != 2 {
			t.Fatalf("records %+v", fr.Records)
		}
		srcs := map[string]bool{}
		for _, it := range fr.Items {
			srcs[it.SourceOrgID] = true
		}
		if !srcs[demo.OrgPublicSec] || !srcs[demo.OrgWater] {
			t.Fatalf("sources %v: want both agencies", srcs)
		}
		all, err := s.AllBases(ctx, reviewer)
		must(t, err)
		codes := map[string]string{}
		for _, b := range all {
			codes[b.Code] = b.Kind
		}
		if codes["livelihood"] != ingest.KindThematic || codes["macro"] != ingest.KindBase {
			t.Fatalf("bases %v", codes)
		}
		if _, err := s.AllBases(ctx, who(t, a, "officer")); apperr.As(err).Status != 403 {
			t.Fatalf("an agency listed the fused databases: %v", err)
		}
	})
}

// A real-time e-licence entry is late minutes after its last load, not a day: the check flags
// it once per lapse and tells the agency.
func TestLicencesAreRealTime(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-11-02 10:00")
		a := testutil.DemoApp(t, d, clock)
		s := a.Ingest
		rows, err := s.LicenceFreshness(ctx, who(t, a, "admin"))
		must(t, err)
		var lic *ingest.LicenceRow
		for i := range rows {
			if rows[i].EntryID == "cat-business-license-e" {
				lic = &rows[i]
			}
		}
		if lic == nil {
			t.Fatalf("the e-licence entry is not on the board: %+v", rows)
		}
		csv := "credit_code,license_holder,issue_date\n91150100MA0N0K8X3X,呼和浩特市测试有限公司,2026-11-02\n"
		_, err = s.Load(ctx, who(t, a, "market"), ingest.LoadRequest{EntryID: "cat-business-license-e", FileName: "l.csv", Body: strings.NewReader(csv)})
		must(t, err)
		if n, err := s.CheckLicences(ctx, clock.Now().Add(10*time.Minute)); err != nil || n != 0 {
			t.Fatalf("flagged %d (%v) 10 minutes after a load", n, err)
		}
		later := clock.Now().Add(20 * time.Minute)
		if n, err := s.CheckLicences(ctx, later); err != nil || n != 1 {
			t.Fatalf("flagged %d (%v) 20 minutes after a load, want 1", n, err)
		}
		if n, _ := s.CheckLicences(ctx, later.Add(5*time.Minute)); n != 0 {
			t.Fatalf("the same lapse flagged again")
		}
		var msgs int
		must(t, d.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE org_id = $1 AND title_zh LIKE $2", demo.OrgMarket, "电子证照未实时归集%").Scan(&msgs))
		if msgs != 1 {
			t.Fatalf("%d messages to the agency, want 1", msgs)
		}
	})
}
