package market

import (
	"context"
	"database/sql"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
)

// Kinds of data property rights, separated (三权分置, MKT-2).
const (
	RightHolding    = "holding"    // 数据资源持有权
	RightProcessing = "processing" // 数据加工使用权
	RightOperation  = "operation"  // 数据产品经营权
)

// RightKinds lists the three rights in display order.
var RightKinds = []string{RightHolding, RightProcessing, RightOperation}

// Bases of a right.
const (
	BasisAuthorization = "authorization" // 授权（授权运营决定、授权书）
	BasisAgreement     = "agreement"     // 协议（合同、协议）
)

// BasisKinds lists the bases.
var BasisKinds = []string{BasisAuthorization, BasisAgreement}

// Objects a right is recorded on.
const (
	ObjectProduct = "product"
	ObjectAsset   = "asset"
)

// Right states: active → transferred (a new holder's right starts) | revoked.
const (
	RightActive      = "active"
	RightTransferred = "transferred"
	RightRevoked     = "revoked"
)

// Right is one holder's right on a product or an asset.
type Right struct {
	ID          string   `json:"id"`
	ObjectKind  string   `json:"object_kind"`
	ObjectID    string   `json:"object_id"`
	ObjectName  string   `json:"object_name"`
	Kind        string   `json:"kind"`
	HolderOrgID string   `json:"holder_org_id"`
	HolderName  string   `json:"holder_name"`
	BasisKind   string   `json:"basis_kind"`
	BasisRef    string   `json:"basis_ref"`
	ValidFrom   string   `json:"valid_from"`
	ValidTo     string   `json:"valid_to"`
	RegionCode  string   `json:"region_code"`
	State       string   `json:"state"`
	PrevID      string   `json:"prev_id,omitempty"`
	NextID      string   `json:"next_id,omitempty"`
	RecordedBy  string   `json:"recorded_by"`
	RecordedAt  db.Stamp `json:"recorded_at"`
	EndedAt     db.Stamp `json:"ended_at,omitempty"`
	EndNote     string   `json:"end_note,omitempty"`
	// Valid tells whether the right is active and today lies in its validity period.
	Valid bool `json:"valid"`
}

// RightInput records a right (or, on Transfer, the new holder's).
type RightInput struct {
	ObjectKind  string `json:"object_kind"` // product | asset (not on a transfer)
	ObjectID    string `json:"object_id"`
	Kind        string `json:"kind"`
	HolderOrgID string `json:"holder_org_id"`
	BasisKind   string `json:"basis_kind"`
	BasisRef    string `json:"basis_ref"`
	ValidFrom   string `json:"valid_from"`
	ValidTo     string `json:"valid_to"`
	Note        string `json:"note"` // a transfer's note
}

func rightAttrs(r Right) authz.MarketAttrs {
	return authz.MarketAttrs{ID: r.ID, Region: r.RegionCode, OwnerOrg: r.HolderOrgID, Market: r.ObjectKind == ObjectProduct}
}

// object finds what a right is recorded on: its name and region, and its read attributes.
func (s *Service) object(ctx context.Context, kind, id string) (name, region string, attrs authz.MarketAttrs, err error) {
	switch kind {
	case ObjectAsset:
		a, err := s.asset(ctx, id)
		if err != nil {
			return "", "", attrs, err
		}
		return a.Name, a.RegionCode, assetAttrs(a), nil
	case ObjectProduct:
		// A product's region is its view's: the providing agency's (never the caller's own, so
		// another region's authority cannot record rights on it).
		err := s.DB.QueryRowContext(ctx, `SELECT p.name, COALESCE(NULLIF(v.region_code, ''), o.region_code, '')
			FROM opr_products p LEFT JOIN opr_views v ON v.id = p.view_id LEFT JOIN orgs o ON o.id = v.org_id WHERE p.id = $1`, id).Scan(&name, &region)
		if db.IsNoRows(err) {
			return "", "", attrs, apperr.Hidden
		}
		return name, region, authz.MarketAttrs{ID: id, Market: true}, err
	}
	return "", "", attrs, apperr.Invalid.With(apperr.Field("object_kind", "须为数据产品或数据资产", "must be a product or an asset"))
}

