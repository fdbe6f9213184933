package catalog_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/testutil"
	"pubdata/internal/workday"
)

func TestInformationSystems(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		civil, market, reviewer := who(t, a, "civil"), who(t, a, "market"), who(t, a, "reviewer")
		sys, err := a.Catalog.SaveSystem(ctx, civil, catalog.System{Name: "婚姻登记管理信息系统", Stage: catalog.StageBuilding, FinanceFunded: true})
		if got := fieldsOf(err); !slices.Equal(got, []string{"project_code"}) {
			t.Fatalf("finance-funded without project code: %v", err)
		}
		sys, err = a.Catalog.SaveSystem(ctx, civil, catalog.System{Name: "婚姻登记管理信息系统", Stage: catalog.StageBuilding, FinanceFunded: true, ProjectCode: "NM-2026-017"})
		mustNoErr(t, err)
		codes := func(s catalog.System) []string {
			var out []string
			for _, w := range s.Issues {
				out = append(out, w.Code)
			}
			return out
		}
		if sys.Acceptable || !slices.Contains(codes(sys), "catalog.system_not_cataloged") {
			t.Fatalf("uncataloged finance-funded system acceptable: %+v", sys.Issues)
		}
		// Linking another agency's entry is refused.
		sys.EntryIDs = []string{demo.EntryEnterprise}
		if _, err := a.Catalog.SaveSystem(ctx, civil, sys); apperr.As(err).Code != "invalid" {
			t.Fatalf("linking another agency's entry: %v", err)
		}
		sys.EntryIDs = []string{demo.EntryMarriage, demo.EntryReviewCharity}
		sys, err = a.Catalog.SaveSystem(ctx, civil, sys)
		mustNoErr(t, err)
		if c := codes(sys); !slices.Contains(c, "catalog.system_entry_unpublished") || !slices.Contains(c, "catalog.system_doc_missing") {
			t.Fatalf("issues %v", c)
		}
		for _, k := range []string{catalog.DocDesign, catalog.DocDataStructure} {
			_, err := a.Catalog.AttachDoc(ctx, civil, sys.ID, k, "../../"+k+".pdf", "application/pdf", []byte("%PDF-1.4 "+k))
			mustNoErr(t, err)
		}
		mustNoErr(t, a.Catalog.Approve(ctx, reviewer, demo.EntryReviewCharity, ""))
		sys, err = a.Catalog.System(ctx, civil, sys.ID)
		mustNoErr(t, err)
		// Cataloged and published, but no data aggregated: still not acceptable (CAT-10).
		if sys.Acceptable || !slices.Contains(codes(sys), "catalog.system_check") || !strings.Contains(sys.Issues[len(sys.Issues)-1].ZH, "尚未归集数据") {
			t.Fatalf("without aggregated data: acceptable=%v issues=%+v", sys.Acceptable, sys.Issues)
		}
		sys.EntryIDs = []string{demo.EntryDibao}
		sys, err = a.Catalog.SaveSystem(ctx, civil, sys)
		mustNoErr(t, err)
		if sys.Acceptable {
			t.Fatal("acceptable before its entry holds data")
		}
		// The acceptance step refuses it, naming why, and records nothing.
		if _, err := a.Catalog.AcceptSystem(ctx, reviewer, sys.ID, "验收"); apperr.As(err).Code != "catalog.system_not_acceptable" || !strings.Contains(fmt.Sprint(apperr.As(err).Fields), "尚未归集数据") {
			t.Fatalf("accepted a system whose data is not aggregated: %v", err)
		}
		if _, err := a.Catalog.AcceptSystem(ctx, civil, sys.ID, "自己验收"); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the agency accepted its own system: %v", err)
		}
		_, err = a.Ingest.Load(ctx, civil, ingest.LoadRequest{EntryID: demo.EntryDibao, Channel: ingest.ChannelFile, Format: ingest.FormatCSV, FileName: "dibao.csv",
			Body: strings.NewReader("citizen_id,name,area_type,allowance,approve_date\n150102194001146239,居民甲,城市,600.00,2026-01-15\n")})
		mustNoErr(t, err)
		sys, err = a.Catalog.System(ctx, civil, sys.ID)
		mustNoErr(t, err)
		if !sys.Acceptable || len(sys.Docs) != 2 || sys.Docs[0].Filename != "design.pdf" {
			t.Fatalf("after cataloging: acceptable=%v issues=%v docs=%+v", sys.Acceptable, sys.Issues, sys.Docs)
		}
		// The aggregation capability's hook can still hold acceptance back.
		a.Catalog.AcceptanceChecks = append(a.Catalog.AcceptanceChecks, func(ctx context.Context, s catalog.System) (bool, string, string, error) {
			return false, "数据尚未汇聚", "data not aggregated yet", nil
		})
		sys, _ = a.Catalog.System(ctx, civil, sys.ID)
		if sys.Acceptable {
			t.Fatal("acceptance check ignored")
		}
		a.Catalog.AcceptanceChecks = nil
		acc, err := a.Catalog.AcceptSystem(ctx, reviewer, sys.ID, "经验收，数据已编目并归集")
		mustNoErr(t, err)
		if !acc.Accepted || acc.AcceptedBy == "" || acc.AcceptedAt == 0 {
			t.Fatalf("acceptance not recorded: %+v", acc)
		}
		if _, err := a.Catalog.AcceptSystem(ctx, reviewer, sys.ID, ""); apperr.As(err).Code != "catalog.system_accepted" {
			t.Fatalf("accepted twice: %v", err)
		}
		// Documents are served from the database, to the agency and the authority, not to others.
		doc, data, err := a.Catalog.Doc(ctx, reviewer, sys.Docs[1].ID)
		mustNoErr(t, err)
		if string(data) != "%PDF-1.4 data_structure" || doc.Kind != catalog.DocDataStructure {
			t.Fatalf("doc %+v %q", doc, data)
		}
		if _, _, err := a.Catalog.Doc(ctx, market, sys.Docs[1].ID); !errors.Is(err, apperr.Hidden) { // as if there were none
			t.Fatalf("another agency downloads: %v", err)
		}
		if _, err := a.Catalog.AttachDoc(ctx, market, sys.ID, catalog.DocOther, "x.txt", "", []byte("x")); err == nil {
			t.Fatal("another agency attached a document")
		}
		// A system not paid by public finance has no acceptance conditions.
		own, err := a.Catalog.SaveSystem(ctx, market, catalog.System{Name: "自建OA", Stage: catalog.StageBuilt})
		mustNoErr(t, err)
		if !own.Acceptable {
			t.Fatalf("self-funded system flagged: %+v", own.Issues)
		}
		list, _ := a.Catalog.Systems(ctx, market, "")
		if len(list) != 1 {
			t.Fatalf("market sees %d systems", len(list))
		}
		list, _ = a.Catalog.Systems(ctx, reviewer, "")
		if len(list) != 2 {
			t.Fatalf("authority sees %d systems", len(list))
		}
	})
}

