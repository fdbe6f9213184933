package operate

import (
	"context"
	"slices"

	"pubdata/internal/authz"
	"pubdata/internal/errs"
	"pubdata/internal/share"
)

// Products as a sharing mode (SHR-12, BT 25): an agency holding a product grant (internal/share,
// product.go) calls a verification or statistics product through the gateway with the grant's
// credential, exactly as a unit does under its agreement — the same restricted form, minimum
// group, dominance, noise, cached answers, budget ledger (per grant and its period) and query
// log — never a row. The grant stands in for the agreement; share checks the grant on every call
// (status, end date, product, call rate and daily quota).

// ProductGrants checks a gateway caller's product grant (implemented by share.Service).
type ProductGrants interface {
	ProductGrant(ctx context.Context, p *authz.Principal, ip, productID string) (share.ProductGrant, error)
}

// ShareableProduct describes a released verification or statistics product for a share request:
// its view's entry and the entry's fields the product reads.
func (s *Service) ShareableProduct(ctx context.Context, id string) (_ share.ProductInfo, err error) {
	defer errs.Wrap(&err, "operate: ShareableProduct(%s)", id)
	pr, err := s.product(ctx, s.DB, id, false)
	if err != nil {
		return share.ProductInfo{}, err
	}
	if pr.Kind != KindStatistics && pr.Kind != KindVerification {
		return share.ProductInfo{}, ErrKind
	}
	sp, v, err := s.release(ctx, s.DB, pr)
	if err != nil {
		return share.ProductInfo{}, err
	}
	fields := []string{v.Subject}
	add := func(f string) {
		if !slices.Contains(fields, f) {
			fields = append(fields, f)
		}
	}
	if pr.Kind == KindVerification {
		for _, it := range sp.Items {
			add(it)
		}
	} else {
		for _, d := range v.Dimensions {
			add(d.Field)
		}
		for _, m := range v.Measures {
			add(m.Field)
		}
	}
	budget := sp.BudgetMilli
	if budget == 0 {
		budget = DefaultBudgetMilli
	}
	name := pr.Name
	if sp.Name != "" {
		name = sp.Name
	}
	return share.ProductInfo{ID: pr.ID, Name: name, Kind: pr.Kind, ViewID: v.ID, EntryID: v.EntryID, Fields: fields, BudgetMilli: budget}, nil
}

// grantCaller tells whether p calls under a share grant (a gateway credential) rather than as a unit.
func grantCaller(p *authz.Principal) bool {
	return p != nil && p.TokenID != "" && p.Subject != "" && slices.Contains(p.Scopes, authz.ScopeGateway)
}

// agreementFor is the agreement a call runs under: the unit's agreement in force, or, for an
// agency's gateway credential, its product grant standing in for one (budget per grant period).
func (s *Service) agreementFor(ctx context.Context, p *authz.Principal, productID string) (Agreement, error) {
	if !grantCaller(p) {
		return s.inForce(ctx, p, productID)
	}
	if s.Grants == nil {
		return Agreement{}, ErrNoAgreement
	}
	g, err := s.Grants.ProductGrant(ctx, p, ClientIPOf(ctx), productID)
	if err != nil {
		return Agreement{}, err
	}
	return Agreement{ID: g.GrantID, ApplicationID: "share:" + g.RequestID, UnitOrgID: g.ConsumerOrgID, ProductID: g.ProductID, Version: 1,
		Purpose: g.Scenario + "：" + g.Purpose, Method: "share_grant", StartDate: g.StartDate, EndDate: g.EndDate, BudgetMilli: g.BudgetMilli, State: AgrInForce}, nil
}

// ShareableProducts lists the released verification and statistics products an agency may
// request through sharing (at most 500), for the request form.
func (s *Service) ShareableProducts(ctx context.Context) (_ []share.ProductInfo, err error) {
	defer errs.Wrap(&err, "operate: ShareableProducts")
	rows, err := s.DB.QueryContext(ctx, "SELECT id FROM opr_products WHERE kind IN ($1,$2) AND released_version > 0 AND state <> $3 ORDER BY name LIMIT 500",
		KindStatistics, KindVerification, ProductWithdrawn)
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []share.ProductInfo
	for _, id := range ids {
		pi, err := s.ShareableProduct(ctx, id)
		if err != nil {
			continue // withdrawn or changed meanwhile
		}
		out = append(out, pi)
	}
	return out, nil
}
