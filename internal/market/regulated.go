package market

import (
	"context"
	"database/sql"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/notify"
	"pubdata/internal/workday"
)

// Roles of regulated units (OPR-11, QZ 2, QZ 7).
const (
	UnitOperator        = "operator"         // 授权运营单位
	UnitPlatformService = "platform_service" // 平台技术服务单位
	UnitIntensive       = "intensive"        // 集约化建设单位
)

// Report kinds: decisions reported before acting, and progress and acceptance after.
var (
	BeforeKinds = []string{"outsourcing", "joint_development", "investment"}
	AfterKinds  = []string{"progress", "acceptance"}
)

// Report states: filed → no_objection (the authority takes note) | answered (it issued a letter on it).
const (
	ReportFiled       = "filed"
	ReportNoObjection = "no_objection"
	ReportAnswered    = "answered"
)

// Letter kinds (the authority's answers).
const (
	LetterObjection    = "objection"     // 异议
	LetterRectify      = "rectification" // 整改函
	LetterNotice       = "notice"        // 通报
	LetterRestriction  = "restriction"   // 业务限制
	LetterOpen         = "open"          // awaiting the unit
	LetterResponded    = "responded"     // the unit answered; awaiting the authority
	LetterClosed       = "closed"        // closed by the authority
	DefaultRectifyDays = 15
)

// LetterKinds lists the kinds of answer.
var LetterKinds = []string{LetterObjection, LetterRectify, LetterNotice, LetterRestriction}

// Report is a regulated unit's report to the authority.
type Report struct {
	ID         string   `json:"id"`
	OrgID      string   `json:"org_id"`
	OrgName    string   `json:"org_name"`
	RegionCode string   `json:"region_code"`
	UnitRole   string   `json:"unit_role"`
	Kind       string   `json:"kind"`
	Before     bool     `json:"before"` // a decision reported before acting
	Title      string   `json:"title"`
	Body       string   `json:"body"`
	State      string   `json:"state"`
	FiledBy    string   `json:"filed_by"`
	FiledAt    db.Stamp `json:"filed_at"`
	Letters    []Letter `json:"letters,omitempty"`
	Events     []Event  `json:"events,omitempty"`
}

// ReportInput files a report.
type ReportInput struct {
	UnitRole string `json:"unit_role"`
	Kind     string `json:"kind"`
	Title    string `json:"title"`
	Body     string `json:"body"`
}

// Letter is the authority's answer to a unit: objection, rectification letter, notice or restriction.
type Letter struct {
	ID         string   `json:"id"`
	OrgID      string   `json:"org_id"`
	OrgName    string   `json:"org_name"`
	RegionCode string   `json:"region_code"`
	ReportID   string   `json:"report_id,omitempty"`
	Kind       string   `json:"kind"`
	Body       string   `json:"body"`
	Days       int      `json:"days,omitempty"`
	Deadline   string   `json:"deadline,omitempty"`
	State      string   `json:"state"`
	Overdue    bool     `json:"overdue"`
	Response   string   `json:"response,omitempty"`
	IssuedBy   string   `json:"issued_by"`
	IssuedAt   db.Stamp `json:"issued_at"`
	Events     []Event  `json:"events,omitempty"`
	// The due date runs into a year without a holiday table (暂定), set when read.
	workday.Mark
}

// LetterInput issues a letter; a rectification letter has a deadline in working days.
type LetterInput struct {
	OrgID    string `json:"org_id"`    // the unit (or taken from the report)
	ReportID string `json:"report_id"` // the report it answers, if any
	Kind     string `json:"kind"`
	Body     string `json:"body"`
	Days     int    `json:"days"`
}

func reportAttrs(r Report) authz.MarketAttrs {
	return authz.MarketAttrs{ID: r.ID, Region: r.RegionCode, OwnerOrg: r.OrgID}
}

func letterAttrs(l Letter) authz.MarketAttrs {
	return authz.MarketAttrs{ID: l.ID, Region: l.RegionCode, OwnerOrg: l.OrgID}
}

