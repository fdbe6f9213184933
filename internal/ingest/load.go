package ingest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"math"
	"net/http"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
)

// LoadRequest describes one load.
type LoadRequest struct {
	EntryID string `json:"entry_id"`
	Mode    Mode   `json:"mode"`    // replace (default) or upsert
	Partial bool   `json:"partial"` // "load valid rows, report the rest" (仅导入有效行); otherwise any problem rejects the whole load
	Channel Channel
	Format  Format // csv, xlsx, jsonl; "" = from FileName
	// FileName is shown in versions and reports.
	FileName string
	// Body is the file (CSV, XLSX, JSON Lines), read as a stream.
	Body io.Reader
	// Objects are pushed rows (API push): field name (or label) → value.
	Objects []map[string]any
	// Deletes are keys to remove from the current version (upsert only).
	Deletes []string
	// BatchID makes a push idempotent: a batch id already loaded for the entry returns the
	// earlier result instead of loading again.
	BatchID  string
	SourceID string
	ClientIP string
	// At backdates the load (historical imports, the demo); zero means now.
	At time.Time

	parser   parser                                      // table pull
	onCommit func(ctx context.Context, tx *sql.Tx) error // inside the commit (pull watermark)
}

// Load is the record of one load attempt.
type Load struct {
	ID            string    `json:"id"`
	EntryID       string    `json:"entry_id"`
	Version       int64     `json:"version"`
	Status        string    `json:"status"`
	Channel       Channel   `json:"channel"`
	Mode          Mode      `json:"mode"`
	Partial       bool      `json:"partial"`
	Format        string    `json:"format,omitempty"`
	Encoding      string    `json:"encoding,omitempty"`
	FileName      string    `json:"file_name,omitempty"`
	BatchID       string    `json:"batch_id,omitempty"`
	SourceID      string    `json:"source_id,omitempty"`
	RowsRead      int64     `json:"rows_read"`
	RowsLoaded    int64     `json:"rows_loaded"`
	RowsRejected  int64     `json:"rows_rejected"`
	RowsUnchanged int64     `json:"rows_unchanged"`
	RowsDeleted   int64     `json:"rows_deleted"`
	RowsTotal     int64     `json:"rows_total"`
	Checksum      string    `json:"checksum,omitempty"`
	Score         float64   `json:"score"`
	ActorID       string    `json:"actor_id"`
	ActorName     string    `json:"actor_name"`
	OrgID         string    `json:"org_id"`
	StartedAt     time.Time `json:"started_at"`
	FinishedAt    time.Time `json:"finished_at,omitzero"` // unset while the load runs
	Error         string    `json:"error,omitempty"`
	Pinned        bool      `json:"pinned,omitempty"`
}

// LoadResult is what a load returns: its record and quality report. Replayed is set when a
// pushed batch id had already been loaded.
type LoadResult struct {
	Load     Load    `json:"load"`
	Report   *Report `json:"report"`
	Replayed bool    `json:"replayed,omitempty"`
	// NoNewRows is set by an incremental pull that found nothing past its watermark: no load was
	// made (Load is empty); the source is up and the data current.
	NoNewRows bool      `json:"-"`
	Problems  []Problem `json:"-"`
}

// Load authorizes p and loads data into a published entry (AGG-1, AGG-2).
func (s *Service) Load(ctx context.Context, p *authz.Principal, req LoadRequest) (_ *LoadResult, err error) {
	defer errs.Wrap(&err, "ingest: Load")
	e, err := s.entry(ctx, req.EntryID)
	if err != nil {
		return nil, err
	}
	if err := authz.Ingest(p, authz.Create, attrsOf(e)); err != nil {
		s.logDenied(ctx, ActorOf(p, req.ClientIP), "ingest.load", e.ID)
		return nil, err
	}
	return s.LoadEntry(ctx, ActorOf(p, req.ClientIP), e, req)
}

func (s *Service) logDenied(ctx context.Context, act Actor, action, entryID string) {
	if s.Audit == nil {
		return
	}
	s.Audit.Log(ctx, audit.Event{ActorID: act.ID, ActorName: act.Name, OrgID: act.OrgID, Action: action, ObjectType: "catalog_entry",
		ObjectID: entryID, Result: audit.Denied, ClientIP: act.ClientIP})
}

