// Package quality governs the quality of aggregated data (数据质量治理, QUA-1…QUA-3):
//
//   - configurable rules per catalog entry (质量规则): cross-field rules (the birth date and sex
//     inside a citizen ID agree with the columns, date order, conditional required, regex, range,
//     enum) and cross-source rules (多源校核: a field agrees with another entry's field for the
//     same person or enterprise). They run inside every load as row rules of the loader;
//   - the correction loop (整改闭环, QUA-2): after each load the problem rows are dispatched to
//     the producing agency as a correction task (整改任务) with a deadline in working days; the
//     task closes by itself once later loads bring its rows back clean; overdue tasks escalate
//     to the data authority;
//   - quality scores per load, per entry, per agency and per day, with a trend chart;
//   - objections (异议, QUA-3): a data subject or data user disputes a record; the record is
//     marked disputed wherever it is served until the provider answers.
//
// The package does not import the loader: the loader's hooks are adapted in internal/app, and
// quality reads loaded records through the Lookup function it is given.
package quality

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/mask"
	"pubdata/internal/notify"
	"pubdata/internal/quality/scoring"
	"pubdata/internal/workday"
)

// Quality dimensions (质量维度, QUA-1): the one list is the scoring package's.
const (
	Completeness = scoring.Completeness // 完整性
	Accuracy     = scoring.Accuracy     // 准确性
	Consistency  = scoring.Consistency  // 一致性
	Timeliness   = scoring.Timeliness   // 及时性
	Availability = scoring.Availability // 可用性
)

// Dimensions lists the dimensions in display order.
var Dimensions = scoring.Dimensions

// DimensionNames gives each dimension's Chinese and English name.
var DimensionNames = map[string][2]string{
	Completeness: {"完整性", "Completeness"},
	Accuracy:     {"准确性", "Accuracy"},
	Consistency:  {"一致性", "Consistency"},
	Timeliness:   {"及时性", "Timeliness"},
	Availability: {"可用性", "Availability"},
}

// Problem is one failed check on one row. It has the same fields, in the same order, as the
// loader's problem type, so the two convert into each other.
type Problem struct {
	Line      int
	Key       string
	Field     string
	Rule      string
	Dimension string
	ZH, EN    string
	Value     string
}

// Record is one loaded record as quality sees it.
type Record struct {
	Key     string
	Values  map[string]string
	Version int64
}

// Load describes one committed load (one version of an entry's data) for the correction loop and
// the scores.
type Load struct {
	EntryID   string
	Version   int64  // version number within the entry
	OrgID     string // agency that loaded it ("" = the entry's provider)
	ActorID   string
	ActorName string
	Held      int // rows the entry holds after the load (the version's row count)
	Rejected  int // rows of this load that were not loaded
	// Replace is set for a full replacement: every row the agency still holds was resent.
	Replace bool
	At      time.Time
}

// Settings are the deadlines of the correction loop and of objections, in working days.
type Settings struct {
	CorrectionWorkdays int `json:"correction_workdays"` // 整改期限, default 5
	EscalateAfter      int `json:"escalate_after"`      // working days overdue before escalation, default 0
	ObjectionWorkdays  int `json:"objection_workdays"`  // 异议答复期限, default 5
}

// DefaultSettings are used until the authority changes them.
var DefaultSettings = Settings{CorrectionWorkdays: 5, EscalateAfter: 0, ObjectionWorkdays: 5}

// Service is the quality capability.
type Service struct {
	DB     *db.DB
	Audit  *audit.Service
	Notify *notify.Service
	Cal    *workday.Calendar
	Now    func() time.Time
	Mask   mask.Rules

	// Entry returns a catalog entry (the current version, for providers and rules).
	Entry func(ctx context.Context, id string) (*catalog.Entry, error)
	// Published returns the published version of an entry (for objections); nil = Entry.
	Published func(ctx context.Context, id string) (*catalog.Entry, error)
	// Lookup reads one loaded record of an entry by key; found=false when there is none.
	Lookup func(ctx context.Context, entryID, key string) (rec Record, found bool, err error)
	// ListPublished lists the published entries (for the entry pickers of forms); nil = none.
	ListPublished func(ctx context.Context) ([]catalog.Entry, error)
	// Receivers lists the organizations that received a record (set by sharing); nil = none.
	Receivers func(ctx context.Context, entryID, key string) ([]string, error)
	// FingerprintKey keys the record fingerprints used to tell whether a row changed.
	FingerprintKey []byte
	// MaxRowsPerTask caps the rows listed (and tracked) in one correction task; further problems
	// of the load are counted as untracked and come back in the next load's task.
	MaxRowsPerTask int

	disputed sync.Map // entry id → disputedSet (IsDisputed)
}

// New makes a service; Entry and Lookup must be set before use.
func New(d *db.DB, a *audit.Service, n *notify.Service, cal *workday.Calendar) *Service {
	return &Service{DB: d, Audit: a, Notify: n, Cal: cal, Now: time.Now, Mask: mask.DefaultRules(), MaxRowsPerTask: 2000}
}

