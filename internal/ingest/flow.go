package ingest

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/ids"
	"pubdata/internal/notify"
	"pubdata/internal/workday"
)

// DataReturn is a request that an upper-level node return (回流) an entry's data to a lower
// region (AGG-6, NM 19, BT 20). It is recorded and audited like a share: purpose, legal basis,
// the fields needed (minimum), an end date, a decision with reasons, and every fetch.
type DataReturn struct {
	ID            string    `json:"id"`
	EntryID       string    `json:"entry_id"`
	EntryName     string    `json:"entry_name,omitempty"`
	FromRegion    string    `json:"from_region"`
	ToRegion      string    `json:"to_region"`
	RequesterID   string    `json:"requester_id"`
	RequesterName string    `json:"requester_name"`
	RequesterOrg  string    `json:"requester_org"`
	Purpose       string    `json:"purpose"`
	LegalBasis    string    `json:"legal_basis,omitempty"`
	Fields        []string  `json:"fields"`
	EndDate       string    `json:"end_date,omitempty"` // YYYY-MM-DD
	Status        string    `json:"status"`
	DecidedBy     string    `json:"decided_by,omitempty"`
	DecidedAt     time.Time `json:"decided_at,omitzero"`
	Reason        string    `json:"reason,omitempty"`
	LoadID        string    `json:"load_id,omitempty"`
	Version       int64     `json:"version,omitempty"`
	Rows          int64     `json:"rows,omitempty"`
	Checksum      string    `json:"checksum,omitempty"`
	Downloads     int64     `json:"downloads"`
	CreatedAt     time.Time `json:"created_at"`
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
}

const returnCols = `id, entry_id, from_region, to_region, requester_id, requester_name, requester_org, purpose, legal_basis, fields, status,
	decided_by, decided_at, reason, load_id, version, rows_count, checksum, end_date, downloads, created_at`

func scanReturn(sc interface{ Scan(...any) error }) (DataReturn, error) {
	var r DataReturn
	var fields string
	var decided, created int64
	err := sc.Scan(&r.ID, &r.EntryID, &r.FromRegion, &r.ToRegion, &r.RequesterID, &r.RequesterName, &r.RequesterOrg, &r.Purpose, &r.LegalBasis, &fields,
		&r.Status, &r.DecidedBy, &decided, &r.Reason, &r.LoadID, &r.Version, &r.Rows, &r.Checksum, &r.EndDate, &r.Downloads, &created)
	json.Unmarshal([]byte(fields), &r.Fields)
	r.DecidedAt, r.CreatedAt = db.FromMillis(decided), db.FromMillis(created)
	return r, err
}

// RequestReturn files a return request for p's own (lower) region.
func (s *Service) RequestReturn(ctx context.Context, p *authz.Principal, in ReturnInput, clientIP string) (DataReturn, error) {
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
		Fields: in.Fields, EndDate: in.EndDate, Status: ReturnRequested, CreatedAt: s.now()}
	fj, _ := json.Marshal(r.Fields)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ingest_returns (id, entry_id, from_region, to_region, requester_id, requester_name, requester_org,
			purpose, legal_basis, fields, status, end_date, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
			r.ID, r.EntryID, r.FromRegion, r.ToRegion, r.RequesterID, r.RequesterName, r.RequesterOrg, r.Purpose, r.LegalBasis, string(fj),
			r.Status, r.EndDate, db.Millis(r.CreatedAt)); err != nil {
			return err
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
			Detail: map[string]any{"entry_id": e.ID, "to_region": r.ToRegion, "fields": r.Fields}})
	})
	return r, err
}

// GetReturn returns one return request.
func (s *Service) GetReturn(ctx context.Context, p *authz.Principal, id string) (DataReturn, error) {
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
	return r, nil
}

// Returns lists the return requests p may read, newest first.
func (s *Service) Returns(ctx context.Context, p *authz.Principal) ([]DataReturn, error) {
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
			out = append(out, r)
		}
	}
	return out, rows.Err()
}

