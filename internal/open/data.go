package open

import (
	"context"
	"errors"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ingest"
	"pubdata/internal/workday"
)

// A data call (download, preview, records) runs in two steps: open checks everything — the
// dataset is published and open, the caller's key (if any) is valid and covers it, authz.Open
// allows, the dataset is not suspended, the caller is within its rate — and computes the plan;
// then the rows stream through the plan. Every call is audited before data leaves.

// call is a checked data call.
type call struct {
	s     *Service
	c     *Caller
	e     catalog.Entry
	st    Settings
	plan  *Plan
	acc   Access
	kind  string // download | records | preview
	start time.Time
}

// begin checks a data call on a dataset and returns its plan.
func (s *Service) begin(ctx context.Context, c *Caller, entryID, kind string) (*call, error) {
	if c == nil {
		c = &Caller{}
	}
	e, err := s.Catalog.Published(ctx, entryID)
	if err != nil || (e.OpenType != catalog.OpenUnconditional && e.OpenType != catalog.OpenConditional) {
		return nil, ErrNotOpen
	}
	if err := s.resolveKey(ctx, c); err != nil {
		s.deny(ctx, c, entryID, kind, err)
		return nil, err
	}
	if err := c.scopeFor(kind); err != nil {
		s.deny(ctx, c, entryID, kind, err)
		return nil, err
	}
	acc, covers := c.access(entryID)
	if err := authz.Open(c.Principal, authz.OpenRead, attrsOf(&e, covers)); err != nil {
		if errors.Is(err, apperr.NotFound) {
			return nil, ErrNotOpen
		}
		s.deny(ctx, c, entryID, kind, err)
		return nil, err
	}
	if e.OpenType == catalog.OpenUnconditional && !acc.Conditional {
		acc = Access{} // an unconditional dataset: the public level, whatever the key
	}
	if err := s.checkSuspended(ctx, entryID); err != nil {
		s.deny(ctx, c, entryID, kind, err)
		return nil, err
	}
	if kind != "preview" { // the dataset page's ten rows: bounded by the page itself
		if err := s.admit(ctx, c); err != nil {
			return nil, err
		}
	}
	st, err := s.SettingsOf(ctx, entryID)
	if err != nil {
		return nil, err
	}
	plan := PlanFor(&e, &st, acc)
	if len(plan.Columns) == 0 {
		return nil, ErrNotOpen.With(apperr.Field("items", "该数据集没有在此访问级别开放的数据项", "no item of this dataset is open at this level"))
	}
	return &call{s: s, c: c, e: e, st: st, plan: plan, acc: acc, kind: kind, start: s.now()}, nil
}

// deny audits a refused data call.
func (s *Service) deny(ctx context.Context, c *Caller, entryID, kind string, cause error) {
	id, nm, org := c.who()
	s.Audit.Log(ctx, audit.Event{ActorID: id, ActorName: nm, OrgID: org, Action: "open." + kind, ObjectType: "catalog_entry", ObjectID: entryID,
		ClientIP: c.ClientIP, Result: audit.Denied, Detail: map[string]any{"code": apperr.As(cause).Code}})
}

// log writes the call's audit record (durable on return, before data leaves).
func (x *call) log(ctx context.Context, action string, result string, detail map[string]any) error {
	id, nm, org := x.c.who()
	if detail == nil {
		detail = map[string]any{}
	}
	if x.c.key != nil {
		detail["key"] = x.c.key.ID
	}
	if x.acc.Conditional {
		detail["level"] = "conditional"
	}
	ev := audit.Event{ActorID: id, ActorName: nm, OrgID: org, Action: action, ObjectType: "catalog_entry", ObjectID: x.e.ID,
		ClientIP: x.c.ClientIP, Result: result, Detail: detail}
	if x.c.key != nil && x.c.key.RefID != "" {
		ev.GrantID = x.c.key.RefID
	}
	return x.s.Audit.Log(ctx, ev)
}

// count adds a call to the dataset's monthly counts and the key's use.
func (x *call) count(ctx context.Context, downloads, calls, rows int64) {
	month := workday.Date(x.s.now()).Format("2006-01")
	ctx = context.WithoutCancel(ctx)
	x.s.DB.ExecContext(ctx, `INSERT INTO open_usage (entry_id, month, downloads, calls, rows_out) VALUES ($1,$2,$3,$4,$5)
		ON CONFLICT (entry_id, month) DO UPDATE SET downloads = open_usage.downloads + excluded.downloads,
		calls = open_usage.calls + excluded.calls, rows_out = open_usage.rows_out + excluded.rows_out`, x.e.ID, month, downloads, calls, rows)
	if x.c.key != nil {
		x.s.DB.ExecContext(ctx, "UPDATE open_keys SET calls = calls + 1, last_used_at = $1 WHERE id = $2", db.Millis(x.s.now()), x.c.key.ID)
	}
}

