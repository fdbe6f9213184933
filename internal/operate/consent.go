package operate

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
)

// Data-subject authorizations (数据主体授权, SEC-7): a person or organization with a verified
// identity lets one named third party use named items of its data for a purpose and a period.
// Each authorization is one grantee, one purpose — never bundled — revocable at any time, and read
// on every request, so a revocation stops the next one.

// Authorization states.
const (
	AuthActive  = "active"
	AuthRevoked = "revoked"
)

// Authorization is one data subject's authorization.
type Authorization struct {
	ID           string   `json:"id"`
	GranteeOrgID string   `json:"grantee_org_id"`
	GranteeName  string   `json:"grantee_name"`
	Items        []string `json:"items"`
	Purpose      string   `json:"purpose"`
	StartDate    string   `json:"start_date"`
	EndDate      string   `json:"end_date"`
	State        string   `json:"state"`
	CreatedAt    db.Stamp `json:"created_at"`
	RevokedAt    db.Stamp `json:"revoked_at,omitempty"`
}

// AuthorizationInput is what the subject fills in.
type AuthorizationInput struct {
	GranteeOrgID string   `json:"grantee_org_id"`
	Items        []string `json:"items"`
	Purpose      string   `json:"purpose"`
	StartDate    string   `json:"start_date"`
	EndDate      string   `json:"end_date"`
}

// subjectKey is the key that identifies the caller in the data: the ID number of a natural
// person, else the credit code of a legal person.
func (s *Service) subjectKey(ctx context.Context, p *authz.Principal) (string, error) {
	u, err := s.Identity.User(ctx, p.UserID)
	if err != nil {
		return "", err
	}
	if u.IDNumber != "" {
		return u.IDNumber, nil
	}
	if u.CreditCode != "" {
		return u.CreditCode, nil
	}
	return "", apperr.Invalid.With(apperr.Field("subject", "账户未登记公民身份号码或统一社会信用代码", "the account has no ID number or credit code"))
}

