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
	case authz.OperatorStaff, authz.OperatorProduct, authz.OperatorReviewer, authz.OperatorUnits:
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

// checkDenial checks the answer to a refused action (no existence oracle, issue #9 item 8): a
// caller who may read the record is told it may not act (forbidden, or a specific 403 such as
// separation of duties); one who may not read it, or not even read it, gets not found — never forbidden for a
// change, since that would tell that the record exists — unless the action names no record the
// caller cannot see (creating, which the decision exempts).
func checkDenial(t *testing.T, err error, act authz.Action, readable bool, who string) {
	t.Helper()
	st := apperr.As(err).Status
	switch {
	case act == authz.Read && !readable:
		if !errors.Is(err, apperr.Hidden) {
			t.Errorf("%s read: refused with %v, want the hidden not found", who, err)
		}
	case readable || act == authz.Read:
		if st != 403 {
			t.Errorf("%s %s: a caller who may read the record was answered %v, want a 403", who, act, err)
		}
	case st != 404 && !(act == authz.Create && st == 403):
		t.Errorf("%s %s: a caller who may not read the record was answered %v, want not found", who, act, err)
	case st == 404 && !errors.Is(err, apperr.Hidden):
		t.Errorf("%s %s: not the hidden answer: %v", who, act, err)
	}
}

func checkMatrix(t *testing.T, cases []matrixCase) { t.Helper(); checkMatrixOf(t, cases, false, false) }

// checkPlainMatrix checks decisions that name no record (the audit log, jobs, scores, raising an
// objection): every refusal is a 403.
func checkPlainMatrix(t *testing.T, cases []matrixCase) {
	t.Helper()
	checkMatrixOf(t, cases, true, false)
}

// checkListMatrix checks a decision whose reads list an organization's records (the directory:
// organizations are public, so a refused read is a 403) while a change to one record the caller
// may not read is answered as not found.
func checkListMatrix(t *testing.T, cases []matrixCase) {
	t.Helper()
	checkMatrixOf(t, cases, false, true)
}

