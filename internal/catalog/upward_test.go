package catalog_test

import (
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
)

// A city's catalog goes up to the region's authority for review (NM 10): the city reports the
// entries changed since the last approval, the region approves or returns each with a reason
// within the review period, a returned entry goes back to its agency and comes up again only
// once revised, and an overdue report is escalated.
func TestLevelCatalogGoesUpForReview(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-28 10:00") // Monday before the National Day holiday
		a := testutil.DemoApp(t, d, clock)
		bt, admin, officer, auditor := who(t, a, "bt_admin"), who(t, a, "admin"), who(t, a, "officer"), who(t, a, "auditor")

		if _, err := a.Catalog.SubmitLevelReport(ctx, admin, ""); codeOf(err) != "catalog.no_upper_level" {
			t.Fatalf("the region's own authority reported upward: %v", err)
		}
		if _, err := a.Catalog.SubmitLevelReport(ctx, officer, ""); statusOf(err) != 403 {
			t.Fatalf("an agency reported a level's catalog: %v", err)
		}
		changes, err := a.Catalog.LevelChanges(ctx, bt)
		mustNoErr(t, err)
		names := map[string]string{}
		for _, c := range changes {
			names[c.EntryID] = c.Name
			if c.Change != catalog.ChangeNew {
				t.Errorf("%s: change %s before any report, want new", c.Name, c.Change)
			}
		}
		if names["cat-bt-dogs"] == "" || names["cat-bt-residence"] == "" {
			t.Fatalf("Baotou's changes %v lack its own entries", names)
		}
		if names[demo.EntryPopulation] != "" {
			t.Fatalf("Baotou's report carries a provincial entry")
		}

		r, err := a.Catalog.SubmitLevelReport(ctx, bt, "2026年第三季度目录")
		mustNoErr(t, err)
		if r.Status != catalog.LevelSubmitted || len(r.Items) != len(changes) || r.UpperOrgID != demo.OrgAuthority {
			t.Fatalf("report %+v", r)
		}
		if r.Due != "2026-10-10" { // 5 working days after 28 September: the holiday skipped, Saturday 10 October worked
			t.Fatalf("review due %s, want 2026-10-10", r.Due)
		}
		if _, err := a.Catalog.SubmitLevelReport(ctx, bt, ""); codeOf(err) != "catalog.report_open" {
			t.Fatalf("a second report while one is open: %v", err)
		}
		if _, err := a.Catalog.LevelReport(ctx, officer, r.ID); statusOf(err) != 404 {
			t.Fatalf("an agency outside both levels read the report: %v", err)
		}
		if _, err := a.Catalog.LevelReport(ctx, auditor, r.ID); err != nil {
			t.Fatalf("the auditor cannot read the report: %v", err)
		}
		var ds []catalog.LevelDecision
		for _, it := range r.Items {
			ds = append(ds, catalog.LevelDecision{EntryID: it.EntryID, Approve: it.EntryID != "cat-bt-dogs"})
		}
		if _, err := a.Catalog.DecideLevelReport(ctx, bt, r.ID, ds, ""); statusOf(err) != 403 {
			t.Fatalf("the reporting level decided its own report: %v", err)
		}
		if _, err := a.Catalog.DecideLevelReport(ctx, auditor, r.ID, ds, ""); statusOf(err) != 403 {
			t.Fatalf("the auditor decided: %v", err)
		}
		if _, err := a.Catalog.DecideLevelReport(ctx, admin, r.ID, ds, ""); statusOf(err) != 422 {
			t.Fatalf("a return without a reason was accepted: %v", err)
		}

		// Overdue: the region and nobody above it (the region is the top) hear of it once.
		clock.Set("2026-10-13 09:00")
		run, err := a.Catalog.RunDeadlines(ctx, clock.Now())
		mustNoErr(t, err)
		if run.Escalations < 1 {
			t.Fatalf("overdue report not escalated: %+v", run)
		}
		again, _ := a.Catalog.RunDeadlines(ctx, clock.Now())
		if again.Escalations != 0 {
			t.Fatalf("escalated twice: %+v", again)
		}

		for i := range ds {
			if !ds[i].Approve {
				ds[i].Reason = "犬主身份号码应为有条件共享"
			}
		}
		got, err := a.Catalog.DecideLevelReport(ctx, admin, r.ID, ds, "其余通过")
		mustNoErr(t, err)
		if got.Status != catalog.LevelReturned {
			t.Fatalf("status %s, want returned", got.Status)
		}
		for _, it := range got.Items {
			want := catalog.ItemApproved
			if it.EntryID == "cat-bt-dogs" {
				want = catalog.ItemReturned
			}
			if it.Outcome != want {
				t.Errorf("%s: outcome %s, want %s", it.Name, it.Outcome, want)
			}
		}
		var told int
		mustNoErr(t, d.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE org_id = $1 AND object_id = $2 AND title_zh LIKE $3",
			demo.OrgPublicSecB, "cat-bt-dogs", "上级审核退回%").Scan(&told))
		if told != 1 {
			t.Fatalf("the agency was not told of the return")
		}
		if reason, _ := a.Catalog.UpperReturned(ctx, "cat-bt-dogs"); reason != "犬主身份号码应为有条件共享" {
			t.Fatalf("entry page return reason %q", reason)
		}
		// Nothing to report until the returned entry is revised.
		left, err := a.Catalog.LevelChanges(ctx, bt)
		mustNoErr(t, err)
		if len(left) != 0 {
			t.Fatalf("changes after the decision: %+v", left)
		}
		if _, err := a.Catalog.SubmitLevelReport(ctx, bt, ""); codeOf(err) != "catalog.nothing_to_report" {
			t.Fatalf("an empty report: %v", err)
		}
		list, total, err := a.Catalog.LevelReports(ctx, admin, 20, 0)
		mustNoErr(t, err)
		if total != 1 || len(list) != 1 || list[0].OrgName == "" {
			t.Fatalf("the region's list %+v (%d)", list, total)
		}
		if _, total, _ := a.Catalog.LevelReports(ctx, officer, 20, 0); total != 0 {
			t.Fatalf("an agency lists %d reports", total)
		}
	})
}

func codeOf(err error) string {
	if err == nil {
		return ""
	}
	return apperr.As(err).Code
}

func statusOf(err error) int {
	if err == nil {
		return 0
	}
	return apperr.As(err).Status
}
