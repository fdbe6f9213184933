package share

import (
	"context"
	"fmt"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/workday"
)

// Products as a sharing mode (数据产品共享, SHR-12, BT 25): an agency's share request may ask for
// a product of authorized operation — a verification or statistics product the operator defined
// over a view a provider registered — instead of records. The request takes the one workflow
// (machine.go): kind "product", the view's entry, the fields the product reads and mode api; the
// source agency decides within the working-day deadline, narrowing only (end date, call limits,
// the statistics budget). The grant lets the agency's gateway credential call that one product
// through /api/v1/gateway/products/{id}/…; the product itself (internal/operate) keeps its
// minimum-group, dominance, noise and budget rules and logs every call. Such a grant never
// returns a record: the gateway's record calls refuse it (ErrProductOnly).

// ProductInfo is what sharing needs to know of a product (supplied by internal/operate).
type ProductInfo struct {
	ID      string
	Name    string
	Kind    string // verification | statistics (operate's product kinds)
	ViewID  string
	EntryID string   // the entry the product's view is over
	Fields  []string // the entry's fields the product reads (subject, items, dimensions, measures)
	// BudgetMilli is a statistics product's privacy budget per period (thousandths of ε).
	BudgetMilli int64
}

// ProductSource finds a released product an agency may request (verification or statistics).
type ProductSource interface {
	ShareableProduct(ctx context.Context, id string) (ProductInfo, error)
}

// RequestProduct is the product a request asks for and, once decided, the grant's budget.
type RequestProduct struct {
	ProductID        string `json:"product_id"`
	ProductName      string `json:"product_name"`
	ProductKind      string `json:"product_kind"`
	ViewID           string `json:"view_id"`
	AskedBudgetMilli int64  `json:"asked_budget_milli"`
	BudgetMilli      int64  `json:"budget_milli"` // as granted (the asked one until decided)
}

// ProductGrant is a product grant as a call under it sees it.
type ProductGrant struct {
	GrantID       string
	RequestID     string
	ConsumerOrgID string
	ProductID     string
	Scenario      string
	Purpose       string
	StartDate     string // YYYY-MM-DD the grant was made: its budget period starts then
	EndDate       string
	BudgetMilli   int64
}

// Product errors.
var (
	ErrProductOnly  = apperr.New(403, "share.product_only", "本授权仅可调用所批准的数据产品，不返回任何记录", "this grant allows calling its data product only; it returns no records")
	ErrNotProduct   = apperr.New(403, "share.product_grant_required", "调用数据产品须使用数据产品授权的访问凭证", "calling a data product needs a credential bound to a product grant")
	ErrOtherProduct = apperr.New(403, "share.product_not_granted", "本授权未批准调用该数据产品", "this grant does not cover that product")
)

// productFor reads the product a request names, as field errors when it cannot be requested.
func (s *Service) productFor(ctx context.Context, id string) (ProductInfo, *apperr.FieldError) {
	if id == "" {
		fe := apperr.Field("product_id", "请选择要申请的数据产品", "choose the data product to request")
		return ProductInfo{}, &fe
	}
	if s.Products == nil {
		fe := apperr.Field("product_id", "本平台未开通数据产品", "data products are not available on this platform")
		return ProductInfo{}, &fe
	}
	pi, err := s.Products.ShareableProduct(ctx, id)
	if err != nil {
		if apperr.As(err).Status >= 500 {
			fe := apperr.Field("product_id", "暂时无法读取该数据产品", "the product cannot be read at the moment")
			return pi, &fe
		}
		fe := apperr.Field("product_id", "该数据产品不存在、未发布，或不是核验、统计类产品", "the product does not exist, is not released, or is not a verification or statistics product")
		return pi, &fe
	}
	return pi, nil
}

// checkBudget is the budget rule of a statistics product request: positive, at most the
// product's own budget per period when asking, at most the asked budget when approving.
func checkBudget(kind string, v, max int64) []apperr.FieldError {
	if kind != "statistics" {
		if v != 0 {
			return []apperr.FieldError{apperr.Field("budget_milli", "核验产品不使用隐私预算", "a verification product has no privacy budget")}
		}
		return nil
	}
	switch {
	case v < 0:
		return []apperr.FieldError{apperr.Field("budget_milli", "隐私预算不能为负数", "the privacy budget cannot be negative")}
	case v > max:
		return []apperr.FieldError{apperr.Field("budget_milli", fmt.Sprintf("隐私预算不能超过 %d（千分之一 ε）", max), fmt.Sprintf("the privacy budget cannot exceed %d (thousandths of ε)", max))}
	}
	return nil
}

func (s *Service) insertRequestProduct(ctx context.Context, q db.Q, requestID string, rp *RequestProduct) error {
	_, err := q.ExecContext(ctx, `INSERT INTO share_request_products (request_id, product_id, product_name, product_kind, view_id, asked_budget_milli, budget_milli, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, requestID, rp.ProductID, rp.ProductName, rp.ProductKind, rp.ViewID, rp.AskedBudgetMilli, rp.BudgetMilli, db.Millis(s.Now()))
	return err
}

// requestProduct reads a request's product (nil, nil when the request is not for a product).
func (s *Service) requestProduct(ctx context.Context, q db.Q, requestID string) (*RequestProduct, error) {
	var rp RequestProduct
	err := q.QueryRowContext(ctx, `SELECT product_id, product_name, product_kind, view_id, asked_budget_milli, budget_milli
		FROM share_request_products WHERE request_id = $1`, requestID).Scan(&rp.ProductID, &rp.ProductName, &rp.ProductKind, &rp.ViewID, &rp.AskedBudgetMilli, &rp.BudgetMilli)
	if db.IsNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &rp, nil
}

// withProduct fills a product request's product in.
func (s *Service) withProduct(ctx context.Context, r *Request) error {
	if r.Kind != KindProduct {
		return nil
	}
	rp, err := s.requestProduct(ctx, s.DB, r.ID)
	r.Product = rp
	return err
}

// ProductGrant checks a gateway caller against its grant for a call of product productID and
// returns the grant: the grant must be active and within its end date (suspension, revocation
// and expiry take effect on the next call), a product grant, for this very product, and within
// its call rate and daily quota. A refusal is audited and counted as the gateway's are.
func (s *Service) ProductGrant(ctx context.Context, p *authz.Principal, ip, productID string) (_ ProductGrant, err error) {
	defer wrapErr(&err, "product grant %s", productID)
	pl, err := s.authorize(ctx, p)
	var rp *RequestProduct
	if err == nil && pl.grant.Kind != KindProduct {
		err = ErrNotProduct
	}
	if err == nil {
		rp, err = s.requestProduct(ctx, s.DB, pl.grant.RequestID)
		if err == nil && (rp == nil || rp.ProductID != productID) {
			err = ErrOtherProduct
		}
	}
	if err != nil {
		return ProductGrant{}, s.refuse(ctx, p, ip, "product", pl, err)
	}
	s.count(pl.grant.ID, p.OrgID, 1, 0, 0)
	g := pl.grant
	return ProductGrant{GrantID: g.ID, RequestID: g.RequestID, ConsumerOrgID: g.ConsumerOrgID, ProductID: rp.ProductID, Scenario: g.Scenario,
		Purpose: g.Purpose, StartDate: workday.Format(g.CreatedAt), EndDate: g.EndDate, BudgetMilli: rp.BudgetMilli}, nil
}
