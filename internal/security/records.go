// Package security keeps the platform's security operation records (安全运营, SEC-6, SEC-9):
// security checks, risk assessments, emergency plans and drills, incidents and third-party
// service providers, each with an owner and a due date in working days, closed with a note; and
// it opens incidents itself from signals the platform already produces (SignalJob): unusual
// share-gateway volume alerts, bursts of failed logins, an audit log that no longer matches its
// signed checkpoint, a restore drill that did not pass.
package security

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/ids"
	"pubdata/internal/notify"
	"pubdata/internal/workday"
)

// Kinds of records.
var Kinds = []string{"check", "risk_assessment", "emergency_plan", "drill", "incident", "provider"}

// Record is one security operation record.
type Record struct {
	ID         string `json:"id"`
	Kind       string `json:"kind"`
	Title      string `json:"title"`
	Detail     string `json:"detail,omitempty"`
	RegionCode string `json:"region_code"`
	Owner      string `json:"owner"`
	State      string `json:"state"` // open, closed
	Severity   string `json:"severity,omitempty"`
	Due        string `json:"due,omitempty"`
	// Mark: the due date runs into a year without a holiday table (暂定期限), recomputed on import.
	workday.Mark
	NotifyDuty  bool      `json:"notify_duty"`
	Signal      string    `json:"signal,omitempty"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	ClosedBy    string    `json:"closed_by,omitempty"`
	ClosedAt    time.Time `json:"closed_at,omitzero"`
	ClosingNote string    `json:"closing_note,omitempty"`
	// Stage of an incident: reported, responding (a response step is recorded), closed.
	Stage string `json:"stage,omitempty"`
	// Providers: the last day of the security review and of the confidentiality agreement.
	ReviewExpires    string `json:"review_expires,omitempty"`
	AgreementExpires string `json:"agreement_expires,omitempty"`
	// Steps and Duties are filled by Get (and for incidents by List).
	Steps  []Step `json:"steps,omitempty"`
	Duties []Duty `json:"duties,omitempty"`
}

// Step is one entry of a record's history: the report, a response step, a notification made, the closing.
type Step struct {
	At    time.Time `json:"at"`
	Actor string    `json:"actor"`
	Kind  string    `json:"kind"` // report, step, notified, close
	Note  string    `json:"note,omitempty"`
}

// Duty is a notification an incident requires: whom to tell, on what basis, by which working day.
type Duty struct {
	ID        string `json:"id"`
	Recipient string `json:"recipient"`
	Basis     string `json:"basis"`
	Due       string `json:"due"`
	workday.Mark
	DoneAt  time.Time `json:"done_at,omitzero"`
	DoneBy  string    `json:"done_by,omitempty"`
	Note    string    `json:"note,omitempty"`
	Overdue bool      `json:"overdue"`
}

// DutyRule says who must be notified of an incident and within how many working days (0: the
// same working day — the regions' rules say 立即 / 及时, "immediately", without a number).
type DutyRule struct {
	Recipient string
	Days      int
	Basis     string
	// When selects the incidents it applies to.
	When func(r Record) bool
}

// DefaultDutyRules are the notification duties of the seed regulations: every incident is
// reported to the data authority at once (BT 33, QZ 3(4)); one with a reporting duty (high
// severity, or ticked) to the cyberspace and public security authorities (NM 37, BT 46) and to
// the users concerned (MDJ 20) within a working day; a high-severity one also warns the public
// (MDJ 22) within a working day.
var DefaultDutyRules = []DutyRule{
	{Recipient: "data_authority", Days: 0, Basis: "BT 33; QZ 3(4)", When: func(Record) bool { return true }},
	{Recipient: "cyber_police", Days: 1, Basis: "NM 37; BT 46", When: func(r Record) bool { return r.NotifyDuty }},
	{Recipient: "affected_users", Days: 1, Basis: "MDJ 20", When: func(r Record) bool { return r.NotifyDuty }},
	{Recipient: "public", Days: 1, Basis: "MDJ 22", When: func(r Record) bool { return r.Severity == "high" }},
}

// Service keeps the records.
type Service struct {
	DB       *db.DB
	Audit    *audit.Service
	Notify   *notify.Service
	Calendar *workday.Calendar
	Now      func() time.Time
	// Region is where platform-opened incidents belong when the signal names no region (the
	// platform's top region).
	Region func(ctx context.Context) string
	// GrantRegion is the region of a share grant's providing agency (a grant's signals belong there).
	GrantRegion func(ctx context.Context, grantID string) string
	// JobError reports a scheduled job's last error ("" when it last ran cleanly).
	JobError func(ctx context.Context, name string) string
	// LoginBurst is how many failed logins from one address within the signal scan make an
	// incident (default 20).
	LoginBurst int
	// VerifyMisses is how many verification items without a match one grant may submit within
	// VerifyWindow before an incident opens (default 50 within an hour).
	VerifyMisses int
	VerifyWindow time.Duration
	// DutyRules are the notification duties of incidents (nil: DefaultDutyRules).
	DutyRules []DutyRule
	// ProviderRemindDays is how many working days before a provider's security review or
	// confidentiality agreement expires its owner and the authority are reminded (default 20).
	ProviderRemindDays int
}

// NewRecord is the input of Create.
type NewRecord struct {
	Kind       string `json:"kind"`
	Title      string `json:"title"`
	Detail     string `json:"detail"`
	Owner      string `json:"owner"`
	Severity   string `json:"severity"`
	Days       int    `json:"days"` // due in working days (default 10)
	NotifyDuty bool   `json:"notify_duty"`
	// RegionCode: the region the record belongs to ("" = the caller's); it must be the caller's or below.
	RegionCode string `json:"region_code"`
	// Providers: YYYY-MM-DD, the last day of the security review and of the confidentiality agreement.
	ReviewExpires    string `json:"review_expires"`
	AgreementExpires string `json:"agreement_expires"`
}

// Create records a check, assessment, plan, drill, incident or provider. An incident starts in
// the reported stage with its notification duties.
func (s *Service) Create(ctx context.Context, p *authz.Principal, in NewRecord) (Record, error) {
	if in.RegionCode = strings.TrimSpace(in.RegionCode); in.RegionCode == "" {
		in.RegionCode = p.RegionCode
	}
	if err := authz.SecurityRecords(p, authz.Create, in.RegionCode); err != nil {
		if errors.Is(err, apperr.Hidden) {
			return Record{}, apperr.Forbidden // a region the caller does not cover: no record to hide
		}
		return Record{}, err
	}
	var fe []apperr.FieldError
	ok := false
	for _, k := range Kinds {
		ok = ok || k == in.Kind
	}
	if !ok {
		fe = append(fe, apperr.Field("kind", "请选择记录类型", "choose the kind"))
	}
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" || utf8.RuneCountInString(in.Title) > 200 {
		fe = append(fe, apperr.Field("title", "标题须为 1–200 字", "the title must be 1–200 characters"))
	}
	if utf8.RuneCountInString(in.Detail) > 4000 {
		fe = append(fe, apperr.Field("detail", "不超过 4000 字", "at most 4000 characters"))
	}
	if in.Severity != "" && in.Severity != "low" && in.Severity != "medium" && in.Severity != "high" {
		fe = append(fe, apperr.Field("severity", "级别须为低、中、高", "severity must be low, medium or high"))
	}
	if in.Days == 0 {
		in.Days = 10
	}
	if in.Days < 1 || in.Days > 250 {
		fe = append(fe, apperr.Field("days", "期限须为 1–250 个工作日", "the deadline must be 1–250 working days"))
	}
	for _, d := range []struct{ name, v string }{{"review_expires", in.ReviewExpires}, {"agreement_expires", in.AgreementExpires}} {
		if strings.TrimSpace(d.v) == "" {
			continue
		}
		if _, err := workday.Parse(strings.TrimSpace(d.v)); err != nil || in.Kind != "provider" {
			fe = append(fe, apperr.Field(d.name, "第三方服务机构的到期日，格式 YYYY-MM-DD", "a provider's expiry date, YYYY-MM-DD"))
		}
	}
	if in.Owner = strings.TrimSpace(in.Owner); in.Owner == "" {
		in.Owner = p.Username
	}
	if len(fe) > 0 {
		return Record{}, apperr.Invalid.With(fe...)
	}
	now := s.Now()
	r := Record{ID: ids.New(), Kind: in.Kind, Title: in.Title, Detail: strings.TrimSpace(in.Detail), RegionCode: in.RegionCode, Owner: in.Owner,
		State: "open", Severity: in.Severity, Due: workday.Format(s.Calendar.AddWorkdays(now, in.Days)), NotifyDuty: in.NotifyDuty, CreatedBy: p.Username, CreatedAt: now,
		ReviewExpires: strings.TrimSpace(in.ReviewExpires), AgreementExpires: strings.TrimSpace(in.AgreementExpires)}
	if r.Kind == "incident" {
		r.NotifyDuty = r.NotifyDuty || r.Severity == "high"
		r.Stage = "reported"
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.insert(ctx, tx, r, ""); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "security.record.create",
			ObjectType: "security_record", ObjectID: r.ID, Detail: map[string]any{"kind": r.Kind, "due": r.Due, "region": r.RegionCode}})
	})
	if err != nil {
		return Record{}, err
	}
	return s.Get(ctx, p, r.ID)
}

func (s *Service) rules() []DutyRule {
	if s.DutyRules != nil {
		return s.DutyRules
	}
	return DefaultDutyRules
}

// dueIn is the last working day of a duty of n working days from t (0: the same working day,
// or the next one when t is not a working day).
func (s *Service) dueIn(t time.Time, n int) string {
	if n == 0 && !s.Calendar.IsWorkday(t) {
		n = 1
	}
	return workday.Format(s.Calendar.AddWorkdays(t, n))
}

func (s *Service) insert(ctx context.Context, q db.Q, r Record, key string) error {
	duty := 0
	if r.NotifyDuty {
		duty = 1
	}
	_, err := q.ExecContext(ctx, `INSERT INTO security_records (id, kind, title, detail, region_code, owner, state, severity, due, notify_duty, signal, signal_key, created_by, created_at,
		stage, review_expires, agreement_expires)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`, r.ID, r.Kind, r.Title, r.Detail, r.RegionCode, r.Owner, r.State, r.Severity, r.Due, duty,
		r.Signal, key, r.CreatedBy, db.Millis(r.CreatedAt), r.Stage, r.ReviewExpires, r.AgreementExpires)
	if err != nil || r.Kind != "incident" {
		return err
	}
	if err := s.step(ctx, q, r.ID, r.CreatedBy, "report", r.Detail, r.CreatedAt); err != nil {
		return err
	}
	for _, rule := range s.rules() {
		if rule.When != nil && !rule.When(r) {
			continue
		}
		if _, err := q.ExecContext(ctx, "INSERT INTO security_duties (id, record_id, recipient, basis, due) VALUES ($1,$2,$3,$4,$5)",
			ids.New(), r.ID, rule.Recipient, rule.Basis, s.dueIn(r.CreatedAt, rule.Days)); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) step(ctx context.Context, q db.Q, id, actor, kind, note string, at time.Time) error {
	_, err := q.ExecContext(ctx, "INSERT INTO security_steps (id, record_id, at, actor, kind, note) VALUES ($1,$2,$3,$4,$5,$6)",
		ids.New(), id, db.Millis(at), actor, kind, note)
	return err
}

// Errors of the incident workflow.
var (
	ErrNotOpen     = apperr.New(http.StatusConflict, "security_record_closed", "该记录已关闭或不存在", "the record is closed already or does not exist")
	ErrNotIncident = apperr.New(http.StatusConflict, "security_not_incident", "只有安全事件记录处置步骤和报告义务", "only incidents have response steps and notification duties")
	ErrNoResponse  = apperr.New(http.StatusConflict, "security_no_response", "安全事件须先记录处置步骤才能关闭", "record at least one response step before closing an incident")
	ErrDutiesOpen  = apperr.New(http.StatusConflict, "security_duties_open", "安全事件尚有未履行的报告义务，不能关闭", "the incident has notification duties not yet fulfilled")
	ErrNoDuty      = apperr.New(http.StatusUnprocessableEntity, "security_no_duty", "该事件没有这项报告义务，或已履行", "the incident has no such notification duty, or it is fulfilled")
)

// guard loads a record for a change by p: hidden when p may not read it, forbidden when p may
// read but not change it, ErrNotOpen when closed.
func (s *Service) guard(ctx context.Context, p *authz.Principal, id string) (Record, error) {
	if err := authz.SecurityRecords(p, authz.Update, ""); err != nil && authz.SecurityRecords(p, authz.Read, "") != nil {
		return Record{}, apperr.Hidden // nobody who may not read records learns whether one exists
	}
	r, err := scan(s.DB.QueryRowContext(ctx, "SELECT "+cols+" FROM security_records WHERE id = $1", id))
	if db.IsNoRows(err) {
		return r, apperr.Hidden
	}
	if err != nil {
		return r, err
	}
	if err := authz.SecurityRecords(p, authz.Update, r.RegionCode); err != nil {
		return r, err
	}
	if r.State != "open" {
		return r, ErrNotOpen
	}
	return r, nil
}

// AddStep records a response step on an incident (reported → responding).
func (s *Service) AddStep(ctx context.Context, p *authz.Principal, id, note string) (Record, error) {
	r, err := s.guard(ctx, p, id)
	if err != nil {
		return Record{}, err
	}
	if r.Kind != "incident" {
		return Record{}, ErrNotIncident
	}
	note = strings.TrimSpace(note)
	if note == "" || utf8.RuneCountInString(note) > 4000 {
		return Record{}, apperr.Invalid.With(apperr.Field("note", "请写明采取的处置措施（1–4000 字）", "describe the response step (1–4000 characters)"))
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.step(ctx, tx, id, p.Username, "step", note, s.Now()); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE security_records SET stage = 'responding' WHERE id = $1 AND stage = 'reported'", id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "security.incident.step",
			ObjectType: "security_record", ObjectID: id})
	})
	if err != nil {
		return Record{}, err
	}
	return s.Get(ctx, p, id)
}

// Notified records that a notification duty of an incident was fulfilled: whom, how and when.
func (s *Service) Notified(ctx context.Context, p *authz.Principal, id, recipient, note string) (Record, error) {
	r, err := s.guard(ctx, p, id)
	if err != nil {
		return Record{}, err
	}
	if r.Kind != "incident" {
		return Record{}, ErrNotIncident
	}
	note = strings.TrimSpace(note)
	if note == "" || utf8.RuneCountInString(note) > 2000 {
		return Record{}, apperr.Invalid.With(apperr.Field("note", "请写明报告对象、方式和时间（1–2000 字）", "say whom you told, how and when (1–2000 characters)"))
	}
	now := s.Now()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE security_duties SET done_at = $1, done_by = $2, note = $3 WHERE record_id = $4 AND recipient = $5 AND done_at = 0",
			db.Millis(now), p.Username, note, id, recipient)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNoDuty
		}
		if err := s.step(ctx, tx, id, p.Username, "notified", recipient+": "+note, now); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "security.incident.notified",
			ObjectType: "security_record", ObjectID: id, Detail: map[string]any{"recipient": recipient}})
	})
	if err != nil {
		return Record{}, err
	}
	return s.Get(ctx, p, id)
}

// Close closes a record with a note (what was done, the outcome). An incident closes only after
// a response step and with every notification duty fulfilled.
func (s *Service) Close(ctx context.Context, p *authz.Principal, id, note string) (Record, error) {
	r, err := s.guard(ctx, p, id)
	if err != nil {
		return Record{}, err
	}
	note = strings.TrimSpace(note)
	if note == "" || utf8.RuneCountInString(note) > 4000 {
		return Record{}, apperr.Invalid.With(apperr.Field("note", "请写明处置情况（1–4000 字）", "describe what was done (1–4000 characters)"))
	}
	if r.Kind == "incident" {
		if r.Stage == "reported" {
			return Record{}, ErrNoResponse
		}
		var open int
		if err := s.DB.QueryRowContext(ctx, "SELECT count(*) FROM security_duties WHERE record_id = $1 AND done_at = 0", id).Scan(&open); err != nil {
			return Record{}, err
		}
		if open > 0 {
			return Record{}, ErrDutiesOpen
		}
	}
	now := s.Now()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		stage := ""
		if r.Kind == "incident" {
			stage = "closed"
		}
		res, err := tx.ExecContext(ctx, "UPDATE security_records SET state = 'closed', stage = $1, closed_by = $2, closed_at = $3, closing_note = $4 WHERE id = $5 AND state = 'open'",
			stage, p.Username, db.Millis(now), note, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotOpen
		}
		if r.Kind == "incident" {
			if err := s.step(ctx, tx, id, p.Username, "close", note, now); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "security.record.close",
			ObjectType: "security_record", ObjectID: id})
	})
	if err != nil {
		return Record{}, err
	}
	return s.Get(ctx, p, id)
}

const cols = `id, kind, title, detail, region_code, owner, state, severity, due, notify_duty, signal, created_by, created_at, closed_by, closed_at, closing_note,
	stage, review_expires, agreement_expires`

func scan(sc interface{ Scan(...any) error }) (Record, error) {
	var r Record
	var duty int
	var c, cl int64
	err := sc.Scan(&r.ID, &r.Kind, &r.Title, &r.Detail, &r.RegionCode, &r.Owner, &r.State, &r.Severity, &r.Due, &duty, &r.Signal, &r.CreatedBy, &c, &r.ClosedBy, &cl, &r.ClosingNote,
		&r.Stage, &r.ReviewExpires, &r.AgreementExpires)
	r.NotifyDuty, r.CreatedAt = duty == 1, db.FromMillis(c)
	if cl > 0 {
		r.ClosedAt = db.FromMillis(cl)
	}
	return r, err
}

// Get returns one record with its history and duties (404 to those who may not read it).
func (s *Service) Get(ctx context.Context, p *authz.Principal, id string) (Record, error) {
	if authz.SecurityRecords(p, authz.Read, "") != nil {
		return Record{}, apperr.Hidden
	}
	r, err := scan(s.DB.QueryRowContext(ctx, "SELECT "+cols+" FROM security_records WHERE id = $1", id))
	if db.IsNoRows(err) {
		return r, apperr.Hidden
	}
	if err != nil {
		return r, err
	}
	if err := authz.SecurityRecords(p, authz.Read, r.RegionCode); err != nil {
		return Record{}, err
	}
	if r.State == "open" {
		r.Mark = s.Calendar.Mark(r.Due, s.Now())
	}
	if r.Steps, err = s.steps(ctx, id); err != nil {
		return r, err
	}
	r.Duties, err = s.duties(ctx, id)
	return r, err
}

func (s *Service) steps(ctx context.Context, id string) ([]Step, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT at, actor, kind, note FROM security_steps WHERE record_id = $1 ORDER BY at, id LIMIT 500", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Step
	for rows.Next() {
		var st Step
		var at int64
		if err := rows.Scan(&at, &st.Actor, &st.Kind, &st.Note); err != nil {
			return nil, err
		}
		st.At = db.FromMillis(at)
		out = append(out, st)
	}
	return out, rows.Err()
}

func (s *Service) duties(ctx context.Context, id string) ([]Duty, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT id, recipient, basis, due, done_at, done_by, note FROM security_duties WHERE record_id = $1 ORDER BY due, recipient LIMIT 50", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := s.Now()
	var out []Duty
	for rows.Next() {
		var d Duty
		var done int64
		if err := rows.Scan(&d.ID, &d.Recipient, &d.Basis, &d.Due, &done, &d.DoneBy, &d.Note); err != nil {
			return nil, err
		}
		if done > 0 {
			d.DoneAt = db.FromMillis(done)
		} else if due, err := workday.Parse(d.Due); err == nil {
			d.Overdue = workday.Overdue(due, now)
			d.Mark = s.Calendar.Mark(d.Due, now)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// regionPrefix is the code prefix of a region and the regions below it.
func regionPrefix(code string) string {
	switch {
	case strings.HasSuffix(code, "0000"):
		return code[:2]
	case strings.HasSuffix(code, "00"):
		return code[:4]
	}
	return code
}

// List returns the records of the caller's region and below (auditors and oversight bodies: all
// regions), open first by due date, then the latest closed (at most limit ≤ 200); incidents with
// their notification duties.
func (s *Service) List(ctx context.Context, p *authz.Principal, kind string, limit int) ([]Record, error) {
	if err := authz.SecurityRecords(p, authz.Read, ""); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 200 {
		limit = 100
	}
	region := ""
	if f := authz.SecurityRegionFilter(p); f != "" {
		region = regionPrefix(f) + "%"
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+cols+" FROM security_records WHERE ($1 = '' OR kind = $1) AND ($2 = '' OR region_code LIKE $2) ORDER BY state DESC, due, created_at DESC LIMIT $3",
		kind, region, limit)
	if err != nil {
		return nil, err
	}
	var out []Record
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	now := s.Now()
	for i := range out {
		if out[i].State == "open" {
			out[i].Mark = s.Calendar.Mark(out[i].Due, now)
		}
		if out[i].Kind == "incident" {
			if out[i].Duties, err = s.duties(ctx, out[i].ID); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// ---- incidents from the platform's signals ----

// Signals.
const (
	SignalShareAnomaly       = "share_anomaly"       // a grant's day volume far above its usual days
	SignalOffHours           = "off_hours_bulk"      // bulk gateway calls outside working hours
	SignalQuota              = "quota_exhausted"     // a grant ran into its daily quota
	SignalVerifyMisses       = "verify_misses"       // repeated verification items without a match
	SignalLoginBurst         = "login_burst"         // failed logins in a burst from one address
	SignalCheckpoint         = "checkpoint_mismatch" // the audit log no longer matches its signed checkpoint
	SignalRestoreDrill       = "restore_drill_failed"
	signalCursor             = "security.signal_cursor"
	signalScanLimit    int64 = 50000
)

// Open opens an incident for a signal occurrence once (key dedups it across runs and nodes) in
// region ("" = the platform's top region); it reports whether it was new. The authority's
// administrators and security officers whose region covers it are told in their inbox.
func (s *Service) Open(ctx context.Context, signal, key, region, title, detail, severity string) (bool, error) {
	now := s.Now()
	if region == "" && s.Region != nil {
		region = s.Region(ctx)
	}
	r := Record{ID: ids.New(), Kind: "incident", Title: title, Detail: detail, RegionCode: region, State: "open", Severity: severity,
		Due: workday.Format(s.Calendar.AddWorkdays(now, 1)), NotifyDuty: severity == "high", Signal: signal, CreatedBy: "system", CreatedAt: now, Stage: "reported"}
	var n int
	if err := s.DB.QueryRowContext(ctx, "SELECT count(*) FROM security_records WHERE signal_key = $1", signal+":"+key).Scan(&n); err != nil || n > 0 {
		return false, err
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.insert(ctx, tx, r, signal+":"+key); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: "system", ActorName: "system", Action: "security.incident.open",
			ObjectType: "security_record", ObjectID: r.ID, Detail: map[string]any{"signal": signal, "key": key, "region": region}})
	})
	if err != nil {
		if strings.Contains(strings.ToLower(err.Error()), "unique") {
			return false, nil // another node opened it
		}
		return false, err
	}
	for _, u := range s.keepers(ctx, region, "") {
		s.Notify.Send(ctx, s.DB, notify.Message{UserID: u, Kind: "flag", TitleZH: "平台发现安全事件：" + title, TitleEN: "Security incident opened by the platform",
			BodyZH: detail, BodyEN: "See the security operations page for the incident.", Link: "/security/" + r.ID, ObjectType: "security_record", ObjectID: r.ID,
			DedupKey: "security:" + r.ID + ":" + u})
	}
	return true, nil
}

// keepers are the users who keep a region's security records: the administrators and security
// officers of the authorities whose region covers it, and the owner named on the record.
func (s *Service) keepers(ctx context.Context, region, owner string) []string {
	if s.Notify == nil {
		return nil
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT DISTINCT u.id, o.region_code, u.username FROM users u JOIN user_roles r ON r.user_id = u.id JOIN orgs o ON o.id = u.org_id
		WHERE r.role IN ('authority_admin', 'security_officer') AND o.kind = $1 AND u.disabled = 0 ORDER BY u.id LIMIT 500`, string(authz.KindAuthority))
	if err != nil {
		return nil
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, reg, name string
		if rows.Scan(&id, &reg, &name) == nil && authz.RegionCovers(reg, region) {
			out = append(out, id)
		}
	}
	rows.Close()
	if owner != "" {
		var id string
		if s.DB.QueryRowContext(ctx, "SELECT id FROM users WHERE username = $1 AND disabled = 0", owner).Scan(&id) == nil {
			seen := false
			for _, x := range out {
				seen = seen || x == id
			}
			if !seen {
				out = append(out, id)
			}
		}
	}
	return out
}