// batch is a run of validated rows on their way to storage.
type batch struct {
	rows [][]string
	keys []string
	nv   []driver.NamedValue // the rows as driver values (SQLite bulk writer)
}

// checkResult is what the checking goroutine reports.
type checkResult struct {
	read, valid, invalid int64
	blocked              bool // a problem that rejects the load in strict mode
	err                  error
	sum                  hash.Hash
}

// LoadEntry loads into e on behalf of act without an authorization check (callers: Load, the
// pull job, returns, the demo and benchmarks). Rows are parsed and checked in one goroutine while
// the calling goroutine writes them inside one transaction; the new version becomes visible at
// commit, all at once.
func (s *Service) LoadEntry(ctx context.Context, act Actor, e *catalog.Entry, req LoadRequest) (_ *LoadResult, err error) {
	defer errs.Wrap(&err, "ingest: LoadEntry")
	started := s.now()
	if !req.At.IsZero() {
		started = req.At
	}
	wall := time.Now()
	if req.Mode == "" {
		req.Mode = ModeReplace
	}
	if req.Mode != ModeReplace && req.Mode != ModeUpsert {
		return nil, apperr.Invalid.With(apperr.Field("mode", "导入方式应为全量替换或按主键更新", "the mode must be a full replacement or an update by key"))
	}
	if req.Channel == "" {
		req.Channel = ChannelFile
	}
	if req.Mode == ModeUpsert && len(e.KeyFields()) == 0 {
		return nil, ErrNoKey
	}
	if len(req.Deletes) > 0 && req.Mode != ModeUpsert {
		return nil, apperr.Invalid.With(apperr.Field("deletes", "只有按主键更新的方式可以删除记录", "only an update by key can delete records"))
	}
	if req.BatchID != "" {
		if len(req.BatchID) > 128 {
			return nil, apperr.Invalid.With(apperr.Field("batch_id", "批次号过长（最多 128 个字符）", "batch id too long (at most 128 characters)"))
		}
		if res, err := s.replay(ctx, e.ID, req.BatchID); err != nil || res != nil {
			return res, err
		}
	}
	p, err := s.parserFor(ctx, e, &req)
	if err != nil {
		return nil, readErr(err)
	}
	defer p.close()

	t, err := s.ensureTable(ctx, e)
	if err != nil {
		return nil, err
	}
	var regions map[string]bool
	for _, f := range e.Fields {
		if f.Kind == catalog.KindRegionCode {
			if regions, err = s.regionSet(ctx); err != nil {
				return nil, err
			}
			break
		}
	}
	var extra []RowRule
	if s.ExtraRules != nil {
		if extra, err = s.ExtraRules(ctx, e); err != nil {
			return nil, err
		}
	}
	rb := newReportBuilder(e, s.maxProblems())
	hprobs, fatal := p.header()
	for _, hp := range hprobs {
		rb.add(hp, "", false)
	}
	blockedByHeader := fatal || (len(hprobs) > 0 && !req.Partial)
	chk := newChecker(e, regions, extra, rb, started)
	chk.maxCell = s.Input.MaxCellBytes

	l := Load{ID: ids.New(), EntryID: e.ID, Channel: req.Channel, Mode: req.Mode, Partial: req.Partial, Format: string(req.Format),
		Encoding: p.encoding(), FileName: clip(req.FileName, 200), BatchID: req.BatchID, SourceID: req.SourceID,
		ActorID: act.ID, ActorName: act.Name, OrgID: act.OrgID, StartedAt: started}
	rep := &Report{LoadID: l.ID, EntryID: e.ID, EntryName: e.Name, Channel: req.Channel, Mode: req.Mode, Partial: req.Partial,
		Format: l.Format, Encoding: l.Encoding, FileName: l.FileName, CreatedAt: started}

	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	done := false
	defer func() {
		if !done {
			tx.Rollback()
		}
	}()
	meta, err := s.tableOf(ctx, tx, e.ID, true)
	if err != nil {
		return nil, err
	}
	v := meta.NextVersion
	rep.Timeliness = rb.timeliness(e.Frequency, db.FromMillis(meta.LastLoadAt), started)

	w := s.newWriter(ctx, conn, tx, t, e, req.Mode, v)
	if err := w.prepare(ctx); err != nil {
		return nil, err
	}

	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make(chan *batch, 4)
	var res checkResult
	go func() {
		defer close(out)
		res = s.runChecks(cctx, p, chk, out, req.Partial, blockedByHeader, w.pack, s.cellSealer(cctx, t, e))
	}()
	werr := w.consume(cctx, out)
	if werr != nil {
		cancel()
	}
	for range out { // consume returns on error or once out is closed; either way wait for the checker
	}

	l.RowsRead, l.RowsRejected = res.read, res.invalid
	rep.RowsRead, rep.RowsValid, rep.RowsInvalid = res.read, res.valid, res.invalid
	fail := func(status string, cause error) (*LoadResult, error) {
		tx.Rollback()
		done = true
		l.Status = status
		l.FinishedAt = s.now()
		rep.Status = status
		rep.Seconds = time.Since(wall).Seconds()
		rb.finish(rep)
		l.Score = rep.Score
		ae := apperr.As(cause)
		l.Error = ae.ZH + " / " + ae.EN
		if status == StatusRejected {
			l.Error = ""
		}
		if err := s.recordAttempt(context.WithoutCancel(ctx), act, e, &l, rep); err != nil {
			slog.Error("ingest: record attempt", "err", err)
		}
		if status == StatusRejected {
			return &LoadResult{Load: l, Report: rep, Problems: rb.problems}, rejection(cause, rep)
		}
		if status == StatusFailed && ae.Code == apperr.Internal.Code {
			slog.Error("ingest: load failed", "entry", e.ID, "err", cause)
		}
		return &LoadResult{Load: l, Report: rep}, cause
	}
	switch {
	case ctx.Err() != nil:
		return fail(StatusCancelled, ErrCancelled.Wrap(ctx.Err()))
	case res.err != nil:
		return fail(StatusFailed, readErr(res.err))
	case werr != nil:
		return fail(StatusFailed, werr)
	case res.blocked && !req.Partial || fatal:
		return fail(StatusRejected, ErrRejected)
	case res.valid == 0 && len(req.Deletes) == 0:
		if res.read == 0 {
			return fail(StatusRejected, ErrEmpty)
		}
		return fail(StatusRejected, ErrRejected)
	}

	if err := w.finish(ctx); err != nil {
		return fail(StatusFailed, err)
	}
	deleted, err := w.deleteKeys(ctx, req.Deletes)
	if err != nil {
		return fail(StatusFailed, err)
	}
	st := w.stats()
	l.Version = v
	l.Status = StatusCommitted
	l.RowsLoaded = st.written
	l.RowsUnchanged = st.unchanged
	l.RowsDeleted = deleted
	if req.Mode == ModeReplace {
		l.RowsTotal = st.written
	} else {
		l.RowsTotal = meta.RowCount + st.newKeys - deleted
	}
	l.Checksum = hex.EncodeToString(res.sum.Sum(nil))
	l.FinishedAt = s.now()
	if !req.At.IsZero() {
		l.FinishedAt = req.At.Add(time.Since(wall))
	}
	rep.Status = StatusCommitted
	rep.Version = v
	rep.RowsLoaded, rep.RowsUnchanged, rep.RowsDeleted = st.written, st.unchanged, deleted
	rep.Seconds = time.Since(wall).Seconds()
	rb.finish(rep)
	l.Score = rep.Score
	if err := s.insertLoad(ctx, tx, &l, rep); err != nil {
		return fail(StatusFailed, err)
	}
	if req.BatchID != "" {
		if _, err := tx.ExecContext(ctx, "INSERT INTO ingest_batches (entry_id, batch_id, load_id, at) VALUES ($1,$2,$3,$4)",
			e.ID, req.BatchID, l.ID, db.Millis(started)); err != nil {
			if db.IsUniqueViolation(err) {
				tx.Rollback()
				done = true
				if res, err := s.replay(ctx, e.ID, req.BatchID); res != nil || err != nil {
					return res, err
				}
			}
			return fail(StatusFailed, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE ingest_tables SET next_version = $6, current_version = $2, current_load_id = $3,
		row_count = $4, last_load_at = $5 WHERE entry_id = $1`, e.ID, v, l.ID, l.RowsTotal, db.Millis(started), v+1); err != nil {
		return fail(StatusFailed, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE ingest_late SET resolved_at = $2 WHERE entry_id = $1 AND resolved_at = 0`, e.ID, db.Millis(started)); err != nil {
		return fail(StatusFailed, err)
	}
	if req.onCommit != nil {
		if err := req.onCommit(ctx, tx); err != nil {
			return fail(StatusFailed, err)
		}
	}
	if s.Audit != nil {
		if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: act.ID, ActorName: act.Name, OrgID: act.OrgID, Action: "ingest.load.commit",
			ObjectType: "catalog_entry", ObjectID: e.ID, ClientIP: act.ClientIP, Detail: map[string]any{
				"load_id": l.ID, "version": v, "channel": l.Channel, "mode": l.Mode, "partial": l.Partial, "rows_loaded": l.RowsLoaded,
				"rows_rejected": l.RowsRejected, "rows_deleted": l.RowsDeleted, "checksum": l.Checksum, "file": l.FileName, "batch_id": l.BatchID}}); err != nil {
			return fail(StatusFailed, err)
		}
	}
	bulk := !s.DB.IsPG() && l.RowsLoaded >= deferIndexAfter
	if bulk {
		// A large commit would checkpoint its whole WAL on this connection before returning;
		// the data is durable once the WAL is synced, so the checkpoint runs in the background.
		tx.ExecContext(ctx, "PRAGMA wal_autocheckpoint = 0")
	}
	if err := tx.Commit(); err != nil {
		done = true
		return fail(StatusFailed, err)
	}
	done = true
	if bulk {
		conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA wal_autocheckpoint = 1000")
		go s.DB.ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)")
	}
	if err := s.prune(context.WithoutCancel(ctx), e.ID); err != nil {
		slog.Error("ingest: prune", "entry", e.ID, "err", err)
	}
	ver := versionOf(&l)
	for _, h := range s.AfterCommit {
		if err := h(context.WithoutCancel(ctx), ver, rb.problems); err != nil {
			slog.Error("ingest: after-commit hook", "entry", e.ID, "err", err)
		}
	}
	if s.Scored != nil {
		// One score: the report (and the load's listed score) show the entry's score after this
		// load, as the quality service computed it from the same definition.
		if sc, ok := s.Scored(context.WithoutCancel(ctx), e.ID, v); ok {
			rep.applyScore(sc, nil)
			l.Score = rep.Score
			if err := s.storeScore(context.WithoutCancel(ctx), &l, rep); err != nil {
				slog.Error("ingest: store score", "entry", e.ID, "err", err)
			}
		}
	}
	return &LoadResult{Load: l, Report: rep, Problems: rb.problems}, nil
}

