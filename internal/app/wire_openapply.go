package app

import (
	"context"
	"time"

	"pubdata/internal/jobs"
	"pubdata/internal/openapply"
	"pubdata/internal/workday"
)

// Conditional opening (OPN-3): applications for conditionally open datasets, decided by the
// provider within working days (reminded and escalated by the deadline job), signed by the
// applicant, who then holds a key issued by the opening package.
func wireOpenapply(ctx context.Context, a *App) error {
	if a.Open == nil {
		return nil
	}
	s := openapply.New(a.DB, a.Audit, a.Notify, a.Calendar, a.Catalog, a.Identity, a.Open)
	s.Now = a.Now
	a.Applications = s
	a.CalStore.Deadlines = append(a.CalStore.Deadlines, workday.DeadlineColumn{Table: "open_applications", ObjectType: "open_application",
		Due: "due", Since: "due_since", Running: "state = 'submitted'"})
	a.Jobs.Add(jobs.Job{Name: "open.application.deadlines", Every: 15 * time.Minute, Run: func(ctx context.Context, now time.Time) error {
		_, err := s.Deadlines(ctx, now)
		return err
	}})
	return nil
}
