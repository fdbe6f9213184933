// Package supervise holds the authority's supervision of data users and agencies (监督, SUP).
//
// Sanctions (处罚, SUP-1): a data user who has no safeguards, commits a serious violation, uses
// data beyond its scope or for illegal gain gets a rectification order (责令整改) with a deadline in
// working days. From the moment it is issued, every API key of the user — an agency's or an
// application unit's members' keys, share-gateway credentials included, or one key holder's — is
// refused on its next request (the identity service asks Check). The user reports its
// rectification; the authority accepts it (access restored) or rejects it (the order stays open).
// Not rectified by the deadline, the order is terminated by the sanctions job: the subject's keys
// are revoked and its share grants revoked. One table-driven state machine, every transition
// audited.
package supervise

import (
	"context"
	"database/sql"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/notify"
	"pubdata/internal/workday"
)

// SanctionState is the state of a rectification order.
type SanctionState string

// States.
const (
	SanctionOpen       SanctionState = "open"       // 整改中（访问已暂停）
	SanctionReported   SanctionState = "reported"   // 已报告整改，待认定（访问仍暂停）
	SanctionLifted     SanctionState = "lifted"     // 整改通过，已恢复访问
	SanctionTerminated SanctionState = "terminated" // 未整改，已终止访问
)

// SanctionEvent is what moves an order.
type SanctionEvent string

// Events.
const (
	EvIssue     SanctionEvent = "issue"
	EvReport    SanctionEvent = "report"
	EvAccept    SanctionEvent = "accept"
	EvReject    SanctionEvent = "reject"
	EvTerminate SanctionEvent = "terminate"
	EvExpire    SanctionEvent = "expire"
)

// Grounds for a sanction (BT 49, NM 50).
var Grounds = []string{"no_safeguards", "serious_violation", "beyond_scope", "illegal_gain"}

type transition struct {
	from  SanctionState
	ev    SanctionEvent
	to    SanctionState
	act   authz.Action // the authorization the actor needs (jobs act as the system)
	bySys bool         // only the platform's job fires it
}

// machine is the one table of the order's workflow.
var machine = []transition{
	{SanctionOpen, EvReport, SanctionReported, authz.Update, false},
	{SanctionReported, EvAccept, SanctionLifted, authz.Review, false},
	{SanctionReported, EvReject, SanctionOpen, authz.Review, false},
	{SanctionOpen, EvTerminate, SanctionTerminated, authz.Review, false},
	{SanctionReported, EvTerminate, SanctionTerminated, authz.Review, false},
	{SanctionOpen, EvExpire, SanctionTerminated, "", true},
}

// Suspends tells whether a state keeps the subject's access suspended.
func (s SanctionState) Suspends() bool { return s == SanctionOpen || s == SanctionReported }

// Sanction is a rectification order.
type Sanction struct {
	ID          string        `json:"id"`
	SubjectKind string        `json:"subject_kind"`
	SubjectID   string        `json:"subject_id"`
	SubjectName string        `json:"subject_name"`
	RegionCode  string        `json:"region_code"`
	Ground      string        `json:"ground"`
	Reason      string        `json:"reason"`
	State       SanctionState `json:"state"`
	Days        int           `json:"days"`
	Deadline    string        `json:"deadline"`
	IssuedBy    string        `json:"issued_by"`
	IssuedAt    time.Time     `json:"issued_at"`
	Report      string        `json:"report,omitempty"`
	ReportedAt  time.Time     `json:"reported_at,omitzero"`
	DecidedBy   string        `json:"decided_by,omitempty"`
	DecidedAt   time.Time     `json:"decided_at,omitzero"`
	Note        string        `json:"note,omitempty"`
	Events      []Event       `json:"events,omitempty"`
	// The deadline runs into a year without a holiday table (暂定), set when read.
	workday.Mark
}

