package share

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/ids"
	"pubdata/internal/workday"
)

// Scheduled use reports (使用情况和效果评价, SHR-11). Every grant reports on its use every N
// months (ReportEveryMonths, quarterly unless the approver set 1, 3, 6 or 12 months) from the day
// it was granted. Each period is one ScheduledReport:
//
//	due ──(ReportRemindDays working days before the due date: consumer reminded)──▶ reminded
//	due | reminded | questioned ──(consumer submits the period's report)──▶ submitted
//	submitted ──(provider accepts)──▶ accepted
//	submitted ──(provider questions it, with a reason)──▶ questioned (a new due date runs)
//	submitted ──(answer due date passed)──▶ submitted, escalated (provider and authority told, once)
//	due | reminded | questioned ──(due date passed)──▶ overdue (provider and authority told, once)
//	overdue ──(consumer submits late)──▶ submitted
//
// The due date is ReportDueDays working days after the period's last day; once the report is
// submitted, DueDate is the provider's answer deadline, ReportAnswerDays working days after the
// submission (share.use_reports, hourly, creates the periods and sends the reminders and
// overdue notices of both). Overdue reports and overdue answers are on the authority's overdue
// board (Overdue) and can be escalated like requests.
type ScheduledReport struct {
	ID           string         `json:"id"`
	GrantID      string         `json:"grant_id"`
	Seq          int            `json:"seq"`
	PeriodFrom   string         `json:"period_from"`
	PeriodTo     string         `json:"period_to"`
	DueDate      string         `json:"due_date"`
	State        UseReportState `json:"state"`
	Report       *UseReport     `json:"report,omitempty"` // the submitted report
	RemindedAt   time.Time      `json:"reminded_at,omitzero"`
	SubmittedAt  time.Time      `json:"submitted_at,omitzero"`
	AnsweredAt   time.Time      `json:"answered_at,omitzero"`
	AnsweredBy   string         `json:"answered_by,omitempty"`
	AnswerReason string         `json:"answer_reason,omitempty"` // why the provider questioned it
	EscalatedAt  time.Time      `json:"escalated_at,omitzero"`
	Remaining    int            `json:"remaining_workdays"` // before DueDate, while the consumer has to act
	Overdue      bool           `json:"overdue"`
	// The due date runs into a year without a holiday table (暂定), set when read.
	workday.Mark
	reportID string
}

// UseReportState is where a scheduled report stands.
type UseReportState string

const (
	ReportDue        UseReportState = "due"        // 待提交
	ReportReminded   UseReportState = "reminded"   // 已提醒
	ReportSubmitted  UseReportState = "submitted"  // 已提交待确认
	ReportAccepted   UseReportState = "accepted"   // 已确认
	ReportQuestioned UseReportState = "questioned" // 提供部门有疑问，待补充
	ReportOverdue    UseReportState = "overdue"    // 逾期未报
)

// UseReportStateNames gives each state's Chinese and English name.
var UseReportStateNames = map[UseReportState][2]string{
	ReportDue:        {"待提交", "Due"},
	ReportReminded:   {"已提醒，待提交", "Reminded, due"},
	ReportSubmitted:  {"已提交，待提供部门确认", "Submitted, awaiting the provider"},
	ReportAccepted:   {"提供部门已确认", "Accepted by the provider"},
	ReportQuestioned: {"提供部门有疑问，待补充", "Questioned by the provider"},
	ReportOverdue:    {"逾期未报", "Overdue"},
}

// open tells whether the consumer has to act on the report.
func (st UseReportState) open() bool {
	return st == ReportDue || st == ReportReminded || st == ReportQuestioned || st == ReportOverdue
}

// ReportEveryOptions are the report cycles an approver may set, in months.
var ReportEveryOptions = []int{1, 3, 6, 12}

// ErrReportNotEnded: a period is reported on from its last day.
var ErrReportNotEnded = apperr.New(409, "share.report_period_open", "报告期尚未结束，期末当天起可提交", "the period has not ended; report from its last day")

