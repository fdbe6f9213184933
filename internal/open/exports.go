package open

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"pubdata/internal/audit"
)

// Export cache (下载文件缓存). A dataset's download at the public level is the same bytes for
// every caller until something it is derived from changes, so the first download of a version
// in a format writes the transformed file once, beside the answer it streams, into
// Service.ExportDir; later downloads are served from that file (with its length, ranges and an
// ETag) instead of reading and transforming every row again.
//
// What stays per call: every check of begin (published and open, key, authorization, the
// suspension check, the rate), the audit records before and after, the counts. What is cached
// is only the output, under a key that covers everything it is derived from: the entry, the
// load that committed the version (ingest.VersionStamp: a new load is a new key), the opening
// plan with its masking rules and suppression, the format and its options, and the program's
// build (a new release re-derives). A stale file is therefore never served; the entry's files
// are also removed when a new version commits, when it is suspended and when its opening
// settings change, so the disk holds no more than the current downloads.
//
// Conditionally open downloads (an approved key) are never cached: they are one applicant's,
// narrowed per approval.

// exportLayout changes when the writers change what they write.
const exportLayout = 1

var buildStamp = func() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" {
				return s.Value
			}
		}
		return bi.Main.Version
	}
	return ""
}()

type exportMeta struct {
	Rows    int64 `json:"rows"`
	Bytes   int64 `json:"bytes"`
	Created int64 `json:"created"` // Unix ms
}

type exportCache struct {
	mu       sync.Mutex
	building map[string]bool
	sweep    sync.Mutex
}

func (s *Service) exportPath(entryID, key, format string) string {
	return filepath.Join(s.ExportDir, entryID, key+"."+format)
}

// exportKey is the cache key of a download, "" when it is not cacheable.
func (s *Service) exportKey(ctx context.Context, d *Download) string {
	if s.ExportDir == "" || d.x.acc.Conditional || len(d.x.acc.Fields) > 0 {
		return ""
	}
	stamp, _, err := s.Data.VersionStamp(ctx, d.x.e.ID, d.opt.Version)
	if err != nil {
		return ""
	}
	enc := d.opt.Encoding
	if enc == "" {
		enc = "utf-8" // the same bytes
	}
	h := sha256.New()
	fmt.Fprintf(h, "%d\x00%s\x00%s\x00%s\x00%d\x00%s\x00%t\x00%s\x00%t\x00", exportLayout, buildStamp, d.x.e.ID, stamp, d.opt.Version,
		d.opt.Format, d.opt.BOM, enc, d.opt.Labels)
	for _, c := range d.x.plan.Columns {
		fmt.Fprintf(h, "%q %q %q %q %q %t %d %#v\x00", c.Name, c.Label, c.LabelEN, c.Type, c.Kind, c.Masked, c.MinCount, c.Rule)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// cached opens the cached file of a download, if one is complete.
func (d *Download) cached() (*os.File, exportMeta, bool) {
	if d.key == "" {
		return nil, exportMeta{}, false
	}
	p := d.x.s.exportPath(d.x.e.ID, d.key, d.opt.Format)
	var m exportMeta
	b, err := os.ReadFile(p + ".json")
	if err != nil || json.Unmarshal(b, &m) != nil {
		return nil, m, false
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, m, false
	}
	if st, err := f.Stat(); err != nil || st.Size() != m.Bytes {
		f.Close()
		return nil, m, false
	}
	touchExport(f)
	return f, m, true
}

// Cached tells whether the download will be served from the export cache.
func (d *Download) Cached() bool {
	f, _, ok := d.cached()
	if ok {
		f.Close()
	}
	return ok
}

// claim reserves the writing of a cache file (one writer per key; a second caller streams
// without caching).
func (s *Service) claimExport(key string) bool {
	s.exports.mu.Lock()
	defer s.exports.mu.Unlock()
	if s.exports.building == nil {
		s.exports.building = map[string]bool{}
	}
	if s.exports.building[key] {
		return false
	}
	s.exports.building[key] = true
	return true
}

func (s *Service) releaseExport(key string) {
	s.exports.mu.Lock()
	delete(s.exports.building, key)
	s.exports.mu.Unlock()
}

// exportTee is the file a first download writes beside its answer.
type exportTee struct {
	s    *Service
	key  string
	path string
	f    *os.File
	bw   *bufio.Writer
	n    int64
	err  error
}

func (s *Service) newExportTee(entryID, key, format string) *exportTee {
	if !s.claimExport(key) {
		return nil
	}
	p := s.exportPath(entryID, key, format)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		s.releaseExport(key)
		return nil
	}
	f, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		s.releaseExport(key)
		return nil
	}
	return &exportTee{s: s, key: key, path: p, f: f, bw: bufio.NewWriterSize(f, 1<<20)}
}

