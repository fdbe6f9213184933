package supervise

// Reports of illegal use (举报, SUP-4, NM 46): anyone files one, logged in or not, with a contact
// for the reply; the filer gets a receipt number to follow it. The authority of the region
// handles it and answers; a report found true becomes a notice to the agency (Record with the
// report's id). Filing is limited per client address (ReportsPerHour), counted in the database so
// that every node counts alike.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
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
	"pubdata/internal/workday"
)

// Report states.
const (
	ReportReceived = "received" // 已受理
	ReportHandling = "handling" // 办理中
	ReportAnswered = "answered" // 已答复
)

// Report is a report of illegal use.
type Report struct {
	ID           string    `json:"id"`
	Number       string    `json:"number"`
	RegionCode   string    `json:"region_code"`
	ReporterName string    `json:"reporter_name"`
	Contact      string    `json:"contact,omitempty"`
	Target       string    `json:"target"`
	Content      string    `json:"content"`
	State        string    `json:"state"`
	Answer       string    `json:"answer,omitempty"`
	AnsweredBy   string    `json:"answered_by,omitempty"`
	AnsweredAt   time.Time `json:"answered_at,omitzero"`
	NoticeID     string    `json:"notice_id,omitempty"`
	FiledAt      time.Time `json:"filed_at"`
}

// PublicReport is what the filer sees by receipt number: no contact, no internal links.
type PublicReport struct {
	Number     string    `json:"number"`
	State      string    `json:"state"`
	Target     string    `json:"target"`
	Answer     string    `json:"answer,omitempty"`
	AnsweredAt time.Time `json:"answered_at,omitzero"`
	FiledAt    time.Time `json:"filed_at"`
}

// Filing is the public form.
type Filing struct {
	RegionCode   string `json:"region_code"`
	ReporterName string `json:"reporter_name"`
	Contact      string `json:"contact"`
	Target       string `json:"target"`
	Content      string `json:"content"`
}

// Errors of reports.
var (
	ErrReportThrottled = apperr.New(http.StatusTooManyRequests, "report_throttled", "该网络地址提交举报过多，请一小时后再试",
		"too many reports from this network address; try again in an hour")
	ErrNoRegion = apperr.New(http.StatusUnprocessableEntity, "report_no_region", "请选择被举报事项所在地区", "choose the region the report concerns")
)

func text(fe *[]apperr.FieldError, field, v string, max int, zh, en string) string {
	v = strings.TrimSpace(v)
	if v == "" || utf8.RuneCountInString(v) > max {
		*fe = append(*fe, apperr.Field(field, "请填写"+zh+"（不超过 "+itoa(max)+" 字）", "fill in "+en+" (at most "+itoa(max)+" characters)"))
	}
	return v
}

