// Package audit is the tamper-evident audit log (审计日志, SEC-4): an append-only table whose rows
// are chained by hash (SHA-256 by default, SM3 selectable), so that altering, removing or
// reordering any row is detected by Verify. Every state change is recorded inside the transaction
// that makes it; data accesses (gateway calls, downloads) go through a group-committing writer that
// returns only once the record is durable.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"pubdata/internal/db"
	"pubdata/internal/keys"
)

// Retention classes: ordinary records are kept at least 3 years, operation records 20 (BTO 18).
const (
	Retain3Y  = "3y"
	Retain20Y = "20y"
)

// Results.
const (
	OK     = "ok"
	Denied = "denied"
	Failed = "error"
)

// Event is one thing that happened.
type Event struct {
	At         time.Time      `json:"at"`
	ActorID    string         `json:"actor_id"`
	ActorName  string         `json:"actor_name"`
	OrgID      string         `json:"org_id"`
	Action     string         `json:"action"` // dotted: catalog.entry.submit, share.gateway.lookup …
	ObjectType string         `json:"object_type"`
	ObjectID   string         `json:"object_id"`
	Purpose    string         `json:"purpose,omitempty"` // scenario or purpose of the access
	GrantID    string         `json:"grant_id,omitempty"`
	Result     string         `json:"result"`
	ClientIP   string         `json:"client_ip,omitempty"`
	Detail     map[string]any `json:"detail,omitempty"`
	Retention  string         `json:"retention"`
}

// Record is a stored event with its place in the chain.
type Record struct {
	Seq int64 `json:"seq"`
	Event
	DetailJSON string `json:"-"`
	Algo       string `json:"algo"`
	PrevHash   string `json:"prev_hash"`
	Hash       string `json:"hash"`
}

// Service writes, searches and verifies the log.
type Service struct {
	DB   *db.DB
	Algo string // "sha256" (default) or "sm3"
	Now  func() time.Time
	// SecretKey is the platform secret (app.Config.SecretKey) from which the keys of audit
	// pseudonyms and the seal of the checkpoint signing key are derived; when empty, a generated
	// secret is kept in the settings table.
	SecretKey []byte
	// Keys seals the platform secret and the checkpoint signing keys in the database
	// (internal/keys); nil keeps the earlier scheme.
	Keys *keys.Ring

	sec   secrets
	once  sync.Once
	queue chan *pending
	sp    atomic.Pointer[spool]                // the write-ahead spool, when enabled (embedded backend)
	fsync atomic.Pointer[func(*os.File) error] // replaces the spool's fdatasync (SetSpoolSync)
	busy  atomic.Int64                         // requests in progress (Enter/Leave)
}

// Enter marks the start of work that may log an access (an HTTP request) and Leave its end; the
// group commit waits for such work only while some of it is in progress and has not logged.
func (s *Service) Enter() { s.busy.Add(1) }

// Leave marks the end of work begun with Enter.
func (s *Service) Leave() { s.busy.Add(-1) }

type pending struct {
	rec   prepared
	frame []byte // the spooled form, encoded by the caller
	done  chan error
}

// New makes a service.
func New(d *db.DB, algo string) *Service {
	if algo == "" {
		algo = "sha256"
	}
	return &Service{DB: d, Algo: algo, Now: time.Now}
}

func newHash(algo string) hash.Hash {
	if algo == "sm3" {
		return sm3.New()
	}
	return sha256.New()
}

// chainHash is the hash of one row: algo(prev_hash | every field), fields separated by 0x1f.
func chainHash(r *Record) string {
	h := newHash(r.Algo)
	parts := []string{
		r.PrevHash, strconv.FormatInt(r.Seq, 10), strconv.FormatInt(r.At.UnixMilli(), 10),
		r.ActorID, r.ActorName, r.OrgID, r.Action, r.ObjectType, r.ObjectID, r.Purpose,
		r.GrantID, r.Result, r.ClientIP, r.DetailJSON, r.Retention, r.Algo,
	}
	h.Write([]byte(strings.Join(parts, "\x1f")))
	return hex.EncodeToString(h.Sum(nil))
}

// prepare completes an event (time, result, retention) and encodes its detail.
func (s *Service) prepare(ev Event) prepared {
	d := s.normalize(&ev)
	return prepared{ev: ev, detail: d}
}

