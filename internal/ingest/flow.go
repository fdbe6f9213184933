package ingest

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/notify"
	"pubdata/internal/workday"
)

// DataReturn is a request that an upper-level node return (回流) an entry's data to a lower
// region (AGG-6, NM 19, BT 20). It is recorded and audited like a share: purpose, legal basis,
// the fields needed (minimum), an end date, a decision with reasons, and every fetch.
type DataReturn struct {
	ID            string   `json:"id"`
	EntryID       string   `json:"entry_id"`
	EntryName     string   `json:"entry_name,omitempty"`
	FromRegion    string   `json:"from_region"`
	ToRegion      string   `json:"to_region"`
	RequesterID   string   `json:"requester_id"`
	RequesterName string   `json:"requester_name"`
	RequesterOrg  string   `json:"requester_org"`
	Purpose       string   `json:"purpose"`
	LegalBasis    string   `json:"legal_basis,omitempty"`
	Fields        []string `json:"fields"`
	// Filters name the rows needed (field → value, all must hold); rows outside ToRegion are
	// never delivered whatever the filters (returnscope.go).
	Filters map[string]string `json:"filters"`
	// ClearFields are the requested fields asked in clear, with ClearReason; ApprovedClear are
	// the ones the decision allowed. Every other field is masked per grade.
	ClearFields   []string `json:"clear_fields"`
	ClearReason   string   `json:"clear_reason,omitempty"`
	ApprovedClear []string `json:"approved_clear"`
	EndDate       string   `json:"end_date,omitempty"` // YYYY-MM-DD
	// DueDate is when the decision is due (ReturnDecideDays working days after the request).
	DueDate string `json:"due_date,omitempty"`
	Overdue bool   `json:"overdue"`
	Status  string `json:"status"`
	// The due date runs into a year without a holiday table (暂定), set when read.
	workday.Mark

	DecidedBy string    `json:"decided_by,omitempty"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
	Reason    string    `json:"reason,omitempty"`
	LoadID    string    `json:"load_id,omitempty"`
	Version   int64     `json:"version,omitempty"`
	Rows      int64     `json:"rows,omitempty"`
	Checksum  string    `json:"checksum,omitempty"`
	Downloads int64     `json:"downloads"`
	CreatedAt time.Time `json:"created_at"`
}

// Return states and events.
const (
	ReturnRequested = "requested" // 已申请
	ReturnApproved  = "approved"  // 已同意（已回流）
	ReturnRefused   = "refused"   // 已拒绝
	ReturnCancelled = "cancelled" // 已撤回
	ReturnRevoked   = "revoked"   // 已终止

	EventApprove = "approve"
	EventRefuse  = "refuse"
	EventCancel  = "cancel"
	EventRevoke  = "revoke"
)

// returnFlow is the state machine of a data return: (state, event) → state.
var returnFlow = map[[2]string]string{
	{ReturnRequested, EventApprove}: ReturnApproved,
	{ReturnRequested, EventRefuse}:  ReturnRefused,
	{ReturnRequested, EventCancel}:  ReturnCancelled,
	{ReturnApproved, EventRevoke}:   ReturnRevoked,
}

var errReturnState = apperr.New(http.StatusConflict, "return_state", "回流申请当前状态不允许此操作", "the return request's state does not allow this")

// ReturnInput is a return request.
type ReturnInput struct {
	EntryID    string   `json:"entry_id"`
	Purpose    string   `json:"purpose"`
	LegalBasis string   `json:"legal_basis"`
	Fields     []string `json:"fields"`   // empty = every field
	EndDate    string   `json:"end_date"` // YYYY-MM-DD, optional
	// Filters name the rows needed (field → value); the region scope applies in any case.
	Filters map[string]string `json:"filters"`
	// ClearFields asks for clear values of masked fields; ClearReason justifies it.
	ClearFields []string `json:"clear_fields"`
	ClearReason string   `json:"clear_reason"`
}

// ReturnDecideDays is the decision deadline of a return request in working days (as a
// conditional share request's answer, SHR-4).
const ReturnDecideDays = 5

// ReturnDecision is an event on a return request. ClearFields (approve only) lists the asked
// clear fields the decision allows; none means every field stays masked per grade.
type ReturnDecision struct {
	Event       string   `json:"event"`
	Reason      string   `json:"reason"`
	ClearFields []string `json:"clear_fields"`
}

const returnCols = `id, entry_id, from_region, to_region, requester_id, requester_name, requester_org, purpose, legal_basis, fields, status,
	decided_by, decided_at, reason, load_id, version, rows_count, checksum, end_date, downloads, created_at,
	filters, clear_fields, clear_reason, approved_clear, due_date`

func scanReturn(sc interface{ Scan(...any) error }) (DataReturn, error) {
	var r DataReturn
	var fields, filters, clear, approved string
	var decided, created int64
	err := sc.Scan(&r.ID, &r.EntryID, &r.FromRegion, &r.ToRegion, &r.RequesterID, &r.RequesterName, &r.RequesterOrg, &r.Purpose, &r.LegalBasis, &fields,
		&r.Status, &r.DecidedBy, &decided, &r.Reason, &r.LoadID, &r.Version, &r.Rows, &r.Checksum, &r.EndDate, &r.Downloads, &created,
		&filters, &clear, &r.ClearReason, &approved, &r.DueDate)
	json.Unmarshal([]byte(fields), &r.Fields)
	json.Unmarshal([]byte(filters), &r.Filters)
	json.Unmarshal([]byte(clear), &r.ClearFields)
	json.Unmarshal([]byte(approved), &r.ApprovedClear)
	if r.Filters == nil {
		r.Filters = map[string]string{}
	}
	if r.ClearFields == nil {
		r.ClearFields = []string{}
	}
	if r.ApprovedClear == nil {
		r.ApprovedClear = []string{}
	}
	r.DecidedAt, r.CreatedAt = db.FromMillis(decided), db.FromMillis(created)
	return r, err
}

// dated sets the computed deadline facts of r at now.
func (s *Service) dated(r *DataReturn) {
	if r.Status == ReturnRequested && r.DueDate != "" {
		if d, err := workday.Parse(r.DueDate); err == nil {
			r.Overdue = workday.Overdue(d, s.now())
		}
		r.Mark = s.calendar().Mark(r.DueDate, s.now())
	}
}

// authorityOf returns the data authority organization of a region ("" if none).
func (s *Service) authorityOf(ctx context.Context, q db.Q, region string) string {
	var id string
	q.QueryRowContext(ctx, "SELECT id FROM orgs WHERE kind = 'authority' AND region_code = $1 ORDER BY id LIMIT 1", region).Scan(&id)
	return id
}

// RequestReturn files a return request for p's own (lower) region.
func (s *Service) RequestReturn(ctx context.Context, p *authz.Principal, in ReturnInput, clientIP string) (_ DataReturn, err error) {
	defer errs.Wrap(&err, "ingest: RequestReturn")
	e, err := s.entry(ctx, in.EntryID)
	if err != nil {
		return DataReturn{}, err
	}
	if err := authz.DataReturn(p, authz.ReturnRequest, authz.ReturnAttrs{EntryRegion: e.RegionCode, ToRegion: p.RegionCode, RequesterOrg: p.OrgID}); err != nil {
		return DataReturn{}, err
	}
	var fe []apperr.FieldError
	if strings.TrimSpace(in.Purpose) == "" {
		fe = append(fe, apperr.Field("purpose", "请说明回流用途（应用场景）", "state the purpose (scenario) of the return"))
	}
	for _, f := range in.Fields {
		if _, ok := e.Field(f); !ok {
			fe = append(fe, apperr.Field("fields", "未知信息项："+f, "unknown field: "+f))
		}
	}
	if in.EndDate != "" {
		if _, err := workday.Parse(in.EndDate); err != nil {
			fe = append(fe, apperr.Field("end_date", "截止日期格式应为 YYYY-MM-DD", "end date must be YYYY-MM-DD"))
		}
	}
	fe = append(fe, checkReturnInput(e, p.RegionCode, &in)...)
	if err := apperr.Validation(fe); err != nil {
		return DataReturn{}, err
	}
	if len(in.Fields) == 0 {
		for _, f := range e.Fields {
			in.Fields = append(in.Fields, f.Name)
		}
	}
	r := DataReturn{ID: ids.New(), EntryID: e.ID, EntryName: e.Name, FromRegion: e.RegionCode, ToRegion: p.RegionCode, RequesterID: p.UserID,
		RequesterName: p.Username, RequesterOrg: p.OrgID, Purpose: strings.TrimSpace(in.Purpose), LegalBasis: strings.TrimSpace(in.LegalBasis),
		Fields: in.Fields, Filters: in.Filters, ClearFields: in.ClearFields, ClearReason: strings.TrimSpace(in.ClearReason), ApprovedClear: []string{},
		EndDate: in.EndDate, Status: ReturnRequested, CreatedAt: s.now()}
	if r.Filters == nil {
		r.Filters = map[string]string{}
	}
	r.DueDate = workday.Format(s.calendar().AddWorkdays(r.CreatedAt, ReturnDecideDays))
	fj, _ := json.Marshal(r.Fields)
	flj, _ := json.Marshal(r.Filters)
	cj, _ := json.Marshal(r.ClearFields)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ingest_returns (id, entry_id, from_region, to_region, requester_id, requester_name, requester_org,
			purpose, legal_basis, fields, status, end_date, created_at, filters, clear_fields, clear_reason, due_date)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`,
			r.ID, r.EntryID, r.FromRegion, r.ToRegion, r.RequesterID, r.RequesterName, r.RequesterOrg, r.Purpose, r.LegalBasis, string(fj),
			r.Status, r.EndDate, db.Millis(r.CreatedAt), string(flj), string(cj), r.ClearReason, r.DueDate); err != nil {
			return err
		}
		if auth := s.authorityOf(ctx, tx, r.FromRegion); s.Notify != nil && auth != "" {
			if _, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: auth, Kind: "info", TitleZH: "待审批的数据回流申请：" + e.Name,
				TitleEN: "Data return to decide: " + firstNonEmpty(e.NameEN, e.Name), BodyZH: "下级区域 " + r.ToRegion + " 申请回流，请于 " + r.DueDate + " 前审批。用途：" + r.Purpose,
				BodyEN: "Region " + r.ToRegion + " asks for a return; decide by " + r.DueDate + ". Purpose: " + r.Purpose, Link: "/ingest/returns",
				ObjectType: "data_return", ObjectID: r.ID}); err != nil {
				return err
			}
		}
		if s.Notify != nil {
			if _, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: e.ProviderOrgID, Kind: "info", TitleZH: "数据回流申请：" + e.Name,
				TitleEN: "Data return requested: " + firstNonEmpty(e.NameEN, e.Name), BodyZH: "下级区域 " + r.ToRegion + " 申请回流该目录数据，用途：" + r.Purpose,
				BodyEN: "Region " + r.ToRegion + " asks for this entry's data to be returned; purpose: " + r.Purpose, Link: "/ingest/returns",
				ObjectType: "data_return", ObjectID: r.ID}); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "ingest.return.request",
			ObjectType: "data_return", ObjectID: r.ID, GrantID: r.ID, Purpose: r.Purpose, ClientIP: clientIP,
			Detail: map[string]any{"entry_id": e.ID, "to_region": r.ToRegion, "fields": r.Fields, "filters": r.Filters, "clear_fields": r.ClearFields, "due_date": r.DueDate}})
	})
	return r, err
}

