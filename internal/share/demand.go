package share

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/ids"
	"pubdata/internal/workday"
)

// Demand-list states (需求清单 → 责任清单, SHR-7).
const (
	DemandSubmitted State = "submitted" // 待主管部门审核
	DemandAssigned  State = "assigned"  // 已列入责任清单，待数源部门答复
	DemandAccepted  State = "accepted"  // 已答复，办理中
	DemandCompleted State = "completed" // 已完成
	DemandRefused   State = "refused"   // 数源部门拒绝（理由 + 依据）
	DemandRejected  State = "rejected"  // 主管部门审核不通过
	DemandWithdrawn State = "withdrawn" // 已撤回
)

// DemandStateNames gives each demand state's Chinese and English name.
var DemandStateNames = map[State][2]string{
	DemandSubmitted: {"待主管部门审核", "Awaiting review"},
	DemandAssigned:  {"待数源部门答复", "Awaiting the source agency's answer"},
	DemandAccepted:  {"办理中", "In progress"},
	DemandCompleted: {"已完成", "Completed"},
	DemandRefused:   {"数源部门拒绝", "Refused by the source agency"},
	DemandRejected:  {"审核未通过", "Rejected at review"},
	DemandWithdrawn: {"已撤回", "Withdrawn"},
}

// Demand events.
const (
	EvAssign   Ev = "assign"   // authority reviews and assigns a source agency (列入责任清单)
	EvReject   Ev = "reject"   // authority rejects at review
	EvAccept   Ev = "accept"   // source agency answers yes (optionally naming a date)
	EvReturn   Ev = "return"   // source agency says it is not the source; back to review
	EvComplete Ev = "complete" // source agency completes (cataloged and shared)
)

func init() {
	for k, v := range map[string][2]string{
		string(EvAssign): {"审核并指定数源部门", "Assigned to a source agency"}, string(EvReject): {"审核不通过", "Rejected at review"},
		string(EvAccept): {"数源部门答复受理", "Accepted by the source agency"}, string(EvReturn): {"退回主管部门", "Returned to the authority"},
		string(EvComplete): {"办理完成", "Completed"},
	} {
		EventNames[k] = v
	}
}

// demandMachine is the demand/responsibility-list workflow: (state, event) → state with guards.
var demandMachine = []transition{
	{StateNew, EvFile, always, DemandSubmitted, authz.Create},
	{DemandSubmitted, EvAssign, always, DemandAssigned, authz.Review},
	{DemandSubmitted, EvReject, reasoned, DemandRejected, authz.Review},
	{DemandSubmitted, EvWithdraw, always, DemandWithdrawn, authz.ShareWithdraw},
	{DemandAssigned, EvAccept, always, DemandAccepted, authz.ShareDecide},
	{DemandAssigned, EvRefuse, reasoned, DemandRefused, authz.ShareDecide},
	{DemandAssigned, EvReturn, always, DemandSubmitted, authz.ShareDecide},
	{DemandAssigned, EvWithdraw, always, DemandWithdrawn, authz.ShareWithdraw},
	{DemandAccepted, EvComplete, always, DemandCompleted, authz.ShareDecide},
}

func nextDemand(from State, ev Ev, f facts) (transition, bool) {
	for _, t := range demandMachine {
		if t.From == from && t.Event == ev && t.Guard(f) {
			return t, true
		}
	}
	return transition{}, false
}

