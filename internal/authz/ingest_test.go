package authz_test

import (
	"errors"
	"strings"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
)

// The aggregation matrix (AGG-1 … AGG-6). Letters: R read (versions, reports, freshness),
// C create (load, push), X read the rows (ingest.read_data), M manage (sources, tokens,
// retention), P pull now. Principals sit in region 150000; "own" means the caller's
// organization is the entry's provider.
var ingestActions = []struct {
	letter byte
	act    authz.Action
}{{'R', authz.Read}, {'C', authz.Create}, {'X', authz.IngestReadData}, {'M', authz.Manage}, {'P', authz.IngestPull}, {'V', authz.Review}}

func TestIngestMatrix(t *testing.T) {
	cases := []struct {
		name  string
		attrs authz.IngestAttrs
		allow map[authz.Role]string
	}{
		{"own entry", authz.IngestAttrs{EntryID: "e1", ProviderOrgID: myOrg, SourceOrgID: myOrg, RegionCode: "150200"}, map[authz.Role]string{
			authz.AuthorityAdmin: "RXMP", authz.AuthorityReviewer: "R", authz.DataOfficer: "RCXMP", authz.AgencyApprover: "RCXMP",
			authz.SecurityOfficer: "RX", authz.Auditor: "R", authz.Oversight: "R"}},
		{"another agency's entry", authz.IngestAttrs{EntryID: "e2", ProviderOrgID: otherOrg, SourceOrgID: otherOrg, RegionCode: "150200"}, map[authz.Role]string{
			authz.AuthorityAdmin: "RXMP", authz.AuthorityReviewer: "R", authz.Auditor: "R", authz.Oversight: "R"}},
		{"entry whose source agency is mine", authz.IngestAttrs{EntryID: "e3", ProviderOrgID: otherOrg, SourceOrgID: myOrg, RegionCode: "150200"}, map[authz.Role]string{
			authz.AuthorityAdmin: "RXMP", authz.AuthorityReviewer: "R", authz.DataOfficer: "RX", authz.AgencyApprover: "RX", authz.SecurityOfficer: "RX",
			authz.Auditor: "R", authz.Oversight: "R"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, r := range authz.AllRoles {
				p := principal(r)
				for _, a := range ingestActions {
					// operator, application-unit, expert and public principals share the org id
					// but are not data holders: they get nothing
					want := strings.IndexByte(c.allow[r], a.letter) >= 0
					err := authz.Ingest(p, a.act, c.attrs)
					if (err == nil) != want {
						t.Errorf("%s %s: allowed=%v, want %v", r, a.act, err == nil, want)
					}
				}
			}
			if err := authz.Ingest(&authz.Principal{}, authz.Read, c.attrs); !errors.Is(err, apperr.Unauthenticated) {
				t.Errorf("anonymous: %v", err)
			}
		})
	}
}

func TestIngestTokens(t *testing.T) {
	own := authz.IngestAttrs{EntryID: "e1", ProviderOrgID: myOrg, RegionCode: "150000"}
	tok := func(scopes []string, subject string) *authz.Principal {
		p := principal(authz.DataOfficer)
		p.TokenID, p.Scopes, p.Subject = "t1", scopes, subject
		return p
	}
	for _, c := range []struct {
		name string
		p    *authz.Principal
		act  authz.Action
		ok   bool
	}{
		{"ingest token bound to the entry pushes", tok([]string{"ingest"}, "e1"), authz.Create, true},
		{"ingest token bound to another entry", tok([]string{"ingest"}, "e9"), authz.Create, false},
		{"unbound ingest token", tok([]string{"ingest"}, ""), authz.Create, false},
		{"read token cannot push", tok([]string{"read"}, ""), authz.Create, false},
		{"* token of the officer pushes", tok([]string{"*"}, ""), authz.Create, true},
		{"ingest token reads its entry's versions", tok([]string{"ingest"}, "e1"), authz.Read, true},
		{"tokens never manage", tok([]string{"*"}, ""), authz.Manage, false},
		{"tokens never pull", tok([]string{"*"}, ""), authz.IngestPull, false},
	} {
		if err := authz.Ingest(c.p, c.act, own); (err == nil) != c.ok {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

func TestDataReturnMatrix(t *testing.T) {
	city := func(r authz.Role) *authz.Principal {
		p := principal(r)
		p.RegionCode = "150200"
		p.OrgID = "org-bt"
		return p
	}
	prov := principal
	up := authz.ReturnAttrs{EntryRegion: "150000", ToRegion: "150200", RequesterOrg: "org-bt"}
	for _, c := range []struct {
		name string
		p    *authz.Principal
		act  authz.Action
		ok   bool
	}{
		{"city admin requests for its city", city(authz.AuthorityAdmin), authz.ReturnRequest, true},
		{"city reviewer cannot request", city(authz.AuthorityReviewer), authz.ReturnRequest, false},
		{"province admin cannot request for the city", prov(authz.AuthorityAdmin), authz.ReturnRequest, false},
		{"province reviewer decides", prov(authz.AuthorityReviewer), authz.ReturnDecide, true},
		{"city admin cannot decide", city(authz.AuthorityAdmin), authz.ReturnDecide, false},
		{"city admin fetches", city(authz.AuthorityAdmin), authz.ReturnFetch, true},
		{"agency officer cannot fetch", city(authz.DataOfficer), authz.ReturnFetch, false},
		{"auditor reads", prov(authz.Auditor), authz.Read, true},
		{"agency officer cannot read", prov(authz.DataOfficer), authz.Read, false},
	} {
		if err := authz.DataReturn(c.p, c.act, up); (err == nil) != c.ok {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	// same level: no return
	same := authz.ReturnAttrs{EntryRegion: "150200", ToRegion: "150200"}
	if authz.DataReturn(city(authz.AuthorityAdmin), authz.ReturnRequest, same) == nil {
		t.Error("a return to the entry's own region")
	}
}

func TestBaseDBMatrix(t *testing.T) {
	for _, r := range authz.AllRoles {
		want := r == authz.AuthorityAdmin || r == authz.AuthorityReviewer
		if err := authz.BaseDB(principal(r), authz.Read); (err == nil) != want {
			t.Errorf("%s: %v", r, err)
		}
	}
}