// storeScore rewrites a committed load's score and its report's scores.
func (s *Service) storeScore(ctx context.Context, l *Load, rep *Report) error {
	js, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE ingest_loads SET score = $2 WHERE id = $1", l.ID, int64(math.Round(l.Score*10))); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE ingest_reports SET report = $2 WHERE load_id = $1", l.ID, string(js))
		return err
	})
}

// readErr maps an input error: an upload over the limit is TooLarge.
func readErr(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return apperr.TooLarge.With(apperr.Field("file", fmt.Sprintf("文件超过 %d MiB 的上限，已停止读取", mbe.Limit>>20),
			fmt.Sprintf("the file exceeds the %d MiB limit; reading stopped", mbe.Limit>>20))).Wrap(err)
	}
	return err
}

// rejection builds the error of a rejected load: ErrRejected (or ErrEmpty) listing the first
// problems with their line numbers.
func rejection(cause error, rep *Report) error {
	e := apperr.As(cause)
	var fe []apperr.FieldError
	for i, p := range rep.Problems {
		if i >= 100 {
			break
		}
		if p.Line == 0 {
			continue
		}
		fe = append(fe, apperr.FieldError{Field: p.Field, Line: p.Line, ZH: p.ZH, EN: p.EN})
	}
	return e.With(fe...)
}

