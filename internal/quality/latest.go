package quality

import "context"

// LatestScore returns the total quality score of an entry as it stands now (its latest scored
// load, lowered while the entry is late: the one definition of CurrentScore), for pages that
// show it to everyone (the open dataset page, OPN-1); ok is false before any load was scored. It
// reads scores only — no data — so it takes no principal.
func (s *Service) LatestScore(ctx context.Context, entryID string) (total float64, ok bool) {
	sc, ok := s.CurrentOf(ctx, entryID)
	return sc.Total, ok
}

// CurrentOf is CurrentScore without a principal (scores only, no data), for services that
// show an entry's score (the data market's asset register and assessments).
func (s *Service) CurrentOf(ctx context.Context, entryID string) (sc Score, ok bool) {
	ps, err := s.currentScores(ctx, s.DB, "", entryID, s.Now())
	if err != nil || len(ps) == 0 {
		return sc, false
	}
	return ps[0].Score, true
}

// LoadScore returns the score stored for the load of an entry's version (as of that load); the
// loader's report shows it (ingest.Service.Scored).
func (s *Service) LoadScore(ctx context.Context, entryID string, version int64) (sc Score, ok bool) {
	err := s.DB.QueryRowContext(ctx, `SELECT completeness, accuracy, consistency, timeliness, availability, total
		FROM quality_load_scores WHERE entry_id = $1 AND version = $2`, entryID, version).
		Scan(&sc.Completeness, &sc.Accuracy, &sc.Consistency, &sc.Timeliness, &sc.Availability, &sc.Total)
	return sc, err == nil
}
