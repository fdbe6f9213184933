package openplan

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"slices"
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

// ---- Public requests for data not yet open (开放需求, OPN-7, BT 34) ----

// Answer kinds (答复类型).
var AnswerKinds = []string{"will_open", "conditional", "already_open", "cannot"}

// Demand is a public request for data not yet open, as everyone sees it (the requester's name
// and contact stay with the agency).
type Demand struct {
	ID          string   `json:"id"`
	Number      string   `json:"number"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	EntryID     string   `json:"entry_id,omitempty"`
	OrgID       string   `json:"org_id"`
	OrgName     string   `json:"org_name"`
	RegionCode  string   `json:"region_code"`
	State       string   `json:"state"` // submitted | answered
	AnswerKind  string   `json:"answer_kind,omitempty"`
	Answer      string   `json:"answer,omitempty"`
	LegalBasis  string   `json:"legal_basis,omitempty"`
	Due         string   `json:"due"`
	EscalatedAt db.Stamp `json:"escalated_at"`
	FiledAt     db.Stamp `json:"filed_at"`
	AnsweredAt  db.Stamp `json:"answered_at"`
	// For the agency only.
	RequesterName string `json:"requester_name,omitempty"`
	Contact       string `json:"contact,omitempty"`
	// The due date runs into a year without a holiday table (暂定), set when read.
	workday.Mark
	userID string
}

// DemandInput is a request.
type DemandInput struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	EntryID     string `json:"entry_id"` // optional: a catalog entry not open
	OrgID       string `json:"org_id"`   // optional: the agency thought to hold it
	Name        string `json:"requester_name"`
	Contact     string `json:"contact"`
}

// AnswerInput is the agency's answer.
type AnswerInput struct {
	Kind       string `json:"answer_kind"`
	Answer     string `json:"answer"`
	LegalBasis string `json:"legal_basis"` // required for cannot
}

// FileDemand records a public request (anyone, logged in or not). The responsible agency is the
// entry's provider, or the agency named, or else the authority of the top region; it answers
// within Days working days.
func (s *Service) FileDemand(ctx context.Context, p *authz.Principal, in DemandInput, clientIP string) (Demand, error) {
	var fe []apperr.FieldError
	in.Title = apperr.Text(&fe, "title", in.Title, 200, true, "需求名称", "title")
	in.Description = apperr.Text(&fe, "description", in.Description, 4000, true, "需求说明（用途、所需数据项）", "description")
	in.Name = apperr.Text(&fe, "requester_name", in.Name, 100, true, "姓名或单位名称", "name")
	in.Contact = apperr.Text(&fe, "contact", in.Contact, 200, true, "联系方式", "contact")
	in.EntryID, in.OrgID = strings.TrimSpace(in.EntryID), strings.TrimSpace(in.OrgID)
	org, region := "", ""
	if in.EntryID != "" {
		if e, err := s.Catalog.Published(ctx, in.EntryID); err != nil {
			fe = append(fe, apperr.Field("entry_id", "目录条目不存在", "no such catalog entry"))
		} else {
			org, region = e.ProviderOrgID, e.RegionCode
		}
	} else if in.OrgID != "" {
		if o, err := s.Identity.Org(ctx, in.OrgID); err != nil || !o.Kind.IsDataHolder() {
			fe = append(fe, apperr.Field("org_id", "请选择持有数据的部门", "choose an agency that holds data"))
		} else {
			org, region = o.ID, o.RegionCode
		}
	}
	if err := apperr.Validation(fe); err != nil {
		return Demand{}, err
	}
	if org == "" {
		if err := s.DB.QueryRowContext(ctx, "SELECT id, region_code FROM orgs WHERE kind = 'authority' ORDER BY length(region_code), region_code LIMIT 1").Scan(&org, &region); err != nil {
			return Demand{}, err
		}
	}
	now := s.Now()
	days := s.Days
	if days <= 0 {
		days = DefaultDays
	}
	d := Demand{ID: ids.New(), Title: in.Title, Description: in.Description, EntryID: in.EntryID, OrgID: org, RegionCode: region, State: "submitted",
		Due: s.Cal.Deadline(now, days).Due.Format("2006-01-02"), FiledAt: db.StampOf(now), RequesterName: in.Name, Contact: in.Contact, userID: p.UserID}
	err := db.RetryUnique(20, func() error {
		return s.DB.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			if d.Number, err = db.NextNumber(ctx, tx, "open_demands", "number", "XQ"+now.In(workday.Location).Format("20060102"), 4); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO open_demands (id, number, title, description, entry_id, org_id, region_code, requester_name, contact, user_id, state, due, due_since, filed_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)`, d.ID, d.Number, d.Title, d.Description, d.EntryID, d.OrgID, d.RegionCode, d.RequesterName,
				d.Contact, d.userID, d.State, d.Due, int64(d.FiledAt), int64(d.FiledAt)); err != nil {
				return err
			}
			if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: in.Name, OrgID: p.OrgID, ClientIP: clientIP, Action: "open.demand.file",
				ObjectType: "open_demand", ObjectID: d.ID, Detail: map[string]any{"number": d.Number, "org": d.OrgID, "entry": d.EntryID}}); err != nil {
				return err
			}
			if s.Notify != nil {
				_, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: d.OrgID, Kind: "flag", TitleZH: "收到开放需求：" + d.Title, TitleEN: "Open-data demand: " + d.Title,
					BodyZH: fmt.Sprintf("需求编号 %s，请于 %s 前答复（答复将公开）。", d.Number, d.Due),
					BodyEN: fmt.Sprintf("Demand %s: answer by %s (the answer is public).", d.Number, d.Due),
					Link:   "/open/demands/" + d.Number, ObjectType: "open_demand", ObjectID: d.ID})
				return err
			}
			return nil
		})
	})
	if err != nil {
		return Demand{}, err
	}
	return s.Demand(ctx, p, d.Number)
}