// GetReturn returns one return request.
func (s *Service) GetReturn(ctx context.Context, p *authz.Principal, id string) (_ DataReturn, err error) {
	defer errs.Wrap(&err, "ingest: GetReturn(%s)", id)
	r, err := scanReturn(s.DB.QueryRowContext(ctx, "SELECT "+returnCols+" FROM ingest_returns WHERE id = $1", id))
	if db.IsNoRows(err) {
		return r, apperr.NotFound
	}
	if err != nil {
		return r, err
	}
	if err := authz.DataReturn(p, authz.Read, authz.ReturnAttrs{EntryRegion: r.FromRegion, ToRegion: r.ToRegion, RequesterOrg: r.RequesterOrg}); err != nil {
		return DataReturn{}, err
	}
	if e, err := s.entry(ctx, r.EntryID); err == nil {
		r.EntryName = e.Name
	}
	s.dated(&r)
	return r, nil
}

// Returns lists the return requests p may read, newest first.
func (s *Service) Returns(ctx context.Context, p *authz.Principal) (_ []DataReturn, err error) {
	defer errs.Wrap(&err, "ingest: Returns")
	rows, err := s.DB.QueryContext(ctx, "SELECT "+returnCols+" FROM ingest_returns ORDER BY created_at DESC LIMIT 500")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []DataReturn{}
	for rows.Next() {
		r, err := scanReturn(rows)
		if err != nil {
			return nil, err
		}
		if authz.DataReturn(p, authz.Read, authz.ReturnAttrs{EntryRegion: r.FromRegion, ToRegion: r.ToRegion, RequesterOrg: r.RequesterOrg}) == nil {
			s.dated(&r)
			out = append(out, r)
		}
	}
	return out, rows.Err()
}