// Demand is an item of the demand list (需求清单): data an agency needs that is not cataloged.
// Once the authority assigns a source agency it is on that agency's responsibility list (责任清单)
// with its deadlines: answer in 5 working days; complete within 7 working days of the answer or
// by a date the agency names when processing is needed; or refuse with reason and legal basis.
type Demand struct {
	ID             string    `json:"id"`
	RequesterOrgID string    `json:"requester_org_id"`
	RequesterOrg   string    `json:"requester_org,omitempty"`
	RequesterID    string    `json:"requester_id"`
	RequesterName  string    `json:"requester_name"`
	Region         string    `json:"region_code"`
	Title          string    `json:"title"`
	Description    string    `json:"description"`
	Fields         []string  `json:"fields"` // data items wanted (free names: not cataloged yet)
	Scenario       string    `json:"scenario"`
	Purpose        string    `json:"purpose"`
	LegalBasis     string    `json:"legal_basis"`
	SuggestedOrgID string    `json:"suggested_org_id,omitempty"`
	State          State     `json:"state"`
	AssignedOrgID  string    `json:"assigned_org_id,omitempty"`
	AssignedOrg    string    `json:"assigned_org,omitempty"`
	DueDate        string    `json:"due_date,omitempty"`
	DueKind        string    `json:"due_kind,omitempty"` // review | answer | complete
	ReviewNote     string    `json:"review_note,omitempty"`
	AnswerDue      string    `json:"answer_due,omitempty"`
	CompleteDue    string    `json:"complete_due,omitempty"`
	NamedDate      bool      `json:"named_date"` // CompleteDue was named by the agency (processing needed)
	AnswerNote     string    `json:"answer_note,omitempty"`
	RefuseReason   string    `json:"refuse_reason,omitempty"`
	RefuseBasis    string    `json:"refuse_legal_basis,omitempty"`
	ResultEntry    string    `json:"result_entry,omitempty"` // catalog code of the entry that now holds the data
	ResultNote     string    `json:"result_note,omitempty"`
	EscalatedAt    time.Time `json:"escalated_at,omitzero"`
	SubmittedAt    time.Time `json:"submitted_at"`
	AssignedAt     time.Time `json:"assigned_at,omitzero"`
	AnsweredAt     time.Time `json:"answered_at,omitzero"`
	CompletedAt    time.Time `json:"completed_at,omitzero"`
	UpdatedAt      time.Time `json:"updated_at"`
	Remaining      int       `json:"remaining_workdays"`
	Overdue        bool      `json:"overdue"`
	// DeadlineProvisional: DueDate runs into a year without a holiday table (see Request).
	DeadlineProvisional bool  `json:"deadline_provisional,omitempty"`
	MissingYears        []int `json:"deadline_missing_years,omitempty"`
}

func (d *Demand) attrs() authz.DemandAttrs {
	return authz.DemandAttrs{RequesterOrgID: d.RequesterOrgID, AssignedOrgID: d.AssignedOrgID, Region: d.Region}
}

// NewDemand is what a requesting agency files.
type NewDemand struct {
	Title          string   `json:"title"`
	Description    string   `json:"description"`
	Fields         []string `json:"fields"`
	Scenario       string   `json:"scenario"`
	Purpose        string   `json:"purpose"`
	LegalBasis     string   `json:"legal_basis"`
	SuggestedOrgID string   `json:"suggested_org_id"`
}

// DemandAnswer is the source agency's answer: accept (optionally naming a completion date when
// processing is needed), or refuse with reason and legal basis.
type DemandAnswer struct {
	Note       string `json:"note"`
	NamedDate  string `json:"named_date"` // YYYY-MM-DD, when processing needs longer than 7 working days
	Reason     string `json:"reason"`
	LegalBasis string `json:"legal_basis"`
}