func checkReportEvery(n int) []apperr.FieldError {
	if n != 0 && !slices.Contains(ReportEveryOptions, n) {
		return []apperr.FieldError{apperr.Field("report_every_months", "使用评价周期应为 1、3、6 或 12 个月", "the report cycle must be 1, 3, 6 or 12 months")}
	}
	return nil
}

// insertReportPlan fixes a new grant's report cycle (the default when every is 0).
func (s *Service) insertReportPlan(ctx context.Context, q db.Q, grantID string, every int) error {
	if every == 0 {
		every = s.ReportEveryMonths
	}
	_, err := q.ExecContext(ctx, "INSERT INTO share_report_plans (grant_id, every_months, starts_on, created_at) VALUES ($1,$2,$3,$4)",
		grantID, every, s.today(), db.Millis(s.Now()))
	return err
}

func (s *Service) loadReportPlan(ctx context.Context, q db.Q, g *Grant) {
	g.ReportEveryMonths = s.ReportEveryMonths
	q.QueryRowContext(ctx, "SELECT every_months FROM share_report_plans WHERE grant_id = $1", g.ID).Scan(&g.ReportEveryMonths)
}

const schedCols = `id, grant_id, seq, period_from, period_to, due_date, state, report_id, reminded_at, submitted_at, answered_at,
	answered_by, answer_reason, escalated_at`

func (s *Service) scanScheduled(sc scanner) (ScheduledReport, error) {
	var r ScheduledReport
	var st string
	var rem, sub, ans, esc int64
	err := sc.Scan(&r.ID, &r.GrantID, &r.Seq, &r.PeriodFrom, &r.PeriodTo, &r.DueDate, &st, &r.reportID, &rem, &sub, &ans, &r.AnsweredBy, &r.AnswerReason, &esc)
	r.State = UseReportState(st)
	r.RemindedAt, r.SubmittedAt, r.AnsweredAt, r.EscalatedAt = db.FromMillis(rem), db.FromMillis(sub), db.FromMillis(ans), db.FromMillis(esc)
	if r.State.open() || r.State == ReportSubmitted {
		r.Remaining, r.Overdue = s.remaining(r.DueDate)
		r.Mark = s.Calendar.Mark(r.DueDate, s.Now())
	}
	return r, err
}

// ScheduledReports lists a grant's report periods, newest first, each with its submitted report.
func (s *Service) ScheduledReports(ctx context.Context, p *authz.Principal, grantID string) (_ []ScheduledReport, err error) {
	defer wrapErr(&err, "scheduled reports of grant %s", grantID)
	if _, err := s.GetGrant(ctx, p, grantID); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+schedCols+" FROM share_use_reports WHERE grant_id = $1 ORDER BY seq DESC LIMIT 100", grantID)
	out, err := db.ScanAll(rows, err, s.scanScheduled)
	if err != nil {
		return nil, err
	}
	reps, err := s.Reports(ctx, p, grantID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		for j := range reps {
			if reps[j].ID == out[i].reportID {
				out[i].Report = &reps[j]
			}
		}
	}
	return out, nil
}

// scheduledFor finds the open scheduled report of a grant for exactly this period (locked).
func (s *Service) scheduledFor(ctx context.Context, tx db.Q, grantID, from, to string) (ScheduledReport, bool, error) {
	r, err := s.scanScheduled(tx.QueryRowContext(ctx, "SELECT "+schedCols+` FROM share_use_reports WHERE grant_id = $1 AND period_from = $2
		AND period_to = $3 AND state IN ('due','reminded','questioned','overdue')`+s.DB.ForUpdate(), grantID, from, to))
	if db.IsNoRows(err) {
		return r, false, nil
	}
	return r, err == nil, err
}

