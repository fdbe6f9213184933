package share_test

import (
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
)

// The demo region shows sharing in every state, grants in use with usage logs, an overdue item
// on the authority's board and demand-list items.
func TestDemoSharing(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-11-20 10:00"))
		admin := who(t, a, "admin")
		rs, _, err := a.Share.List(ctx, admin, share.ListFilter{Box: "region", Limit: 100})
		must(t, err)
		states := map[share.State]int{}
		overdue := 0
		for _, r := range rs {
			states[r.State]++
			if r.Overdue {
				overdue++
			}
		}
		for _, st := range []share.State{share.StatePending, share.StateRouting, share.StateApproved, share.StateActive, share.StateRefused, share.StateSuspended, share.StateExpired} {
			if states[st] == 0 {
				t.Errorf("no demo request is %s (%v)", st, states)
			}
		}
		board, err := a.Share.Overdue(ctx, admin)
		must(t, err)
		if overdue == 0 || len(board) == 0 || board[0].EscalatedAt.IsZero() {
			t.Errorf("no overdue, escalated request on the board: %d overdue, board %+v", overdue, board)
		}
		civil := who(t, a, "civil")
		gs, _, err := a.Share.ListGrants(ctx, civil, "mine", 50, 0)
		must(t, err)
		used := 0
		for _, g := range gs {
			if _, n, err := a.Share.UsageLog(ctx, civil, g.ID, 1, 0); err == nil && n > 0 && g.Status == share.GrantActive {
				used++
			}
		}
		if used < 2 {
			t.Errorf("%d grants of 民政厅 in use with usage logs; want 2", used)
		}
		ds, _, err := a.Share.ListDemands(ctx, admin, "region", 50, 0)
		must(t, err)
		if len(ds) < 2 {
			t.Errorf("%d demand-list items", len(ds))
		}
	})
}
