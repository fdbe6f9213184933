package testutil

import (
	"context"
	"sync"
	"testing"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/workday"
)

// Clock is a settable clock for tests of deadlines.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock starts a clock at a date-time in Asia/Shanghai ("2006-01-02 15:04").
func NewClock(s string) *Clock {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, workday.Location)
	if err != nil {
		panic(err)
	}
	return &Clock{t: t}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Set moves the clock to a date-time ("2006-01-02 15:04").
func (c *Clock) Set(s string) { n := NewClock(s); c.mu.Lock(); c.t = n.t; c.mu.Unlock() }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// NewApp builds the platform over d with the given clock (nil = real time).
func NewApp(t testing.TB, d *db.DB, clock *Clock) *app.App {
	t.Helper()
	Logs(t)
	cfg := app.Config{DataDir: t.TempDir()}
	if clock != nil {
		cfg.Now = clock.Now
	}
	a, err := app.New(context.Background(), d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// Before the database closes (cleanups run last-in first-out): insert what is spooled.
	t.Cleanup(func() {
		if err := a.Audit.Close(); err != nil {
			t.Errorf("audit spool: %v", err)
		}
	})
	return a
}

// DemoApp builds the platform over d and loads the demo region.
func DemoApp(t testing.TB, d *db.DB, clock *Clock) *app.App {
	t.Helper()
	a := NewApp(t, d, clock)
	if err := demo.Load(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a
}

// DirectoryApp builds the platform over d with only the demo region's regions, organizations and
// accounts (demo.LoadDirectory): the demo logins without any capability's demo data. It is much
// faster than DemoApp for tests of the foundation.
func DirectoryApp(t testing.TB, d *db.DB, clock *Clock) *app.App {
	t.Helper()
	a := NewApp(t, d, clock)
	if err := demo.LoadDirectory(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a
}
