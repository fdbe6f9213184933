package app

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/catalog"
	"pubdata/internal/ingest"
	"pubdata/internal/jobs"
	"pubdata/internal/netguard"
)

// Aggregation (AGG-1 … AGG-6): file, push and table-pull loads into versioned per-entry
// tables, quality reports, base databases, freshness tracking and returns between levels.
// Quality plugs its rules and hooks into a.Ingest from its own hook (25).
func wireIngest(ctx context.Context, a *App) error {
	s := ingest.New(a.DB, a.Audit, a.Notify, nil)
	if a.Catalog != nil {
		s.Catalog = a.Catalog
		s.ListPublished = func(ctx context.Context) ([]catalog.Entry, error) {
			rows, err := a.DB.QueryContext(ctx, "SELECT id FROM catalog_entries WHERE live = 1 AND version > 0 ORDER BY id")
			if err != nil {
				return nil, err
			}
			var idl []string
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return nil, err
				}
				idl = append(idl, id)
			}
			rows.Close()
			out := make([]catalog.Entry, 0, len(idl))
			for _, id := range idl {
				if e, err := a.Catalog.Published(ctx, id); err == nil {
					out = append(out, e)
				}
			}
			return out, nil
		}
	}
	s.Identity = a.Identity
	s.Now = a.Now
	s.Calendar = a.Calendar
	if a.Catalog != nil {
		// CAT-10 (JM 29, NM 12): a finance-funded information system passes acceptance only
		// when every cataloged entry it produces holds aggregated data.
		a.Catalog.AcceptanceChecks = append(a.Catalog.AcceptanceChecks, func(ctx context.Context, sys catalog.System) (bool, string, string, error) {
			var zh, en []string
			for _, id := range sys.EntryIDs {
				v, err := s.Current(ctx, id)
				if err != nil {
					if ae := apperr.As(err); ae.Status != 404 {
						return false, "", "", err
					}
				}
				if err != nil || v.Rows == 0 {
					var name string
					a.DB.QueryRowContext(ctx, "SELECT name FROM catalog_entries WHERE id = $1", id).Scan(&name)
					zh, en = append(zh, "“"+name+"”"), append(en, "“"+name+"”")
				}
			}
			if len(zh) > 0 {
				return false, "关联目录" + strings.Join(zh, "、") + "尚未归集数据", "linked entries hold no aggregated data: " + strings.Join(en, ", "), nil
			}
			return true, "", "", nil
		})
	}
	s.SecretKey = a.Cfg.SecretKey
	s.Keys = a.Keys
	if v, err := strconv.ParseInt(os.Getenv("PUBDATA_MAX_UPLOAD"), 10, 64); err == nil && v > 0 {
		s.MaxUpload = v
	}
	// Source databases may be narrowed to address ranges (docs/aggregation-and-quality.md).
	if v := os.Getenv("PUBDATA_SOURCE_ALLOW"); strings.TrimSpace(v) != "" {
		allow, err := netguard.ParseAllow(v)
		if err != nil {
			return fmt.Errorf("PUBDATA_SOURCE_ALLOW: %w", err)
		}
		s.SourceAllow = allow
	}
	// Input limits (docs/aggregation-and-quality.md): zero or unset keeps the default.
	envInt := func(name string) int64 {
		v, _ := strconv.ParseInt(os.Getenv(name), 10, 64)
		return max(v, 0)
	}
	s.Input.Zip.MaxExpanded = envInt("PUBDATA_XLSX_MAX_EXPANDED")
	s.Input.Zip.MaxRatio = envInt("PUBDATA_XLSX_MAX_RATIO")
	s.Input.MaxRows = int(envInt("PUBDATA_XLSX_MAX_ROWS"))
	s.Input.MaxCells = envInt("PUBDATA_XLSX_MAX_CELLS")
	s.Input.MaxCellBytes = int(envInt("PUBDATA_MAX_VALUE_BYTES"))
	if v, err := time.ParseDuration(os.Getenv("PUBDATA_LICENCE_LAG")); err == nil && v > 0 {
		s.LicenceLag = v
	}
	a.Ingest = s
	a.Jobs.Add(jobs.Job{Name: "ingest.pull", Every: time.Minute, Run: func(ctx context.Context, now time.Time) error {
		return s.PullDue(ctx, now)
	}})
	a.Jobs.Add(jobs.Job{Name: "ingest.return_deadlines", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
		_, err := s.RemindReturns(ctx, now)
		return err
	}})
	a.Jobs.Add(jobs.Job{Name: "ingest.freshness", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
		_, err := s.CheckFreshness(ctx, now)
		return err
	}})
	a.Jobs.Add(jobs.Job{Name: "ingest.licences", Every: 5 * time.Minute, Run: func(ctx context.Context, now time.Time) error {
		_, err := s.CheckLicences(ctx, now)
		return err
	}})
	return nil
}
