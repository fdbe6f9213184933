package share_test

import (
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
	"pubdata/internal/workday"
)

// The provider answers a submitted use report within 5 working days: the answer date counts
// working days, the provider is reminded the day before, and once it passes the authority is
// told once, the report is on the overdue board (a use report, the provider responsible) and
// can be handled as an escalation; the answer takes it off the board.
func TestUseReportAnswerDeadlineAndOverdueBoard(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-07-01 10:00")
		a := testutil.DemoApp(t, d, clock)
		civil, approver, admin := who(t, a, "civil"), who(t, a, "approver"), who(t, a, "admin")
		r, err := a.Share.File(ctx, civil, popRequest("低保复核（评价答复期限）"))
		must(t, err)
		r, err = a.Share.Approve(ctx, approver, r.ID, share.Approval{ReportEveryMonths: 3})
		must(t, err)
		must(t, a.Share.UseReportDeadlines(ctx))
		sched, err := a.Share.ScheduledReports(ctx, civil, r.GrantID)
		must(t, err)
		if len(sched) != 1 {
			t.Fatalf("schedule %+v", sched)
		}
		id := sched[0].ID
		// Submitted on Wednesday 14 October: 15, 16, 19, 20, 21 October.
		clock.Set("2026-10-14 10:00")
		_, err = a.Share.SubmitScheduled(ctx, civil, id, share.NewReport{Use: "核对 800 人次", Effect: "停发 12 户"})
		must(t, err)
		x := schedOf(t, a.Share, approver, r.GrantID, id)
		if x.State != share.ReportSubmitted || x.DueDate != "2026-10-21" || x.Remaining != 5 || x.Overdue {
			t.Fatalf("submitted: %+v; want the provider's answer due 2026-10-21, 5 working days left", x)
		}
		var told bool
		for _, m := range inbox(t, a, approver) {
			if m.ObjectID == r.GrantID && strings.HasPrefix(m.TitleZH, "收到共享数据使用评价") && strings.Contains(m.BodyZH, "2026-10-21") {
				told = true
			}
		}
		if !told {
			t.Fatal("the provider was not told its answer date")
		}
		clock.Set("2026-10-20 10:00") // 1 working day left
		must(t, a.Share.UseReportDeadlines(ctx))
		must(t, a.Share.UseReportDeadlines(ctx))
		if n := titled(inbox(t, a, approver), "使用评价待确认", id); n != 1 {
			t.Fatalf("provider reminders: %d", n)
		}
		board := func() []share.BoardItem {
			items, err := a.Share.Overdue(ctx, admin)
			must(t, err)
			var out []share.BoardItem
			for _, b := range items {
				if b.ID == id {
					out = append(out, b)
				}
			}
			return out
		}
		if len(board()) != 0 {
			t.Fatal("on the board before its date")
		}
		clock.Set("2026-10-22 10:00") // one working day late
		must(t, a.Share.UseReportDeadlines(ctx))
		must(t, a.Share.UseReportDeadlines(ctx))
		if n := titled(inbox(t, a, admin), "逾期督办：使用评价待确认", id); n != 1 {
			t.Fatalf("authority told %d times, want 1", n)
		}
		if n := titled(inbox(t, a, approver), "使用评价确认已逾期", id); n != 1 {
			t.Fatalf("provider told %d times, want 1", n)
		}
		b := board()
		if len(b) != 1 || b[0].Type != "share_use_report" || b[0].DueKind != "report_answer" || b[0].WorkdaysLate != 1 ||
			b[0].ResponsibleOrg != r.ProviderOrgID || b[0].EscalatedAt.IsZero() {
			t.Fatalf("board: %+v", b)
		}
		if x := schedOf(t, a.Share, approver, r.GrantID, id); !x.Overdue || x.State != share.ReportSubmitted {
			t.Fatalf("overdue answer: %+v", x)
		}
		e, err := a.Share.OpenEscalation(ctx, admin, "share_use_report", id)
		must(t, err)
		if e.Link != "/share/use-reports/"+id || !strings.Contains(e.Cause, "确认使用评价逾期 1 个工作日") {
			t.Fatalf("escalation: %+v", e)
		}
		_, err = a.Share.AnswerScheduled(ctx, approver, id, share.AnswerReport{Accept: true})
		must(t, err)
		if len(board()) != 0 {
			t.Fatal("still on the board after the answer")
		}
	})
}

// A use report and a renewal whose deadlines run into 2027 before its holiday table exists are
// provisional (API fields deadline_provisional, deadline_missing_years), and importing the table
// recomputes them.
func TestGrantDeadlinesProvisionalAcrossMissingYear(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-07-01 10:00")
		a := testutil.DemoApp(t, d, clock)
		civil, approver, admin := who(t, a, "civil"), who(t, a, "approver"), who(t, a, "admin")
		req := popRequest("低保复核（跨年期限）")
		req.EndDate = "2027-03-31"
		r, err := a.Share.File(ctx, civil, req)
		must(t, err)
		r, err = a.Share.Approve(ctx, approver, r.ID, share.Approval{ReportEveryMonths: 6})
		must(t, err)
		must(t, a.Share.UseReportDeadlines(ctx))
		// The period 2026-07-01 — 2026-12-31 is submitted on 31 December: answer due 5 working
		// days later, all in 2027.
		clock.Set("2026-12-31 10:00")
		sched, err := a.Share.ScheduledReports(ctx, civil, r.GrantID)
		must(t, err)
		id := sched[0].ID
		_, err = a.Share.SubmitScheduled(ctx, civil, id, share.NewReport{Use: "核对", Effect: "有效"})
		must(t, err)
		x := schedOf(t, a.Share, approver, r.GrantID, id)
		if x.DueDate != "2027-01-07" || !x.DeadlineProvisional || len(x.MissingYears) != 1 || x.MissingYears[0] != 2027 {
			t.Fatalf("use report answer due %s provisional %v %v; want 2027-01-07 provisional for 2027", x.DueDate, x.DeadlineProvisional, x.MissingYears)
		}
		n, err := a.Share.RequestRenewal(ctx, civil, r.GrantID, share.NewRenewal{EndDate: "2027-12-31", Reason: "低保复核继续开展"})
		must(t, err)
		n, err = a.Share.GetRenewal(ctx, civil, n.ID)
		must(t, err)
		if n.DueDate != "2027-01-07" || !n.DeadlineProvisional {
			t.Fatalf("renewal due %s provisional %v; want 2027-01-07 provisional", n.DueDate, n.DeadlineProvisional)
		}
		if err := a.CalStore.Import(ctx, a.Audit, admin.UserID, admin.Username, admin.OrgID,
			[]workday.Day{{Date: "2027-01-01", Kind: workday.Off, Name: "元旦（测试夹具 / fixture）"}}); err != nil {
			t.Fatal(err)
		}
		x = schedOf(t, a.Share, approver, r.GrantID, id)
		if x.DueDate != "2027-01-08" || x.DeadlineProvisional {
			t.Fatalf("after importing 2027: use report due %s provisional %v; want 2027-01-08 final", x.DueDate, x.DeadlineProvisional)
		}
		n, err = a.Share.GetRenewal(ctx, civil, n.ID)
		must(t, err)
		if n.DueDate != "2027-01-08" || n.DeadlineProvisional {
			t.Fatalf("after importing 2027: renewal due %s provisional %v; want 2027-01-08 final", n.DueDate, n.DeadlineProvisional)
		}
	})
}
