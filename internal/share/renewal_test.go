package share_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
	"pubdata/internal/workday"
)

// A renewal approved by the provider moves the grant's end date and its credentials' validity;
// it can only narrow the grant, and the approval only narrows the renewal (the one rule).
func TestRenewalExtendsGrantAndCredentials(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-21 10:00")
		a := testutil.DemoApp(t, d, clock)
		civil, approver := who(t, a, "civil"), who(t, a, "approver")
		in := popRequest("低保复核（续期）")
		in.EndDate = "2026-10-30"
		r, err := a.Share.File(ctx, civil, in)
		must(t, err)
		r, err = a.Share.Approve(ctx, approver, r.ID, share.Approval{})
		must(t, err)
		secret, cred, err := a.Share.IssueCredential(ctx, civil, r.GrantID)
		must(t, err)
		if got := cred.ExpiresAt.In(workday.Location).Format("2006-01-02 15:04"); got != "2026-10-31 00:00" {
			t.Fatalf("credential valid until %s", got)
		}
		// The ending reminder points to renewal.
		clock.Set("2026-10-16 10:00")
		must(t, a.Share.RemindEnding(ctx))
		if n := titled(inbox(t, a, civil), "共享授权即将到期", r.GrantID); n != 1 {
			t.Fatalf("ending reminders: %d", n)
		}
		for _, m := range inbox(t, a, civil) {
			if strings.HasPrefix(m.TitleZH, "共享授权即将到期") && m.ObjectID == r.GrantID && !strings.Contains(m.BodyZH, "申请续期") {
				t.Fatalf("reminder does not mention renewal: %q", m.BodyZH)
			}
		}

		// Never wider than the grant: another field, clear values not granted, a wider mode, an
		// end date not after the current one — each named.
		_, err = a.Share.RequestRenewal(ctx, civil, r.GrantID, share.NewRenewal{EndDate: "2027-06-30", Fields: []string{"citizen_id", "name", "phone"}, Reason: "继续复核"})
		wantFields(t, err, "fields")
		_, err = a.Share.RequestRenewal(ctx, civil, r.GrantID, share.NewRenewal{EndDate: "2027-06-30", Fields: []string{"citizen_id", "name", "address"},
			ClearFields: []string{"name", "address"}, Reason: "继续复核"})
		wantFields(t, err, "clear_fields")
		_, err = a.Share.RequestRenewal(ctx, civil, r.GrantID, share.NewRenewal{EndDate: "2027-06-30", Mode: share.ModeTable, Reason: "继续复核"})
		wantFields(t, err, "mode")
		_, err = a.Share.RequestRenewal(ctx, civil, r.GrantID, share.NewRenewal{EndDate: "2026-10-30", Reason: "继续复核"})
		wantFields(t, err, "end_date")
		_, err = a.Share.RequestRenewal(ctx, civil, r.GrantID, share.NewRenewal{EndDate: "2027-06-30"})
		wantFields(t, err, "reason")
		// The provider does not ask for the consumer.
		if _, err := a.Share.RequestRenewal(ctx, approver, r.GrantID, share.NewRenewal{EndDate: "2027-06-30", Reason: "x"}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("provider asking for a renewal: %v", err)
		}

		n, err := a.Share.RequestRenewal(ctx, civil, r.GrantID, share.NewRenewal{EndDate: "2027-06-30", Fields: []string{"citizen_id", "name"}, ClearFields: []string{"name"}, Reason: "低保对象年度复核继续进行"})
		must(t, err)
		if n.State != share.RenewalPending || n.DueDate != "2026-10-23" || n.OldEndDate != "2026-10-30" {
			t.Fatalf("renewal %+v", n)
		}
		if _, err := a.Share.RequestRenewal(ctx, civil, r.GrantID, share.NewRenewal{EndDate: "2027-03-31", Reason: "again"}); !errors.Is(err, share.ErrRenewalPending) {
			t.Fatalf("a second pending renewal: %v", err)
		}
		if titled(inbox(t, a, approver), "续期申请待审批", r.GrantID) != 1 {
			t.Fatal("the provider was not told")
		}
		// The consumer does not decide; the approval cannot go past the asked date nor add a field.
		if _, err := a.Share.ApproveRenewal(ctx, civil, n.ID, share.RenewalApproval{}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("consumer approving: %v", err)
		}
		_, err = a.Share.ApproveRenewal(ctx, approver, n.ID, share.RenewalApproval{EndDate: "2027-12-31"})
		wantFields(t, err, "end_date")
		_, err = a.Share.ApproveRenewal(ctx, approver, n.ID, share.RenewalApproval{Fields: []string{"citizen_id", "address"}})
		wantFields(t, err, "fields")
		n, err = a.Share.ApproveRenewal(ctx, approver, n.ID, share.RenewalApproval{EndDate: "2027-03-31", Note: "按年度复核周期"})
		must(t, err)
		if n.State != share.RenewalApproved || n.GrantedEnd != "2027-03-31" || !slices.Equal(n.GrantedFields, []string{"citizen_id", "name"}) {
			t.Fatalf("approved renewal %+v", n)
		}
		g, err := a.Share.GetGrant(ctx, civil, r.GrantID)
		must(t, err)
		if g.EndDate != "2027-03-31" || !slices.Equal(g.Fields, []string{"citizen_id", "name"}) || g.Status != share.GrantActive {
			t.Fatalf("renewed grant %+v", g)
		}
		req, err := a.Share.Get(ctx, civil, r.ID)
		must(t, err)
		if req.EndDate != "2027-03-31" {
			t.Fatalf("request end %s", req.EndDate)
		}
		creds, err := a.Share.Credentials(ctx, civil, r.GrantID)
		must(t, err)
		if got := creds[0].ExpiresAt.In(workday.Location).Format("2006-01-02 15:04"); got != "2027-04-01 00:00" {
			t.Fatalf("credential now valid until %s", got)
		}
		if titled(inbox(t, a, civil), "续期已同意", r.GrantID) != 1 {
			t.Fatal("the consumer was not told")
		}
		// After the old end date the grant is not expired and the old credential still works.
		clock.Set("2026-11-16 10:00")
		must(t, a.Share.ExpireDue(ctx))
		if g, _ = a.Share.GetGrant(ctx, civil, r.GrantID); g.Status != share.GrantActive {
			t.Fatalf("renewed grant expired: %s", g.Status)
		}
		if _, err := a.Identity.TokenPrincipal(ctx, secret); err != nil {
			t.Fatalf("credential after the old end date: %v", err)
		}
		hist, err := a.Share.History(ctx, civil, r.ID)
		must(t, err)
		var evs []string
		for _, e := range hist {
			evs = append(evs, e.Event)
		}
		if !slices.Contains(evs, "renew") || !slices.Contains(evs, "renew_approve") {
			t.Fatalf("history %v", evs)
		}
		recs, _, err := a.Audit.Search(ctx, audit.Filter{Action: "share.renewal.", Limit: 10})
		must(t, err)
		if len(recs) != 2 {
			t.Fatalf("renewal audit records: %d", len(recs))
		}
	})
}

