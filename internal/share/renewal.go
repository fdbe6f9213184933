package share

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/ids"
	"pubdata/internal/workday"
)

// Renewal (续期, SHR-4, SHR-10) is a consumer's request to keep using a grant past its end date.
// The provider decides it like a request — within DecideDays working days, reminded before and
// escalated to the authority when overdue (share.deadlines) — and, like an approval, it only
// narrows: the renewed grant is never wider than the grant it renews on any axis but the end
// date (the one rule, checkScope in rule.go). Approving it moves the grant's end date (and its
// credentials' validity with it); refusing it leaves the grant to end on its date.
type Renewal struct {
	ID            string       `json:"id"`
	GrantID       string       `json:"grant_id"`
	RequestID     string       `json:"request_id"`
	State         RenewalState `json:"state"`
	OldEndDate    string       `json:"old_end_date"` // the grant's end date when asked
	Fields        []string     `json:"fields"`       // asked: ⊆ the grant's fields
	ClearFields   []string     `json:"clear_fields"`
	Mode          Mode         `json:"mode"`
	EndDate       string       `json:"end_date"` // asked new end date
	Reason        string       `json:"reason"`   // why the use continues
	RequestedByID string       `json:"requested_by_id"`
	RequestedBy   string       `json:"requested_by"`
	RequestedAt   time.Time    `json:"requested_at"`
	DueDate       string       `json:"due_date,omitempty"` // the provider's decision deadline while pending
	EscalatedAt   time.Time    `json:"escalated_at,omitzero"`
	// What was granted on approval (possibly narrower than asked).
	GrantedFields []string  `json:"granted_fields"`
	GrantedClear  []string  `json:"granted_clear_fields"`
	GrantedMode   Mode      `json:"granted_mode,omitempty"`
	GrantedEnd    string    `json:"granted_end_date,omitempty"`
	DecidedBy     string    `json:"decided_by,omitempty"`
	DecidedAt     time.Time `json:"decided_at,omitzero"`
	DecisionNote  string    `json:"decision_note,omitempty"`
	RefuseReason  string    `json:"refuse_reason,omitempty"`
	RefuseBasis   string    `json:"refuse_legal_basis,omitempty"`
	UpdatedAt     time.Time `json:"updated_at"`
	// Remaining working days before DueDate and whether it passed (computed when read, pending only).
	Remaining int  `json:"remaining_workdays"`
	Overdue   bool `json:"overdue"`
	// The due date runs into a year without a holiday table (暂定), set when read.
	workday.Mark

	consumer, entryName, entryRegion, consumerRegion string
	providers                                        []string
}

// RenewalState is where a renewal stands.
type RenewalState string

const (
	RenewalPending   RenewalState = "pending"   // 待审批
	RenewalApproved  RenewalState = "approved"  // 已同意续期
	RenewalRefused   RenewalState = "refused"   // 已拒绝续期
	RenewalWithdrawn RenewalState = "withdrawn" // 已撤回
)

// RenewalStateNames gives each renewal state's Chinese and English name.
var RenewalStateNames = map[RenewalState][2]string{
	RenewalPending:   {"续期待审批", "Renewal awaiting decision"},
	RenewalApproved:  {"已同意续期", "Renewed"},
	RenewalRefused:   {"已拒绝续期", "Renewal refused"},
	RenewalWithdrawn: {"续期申请已撤回", "Renewal withdrawn"},
}

// NewRenewal is what a consumer asks: a later end date and, optionally, a narrower scope (empty
// Fields keep the grant's fields; nil ClearFields keep its clear fields; empty Mode keeps its mode).
type NewRenewal struct {
	EndDate     string   `json:"end_date"`
	Fields      []string `json:"fields"`
	ClearFields []string `json:"clear_fields"`
	Mode        Mode     `json:"mode"`
	Reason      string   `json:"reason"`
}

// RenewalApproval is the provider's yes to a renewal, possibly narrower than asked (as an
// Approval: empty Fields grant what was asked; Mode and EndDate, when empty, keep the asked ones).
type RenewalApproval struct {
	Fields      []string `json:"fields"`
	ClearFields []string `json:"clear_fields"`
	Mode        Mode     `json:"mode"`
	EndDate     string   `json:"end_date"`
	Note        string   `json:"note"`
}

