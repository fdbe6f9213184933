package share_test

import (
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
)

// An agency needs national-platform data (NM 25 ¶2): it files with the region's authority,
// which requests it from the national platform within five working days (reminded, then
// escalated) and records the national answer; the agency follows each step. Nobody else acts.
func TestNationalPlatformRequests(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-28 10:00")
		a := testutil.DemoApp(t, d, clock)
		s := a.Share
		civil, admin, bt, auditor, water := who(t, a, "civil"), who(t, a, "admin"), who(t, a, "bt_admin"), who(t, a, "auditor"), who(t, a, "water")
		status := func(err error) int {
			if err == nil {
				return 0
			}
			return apperr.As(err).Status
		}
		if _, err := s.FileNational(ctx, civil, share.NewNational{DataWanted: "全国婚姻登记信息"}); status(err) != 422 {
			t.Fatalf("an incomplete request: %v", err)
		}
		n, err := s.FileNational(ctx, civil, share.NewNational{DataWanted: "跨省婚姻登记信息", Source: "民政部全国婚姻登记信息系统",
			Purpose: "办理婚姻登记时核验当事人婚姻状况", Basis: "《婚姻登记条例》第七条"})
		if err != nil {
			t.Fatal(err)
		}
		if n.State != share.NatFiled || n.AuthorityID != demo.OrgAuthority || n.ForwardDue != "2026-10-10" {
			t.Fatalf("filed %+v", n)
		}
		if _, err := s.GetNational(ctx, water, n.ID); status(err) != 404 {
			t.Fatalf("an outsider read the request: %v", err)
		}
		if _, err := s.StepNational(ctx, auditor, n.ID, share.NationalStep{Event: "forward", NationalRef: "GJ-1"}); status(err) != 403 {
			t.Fatalf("the auditor forwarded: %v", err)
		}
		if _, err := s.StepNational(ctx, bt, n.ID, share.NationalStep{Event: "forward", NationalRef: "GJ-1"}); status(err) != 404 {
			t.Fatalf("a city authority reached a regional agency's request: %v", err)
		}
		if _, err := s.StepNational(ctx, admin, n.ID, share.NationalStep{Event: "received", Note: "x"}); status(err) != 409 {
			t.Fatalf("an answer before forwarding: %v", err)
		}
		// Overdue: the authority and the level above it hear of it, once.
		sent, err := s.RunNationalDeadlines(ctx, clock.Now().AddDate(0, 0, 16))
		if err != nil || sent == 0 {
			t.Fatalf("escalation sent %d (%v)", sent, err)
		}
		if again, _ := s.RunNationalDeadlines(ctx, clock.Now().AddDate(0, 0, 16)); again != 0 {
			t.Fatalf("escalated twice")
		}
		if _, err := s.StepNational(ctx, admin, n.ID, share.NationalStep{Event: "forward"}); status(err) != 422 {
			t.Fatalf("forward without the national request number: %v", err)
		}
		f, err := s.StepNational(ctx, admin, n.ID, share.NationalStep{Event: "forward", NationalRef: "GJSQ-2026-0918"})
		if err != nil || f.State != share.NatForwarded || f.NationalRef != "GJSQ-2026-0918" {
			t.Fatalf("forward: %+v %v", f, err)
		}
		if _, err := s.StepNational(ctx, civil, n.ID, share.NationalStep{Event: "withdraw"}); status(err) != 409 {
			t.Fatalf("withdrawn after forwarding: %v", err)
		}
		done, err := s.StepNational(ctx, admin, n.ID, share.NationalStep{Event: "received", Note: "国家平台已开通接口，经自治区平台转供"})
		if err != nil || done.State != share.NatReceived || done.Answer == "" {
			t.Fatalf("answer: %+v %v", done, err)
		}
		seen, err := s.GetNational(ctx, civil, n.ID)
		if err != nil || seen.State != share.NatReceived {
			t.Fatalf("the agency sees %+v %v", seen, err)
		}
		var told int
		if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE org_id = $1 AND object_id = $2", demo.OrgCivil, n.ID).Scan(&told); err != nil || told < 2 {
			t.Fatalf("the agency was told %d times (%v)", told, err)
		}
		if l, total, err := s.ListNational(ctx, water, 20, 0); err != nil || total != 0 || len(l) != 0 {
			t.Fatalf("an outsider lists %d", total)
		}
	})
}