// demandColumns binds every stored column of share_demands to its field of d (db.Column): the
// one list the insert, the update and the scan are generated from. A new field on demands is one
// line here (and its migration); TestDemandColumnsRoundTrip fails when one is not bound.
func demandColumns(d *Demand) []db.Column {
	return []db.Column{
		{Name: "id", Ptr: &d.ID},
		{Name: "requester_org_id", Ptr: &d.RequesterOrgID},
		{Name: "requester_id", Ptr: &d.RequesterID},
		{Name: "requester_name", Ptr: &d.RequesterName},
		{Name: "region_code", Ptr: &d.Region},
		{Name: "title", Ptr: &d.Title},
		{Name: "description", Ptr: &d.Description},
		{Name: "fields", Ptr: db.JSONList(&d.Fields)},
		{Name: "scenario", Ptr: &d.Scenario},
		{Name: "purpose", Ptr: &d.Purpose},
		{Name: "legal_basis", Ptr: &d.LegalBasis},
		{Name: "suggested_org_id", Ptr: &d.SuggestedOrgID},
		{Name: "state", Ptr: (*string)(&d.State)},
		{Name: "assigned_org_id", Ptr: &d.AssignedOrgID},
		{Name: "due_date", Ptr: &d.DueDate},
		{Name: "due_kind", Ptr: &d.DueKind},
		{Name: "review_note", Ptr: &d.ReviewNote},
		{Name: "answer_due", Ptr: &d.AnswerDue},
		{Name: "complete_due", Ptr: &d.CompleteDue},
		{Name: "named_date", Ptr: db.IntBool(&d.NamedDate)},
		{Name: "answer_note", Ptr: &d.AnswerNote},
		{Name: "refuse_reason", Ptr: &d.RefuseReason},
		{Name: "refuse_basis", Ptr: &d.RefuseBasis},
		{Name: "result_entry", Ptr: &d.ResultEntry},
		{Name: "result_note", Ptr: &d.ResultNote},
		{Name: "escalated_at", Ptr: db.TimeMillis(&d.EscalatedAt)},
		{Name: "submitted_at", Ptr: db.TimeMillis(&d.SubmittedAt)},
		{Name: "assigned_at", Ptr: db.TimeMillis(&d.AssignedAt)},
		{Name: "answered_at", Ptr: db.TimeMillis(&d.AnsweredAt)},
		{Name: "completed_at", Ptr: db.TimeMillis(&d.CompletedAt)},
		{Name: "updated_at", Ptr: db.TimeMillis(&d.UpdatedAt)},
	}
}

// demandJoined are the names joined in from orgs (not stored on the demand).
func demandJoined(d *Demand) []any { return []any{&d.RequesterOrg, &d.AssignedOrg} }

var (
	insertDemandSQL = db.InsertSQL("share_demands", demandColumns(&Demand{}))
	updateDemandSQL = db.UpdateSQL("share_demands", demandColumns(&Demand{}))
	// demandCols is the select list of a demand: its stored columns, then the joined names.
	demandCols = db.Names(demandColumns(&Demand{}), "d.") + ", COALESCE(ro.name,''), COALESCE(ao.name,'')"
)

const demandFrom = ` FROM share_demands d LEFT JOIN orgs ro ON ro.id = d.requester_org_id LEFT JOIN orgs ao ON ao.id = d.assigned_org_id`

func (s *Service) scanDemand(sc scanner) (Demand, error) {
	var d Demand
	if err := sc.Scan(append(db.Dests(demandColumns(&d)), demandJoined(&d)...)...); err != nil {
		return d, err
	}
	if d.DueDate != "" {
		d.Remaining, d.Overdue = s.remaining(d.DueDate)
		d.MissingYears = s.Calendar.ProvisionalDue(d.DueDate, s.Now())
		d.DeadlineProvisional = len(d.MissingYears) > 0
	}
	return d, nil
}

// saveDemand writes a demand row (insert for a new one), every column from demandColumns.
func (s *Service) saveDemand(ctx context.Context, q db.Q, d *Demand, insert bool) error {
	query := updateDemandSQL
	if insert {
		query = insertDemandSQL
	}
	_, err := q.ExecContext(ctx, query, db.Values(demandColumns(d))...)
	return err
}

func (s *Service) readDemand(ctx context.Context, q db.Q, id string) (Demand, error) {
	return s.scanDemand(q.QueryRowContext(ctx, "SELECT "+demandCols+demandFrom+" WHERE d.id = $1", id))
}

// loadDemand reads one demand.
func (s *Service) loadDemand(ctx context.Context, q db.Q, id string) (Demand, error) {
	return found(s.readDemand(ctx, q, id))
}

