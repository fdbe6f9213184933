// Package complaint handles rights complaints against open data (权益投诉, OPN-5): anyone who
// finds that opened data harms privacy, personal information or trade secrets files a complaint
// with evidence; opening of the dataset is suspended at once (through the opening package's
// suspension, so the next download or call is refused with the reason); the provider verifies
// and then withdraws the data, restores opening, or processes the data and re-opens it; the
// complainant is answered (inbox, and a public status page by complaint number). The provider
// has a working-day deadline; a late complaint is escalated to the authority once. Every step is
// audited in its transaction. The workflow is one table (machine.go).
package complaint

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/ids"
	"pubdata/internal/notify"
	"pubdata/internal/workday"
)

// Suspender suspends and restores a dataset's opening (internal/open: SuspendAs, RestoreAs).
type Suspender interface {
	SuspendForComplaint(ctx context.Context, p *authz.Principal, entryID, reason, complaintID string) (suspensionID string, err error)
	RestoreForComplaint(ctx context.Context, p *authz.Principal, entryID, suspensionID, note string) error
}

// Decide is the one authorization decision for acting on (act = true) or reading (false) the
// complaints about an entry: the opening package's (authz.Open OpenSuspend / Read).
type Decide func(p *authz.Principal, act bool, e *catalog.Entry) error

// Complaint is one rights complaint (权益投诉).
type Complaint struct {
	ID            string `json:"id"`
	Number        string `json:"number"` // public complaint number (投诉编号)
	EntryID       string `json:"dataset_id"`
	DatasetTitle  string `json:"dataset_title"`
	ProviderOrgID string `json:"provider_org_id"`
	RegionCode    string `json:"region_code"`
	Kind          string `json:"kind"`    // privacy | personal_info | trade_secret
	Records       string `json:"records"` // which records (keys or description); empty: the dataset
	Description   string `json:"description"`
	Evidence      string `json:"evidence"`
	// Complainant: shown to the provider and the authority only, never on the public page.
	Name    string `json:"complainant_name,omitempty"`
	Contact string `json:"contact,omitempty"`
	UserID  string `json:"-"`

	State        State    `json:"state"`
	SuspensionID string   `json:"suspension_id,omitempty"`
	Due          string   `json:"due"` // YYYY-MM-DD, working days from filing
	Provisional  bool     `json:"due_provisional,omitempty"`
	EscalatedAt  db.Stamp `json:"escalated_at"`
	Answer       string   `json:"answer,omitempty"`
	LegalBasis   string   `json:"legal_basis,omitempty"`
	FiledAt      db.Stamp `json:"filed_at"`
	UpdatedAt    db.Stamp `json:"updated_at"`
	ClosedAt     db.Stamp `json:"closed_at"`
	Events       []Event  `json:"events,omitempty"`
}

// Public is what anyone sees by complaint number: no complainant, no evidence.
type Public struct {
	Number       string        `json:"number"`
	DatasetID    string        `json:"dataset_id"`
	DatasetTitle string        `json:"dataset_title"`
	Kind         string        `json:"kind"`
	State        State         `json:"state"`
	Due          string        `json:"due"`
	Answer       string        `json:"answer,omitempty"`
	LegalBasis   string        `json:"legal_basis,omitempty"`
	FiledAt      db.Stamp      `json:"filed_at"`
	ClosedAt     db.Stamp      `json:"closed_at"`
	Events       []PublicEvent `json:"events"`
}

// Event is one step of a complaint.
type Event struct {
	At        db.Stamp `json:"at"`
	ActorName string   `json:"actor_name"`
	Event     Ev       `json:"event"`
	From      State    `json:"from"`
	To        State    `json:"to"`
	Note      string   `json:"note,omitempty"`
}

// PublicEvent is a step as the public sees it (who acted is the office, not the person).
type PublicEvent struct {
	At    db.Stamp `json:"at"`
	Event Ev       `json:"event"`
	To    State    `json:"to"`
}

// Kinds of harm (投诉类别).
var Kinds = []string{"privacy", "personal_info", "trade_secret"}

// DefaultDays is the provider's deadline to verify and answer, in working days from filing.
const DefaultDays = 10