// Errors of renewals.
var (
	ErrRenewalPending = apperr.New(409, "share.renewal_pending", "该授权已有待审批的续期申请", "this grant already has a renewal awaiting decision")
	ErrRenewalGrant   = apperr.New(409, "share.renewal_not_active", "只有有效的共享授权可以申请续期；已到期、撤销的授权请重新申请", "only an active grant can be renewed; file a new request for an ended one")
)

func (n *Renewal) scope(k Kind) Scope {
	return Scope{Kind: k, Fields: n.Fields, ClearFields: n.ClearFields, Mode: n.Mode, EndDate: n.EndDate}
}

func (n *Renewal) attrs() attrs {
	return attrs{consumer: n.consumer, providers: n.providers, entryRegion: n.entryRegion, consumerRegion: n.consumerRegion, grant: n.GrantID}
}

// renewalColumns binds every stored column of share_renewals to its field of n (db.Column): the
// one list the insert, the update and the scan are generated from. A new field on renewals is
// one line here (and its migration); TestRenewalColumnsRoundTrip fails when one is not bound.
func renewalColumns(n *Renewal) []db.Column {
	return []db.Column{
		{Name: "id", Ptr: &n.ID},
		{Name: "grant_id", Ptr: &n.GrantID},
		{Name: "request_id", Ptr: &n.RequestID},
		{Name: "state", Ptr: (*string)(&n.State)},
		{Name: "old_end_date", Ptr: &n.OldEndDate},
		{Name: "fields", Ptr: db.JSONList(&n.Fields)},
		{Name: "clear_fields", Ptr: db.JSONList(&n.ClearFields)},
		{Name: "mode", Ptr: (*string)(&n.Mode)},
		{Name: "end_date", Ptr: &n.EndDate},
		{Name: "reason", Ptr: &n.Reason},
		{Name: "requested_by_id", Ptr: &n.RequestedByID},
		{Name: "requested_by", Ptr: &n.RequestedBy},
		{Name: "requested_at", Ptr: db.TimeMillis(&n.RequestedAt)},
		{Name: "due_date", Ptr: &n.DueDate},
		{Name: "escalated_at", Ptr: db.TimeMillis(&n.EscalatedAt)},
		{Name: "granted_fields", Ptr: db.JSONList(&n.GrantedFields)},
		{Name: "granted_clear", Ptr: db.JSONList(&n.GrantedClear)},
		{Name: "granted_mode", Ptr: (*string)(&n.GrantedMode)},
		{Name: "granted_end", Ptr: &n.GrantedEnd},
		{Name: "decided_by", Ptr: &n.DecidedBy},
		{Name: "decided_at", Ptr: db.TimeMillis(&n.DecidedAt)},
		{Name: "decision_note", Ptr: &n.DecisionNote},
		{Name: "refuse_reason", Ptr: &n.RefuseReason},
		{Name: "refuse_basis", Ptr: &n.RefuseBasis},
		{Name: "updated_at", Ptr: db.TimeMillis(&n.UpdatedAt)},
	}
}

// renewalJoined are the facts of the grant joined in for authorization (not stored on the renewal).
func renewalJoined(n *Renewal) []any {
	return []any{&n.consumer, &n.entryName, &n.entryRegion, &n.consumerRegion, db.JSONList(&n.providers)}
}

var (
	insertRenewalSQL = db.InsertSQL("share_renewals", renewalColumns(&Renewal{}))
	updateRenewalSQL = db.UpdateSQL("share_renewals", renewalColumns(&Renewal{}))
	// renewalCols is the select list of a renewal: its stored columns, then the grant's facts.
	renewalCols = db.Names(renewalColumns(&Renewal{}), "n.") + ", g.consumer_org_id, g.entry_name, g.entry_region, g.consumer_region, g.provider_orgs"
)

const renewalFrom = ` FROM share_renewals n JOIN share_grants g ON g.id = n.grant_id`

func (s *Service) scanRenewal(sc scanner) (Renewal, error) {
	var n Renewal
	if err := sc.Scan(append(db.Dests(renewalColumns(&n)), renewalJoined(&n)...)...); err != nil {
		return n, err
	}
	if n.State == RenewalPending {
		n.Remaining, n.Overdue = s.remaining(n.DueDate)
		n.Mark = s.Calendar.Mark(n.DueDate, s.Now())
	} else {
		n.DueDate = ""
	}
	return n, nil
}