// lockDemand reads one demand under its row lock, for a state change in tx.
func (s *Service) lockDemand(ctx context.Context, tx db.Q, id string) (Demand, error) {
	return found(db.LoadLocked(ctx, tx, s.DB, "share_demands", id, func(q db.Q) (Demand, error) { return s.readDemand(ctx, q, id) }))
}

// demandStep takes one transition of the demand machine for p, audited, with the history and
// the inbox of whoever acts next.
func (s *Service) demandStep(ctx context.Context, tx *sql.Tx, p *authz.Principal, d *Demand, ev Ev, f facts, note string, detail map[string]any) error {
	if p != authz.System && ev != EvFile {
		if err := mayEver(demandMachine, ev, func(act authz.Action) error { return authz.ShareDemand(p, act, d.attrs()) }); err != nil {
			return err
		}
	}
	t, ok := nextDemand(d.State, ev, f)
	if !ok {
		return ErrState
	}
	if t.Act == "" {
		if p != authz.System {
			return apperr.Forbidden
		}
	} else if err := authz.ShareDemand(p, t.Act, d.attrs()); err != nil {
		return err
	}
	from, now := d.State, s.Now()
	d.State, d.UpdatedAt = t.To, now
	if from != t.To {
		d.DueKind, d.DueDate, d.EscalatedAt = "", "", time.Time{}
		switch t.To {
		case DemandSubmitted:
			d.DueKind, d.DueDate = "review", s.addWorkdays(now, s.DemandReviewDays)
		case DemandAssigned:
			d.AnswerDue = s.addWorkdays(now, s.DemandAnswerDays)
			d.DueKind, d.DueDate = "answer", d.AnswerDue
		case DemandAccepted:
			if d.CompleteDue == "" {
				d.CompleteDue = s.addWorkdays(now, s.DemandCompleteDays)
			}
			d.DueKind, d.DueDate = "complete", d.CompleteDue
		}
	}
	if err := s.saveDemand(ctx, tx, d, from == StateNew); err != nil {
		return err
	}
	if err := s.history(ctx, tx, p, "share_demand", d.ID, string(ev), string(from), string(t.To), note); err != nil {
		return err
	}
	det := map[string]any{"from": string(from), "to": string(t.To), "title": d.Title}
	if d.DueDate != "" {
		det["due"] = d.DueDate
	}
	if note != "" {
		det["note"] = note
	}
	for k, v := range detail {
		det[k] = v
	}
	if err := s.Audit.Record(ctx, tx, auditEvent(p, "share.demand."+string(ev), "share_demand", d.ID, det)); err != nil {
		return err
	}
	link := "/share/demands/" + d.ID
	switch d.State {
	case DemandSubmitted:
		return s.sendOrg(ctx, tx, authorityOrg(ctx, tx, d.Region), "info", "数据需求待审核："+d.Title, "Data demand to review: "+d.Title,
			"请在 "+d.DueDate+" 前审核并指定数源部门。", "Review it and assign a source agency by "+d.DueDate+".", link, "share_demand", d.ID, "")
	case DemandAssigned:
		return s.sendOrg(ctx, tx, d.AssignedOrgID, "info", "列入责任清单，请答复："+d.Title, "On your responsibility list, answer: "+d.Title,
			"请在 "+d.DueDate+" 前答复（5 个工作日）。", "Answer by "+d.DueDate+" (5 working days).", link, "share_demand", d.ID, "")
	case DemandAccepted, DemandCompleted, DemandRefused, DemandRejected:
		return s.sendOrg(ctx, tx, d.RequesterOrgID, "info", "数据需求进展："+d.Title+"（"+DemandStateNames[d.State][0]+"）",
			"Data demand update: "+d.Title+" ("+DemandStateNames[d.State][1]+")", note, note, link, "share_demand", d.ID, "")
	}
	return nil
}

