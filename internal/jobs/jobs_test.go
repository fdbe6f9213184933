package jobs_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"pubdata/internal/db"
	"pubdata/internal/jobs"
	"pubdata/internal/testutil"
)

// Two nodes (two schedulers with their own connection pools on one database) race to run the
// same job many times at once: it runs exactly once per interval.
func TestJobRunsOncePerIntervalAcrossNodes(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := testutil.NewClock("2026-09-30 10:00")
		var runs atomic.Int32
		node := func(d *db.DB) *jobs.Scheduler {
			s := jobs.New(d)
			s.Now = clock.Now
			s.Add(jobs.Job{Name: "share.reminders", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
				runs.Add(1)
				time.Sleep(20 * time.Millisecond) // long enough for the others to collide with it
				return nil
			}})
			return s
		}
		a, b := node(d), node(testutil.Reopen(t, d))
		if a.Holder == b.Holder {
			t.Fatal("two nodes share a holder id")
		}
		race := func() int {
			var wg sync.WaitGroup
			var ran atomic.Int32
			for i := 0; i < 15; i++ {
				for _, s := range []*jobs.Scheduler{a, b} {
					wg.Add(1)
					go func() {
						defer wg.Done()
						ok, err := s.RunNow(ctx, "share.reminders", false)
						if err != nil {
							t.Error(err)
						}
						if ok {
							ran.Add(1)
						}
					}()
				}
			}
			wg.Wait()
			return int(ran.Load())
		}
		if n := race(); n != 1 || runs.Load() != 1 {
			t.Fatalf("first interval: RunNow reported %d runs, the job ran %d times; want 1", n, runs.Load())
		}
		clock.Advance(59 * time.Minute)
		if n := race(); n != 0 || runs.Load() != 1 {
			t.Fatalf("within the interval: %d more runs", runs.Load()-1)
		}
		clock.Advance(2 * time.Minute)
		if n := race(); n != 1 || runs.Load() != 2 {
			t.Fatalf("second interval: reported %d, ran %d times in all; want 2", n, runs.Load())
		}
		st, err := a.Statuses(ctx)
		if err != nil || len(st) != 1 || st[0].Runs != 2 || st[0].LastError != "" || (st[0].Holder != a.Holder && st[0].Holder != b.Holder) {
			t.Fatalf("status: %+v %v", st, err)
		}
		// Unknown jobs do not run.
		if ok, err := a.RunNow(ctx, "no.such.job", true); ok || err != nil {
			t.Fatalf("unknown job: %v %v", ok, err)
		}
	})
}

// A node that dies holding a job's lease blocks the others only until the lease expires.
func TestLeaseExpiryLetsAnotherNodeTakeOver(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := testutil.NewClock("2026-09-30 10:00")
		started, hang := make(chan struct{}), make(chan struct{})
		a := jobs.New(d)
		a.Now = clock.Now
		a.Add(jobs.Job{Name: "backup", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
			close(started)
			<-hang // node A is stuck (or gone) while holding the lease
			return nil
		}})
		var bRuns atomic.Int32
		b := jobs.New(testutil.Reopen(t, d))
		b.Now = clock.Now
		b.Add(jobs.Job{Name: "backup", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
			bRuns.Add(1)
			return errors.New("disk full")
		}})

		aDone := make(chan error, 1)
		go func() { _, err := a.RunNow(ctx, "backup", true); aDone <- err }()
		<-started
		if ok, err := b.RunNow(ctx, "backup", true); ok || err != nil {
			t.Fatalf("B ran while A held the lease: %v %v", ok, err)
		}
		clock.Advance(9 * time.Minute)
		if ok, _ := b.RunNow(ctx, "backup", true); ok {
			t.Fatal("B took the lease before it expired")
		}
		clock.Advance(2 * time.Minute) // the 10-minute lease has expired
		ok, err := b.RunNow(ctx, "backup", true)
		if !ok || bRuns.Load() != 1 || err == nil || err.Error() != "disk full" {
			t.Fatalf("B after expiry: ran=%v runs=%d err=%v", ok, bRuns.Load(), err)
		}
		st, _ := b.Statuses(ctx)
		if st[0].Holder != b.Holder || st[0].LastError != "disk full" {
			t.Fatalf("status after B's run: %+v", st[0])
		}
		close(hang)
		if err := <-aDone; err != nil {
			t.Fatal(err)
		}
	})
}

func TestAcquire(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 9, 30, 10, 0, 0, 0, time.UTC)
		must := func(holder string, at time.Time, want bool) {
			t.Helper()
			ok, err := jobs.Acquire(ctx, d, "lease", holder, time.Minute, at)
			if err != nil || ok != want {
				t.Fatalf("%s at %s: got %v (%v), want %v", holder, at.Format("15:04:05"), ok, err, want)
			}
		}
		must("A", now, true)
		must("B", now.Add(30*time.Second), false)
		must("A", now.Add(50*time.Second), true) // renewal extends to 10:01:50
		must("B", now.Add(90*time.Second), false)
		must("B", now.Add(111*time.Second), true)
		jobs.Release(ctx, d, "lease", "A") // not A's any more: no effect
		must("A", now.Add(112*time.Second), false)
		jobs.Release(ctx, d, "lease", "B")
		must("A", now.Add(113*time.Second), true)
	})
}

// Start runs due jobs in the background until its context ends.
func TestStartRunsDueJobs(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s := jobs.New(d)
		ran := make(chan struct{}, 10)
		s.Add(jobs.Job{Name: "tick", Every: time.Hour, Run: func(context.Context, time.Time) error { ran <- struct{}{}; return nil }})
		s.Add(jobs.Job{Name: "off", Every: time.Millisecond, Disabled: true, Run: func(context.Context, time.Time) error {
			t.Error("a disabled job ran")
			return nil
		}})
		s.Start(ctx, 10*time.Millisecond)
		select {
		case <-ran:
		case <-time.After(10 * time.Second):
			t.Fatal("the scheduler did not run a due job")
		}
		time.Sleep(50 * time.Millisecond) // several more ticks: not due again within the hour
		if len(ran) != 0 {
			t.Fatalf("job ran %d more times within its interval", len(ran))
		}
		cancel()
	})
}

// A live node renews its lease while a long job runs, so no other node starts it meanwhile.
func TestLongJobKeepsItsLease(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, b := jobs.New(d), jobs.New(testutil.Reopen(t, d))
		// A lease of two seconds renewed every third of it tolerates a 1.3 s stall of a loaded
		// CI machine (one second did not: the PostgreSQL suite once stalled the renewal longer).
		a.LeaseTTL, b.LeaseTTL = 2*time.Second, 2*time.Second
		var aRunning atomic.Bool
		started := make(chan struct{})
		a.Add(jobs.Job{Name: "export", Every: time.Hour, Run: func(context.Context, time.Time) error {
			aRunning.Store(true)
			close(started)
			time.Sleep(5 * time.Second) // two and a half lease lifetimes
			aRunning.Store(false)
			return nil
		}})
		// B may run the job once A has finished and released it (the loop below forces runs and
		// can win that race); only a run while A's job is still running breaks the lease.
		b.Add(jobs.Job{Name: "export", Every: time.Hour, Run: func(context.Context, time.Time) error {
			if aRunning.Load() {
				t.Error("node B ran the job while node A was still running it")
			}
			return nil
		}})
		done := make(chan struct{})
		go func() { a.RunNow(ctx, "export", true); close(done) }()
		<-started
		for {
			select {
			case <-done:
				return
			case <-time.After(50 * time.Millisecond):
				b.RunNow(ctx, "export", true)
			}
		}
	})
}