// FileReport files a report of the caller's unit.
func (s *Service) FileReport(ctx context.Context, p *authz.Principal, in ReportInput) (_ Report, err error) {
	defer errs.Wrap(&err, "market: FileReport")
	if err := authz.Market(p, authz.MktFile, authz.MarketAttrs{}); err != nil {
		return Report{}, err
	}
	var fe []apperr.FieldError
	roles := []string{UnitOperator}
	if p.OrgKind == authz.KindPlatformService {
		roles = []string{UnitPlatformService, UnitIntensive}
	}
	if in.UnitRole == "" {
		in.UnitRole = roles[0]
	}
	if !oneOf(in.UnitRole, roles) {
		fe = append(fe, apperr.Field("unit_role", "本单位不是该类受监管单位", "your organization is not a unit of this kind"))
	}
	if !oneOf(in.Kind, BeforeKinds) && !oneOf(in.Kind, AfterKinds) {
		fe = append(fe, apperr.Field("kind", "请选择报告事项", "choose what is reported"))
	}
	text(&fe, "title", &in.Title, 1, 200, "请填写标题（1–200 字）", "give a title (1–200 characters)")
	text(&fe, "body", &in.Body, 1, 10000, "请填写报告内容（1–10000 字）", "write the report (1–10000 characters)")
	if err := invalid(fe); err != nil {
		return Report{}, err
	}
	o, err := s.org(ctx, s.DB, p.OrgID)
	if err != nil {
		return Report{}, err
	}
	r := Report{ID: ids.New(), OrgID: o.ID, OrgName: o.Name, RegionCode: o.Region, UnitRole: in.UnitRole, Kind: in.Kind, Before: oneOf(in.Kind, BeforeKinds),
		Title: in.Title, Body: in.Body, State: ReportFiled, FiledBy: p.Username, FiledAt: db.StampOf(s.now())}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mkt_reports (id, org_id, org_name, region_code, unit_role, kind, title, body, state, filed_by, filed_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`, r.ID, r.OrgID, r.OrgName, r.RegionCode, r.UnitRole, r.Kind, r.Title, r.Body, r.State, r.FiledBy, int64(r.FiledAt)); err != nil {
			return err
		}
		if err := s.event(ctx, tx, "mkt_report", r.ID, p.Username, "file", ""); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "market.report.file", "mkt_report", r.ID, map[string]any{"kind": r.Kind, "unit_role": r.UnitRole})
	})
	if err != nil {
		return Report{}, err
	}
	if s.Notify != nil {
		for _, u := range s.adminsOf(ctx, r.RegionCode) {
			s.Notify.Send(ctx, s.DB, notify.Message{UserID: u, Kind: "info", TitleZH: "受监管单位报告：" + r.Title, TitleEN: "A regulated unit filed a report",
				BodyZH: r.OrgName, BodyEN: "See the report and answer it.", Link: "/market/reports/" + r.ID, ObjectType: "mkt_report", ObjectID: r.ID})
		}
	}
	return r, nil
}

const reportCols = "id, org_id, org_name, region_code, unit_role, kind, title, body, state, filed_by, filed_at"

func scanReport(sc interface{ Scan(...any) error }) (Report, error) {
	var r Report
	var at int64
	err := sc.Scan(&r.ID, &r.OrgID, &r.OrgName, &r.RegionCode, &r.UnitRole, &r.Kind, &r.Title, &r.Body, &r.State, &r.FiledBy, &at)
	r.FiledAt, r.Before = db.Stamp(at), oneOf(r.Kind, BeforeKinds)
	return r, err
}

func (s *Service) report(ctx context.Context, q db.Q, id string, lock bool) (Report, error) {
	qs := "SELECT " + reportCols + " FROM mkt_reports WHERE id = $1"
	if lock {
		qs += s.DB.ForUpdate()
	}
	r, err := scanReport(q.QueryRowContext(ctx, qs, id))
	if db.IsNoRows(err) {
		return r, apperr.Hidden
	}
	return r, err
}

// Report returns a report with the letters answering it and its history.
func (s *Service) Report(ctx context.Context, p *authz.Principal, id string) (_ Report, err error) {
	defer errs.Wrap(&err, "market: Report(%s)", id)
	r, err := s.report(ctx, s.DB, id, false)
	if err != nil {
		return r, err
	}
	if err := authz.Market(p, authz.Read, reportAttrs(r)); err != nil {
		return Report{}, err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+letterCols+" FROM mkt_letters WHERE report_id = $1 ORDER BY issued_at, id LIMIT 100", id)
	if r.Letters, err = db.ScanAll(rows, err, scanLetter); err != nil {
		return r, err
	}
	r.Events, err = s.events(ctx, "mkt_report", id)
	return r, err
}

// Reports lists the reports p reads (the authority its region's, a unit its own), newest first.
func (s *Service) Reports(ctx context.Context, p *authz.Principal, limit, offset int) (_ []Report, _ int, err error) {
	defer errs.Wrap(&err, "market: Reports")
	if err := authz.Market(p, authz.Read, authz.MarketAttrs{}); err != nil {
		return nil, 0, err
	}
	limit, offset = page(limit, offset)
	w := &where{}
	w.scope(p, "region_code", "org_id")
	total, err := s.count(ctx, "mkt_reports", w)
	if err != nil {
		return nil, 0, err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+reportCols+" FROM mkt_reports"+w.sql()+" ORDER BY filed_at DESC, id DESC LIMIT "+w.arg(limit)+" OFFSET "+w.arg(offset), w.args...)
	out, err := db.ScanAll(rows, err, scanReport)
	return out, total, err
}

// NoObjection records that the authority takes note of a report without objection.
func (s *Service) NoObjection(ctx context.Context, p *authz.Principal, id, note string) (_ Report, err error) {
	defer errs.Wrap(&err, "market: NoObjection(%s)", id)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.report(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := authz.Market(p, authz.MktSupervise, reportAttrs(r)); err != nil {
			return err
		}
		var fe []apperr.FieldError
		text(&fe, "note", &note, 0, 1000, "说明不超过 1000 字", "at most 1000 characters")
		if err := invalid(fe); err != nil {
			return err
		}
		if r.State != ReportFiled {
			return ErrBadState
		}
		if _, err := tx.ExecContext(ctx, "UPDATE mkt_reports SET state = $1, answered_at = $2 WHERE id = $3", ReportNoObjection, db.Millis(s.now()), id); err != nil {
			return err
		}
		if err := s.event(ctx, tx, "mkt_report", id, p.Username, "no_objection", note); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "market.report.no_objection", "mkt_report", id, nil)
	})
	if err != nil {
		return Report{}, err
	}
	return s.Report(ctx, p, id)
}

// IssueLetter answers a unit (and, with ReportID, its report) with an objection, a rectification
// letter (deadline in working days), a notice or a business restriction.
func (s *Service) IssueLetter(ctx context.Context, p *authz.Principal, in LetterInput) (_ Letter, err error) {
	defer errs.Wrap(&err, "market: IssueLetter")
	var l Letter
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var rep Report
		if in.ReportID != "" {
			var err error
			if rep, err = s.report(ctx, tx, in.ReportID, true); err != nil {
				return err
			}
			if err := authz.Market(p, authz.MktSupervise, reportAttrs(rep)); err != nil {
				return err
			}
			in.OrgID = rep.OrgID
		}
		o, err := s.org(ctx, tx, in.OrgID)
		if db.IsNoRows(err) {
			return apperr.Invalid.With(apperr.Field("org_id", "请选择受监管单位", "choose the unit"))
		}
		if err != nil {
			return err
		}
		if err := authz.Market(p, authz.MktSupervise, authz.MarketAttrs{Region: o.Region}); err != nil {
			return err
		}
		var fe []apperr.FieldError
		if o.Kind != string(authz.KindOperator) && o.Kind != string(authz.KindPlatformService) {
			fe = append(fe, apperr.Field("org_id", "该单位不是受监管单位（运营单位、平台技术服务单位）", "this organization is not a regulated unit (operator, platform service unit)"))
		}
		if !oneOf(in.Kind, LetterKinds) {
			fe = append(fe, apperr.Field("kind", "请选择函件类型", "choose the kind of letter"))
		}
		text(&fe, "body", &in.Body, 1, 10000, "请填写函件内容（1–10000 字）", "write the letter (1–10000 characters)")
		if in.Kind == LetterRectify {
			if in.Days == 0 {
				in.Days = DefaultRectifyDays
			}
			if in.Days < 1 || in.Days > 60 {
				fe = append(fe, apperr.Field("days", "整改期限须为 1–60 个工作日", "the deadline must be 1–60 working days"))
			}
		} else {
			in.Days = 0
		}
		if err := invalid(fe); err != nil {
			return err
		}
		now := s.now()
		l = Letter{ID: ids.New(), OrgID: o.ID, OrgName: o.Name, RegionCode: o.Region, ReportID: in.ReportID, Kind: in.Kind, Body: in.Body, Days: in.Days,
			State: LetterOpen, IssuedBy: p.Username, IssuedAt: db.StampOf(now)}
		if in.Days > 0 {
			l.Deadline = workday.Format(s.Calendar.AddWorkdays(now, in.Days))
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO mkt_letters (id, org_id, org_name, region_code, report_id, kind, body, days, deadline, state, issued_by,
			issued_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$12)`, l.ID, l.OrgID, l.OrgName, l.RegionCode, l.ReportID, l.Kind, l.Body,
			l.Days, l.Deadline, l.State, l.IssuedBy, db.Millis(now)); err != nil {
			return err
		}
		if rep.ID != "" {
			if _, err := tx.ExecContext(ctx, "UPDATE mkt_reports SET state = $1, answered_at = $2 WHERE id = $3", ReportAnswered, db.Millis(now), rep.ID); err != nil {
				return err
			}
			if err := s.event(ctx, tx, "mkt_report", rep.ID, p.Username, "answered", ""); err != nil {
				return err
			}
		}
		if err := s.event(ctx, tx, "mkt_letter", l.ID, p.Username, "issue", ""); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "market.letter.issue", "mkt_letter", l.ID, map[string]any{"kind": l.Kind, "org_id": l.OrgID, "deadline": l.Deadline})
	})
	if err != nil {
		return Letter{}, err
	}
	if s.Notify != nil {
		body := l.Body
		if l.Deadline != "" {
			body = "整改期限：" + l.Deadline + "。" + body
		}
		m := notifyMsg(l.OrgID, [2]string{"主管部门来函", "A letter from the authority"}, body, "/market/letters/"+l.ID, "mkt_letter", l.ID)
		m.Kind = "flag"
		s.Notify.Send(ctx, s.DB, m)
	}
	return l, nil
}

