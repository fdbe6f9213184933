package market

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/vocab"
	"pubdata/internal/workday"
)

// Asset registration states (数据资产登记状态): submitted → approved | refused.
const (
	AssetSubmitted = "submitted"
	AssetApproved  = "approved"
	AssetRefused   = "refused"
)

// Where an asset's quality figure comes from.
const (
	QualityPlatform = "platform" // the platform's latest quality score of the linked entry
	QualityDeclared = "declared" // declared by the agency (no score on the platform)
)

// Asset is one registration in the region's data asset register (MKT-1).
type Asset struct {
	ID            string   `json:"id"`
	OrgID         string   `json:"org_id"`
	OrgName       string   `json:"org_name"`
	RegionCode    string   `json:"region_code"`
	Name          string   `json:"name"`
	EntryID       string   `json:"entry_id,omitempty"`
	ProductID     string   `json:"product_id,omitempty"`
	Volume        string   `json:"volume"`
	Frequency     string   `json:"frequency"`
	Quality       float64  `json:"quality"` // 0–100; -1 unknown
	QualitySource string   `json:"quality_source,omitempty"`
	Cost          string   `json:"cost"`
	Usage         string   `json:"usage"`
	State         string   `json:"state"`
	Reason        string   `json:"reason,omitempty"`
	CertNo        string   `json:"cert_no,omitempty"`
	CreatedBy     string   `json:"created_by"`
	CreatedAt     db.Stamp `json:"created_at"`
	ReviewedBy    string   `json:"reviewed_by,omitempty"`
	ReviewedAt    db.Stamp `json:"reviewed_at,omitempty"`
	Events        []Event  `json:"events,omitempty"`
}

// AssetInput is what an agency registers.
type AssetInput struct {
	Name      string   `json:"name"`
	EntryID   string   `json:"entry_id"`   // a catalog entry of the agency
	ProductID string   `json:"product_id"` // and/or a product over its data
	Volume    string   `json:"volume"`     // empty: the rows of the entry's latest load
	Frequency string   `json:"frequency"`  // catalog.update_frequency; empty: the entry's
	Quality   *float64 `json:"quality"`    // declared 0–100, used only where the platform has no score
	Cost      string   `json:"cost"`
	Usage     string   `json:"usage"`
}

func assetAttrs(a Asset) authz.MarketAttrs {
	return authz.MarketAttrs{ID: a.ID, Region: a.RegionCode, OwnerOrg: a.OrgID}
}

