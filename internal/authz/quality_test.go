package authz_test

import (
	"errors"
	"strings"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
)

// The quality matrices (QUA-1…QUA-3), with the letters of authz_test.go: R read, C create,
// U update, D delete, V review, M manage. "Own" means the caller's organization is the entry's
// provider (or the task's assignee); principals sit in region 150000.

func TestQualityRuleMatrix(t *testing.T) {
	own := authz.QualityAttrs{ProviderOrgID: myOrg, SourceOrgID: myOrg, RegionCode: "150200"}
	other := authz.QualityAttrs{ProviderOrgID: otherOrg, SourceOrgID: otherOrg, RegionCode: "150200"}
	checkMatrix(t, []matrixCase{
		{"own entry", func(p *authz.Principal, act authz.Action) error { return authz.QualityRule(p, act, own) }, map[authz.Role]string{
			authz.AuthorityAdmin: "RCUD", authz.AuthorityReviewer: "RCUD", authz.DataOfficer: "RCUD",
			authz.AgencyApprover: "R", authz.SecurityOfficer: "R", authz.Auditor: "R", authz.Oversight: "R"}},
		{"another agency's entry", func(p *authz.Principal, act authz.Action) error { return authz.QualityRule(p, act, other) }, map[authz.Role]string{
			authz.AuthorityAdmin: "RCUD", authz.AuthorityReviewer: "RCUD", authz.Auditor: "R", authz.Oversight: "R"}},
	})
	// An authority elsewhere (Hohhot) has no say over a Baotou entry.
	hohhot := &authz.Principal{UserID: "u-h", OrgID: "org-auth-hohhot", OrgKind: authz.KindAuthority, RegionCode: "150100", Roles: []authz.Role{authz.AuthorityAdmin}}
	// (It may not even read them, so it is told they are not there: no existence oracle.)
	if err := authz.QualityRule(hohhot, authz.Create, other); !errors.Is(err, apperr.Hidden) {
		t.Errorf("an authority of another city may edit the rules, or learns they exist: %v", err)
	}
	// A read-only token may read but not change rules.
	p := principal(authz.DataOfficer)
	p.TokenID, p.Scopes = "t1", []string{"read"}
	if authz.QualityRule(p, authz.Read, own) != nil || authz.QualityRule(p, authz.Create, own) == nil {
		t.Error("token scopes are not applied to quality rules")
	}
}

func TestCorrectionTaskMatrix(t *testing.T) {
	own := authz.QualityAttrs{ProviderOrgID: myOrg, RegionCode: "150200"}
	other := authz.QualityAttrs{ProviderOrgID: otherOrg, RegionCode: "150200"}
	checkMatrix(t, []matrixCase{
		{"own agency's task", func(p *authz.Principal, act authz.Action) error { return authz.CorrectionTask(p, act, own) }, map[authz.Role]string{
			authz.AuthorityAdmin: "RUM", authz.AuthorityReviewer: "RUM", authz.DataOfficer: "RU", authz.AgencyApprover: "RU",
			authz.SecurityOfficer: "R", authz.Auditor: "R", authz.Oversight: "R"}},
		{"another agency's task", func(p *authz.Principal, act authz.Action) error { return authz.CorrectionTask(p, act, other) }, map[authz.Role]string{
			authz.AuthorityAdmin: "RUM", authz.AuthorityReviewer: "RUM", authz.Auditor: "R", authz.Oversight: "R"}},
	})
}

func TestQualityScoresMatrix(t *testing.T) {
	own := authz.QualityAttrs{ProviderOrgID: myOrg}
	readers := map[authz.Role]string{authz.AuthorityAdmin: "R", authz.AuthorityReviewer: "R", authz.DataOfficer: "R", authz.AgencyApprover: "R",
		authz.SecurityOfficer: "R", authz.Auditor: "R", authz.Oversight: "R", authz.Expert: "R"}
	checkPlainMatrix(t, []matrixCase{
		{"own agency", func(p *authz.Principal, act authz.Action) error { return authz.QualityScores(p, act, own) }, readers},
		{"another agency", func(p *authz.Principal, act authz.Action) error {
			return authz.QualityScores(p, act, authz.QualityAttrs{ProviderOrgID: otherOrg})
		}, readers},
	})
}

func TestQualitySettingsMatrix(t *testing.T) {
	allow := allRoles("R")
	allow[authz.AuthorityAdmin] = "RCUDVM"
	checkMatrix(t, []matrixCase{{"settings", authz.QualitySettings, allow}})
}