// ScanSignals reads the audit records since the last scan and opens incidents: one per unusual
// gateway volume alert and one per off-hours bulk alert (the share anomaly job's), one per grant
// and day that ran into its daily quota, one per grant and day whose verification calls submitted
// VerifyMisses or more items without a match within VerifyWindow, one per client address with
// LoginBurst or more failed logins within 10 minutes, one per restore drill that did not pass;
// and one per day the audit checkpoint job reports the log rewritten. It returns how many
// incidents it opened.
func (s *Service) ScanSignals(ctx context.Context) (int, error) {
	if err := s.Audit.Flush(ctx); err != nil {
		return 0, err
	}
	var cursor int64
	var raw string
	if err := s.DB.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", signalCursor).Scan(&raw); err == nil {
		fmt.Sscan(raw, &cursor)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT seq, at, action, object_id, grant_id, client_ip, result, detail FROM audit_log WHERE seq > $1
		AND (action IN ('share.grant.anomaly', 'backup.drill') OR (action = 'identity.login' AND result = 'denied')
		OR (action = 'share.gateway.verify' AND result = 'ok') OR (action LIKE 'share.gateway.%' AND result = 'denied' AND detail LIKE '%share.quota_exceeded%'))
		ORDER BY seq LIMIT $2`, cursor, signalScanLimit)
	if err != nil {
		return 0, err
	}
	type rec struct {
		seq                                          int64
		at                                           int64
		action, object, grant, ip, result, detailRaw string
	}
	var recs []rec
	for rows.Next() {
		var r rec
		if err := rows.Scan(&r.seq, &r.at, &r.action, &r.object, &r.grant, &r.ip, &r.result, &r.detailRaw); err != nil {
			rows.Close()
			return 0, err
		}
		recs = append(recs, r)
	}
	rows.Close()
	opened := 0
	open := func(signal, key, region, title, detail, sev string) error {
		n, err := s.Open(ctx, signal, key, region, title, detail, sev)
		if n {
			opened++
		}
		return err
	}
	grantRegion := func(g string) string {
		if s.GrantRegion == nil || g == "" {
			return ""
		}
		return s.GrantRegion(ctx, g)
	}
	burst := s.LoginBurst
	if burst <= 0 {
		burst = 20
	}
	misses, window := s.VerifyMisses, s.VerifyWindow
	if misses <= 0 {
		misses = 50
	}
	if window <= 0 {
		window = time.Hour
	}
	fails := map[string][]int64{}
	verify := map[string]int64{} // grant → the earliest verification call of this scan
	last := cursor
	for _, r := range recs {
		last = r.seq
		var det map[string]any
		json.Unmarshal([]byte(r.detailRaw), &det)
		switch r.action {
		case "share.grant.anomaly":
			why := fmt.Sprint(det["why"])
			if strings.Contains(why, "volume") {
				if err := open(SignalShareAnomaly, fmt.Sprint(r.seq), grantRegion(r.object), "共享授权调用量异常 / unusual gateway volume",
					fmt.Sprintf("授权 %s 于 %v 调用 %v 次（近 28 天日中位数 %v 次）", r.object, det["day"], det["calls"], det["median"]), "medium"); err != nil {
					return opened, err
				}
			}
			if strings.Contains(why, "off_hours") {
				if err := open(SignalOffHours, fmt.Sprint(r.seq), grantRegion(r.object), "非工作时间批量调用 / bulk calls off hours",
					fmt.Sprintf("授权 %s 于 %v 在非工作时间调用 %v 次", r.object, det["day"], det["off_hours"]), "medium"); err != nil {
					return opened, err
				}
			}
		case "backup.drill":
			if r.result != audit.OK {
				if err := open(SignalRestoreDrill, fmt.Sprint(r.seq), "", "恢复演练未通过 / restore drill failed", "备份 "+r.object+"："+r.detailRaw, "high"); err != nil {
					return opened, err
				}
			}
		case "identity.login":
			fails[r.ip] = append(fails[r.ip], r.at)
		case "share.gateway.verify":
			if r.grant != "" {
				if first, ok := verify[r.grant]; !ok || r.at < first {
					verify[r.grant] = r.at
				}
			}
		default: // a gateway call refused for the daily quota
			day := workday.Format(db.FromMillis(r.at))
			if err := open(SignalQuota, r.grant+":"+day, grantRegion(r.grant), "共享授权日调用量已用尽 / daily quota exhausted",
				fmt.Sprintf("授权 %s 于 %s 达到日调用量上限后仍在调用", r.grant, day), "low"); err != nil {
				return opened, err
			}
		}
	}
	for g, first := range verify {
		// Misses (items without a match) within the window, sliding over the grant's verification
		// calls from a window before this scan's first one (a window may straddle two scans): the
		// first window that reaches the threshold opens the day's incident for the grant.
		ms, err := s.verifyMisses(ctx, g, first-window.Milliseconds(), last)
		if err != nil {
			return opened, err
		}
		var sum int64
		lo := 0
		for hi := range ms {
			sum += ms[hi].n
			for ms[hi].at-ms[lo].at > window.Milliseconds() {
				sum -= ms[lo].n
				lo++
			}
			if sum >= int64(misses) {
				day := workday.Format(db.FromMillis(ms[hi].at))
				if err := open(SignalVerifyMisses, g+":"+day, grantRegion(g), "核验反复未命中 / repeated verification misses",
					fmt.Sprintf("授权 %s 在 %s 内提交 %d 条未命中（不存在或不一致）的核验（%s）", g, window, sum, day), "medium"); err != nil {
					return opened, err
				}
				break
			}
		}
	}
	for ip, ats := range fails {
		// A burst: burst failures within 10 minutes from one address.
		for i := burst - 1; i < len(ats); i++ {
			if ats[i]-ats[i-burst+1] <= int64(10*time.Minute/time.Millisecond) {
				day := workday.Format(db.FromMillis(ats[i]))
				if err := open(SignalLoginBurst, ip+":"+day, "", "登录失败集中出现 / burst of failed logins",
					fmt.Sprintf("地址 %s 在 10 分钟内登录失败 %d 次以上（%s）", ip, burst, day), "medium"); err != nil {
					return opened, err
				}
				break
			}
		}
	}
	if s.JobError != nil {
		if e := s.JobError(ctx, "audit.checkpoint"); strings.Contains(e, "audit_log_rewritten") || strings.Contains(e, "no longer matches") {
			if err := open(SignalCheckpoint, workday.Format(s.Now()), "", "审计日志与签名检查点不一致 / audit log does not match its checkpoint", e, "high"); err != nil {
				return opened, err
			}
		}
	}
	if last > cursor {
		if _, err := s.DB.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
			signalCursor, fmt.Sprint(last)); err != nil {
			return opened, err
		}
	}
	return opened, nil
}

type miss struct{ at, n int64 }

// verifyMisses lists a grant's verification calls from since up to audit record last, with the
// items each submitted that had no match (not found, or a value that differs).
func (s *Service) verifyMisses(ctx context.Context, grant string, since, last int64) ([]miss, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT at, detail FROM audit_log WHERE grant_id = $1 AND at >= $2 AND seq <= $3
		AND action = 'share.gateway.verify' AND result = 'ok' ORDER BY at, seq LIMIT 100000`, grant, since, last)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []miss
	for rows.Next() {
		var at int64
		var raw string
		if err := rows.Scan(&at, &raw); err != nil {
			return nil, err
		}
		var det struct {
			Items   int64 `json:"items"`
			Matched int64 `json:"matched"`
		}
		json.Unmarshal([]byte(raw), &det)
		if n := det.Items - det.Matched; n > 0 {
			out = append(out, miss{at, n})
		}
	}
	return out, rows.Err()
}