// A renewal the provider does not decide in time is reminded and escalated like a request; a
// refusal needs a reason and a legal basis and leaves the grant to end on its date.
func TestRenewalDeadlineEscalatesAndRefusal(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-21 10:00")
		a := testutil.DemoApp(t, d, clock)
		civil, approver, admin := who(t, a, "civil"), who(t, a, "approver"), who(t, a, "admin")
		in := popRequest("低保复核（续期督办）")
		in.EndDate = "2026-10-30"
		r, err := a.Share.File(ctx, civil, in)
		must(t, err)
		r, err = a.Share.Approve(ctx, approver, r.ID, share.Approval{})
		must(t, err)
		clock.Set("2026-09-30 10:00")
		n, err := a.Share.RequestRenewal(ctx, civil, r.GrantID, share.NewRenewal{EndDate: "2027-06-30", Reason: "继续复核"})
		must(t, err)
		if n.DueDate != "2026-10-13" {
			t.Fatalf("renewal due %s; want 2026-10-13 (after National Day)", n.DueDate)
		}
		clock.Set("2026-10-12 10:00")
		must(t, a.Share.Deadlines(ctx))
		if titled(inbox(t, a, approver), "续期审批期限提醒", n.ID) != 1 {
			t.Fatal("no reminder to the provider")
		}
		clock.Set("2026-10-14 10:00")
		must(t, a.Share.Deadlines(ctx))
		must(t, a.Share.Deadlines(ctx))
		if c := titled(inbox(t, a, admin), "逾期督办", n.ID); c != 1 {
			t.Fatalf("authority told %d times", c)
		}
		es, _, err := a.Share.ListEscalations(ctx, admin, "region", 50, 0)
		must(t, err)
		e := escOf(t, es, n.ID)
		if e.SubjectType != "share_renewal" || e.Link != "/share/renewals/"+n.ID || !strings.Contains(e.Cause, "续期审批逾期 1 个工作日") {
			t.Fatalf("escalation %+v", e)
		}
		board, err := a.Share.Overdue(ctx, admin)
		must(t, err)
		if it, ok := onBoard(board, n.ID); !ok || it.Type != "share_renewal" || it.DueKind != "renew" || it.WorkdaysLate != 1 {
			t.Fatalf("board item %+v %v", it, ok)
		}
		_, err = a.Share.RefuseRenewal(ctx, approver, n.ID, share.Refusal{Reason: "用途已完成"})
		wantFields(t, err, "legal_basis")
		n, err = a.Share.RefuseRenewal(ctx, approver, n.ID, share.Refusal{Reason: "复核工作已完成", LegalBasis: "《数据安全法》第三十八条"})
		must(t, err)
		if n.State != share.RenewalRefused || n.DueDate != "" {
			t.Fatalf("refused renewal %+v", n)
		}
		if titled(inbox(t, a, civil), "续期未获同意", r.GrantID) != 1 {
			t.Fatal("the consumer was not told")
		}
		// The escalation settles once the provider acted.
		must(t, a.Share.Deadlines(ctx))
		e, err = a.Share.GetEscalation(ctx, admin, e.ID)
		must(t, err)
		if e.State != share.EscSettled {
			t.Fatalf("escalation %s after the decision", e.State)
		}
		if g, _ := a.Share.GetGrant(ctx, civil, r.GrantID); g.EndDate != "2026-10-30" {
			t.Fatalf("refused renewal moved the end date to %s", g.EndDate)
		}
		if _, err := a.Share.ApproveRenewal(ctx, approver, n.ID, share.RenewalApproval{}); !errors.Is(err, share.ErrState) {
			t.Fatalf("approving a refused renewal: %v", err)
		}
	})
}

