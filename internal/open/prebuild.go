package open

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"pubdata/internal/authz"
	"pubdata/internal/catalog"
)

// Building the export cache ahead of the first download (下载文件预生成), and bounding its size.
//
// When a new version of an open dataset commits (or its opening settings change), its public CSV
// download — the format, options and access level of the dataset page's download link — is
// written into the export cache in the background, so that the first user to download it is
// served from the file like every later one. The build is the download's own path (the plan,
// masking, suppression, formula neutralisation, the same cache key and file), without a caller:
// it is not a download, so it is neither audited as one nor counted; a dataset that is not open
// to the public, is suspended or holds no data is not built.
//
// Builds are queued per dataset (a dataset queued twice is built once, for its latest version)
// and run by at most ExportBuilders goroutines at a time. They run on a node once its jobs have
// started (the "open.exports" job, registered by the app wiring, turns them on at its first run
// and builds what is still queued); a node without jobs, and the tests, build only when asked
// (BuildQueuedExports).
//
// ExportCacheMax bounds the cache directory: after a file is written, files are removed
// least recently served first (a download served from a file marks it as used) until the total
// is within the bound; the file just written is kept even if it alone exceeds it.

// DefaultExportCacheMax is the export cache's default size bound (2 GiB).
const DefaultExportCacheMax int64 = 2 << 30

type exportQueue struct {
	mu      sync.Mutex
	pending map[string]bool // entries waiting for a build
	auto    bool            // builds start as soon as they are queued
	running int             // builder goroutines running
	wg      sync.WaitGroup
}

// QueueExport asks for the public CSV download of an entry's current version to be built in
// the background (a new version committed, new opening settings).
func (s *Service) QueueExport(entryID string) {
	if s.ExportDir == "" || entryID == "" {
		return
	}
	q := &s.exportQueue
	q.mu.Lock()
	if q.pending == nil {
		q.pending = map[string]bool{}
	}
	q.pending[entryID] = true
	start := q.auto && q.running < s.builders()
	if start {
		q.running++
		q.wg.Add(1)
	}
	q.mu.Unlock()
	if start {
		go func() {
			defer q.wg.Done()
			s.drainExports(context.Background(), true)
		}()
	}
}

// StartExportBuilds makes later QueueExport calls build at once (in at most ExportBuilders
// goroutines) and builds what is queued; the "open.exports" job calls it.
func (s *Service) StartExportBuilds(ctx context.Context) (int, error) {
	s.exportQueue.mu.Lock()
	s.exportQueue.auto = true
	s.exportQueue.mu.Unlock()
	return s.BuildQueuedExports(ctx)
}

// BuildQueuedExports builds every queued export now and reports how many files it wrote.
func (s *Service) BuildQueuedExports(ctx context.Context) (int, error) {
	return s.drainExports(ctx, false)
}

// WaitExportBuilds waits for the background builds running now (tests, shutdown).
func (s *Service) WaitExportBuilds() { s.exportQueue.wg.Wait() }

func (s *Service) builders() int {
	if s.ExportBuilders <= 0 {
		return 1
	}
	return s.ExportBuilders
}

// drainExports builds queued entries until the queue is empty. A background builder (worker)
// gives its slot back when it stops.
func (s *Service) drainExports(ctx context.Context, worker bool) (int, error) {
	q := &s.exportQueue
	built := 0
	var firstErr error
	for {
		q.mu.Lock()
		id := ""
		for k := range q.pending {
			id = k
			break
		}
		if id == "" {
			if worker {
				q.running--
			}
			q.mu.Unlock()
			return built, firstErr
		}
		delete(q.pending, id)
		q.mu.Unlock()
		ok, err := s.BuildExport(ctx, id)
		if err != nil {
			slog.Warn("open export build failed", "entry", id, "err", err)
			if firstErr == nil {
				firstErr = err
			}
		}
		if ok {
			built++
		}
	}
}

