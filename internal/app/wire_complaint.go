package app

import (
	"context"
	"time"

	"pubdata/internal/complaint"
	"pubdata/internal/jobs"
)

// Rights complaints against open data (OPN-5): filing suspends the dataset's opening through the
// opening package; the escalation job flags late complaints to the authority.
func wireComplaint(ctx context.Context, a *App) error {
	c := complaint.New(a.DB, a.Audit, a.Notify, a.Calendar, a.Catalog)
	c.Now = a.Now
	wireComplaints(a, c)
	a.Complaints = c
	a.Jobs.Add(jobs.Job{Name: "open.complaint.escalate", Every: 15 * time.Minute, Run: func(ctx context.Context, now time.Time) error {
		_, err := c.Escalate(ctx, now)
		return err
	}})
	return nil
}
