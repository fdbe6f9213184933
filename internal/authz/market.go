package authz

// Market actions (数据资产与数据要素市场, MKT-1 … MKT-4; regulated units, OPR-11): each names one
// step so the matrix test can list who may take it.
const (
	MktAsset     Action = "market.asset"     // an agency registers its data asset (数据资产登记)
	MktReview    Action = "market.review"    // the authority reviews a registration
	MktRights    Action = "market.rights"    // the authority records or transfers a right (三权分置)
	MktAssess    Action = "market.assess"    // an assessor records a quality and value assessment
	MktList      Action = "market.list"      // a holder of the operation right lists a product
	MktTrade     Action = "market.trade"     // the provider records a trade of its listing
	MktRate      Action = "market.rate"      // a party of a trade reviews it or rates its broker
	MktBroker    Action = "market.broker"    // the authority registers or suspends brokers (数据经纪人)
	MktFile      Action = "market.file"      // a regulated unit files a report or answers a letter
	MktSupervise Action = "market.supervise" // the authority answers units: objections, letters, notices, restrictions
)

// MarketAttrs are the facts about a market record that decide access. ID is empty for a list or
// a new record that names no existing one.
type MarketAttrs struct {
	ID       string
	Region   string // the region of the record (the agency's, the provider's, the unit's …)
	OwnerOrg string // the organization the record belongs to (asset's agency, listing's provider, report's unit)
	OtherOrg string // the other party (a trade's buyer)
	Market   bool   // a record of the market, read by its participants (listings, brokers, products)
}

// participant tells whether p takes part in the data market: operator staff and the staff of
// application units and enterprises.
func participant(p *Principal) bool {
	return p.Authenticated() && p.OrgID != "" && ((p.OrgKind == KindOperator && p.Has(OperatorStaff)) ||
		((p.OrgKind == KindAppUnit || p.OrgKind == KindEnterprise) && p.Has(AppUnitUser)))
}

// Market decides every step of the data market and of regulated units:
//   - reading a record: the authority whose region covers it, auditors and oversight bodies, the
//     organization it belongs to (and a trade's other party), and — for market records (listings,
//     brokers, products) — the market's participants, experts and every data authority;
//   - registering an asset: data officers and approvers of a data holder, or operator staff, for
//     their own organization; reviewing it: the authority's administrators and reviewers;
//   - recording rights, registering or suspending brokers, answering units: authority administrators;
//   - assessing: the authority's reviewers and administrators, and experts;
//   - listing: participants (the operation right is checked by the market service); recording a
//     trade: the listing's provider; rating: a party of the trade;
//   - filing reports and answering letters: the staff of a regulated unit (operator, platform
//     technical service unit) for its own organization.
//
// A refusal on a record the caller may not even read is answered as not found (unseen).
func Market(p *Principal, act Action, a MarketAttrs) error {
	err := market(p, act, a)
	if a.ID == "" {
		return err
	}
	return unseen(p, act, err, func() error { return market(p, Read, a) })
}

func market(p *Principal, act Action, a MarketAttrs) error {
	if !p.Authenticated() || p.TokenID != "" {
		return deny(p) // the market is worked in sessions
	}
	authority := p.IsAuthority() && (a.Region == "" || RegionCovers(p.RegionCode, a.Region))
	own := p.OrgID != "" && (p.OrgID == a.OwnerOrg || (a.OtherOrg != "" && p.OrgID == a.OtherOrg))
	switch act {
	case Read:
		if a.ID == "" {
			return nil // lists: narrowed by the service
		}
		return allow(authority || own || p.Has(Auditor, Oversight) || (a.Market && (participant(p) || p.IsAuthority() || p.Has(Expert))), p)
	case MktAsset:
		holder := (p.OrgKind.IsDataHolder() && p.Has(DataOfficer, AgencyApprover)) || (p.OrgKind == KindOperator && p.Has(OperatorStaff))
		return allow(p.OrgID != "" && holder && (a.OwnerOrg == "" || a.OwnerOrg == p.OrgID), p)
	case MktReview:
		return allow(authority && p.Has(AuthorityAdmin, AuthorityReviewer), p)
	case MktRights, MktBroker, MktSupervise:
		return allow(authority && p.Has(AuthorityAdmin), p)
	case MktAssess:
		return allow((authority && p.Has(AuthorityAdmin, AuthorityReviewer)) || p.Has(Expert), p)
	case MktList:
		return allow(participant(p), p)
	case MktTrade:
		return allow(participant(p) && p.OrgID == a.OwnerOrg, p)
	case MktRate:
		return allow(own && !p.Has(Auditor, Oversight), p)
	case MktFile:
		unit := p.OrgKind == KindOperator || p.OrgKind == KindPlatformService
		return allow(unit && p.OrgID != "" && (a.OwnerOrg == "" || a.OwnerOrg == p.OrgID) &&
			p.Has(OperatorStaff, DataOfficer, AgencyApprover, SecurityOfficer), p)
	}
	return deny(p)
}