func (s *Service) readRenewal(ctx context.Context, q db.Q, id string) (Renewal, error) {
	return s.scanRenewal(q.QueryRowContext(ctx, "SELECT "+renewalCols+renewalFrom+" WHERE n.id = $1", id))
}

// loadRenewal reads one renewal.
func (s *Service) loadRenewal(ctx context.Context, q db.Q, id string) (Renewal, error) {
	return found(s.readRenewal(ctx, q, id))
}

// lockRenewal reads one renewal under its row lock, for a state change in tx.
func (s *Service) lockRenewal(ctx context.Context, tx db.Q, id string) (Renewal, error) {
	return found(db.LoadLocked(ctx, tx, s.DB, "share_renewals", id, func(q db.Q) (Renewal, error) { return s.readRenewal(ctx, q, id) }))
}

// saveRenewal writes a renewal row (insert for a new one), every column from renewalColumns.
func (s *Service) saveRenewal(ctx context.Context, q db.Q, n *Renewal, insert bool) error {
	query := updateRenewalSQL
	if insert {
		query = insertRenewalSQL
	}
	_, err := q.ExecContext(ctx, query, db.Values(renewalColumns(n))...)
	return err
}

// renewalEntry reads the grant's entry as published now, for the rule.
func (s *Service) renewalEntry(ctx context.Context, entryID string) (*catalog.Entry, error) {
	e, efe := s.entryFor(ctx, entryID)
	if efe != nil {
		return nil, apperr.Invalid.With(*efe)
	}
	return &e, nil
}

// RequestRenewal files a renewal of an active grant for p, a member of the consumer agency
// (SHR-4): a later end date (at most three years ahead) and at most the grant's scope. The
// provider is told and must decide within DecideDays working days.
func (s *Service) RequestRenewal(ctx context.Context, p *authz.Principal, grantID string, in NewRenewal) (_ Renewal, err error) {
	defer wrapErr(&err, "request renewal of grant %s", grantID)
	g, err := s.GetGrant(ctx, p, grantID)
	if err != nil {
		return Renewal{}, err
	}
	if err := authz.Share(p, authz.ShareWithdraw, g.attrs().authz()); err != nil { // the consumer's own step on its grant
		return Renewal{}, err
	}
	if g.Status != GrantActive {
		return Renewal{}, ErrRenewalGrant
	}
	in.EndDate, in.Reason = clean(in.EndDate), clean(in.Reason)
	n := Renewal{ID: ids.New(), GrantID: g.ID, RequestID: g.RequestID, State: RenewalPending, OldEndDate: g.EndDate,
		Fields: normList(in.Fields), ClearFields: normList(in.ClearFields), Mode: in.Mode, EndDate: in.EndDate, Reason: in.Reason,
		RequestedByID: p.UserID, RequestedBy: actorName(p), consumer: g.ConsumerOrgID, providers: g.ProviderOrgs,
		entryName: g.EntryName, entryRegion: g.EntryRegion, consumerRegion: g.ConsumerRegion}
	if len(in.Fields) == 0 {
		n.Fields = g.Fields
		if in.ClearFields == nil {
			n.ClearFields = g.ClearFields
		}
	}
	if n.Mode == "" {
		n.Mode = g.Mode
	}
	fe := s.checkEndDate("end_date", n.EndDate, "")
	if len(fe) == 0 && n.EndDate <= g.EndDate {
		fe = append(fe, apperr.Field("end_date", "续期的截止日期须晚于授权现在的截止日期 "+g.EndDate, "the renewed end date must be after the grant's current end date "+g.EndDate))
	}
	if n.Reason == "" {
		fe = append(fe, apperr.Field("reason", "请说明继续使用的理由", "say why the use continues"))
	}
	e, err := s.renewalEntry(ctx, g.EntryID)
	if err != nil {
		return Renewal{}, err
	}
	// The rule: the renewal is measured against the grant as the request, with the asked end date.
	asked := g.scope()
	asked.EndDate = n.EndDate
	if len(fe) > 0 {
		asked.EndDate = "9999-12-31" // the end date is already named
	}
	fe = append(fe, s.checkScope(e, asked, Scope{Kind: g.Kind, Fields: n.Fields, ClearFields: n.ClearFields, Mode: n.Mode, EndDate: asked.EndDate}, "fields")...)
	if err := apperr.Validation(fe); err != nil {
		return Renewal{}, err
	}
	now := s.Now()
	n.RequestedAt, n.UpdatedAt, n.DueDate = now, now, s.addWorkdays(now, s.DecideDays)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var pending int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM share_renewals WHERE grant_id = $1 AND state = 'pending'", g.ID).Scan(&pending); err != nil {
			return err
		}
		if pending > 0 {
			return ErrRenewalPending
		}
		if err := s.saveRenewal(ctx, tx, &n, true); err != nil {
			return err
		}
		return s.renewalStep(ctx, tx, p, &n, "renew", fmt.Sprintf("%s → %s：%s", n.OldEndDate, n.EndDate, n.Reason),
			map[string]any{"end_date": n.EndDate, "old_end_date": n.OldEndDate, "fields": n.Fields, "clear_fields": n.ClearFields, "mode": n.Mode, "due": n.DueDate},
			g.ProviderOrgID, "续期申请待审批："+g.EntryName, "Grant renewal awaiting your decision: "+g.EntryName,
			fmt.Sprintf("%s 申请将授权延长至 %s；请在 %s 前答复（%d 个工作日）。理由：%s", g.ConsumerName, n.EndDate, n.DueDate, s.DecideDays, n.Reason),
			fmt.Sprintf("The consumer asks to extend the grant to %s; please decide by %s (%d working days).", n.EndDate, n.DueDate, s.DecideDays))
	})
	if err != nil {
		return Renewal{}, err
	}
	return s.loadRenewal(ctx, s.DB, n.ID)
}