// The use-report cycle: periods open on the schedule set at approval; the consumer is reminded
// once before the due date, submits, the provider questions (with a reason) and then accepts.
func TestUseReportCycle(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-07-01 10:00")
		a := testutil.DemoApp(t, d, clock)
		civil, approver := who(t, a, "civil"), who(t, a, "approver")
		r, err := a.Share.File(ctx, civil, popRequest("低保复核（使用评价）"))
		must(t, err)
		_, err = a.Share.Approve(ctx, approver, r.ID, share.Approval{ReportEveryMonths: 2})
		wantFields(t, err, "report_every_months")
		r, err = a.Share.Approve(ctx, approver, r.ID, share.Approval{ReportEveryMonths: 3})
		must(t, err)
		g, err := a.Share.GetGrant(ctx, civil, r.GrantID)
		must(t, err)
		if g.ReportEveryMonths != 3 {
			t.Fatalf("report cycle %d", g.ReportEveryMonths)
		}
		must(t, a.Share.UseReportDeadlines(ctx))
		must(t, a.Share.UseReportDeadlines(ctx))
		sched, err := a.Share.ScheduledReports(ctx, civil, r.GrantID)
		must(t, err)
		if len(sched) != 1 || sched[0].PeriodFrom != "2026-07-01" || sched[0].PeriodTo != "2026-09-30" || sched[0].DueDate != "2026-10-20" || sched[0].State != share.ReportDue {
			t.Fatalf("schedule %+v", sched)
		}
		id := sched[0].ID
		body := share.NewReport{Use: "核对低保申请人户籍 1200 人次", Effect: "发现 35 户户籍迁出，及时停发"}
		clock.Set("2026-09-29 10:00")
		if _, err := a.Share.SubmitScheduled(ctx, civil, id, body); !errors.Is(err, share.ErrReportNotEnded) {
			t.Fatalf("submitting before the period ended: %v", err)
		}
		reminders := func() int { return titled(inbox(t, a, civil), "使用评价待提交", id) }
		clock.Set("2026-10-12 10:00") // 6 working days left
		must(t, a.Share.UseReportDeadlines(ctx))
		if reminders() != 0 {
			t.Fatal("reminded too early")
		}
		clock.Set("2026-10-13 10:00") // 5 working days left
		must(t, a.Share.UseReportDeadlines(ctx))
		must(t, a.Share.UseReportDeadlines(ctx))
		if reminders() != 1 {
			t.Fatalf("reminders: %d", reminders())
		}
		if x := schedOf(t, a.Share, civil, r.GrantID, id); x.State != share.ReportReminded || x.Remaining != 5 {
			t.Fatalf("after the reminder %+v", x)
		}
		clock.Set("2026-10-14 10:00")
		if _, err := a.Share.SubmitScheduled(ctx, approver, id, body); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("provider submitting: %v", err)
		}
		_, err = a.Share.SubmitScheduled(ctx, civil, id, share.NewReport{Use: "x"})
		wantFields(t, err, "effect")
		rep, err := a.Share.SubmitScheduled(ctx, civil, id, body)
		must(t, err)
		if rep.PeriodFrom != "2026-07-01" || rep.PeriodTo != "2026-09-30" {
			t.Fatalf("report %+v", rep)
		}
		if x := schedOf(t, a.Share, approver, r.GrantID, id); x.State != share.ReportSubmitted || x.Report == nil || x.Report.ID != rep.ID {
			t.Fatalf("submitted %+v", x)
		}
		if titled(inbox(t, a, approver), "收到共享数据使用评价", r.GrantID) != 1 {
			t.Fatal("the provider was not told")
		}
		if _, err := a.Share.SubmitScheduled(ctx, civil, id, body); !errors.Is(err, share.ErrState) {
			t.Fatalf("submitting twice: %v", err)
		}
		// The consumer does not answer its own report; a question needs a reason.
		if _, err := a.Share.AnswerScheduled(ctx, civil, id, share.AnswerReport{Accept: true}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("consumer answering: %v", err)
		}
		_, err = a.Share.AnswerScheduled(ctx, approver, id, share.AnswerReport{})
		wantFields(t, err, "reason")
		q, err := a.Share.AnswerScheduled(ctx, approver, id, share.AnswerReport{Reason: "请说明停发涉及的地区分布"})
		must(t, err)
		if q.State != share.ReportQuestioned || q.DueDate != "2026-10-28" || q.AnswerReason != "请说明停发涉及的地区分布" {
			t.Fatalf("questioned %+v", q)
		}
		if titled(inbox(t, a, civil), "使用评价需补充", r.GrantID) != 1 {
			t.Fatal("the consumer was not told of the question")
		}
		body.Problems = "停发 35 户：包头 20 户，呼和浩特 15 户"
		_, err = a.Share.SubmitScheduled(ctx, civil, id, body)
		must(t, err)
		acc, err := a.Share.AnswerScheduled(ctx, approver, id, share.AnswerReport{Accept: true})
		must(t, err)
		if acc.State != share.ReportAccepted || acc.AnsweredBy == "" {
			t.Fatalf("accepted %+v", acc)
		}
		if titled(inbox(t, a, civil), "使用评价已确认", r.GrantID) != 1 {
			t.Fatal("the consumer was not told of the acceptance")
		}
		recs, _, err := a.Audit.Search(ctx, audit.Filter{Action: "share.use_report.", Limit: 50})
		must(t, err)
		var acts []string
		for _, x := range recs {
			if x.ObjectID == id {
				acts = append(acts, x.Action)
			}
		}
		if !slices.Equal(acts, []string{"share.use_report.accept", "share.use_report.question"}) {
			t.Fatalf("answer audit records: %v", acts)
		}
	})
}

