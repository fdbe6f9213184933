package openplan_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/openplan"
	"pubdata/internal/testutil"
)

var ctx = context.Background()

func who(t testing.TB, a *app.App, username string) *authz.Principal {
	t.Helper()
	u, err := a.Identity.UserByName(ctx, username)
	if err != nil {
		t.Fatalf("user %s: %v", username, err)
	}
	p, err := a.Identity.Principal(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%v %+v", err, apperr.As(err).Fields)
	}
}

func hasField(err error, field string) bool {
	for _, f := range apperr.As(err).Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

func publish(t *testing.T, a *app.App, name string, ot catalog.OpenType) catalog.Entry {
	t.Helper()
	en := catalog.Entry{Name: name, Summary: name, ProviderOrgID: demo.OrgMarket, Form: catalog.FormTable, ResourceAttr: catalog.AttrSubject,
		Topic: "14", Grade: catalog.GradeGeneral, ShareType: catalog.ShareUnconditional, OpenType: ot, Frequency: catalog.FreqYearly,
		Fields: []catalog.Field{{Name: "code", Label: "编号", Type: catalog.TypeString, Kind: catalog.KindOther, IsKey: true, Required: true, Sensitivity: 1},
			{Name: "company", Label: "企业名称", Type: catalog.TypeString, Kind: catalog.KindText, Sensitivity: 1}}}
	if ot == catalog.OpenNone {
		en.OpenReason, en.OpenBasis = catalog.ReasonPrivacy, "《中华人民共和国个人信息保护法》"
	}
	officer := who(t, a, "market")
	c, err := a.Catalog.Create(ctx, officer, en)
	must(t, err)
	must(t, a.Catalog.Submit(ctx, officer, c.ID))
	must(t, a.Catalog.Approve(ctx, who(t, a, "reviewer"), c.ID, "同意"))
	e, err := a.Catalog.Published(ctx, c.ID)
	must(t, err)
	return e
}

// OPN-1 and OPN-6 on both backends: an agency plans entries for the year, livelihood first;
// progress comes from the catalog, not from what anyone types; a review of an entry not open
// that opens it submits the catalog revision, and once the authority approves it the plan counts
// it as opened; auditors read everything and change nothing.
func TestPlansAndReviews(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-03-02 10:00")
		a := testutil.DirectoryApp(t, d, clock)
		s := a.Plans
		market, auditor, civil := who(t, a, "market"), who(t, a, "auditor"), who(t, a, "civil")
		closed := publish(t, a, "企业联系人信息", catalog.OpenNone)
		opened := publish(t, a, "企业年报公示", catalog.OpenUnconditional)

		if _, err := s.SavePlan(ctx, civil, openplan.PlanInput{OrgID: demo.OrgMarket, Year: 2026, Title: "x"}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("another agency plans for the market agency: %v", err)
		}
		if _, err := s.SavePlan(ctx, auditor, openplan.PlanInput{OrgID: demo.OrgMarket, Year: 2026, Title: "x"}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("an auditor plans: %v", err)
		}
		pl, err := s.SavePlan(ctx, market, openplan.PlanInput{Year: 2026, Title: "市场监管局 2026 年度公共数据开放计划"})
		must(t, err)
		_, err = s.AddItem(ctx, market, pl.ID, openplan.ItemInput{EntryID: closed.ID, Priority: "urgent", TargetOpen: "none", TargetDate: "2027-01-01"})
		for _, f := range []string{"priority", "target_open", "target_date"} {
			if !hasField(err, f) {
				t.Errorf("bad item: no error on %s (%v)", f, err)
			}
		}
		_, err = s.AddItem(ctx, market, pl.ID, openplan.ItemInput{EntryID: closed.ID, Priority: "medium", TargetOpen: "conditional", TargetDate: "2026-02-27"})
		must(t, err)
		pl, err = s.AddItem(ctx, market, pl.ID, openplan.ItemInput{EntryID: opened.ID, Priority: "low", Livelihood: true, TargetOpen: "unconditional", TargetDate: "2026-06-30"})
		must(t, err)
		if pl.Progress != (openplan.Progress{Planned: 2, Opened: 1, Overdue: 1, Percent: 50}) || pl.Items[0].EntryID != opened.ID || !pl.Items[0].Opened || pl.Items[0].OpenedAt == 0 {
			t.Fatalf("progress %+v, first %+v", pl.Progress, pl.Items[0])
		}
		if list, _ := s.Plans(ctx, 2026); len(list) != 1 || list[0].OrgName == "" {
			t.Fatalf("public plan list: %+v", list)
		}

		// Reviews: the auditor reads the entries not open, cannot review.
		nl, err := s.NotOpen(ctx, auditor)
		must(t, err)
		found := false
		for _, n := range nl {
			found = found || n.EntryID == closed.ID
		}
		if !found {
			t.Fatal("the auditor does not see the entry not open")
		}
		if _, err := s.Review(ctx, auditor, openplan.ReviewInput{EntryID: closed.ID, Period: "2026", Outcome: "keep", Reason: "x"}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("an auditor reviews: %v", err)
		}
		if _, err := s.Review(ctx, who(t, a, "water"), openplan.ReviewInput{EntryID: closed.ID}); !errors.Is(err, openplan.ErrNotFound) {
			t.Fatalf("an outsider reviews: %v", err)
		}
		_, err = s.Review(ctx, market, openplan.ReviewInput{EntryID: closed.ID, Period: "2026", Outcome: "conditional"})
		if !hasField(err, "reason") || !hasField(err, "condition") {
			t.Fatalf("review without reason or condition: %v", err)
		}
		rv, err := s.Review(ctx, market, openplan.ReviewInput{EntryID: closed.ID, Period: "2026", Outcome: "keep", Reason: "仍涉及个人信息"})
		must(t, err)
		if rv.Change != "" {
			t.Fatalf("keep made a change: %+v", rv)
		}
		rv, err = s.Review(ctx, market, openplan.ReviewInput{EntryID: closed.ID, Period: "2026", Outcome: "conditional", Reason: "已完成脱敏评估", Condition: "须签署使用协议"})
		must(t, err)
		if rv.Change != "submitted" {
			t.Fatalf("the opening outcome did not submit a catalog revision: %+v", rv)
		}
		// Still not open until the authority approves the revision.
		if e, _ := a.Catalog.Published(ctx, closed.ID); e.OpenType != catalog.OpenNone {
			t.Fatalf("opened before review: %s", e.OpenType)
		}
		must(t, a.Catalog.Approve(ctx, who(t, a, "reviewer"), closed.ID, "同意开放"))
		rvs, err := s.Reviews(ctx, auditor)
		must(t, err)
		if len(rvs) != 2 || rvs[0].Change != "opened" || rvs[0].Outcome != "conditional" {
			t.Fatalf("reviews as the auditor: %+v", rvs)
		}
		pl, err = s.Plan(ctx, pl.ID)
		must(t, err)
		if pl.Progress.Opened != 2 || pl.Progress.Overdue != 0 {
			t.Fatalf("progress after opening: %+v", pl.Progress)
		}
	})
}

