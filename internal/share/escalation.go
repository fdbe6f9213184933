package share

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/ids"
	"pubdata/internal/workday"
)

// Escalation states (督办件): what the supervising authority does with an overdue item on its
// board (SHR-5, NM 23, NM 47). An escalation is keyed by its subject's kind and id (share_request,
// share_demand today; any supervised dispute later), one live escalation per subject.
const (
	EscOpen         State = "open"          // 已督办，待主管部门处理
	EscUrged        State = "urged"         // 已催办，待责任单位在新期限前办理
	EscCoordinating State = "coordinating"  // 协调中
	EscExperts      State = "expert_review" // 专家委员会论证中
	EscDecided      State = "decided"       // 已作出督办决定（结案）
	EscSettled      State = "settled"       // 责任单位已办理，督办办结
)

// EscStateNames gives each escalation state's Chinese and English name.
var EscStateNames = map[State][2]string{
	EscOpen:         {"已督办待处理", "Escalated, to handle"},
	EscUrged:        {"已催办", "Urged"},
	EscCoordinating: {"协调中", "In coordination"},
	EscExperts:      {"专家论证中", "With the expert committee"},
	EscDecided:      {"已作出督办决定", "Decided"},
	EscSettled:      {"已办理，督办办结", "Settled by the responsible agency"},
}

// Live tells whether an escalation still runs.
func escLive(s State) bool {
	return s == EscOpen || s == EscUrged || s == EscCoordinating || s == EscExperts
}

// Escalation events.
const (
	EvEscalate   Ev = "escalate"   // 逾期督办 (the deadline job, or the authority from its board)
	EvUrge       Ev = "urge"       // 催办 with a new date
	EvCoordinate Ev = "coordinate" // 启动协调
	EvMeeting    Ev = "meeting"    // 记录协调会议及结果
	EvRefer      Ev = "refer"      // 提请专家委员会论证
	EvOpinion    Ev = "opinion"    // 专家意见
	EvDecide     Ev = "decide"     // 作出督办决定
	EvSettle     Ev = "settle"     // 责任单位已办理 (system)
)

func init() {
	for k, v := range map[string][2]string{
		string(EvUrge): {"催办", "Urged"}, string(EvCoordinate): {"启动协调", "Coordination started"},
		string(EvMeeting): {"记录协调会议", "Coordination meeting recorded"}, string(EvRefer): {"提请专家委员会论证", "Referred to the expert committee"},
		string(EvOpinion): {"专家意见", "Expert opinion"}, string(EvDecide): {"作出督办决定", "Decision recorded"},
		string(EvSettle): {"责任单位已办理，督办办结", "Settled by the responsible agency"},
		"overdue":        {"督办事项逾期，报上级", "Escalation overdue, reported up"},
	} {
		EventNames[k] = v
	}
	for k, v := range map[string][2]string{
		"handle": {"督办处理", "handling the escalation"}, "urged": {"催办", "the urged date"},
		"coordinate": {"协调办结", "coordination"}, "experts": {"专家论证", "expert opinions"},
	} {
		dueNames[k] = v
	}
}

func dated(f facts) bool        { return f.dated }
func withOpinions(f facts) bool { return f.opinions && f.refusal }

// escMachine is the escalation workflow, read top to bottom like machine.
var escMachine = []transition{
	{StateNew, EvEscalate, always, EscOpen, authz.EscalationHandle},
	{EscOpen, EvUrge, dated, EscUrged, authz.EscalationHandle},
	{EscUrged, EvUrge, dated, EscUrged, authz.EscalationHandle},
	{EscOpen, EvCoordinate, always, EscCoordinating, authz.EscalationHandle},
	{EscUrged, EvCoordinate, always, EscCoordinating, authz.EscalationHandle},
	{EscCoordinating, EvMeeting, always, EscCoordinating, authz.EscalationHandle},
	{EscCoordinating, EvRefer, always, EscExperts, authz.EscalationHandle},
	{EscExperts, EvOpinion, always, EscExperts, authz.EscalationOpinion},
	{EscOpen, EvDecide, reasoned, EscDecided, authz.EscalationHandle},
	{EscUrged, EvDecide, reasoned, EscDecided, authz.EscalationHandle},
	{EscCoordinating, EvDecide, reasoned, EscDecided, authz.EscalationHandle},
	{EscExperts, EvDecide, withOpinions, EscDecided, authz.EscalationHandle},
	{EscOpen, EvSettle, always, EscSettled, ""},
	{EscUrged, EvSettle, always, EscSettled, ""},
	{EscCoordinating, EvSettle, always, EscSettled, ""},
	{EscExperts, EvSettle, always, EscSettled, ""},
}

func nextEsc(from State, ev Ev, f facts) (transition, bool) {
	for _, t := range escMachine {
		if t.From == from && t.Event == ev && t.Guard(f) {
			return t, true
		}
	}
	return transition{}, false
}

// escDue names the deadline that runs in an escalation state and its working days (the urged
// date is named by the authority instead).
func (s *Service) escDue(st State) (string, int) {
	switch st {
	case EscOpen:
		return "handle", s.EscHandleDays
	case EscCoordinating:
		return "coordinate", s.CoordinateDays
	case EscExperts:
		return "experts", s.ExpertDays
	}
	return "", 0
}