// DecideReturn applies an event (approve, refuse, cancel, revoke) to a return request. Approval
// pins the entry's current version, so the returned data stays available whatever the retention.
func (s *Service) DecideReturn(ctx context.Context, p *authz.Principal, id, event, reason, clientIP string) (_ DataReturn, err error) {
	defer errs.Wrap(&err, "ingest: DecideReturn(%s)", id)
	return s.DecideReturnWith(ctx, p, id, ReturnDecision{Event: event, Reason: reason}, clientIP)
}

// DecideReturnWith applies a decision. Approval counts the rows in scope and allows clear
// values only for asked clear fields named in d.ClearFields.
func (s *Service) DecideReturnWith(ctx context.Context, p *authz.Principal, id string, d ReturnDecision, clientIP string) (_ DataReturn, err error) {
	defer errs.Wrap(&err, "ingest: DecideReturnWith(%s)", id)
	event, reason := d.Event, d.Reason
	r, err := scanReturn(s.DB.QueryRowContext(ctx, "SELECT "+returnCols+" FROM ingest_returns WHERE id = $1", id))
	if db.IsNoRows(err) {
		return r, apperr.NotFound
	}
	if err != nil {
		return r, err
	}
	attrs := authz.ReturnAttrs{EntryRegion: r.FromRegion, ToRegion: r.ToRegion, RequesterOrg: r.RequesterOrg}
	act := authz.ReturnDecide
	if event == EventCancel {
		act = authz.ReturnRequest
	}
	if err := authz.DataReturn(p, act, attrs); err != nil {
		return r, err
	}
	next, ok := returnFlow[[2]string{r.Status, event}]
	if !ok {
		return r, errReturnState
	}
	if event == EventRefuse && strings.TrimSpace(reason) == "" {
		return r, apperr.Invalid.With(apperr.Field("reason", "拒绝须说明理由和依据", "a refusal needs a reason and legal basis"))
	}
	approved := []string{}
	if event == EventApprove {
		for _, c := range d.ClearFields {
			c = strings.TrimSpace(c)
			if c == "" || slices.Contains(approved, c) {
				continue
			}
			if !slices.Contains(r.ClearFields, c) {
				return r, apperr.Invalid.With(apperr.Field("clear_fields", "只能批准申请中说明了理由的明文信息项："+c, "only clear fields that were asked and justified can be approved: "+c))
			}
			approved = append(approved, c)
		}
	}
	var sc *returnScope
	var t *table
	if event == EventApprove {
		e, err := s.entry(ctx, r.EntryID)
		if err != nil {
			return r, err
		}
		r.ApprovedClear = approved
		if sc, err = scopeOf(e, &r); err != nil {
			return r, err
		}
		if t, err = s.tableOf(ctx, s.DB, r.EntryID, false); err != nil || t.CurrentVersion == 0 {
			return r, ErrNoData
		}
		r.Rows = 0
		if err := s.scopedRecords(ctx, t, t.CurrentVersion, sc, func(Record) error { r.Rows++; return nil }); err != nil {
			return r, err
		}
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if event == EventApprove {
			l, err := scanLoad(tx.QueryRowContext(ctx, "SELECT "+loadCols+" FROM ingest_loads WHERE id = $1", t.CurrentLoadID))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE ingest_loads SET pinned = 1 WHERE id = $1", l.ID); err != nil {
				return err
			}
			r.LoadID, r.Version, r.Checksum = l.ID, l.Version, l.Checksum
		}
		r.Status, r.DecidedBy, r.DecidedAt, r.Reason = next, p.Username, s.now(), strings.TrimSpace(reason)
		aj, _ := json.Marshal(r.ApprovedClear)
		res, err := tx.ExecContext(ctx, `UPDATE ingest_returns SET status = $2, decided_by = $3, decided_at = $4, reason = $5, load_id = $6,
			version = $7, rows_count = $8, checksum = $9, approved_clear = $11 WHERE id = $1 AND status = $10`,
			r.ID, r.Status, r.DecidedBy, db.Millis(r.DecidedAt), r.Reason, r.LoadID, r.Version, r.Rows, r.Checksum, stateBefore(event), string(aj))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errReturnState
		}
		if s.Notify != nil && event != EventCancel {
			if _, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: r.RequesterOrg, Kind: "info", TitleZH: "数据回流申请已处理：" + returnStatusZH(next),
				TitleEN: "Data return request: " + next, BodyZH: r.Reason, BodyEN: r.Reason, Link: "/ingest/returns", ObjectType: "data_return", ObjectID: r.ID}); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "ingest.return." + event,
			ObjectType: "data_return", ObjectID: r.ID, GrantID: r.ID, Purpose: r.Purpose, ClientIP: clientIP,
			Detail: map[string]any{"entry_id": r.EntryID, "to_region": r.ToRegion, "version": r.Version, "rows": r.Rows, "checksum": r.Checksum, "reason": r.Reason,
				"approved_clear": r.ApprovedClear}})
	})
	return r, err
}