func TestObjectionMatrix(t *testing.T) {
	// Raising: about someone else, only data users (other agencies' data staff, the operator)
	// may; about oneself (own ID number or own credit code), anyone but the provider.
	consumers := map[authz.Role]string{authz.DataOfficer: "C", authz.AgencyApprover: "C", authz.OperatorStaff: "C"}
	subjects := allRoles("C")
	// Reading someone else's objection to another agency's data: the authority, auditors, oversight.
	overseers := map[authz.Role]string{authz.AuthorityAdmin: "R", authz.AuthorityReviewer: "R", authz.Auditor: "R", authz.Oversight: "R"}
	// The provider's view of an objection to its own data: data staff read, officer and approver answer.
	provider := map[authz.Role]string{authz.AuthorityAdmin: "R", authz.AuthorityReviewer: "R", authz.Auditor: "R", authz.Oversight: "R",
		authz.DataOfficer: "RV", authz.AgencyApprover: "RV", authz.SecurityOfficer: "R"}
	checkPlainMatrix(t, []matrixCase{
		{"raise about someone else", func(p *authz.Principal, act authz.Action) error {
			if act != authz.Create {
				return createOnly(p)
			}
			return authz.Objection(p, act, authz.ObjectionAttrs{ProviderOrgID: otherOrg, RegionCode: "150200", Record: true, Verified: true})
		}, consumers},
		{"raise about one's own record, verified", func(p *authz.Principal, act authz.Action) error {
			if act != authz.Create {
				return createOnly(p)
			}
			return authz.Objection(p, act, authz.ObjectionAttrs{ProviderOrgID: otherOrg, RegionCode: "150200", Record: true, Verified: true, AboutCaller: true})
		}, subjects},
		{"raise about the entry as a whole", func(p *authz.Principal, act authz.Action) error {
			if act != authz.Create {
				return createOnly(p)
			}
			return authz.Objection(p, act, authz.ObjectionAttrs{ProviderOrgID: otherOrg, RegionCode: "150200"})
		}, subjects},
	})
	checkMatrix(t, []matrixCase{
		{"someone else's objection", func(p *authz.Principal, act authz.Action) error {
			if act == authz.Create {
				return createOnly(p)
			}
			return authz.Objection(p, act, authz.ObjectionAttrs{ProviderOrgID: otherOrg, RegionCode: "150200", ObjectorUserID: "u-stranger"})
		}, overseers},
		{"objection to own agency's data", func(p *authz.Principal, act authz.Action) error {
			if act == authz.Create {
				return createOnly(p)
			}
			return authz.Objection(p, act, authz.ObjectionAttrs{ProviderOrgID: myOrg, RegionCode: "150200", ObjectorUserID: "u-stranger"})
		}, provider},
		{"own objection", func(p *authz.Principal, act authz.Action) error {
			if act == authz.Create {
				return createOnly(p)
			}
			return authz.Objection(p, act, authz.ObjectionAttrs{ProviderOrgID: otherOrg, RegionCode: "150200", ObjectorUserID: p.UserID})
		}, withRoles(authz.AllRoles, "RD", overseers)},
	})
	// The provider never objects to its own data, not even data about itself.
	for _, r := range authz.AllRoles {
		if err := authz.Objection(principal(r), authz.Create, authz.ObjectionAttrs{ProviderOrgID: myOrg, AboutCaller: true}); err == nil {
			t.Errorf("%s of the provider may object to its own agency's data", r)
		}
	}
	// A citizen without an organization: records only about itself, and only once its real name
	// is verified (before that, a refusal that says how to get verified); the entry as a whole,
	// always.
	citizen := &authz.Principal{UserID: "u-citizen", Roles: []authz.Role{authz.PublicUser}}
	if authz.Objection(citizen, authz.Create, authz.ObjectionAttrs{ProviderOrgID: otherOrg, Record: true, Verified: true}) == nil {
		t.Error("a citizen may object to another person's record")
	}
	if err := authz.Objection(citizen, authz.Create, authz.ObjectionAttrs{ProviderOrgID: otherOrg, Record: true, Verified: true, AboutCaller: true}); err != nil {
		t.Errorf("a verified citizen may not object to its own record: %v", err)
	}
	err := authz.Objection(citizen, authz.Create, authz.ObjectionAttrs{ProviderOrgID: otherOrg, Record: true, AboutCaller: true})
	if e := apperr.As(err); e.Code != "quality.identity_unverified" || e.Status != 403 || !strings.Contains(e.ZH, "实名核验") || !strings.Contains(e.EN, "verified") {
		t.Errorf("an unverified citizen objects to a record about itself: %v", err)
	}
	if err := authz.Objection(citizen, authz.Create, authz.ObjectionAttrs{ProviderOrgID: otherOrg}); err != nil {
		t.Errorf("an unverified citizen may not object to an entry: %v", err)
	}
	// Data users object to records without verification (they are agencies' staff).
	officer := principal(authz.DataOfficer)
	if err := authz.Objection(officer, authz.Create, authz.ObjectionAttrs{ProviderOrgID: otherOrg, Record: true}); err != nil {
		t.Errorf("a data user may not object to a record: %v", err)
	}
}

// createOnly keeps a matrix case to its own action: every other action answers like a denial
// (forbidden for a logged-in caller, unauthenticated for nobody).
func createOnly(p *authz.Principal) error {
	if !p.Authenticated() {
		return apperr.Unauthenticated
	}
	return apperr.Forbidden
}

// withRoles gives every role the letters, merged with extra ones.
func withRoles(roles []authz.Role, letters string, extra map[authz.Role]string) map[authz.Role]string {
	m := map[authz.Role]string{}
	for _, r := range roles {
		m[r] = letters
	}
	for r, l := range extra {
		for i := 0; i < len(l); i++ {
			if !containsByte(m[r], l[i]) {
				m[r] += string(l[i])
			}
		}
	}
	return m
}

func containsByte(s string, b byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return true
		}
	}
	return false
}