// Errors of this package.
var (
	ErrNoEntry      = apperr.New(http.StatusNotFound, "quality.entry_not_found", "目录条目不存在", "the catalog entry does not exist")
	ErrNotPublished = apperr.New(http.StatusConflict, "quality.entry_not_published", "目录条目尚未发布", "the catalog entry is not published")
	ErrBadEvent     = apperr.New(http.StatusUnprocessableEntity, "quality.bad_event", "不支持的操作", "unsupported action")
	ErrState        = apperr.New(http.StatusConflict, "quality.state", "当前状态下不能执行此操作", "this action is not possible in the current state")
	errUnavailable  = apperr.New(http.StatusServiceUnavailable, "quality.unavailable", "数据质量服务尚未就绪（缺少目录或数据服务）", "the quality service is not ready (catalog or data service missing)")
)

func (s *Service) entry(ctx context.Context, id string) (*catalog.Entry, error) {
	if s.Entry == nil {
		return nil, errUnavailable
	}
	if strings.TrimSpace(id) == "" {
		return nil, ErrNoEntry
	}
	e, err := s.Entry(ctx, id)
	if err != nil {
		return nil, entryErr(err)
	}
	if e == nil {
		return nil, ErrNoEntry
	}
	return e, nil
}

// entryErr maps the catalog's not-found and not-published errors to this package's.
func entryErr(err error) error {
	ae := apperr.As(err)
	switch {
	case ae.Code == "catalog.not_published":
		return ErrNotPublished
	case ae.Status == http.StatusNotFound || db.IsNoRows(err):
		return ErrNoEntry
	}
	return err
}

func (s *Service) published(ctx context.Context, id string) (*catalog.Entry, error) {
	if s.Published == nil {
		e, err := s.entry(ctx, id)
		if err != nil {
			return nil, err
		}
		if e.Status != catalog.StatusPublished && e.Version == 0 {
			return nil, ErrNotPublished
		}
		return e, nil
	}
	if strings.TrimSpace(id) == "" {
		return nil, ErrNoEntry
	}
	e, err := s.Published(ctx, id)
	if err != nil {
		return nil, entryErr(err)
	}
	if e == nil {
		return nil, ErrNoEntry
	}
	return e, nil
}

// lookup reads a record; a not-found error from the loader counts as "no record".
func (s *Service) lookup(ctx context.Context, entryID, key string) (Record, bool, error) {
	if s.Lookup == nil {
		return Record{}, false, errUnavailable
	}
	r, ok, err := s.Lookup(ctx, entryID, key)
	if err != nil && (errors.Is(err, apperr.NotFound) || db.IsNoRows(err)) {
		return Record{}, false, nil
	}
	return r, ok, err
}

// ---- settings ----

const settingsKey = "quality.settings"

// Settings returns the current deadline settings.
func (s *Service) Settings(ctx context.Context) Settings {
	st := DefaultSettings
	var v string
	if err := s.DB.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", settingsKey).Scan(&v); err == nil {
		_ = json.Unmarshal([]byte(v), &st)
	}
	return st
}

// SetSettings changes the deadline settings (authority administrators).
func (s *Service) SetSettings(ctx context.Context, p *authz.Principal, st Settings) (err error) {
	defer errs.Wrap(&err, "quality: SetSettings")
	if err := authz.QualitySettings(p, authz.Update); err != nil {
		return err
	}
	var fe []apperr.FieldError
	if st.CorrectionWorkdays < 1 || st.CorrectionWorkdays > 60 {
		fe = append(fe, apperr.Field("correction_workdays", "整改期限须为 1–60 个工作日", "the correction deadline must be 1–60 working days"))
	}
	if st.EscalateAfter < 0 || st.EscalateAfter > 60 {
		fe = append(fe, apperr.Field("escalate_after", "升级等待须为 0–60 个工作日", "escalate_after must be 0–60 working days"))
	}
	if st.ObjectionWorkdays < 1 || st.ObjectionWorkdays > 60 {
		fe = append(fe, apperr.Field("objection_workdays", "异议答复期限须为 1–60 个工作日", "the objection deadline must be 1–60 working days"))
	}
	if err := apperr.Validation(fe); err != nil {
		return err
	}
	b, _ := json.Marshal(st)
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, settingsKey, string(b)); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID,
			Action: "quality.settings.update", ObjectType: "settings", ObjectID: settingsKey, Detail: map[string]any{"settings": st}})
	})
}

// ---- history (one table for both state machines) ----

// Event is one step in the history of a task or an objection.
type Event struct {
	Seq       int            `json:"seq"`
	At        time.Time      `json:"at"`
	ActorID   string         `json:"actor_id"`
	ActorName string         `json:"actor_name"`
	Event     string         `json:"event"`
	From      string         `json:"from_state"`
	To        string         `json:"to_state"`
	Note      string         `json:"note,omitempty"`
	Detail    map[string]any `json:"detail,omitempty"`
}

