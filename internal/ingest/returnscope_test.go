package ingest_test

import (
	"errors"
	"strings"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/testutil"
	"pubdata/internal/validate"
)

// TestReturnScope: a return (回流) delivers only the requesting region's rows, narrowed by the
// filters the request named, masked per grade unless clear values were justified and approved —
// on the download and on every page alike; a county authority can ask too.
func TestReturnScope(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		s := a.Ingest
		officer, admin, bt, county := who(t, a, "officer"), who(t, a, "admin"), who(t, a, "bt_admin"), who(t, a, "tmy_admin")
		_, err := s.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "p.csv", Body: strings.NewReader(popCSV(0, 20))})
		must(t, err)

		fetch := func(p *authz.Principal, id string) []ingest.Record {
			var got []ingest.Record
			must(t, s.FetchReturn(ctx, p, id, "", func(_ []string, rec ingest.Record) error { got = append(got, rec); return nil }))
			return got
		}
		inBaotou := func(rec ingest.Record) bool { return strings.HasPrefix(rec.Values["region_code"], "1502") }

		// by default: the region's rows only, identifiers and names masked
		r, err := s.RequestReturn(ctx, bt, ingest.ReturnInput{EntryID: demo.EntryPopulation, Purpose: "包头市人口服务", Fields: []string{"citizen_id", "name", "region_code"}}, "")
		must(t, err)
		if r.DueDate == "" || len(r.ClearFields) != 0 {
			t.Fatalf("request: %+v", r)
		}
		r, err = s.DecideReturnWith(ctx, admin, r.ID, ingest.ReturnDecision{Event: ingest.EventApprove}, "")
		must(t, err)
		if r.Rows != 10 {
			t.Fatalf("approved %d rows in scope, want Baotou's 10 of 20", r.Rows)
		}
		got := fetch(bt, r.ID)
		if len(got) != 10 {
			t.Fatalf("Baotou received %d rows, want its own 10", len(got))
		}
		for _, rec := range got {
			if !inBaotou(rec) || !strings.Contains(rec.Values["citizen_id"], "*") || validate.CitizenID(rec.Values["citizen_id"]) == nil || rec.Key != "" {
				t.Fatalf("row outside Baotou or in clear: %+v", rec)
			}
		}
		// paging goes through the same scope
		pg, err := s.PageReturn(ctx, bt, r.ID, 3, 9, "")
		must(t, err)
		if pg.Total != 10 || len(pg.Items) != 1 || !inBaotou(pg.Items[0]) || !strings.Contains(pg.Items[0].Values["citizen_id"], "*") || len(pg.Masked) == 0 {
			t.Fatalf("page: %+v", pg)
		}
		if _, err := s.PageReturn(ctx, officer, r.ID, 10, 0, ""); err == nil {
			t.Fatal("the provider agency paged a return meant for Baotou")
		}

		// filters name the rows; a filter cannot reach outside the region
		if _, err := s.RequestReturn(ctx, bt, ingest.ReturnInput{EntryID: demo.EntryPopulation, Purpose: "x", Filters: map[string]string{"region_code": "150102"}}, ""); !errors.Is(err, apperr.Invalid) {
			t.Fatalf("Baotou asked for Hohhot rows: %v", err)
		}
		// clear values need a justification, and only asked ones can be approved
		in := ingest.ReturnInput{EntryID: demo.EntryPopulation, Purpose: "昆都仑区低保复核", Fields: []string{"citizen_id", "name", "region_code"},
			Filters: map[string]string{"region_code": "150203"}, ClearFields: []string{"citizen_id"}}
		if _, err := s.RequestReturn(ctx, bt, in, ""); !errors.Is(err, apperr.Invalid) {
			t.Fatalf("clear values without a reason: %v", err)
		}
		in.ClearReason = "低保复核须按公民身份号码比对（《最低生活保障审核确认办法》）"
		r2, err := s.RequestReturn(ctx, bt, in, "")
		must(t, err)
		if _, err := s.DecideReturnWith(ctx, admin, r2.ID, ingest.ReturnDecision{Event: ingest.EventApprove, ClearFields: []string{"name"}}, ""); !errors.Is(err, apperr.Invalid) {
			t.Fatalf("approved clear values that were not asked: %v", err)
		}
		r2, err = s.DecideReturnWith(ctx, admin, r2.ID, ingest.ReturnDecision{Event: ingest.EventApprove, ClearFields: []string{"citizen_id"}}, "")
		must(t, err)
		got = fetch(bt, r2.ID)
		if r2.Rows != 5 || len(got) != 5 {
			t.Fatalf("filtered return: %d rows approved, %d fetched; want Kundulun's 5", r2.Rows, len(got))
		}
		for _, rec := range got {
			if rec.Values["region_code"] != "150203" || validate.CitizenID(rec.Values["citizen_id"]) != nil || rec.Key != rec.Values["citizen_id"] ||
				!strings.Contains(rec.Values["name"], "*") {
				t.Fatalf("filtered row: %+v", rec)
			}
		}

		// a county authority can request from the province; it gets its own county's rows only
		r3, err := s.RequestReturn(ctx, county, ingest.ReturnInput{EntryID: demo.EntryPopulation, Purpose: "土右旗人口服务", Fields: []string{"name", "region_code"}}, "")
		must(t, err)
		if r3.ToRegion != demo.RegionCountyB {
			t.Fatalf("county return: %+v", r3)
		}
		r3, err = s.DecideReturnWith(ctx, admin, r3.ID, ingest.ReturnDecision{Event: ingest.EventApprove}, "")
		must(t, err)
		if r3.Rows != 0 || len(fetch(county, r3.ID)) != 0 {
			t.Fatalf("the county received rows of other counties: %d", r3.Rows)
		}
		if _, err := s.PageReturn(ctx, bt, r3.ID, 10, 0, ""); err == nil {
			t.Fatal("Baotou paged the county's return")
		}
	})
}

