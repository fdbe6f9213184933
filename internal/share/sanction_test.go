package share_test

import (
	"errors"
	"testing"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/db"
	"pubdata/internal/identity"
	"pubdata/internal/share"
	"pubdata/internal/supervise"
	"pubdata/internal/testutil"
)

// Sanctions (SUP-1) reach the gateway: a rectification order suspends every key of the agency
// on its next call; a rejected report keeps it suspended; an accepted one restores access; an
// order not rectified by its working-day deadline is terminated by the job, which revokes the
// agency's keys and grants.
func TestSanctionSuspendsRestoresAndTerminates(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-30 10:00")
		a := testutil.DemoApp(t, d, clock)
		loadPopulation(t, a)
		r, gp, secret := grantFor(t, a, "低保户籍核对", share.KindData, []string{"citizen_id", "name"}, nil, share.ModeAPI)
		key := person(1)[0]
		if _, err := a.Share.Lookup(ctx, gp, "127.0.0.1", key); err != nil {
			t.Fatal(err)
		}
		admin, civil := who(t, a, "admin"), who(t, a, "civil")
		in := supervise.NewSanction{SubjectKind: "org", SubjectID: gp.OrgID, Ground: "beyond_scope", Reason: "超范围使用共享数据", Days: 5}
		if _, err := a.Supervise.Issue(ctx, civil, in); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the subject issued a sanction: %v", err)
		}
		sc, err := a.Supervise.Issue(ctx, admin, in)
		must(t, err)
		// 2026-09-30 + 5 working days (national holiday 10-01…10-07, make-up day 10-10).
		if sc.State != supervise.SanctionOpen || sc.Deadline != "2026-10-13" {
			t.Fatalf("issued: %s, deadline %s", sc.State, sc.Deadline)
		}
		// The next call with the same key: refused.
		if _, err := a.Identity.TokenPrincipal(ctx, secret); !errors.Is(err, supervise.ErrSuspended) {
			t.Fatalf("key after the order: %v, want sanction_suspended", err)
		}
		// The subject sees its order and reports; still suspended until the authority decides.
		if _, err := a.Supervise.Get(ctx, civil, sc.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Supervise.Get(ctx, who(t, a, "bt_admin"), sc.ID); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("another region's authority read the order: %v", err)
		}
		_, err = a.Supervise.Fire(ctx, civil, sc.ID, supervise.EvReport, "已删除超范围数据并培训")
		must(t, err)
		if _, err := a.Identity.TokenPrincipal(ctx, secret); !errors.Is(err, supervise.ErrSuspended) {
			t.Fatalf("key after the report: %v", err)
		}
		if _, err := a.Supervise.Fire(ctx, civil, sc.ID, supervise.EvAccept, ""); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the subject accepted its own report: %v", err)
		}
		x, err := a.Supervise.Fire(ctx, admin, sc.ID, supervise.EvReject, "未提供删除证明")
		must(t, err)
		if x.State != supervise.SanctionOpen {
			t.Fatalf("rejected: %s", x.State)
		}
		_, err = a.Supervise.Fire(ctx, civil, sc.ID, supervise.EvReport, "补充删除记录")
		must(t, err)
		x, err = a.Supervise.Fire(ctx, admin, sc.ID, supervise.EvAccept, "")
		must(t, err)
		if x.State != supervise.SanctionLifted || len(x.Events) != 5 {
			t.Fatalf("accepted: %s, %d events", x.State, len(x.Events))
		}
		gp2, err := a.Identity.TokenPrincipal(ctx, secret)
		must(t, err)
		if _, err := a.Share.Lookup(ctx, gp2, "127.0.0.1", key); err != nil {
			t.Fatalf("call after the order was lifted: %v", err)
		}
		if _, err := a.Supervise.Fire(ctx, admin, sc.ID, supervise.EvTerminate, "x"); !errors.Is(err, supervise.ErrBadTransition) {
			t.Fatalf("terminating a lifted order: %v", err)
		}

		// A second order, not rectified.
		sc2, err := a.Supervise.Issue(ctx, admin, in)
		must(t, err)
		clock.Set("2026-10-13 18:00") // the deadline day itself: not yet overdue
		if n, err := a.Supervise.ExpireOverdue(ctx, clock.Now()); err != nil || n != 0 {
			t.Fatalf("expired on the deadline day: %d %v", n, err)
		}
		clock.Advance(24 * time.Hour)
		if n, err := a.Supervise.ExpireOverdue(ctx, clock.Now()); err != nil || n != 1 {
			t.Fatalf("expired after the deadline: %d %v", n, err)
		}
		x, _ = a.Supervise.Get(ctx, admin, sc2.ID)
		if x.State != supervise.SanctionTerminated {
			t.Fatalf("after the deadline: %s", x.State)
		}
		if _, err := a.Identity.TokenPrincipal(ctx, secret); err == nil || errors.Is(err, supervise.ErrSuspended) {
			t.Fatalf("key after termination: %v, want it revoked", err)
		}
		g, err := a.Share.GetGrant(ctx, admin, r.GrantID)
		must(t, err)
		if g.Status != share.GrantRevoked {
			t.Fatalf("grant after termination: %s", g.Status)
		}
		// A new credential for the revoked grant is refused too.
		if _, _, err := a.Share.IssueCredential(ctx, civil, r.GrantID); err == nil {
			t.Fatal("a credential was issued for a grant revoked by a sanction")
		}
		var _ identity.User
	})
}