// DownloadOptions choose a download.
type DownloadOptions struct {
	Format  string `json:"format"`  // csv | xlsx | json | parquet
	Version int64  `json:"version"` // 0: current; else a retained version (version history)
	FormatOptions
}

// Download is a checked download, ready to stream (headers first: ContentType, FileName).
type Download struct {
	x   *call
	opt DownloadOptions
	key string // export cache key ("" when not cacheable)
}

// BeginDownload checks a download of a dataset (OPN-2: no login for unconditionally open data)
// and audits its start; Write streams it.
func (s *Service) BeginDownload(ctx context.Context, c *Caller, entryID string, opt DownloadOptions) (_ *Download, err error) {
	defer errs.Wrap(&err, "open: BeginDownload(%s)", entryID)
	if opt.Format == "" {
		opt.Format = FormatCSV
	}
	if _, err := NewRowWriter(opt.Format, io.Discard, opt.FormatOptions); err != nil {
		return nil, err
	}
	if opt.Version < 0 {
		return nil, apperr.BadRequest.With(apperr.Field("version", "版本号无效", "invalid version"))
	}
	x, err := s.begin(ctx, c, entryID, "download")
	if err != nil {
		return nil, err
	}
	cur := s.Data.SummaryOf(ctx, entryID)
	if cur.CurrentVersion == 0 {
		return nil, ErrNoData
	}
	if opt.Version > cur.CurrentVersion {
		return nil, apperr.NotFound.With(apperr.Field("version", "没有该版本", "no such version"))
	}
	if opt.Format == FormatXLSX && cur.Rows > int64(s.Limits.MaxXLSXRows) && (opt.Version == 0 || opt.Version == cur.CurrentVersion) {
		return nil, ErrTooMany
	}
	if opt.Version == 0 {
		opt.Version = cur.CurrentVersion
	}
	if err := x.log(ctx, "open.download", audit.OK, map[string]any{"format": opt.Format, "version": opt.Version, "items": x.plan.Names()}); err != nil {
		return nil, err
	}
	d := &Download{x: x, opt: opt}
	d.key = s.exportKey(ctx, d)
	return d, nil
}

// ContentType is the MIME type of the download.
func (d *Download) ContentType() string { return ContentType(d.opt.Format, d.opt.FormatOptions) }

// FileName is the download's file name: the entry code, the version and the format.
func (d *Download) FileName() string {
	code := d.x.e.Code
	if code == "" {
		code = d.x.e.ID
	}
	return code + "-v" + strconv.FormatInt(d.opt.Version, 10) + "." + d.opt.Format
}

// Plan is what the download lets out.
func (d *Download) Plan() *Plan { return d.x.plan }

// Write streams the dataset through the opening plan in the chosen format, then records the
// rows sent (audit open.download.done) and the month's counts.
//
// A download already in the export cache is copied from its file; otherwise the first download
// of a cacheable version writes the file as it streams (exports.go).
func (d *Download) Write(ctx context.Context, w io.Writer) (_ int64, err error) {
	defer errs.Wrap(&err, "open: Download.Write")
	if f, m, ok := d.cached(); ok {
		sent, err := io.Copy(w, f)
		f.Close()
		d.finish(ctx, m.Rows, http.StatusOK, sent, err)
		return m.Rows, err
	}
	var tee *exportTee
	if d.key != "" {
		tee = d.x.s.newExportTee(d.x.e.ID, d.key, d.opt.Format)
	}
	out := w
	if tee != nil {
		out = io.MultiWriter(w, tee)
	}
	rw, err := NewRowWriter(d.opt.Format, out, d.opt.FormatOptions)
	if err != nil {
		return 0, err
	}
	n, err := d.x.stream(ctx, rw, d.opt.Version, d.opt.Format == FormatXLSX)
	if tee != nil {
		tee.finish(err == nil, n)
	}
	result := audit.OK
	if err != nil {
		result = audit.Failed
	}
	d.x.log(context.WithoutCancel(ctx), "open.download.done", result, map[string]any{"format": d.opt.Format, "version": d.opt.Version, "rows": n})
	d.x.count(ctx, 1, 0, n)
	return n, err
}

