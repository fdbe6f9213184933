package supervise

// Agency supervision (SUP-2, SUP-5): notices to an agency with a deadline in working days.
//
// A notice (督办通知 for an overdue duty, 整改通知 for a gap to remedy) is opened by the platform's
// detectors from its own facts (detect.go) or recorded by the authority by hand. The agency
// answers (rectified, with an explanation) or disputes it; the authority accepts or rejects the
// answer, and may hand a dispute to the escalation and expert-committee workflow of sharing (the
// notice keeps the 督办件's id; nothing is copied). A notice not answered by its deadline is put
// on the government's supervision list (督办清单) by the daily job. One table of transitions,
// every step in the notice's history and the audit log, the agency and the authority told in
// their inboxes.

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strings"
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

// NoticeState is the state of a supervision notice.
type NoticeState string

// Notice states.
const (
	NoticeOpen      NoticeState = "open"      // 待整改
	NoticeResponded NoticeState = "responded" // 已答复，待认定
	NoticeDisputed  NoticeState = "disputed"  // 部门有异议
	NoticeEscalated NoticeState = "escalated" // 逾期，已列入政府督办清单
	NoticeAccepted  NoticeState = "accepted"  // 整改通过（办结）
	NoticeWithdrawn NoticeState = "withdrawn" // 已撤销
)

// NoticeEvent moves a notice.
type NoticeEvent string

// Notice events.
const (
	NvIssue    NoticeEvent = "issue"    // 下达（检测或人工）
	NvRespond  NoticeEvent = "respond"  // 部门答复已整改
	NvDispute  NoticeEvent = "dispute"  // 部门提出异议
	NvAccept   NoticeEvent = "accept"   // 认定整改通过
	NvReject   NoticeEvent = "reject"   // 退回答复
	NvRefer    NoticeEvent = "refer"    // 异议转协调与专家论证
	NvUphold   NoticeEvent = "uphold"   // 异议成立，撤销通知
	NvDismiss  NoticeEvent = "dismiss"  // 异议不成立，继续整改
	NvWithdraw NoticeEvent = "withdraw" // 撤销
	NvEscalate NoticeEvent = "escalate" // 逾期列入督办清单（系统）
)

// NoticeEvents lists the events a person may fire (API and forms).
var NoticeEvents = []NoticeEvent{NvRespond, NvDispute, NvAccept, NvReject, NvRefer, NvUphold, NvDismiss, NvWithdraw}

// Sources of notices: the detectors' and the authority's own.
const (
	SrcShareApproval     = "share_approval"     // 共享申请逾期未审批
	SrcShareDelivery     = "share_delivery"     // 共享同意后逾期未交付
	SrcLateUpdate        = "late_update"        // 数据未按更新周期更新
	SrcQualityFix        = "quality_fix"        // 质量问题逾期未整改
	SrcCatalogEmpty      = "catalog_empty"      // 部门未编制目录
	SrcEntryNoData       = "entry_no_data"      // 目录已发布但未归集数据
	SrcSystemUncataloged = "system_uncataloged" // 信息系统无编目数据
	SrcManual            = "manual"             // 主管部门登记
)

// Violations are the categories of SUP-2 (JM 35, NM 49, NM 51, BT 53).
var Violations = []string{"not_collecting", "not_cataloging", "not_connecting", "misuse", "leak", "unauthorized_change",
	"asking_again", "overdue_approval", "refusing_quality_fix", "late_update"}

type noticeTransition struct {
	from  []NoticeState
	ev    NoticeEvent
	to    NoticeState
	act   authz.Action
	bySys bool
}

// noticeMachine is the one table of a notice's workflow. A rejected answer or a dismissed dispute
// goes back to open, or to escalated when the notice was already on the supervision list.
var noticeMachine = []noticeTransition{
	{[]NoticeState{NoticeOpen, NoticeEscalated}, NvRespond, NoticeResponded, authz.Update, false},
	{[]NoticeState{NoticeOpen, NoticeEscalated}, NvDispute, NoticeDisputed, authz.Update, false},
	{[]NoticeState{NoticeResponded}, NvAccept, NoticeAccepted, authz.Review, false},
	{[]NoticeState{NoticeResponded}, NvReject, NoticeOpen, authz.Review, false},
	{[]NoticeState{NoticeDisputed}, NvRefer, NoticeDisputed, authz.Review, false},
	{[]NoticeState{NoticeDisputed}, NvUphold, NoticeWithdrawn, authz.Review, false},
	{[]NoticeState{NoticeDisputed}, NvDismiss, NoticeOpen, authz.Review, false},
	{[]NoticeState{NoticeOpen, NoticeEscalated, NoticeResponded}, NvWithdraw, NoticeWithdrawn, authz.Review, false},
	{[]NoticeState{NoticeOpen}, NvEscalate, NoticeEscalated, "", true},
}