// demandTx runs fn on a locked demand and returns the demand as it is after fn (even when the
// step took it out of the actor's sight, as a return to the authority does).
//
// Before fn looks at the demand's state or the input, the caller's right to take event ev in some
// state is checked (mayEver): a reader who may not take it hears 403, not the demand's state.
func (s *Service) demandTx(ctx context.Context, p *authz.Principal, id string, ev Ev, fn func(tx *sql.Tx, d *Demand) error) (Demand, error) {
	var out Demand
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		d, err := s.lockDemand(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := authz.ShareDemand(p, authz.Read, d.attrs()); err != nil {
			if p.Authenticated() {
				return apperr.NotFound
			}
			return err
		}
		if err := mayEver(demandMachine, ev, func(act authz.Action) error { return authz.ShareDemand(p, act, d.attrs()) }); err != nil {
			return err
		}
		if err := fn(tx, &d); err != nil {
			return err
		}
		out, err = s.loadDemand(ctx, tx, id)
		return err
	})
	return out, err
}

// FileDemand files a demand for data that is not cataloged (SHR-7); it goes to the authority of
// the requester's region.
func (s *Service) FileDemand(ctx context.Context, p *authz.Principal, in NewDemand) (_ Demand, err error) {
	defer wrapErr(&err, "file demand")
	if err := authz.ShareDemand(p, authz.Create, authz.DemandAttrs{RequesterOrgID: p.OrgID, Region: p.RegionCode}); err != nil {
		return Demand{}, err
	}
	in.Title, in.Description, in.Scenario, in.Purpose, in.LegalBasis = clean(in.Title), clean(in.Description), clean(in.Scenario), clean(in.Purpose), clean(in.LegalBasis)
	in.Fields = normList(in.Fields)
	var fe []apperr.FieldError
	if in.Title == "" {
		fe = append(fe, apperr.Field("title", "请填写所需数据名称", "name the data needed"))
	}
	if len(in.Fields) == 0 {
		fe = append(fe, apperr.Field("fields", "请列出所需信息项", "list the data items needed"))
	}
	if in.Scenario == "" {
		fe = append(fe, apperr.Field("scenario", "请填写应用场景", "the application scenario is required"))
	}
	if in.LegalBasis == "" {
		fe = append(fe, apperr.Field("legal_basis", "请填写申请依据", "the legal basis is required"))
	}
	if in.SuggestedOrgID != "" && orgName(ctx, s.DB, in.SuggestedOrgID) == "" {
		fe = append(fe, apperr.Field("suggested_org_id", "建议的数源部门不存在", "the suggested source agency does not exist"))
	}
	if err := apperr.Validation(fe); err != nil {
		return Demand{}, err
	}
	d := Demand{ID: ids.New(), RequesterOrgID: p.OrgID, RequesterID: p.UserID, RequesterName: actorName(p), Region: p.RegionCode,
		Title: in.Title, Description: in.Description, Fields: in.Fields, Scenario: in.Scenario, Purpose: in.Purpose, LegalBasis: in.LegalBasis,
		SuggestedOrgID: in.SuggestedOrgID, State: StateNew, SubmittedAt: s.Now()}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		return s.demandStep(ctx, tx, p, &d, EvFile, facts{}, "", nil)
	})
	if err != nil {
		return Demand{}, err
	}
	return s.GetDemand(ctx, p, d.ID)
}

// AssignDemand reviews a demand and puts it on a source agency's responsibility list.
func (s *Service) AssignDemand(ctx context.Context, p *authz.Principal, id, orgID, note string) (_ Demand, err error) {
	defer wrapErr(&err, "assign demand %s", id)
	return s.demandTx(ctx, p, id, EvAssign, func(tx *sql.Tx, d *Demand) error {
		var kind string
		tx.QueryRowContext(ctx, "SELECT kind FROM orgs WHERE id = $1", orgID).Scan(&kind)
		if !authz.OrgKind(kind).IsDataHolder() || kind == string(authz.KindAuthority) {
			return apperr.Invalid.With(apperr.Field("org_id", "请选择作为数源部门的机构", "choose the agency that is the data's source"))
		}
		if orgID == d.RequesterOrgID {
			return apperr.Invalid.With(apperr.Field("org_id", "数源部门不能是需求部门本身", "the source agency cannot be the requesting agency"))
		}
		d.AssignedOrgID, d.AssignedAt, d.ReviewNote = orgID, s.Now(), clean(note)
		d.CompleteDue, d.NamedDate = "", false
		return s.demandStep(ctx, tx, p, d, EvAssign, facts{}, d.ReviewNote, map[string]any{"assigned_org": orgID})
	})
}