func stateBefore(event string) string {
	for k := range returnFlow {
		if k[1] == event {
			return k[0]
		}
	}
	return ""
}

func returnStatusZH(s string) string {
	switch s {
	case ReturnApproved:
		return "已同意"
	case ReturnRefused:
		return "已拒绝"
	case ReturnRevoked:
		return "已终止"
	case ReturnCancelled:
		return "已撤回"
	}
	return "已申请"
}

var errReturnExpired = apperr.New(http.StatusForbidden, "return_expired", "回流授权已过截止日期", "the return's end date has passed")

// FetchReturn streams the returned data (the pinned version, in scope: the requesting region's
// rows meeting the request's filters, only the approved fields, masked per grade unless clear
// values were approved) to the requesting region. Every fetch is audited with the return as its grant.
func (s *Service) FetchReturn(ctx context.Context, p *authz.Principal, id, clientIP string, fn func(fields []string, r Record) error) (err error) {
	defer errs.Wrap(&err, "ingest: FetchReturn(%s)", id)
	r, t, sc, err := s.openReturn(ctx, p, id, clientIP, "ingest.return.fetch", nil)
	if err != nil {
		return err
	}
	s.DB.ExecContext(ctx, "UPDATE ingest_returns SET downloads = downloads + 1 WHERE id = $1", r.ID)
	return s.scopedRecords(ctx, t, r.Version, sc, func(rec Record) error { return fn(sc.fields, rec) })
}

