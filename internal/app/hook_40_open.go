package app

import (
	"context"

	"pubdata/internal/open"
)

// Opening to society (OPN): the open catalog, downloads, the open records API, keys and
// suspensions. It reads entries from the catalog, data from aggregation (ingest) and scores from
// quality.
func init() {
	domainHooks = append(domainHooks, func(ctx context.Context, a *App) error {
		s := open.New(a.DB, a.Audit, a.Catalog, a.Ingest)
		s.Quality = a.Quality
		s.Now = a.Now
		s.SecretKey = a.Cfg.SecretKey
		a.Open = s
		return nil
	})
}