// DecideReturn applies an event (approve, refuse, cancel, revoke) to a return request. Approval
// pins the entry's current version, so the returned data stays available whatever the retention.
func (s *Service) DecideReturn(ctx context.Context, p *authz.Principal, id, event, reason, clientIP string) (DataReturn, error) {
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
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if event == EventApprove {
			t, err := s.tableOf(ctx, tx, r.EntryID, true)
			if err != nil || t.CurrentVersion == 0 {
				return ErrNoData
			}
			l, err := scanLoad(tx.QueryRowContext(ctx, "SELECT "+loadCols+" FROM ingest_loads WHERE id = $1", t.CurrentLoadID))
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE ingest_loads SET pinned = 1 WHERE id = $1", l.ID); err != nil {
				return err
			}
			r.LoadID, r.Version, r.Rows, r.Checksum = l.ID, l.Version, t.RowCount, l.Checksum
		}
		r.Status, r.DecidedBy, r.DecidedAt, r.Reason = next, p.Username, s.now(), strings.TrimSpace(reason)
		res, err := tx.ExecContext(ctx, `UPDATE ingest_returns SET status = $2, decided_by = $3, decided_at = $4, reason = $5, load_id = $6,
			version = $7, rows_count = $8, checksum = $9 WHERE id = $1 AND status = $10`,
			r.ID, r.Status, r.DecidedBy, db.Millis(r.DecidedAt), r.Reason, r.LoadID, r.Version, r.Rows, r.Checksum, stateBefore(event))
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
			Detail: map[string]any{"entry_id": r.EntryID, "to_region": r.ToRegion, "version": r.Version, "rows": r.Rows, "checksum": r.Checksum, "reason": r.Reason}})
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

// FetchReturn streams the returned data (the pinned version, only the approved fields) to the
// requesting region. Every fetch is audited with the return as its grant.
func (s *Service) FetchReturn(ctx context.Context, p *authz.Principal, id, clientIP string, fn func(fields []string, r Record) error) error {
	r, err := s.GetReturn(ctx, p, id)
	if err != nil {
		return err
	}
	act := ActorOf(p, clientIP)
	if err := authz.DataReturn(p, authz.ReturnFetch, authz.ReturnAttrs{EntryRegion: r.FromRegion, ToRegion: r.ToRegion, RequesterOrg: r.RequesterOrg}); err != nil {
		s.logDenied(ctx, act, "ingest.return.fetch", r.EntryID)
		return err
	}
	if r.Status != ReturnApproved {
		return errReturnState
	}
	if r.EndDate != "" {
		if end, err := workday.Parse(r.EndDate); err == nil && workday.Format(s.now()) > workday.Format(end) {
			return errReturnExpired
		}
	}
	t, err := s.tableOf(ctx, s.DB, r.EntryID, false)
	if err != nil {
		return err
	}
	if !s.versionAvailable(ctx, t, r.Version) {
		return ErrVersionGone
	}
	if err := s.Audit.Log(ctx, audit.Event{ActorID: act.ID, ActorName: act.Name, OrgID: act.OrgID, Action: "ingest.return.fetch",
		ObjectType: "data_return", ObjectID: r.ID, GrantID: r.ID, Purpose: r.Purpose, ClientIP: clientIP,
		Detail: map[string]any{"entry_id": r.EntryID, "version": r.Version, "rows": r.Rows}}); err != nil {
		return err
	}
	s.DB.ExecContext(ctx, "UPDATE ingest_returns SET downloads = downloads + 1 WHERE id = $1", r.ID)
	return s.streamVersion(ctx, t, r.Version, func(rec Record) error {
		vals := make(map[string]string, len(r.Fields))
		for _, f := range r.Fields {
			vals[f] = rec.Values[f]
		}
		rec.Values = vals
		return fn(r.Fields, rec)
	})
}
