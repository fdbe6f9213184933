package authz

import (
	"testing"

	"pubdata/internal/apperr"
)

// The authorized-operation matrix: who may take each step, and the separation of operator duties.
func TestOperateMatrix(t *testing.T) {
	op := &Principal{UserID: "op1", OrgID: "org-op", OrgKind: KindOperator, Roles: []Role{OperatorStaff, OperatorProduct, OperatorUnits}}
	op2 := &Principal{UserID: "op2", OrgID: "org-op", OrgKind: KindOperator, Roles: []Role{OperatorStaff, OperatorReviewer, OperatorUnits}}
	staff := &Principal{UserID: "op3", OrgID: "org-op", OrgKind: KindOperator, Roles: []Role{OperatorStaff}}
	designer := &Principal{UserID: "op4", OrgID: "org-op", OrgKind: KindOperator, Roles: []Role{OperatorProduct}}
	both := &Principal{UserID: "op5", OrgID: "org-op", OrgKind: KindOperator, Roles: []Role{OperatorProduct, OperatorReviewer}}
	admin := &Principal{UserID: "a1", OrgID: "org-auth", OrgKind: KindAuthority, RegionCode: "150000", Roles: []Role{AuthorityAdmin}}
	unit := &Principal{UserID: "u1", OrgID: "org-unit", OrgKind: KindAppUnit, Roles: []Role{AppUnitUser}}
	other := &Principal{UserID: "u2", OrgID: "org-other", OrgKind: KindAppUnit, Roles: []Role{AppUnitUser}}
	officer := &Principal{UserID: "o1", OrgID: "org-ps", OrgKind: KindAgency, Roles: []Role{DataOfficer}}
	rev := &Principal{UserID: "r1", OrgID: "org-auth", OrgKind: KindAuthority, RegionCode: "150000", Roles: []Role{AuthorityReviewer}}
	expert := &Principal{UserID: "e1", OrgID: "org-exp", OrgKind: KindExpertCommittee, Roles: []Role{Expert}}
	citizen := &Principal{UserID: "c1", Roles: []Role{PublicUser}}
	verified := &Principal{UserID: "c2", Roles: []Role{PublicUser}, Verified: true}
	token := &Principal{UserID: "u1", OrgID: "org-unit", OrgKind: KindAppUnit, Roles: []Role{AppUnitUser}, TokenID: "t", Scopes: []string{ScopeProduct}}
	readToken := &Principal{UserID: "u1", OrgID: "org-unit", OrgKind: KindAppUnit, Roles: []Role{AppUnitUser}, TokenID: "t", Scopes: []string{ScopeRead}}
	unitAttrs := OperateAttrs{UnitOrgID: "org-unit"}
	for _, c := range []struct {
		name string
		p    *Principal
		act  Action
		a    OperateAttrs
		ok   bool
	}{
		{"provider registers a view of its own entry", officer, OprView, OperateAttrs{OwnerOrg: "org-ps"}, true},
		{"provider cannot register another agency's entry", officer, OprView, OperateAttrs{OwnerOrg: "org-civil"}, false},
		{"operator cannot register views", op, OprView, OperateAttrs{OwnerOrg: "org-ps"}, false},
		{"operator defines products", op, OprProduct, OperateAttrs{}, true},
		{"unit cannot define products", unit, OprProduct, OperateAttrs{}, false},
		{"editor may not review", op, OprReview, OperateAttrs{EditedBy: "op1"}, false},
		{"another operator reviews", op2, OprReview, OperateAttrs{EditedBy: "op1"}, true},
		{"authority reviewer reviews", rev, OprReview, OperateAttrs{EditedBy: "op1"}, true},
		{"unit cannot review", unit, OprReview, OperateAttrs{EditedBy: "op1"}, false},
		{"expert gives opinions", expert, OprExpert, OperateAttrs{}, true},
		{"operator is no expert", op, OprExpert, OperateAttrs{}, false},
		{"unit applies for itself", unit, OprApply, unitAttrs, true},
		{"unit does not use another's agreement", other, OprUse, unitAttrs, false},
		{"operator decides", op, OprDecide, OperateAttrs{}, true},
		{"decider does not sign for the operator", op, OprSign, OperateAttrs{UnitOrgID: "org-unit", DecidedBy: "op1"}, false},
		{"another operator signs", op2, OprSign, OperateAttrs{UnitOrgID: "org-unit", DecidedBy: "op1"}, true},
		{"unit signs its side", unit, OprSign, OperateAttrs{UnitOrgID: "org-unit", DecidedBy: "op1"}, true},
		{"other unit cannot sign", other, OprSign, OperateAttrs{UnitOrgID: "org-unit"}, false},
		{"operator sanctions", op, OprSanction, OperateAttrs{}, true},
		{"unit cannot sanction", unit, OprSanction, OperateAttrs{}, false},
		{"product token uses", token, OprUse, unitAttrs, true},
		{"product token cannot apply", token, OprApply, unitAttrs, false},
		{"read token cannot use", readToken, OprUse, unitAttrs, false},
		{"unverified citizen cannot authorize", citizen, OprConsent, OperateAttrs{}, false},
		{"verified citizen authorizes", verified, OprConsent, OperateAttrs{}, true},
		{"agency registers no unit", officer, OprRegister, OperateAttrs{}, false},
		{"visitor reads nothing", &Principal{}, Read, OperateAttrs{}, false},
		// operator duties separated by role (BTO 16)
		{"plain staff reads", staff, Read, OperateAttrs{}, true},
		{"plain staff defines no product", staff, OprProduct, OperateAttrs{}, false},
		{"plain staff reviews nothing", staff, OprReview, OperateAttrs{EditedBy: "op1"}, false},
		{"plain staff decides no application", staff, OprDecide, OperateAttrs{}, false},
		{"plain staff files reports", staff, OprReport, OperateAttrs{}, true},
		{"designer defines products", designer, OprProduct, OperateAttrs{}, true},
		{"designer does not review", designer, OprReview, OperateAttrs{EditedBy: "op1"}, false},
		{"designer does not qualify units", designer, OprQualify, OperateAttrs{}, false},
		{"designer does not sign", designer, OprSign, OperateAttrs{UnitOrgID: "org-unit", DecidedBy: "op1"}, false},
		{"reviewer does not define products", op2, OprProduct, OperateAttrs{}, false},
		{"one holding both roles never reviews their own edit", both, OprReview, OperateAttrs{EditedBy: "op5"}, false},
		{"one holding both roles reviews another's edit", both, OprReview, OperateAttrs{EditedBy: "op1"}, true},
		{"authority approves prices", admin, OprPrice, OperateAttrs{}, true},
		{"operator does not approve its prices", op, OprPrice, OperateAttrs{}, false},
		{"authority records the evaluation", admin, OprEvaluate, OperateAttrs{}, true},
		{"operator does not evaluate itself", op, OprEvaluate, OperateAttrs{}, false},
		{"unit closes its own board item", unit, OprBoard, unitAttrs, true},
		{"unit cannot post offers", unit, OprBoard, OperateAttrs{}, false},
		{"operator posts notices", staff, OprBoard, OperateAttrs{}, true},
	} {
		if err := Operate(c.p, c.act, c.a); (err == nil) != c.ok {
			t.Errorf("%s: got %v", c.name, err)
		}
	}
}