func (in *RightInput) validate(transfer bool) error {
	var fe []apperr.FieldError
	if !transfer && !oneOf(in.Kind, RightKinds) {
		fe = append(fe, apperr.Field("kind", "请选择权利类型", "choose the kind of right"))
	}
	if in.HolderOrgID == "" {
		fe = append(fe, apperr.Field("holder_org_id", "请选择权利持有单位", "choose the holder"))
	}
	if !oneOf(in.BasisKind, BasisKinds) {
		fe = append(fe, apperr.Field("basis_kind", "请选择权利依据（授权或协议）", "choose the basis (authorization or agreement)"))
	}
	text(&fe, "basis_ref", &in.BasisRef, 1, 200, "请填写授权文件或协议的编号（1–200 字）", "give the authorization's or agreement's reference (1–200 characters)")
	text(&fe, "note", &in.Note, 0, 1000, "说明不超过 1000 字", "at most 1000 characters")
	if !validDate(in.ValidFrom) || !validDate(in.ValidTo) || in.ValidTo < in.ValidFrom {
		fe = append(fe, apperr.Field("valid_to", "请填写有效期（起止日期，止不早于起）", "give the validity period (from and to, to not before from)"))
	}
	return invalid(fe)
}

// RecordRight records a holder's right on a product or an asset (the authority).
func (s *Service) RecordRight(ctx context.Context, p *authz.Principal, in RightInput) (_ Right, err error) {
	defer errs.Wrap(&err, "market: RecordRight")
	name, region, attrs, err := s.object(ctx, in.ObjectKind, in.ObjectID)
	if err != nil {
		return Right{}, err
	}
	if err := authz.Market(p, authz.Read, attrs); err != nil {
		return Right{}, err
	}
	attrs.Region = region
	if region == "" { // an object without a region: only the top-level authority records rights on it
		attrs.Region = p.RegionCode[:min(2, len(p.RegionCode))] + "0000"
	}
	if err := authz.Market(p, authz.MktRights, attrs); err != nil {
		return Right{}, err
	}
	if err := in.validate(false); err != nil {
		return Right{}, err
	}
	holder, err := s.org(ctx, s.DB, in.HolderOrgID)
	if db.IsNoRows(err) {
		return Right{}, apperr.Invalid.With(apperr.Field("holder_org_id", "权利持有单位不存在", "no such organization"))
	}
	if err != nil {
		return Right{}, err
	}
	r := Right{ID: ids.New(), ObjectKind: in.ObjectKind, ObjectID: in.ObjectID, ObjectName: name, Kind: in.Kind, HolderOrgID: holder.ID,
		HolderName: holder.Name, BasisKind: in.BasisKind, BasisRef: in.BasisRef, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo,
		RegionCode: attrs.Region, State: RightActive, RecordedBy: p.Username, RecordedAt: db.StampOf(s.now())}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.insertRight(ctx, tx, r); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "market.right.record", "mkt_right", r.ID, map[string]any{"object_kind": r.ObjectKind, "object_id": r.ObjectID,
			"kind": r.Kind, "holder": r.HolderOrgID})
	})
	if err != nil {
		return Right{}, err
	}
	return s.right(ctx, r.ID)
}

func (s *Service) insertRight(ctx context.Context, tx *sql.Tx, r Right) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO mkt_rights (id, object_kind, object_id, object_name, right_kind, holder_org_id, holder_name, basis_kind,
		basis_ref, valid_from, valid_to, region_code, state, prev_id, recorded_by, recorded_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
		r.ID, r.ObjectKind, r.ObjectID, r.ObjectName, r.Kind, r.HolderOrgID, r.HolderName, r.BasisKind, r.BasisRef, r.ValidFrom, r.ValidTo,
		r.RegionCode, r.State, r.PrevID, r.RecordedBy, int64(r.RecordedAt))
	return err
}

const rightCols = `id, object_kind, object_id, object_name, right_kind, holder_org_id, holder_name, basis_kind, basis_ref, valid_from, valid_to,
	region_code, state, prev_id, next_id, recorded_by, recorded_at, ended_at, end_note`

func (s *Service) scanRight(sc interface{ Scan(...any) error }) (Right, error) {
	var r Right
	var rec, end int64
	err := sc.Scan(&r.ID, &r.ObjectKind, &r.ObjectID, &r.ObjectName, &r.Kind, &r.HolderOrgID, &r.HolderName, &r.BasisKind, &r.BasisRef,
		&r.ValidFrom, &r.ValidTo, &r.RegionCode, &r.State, &r.PrevID, &r.NextID, &r.RecordedBy, &rec, &end, &r.EndNote)
	r.RecordedAt, r.EndedAt = db.Stamp(rec), db.Stamp(end)
	today := s.today()
	r.Valid = r.State == RightActive && r.ValidFrom <= today && today <= r.ValidTo
	return r, err
}