// Authorize records a subject's authorization of a named unit for named items.
func (s *Service) Authorize(ctx context.Context, p *authz.Principal, in AuthorizationInput) (_ Authorization, err error) {
	defer errs.Wrap(&err, "operate: Authorize")
	if err := authz.Operate(p, authz.OprConsent, authz.OperateAttrs{}); err != nil {
		return Authorization{}, err
	}
	key, err := s.subjectKey(ctx, p)
	if err != nil {
		return Authorization{}, err
	}
	var fe []apperr.FieldError
	org, oerr := s.Identity.Org(ctx, strings.TrimSpace(in.GranteeOrgID))
	if oerr != nil || s.unitState(ctx, s.DB, org.ID) != UnitActive {
		fe = append(fe, apperr.Field("grantee_org_id", "请选择一个已登记的应用单位", "choose a registered application unit"))
	}
	items := []string{}
	for _, it := range in.Items {
		it = strings.TrimSpace(it)
		if it != "" && !slices.Contains(items, it) {
			items = append(items, it)
		}
	}
	if len(items) == 0 || len(items) > 20 {
		fe = append(fe, apperr.Field("items", "请逐项选择授权使用的信息项（1到20项）", "choose the items one by one (1 to 20)"))
	}
	purpose, e := text("purpose", in.Purpose, 500)
	if e != nil {
		fe = append(fe, *e)
	}
	start, err1 := time.Parse("2006-01-02", in.StartDate)
	end, err2 := time.Parse("2006-01-02", in.EndDate)
	if err1 != nil || err2 != nil || end.Before(start) || end.After(start.AddDate(5, 0, 0)) || in.EndDate < s.today() {
		fe = append(fe, apperr.Field("end_date", "授权期限应为有效日期，结束不早于开始与今天，且不超过5年", "the period needs valid dates, ending after its start and today, at most 5 years"))
	}
	if len(fe) > 0 {
		return Authorization{}, apperr.Invalid.With(fe...)
	}
	ref, err := s.Audit.Pseudonym(ctx, key)
	if err != nil {
		return Authorization{}, err
	}
	a := Authorization{ID: ids.New(), GranteeOrgID: org.ID, GranteeName: org.Name, Items: items, Purpose: purpose, StartDate: in.StartDate, EndDate: in.EndDate, State: AuthActive, CreatedAt: db.Stamp(s.now())}
	js, _ := json.Marshal(items)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO subj_authorizations (id, subject_user, subject_ref, grantee_org_id, grantee_name, items, purpose, start_date, end_date, state, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`, a.ID, p.UserID, ref, a.GranteeOrgID, a.GranteeName, string(js), a.Purpose, a.StartDate, a.EndDate, a.State, int64(a.CreatedAt)); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "operate.consent.grant", "data_subject", ref, map[string]any{"authorization_id": a.ID, "grantee_org_id": a.GranteeOrgID, "items": items})
	})
	return a, err
}

// Revoke ends one of the caller's authorizations at once.
func (s *Service) Revoke(ctx context.Context, p *authz.Principal, id string) (_ Authorization, err error) {
	defer errs.Wrap(&err, "operate: Revoke(%s)", id)
	if !p.Authenticated() {
		return Authorization{}, apperr.Unauthenticated
	}
	var out Authorization
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		a, ref, err := scanAuth(tx.QueryRowContext(ctx, "SELECT "+authCols+", subject_ref FROM subj_authorizations WHERE id = $1 AND subject_user = $2"+s.DB.ForUpdate(), id, p.UserID))
		if db.IsNoRows(err) {
			return apperr.Hidden
		}
		if err != nil {
			return err
		}
		if a.State != AuthActive {
			return ErrState
		}
		a.State, a.RevokedAt = AuthRevoked, db.Stamp(s.now())
		if _, err := tx.ExecContext(ctx, "UPDATE subj_authorizations SET state = $1, revoked_at = $2 WHERE id = $3", a.State, int64(a.RevokedAt), a.ID); err != nil {
			return err
		}
		out = a
		return s.record(ctx, tx, p, "operate.consent.revoke", "data_subject", ref, map[string]any{"authorization_id": a.ID})
	})
	return out, err
}

const authCols = "id, grantee_org_id, grantee_name, items, purpose, start_date, end_date, state, created_at, revoked_at"

func scanAuth(sc interface{ Scan(...any) error }) (Authorization, string, error) {
	var a Authorization
	var items, ref string
	err := sc.Scan(&a.ID, &a.GranteeOrgID, &a.GranteeName, &items, &a.Purpose, &a.StartDate, &a.EndDate, &a.State, &a.CreatedAt, &a.RevokedAt, &ref)
	json.Unmarshal([]byte(items), &a.Items)
	return a, ref, err
}

// MyAuthorizations lists the caller's authorizations, newest first (at most 200).
func (s *Service) MyAuthorizations(ctx context.Context, p *authz.Principal) (_ []Authorization, err error) {
	defer errs.Wrap(&err, "operate: MyAuthorizations")
	if !p.Authenticated() {
		return nil, apperr.Unauthenticated
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+authCols+", subject_ref FROM subj_authorizations WHERE subject_user = $1 ORDER BY created_at DESC LIMIT 200", p.UserID)
	return db.ScanAll(rows, err, func(r *sql.Rows) (Authorization, error) {
		a, _, err := scanAuth(r)
		return a, err
	})
}

// Authorized tells whether the subject (by pseudonym) has an active authorization of the unit
// covering every item, in its period today.
func (s *Service) Authorized(ctx context.Context, ref, orgID string, items []string) (_ bool, err error) {
	defer errs.Wrap(&err, "operate: Authorized(%s)", orgID)
	today := s.today()
	rows, err := s.DB.QueryContext(ctx, "SELECT items FROM subj_authorizations WHERE subject_ref = $1 AND grantee_org_id = $2 AND state = $3 AND start_date <= $4 AND end_date >= $4",
		ref, orgID, AuthActive, today)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	for rows.Next() {
		var js string
		var got []string
		if err := rows.Scan(&js); err != nil {
			return false, err
		}
		json.Unmarshal([]byte(js), &got)
		all := true
		for _, it := range items {
			if !slices.Contains(got, it) {
				all = false
			}
		}
		if all {
			return true, nil
		}
	}
	return false, rows.Err()
}

// Access is one access to records about the caller, drawn from the audit log.
type Access struct {
	Seq     int64    `json:"seq"`
	At      db.Stamp `json:"at"`
	OrgID   string   `json:"org_id"`
	OrgName string   `json:"org_name"`
	Action  string   `json:"action"`
	Purpose string   `json:"purpose"`
	Grant   string   `json:"grant_id"`
	Product string   `json:"product"`
	Result  string   `json:"result"`
}

// MyAccesses lists every access to records about the caller that the audit log holds under the
// caller's pseudonym — which unit, when, under which agreement or product, for what stated
// purpose (as Estonia's data tracker does). Newest first, paged (at most 100 a page).
func (s *Service) MyAccesses(ctx context.Context, p *authz.Principal, limit, offset int) (_ []Access, _ int, err error) {
	defer errs.Wrap(&err, "operate: MyAccesses")
	if !p.Authenticated() {
		return nil, 0, apperr.Unauthenticated
	}
	key, err := s.subjectKey(ctx, p)
	if err != nil {
		return nil, 0, err
	}
	ref, err := s.Audit.Pseudonym(ctx, key)
	if err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	recs, total, err := s.Audit.Search(ctx, audit.Filter{ObjectType: "data_subject", ObjectID: ref, Limit: limit, Offset: max(offset, 0)})
	if err != nil {
		return nil, 0, err
	}
	names := map[string]string{}
	var out []Access
	for _, r := range recs {
		a := Access{Seq: r.Seq, At: db.StampOf(r.At), OrgID: r.OrgID, Action: r.Action, Purpose: r.Purpose, Grant: r.GrantID, Result: r.Result}
		if n, ok := r.Detail["product"].(string); ok {
			a.Product = n
		}
		if _, ok := names[r.OrgID]; !ok && r.OrgID != "" {
			if o, err := s.Identity.Org(ctx, r.OrgID); err == nil {
				names[r.OrgID] = o.Name
			}
		}
		a.OrgName = names[r.OrgID]
		out = append(out, a)
	}
	return out, total, nil
}

// Objection is a subject's objection to an access (异议).
type Objection struct {
	ID        string   `json:"id"`
	AuditSeq  int64    `json:"audit_seq"`
	OrgID     string   `json:"org_id"`
	Text      string   `json:"text"`
	State     string   `json:"state"`
	CreatedAt db.Stamp `json:"created_at"`
}

// Object records the caller's objection to one access listed by MyAccesses; the operator and
// the authority see it in the audit log (operate.consent.object) and in ObjectionsAll.
func (s *Service) Object(ctx context.Context, p *authz.Principal, seq int64, body string) (_ Objection, err error) {
	defer errs.Wrap(&err, "operate: Object")
	body, fe := text("text", body, 2000)
	if fe != nil {
		return Objection{}, apperr.Invalid.With(*fe)
	}
	acc, _, err := s.MyAccesses(ctx, p, 100, 0)
	if err != nil {
		return Objection{}, err
	}
	var hit *Access
	for i := range acc {
		if acc[i].Seq == seq {
			hit = &acc[i]
		}
	}
	if hit == nil {
		return Objection{}, apperr.Hidden
	}
	o := Objection{ID: ids.New(), AuditSeq: seq, OrgID: hit.OrgID, Text: body, State: "open", CreatedAt: db.Stamp(s.now())}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO subj_objections (id, subject_user, audit_seq, org_id, text, state, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)",
			o.ID, p.UserID, o.AuditSeq, o.OrgID, o.Text, o.State, int64(o.CreatedAt)); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "operate.consent.object", "subj_objection", o.ID, map[string]any{"audit_seq": seq, "org_id": o.OrgID})
	})
	return o, err
}

// MyObjections lists the caller's objections.
func (s *Service) MyObjections(ctx context.Context, p *authz.Principal) (_ []Objection, err error) {
	defer errs.Wrap(&err, "operate: MyObjections")
	rows, err := s.DB.QueryContext(ctx, "SELECT id, audit_seq, org_id, text, state, created_at FROM subj_objections WHERE subject_user = $1 ORDER BY created_at DESC LIMIT 200", p.UserID)
	return db.ScanAll(rows, err, func(r *sql.Rows) (Objection, error) {
		var o Objection
		return o, r.Scan(&o.ID, &o.AuditSeq, &o.OrgID, &o.Text, &o.State, &o.CreatedAt)
	})
}