const demandCols = `d.id, d.number, d.title, d.description, d.entry_id, d.org_id, COALESCE(o.name, ''), d.region_code, d.state, d.answer_kind, d.answer,
	d.legal_basis, d.due, d.escalated_at, d.filed_at, d.answered_at, d.requester_name, d.contact, d.user_id`

func scanDemand(sc interface{ Scan(...any) error }) (Demand, error) {
	var d Demand
	err := sc.Scan(&d.ID, &d.Number, &d.Title, &d.Description, &d.EntryID, &d.OrgID, &d.OrgName, &d.RegionCode, &d.State, &d.AnswerKind, &d.Answer,
		&d.LegalBasis, &d.Due, &d.EscalatedAt, &d.FiledAt, &d.AnsweredAt, &d.RequesterName, &d.Contact, &d.userID)
	return d, err
}

// public strips what only the agency sees, unless p may answer it (or reads it as an auditor).
func public(p *authz.Principal, d *Demand) {
	if p.UserID != "" && p.UserID == d.userID {
		return
	}
	if authz.Open(p, authz.Read, orgAttrs(d.OrgID, d.RegionCode)) == nil {
		return
	}
	d.RequesterName, d.Contact = "", ""
}

// Demand returns a request by its number (public; the requester's name and contact only for
// the requester, the agency, the authority and auditors).
func (s *Service) Demand(ctx context.Context, p *authz.Principal, number string) (Demand, error) {
	d, err := scanDemand(s.DB.QueryRowContext(ctx, "SELECT "+demandCols+" FROM open_demands d LEFT JOIN orgs o ON o.id = d.org_id WHERE d.number = $1",
		strings.ToUpper(strings.TrimSpace(number))))
	if db.IsNoRows(err) {
		return d, ErrNotFound
	}
	if err != nil {
		return d, err
	}
	public(p, &d)
	s.markDemand(&d)
	return d, nil
}

// markDemand marks a waiting request's answer deadline provisional when it runs into a year
// without a holiday table.
func (s *Service) markDemand(d *Demand) {
	if d.State == "submitted" {
		d.Mark = s.Cal.Mark(d.Due, s.Now())
	}
}

