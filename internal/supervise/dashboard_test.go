package supervise_test

import (
	"context"
	"errors"
	"testing"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/supervise"
	"pubdata/internal/testutil"
)

func principal(t *testing.T, a *app.App, name string) *authz.Principal {
	t.Helper()
	u, err := a.Identity.UserByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Identity.Principal(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// The dashboard's figures equal the rows behind them: each count is the total of its
// drill-down, by agency they add up, each scope sees only its own, and a new order due
// tomorrow shows as a deadline at risk and in the sanctions by state.
func TestDashboardFigures(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-03-10 10:00"))
		s := a.Supervise
		admin := principal(t, a, "admin")
		sc, err := s.ScopeOf(ctx, admin, "")
		if err != nil || sc.Region != demo.RegionProvince || sc.OrgID != "" {
			t.Fatalf("admin scope %+v %v", sc, err)
		}
		before, err := s.Dashboard(ctx, sc, 12)
		if err != nil {
			t.Fatal(err)
		}
		var live int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM catalog_entries WHERE live = 1").Scan(&live)
		if before.Entries != live || live == 0 {
			t.Fatalf("entries %d, table has %d live", before.Entries, live)
		}
		_, total, err := s.Items(ctx, sc, supervise.Filter{Set: supervise.SetEntries}, 10, 0)
		if err != nil || total != before.Entries {
			t.Fatalf("drill-down total %d, figure %d (%v)", total, before.Entries, err)
		}
		sum := 0.0
		for _, c := range before.EntriesByOrg {
			sum += c.N
			if c.Name == "" {
				t.Errorf("agency %s without its name", c.Key)
			}
			items, n, err := s.Items(ctx, sc, supervise.Filter{Set: supervise.SetEntries, OrgID: c.Key}, 200, 0)
			if err != nil || float64(n) != c.N || len(items) != n {
				t.Fatalf("agency %s: figure %v, drill-down %d/%d (%v)", c.Key, c.N, n, len(items), err)
			}
		}
		if before.Agencies < 15 && int(sum) != before.Entries {
			t.Fatalf("by agency adds to %v, total %d", sum, before.Entries)
		}
		if len(before.Months) != 12 || before.Months[11] != "2026-03" || len(before.Days) != 30 || before.Days[29] != "2026-03-10" {
			t.Fatalf("months %v days %v", before.Months, before.Days)
		}

		// An agency's officer sees its own organization only; the city authority its city.
		officer := principal(t, a, "officer")
		osc, err := s.ScopeOf(ctx, officer, "")
		if err != nil || osc.OrgID != demo.OrgPublicSec {
			t.Fatalf("officer scope %+v %v", osc, err)
		}
		ob, err := s.Dashboard(ctx, osc, 12)
		if err != nil {
			t.Fatal(err)
		}
		var own int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM catalog_entries WHERE live = 1 AND provider_org_id = $1", demo.OrgPublicSec).Scan(&own)
		if ob.Entries != own {
			t.Fatalf("officer sees %d entries, the agency has %d", ob.Entries, own)
		}
		if _, err := s.ScopeOf(ctx, officer, demo.OrgCivil); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("officer asking for another agency: %v", err)
		}
		bt := principal(t, a, "bt_admin")
		if _, err := s.ScopeOf(ctx, bt, demo.OrgPublicSec); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("city authority asking for a provincial agency: %v", err)
		}
		// Oversight reads the region's figures; a citizen none.
		if _, err := s.ScopeOf(ctx, principal(t, a, "oversight"), ""); err != nil {
			t.Fatalf("oversight: %v", err)
		}
		if _, err := s.ScopeOf(ctx, principal(t, a, "citizen"), ""); err == nil {
			t.Fatal("a citizen reads the dashboard")
		}

		// A rectification order due tomorrow: at risk, open, and listed behind both figures.
		x, err := s.Issue(ctx, admin, supervise.NewSanction{SubjectKind: "org", SubjectID: demo.OrgMarket, Ground: "beyond_scope", Reason: "超范围使用", Days: 1})
		if err != nil {
			t.Fatal(err)
		}
		after, err := s.Dashboard(ctx, sc, 12)
		if err != nil {
			t.Fatal(err)
		}
		if after.AtRisk[supervise.SetSanctions] != before.AtRisk[supervise.SetSanctions]+1 {
			t.Fatalf("sanctions at risk %d → %d", before.AtRisk[supervise.SetSanctions], after.AtRisk[supervise.SetSanctions])
		}
		open := func(b *supervise.Board) float64 {
			for _, c := range b.Sanctions {
				if c.Key == "open" {
					return c.N
				}
			}
			return 0
		}
		if open(after) != open(before)+1 {
			t.Fatalf("open sanctions %v → %v", open(before), open(after))
		}
		items, n, err := s.Items(ctx, sc, supervise.Filter{Set: supervise.SetSanctions, Risk: true}, 50, 0)
		if err != nil || n != after.AtRisk[supervise.SetSanctions] {
			t.Fatalf("at-risk drill-down %d, figure %d (%v)", n, after.AtRisk[supervise.SetSanctions], err)
		}
		found := false
		for _, it := range items {
			if it.ID == x.ID {
				found = it.Href == "/sanctions/"+x.ID && it.Left == 1 && !it.Overdue
			}
		}
		if !found {
			t.Fatalf("the new order is not behind the figure as due in 1 working day: %+v", items)
		}
		if _, _, err := s.Items(ctx, sc, supervise.Filter{Set: "nope"}, 10, 0); !errors.Is(err, supervise.ErrNoSet) {
			t.Fatalf("unknown set: %v", err)
		}
		pub, err := s.Public(ctx, 5)
		if err != nil || pub.Entries != live || pub.Agencies == 0 || len(pub.Recent) == 0 {
			t.Fatalf("public facts %+v %v", pub, err)
		}
	})
}

