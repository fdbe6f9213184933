package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/server"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
)

// Grants over time on the grant page: the consumer asks for a renewal, the provider approves it
// (narrower than asked) and the page shows the new end date; a scheduled use report is
// submitted from the page and questioned by the provider, with the reason shown.
func TestGrantPageRenewalAndUseReports(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-07-01 10:00")
		a := testutil.DemoApp(t, d, clock)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		civil, approver := s.login("civil"), s.login("approver")
		pc, err := a.Identity.UserByName(t.Context(), "civil")
		if err != nil {
			t.Fatal(err)
		}
		pcp, _ := a.Identity.Principal(t.Context(), pc)
		pa, _ := a.Identity.UserByName(t.Context(), "approver")
		pap, _ := a.Identity.Principal(t.Context(), pa)
		r, err := a.Share.File(t.Context(), pcp, share.NewRequest{EntryID: demo.EntryPopulation, Fields: []string{"citizen_id", "name", "address"},
			Scenario: "低保复核（授权页续期）", Purpose: "核对低保申请人户籍信息", LegalBasis: "《社会救助暂行办法》第十一条", Mode: share.ModeAPI, EndDate: "2027-06-30",
			Authenticity: true, Compliance: true, Security: true})
		if err != nil {
			t.Fatal(err)
		}
		if r, err = a.Share.Approve(t.Context(), pap, r.ID, share.Approval{ReportEveryMonths: 3}); err != nil {
			t.Fatal(err)
		}
		g := r.GrantID
		if err := a.Share.UseReportDeadlines(t.Context()); err != nil {
			t.Fatal(err)
		}
		page := s.get("/share/grants/"+g, civil).Body.String()
		for _, want := range []string{`id="renewal-form"`, `id="report-schedule"`, "2026-07-01 — 2026-09-30", "待提交", "评价周期：每"} {
			if !strings.Contains(page, want) {
				t.Fatalf("the consumer's grant page lacks %q", want)
			}
		}
		// A renewal not later than the current end date is refused on the page, naming it.
		w := s.postForm("/share/grants/"+g+"/renewals", civil, url.Values{"end_date": {"2027-06-30"}, "fields": {"citizen_id", "name"}, "reason": {"继续复核"}})
		if w.Code == http.StatusSeeOther || !strings.Contains(w.Body.String(), "续期的截止日期须晚于") {
			t.Fatalf("early renewal: %d", w.Code)
		}
		w = s.postForm("/share/grants/"+g+"/renewals", civil, url.Values{"end_date": {"2027-09-30"}, "fields": {"citizen_id", "name"}, "reason": {"低保对象年度复核继续进行"}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("renewal: %d %s", w.Code, w.Body.String())
		}
		ns, err := a.Share.Renewals(t.Context(), pcp, g)
		if err != nil || len(ns) != 1 {
			t.Fatalf("renewals %v %v", ns, err)
		}
		page = s.get("/share/grants/"+g, approver).Body.String()
		if !strings.Contains(page, "续期待审批") || !strings.Contains(page, `id="renewal-approve"`) {
			t.Fatal("the provider's page offers no decision")
		}
		w = s.postForm("/share/renewals/"+ns[0].ID+"/approve", approver, url.Values{"end_date": {"2027-08-31"}, "note": {"按年度复核周期"}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("approve: %d", w.Code)
		}
		page = s.get("/share/grants/"+g, civil).Body.String()
		if !strings.Contains(page, `<dd id="grant-end">2027-08-31</dd>`) || !strings.Contains(page, "已同意续期") {
			t.Fatal("the grant page does not show the renewal")
		}

		// The period's report, from the page; the provider questions it.
		clock.Set("2026-10-14 10:00")
		civil, approver = s.login("civil"), s.login("approver") // the sessions of July have lapsed
		sched, err := a.Share.ScheduledReports(t.Context(), pcp, g)
		if err != nil || len(sched) == 0 {
			t.Fatalf("schedule %v %v", sched, err)
		}
		id := sched[len(sched)-1].ID
		w = s.postForm("/share/use-reports/"+id+"/submit", civil, url.Values{"use": {"核对 1200 人次"}, "effect": {"停发 35 户"}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("submit: %d", w.Code)
		}
		w = s.postForm("/share/use-reports/"+id+"/answer", approver, url.Values{"answer": {"question"}, "reason": {"请说明停发涉及的地区"}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("answer: %d", w.Code)
		}
		page = s.get("/share/grants/"+g, civil).Body.String()
		if !strings.Contains(page, "提供部门有疑问，待补充 · 请说明停发涉及的地区") {
			t.Fatal("the questioned report is not shown")
		}
	})
}