// TestReturnDeadline: the decision is due 5 working days after the request — across the 2026
// National Day holiday — and the deciding authority is reminded the working day before, then
// both sides are told when it is overdue.
func TestReturnDeadline(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-29 10:00")
		a := testutil.DemoApp(t, d, clock)
		s := a.Ingest
		officer, admin, bt := who(t, a, "officer"), who(t, a, "admin"), who(t, a, "bt_admin")
		_, err := s.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "p.csv", Body: strings.NewReader(popCSV(0, 8))})
		must(t, err)
		r, err := s.RequestReturn(ctx, bt, ingest.ReturnInput{EntryID: demo.EntryPopulation, Purpose: "包头市人口服务", Fields: []string{"name", "region_code"}}, "")
		must(t, err)
		// 9-29, 9-30 (2 days), 10-1…10-8 holiday, 10-9 (3), 10-10 make-up Saturday (4), 10-12 (5)
		if r.DueDate != "2026-10-12" {
			t.Fatalf("due %s, want 2026-10-12 (National Day holiday skipped)", r.DueDate)
		}
		inbox := func(p *authz.Principal, want string) bool {
			msgs, _, err := a.Notify.Inbox(ctx, p, false, 100, 0)
			must(t, err)
			for _, m := range msgs {
				if m.ObjectID == r.ID && strings.Contains(m.TitleZH, want) {
					return true
				}
			}
			return false
		}
		if !inbox(admin, "待审批的数据回流申请") {
			t.Fatal("the deciding authority was not told of the request")
		}
		clock.Set("2026-10-10 09:00")
		n, err := s.RemindReturns(ctx, clock.Now())
		must(t, err)
		if n != 1 || !inbox(admin, "即将到期") {
			t.Fatalf("reminder: %d sent", n)
		}
		if n, _ := s.RemindReturns(ctx, clock.Now()); n != 0 {
			t.Fatalf("reminded twice: %d", n)
		}
		clock.Set("2026-10-13 09:00")
		got, err := s.GetReturn(ctx, bt, r.ID)
		must(t, err)
		if !got.Overdue {
			t.Fatal("not marked overdue")
		}
		n, err = s.RemindReturns(ctx, clock.Now())
		must(t, err)
		if n != 2 || !inbox(admin, "已逾期") || !inbox(bt, "已逾期") {
			t.Fatalf("overdue: %d sent", n)
		}
		if _, err := s.DecideReturn(ctx, admin, r.ID, ingest.EventRefuse, "", ""); !errors.Is(err, apperr.Invalid) {
			t.Fatalf("refused without a reason: %v", err)
		}
	})
}