// ReturnPage is one page of returned rows.
type ReturnPage struct {
	Fields []string `json:"fields"`
	Masked []string `json:"masked"`
	Items  []Record `json:"items"`
	Total  int      `json:"total"`
	Limit  int      `json:"limit"`
	Offset int      `json:"offset"`
}

// MaxReturnPage bounds a page of returned rows.
const MaxReturnPage = 500

// PageReturn returns one page of the returned data, in the same scope as FetchReturn (audited).
func (s *Service) PageReturn(ctx context.Context, p *authz.Principal, id string, limit, offset int, clientIP string) (_ ReturnPage, err error) {
	defer errs.Wrap(&err, "ingest: PageReturn(%s)", id)
	if limit <= 0 || limit > MaxReturnPage {
		limit = 100
	}
	offset = max(offset, 0)
	page := ReturnPage{Items: []Record{}, Limit: limit, Offset: offset}
	r, t, sc, err := s.openReturn(ctx, p, id, clientIP, "ingest.return.page", map[string]any{"limit": limit, "offset": offset})
	if err != nil {
		return page, err
	}
	page.Fields, page.Masked = sc.fields, sc.Masked()
	err = s.scopedRecords(ctx, t, r.Version, sc, func(rec Record) error {
		if page.Total >= offset && len(page.Items) < limit {
			page.Items = append(page.Items, rec)
		}
		page.Total++
		return nil
	})
	return page, err
}