// runChecks parses and checks every row, sending valid rows on out in batches. In strict mode
// the first invalid row stops the sending (nothing will be committed) but checking goes on so
// the report lists every problem.
func (s *Service) runChecks(ctx context.Context, p parser, chk *checker, out chan<- *batch, partial, blocked bool, pack func(*batch), seal func([]string) error) checkResult {
	res := checkResult{sum: sha256.New(), blocked: blocked}
	n := s.batchRows()
	b := &batch{rows: make([][]string, 0, n), keys: make([]string, 0, n)}
	send := func() bool {
		pack(b)
		select {
		case out <- b:
		case <-ctx.Done():
			return false
		}
		b = &batch{rows: make([][]string, 0, n), keys: make([]string, 0, n)}
		return true
	}
	rowBuf := make([]byte, 0, 512) // one row's checksum input (fields 0x1f, row end 0x1e)
	for {
		if res.read&1023 == 0 && ctx.Err() != nil {
			res.err = ctx.Err()
			return res
		}
		row, err := p.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			res.err = err
			return res
		}
		res.read++
		key, bad := chk.check(&row)
		if bad {
			res.invalid++
			res.blocked = true
			continue
		}
		res.valid++
		if res.blocked && !partial {
			continue
		}
		rowBuf = rowBuf[:0]
		for i, c := range row.cells {
			if i > 0 {
				rowBuf = append(rowBuf, 0x1f)
			}
			rowBuf = append(rowBuf, c...)
		}
		res.sum.Write(append(rowBuf, 0x1e))
		if seal != nil { // top-sensitivity items are stored sealed (SEC-1); the checksum is of the values
			if err := seal(row.cells); err != nil {
				res.err = err
				return res
			}
		}
		b.rows = append(b.rows, row.cells)
		b.keys = append(b.keys, key)
		if len(b.rows) == n && !send() {
			res.err = ctx.Err()
			return res
		}
	}
	if len(b.rows) > 0 && !(res.blocked && !partial) {
		if !send() {
			res.err = ctx.Err()
		}
	}
	return res
}