// RegisterAsset registers a data asset of the caller's organization.
func (s *Service) RegisterAsset(ctx context.Context, p *authz.Principal, in AssetInput) (_ Asset, err error) {
	defer errs.Wrap(&err, "market: RegisterAsset")
	if err := authz.Market(p, authz.MktAsset, authz.MarketAttrs{}); err != nil {
		return Asset{}, err
	}
	var fe []apperr.FieldError
	text(&fe, "name", &in.Name, 1, 200, "请填写资产名称（1–200 字）", "name the asset (1–200 characters)")
	text(&fe, "volume", &in.Volume, 0, 200, "数据量不超过 200 字", "volume: at most 200 characters")
	text(&fe, "cost", &in.Cost, 1, 500, "请说明形成成本（1–500 字）", "state the cost of forming it (1–500 characters)")
	text(&fe, "usage", &in.Usage, 1, 1000, "请说明使用情况（1–1000 字）", "describe its usage (1–1000 characters)")
	if in.EntryID == "" && in.ProductID == "" {
		fe = append(fe, apperr.Field("entry_id", "请关联本单位的数据资源目录或数据产品", "link a catalog entry of your organization or a product"))
	}
	if in.Quality != nil && (*in.Quality < 0 || *in.Quality > 100) {
		fe = append(fe, apperr.Field("quality", "质量得分须为 0–100", "quality must be 0–100"))
	}
	o, err := s.org(ctx, s.DB, p.OrgID)
	if err != nil {
		return Asset{}, err
	}
	a := Asset{ID: ids.New(), OrgID: o.ID, OrgName: o.Name, RegionCode: o.Region, Name: in.Name, EntryID: in.EntryID, ProductID: in.ProductID,
		Volume: in.Volume, Frequency: in.Frequency, Quality: -1, Cost: in.Cost, Usage: in.Usage, State: AssetSubmitted, CreatedBy: p.Username,
		CreatedAt: db.StampOf(s.now())}
	if in.EntryID != "" {
		var provider, freq string
		err := s.DB.QueryRowContext(ctx, "SELECT provider_org_id, frequency FROM catalog_entries WHERE id = $1", in.EntryID).Scan(&provider, &freq)
		if err != nil && !db.IsNoRows(err) {
			return Asset{}, err
		}
		if err != nil || provider != p.OrgID {
			fe = append(fe, apperr.Field("entry_id", "只能关联本单位提供的数据资源目录", "link a catalog entry your organization provides"))
		} else {
			if a.Frequency == "" {
				a.Frequency = freq
			}
			if a.Volume == "" {
				var rows int64
				if s.DB.QueryRowContext(ctx, "SELECT rows_total FROM ingest_loads WHERE entry_id = $1 AND status = 'committed' ORDER BY version DESC, started_at DESC LIMIT 1", in.EntryID).Scan(&rows) == nil {
					a.Volume = strconv.FormatInt(rows, 10)
				}
			}
			if sc, ok := s.qualityOf(ctx, in.EntryID); ok {
				a.Quality, a.QualitySource = sc.Total, QualityPlatform
			}
		}
	}
	if in.ProductID != "" {
		var viewOrg string
		err := s.DB.QueryRowContext(ctx, "SELECT v.org_id FROM opr_products pr JOIN opr_views v ON v.id = pr.view_id WHERE pr.id = $1", in.ProductID).Scan(&viewOrg)
		if err != nil && !db.IsNoRows(err) {
			return Asset{}, err
		}
		if err != nil || !(viewOrg == p.OrgID || p.OrgKind == authz.KindOperator) {
			fe = append(fe, apperr.Field("product_id", "只能关联基于本单位数据的数据产品", "link a product over your organization's data"))
		}
	}
	if a.QualitySource == "" && in.Quality != nil {
		a.Quality, a.QualitySource = *in.Quality, QualityDeclared
	}
	if _, ok := vocab.Lookup(vocab.UpdateFrequency, a.Frequency); !ok {
		fe = append(fe, apperr.Field("frequency", "请选择更新频率", "choose the update frequency"))
	}
	if a.Volume == "" {
		fe = append(fe, apperr.Field("volume", "请填写数据量", "state the volume"))
	}
	if err := invalid(fe); err != nil {
		return Asset{}, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mkt_assets (id, org_id, org_name, region_code, name, entry_id, product_id, volume, frequency, quality,
			quality_source, cost, usage, state, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
			a.ID, a.OrgID, a.OrgName, a.RegionCode, a.Name, a.EntryID, a.ProductID, a.Volume, a.Frequency, a.Quality, a.QualitySource, a.Cost, a.Usage,
			a.State, a.CreatedBy, int64(a.CreatedAt)); err != nil {
			return err
		}
		if err := s.event(ctx, tx, "mkt_asset", a.ID, p.Username, "register", ""); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "market.asset.register", "mkt_asset", a.ID, map[string]any{"entry_id": a.EntryID, "product_id": a.ProductID})
	})
	if err != nil {
		return Asset{}, err
	}
	return s.asset(ctx, a.ID)
}

const assetCols = `id, org_id, org_name, region_code, name, entry_id, product_id, volume, frequency, quality, quality_source, cost, usage, state, reason,
	COALESCE(cert_no, ''), created_by, created_at, reviewed_by, reviewed_at`

func scanAsset(sc interface{ Scan(...any) error }) (Asset, error) {
	var a Asset
	var created, reviewed int64
	err := sc.Scan(&a.ID, &a.OrgID, &a.OrgName, &a.RegionCode, &a.Name, &a.EntryID, &a.ProductID, &a.Volume, &a.Frequency, &a.Quality, &a.QualitySource,
		&a.Cost, &a.Usage, &a.State, &a.Reason, &a.CertNo, &a.CreatedBy, &created, &a.ReviewedBy, &reviewed)
	a.CreatedAt, a.ReviewedAt = db.Stamp(created), db.Stamp(reviewed)
	return a, err
}

func (s *Service) asset(ctx context.Context, id string) (Asset, error) {
	a, err := scanAsset(s.DB.QueryRowContext(ctx, "SELECT "+assetCols+" FROM mkt_assets WHERE id = $1", id))
	if db.IsNoRows(err) {
		return a, apperr.Hidden
	}
	if err != nil {
		return a, err
	}
	a.Events, err = s.events(ctx, "mkt_asset", id)
	return a, err
}

// Asset returns a registration with its history; one the caller may not read is not found.
func (s *Service) Asset(ctx context.Context, p *authz.Principal, id string) (_ Asset, err error) {
	defer errs.Wrap(&err, "market: Asset(%s)", id)
	a, err := s.asset(ctx, id)
	if err != nil {
		return a, err
	}
	if err := authz.Market(p, authz.Read, assetAttrs(a)); err != nil {
		return Asset{}, err
	}
	return a, nil
}