// stream writes every row of a version through the plan. Reading and writing are pipelined: one
// goroutine scans the database (ingest.ScanBulk, chunks built inside SQLite) into a few reused
// batches while the caller's goroutine masks, encodes and writes them, so a download uses two
// cores and a bounded amount of memory (streamBatches batches of streamBatchRows rows),
// whatever the dataset's size.
func (x *call) stream(ctx context.Context, rw RowWriter, version int64, capped bool) (int64, error) {
	if err := rw.Begin(x.plan.Columns); err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cols := len(x.plan.Columns)
	full := make(chan *rowBatch, streamBatches)
	free := make(chan *rowBatch, streamBatches+1)
	for i := 0; i < streamBatches+1; i++ {
		b := &rowBatch{rows: make([][]string, streamBatchRows)}
		for j := range b.rows {
			b.rows[j] = make([]string, cols)
		}
		free <- b
	}
	scanErr := make(chan error, 1)
	go func() {
		defer close(full)
		cur := <-free
		_, err := x.s.Data.ScanBulk(ctx, x.e.ID, x.plan.Names(), version, func(row []string) error {
			copy(cur.rows[cur.n], row)
			cur.n++
			if cur.n == streamBatchRows {
				select {
				case full <- cur:
				case <-ctx.Done():
					return ctx.Err()
				}
				select {
				case cur = <-free:
				case <-ctx.Done():
					return ctx.Err()
				}
				cur.n = 0
			}
			return nil
		})
		if err == nil && cur.n > 0 {
			select {
			case full <- cur:
			case <-ctx.Done():
				err = ctx.Err()
			}
		}
		scanErr <- err
	}()
	var n int64
	limit := int64(x.s.Limits.MaxXLSXRows)
	var err error
	for b := range full {
		if err != nil {
			continue // drain after a failure (the scan is being cancelled)
		}
		for i := 0; i < b.n; i++ {
			if capped && n >= limit {
				err = ErrTooMany
				break
			}
			row := b.rows[i]
			x.plan.Apply(row)
			n++
			if err = rw.Write(row); err != nil {
				break
			}
		}
		if err != nil {
			cancel()
		}
		b.n = 0
		free <- b
	}
	if serr := <-scanErr; err == nil && serr != nil {
		err = serr
		if errors.Is(err, ingest.ErrNoData) {
			err = ErrNoData
		}
	}
	if eerr := rw.End(); err == nil {
		err = eerr
	}
	return n, err
}

// rowBatch is a batch of rows passed from the scan to the writer.
type rowBatch struct {
	rows [][]string
	n    int
}

const (
	streamBatchRows = 1024
	streamBatches   = 4
)

// RecordsQuery is one page of the open records API.
type RecordsQuery struct {
	Filter  map[string]string // equality on open, unmasked items
	Cursor  string            // from the previous page's Next
	Limit   int               // 1 … Limits.MaxPage (default 100)
	Version int64             // 0: current
}

// RecordsPage is one page of records.
type RecordsPage struct {
	DatasetID string     `json:"dataset_id"`
	Version   int64      `json:"version"`
	Columns   []Column   `json:"columns"`
	Rows      [][]string `json:"-"`
	Records   []Record   `json:"records"`
	Next      string     `json:"next_cursor,omitempty"` // empty: the last page
	Count     int        `json:"count"`
}

// Record is one row as an object, keys in column order when encoded.
type Record = orderedRecord

// Records answers one page of the open records API (OPN-2): filters on open, unmasked items,
// cursor paging without a total cap (the cursor is sealed, so it never shows a key that does not
// leave), the page size bounded. Audited (open.records) with the rows returned; counted.
func (s *Service) Records(ctx context.Context, c *Caller, entryID string, q RecordsQuery) (_ *RecordsPage, err error) {
	defer errs.Wrap(&err, "open: Records(%s)", entryID)
	return s.records(ctx, c, entryID, q, "records")
}

// Preview returns the first rows of a dataset as its page shows them (the same plan as every
// download). Audited (open.preview).
func (s *Service) Preview(ctx context.Context, c *Caller, entryID string) (_ *RecordsPage, err error) {
	defer errs.Wrap(&err, "open: Preview(%s)", entryID)
	return s.records(ctx, c, entryID, RecordsQuery{Limit: s.Limits.PreviewRows}, "preview")
}

