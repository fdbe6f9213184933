package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/notify"
)

// Purchase statuses.
const (
	PurchasePending  = "pending"
	PurchaseApproved = "approved"
	PurchaseRejected = "rejected"
)

// Purchase is non-public data an agency buys (采购非公共数据): it needs the authority's approval
// and, once bought, is cataloged and shared like public data (BT 16). EntryID links its entry.
type Purchase struct {
	ID         string   `json:"id"`
	OrgID      string   `json:"org_id"`
	OrgName    string   `json:"org_name,omitempty"`
	RegionCode string   `json:"region_code"`
	Name       string   `json:"name"`
	Supplier   string   `json:"supplier"`
	Purpose    string   `json:"purpose"`
	Amount     Amount   `json:"amount,omitempty"`
	EntryID    string   `json:"entry_id,omitempty"`
	Status     string   `json:"status"`
	DecidedBy  string   `json:"decided_by,omitempty"`
	DecidedAt  db.Stamp `json:"decided_at,omitempty"`
	Note       string   `json:"note,omitempty"`
	CreatedBy  string   `json:"created_by"`
	CreatedAt  db.Stamp `json:"created_at"`
}

var ErrPurchaseNotFound = apperr.New(http.StatusNotFound, "catalog.purchase_not_found", "采购记录不存在", "purchase record not found")