// parserFor builds the parser of a request.
func (s *Service) parserFor(ctx context.Context, e *catalog.Entry, req *LoadRequest) (parser, error) {
	if req.parser != nil {
		req.Format = FormatRows
		return req.parser, nil
	}
	if req.Objects != nil || (req.Body == nil && len(req.Deletes) > 0) {
		req.Format = FormatRows
		return &objectsParser{e: e, look: fieldLookup(e), rows: req.Objects}, nil
	}
	if req.Body == nil {
		return nil, ErrEmpty
	}
	if req.Format == "" {
		f, err := FormatOf(req.FileName)
		if err != nil {
			return nil, err
		}
		req.Format = f
	}
	switch req.Format {
	case FormatCSV:
		return newCSVParser(req.Body, e, req.Partial)
	case FormatJSONL:
		return newJSONLParser(req.Body, e, req.Partial), nil
	case FormatXLSX:
		return newXLSXParser(req.Body, e, s.TempDir, req.Partial, s.Input)
	}
	return nil, ErrFormat
}

func (s *Service) regionSet(ctx context.Context) (map[string]bool, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT code FROM regions")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		m[c] = true
	}
	return m, rows.Err()
}

const loadCols = `id, entry_id, version, status, channel, mode, partial, format, encoding, file_name, batch_id, source_id,
	rows_read, rows_loaded, rows_rejected, rows_unchanged, rows_deleted, rows_total, checksum, score, actor_id, actor_name, org_id,
	started_at, finished_at, error, pinned`