// Event is one step of an order's history.
type Event struct {
	At    time.Time     `json:"at"`
	Actor string        `json:"actor"`
	Event SanctionEvent `json:"event"`
	From  SanctionState `json:"from"`
	To    SanctionState `json:"to"`
	Note  string        `json:"note,omitempty"`
}

// Revoker ends a terminated subject's access: its keys and share grants.
type Revoker interface {
	RevokeSubject(ctx context.Context, tx *sql.Tx, kind, id, reason string) error
}

// Service runs sanctions.
type Service struct {
	DB       *db.DB
	Audit    *audit.Service
	Notify   *notify.Service
	Calendar *workday.Calendar
	Now      func() time.Time
	// Revoke is called in the terminating transaction (nil: nothing else to revoke).
	Revoke func(ctx context.Context, tx *sql.Tx, kind, id, reason string) error
	// OnTerminated runs after a termination commits (the subject's share grants are revoked).
	OnTerminated func(ctx context.Context, x Sanction, by *authz.Principal)
	// ReferDispute hands a disputed notice to the escalation and expert-committee workflow and
	// answers the escalation's id (nil: the workflow is not wired).
	ReferDispute func(ctx context.Context, p *authz.Principal, noticeID string) (string, error)
	// ReportsPerHour bounds the reports of illegal use from one client address in an hour.
	ReportsPerHour int
	// RefreshEvery bounds how stale another node's view of suspended subjects may be.
	RefreshEvery time.Duration

	mu        sync.Mutex
	suspended atomic.Pointer[suspendedSet]
}

type suspendedSet struct {
	at    time.Time
	orgs  map[string]string // org id → sanction id
	users map[string]string
}

// New makes the service.
func New(d *db.DB, a *audit.Service, n *notify.Service, cal *workday.Calendar) *Service {
	return &Service{DB: d, Audit: a, Notify: n, Calendar: cal, Now: time.Now, RefreshEvery: 2 * time.Second, ReportsPerHour: 5}
}

// Errors.
var (
	ErrSuspended = apperr.New(http.StatusForbidden, "sanction_suspended",
		"因主管部门责令整改，本单位（或本账户）的接口访问已暂停，整改通过后恢复",
		"API access is suspended by the authority's rectification order for your organization (or account); it is restored once the rectification is accepted")
	ErrBadTransition = apperr.New(http.StatusConflict, "sanction_bad_transition",
		"整改令当前状态不允许此操作", "this action is not possible in the order's current state")
	ErrNoSubject = apperr.New(http.StatusUnprocessableEntity, "sanction_no_subject",
		"处罚对象不存在（须为机构或用户）", "the subject does not exist (an organization or a user)")
)

// NewSanction is the input of Issue.
type NewSanction struct {
	SubjectKind string `json:"subject_kind"` // org or user
	SubjectID   string `json:"subject_id"`
	Ground      string `json:"ground"`
	Reason      string `json:"reason"`
	Days        int    `json:"days"` // working days to rectify (default 15, 1–60)
}

func (in *NewSanction) validate() error {
	var fe []apperr.FieldError
	if in.SubjectKind != "org" && in.SubjectKind != "user" {
		fe = append(fe, apperr.Field("subject_kind", "须为机构或用户", "must be an organization or a user"))
	}
	if strings.TrimSpace(in.SubjectID) == "" {
		fe = append(fe, apperr.Field("subject_id", "请选择处罚对象", "choose the subject"))
	}
	ok := false
	for _, g := range Grounds {
		ok = ok || g == in.Ground
	}
	if !ok {
		fe = append(fe, apperr.Field("ground", "请选择处罚事由", "choose the ground"))
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" || utf8.RuneCountInString(in.Reason) > 2000 {
		fe = append(fe, apperr.Field("reason", "请写明违法违规事实（1–2000 字）", "state the facts (1–2000 characters)"))
	}
	if in.Days == 0 {
		in.Days = 15
	}
	if in.Days < 1 || in.Days > 60 {
		fe = append(fe, apperr.Field("days", "整改期限须为 1–60 个工作日", "the deadline must be 1–60 working days"))
	}
	if len(fe) > 0 {
		return apperr.Invalid.With(fe...)
	}
	return nil
}