// RequestPurchase records a planned purchase of non-public data and asks the authority.
func (s *Service) RequestPurchase(ctx context.Context, p *authz.Principal, pu Purchase) (_ Purchase, err error) {
	defer errs.Wrap(&err, "catalog: RequestPurchase")
	pu.OrgID = p.OrgID
	o, ok := s.org(ctx, s.DB, pu.OrgID)
	if !ok {
		return Purchase{}, apperr.Forbidden
	}
	pu.RegionCode = o.Region
	if err := authz.CatalogRegistry(p, authz.Create, pu.OrgID, pu.RegionCode); err != nil {
		return Purchase{}, err
	}
	var fe []apperr.FieldError
	if blank(pu.Name) {
		fe = append(fe, apperr.Field("name", "请填写数据名称", "name is required"))
	}
	if blank(pu.Supplier) {
		fe = append(fe, apperr.Field("supplier", "请填写数据供应方", "supplier is required"))
	}
	if blank(pu.Purpose) {
		fe = append(fe, apperr.Field("purpose", "请说明采购用途", "purpose is required"))
	}
	if pu.EntryID != "" {
		if _, err := s.load(ctx, s.DB, pu.EntryID, false); err != nil {
			fe = append(fe, apperr.Field("entry_id", "目录条目不存在", "no such catalog entry"))
		}
	}
	if err := apperr.Validation(fe); err != nil {
		return Purchase{}, err
	}
	pu.ID, pu.Status, pu.CreatedBy, pu.CreatedAt = ids.New(), PurchasePending, actorName(p), db.Stamp(s.Now().UnixMilli())
	pu.DecidedBy, pu.DecidedAt, pu.Note = "", 0, ""
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_purchases (id, org_id, region_code, name, supplier, purpose, amount, entry_id, status, created_by, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`, pu.ID, pu.OrgID, pu.RegionCode, pu.Name, pu.Supplier, pu.Purpose, pu.Amount, pu.EntryID, pu.Status, pu.CreatedBy, pu.CreatedAt); err != nil {
			return err
		}
		if auth := s.authorityFor(ctx, tx, pu.RegionCode); auth != "" {
			if _, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: auth, Kind: "info", TitleZH: "非公共数据采购待审批：" + pu.Name, TitleEN: "Data purchase to approve: " + pu.Name,
				BodyZH: o.Name + " 拟向 " + pu.Supplier + " 采购。用途：" + pu.Purpose, BodyEN: o.NameEN + " plans to buy from " + pu.Supplier + ".",
				Link: "/catalog/purchases", ObjectType: "catalog_purchase", ObjectID: pu.ID}); err != nil {
				return err
			}
		}
		return s.Audit.RecordAction(ctx, tx, p.UserID, actorName(p), p.OrgID, "catalog.purchase.request", "catalog_purchase", pu.ID,
			map[string]any{"name": pu.Name, "supplier": pu.Supplier})
	})
	return pu, err
}

// DecidePurchase is the authority's approval or refusal.
func (s *Service) DecidePurchase(ctx context.Context, p *authz.Principal, id string, approve bool, note string) (err error) {
	defer errs.Wrap(&err, "catalog: DecidePurchase(%s)", id)
	if !approve && blank(note) {
		return apperr.Invalid.With(apperr.Field("note", "不予批准须说明理由", "a refusal needs reasons"))
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		var org, region, status, name string
		err := tx.QueryRowContext(ctx, "SELECT org_id, region_code, status, name FROM catalog_purchases WHERE id = $1"+s.DB.ForUpdate(), id).Scan(&org, &region, &status, &name)
		if db.IsNoRows(err) {
			return ErrPurchaseNotFound
		}
		if err != nil {
			return err
		}
		if err := authz.CatalogRegistry(p, authz.Review, org, region); err != nil {
			return err
		}
		if status != PurchasePending {
			return ErrState.With(apperr.Field("status", "该采购已审批", "this purchase was already decided"))
		}
		to := PurchaseRejected
		if approve {
			to = PurchaseApproved
		}
		if _, err := tx.ExecContext(ctx, "UPDATE catalog_purchases SET status = $1, decided_by = $2, decided_at = $3, note = $4 WHERE id = $5",
			to, actorName(p), s.Now().UnixMilli(), note, id); err != nil {
			return err
		}
		title := map[bool][2]string{true: {"采购已批准：", "Purchase approved: "}, false: {"采购未获批准：", "Purchase refused: "}}[approve]
		if _, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: org, Kind: "info", TitleZH: title[0] + name, TitleEN: title[1] + name, BodyZH: note, BodyEN: note,
			Link: "/catalog/purchases", ObjectType: "catalog_purchase", ObjectID: id}); err != nil {
			return err
		}
		return s.Audit.RecordAction(ctx, tx, p.UserID, actorName(p), p.OrgID, "catalog.purchase."+to, "catalog_purchase", id, map[string]any{"note": note})
	})
}

// LinkPurchase links an approved purchase to the catalog entry that catalogs the bought data.
func (s *Service) LinkPurchase(ctx context.Context, p *authz.Principal, id, entryID string) (err error) {
	defer errs.Wrap(&err, "catalog: LinkPurchase(%s, %s)", id, entryID)
	return s.tx(ctx, func(tx *sql.Tx) error {
		var org, region string
		if err := tx.QueryRowContext(ctx, "SELECT org_id, region_code FROM catalog_purchases WHERE id = $1", id).Scan(&org, &region); err != nil {
			return ErrPurchaseNotFound
		}
		if err := authz.CatalogRegistry(p, authz.Update, org, region); err != nil {
			return err
		}
		var prov string
		if err := tx.QueryRowContext(ctx, "SELECT provider_org_id FROM catalog_entries WHERE id = $1", entryID).Scan(&prov); err != nil || prov != org {
			return apperr.Invalid.With(apperr.Field("entry_id", "只能关联本部门的目录条目", "link one of the agency's own entries"))
		}
		if _, err := tx.ExecContext(ctx, "UPDATE catalog_purchases SET entry_id = $1 WHERE id = $2", entryID, id); err != nil {
			return err
		}
		return s.Audit.RecordAction(ctx, tx, p.UserID, actorName(p), p.OrgID, "catalog.purchase.link", "catalog_purchase", id, map[string]any{"entry_id": entryID})
	})
}

// Purchases lists the purchases visible to p.
func (s *Service) Purchases(ctx context.Context, p *authz.Principal) (_ []Purchase, err error) {
	defer errs.Wrap(&err, "catalog: Purchases")
	if !p.Authenticated() {
		return nil, apperr.Unauthenticated
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, org_id, region_code, name, supplier, purpose, amount, entry_id, status, decided_by, decided_at, note, created_by, created_at
		FROM catalog_purchases ORDER BY created_at DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Purchase
	for rows.Next() {
		var pu Purchase
		if err := rows.Scan(&pu.ID, &pu.OrgID, &pu.RegionCode, &pu.Name, &pu.Supplier, &pu.Purpose, &pu.Amount, &pu.EntryID, &pu.Status, &pu.DecidedBy, &pu.DecidedAt, &pu.Note, &pu.CreatedBy, &pu.CreatedAt); err != nil {
			return nil, err
		}
		if authz.CatalogRegistry(p, authz.Read, pu.OrgID, pu.RegionCode) == nil {
			out = append(out, pu)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].OrgName = s.orgName(ctx, out[i].OrgID)
	}
	return out, nil
}

// Amount is a money amount as the agency states it ("12 万元", "120000.50"). The API takes it as
// a JSON string or a JSON number (one API shape: numeric amounts accept numbers); a number is kept
// as its decimal text.
type Amount string

// UnmarshalJSON reads a string or a number.
func (a *Amount) UnmarshalJSON(b []byte) error {
	var n json.Number
	if len(b) > 0 && b[0] != '"' {
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*a = Amount(n.String())
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*a = Amount(s)
	return nil
}