func TestPurchasedData(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		market, reviewer, civil := who(t, a, "market"), who(t, a, "reviewer"), who(t, a, "civil")
		pu, err := a.Catalog.RequestPurchase(ctx, market, catalog.Purchase{Name: "企业舆情数据", Supplier: "某数据服务公司"})
		if got := fieldsOf(err); !slices.Equal(got, []string{"purpose"}) {
			t.Fatalf("without purpose: %v", err)
		}
		pu, err = a.Catalog.RequestPurchase(ctx, market, catalog.Purchase{Name: "企业舆情数据", Supplier: "某数据服务公司", Purpose: "信用监管", Amount: "12 万元"})
		mustNoErr(t, err)
		if err := a.Catalog.DecidePurchase(ctx, market, pu.ID, true, ""); apperr.As(err).Code != "forbidden" {
			t.Fatalf("agency approves its own purchase: %v", err)
		}
		if err := a.Catalog.DecidePurchase(ctx, reviewer, pu.ID, false, ""); apperr.As(err).Code != "invalid" {
			t.Fatalf("refusal without reasons: %v", err)
		}
		mustNoErr(t, a.Catalog.DecidePurchase(ctx, reviewer, pu.ID, true, "同意，采购后须编目共享"))
		if err := a.Catalog.DecidePurchase(ctx, reviewer, pu.ID, false, "重复"); apperr.As(err).Code != "catalog.invalid_state" {
			t.Fatalf("second decision: %v", err)
		}
		mustNoErr(t, a.Catalog.LinkPurchase(ctx, market, pu.ID, demo.EntryFoodLicense))
		l, _ := a.Catalog.Purchases(ctx, market)
		if len(l) != 1 || l[0].Status != catalog.PurchaseApproved || l[0].EntryID != demo.EntryFoodLicense {
			t.Fatalf("purchases %+v", l)
		}
		if l, _ := a.Catalog.Purchases(ctx, civil); len(l) != 0 {
			t.Fatal("another agency sees the purchase")
		}
	})
}

