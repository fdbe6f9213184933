package share_test

import (
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/identity"
	"pubdata/internal/testutil"
)

// Separation of duties (职责分离, issue #9 item 6) through the service: an agency never decides a
// request it filed. The providing agency cannot file on its own entry at all (share.own_data),
// even by a person who holds the data officer, approver and security officer roles at once, so
// no decision on its own request can arise; the authorization rule refuses one regardless
// (authz.TestShareSeparationOfDuties: separation_of_duties, whatever roles are held).
func TestNobodyDecidesTheirOwnAgencysRequest(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		approver := who(t, a, "approver")
		u, err := a.Identity.CreateUser(ctx, d, identity.NewUser{Username: "both_roles", DisplayName: "一身二任", Password: "a-long-password-9",
			OrgID: approver.OrgID, Roles: []authz.Role{authz.DataOfficer, authz.AgencyApprover, authz.SecurityOfficer}})
		must(t, err)
		both := who(t, a, u.Username)
		in := popRequest("本单位自用")
		for _, p := range []*authz.Principal{both, approver} {
			if _, err := a.Share.File(ctx, p, in); apperr.As(err).Code != "share.own_data" {
				t.Fatalf("the providing agency filed on its own entry: %v", err)
			}
		}
	})
}