// FileReport records a report. Anyone may file (p may be nobody).
func (s *Service) FileReport(ctx context.Context, p *authz.Principal, in Filing, clientIP string) (_ PublicReport, err error) {
	defer errs.Wrap(&err, "supervise: FileReport")
	var fe []apperr.FieldError
	in.ReporterName = text(&fe, "reporter_name", in.ReporterName, 100, "举报人姓名或单位", "your name or organization")
	in.Contact = text(&fe, "contact", in.Contact, 200, "联系方式（用于答复）", "a contact for the reply")
	in.Target = text(&fe, "target", in.Target, 200, "被举报的单位或个人", "who is reported")
	in.Content = text(&fe, "content", in.Content, 4000, "违法违规使用数据的事实", "the facts of the illegal use")
	if err := apperr.Validation(fe); err != nil {
		return PublicReport{}, err
	}
	var n int
	if err := s.DB.QueryRowContext(ctx, "SELECT count(*) FROM regions WHERE code = $1", in.RegionCode).Scan(&n); err != nil {
		return PublicReport{}, err
	}
	if n == 0 {
		return PublicReport{}, ErrNoRegion
	}
	now := s.Now()
	if clientIP != "" && s.ReportsPerHour > 0 {
		var recent int
		if err := s.DB.QueryRowContext(ctx, "SELECT count(*) FROM sup_reports WHERE client_ip = $1 AND filed_at > $2", clientIP,
			db.Millis(now.Add(-time.Hour))).Scan(&recent); err != nil {
			return PublicReport{}, err
		}
		if recent >= s.ReportsPerHour {
			s.Audit.Log(ctx, audit.Event{ActorName: in.ReporterName, ClientIP: clientIP, Action: "supervision.report.file", Result: audit.Denied,
				Detail: map[string]any{"reason": "throttled"}})
			return PublicReport{}, ErrReportThrottled.After(time.Hour)
		}
	}
	var rnd [5]byte
	_, _ = rand.Read(rnd[:])
	r := Report{ID: ids.New(), Number: "JB" + now.In(workday.Location).Format("20060102") + strings.ToUpper(hex.EncodeToString(rnd[:])),
		RegionCode: in.RegionCode, ReporterName: in.ReporterName, Contact: in.Contact, Target: in.Target, Content: in.Content,
		State: ReportReceived, FiledAt: now}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sup_reports (id, number, region_code, reporter_name, contact, target, content, user_id, client_ip,
			state, filed_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$11)`, r.ID, r.Number, r.RegionCode, r.ReporterName, r.Contact,
			r.Target, r.Content, p.UserID, clientIP, r.State, db.Millis(now)); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: r.ReporterName, OrgID: p.OrgID, ClientIP: clientIP,
			Action: "supervision.report.file", ObjectType: "supervision_report", ObjectID: r.ID, Detail: map[string]any{"region_code": r.RegionCode}})
	})
	if err != nil {
		return PublicReport{}, err
	}
	s.sendOrg(ctx, s.authorityOf(ctx, r.RegionCode), "flag", "收到违法违规使用数据举报", "A report of illegal use was filed",
		"被举报："+r.Target, "See the report.", "/supervision/reports/"+r.ID, "supervision_report", r.ID, "sup:report:"+r.ID)
	return public(r), nil
}

func public(r Report) PublicReport {
	return PublicReport{Number: r.Number, State: r.State, Target: r.Target, Answer: r.Answer, AnsweredAt: r.AnsweredAt, FiledAt: r.FiledAt}
}

// ReportStatus is the filer's view by receipt number (no login).
func (s *Service) ReportStatus(ctx context.Context, number string) (_ PublicReport, err error) {
	defer errs.Wrap(&err, "supervise: ReportStatus")
	r, err := scanReport(s.DB.QueryRowContext(ctx, "SELECT "+reportCols+" FROM sup_reports WHERE number = $1", strings.TrimSpace(number)))
	if db.IsNoRows(err) {
		return PublicReport{}, apperr.NotFound
	}
	return public(r), err
}

const reportCols = "id, number, region_code, reporter_name, contact, target, content, state, answer, answered_by, answered_at, notice_id, filed_at"

func scanReport(sc interface{ Scan(...any) error }) (Report, error) {
	var r Report
	var answered, filed int64
	err := sc.Scan(&r.ID, &r.Number, &r.RegionCode, &r.ReporterName, &r.Contact, &r.Target, &r.Content, &r.State, &r.Answer, &r.AnsweredBy,
		&answered, &r.NoticeID, &filed)
	if answered > 0 {
		r.AnsweredAt = db.FromMillis(answered)
	}
	r.FiledAt = db.FromMillis(filed)
	return r, err
}

// GetReport returns a report to the authority of its region, auditors and oversight bodies.
func (s *Service) GetReport(ctx context.Context, p *authz.Principal, id string) (_ Report, err error) {
	defer errs.Wrap(&err, "supervise: GetReport(%s)", id)
	r, err := scanReport(s.DB.QueryRowContext(ctx, "SELECT "+reportCols+" FROM sup_reports WHERE id = $1", id))
	if db.IsNoRows(err) {
		return Report{}, apperr.Hidden
	}
	if err != nil {
		return Report{}, err
	}
	if err := authz.Reports(p, authz.Read, r.RegionCode); err != nil {
		return Report{}, apperr.Hidden
	}
	if err := s.Audit.Log(ctx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "supervision.report.read",
		ObjectType: "supervision_report", ObjectID: r.ID}); err != nil {
		return Report{}, err
	}
	return r, nil
}

// ListReports lists the reports p may read, newest first.
func (s *Service) ListReports(ctx context.Context, p *authz.Principal, state string, limit, offset int) (_ []Report, _ int, err error) {
	defer errs.Wrap(&err, "supervise: ListReports")
	if err := authz.Reports(p, authz.Read, ""); err != nil {
		return nil, 0, err
	}
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 200)
	var cond []string
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + itoa(len(args)) }
	if !p.Has(authz.Auditor, authz.Oversight) {
		cond = append(cond, "region_code LIKE "+arg(regionPrefix(p.RegionCode)+"%"))
	}
	if state != "" {
		cond = append(cond, "state = "+arg(state))
	}
	where := ""
	if len(cond) > 0 {
		where = " WHERE " + strings.Join(cond, " AND ")
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT count(*) FROM sup_reports"+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+reportCols+" FROM sup_reports"+where+" ORDER BY filed_at DESC, id LIMIT "+arg(limit)+" OFFSET "+arg(max(offset, 0)), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Report
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// ReportStep is the authority's step on a report: take it up (handle), answer it (answer, with
// the text the filer reads), or turn it into a notice to an agency (notice, with NewNotice).
type ReportStep struct {
	Event  string    `json:"event"` // handle, answer or notice
	Answer string    `json:"answer,omitempty"`
	Notice NewNotice `json:"notice,omitzero"`
}

// HandleReport takes the authority's step on a report.
func (s *Service) HandleReport(ctx context.Context, p *authz.Principal, id string, in ReportStep) (_ Report, err error) {
	defer errs.Wrap(&err, "supervise: HandleReport(%s)", id)
	r, err := scanReport(s.DB.QueryRowContext(ctx, "SELECT "+reportCols+" FROM sup_reports WHERE id = $1", id))
	if db.IsNoRows(err) {
		return Report{}, apperr.Hidden
	}
	if err != nil {
		return Report{}, err
	}
	if err := authz.Reports(p, authz.Review, r.RegionCode); err != nil {
		return Report{}, err
	}
	now := s.Now()
	var set string
	args := []any{id, db.Millis(now)}
	switch in.Event {
	case "handle":
		if r.State != ReportReceived {
			return Report{}, ErrNoticeTransition
		}
		set = "state = 'handling'"
	case "answer":
		in.Answer = strings.TrimSpace(in.Answer)
		if in.Answer == "" || utf8.RuneCountInString(in.Answer) > 4000 {
			return Report{}, apperr.Invalid.With(apperr.Field("answer", "请填写答复举报人的内容（不超过 4000 字）", "write the answer to the filer (at most 4000 characters)"))
		}
		if r.State == ReportAnswered {
			return Report{}, ErrNoticeTransition
		}
		args = append(args, in.Answer, p.Username)
		set = "state = 'answered', answer = $3, answered_by = $4, answered_at = $2"
	case "notice":
		if r.NoticeID != "" || r.State == ReportAnswered {
			return Report{}, ErrNoticeTransition
		}
		in.Notice.ReportID = r.ID
		n, err := s.Record(ctx, p, in.Notice)
		if err != nil {
			return Report{}, err
		}
		args = append(args, n.ID)
		set = "state = 'handling', notice_id = $3"
	default:
		return Report{}, apperr.Invalid.With(apperr.Field("event", "请选择办理动作", "choose the action"))
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE sup_reports SET "+set+", updated_at = $2 WHERE id = $1", args...); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "supervision.report." + in.Event,
			ObjectType: "supervision_report", ObjectID: id})
	})
	if err != nil {
		return Report{}, err
	}
	return s.GetReport(ctx, p, id)
}
