package catalog_test

import (
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/identity"
	"pubdata/internal/testutil"
)

// Separation of duties (职责分离, issue #9 item 6): a person who holds both the authority's data
// officer and reviewer roles drafts and submits the authority's own entry but cannot publish
// it; another reviewer of the region can.
func TestNobodyPublishesTheirOwnEntry(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DirectoryApp(t, d, nil)
		u, err := a.Identity.CreateUser(ctx, d, identity.NewUser{Username: "both", DisplayName: "一身二任", Password: "a-long-password",
			OrgID: demo.OrgAuthority, Roles: []authz.Role{authz.DataOfficer, authz.AuthorityReviewer, authz.AuthorityAdmin}})
		mustNoErr(t, err)
		both := who(t, a, u.Username)
		in := popEntry()
		in.ProviderOrgID = demo.OrgAuthority
		e, err := a.Catalog.Create(ctx, both, in)
		mustNoErr(t, err)
		mustNoErr(t, a.Catalog.Submit(ctx, both, e.ID))
		err = a.Catalog.Approve(ctx, both, e.ID, "自己发布")
		if ae := apperr.As(err); ae.Code != "separation_of_duties" || ae.Status != 403 {
			t.Fatalf("the author published its own entry: %v", err)
		}
		if err := a.Catalog.Return(ctx, both, e.ID, "自己退回"); apperr.As(err).Code != "separation_of_duties" {
			t.Fatalf("the author returned its own entry: %v", err)
		}
		mustNoErr(t, a.Catalog.Approve(ctx, who(t, a, "reviewer"), e.ID, "同意发布"))
		// An entry drafted by someone else and submitted by the dual-role person: still theirs.
		_, err = a.Identity.CreateUser(ctx, d, identity.NewUser{Username: "drafter", DisplayName: "起草人", Password: "a-long-password",
			OrgID: demo.OrgAuthority, Roles: []authz.Role{authz.DataOfficer}})
		mustNoErr(t, err)
		in.Name = "测试户籍人口信息二"
		e2, err := a.Catalog.Create(ctx, who(t, a, "drafter"), in)
		mustNoErr(t, err)
		mustNoErr(t, a.Catalog.Submit(ctx, both, e2.ID))
		if err := a.Catalog.Approve(ctx, both, e2.ID, ""); apperr.As(err).Code != "separation_of_duties" {
			t.Fatalf("the submitter published the entry: %v", err)
		}
		if err := a.Catalog.Approve(ctx, who(t, a, "reviewer"), e2.ID, ""); err != nil {
			t.Fatalf("another reviewer cannot publish it: %v", err)
		}
	})
}
