package authz_test

import (
	"errors"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
)

// The sharing matrices: every role in every position relative to a request (consumer agency,
// provider agency, an unrelated agency, the authority over both regions, an authority elsewhere)
// against every share action. Letters: R read, C create (file), W withdraw, D decide, F forward
// (route), L deliver, S suspend/resume, X revoke, I issue credential, P report on use, U use the
// gateway, B supervision board.

var shareActs = []struct {
	letter byte
	act    authz.Action
}{{'R', authz.Read}, {'C', authz.Create}, {'W', authz.ShareWithdraw}, {'D', authz.ShareDecide}, {'F', authz.ShareForward},
	{'L', authz.ShareDeliver}, {'S', authz.ShareSuspend}, {'X', authz.ShareRevoke}, {'I', authz.ShareIssue}, {'P', authz.ShareReport},
	{'U', authz.ShareUse}, {'B', authz.ShareSupervise}}

const (
	shConsumer = "org-consumer"
	shProvider = "org-provider"
	shSource   = "org-source"
	shOther    = "org-unrelated"
	shAuthProv = "org-auth-province"
	shAuthCity = "org-auth-hohhot"
)

type shPos struct {
	name   string
	org    string
	region string
	kind   authz.OrgKind
}

var shPositions = []shPos{
	{"consumer", shConsumer, "150200", authz.KindAgency},
	{"provider", shProvider, "150000", authz.KindAgency},
	{"source", shSource, "150000", authz.KindAgency},
	{"unrelated", shOther, "150000", authz.KindAgency},
	{"authority-over-both", shAuthProv, "150000", authz.KindAuthority},
	{"authority-elsewhere", shAuthCity, "150100", authz.KindAuthority},
}

func shPrincipal(r authz.Role, pos shPos) *authz.Principal {
	kind := pos.kind
	switch r { // authority roles keep the position's kind: only at an authority do they count
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
	return &authz.Principal{UserID: "u-" + string(r), Username: string(r), OrgID: pos.org, OrgKind: kind, RegionCode: pos.region, Roles: []authz.Role{r}}
}

func letters(s string, b byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == b {
			return true
		}
	}
	return false
}

func TestShareMatrix(t *testing.T) {
	req := authz.ShareAttrs{ConsumerOrgID: shConsumer, ProviderOrgIDs: []string{shSource, shProvider}, EntryRegion: "150000", ConsumerRegion: "150200", GrantID: "grant-1"}
	// expected[position][role]; roles absent allow nothing. Auditors and oversight read
	// wherever they sit; oversight also sees the supervision board.
	expected := map[string]map[authz.Role]string{
		"consumer":            {authz.DataOfficer: "RCWIP", authz.AgencyApprover: "RCWXIP", authz.SecurityOfficer: "R"},
		"provider":            {authz.DataOfficer: "RL", authz.AgencyApprover: "RDLSX", authz.SecurityOfficer: "R"},
		"source":              {authz.DataOfficer: "RL", authz.AgencyApprover: "RDLSX", authz.SecurityOfficer: "R"},
		"unrelated":           {},
		"authority-over-both": {authz.AuthorityAdmin: "RFSXB", authz.AuthorityReviewer: "RFB"},
		"authority-elsewhere": {authz.AuthorityAdmin: "B", authz.AuthorityReviewer: "B"},
	}
	for _, pos := range shPositions {
		for _, role := range authz.AllRoles {
			want := expected[pos.name][role]
			switch role {
			case authz.Auditor:
				want = "R"
			case authz.Oversight:
				want = "RB"
			}
			p := shPrincipal(role, pos)
			a := req
			for _, x := range shareActs {
				if x.act == authz.Create {
					a.ConsumerOrgID = p.OrgID // filing is always for one's own agency
				} else {
					a.ConsumerOrgID = shConsumer
				}
				if pos.name != "consumer" && x.act == authz.Create && (role == authz.DataOfficer || role == authz.AgencyApprover) && p.OrgKind.IsDataHolder() {
					// any data-holding agency may file for itself
					if err := authz.Share(p, x.act, a); err != nil {
						t.Errorf("%s %s: file for own agency refused: %v", pos.name, role, err)
					}
					continue
				}
				err := authz.Share(p, x.act, a)
				if got := err == nil; got != letters(want, x.letter) {
					t.Errorf("%s as %s, action %s: allowed=%v, want %v", role, pos.name, x.act, got, !got)
				}
				if err != nil {
					// Gateway use (the token's own grant) and supervision name no record the
					// caller cannot see: a plain 403 for them.
					named := x.act != authz.ShareUse && x.act != authz.ShareSupervise
					checkDenial(t, err, x.act, !named || authz.Share(p, authz.Read, a) == nil, string(role)+" as "+pos.name)
				}
			}
		}
	}
	// Anonymous: unauthenticated for every action.
	for _, x := range shareActs {
		if err := authz.Share(&authz.Principal{}, x.act, req); !errors.Is(err, apperr.Unauthenticated) {
			t.Errorf("anonymous %s: %v, want unauthenticated", x.act, err)
		}
	}
}