// Escalation is one escalated matter (督办件).
type Escalation struct {
	ID             string    `json:"id"`
	SubjectType    string    `json:"subject_type"`
	SubjectID      string    `json:"subject_id"`
	Title          string    `json:"title"`
	Region         string    `json:"region_code"`
	AuthorityOrgID string    `json:"authority_org_id"`
	AuthorityOrg   string    `json:"authority_org,omitempty"`
	ResponsibleID  string    `json:"responsible_org_id"`
	Responsible    string    `json:"responsible_org,omitempty"`
	RequesterID    string    `json:"requester_org_id"`
	Requester      string    `json:"requester_org,omitempty"`
	Parties        []string  `json:"parties"`
	Cause          string    `json:"cause"`
	CauseEN        string    `json:"cause_en"`
	State          State     `json:"state"`
	DueKind        string    `json:"due_kind,omitempty"`
	DueDate        string    `json:"due_date,omitempty"`
	EscalatedAt    time.Time `json:"escalated_at,omitzero"`
	UrgeCount      int       `json:"urge_count"`
	Decision       string    `json:"decision,omitempty"`
	DecisionBasis  string    `json:"decision_legal_basis,omitempty"`
	ComplyBy       string    `json:"comply_by,omitempty"`
	DecidedBy      string    `json:"decided_by,omitempty"`
	DecidedAt      time.Time `json:"decided_at,omitzero"`
	OpenedAt       time.Time `json:"opened_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	Remaining      int       `json:"remaining_workdays"`
	Overdue        bool      `json:"overdue"`
	Link           string    `json:"subject_link"`
	// DeadlineProvisional: DueDate runs into a year without a holiday table (see Request).
	DeadlineProvisional bool  `json:"deadline_provisional,omitempty"`
	MissingYears        []int `json:"deadline_missing_years,omitempty"`

	live       bool  // stored for the jobs' index: escLive(State), set when saved
	dueSince   int64 // when the running deadline started (Unix ms; a new holiday table recomputes from it)
	opinions   int   // expert opinions recorded
	hadExperts bool  // referred at some point (experts keep reading what they answered)
}

// Authz returns the escalation's facts for authorization decisions.
func (e *Escalation) Authz() authz.EscalationAttrs {
	return authz.EscalationAttrs{Region: e.Region, Parties: e.Parties, Referred: e.State == EscExperts || e.hadExperts}
}

// Meeting is a recorded coordination meeting (协调会议) and its outcome.
type Meeting struct {
	ID           string    `json:"id"`
	HeldOn       string    `json:"held_on"`
	Participants string    `json:"participants"`
	Outcome      string    `json:"outcome"`
	Agreed       bool      `json:"agreed"`
	RecordedBy   string    `json:"recorded_by"`
	At           time.Time `json:"recorded_at"`
}

// Opinion is an expert committee member's opinion (专家意见).
type Opinion struct {
	ID         string    `json:"id"`
	ExpertName string    `json:"expert_name"`
	OrgID      string    `json:"org_id"`
	Opinion    string    `json:"opinion"`
	At         time.Time `json:"at"`
}

// Urge is the authority's 催办: the responsible agency must act by DueDate.
type Urge struct {
	DueDate string `json:"due_date"`
	Note    string `json:"note"`
}

// NewMeeting records a coordination meeting.
type NewMeeting struct {
	HeldOn       string `json:"held_on"`
	Participants string `json:"participants"`
	Outcome      string `json:"outcome"`
	Agreed       bool   `json:"agreed"`
}

// EscDecision closes an escalation. ComplyBy, when given, becomes the subject's new deadline:
// the responsible agency is reminded and escalated again on the calendar if it does not act.
type EscDecision struct {
	Decision   string `json:"decision"`
	LegalBasis string `json:"legal_basis"`
	ComplyBy   string `json:"comply_by"`
}

// escColumns binds every stored column of escalations to its field of e (db.Column): the one
// list the insert, the update and the scan are generated from. A new field on escalations is one
// line here (and its migration); TestEscalationColumnsRoundTrip fails when one is not bound.
func escColumns(e *Escalation) []db.Column {
	return []db.Column{
		{Name: "id", Ptr: &e.ID},
		{Name: "subject_type", Ptr: &e.SubjectType},
		{Name: "subject_id", Ptr: &e.SubjectID},
		{Name: "title", Ptr: &e.Title},
		{Name: "region_code", Ptr: &e.Region},
		{Name: "authority_org_id", Ptr: &e.AuthorityOrgID},
		{Name: "responsible_org_id", Ptr: &e.ResponsibleID},
		{Name: "requester_org_id", Ptr: &e.RequesterID},
		{Name: "parties", Ptr: db.JSONList(&e.Parties)},
		{Name: "cause", Ptr: &e.Cause},
		{Name: "cause_en", Ptr: &e.CauseEN},
		{Name: "state", Ptr: (*string)(&e.State)},
		{Name: "live", Ptr: db.IntBool(&e.live)},
		{Name: "due_kind", Ptr: &e.DueKind},
		{Name: "due_date", Ptr: &e.DueDate},
		{Name: "due_since", Ptr: &e.dueSince},
		{Name: "escalated_at", Ptr: db.TimeMillis(&e.EscalatedAt)},
		{Name: "urge_count", Ptr: &e.UrgeCount},
		{Name: "decision", Ptr: &e.Decision},
		{Name: "decision_basis", Ptr: &e.DecisionBasis},
		{Name: "comply_by", Ptr: &e.ComplyBy},
		{Name: "decided_by", Ptr: &e.DecidedBy},
		{Name: "decided_at", Ptr: db.TimeMillis(&e.DecidedAt)},
		{Name: "opened_at", Ptr: db.TimeMillis(&e.OpenedAt)},
		{Name: "updated_at", Ptr: db.TimeMillis(&e.UpdatedAt)},
	}
}

// escJoined are the names joined in from orgs and the count of expert opinions (not stored on
// the escalation).
func escJoined(e *Escalation) []any {
	return []any{&e.AuthorityOrg, &e.Responsible, &e.Requester, &e.opinions}
}

var (
	insertEscSQL = db.InsertSQL("escalations", escColumns(&Escalation{}))
	updateEscSQL = db.UpdateSQL("escalations", escColumns(&Escalation{}))
	// escCols is the select list of an escalation: its stored columns, then the joined names and
	// the opinion count.
	escCols = db.Names(escColumns(&Escalation{}), "e.") + `, COALESCE(ao.name,''), COALESCE(so.name,''), COALESCE(qo.name,''),
	(SELECT COUNT(*) FROM escalation_opinions o WHERE o.escalation_id = e.id)`
)

const escFrom = ` FROM escalations e LEFT JOIN orgs ao ON ao.id = e.authority_org_id LEFT JOIN orgs so ON so.id = e.responsible_org_id
	LEFT JOIN orgs qo ON qo.id = e.requester_org_id`

func (s *Service) scanEsc(sc scanner) (Escalation, error) {
	var e Escalation
	if err := sc.Scan(append(db.Dests(escColumns(&e)), escJoined(&e)...)...); err != nil {
		return e, err
	}
	e.hadExperts = e.opinions > 0
	e.Link = subjectLink(e.SubjectType, e.SubjectID)
	if escLive(e.State) && e.DueDate != "" {
		e.Remaining, e.Overdue = s.remaining(e.DueDate)
		e.MissingYears = s.Calendar.ProvisionalDue(e.DueDate, s.Now())
		e.DeadlineProvisional = len(e.MissingYears) > 0
	}
	return e, nil
}

// subjectTables are the tables of the subjects whose deadline an escalation moves (due_date,
// escalated_at).
var subjectTables = map[string]string{"share_request": "share_requests", "share_demand": "share_demands", "share_renewal": "share_renewals",
	"share_use_report": "share_use_reports"}

func subjectLink(typ, id string) string {
	switch typ {
	case "share_renewal":
		return "/share/renewals/" + id
	case "share_request":
		return "/share/requests/" + id
	case "share_demand":
		return "/share/demands/" + id
	case "supervision_notice":
		return "/supervision/notices/" + id
	case "share_use_report":
		return "/share/use-reports/" + id
	}
	return ""
}

// ForeignSubject is an escalation subject kept by another package: a dispute handed to the
// coordination and expert-committee workflow (SUP-5). Resolve reads it in q; the escalation is
// opened at once (a dispute is not an overdue item) and settles when the subject stops waiting.
type ForeignSubject struct {
	Resolve func(ctx context.Context, q db.Q, id string) (ForeignInfo, error)
}

// ForeignInfo is what an escalation needs to know about a foreign subject.
type ForeignInfo struct {
	Title, Region, Responsible, Requester string
	Parties                               []string
	Waiting                               bool
	Cause, CauseEN                        string
}

func (s *Service) readEsc(ctx context.Context, q db.Q, id string) (Escalation, error) {
	return s.scanEsc(q.QueryRowContext(ctx, "SELECT "+escCols+escFrom+" WHERE e.id = $1", id))
}

// loadEsc reads one escalation.
func (s *Service) loadEsc(ctx context.Context, q db.Q, id string) (Escalation, error) {
	return found(s.readEsc(ctx, q, id))
}

// lockEsc reads one escalation under its row lock, for a state change in tx.
func (s *Service) lockEsc(ctx context.Context, tx db.Q, id string) (Escalation, error) {
	return found(db.LoadLocked(ctx, tx, s.DB, "escalations", id, func(q db.Q) (Escalation, error) { return s.readEsc(ctx, q, id) }))
}

// saveEsc writes an escalation row (insert for a new one), every column from escColumns; live
// follows the state.
func (s *Service) saveEsc(ctx context.Context, q db.Q, e *Escalation, insert bool) error {
	e.live = escLive(e.State)
	query := updateEscSQL
	if insert {
		query = insertEscSQL
	}
	_, err := q.ExecContext(ctx, query, db.Values(escColumns(e))...)
	return err
}

// escSubject is what an escalation needs to know about its subject.
type escSubject struct {
	title, region, responsible, requester, due, dueKind string
	parties                                             []string
	waiting                                             bool // still waiting for the responsible agency's step
	foreign                                             bool // kept by another package (a dispute): opened without a deadline
	cause, causeEN                                      string
}

// subject reads an escalation's subject (share requests and demands today).
func (s *Service) subject(ctx context.Context, q db.Q, typ, id string) (escSubject, error) {
	var sub escSubject
	switch typ {
	case "share_request":
		r, err := s.loadRequest(ctx, q, id)
		if err != nil {
			return sub, err
		}
		sub.title, sub.region, sub.responsible, sub.requester = r.EntryName, r.EntryRegion, r.ProviderOrgID, r.ConsumerOrgID
		if r.State == StateRouting {
			sub.responsible, sub.region = r.RoutedVia, provinceOf(r.ConsumerRegion)
		}
		sub.parties = append([]string{r.ConsumerOrgID}, r.ProviderOrgs...)
		sub.due, sub.dueKind = r.DueDate, r.DueKind
		sub.waiting = r.State == StateRouting || r.State == StatePending || r.State == StateApproved
	case "share_demand":
		d, err := s.loadDemand(ctx, q, id)
		if err != nil {
			return sub, err
		}
		sub.title, sub.region, sub.responsible, sub.requester = d.Title, d.Region, d.AssignedOrgID, d.RequesterOrgID
		if d.State == DemandSubmitted {
			sub.responsible, sub.region = "", provinceOf(d.Region)
		}
		sub.parties = []string{d.RequesterOrgID}
		if d.AssignedOrgID != "" {
			sub.parties = append(sub.parties, d.AssignedOrgID)
		}
		sub.due, sub.dueKind = d.DueDate, d.DueKind
		sub.waiting = d.State == DemandSubmitted || d.State == DemandAssigned || d.State == DemandAccepted
	case "share_renewal":
		n, err := s.loadRenewal(ctx, q, id)
		if err != nil {
			return sub, err
		}
		var provider string
		q.QueryRowContext(ctx, "SELECT provider_org_id FROM share_grants WHERE id = $1", n.GrantID).Scan(&provider)
		sub.title, sub.region, sub.responsible, sub.requester = "续期 / renewal: "+n.entryName, n.entryRegion, provider, n.consumer
		sub.parties = append([]string{n.consumer}, n.providers...)
		sub.due, sub.dueKind = n.DueDate, "renew"
		sub.waiting = n.State == RenewalPending
	case "share_use_report":
		// A report the consumer owes (overdue) or the provider's answer to a submitted one.
		var grant, st, due string
		if err := q.QueryRowContext(ctx, "SELECT grant_id, state, due_date FROM share_use_reports WHERE id = $1", id).Scan(&grant, &st, &due); err != nil {
			if db.IsNoRows(err) {
				return sub, apperr.NotFound
			}
			return sub, err
		}
		g, err := s.loadGrant(ctx, q, grant)
		if err != nil {
			return sub, err
		}
		sub.title, sub.region, sub.responsible, sub.requester = "使用评价 / use report: "+g.EntryName, g.EntryRegion, g.ConsumerOrgID, g.ProviderOrgID
		sub.dueKind = "report"
		if UseReportState(st) == ReportSubmitted {
			sub.responsible, sub.requester, sub.dueKind = g.ProviderOrgID, g.ConsumerOrgID, "report_answer"
		}
		sub.parties = append([]string{g.ConsumerOrgID}, g.ProviderOrgs...)
		sub.due = due
		sub.waiting = UseReportState(st).open() || UseReportState(st) == ReportSubmitted
	default:
		f, ok := s.Foreign[typ]
		if !ok {
			return sub, apperr.NotFound
		}
		fi, err := f.Resolve(ctx, q, id)
		if err != nil {
			return sub, err
		}
		sub.title, sub.region, sub.responsible, sub.requester, sub.parties = fi.Title, fi.Region, fi.Responsible, fi.Requester, fi.Parties
		sub.waiting, sub.foreign, sub.cause, sub.causeEN = fi.Waiting, true, fi.Cause, fi.CauseEN
	}
	return sub, nil
}

// ErrNotOverdue: only an overdue item is escalated.
var ErrNotOverdue = apperr.New(409, "share.not_overdue", "该事项未逾期，不能督办", "the item is not overdue; it cannot be escalated")

// openEsc opens (or returns) the live escalation of an overdue subject, in tx. p is the
// authority acting from its board, or authz.System for the deadline job.
func (s *Service) openEsc(ctx context.Context, tx *sql.Tx, p *authz.Principal, typ, id string) (Escalation, error) {
	var existing string
	err := tx.QueryRowContext(ctx, "SELECT id FROM escalations WHERE subject_type = $1 AND subject_id = $2 AND live = 1", typ, id).Scan(&existing)
	if err == nil {
		return s.loadEsc(ctx, tx, existing)
	}
	if !db.IsNoRows(err) {
		return Escalation{}, err
	}
	sub, err := s.subject(ctx, tx, typ, id)
	if err != nil {
		return Escalation{}, err
	}
	if _, overdue := s.remaining(sub.due); !sub.waiting || (!overdue && !sub.foreign) {
		return Escalation{}, ErrNotOverdue
	}
	now := s.Now()
	e := Escalation{ID: ids.New(), SubjectType: typ, SubjectID: id, Title: sub.title, Region: sub.region,
		AuthorityOrgID: authorityOrg(ctx, tx, sub.region), ResponsibleID: sub.responsible, RequesterID: sub.requester,
		Parties: sub.parties, State: StateNew, OpenedAt: now}
	rem, _ := s.remaining(sub.due)
	dn := dueNames[sub.dueKind]
	e.Cause = fmt.Sprintf("%s逾期 %d 个工作日（应于 %s 前）", dn[0], -rem, sub.due)
	e.CauseEN = fmt.Sprintf("%s overdue by %d working days (due %s)", dn[1], -rem, sub.due)
	if sub.foreign {
		e.Cause, e.CauseEN = sub.cause, sub.causeEN
	}
	if err := s.escStep(ctx, tx, p, &e, EvEscalate, facts{}, e.Cause, nil); err != nil {
		return Escalation{}, err
	}
	return s.loadEsc(ctx, tx, e.ID)
}

// escStep takes one transition of the escalation machine for p: deadline, history, audit and
// the inbox of whoever acts next and of the parties.
func (s *Service) escStep(ctx context.Context, tx *sql.Tx, p *authz.Principal, e *Escalation, ev Ev, f facts, note string, detail map[string]any) error {
	t, ok := nextEsc(e.State, ev, f)
	if !ok {
		return ErrState
	}
	if t.Act == "" || p == authz.System {
		if p != authz.System {
			return apperr.Forbidden
		}
	} else if err := authz.Escalation(p, t.Act, e.Authz()); err != nil {
		return err
	}
	from, now := e.State, s.Now()
	e.State, e.UpdatedAt = t.To, now
	if from != t.To || ev == EvUrge {
		e.DueKind, e.DueDate, e.EscalatedAt, e.dueSince = "", "", time.Time{}, db.Millis(now)
		if kind, days := s.escDue(t.To); kind != "" {
			e.DueKind, e.DueDate = kind, s.addWorkdays(now, days)
		}
		if ev == EvUrge {
			e.DueKind, e.DueDate = "urged", f.date
		}
	}
	if err := s.saveEsc(ctx, tx, e, from == StateNew); err != nil {
		return err
	}
	if err := s.history(ctx, tx, p, "escalation", e.ID, string(ev), string(from), string(t.To), note); err != nil {
		return err
	}
	det := map[string]any{"from": string(from), "to": string(t.To), "subject_type": e.SubjectType, "subject_id": e.SubjectID}
	if e.DueDate != "" {
		det["due"] = e.DueDate
	}
	if note != "" {
		det["note"] = note
	}
	for k, v := range detail {
		det[k] = v
	}
	ae := auditEvent(p, "share.escalation."+string(ev), "escalation", e.ID, det)
	if p == authz.System {
		ae.ActorID, ae.ActorName = "system", "system"
	}
	if err := s.Audit.Record(ctx, tx, ae); err != nil {
		return err
	}
	// The subject's own history shows the escalation's steps too (parties read it there).
	if ev != EvEscalate && ev != EvOpinion {
		if err := s.history(ctx, tx, p, e.SubjectType, e.SubjectID, string(ev), "", "", note); err != nil {
			return err
		}
	}
	if ev == EvEscalate && p == authz.System {
		return nil // the deadline job's own escalation message went out with it
	}
	return s.escAnnounce(ctx, tx, e, ev, note)
}

// escAnnounce tells whoever acts next, and the parties of the steps that concern them.
func (s *Service) escAnnounce(ctx context.Context, tx *sql.Tx, e *Escalation, ev Ev, note string) error {
	link := "/share/escalations/" + e.ID
	send := func(org, kind, zh, en, bzh, ben string) error {
		return s.sendOrg(ctx, tx, org, kind, zh, en, bzh, ben, link, "escalation", e.ID, "")
	}
	switch ev {
	case EvEscalate:
		return send(e.AuthorityOrgID, "escalation", "督办件待处理："+e.Title, "Escalation to handle: "+e.Title,
			e.Cause+"。请在 "+e.DueDate+" 前催办、协调或作出决定。", e.CauseEN+". Urge, coordinate or decide by "+e.DueDate+".")
	case EvUrge:
		return send(e.ResponsibleID, "escalation", "主管部门催办："+e.Title, "Urged by the authority: "+e.Title,
			"请在 "+e.DueDate+" 前办理。"+note, "Act by "+e.DueDate+". "+note)
	case EvCoordinate, EvMeeting:
		for _, o := range e.Parties {
			if err := send(o, "info", "主管部门协调："+e.Title, "Coordination by the authority: "+e.Title, note, note); err != nil {
				return err
			}
		}
	case EvRefer:
		rows, err := tx.QueryContext(ctx, "SELECT id FROM orgs WHERE kind = 'expert_committee' ORDER BY id")
		if err != nil {
			return err
		}
		var orgs []string
		for rows.Next() {
			var o string
			rows.Scan(&o)
			orgs = append(orgs, o)
		}
		rows.Close()
		for _, o := range orgs {
			if err := send(o, "info", "请出具专家意见："+e.Title, "Expert opinion requested: "+e.Title,
				"请在 "+e.DueDate+" 前出具意见。"+note, "Give your opinion by "+e.DueDate+". "+note); err != nil {
				return err
			}
		}
	case EvOpinion:
		return send(e.AuthorityOrgID, "info", "专家意见已提交："+e.Title, "Expert opinion received: "+e.Title, "", "")
	case EvDecide:
		body := "督办决定：" + e.Decision
		bodyEN := "Decision: " + e.Decision
		if e.ComplyBy != "" {
			body += "（请于 " + e.ComplyBy + " 前办理）"
			bodyEN += " (act by " + e.ComplyBy + ")"
		}
		for _, o := range e.Parties {
			if err := s.sendOrg(ctx, tx, o, "info", "督办决定："+e.Title, "Escalation decided: "+e.Title, body, bodyEN,
				subjectLink(e.SubjectType, e.SubjectID), "escalation", e.ID, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// escTx runs fn on a locked escalation visible to p.
func (s *Service) escTx(ctx context.Context, p *authz.Principal, id string, fn func(tx *sql.Tx, e *Escalation) error) (Escalation, error) {
	var out Escalation
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		e, err := s.lockEsc(ctx, tx, id)
		if err != nil {
			return err
		}
		if p != authz.System {
			if err := authz.Escalation(p, authz.Read, e.Authz()); err != nil {
				if p.Authenticated() {
					return apperr.NotFound
				}
				return err
			}
		}
		if err := fn(tx, &e); err != nil {
			return err
		}
		out, err = s.loadEsc(ctx, tx, id)
		return err
	})
	return out, err
}

// OpenEscalation opens the escalation of an overdue item from the authority's board (the
// deadline job opens it on its own when the item falls overdue); an existing live one is returned.
func (s *Service) OpenEscalation(ctx context.Context, p *authz.Principal, subjectType, subjectID string) (_ Escalation, err error) {
	defer wrapErr(&err, "open escalation of %s %s", subjectType, subjectID)
	var out Escalation
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		sub, err := s.subject(ctx, tx, subjectType, subjectID)
		if err != nil {
			return err
		}
		at := authz.EscalationAttrs{Region: sub.region, Parties: sub.parties}
		if err := authz.Escalation(p, authz.Read, at); err != nil {
			if p.Authenticated() {
				return apperr.NotFound
			}
			return err
		}
		out, err = s.openEsc(ctx, tx, p, subjectType, subjectID)
		return err
	})
	return out, err
}

// UrgeEscalation is 催办: the responsible agency is told to act by a new date (a working day
// after today), reminded before it and reported to the authority when it passes.
func (s *Service) UrgeEscalation(ctx context.Context, p *authz.Principal, id string, in Urge) (_ Escalation, err error) {
	defer wrapErr(&err, "urge escalation %s", id)
	in.DueDate, in.Note = clean(in.DueDate), clean(in.Note)
	return s.escTx(ctx, p, id, func(tx *sql.Tx, e *Escalation) error {
		if err := authz.Escalation(p, authz.EscalationHandle, e.Authz()); err != nil {
			return err
		}
		d, err := workday.Parse(in.DueDate)
		if err != nil {
			return apperr.Invalid.With(apperr.Field("due_date", "请填写新的办理期限（YYYY-MM-DD）", "give the new date (YYYY-MM-DD)"))
		}
		if in.DueDate <= s.today() {
			return apperr.Invalid.With(apperr.Field("due_date", "新的办理期限须晚于今天", "the new date must be after today"))
		}
		if !s.Calendar.IsWorkday(d) {
			return apperr.Invalid.With(apperr.Field("due_date", "新的办理期限须为工作日", "the new date must be a working day"))
		}
		if e.ResponsibleID == "" {
			return apperr.Invalid.With(apperr.Field("due_date", "该事项由主管部门自行办理，无须催办", "the authority itself must act on this item; there is nobody to urge"))
		}
		e.UrgeCount++
		return s.escStep(ctx, tx, p, e, EvUrge, facts{dated: true, date: in.DueDate}, in.Note, map[string]any{"urged_due": in.DueDate, "urge_count": e.UrgeCount})
	})
}

// CoordinateEscalation starts coordination (协调): the coordination deadline starts to run.
func (s *Service) CoordinateEscalation(ctx context.Context, p *authz.Principal, id, note string) (_ Escalation, err error) {
	defer wrapErr(&err, "coordinate escalation %s", id)
	note = clean(note)
	return s.escTx(ctx, p, id, func(tx *sql.Tx, e *Escalation) error {
		return s.escStep(ctx, tx, p, e, EvCoordinate, facts{}, note, nil)
	})
}

// RecordMeeting records a coordination meeting and its outcome.
func (s *Service) RecordMeeting(ctx context.Context, p *authz.Principal, id string, in NewMeeting) (_ Escalation, err error) {
	defer wrapErr(&err, "record meeting %s", id)
	in.HeldOn, in.Participants, in.Outcome = clean(in.HeldOn), clean(in.Participants), clean(in.Outcome)
	return s.escTx(ctx, p, id, func(tx *sql.Tx, e *Escalation) error {
		if err := authz.Escalation(p, authz.EscalationHandle, e.Authz()); err != nil {
			return err
		}
		var fe []apperr.FieldError
		if _, err := workday.Parse(in.HeldOn); err != nil {
			fe = append(fe, apperr.Field("held_on", "请填写会议日期（YYYY-MM-DD）", "give the meeting date (YYYY-MM-DD)"))
		} else if in.HeldOn > s.today() {
			fe = append(fe, apperr.Field("held_on", "只能登记已召开的会议", "record a meeting that has taken place"))
		}
		if in.Participants == "" {
			fe = append(fe, apperr.Field("participants", "请填写参会单位和人员", "name who took part"))
		}
		if in.Outcome == "" {
			fe = append(fe, apperr.Field("outcome", "请填写协调结果", "record the outcome"))
		}
		if len([]rune(in.Outcome)) > 4000 || len([]rune(in.Participants)) > 1000 {
			fe = append(fe, apperr.Field("outcome", "内容过长", "too long"))
		}
		if err := apperr.Validation(fe); err != nil {
			return err
		}
		agreed := 0
		if in.Agreed {
			agreed = 1
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO escalation_meetings (id, escalation_id, held_on, participants, outcome, agreed, recorded_by, recorder_name, at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, ids.New(), e.ID, in.HeldOn, in.Participants, in.Outcome, agreed, p.UserID, actorName(p), db.Millis(s.Now())); err != nil {
			return err
		}
		return s.escStep(ctx, tx, p, e, EvMeeting, facts{}, in.HeldOn+" "+in.Outcome, map[string]any{"held_on": in.HeldOn, "agreed": in.Agreed})
	})
}

// ReferEscalation hands the dispute to the expert committee (专家委员会论证).
func (s *Service) ReferEscalation(ctx context.Context, p *authz.Principal, id, note string) (_ Escalation, err error) {
	defer wrapErr(&err, "refer escalation %s", id)
	note = clean(note)
	return s.escTx(ctx, p, id, func(tx *sql.Tx, e *Escalation) error {
		// The right before the input: a party or reader learns nothing from a validation answer.
		if err := authz.Escalation(p, authz.EscalationHandle, e.Authz()); err != nil {
			return err
		}
		if note == "" {
			return apperr.Invalid.With(apperr.Field("note", "请写明提请论证的争议问题", "state the question put to the experts"))
		}
		return s.escStep(ctx, tx, p, e, EvRefer, facts{}, note, nil)
	})
}

// GiveOpinion records an expert's opinion on a referred escalation.
func (s *Service) GiveOpinion(ctx context.Context, p *authz.Principal, id, opinion string) (_ Escalation, err error) {
	defer wrapErr(&err, "give opinion %s", id)
	opinion = clean(opinion)
	return s.escTx(ctx, p, id, func(tx *sql.Tx, e *Escalation) error {
		if err := authz.Escalation(p, authz.EscalationOpinion, e.Authz()); err != nil {
			return err
		}
		if opinion == "" || len([]rune(opinion)) > 4000 {
			return apperr.Invalid.With(apperr.Field("opinion", "请填写专家意见（不超过 4000 字）", "give your opinion (at most 4000 characters)"))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO escalation_opinions (id, escalation_id, expert_id, expert_name, org_id, opinion, at)
			VALUES ($1,$2,$3,$4,$5,$6,$7)`, ids.New(), e.ID, p.UserID, actorName(p), p.OrgID, opinion, db.Millis(s.Now())); err != nil {
			return err
		}
		return s.escStep(ctx, tx, p, e, EvOpinion, facts{}, opinion, nil)
	})
}

