package authz_test

import (
	"errors"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
)

// Separation of duties (职责分离, issue #9 item 6): nobody reviews (publishes, returns, decides a
// withdrawal of) a catalog entry they drafted, edited or submitted, whatever roles they hold;
// another reviewer of the region may.
func TestCatalogSeparationOfDuties(t *testing.T) {
	both := &authz.Principal{UserID: "u-both", OrgID: "org-auth", OrgKind: authz.KindAuthority, RegionCode: "150000",
		Roles: []authz.Role{authz.AuthorityAdmin, authz.AuthorityReviewer, authz.DataOfficer}}
	e := authz.CatalogAttrs{ProviderOrgID: "org-auth", RegionCode: "150000", Authors: []string{"u-both"}}
	if err := authz.CatalogEntry(both, authz.Review, e); apperr.As(err).Code != "separation_of_duties" {
		t.Errorf("the author reviews its own entry: %v", err)
	}
	other := &authz.Principal{UserID: "u-other", OrgID: "org-auth", OrgKind: authz.KindAuthority, RegionCode: "150000", Roles: []authz.Role{authz.AuthorityReviewer}}
	if err := authz.CatalogEntry(other, authz.Review, e); err != nil {
		t.Errorf("another reviewer may not review it: %v", err)
	}
	// Someone who could not review anyway is refused plainly — here a city reviewer who may not
	// even read the province's draft, so it is told there is none (no existence oracle).
	city := &authz.Principal{UserID: "u-both", OrgID: "org-bt", OrgKind: authz.KindAuthority, RegionCode: "150200", Roles: []authz.Role{authz.AuthorityReviewer}}
	if err := authz.CatalogEntry(city, authz.Review, e); !errors.Is(err, apperr.Hidden) {
		t.Errorf("a city reviewer on a province entry: %v", err)
	}
}
