package supervise

// Dishonesty records (失信记录, SUP-6, NM 44): dishonesty in sharing, opening or development is
// recorded for credit constraints. Each record names its subject (an organization or a user), its
// basis — a supervision notice or a sanction, which must exist and concern the same subject —
// and its period; the authority records, publishes and withdraws it, each step audited.

import (
	"context"
	"database/sql"
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

// Dishonesty record states.
const (
	DisRecorded  = "recorded"  // 已登记（未公示）
	DisPublished = "published" // 已公示
	DisWithdrawn = "withdrawn" // 已撤销
)

// Dishonesty is a dishonesty record.
type Dishonesty struct {
	ID             string    `json:"id"`
	SubjectKind    string    `json:"subject_kind"`
	SubjectID      string    `json:"subject_id"`
	SubjectName    string    `json:"subject_name"`
	RegionCode     string    `json:"region_code"`
	BasisKind      string    `json:"basis_kind"` // notice or sanction
	BasisID        string    `json:"basis_id"`
	Reason         string    `json:"reason"`
	PeriodFrom     string    `json:"period_from"`
	PeriodTo       string    `json:"period_to"`
	State          string    `json:"state"`
	CreatedBy      string    `json:"created_by"`
	CreatedAt      time.Time `json:"created_at"`
	PublishedAt    time.Time `json:"published_at,omitzero"`
	WithdrawnAt    time.Time `json:"withdrawn_at,omitzero"`
	WithdrawReason string    `json:"withdraw_reason,omitempty"`
}

// NewDishonesty is the input of RecordDishonesty.
type NewDishonesty struct {
	BasisKind  string `json:"basis_kind"`
	BasisID    string `json:"basis_id"`
	Reason     string `json:"reason"`
	PeriodFrom string `json:"period_from"` // YYYY-MM-DD
	PeriodTo   string `json:"period_to"`
}

// ErrNoBasis: the basis must be an existing notice or sanction the authority may act on.
var ErrNoBasis = apperr.New(http.StatusUnprocessableEntity, "dishonesty_no_basis", "失信记录的依据（督办通知或处罚）不存在",
	"the basis of the record (a notice or a sanction) does not exist")

func disAttrs(x Dishonesty) authz.SanctionAttrs {
	return authz.SanctionAttrs{Region: x.RegionCode, SubjectKind: x.SubjectKind, SubjectID: x.SubjectID}
}

// RecordDishonesty records a dishonesty record on the basis of a notice or a sanction.
func (s *Service) RecordDishonesty(ctx context.Context, p *authz.Principal, in NewDishonesty) (_ Dishonesty, err error) {
	defer errs.Wrap(&err, "supervise: RecordDishonesty")
	if err := authz.Supervision(p, authz.Create, authz.SanctionAttrs{Region: p.RegionCode}); err != nil {
		return Dishonesty{}, err
	}
	var fe []apperr.FieldError
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" || utf8.RuneCountInString(in.Reason) > 2000 {
		fe = append(fe, apperr.Field("reason", "请写明失信事实（1–2000 字）", "state the facts (1–2000 characters)"))
	}
	from, err1 := workday.Parse(in.PeriodFrom)
	to, err2 := workday.Parse(in.PeriodTo)
	if err1 != nil || err2 != nil || to.Before(from) {
		fe = append(fe, apperr.Field("period_to", "有效期须为 YYYY-MM-DD，且截止不早于起始", "the period must be YYYY-MM-DD, the end not before the start"))
	}
	if in.BasisKind != "notice" && in.BasisKind != "sanction" {
		fe = append(fe, apperr.Field("basis_kind", "依据须为督办通知或处罚", "the basis must be a notice or a sanction"))
	}
	if err := apperr.Validation(fe); err != nil {
		return Dishonesty{}, err
	}
	x := Dishonesty{ID: ids.New(), BasisKind: in.BasisKind, BasisID: strings.TrimSpace(in.BasisID), Reason: in.Reason, PeriodFrom: in.PeriodFrom,
		PeriodTo: in.PeriodTo, State: DisRecorded, CreatedBy: p.Username, CreatedAt: s.Now()}
	if in.BasisKind == "notice" {
		x.SubjectKind = "org"
		err = s.DB.QueryRowContext(ctx, "SELECT org_id, org_name, region_code FROM sup_notices WHERE id = $1", x.BasisID).Scan(&x.SubjectID, &x.SubjectName, &x.RegionCode)
	} else {
		err = s.DB.QueryRowContext(ctx, "SELECT subject_kind, subject_id, subject_name, region_code FROM sanctions WHERE id = $1", x.BasisID).Scan(
			&x.SubjectKind, &x.SubjectID, &x.SubjectName, &x.RegionCode)
	}
	if db.IsNoRows(err) {
		return Dishonesty{}, ErrNoBasis
	}
	if err != nil {
		return Dishonesty{}, err
	}
	if authz.Supervision(p, authz.Create, disAttrs(x)) != nil {
		return Dishonesty{}, ErrNoBasis // another region's: as if it did not exist
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO sup_dishonesty (id, subject_kind, subject_id, subject_name, region_code, basis_kind, basis_id, reason,
			period_from, period_to, state, created_by, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$13)`,
			x.ID, x.SubjectKind, x.SubjectID, x.SubjectName, x.RegionCode, x.BasisKind, x.BasisID, x.Reason, x.PeriodFrom, x.PeriodTo, x.State,
			x.CreatedBy, db.Millis(x.CreatedAt)); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "supervision.dishonesty.record",
			ObjectType: "dishonesty", ObjectID: x.ID, Detail: map[string]any{"subject_kind": x.SubjectKind, "subject_id": x.SubjectID,
				"basis_kind": x.BasisKind, "basis_id": x.BasisID, "period_from": x.PeriodFrom, "period_to": x.PeriodTo}})
	})
	if err != nil {
		return Dishonesty{}, err
	}
	if x.SubjectKind == "org" {
		s.sendOrg(ctx, x.SubjectID, "flag", "失信记录已登记", "A dishonesty record was entered", x.Reason, "See the record and its basis.",
			"/supervision/dishonesty/"+x.ID, "dishonesty", x.ID, "sup:dis:"+x.ID)
	}
	return x, nil
}

const disCols = `id, subject_kind, subject_id, subject_name, region_code, basis_kind, basis_id, reason, period_from, period_to, state, created_by,
	created_at, published_at, withdrawn_at, withdraw_reason`

func scanDis(sc interface{ Scan(...any) error }) (Dishonesty, error) {
	var x Dishonesty
	var created, published, withdrawn int64
	err := sc.Scan(&x.ID, &x.SubjectKind, &x.SubjectID, &x.SubjectName, &x.RegionCode, &x.BasisKind, &x.BasisID, &x.Reason, &x.PeriodFrom,
		&x.PeriodTo, &x.State, &x.CreatedBy, &created, &published, &withdrawn, &x.WithdrawReason)
	x.CreatedAt = db.FromMillis(created)
	if published > 0 {
		x.PublishedAt = db.FromMillis(published)
	}
	if withdrawn > 0 {
		x.WithdrawnAt = db.FromMillis(withdrawn)
	}
	return x, err
}

// GetDishonesty returns a record to those who may read it.
func (s *Service) GetDishonesty(ctx context.Context, p *authz.Principal, id string) (_ Dishonesty, err error) {
	defer errs.Wrap(&err, "supervise: GetDishonesty(%s)", id)
	x, err := scanDis(s.DB.QueryRowContext(ctx, "SELECT "+disCols+" FROM sup_dishonesty WHERE id = $1", id))
	if db.IsNoRows(err) {
		return x, apperr.Hidden
	}
	if err != nil {
		return x, err
	}
	if authz.Supervision(p, authz.Read, disAttrs(x)) != nil {
		return Dishonesty{}, apperr.Hidden
	}
	return x, nil
}

// ListDishonesty lists the records p may read, newest first.
func (s *Service) ListDishonesty(ctx context.Context, p *authz.Principal, limit, offset int) (_ []Dishonesty, _ int, err error) {
	defer errs.Wrap(&err, "supervise: ListDishonesty")
	if err := authz.Supervision(p, authz.Read, authz.SanctionAttrs{}); err != nil {
		return nil, 0, err
	}
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 200)
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + itoa(len(args)) }
	where := ""
	switch {
	case p.Has(authz.Auditor, authz.Oversight):
	case p.IsAuthority():
		where = " WHERE region_code LIKE " + arg(regionPrefix(p.RegionCode)+"%")
	default:
		where = " WHERE ((subject_kind = 'org' AND subject_id = " + arg(p.OrgID) + ") OR (subject_kind = 'user' AND subject_id = " + arg(p.UserID) + "))"
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT count(*) FROM sup_dishonesty"+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+disCols+" FROM sup_dishonesty"+where+" ORDER BY created_at DESC, id LIMIT "+arg(limit)+" OFFSET "+arg(max(offset, 0)), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Dishonesty
	for rows.Next() {
		x, err := scanDis(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, x)
	}
	return out, total, rows.Err()
}

// StepDishonesty publishes (recorded → published) or withdraws (→ withdrawn, with a reason) a record.
func (s *Service) StepDishonesty(ctx context.Context, p *authz.Principal, id, event, reason string) (_ Dishonesty, err error) {
	defer errs.Wrap(&err, "supervise: StepDishonesty(%s)", id)
	x, err := scanDis(s.DB.QueryRowContext(ctx, "SELECT "+disCols+" FROM sup_dishonesty WHERE id = $1", id))
	if db.IsNoRows(err) {
		return x, apperr.Hidden
	}
	if err != nil {
		return x, err
	}
	if err := authz.Supervision(p, authz.Review, disAttrs(x)); err != nil {
		return Dishonesty{}, err
	}
	reason = strings.TrimSpace(reason)
	now := s.Now()
	var q string
	var args []any
	switch event {
	case "publish":
		if x.State != DisRecorded {
			return Dishonesty{}, ErrNoticeTransition
		}
		q, args = "UPDATE sup_dishonesty SET state = 'published', published_at = $2, updated_at = $2 WHERE id = $1 AND state = 'recorded'", []any{id, db.Millis(now)}
	case "withdraw":
		if reason == "" || utf8.RuneCountInString(reason) > 2000 {
			return Dishonesty{}, apperr.Invalid.With(apperr.Field("reason", "请写明撤销理由", "give the reason for withdrawing"))
		}
		if x.State == DisWithdrawn {
			return Dishonesty{}, ErrNoticeTransition
		}
		q, args = "UPDATE sup_dishonesty SET state = 'withdrawn', withdrawn_at = $2, withdraw_reason = $3, updated_at = $2 WHERE id = $1 AND state <> 'withdrawn'",
			[]any{id, db.Millis(now), reason}
	default:
		return Dishonesty{}, apperr.Invalid.With(apperr.Field("event", "请选择公示或撤销", "choose publish or withdraw"))
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if c, _ := res.RowsAffected(); c == 0 {
			return ErrNoticeTransition
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "supervision.dishonesty." + event,
			ObjectType: "dishonesty", ObjectID: id, Detail: map[string]any{"from": x.State, "reason": reason}})
	})
	if err != nil {
		return Dishonesty{}, err
	}
	return s.GetDishonesty(ctx, p, id)
}
