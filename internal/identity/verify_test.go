package identity_test

import (
	"context"
	"errors"
	"testing"

	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/identity"
	"pubdata/internal/testutil"
)

// fakeIdP is an identity provider whose assertions are looked up in a table.
type fakeIdP map[string]identity.Claim

func (f fakeIdP) Name() string { return "gov-idp" }
func (f fakeIdP) Verify(_ context.Context, assertion string) (identity.Claim, error) {
	c, ok := f[assertion]
	if !ok {
		return identity.Claim{}, errors.New("bad assertion")
	}
	return c, nil
}

// A public user's real name is verified by an identity provider's claim when the claim vouches,
// with real-name verification, for the ID number on the account; any other claim is refused
// with a clear error. Both outcomes are audited; a token cannot do it.
func TestVerificationByIdentityProvider(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		s := f.a.Identity
		u, err := s.Register(f.ctx, identity.Registration{Username: "lisi", DisplayName: "李四", Password: "a-long-password", PersonKind: "natural", IDNumber: "150102199003071237"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if u.Verified {
			t.Fatal("a new registration is verified")
		}
		s.AddProvider(fakeIdP{
			"good":     {IDNumber: "150102199003071237", RealName: true},
			"other":    {IDNumber: "150102199003071245", RealName: true},
			"nameless": {IDNumber: "150102199003071237"},
		})
		p := f.principal(t, u)
		for _, a := range []string{"other", "nameless", "forged"} {
			if _, err := s.VerifyByClaim(f.ctx, p, "gov-idp", a); code(err) != "identity.claim_refused" {
				t.Errorf("claim %q: %v", a, err)
			}
		}
		if _, err := s.VerifyByClaim(f.ctx, p, "elsewhere", "good"); code(err) != "identity.no_such_provider" {
			t.Errorf("unknown provider: %v", err)
		}
		tp := *p
		tp.TokenID, tp.Scopes = "t", []string{authz.ScopeAll}
		if _, err := s.VerifyByClaim(f.ctx, &tp, "gov-idp", "good"); code(err) != "forbidden" {
			t.Errorf("a token verified its user: %v", err)
		}
		got, err := s.VerifyByClaim(f.ctx, p, "gov-idp", "good")
		if err != nil || !got.Verified || got.VerifiedVia != "idp:gov-idp" {
			t.Fatalf("verify: %+v %v", got, err)
		}
		recs, _, _ := f.a.Audit.Search(f.ctx, audit.Filter{Action: "identity.user.verify", ObjectID: u.ID, Limit: 10})
		if len(recs) != 4 { // three refusals and the verification
			t.Fatalf("%d verification attempts audited, want 4", len(recs))
		}
		// The authority may withdraw it (audited), with a note.
		if _, err := s.SetVerified(f.ctx, f.principal(t, f.admin), u.ID, false, "证件信息有误"); err != nil {
			t.Fatal(err)
		}
		if again, _ := s.User(f.ctx, u.ID); again.Verified {
			t.Fatal("withdrawn verification still set")
		}
		// A data officer may not verify anybody.
		// (It may not even see the account, so it is told there is none.)
		if _, err := s.SetVerified(f.ctx, f.principal(t, f.user), u.ID, true, "x"); code(err) != "not_found" {
			t.Errorf("a data officer verified a user: %v", err)
		}
	})
}