func schedOf(t *testing.T, s *share.Service, p *authz.Principal, grantID, id string) share.ScheduledReport {
	t.Helper()
	sched, err := s.ScheduledReports(ctx, p, grantID)
	must(t, err)
	for _, x := range sched {
		if x.ID == id {
			return x
		}
	}
	t.Fatalf("no scheduled report %s", id)
	return share.ScheduledReport{}
}

// An overdue report reaches the provider and the authority, once; the consumer may still file.
func TestUseReportOverdueReachesProviderAndAuthority(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-07-01 10:00")
		a := testutil.DemoApp(t, d, clock)
		civil, approver, admin := who(t, a, "civil"), who(t, a, "approver"), who(t, a, "admin")
		r, err := a.Share.File(ctx, civil, popRequest("低保复核（逾期评价）"))
		must(t, err)
		r, err = a.Share.Approve(ctx, approver, r.ID, share.Approval{ReportEveryMonths: 1})
		must(t, err)
		must(t, a.Share.UseReportDeadlines(ctx))
		sched, err := a.Share.ScheduledReports(ctx, civil, r.GrantID)
		must(t, err)
		if len(sched) != 1 || sched[0].PeriodTo != "2026-07-31" || sched[0].DueDate != "2026-08-14" {
			t.Fatalf("schedule %+v", sched)
		}
		id := sched[0].ID
		clock.Set("2026-08-17 10:00")
		must(t, a.Share.UseReportDeadlines(ctx))
		must(t, a.Share.UseReportDeadlines(ctx))
		sched, _ = a.Share.ScheduledReports(ctx, civil, r.GrantID)
		if len(sched) != 2 || sched[1].ID != id || sched[1].State != share.ReportOverdue || !sched[1].Overdue || sched[0].PeriodFrom != "2026-08-01" {
			t.Fatalf("schedule after the due date %+v", sched)
		}
		if n := titled(inbox(t, a, approver), "使用评价逾期未报", id); n != 1 {
			t.Fatalf("provider told %d times", n)
		}
		if n := titled(inbox(t, a, admin), "使用评价逾期未报", id); n != 1 {
			t.Fatalf("authority told %d times", n)
		}
		if titled(inbox(t, a, civil), "使用评价已逾期", id) != 1 {
			t.Fatal("the consumer was not told")
		}
		recs, _, err := a.Audit.Search(ctx, audit.Filter{Action: "share.use_report.overdue", Limit: 100})
		must(t, err)
		n := 0
		for _, x := range recs {
			if x.ObjectID == id {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("overdue audit records: %d", n)
		}
		_, err = a.Share.SubmitScheduled(ctx, civil, id, share.NewReport{Use: "核对 300 人次", Effect: "补报"})
		must(t, err)
		sched, _ = a.Share.ScheduledReports(ctx, civil, r.GrantID)
		if sched[1].State != share.ReportSubmitted {
			t.Fatalf("late submission %+v", sched[1])
		}
	})
}