// OPN-7 on both backends: anyone files a request for data not yet open; the provider answers
// within working days (late ones are escalated once); requests and answers are public, the
// requester's contact is not. The showcase is moderated by the authority and listed per dataset.
func TestDemandsAndShowcase(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-28 10:00")
		a := testutil.DirectoryApp(t, d, clock)
		s := a.Plans
		closed := publish(t, a, "企业联系人信息", catalog.OpenNone)
		opened := publish(t, a, "企业年报公示", catalog.OpenUnconditional)
		nobody := &authz.Principal{}

		_, err := s.FileDemand(ctx, nobody, openplan.DemandInput{EntryID: "nope"}, "")
		for _, f := range []string{"title", "description", "requester_name", "contact", "entry_id"} {
			if !hasField(err, f) {
				t.Errorf("bad demand: no error on %s", f)
			}
		}
		dm, err := s.FileDemand(ctx, nobody, openplan.DemandInput{Title: "开放企业联系人信息", Description: "用于招商对接", EntryID: closed.ID,
			Name: "某研究所", Contact: "lab@example.com"}, "")
		must(t, err)
		if dm.OrgID != demo.OrgMarket || dm.Due != "2026-10-16" || !strings.HasPrefix(dm.Number, "XQ20260928") {
			t.Fatalf("filed: %+v", dm)
		}
		pub, err := s.Demand(ctx, nobody, dm.Number)
		must(t, err)
		if pub.Contact != "" || pub.RequesterName != "" {
			t.Fatalf("the public sees the requester: %+v", pub)
		}
		if _, err := s.Answer(ctx, who(t, a, "civil"), dm.Number, openplan.AnswerInput{Kind: "cannot", Answer: "x"}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("another agency answers: %v", err)
		}
		if _, err := s.Answer(ctx, who(t, a, "market"), dm.Number, openplan.AnswerInput{Kind: "cannot", Answer: "涉及个人信息"}); !hasField(err, "legal_basis") {
			t.Fatalf("cannot without legal basis: %v", err)
		}
		// Reminded 5 working days before the due day — counted across National Day (1–7 October)
		// and the make-up Saturday (10 October): not on 30 September nor 9 October, once on the 10th.
		s.RemindDays = 5
		for _, at := range []string{"2026-09-30 10:00", "2026-10-05 10:00", "2026-10-09 10:00"} {
			clock.Set(at)
			if n, err := s.RemindDemands(ctx, clock.Now()); err != nil || n != 0 {
				t.Fatalf("reminded at %s: %d %v", at, n, err)
			}
		}
		clock.Set("2026-10-10 09:00")
		if n, err := s.RemindDemands(ctx, clock.Now()); err != nil || n != 1 {
			t.Fatalf("not reminded on the make-up Saturday: %d %v", n, err)
		}
		clock.Set("2026-10-12 09:00")
		if n, _ := s.RemindDemands(ctx, clock.Now()); n != 0 {
			t.Fatal("reminded twice")
		}
		var inbox int
		must(t, a.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE org_id = $1 AND kind = 'reminder' AND object_id = $2", demo.OrgMarket, dm.ID).Scan(&inbox))
		if inbox != 1 {
			t.Fatalf("the provider's inbox holds %d reminders", inbox)
		}
		// Not answered by the due day (16 October, across National Day): escalated once on the 19th.
		clock.Set("2026-10-16 18:00")
		if n, _ := s.EscalateDemands(ctx, clock.Now()); n != 0 {
			t.Fatal("escalated on the due day")
		}
		clock.Set("2026-10-19 09:00")
		if n, _ := s.EscalateDemands(ctx, clock.Now()); n != 1 {
			t.Fatal("not escalated after the due day")
		}
		if n, _ := s.EscalateDemands(ctx, clock.Now()); n != 0 {
			t.Fatal("escalated twice")
		}
		_, err = s.Answer(ctx, who(t, a, "market"), dm.Number, openplan.AnswerInput{Kind: "will_open", Answer: "已列入 2026 年开放计划，第四季度开放"})
		must(t, err)
		list, err := s.Demands(ctx, nobody, "", 10, 0)
		must(t, err)
		if len(list) != 1 || list[0].State != "answered" || list[0].Answer == "" || list[0].Contact != "" {
			t.Fatalf("public list: %+v", list)
		}

		// Showcase: only open datasets; moderated; listed on the dataset.
		_, err = s.SubmitShowcase(ctx, nobody, openplan.ShowcaseInput{Title: "t", Kind: "app", Description: "d", Name: "n", Contact: "c",
			Datasets: []string{closed.ID}, URL: "javascript:alert(1)"}, "")
		if !hasField(err, "datasets") || !hasField(err, "url") {
			t.Fatalf("showcase on data not open or with a script link: %v", err)
		}
		sc, err := s.SubmitShowcase(ctx, nobody, openplan.ShowcaseInput{Title: "企业年报查询小程序", Kind: "app", Description: "按地区查询企业年报公示",
			Name: "某开发者", Contact: "dev@example.com", Datasets: []string{opened.ID}, URL: "https://example.com/app"}, "")
		must(t, err)
		if got, _ := s.Published(ctx, opened.ID); len(got) != 0 {
			t.Fatal("shown before moderation")
		}
		if err := s.Moderate(ctx, who(t, a, "market"), sc.ID, true, ""); !errors.Is(err, openplan.ErrNotFound) {
			t.Fatalf("an agency moderates: %v", err)
		}
		must(t, s.Moderate(ctx, who(t, a, "admin"), sc.ID, true, ""))
		got, err := s.Published(ctx, opened.ID)
		must(t, err)
		if len(got) != 1 || got[0].Contact != "" || got[0].Datasets[0].Title != opened.Name {
			t.Fatalf("published on the dataset: %+v", got)
		}
	})
}