// SubmitScheduled files the report of one scheduled period (its period is the schedule's).
func (s *Service) SubmitScheduled(ctx context.Context, p *authz.Principal, id string, in NewReport) (_ UseReport, err error) {
	defer wrapErr(&err, "submit scheduled %s", id)
	var grantID, from, to, st string
	if err := s.DB.QueryRowContext(ctx, "SELECT grant_id, period_from, period_to, state FROM share_use_reports WHERE id = $1", id).Scan(&grantID, &from, &to, &st); err != nil {
		if db.IsNoRows(err) {
			return UseReport{}, apperr.NotFound
		}
		return UseReport{}, err
	}
	g, err := s.GetGrant(ctx, p, grantID)
	if err != nil {
		return UseReport{}, err
	}
	if err := authz.Share(p, authz.ShareReport, g.attrs().authz()); err != nil {
		return UseReport{}, err
	}
	if !UseReportState(st).open() {
		return UseReport{}, ErrState
	}
	if to > s.today() {
		return UseReport{}, ErrReportNotEnded
	}
	in.PeriodFrom, in.PeriodTo = from, to
	return s.FileReport(ctx, p, grantID, in)
}

// attachScheduled is FileReport's step for a period on the schedule: the report is its
// submission, and the provider is asked to answer it within ReportAnswerDays working days. It
// returns that answer deadline ("" when the report is not a scheduled period's).
func (s *Service) attachScheduled(ctx context.Context, tx db.Q, g *Grant, rep *UseReport) (string, error) {
	if rep.PeriodTo > s.today() {
		return "", nil
	}
	r, ok, err := s.scheduledFor(ctx, tx, g.ID, rep.PeriodFrom, rep.PeriodTo)
	if err != nil || !ok {
		return "", err
	}
	now := s.Now()
	due := s.addWorkdays(now, s.ReportAnswerDays)
	if _, err = tx.ExecContext(ctx, `UPDATE share_use_reports SET state = 'submitted', report_id = $1, submitted_at = $2, updated_at = $2,
		due_date = $3, escalated_at = 0 WHERE id = $4`, rep.ID, db.Millis(now), due, r.ID); err != nil {
		return "", err
	}
	return due, nil
}

// AnswerReport is the provider's answer to a submitted report: accept, or question with a reason.
type AnswerReport struct {
	Accept bool   `json:"accept"`
	Reason string `json:"reason"` // required when questioning
}

