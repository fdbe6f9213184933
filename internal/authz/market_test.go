package authz

import (
	"errors"
	"testing"

	"pubdata/internal/apperr"
)

// The market matrix (MKT-1 … MKT-4, OPR-11): who may take each step, and a refusal on a record
// the caller may not read is "not found".
func TestMarketMatrix(t *testing.T) {
	admin := &Principal{UserID: "a1", OrgID: "org-auth", OrgKind: KindAuthority, RegionCode: "150000", Roles: []Role{AuthorityAdmin}}
	rev := &Principal{UserID: "r1", OrgID: "org-auth", OrgKind: KindAuthority, RegionCode: "150000", Roles: []Role{AuthorityReviewer}}
	city := &Principal{UserID: "a2", OrgID: "org-bt", OrgKind: KindAuthority, RegionCode: "150200", Roles: []Role{AuthorityAdmin}}
	officer := &Principal{UserID: "o1", OrgID: "org-mk", OrgKind: KindAgency, RegionCode: "150000", Roles: []Role{DataOfficer}}
	water := &Principal{UserID: "w1", OrgID: "org-water", OrgKind: KindUtility, RegionCode: "150200", Roles: []Role{DataOfficer}}
	op := &Principal{UserID: "op1", OrgID: "org-op", OrgKind: KindOperator, Roles: []Role{OperatorStaff}}
	unit := &Principal{UserID: "u1", OrgID: "org-unit", OrgKind: KindAppUnit, Roles: []Role{AppUnitUser}}
	svc := &Principal{UserID: "s1", OrgID: "org-svc", OrgKind: KindPlatformService, Roles: []Role{DataOfficer}}
	expert := &Principal{UserID: "e1", OrgID: "org-exp", OrgKind: KindExpertCommittee, Roles: []Role{Expert}}
	auditor := &Principal{UserID: "au", OrgID: "org-auth", OrgKind: KindAuthority, RegionCode: "150000", Roles: []Role{Auditor}}
	token := &Principal{UserID: "op1", OrgID: "org-op", OrgKind: KindOperator, Roles: []Role{OperatorStaff}, TokenID: "t", Scopes: []string{"*"}}
	asset := MarketAttrs{ID: "as1", Region: "150000", OwnerOrg: "org-mk"}
	listing := MarketAttrs{ID: "l1", Region: "150000", OwnerOrg: "org-op", Market: true}
	trade := MarketAttrs{ID: "t1", Region: "150000", OwnerOrg: "org-op", OtherOrg: "org-unit"}
	letter := MarketAttrs{ID: "le1", Region: "150000", OwnerOrg: "org-op"}
	for _, c := range []struct {
		name string
		p    *Principal
		act  Action
		a    MarketAttrs
		ok   bool
	}{
		{"agency registers its asset", officer, MktAsset, MarketAttrs{}, true},
		{"application unit registers no asset", unit, MktAsset, MarketAttrs{}, false},
		{"agency reads its asset", officer, Read, asset, true},
		{"another region's agency does not", water, Read, asset, false},
		{"another region's authority does not", city, Read, asset, false},
		{"auditor reads", auditor, Read, asset, true},
		{"reviewer reviews", rev, MktReview, asset, true},
		{"agency does not review its own", officer, MktReview, asset, false},
		{"admin records rights", admin, MktRights, asset, true},
		{"reviewer does not record rights", rev, MktRights, asset, false},
		{"expert assesses", expert, MktAssess, MarketAttrs{ID: "p1", Market: true}, true},
		{"operator does not assess", op, MktAssess, MarketAttrs{ID: "p1", Market: true}, false},
		{"operator lists", op, MktList, MarketAttrs{}, true},
		{"agency does not list", officer, MktList, MarketAttrs{}, false},
		{"participants read listings", unit, Read, listing, true},
		{"agencies outside the market do not", water, Read, listing, false},
		{"every data authority reads market records", city, Read, listing, true},
		{"but not another region's trades", city, Read, trade, false},
		{"provider records the trade", op, MktTrade, listing, true},
		{"buyer does not record the provider's trade", unit, MktTrade, listing, false},
		{"buyer rates the trade", unit, MktRate, trade, true},
		{"auditor does not rate", auditor, MktRate, trade, false},
		{"admin registers brokers", admin, MktBroker, MarketAttrs{Region: "150000"}, true},
		{"operator files", op, MktFile, MarketAttrs{}, true},
		{"platform service unit files", svc, MktFile, MarketAttrs{}, true},
		{"agency files no unit report", officer, MktFile, MarketAttrs{}, false},
		{"unit answers its letter", op, MktFile, letter, true},
		{"admin supervises", admin, MktSupervise, letter, true},
		{"unit does not close its letter", op, MktSupervise, letter, false},
		{"tokens do not work the market", token, MktList, MarketAttrs{}, false},
	} {
		if err := Market(c.p, c.act, c.a); (err == nil) != c.ok {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if err := Market(water, MktSupervise, letter); !errors.Is(err, apperr.Hidden) {
		t.Errorf("an outsider's change to a letter: %v, want not found", err)
	}
	if err := Market(auditor, MktSupervise, letter); !errors.Is(err, apperr.Forbidden) {
		t.Errorf("a reader's change to a letter: %v, want forbidden", err)
	}
}