const letterCols = "id, org_id, org_name, region_code, report_id, kind, body, days, deadline, state, overdue, response, issued_by, issued_at"

func scanLetter(sc interface{ Scan(...any) error }) (Letter, error) {
	var l Letter
	var at, overdue int64
	err := sc.Scan(&l.ID, &l.OrgID, &l.OrgName, &l.RegionCode, &l.ReportID, &l.Kind, &l.Body, &l.Days, &l.Deadline, &l.State, &overdue, &l.Response, &l.IssuedBy, &at)
	l.IssuedAt, l.Overdue = db.Stamp(at), overdue != 0
	return l, err
}

func (s *Service) letter(ctx context.Context, q db.Q, id string, lock bool) (Letter, error) {
	qs := "SELECT " + letterCols + " FROM mkt_letters WHERE id = $1"
	if lock {
		qs += s.DB.ForUpdate()
	}
	l, err := scanLetter(q.QueryRowContext(ctx, qs, id))
	if db.IsNoRows(err) {
		return l, apperr.Hidden
	}
	return l, err
}

// Letter returns a letter with its history; one the caller may not read is not found.
func (s *Service) Letter(ctx context.Context, p *authz.Principal, id string) (_ Letter, err error) {
	defer errs.Wrap(&err, "market: Letter(%s)", id)
	l, err := s.letter(ctx, s.DB, id, false)
	if err != nil {
		return l, err
	}
	if err := authz.Market(p, authz.Read, letterAttrs(l)); err != nil {
		return Letter{}, err
	}
	l.Events, err = s.events(ctx, "mkt_letter", id)
	s.markLetter(&l)
	return l, err
}

