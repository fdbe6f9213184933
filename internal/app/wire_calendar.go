package app

import (
	"context"
	"fmt"
	"time"

	"pubdata/internal/jobs"
	"pubdata/internal/notify"
	"pubdata/internal/workday"
)

// The working-day calendar's yearly duty (工作日历): only the State Council's published table of a
// year may be imported, never invented, so from 1 November the authority administrators are
// told — in the inbox (once per year each) and on the workbench — when next year's table is
// still missing. Deadlines that run into such a year are provisional and are recomputed when
// the table is imported; the stored deadlines of each capability are registered here.
func wireCalendar(ctx context.Context, a *App) error {
	if a.Catalog != nil {
		a.CalStore.Deadlines = append(a.CalStore.Deadlines,
			workday.DeadlineColumn{Table: "catalog_entries", ObjectType: "catalog_entry", Due: "review_due", Since: "submitted_at",
				Running: "status IN ('submitted', 'withdrawing')"},
			workday.DeadlineColumn{Table: "catalog_entries", ObjectType: "catalog_entry", Due: "update_due", Since: "legal_change_at",
				Running: "update_due <> ''"},
			workday.DeadlineColumn{Table: "catalog_level_reports", ObjectType: "catalog_level_report", Due: "due", Since: "submitted_at",
				Running: "status = 'submitted'"},
			workday.DeadlineColumn{Table: "catalog_reassessments", ObjectType: "catalog_reassessment", Due: "due_date", Since: "created_at",
				Running: "outcome = ''"})
	}
	if a.Ingest != nil {
		a.CalStore.Deadlines = append(a.CalStore.Deadlines,
			workday.DeadlineColumn{Table: "ingest_returns", ObjectType: "data_return", Due: "due_date", Since: "created_at",
				Running: "status = 'requested'"})
	}
	if a.Quality != nil {
		a.CalStore.Deadlines = append(a.CalStore.Deadlines,
			workday.DeadlineColumn{Table: "quality_tasks", ObjectType: "quality_task", Due: "due", Since: "updated_at",
				Running: "closed_at = 0"},
			workday.DeadlineColumn{Table: "quality_objections", ObjectType: "quality_objection", Due: "due", Since: "created_at",
				Running: "state IN ('open', 'verifying', 'overdue')"})
	}
	if a.Share != nil {
		a.CalStore.Deadlines = append(a.CalStore.Deadlines,
			workday.DeadlineColumn{Table: "share_requests", ObjectType: "share_request", Due: "due_date", Mirrors: []string{"decide_due", "deliver_due"},
				Since: "updated_at", Running: "due_kind <> ''"},
			// A completion date the agency named itself (processing needed) is kept.
			workday.DeadlineColumn{Table: "share_demands", ObjectType: "share_demand", Due: "due_date", Mirrors: []string{"answer_due", "complete_due"},
				Since: "updated_at", Running: "due_kind <> '' AND named_date = 0"},
			// Escalations: an urged date was named by the authority and is kept.
			workday.DeadlineColumn{Table: "escalations", ObjectType: "escalation", Due: "due_date", Since: "due_since",
				Running: "live = 1 AND due_kind IN ('handle', 'coordinate', 'experts')"},
			workday.DeadlineColumn{Table: "share_renewals", ObjectType: "share_renewal", Due: "due_date", Since: "requested_at",
				Running: "state = 'pending'"},
			// Use reports: the consumer's due date, or the provider's answer date once submitted.
			workday.DeadlineColumn{Table: "share_use_reports", ObjectType: "share_use_report", Due: "due_date", Since: "updated_at",
				Running: "state IN ('due', 'reminded', 'questioned', 'submitted')"},
			workday.DeadlineColumn{Table: "share_national", ObjectType: "share_national", Due: "forward_due", Since: "filed_at",
				Running: "state = 'filed'"})
	}
	if a.Supervise != nil {
		a.CalStore.Deadlines = append(a.CalStore.Deadlines,
			workday.DeadlineColumn{Table: "sup_notices", ObjectType: "supervision_notice", Due: "deadline", Since: "issued_at",
				Running: "state = 'open'"},
			workday.DeadlineColumn{Table: "sanctions", ObjectType: "sanction", Due: "deadline", Since: "issued_at",
				Running: "state = 'open'"})
	}
	if a.Security != nil {
		// A notification duty has no start of its own: its incident's report starts it.
		a.CalStore.Deadlines = append(a.CalStore.Deadlines,
			workday.DeadlineColumn{Table: "security_records", ObjectType: "security_record", Due: "due", Since: "created_at",
				Running: "state = 'open'"},
			workday.DeadlineColumn{Table: "security_duties", ObjectType: "security_duty", Due: "due",
				Since: "(SELECT r.created_at FROM security_records r WHERE r.id = security_duties.record_id)", Running: "done_at = 0"})
	}
	a.Jobs.Add(jobs.Job{Name: "calendar.next_year", Every: 6 * time.Hour, Run: func(ctx context.Context, now time.Time) error {
		_, err := a.NoticeMissingCalendar(ctx, now)
		return err
	}})
	return nil
}

// MissingNextYear returns next year when, at now, it is 1 November or later and next year has
// no table yet; otherwise 0. The workbench shows its banner to authority administrators then.
func (a *App) MissingNextYear(now time.Time) int {
	t := now.In(workday.Location)
	if t.Month() < time.November || a.Calendar.HasYear(t.Year()+1) {
		return 0
	}
	return t.Year() + 1
}

// NoticeMissingCalendar tells every active authority administrator, once per year each, that
// next year's holiday table is missing (from 1 November on). It returns how many were told now.
func (a *App) NoticeMissingCalendar(ctx context.Context, now time.Time) (int, error) {
	y := a.MissingNextYear(now)
	if y == 0 {
		return 0, nil
	}
	rows, err := a.DB.QueryContext(ctx, `SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id
		WHERE r.role = 'authority_admin' AND u.disabled = 0 ORDER BY u.id LIMIT 1000`)
	if err != nil {
		return 0, err
	}
	var admins []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		admins = append(admins, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	sent := 0
	for _, id := range admins {
		ok, err := a.Notify.Send(ctx, a.DB, notify.Message{UserID: id, Kind: "reminder",
			TitleZH: fmt.Sprintf("尚未导入 %d 年节假日表", y), TitleEN: fmt.Sprintf("The %d holiday table is missing", y),
			BodyZH: fmt.Sprintf("请在国务院办公厅公布 %d 年部分节假日安排后，在“工作日历”页面导入。在此之前，跨入 %d 年的期限按周一至周五计算并标为“暂定”，导入后自动重算。", y, y),
			BodyEN: fmt.Sprintf("Import it on the calendar page once the State Council publishes the %d holiday arrangements. Until then, deadlines that run into %d count Monday–Friday there, are marked provisional, and are recomputed on import.", y, y),
			Link:   "/calendar", ObjectType: "calendar", ObjectID: fmt.Sprint(y),
			DedupKey: fmt.Sprintf("calendar:missing:%d:%s", y, id)})
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	return sent, nil
}