// addEvent appends a history step and the matching audit record inside tx.
func (s *Service) addEvent(ctx context.Context, tx db.Q, objType, objID string, p *authz.Principal, orgID, ev, from, to, note string, detail map[string]any, clientIP string) error {
	var seq int
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) FROM quality_events WHERE object_type = $1 AND object_id = $2", objType, objID).Scan(&seq); err != nil {
		return err
	}
	seq++
	dj := ""
	if len(detail) > 0 {
		b, _ := json.Marshal(detail)
		dj = string(b)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO quality_events (id, object_type, object_id, seq, at, actor_id, actor_name, event, from_state, to_state, note, detail)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`, ids.New(), objType, objID, seq, db.Millis(s.Now()), p.UserID, actorName(p),
		ev, from, to, note, dj); err != nil {
		return err
	}
	ad := map[string]any{"from": from, "to": to}
	for k, v := range detail {
		ad[k] = v
	}
	if note != "" {
		ad["note"] = note
	}
	return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: actorName(p), OrgID: orgOr(p.OrgID, orgID),
		Action: "quality." + strings.TrimPrefix(objType, "quality_") + "." + ev, ObjectType: objType, ObjectID: objID, ClientIP: clientIP, Detail: ad})
}

// History lists the steps of a task or objection, oldest first.
func (s *Service) history(ctx context.Context, objType, objID string) ([]Event, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT seq, at, actor_id, actor_name, event, from_state, to_state, note, detail
		FROM quality_events WHERE object_type = $1 AND object_id = $2 ORDER BY seq`, objType, objID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at int64
		var dj string
		if err := rows.Scan(&e.Seq, &at, &e.ActorID, &e.ActorName, &e.Event, &e.From, &e.To, &e.Note, &dj); err != nil {
			return nil, err
		}
		e.At = db.FromMillis(at)
		if dj != "" {
			_ = json.Unmarshal([]byte(dj), &e.Detail)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func actorName(p *authz.Principal) string {
	if p.Username != "" {
		return p.Username
	}
	return p.UserID
}

func orgOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// ---- helpers ----

// fingerprint is a keyed hash of a record's values, used only to tell whether a row changed
// between loads (never to recover the values).
func (s *Service) fingerprint(values map[string]string) string {
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	h := hmac.New(sha256.New, append([]byte("pubdata-quality-fp:"), s.FingerprintKey...))
	for _, k := range keys {
		h.Write([]byte(k))
		h.Write([]byte{0x1f})
		h.Write([]byte(values[k]))
		h.Write([]byte{0x1e})
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// maskValue desensitizes a problem value for display: by the field kind's masking rule; a
// value of a sensitive field (level 3+) without one is redacted, as are values of unknown fields
// (fail closed). Long values are clipped.
func (s *Service) maskValue(e *catalog.Entry, field, v string) string {
	if v == "" {
		return ""
	}
	if r := []rune(v); len(r) > 40 {
		v = string(r[:40])
	}
	f, ok := e.Field(field)
	if !ok {
		return mask.Apply(mask.Rule{Method: mask.MethodRedact}, v)
	}
	if _, ok := s.Mask[f.Kind]; ok {
		return s.Mask.Value(f.Kind, v)
	}
	if f.Sensitivity >= 3 {
		return mask.Apply(mask.Rule{Method: mask.MethodRedact}, v)
	}
	return v
}

// regionPrefix is the prefix of region codes inside a region: 150000 → "15", 150200 → "1502".
func regionPrefix(code string) string {
	for strings.HasSuffix(code, "00") && len(code) > 2 {
		code = code[:len(code)-2]
	}
	return code
}

// authorityOrgs lists the data authorities responsible for a region: the region's own
// authority, else the authorities of its parents, else every authority.
func (s *Service) authorityOrgs(ctx context.Context, q db.Q, region string) ([]string, error) {
	var cands []string
	if region != "" {
		cands = append(cands, region)
		if len(region) == 6 {
			if region[4:] != "00" {
				cands = append(cands, region[:4]+"00")
			}
			if region[2:] != "0000" {
				cands = append(cands, region[:2]+"0000")
			}
		}
	}
	for _, c := range cands {
		out, err := queryStrings(ctx, q, "SELECT id FROM orgs WHERE kind = $1 AND region_code = $2 ORDER BY id", string(authz.KindAuthority), c)
		if err != nil || len(out) > 0 {
			return out, err
		}
	}
	return queryStrings(ctx, q, "SELECT id FROM orgs WHERE kind = $1 ORDER BY id", string(authz.KindAuthority))
}

func queryStrings(ctx context.Context, q db.Q, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func itoa(n int) string { return strconv.Itoa(n) }

// providerOf is the agency answerable for an entry's data: the provider, else the source agency.
func providerOf(e *catalog.Entry) string {
	if e.ProviderOrgID != "" {
		return e.ProviderOrgID
	}
	return e.SourceOrgID
}