// markLetter marks an open rectification letter's deadline provisional when it runs into a
// year without a holiday table.
func (s *Service) markLetter(l *Letter) {
	if l.Deadline != "" && l.State == "open" {
		l.Mark = s.Calendar.Mark(l.Deadline, s.Now())
	}
}

// Letters lists the letters p reads, newest first; state "overdue" lists the overdue ones.
func (s *Service) Letters(ctx context.Context, p *authz.Principal, state string, limit, offset int) (_ []Letter, _ int, err error) {
	defer errs.Wrap(&err, "market: Letters")
	if err := authz.Market(p, authz.Read, authz.MarketAttrs{}); err != nil {
		return nil, 0, err
	}
	limit, offset = page(limit, offset)
	w := &where{}
	w.scope(p, "region_code", "org_id")
	switch state {
	case "":
	case "overdue":
		w.add("overdue = 1")
	default:
		w.add("state = " + w.arg(state))
	}
	total, err := s.count(ctx, "mkt_letters", w)
	if err != nil {
		return nil, 0, err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+letterCols+" FROM mkt_letters"+w.sql()+" ORDER BY issued_at DESC, id DESC LIMIT "+w.arg(limit)+" OFFSET "+w.arg(offset), w.args...)
	out, err := db.ScanAll(rows, err, scanLetter)
	for i := range out {
		s.markLetter(&out[i])
	}
	return out, total, err
}

