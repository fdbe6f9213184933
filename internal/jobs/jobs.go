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

	mu   sync.Mutex
	jobs map[string]*Job
}

// New makes a scheduler for this node.
func New(d *db.DB) *Scheduler {
	return &Scheduler{DB: d, Holder: ids.New(), Now: time.Now, jobs: map[string]*Job{}}
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

// RunNow runs one job if its lease can be taken and its interval has passed since the last run
// anywhere in the cluster (force ignores the interval). It reports whether the job ran.
func (s *Scheduler) RunNow(ctx context.Context, name string, force bool) (bool, error) {
	s.mu.Lock()
	j := s.jobs[name]
	s.mu.Unlock()
	if j == nil {
		return false, nil
	}
	now := s.Now()
	ok, err := Acquire(ctx, s.DB, "job:"+name, s.Holder, 10*time.Minute, now)
	if err != nil || !ok {
		return false, err
	}
	defer Release(ctx, s.DB, "job:"+name, s.Holder)
	var last int64
	s.DB.QueryRowContext(ctx, "SELECT last_end FROM job_runs WHERE name = $1", name).Scan(&last)
	if !force && last > 0 && now.Sub(db.FromMillis(last)) < j.Every {
		return false, nil
	}
	start := db.Millis(now)
	s.DB.ExecContext(ctx, `INSERT INTO job_runs (name, last_start, last_holder) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET last_start = excluded.last_start, last_holder = excluded.last_holder`, name, start, s.Holder)
	runErr := j.Run(ctx, now)
	msg := ""
	if runErr != nil {
		msg = runErr.Error()
		slog.Error("job failed", "job", name, "err", runErr)
	}
	_, err = s.DB.ExecContext(ctx, "UPDATE job_runs SET last_end = $1, last_error = $2, runs = runs + 1 WHERE name = $3", db.Millis(s.Now()), msg, name)
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
				if s.jobs[name].Disabled {
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
	LastEnd   time.Time `json:"last_end"`
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