// Errors.
var (
	ErrNotFound = apperr.New(http.StatusNotFound, "complaint.not_found", "投诉不存在", "no such complaint")
	ErrNotOpen  = apperr.New(http.StatusNotFound, "complaint.not_open", "只能对已开放的数据集投诉", "complaints are filed against open datasets")
	ErrState    = apperr.New(http.StatusConflict, "complaint.invalid_state", "投诉当前状态不允许此操作", "the complaint's state does not allow this")
	// ErrThrottled: more than PerHour complaints from one client address in the last hour. A
	// complaint suspends a dataset at once, so filing must not be free to automate.
	ErrThrottled = apperr.New(http.StatusTooManyRequests, "complaint.throttled", "该网络地址提交投诉过多，请一小时后再试",
		"too many complaints from this network address; try again in an hour")
)

// Service runs the complaint workflow.
type Service struct {
	DB      *db.DB
	Audit   *audit.Service
	Notify  *notify.Service
	Cal     *workday.Calendar
	Catalog *catalog.Service
	Suspend Suspender
	Decide  Decide
	Days    int
	// PerHour bounds the complaints filed from one client address in an hour (DefaultPerHour).
	PerHour int
	Now     func() time.Time
}

// DefaultPerHour is the default bound on complaints per client address and hour.
const DefaultPerHour = 10

// New makes the service; Suspend and Decide are wired by the app (internal/open).
func New(d *db.DB, a *audit.Service, n *notify.Service, cal *workday.Calendar, c *catalog.Service) *Service {
	return &Service{DB: d, Audit: a, Notify: n, Cal: cal, Catalog: c, Days: DefaultDays, PerHour: DefaultPerHour, Now: time.Now}
}

// Filing is what a complainant submits.
type Filing struct {
	DatasetID   string `json:"dataset_id"`
	Kind        string `json:"kind"`
	Records     string `json:"records"`
	Description string `json:"description"`
	Evidence    string `json:"evidence"`
	Name        string `json:"complainant_name"`
	Contact     string `json:"contact"`
}

// Receipt is what the complainant keeps: the complaint number, to follow it on the public status
// page (and in the inbox when filed logged in).
type Receipt struct {
	Complaint Public `json:"complaint"`
}

func actorName(p *authz.Principal) string {
	if p == nil {
		return ""
	}
	if p.DisplayName != "" {
		return p.DisplayName
	}
	return p.Username
}

