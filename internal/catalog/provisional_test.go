package catalog_test

import (
	"encoding/json"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
	"pubdata/internal/workday"
)

// A review deadline that runs into 2027 before its holiday table exists is provisional on the
// entry (review.deadline_provisional, naming 2027) and in the review queue; importing the table
// recomputes it and it is final.
func TestReviewDeadlineProvisionalAcrossMissingYear(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-12-30 10:00")
		a := testutil.NewApp(t, d, clock)
		mustNoErr(t, demo.Load(ctx, a))
		officer, reviewer, admin := who(t, a, "officer"), who(t, a, "reviewer"), who(t, a, "admin")
		e, err := a.Catalog.Create(ctx, officer, popEntry())
		mustNoErr(t, err)
		mustNoErr(t, a.Catalog.Submit(ctx, officer, e.ID))
		got, err := a.Catalog.Get(ctx, e.ID)
		mustNoErr(t, err)
		// 5 working days: 12-31, then 2027 counted Monday–Friday: 01-01, 01-04, 01-05, 01-06.
		if got.Review.ReviewDue != "2027-01-06" || !got.Review.DeadlineProvisional || len(got.Review.MissingYears) != 1 || got.Review.MissingYears[0] != 2027 {
			t.Fatalf("review due %s provisional %v %v", got.Review.ReviewDue, got.Review.DeadlineProvisional, got.Review.MissingYears)
		}
		b, _ := json.Marshal(got)
		if !strings.Contains(string(b), `"deadline_provisional":true`) || !strings.Contains(string(b), `"deadline_missing_years":[2027]`) {
			t.Fatalf("the entry's JSON lacks the provisional flag: %s", b)
		}
		q, err := a.Catalog.ReviewQueue(ctx, reviewer)
		mustNoErr(t, err)
		found := false
		for _, it := range q {
			if it.EntryID == e.ID {
				found = true
				if !it.DeadlineProvisional {
					t.Fatalf("queue item not provisional: %+v", it)
				}
			}
		}
		if !found {
			t.Fatal("not in the review queue")
		}
		mustNoErr(t, a.CalStore.Import(ctx, a.Audit, admin.UserID, admin.Username, admin.OrgID,
			[]workday.Day{{Date: "2027-01-01", Kind: workday.Off, Name: "元旦（测试夹具 / fixture）"}}))
		got, err = a.Catalog.Get(ctx, e.ID)
		mustNoErr(t, err)
		if got.Review.ReviewDue != "2027-01-07" || got.Review.DeadlineProvisional {
			t.Fatalf("after importing 2027: due %s provisional %v; want 2027-01-07 final", got.Review.ReviewDue, got.Review.DeadlineProvisional)
		}
	})
}