// Letter events: respond (the unit), close and reopen (the authority).
const (
	LetterRespond = "respond"
	LetterClose   = "close"
	LetterReopen  = "reopen"
)

type letterStep struct {
	from, ev, to string
	act          authz.Action
}

var letterMachine = []letterStep{
	{LetterOpen, LetterRespond, LetterResponded, authz.MktFile},
	{LetterResponded, LetterClose, LetterClosed, authz.MktSupervise},
	{LetterOpen, LetterClose, LetterClosed, authz.MktSupervise},
	{LetterResponded, LetterReopen, LetterOpen, authz.MktSupervise},
}

// LetterActions lists the events p may fire on l now (for the page's buttons).
func LetterActions(p *authz.Principal, l Letter) []string {
	var out []string
	for _, m := range letterMachine {
		if m.from == l.State && authz.Market(p, m.act, letterAttrs(l)) == nil {
			out = append(out, m.ev)
		}
	}
	return out
}

// FireLetter moves a letter: the unit responds (its rectification or acknowledgement); the
// authority closes it, or reopens it when the response does not suffice.
func (s *Service) FireLetter(ctx context.Context, p *authz.Principal, id, ev, note string) (_ Letter, err error) {
	defer errs.Wrap(&err, "market: FireLetter(%s)", id)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		l, err := s.letter(ctx, tx, id, true)
		if err != nil {
			return err
		}
		// The caller's right to the step comes before the letter's state.
		var refusal error
		allowed := false
		for _, m := range letterMachine {
			if m.ev != ev {
				continue
			}
			if err := authz.Market(p, m.act, letterAttrs(l)); err == nil {
				allowed = true
			} else if refusal == nil {
				refusal = err
			}
		}
		if !allowed {
			if refusal == nil {
				return apperr.NotFound
			}
			return refusal
		}
		var fe []apperr.FieldError
		text(&fe, "note", &note, 0, 4000, "不超过 4000 字", "at most 4000 characters")
		if ev == LetterRespond && note == "" {
			fe = append(fe, apperr.Field("note", "请写明整改或落实情况", "describe the rectification or what was done"))
		}
		if err := invalid(fe); err != nil {
			return err
		}
		var step *letterStep
		for i := range letterMachine {
			if letterMachine[i].from == l.State && letterMachine[i].ev == ev {
				step = &letterMachine[i]
			}
		}
		if step == nil {
			return ErrBadState
		}
		if err := authz.Market(p, step.act, letterAttrs(l)); err != nil {
			return err
		}
		now := db.Millis(s.now())
		if ev == LetterRespond {
			_, err = tx.ExecContext(ctx, "UPDATE mkt_letters SET state = $1, response = $2, updated_at = $3 WHERE id = $4", step.to, note, now, id)
		} else {
			_, err = tx.ExecContext(ctx, "UPDATE mkt_letters SET state = $1, updated_at = $2 WHERE id = $3", step.to, now, id)
		}
		if err != nil {
			return err
		}
		if err := s.event(ctx, tx, "mkt_letter", id, p.Username, ev, note); err != nil {
			return err
		}
		action := map[string]string{LetterRespond: "market.letter.respond", LetterClose: "market.letter.close", LetterReopen: "market.letter.reopen"}[ev]
		return s.record(ctx, tx, p, action, "mkt_letter", id, map[string]any{"from": l.State, "to": step.to})
	})
	if err != nil {
		return Letter{}, err
	}
	return s.Letter(ctx, p, id)
}

