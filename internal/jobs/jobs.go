// Package jobs is the background scheduler (定时任务): reminders, escalations, freshness checks,
// re-assessments, backups. Each job runs once per cluster: before a run, a node takes the job's
// lease in the database, so two nodes on one PostgreSQL never run the same job at once.
package jobs

import (
	"context"
	"log/slog"
	"sort"
	"sync"
	"time"

	"pubdata/internal/db"
	"pubdata/internal/ids"
)

// Job is a named periodic task.
type Job struct {
	Name     string
	Every    time.Duration
	Run      func(ctx context.Context, now time.Time) error
	Disabled bool
}

// Scheduler runs jobs.
type Scheduler struct {
	DB     *db.DB
	Holder string // this node's id
	Now    func() time.Time
	// LeaseTTL is how long a job's lease lasts without renewal: a node that dies mid-run blocks
	// the job on other nodes for at most this long. A live node renews it every LeaseTTL/3.
	LeaseTTL time.Duration

	mu      sync.Mutex
	jobs    map[string]*Job
	running map[string]bool // jobs running on this node now
}

// New makes a scheduler for this node.
func New(d *db.DB) *Scheduler {
	return &Scheduler{DB: d, Holder: ids.New(), Now: time.Now, LeaseTTL: 10 * time.Minute, jobs: map[string]*Job{}, running: map[string]bool{}}
}

// Add registers a job.
func (s *Scheduler) Add(j Job) {
	s.mu.Lock()
	s.jobs[j.Name] = &j
	s.mu.Unlock()
}

// Names lists the registered jobs.
func (s *Scheduler) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for n := range s.jobs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (s *Scheduler) job(name string) *Job {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.jobs[name]
}

// Has tells whether a job of that name is registered on this node.
func (s *Scheduler) Has(name string) bool { return s.job(name) != nil }

// Acquire takes (or renews) the named lease for ttl; it reports whether this holder has it.
func Acquire(ctx context.Context, d *db.DB, name, holder string, ttl time.Duration, now time.Time) (bool, error) {
	n := db.Millis(now)
	res, err := d.ExecContext(ctx, `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE leases.expires_at < $4 OR leases.holder = excluded.holder`, name, holder, n+ttl.Milliseconds(), n)
	if err != nil {
		return false, err
	}
	k, err := res.RowsAffected()
	return k == 1, err
}

// Release gives a lease back.
func Release(ctx context.Context, d *db.DB, name, holder string) {
	d.ExecContext(ctx, "DELETE FROM leases WHERE name = $1 AND holder = $2", name, holder)
}

// claim marks a job as running on this node; false if it already is. The database lease
// only tells nodes apart (one holder id per node), so runs within one node are kept apart here.
func (s *Scheduler) claim(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.running[name] {
		return false
	}
	if s.running == nil {
		s.running = map[string]bool{}
	}
	s.running[name] = true
	return true
}

func (s *Scheduler) unclaim(name string) {
	s.mu.Lock()
	delete(s.running, name)
	s.mu.Unlock()
}

// RunNow runs one job if its lease can be taken and its interval has passed since the last run
// anywhere in the cluster (force ignores the interval). It reports whether the job ran.
func (s *Scheduler) RunNow(ctx context.Context, name string, force bool) (bool, error) {
	j := s.job(name)
	if j == nil || !s.claim(name) {
		return false, nil
	}
	defer s.unclaim(name)
	lease := "job:" + name
	ttl := s.LeaseTTL
	if ttl <= 0 {
		ttl = 10 * time.Minute
	}
	now := s.Now()
	ok, err := Acquire(ctx, s.DB, lease, s.Holder, ttl, now)
	if err != nil || !ok {
		return false, err
	}
	// Bookkeeping and release happen even when the caller's context ends (a cancelled HTTP
	// request), so the run is recorded and the lease is not left to expire.
	bg := context.WithoutCancel(ctx)
	defer Release(bg, s.DB, lease, s.Holder)
	var last int64
	s.DB.QueryRowContext(ctx, "SELECT last_end FROM job_runs WHERE name = $1", name).Scan(&last)
	if !force && last > 0 && now.Sub(db.FromMillis(last)) < j.Every {
		return false, nil
	}
	start := db.Millis(now)
	s.DB.ExecContext(bg, `INSERT INTO job_runs (name, last_start, last_holder) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET last_start = excluded.last_start, last_holder = excluded.last_holder`, name, start, s.Holder)

	// Renew the lease while the job runs, so a long job is not started again elsewhere. The
	// first renewal happens now: the bookkeeping above may have taken part of the lease's life.
	if ok, err := Acquire(bg, s.DB, lease, s.Holder, ttl, s.Now()); err != nil || !ok {
		return false, err
	}
	stop := make(chan struct{})
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		t := time.NewTicker(ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if ok, err := Acquire(bg, s.DB, lease, s.Holder, ttl, s.Now()); err != nil || !ok {
					slog.Warn("job lease renewal failed", "job", name, "err", err)
				}
			}
		}
	}()
	runErr := j.Run(ctx, now)
	close(stop)
	<-renewed
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
		slog.Error("job failed", "job", name, "err", runErr)
	}
	_, err = s.DB.ExecContext(bg, "UPDATE job_runs SET last_end = $1, last_error = $2, runs = runs + 1 WHERE name = $3", db.Millis(s.Now()), msg, name)
	if err == nil {
		err = runErr
	}
	return true, err
}

// Start ticks every interval until ctx ends, running each due job.
func (s *Scheduler) Start(ctx context.Context, tick time.Duration) {
	go func() {
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			for _, name := range s.Names() {
				if j := s.job(name); j == nil || j.Disabled {
					continue
				}
				s.RunNow(ctx, name, false)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// Status is a job's last run as recorded in the database.
type Status struct {
	Name      string    `json:"name"`
	LastStart time.Time `json:"last_start"`
	LastEnd   time.Time `json:"last_end,omitzero"` // unset while the first run is under way
	LastError string    `json:"last_error,omitempty"`
	Holder    string    `json:"last_holder"`
	Runs      int64     `json:"runs"`
}

// Statuses lists every registered job with its last run.
func (s *Scheduler) Statuses(ctx context.Context) ([]Status, error) {
	var out []Status
	for _, n := range s.Names() {
		st := Status{Name: n}
		var a, b int64
		s.DB.QueryRowContext(ctx, "SELECT last_start, last_end, last_error, last_holder, runs FROM job_runs WHERE name = $1", n).
			Scan(&a, &b, &st.LastError, &st.Holder, &st.Runs)
		st.LastStart, st.LastEnd = db.FromMillis(a), db.FromMillis(b)
		out = append(out, st)
	}
	return out, nil
}
