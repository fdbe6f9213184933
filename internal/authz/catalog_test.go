package authz

import (
	"fmt"
	"testing"
)

func TestCatalogEntryMatrix(t *testing.T) {
	prov := func(org string, roles ...Role) *Principal {
		return &Principal{UserID: "u-" + org, OrgID: org, OrgKind: KindAgency, RegionCode: "150000", Roles: roles}
	}
	auth := func(region string, roles ...Role) *Principal {
		return &Principal{UserID: "a-" + region, OrgID: "auth-" + region, OrgKind: KindAuthority, RegionCode: region, Roles: roles}
	}
	officer := prov("ps", DataOfficer)
	approver := prov("ps", AgencyApprover)
	security := prov("ps", SecurityOfficer)
	other := prov("civil", DataOfficer)
	reviewer := auth("150000", AuthorityReviewer)
	admin := auth("150000", AuthorityAdmin)
	cityRev := auth("150200", AuthorityReviewer)
	auditor := &Principal{UserID: "aud", OrgID: "auth-150000", OrgKind: KindAuthority, RegionCode: "150000", Roles: []Role{Auditor}}
	citizen := &Principal{UserID: "cit", Roles: []Role{PublicUser}}
	anon := &Principal{}
	token := prov("ps", DataOfficer)
	token.TokenID, token.Scopes = "t1", []string{"gateway"}
	tokenOK := prov("ps", DataOfficer)
	tokenOK.TokenID, tokenOK.Scopes = "t2", []string{"write"}
	operatorAsOfficer := &Principal{UserID: "op", OrgID: "ps", OrgKind: KindOperator, RegionCode: "150000", Roles: []Role{DataOfficer}}

	draft := CatalogAttrs{ProviderOrgID: "ps", RegionCode: "150000"}
	live := CatalogAttrs{ProviderOrgID: "ps", RegionCode: "150000", Live: true}
	cityDraft := CatalogAttrs{ProviderOrgID: "water", RegionCode: "150202"}

	// Allowed cells; everything else must be denied.
	allowed := map[string]bool{}
	key := func(name string, act Action, obj string) string { return fmt.Sprintf("%s/%s/%s", name, act, obj) }
	for _, k := range []string{
		// everyone reads published entries
		"officer/read/live", "approver/read/live", "security/read/live", "other/read/live", "reviewer/read/live", "admin/read/live",
		"cityRev/read/live", "auditor/read/live", "citizen/read/live", "anon/read/live", "token/read/live", "tokenOK/read/live", "operatorAsOfficer/read/live",
		// drafts: own agency, covering authority, auditors
		"officer/read/draft", "approver/read/draft", "security/read/draft", "reviewer/read/draft", "admin/read/draft", "auditor/read/draft",
		"token/read/draft", "tokenOK/read/draft",
		"reviewer/read/cityDraft", "admin/read/cityDraft", "cityRev/read/cityDraft", "auditor/read/cityDraft",
		// writes: own data officer (tokens only with the catalog scope)
		"officer/create/draft", "officer/update/draft", "officer/submit/draft", "officer/withdraw/draft",
		"officer/create/live", "officer/update/live", "officer/submit/live", "officer/withdraw/live",
		"tokenOK/create/draft", "tokenOK/update/draft", "tokenOK/submit/draft", "tokenOK/withdraw/draft",
		"tokenOK/create/live", "tokenOK/update/live", "tokenOK/submit/live", "tokenOK/withdraw/live",
		"approver/submit/draft", "approver/withdraw/draft", "approver/submit/live", "approver/withdraw/live",
		// review: covering authority staff
		"reviewer/review/draft", "admin/review/draft", "reviewer/review/live", "admin/review/live",
		"reviewer/review/cityDraft", "admin/review/cityDraft", "cityRev/review/cityDraft",
		// manage: authority administrators
		"admin/manage/draft", "admin/manage/live", "admin/manage/cityDraft",
	} {
		allowed[k] = true
	}
	principals := map[string]*Principal{"officer": officer, "approver": approver, "security": security, "other": other, "reviewer": reviewer,
		"admin": admin, "cityRev": cityRev, "auditor": auditor, "citizen": citizen, "anon": anon, "token": token, "tokenOK": tokenOK,
		"operatorAsOfficer": operatorAsOfficer}
	objects := map[string]CatalogAttrs{"draft": draft, "live": live, "cityDraft": cityDraft}
	for pn, p := range principals {
		for on, o := range objects {
			for _, act := range []Action{Read, Create, Update, Submit, Withdraw, Review, Manage, Delete} {
				err := CatalogEntry(p, act, o)
				k := key(pn, act, on)
				if allowed[k] && err != nil {
					t.Errorf("%s denied: %v", k, err)
				}
				if !allowed[k] && err == nil {
					t.Errorf("%s allowed", k)
				}
			}
		}
	}
	if err := CatalogEntry(anon, Update, draft); err == nil || err.Error()[:15] != "unauthenticated" {
		t.Errorf("anonymous write: %v", err)
	}
}

func TestRegionCovers(t *testing.T) {
	for _, c := range []struct {
		p, c string
		want bool
	}{
		{"150000", "150000", true}, {"150000", "150200", true}, {"150000", "150221", true}, {"150200", "150221", true},
		{"150200", "150100", false}, {"150200", "150000", false}, {"150221", "150200", false}, {"150000", "110000", false}, {"", "150000", false},
	} {
		if got := RegionCovers(c.p, c.c); got != c.want {
			t.Errorf("RegionCovers(%s, %s) = %v", c.p, c.c, got)
		}
	}
}

func TestCatalogRegistryMatrix(t *testing.T) {
	officer := &Principal{UserID: "o", OrgID: "ps", OrgKind: KindAgency, RegionCode: "150000", Roles: []Role{DataOfficer}}
	other := &Principal{UserID: "c", OrgID: "civil", OrgKind: KindAgency, RegionCode: "150000", Roles: []Role{DataOfficer}}
	cityRev := &Principal{UserID: "r", OrgID: "bt", OrgKind: KindAuthority, RegionCode: "150200", Roles: []Role{AuthorityReviewer}}
	for _, c := range []struct {
		p       *Principal
		act     Action
		org, rg string
		ok      bool
	}{
		{officer, Create, "ps", "150000", true}, {officer, Read, "ps", "150000", true}, {officer, Review, "ps", "150000", false},
		{other, Read, "ps", "150000", false}, {other, Update, "ps", "150000", false},
		{cityRev, Review, "water", "150200", true}, {cityRev, Review, "ps", "150000", false}, {cityRev, Read, "water", "150202", true},
		{cityRev, Create, "water", "150200", false},
	} {
		if err := CatalogRegistry(c.p, c.act, c.org, c.rg); (err == nil) != c.ok {
			t.Errorf("%s %s %s/%s: %v", c.p.UserID, c.act, c.org, c.rg, err)
		}
	}
}