// EscalateOverdue marks the open rectification letters past their deadline overdue and escalates
// each once: to the administrators of the authorities covering the unit's region and to the unit
// (the market.letters job).
func (s *Service) EscalateOverdue(ctx context.Context, now time.Time) (_ int, err error) {
	defer errs.Wrap(&err, "market: EscalateOverdue")
	rows, err := s.DB.QueryContext(ctx, "SELECT "+letterCols+" FROM mkt_letters WHERE kind = 'rectification' AND state = 'open' AND overdue = 0 AND deadline <> '' AND deadline < $1 ORDER BY deadline LIMIT 500",
		workday.Format(now))
	due, err := db.ScanAll(rows, err, scanLetter)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, l := range due {
		marked := false
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, "UPDATE mkt_letters SET overdue = 1, updated_at = $1 WHERE id = $2 AND overdue = 0", db.Millis(now), l.ID)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil // another node did it
			}
			marked = true
			if err := s.event(ctx, tx, "mkt_letter", l.ID, authz.System.Username, "overdue", "整改期限 "+l.Deadline+" 已过 / deadline passed"); err != nil {
				return err
			}
			return s.record(ctx, tx, authz.System, "market.letter.overdue", "mkt_letter", l.ID, map[string]any{"deadline": l.Deadline, "org_id": l.OrgID})
		})
		if err != nil {
			return n, err
		}
		if !marked {
			continue
		}
		n++
		if s.Notify == nil {
			continue
		}
		for _, u := range s.adminsOf(ctx, l.RegionCode) {
			s.Notify.Send(ctx, s.DB, notify.Message{UserID: u, Kind: "escalation", TitleZH: "整改函逾期未整改：" + l.OrgName,
				TitleEN: "Rectification letter overdue", BodyZH: "整改期限 " + l.Deadline + " 已过，单位尚未报告整改情况。",
				BodyEN: "The deadline " + l.Deadline + " has passed without the unit's rectification report.", Link: "/market/letters/" + l.ID,
				ObjectType: "mkt_letter", ObjectID: l.ID, DedupKey: "mkt_letter_overdue:" + l.ID + ":" + u})
		}
		m := notifyMsg(l.OrgID, [2]string{"整改函已逾期", "Rectification letter overdue"}, "整改期限 "+l.Deadline+" 已过，请尽快报告整改情况。", "/market/letters/"+l.ID, "mkt_letter", l.ID)
		m.Kind, m.DedupKey = "escalation", "mkt_letter_overdue:"+l.ID
		s.Notify.Send(ctx, s.DB, m)
	}
	return n, nil
}

// UnitFacts are the letters of one regulated unit issued in a year, as its annual evaluation reads
// them (OPR-11 feeding the operator's evaluation).
type UnitFacts struct {
	OrgID          string `json:"org_id"`
	Year           int    `json:"year"`
	Letters        int    `json:"letters"`        // issued in the year
	Rectifications int    `json:"rectifications"` // of which rectification letters
	Open           int    `json:"open"`           // not yet closed
	Overdue        int    `json:"overdue"`        // rectification letters that passed their deadline unanswered
	Restrictions   int    `json:"restrictions"`   // business restrictions not yet closed
}

// EvaluationFacts counts a unit's letters of a year (Asia/Shanghai) for its annual evaluation.
func (s *Service) EvaluationFacts(ctx context.Context, orgID string, year int) (_ UnitFacts, err error) {
	defer errs.Wrap(&err, "market: EvaluationFacts(%s)", orgID)
	f := UnitFacts{OrgID: orgID, Year: year}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, workday.Location)
	to := from.AddDate(1, 0, 0)
	err = s.DB.QueryRowContext(ctx, `SELECT count(*),
		COALESCE(SUM(CASE WHEN kind = 'rectification' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN state <> 'closed' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(overdue), 0),
		COALESCE(SUM(CASE WHEN kind = 'restriction' AND state <> 'closed' THEN 1 ELSE 0 END), 0)
		FROM mkt_letters WHERE org_id = $1 AND issued_at >= $2 AND issued_at < $3`, orgID, db.Millis(from), db.Millis(to)).
		Scan(&f.Letters, &f.Rectifications, &f.Open, &f.Overdue, &f.Restrictions)
	return f, err
}

// UnitFactsFor is EvaluationFacts for a reader of the unit's records (the unit, the authority, auditors).
func (s *Service) UnitFactsFor(ctx context.Context, p *authz.Principal, orgID string, year int) (_ UnitFacts, err error) {
	defer errs.Wrap(&err, "market: UnitFactsFor(%s)", orgID)
	o, err := s.org(ctx, s.DB, orgID)
	if db.IsNoRows(err) {
		return UnitFacts{}, apperr.Hidden
	}
	if err != nil {
		return UnitFacts{}, err
	}
	if err := authz.Market(p, authz.Read, authz.MarketAttrs{ID: "unit:" + orgID, Region: o.Region, OwnerOrg: orgID}); err != nil {
		return UnitFacts{}, err
	}
	return s.EvaluationFacts(ctx, orgID, year)
}