// Demands lists requests, newest first (public), page by page (at most 100 a page).
func (s *Service) Demands(ctx context.Context, p *authz.Principal, state string, limitN, offset int) ([]Demand, error) {
	if limitN <= 0 || limitN > 100 {
		limitN = 50
	}
	if offset < 0 || offset > 100000 {
		offset = 0
	}
	q, args := "SELECT "+demandCols+" FROM open_demands d LEFT JOIN orgs o ON o.id = d.org_id", []any{}
	if state != "" {
		q += " WHERE d.state = $1"
		args = append(args, state)
	}
	q += fmt.Sprintf(" ORDER BY d.filed_at DESC, d.id DESC LIMIT %d OFFSET %d", limitN, offset)
	rows, err := s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Demand{}
	for rows.Next() {
		d, err := scanDemand(rows)
		if err != nil {
			return nil, err
		}
		public(p, &d)
		s.markDemand(&d)
		out = append(out, d)
	}
	return out, rows.Err()
}

// Answer answers a request (the responsible agency's data officer or approver, or the authority:
// authz.Open OpenManage). "cannot" needs the legal basis. The answer is public. Audited.
func (s *Service) Answer(ctx context.Context, p *authz.Principal, number string, in AnswerInput) (Demand, error) {
	d, err := s.Demand(ctx, p, number)
	if err != nil {
		return d, err
	}
	if err := authz.Open(p, authz.OpenManage, orgAttrs(d.OrgID, d.RegionCode)); err != nil {
		return Demand{}, err
	}
	var fe []apperr.FieldError
	if !slices.Contains(AnswerKinds, in.Kind) {
		fe = append(fe, apperr.Field("answer_kind", "请选择答复类型", "choose the kind of answer"))
	}
	in.Answer = apperr.Text(&fe, "answer", in.Answer, 4000, true, "答复内容", "answer")
	in.LegalBasis = apperr.Text(&fe, "legal_basis", in.LegalBasis, 1000, in.Kind == "cannot", "法律依据", "legal basis")
	if err := apperr.Validation(fe); err != nil {
		return Demand{}, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE open_demands SET state = 'answered', answer_kind = $1, answer = $2, legal_basis = $3, answered_by = $4, answered_at = $5
			WHERE id = $6 AND state = 'submitted'`, in.Kind, in.Answer, in.LegalBasis, actorName(p), db.Millis(s.Now()), d.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrState
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: actorName(p), OrgID: p.OrgID, Action: "open.demand.answer",
			ObjectType: "open_demand", ObjectID: d.ID, Detail: map[string]any{"number": d.Number, "answer_kind": in.Kind}})
	})
	if err != nil {
		return Demand{}, err
	}
	if s.Notify != nil && d.userID != "" {
		s.Notify.Send(ctx, s.DB, notify.Message{UserID: d.userID, Kind: "info", TitleZH: "您的开放需求已答复：" + d.Title, TitleEN: "Your open-data demand is answered: " + d.Title,
			BodyZH: in.Answer, BodyEN: in.Answer, Link: "/open/demands/" + d.Number, ObjectType: "open_demand", ObjectID: d.ID, DedupKey: "open-demand-answer-" + d.ID})
	}
	return s.Demand(ctx, p, number)
}

// RemindDays is how many working days before its due day an unanswered request is called to
// its provider's attention (RemindDemands); 0 uses DefaultRemindDays.
const DefaultRemindDays = 3

// RemindDemands reminds the provider, once, of every unanswered, not yet escalated request
// whose due day is at most RemindDays working days away (holidays and make-up days counted by
// the calendar); a job, now is its tick. It returns how many were reminded.
func (s *Service) RemindDemands(ctx context.Context, now time.Time) (int, error) {
	days := s.RemindDays
	if days <= 0 {
		days = DefaultRemindDays
	}
	today := workday.Date(now).Format("2006-01-02")
	rows, err := s.DB.QueryContext(ctx, "SELECT id, number, title, org_id, due FROM open_demands WHERE state = 'submitted' AND escalated_at = 0 AND due >= $1 LIMIT 500", today)
	if err != nil {
		return 0, err
	}
	type open struct{ id, number, title, org, due string }
	var list []open
	for rows.Next() {
		var l open
		if err := rows.Scan(&l.id, &l.number, &l.title, &l.org, &l.due); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, l)
	}
	rows.Close()
	n := 0
	for _, l := range list {
		due, err := workday.Parse(l.due)
		if err != nil || s.Cal.Remaining(due, now) > days || s.Notify == nil {
			continue
		}
		err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
			sent, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: l.org, Kind: "reminder", TitleZH: "开放需求即将到期：" + l.title, TitleEN: "Open-data demand due soon: " + l.title,
				BodyZH: fmt.Sprintf("需求编号 %s 应于 %s 前答复（答复将公开），逾期将报送主管部门督办。", l.number, l.due),
				BodyEN: fmt.Sprintf("Demand %s is due by %s (the answer is public); if missed it is escalated to the authority.", l.number, l.due),
				Link:   "/open/demands/" + l.number, ObjectType: "open_demand", ObjectID: l.id, DedupKey: "open-demand-remind-" + l.id})
			if err != nil || !sent {
				return err
			}
			n++
			return s.Audit.Record(ctx, tx, audit.Event{ActorID: "system", ActorName: "system", Action: "open.demand.remind", ObjectType: "open_demand", ObjectID: l.id,
				Detail: map[string]any{"number": l.number, "due": l.due}})
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// EscalateDemands flags, once, every unanswered request past its due day to the authority of
// its region (a job; now is its tick). It returns how many were escalated.
func (s *Service) EscalateDemands(ctx context.Context, now time.Time) (int, error) {
	today := workday.Date(now).Format("2006-01-02")
	rows, err := s.DB.QueryContext(ctx, "SELECT id, number, title, org_id, region_code, due FROM open_demands WHERE state = 'submitted' AND escalated_at = 0 AND due < $1 LIMIT 500", today)
	if err != nil {
		return 0, err
	}
	type late struct{ id, number, title, org, region, due string }
	var list []late
	for rows.Next() {
		var l late
		if err := rows.Scan(&l.id, &l.number, &l.title, &l.org, &l.region, &l.due); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, l)
	}
	rows.Close()
	n := 0
	for _, l := range list {
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, "UPDATE open_demands SET escalated_at = $1 WHERE id = $2 AND escalated_at = 0", db.Millis(now), l.id)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil
			}
			n++
			if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: "system", ActorName: "system", Action: "open.demand.escalate", ObjectType: "open_demand", ObjectID: l.id,
				Detail: map[string]any{"number": l.number, "due": l.due}}); err != nil {
				return err
			}
			var auth string
			for _, r := range []string{l.region, l.region[:min(4, len(l.region))] + "00", l.region[:min(2, len(l.region))] + "0000"} {
				if tx.QueryRowContext(ctx, "SELECT id FROM orgs WHERE kind = 'authority' AND region_code = $1 ORDER BY id LIMIT 1", r).Scan(&auth) == nil {
					break
				}
			}
			if s.Notify == nil || auth == "" {
				return nil
			}
			_, err = s.Notify.Send(ctx, tx, notify.Message{OrgID: auth, Kind: "escalation", TitleZH: "开放需求逾期未答复：" + l.title, TitleEN: "Open-data demand overdue: " + l.title,
				BodyZH: fmt.Sprintf("需求编号 %s 应于 %s 前答复，请督办。", l.number, l.due), BodyEN: fmt.Sprintf("Demand %s was due by %s; please follow up.", l.number, l.due),
				Link: "/open/demands/" + l.number, ObjectType: "open_demand", ObjectID: l.id, DedupKey: "open-demand-escalate-" + l.id})
			return err
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// ---- The reuse showcase (开发利用成果展示) ----

// ShowcaseKinds are the kinds of reuse.
var ShowcaseKinds = []string{"app", "research", "visualization", "service"}

// Showcase is an app or piece of research built on open data.
type Showcase struct {
	ID            string    `json:"id"`
	Title         string    `json:"title"`
	Kind          string    `json:"kind"`
	URL           string    `json:"url,omitempty"`
	Description   string    `json:"description"`
	SubmitterName string    `json:"submitter_name"`
	Datasets      []Dataset `json:"datasets"`
	State         string    `json:"state"` // pending | published | rejected
	Note          string    `json:"note,omitempty"`
	CreatedAt     db.Stamp  `json:"created_at"`
	ModeratedAt   db.Stamp  `json:"moderated_at"`
	Contact       string    `json:"contact,omitempty"` // the authority only
}

// Dataset names an open dataset a showcase item uses.
type Dataset struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// ShowcaseInput is a submission.
type ShowcaseInput struct {
	Title       string   `json:"title"`
	Kind        string   `json:"kind"`
	URL         string   `json:"url"`
	Description string   `json:"description"`
	Datasets    []string `json:"datasets"`
	Name        string   `json:"submitter_name"`
	Contact     string   `json:"contact"`
}

// SubmitShowcase records a submission for moderation (anyone). The datasets must be open.
func (s *Service) SubmitShowcase(ctx context.Context, p *authz.Principal, in ShowcaseInput, clientIP string) (Showcase, error) {
	var fe []apperr.FieldError
	in.Title = apperr.Text(&fe, "title", in.Title, 200, true, "成果名称", "title")
	in.Description = apperr.Text(&fe, "description", in.Description, 4000, true, "成果简介", "description")
	in.Name = apperr.Text(&fe, "submitter_name", in.Name, 100, true, "提交人或单位", "submitter")
	in.Contact = apperr.Text(&fe, "contact", in.Contact, 200, true, "联系方式", "contact")
	in.URL = apperr.Text(&fe, "url", in.URL, 500, false, "链接", "link")
	if in.URL != "" {
		if u, err := url.Parse(in.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			fe = append(fe, apperr.Field("url", "链接须为 http(s) 网址", "the link must be an http(s) URL"))
		}
	}
	if !slices.Contains(ShowcaseKinds, in.Kind) {
		fe = append(fe, apperr.Field("kind", "请选择成果类型", "choose the kind"))
	}
	var ds []Dataset
	if len(in.Datasets) == 0 || len(in.Datasets) > 20 {
		fe = append(fe, apperr.Field("datasets", "请选择 1–20 个使用的开放数据集", "name 1–20 open datasets used"))
	}
	for _, id := range in.Datasets {
		e, err := s.Catalog.Published(ctx, strings.TrimSpace(id))
		if err != nil || (e.OpenType != catalog.OpenUnconditional && e.OpenType != catalog.OpenConditional) {
			fe = append(fe, apperr.Field("datasets", "“"+id+"”不是开放数据集", id+" is not an open dataset"))
			continue
		}
		if !slices.ContainsFunc(ds, func(d Dataset) bool { return d.ID == e.ID }) {
			ds = append(ds, Dataset{ID: e.ID, Title: e.Name})
		}
	}
	if err := apperr.Validation(fe); err != nil {
		return Showcase{}, err
	}
	sc := Showcase{ID: ids.New(), Title: in.Title, Kind: in.Kind, URL: in.URL, Description: in.Description, SubmitterName: in.Name, Contact: in.Contact,
		Datasets: ds, State: "pending", CreatedAt: db.StampOf(s.Now())}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO open_showcase (id, title, kind, url, description, submitter_name, contact, user_id, state, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`, sc.ID, sc.Title, sc.Kind, sc.URL, sc.Description, sc.SubmitterName, sc.Contact, p.UserID, sc.State, int64(sc.CreatedAt)); err != nil {
			return err
		}
		for _, d := range ds {
			if _, err := tx.ExecContext(ctx, "INSERT INTO open_showcase_datasets (showcase_id, entry_id) VALUES ($1,$2)", sc.ID, d.ID); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: in.Name, OrgID: p.OrgID, ClientIP: clientIP, Action: "open.showcase.submit",
			ObjectType: "open_showcase", ObjectID: sc.ID, Detail: map[string]any{"title": sc.Title, "datasets": in.Datasets}})
	})
	return sc, err
}