func (s *Service) normalize(ev *Event) string {
	if ev.At.IsZero() {
		ev.At = s.Now()
	}
	ev.At = time.UnixMilli(ev.At.UnixMilli())
	if ev.Result == "" {
		ev.Result = OK
	}
	if ev.Retention == "" {
		ev.Retention = Retain3Y
	}
	if len(ev.Detail) == 0 {
		return ""
	}
	b, _ := json.Marshal(ev.Detail)
	return string(b)
}

// Record appends events inside the caller's transaction tx, so the audit row commits or rolls
// back with the change it describes.
func (s *Service) Record(ctx context.Context, tx db.Q, evs ...Event) error {
	ps := make([]prepared, len(evs))
	for i, ev := range evs {
		ps[i] = s.prepare(ev)
	}
	return s.appendRecords(ctx, tx, ps, nil)
}

// appendRecords chains and inserts prepared events inside tx; pos, when given, is how far the
// spool is consumed once tx commits.
func (s *Service) appendRecords(ctx context.Context, tx db.Q, ps []prepared, pos *spoolPos) error {
	var seq int64
	var prev string
	if err := s.query(ctx, tx, "SELECT seq, hash FROM audit_head WHERE id = 1"+s.DB.ForUpdate()).Scan(&seq, &prev); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	rows := make([]any, 0, len(ps)*insertCols)
	for i := range ps {
		seq++
		r := Record{Seq: seq, Event: ps[i].ev, DetailJSON: ps[i].detail, Algo: s.Algo, PrevHash: prev}
		r.Hash = chainHash(&r)
		rows = append(rows, r.Seq, r.At.UnixMilli(), r.ActorID, r.ActorName, r.OrgID, r.Action, r.ObjectType, r.ObjectID,
			r.Purpose, r.GrantID, r.Result, r.ClientIP, r.DetailJSON, r.Retention, r.Algo, r.PrevHash, r.Hash)
		prev = r.Hash
	}
	// Many rows per statement where there are many (the spool's inserter): each statement
	// costs far more than a row.
	for len(rows) > 0 {
		n := 1
		if len(rows) >= rowsPerInsert*insertCols {
			n = rowsPerInsert
		}
		if _, err := s.exec(ctx, tx, s.insertSQL(n), rows[:n*insertCols]...); err != nil {
			return fmt.Errorf("audit insert: %w", err)
		}
		rows = rows[n*insertCols:]
	}
	if pos != nil {
		_, err := s.exec(ctx, tx, "UPDATE audit_head SET seq = $1, hash = $2, spool_seg = $3, spool_off = $4 WHERE id = 1", seq, prev, pos.seg, pos.off)
		return err
	}
	_, err := s.exec(ctx, tx, "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1", seq, prev)
	return err
}

const (
	insertCols    = 17
	rowsPerInsert = 16
	insertHead    = `INSERT INTO audit_log (seq, at, actor_id, actor_name, org_id, action,
	object_type, object_id, purpose, grant_id, result, client_ip, detail, retention, algo, prev_hash, hash) VALUES `
)

var insertSQLs sync.Map // "dialect/rows" → statement

// insertSQL is the INSERT of n rows: numbered placeholders on PostgreSQL, plain ones on SQLite
// (whose driver resolves numbered ones slowly in long statements).
func (s *Service) insertSQL(n int) string {
	key := string(s.DB.Dialect) + "/" + strconv.Itoa(n)
	if q, ok := insertSQLs.Load(key); ok {
		return q.(string)
	}
	var b strings.Builder
	b.WriteString(insertHead)
	for r := 0; r < n; r++ {
		if r > 0 {
			b.WriteString(",")
		}
		b.WriteString("(")
		for c := 0; c < insertCols; c++ {
			if c > 0 {
				b.WriteString(",")
			}
			if s.DB.IsPG() {
				b.WriteString("$" + strconv.Itoa(r*insertCols+c+1))
			} else {
				b.WriteString("?")
			}
		}
		b.WriteString(")")
	}
	insertSQLs.Store(key, b.String())
	return b.String()
}

// exec runs a statement inside tx through a cached prepared statement when tx is a real
// transaction (no SQL is parsed per event: the gateway audits every call).
func (s *Service) exec(ctx context.Context, tx db.Q, query string, args ...any) (sql.Result, error) {
	if t, ok := tx.(*sql.Tx); ok {
		if st, err := s.DB.Prepared(ctx, query); err == nil {
			return t.StmtContext(ctx, st).ExecContext(ctx, args...)
		}
	}
	return tx.ExecContext(ctx, query, args...)
}