// RejectDemand ends a demand at review, with reasons.
func (s *Service) RejectDemand(ctx context.Context, p *authz.Principal, id, reason string) (_ Demand, err error) {
	defer wrapErr(&err, "reject demand %s", id)
	reason = clean(reason)
	return s.demandTx(ctx, p, id, EvReject, func(tx *sql.Tx, d *Demand) error {
		if d.State != DemandSubmitted {
			return ErrState
		}
		if reason == "" {
			return apperr.Invalid.With(apperr.Field("reason", "请说明审核不通过的理由", "give the reason"))
		}
		d.ReviewNote = reason
		return s.demandStep(ctx, tx, p, d, EvReject, facts{refusal: true}, reason, nil)
	})
}

// answerEv is the event of an answer to a demand.
func answerEv(accept bool) Ev {
	if accept {
		return EvAccept
	}
	return EvRefuse
}

// AnswerDemand is the source agency's answer within 5 working days: accept (complete within 7
// working days of the answer, or by a named date when processing is needed) or refuse (reason
// and legal basis required).
func (s *Service) AnswerDemand(ctx context.Context, p *authz.Principal, id string, accept bool, a DemandAnswer) (_ Demand, err error) {
	defer wrapErr(&err, "answer demand %s", id)
	a.Note, a.NamedDate, a.Reason, a.LegalBasis = clean(a.Note), clean(a.NamedDate), clean(a.Reason), clean(a.LegalBasis)
	return s.demandTx(ctx, p, id, answerEv(accept), func(tx *sql.Tx, d *Demand) error {
		if d.State != DemandAssigned {
			return ErrState
		}
		now := s.Now()
		if !accept {
			var fe []apperr.FieldError
			if a.Reason == "" {
				fe = append(fe, apperr.Field("reason", "拒绝须说明理由", "a refusal needs a reason"))
			}
			if a.LegalBasis == "" {
				fe = append(fe, apperr.Field("legal_basis", "拒绝须说明法律依据", "a refusal needs a legal basis"))
			}
			if err := apperr.Validation(fe); err != nil {
				return err
			}
			d.RefuseReason, d.RefuseBasis, d.AnsweredAt = a.Reason, a.LegalBasis, now
			return s.demandStep(ctx, tx, p, d, EvRefuse, facts{refusal: true}, a.Reason, map[string]any{"legal_basis": a.LegalBasis})
		}
		d.CompleteDue, d.NamedDate = "", false
		if a.NamedDate != "" {
			if _, err := workday.Parse(a.NamedDate); err != nil {
				return apperr.Invalid.With(apperr.Field("named_date", "日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD"))
			}
			if a.NamedDate <= s.today() {
				return apperr.Invalid.With(apperr.Field("named_date", "办理完成日期须晚于今天", "the completion date must be after today"))
			}
			if a.Note == "" {
				return apperr.Invalid.With(apperr.Field("note", "另行约定完成日期时须说明需要加工处理的原因", "say what processing needs the later date"))
			}
			d.CompleteDue, d.NamedDate = a.NamedDate, true
		}
		d.AnswerNote, d.AnsweredAt = a.Note, now
		return s.demandStep(ctx, tx, p, d, EvAccept, facts{}, a.Note, map[string]any{"complete_due": d.CompleteDue, "named_date": d.NamedDate})
	})
}