func (s *Service) records(ctx context.Context, c *Caller, entryID string, q RecordsQuery, kind string) (*RecordsPage, error) {
	if q.Limit == 0 {
		q.Limit = 100
	}
	if q.Limit < 1 || q.Limit > s.Limits.MaxPage {
		return nil, apperr.BadRequest.With(apperr.Field("limit", "每页 1–"+strconv.Itoa(s.Limits.MaxPage)+" 条", "limit must be 1–"+strconv.Itoa(s.Limits.MaxPage)))
	}
	if len(q.Filter) > s.Limits.MaxFilterFields {
		return nil, ErrFilter
	}
	x, err := s.begin(ctx, c, entryID, kind)
	if err != nil {
		return nil, err
	}
	for k := range q.Filter {
		col, ok := x.plan.Column(k)
		if !ok || col.Masked || col.MinCount > 0 {
			return nil, ErrFilter.With(apperr.Field(k, "不能按该信息项筛选", "cannot filter on this item"))
		}
	}
	opt := ingest.ScanOptions{Filter: q.Filter, Ordered: true, Limit: q.Limit + 1, Version: q.Version}
	var version int64
	if q.Cursor != "" {
		plain, err := s.openCursor(ctx, entryID, q.Cursor)
		if err != nil {
			return nil, err
		}
		v, pos, ok := strings.Cut(plain, "|")
		if !ok {
			return nil, ErrCursor
		}
		version, _ = strconv.ParseInt(v, 10, 64)
		opt.Version = version
		switch {
		case strings.HasPrefix(pos, "k"):
			opt.AfterKey = pos[1:]
		case strings.HasPrefix(pos, "o"):
			opt.Offset, _ = strconv.ParseInt(pos[1:], 10, 64)
		default:
			return nil, ErrCursor
		}
	}
	pg := &RecordsPage{DatasetID: entryID, Columns: x.plan.Columns, Records: []Record{}}
	var lastKey string
	info, err := s.Data.ScanColumns(ctx, entryID, x.plan.Names(), opt, func(key string, row []string) error {
		if len(pg.Rows) == q.Limit {
			pg.Next = "more"
			return nil
		}
		x.plan.Apply(row)
		pg.Rows = append(pg.Rows, append([]string(nil), row...))
		lastKey = key
		return nil
	})
	switch {
	case errors.Is(err, ingest.ErrNoData):
		return nil, ErrNoData
	case errors.Is(err, ingest.ErrVersionGone):
		return nil, err
	case err != nil:
		return nil, apperr.As(err)
	}
	pg.Version = info.Version
	if pg.Next != "" {
		pos := "o" + strconv.FormatInt(opt.Offset+int64(len(pg.Rows)), 10)
		if info.Keyed {
			pos = "k" + lastKey
		}
		if pg.Next, err = s.sealCursor(ctx, entryID, strconv.FormatInt(info.Version, 10)+"|"+pos); err != nil {
			return nil, err
		}
	}
	pg.Count = len(pg.Rows)
	names := x.plan.Names()
	for _, r := range pg.Rows {
		pg.Records = append(pg.Records, orderedRecord{names: names, vals: r})
	}
	fields := make([]string, 0, len(q.Filter))
	for k := range q.Filter {
		fields = append(fields, k)
	}
	sort.Strings(fields)
	if err := x.log(ctx, "open."+kind, audit.OK, map[string]any{"version": pg.Version, "rows": pg.Count, "filter_fields": fields}); err != nil {
		return nil, err
	}
	if kind == "records" {
		x.count(ctx, 0, 1, int64(pg.Count))
	}
	return pg, nil
}

// WriteRows writes a records page in a download format (records_format=csv).
func (pg *RecordsPage) WriteRows(format string, w io.Writer, opt FormatOptions) error {
	rw, err := NewRowWriter(format, w, opt)
	if err != nil {
		return err
	}
	if err := rw.Begin(pg.Columns); err != nil {
		return err
	}
	for _, r := range pg.Rows {
		if err := rw.Write(r); err != nil {
			return err
		}
	}
	return rw.End()
}

// orderedRecord encodes as a JSON object with its keys in column order.
type orderedRecord struct {
	names []string
	vals  []string
}

// MarshalJSON implements json.Marshaler.
func (r orderedRecord) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, n := range r.names {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, n)
		b = append(b, ':')
		b = appendJSONString(b, r.vals[i])
	}
	return append(b, '}'), nil
}

// Get returns the value of a column.
func (r orderedRecord) Get(name string) string {
	for i, n := range r.names {
		if n == name {
			return r.vals[i]
		}
	}
	return ""
}
