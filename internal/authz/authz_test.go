package authz_test

import (
	"errors"
	"strings"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
)

// The decision matrices of the foundation's resource kinds. Each case lists, per role, the
// actions it may take, as letters: R read, C create, U update, D delete, V review, M manage.
// A role not listed may take none. Every role × action is checked, plus an anonymous caller
// (always unauthenticated) and, where it matters, an API-token caller.

var actions = []struct {
	letter byte
	act    authz.Action
}{{'R', authz.Read}, {'C', authz.Create}, {'U', authz.Update}, {'D', authz.Delete}, {'V', authz.Review}, {'M', authz.Manage}}

const (
	myOrg    = "org-mine"
	otherOrg = "org-other"
)

func principal(r authz.Role) *authz.Principal {
	kind := authz.KindAgency
	switch r {
	case authz.AuthorityAdmin, authz.AuthorityReviewer, authz.Auditor:
		kind = authz.KindAuthority
	case authz.Oversight:
		kind = authz.KindOversight
	case authz.OperatorStaff:
		kind = authz.KindOperator
	case authz.AppUnitUser:
		kind = authz.KindAppUnit
	case authz.Expert:
		kind = authz.KindExpertCommittee
	case authz.PublicUser:
		kind = authz.KindEnterprise
	}
	return &authz.Principal{UserID: "u-" + string(r), Username: string(r), OrgID: myOrg, OrgKind: kind, RegionCode: "150000", Roles: []authz.Role{r}}
}

type matrixCase struct {
	name   string
	decide func(p *authz.Principal, act authz.Action) error
	allow  map[authz.Role]string
}

func allRoles(letters string) map[authz.Role]string {
	m := map[authz.Role]string{}
	for _, r := range authz.AllRoles {
		m[r] = letters
	}
	return m
}

func checkMatrix(t *testing.T, cases []matrixCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for r := range c.allow {
				if _, ok := authz.RoleNames[r]; !ok {
					t.Fatalf("matrix names unknown role %q", r)
				}
			}
			for _, r := range authz.AllRoles {
				for _, a := range actions {
					want := strings.IndexByte(c.allow[r], a.letter) >= 0
					err := c.decide(principal(r), a.act)
					switch {
					case want && err != nil:
						t.Errorf("%s %s: denied (%v), want allowed", r, a.act, err)
					case !want && err == nil:
						t.Errorf("%s %s: allowed, want denied", r, a.act)
					case !want && !errors.Is(err, apperr.Forbidden):
						t.Errorf("%s %s: denied with %v, want forbidden", r, a.act, err)
					}
				}
			}
			// Nobody logged in: always "unauthenticated" (so the UI sends them to the login page).
			for _, a := range actions {
				if err := c.decide(&authz.Principal{}, a.act); !errors.Is(err, apperr.Unauthenticated) {
					t.Errorf("anonymous %s: got %v, want unauthenticated", a.act, err)
				}
			}
		})
	}
}

func TestAuditMatrix(t *testing.T) {
	readAll := map[authz.Role]string{authz.Auditor: "R", authz.Oversight: "R", authz.AuthorityAdmin: "R"}
	readOwn := map[authz.Role]string{authz.Auditor: "R", authz.Oversight: "R", authz.AuthorityAdmin: "R", authz.SecurityOfficer: "R", authz.DataOfficer: "R"}
	checkMatrix(t, []matrixCase{
		{"whole log", func(p *authz.Principal, act authz.Action) error { return authz.Audit(p, act, "") }, readAll},
		{"own organization", func(p *authz.Principal, act authz.Action) error { return authz.Audit(p, act, p.OrgID) }, readOwn},
		{"another organization", func(p *authz.Principal, act authz.Action) error { return authz.Audit(p, act, otherOrg) }, readAll},
	})
}

func TestCalendarMatrix(t *testing.T) {
	allow := allRoles("R")
	allow[authz.AuthorityAdmin] = "RCUDVM"
	checkMatrix(t, []matrixCase{{"calendar", authz.Calendar, allow}})
}

func TestDirectoryMatrix(t *testing.T) {
	// Regions and organizations (orgID ""), and a user's own organization: every logged-in
	// user reads; only authority administrators change anything.
	everyoneReads := allRoles("R")
	everyoneReads[authz.AuthorityAdmin] = "RCUDVM"
	// Another organization's users: the authority, auditors and oversight bodies read.
	other := map[authz.Role]string{authz.AuthorityAdmin: "RCUDVM", authz.AuthorityReviewer: "R", authz.Auditor: "R", authz.Oversight: "R"}
	checkMatrix(t, []matrixCase{
		{"regions and organizations", func(p *authz.Principal, act authz.Action) error { return authz.Directory(p, act, "") }, everyoneReads},
		{"own organization", func(p *authz.Principal, act authz.Action) error { return authz.Directory(p, act, p.OrgID) }, everyoneReads},
		{"another organization", func(p *authz.Principal, act authz.Action) error { return authz.Directory(p, act, otherOrg) }, other},
	})
}