// DecideEscalation closes the matter with a recorded decision the parties see (inbox, the
// subject's page). A comply-by date becomes the subject's deadline again.
func (s *Service) DecideEscalation(ctx context.Context, p *authz.Principal, id string, in EscDecision) (_ Escalation, err error) {
	defer wrapErr(&err, "decide escalation %s", id)
	in.Decision, in.LegalBasis, in.ComplyBy = clean(in.Decision), clean(in.LegalBasis), clean(in.ComplyBy)
	return s.escTx(ctx, p, id, func(tx *sql.Tx, e *Escalation) error {
		if err := authz.Escalation(p, authz.EscalationHandle, e.Authz()); err != nil {
			return err
		}
		var fe []apperr.FieldError
		if in.Decision == "" || len([]rune(in.Decision)) > 4000 {
			fe = append(fe, apperr.Field("decision", "请填写督办决定（不超过 4000 字）", "record the decision (at most 4000 characters)"))
		}
		if in.LegalBasis == "" {
			fe = append(fe, apperr.Field("legal_basis", "请填写决定的依据", "give the basis of the decision"))
		}
		sub, err := s.subject(ctx, tx, e.SubjectType, e.SubjectID)
		if err != nil {
			return err
		}
		if in.ComplyBy != "" {
			d, err := workday.Parse(in.ComplyBy)
			switch {
			case err != nil:
				fe = append(fe, apperr.Field("comply_by", "日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD"))
			case in.ComplyBy <= s.today():
				fe = append(fe, apperr.Field("comply_by", "办理期限须晚于今天", "the date must be after today"))
			case !s.Calendar.IsWorkday(d):
				fe = append(fe, apperr.Field("comply_by", "办理期限须为工作日", "the date must be a working day"))
			case !sub.waiting:
				fe = append(fe, apperr.Field("comply_by", "该事项已办理，无须限期", "the item has been acted on; no date is needed"))
			}
		}
		if err := apperr.Validation(fe); err != nil {
			return err
		}
		if e.State == EscExperts && e.opinions == 0 {
			return ErrNoOpinions
		}
		e.Decision, e.DecisionBasis, e.ComplyBy, e.DecidedBy, e.DecidedAt = in.Decision, in.LegalBasis, in.ComplyBy, actorName(p), s.Now()
		if tbl := subjectTables[e.SubjectType]; in.ComplyBy != "" && tbl != "" {
			if _, err := tx.ExecContext(ctx, "UPDATE "+tbl+" SET due_date = $1, escalated_at = 0 WHERE id = $2", in.ComplyBy, e.SubjectID); err != nil {
				return err
			}
			if tbl == "share_use_reports" { // an overdue report is due again by the decided date
				if _, err := tx.ExecContext(ctx, "UPDATE share_use_reports SET state = 'due' WHERE id = $1 AND state = 'overdue'", e.SubjectID); err != nil {
					return err
				}
			}
		}
		return s.escStep(ctx, tx, p, e, EvDecide, facts{refusal: true, opinions: e.opinions > 0}, in.Decision,
			map[string]any{"legal_basis": in.LegalBasis, "comply_by": in.ComplyBy})
	})
}

