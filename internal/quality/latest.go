package quality

import "context"

// LatestScore returns the total quality score of an entry's latest scored load (0–100), for
// pages that show it to everyone (the open dataset page, OPN-1); ok is false before any load was
// scored. It reads scores only — no data — so it takes no principal.
func (s *Service) LatestScore(ctx context.Context, entryID string) (total float64, ok bool) {
	err := s.DB.QueryRowContext(ctx, "SELECT total FROM quality_load_scores WHERE entry_id = $1 ORDER BY at DESC, version DESC LIMIT 1", entryID).Scan(&total)
	return total, err == nil
}
