package app

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"pubdata/internal/ingest"
	"pubdata/internal/jobs"
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
	s.Ring = a.Keys
	if a.Cfg.DataDir != "" {
		s.ExportDir = filepath.Join(a.Cfg.DataDir, "open-exports")
	}
	// The export cache's bound and background builders (docs/opening.md).
	if v, err := strconv.ParseInt(os.Getenv("PUBDATA_OPEN_EXPORT_CACHE_MAX"), 10, 64); err == nil && v != 0 {
		s.ExportCacheMax = v
	}
	if v, err := strconv.Atoi(os.Getenv("PUBDATA_OPEN_EXPORT_BUILDERS")); err == nil && v > 0 {
		s.ExportBuilders = v
	}
	// A committed load makes the entry's cached downloads stale (their keys name the load,
	// so they are unreachable already): free the disk, and build the new version's download.
	a.Ingest.AfterCommit = append(a.Ingest.AfterCommit, func(ctx context.Context, v ingest.Version, _ []ingest.Problem) error {
		s.DropExports(v.EntryID)
		s.QueueExport(v.EntryID)
		return nil
	})
	// On a node running jobs, new versions' downloads are built as soon as they commit.
	a.Jobs.Add(jobs.Job{Name: "open.exports", Every: time.Minute, Run: func(ctx context.Context, now time.Time) error {
		_, err := s.StartExportBuilds(ctx)
		return err
	}})
	a.Open = s
	return nil
}