// ErrNoOpinions: a referred matter is decided once an expert has given an opinion.
var ErrNoOpinions = apperr.New(409, "share.no_opinions", "已提请专家论证，须至少有一位专家出具意见后方可作出决定", "the matter was referred to the experts; decide once at least one opinion is in")

// GetEscalation returns an escalation to those who may see it.
func (s *Service) GetEscalation(ctx context.Context, p *authz.Principal, id string) (_ Escalation, err error) {
	defer wrapErr(&err, "get escalation %s", id)
	e, err := s.loadEsc(ctx, s.DB, id)
	if err != nil {
		return e, err
	}
	if err := authz.Escalation(p, authz.Read, e.Authz()); err != nil {
		if p.Authenticated() {
			return Escalation{}, apperr.NotFound
		}
		return Escalation{}, err
	}
	return e, nil
}

// EscalationDetail is an escalation with its history, meetings and opinions.
type EscalationDetail struct {
	Escalation Escalation `json:"escalation"`
	History    []Event    `json:"history"`
	Meetings   []Meeting  `json:"meetings"`
	Opinions   []Opinion  `json:"opinions"`
}

// EscalationDetails returns an escalation with everything recorded on it.
func (s *Service) EscalationDetails(ctx context.Context, p *authz.Principal, id string) (_ EscalationDetail, err error) {
	defer wrapErr(&err, "escalation details %s", id)
	var out EscalationDetail
	e, err := s.GetEscalation(ctx, p, id)
	if err != nil {
		return out, err
	}
	out.Escalation = e
	if out.History, err = s.events(ctx, "escalation", id); err != nil {
		return out, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, held_on, participants, outcome, agreed, recorder_name, at FROM escalation_meetings
		WHERE escalation_id = $1 ORDER BY at, id LIMIT 200`, id)
	out.Meetings, err = db.ScanAll(rows, err, func(sc scanner) (Meeting, error) {
		var m Meeting
		var agreed int
		var at int64
		err := sc.Scan(&m.ID, &m.HeldOn, &m.Participants, &m.Outcome, &agreed, &m.RecordedBy, &at)
		m.Agreed, m.At = agreed != 0, db.FromMillis(at)
		return m, err
	})
	if err != nil {
		return out, err
	}
	rows, err = s.DB.QueryContext(ctx, `SELECT id, expert_name, org_id, opinion, at FROM escalation_opinions
		WHERE escalation_id = $1 ORDER BY at, id LIMIT 200`, id)
	out.Opinions, err = db.ScanAll(rows, err, func(sc scanner) (Opinion, error) {
		var o Opinion
		var at int64
		err := sc.Scan(&o.ID, &o.ExpertName, &o.OrgID, &o.Opinion, &at)
		o.At = db.FromMillis(at)
		return o, err
	})
	return out, err
}

// EscalationsOf returns the escalations of a subject that p may see, newest first (the
// request and demand pages show them with their decisions).
func (s *Service) EscalationsOf(ctx context.Context, p *authz.Principal, subjectType, subjectID string) (_ []Escalation, err error) {
	defer wrapErr(&err, "escalations of %s %s", subjectType, subjectID)
	rows, err := s.DB.QueryContext(ctx, "SELECT "+escCols+escFrom+" WHERE e.subject_type = $1 AND e.subject_id = $2 ORDER BY e.opened_at DESC, e.id LIMIT 20", subjectType, subjectID)
	all, err := db.ScanAll(rows, err, s.scanEsc)
	if err != nil {
		return nil, err
	}
	var out []Escalation
	for _, e := range all {
		if authz.Escalation(p, authz.Read, e.Authz()) == nil {
			out = append(out, e)
		}
	}
	return out, nil
}

// EscalationBoxes are the escalation lists p can open: "region" (the authority's), "mine" (its
// agency is a party), "experts" (referred to the committee), "all" (auditors, oversight).
func EscalationBoxes(p *authz.Principal) []string {
	if p.TokenID != "" || !p.Authenticated() {
		return nil
	}
	var out []string
	if p.IsAuthority() {
		out = append(out, "region")
	}
	if p.OrgID != "" && p.Has(authz.DataOfficer, authz.AgencyApprover, authz.SecurityOfficer) {
		out = append(out, "mine")
	}
	if p.Has(authz.Expert) {
		out = append(out, "experts")
	}
	if p.Has(authz.Auditor, authz.Oversight) {
		out = append(out, "all")
	}
	return out
}

// ListEscalations returns an escalation list, live ones first by deadline.
func (s *Service) ListEscalations(ctx context.Context, p *authz.Principal, box string, limit, offset int) (_ []Escalation, _ int, err error) {
	defer wrapErr(&err, "list escalations")
	if !p.Authenticated() {
		return nil, 0, apperr.Unauthenticated
	}
	boxes := EscalationBoxes(p)
	if box == "" && len(boxes) > 0 {
		box = boxes[0]
	}
	found := false
	for _, b := range boxes {
		found = found || b == box
	}
	if !found {
		return nil, 0, apperr.Forbidden
	}
	var cond string
	var args []any
	switch box {
	case "region":
		cond, args = " WHERE e.region_code LIKE $1", []any{regionPrefix(p.RegionCode)}
	case "mine":
		cond, args = " WHERE e.parties LIKE $1", []any{"%\"" + p.OrgID + "\"%"}
	case "experts":
		cond = " WHERE (e.state = 'expert_review' OR EXISTS (SELECT 1 FROM escalation_opinions o WHERE o.escalation_id = e.id))"
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM escalations e"+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, fmt.Sprintf("SELECT %s%s%s ORDER BY e.live DESC, CASE WHEN e.due_date = '' THEN 1 ELSE 0 END, e.due_date, e.opened_at DESC, e.id LIMIT %d OFFSET %d",
		escCols, escFrom, cond, limit, max(offset, 0)), args...)
	out, err := db.ScanAll(rows, err, s.scanEsc)
	return out, total, err
}

// EscalationDeadlines runs the escalations' own deadlines (part of the deadline job): a live
// escalation whose subject was acted on is settled; whoever must act is reminded before its due
// date; once overdue it goes up — an urged date that passed to the authority, the authority's
// own handling, coordination or the experts' opinions to the authority above (or, at the top,
// the oversight bodies) — once per deadline.
func (s *Service) EscalationDeadlines(ctx context.Context) (err error) {
	defer wrapErr(&err, "escalation deadlines")
	rows, err := s.DB.QueryContext(ctx, "SELECT "+escCols+escFrom+" WHERE e.live = 1 ORDER BY e.id LIMIT 5000")
	live, err := db.ScanAll(rows, err, s.scanEsc)
	if err != nil {
		return err
	}
	var firstErr error
	for _, e := range live {
		if err := s.escDeadline(ctx, e); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

func (s *Service) escDeadline(ctx context.Context, e Escalation) error {
	sub, err := s.subject(ctx, s.DB, e.SubjectType, e.SubjectID)
	if err != nil && !errors.Is(err, apperr.NotFound) {
		return err
	}
	if errors.Is(err, apperr.NotFound) || !sub.waiting {
		_, err := s.escTx(ctx, authz.System, e.ID, func(tx *sql.Tx, x *Escalation) error {
			if !escLive(x.State) {
				return nil
			}
			return s.escStep(ctx, tx, authz.System, x, EvSettle, facts{}, "", nil)
		})
		if err == nil {
			for _, o := range e.Parties {
				s.sendOrg(ctx, s.DB, o, "info", "督办办结："+e.Title, "Escalation settled: "+e.Title, "责任单位已办理，督办办结。",
					"The responsible agency acted; the escalation is closed.", "/share/escalations/"+e.ID, "escalation", e.ID, "share:esc:settle:"+e.ID)
			}
			s.sendOrg(ctx, s.DB, e.AuthorityOrgID, "info", "督办办结："+e.Title, "Escalation settled: "+e.Title, "责任单位已办理，督办办结。",
				"The responsible agency acted; the escalation is closed.", "/share/escalations/"+e.ID, "escalation", e.ID, "share:esc:settle:"+e.ID)
		}
		return err
	}
	if e.DueDate == "" {
		return nil
	}
	link := "/share/escalations/" + e.ID
	dn := dueNames[e.DueKind]
	actor := e.AuthorityOrgID
	if e.DueKind == "urged" {
		actor = e.ResponsibleID
	}
	rem, overdue := e.Remaining, e.Overdue
	if !overdue {
		if rem > s.RemindDays {
			return nil
		}
		if e.DueKind == "experts" {
			for _, o := range s.expertOrgs(ctx) {
				if err := s.sendOrg(ctx, s.DB, o, "reminder", fmt.Sprintf("专家意见期限提醒：%s（%s 到期）", e.Title, e.DueDate),
					fmt.Sprintf("Expert opinion due %s: %s", e.DueDate, e.Title), "请按期出具意见。", "Please give your opinion in time.",
					link, "escalation", e.ID, "share:esc:remind:"+e.ID+":"+e.DueKind+":"+e.DueDate+":"+o); err != nil {
					return err
				}
			}
			return nil
		}
		return s.sendOrg(ctx, s.DB, actor, "reminder", fmt.Sprintf("%s期限提醒：%s（%s 到期，剩余 %d 个工作日）", dn[0], e.Title, e.DueDate, rem),
			fmt.Sprintf("%s due %s: %s (%d working days left)", dn[1], e.DueDate, e.Title, rem),
			"请按期办理，逾期将报上级督办。", "Please act in time; overdue escalations go up a level.",
			link, "escalation", e.ID, "share:esc:remind:"+e.ID+":"+e.DueKind+":"+e.DueDate)
	}
	if !e.EscalatedAt.IsZero() {
		return nil
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE escalations SET escalated_at = $1 WHERE id = $2 AND escalated_at = 0 AND due_date = $3 AND live = 1",
			db.Millis(s.Now()), e.ID, e.DueDate)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		note := fmt.Sprintf("%s逾期 %d 个工作日（应于 %s 前）", dn[0], -rem, e.DueDate)
		if err := s.history(ctx, tx, authz.System, "escalation", e.ID, "overdue", string(e.State), string(e.State), note); err != nil {
			return err
		}
		targets := []string{e.AuthorityOrgID}
		if e.DueKind != "urged" {
			targets = s.superiors(ctx, tx, e.Region)
		}
		if err := s.Audit.Record(ctx, tx, auditEventSys("share.escalation.overdue", "escalation", e.ID,
			map[string]any{"due": e.DueDate, "due_kind": e.DueKind, "workdays_overdue": -rem, "reported_to": targets})); err != nil {
			return err
		}
		for _, o := range targets {
			if err := s.sendOrg(ctx, tx, o, "escalation", "督办事项逾期："+e.Title, "Escalation overdue: "+e.Title, note,
				fmt.Sprintf("%s overdue by %d working days (due %s)", dn[1], -rem, e.DueDate), link, "escalation", e.ID,
				"share:esc:overdue:"+e.ID+":"+e.DueDate+":"+o); err != nil {
				return err
			}
		}
		return nil
	})
}

func auditEventSys(action, objType, objID string, detail map[string]any) audit.Event {
	ev := auditEvent(authz.System, action, objType, objID, detail)
	ev.ActorID, ev.ActorName = "system", "system"
	return ev
}

// superiors are who hears of an authority's overdue escalation: the authority of the level
// above; for a province, the oversight bodies of the province.
func (s *Service) superiors(ctx context.Context, q db.Q, region string) []string {
	if len(region) == 6 {
		var up string
		switch {
		case region[2:] == "0000":
		case region[4:] == "00":
			up = authorityOrg(ctx, q, region[:2]+"0000")
		default:
			up = authorityOrg(ctx, q, region[:4]+"00")
			if up == authorityOrg(ctx, q, region) {
				up = authorityOrg(ctx, q, region[:2]+"0000")
			}
		}
		if up != "" && up != authorityOrg(ctx, q, region) {
			return []string{up}
		}
	}
	rows, err := q.QueryContext(ctx, "SELECT id FROM orgs WHERE kind = 'oversight' AND region_code LIKE $1 ORDER BY id", regionPrefix(provinceOf(region)))
	if err != nil {
		return nil
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var o string
		rows.Scan(&o)
		out = append(out, o)
	}
	if len(out) == 0 {
		out = []string{authorityOrg(ctx, q, region)}
	}
	return out
}

func (s *Service) expertOrgs(ctx context.Context) []string {
	rows, err := s.DB.QueryContext(ctx, "SELECT id FROM orgs WHERE kind = 'expert_committee' ORDER BY id")
	if err != nil {
		return nil
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var o string
		rows.Scan(&o)
		out = append(out, o)
	}
	return out
}