// BuildExport writes the public CSV download of an entry's current version into the export
// cache, unless it is there already or the dataset is not downloadable by the public now. It
// reports whether it wrote the file.
func (s *Service) BuildExport(ctx context.Context, entryID string) (bool, error) {
	if s.ExportDir == "" {
		return false, nil
	}
	e, err := s.Catalog.Published(ctx, entryID)
	if err != nil || (e.OpenType != catalog.OpenUnconditional && e.OpenType != catalog.OpenConditional) {
		return false, nil
	}
	if authz.Open(nil, authz.OpenRead, attrsOf(&e, false)) != nil {
		return false, nil
	}
	if err := s.checkSuspended(ctx, entryID); err != nil {
		return false, nil
	}
	st, err := s.SettingsOf(ctx, entryID)
	if err != nil {
		return false, err
	}
	plan := PlanFor(&e, &st, Access{})
	cur := s.Data.SummaryOf(ctx, entryID)
	if len(plan.Columns) == 0 || cur.CurrentVersion == 0 {
		return false, nil
	}
	start := time.Now()
	x := &call{s: s, c: &Caller{}, e: e, st: st, plan: plan, kind: "download", start: s.now()}
	d := &Download{x: x, opt: DownloadOptions{Format: FormatCSV, Version: cur.CurrentVersion}}
	if d.key = s.exportKey(ctx, d); d.key == "" || d.Cached() {
		return false, nil
	}
	tee := s.newExportTee(e.ID, d.key, FormatCSV)
	if tee == nil {
		return false, nil // a download is writing it
	}
	rw, err := NewRowWriter(FormatCSV, tee, d.opt.FormatOptions)
	if err != nil {
		tee.finish(false, 0)
		return false, err
	}
	n, err := x.stream(ctx, rw, d.opt.Version, false)
	tee.finish(err == nil, n)
	if err != nil {
		return false, err
	}
	slog.Info("open export built", "entry", e.ID, "version", d.opt.Version, "rows", n, "took", time.Since(start).Round(time.Millisecond))
	return true, nil
}

func (s *Service) exportCacheMax() int64 {
	if s.ExportCacheMax == 0 {
		return DefaultExportCacheMax
	}
	return s.ExportCacheMax
}

// sweepExports removes cached files, least recently served first, until the cache is within
// ExportCacheMax (a negative bound: no bound); keep is never removed.
func (s *Service) sweepExports(keep string) {
	limit := s.exportCacheMax()
	if s.ExportDir == "" || limit < 0 {
		return
	}
	s.exports.sweep.Lock()
	defer s.exports.sweep.Unlock()
	type file struct {
		path string
		size int64
		used time.Time
	}
	var files []file
	var total int64
	filepath.WalkDir(s.ExportDir, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return nil
		}
		info, err := de.Info()
		if err != nil {
			return nil
		}
		name := de.Name()
		if strings.HasPrefix(name, ".tmp-") && time.Since(info.ModTime()) > time.Hour {
			os.Remove(p) // left by a build the process did not finish (a restart)
			return nil
		}
		total += info.Size()
		if strings.HasPrefix(name, ".tmp-") || strings.HasSuffix(name, ".json") || p == keep {
			return nil // being written, metadata (removed with its file), or the file just written
		}
		files = append(files, file{p, info.Size(), info.ModTime()})
		return nil
	})
	if total <= limit {
		return
	}
	sort.Slice(files, func(i, j int) bool { return files[i].used.Before(files[j].used) })
	for _, f := range files {
		if total <= limit {
			break
		}
		// The metadata first: a file without its metadata is never served.
		if st, err := os.Stat(f.path + ".json"); err == nil {
			total -= st.Size()
			os.Remove(f.path + ".json")
		}
		if os.Remove(f.path) == nil {
			total -= f.size
		}
		os.Remove(filepath.Dir(f.path)) // the entry's directory, once empty
	}
}

// touchExport marks a cached file as served now (its place in the sweep's order), at most once
// a minute per file.
func touchExport(f *os.File) {
	if st, err := f.Stat(); err == nil && time.Since(st.ModTime()) > time.Minute {
		now := time.Now()
		os.Chtimes(f.Name(), now, now)
	}
}