// ReturnDemand sends a demand back to the authority (the agency is not the data's source).
func (s *Service) ReturnDemand(ctx context.Context, p *authz.Principal, id, reason string) (_ Demand, err error) {
	defer wrapErr(&err, "return demand %s", id)
	reason = clean(reason)
	return s.demandTx(ctx, p, id, EvReturn, func(tx *sql.Tx, d *Demand) error {
		if reason == "" {
			return apperr.Invalid.With(apperr.Field("reason", "请说明退回理由", "give the reason"))
		}
		if d.State != DemandAssigned {
			return ErrState
		}
		if err := s.demandStep(ctx, tx, p, d, EvReturn, facts{}, reason, map[string]any{"returned_by": p.OrgID}); err != nil {
			return err
		}
		d.AssignedOrgID = ""
		return s.saveDemand(ctx, tx, d, false)
	})
}

// CompleteDemand records that the data is now available: done means done — the catalog code of
// the published entry that now holds it, provided by the assigned agency, is required. The
// requester is then offered a share request prefilled from the demand (ResultEntryID).
func (s *Service) CompleteDemand(ctx context.Context, p *authz.Principal, id, entryCode, note string) (_ Demand, err error) {
	defer wrapErr(&err, "complete demand %s", id)
	entryCode, note = strings.ToUpper(clean(entryCode)), clean(note)
	return s.demandTx(ctx, p, id, EvComplete, func(tx *sql.Tx, d *Demand) error {
		if d.State != DemandAccepted {
			return ErrState
		}
		if entryCode == "" {
			return apperr.Invalid.With(apperr.Field("result_entry", "请填写已发布的目录资源代码：数据编目发布后方可办结", "give the catalog code of the published entry: a demand is complete once its data is cataloged and published"))
		}
		e, ok := s.entryByCode(ctx, tx, entryCode)
		if !ok {
			return apperr.Invalid.With(apperr.Field("result_entry", "没有已发布的该代码目录资源", "no published catalog entry has this code"))
		}
		if e.ProviderOrgID != d.AssignedOrgID && e.SourceOrgID != d.AssignedOrgID {
			return apperr.Invalid.With(apperr.Field("result_entry", "该资源不是本部门提供的数据", "the entry is not provided by your agency"))
		}
		d.ResultEntry, d.ResultNote, d.CompletedAt = e.Code, note, s.Now()
		return s.demandStep(ctx, tx, p, d, EvComplete, facts{}, note, map[string]any{"result_entry": e.Code, "result_entry_id": e.ID})
	})
}

// entryByCode finds the published entry with a catalog code.
func (s *Service) entryByCode(ctx context.Context, q db.Q, code string) (catalog.Entry, bool) {
	if code == "" || len(code) > 100 {
		return catalog.Entry{}, false
	}
	var id string
	if err := q.QueryRowContext(ctx, "SELECT id FROM catalog_entries WHERE code = $1 AND live = 1 AND version > 0 ORDER BY id LIMIT 1", code).Scan(&id); err != nil {
		return catalog.Entry{}, false
	}
	e, err := s.Catalog.Published(ctx, id)
	return e, err == nil
}

// ResultEntryID is the id of a completed demand's published entry ("" when none), for the
// share request the requester is offered.
func (s *Service) ResultEntryID(ctx context.Context, d *Demand) string {
	if d.State != DemandCompleted {
		return ""
	}
	e, ok := s.entryByCode(ctx, s.DB, d.ResultEntry)
	if !ok {
		return ""
	}
	return e.ID
}

// PrefillFromDemand fills a share request from a completed demand of p's agency: the entry that
// now holds the data, the demand's scenario, purpose and legal basis, and the entry's fields
// whose names or codes the demand listed.
func (s *Service) PrefillFromDemand(ctx context.Context, p *authz.Principal, demandID string) (_ NewRequest, err error) {
	defer wrapErr(&err, "prefill from demand %s", demandID)
	d, err := s.GetDemand(ctx, p, demandID)
	if err != nil {
		return NewRequest{}, err
	}
	if d.RequesterOrgID != p.OrgID {
		return NewRequest{}, apperr.NotFound
	}
	eid := s.ResultEntryID(ctx, &d)
	if eid == "" {
		return NewRequest{}, ErrState
	}
	e, err := s.Catalog.Published(ctx, eid)
	if err != nil {
		return NewRequest{}, err
	}
	in := NewRequest{EntryID: eid, Scenario: d.Scenario, Purpose: d.Purpose, LegalBasis: d.LegalBasis, Mode: ModeAPI}
	for _, f := range e.Fields {
		if slices.Contains(d.Fields, f.Name) || slices.Contains(d.Fields, f.Label) {
			in.Fields = append(in.Fields, f.Name)
		}
	}
	return in, nil
}