// A step on an operation record by someone who may not read the record answers "not found", as
// for a record that does not exist; a reader hears "forbidden"; steps naming no record keep their
// own refusals (an unverified subject is told to verify first).
func TestOperateOnHidesRecords(t *testing.T) {
	outsider := &Principal{UserID: "w1", OrgID: "org-water", OrgKind: KindUtility, Roles: []Role{DataOfficer}}
	auditor := &Principal{UserID: "a1", OrgID: "org-auth", OrgKind: KindAuthority, Roles: []Role{Auditor}}
	other := &Principal{UserID: "u2", OrgID: "org-other", OrgKind: KindAppUnit, Roles: []Role{AppUnitUser}}
	unitAttrs := OperateAttrs{UnitOrgID: "org-unit"}
	for _, act := range []Action{OprProduct, OprReview, OprExpert, OprDecide, OprSign, OprSanction, OprQualify} {
		if err := OperateOn(outsider, act, unitAttrs); err != apperr.Hidden {
			t.Errorf("outsider %s: %v, want hidden", act, err)
		}
		if err := OperateOn(auditor, act, unitAttrs); err == nil || err == apperr.Hidden {
			t.Errorf("auditor %s: %v, want forbidden", act, err)
		}
	}
	if err := OperateOn(other, OprDecide, unitAttrs); err != apperr.Hidden {
		t.Errorf("another unit deciding this unit's application: %v, want hidden", err)
	}
	citizen := &Principal{UserID: "c1", Roles: []Role{PublicUser}}
	if err := Operate(citizen, OprConsent, OperateAttrs{}); apperr.As(err).Code != "unverified_identity" {
		t.Errorf("unverified consent: %v", err)
	}
}