func checkMatrixOf(t *testing.T, cases []matrixCase, plain, listReads bool) {
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
					case !want:
						checkDenial(t, err, a.act, plain || (listReads && a.act == authz.Read) || c.decide(principal(r), authz.Read) == nil, string(r))
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
	checkPlainMatrix(t, []matrixCase{
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
	// Regions and organizations (no target): every logged-in user reads; changes always name
	// the region acted in. A user's own organization: every logged-in user reads; only authority
	// administrators (of the province, covering it) change anything.
	everyoneReads := allRoles("R")
	ownOrg := allRoles("R")
	ownOrg[authz.AuthorityAdmin] = "RCUDVM"
	// Another organization's users in a city below: the authority, auditors and oversight read.
	other := map[authz.Role]string{authz.AuthorityAdmin: "RCUDVM", authz.AuthorityReviewer: "R", authz.Auditor: "R", authz.Oversight: "R"}
	// An organization of another province: no authority here reads or changes it.
	foreign := map[authz.Role]string{authz.Auditor: "R", authz.Oversight: "R"}
	checkListMatrix(t, []matrixCase{
		{"regions and organizations", func(p *authz.Principal, act authz.Action) error { return authz.Directory(p, act, "", "") }, everyoneReads},
		{"own organization", func(p *authz.Principal, act authz.Action) error {
			return authz.Directory(p, act, p.OrgID, p.RegionCode)
		}, ownOrg},
		{"another organization below", func(p *authz.Principal, act authz.Action) error { return authz.Directory(p, act, otherOrg, "150200") }, other},
		{"another province's organization", func(p *authz.Principal, act authz.Action) error { return authz.Directory(p, act, otherOrg, "110000") }, foreign},
	})
}

// Administrators act within their region (issue #9 item 6): a city administrator manages
// accounts of its city and its counties, never of the province above it or of a sibling city —
// so it cannot create a province administrator or a province agency's approver.
func TestDirectoryRegionScope(t *testing.T) {
	city := &authz.Principal{UserID: "u-bt-admin", OrgID: "org-bt-auth", OrgKind: authz.KindAuthority, RegionCode: "150200", Roles: []authz.Role{authz.AuthorityAdmin}}
	for _, c := range []struct {
		region string
		ok     bool
	}{{"150200", true}, {"150203", true}, {"150000", false}, {"150100", false}, {"150102", false}, {"", false}} {
		for _, act := range []authz.Action{authz.Create, authz.Update, authz.Delete, authz.Manage} {
			err := authz.Directory(city, act, "org-x", c.region)
			if (err == nil) != c.ok {
				t.Errorf("city admin %s in region %q: %v, want allowed=%v", act, c.region, err, c.ok)
			}
		}
		if err := authz.Tokens(city, authz.Delete, "u-other", c.region); (err == nil) != c.ok {
			t.Errorf("city admin revokes a token of a user in %q: %v, want allowed=%v", c.region, err, c.ok)
		}
		if err := authz.Webhooks(city, authz.Delete, authz.WebhookAttrs{OwnerID: "u-other", OwnerRegion: c.region}); (err == nil) != c.ok {
			t.Errorf("city admin removes a webhook of a user in %q: %v, want allowed=%v", c.region, err, c.ok)
		}
	}
	// An administrator of an agency (not an authority) manages nobody, not even in its region.
	agencyAdmin := &authz.Principal{UserID: "u-x", OrgID: "org-a", OrgKind: authz.KindAgency, RegionCode: "150000", Roles: []authz.Role{authz.AuthorityAdmin}}
	if authz.Directory(agencyAdmin, authz.Create, "org-a", "150000") == nil {
		t.Error("an authority_admin role outside a data authority creates users")
	}
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
	// Someone else's tokens: an authority administrator of a covering region revokes them (and
	// nothing else); outside its region, nobody.
	others := map[authz.Role]string{authz.AuthorityAdmin: "D"}
	checkMatrix(t, []matrixCase{
		{"own tokens", func(p *authz.Principal, act authz.Action) error { return authz.Tokens(p, act, p.UserID, p.RegionCode) }, allRoles("RCUDVM")},
		{"someone else's tokens", func(p *authz.Principal, act authz.Action) error { return authz.Tokens(p, act, "u-stranger", "150200") }, others},
		{"someone else's tokens in another province", func(p *authz.Principal, act authz.Action) error {
			return authz.Tokens(p, act, "u-stranger", "110000")
		}, map[authz.Role]string{}},
	})
	// A caller authenticated by an API token may not mint, list or revoke tokens, even its own
	// and even with every scope: a leaked token cannot make itself new ones.
	for _, r := range authz.AllRoles {
		p := principal(r)
		p.TokenID, p.Scopes = "tok-1", []string{"*"}
		for _, a := range actions {
			if err := authz.Tokens(p, a.act, p.UserID, p.RegionCode); !errors.Is(err, apperr.Forbidden) {
				t.Errorf("token caller %s %s own tokens: got %v, want forbidden", r, a.act, err)
			}
		}
	}
}

func TestJobsMatrix(t *testing.T) {
	checkPlainMatrix(t, []matrixCase{{"jobs", authz.Jobs, map[authz.Role]string{authz.AuthorityAdmin: "RCUDVM"}}})
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

// Webhooks belong to the user who registered them: authority administrators, data officers and
// security officers register their own; only the owner lists them; the owner and a covering
// authority administrator remove them.
func TestWebhooksMatrix(t *testing.T) {
	registrars := map[authz.Role]string{authz.AuthorityAdmin: "C", authz.DataOfficer: "C", authz.SecurityOfficer: "C"}
	own := allRoles("RD")
	for r := range registrars {
		own[r] = "RCD"
	}
	checkMatrix(t, []matrixCase{
		{"own webhooks", func(p *authz.Principal, act authz.Action) error {
			return authz.Webhooks(p, act, authz.WebhookAttrs{OwnerID: p.UserID, OwnerRegion: p.RegionCode})
		}, own},
		{"someone else's webhook below", func(p *authz.Principal, act authz.Action) error {
			return authz.Webhooks(p, act, authz.WebhookAttrs{OwnerID: "u-stranger", OwnerRegion: "150200"})
		}, map[authz.Role]string{authz.AuthorityAdmin: "D"}},
		{"someone else's webhook in another province", func(p *authz.Principal, act authz.Action) error {
			return authz.Webhooks(p, act, authz.WebhookAttrs{OwnerID: "u-stranger", OwnerRegion: "110000"})
		}, map[authz.Role]string{}},
	})
}

// Token scopes (SEC-3), every role × every scope a route may need × every scope a token may
// carry: a session passes (its roles decide later); a token passes only with the route's scope
// (or "*"), never a session-only route, always a public or "any" route.
func TestRouteScopeMatrix(t *testing.T) {
	needs := append(append([]string{}, authz.TokenScopes[:len(authz.TokenScopes)-1]...), authz.ScopePublic, authz.ScopeAny, authz.ScopeSession, "read|ingest")
	for _, r := range authz.AllRoles {
		for _, need := range needs {
			if !authz.ValidRouteScope(need) {
				t.Fatalf("%q is not a valid route scope", need)
			}
			if err := authz.RouteScope(principal(r), need); err != nil {
				t.Errorf("%s session on a %q route: %v", r, need, err)
			}
			if err := authz.RouteScope(&authz.Principal{}, need); (need == authz.ScopePublic) != (err == nil) {
				t.Errorf("anonymous on a %q route: %v", need, err)
			}
			for _, has := range authz.TokenScopes {
				p := principal(r)
				p.TokenID, p.Scopes = "tok", []string{has}
				want := need == authz.ScopePublic || need == authz.ScopeAny ||
					(need != authz.ScopeSession && (has == authz.ScopeAll || strings.Contains("|"+need+"|", "|"+has+"|")))
				err := authz.RouteScope(p, need)
				if want != (err == nil) {
					t.Errorf("%s token %q on a %q route: %v, want allowed=%v", r, has, need, err, want)
				}
				if err != nil && apperr.As(err).Code != "insufficient_scope" {
					t.Errorf("%s token %q on a %q route: %v, want insufficient_scope", r, has, need, err)
				}
			}
		}
	}
	for _, bad := range []string{"", "*", "root", "read|*", "read|root"} {
		if authz.ValidRouteScope(bad) {
			t.Errorf("%q accepted as a route scope", bad)
		}
	}
}