// File records a complaint and suspends the dataset's opening in the same request (OPN-5:
// immediately). Anyone may file, logged in or not.
func (s *Service) File(ctx context.Context, p *authz.Principal, in Filing, clientIP string) (Receipt, error) {
	var fe []apperr.FieldError
	in.DatasetID = apperr.Text(&fe, "dataset_id", in.DatasetID, 64, true, "数据集", "dataset_id")
	okKind := false
	for _, k := range Kinds {
		okKind = okKind || in.Kind == k
	}
	if !okKind {
		fe = append(fe, apperr.Field("kind", "投诉类别须为隐私、个人信息或商业秘密", "the kind must be privacy, personal information or a trade secret"))
	}
	in.Records = apperr.Text(&fe, "records", in.Records, 2000, false, "涉及的记录", "records")
	in.Description = apperr.Text(&fe, "description", in.Description, 4000, true, "投诉事由", "description")
	in.Evidence = apperr.Text(&fe, "evidence", in.Evidence, 8000, true, "证据材料", "evidence")
	in.Name = apperr.Text(&fe, "complainant_name", in.Name, 100, true, "投诉人姓名或单位名称", "complainant_name")
	in.Contact = apperr.Text(&fe, "contact", in.Contact, 200, true, "联系方式", "contact")
	if err := apperr.Validation(fe); err != nil {
		return Receipt{}, err
	}
	e, err := s.Catalog.Published(ctx, in.DatasetID)
	if err != nil || e.OpenType == catalog.OpenNone || e.OpenType == "" {
		return Receipt{}, ErrNotOpen
	}
	if s.Suspend == nil {
		return Receipt{}, apperr.Internal.Wrap(fmt.Errorf("complaint: no suspender wired"))
	}
	now := s.Now()
	dl := s.Cal.Deadline(now, s.days())
	c := Complaint{ID: ids.New(), EntryID: e.ID, DatasetTitle: e.Name, ProviderOrgID: e.ProviderOrgID, RegionCode: e.RegionCode,
		Kind: in.Kind, Records: in.Records, Description: in.Description, Evidence: in.Evidence, Name: in.Name, Contact: in.Contact,
		UserID: p.UserID, State: StateSuspended, Due: dl.Due.Format("2006-01-02"), Provisional: dl.Provisional(),
		FiledAt: db.StampOf(now), UpdatedAt: db.StampOf(now)}
	filer := p
	if !p.Authenticated() {
		filer = &authz.Principal{DisplayName: in.Name}
	}
	err = db.RetryUnique(20, func() error {
		return s.DB.Tx(ctx, func(tx *sql.Tx) error {
			if s.PerHour > 0 && clientIP != "" {
				var recent int
				if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM open_complaints WHERE client_ip = $1 AND filed_at > $2", clientIP,
					db.Millis(now.Add(-time.Hour))).Scan(&recent); err != nil {
					return err
				}
				if recent >= s.PerHour {
					return ErrThrottled.After(time.Hour)
				}
			}
			var err error
			if c.Number, err = db.NextNumber(ctx, tx, "open_complaints", "number", "TS"+now.In(workday.Location).Format("20060102"), 4); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO open_complaints (id, number, entry_id, dataset_title, provider_org_id, region_code, kind, records,
			description, evidence, complainant_name, contact, user_id, access_hash, state, due, filed_at, updated_at, client_ip)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)`,
				c.ID, c.Number, c.EntryID, c.DatasetTitle, c.ProviderOrgID, c.RegionCode, c.Kind, c.Records, c.Description, c.Evidence,
				c.Name, c.Contact, c.UserID, "", string(c.State), c.Due, c.FiledAt, c.UpdatedAt, clientIP)
			if err != nil {
				return err
			}
			if err := s.event(ctx, tx, filer, c.ID, EvFile, StateNew, StateSuspended, ""); err != nil {
				return err
			}
			return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: actorName(filer), OrgID: p.OrgID, ClientIP: clientIP,
				Action: "open.complaint.file", ObjectType: "open_complaint", ObjectID: c.ID,
				Detail: map[string]any{"number": c.Number, "dataset": c.EntryID, "kind": c.Kind}})
		})
	})
	if errors.Is(err, ErrThrottled) {
		s.Audit.Log(ctx, audit.Event{ActorID: p.UserID, ActorName: actorName(filer), OrgID: p.OrgID, ClientIP: clientIP,
			Action: "open.complaint.file", Result: audit.Denied, Detail: map[string]any{"reason": "throttled", "dataset": c.EntryID}})
		return Receipt{}, err
	}
	if err != nil {
		return Receipt{}, err
	}
	// Suspend at once (its own transaction in the opening package, audited there); the complaint
	// records which suspension it holds.
	reason := fmt.Sprintf("收到权益投诉（编号 %s），开放已中止，待提供部门核实 / opening suspended on a rights complaint (%s) pending verification", c.Number, c.Number)
	sid, err := s.Suspend.SuspendForComplaint(ctx, &authz.Principal{UserID: p.UserID, DisplayName: actorName(filer), OrgID: p.OrgID}, c.EntryID, reason, c.ID)
	if err != nil {
		return Receipt{}, err
	}
	c.SuspensionID = sid
	if _, err := s.DB.ExecContext(ctx, "UPDATE open_complaints SET suspension_id = $1 WHERE id = $2", sid, c.ID); err != nil {
		return Receipt{}, err
	}
	if s.Notify != nil {
		s.Notify.Send(ctx, s.DB, notify.Message{OrgID: c.ProviderOrgID, Kind: "flag",
			TitleZH: "收到权益投诉：" + c.DatasetTitle, TitleEN: "Rights complaint: " + c.DatasetTitle,
			BodyZH: fmt.Sprintf("投诉编号 %s。数据集已暂停开放，请于 %s 前核实并处理（撤回、恢复或处理后重新开放）。", c.Number, c.Due),
			BodyEN: fmt.Sprintf("Complaint %s. Opening is suspended; verify and decide (withdraw, restore, or process and re-open) by %s.", c.Number, c.Due),
			Link:   "/open/complaints/" + c.ID, ObjectType: "open_complaint", ObjectID: c.ID})
	}
	pub, err := s.Status(ctx, c.Number)
	return Receipt{Complaint: pub}, err
}

func (s *Service) days() int {
	if s.Days > 0 {
		return s.Days
	}
	return DefaultDays
}

func (s *Service) event(ctx context.Context, q db.Q, p *authz.Principal, id string, ev Ev, from, to State, note string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO open_complaint_events (id, complaint_id, at, actor_id, actor_name, event, from_state, to_state, note)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, ids.New(), id, s.Now().UnixMilli(), p.UserID, actorName(p), string(ev), string(from), string(to), note)
	return err
}

const cols = `id, number, entry_id, dataset_title, provider_org_id, region_code, kind, records, description, evidence, complainant_name,
	contact, user_id, state, suspension_id, due, escalated_at, answer, legal_basis, filed_at, updated_at, closed_at`

func scan(sc interface{ Scan(...any) error }) (Complaint, error) {
	var c Complaint
	var st string
	err := sc.Scan(&c.ID, &c.Number, &c.EntryID, &c.DatasetTitle, &c.ProviderOrgID, &c.RegionCode, &c.Kind, &c.Records, &c.Description,
		&c.Evidence, &c.Name, &c.Contact, &c.UserID, &st, &c.SuspensionID, &c.Due, &c.EscalatedAt, &c.Answer, &c.LegalBasis,
		&c.FiledAt, &c.UpdatedAt, &c.ClosedAt)
	c.State = State(st)
	return c, err
}

func (s *Service) load(ctx context.Context, q db.Q, where string, arg any, lock bool) (Complaint, error) {
	suffix := ""
	if lock {
		suffix = s.DB.ForUpdate()
	}
	c, err := scan(q.QueryRowContext(ctx, "SELECT "+cols+" FROM open_complaints WHERE "+where+" = $1"+suffix, arg))
	if db.IsNoRows(err) {
		return c, ErrNotFound
	}
	return c, err
}

func (s *Service) events(ctx context.Context, id string) ([]Event, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT at, actor_name, event, from_state, to_state, note FROM open_complaint_events WHERE complaint_id = $1 ORDER BY at, id LIMIT 200", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var ev, from, to string
		if err := rows.Scan(&e.At, &e.ActorName, &ev, &from, &to, &e.Note); err != nil {
			return nil, err
		}
		e.Event, e.From, e.To = Ev(ev), State(from), State(to)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Status is the public view of a complaint by its number (no login).
func (s *Service) Status(ctx context.Context, number string) (Public, error) {
	c, err := s.load(ctx, s.DB, "number", strings.ToUpper(strings.TrimSpace(number)), false)
	if err != nil {
		return Public{}, err
	}
	evs, err := s.events(ctx, c.ID)
	if err != nil {
		return Public{}, err
	}
	pub := Public{Number: c.Number, DatasetID: c.EntryID, DatasetTitle: c.DatasetTitle, Kind: c.Kind, State: c.State, Due: c.Due,
		FiledAt: c.FiledAt, ClosedAt: c.ClosedAt, Events: []PublicEvent{}}
	if c.State.Final() {
		pub.Answer, pub.LegalBasis = c.Answer, c.LegalBasis
	}
	for _, e := range evs {
		pub.Events = append(pub.Events, PublicEvent{At: e.At, Event: e.Event, To: e.To})
	}
	return pub, nil
}

// entryOf reads the complained-about entry's published version (for the decision).
func (s *Service) entryOf(ctx context.Context, c Complaint) *catalog.Entry {
	if e, err := s.Catalog.Published(ctx, c.EntryID); err == nil {
		return &e
	}
	if e, err := s.Catalog.Get(ctx, c.EntryID); err == nil {
		return &e
	}
	return &catalog.Entry{ID: c.EntryID, ProviderOrgID: c.ProviderOrgID, RegionCode: c.RegionCode}
}

func (s *Service) decide(p *authz.Principal, act bool, e *catalog.Entry) error {
	if s.Decide == nil {
		return apperr.Forbidden
	}
	return s.Decide(p, act, e)
}

// Get returns a complaint with its steps for the provider, the authority, auditors and
// oversight (the complainant uses Status, or Mine).
func (s *Service) Get(ctx context.Context, p *authz.Principal, id string) (Complaint, error) {
	c, err := s.load(ctx, s.DB, "id", id, false)
	if err != nil {
		return c, err
	}
	if err := s.decide(p, false, s.entryOf(ctx, c)); err != nil && !(p.Authenticated() && p.UserID == c.UserID) {
		return Complaint{}, ErrNotFound
	}
	c.Events, err = s.events(ctx, c.ID)
	return c, err
}

// ListQuery filters the list.
type ListQuery struct {
	State string
	Limit int
}

// List returns the complaints p may see: about its own agency's datasets, or its region's for
// the authority (auditors and oversight: all), newest first, at most 200.
func (s *Service) List(ctx context.Context, p *authz.Principal, q ListQuery) ([]Complaint, error) {
	if !p.Authenticated() {
		return nil, apperr.Unauthenticated
	}
	if q.Limit <= 0 || q.Limit > 200 {
		q.Limit = 200
	}
	where, args := "1=1", []any{}
	if q.State != "" {
		args = append(args, q.State)
		where += fmt.Sprintf(" AND state = $%d", len(args))
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+cols+" FROM open_complaints WHERE "+where+" ORDER BY filed_at DESC, id DESC LIMIT 2000", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Complaint{}
	for rows.Next() {
		c, err := scan(rows)
		if err != nil {
			return nil, err
		}
		if len(out) < q.Limit && s.decide(p, false, &catalog.Entry{ID: c.EntryID, ProviderOrgID: c.ProviderOrgID, RegionCode: c.RegionCode, OpenType: catalog.OpenUnconditional}) == nil {
			out = append(out, c)
		}
	}
	return out, rows.Err()
}

// Mine lists the complaints the caller filed while logged in.
func (s *Service) Mine(ctx context.Context, p *authz.Principal) ([]Public, error) {
	if !p.Authenticated() {
		return nil, apperr.Unauthenticated
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT number FROM open_complaints WHERE user_id = $1 ORDER BY filed_at DESC LIMIT 200", p.UserID)
	if err != nil {
		return nil, err
	}
	var nums []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		nums = append(nums, n)
	}
	rows.Close()
	out := []Public{}
	for _, n := range nums {
		pub, err := s.Status(ctx, n)
		if err != nil {
			return nil, err
		}
		out = append(out, pub)
	}
	return out, nil
}

// Step is the provider's (or authority's) step on a complaint.
type Step struct {
	Event      Ev     `json:"event"`
	Answer     string `json:"answer"`      // to the complainant (required to close)
	LegalBasis string `json:"legal_basis"` // for a refusal (restore): the basis
}

// Act applies a step: verify (start verifying), withdraw (the complaint holds: the data stays
// withdrawn from opening), restore (it does not hold: opening resumes, with reason and legal
// basis), reopen (the data was processed, e.g. further masked, and opening resumes).
func (s *Service) Act(ctx context.Context, p *authz.Principal, id string, st Step) (Complaint, error) {
	c, err := s.load(ctx, s.DB, "id", id, false)
	if err != nil {
		return c, err
	}
	e := s.entryOf(ctx, c)
	if err := s.decide(p, false, e); err != nil {
		return Complaint{}, ErrNotFound
	}
	if err := s.decide(p, true, e); err != nil {
		return Complaint{}, err
	}
	if st.Event == EvEscalate || st.Event == EvFile {
		return Complaint{}, ErrState
	}
	var fe []apperr.FieldError
	st.Answer = apperr.Text(&fe, "answer", st.Answer, 4000, st.Event != EvVerify, "答复投诉人的内容", "answer")
	st.LegalBasis = apperr.Text(&fe, "legal_basis", st.LegalBasis, 1000, st.Event == EvRestore, "法律依据", "legal_basis")
	if err := apperr.Validation(fe); err != nil {
		return Complaint{}, err
	}
	var to State
	now := s.Now().UnixMilli()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.load(ctx, tx, "id", id, true)
		if err != nil {
			return err
		}
		var ok bool
		if to, ok = Next(cur.State, st.Event); !ok {
			return ErrState
		}
		closed := int64(0)
		if to.Final() {
			closed = now
		}
		if _, err := tx.ExecContext(ctx, `UPDATE open_complaints SET state = $1, answer = $2, legal_basis = $3, updated_at = $4, closed_at = $5 WHERE id = $6`,
			string(to), st.Answer, st.LegalBasis, now, closed, id); err != nil {
			return err
		}
		if err := s.event(ctx, tx, p, id, st.Event, cur.State, to, st.Answer); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: actorName(p), OrgID: p.OrgID,
			Action: "open.complaint." + string(st.Event), ObjectType: "open_complaint", ObjectID: id,
			Detail: map[string]any{"number": cur.Number, "from": string(cur.State), "to": string(to), "dataset": cur.EntryID}})
	})
	if err != nil {
		return Complaint{}, err
	}
	// Restore or re-open lifts the complaint's suspension (other suspensions stay in force).
	if (to == StateRestored || to == StateReopened) && c.SuspensionID != "" {
		if err := s.Suspend.RestoreForComplaint(ctx, p, c.EntryID, c.SuspensionID, fmt.Sprintf("投诉 %s 已%s：%s", c.Number, StateNames[to][0], st.Answer)); err != nil && !errorsIsConflict(err) {
			return Complaint{}, err
		}
	}
	if to.Final() {
		s.answer(ctx, c, to, st.Answer)
	}
	return s.Get(ctx, p, id)
}

func errorsIsConflict(err error) bool { return apperr.As(err).Status == http.StatusConflict }

// answer tells the complainant (inbox, when filed logged in; the public page always shows it).
func (s *Service) answer(ctx context.Context, c Complaint, to State, answer string) {
	if s.Notify == nil || c.UserID == "" {
		return
	}
	s.Notify.Send(ctx, s.DB, notify.Message{UserID: c.UserID, Kind: "info",
		TitleZH: "您的权益投诉已办结：" + StateNames[to][0], TitleEN: "Your rights complaint is closed: " + StateNames[to][1],
		BodyZH: fmt.Sprintf("投诉编号 %s（%s）。答复：%s", c.Number, c.DatasetTitle, answer),
		BodyEN: fmt.Sprintf("Complaint %s (%s). Answer: %s", c.Number, c.DatasetTitle, answer),
		Link:   "/open/complaints/status/" + c.Number, ObjectType: "open_complaint", ObjectID: c.ID, DedupKey: "complaint-answer-" + c.ID})
}

// Escalate flags, once, every open complaint past its due day to the authority of its region
// (a job; now is the job's tick).
func (s *Service) Escalate(ctx context.Context, now time.Time) (int, error) {
	today := now.In(workday.Location).Format("2006-01-02")
	rows, err := s.DB.QueryContext(ctx, "SELECT "+cols+" FROM open_complaints WHERE escalated_at = 0 AND closed_at = 0 AND due < $1 LIMIT 500", today)
	if err != nil {
		return 0, err
	}
	var late []Complaint
	for rows.Next() {
		c, err := scan(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		late = append(late, c)
	}
	rows.Close()
	n := 0
	sys := authz.System
	for _, c := range late {
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, "UPDATE open_complaints SET escalated_at = $1 WHERE id = $2 AND escalated_at = 0", now.UnixMilli(), c.ID)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil
			}
			n++
			if err := s.event(ctx, tx, sys, c.ID, EvEscalate, c.State, c.State, "逾期未答复，已督办 / overdue, escalated"); err != nil {
				return err
			}
			if err := s.Audit.Record(ctx, tx, audit.Event{ActorName: "system", Action: "open.complaint.escalate", ObjectType: "open_complaint", ObjectID: c.ID,
				Detail: map[string]any{"number": c.Number, "due": c.Due}}); err != nil {
				return err
			}
			var auth string
			_ = tx.QueryRowContext(ctx, "SELECT id FROM orgs WHERE kind = 'authority' AND region_code = $1 ORDER BY id LIMIT 1", c.RegionCode).Scan(&auth)
			if s.Notify != nil && auth != "" {
				_, err = s.Notify.Send(ctx, tx, notify.Message{OrgID: auth, Kind: "escalation",
					TitleZH: "权益投诉逾期未答复：" + c.DatasetTitle, TitleEN: "Rights complaint overdue: " + c.DatasetTitle,
					BodyZH: fmt.Sprintf("投诉编号 %s 应于 %s 前答复，提供部门尚未办结，请督办。", c.Number, c.Due),
					BodyEN: fmt.Sprintf("Complaint %s was due by %s and is not closed; please follow up.", c.Number, c.Due),
					Link:   "/open/complaints/" + c.ID, ObjectType: "open_complaint", ObjectID: c.ID, DedupKey: "complaint-escalate-" + c.ID})
			}
			return err
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