// Final tells whether a notice is closed.
func (s NoticeState) Final() bool { return s == NoticeAccepted || s == NoticeWithdrawn }

// Notice is a supervision notice to an agency.
type Notice struct {
	ID           string      `json:"id"`
	RegionCode   string      `json:"region_code"`
	OrgID        string      `json:"org_id"`
	OrgName      string      `json:"org_name"`
	Source       string      `json:"source"`
	FactType     string      `json:"fact_type,omitempty"`
	FactID       string      `json:"fact_id,omitempty"`
	FactLink     string      `json:"fact_link,omitempty"`
	Kind         string      `json:"kind"`
	Violation    string      `json:"violation"`
	Title        string      `json:"title"`
	Detail       string      `json:"detail,omitempty"`
	State        NoticeState `json:"state"`
	Days         int         `json:"days"`
	Deadline     string      `json:"deadline"`
	IssuedBy     string      `json:"issued_by"`
	IssuedAt     time.Time   `json:"issued_at"`
	Response     string      `json:"response,omitempty"`
	RespondedAt  time.Time   `json:"responded_at,omitzero"`
	DecidedBy    string      `json:"decided_by,omitempty"`
	DecidedAt    time.Time   `json:"decided_at,omitzero"`
	Note         string      `json:"note,omitempty"`
	EscalatedAt  time.Time   `json:"escalated_at,omitzero"`
	EscalationID string      `json:"escalation_id,omitempty"`
	ReportID     string      `json:"report_id,omitempty"`
	Events       []Event     `json:"events,omitempty"`
	// The due date runs into a year without a holiday table (暂定), set when read.
	workday.Mark
}

// Errors of notices.
var (
	ErrNoticeTransition = apperr.New(http.StatusConflict, "notice_bad_transition", "通知当前状态不允许此操作", "this action is not possible in the notice's current state")
	ErrNoAgency         = apperr.New(http.StatusUnprocessableEntity, "notice_no_agency", "被督办单位不存在", "the agency does not exist")
	ErrNoReferral       = apperr.New(http.StatusServiceUnavailable, "notice_no_referral", "协调与专家论证流程未启用", "the coordination and expert workflow is not available")
)

// NewNotice is the authority's own record of a violation.
type NewNotice struct {
	OrgID     string `json:"org_id"`
	Violation string `json:"violation"`
	Title     string `json:"title"`
	Detail    string `json:"detail"`
	Kind      string `json:"kind"` // supervise or rectify (default rectify)
	Days      int    `json:"days"` // working days (default 10, 1–60)
	ReportID  string `json:"report_id,omitempty"`
}

func (in *NewNotice) validate() error {
	var fe []apperr.FieldError
	if strings.TrimSpace(in.OrgID) == "" {
		fe = append(fe, apperr.Field("org_id", "请选择被督办单位", "choose the agency"))
	}
	ok := false
	for _, v := range Violations {
		ok = ok || v == in.Violation
	}
	if !ok {
		fe = append(fe, apperr.Field("violation", "请选择违规情形", "choose the violation"))
	}
	in.Title, in.Detail = strings.TrimSpace(in.Title), strings.TrimSpace(in.Detail)
	if in.Title == "" || utf8.RuneCountInString(in.Title) > 200 {
		fe = append(fe, apperr.Field("title", "请填写标题（1–200 字）", "give a title (1–200 characters)"))
	}
	if in.Detail == "" || utf8.RuneCountInString(in.Detail) > 4000 {
		fe = append(fe, apperr.Field("detail", "请写明违规事实（1–4000 字）", "state the facts (1–4000 characters)"))
	}
	if in.Kind == "" {
		in.Kind = "rectify"
	}
	if in.Kind != "rectify" && in.Kind != "supervise" {
		fe = append(fe, apperr.Field("kind", "通知类型须为督办或整改", "kind must be supervise or rectify"))
	}
	if in.Days == 0 {
		in.Days = 10
	}
	if in.Days < 1 || in.Days > 60 {
		fe = append(fe, apperr.Field("days", "期限须为 1–60 个工作日", "the deadline must be 1–60 working days"))
	}
	return apperr.Validation(fe)
}

