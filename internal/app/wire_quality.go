package app

import (
	"context"
	"errors"
	"time"

	"pubdata/internal/catalog"
	"pubdata/internal/ingest"
	"pubdata/internal/jobs"
	"pubdata/internal/quality"
	"pubdata/internal/quality/scoring"
)

// Quality (QUA-1…QUA-3): configurable rules, the correction loop, scores and objections. The
// quality service plugs into aggregation's hooks: its rules run inside every load
// (ExtraRules), every committed load feeds the correction loop and the scores (AfterCommit),
// and open objections mark served records as disputed (IsDisputed).
func wireQuality(ctx context.Context, a *App) error {
	q := quality.New(a.DB, a.Audit, a.Notify, a.Calendar)
	q.Now = a.Now
	q.FingerprintKey = a.Cfg.SecretKey
	if a.Catalog != nil {
		q.Entry = func(ctx context.Context, id string) (*catalog.Entry, error) {
			e, err := a.Catalog.Get(ctx, id)
			if err != nil {
				return nil, err
			}
			return &e, nil
		}
		q.Published = func(ctx context.Context, id string) (*catalog.Entry, error) {
			e, err := a.Catalog.Published(ctx, id)
			if err != nil {
				return nil, err
			}
			return &e, nil
		}
	}
	a.Quality = q
	wireQualityIngest(a, q)
	a.Jobs.Add(jobs.Job{Name: "quality.deadlines", Every: 15 * time.Minute, Run: q.CheckDeadlines})
	a.Jobs.Add(jobs.Job{Name: "quality.daily_scores", Every: time.Hour, Run: q.SnapshotDaily})
	return nil
}

// wireQualityIngest connects quality to aggregation: quality reads loaded records through
// Lookup, its rules run in every load, every committed load feeds the correction loop and the
// scores, and open objections mark served records as disputed.
func wireQualityIngest(a *App, q *quality.Service) {
	ing := a.Ingest
	if ing == nil {
		return
	}
	q.Lookup = func(ctx context.Context, entryID, key string) (quality.Record, bool, error) {
		r, err := ing.Lookup(ctx, entryID, key)
		if errors.Is(err, ingest.ErrNoRecord) || errors.Is(err, ingest.ErrNoData) {
			return quality.Record{}, false, nil
		}
		if err != nil {
			return quality.Record{}, false, err
		}
		return quality.Record{Key: r.Key, Values: r.Values, Version: r.Version}, true, nil
	}
	ing.ExtraRules = func(ctx context.Context, e *catalog.Entry) ([]ingest.RowRule, error) {
		rs, err := q.RowRules(ctx, e)
		if err != nil {
			return nil, err
		}
		out := make([]ingest.RowRule, len(rs))
		for i, r := range rs {
			out[i] = qualityRule{r}
		}
		return out, nil
	}
	ing.AfterCommit = append(ing.AfterCommit, func(ctx context.Context, v ingest.Version, problems []ingest.Problem) error {
		ps := make([]quality.Problem, len(problems))
		for i, p := range problems {
			ps[i] = quality.Problem(p)
		}
		return q.AfterLoad(ctx, quality.Load{EntryID: v.EntryID, Version: v.Version, OrgID: v.OrgID, ActorID: v.ActorID, ActorName: v.ActorName,
			Held: int(v.Rows), Rejected: int(v.Rejected), Replace: v.Mode == ingest.ModeReplace, At: v.CommittedAt}, ps)
	})
	ing.IsDisputed = q.IsDisputed
	ing.Scored = func(ctx context.Context, entryID string, version int64) (scoring.Score, bool) {
		return q.LoadScore(ctx, entryID, version)
	}
	q.ListPublished = ing.ListPublished
}

// qualityRule presents a quality rule as the loader's row rule (advisory unless configured
// as blocking).
type qualityRule struct{ r quality.RowRule }

func (w qualityRule) Name() string      { return w.r.Name() }
func (w qualityRule) Dimension() string { return w.r.Dimension() }
func (w qualityRule) Check(e *catalog.Entry, rec map[string]string) []ingest.Problem {
	ps := w.r.Check(e, rec)
	if len(ps) == 0 {
		return nil
	}
	out := make([]ingest.Problem, len(ps))
	for i, p := range ps {
		out[i] = ingest.Problem(p)
	}
	return out
}
func (w qualityRule) Advisory() bool {
	a, ok := w.r.(interface{ Advisory() bool })
	return ok && a.Advisory()
}
