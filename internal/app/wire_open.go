package app

import (
	"context"
	"path/filepath"

	"pubdata/internal/ingest"
	"pubdata/internal/open"
)

// Opening to society (OPN): the open catalog, downloads, the open records API, keys and
// suspensions. It reads entries from the catalog, data from aggregation (ingest) and scores from
// quality.
func wireOpen(ctx context.Context, a *App) error {
	s := open.New(a.DB, a.Audit, a.Catalog, a.Ingest)
	s.Quality = a.Quality
	s.Now = a.Now
	s.SecretKey = a.Cfg.SecretKey
	if a.Cfg.DataDir != "" {
		s.ExportDir = filepath.Join(a.Cfg.DataDir, "open-exports")
	}
	// A committed load makes the entry's cached downloads stale (their keys name the load,
	// so they are unreachable already): free the disk.
	a.Ingest.AfterCommit = append(a.Ingest.AfterCommit, func(ctx context.Context, v ingest.Version, _ []ingest.Problem) error {
		s.DropExports(v.EntryID)
		return nil
	})
	a.Open = s
	return nil
}
