package app

import (
	"context"
	"time"

	"pubdata/internal/jobs"
	"pubdata/internal/openplan"
	"pubdata/internal/workday"
)

// Open plans, reviews of data not open, public demands and the reuse showcase (OPN-1, OPN-6,
// OPN-7); late demands are escalated by a job.
func wireOpenplan(ctx context.Context, a *App) error {
	if a.Open == nil {
		return nil
	}
	s := openplan.New(a.DB, a.Audit, a.Notify, a.Calendar, a.Catalog, a.Identity)
	s.Now = a.Now
	a.Plans = s
	a.CalStore.Deadlines = append(a.CalStore.Deadlines, workday.DeadlineColumn{Table: "open_demands", ObjectType: "open_demand",
		Due: "due", Since: "due_since", Running: "state = 'submitted'"})
	a.Jobs.Add(jobs.Job{Name: "open.demand.remind", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
		_, err := s.RemindDemands(ctx, now)
		return err
	}})
	a.Jobs.Add(jobs.Job{Name: "open.demand.escalate", Every: 15 * time.Minute, Run: func(ctx context.Context, now time.Time) error {
		_, err := s.EscalateDemands(ctx, now)
		return err
	}})
	return nil
}
