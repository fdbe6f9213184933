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
	"fmt"
	"hash"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"pubdata/internal/db"
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

	once  sync.Once
	queue chan *pending
}

type pending struct {
	ev   Event
	done chan error
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
	var seq int64
	var prev string
	if err := s.query(ctx, tx, "SELECT seq, hash FROM audit_head WHERE id = 1"+s.DB.ForUpdate()).Scan(&seq, &prev); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	for i := range evs {
		detail := s.normalize(&evs[i])
		seq++
		r := Record{Seq: seq, Event: evs[i], DetailJSON: detail, Algo: s.Algo, PrevHash: prev}
		r.Hash = chainHash(&r)
		if _, err := s.exec(ctx, tx, insertSQL,
			r.Seq, r.At.UnixMilli(), r.ActorID, r.ActorName, r.OrgID, r.Action, r.ObjectType, r.ObjectID,
			r.Purpose, r.GrantID, r.Result, r.ClientIP, r.DetailJSON, r.Retention, r.Algo, r.PrevHash, r.Hash); err != nil {
			return fmt.Errorf("audit insert: %w", err)
		}
		prev = r.Hash
	}
	_, err := s.exec(ctx, tx, "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1", seq, prev)
	return err
}

const insertSQL = `INSERT INTO audit_log (seq, at, actor_id, actor_name, org_id, action,
	object_type, object_id, purpose, grant_id, result, client_ip, detail, retention, algo, prev_hash, hash)
	VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`

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

// Log appends one event in its own transaction and returns once it is durable. Concurrent calls
// are group-committed: one transaction carries every event waiting at that moment.
func (s *Service) Log(ctx context.Context, ev Event) error {
	s.once.Do(func() {
		s.queue = make(chan *pending, 4096)
		go s.writer()
	})
	p := &pending{ev: ev, done: make(chan error, 1)}
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
		evs := make([]Event, len(batch))
		for i, p := range batch {
			evs[i] = p.ev
		}
		err := s.DB.Tx(context.Background(), func(tx *sql.Tx) error {
			return s.Record(context.Background(), tx, evs...)
		})
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
	Limit      int
	Offset     int
}

// Search returns matching records, newest first, and the total count.
func (s *Service) Search(ctx context.Context, f Filter) ([]Record, int, error) {
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