// renewalStep records a renewal step in the request's history, the audit log and one inbox.
func (s *Service) renewalStep(ctx context.Context, tx db.Q, p *authz.Principal, n *Renewal, ev, note string, detail map[string]any,
	to, titleZH, titleEN, bodyZH, bodyEN string) error {
	st := string(StateActive)
	if err := s.history(ctx, tx, p, "share_request", n.RequestID, ev, st, st, note); err != nil {
		return err
	}
	if detail == nil {
		detail = map[string]any{}
	}
	detail["renewal_id"], detail["grant_id"] = n.ID, n.GrantID
	verb := map[string]string{"renew": "request", "renew_approve": "approve", "renew_refuse": "refuse", "renew_withdraw": "withdraw"}[ev]
	ae := auditEvent(p, "share.renewal."+verb, "share_renewal", n.ID, detail)
	ae.GrantID = n.GrantID
	if err := s.Audit.Record(ctx, tx, ae); err != nil {
		return err
	}
	return s.sendOrg(ctx, tx, to, "info", titleZH, titleEN, bodyZH, bodyEN, "/share/grants/"+n.GrantID+"#renewals", "share_grant", n.GrantID, "")
}

// renewalTx loads a renewal under lock, checks p may see its grant, and runs fn in one transaction.
func (s *Service) renewalTx(ctx context.Context, p *authz.Principal, id string, act authz.Action, fn func(tx *sql.Tx, n *Renewal) error) (Renewal, error) {
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		n, err := s.lockRenewal(ctx, tx, id)
		if err != nil {
			return err
		}
		a := n.attrs().authz()
		if err := authz.Share(p, authz.Read, a); err != nil {
			if p.Authenticated() {
				return apperr.NotFound
			}
			return err
		}
		if err := authz.Share(p, act, a); err != nil {
			return err
		}
		if n.State != RenewalPending {
			return ErrState
		}
		return fn(tx, &n)
	})
	if err != nil {
		return Renewal{}, err
	}
	return s.loadRenewal(ctx, s.DB, id)
}

