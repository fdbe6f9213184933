package authz

import (
	"net/http"

	"pubdata/internal/apperr"
)

// Authorized-operation actions (授权运营, OPR): each names one step so the matrix test can list
// who may take it. Operator staff duties are separated (BTO 16): whoever last edited a product
// does not review it; whoever decides a unit's application does not sign its agreement for the
// operator.
const (
	OprView     Action = "operate.view"     // provider registers a view over its entry (数据视图)
	OprProduct  Action = "operate.product"  // operator defines or edits a product
	OprReview   Action = "operate.review"   // compliance review of a product version (合规审查)
	OprExpert   Action = "operate.expert"   // expert opinion asked for by the reviewer
	OprRegister Action = "operate.register" // an organization registers as application unit
	OprQualify  Action = "operate.qualify"  // operator reviews a unit's qualification
	OprApply    Action = "operate.apply"    // unit applies for a product
	OprDecide   Action = "operate.decide"   // operator decides an application (qualification and risk)
	OprSign     Action = "operate.sign"     // sign an agreement for one's own side
	OprSanction Action = "operate.sanction" // suspend, resume or terminate a unit (OPR-9, SUP-1)
	OprUse      Action = "operate.use"      // query a product under an agreement in force
	OprConsent  Action = "operate.consent"  // a data subject authorizes or revokes (SEC-7)
	OprPrice    Action = "operate.price"    // approve or refuse a product's price (the authority: government-guided prices, OPR-5)
	OprReport   Action = "operate.report"   // file periodic reports and the annual disclosure (OPR-6)
	OprEvaluate Action = "operate.evaluate" // record the annual third-party evaluation of the operator (OPR-8)
	OprBoard    Action = "operate.board"    // publish offers, cases and notices; close board items (OPR-1)
)

// OperateAttrs are the facts about an operation record that decide access.
type OperateAttrs struct {
	UnitOrgID string // the application unit the record belongs to
	OwnerOrg  string // the provider of a view
	EditedBy  string // the user who last edited the product (for review)
	DecidedBy string // the user who decided the application (for the operator's signature)
}

// Operate decides every step of authorized operation. Operator staff work at an operator
// organization; application-unit users at their unit; providers' data officers register views of
// their own entries; experts give opinions; authority administrators may sanction; auditors and
// oversight bodies read. API tokens may only query products (scope "product") for their unit.
func Operate(p *Principal, act Action, a OperateAttrs) error {
	if !p.Authenticated() {
		return deny(p)
	}
	// Operator staff duties are separated (BTO 16): membership (any operator role) reads and
	// reports; defining products, reviewing them and managing units each need their own role.
	operator := p.OrgKind == KindOperator && p.Has(OperatorStaff, OperatorProduct, OperatorReviewer, OperatorUnits)
	duty := func(r Role) bool { return p.OrgKind == KindOperator && p.Has(r) }
	unit := p.OrgID != "" && p.OrgID == a.UnitOrgID && p.Has(AppUnitUser)
	if p.TokenID != "" {
		return allow(act == OprUse && unit && p.Scoped(ScopeProduct), p)
	}
	switch act {
	case Read:
		return allow(operator || unit || p.IsAuthority() || p.Has(Auditor, Oversight, Expert) ||
			(a.OwnerOrg != "" && p.OrgID == a.OwnerOrg && p.Has(DataOfficer, AgencyApprover, SecurityOfficer)), p)
	case OprView:
		return allow(a.OwnerOrg != "" && p.OrgID == a.OwnerOrg && p.OrgKind.IsDataHolder() && p.Has(DataOfficer, AgencyApprover), p)
	case OprProduct:
		return allow(duty(OperatorProduct), p)
	case OprQualify:
		return allow(duty(OperatorUnits), p)
	case OprReview:
		if !(duty(OperatorReviewer) || (p.IsAuthority() && p.Has(AuthorityReviewer))) {
			return deny(p)
		}
		return allow(a.EditedBy == "" || a.EditedBy != p.UserID, p, errOwnWork)
	case OprExpert:
		return allow(p.Has(Expert), p)
	case OprRegister:
		return allow(p.OrgID != "" && (p.OrgKind == KindAppUnit || p.OrgKind == KindEnterprise), p)
	case OprApply, OprUse:
		return allow(unit, p)
	case OprDecide:
		return allow(duty(OperatorUnits), p)
	case OprSign:
		if unit {
			return nil
		}
		if !duty(OperatorUnits) {
			return deny(p)
		}
		return allow(a.DecidedBy == "" || a.DecidedBy != p.UserID, p, errOwnWork)
	case OprSanction:
		return allow(duty(OperatorUnits) || (p.IsAuthority() && p.Has(AuthorityAdmin)), p)
	case OprPrice, OprEvaluate:
		return allow(p.IsAuthority() && p.Has(AuthorityAdmin), p)
	case OprReport:
		return allow(operator, p)
	case OprBoard:
		return allow(operator || unit, p)
	case OprConsent:
		return allow(p.Verified, p, errUnverified)
	}
	return deny(p)
}

// OperateOn decides a step on one operation record (a view, product, unit, application or
// agreement): a refusal on a record the caller may not even read is answered as not found
// (unseen), the very answer for a record that does not exist. a carries the record's facts; Read
// is decided on the same facts. Steps that name no record (registering, applying, a subject's
// consent) use Operate, which keeps their own refusals.
func OperateOn(p *Principal, act Action, a OperateAttrs) error {
	err := Operate(p, act, a)
	return unseen(p, act, err, func() error { return Operate(p, Read, a) })
}

// errUnverified refuses a data subject's authorization from an account whose real-name identity
// is not verified: only the verified person may speak for their data.
var errUnverified = apperr.New(http.StatusForbidden, "unverified_identity", "请先完成实名核验，才能授权他人使用您的数据", "verify your real-name identity before authorizing others to use your data")