func noticeAttrs(n Notice) authz.SanctionAttrs {
	return authz.SanctionAttrs{Region: n.RegionCode, SubjectKind: "org", SubjectID: n.OrgID}
}

// Record opens a notice by hand (the authority's record of a violation, or of a report it found true).
func (s *Service) Record(ctx context.Context, p *authz.Principal, in NewNotice) (_ Notice, err error) {
	defer errs.Wrap(&err, "supervise: Record")
	var name, region string
	err = s.DB.QueryRowContext(ctx, "SELECT name, region_code FROM orgs WHERE id = $1", strings.TrimSpace(in.OrgID)).Scan(&name, &region)
	if err != nil && !db.IsNoRows(err) {
		return Notice{}, err
	}
	// Authorize before validating: the caller must be an administrator of an authority.
	if err := authz.Supervision(p, authz.Create, authz.SanctionAttrs{Region: p.RegionCode}); err != nil {
		return Notice{}, err
	}
	if err := in.validate(); err != nil {
		return Notice{}, err
	}
	if db.IsNoRows(err) {
		return Notice{}, ErrNoAgency
	}
	if err := authz.Supervision(p, authz.Create, authz.SanctionAttrs{Region: region, SubjectKind: "org", SubjectID: in.OrgID}); err != nil {
		return Notice{}, ErrNoAgency // another region's agency: as if it did not exist
	}
	now := s.Now()
	n := Notice{ID: ids.New(), RegionCode: region, OrgID: in.OrgID, OrgName: name, Source: SrcManual, Kind: in.Kind, Violation: in.Violation,
		Title: in.Title, Detail: in.Detail, State: NoticeOpen, Days: in.Days, Deadline: workday.Format(s.Calendar.AddWorkdays(now, in.Days)),
		IssuedBy: p.Username, IssuedAt: now, ReportID: in.ReportID}
	var created bool
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		created, err = s.insertNotice(ctx, tx, p, &n, "")
		return err
	})
	if err != nil {
		return Notice{}, err
	}
	if created {
		s.noticeIssued(ctx, n)
	}
	return s.getNotice(ctx, n.ID)
}