// openReturn authorizes a read of returned rows, checks the return is approved, in date and its
// version kept, audits the access and returns the scope.
func (s *Service) openReturn(ctx context.Context, p *authz.Principal, id, clientIP, action string, extra map[string]any) (DataReturn, *table, *returnScope, error) {
	r, err := s.GetReturn(ctx, p, id)
	if err != nil {
		return r, nil, nil, err
	}
	act := ActorOf(p, clientIP)
	if err := authz.DataReturn(p, authz.ReturnFetch, authz.ReturnAttrs{EntryRegion: r.FromRegion, ToRegion: r.ToRegion, RequesterOrg: r.RequesterOrg}); err != nil {
		s.logDenied(ctx, act, action, r.EntryID)
		return r, nil, nil, err
	}
	if r.Status != ReturnApproved {
		return r, nil, nil, errReturnState
	}
	if r.EndDate != "" {
		if end, err := workday.Parse(r.EndDate); err == nil && workday.Format(s.now()) > workday.Format(end) {
			return r, nil, nil, errReturnExpired
		}
	}
	e, err := s.entry(ctx, r.EntryID)
	if err != nil {
		return r, nil, nil, err
	}
	sc, err := scopeOf(e, &r)
	if err != nil {
		return r, nil, nil, err
	}
	t, err := s.tableOf(ctx, s.DB, r.EntryID, false)
	if err != nil {
		return r, nil, nil, err
	}
	if !s.versionAvailable(ctx, t, r.Version) {
		return r, nil, nil, ErrVersionGone
	}
	detail := map[string]any{"entry_id": r.EntryID, "version": r.Version, "rows": r.Rows, "to_region": r.ToRegion, "filters": r.Filters, "masked": sc.Masked()}
	for k, v := range extra {
		detail[k] = v
	}
	if err := s.Audit.Log(ctx, audit.Event{ActorID: act.ID, ActorName: act.Name, OrgID: act.OrgID, Action: action,
		ObjectType: "data_return", ObjectID: r.ID, GrantID: r.ID, Purpose: r.Purpose, ClientIP: clientIP, Detail: detail}); err != nil {
		return r, nil, nil, err
	}
	return r, t, sc, nil
}

// RemindReturns reminds the deciding authority of return requests due within one working day
// and tells both sides when a decision is overdue (once per request and stage: dedup keys). It
// returns how many messages were sent. Safe to run on any node at any time.
func (s *Service) RemindReturns(ctx context.Context, now time.Time) (_ int, err error) {
	defer errs.Wrap(&err, "ingest: RemindReturns")
	if s.Notify == nil {
		return 0, nil
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+returnCols+" FROM ingest_returns WHERE status = $1 AND due_date <> '' ORDER BY due_date LIMIT 1000", ReturnRequested)
	if err != nil {
		return 0, err
	}
	var due []DataReturn
	for rows.Next() {
		r, err := scanReturn(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		due = append(due, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	sent := 0
	for _, r := range due {
		d, err := workday.Parse(r.DueDate)
		if err != nil {
			continue
		}
		auth := s.authorityOf(ctx, s.DB, r.FromRegion)
		var msgs []notify.Message
		switch {
		case workday.Overdue(d, now):
			msgs = append(msgs, notify.Message{OrgID: auth, Kind: "escalation", TitleZH: "数据回流申请审批已逾期", TitleEN: "Data return decision overdue",
				BodyZH: "区域 " + r.ToRegion + " 的回流申请应于 " + r.DueDate + " 前审批，已逾期。", BodyEN: "The return request of region " + r.ToRegion + " was due by " + r.DueDate + " and is overdue.",
				DedupKey: "return:overdue:" + r.ID},
				notify.Message{OrgID: r.RequesterOrg, Kind: "info", TitleZH: "回流申请审批已逾期，已提醒上级主管部门", TitleEN: "Return decision overdue; the upper authority was reminded",
					BodyZH: "审批期限 " + r.DueDate, BodyEN: "Due " + r.DueDate, DedupKey: "return:overdue-requester:" + r.ID})
		case s.calendar().Remaining(d, now) <= 1:
			msgs = append(msgs, notify.Message{OrgID: auth, Kind: "reminder", TitleZH: "数据回流申请即将到期：" + r.DueDate, TitleEN: "Data return decision due " + r.DueDate,
				BodyZH: "区域 " + r.ToRegion + " 的回流申请请于 " + r.DueDate + " 前审批。", BodyEN: "Decide the return request of region " + r.ToRegion + " by " + r.DueDate + ".",
				DedupKey: "return:remind:" + r.ID + ":" + r.DueDate})
		}
		for _, m := range msgs {
			if m.OrgID == "" {
				continue
			}
			m.Link, m.ObjectType, m.ObjectID = "/ingest/returns", "data_return", r.ID
			ok, err := s.Notify.Send(ctx, s.DB, m)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
	}
	return sent, nil
}
