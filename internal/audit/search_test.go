package audit_test

import (
	"context"
	"testing"
	"time"

	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// Audit search by actor, organization, object, action prefix, grant and time; every record
// carries the fields SEC-4 asks for and a retention class.
func TestSearchFilters(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := testutil.NewClock("2026-09-30 09:00")
		s := audit.New(d, "sm3")
		s.Now = clock.Now
		log := func(ev audit.Event) {
			t.Helper()
			clock.Advance(time.Hour)
			if err := s.Log(ctx, ev); err != nil {
				t.Fatal(err)
			}
		}
		log(audit.Event{ActorID: "u1", ActorName: "孙专员", OrgID: "org-ps", Action: "catalog.entry.submit", ObjectType: "entry", ObjectID: "e1", ClientIP: "10.0.0.1"})
		log(audit.Event{ActorID: "u2", ActorName: "吴专员", OrgID: "org-civil", Action: "share.gateway.lookup", ObjectType: "entry", ObjectID: "e1",
			Purpose: "婚姻登记核验", GrantID: "g1", Detail: map[string]any{"rows": 1}})
		log(audit.Event{ActorID: "u1", ActorName: "孙专员", OrgID: "org-ps", Action: "operation.agreement.sign", Retention: audit.Retain20Y, Result: audit.Denied})
		log(audit.Event{ActorID: "u3", ActorName: "赵主任", OrgID: "org-auth", Action: "catalog.entry.publish", ObjectType: "entry", ObjectID: "e2"})

		search := func(f audit.Filter) []int64 {
			t.Helper()
			recs, total, err := s.Search(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if total != len(recs) {
				t.Fatalf("total %d for %d records", total, len(recs))
			}
			var seqs []int64
			for _, r := range recs {
				seqs = append(seqs, r.Seq)
			}
			return seqs
		}
		eq := func(name string, got []int64, want ...int64) {
			t.Helper()
			if len(got) != len(want) {
				t.Errorf("%s: %v, want %v", name, got, want)
				return
			}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("%s: %v, want %v", name, got, want)
					return
				}
			}
		}
		eq("all, newest first", search(audit.Filter{}), 4, 3, 2, 1)
		eq("actor by name", search(audit.Filter{Actor: "孙专员"}), 3, 1)
		eq("actor by id", search(audit.Filter{Actor: "u2"}), 2)
		eq("actor id", search(audit.Filter{ActorID: "u3"}), 4)
		eq("organization", search(audit.Filter{OrgID: "org-ps"}), 3, 1)
		eq("object", search(audit.Filter{ObjectType: "entry", ObjectID: "e1"}), 2, 1)
		eq("action prefix", search(audit.Filter{Action: "catalog."}), 4, 1)
		eq("grant", search(audit.Filter{GrantID: "g1"}), 2)
		from, to := clock.Now().Add(-2*time.Hour), clock.Now() // records at 11:00 and 12:00; the one at 13:00 is excluded
		eq("time window", search(audit.Filter{From: from, To: to}), 3, 2)
		eq("combined", search(audit.Filter{OrgID: "org-ps", Action: "operation."}), 3)

		recs, _, _ := s.Search(ctx, audit.Filter{GrantID: "g1"})
		r := recs[0]
		if r.Purpose != "婚姻登记核验" || r.Result != audit.OK || r.Retention != audit.Retain3Y || r.Algo != "sm3" || r.Detail["rows"] != float64(1) {
			t.Fatalf("record 2: %+v", r)
		}
		recs, _, _ = s.Search(ctx, audit.Filter{Action: "operation."})
		if recs[0].Retention != audit.Retain20Y || recs[0].Result != audit.Denied {
			t.Fatalf("operation record: %+v", recs[0])
		}
		// Paging.
		recs, total, _ := s.Search(ctx, audit.Filter{Limit: 2, Offset: 2})
		if total != 4 || len(recs) != 2 || recs[0].Seq != 2 {
			t.Fatalf("page 2: total %d, %d records", total, len(recs))
		}
		if res, err := s.Verify(ctx); err != nil || !res.OK || res.Count != 4 {
			t.Fatalf("verify: %+v %v", res, err)
		}
	})
}