// insertNotice stores a new notice; with an open key already taken (the same fact's notice runs)
// it stores nothing and answers false.
func (s *Service) insertNotice(ctx context.Context, tx *sql.Tx, p *authz.Principal, n *Notice, openKey string) (bool, error) {
	if openKey == "" {
		openKey = n.ID
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO sup_notices (id, region_code, org_id, org_name, source, fact_type, fact_id, open_key, kind, violation,
		title, detail, state, days, deadline, issued_by, issued_at, report_id, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$17) ON CONFLICT (open_key) DO NOTHING`,
		n.ID, n.RegionCode, n.OrgID, n.OrgName, n.Source, n.FactType, n.FactID, openKey, n.Kind, n.Violation, n.Title, n.Detail,
		string(n.State), n.Days, n.Deadline, n.IssuedBy, db.Millis(n.IssuedAt), n.ReportID)
	if err != nil {
		return false, err
	}
	if c, _ := res.RowsAffected(); c == 0 {
		return false, nil
	}
	if err := s.noticeEvent(ctx, tx, n.ID, p.Username, NvIssue, "", NoticeOpen, n.Title, n.IssuedAt); err != nil {
		return false, err
	}
	return true, s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "supervision.notice.issue",
		ObjectType: "supervision_notice", ObjectID: n.ID, Detail: map[string]any{"org_id": n.OrgID, "source": n.Source, "fact_type": n.FactType,
			"fact_id": n.FactID, "violation": n.Violation, "deadline": n.Deadline}})
}

func (s *Service) noticeIssued(ctx context.Context, n Notice) {
	kind := map[string][2]string{"supervise": {"督办通知", "Supervision notice"}, "rectify": {"整改通知", "Rectification notice"}}[n.Kind]
	s.sendOrg(ctx, n.OrgID, "flag", kind[0]+"："+n.Title, kind[1]+" (due "+n.Deadline+")",
		"请于 "+n.Deadline+" 前整改并答复；逾期将列入政府督办清单。"+n.Detail,
		"Rectify and answer by "+n.Deadline+"; past it the notice goes on the government's supervision list.", "/supervision/notices/"+n.ID,
		"supervision_notice", n.ID, "sup:notice:"+n.ID)
}

func (s *Service) sendOrg(ctx context.Context, org, kind, tzh, ten, bzh, ben, link, otype, oid, dedup string) {
	if s.Notify == nil || org == "" {
		return
	}
	_, _ = s.Notify.Send(ctx, s.DB, notify.Message{OrgID: org, Kind: kind, TitleZH: tzh, TitleEN: ten, BodyZH: bzh, BodyEN: ben, Link: link,
		ObjectType: otype, ObjectID: oid, DedupKey: dedup})
}

// authorityOf is the authority organization of a region (or of its province).
func (s *Service) authorityOf(ctx context.Context, region string) string {
	var id string
	for _, r := range []string{region, regionPrefixCode(region, 4), regionPrefixCode(region, 2)} {
		if err := s.DB.QueryRowContext(ctx, "SELECT id FROM orgs WHERE kind = 'authority' AND region_code = $1 ORDER BY id LIMIT 1", r).Scan(&id); err == nil {
			return id
		}
	}
	return ""
}

func regionPrefixCode(code string, n int) string {
	if len(code) != 6 {
		return code
	}
	return code[:n] + strings.Repeat("0", 6-n)
}

func (s *Service) noticeEvent(ctx context.Context, tx *sql.Tx, id, actor string, ev NoticeEvent, from, to NoticeState, note string, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO sup_notice_events (id, notice_id, at, actor, event, from_state, to_state, note) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		ids.New(), id, db.Millis(at), actor, string(ev), string(from), string(to), note)
	return err
}

const noticeCols = `id, region_code, org_id, org_name, source, fact_type, fact_id, kind, violation, title, detail, state, days, deadline,
	issued_by, issued_at, response, responded_at, decided_by, decided_at, note, escalated_at, escalation_id, report_id`

// markNotice marks an open notice's rectification deadline provisional when it runs into a
// year without a holiday table.
func (s *Service) markNotice(n *Notice) {
	if n.State == NoticeOpen {
		n.Mark = s.Calendar.Mark(n.Deadline, s.Now())
	}
}

func scanNotice(sc interface{ Scan(...any) error }) (Notice, error) {
	var n Notice
	var st string
	var issued, responded, decided, escalated int64
	err := sc.Scan(&n.ID, &n.RegionCode, &n.OrgID, &n.OrgName, &n.Source, &n.FactType, &n.FactID, &n.Kind, &n.Violation, &n.Title, &n.Detail,
		&st, &n.Days, &n.Deadline, &n.IssuedBy, &issued, &n.Response, &responded, &n.DecidedBy, &decided, &n.Note, &escalated,
		&n.EscalationID, &n.ReportID)
	n.State = NoticeState(st)
	n.IssuedAt = db.FromMillis(issued)
	if responded > 0 {
		n.RespondedAt = db.FromMillis(responded)
	}
	if decided > 0 {
		n.DecidedAt = db.FromMillis(decided)
	}
	if escalated > 0 {
		n.EscalatedAt = db.FromMillis(escalated)
	}
	n.FactLink = factLink(n.FactType, n.FactID)
	return n, err
}

// factLink is the page of the fact a detector found.
func factLink(typ, id string) string {
	switch typ {
	case "share_request":
		return "/share/requests/" + id
	case "catalog_entry":
		return "/catalog/entries/" + id
	case "quality_task":
		return "/quality/tasks/" + id
	case "catalog_system":
		return "/catalog/systems/" + id
	}
	return ""
}

// GetNotice returns a notice with its history; one the caller may not read is not found.
func (s *Service) GetNotice(ctx context.Context, p *authz.Principal, id string) (_ Notice, err error) {
	defer errs.Wrap(&err, "supervise: GetNotice(%s)", id)
	n, err := s.getNotice(ctx, id)
	if err != nil {
		return n, err
	}
	if err := authz.Supervision(p, authz.Read, noticeAttrs(n)); err != nil {
		return Notice{}, apperr.Hidden
	}
	return n, nil
}

func (s *Service) getNotice(ctx context.Context, id string) (Notice, error) {
	n, err := scanNotice(s.DB.QueryRowContext(ctx, "SELECT "+noticeCols+" FROM sup_notices WHERE id = $1", id))
	if db.IsNoRows(err) {
		return n, apperr.Hidden
	}
	if err != nil {
		return n, err
	}
	s.markNotice(&n)
	rows, err := s.DB.QueryContext(ctx, "SELECT at, actor, event, from_state, to_state, note FROM sup_notice_events WHERE notice_id = $1 ORDER BY at, id LIMIT 200", id)
	if err != nil {
		return n, err
	}
	defer rows.Close()
	for rows.Next() {
		var e Event
		var at int64
		var ev, from, to string
		if err := rows.Scan(&at, &e.Actor, &ev, &from, &to, &e.Note); err != nil {
			return n, err
		}
		e.At, e.Event, e.From, e.To = db.FromMillis(at), SanctionEvent(ev), SanctionState(from), SanctionState(to)
		n.Events = append(n.Events, e)
	}
	return n, rows.Err()
}

// NoticeFilter narrows the list.
type NoticeFilter struct {
	State     string
	Source    string
	OrgID     string
	Escalated bool // the government's supervision list: escalated and not closed
	Limit     int
	Offset    int
}

// scope is the condition of the records p may read: the authority its region, auditors and
// oversight bodies all, an agency its own (col names the subject column).
func scope(p *authz.Principal, col string, arg func(any) string) string {
	switch {
	case p.Has(authz.Auditor, authz.Oversight):
		return ""
	case p.IsAuthority():
		return "region_code LIKE " + arg(regionPrefix(p.RegionCode)+"%")
	}
	return col + " = " + arg(p.OrgID)
}

// ListNotices returns the notices p may read, newest first.
func (s *Service) ListNotices(ctx context.Context, p *authz.Principal, f NoticeFilter) (_ []Notice, _ int, err error) {
	defer errs.Wrap(&err, "supervise: ListNotices")
	if err := authz.Supervision(p, authz.Read, authz.SanctionAttrs{}); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 200)
	f.Offset = max(f.Offset, 0)
	var cond []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + itoa(len(args)) }
	if c := scope(p, "org_id", arg); c != "" {
		if !p.IsAuthority() && p.OrgID == "" {
			return nil, 0, nil
		}
		cond = append(cond, c)
	}
	if f.State != "" {
		cond = append(cond, "state = "+arg(f.State))
	}
	if f.Source != "" {
		cond = append(cond, "source = "+arg(f.Source))
	}
	if f.OrgID != "" {
		cond = append(cond, "org_id = "+arg(f.OrgID))
	}
	if f.Escalated {
		cond = append(cond, "escalated_at > 0 AND state NOT IN ('accepted', 'withdrawn')")
	}
	where := ""
	if len(cond) > 0 {
		where = " WHERE " + strings.Join(cond, " AND ")
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT count(*) FROM sup_notices"+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	order := " ORDER BY issued_at DESC, id"
	if f.Escalated {
		order = " ORDER BY deadline, id"
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+noticeCols+" FROM sup_notices"+where+order+" LIMIT "+arg(f.Limit)+" OFFSET "+arg(f.Offset), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Notice
	for rows.Next() {
		n, err := scanNotice(rows)
		if err != nil {
			return nil, 0, err
		}
		s.markNotice(&n)
		out = append(out, n)
	}
	return out, total, rows.Err()
}

// FireNotice moves a notice: respond or dispute (the agency, with its text), accept, reject,
// refer, uphold, dismiss or withdraw (the authority). refer hands the dispute to the escalation
// and expert-committee workflow and links the 督办件.
func (s *Service) FireNotice(ctx context.Context, p *authz.Principal, id string, ev NoticeEvent, text string) (_ Notice, err error) {
	defer errs.Wrap(&err, "supervise: FireNotice(%s)", id)
	x, err := s.getNotice(ctx, id)
	if err != nil {
		return Notice{}, err
	}
	at := noticeAttrs(x)
	if err := authz.Supervision(p, authz.Read, at); err != nil {
		return Notice{}, apperr.Hidden
	}
	// The caller's right comes before the input and the state: one who may act on the notice in
	// no way hears 403.
	if authz.Supervision(p, authz.Update, at) != nil && authz.Supervision(p, authz.Review, at) != nil {
		return Notice{}, apperr.Forbidden
	}
	var t *noticeTransition
	known := false
	for i := range noticeMachine {
		m := &noticeMachine[i]
		if m.ev != ev || m.bySys {
			continue
		}
		known = true
		if err := authz.Supervision(p, m.act, at); err != nil {
			return Notice{}, err
		}
		for _, f := range m.from {
			if f == x.State {
				t = m
			}
		}
	}
	if !known {
		return Notice{}, apperr.Invalid.With(apperr.Field("event", "请选择办理动作", "choose the action"))
	}
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > 4000 {
		return Notice{}, apperr.Invalid.With(apperr.Field("text", "不超过 4000 字", "at most 4000 characters"))
	}
	if (ev == NvRespond || ev == NvDispute || ev == NvReject || ev == NvWithdraw || ev == NvUphold || ev == NvDismiss) && text == "" {
		return Notice{}, apperr.Invalid.With(apperr.Field("text", "请写明整改情况、异议或理由", "give the rectification, the objection or the reason"))
	}
	if t == nil {
		return Notice{}, ErrNoticeTransition
	}
	if ev == NvRefer {
		if x.EscalationID != "" {
			return Notice{}, ErrNoticeTransition
		}
		if s.ReferDispute == nil {
			return Notice{}, ErrNoReferral
		}
	}
	if err := s.moveNotice(ctx, p, x, t, ev, text); err != nil {
		return Notice{}, err
	}
	if ev == NvRefer {
		escID, err := s.ReferDispute(ctx, p, x.ID)
		if err != nil {
			return Notice{}, err
		}
		if _, err := s.DB.ExecContext(ctx, "UPDATE sup_notices SET escalation_id = $1 WHERE id = $2", escID, x.ID); err != nil {
			return Notice{}, err
		}
	}
	return s.getNotice(ctx, id)
}

func (s *Service) moveNotice(ctx context.Context, p *authz.Principal, x Notice, t *noticeTransition, ev NoticeEvent, text string) error {
	now := s.Now()
	to := t.to
	if to == NoticeOpen && !x.EscalatedAt.IsZero() {
		to = NoticeEscalated // back on the supervision list it was on
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var res sql.Result
		var err error
		switch {
		case ev == NvRespond || ev == NvDispute:
			res, err = tx.ExecContext(ctx, "UPDATE sup_notices SET state = $1, response = $2, responded_at = $3, updated_at = $3 WHERE id = $4 AND state = $5",
				string(to), text, db.Millis(now), x.ID, string(x.State))
		case ev == NvEscalate:
			res, err = tx.ExecContext(ctx, "UPDATE sup_notices SET state = $1, escalated_at = $2, updated_at = $2 WHERE id = $3 AND state = $4",
				string(to), db.Millis(now), x.ID, string(x.State))
		default:
			openKey := "open_key"
			if to.Final() {
				openKey = "id" // the fact may be found again later: a new notice then
			}
			res, err = tx.ExecContext(ctx, "UPDATE sup_notices SET state = $1, decided_by = $2, decided_at = $3, note = $4, updated_at = $3, open_key = "+openKey+
				" WHERE id = $5 AND state = $6", string(to), p.Username, db.Millis(now), text, x.ID, string(x.State))
		}
		if err != nil {
			return err
		}
		if c, _ := res.RowsAffected(); c == 0 {
			return ErrNoticeTransition // moved by someone else meanwhile
		}
		if err := s.noticeEvent(ctx, tx, x.ID, p.Username, ev, x.State, to, text, now); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "supervision.notice." + string(ev),
			ObjectType: "supervision_notice", ObjectID: x.ID, Detail: map[string]any{"from": x.State, "to": to}})
	})
	if err != nil {
		return err
	}
	link := "/supervision/notices/" + x.ID
	dedup := "sup:notice:" + x.ID + ":" + string(ev) + ":" + itoa(int(now.UnixMilli()%1e9))
	switch ev {
	case NvRespond, NvDispute:
		zh := map[NoticeEvent]string{NvRespond: "部门已答复整改情况：", NvDispute: "部门对通知提出异议："}[ev]
		en := map[NoticeEvent]string{NvRespond: "The agency answered a notice: ", NvDispute: "The agency disputes a notice: "}[ev]
		s.sendOrg(ctx, s.authorityOf(ctx, x.RegionCode), "info", zh+x.Title, en+x.OrgName, text, "See the notice for the agency's text.", link, "supervision_notice", x.ID, dedup)
	case NvEscalate:
		s.sendOrg(ctx, s.authorityOf(ctx, x.RegionCode), "escalation", "逾期列入督办清单："+x.Title, "On the supervision list: a notice due "+x.Deadline,
			x.OrgName+" 未在 "+x.Deadline+" 前整改答复。", "The agency did not answer by "+x.Deadline+".", "/supervision/list", "supervision_notice", x.ID, "sup:notice:esc:"+x.ID)
		s.sendOrg(ctx, x.OrgID, "escalation", "逾期列入政府督办清单："+x.Title, "Put on the government's supervision list: a notice due "+x.Deadline,
			"整改期限 "+x.Deadline+" 已过，本通知已列入政府督办清单。", "The deadline "+x.Deadline+" passed; the notice is on the government's supervision list.",
			link, "supervision_notice", x.ID, "sup:notice:esc:"+x.ID+":org")
	default:
		s.sendOrg(ctx, x.OrgID, "info", "通知办理："+x.Title, "Notice decided: "+x.Title, text, "See the notice for the authority's decision.", link, "supervision_notice", x.ID, dedup)
	}
	return nil
}

// EscalateOverdue puts on the government's supervision list every open notice whose deadline
// passed (the daily job).
func (s *Service) EscalateOverdue(ctx context.Context, now time.Time) (_ int, err error) {
	defer errs.Wrap(&err, "supervise: EscalateOverdue")
	rows, err := s.DB.QueryContext(ctx, "SELECT "+noticeCols+" FROM sup_notices WHERE state = 'open' AND deadline < $1 ORDER BY deadline LIMIT 1000", workday.Format(now))
	if err != nil {
		return 0, err
	}
	var list []Notice
	for rows.Next() {
		n, err := scanNotice(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, n)
	}
	rows.Close()
	count := 0
	for _, n := range list {
		err := s.moveNotice(ctx, authz.System, n, &noticeMachine[len(noticeMachine)-1], NvEscalate, "整改期限届满未答复 / not answered by the deadline")
		if errors.Is(err, ErrNoticeTransition) {
			continue
		}
		if err != nil {
			return count, err
		}
		count++
	}
	return count, nil
}

// NoticeActions lists the events p may fire on n now (the page's buttons).
func NoticeActions(p *authz.Principal, n Notice) []NoticeEvent {
	var out []NoticeEvent
	for _, t := range noticeMachine {
		if t.bySys || authz.Supervision(p, t.act, noticeAttrs(n)) != nil {
			continue
		}
		if t.ev == NvRefer && n.EscalationID != "" {
			continue
		}
		for _, f := range t.from {
			if f == n.State {
				out = append(out, t.ev)
			}
		}
	}
	return out
}

// NoticeSubject is what the escalation workflow needs to know about a disputed notice.
type NoticeSubject struct {
	Title, Region, OrgID, AuthorityOrgID string
	Waiting                              bool // still disputed
}

// DisputeSubject reads a notice for the escalation workflow (q: its transaction).
func (s *Service) DisputeSubject(ctx context.Context, q db.Q, id string) (_ NoticeSubject, err error) {
	defer errs.Wrap(&err, "supervise: DisputeSubject(%s)", id)
	var sub NoticeSubject
	var st string
	err = q.QueryRowContext(ctx, "SELECT title, region_code, org_id, state FROM sup_notices WHERE id = $1", id).Scan(&sub.Title, &sub.Region, &sub.OrgID, &st)
	if db.IsNoRows(err) {
		return sub, apperr.NotFound
	}
	sub.Waiting = NoticeState(st) == NoticeDisputed
	sub.AuthorityOrgID = s.authorityOf(ctx, sub.Region)
	return sub, err
}
