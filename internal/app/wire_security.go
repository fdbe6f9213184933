package app

import (
	"context"
	"time"

	"pubdata/internal/jobs"
	"pubdata/internal/security"
)

// Security operations (SEC-6, SEC-9): records with owners and deadlines, and incidents the
// platform opens from its own signals (the security.signals job, every 5 minutes); reminders of
// incidents' notification duties and of providers' expiring reviews and agreements (hourly).
func wireSecurity(ctx context.Context, a *App) error {
	s := &security.Service{DB: a.DB, Audit: a.Audit, Notify: a.Notify, Calendar: a.Calendar, Now: a.Now}
	s.Region = func(ctx context.Context) string {
		var code string
		a.DB.QueryRowContext(ctx, "SELECT code FROM regions ORDER BY level, code LIMIT 1").Scan(&code)
		return code
	}
	s.GrantRegion = func(ctx context.Context, grantID string) string {
		var code string
		a.DB.QueryRowContext(ctx, "SELECT o.region_code FROM share_grants g JOIN orgs o ON o.id = g.provider_org_id WHERE g.id = $1", grantID).Scan(&code)
		return code
	}
	s.JobError = func(ctx context.Context, name string) string {
		st, err := a.Jobs.Statuses(ctx)
		if err != nil {
			return ""
		}
		for _, x := range st {
			if x.Name == name {
				return x.LastError
			}
		}
		return ""
	}
	a.Security = s
	a.Jobs.Add(jobs.Job{Name: "security.signals", Every: 5 * time.Minute, Run: func(ctx context.Context, _ time.Time) error {
		_, err := s.ScanSignals(ctx)
		return err
	}})
	a.Jobs.Add(jobs.Job{Name: "security.reminders", Every: time.Hour, Run: func(ctx context.Context, _ time.Time) error {
		_, err := s.Remind(ctx)
		return err
	}})
	return nil
}