func TestNotificationsMatrix(t *testing.T) {
	none := map[authz.Role]string{}
	checkMatrix(t, []matrixCase{
		{"own message", func(p *authz.Principal, act authz.Action) error { return authz.Notifications(p, act, p.UserID, "") }, allRoles("RCUDVM")},
		{"own organization's message", func(p *authz.Principal, act authz.Action) error { return authz.Notifications(p, act, "", p.OrgID) }, allRoles("RCUDVM")},
		{"someone else's message", func(p *authz.Principal, act authz.Action) error { return authz.Notifications(p, act, "u-stranger", "") }, none},
		{"another organization's message", func(p *authz.Principal, act authz.Action) error { return authz.Notifications(p, act, "", otherOrg) }, none},
	})
	// An organization message never matches a user without an organization.
	loner := &authz.Principal{UserID: "u-citizen", Roles: []authz.Role{authz.PublicUser}}
	if err := authz.Notifications(loner, authz.Read, "", ""); err == nil {
		t.Error("a user without an organization may read messages addressed to no one")
	}
}

func TestTokensMatrix(t *testing.T) {
	others := map[authz.Role]string{authz.AuthorityAdmin: "RCUDVM"}
	checkMatrix(t, []matrixCase{
		{"own tokens", func(p *authz.Principal, act authz.Action) error { return authz.Tokens(p, act, p.UserID) }, allRoles("RCUDVM")},
		{"someone else's tokens", func(p *authz.Principal, act authz.Action) error { return authz.Tokens(p, act, "u-stranger") }, others},
	})
	// A caller authenticated by an API token may not mint, list or revoke tokens, even its own
	// and even with every scope: a leaked token cannot make itself new ones.
	for _, r := range authz.AllRoles {
		p := principal(r)
		p.TokenID, p.Scopes = "tok-1", []string{"*"}
		for _, a := range actions {
			if err := authz.Tokens(p, a.act, p.UserID); !errors.Is(err, apperr.Forbidden) {
				t.Errorf("token caller %s %s own tokens: got %v, want forbidden", r, a.act, err)
			}
		}
	}
}

func TestJobsMatrix(t *testing.T) {
	checkMatrix(t, []matrixCase{{"jobs", authz.Jobs, map[authz.Role]string{authz.AuthorityAdmin: "RCUDVM"}}})
}

func TestPrincipalHelpers(t *testing.T) {
	var nobody *authz.Principal
	if nobody.Authenticated() || nobody.Has(authz.AuthorityAdmin) || (&authz.Principal{}).Authenticated() {
		t.Error("a nil or empty principal counts as logged in or holding a role")
	}
	p := principal(authz.DataOfficer)
	if !p.Has(authz.Auditor, authz.DataOfficer) || p.Has(authz.Auditor) {
		t.Error("Has does not match any-of the roles")
	}
	// Session callers may use every scope; token callers only theirs ("*" = all).
	if !p.Scoped("gateway") {
		t.Error("a session caller is refused a scope")
	}
	p.TokenID, p.Scopes = "t1", []string{"read"}
	if !p.Scoped("read") || p.Scoped("write") || p.Scoped("gateway") {
		t.Errorf("token scopes not enforced: %v", p.Scopes)
	}
	p.Scopes = []string{"*"}
	if !p.Scoped("ingest") {
		t.Error(`"*" does not grant every scope`)
	}
	// IsAuthority needs both an authority organization and an authority role.
	cases := []struct {
		kind authz.OrgKind
		role authz.Role
		want bool
	}{
		{authz.KindAuthority, authz.AuthorityAdmin, true},
		{authz.KindAuthority, authz.AuthorityReviewer, true},
		{authz.KindAuthority, authz.Auditor, false},
		{authz.KindAgency, authz.AuthorityAdmin, false},
	}
	for _, c := range cases {
		p := &authz.Principal{UserID: "u", OrgKind: c.kind, Roles: []authz.Role{c.role}}
		if got := p.IsAuthority(); got != c.want {
			t.Errorf("IsAuthority(%s, %s) = %v", c.kind, c.role, got)
		}
	}
}

func TestEveryRoleAndKindIsNamed(t *testing.T) {
	if len(authz.RoleNames) != len(authz.AllRoles) {
		t.Fatalf("%d role names for %d roles", len(authz.RoleNames), len(authz.AllRoles))
	}
	for _, r := range authz.AllRoles {
		n := authz.RoleNames[r]
		if n[0] == "" || n[1] == "" {
			t.Errorf("role %s lacks a Chinese or English name: %q", r, n)
		}
	}
	for k, n := range authz.OrgKinds {
		if n[0] == "" || n[1] == "" {
			t.Errorf("org kind %s lacks a name: %q", k, n)
		}
	}
	// docs/requirements.md §0 kinds that the directory must offer.
	for _, k := range []authz.OrgKind{authz.KindAuthority, authz.KindAgency, authz.KindUtility, authz.KindOperator, authz.KindAppUnit,
		authz.KindEnterprise, authz.KindOversight, authz.KindExpertCommittee, authz.KindPlatformService} {
		if _, ok := authz.OrgKinds[k]; !ok {
			t.Errorf("org kind %s missing", k)
		}
	}
}