func (s *Service) insertLoad(ctx context.Context, q db.Q, l *Load, rep *Report) error {
	_, err := q.ExecContext(ctx, `INSERT INTO ingest_loads (`+loadCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27)`,
		l.ID, l.EntryID, l.Version, l.Status, string(l.Channel), string(l.Mode), b2i(l.Partial), l.Format, l.Encoding, l.FileName, l.BatchID, l.SourceID,
		l.RowsRead, l.RowsLoaded, l.RowsRejected, l.RowsUnchanged, l.RowsDeleted, l.RowsTotal, l.Checksum, int64(math.Round(l.Score*10)), l.ActorID, l.ActorName, l.OrgID,
		db.Millis(l.StartedAt), db.Millis(l.FinishedAt), clip(l.Error, 500), b2i(l.Pinned))
	if err != nil {
		return err
	}
	js, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, "INSERT INTO ingest_reports (load_id, entry_id, report) VALUES ($1,$2,$3)", l.ID, l.EntryID, string(js))
	return err
}

// recordAttempt stores a load that left no data (rejected, failed, cancelled) with its report.
func (s *Service) recordAttempt(ctx context.Context, act Actor, e *catalog.Entry, l *Load, rep *Report) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.insertLoad(ctx, tx, l, rep); err != nil {
			return err
		}
		if s.Audit == nil {
			return nil
		}
		result := audit.Failed
		if l.Status == StatusRejected {
			result = audit.Denied
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: act.ID, ActorName: act.Name, OrgID: act.OrgID, Action: "ingest.load." + l.Status,
			ObjectType: "catalog_entry", ObjectID: e.ID, ClientIP: act.ClientIP, Result: result, Detail: map[string]any{
				"load_id": l.ID, "channel": l.Channel, "rows_read": l.RowsRead, "rows_rejected": l.RowsRejected,
				"problems": rep.ProblemsTotal, "file": l.FileName, "error": l.Error}})
	})
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func scanLoad(sc interface{ Scan(...any) error }) (Load, error) {
	var l Load
	var ch, mode string
	var partial, pinned int
	var score, started, finished int64
	err := sc.Scan(&l.ID, &l.EntryID, &l.Version, &l.Status, &ch, &mode, &partial, &l.Format, &l.Encoding, &l.FileName, &l.BatchID, &l.SourceID,
		&l.RowsRead, &l.RowsLoaded, &l.RowsRejected, &l.RowsUnchanged, &l.RowsDeleted, &l.RowsTotal, &l.Checksum, &score, &l.ActorID, &l.ActorName, &l.OrgID,
		&started, &finished, &l.Error, &pinned)
	l.Channel, l.Mode, l.Partial, l.Pinned = Channel(ch), Mode(mode), partial != 0, pinned != 0
	l.Score = float64(score) / 10
	l.StartedAt, l.FinishedAt = db.FromMillis(started), db.FromMillis(finished)
	return l, err
}

// ErrNoLoad is returned for an unknown load id.
var ErrNoLoad = apperr.New(http.StatusNotFound, "ingest_no_load", "未找到该次归集记录", "no such load")

func (s *Service) loadByID(ctx context.Context, id string) (Load, error) {
	l, err := scanLoad(s.DB.QueryRowContext(ctx, "SELECT "+loadCols+" FROM ingest_loads WHERE id = $1", id))
	if db.IsNoRows(err) {
		return l, ErrNoLoad
	}
	return l, err
}

// replay returns the earlier result of a pushed batch id, or nil if the batch is new.
func (s *Service) replay(ctx context.Context, entryID, batchID string) (*LoadResult, error) {
	var loadID string
	err := s.DB.QueryRowContext(ctx, "SELECT load_id FROM ingest_batches WHERE entry_id = $1 AND batch_id = $2", entryID, batchID).Scan(&loadID)
	if db.IsNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	l, err := s.loadByID(ctx, loadID)
	if err != nil {
		return nil, err
	}
	rep, err := s.reportOf(ctx, loadID)
	if err != nil {
		return nil, err
	}
	return &LoadResult{Load: l, Report: rep, Replayed: true}, nil
}

func versionOf(l *Load) Version {
	return Version{EntryID: l.EntryID, Version: l.Version, LoadID: l.ID, Channel: l.Channel, Mode: l.Mode, Format: l.Format,
		FileName: l.FileName, Rows: l.RowsTotal, Loaded: l.RowsLoaded, Rejected: l.RowsRejected, Deleted: l.RowsDeleted,
		Checksum: l.Checksum, Score: l.Score, ActorID: l.ActorID, ActorName: l.ActorName, OrgID: l.OrgID, CommittedAt: l.FinishedAt}
}