// ApproveRenewal decides yes (the provider's approver): the grant's end date moves to the
// approved one (at most the asked one), its fields, clear fields and mode narrow as approved,
// and its live credentials are extended with it (never past the new end date, nor a year past
// today). The approval is measured against the renewal by the one rule.
func (s *Service) ApproveRenewal(ctx context.Context, p *authz.Principal, id string, a RenewalApproval) (_ Renewal, err error) {
	defer wrapErr(&err, "approve renewal %s", id)
	var grantID string
	n, err := s.renewalTx(ctx, p, id, authz.ShareDecide, func(tx *sql.Tx, n *Renewal) error {
		g, err := s.loadGrant(ctx, tx, n.GrantID)
		if err != nil {
			return err
		}
		if g.Status != GrantActive && g.Status != GrantSuspended {
			return ErrRenewalGrant
		}
		fields, clear := normList(a.Fields), normList(a.ClearFields)
		if len(a.Fields) == 0 {
			fields = n.Fields
			if a.ClearFields == nil {
				clear = n.ClearFields
			}
		}
		mode, end := a.Mode, clean(a.EndDate)
		if mode == "" {
			mode = n.Mode
		}
		if end == "" {
			end = n.EndDate
		}
		fe := s.checkEndDate("end_date", end, "")
		scopeEnd := end
		if len(fe) > 0 {
			scopeEnd = n.EndDate
		} else if end <= g.EndDate {
			fe = append(fe, apperr.Field("end_date", "续期的截止日期须晚于授权现在的截止日期 "+g.EndDate, "the renewed end date must be after the grant's current end date "+g.EndDate))
		}
		e, err := s.renewalEntry(ctx, g.EntryID)
		if err != nil {
			return err
		}
		fe = append(fe, s.checkScope(e, n.scope(g.Kind), Scope{Kind: g.Kind, Fields: fields, ClearFields: clear, Mode: mode, EndDate: scopeEnd}, "fields")...)
		if err := apperr.Validation(fe); err != nil {
			return err
		}
		now := s.Now()
		n.State, n.GrantedFields, n.GrantedClear, n.GrantedMode, n.GrantedEnd = RenewalApproved, fields, clear, mode, end
		n.DecidedBy, n.DecidedAt, n.DecisionNote, n.UpdatedAt = actorName(p), now, clean(a.Note), now
		if err := s.saveRenewal(ctx, tx, n, false); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE share_grants SET fields = $1, clear_fields = $2, mode = $3, end_date = $4, rev = rev + 1, updated_at = $5 WHERE id = $6`,
			jsonList(fields), jsonList(clear), string(mode), end, db.Millis(now), g.ID); err != nil {
			return err
		}
		// The request carries the grant's life (the expiry job reads its end date).
		if _, err := tx.ExecContext(ctx, "UPDATE share_requests SET end_date = $1, updated_at = $2 WHERE id = $3", end, db.Millis(now), g.RequestID); err != nil {
			return err
		}
		if g.Limits.Filterable != nil { // filters only on what is still granted and in clear
			var keep []string
			for _, f := range g.Limits.Filterable {
				if ef, ok := e.Field(f); ok && slices.Contains(fields, f) && s.filterCandidate(e, &ef, g.Kind, clear) {
					keep = append(keep, f)
				}
			}
			if _, err := tx.ExecContext(ctx, "UPDATE share_grant_limits SET filterable = $1 WHERE grant_id = $2", jsonList(keep), g.ID); err != nil {
				return err
			}
		}
		if err := s.extendCredentials(ctx, tx, g.ID, end); err != nil {
			return err
		}
		grantID = g.ID
		narrowed := len(fields) < len(g.Fields) || len(clear) < len(g.ClearFields) || mode != g.Mode || end != n.EndDate
		return s.renewalStep(ctx, tx, p, n, "renew_approve", fmt.Sprintf("%s → %s", g.EndDate, end),
			map[string]any{"end_date": end, "old_end_date": g.EndDate, "fields": fields, "clear_fields": clear, "mode": mode, "narrowed": narrowed},
			g.ConsumerOrgID, "续期已同意："+g.EntryName, "Grant renewed: "+g.EntryName,
			fmt.Sprintf("授权已延长至 %s，现有调用凭证的有效期随之延长。%s", end, n.DecisionNote),
			fmt.Sprintf("The grant now ends on %s; its credentials are extended with it. %s", end, n.DecisionNote))
	})
	if grantID != "" {
		s.gw.forget(grantID)
	}
	return n, err
}

// extendCredentials moves the expiry of a grant's live credentials to the end of its new end
// date (midnight at its close, Beijing time), at most 366 days from now — as when issued.
func (s *Service) extendCredentials(ctx context.Context, tx db.Q, grantID, end string) error {
	d, err := workday.Parse(end)
	if err != nil {
		return err
	}
	now := s.Now()
	exp := d.AddDate(0, 0, 1)
	if lim := now.Add(366 * 24 * time.Hour); exp.After(lim) {
		exp = lim
	}
	if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET expires_at = $1 WHERE revoked_at = 0 AND expires_at > $2 AND expires_at < $1
		AND id IN (SELECT token_id FROM share_credentials WHERE grant_id = $3)`, db.Millis(exp), db.Millis(now), grantID); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE share_credentials SET expires_at = (SELECT t.expires_at FROM api_tokens t WHERE t.id = share_credentials.token_id)
		WHERE grant_id = $1 AND token_id IN (SELECT id FROM api_tokens)`, grantID)
	return err
}

// RefuseRenewal decides no, with a reason and a legal basis; the grant ends on its date.
func (s *Service) RefuseRenewal(ctx context.Context, p *authz.Principal, id string, rf Refusal) (_ Renewal, err error) {
	defer wrapErr(&err, "refuse renewal %s", id)
	rf.Reason, rf.LegalBasis = clean(rf.Reason), clean(rf.LegalBasis)
	return s.renewalTx(ctx, p, id, authz.ShareDecide, func(tx *sql.Tx, n *Renewal) error {
		var fe []apperr.FieldError
		if rf.Reason == "" {
			fe = append(fe, apperr.Field("reason", "拒绝须说明理由", "a refusal needs a reason"))
		}
		if rf.LegalBasis == "" {
			fe = append(fe, apperr.Field("legal_basis", "拒绝须说明法律依据", "a refusal needs a legal basis"))
		}
		if err := apperr.Validation(fe); err != nil {
			return err
		}
		now := s.Now()
		n.State, n.RefuseReason, n.RefuseBasis, n.DecidedBy, n.DecidedAt, n.UpdatedAt = RenewalRefused, rf.Reason, rf.LegalBasis, actorName(p), now, now
		if err := s.saveRenewal(ctx, tx, n, false); err != nil {
			return err
		}
		return s.renewalStep(ctx, tx, p, n, "renew_refuse", rf.Reason, map[string]any{"legal_basis": rf.LegalBasis},
			n.consumer, "续期未获同意："+n.entryName, "Grant renewal refused: "+n.entryName,
			fmt.Sprintf("理由：%s；依据：%s。授权将于 %s 到期。", rf.Reason, rf.LegalBasis, n.OldEndDate),
			fmt.Sprintf("Reason: %s; legal basis: %s. The grant ends on %s.", rf.Reason, rf.LegalBasis, n.OldEndDate))
	})
}

// WithdrawRenewal takes back a renewal not yet decided (the consumer).
func (s *Service) WithdrawRenewal(ctx context.Context, p *authz.Principal, id, note string) (_ Renewal, err error) {
	defer wrapErr(&err, "withdraw renewal %s", id)
	return s.renewalTx(ctx, p, id, authz.ShareWithdraw, func(tx *sql.Tx, n *Renewal) error {
		n.State, n.UpdatedAt = RenewalWithdrawn, s.Now()
		if err := s.saveRenewal(ctx, tx, n, false); err != nil {
			return err
		}
		return s.renewalStep(ctx, tx, p, n, "renew_withdraw", clean(note), nil, "", "", "", "", "")
	})
}

// GetRenewal returns one renewal for those who may see its grant.
func (s *Service) GetRenewal(ctx context.Context, p *authz.Principal, id string) (_ Renewal, err error) {
	defer wrapErr(&err, "get renewal %s", id)
	n, err := s.loadRenewal(ctx, s.DB, id)
	if err != nil {
		return n, err
	}
	if err := authz.Share(p, authz.Read, n.attrs().authz()); err != nil {
		if p.Authenticated() {
			return Renewal{}, apperr.NotFound
		}
		return Renewal{}, err
	}
	return n, nil
}

// Renewals lists a grant's renewals, newest first.
func (s *Service) Renewals(ctx context.Context, p *authz.Principal, grantID string) (_ []Renewal, err error) {
	defer wrapErr(&err, "renewals of grant %s", grantID)
	if _, err := s.GetGrant(ctx, p, grantID); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+renewalCols+renewalFrom+" WHERE n.grant_id = $1 ORDER BY n.requested_at DESC, n.id DESC LIMIT 50", grantID)
	return db.ScanAll(rows, err, s.scanRenewal)
}