// Assets lists the registrations p reads (the authority its region's, an agency its own), newest first.
func (s *Service) Assets(ctx context.Context, p *authz.Principal, state string, limit, offset int) (_ []Asset, _ int, err error) {
	defer errs.Wrap(&err, "market: Assets")
	if err := authz.Market(p, authz.Read, authz.MarketAttrs{}); err != nil {
		return nil, 0, err
	}
	limit, offset = page(limit, offset)
	w := &where{}
	w.scope(p, "region_code", "org_id")
	if state != "" {
		w.add("state = " + w.arg(state))
	}
	total, err := s.count(ctx, "mkt_assets", w)
	if err != nil {
		return nil, 0, err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+assetCols+" FROM mkt_assets"+w.sql()+" ORDER BY created_at DESC, id DESC LIMIT "+w.arg(limit)+" OFFSET "+w.arg(offset), w.args...)
	out, err := db.ScanAll(rows, err, scanAsset)
	return out, total, err
}

// ReviewAsset approves a registration (issuing its certificate number) or refuses it with a reason.
func (s *Service) ReviewAsset(ctx context.Context, p *authz.Principal, id string, approve bool, reason string) (_ Asset, err error) {
	defer errs.Wrap(&err, "market: ReviewAsset(%s)", id)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		a, err := scanAsset(tx.QueryRowContext(ctx, "SELECT "+assetCols+" FROM mkt_assets WHERE id = $1"+s.DB.ForUpdate(), id))
		if db.IsNoRows(err) {
			return apperr.Hidden
		}
		if err != nil {
			return err
		}
		if err := authz.Market(p, authz.MktReview, assetAttrs(a)); err != nil {
			return err
		}
		var fe []apperr.FieldError
		text(&fe, "reason", &reason, 0, 1000, "说明不超过 1000 字", "at most 1000 characters")
		if !approve && reason == "" {
			fe = append(fe, apperr.Field("reason", "不予登记须说明理由", "state why the registration is refused"))
		}
		if err := invalid(fe); err != nil {
			return err
		}
		if a.State != AssetSubmitted {
			return ErrBadState
		}
		now := s.now()
		state, cert, ev := AssetRefused, sql.NullString{}, "refuse"
		if approve {
			state, ev = AssetApproved, "approve"
			year := now.In(workday.Location).Year()
			prefix := fmt.Sprintf("%s-%d", a.RegionCode, year)
			var n int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO mkt_cert_seq (prefix, last) VALUES ($1, 1)
				ON CONFLICT (prefix) DO UPDATE SET last = mkt_cert_seq.last + 1 RETURNING last`, prefix).Scan(&n); err != nil {
				return err
			}
			cert = sql.NullString{String: fmt.Sprintf("DA-%s-%06d", prefix, n), Valid: true}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE mkt_assets SET state = $1, reason = $2, cert_no = $3, reviewed_by = $4, reviewed_at = $5 WHERE id = $6",
			state, reason, cert, p.Username, db.Millis(now), id); err != nil {
			return err
		}
		if err := s.event(ctx, tx, "mkt_asset", id, p.Username, ev, reason); err != nil {
			return err
		}
		action := "market.asset.refuse"
		if approve {
			action = "market.asset.approve"
		}
		return s.record(ctx, tx, p, action, "mkt_asset", id, map[string]any{"cert_no": cert.String})
	})
	if err != nil {
		return Asset{}, err
	}
	a, err := s.asset(ctx, id)
	if err == nil && s.Notify != nil {
		title := [2]string{"数据资产登记已通过：" + a.Name, "Data asset registered: certificate " + a.CertNo}
		if a.State == AssetRefused {
			title = [2]string{"数据资产登记未通过：" + a.Name, "Data asset registration refused"}
		}
		s.Notify.Send(ctx, s.DB, notifyMsg(a.OrgID, title, reason, "/market/assets/"+a.ID, "mkt_asset", a.ID))
	}
	return a, err
}

// PublicAsset is the public summary of an approved asset (the register, no login).
type PublicAsset struct {
	CertNo     string   `json:"cert_no"`
	Name       string   `json:"name"`
	OrgName    string   `json:"org_name"`
	RegionCode string   `json:"region_code"`
	Volume     string   `json:"volume"`
	Frequency  string   `json:"frequency"`
	Quality    float64  `json:"quality"`
	ApprovedAt db.Stamp `json:"approved_at"`
}

// Register lists the approved assets of the region register for everyone, by certificate number.
func (s *Service) Register(ctx context.Context, limit, offset int) (_ []PublicAsset, _ int, err error) {
	defer errs.Wrap(&err, "market: Register")
	limit, offset = page(limit, offset)
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT count(*) FROM mkt_assets WHERE state = 'approved'").Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT cert_no, name, org_name, region_code, volume, frequency, quality, reviewed_at FROM mkt_assets
		WHERE state = 'approved' ORDER BY cert_no LIMIT $1 OFFSET $2`, limit, offset)
	out, err := db.ScanAll(rows, err, func(r *sql.Rows) (PublicAsset, error) {
		var a PublicAsset
		var at int64
		err := r.Scan(&a.CertNo, &a.Name, &a.OrgName, &a.RegionCode, &a.Volume, &a.Frequency, &a.Quality, &at)
		a.ApprovedAt = db.Stamp(at)
		return a, err
	})
	return out, total, err
}