// WithdrawDemand takes a demand back before it is answered.
func (s *Service) WithdrawDemand(ctx context.Context, p *authz.Principal, id string) (_ Demand, err error) {
	defer wrapErr(&err, "withdraw demand %s", id)
	return s.demandTx(ctx, p, id, EvWithdraw, func(tx *sql.Tx, d *Demand) error {
		return s.demandStep(ctx, tx, p, d, EvWithdraw, facts{}, "", nil)
	})
}

// GetDemand returns a demand to those who may see it.
func (s *Service) GetDemand(ctx context.Context, p *authz.Principal, id string) (_ Demand, err error) {
	defer wrapErr(&err, "get demand %s", id)
	d, err := s.loadDemand(ctx, s.DB, id)
	if err != nil {
		return d, err
	}
	if err := authz.ShareDemand(p, authz.Read, d.attrs()); err != nil {
		if p.Authenticated() {
			return Demand{}, apperr.NotFound
		}
		return Demand{}, err
	}
	return d, nil
}

// DemandHistory returns a demand's steps, oldest first.
func (s *Service) DemandHistory(ctx context.Context, p *authz.Principal, id string) (_ []Event, err error) {
	defer wrapErr(&err, "demand history %s", id)
	if _, err := s.GetDemand(ctx, p, id); err != nil {
		return nil, err
	}
	return s.events(ctx, "share_demand", id)
}

// DemandBoxes are the demand lists a principal can open.
func DemandBoxes(p *authz.Principal) []string {
	var out []string
	if p.TokenID != "" {
		return nil
	}
	if p.OrgID != "" && p.Has(authz.DataOfficer, authz.AgencyApprover, authz.SecurityOfficer) {
		out = append(out, "mine", "duty")
	}
	if p.IsAuthority() {
		out = append(out, "region")
	}
	if p.Has(authz.Auditor, authz.Oversight) {
		out = append(out, "all")
	}
	return out
}

// ListDemands returns a demand list: "mine" (filed by p's agency), "duty" (p's responsibility
// list, by deadline), "region" (the authority's), "all" (auditors).
func (s *Service) ListDemands(ctx context.Context, p *authz.Principal, box string, limit, offset int) (_ []Demand, _ int, err error) {
	defer wrapErr(&err, "list demands")
	if !p.Authenticated() {
		return nil, 0, apperr.Unauthenticated
	}
	boxes := DemandBoxes(p)
	if box == "" && len(boxes) > 0 {
		box = boxes[0]
	}
	if !slices.Contains(boxes, box) {
		return nil, 0, apperr.Forbidden
	}
	var cond string
	var args []any
	order := "d.submitted_at DESC, d.id DESC"
	switch box {
	case "mine":
		cond, args = " WHERE d.requester_org_id = $1", []any{p.OrgID}
	case "duty":
		cond, args = " WHERE d.assigned_org_id = $1", []any{p.OrgID}
		order = "CASE WHEN d.due_date = '' THEN 1 ELSE 0 END, d.due_date, d.submitted_at"
	case "region":
		cond, args = " WHERE d.region_code LIKE $1", []any{regionPrefix(p.RegionCode)}
		order = "CASE WHEN d.due_date = '' THEN 1 ELSE 0 END, d.due_date, d.submitted_at"
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM share_demands d"+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, fmt.Sprintf("SELECT %s%s%s ORDER BY %s LIMIT %d OFFSET %d", demandCols, demandFrom, cond, order, limit, max(offset, 0)), args...)
	out, err := db.ScanAll(rows, err, s.scanDemand)
	return out, total, err
}
