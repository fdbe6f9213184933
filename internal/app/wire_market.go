package app

import (
	"context"
	"time"

	"pubdata/internal/jobs"
	"pubdata/internal/market"
	"pubdata/internal/workday"
)

// Data assets, market records and regulated units (MKT-1 … MKT-4, OPR-11). The market.letters
// job marks rectification letters past their working-day deadline overdue and escalates them to
// the authority's administrators.
func wireMarket(ctx context.Context, a *App) error {
	s := market.New(a.DB, a.Audit, a.Notify, a.Calendar)
	s.Now = a.Now
	if a.Quality != nil {
		s.QualityScore = a.Quality.CurrentOf
	}
	a.Market = s
	if a.Operate != nil {
		// the operator's annual evaluation records its supervision letters of the year (OPR-8, OPR-11)
		a.Operate.Supervision = func(ctx context.Context, orgID string, year int) (int, int, int, int, int, error) {
			f, err := s.EvaluationFacts(ctx, orgID, year)
			return f.Letters, f.Rectifications, f.Open, f.Overdue, f.Restrictions, err
		}
	}
	a.CalStore.Deadlines = append(a.CalStore.Deadlines, marketDeadlines...)
	a.Jobs.Add(jobs.Job{Name: "market.letters", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
		_, err := s.EscalateOverdue(ctx, now)
		return err
	}})
	return nil
}

// marketDeadlines are the stored due dates of the market that a calendar import recomputes: the
// rectification letters still awaiting the unit.
var marketDeadlines = []workday.DeadlineColumn{
	{Table: "mkt_letters", ObjectType: "mkt_letter", Due: "deadline", Since: "issued_at", Running: "kind = 'rectification' AND state = 'open' AND overdue = 0"},
}