func TestReassessment(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-30 10:00")
		a := testutil.DemoApp(t, d, clock)
		civil, hrss := who(t, a, "civil"), who(t, a, "hrss")
		n, err := a.Catalog.RunReassessment(ctx, clock.Now())
		mustNoErr(t, err)
		if n != 0 {
			t.Fatalf("%d re-assessments right after publication", n)
		}
		clock.Set("2027-09-30 10:00")
		n, err = a.Catalog.RunReassessment(ctx, clock.Now())
		mustNoErr(t, err)
		var restricted int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM catalog_entries WHERE live = 1 AND (share_type IN ('conditional','none') OR open_type IN ('conditional','none'))`).Scan(&restricted)
		if n != restricted || n == 0 {
			t.Fatalf("opened %d, restricted entries %d", n, restricted)
		}
		if n2, _ := a.Catalog.RunReassessment(ctx, clock.Now()); n2 != 0 {
			t.Fatalf("second run opened %d", n2)
		}
		mine, err := a.Catalog.Reassessments(ctx, civil, true)
		mustNoErr(t, err)
		if len(mine) == 0 {
			t.Fatal("civil affairs has nothing to re-assess")
		}
		for _, r := range mine {
			if r.OrgID != demo.OrgCivil {
				t.Fatalf("civil sees %s's re-assessment", r.OrgName)
			}
		}
		var social catalog.Reassessment
		for _, r := range mine {
			if r.EntryID == demo.EntrySocialOrg {
				t.Fatal("an unconditionally shared and open entry is re-assessed")
			}
			if r.EntryID == demo.EntryMarriage {
				social = r
			}
		}
		if err := a.Catalog.RecordReassessment(ctx, civil, social.ID, catalog.OutcomeKeep, ""); apperr.As(err).Code != "invalid" {
			t.Fatalf("keep without reason: %v", err)
		}
		if err := a.Catalog.RecordReassessment(ctx, hrss, social.ID, catalog.OutcomeKeep, "仍属敏感信息"); !errors.Is(err, apperr.Hidden) { // it may not see it
			t.Fatalf("another agency decides: %v", err)
		}
		mustNoErr(t, a.Catalog.RecordReassessment(ctx, civil, social.ID, catalog.OutcomeKeep, "婚姻信息仍属敏感个人信息"))
		after, _ := a.Catalog.Reassessments(ctx, civil, false)
		for _, r := range after {
			if r.ID == social.ID && (r.Outcome != catalog.OutcomeKeep || r.DecidedBy == "") {
				t.Fatalf("outcome not recorded: %+v", r)
			}
		}
		// The next assessment counts from the decision: not due again the same year.
		e, _ := a.Catalog.Get(ctx, demo.EntryMarriage)
		if int64(e.Review.AssessedAt) != clock.Now().UnixMilli() {
			t.Fatalf("assessed_at %d", e.Review.AssessedAt)
		}
		hist, _ := a.Catalog.History(ctx, demo.EntryMarriage)
		if hist[len(hist)-1].Event != "reassess" {
			t.Fatalf("history %+v", hist[len(hist)-1])
		}
		// An outcome that requires a change opens the revision with its 15-working-day deadline
		// (NM 11), reminded and escalated like an update after a legal change.
		var other catalog.Reassessment
		for _, r := range mine {
			if r.ID != social.ID {
				other = r
			}
		}
		if other.ID == "" {
			t.Fatal("civil affairs has only one re-assessment")
		}
		mustNoErr(t, a.Catalog.RecordReassessment(ctx, civil, other.ID, catalog.OutcomeRelax, "已无需限制，改为无条件共享"))
		oe, _ := a.Catalog.Get(ctx, other.EntryID)
		if want := workday.Format(a.Calendar.AddWorkdays(clock.Now(), 15)); oe.Review.UpdateDue != want {
			t.Fatalf("revision due %q after a relax outcome, want %s", oe.Review.UpdateDue, want)
		}
		due, _ := workday.Parse(oe.Review.UpdateDue)
		clock.Set(workday.Format(due.AddDate(0, 0, 1)) + " 10:00")
		run, err := a.Catalog.RunDeadlines(ctx, clock.Now())
		mustNoErr(t, err)
		if run.Escalations == 0 {
			t.Fatalf("an overdue revision after re-assessment was not escalated: %+v", run)
		}
	})
}

func TestVersionDiffAndRollup(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		water, admin, bt := who(t, a, "water"), who(t, a, "admin"), who(t, a, "bt_admin")
		e, _ := a.Catalog.Get(ctx, demo.EntryWater)
		e.Fields = append(e.Fields[:3], e.Fields[4:]...) // drop phone
		e.Fields[0].Label = "供水户号（10位）"
		e.Fields = append(e.Fields, catalog.Field{Name: "meter_no", Label: "水表编号", Kind: catalog.KindOther, Sensitivity: 1})
		e.Frequency = catalog.FreqRealtime
		_, err := a.Catalog.Update(ctx, water, e)
		mustNoErr(t, err)
		// The working copy can be compared with v1 by the agency, not by the public.
		cmp, err := a.Catalog.Compare(ctx, water, demo.EntryWater, 1, 0)
		mustNoErr(t, err)
		want := map[string]string{"update_frequency": "changed", "fields.account_no.label": "changed", "fields.meter_no": "added", "fields.phone": "removed"}
		if len(cmp.Changes) != len(want) {
			t.Fatalf("changes %+v", cmp.Changes)
		}
		for _, c := range cmp.Changes {
			if want[c.Path] != c.Kind {
				t.Fatalf("change %+v", c)
			}
		}
		if _, err := a.Catalog.Compare(ctx, who(t, a, "citizen"), demo.EntryWater, 1, 0); apperr.As(err).Code != "forbidden" {
			t.Fatalf("public compares the working copy: %v", err)
		}
		mustNoErr(t, a.Catalog.Submit(ctx, water, e.ID))
		// The city authority (Baotou) reviews its own region's entries.
		mustNoErr(t, a.Catalog.Approve(ctx, bt, e.ID, "同意"))
		cmp, err = a.Catalog.Compare(ctx, who(t, a, "citizen"), demo.EntryWater, 1, 2)
		mustNoErr(t, err)
		if len(cmp.Changes) != 4 || cmp.New.Version != 2 {
			t.Fatalf("v1→v2 %d changes, v%d", len(cmp.Changes), cmp.New.Version)
		}
		// Roll-up: the province row includes Baotou's entries; Baotou's row includes its counties'.
		rows, err := a.Catalog.Rollup(ctx, admin, "")
		mustNoErr(t, err)
		if rows[0].RegionCode != demo.RegionProvince {
			t.Fatalf("first row %s", rows[0].RegionCode)
		}
		var prov, city int
		for _, r := range rows {
			switch r.RegionCode {
			case demo.RegionProvince:
				prov = r.Published
			case demo.RegionCityB:
				city = r.Published
			}
		}
		var total, inB int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM catalog_entries WHERE live = 1").Scan(&total)
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM catalog_entries WHERE live = 1 AND region_code LIKE '1502%'").Scan(&inB)
		if prov != total || city != inB || city == 0 {
			t.Fatalf("rollup province %d/%d, Baotou %d/%d", prov, total, city, inB)
		}
	})
}
