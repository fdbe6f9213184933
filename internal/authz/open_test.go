package authz_test

import (
	"errors"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
)

// The open-data decision, as a table: who reads which open type, who suspends, sets and keys.
func TestOpenMatrix(t *testing.T) {
	nobody := &authz.Principal{}
	citizen := &authz.Principal{UserID: "u1", Roles: []authz.Role{authz.PublicUser}}
	provApprover := &authz.Principal{UserID: "u2", OrgID: "org-market", OrgKind: authz.KindAgency, Roles: []authz.Role{authz.AgencyApprover}}
	provOfficer := &authz.Principal{UserID: "u3", OrgID: "org-market", OrgKind: authz.KindAgency, Roles: []authz.Role{authz.DataOfficer}}
	otherApprover := &authz.Principal{UserID: "u4", OrgID: "org-civil", OrgKind: authz.KindAgency, Roles: []authz.Role{authz.AgencyApprover}}
	authority := &authz.Principal{UserID: "u5", OrgID: "org-authority", OrgKind: authz.KindAuthority, RegionCode: "150000", Roles: []authz.Role{authz.AuthorityAdmin}}
	cityAuthority := &authz.Principal{UserID: "u6", OrgID: "org-authority-bt", OrgKind: authz.KindAuthority, RegionCode: "150200", Roles: []authz.Role{authz.AuthorityAdmin}}
	auditor := &authz.Principal{UserID: "u7", Roles: []authz.Role{authz.Auditor}}
	token := &authz.Principal{UserID: "u2", OrgID: "org-market", Roles: []authz.Role{authz.AgencyApprover}, TokenID: "t", Scopes: []string{"*"}}

	ds := func(open string, key bool) authz.OpenAttrs {
		return authz.OpenAttrs{OpenType: open, ProviderOrgID: "org-market", SourceOrgID: "org-market", RegionCode: "150000", KeyCovers: key}
	}
	cases := []struct {
		name string
		p    *authz.Principal
		act  authz.Action
		o    authz.OpenAttrs
		ok   bool
	}{
		{"anyone reads unconditional", nobody, authz.OpenRead, ds("unconditional", false), true},
		{"conditional needs a key", citizen, authz.OpenRead, ds("conditional", false), false},
		{"conditional with a covering key", nobody, authz.OpenRead, ds("conditional", true), true},
		{"not open: nobody, even the provider", provApprover, authz.OpenRead, ds("none", true), false},
		{"provider approver suspends", provApprover, authz.OpenSuspend, ds("unconditional", false), true},
		{"provider data officer does not suspend", provOfficer, authz.OpenSuspend, ds("unconditional", false), false},
		{"another agency does not suspend", otherApprover, authz.OpenSuspend, ds("unconditional", false), false},
		{"the region's authority suspends", authority, authz.OpenSuspend, ds("unconditional", false), true},
		{"a city authority not above the region does not", cityAuthority, authz.OpenSuspend, ds("unconditional", false), false},
		{"auditors read suspensions", auditor, authz.Read, ds("unconditional", false), true},
		{"auditors do not suspend", auditor, authz.OpenSuspend, ds("unconditional", false), false},
		{"a token does not suspend", token, authz.OpenSuspend, ds("unconditional", false), false},
		{"provider officer sets settings", provOfficer, authz.OpenSettings, ds("unconditional", false), true},
		{"citizen does not set settings", citizen, authz.OpenSettings, ds("unconditional", false), false},
		{"a logged-in citizen makes keys", citizen, authz.OpenKeys, authz.OpenAttrs{}, true},
		{"nobody makes keys", nobody, authz.OpenKeys, authz.OpenAttrs{}, false},
		{"a token makes no keys", token, authz.OpenKeys, authz.OpenAttrs{}, false},
		{"a citizen applies for conditional data", citizen, authz.OpenApply, ds("conditional", false), true},
		{"nobody applies without logging in", nobody, authz.OpenApply, ds("conditional", false), false},
		{"no application for unconditional data", citizen, authz.OpenApply, ds("unconditional", false), false},
		{"agency staff do not apply as the public", provApprover, authz.OpenApply, ds("conditional", false), false},
		{"the provider's approver decides", provApprover, authz.OpenDecide, ds("conditional", false), true},
		{"the provider's officer does not decide", provOfficer, authz.OpenDecide, ds("conditional", false), false},
		{"another agency does not decide", otherApprover, authz.OpenDecide, ds("conditional", false), false},
		{"the region's authority decides", authority, authz.OpenDecide, ds("conditional", false), true},
		{"auditors do not decide", auditor, authz.OpenDecide, ds("conditional", false), false},
		{"a token does not decide", token, authz.OpenDecide, ds("conditional", false), false},
		{"the provider's officer manages its plans and reviews", provOfficer, authz.OpenManage, ds("none", false), true},
		{"another agency does not manage them", otherApprover, authz.OpenManage, ds("none", false), false},
		{"the region's authority manages", authority, authz.OpenManage, ds("none", false), true},
		{"auditors only read", auditor, authz.OpenManage, ds("none", false), false},
		{"auditors read plans and reviews", auditor, authz.Read, ds("none", false), true},
		{"the authority moderates the showcase", authority, authz.OpenModerate, authz.OpenAttrs{}, true},
		{"an agency does not moderate", provApprover, authz.OpenModerate, authz.OpenAttrs{}, false},
	}
	for _, c := range cases {
		err := authz.Open(c.p, c.act, c.o)
		if (err == nil) != c.ok {
			t.Errorf("%s: err = %v, want allowed=%v", c.name, err, c.ok)
		}
	}
	if err := authz.Open(citizen, authz.OpenRead, ds("conditional", false)); !errors.Is(err, authz.ErrOpenKeyNeeded) {
		t.Errorf("conditional without key: %v", err)
	}
	if err := authz.Open(nobody, authz.OpenRead, ds("none", false)); !errors.Is(err, apperr.NotFound) {
		t.Errorf("not open answers not found: %v", err)
	}
}