func (s *Service) showcase(ctx context.Context, where string, args ...any) ([]Showcase, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, title, kind, url, description, submitter_name, state, note, created_at, moderated_at, contact
		FROM open_showcase WHERE `+where+` ORDER BY created_at DESC, id DESC LIMIT 200`, args...)
	if err != nil {
		return nil, err
	}
	out := []Showcase{}
	for rows.Next() {
		var x Showcase
		if err := rows.Scan(&x.ID, &x.Title, &x.Kind, &x.URL, &x.Description, &x.SubmitterName, &x.State, &x.Note, &x.CreatedAt, &x.ModeratedAt, &x.Contact); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, x)
	}
	rows.Close()
	for i := range out {
		out[i].Datasets = []Dataset{}
		r2, err := s.DB.QueryContext(ctx, "SELECT entry_id FROM open_showcase_datasets WHERE showcase_id = $1 ORDER BY entry_id", out[i].ID)
		if err != nil {
			return nil, err
		}
		var idl []string
		for r2.Next() {
			var id string
			r2.Scan(&id)
			idl = append(idl, id)
		}
		r2.Close()
		for _, id := range idl {
			t := id
			if e, err := s.Catalog.Published(ctx, id); err == nil {
				t = e.Name
			}
			out[i].Datasets = append(out[i].Datasets, Dataset{ID: id, Title: t})
		}
	}
	return out, nil
}

// Published lists the published showcase (public), or those using one dataset (entryID).
func (s *Service) Published(ctx context.Context, entryID string) ([]Showcase, error) {
	var out []Showcase
	var err error
	if entryID == "" {
		out, err = s.showcase(ctx, "state = 'published'")
	} else {
		out, err = s.showcase(ctx, "state = 'published' AND id IN (SELECT showcase_id FROM open_showcase_datasets WHERE entry_id = $1)", entryID)
	}
	for i := range out {
		out[i].Contact = ""
	}
	return out, err
}

// Pending lists the submissions awaiting moderation (the authority).
func (s *Service) Pending(ctx context.Context, p *authz.Principal) ([]Showcase, error) {
	if err := authz.Open(p, authz.OpenModerate, authz.OpenAttrs{}); err != nil {
		return nil, err
	}
	return s.showcase(ctx, "state = 'pending'")
}

// Moderate publishes or rejects a submission (the authority; a rejection needs a note). Audited.
func (s *Service) Moderate(ctx context.Context, p *authz.Principal, id string, publish bool, note string) error {
	if err := authz.Open(p, authz.OpenModerate, authz.OpenAttrs{}); err != nil {
		if p.Authenticated() {
			return ErrNotFound // pending submissions are not public: the same answer as a missing one
		}
		return err
	}
	note = strings.TrimSpace(note)
	if !publish && note == "" {
		return apperr.Invalid.With(apperr.Field("note", "请说明不予展示的理由", "state why it is not shown"))
	}
	state := "rejected"
	if publish {
		state = "published"
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE open_showcase SET state = $1, note = $2, moderated_by = $3, moderated_at = $4 WHERE id = $5 AND state = 'pending'",
			state, note, actorName(p), db.Millis(s.Now()), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var st string
			if db.IsNoRows(tx.QueryRowContext(ctx, "SELECT state FROM open_showcase WHERE id = $1", id).Scan(&st)) {
				return ErrNotFound
			}
			return ErrState
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: actorName(p), OrgID: p.OrgID, Action: "open.showcase.moderate",
			ObjectType: "open_showcase", ObjectID: id, Detail: map[string]any{"state": state, "note": note}})
	})
}
