package ingest_test

import (
	"errors"
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

// TestBaseFusion: a lookup of one person in the population base fuses the population entry
// (public security) with the water utility's customer record, each item with its source and
// version.
func TestBaseFusion(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		s := a.Ingest
		id, name, _, birth, _, _, _ := person(3)
		pop, err := s.Load(ctx, who(t, a, "officer"), ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "p.csv", Body: strings.NewReader(popCSV(0, 10))})
		must(t, err)
		// a replacement of the water customers holding only this household
		water := fmt.Sprintf("account_no,user_name,citizen_id,phone,address,region_code,user_type,open_date\nBT0001,%s户,%s,13912345678,包头市昆都仑区阿尔丁大街1号,150203,居民,2015-06-01\n", name, id)
		_, err = s.Load(ctx, who(t, a, "water"), ingest.LoadRequest{EntryID: demo.EntryWater, FileName: "w.csv", Body: strings.NewReader(water)})
		must(t, err)

		admin := who(t, a, "admin")
		fr, err := s.Fuse(ctx, admin, "population", id, "")
		must(t, err)
		if len(fr.Records) != 2 {
			t.Fatalf("records: %+v", fr.Records)
		}
		items := map[string]ingest.FusedItem{}
		for _, it := range fr.Items {
			items[it.Field] = it
		}
		if it := items["birth_date"]; it.Value != birth || it.SourceOrgID != demo.OrgPublicSec || it.EntryID != demo.EntryPopulation || it.Version != pop.Load.Version || it.LoadedAt.IsZero() {
			t.Fatalf("birth_date item: %+v", it)
		}
		if it := items["account_no"]; it.Value != "BT0001" || it.SourceOrgID != demo.OrgWater {
			t.Fatalf("water item: %+v", it)
		}
		if it := items["name"]; it.EntryID != demo.EntryPopulation || it.Value != name {
			t.Fatalf("name item: %+v", it)
		}
		// the water company's copy of the holder's name names its source: public security (一数一源)
		if it := items["user_name"]; it.EntryID != demo.EntryWater || it.SourceOrgID != demo.OrgPublicSec {
			t.Fatalf("user_name item: %+v", it)
		}
		if _, err := s.Fuse(ctx, who(t, a, "officer"), "population", id, ""); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("agency staff used the base directly: %v", err)
		}
		if _, err := s.Fuse(ctx, admin, "population", "123", ""); err == nil {
			t.Fatal("bad key accepted")
		}
		logs, _, err := a.Audit.Search(ctx, auditFilter("ingest.base.lookup"))
		must(t, err)
		if len(logs) == 0 || strings.Contains(logs[0].DetailJSON, id) {
			t.Fatalf("lookup audit: %+v", logs)
		}
		ms, err := s.BaseMembers(ctx, admin, "population")
		must(t, err)
		if len(ms) < 2 {
			t.Fatalf("members: %+v", ms)
		}
	})
}

// TestFreshness: a daily entry not loaded for days is flagged once to its agency's inbox and
// listed as late on the board; a new load resolves the flag.
func TestFreshness(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-01 10:00")
		a := testutil.DemoApp(t, d, clock)
		s := a.Ingest
		officer := who(t, a, "officer")
		_, err := s.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "p.csv", Body: strings.NewReader(popCSV(0, 3))})
		must(t, err)
		board, err := s.Freshness(ctx, officer)
		must(t, err)
		if st := statusOf(board, demo.EntryPopulation); st != ingest.FreshOnTime {
			t.Fatalf("fresh entry: %s", st)
		}
		clock.Advance(3 * 24 * time.Hour)
		n, err := s.CheckFreshness(ctx, clock.Now())
		must(t, err)
		if n == 0 {
			t.Fatal("nothing flagged")
		}
		again, err := s.CheckFreshness(ctx, clock.Now())
		must(t, err)
		if again != 0 {
			t.Fatalf("flagged twice: %d", again)
		}
		board, err = s.Freshness(ctx, who(t, a, "admin"))
		must(t, err)
		if st := statusOf(board, demo.EntryPopulation); st != ingest.FreshLate {
			t.Fatalf("late entry on the authority's board: %s", st)
		}
		msgs, _, err := a.Notify.Inbox(ctx, officer, false, 200, 0)
		must(t, err)
		found := 0
		for _, m := range msgs {
			if m.ObjectID == demo.EntryPopulation && m.Kind == "flag" {
				found++
			}
		}
		if found != 1 {
			t.Fatalf("%d late messages for the population entry, want 1", found)
		}
		flags, err := s.LateFlags(ctx, officer, demo.OrgPublicSec)
		must(t, err)
		if len(flags) == 0 || !flags[0].ResolvedAt.IsZero() {
			t.Fatalf("flags: %+v", flags)
		}
		// the officer's own board does not show other agencies' entries
		for _, r := range board {
			_ = r
		}
		own, _ := s.Freshness(ctx, officer)
		for _, r := range own {
			if r.OrgID != demo.OrgPublicSec {
				t.Fatalf("officer sees %s of %s", r.EntryID, r.OrgID)
			}
		}
		_, err = s.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "p.csv", Body: strings.NewReader(popCSV(0, 3))})
		must(t, err)
		flags, _ = s.LateFlags(ctx, officer, demo.OrgPublicSec)
		for _, f := range flags {
			if f.EntryID == demo.EntryPopulation && f.ResolvedAt.IsZero() {
				t.Fatalf("flag not resolved by a load: %+v", f)
			}
		}
	})
}

func statusOf(rows []ingest.FreshnessRow, id string) string {
	for _, r := range rows {
		if r.EntryID == id {
			return r.Status
		}
	}
	return "absent"
}

// TestRecordsMasking: the provider reads its rows in clear, the authority masked; both audited.
func TestRecordsMasking(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		s := a.Ingest
		officer, admin := who(t, a, "officer"), who(t, a, "admin")
		_, err := s.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "p.csv", Body: strings.NewReader(popCSV(0, 5))})
		must(t, err)
		id := mkID(2)
		r, err := s.RecordByKey(ctx, officer, demo.EntryPopulation, id, "")
		must(t, err)
		if r.Key != id || r.Values["citizen_id"] != id {
			t.Fatalf("provider's view: %+v", r)
		}
		r, err = s.RecordByKey(ctx, admin, demo.EntryPopulation, id, "")
		must(t, err)
		if r.Key == id || strings.Contains(r.Values["citizen_id"], id[6:14]) || !strings.Contains(r.Values["phone"], "*") {
			t.Fatalf("authority's view not masked: %+v", r)
		}
		recs, total, err := s.Records(ctx, officer, demo.EntryPopulation, map[string]string{"region_code": "150102"}, 10, 0, "")
		must(t, err)
		if total == 0 || len(recs) == 0 {
			t.Fatal("filtered read found nothing")
		}
		if _, _, err := s.Records(ctx, who(t, a, "market"), demo.EntryPopulation, nil, 10, 0, ""); !errors.Is(err, apperr.Hidden) { // as if there were none
			t.Fatalf("another agency read the rows: %v", err)
		}
		if _, _, err := s.Records(ctx, officer, demo.EntryPopulation, map[string]string{"salary": "1"}, 10, 0, ""); err == nil {
			t.Fatal("filter on an unknown field accepted")
		}
		logs, _, err := a.Audit.Search(ctx, auditFilter("ingest.data."))
		must(t, err)
		if len(logs) < 3 {
			t.Fatalf("%d data-read audit records", len(logs))
		}
	})
}