func (s *Service) query(ctx context.Context, tx db.Q, query string, args ...any) *sql.Row {
	if t, ok := tx.(*sql.Tx); ok {
		if st, err := s.DB.Prepared(ctx, query); err == nil {
			return t.StmtContext(ctx, st).QueryRowContext(ctx, args...)
		}
	}
	return tx.QueryRowContext(ctx, query, args...)
}

// Log appends one event and returns once it is durable. Concurrent calls are group-committed:
// one append (to the spool, when enabled, else one database transaction) carries every event
// waiting at that moment.
func (s *Service) Log(ctx context.Context, ev Event) error {
	s.once.Do(func() {
		s.queue = make(chan *pending, 4096)
		go s.writer()
	})
	p := &pending{rec: s.prepare(ev), done: make(chan error, 1)}
	if s.sp.Load() != nil {
		p.frame = encodeFrame(p.rec) // here, on the caller's core, not in the single writer
	}
	select {
	case s.queue <- p:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Group commit of Log: after the first waiting event, while requests are in progress (Enter) that
// have not logged yet, the writer keeps collecting as long as more arrive no more than groupGap
// apart, for at most groupWait.
const (
	groupGap  = 200 * time.Microsecond
	groupWait = time.Millisecond
)

func (s *Service) writer() {
	const maxBatch = 512
	for first := range s.queue {
		batch := []*pending{first}
		// Let the callers that are about to log run first: one commit then carries them all
		// (a commit costs several times a row), at the price of a scheduler turn.
		runtime.Gosched()
	fill:
		for len(batch) < maxBatch {
			select {
			case p := <-s.queue:
				batch = append(batch, p)
			default:
				break fill
			}
		}
		if s.busy.Load() > int64(len(batch)) {
			// Requests that may log are still in progress: wait for them while they keep
			// arriving (a pause of groupGap ends the wait, groupWait bounds it, and it ends as
			// soon as every request in progress is waiting here), since each fsync costs the
			// machine far more than a record. A lone request is never delayed.
			deadline := time.Now().Add(groupWait)
			gap := time.NewTimer(groupGap)
		more:
			for len(batch) < maxBatch && s.busy.Load() > int64(len(batch)) {
				select {
				case p := <-s.queue:
					batch = append(batch, p)
					if !gap.Stop() {
						<-gap.C
					}
					gap.Reset(min(groupGap, time.Until(deadline)))
				case <-gap.C:
					break more
				}
			}
			gap.Stop()
		}
		var err error = errSpoolClosed
		if sp := s.sp.Load(); sp != nil {
			err = s.logSpooled(sp, batch)
		}
		if errors.Is(err, errSpoolClosed) {
			recs := make([]prepared, len(batch))
			for i, p := range batch {
				recs[i] = p.rec
			}
			err = s.DB.Tx(context.Background(), func(tx *sql.Tx) error {
				return s.appendRecords(context.Background(), tx, recs, nil)
			})
		}
		for _, p := range batch {
			p.done <- err
		}
	}
}

// Filter selects records for search.
type Filter struct {
	ActorID    string
	Actor      string // matches actor name or id
	OrgID      string
	Action     string // prefix match
	ObjectType string
	ObjectID   string
	GrantID    string
	From, To   time.Time
	// BeforeSeq, when set, keeps records older than this position: a reader paging through a
	// log that keeps growing passes the last seq it saw (offsets would shift under it).
	BeforeSeq int64
	Limit     int
	Offset    int
}

// Search returns matching records, newest first, and the total count.
func (s *Service) Search(ctx context.Context, f Filter) ([]Record, int, error) {
	s.flushForRead(ctx)
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.ActorID != "" {
		add("actor_id = ?", f.ActorID)
	}
	if f.Actor != "" {
		add("(actor_name = ? OR actor_id = actor_name)", f.Actor)
		where[len(where)-1] = fmt.Sprintf("(actor_name = $%d OR actor_id = $%d)", len(args), len(args))
	}
	if f.OrgID != "" {
		add("org_id = ?", f.OrgID)
	}
	if f.Action != "" {
		add("action LIKE ?", f.Action+"%")
	}
	if f.ObjectType != "" {
		add("object_type = ?", f.ObjectType)
	}
	if f.ObjectID != "" {
		add("object_id = ?", f.ObjectID)
	}
	if f.GrantID != "" {
		add("grant_id = ?", f.GrantID)
	}
	if !f.From.IsZero() {
		add("at >= ?", f.From.UnixMilli())
	}
	if !f.To.IsZero() {
		add("at < ?", f.To.UnixMilli())
	}
	if f.BeforeSeq > 0 {
		add("seq < ?", f.BeforeSeq)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log"+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 50
	}
	q := fmt.Sprintf(`SELECT seq, at, actor_id, actor_name, org_id, action, object_type, object_id, purpose,
		grant_id, result, client_ip, detail, retention, algo, prev_hash, hash FROM audit_log%s
		ORDER BY seq DESC LIMIT %d OFFSET %d`, cond, f.Limit, f.Offset)
	rows, err := s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// flushForRead lets a reader see every acknowledged record. If inserting is failing, the reader
// sees what the table holds (the rest is safe in the spool) and the failure is logged.
func (s *Service) flushForRead(ctx context.Context) {
	if err := s.Flush(ctx); err != nil && ctx.Err() == nil {
		slog.Warn("审计日志查询时仍有记录未写入数据库 / audit records still spooled while reading the log", "err", err)
	}
}

func scan(rows *sql.Rows) (Record, error) {
	var r Record
	var at int64
	err := rows.Scan(&r.Seq, &at, &r.ActorID, &r.ActorName, &r.OrgID, &r.Action, &r.ObjectType, &r.ObjectID,
		&r.Purpose, &r.GrantID, &r.Result, &r.ClientIP, &r.DetailJSON, &r.Retention, &r.Algo, &r.PrevHash, &r.Hash)
	r.At = time.UnixMilli(at)
	if r.DetailJSON != "" {
		_ = json.Unmarshal([]byte(r.DetailJSON), &r.Detail)
	}
	return r, err
}

// VerifyResult reports a chain check.
type VerifyResult struct {
	Count  int64  `json:"count"`
	OK     bool   `json:"ok"`
	BadSeq int64  `json:"bad_seq,omitempty"` // first position that does not verify
	Reason string `json:"reason,omitempty"`
}

// Verify walks the whole chain in order and reports the first position that was altered,
// removed or reordered.
func (s *Service) Verify(ctx context.Context) (VerifyResult, error) {
	s.flushForRead(ctx)
	rows, err := s.DB.QueryContext(ctx, `SELECT seq, at, actor_id, actor_name, org_id, action, object_type, object_id, purpose,
		grant_id, result, client_ip, detail, retention, algo, prev_hash, hash FROM audit_log ORDER BY seq`)
	if err != nil {
		return VerifyResult{}, err
	}
	defer rows.Close()
	var res VerifyResult
	prev := ""
	var expect int64 = 1
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return res, err
		}
		switch {
		case r.Seq != expect:
			return VerifyResult{Count: res.Count, BadSeq: expect, Reason: fmt.Sprintf("第 %d 条记录缺失或顺序被改动 / record %d is missing or out of order (found %d)", expect, expect, r.Seq)}, nil
		case r.PrevHash != prev:
			return VerifyResult{Count: res.Count, BadSeq: r.Seq, Reason: fmt.Sprintf("第 %d 条记录的前序哈希不符，链条被改动 / record %d does not follow the previous record (chain broken)", r.Seq, r.Seq)}, nil
		case chainHash(&r) != r.Hash:
			return VerifyResult{Count: res.Count, BadSeq: r.Seq, Reason: fmt.Sprintf("第 %d 条记录内容被篡改 / record %d was altered", r.Seq, r.Seq)}, nil
		}
		prev = r.Hash
		expect++
		res.Count++
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	var headSeq int64
	var headHash string
	if err := s.DB.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&headSeq, &headHash); err != nil {
		return res, err
	}
	if headSeq != res.Count || headHash != prev {
		return VerifyResult{Count: res.Count, BadSeq: res.Count + 1, Reason: fmt.Sprintf("日志末尾的记录被删除（应有 %d 条）/ records at the end were removed (head says %d)", headSeq, headSeq)}, nil
	}
	res.OK = true
	return res, nil
}

// RecordAction is Record for one event given by its parts (for packages that should not
// depend on the Event type).
func (s *Service) RecordAction(ctx context.Context, tx db.Q, actorID, actorName, orgID, action, objectType, objectID string, detail map[string]any) error {
	return s.Record(ctx, tx, Event{ActorID: actorID, ActorName: actorName, OrgID: orgID, Action: action, ObjectType: objectType, ObjectID: objectID, Detail: detail})
}