// Write never fails the download: a cache that cannot be written is dropped.
func (t *exportTee) Write(b []byte) (int, error) {
	if t.err == nil {
		_, t.err = t.bw.Write(b)
		t.n += int64(len(b))
	}
	return len(b), nil
}

// finish keeps the file when the whole download was written (ok), else removes it.
func (t *exportTee) finish(ok bool, rows int64) {
	defer t.s.releaseExport(t.key)
	if ok && t.err == nil {
		t.err = t.bw.Flush()
	}
	if ok && t.err == nil {
		t.err = t.f.Sync()
	}
	cerr := t.f.Close()
	if !ok || t.err != nil || cerr != nil {
		os.Remove(t.f.Name())
		return
	}
	m, _ := json.Marshal(exportMeta{Rows: rows, Bytes: t.n, Created: time.Now().UnixMilli()})
	// The metadata first, then the file: a file present without its metadata is not served,
	// and the metadata's byte count must match the file's.
	if err := os.WriteFile(t.path+".json", m, 0o600); err != nil {
		os.Remove(t.f.Name())
		return
	}
	if err := os.Rename(t.f.Name(), t.path); err != nil {
		os.Remove(t.f.Name())
		return
	}
	t.s.sweepExports(t.path)
}

// dropExports removes every cached download of an entry (a new version, a suspension, new
// opening settings). The keys already make stale files unreachable; this frees the disk.
func (s *Service) dropExports(entryID string) {
	if s.ExportDir == "" || entryID == "" || filepath.Base(entryID) != entryID {
		return
	}
	os.RemoveAll(filepath.Join(s.ExportDir, entryID))
}

// DropExports is dropExports for the app wiring (a committed load of the entry).
func (s *Service) DropExports(entryID string) { s.dropExports(entryID) }

// ServeHTTP answers the download: from the export cache when the file is there (with
// Content-Length, Range and an ETag, so that interrupted downloads resume), else streamed
// while the cache file is written. Headers name the file; X-Pubdata-Export says which path
// answered (cached | generated | streamed). Once the headers are out an error can only
// truncate the body; the audit log records the download's outcome.
func (d *Download) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", d.ContentType())
	h.Set("Content-Disposition", `attachment; filename="`+d.FileName()+`"`)
	h.Set("Cache-Control", "no-store")
	if f, m, ok := d.cached(); ok {
		defer f.Close()
		h.Set("X-Pubdata-Export", "cached")
		h.Set("ETag", `"`+d.key+`"`)
		cw := &countingWriter{ResponseWriter: w}
		http.ServeContent(cw, r, "", time.UnixMilli(m.Created), f)
		d.finish(r.Context(), m.Rows, cw.status, cw.n, nil)
		return
	}
	if d.key != "" {
		h.Set("X-Pubdata-Export", "generated")
	} else {
		h.Set("X-Pubdata-Export", "streamed")
	}
	w.WriteHeader(http.StatusOK)
	d.Write(r.Context(), w)
}

// finish records a download served from the cache: audit (open.download.done) and counts.
func (d *Download) finish(ctx context.Context, rows int64, status int, sent int64, err error) {
	result := audit.OK
	if err != nil || status >= 400 {
		result = audit.Failed
	}
	detail := map[string]any{"format": d.opt.Format, "version": d.opt.Version, "rows": rows, "cached": true, "bytes": sent}
	if status != http.StatusOK {
		detail["status"] = status
	}
	d.x.log(context.WithoutCancel(ctx), "open.download.done", result, detail)
	d.x.count(ctx, 1, 0, rows)
}

// countingWriter counts the body bytes http.ServeContent sends and keeps sendfile (ReadFrom).
type countingWriter struct {
	http.ResponseWriter
	status int
	n      int64
}

func (c *countingWriter) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *countingWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	n, err := c.ResponseWriter.Write(b)
	c.n += int64(n)
	return n, err
}

func (c *countingWriter) ReadFrom(r io.Reader) (int64, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	n, err := io.Copy(c.ResponseWriter, r) // the server's ReaderFrom: sendfile from the cache file
	c.n += n
	return n, err
}

func (c *countingWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }
