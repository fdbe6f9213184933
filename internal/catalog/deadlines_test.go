package catalog_test

import (
	"testing"

	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/notify"
	"pubdata/internal/testutil"
)

func inbox(t *testing.T, n *notify.Service, p *authz.Principal, kind string) []notify.Message {
	t.Helper()
	ms, _, err := n.Inbox(ctx, p, false, 200, 0)
	mustNoErr(t, err)
	var out []notify.Message
	for _, m := range ms {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

// TestReviewDeadlineAcrossHoliday: submitted 2026-09-30, due 2026-10-13 (National Day in between);
// reminded before it falls due, escalated once it is missed, each exactly once.
func TestReviewDeadlineAcrossHoliday(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-30 10:00")
		a := testutil.NewApp(t, d, clock)
		mustNoErr(t, demo.Load(ctx, a))
		officer, reviewer := who(t, a, "officer"), who(t, a, "reviewer")
		e, err := a.Catalog.Create(ctx, officer, popEntry())
		mustNoErr(t, err)
		mustNoErr(t, a.Catalog.Submit(ctx, officer, e.ID))
		got, _ := a.Catalog.Get(ctx, e.ID)
		if got.Review.ReviewDue != "2026-10-13" {
			t.Fatalf("due %s", got.Review.ReviewDue)
		}
		q, _ := a.Catalog.ReviewQueue(ctx, reviewer)
		var mine *catalog.QueueItem
		for i := range q {
			if q[i].EntryID == e.ID {
				mine = &q[i]
			}
		}
		if mine == nil || mine.WorkdaysLeft != 5 || mine.Overdue {
			t.Fatalf("queue item %+v", mine)
		}
		count := func(kind string) int {
			n := 0
			for _, m := range inbox(t, a.Notify, reviewer, kind) {
				if m.ObjectID == e.ID {
					n++
				}
			}
			return n
		}
		// During the holiday nothing is due yet: all 5 working days are still ahead on 2026-10-07.
		clock.Set("2026-10-07 09:00")
		_, err = a.Catalog.RunDeadlines(ctx, clock.Now())
		mustNoErr(t, err)
		if count("reminder") != 0 {
			t.Fatal("reminded too early")
		}
		// Sunday 2026-10-11: two working days left (10-12, 10-13): remind, once.
		clock.Set("2026-10-11 09:00")
		_, err = a.Catalog.RunDeadlines(ctx, clock.Now())
		mustNoErr(t, err)
		_, err = a.Catalog.RunDeadlines(ctx, clock.Now())
		mustNoErr(t, err)
		if n := count("reminder"); n != 1 {
			t.Fatalf("%d reminders, want exactly 1", n)
		}
		// Still within the due day: no escalation.
		clock.Set("2026-10-13 23:00")
		a.Catalog.RunDeadlines(ctx, clock.Now())
		if count("escalation") != 0 {
			t.Fatal("escalated on the due day")
		}
		clock.Set("2026-10-14 08:00")
		_, err = a.Jobs.RunNow(ctx, "catalog.deadlines", true)
		mustNoErr(t, err)
		_, err = a.Jobs.RunNow(ctx, "catalog.deadlines", true)
		mustNoErr(t, err)
		if n := count("escalation"); n != 1 {
			t.Fatalf("%d escalations to the reviewing authority, want 1", n)
		}
		q, _ = a.Catalog.ReviewQueue(ctx, reviewer)
		for _, it := range q {
			if it.EntryID == e.ID && (!it.Overdue || it.WorkdaysLeft != -1) {
				t.Fatalf("overdue item %+v", it)
			}
		}
		recs, total, _ := a.Audit.Search(ctx, auditFilter("catalog.deadline.escalate", e.ID))
		if total < 1 || len(recs) == 0 {
			t.Fatal("escalation not audited")
		}
	})
}

// TestLegalChangeUpdateDeadline: 15 working days after the agency records a change; the agency
// is reminded, then the authority is told when it is missed; submitting fulfils it.
func TestLegalChangeUpdateDeadline(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-30 10:00")
		a := testutil.DemoApp(t, d, clock)
		officer, reviewer := who(t, a, "officer"), who(t, a, "reviewer")
		mustNoErr(t, a.Catalog.RecordLegalChange(ctx, officer, demo.EntryPopulation, "《户口登记条例》修订"))
		e, _ := a.Catalog.Get(ctx, demo.EntryPopulation)
		// 15 working days from 2026-09-30: 10-09, 10-10 (make-up), 10-12 … → 2026-10-27.
		if e.Review.UpdateDue != "2026-10-27" {
			t.Fatalf("update due %s", e.Review.UpdateDue)
		}
		clock.Set("2026-10-26 09:00")
		a.Catalog.RunDeadlines(ctx, clock.Now())
		rem := inbox(t, a.Notify, officer, "reminder")
		if len(rem) != 1 || rem[0].ObjectID != demo.EntryPopulation {
			t.Fatalf("agency reminders %+v", rem)
		}
		clock.Set("2026-10-28 09:00")
		a.Catalog.RunDeadlines(ctx, clock.Now())
		var esc int
		for _, m := range inbox(t, a.Notify, reviewer, "escalation") {
			if m.ObjectID == demo.EntryPopulation {
				esc++
			}
		}
		if esc != 1 {
			t.Fatalf("%d escalations to the authority", esc)
		}
		// Updating and submitting clears the pending update.
		e.Summary += "（按新规修订）"
		_, err := a.Catalog.Update(ctx, officer, e)
		mustNoErr(t, err)
		mustNoErr(t, a.Catalog.Submit(ctx, officer, e.ID))
		e, _ = a.Catalog.Get(ctx, demo.EntryPopulation)
		if e.Review.UpdateDue != "" {
			t.Fatalf("update still due %s", e.Review.UpdateDue)
		}
	})
}