// The gateway calls of a day and the items overdue in a month each lead to their list, and the
// number equals its list: a day's calls are the sum of its grants' calls listed, a month's
// overdue count is the number of items listed (share requests, correction tasks, catalog
// reviews and late updates together) — for the region and for one agency.
func TestDashboardCallsAndOverdueDrillDown(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-03-10 10:00"))
		s := a.Supervise
		// Calls on two days of the window, on two grants (consumers in scope).
		rows, err := d.QueryContext(ctx, "SELECT id, consumer_org_id FROM share_grants ORDER BY id LIMIT 2")
		if err != nil {
			t.Fatal(err)
		}
		var grants, orgs []string
		for rows.Next() {
			var g, o string
			rows.Scan(&g, &o)
			grants, orgs = append(grants, g), append(orgs, o)
		}
		rows.Close()
		if len(grants) < 2 {
			t.Fatalf("demo grants: %v", grants)
		}
		for i, day := range []string{"2026-03-05", "2026-03-09"} {
			for j, g := range grants {
				if _, err := d.ExecContext(ctx, "INSERT INTO share_stats (grant_id, day, org_id, calls, denied, last_at) VALUES ($1, $2, $3, $4, 0, $5) ON CONFLICT (grant_id, day) DO UPDATE SET calls = share_stats.calls + $4",
					g, day, orgs[j], 7*(i+1)+j, int64(1772700000000)); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, who := range []string{"admin", "officer"} {
			sc, err := s.ScopeOf(ctx, principal(t, a, who), "")
			if err != nil {
				t.Fatal(err)
			}
			b, err := s.Dashboard(ctx, sc, 12)
			if err != nil {
				t.Fatal(err)
			}
			calls := 0.0
			for i, day := range b.Days {
				items, n, err := s.Items(ctx, sc, supervise.Filter{Set: supervise.SetCalls, Day: day}, 200, 0)
				if err != nil {
					t.Fatal(err)
				}
				var sum int64
				for _, it := range items {
					sum += it.N
					if it.Href == "" || it.ID == "" {
						t.Fatalf("%s: call item without its grant: %+v", who, it)
					}
				}
				if float64(sum) != b.CallsByDay[i] || len(items) != n {
					t.Fatalf("%s %s: the chart says %v calls, the list sums %d over %d/%d grants", who, day, b.CallsByDay[i], sum, len(items), n)
				}
				calls += b.CallsByDay[i]
			}
			if who == "admin" && calls < 7+8+14+15 {
				t.Fatalf("admin: %v calls in the window", calls)
			}
			overdue := 0.0
			for i, m := range b.Months {
				items, n, err := s.Items(ctx, sc, supervise.Filter{Set: supervise.SetOverdue, DueMonth: m}, 200, 0)
				if err != nil {
					t.Fatal(err)
				}
				if float64(n) != b.Overdue[i] || len(items) != n {
					t.Fatalf("%s %s: the chart says %v overdue, the list has %d/%d", who, m, b.Overdue[i], len(items), n)
				}
				for _, it := range items {
					if !it.Overdue || it.Set == "" {
						t.Fatalf("%s: listed as overdue: %+v", who, it)
					}
				}
				overdue += b.Overdue[i]
			}
			t.Logf("%s: %v calls, %v overdue", who, calls, overdue)
		}
	})
}