func (s *Service) right(ctx context.Context, id string) (Right, error) {
	r, err := s.scanRight(s.DB.QueryRowContext(ctx, "SELECT "+rightCols+" FROM mkt_rights WHERE id = $1", id))
	if db.IsNoRows(err) {
		return r, apperr.Hidden
	}
	return r, err
}

// Right returns one right; one the caller may not read is not found.
func (s *Service) Right(ctx context.Context, p *authz.Principal, id string) (_ Right, err error) {
	defer errs.Wrap(&err, "market: Right(%s)", id)
	r, err := s.right(ctx, id)
	if err != nil {
		return r, err
	}
	if err := authz.Market(p, authz.Read, rightAttrs(r)); err != nil {
		return Right{}, err
	}
	return r, nil
}

// Rights lists every right recorded on an object, current and ended (the history), oldest first.
func (s *Service) Rights(ctx context.Context, p *authz.Principal, objectKind, objectID string) (_ []Right, err error) {
	defer errs.Wrap(&err, "market: Rights(%s)", objectID)
	_, _, attrs, err := s.object(ctx, objectKind, objectID)
	if err != nil {
		return nil, err
	}
	if err := authz.Market(p, authz.Read, attrs); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+rightCols+" FROM mkt_rights WHERE object_kind = $1 AND object_id = $2 ORDER BY recorded_at, id LIMIT 500", objectKind, objectID)
	return db.ScanAll(rows, err, s.scanRight)
}

// TransferRight ends a holder's active right and records the new holder's (same object and kind),
// linking the two: the chain is the right's history.
func (s *Service) TransferRight(ctx context.Context, p *authz.Principal, id string, in RightInput) (_ Right, err error) {
	defer errs.Wrap(&err, "market: TransferRight(%s)", id)
	var next Right
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		r, err := s.scanRight(tx.QueryRowContext(ctx, "SELECT "+rightCols+" FROM mkt_rights WHERE id = $1"+s.DB.ForUpdate(), id))
		if db.IsNoRows(err) {
			return apperr.Hidden
		}
		if err != nil {
			return err
		}
		if err := authz.Market(p, authz.MktRights, rightAttrs(r)); err != nil {
			return err
		}
		if err := in.validate(true); err != nil {
			return err
		}
		if r.State != RightActive {
			return ErrBadState
		}
		holder, err := s.org(ctx, tx, in.HolderOrgID)
		if db.IsNoRows(err) {
			return apperr.Invalid.With(apperr.Field("holder_org_id", "权利持有单位不存在", "no such organization"))
		}
		if err != nil {
			return err
		}
		now := s.now()
		next = Right{ID: ids.New(), ObjectKind: r.ObjectKind, ObjectID: r.ObjectID, ObjectName: r.ObjectName, Kind: r.Kind, HolderOrgID: holder.ID,
			HolderName: holder.Name, BasisKind: in.BasisKind, BasisRef: in.BasisRef, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo,
			RegionCode: r.RegionCode, State: RightActive, PrevID: r.ID, RecordedBy: p.Username, RecordedAt: db.StampOf(now)}
		if _, err := tx.ExecContext(ctx, "UPDATE mkt_rights SET state = $1, next_id = $2, ended_at = $3, end_note = $4 WHERE id = $5",
			RightTransferred, next.ID, db.Millis(now), in.Note, r.ID); err != nil {
			return err
		}
		if err := s.insertRight(ctx, tx, next); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "market.right.transfer", "mkt_right", r.ID, map[string]any{"to": next.ID, "from_holder": r.HolderOrgID, "to_holder": next.HolderOrgID})
	})
	if err != nil {
		return Right{}, err
	}
	return s.right(ctx, next.ID)
}

// holdsOperation finds org's valid operation right on a product ("" when it holds none).
func (s *Service) holdsOperation(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, productID, orgID string) string {
	var id string
	today := s.today()
	q.QueryRowContext(ctx, `SELECT id FROM mkt_rights WHERE object_kind = 'product' AND object_id = $1 AND right_kind = 'operation' AND holder_org_id = $2
		AND state = 'active' AND valid_from <= $3 AND valid_to >= $3 ORDER BY recorded_at DESC LIMIT 1`, productID, orgID, today).Scan(&id)
	return id
}