func TestShareTokens(t *testing.T) {
	req := authz.ShareAttrs{ConsumerOrgID: shConsumer, ProviderOrgIDs: []string{shProvider}, EntryRegion: "150000", ConsumerRegion: "150200", GrantID: "grant-1"}
	tok := func(org, subject string, scopes ...string) *authz.Principal {
		return &authz.Principal{UserID: "u1", OrgID: org, OrgKind: authz.KindAgency, RegionCode: "150200", Roles: []authz.Role{authz.AgencyApprover},
			TokenID: "t1", Scopes: scopes, Subject: subject}
	}
	cases := []struct {
		name  string
		p     *authz.Principal
		allow string // letters
	}{
		{"bound gateway token", tok(shConsumer, "grant-1", "gateway"), "U"},
		{"token bound to another grant", tok(shConsumer, "grant-2", "gateway"), ""},
		{"unbound gateway token", tok(shConsumer, "", "gateway"), ""},
		{"bound token without gateway scope", tok(shConsumer, "grant-1", "read"), ""},
		{"token of another agency", tok(shOther, "grant-1", "gateway"), ""},
		{"wildcard token of the consumer, bound", tok(shConsumer, "grant-1", "*"), "U"},
	}
	for _, c := range cases {
		for _, x := range shareActs {
			err := authz.Share(c.p, x.act, req)
			if got := err == nil; got != letters(c.allow, x.letter) {
				t.Errorf("%s, action %s: allowed=%v", c.name, x.act, got)
			}
		}
	}
	// A logged-in session (no token) never uses the gateway, whatever its roles.
	sess := &authz.Principal{UserID: "u1", OrgID: shConsumer, OrgKind: authz.KindAgency, Roles: authz.AllRoles}
	if authz.Share(sess, authz.ShareUse, req) == nil {
		t.Error("a session principal may not call the gateway")
	}
}

func TestShareDemandMatrix(t *testing.T) {
	d := authz.DemandAttrs{RequesterOrgID: shConsumer, AssignedOrgID: shSource, Region: "150200"}
	acts := []struct {
		letter byte
		act    authz.Action
	}{{'R', authz.Read}, {'C', authz.Create}, {'W', authz.ShareWithdraw}, {'V', authz.Review}, {'D', authz.ShareDecide}}
	expected := map[string]map[authz.Role]string{
		"consumer":            {authz.DataOfficer: "RCW", authz.AgencyApprover: "RCW", authz.SecurityOfficer: "R"},
		"source":              {authz.DataOfficer: "RD", authz.AgencyApprover: "RD", authz.SecurityOfficer: "R"},
		"provider":            {},
		"unrelated":           {},
		"authority-over-both": {authz.AuthorityAdmin: "RV", authz.AuthorityReviewer: "RV"},
		"authority-elsewhere": {},
	}
	for _, pos := range shPositions {
		for _, role := range authz.AllRoles {
			want := expected[pos.name][role]
			if role == authz.Auditor || role == authz.Oversight {
				want = "R"
			}
			p := shPrincipal(role, pos)
			for _, x := range acts {
				a := d
				if x.act == authz.Create {
					a.RequesterOrgID, a.Region = p.OrgID, p.RegionCode
					w := (role == authz.DataOfficer || role == authz.AgencyApprover) && p.OrgKind.IsDataHolder()
					if got := authz.ShareDemand(p, x.act, a) == nil; got != w {
						t.Errorf("%s as %s files a demand: allowed=%v", role, pos.name, got)
					}
					continue
				}
				if got := authz.ShareDemand(p, x.act, a) == nil; got != letters(want, x.letter) {
					t.Errorf("%s as %s, demand action %s: allowed=%v", role, pos.name, x.act, got)
				}
			}
		}
	}
	tok := &authz.Principal{UserID: "u1", OrgID: shConsumer, OrgKind: authz.KindAgency, Roles: []authz.Role{authz.DataOfficer}, TokenID: "t", Scopes: []string{"*"}}
	if authz.ShareDemand(tok, authz.Read, d) == nil {
		t.Error("API tokens have no access to the demand list")
	}
}

func TestCoversRegion(t *testing.T) {
	for _, c := range []struct {
		auth, r string
		want    bool
	}{
		{"150000", "150000", true}, {"150000", "150200", true}, {"150000", "150221", true}, {"150000", "110000", false},
		{"150200", "150200", true}, {"150200", "150221", true}, {"150200", "150100", false}, {"150200", "150000", false},
		{"150221", "150221", true}, {"150221", "150222", false}, {"", "150000", false}, {"1500", "150000", false},
	} {
		if got := authz.CoversRegion(c.auth, c.r); got != c.want {
			t.Errorf("CoversRegion(%q, %q) = %v", c.auth, c.r, got)
		}
	}
}

// Separation of duties (职责分离, issue #9 item 6): nobody decides a share request its own agency
// filed, whatever roles it holds — not even the approver of an agency that is both the consumer
// and the entry's provider or source. The refusal says why.
func TestShareSeparationOfDuties(t *testing.T) {
	p := &authz.Principal{UserID: "u-a", OrgID: "org-a", OrgKind: authz.KindAgency, RegionCode: "150000",
		Roles: []authz.Role{authz.AgencyApprover, authz.DataOfficer, authz.AuthorityAdmin}}
	own := authz.ShareAttrs{ConsumerOrgID: "org-a", ProviderOrgIDs: []string{"org-b", "org-a"}, EntryRegion: "150000", ConsumerRegion: "150000"}
	if err := authz.Share(p, authz.ShareDecide, own); apperr.As(err).Code != "separation_of_duties" {
		t.Errorf("an approver decides its own agency's request: %v", err)
	}
	other := own
	other.ConsumerOrgID = "org-c"
	if err := authz.Share(p, authz.ShareDecide, other); err != nil {
		t.Errorf("the provider's approver may not decide another agency's request: %v", err)
	}
	// The same for the demand list: the requester never answers its own demand.
	d := authz.DemandAttrs{RequesterOrgID: "org-a", AssignedOrgID: "org-a", Region: "150000"}
	if err := authz.ShareDemand(p, authz.ShareDecide, d); apperr.As(err).Code != "separation_of_duties" {
		t.Errorf("an agency answers its own demand: %v", err)
	}
}
