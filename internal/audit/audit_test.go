package audit_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"

	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

func TestChainDetectsTampering(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		for _, algo := range []string{"sha256", "sm3"} {
			t.Run(algo, func(t *testing.T) {
				ctx := context.Background()
				d.ExecContext(ctx, "DELETE FROM audit_log")
				d.ExecContext(ctx, "UPDATE audit_head SET seq = 0, hash = ''")
				s := audit.New(d, algo)
				for i := 0; i < 5; i++ {
					if err := s.Log(ctx, audit.Event{ActorID: "u1", ActorName: "张三", Action: "test.event", ObjectID: string(rune('a' + i)), Detail: map[string]any{"i": i}}); err != nil {
						t.Fatal(err)
					}
				}
				res, err := s.Verify(ctx)
				if err != nil || !res.OK || res.Count != 5 {
					t.Fatalf("intact chain: %+v %v", res, err)
				}
				// alter row 3
				if _, err := d.ExecContext(ctx, "UPDATE audit_log SET actor_name = '李四' WHERE seq = 3"); err != nil {
					t.Fatal(err)
				}
				res, _ = s.Verify(ctx)
				if res.OK || res.BadSeq != 3 || !strings.Contains(res.Reason, "altered") {
					t.Fatalf("altered row not named: %+v", res)
				}
				d.ExecContext(ctx, "UPDATE audit_log SET actor_name = '张三' WHERE seq = 3")
				// remove row 2
				d.ExecContext(ctx, "DELETE FROM audit_log WHERE seq = 2")
				res, _ = s.Verify(ctx)
				if res.OK || res.BadSeq != 2 {
					t.Fatalf("removed row not named: %+v", res)
				}
			})
		}
	})
}

func TestRecordRollsBackWithTransaction(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := audit.New(d, "")
		_ = d.Tx(ctx, func(tx *sql.Tx) error {
			if err := s.Record(ctx, tx, audit.Event{Action: "x"}); err != nil {
				t.Fatal(err)
			}
			return sql.ErrTxDone // force rollback
		})
		var n int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log").Scan(&n)
		if n != 0 {
			t.Fatalf("rolled-back audit row persisted: %d", n)
		}
		res, _ := s.Verify(ctx)
		if !res.OK {
			t.Fatalf("chain after rollback: %+v", res)
		}
	})
}

func TestConcurrentLogKeepsChain(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := audit.New(d, "")
		var wg sync.WaitGroup
		for i := 0; i < 40; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.Log(ctx, audit.Event{Action: "share.gateway.lookup"}); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		res, err := s.Verify(ctx)
		if err != nil || !res.OK || res.Count != 40 {
			t.Fatalf("%+v %v", res, err)
		}
		recs, total, err := s.Search(ctx, audit.Filter{Action: "share.", Limit: 10})
		if err != nil || total != 40 || len(recs) != 10 || recs[0].Seq != 40 {
			t.Fatalf("search: total=%d len=%d err=%v", total, len(recs), err)
		}
	})
}