// Issue orders rectification and suspends the subject's access from its next request.
func (s *Service) Issue(ctx context.Context, p *authz.Principal, in NewSanction) (_ Sanction, err error) {
	defer errs.Wrap(&err, "supervise: Issue")
	if err := in.validate(); err != nil {
		return Sanction{}, err
	}
	var name, region string
	if in.SubjectKind == "org" {
		err = s.DB.QueryRowContext(ctx, "SELECT name, region_code FROM orgs WHERE id = $1", in.SubjectID).Scan(&name, &region)
	} else {
		err = s.DB.QueryRowContext(ctx, `SELECT u.display_name, COALESCE(o.region_code, '') FROM users u LEFT JOIN orgs o ON o.id = u.org_id
			WHERE u.id = $1`, in.SubjectID).Scan(&name, &region)
	}
	if db.IsNoRows(err) {
		return Sanction{}, ErrNoSubject
	}
	if err != nil {
		return Sanction{}, err
	}
	if region == "" {
		region = p.RegionCode // a public user without an organization: the issuing authority's region
	}
	if err := authz.Sanctions(p, authz.Create, authz.SanctionAttrs{Region: region, SubjectKind: in.SubjectKind, SubjectID: in.SubjectID}); err != nil {
		return Sanction{}, err
	}
	now := s.Now()
	sc := Sanction{ID: ids.New(), SubjectKind: in.SubjectKind, SubjectID: in.SubjectID, SubjectName: name, RegionCode: region, Ground: in.Ground,
		Reason: in.Reason, State: SanctionOpen, Days: in.Days, Deadline: workday.Format(s.Calendar.AddWorkdays(now, in.Days)),
		IssuedBy: p.Username, IssuedAt: now}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sanctions (id, subject_kind, subject_id, subject_name, region_code, ground, reason, state, days, deadline,
			issued_by, issued_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$12)`,
			sc.ID, sc.SubjectKind, sc.SubjectID, sc.SubjectName, sc.RegionCode, sc.Ground, sc.Reason, sc.State, sc.Days, sc.Deadline, sc.IssuedBy, db.Millis(now)); err != nil {
			return err
		}
		if err := s.event(ctx, tx, sc.ID, p.Username, EvIssue, "", SanctionOpen, sc.Reason, now); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "sanction.issue",
			ObjectType: "sanction", ObjectID: sc.ID, Detail: map[string]any{"subject_kind": sc.SubjectKind, "subject_id": sc.SubjectID,
				"ground": sc.Ground, "deadline": sc.Deadline}})
	})
	if err != nil {
		return Sanction{}, err
	}
	s.Invalidate()
	s.notify(ctx, sc, "flag", "责令整改："+sc.SubjectName, "Rectification ordered: "+sc.SubjectName,
		"主管部门已责令整改，整改期限至 "+sc.Deadline+"；期间接口访问暂停。事由："+sc.Reason,
		"The authority ordered rectification by "+sc.Deadline+"; API access is suspended meanwhile. See the order for the facts.")
	return sc, nil
}

func (s *Service) event(ctx context.Context, tx *sql.Tx, id, actor string, ev SanctionEvent, from, to SanctionState, note string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sanction_events (id, sanction_id, at, actor, event, from_state, to_state, note) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		ids.New(), id, db.Millis(at), actor, string(ev), string(from), string(to), note)
	return err
}

func (s *Service) notify(ctx context.Context, sc Sanction, kind, titleZH, titleEN, bodyZH, bodyEN string) {
	if s.Notify == nil {
		return
	}
	n := notify.Message{Kind: kind, TitleZH: titleZH, TitleEN: titleEN, BodyZH: bodyZH, BodyEN: bodyEN, Link: "/sanctions/" + sc.ID,
		ObjectType: "sanction", ObjectID: sc.ID}
	if sc.SubjectKind == "org" {
		n.OrgID = sc.SubjectID
	} else {
		n.UserID = sc.SubjectID
	}
	s.Notify.Send(ctx, s.DB, n)
}

const sanctionCols = `id, subject_kind, subject_id, subject_name, region_code, ground, reason, state, days, deadline, issued_by, issued_at,
	report, reported_at, decided_by, decided_at, note`

func scanSanction(sc interface{ Scan(...any) error }) (Sanction, error) {
	var x Sanction
	var st string
	var issued, reported, decided int64
	err := sc.Scan(&x.ID, &x.SubjectKind, &x.SubjectID, &x.SubjectName, &x.RegionCode, &x.Ground, &x.Reason, &st, &x.Days, &x.Deadline,
		&x.IssuedBy, &issued, &x.Report, &reported, &x.DecidedBy, &decided, &x.Note)
	x.State = SanctionState(st)
	x.IssuedAt = db.FromMillis(issued)
	if reported > 0 {
		x.ReportedAt = db.FromMillis(reported)
	}
	if decided > 0 {
		x.DecidedAt = db.FromMillis(decided)
	}
	return x, err
}

func attrs(x Sanction) authz.SanctionAttrs {
	return authz.SanctionAttrs{Region: x.RegionCode, SubjectKind: x.SubjectKind, SubjectID: x.SubjectID}
}

// Get returns an order with its history; one the caller may not read is not found.
func (s *Service) Get(ctx context.Context, p *authz.Principal, id string) (_ Sanction, err error) {
	defer errs.Wrap(&err, "supervise: Get(%s)", id)
	x, err := s.get(ctx, id)
	if err != nil {
		return x, err
	}
	if authz.Sanctions(p, authz.Read, attrs(x)) != nil {
		return Sanction{}, apperr.Hidden
	}
	return x, nil
}

// markSanction marks an open order's deadline provisional when it runs into a year without a
// holiday table.
func (s *Service) markSanction(x *Sanction) {
	if x.State == SanctionOpen {
		x.Mark = s.Calendar.Mark(x.Deadline, s.Now())
	}
}

func (s *Service) get(ctx context.Context, id string) (Sanction, error) {
	x, err := scanSanction(s.DB.QueryRowContext(ctx, "SELECT "+sanctionCols+" FROM sanctions WHERE id = $1", id))
	if db.IsNoRows(err) {
		return x, apperr.Hidden
	}
	if err != nil {
		return x, err
	}
	s.markSanction(&x)
	rows, err := s.DB.QueryContext(ctx, "SELECT at, actor, event, from_state, to_state, note FROM sanction_events WHERE sanction_id = $1 ORDER BY at, id LIMIT 200", id)
	if err != nil {
		return x, err
	}
	defer rows.Close()
	for rows.Next() {
		var e Event
		var at int64
		var ev, from, to string
		if err := rows.Scan(&at, &e.Actor, &ev, &from, &to, &e.Note); err != nil {
			return x, err
		}
		e.At, e.Event, e.From, e.To = db.FromMillis(at), SanctionEvent(ev), SanctionState(from), SanctionState(to)
		x.Events = append(x.Events, e)
	}
	return x, rows.Err()
}

// List returns the orders the caller may read, newest first (at most limit, capped at 200):
// the authority those of its region, auditors and oversight bodies all, anyone else its own.
func (s *Service) List(ctx context.Context, p *authz.Principal, state string, limit, offset int) (_ []Sanction, _ int, err error) {
	defer errs.Wrap(&err, "supervise: List")
	if err := authz.Sanctions(p, authz.Read, authz.SanctionAttrs{}); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	if offset < 0 {
		offset = 0
	}
	var cond []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + itoa(len(args)) }
	switch {
	case p.Has(authz.Auditor, authz.Oversight):
	case p.IsAuthority():
		cond = append(cond, "region_code LIKE "+arg(regionPrefix(p.RegionCode)+"%"))
	default:
		cond = append(cond, "((subject_kind = 'org' AND subject_id = "+arg(p.OrgID)+") OR (subject_kind = 'user' AND subject_id = "+arg(p.UserID)+"))")
	}
	if state != "" {
		cond = append(cond, "state = "+arg(state))
	}
	where := ""
	if len(cond) > 0 {
		where = " WHERE " + strings.Join(cond, " AND ")
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT count(*) FROM sanctions"+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	q := "SELECT " + sanctionCols + " FROM sanctions" + where + " ORDER BY issued_at DESC, id LIMIT " + arg(limit) + " OFFSET " + arg(offset)
	rows, err := s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Sanction
	for rows.Next() {
		x, err := scanSanction(rows)
		if err != nil {
			return nil, 0, err
		}
		s.markSanction(&x)
		out = append(out, x)
	}
	return out, total, rows.Err()
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
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

// Fire moves an order by event: report (the subject, with its rectification report), accept or
// reject (the authority, with a note), terminate (the authority). Lifting restores access at
// once; terminating revokes the subject's keys and grants.
func (s *Service) Fire(ctx context.Context, p *authz.Principal, id string, ev SanctionEvent, text string) (_ Sanction, err error) {
	defer errs.Wrap(&err, "supervise: Fire(%s)", id)
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > 4000 {
		return Sanction{}, apperr.Invalid.With(apperr.Field("text", "不超过 4000 字", "at most 4000 characters"))
	}
	if (ev == EvReport || ev == EvReject || ev == EvTerminate) && text == "" {
		return Sanction{}, apperr.Invalid.With(apperr.Field("text", "请写明整改情况或理由", "describe the rectification or the reason"))
	}
	var out Sanction
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		x, err := scanSanction(tx.QueryRowContext(ctx, "SELECT "+sanctionCols+" FROM sanctions WHERE id = $1"+s.DB.ForUpdate(), id))
		if db.IsNoRows(err) {
			return apperr.Hidden
		}
		if err != nil {
			return err
		}
		if authz.Sanctions(p, authz.Read, attrs(x)) != nil && p != authz.System {
			return apperr.Hidden
		}
		// The caller's right to the step comes before the order's state (a reader who may not
		// act hears 403, not the state).
		if p != authz.System {
			var refusal error
			allowed := false
			for _, m := range machine {
				if m.ev != ev || m.bySys {
					continue
				}
				if err := authz.Sanctions(p, m.act, attrs(x)); err == nil {
					allowed = true
				} else if refusal == nil {
					refusal = err
				}
			}
			if !allowed && refusal != nil {
				return refusal
			}
		}
		var t *transition
		for i := range machine {
			if machine[i].from == x.State && machine[i].ev == ev {
				t = &machine[i]
			}
		}
		if t == nil {
			return ErrBadTransition
		}
		if t.bySys {
			if p != authz.System {
				return apperr.Forbidden
			}
		} else if err := authz.Sanctions(p, t.act, attrs(x)); err != nil {
			return err
		}
		now := s.Now()
		switch ev {
		case EvReport:
			_, err = tx.ExecContext(ctx, "UPDATE sanctions SET state = $1, report = $2, reported_at = $3, updated_at = $3 WHERE id = $4", string(t.to), text, db.Millis(now), id)
		default:
			_, err = tx.ExecContext(ctx, "UPDATE sanctions SET state = $1, decided_by = $2, decided_at = $3, note = $4, updated_at = $3 WHERE id = $5",
				string(t.to), p.Username, db.Millis(now), text, id)
		}
		if err != nil {
			return err
		}
		if t.to == SanctionTerminated && s.Revoke != nil {
			if err := s.Revoke(ctx, tx, x.SubjectKind, x.SubjectID, "处罚终止 / sanction terminated "+x.ID); err != nil {
				return err
			}
		}
		if err := s.event(ctx, tx, id, p.Username, ev, x.State, t.to, text, now); err != nil {
			return err
		}
		if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "sanction." + string(ev),
			ObjectType: "sanction", ObjectID: id, Detail: map[string]any{"from": x.State, "to": t.to}}); err != nil {
			return err
		}
		x.State = t.to
		out = x
		return nil
	})
	if err != nil {
		return Sanction{}, err
	}
	s.Invalidate()
	switch out.State {
	case SanctionLifted:
		s.notify(ctx, out, "info", "整改已通过，访问已恢复", "Rectification accepted; access restored", text, "The authority accepted the rectification; API access is restored.")
	case SanctionTerminated:
		if s.OnTerminated != nil {
			s.OnTerminated(ctx, out, p)
		}
		s.notify(ctx, out, "flag", "未按期整改，访问已终止", "Not rectified; access terminated", text, "The order was not rectified; the API keys and share grants are revoked.")
	case SanctionOpen:
		s.notify(ctx, out, "info", "整改报告未通过，请继续整改", "Rectification report rejected; continue", text, "The authority rejected the rectification report; see the order for its reasons.")
	}
	return s.get(ctx, id)
}

// ExpireOverdue terminates the open orders whose deadline has passed (the sanctions job).
func (s *Service) ExpireOverdue(ctx context.Context, now time.Time) (_ int, err error) {
	defer errs.Wrap(&err, "supervise: ExpireOverdue")
	rows, err := s.DB.QueryContext(ctx, "SELECT id FROM sanctions WHERE state = 'open' AND deadline < $1 ORDER BY deadline LIMIT 500", workday.Format(now))
	if err != nil {
		return 0, err
	}
	var idl []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		idl = append(idl, id)
	}
	rows.Close()
	n := 0
	for _, id := range idl {
		if _, err := s.Fire(ctx, authz.System, id, EvExpire, "整改期限届满未整改 / not rectified by the deadline"); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Invalidate drops this node's view of suspended subjects (after a change).
func (s *Service) Invalidate() { s.suspended.Store(nil) }

// Check refuses a request by a suspended subject: the user itself, or the user's organization,
// under an open (or reported) order. It reads a set of suspended subjects refreshed every
// RefreshEvery (at once on this node after a change), so a call costs two map lookups.
func (s *Service) Check(ctx context.Context, userID, orgID string) (err error) {
	defer errs.Wrap(&err, "supervise: Check(%s, %s)", userID, orgID)
	set := s.suspended.Load()
	if set == nil || time.Since(set.at) > s.RefreshEvery {
		var err error
		if set, err = s.load(ctx); err != nil {
			return err
		}
	}
	if _, ok := set.users[userID]; ok && userID != "" {
		return ErrSuspended
	}
	if _, ok := set.orgs[orgID]; ok && orgID != "" {
		return ErrSuspended
	}
	return nil
}

func (s *Service) load(ctx context.Context) (*suspendedSet, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if set := s.suspended.Load(); set != nil && time.Since(set.at) <= s.RefreshEvery {
		return set, nil
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT id, subject_kind, subject_id FROM sanctions WHERE state IN ('open', 'reported')")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	set := &suspendedSet{at: time.Now(), orgs: map[string]string{}, users: map[string]string{}}
	for rows.Next() {
		var id, kind, sub string
		if err := rows.Scan(&id, &kind, &sub); err != nil {
			return nil, err
		}
		if kind == "org" {
			set.orgs[sub] = id
		} else {
			set.users[sub] = id
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	s.suspended.Store(set)
	return set, nil
}

// Actions lists the events p may fire on x now (for the page's buttons).
func Actions(p *authz.Principal, x Sanction) []SanctionEvent {
	var out []SanctionEvent
	for _, t := range machine {
		if t.from == x.State && !t.bySys && authz.Sanctions(p, t.act, attrs(x)) == nil {
			out = append(out, t.ev)
		}
	}
	return out
}

// CanIssue tells whether p may issue orders at all (an authority administrator).
func CanIssue(p *authz.Principal) bool {
	return authz.Sanctions(p, authz.Create, authz.SanctionAttrs{Region: p.RegionCode}) == nil
}