// AnswerScheduled records the provider's answer (its data officer or approver). A questioned
// report is due again ReportDueDays working days later, reminded and escalated as before.
func (s *Service) AnswerScheduled(ctx context.Context, p *authz.Principal, id string, in AnswerReport) (_ ScheduledReport, err error) {
	defer wrapErr(&err, "answer scheduled %s", id)
	in.Reason = clean(in.Reason)
	var out ScheduledReport
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		r, err := found(db.LoadLocked(ctx, tx, s.DB, "share_use_reports", id, func(q db.Q) (ScheduledReport, error) {
			return s.scanScheduled(q.QueryRowContext(ctx, "SELECT "+schedCols+" FROM share_use_reports WHERE id = $1", id))
		}))
		if err != nil {
			return err
		}
		g, err := s.GetGrant(ctx, p, r.GrantID)
		if err != nil {
			return err
		}
		if err := authz.Share(p, authz.ShareDeliver, g.attrs().authz()); err != nil { // the provider's staff
			return err
		}
		if r.State != ReportSubmitted {
			return ErrState
		}
		if !in.Accept && in.Reason == "" {
			return apperr.Invalid.With(apperr.Field("reason", "请说明疑问（需使用部门补充或更正的内容）", "say what is in question (what the consumer must add or correct)"))
		}
		now := s.Now()
		r.AnsweredAt, r.AnsweredBy = now, actorName(p)
		verb := "accept"
		var titleZH, titleEN, bodyZH, bodyEN string
		if in.Accept {
			r.State, r.AnswerReason = ReportAccepted, ""
			titleZH, titleEN = "使用评价已确认："+g.EntryName, "Use report accepted: "+g.EntryName
			bodyZH, bodyEN = fmt.Sprintf("报告期 %s 至 %s 的使用评价已由提供部门确认。", r.PeriodFrom, r.PeriodTo), fmt.Sprintf("The report for %s to %s was accepted by the provider.", r.PeriodFrom, r.PeriodTo)
		} else {
			verb = "question"
			r.State, r.AnswerReason, r.DueDate, r.EscalatedAt = ReportQuestioned, in.Reason, s.addWorkdays(now, s.ReportDueDays), time.Time{}
			titleZH, titleEN = "使用评价需补充："+g.EntryName, "Use report questioned: "+g.EntryName
			bodyZH = fmt.Sprintf("报告期 %s 至 %s：%s。请在 %s 前补充后重新提交。", r.PeriodFrom, r.PeriodTo, in.Reason, r.DueDate)
			bodyEN = fmt.Sprintf("Period %s to %s: %s. Please submit it again by %s.", r.PeriodFrom, r.PeriodTo, in.Reason, r.DueDate)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE share_use_reports SET state = $1, answered_at = $2, answered_by = $3, answer_reason = $4, due_date = $5,
			escalated_at = $6, updated_at = $2 WHERE id = $7`, string(r.State), db.Millis(now), r.AnsweredBy, r.AnswerReason, r.DueDate, db.Millis(r.EscalatedAt), r.ID); err != nil {
			return err
		}
		ae := auditEvent(p, "share.use_report."+verb, "share_use_report", r.ID, map[string]any{"period_from": r.PeriodFrom, "period_to": r.PeriodTo, "reason": r.AnswerReason, "due": r.DueDate})
		ae.GrantID, ae.Purpose = g.ID, g.Scenario
		if err := s.Audit.Record(ctx, tx, ae); err != nil {
			return err
		}
		out = r
		return s.sendOrg(ctx, tx, g.ConsumerOrgID, "info", titleZH, titleEN, bodyZH, bodyEN, "/share/grants/"+g.ID+"#reports", "share_grant", g.ID, "")
	})
	if err != nil {
		return ScheduledReport{}, err
	}
	out.Remaining, out.Overdue, out.Mark = 0, false, workday.Mark{}
	if out.State.open() {
		out.Remaining, out.Overdue = s.remaining(out.DueDate)
		out.Mark = s.Calendar.Mark(out.DueDate, s.Now())
	}
	return out, nil
}

// UseReportDeadlines keeps the report schedule (share.use_reports): it opens each grant's
// periods as they start, reminds the consumer once ReportRemindDays working days before a due
// date, and once a due date has passed tells the provider, the authority and the consumer
// (once per due date). Safe to run on any node at any time.
func (s *Service) UseReportDeadlines(ctx context.Context) (err error) {
	defer wrapErr(&err, "use report deadlines")
	now := s.Now()
	today := s.today()
	// Grants from before the schedule existed start their cycle today.
	if _, err := s.DB.ExecContext(ctx, `INSERT INTO share_report_plans (grant_id, every_months, starts_on, created_at)
		SELECT g.id, $1, $2, $3 FROM share_grants g WHERE g.status IN ('active','suspended','pending')
		AND NOT EXISTS (SELECT 1 FROM share_report_plans pl WHERE pl.grant_id = g.id)`, s.ReportEveryMonths, today, db.Millis(now)); err != nil {
		return err
	}
	type plan struct {
		grant, start, end string
		every, last       int
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT g.id, pl.starts_on, g.end_date, pl.every_months, COALESCE((SELECT MAX(seq) FROM share_use_reports u WHERE u.grant_id = g.id), -1)
		FROM share_grants g JOIN share_report_plans pl ON pl.grant_id = g.id WHERE g.status IN ('active','suspended') AND pl.starts_on <= $1`, today)
	if err != nil {
		return err
	}
	var plans []plan
	for rows.Next() {
		var pl plan
		if err := rows.Scan(&pl.grant, &pl.start, &pl.end, &pl.every, &pl.last); err != nil {
			rows.Close()
			return err
		}
		plans = append(plans, pl)
	}
	rows.Close()
	for _, pl := range plans {
		start, err := workday.Parse(pl.start)
		if err != nil || pl.every <= 0 {
			continue
		}
		for k := pl.last + 1; ; k++ {
			from := workday.Format(start.AddDate(0, k*pl.every, 0))
			if from > today || from > pl.end {
				break
			}
			toDay := start.AddDate(0, (k+1)*pl.every, -1)
			to := workday.Format(toDay)
			if to > pl.end {
				to = pl.end
				toDay, _ = workday.Parse(to)
			}
			due := s.addWorkdays(toDay, s.ReportDueDays)
			if _, err := s.DB.ExecContext(ctx, `INSERT INTO share_use_reports (id, grant_id, seq, period_from, period_to, due_date, state, updated_at)
				VALUES ($1,$2,$3,$4,$5,$6,'due',$7) ON CONFLICT (grant_id, seq) DO NOTHING`, ids.New(), pl.grant, k, from, to, due, db.Millis(now)); err != nil {
				return err
			}
		}
	}
	type item struct {
		id, grant, state, due, from, to, entry, consumer, provider, region string
	}
	rows, err = s.DB.QueryContext(ctx, `SELECT u.id, u.grant_id, u.state, u.due_date, u.period_from, u.period_to, g.entry_name, g.consumer_org_id,
		g.provider_org_id, g.entry_region FROM share_use_reports u JOIN share_grants g ON g.id = u.grant_id
		WHERE u.state IN ('due','reminded','questioned') AND u.escalated_at = 0`)
	if err != nil {
		return err
	}
	var items []item
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.id, &it.grant, &it.state, &it.due, &it.from, &it.to, &it.entry, &it.consumer, &it.provider, &it.region); err != nil {
			rows.Close()
			return err
		}
		items = append(items, it)
	}
	rows.Close()
	for _, it := range items {
		rem, overdue := s.remaining(it.due)
		link := "/share/grants/" + it.grant + "#reports"
		period := it.from + " — " + it.to
		if !overdue {
			if rem > s.ReportRemindDays {
				continue
			}
			if _, err := s.DB.ExecContext(ctx, "UPDATE share_use_reports SET state = 'reminded', reminded_at = $1, updated_at = $1 WHERE id = $2 AND state = 'due'",
				db.Millis(now), it.id); err != nil {
				return err
			}
			if err := s.sendOrg(ctx, s.DB, it.consumer, "reminder",
				fmt.Sprintf("使用评价待提交：%s（%s 前，剩余 %d 个工作日）", it.entry, it.due, rem),
				fmt.Sprintf("Use report due %s: %s (%d working days left)", it.due, it.entry, rem),
				fmt.Sprintf("请在授权页提交报告期 %s 的数据使用情况和效果评价；逾期将告知提供部门和主管部门。", period),
				fmt.Sprintf("File the use-and-effect report for %s on the grant page; overdue reports are reported to the provider and the authority.", period),
				link, "share_use_report", it.id, "share:use_report:remind:"+it.id+":"+it.due); err != nil {
				return err
			}
			continue
		}
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE share_use_reports SET state = 'overdue', escalated_at = $1, updated_at = $1
				WHERE id = $2 AND escalated_at = 0 AND due_date = $3 AND state IN ('due','reminded','questioned')`, db.Millis(now), it.id, it.due)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			late := -rem
			if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: "system", ActorName: "system", Action: "share.use_report.overdue", ObjectType: "share_use_report",
				ObjectID: it.id, GrantID: it.grant, Detail: map[string]any{"due": it.due, "period_from": it.from, "period_to": it.to, "workdays_overdue": late}}); err != nil {
				return err
			}
			noteZH := fmt.Sprintf("报告期 %s 的使用评价逾期 %d 个工作日未提交（应于 %s 前）", period, late, it.due)
			noteEN := fmt.Sprintf("The use report for %s is %d working days overdue (due %s)", period, late, it.due)
			sup := authorityOrg(ctx, tx, it.region)
			for _, org := range []string{it.provider, sup} {
				if err := s.sendOrg(ctx, tx, org, "escalation", "使用评价逾期未报："+it.entry, "Use report overdue: "+it.entry, noteZH, noteEN,
					link, "share_use_report", it.id, "share:use_report:overdue:"+it.id+":"+it.due+":"+org); err != nil {
					return err
				}
			}
			return s.sendOrg(ctx, tx, it.consumer, "escalation", "使用评价已逾期，已告知提供部门和主管部门："+it.entry, "Use report overdue, reported: "+it.entry,
				noteZH+"。请尽快提交。", noteEN+". Please file it now.", link, "share_use_report", it.id, "share:use_report:late:"+it.id+":"+it.due)
		})
		if err != nil {
			return err
		}
	}
	return s.useReportAnswerDeadlines(ctx)
}

// useReportAnswerDeadlines reminds the provider RemindDays working days before its answer to a
// submitted report is due and, once that date has passed, tells the provider and the authority
// (once per due date; the report stays submitted and shows on the overdue board).
func (s *Service) useReportAnswerDeadlines(ctx context.Context) error {
	type item struct {
		id, grant, due, from, to, entry, provider, region string
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT u.id, u.grant_id, u.due_date, u.period_from, u.period_to, g.entry_name, g.provider_org_id, g.entry_region
		FROM share_use_reports u JOIN share_grants g ON g.id = u.grant_id WHERE u.state = 'submitted' AND u.escalated_at = 0 AND u.due_date <> ''`)
	if err != nil {
		return err
	}
	var items []item
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.id, &it.grant, &it.due, &it.from, &it.to, &it.entry, &it.provider, &it.region); err != nil {
			rows.Close()
			return err
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	now := s.Now()
	for _, it := range items {
		rem, overdue := s.remaining(it.due)
		link := "/share/grants/" + it.grant + "#reports"
		period := it.from + " — " + it.to
		if !overdue {
			if rem > s.RemindDays {
				continue
			}
			if err := s.sendOrg(ctx, s.DB, it.provider, "reminder",
				fmt.Sprintf("使用评价待确认：%s（%s 前，剩余 %d 个工作日）", it.entry, it.due, rem),
				fmt.Sprintf("Use report to answer by %s: %s (%d working days left)", it.due, it.entry, rem),
				fmt.Sprintf("请在授权页确认报告期 %s 的使用评价或提出疑问；逾期将报主管部门督办。", period),
				fmt.Sprintf("Accept or question the report for %s on the grant page; overdue answers are escalated to the authority.", period),
				link, "share_use_report", it.id, "share:use_report:answer_remind:"+it.id+":"+it.due); err != nil {
				return err
			}
			continue
		}
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE share_use_reports SET escalated_at = $1, updated_at = $1
				WHERE id = $2 AND escalated_at = 0 AND due_date = $3 AND state = 'submitted'`, db.Millis(now), it.id, it.due)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			late := -rem
			if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: "system", ActorName: "system", Action: "share.use_report.answer_overdue", ObjectType: "share_use_report",
				ObjectID: it.id, GrantID: it.grant, Detail: map[string]any{"due": it.due, "period_from": it.from, "period_to": it.to, "workdays_overdue": late}}); err != nil {
				return err
			}
			noteZH := fmt.Sprintf("报告期 %s 的使用评价已提交，提供部门逾期 %d 个工作日未确认（应于 %s 前）", period, late, it.due)
			noteEN := fmt.Sprintf("The use report for %s was submitted; the provider's answer is %d working days overdue (due %s)", period, late, it.due)
			if err := s.sendOrg(ctx, tx, authorityOrg(ctx, tx, it.region), "escalation", "逾期督办：使用评价待确认："+it.entry, "Overdue, for supervision: use report answer: "+it.entry,
				noteZH, noteEN, "/share/overdue", "share_use_report", it.id, "share:use_report:answer_overdue:"+it.id+":"+it.due); err != nil {
				return err
			}
			return s.sendOrg(ctx, tx, it.provider, "escalation", "使用评价确认已逾期并报主管部门督办："+it.entry, "Use report answer overdue and escalated: "+it.entry,
				noteZH+"。请尽快确认或提出疑问。", noteEN+". Please answer it now.", link, "share_use_report", it.id, "share:use_report:answer_late:"+it.id+":"+it.due)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// UseReportGrant returns the grant of a scheduled report, for those who may see the grant.
func (s *Service) UseReportGrant(ctx context.Context, p *authz.Principal, id string) (_ string, err error) {
	defer wrapErr(&err, "grant of use report %s", id)
	var grantID string
	if err := s.DB.QueryRowContext(ctx, "SELECT grant_id FROM share_use_reports WHERE id = $1", id).Scan(&grantID); err != nil {
		if db.IsNoRows(err) {
			return "", apperr.NotFound
		}
		return "", err
	}
	if _, err := s.GetGrant(ctx, p, grantID); err != nil {
		return "", err
	}
	return grantID, nil
}