// Remind sends the reminders of security records (the security.reminders job): for each open
// incident's notification duty not yet fulfilled, on its due day and every working day it is
// overdue; for each open provider record, once ProviderRemindDays working days before its
// security review or confidentiality agreement expires and once when it has expired. Messages go
// to the record's owner and to the keepers of its region; each is sent once (dedup keys). It
// returns how many reminders it sent.
func (s *Service) Remind(ctx context.Context) (int, error) {
	if s.Notify == nil {
		return 0, nil
	}
	now := s.Now()
	today := workday.Format(now)
	type item struct {
		id, title, region, owner, recipient, due string
	}
	var duties []item
	rows, err := s.DB.QueryContext(ctx, `SELECT r.id, r.title, r.region_code, r.owner, d.recipient, d.due FROM security_duties d JOIN security_records r ON r.id = d.record_id
		WHERE d.done_at = 0 AND r.state = 'open' AND d.due <= $1 ORDER BY d.due LIMIT 1000`, today)
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.id, &it.title, &it.region, &it.owner, &it.recipient, &it.due); err != nil {
			rows.Close()
			return 0, err
		}
		duties = append(duties, it)
	}
	rows.Close()
	sent := 0
	send := func(it item, dedup, titleZH, titleEN, bodyZH, bodyEN string) {
		for _, u := range s.keepers(ctx, it.region, it.owner) {
			if ok, _ := s.Notify.Send(ctx, s.DB, notify.Message{UserID: u, Kind: "reminder", TitleZH: titleZH, TitleEN: titleEN, BodyZH: bodyZH, BodyEN: bodyEN,
				Link: "/security/" + it.id, ObjectType: "security_record", ObjectID: it.id, DedupKey: dedup + ":" + u}); ok {
				sent++
			}
		}
	}
	for _, it := range duties {
		if !s.Calendar.IsWorkday(now) && it.due != today {
			continue // overdue reminders on working days
		}
		who := DutyLabels[it.recipient]
		send(it, "security:duty:"+it.id+":"+it.recipient+":"+today,
			"安全事件报告义务到期："+it.title, "Incident notification due: "+it.title,
			fmt.Sprintf("报告义务“%s”须于 %s 前履行（%s）。履行后请在事件页登记。", who[0], it.due, it.title),
			fmt.Sprintf("The %s must be notified by %s. Record the notification on the incident's page.", who[1], it.due))
	}
	days := s.ProviderRemindDays
	if days <= 0 {
		days = 20
	}
	var provs []item
	rows, err = s.DB.QueryContext(ctx, `SELECT id, title, region_code, owner, review_expires, agreement_expires FROM security_records
		WHERE kind = 'provider' AND state = 'open' AND (review_expires <> '' OR agreement_expires <> '') ORDER BY id LIMIT 2000`)
	if err != nil {
		return sent, err
	}
	for rows.Next() {
		var it item
		var review, agreement string
		if err := rows.Scan(&it.id, &it.title, &it.region, &it.owner, &review, &agreement); err != nil {
			rows.Close()
			return sent, err
		}
		if review != "" {
			x := it
			x.recipient, x.due = "review", review
			provs = append(provs, x)
		}
		if agreement != "" {
			x := it
			x.recipient, x.due = "agreement", agreement
			provs = append(provs, x)
		}
	}
	rows.Close()
	for _, it := range provs {
		due, err := workday.Parse(it.due)
		if err != nil {
			continue
		}
		what := ProviderLabels[it.recipient]
		switch {
		case workday.Overdue(due, now):
			send(it, "security:provider:"+it.id+":"+it.recipient+":"+it.due+":expired",
				"第三方服务机构"+what[0]+"已过期："+it.title, "Provider's "+what[1]+" has expired: "+it.title,
				fmt.Sprintf("%s的%s已于 %s 到期，请重新审查或续签。", it.title, what[0], it.due),
				fmt.Sprintf("The %s expired on %s; review again or renew it.", what[1], it.due))
		case s.Calendar.Remaining(due, now) <= days:
			send(it, "security:provider:"+it.id+":"+it.recipient+":"+it.due+":ahead",
				"第三方服务机构"+what[0]+"即将到期："+it.title, "Provider's "+what[1]+" expires soon: "+it.title,
				fmt.Sprintf("%s的%s将于 %s 到期（还有 %d 个工作日），请及时安排。", it.title, what[0], it.due, s.Calendar.Remaining(due, now)),
				fmt.Sprintf("The %s expires on %s (%d working days left).", what[1], it.due, s.Calendar.Remaining(due, now)))
		}
	}
	return sent, nil
}

// DutyLabels name the recipients of notification duties (zh, en).
var DutyLabels = map[string][2]string{
	"data_authority": {"数据主管部门", "data authority"},
	"cyber_police":   {"网信、公安部门", "cyberspace and public security authorities"},
	"affected_users": {"受影响的用户", "users concerned"},
	"public":         {"向社会发布警示信息", "public (warning notice)"},
}

// ProviderLabels name what of a provider expires (zh, en).
var ProviderLabels = map[string][2]string{
	"review":    {"安全审查", "security review"},
	"agreement": {"保密协议", "confidentiality agreement"},
}
