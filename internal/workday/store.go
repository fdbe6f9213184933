package workday

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"pubdata/internal/db"
)

// Store keeps the calendar's exception days in the database so every node sees the authority's
// edits; the in-memory Calendar is reloaded from it.
type Store struct {
	DB  *db.DB
	Cal *Calendar
	// Deadlines are the stored due dates that an import recomputes (each capability adds its
	// own when the app is built).
	Deadlines []DeadlineColumn
}

// DeadlineColumn names a stored due date (YYYY-MM-DD) of running items, so that importing a
// year's table recomputes the ones it changes (they were provisional). All names are constants
// of the capability that owns the table, never user input.
type DeadlineColumn struct {
	Table      string   // e.g. share_requests (key column id)
	ObjectType string   // audit object type of a row
	Due        string   // the due-date column
	Mirrors    []string // columns holding the same date while this deadline runs (updated alike)
	Since      string   // Unix-ms column: when the running deadline started
	Running    string   // SQL condition selecting the items whose deadline still runs
}

// EnsureShipped inserts the shipped 2025/2026 tables for years the database does not list yet,
// then loads the calendar.
func (s *Store) EnsureShipped(ctx context.Context) error {
	have := map[string]bool{}
	rows, err := s.DB.QueryContext(ctx, "SELECT DISTINCT substr(day, 1, 4) FROM calendar_days")
	if err != nil {
		return err
	}
	for rows.Next() {
		var y string
		rows.Scan(&y)
		have[y] = true
	}
	rows.Close()
	var missing []Day
	for _, d := range Shipped() {
		if !have[d.Date[:4]] {
			missing = append(missing, d)
		}
	}
	if len(missing) > 0 {
		if err := s.DB.Tx(ctx, func(tx *sql.Tx) error { return insertDays(ctx, tx, missing) }); err != nil {
			return err
		}
	}
	return s.Load(ctx)
}

func insertDays(ctx context.Context, tx db.Q, days []Day) error {
	for _, d := range days {
		// Upsert: two nodes starting at once both insert the shipped tables, and a file may list
		// a day twice (the last line wins).
		if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_days (day, kind, name) VALUES ($1,$2,$3)
			ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name`, d.Date, string(d.Kind), d.Name); err != nil {
			return fmt.Errorf("%s: %w", d.Date, err)
		}
	}
	return nil
}

// Load reads every exception day into the calendar.
func (s *Store) Load(ctx context.Context) error {
	rows, err := s.DB.QueryContext(ctx, "SELECT day, kind, name FROM calendar_days")
	if err != nil {
		return err
	}
	defer rows.Close()
	var days []Day
	for rows.Next() {
		var d Day
		var k string
		if err := rows.Scan(&d.Date, &k, &d.Name); err != nil {
			return err
		}
		d.Kind = Kind(k)
		days = append(days, d)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	s.Cal.Set(days)
	return nil
}

// ReplaceYears replaces, inside tx, the exception days of every year the given days cover.
// The caller commits and then calls Load.
func (s *Store) ReplaceYears(ctx context.Context, tx db.Q, days []Day) error {
	for _, y := range Years(days) {
		if _, err := tx.ExecContext(ctx, "DELETE FROM calendar_days WHERE day LIKE $1", fmt.Sprintf("%04d-%%", y)); err != nil {
			return err
		}
	}
	return insertDays(ctx, tx, days)
}

// Recorder appends audit events inside a transaction (audit.Service satisfies it).
type Recorder interface {
	RecordAction(ctx context.Context, tx db.Q, actorID, actorName, orgID, action, objectType, objectID string, detail map[string]any) error
}

// Import replaces the tables of the years the days cover, as the authority asked, audited, and
// reloads the calendar. Authorization is the caller's (authz.Calendar).
//
// In the same transaction it recomputes the stored deadlines of running items that the new
// tables change — deadlines that were provisional because they ran into a year without a
// table — each change audited (calendar.recompute) with the old and new date.
func (s *Store) Import(ctx context.Context, rec Recorder, actorID, actorName, orgID string, days []Day) error {
	_, err := s.ImportCount(ctx, rec, actorID, actorName, orgID, days)
	return err
}

// ImportCount is Import that also returns how many stored deadlines it recomputed.
func (s *Store) ImportCount(ctx context.Context, rec Recorder, actorID, actorName, orgID string, days []Day) (int, error) {
	years := Years(days)
	next := s.Cal.Merged(days)
	changed := 0
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		changed = 0
		if err := s.ReplaceYears(ctx, tx, days); err != nil {
			return err
		}
		for _, dc := range s.Deadlines {
			n, err := s.recompute(ctx, tx, rec, actorID, actorName, orgID, dc, next, years)
			if err != nil {
				return fmt.Errorf("%s.%s: %w", dc.Table, dc.Due, err)
			}
			changed += n
		}
		return rec.RecordAction(ctx, tx, actorID, actorName, orgID, "calendar.import", "calendar", fmt.Sprint(years),
			map[string]any{"days": len(days), "deadlines_recomputed": changed})
	})
	if err != nil {
		return 0, err
	}
	return changed, s.Load(ctx)
}

// recompute moves the running deadlines of one column that fall in or after the first imported
// year to what the new calendar gives.
func (s *Store) recompute(ctx context.Context, tx *sql.Tx, rec Recorder, actorID, actorName, orgID string, dc DeadlineColumn, next *Calendar, years []int) (int, error) {
	if len(years) == 0 {
		return 0, nil
	}
	first := years[0]
	for _, y := range years {
		first = min(first, y)
	}
	type item struct {
		id, due string
		since   int64
	}
	var items []item
	rows, err := tx.QueryContext(ctx, "SELECT id, "+dc.Due+", "+dc.Since+" FROM "+dc.Table+
		" WHERE "+dc.Due+" >= $1 AND ("+dc.Running+")", fmt.Sprintf("%04d-01-01", first))
	if err != nil {
		return 0, err
	}
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.id, &it.due, &it.since); err != nil {
			rows.Close()
			return 0, err
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, it := range items {
		old, err := Parse(it.due)
		if err != nil {
			continue
		}
		var since time.Time
		if it.since > 0 {
			since = time.UnixMilli(it.since)
		}
		nd := Format(Recount(s.Cal, next, since, old, years))
		if nd == it.due {
			continue
		}
		set, args := dc.Due+" = $1", []any{nd, it.id}
		if len(dc.Mirrors) > 0 {
			// A mirror moves only while it holds the same date ($3: the old due date).
			args = append(args, it.due)
			for _, m := range dc.Mirrors {
				set += ", " + m + " = CASE WHEN " + m + " = $3 THEN $1 ELSE " + m + " END"
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE "+dc.Table+" SET "+set+" WHERE id = $2", args...); err != nil {
			return 0, err
		}
		if err := rec.RecordAction(ctx, tx, actorID, actorName, orgID, "calendar.recompute", dc.ObjectType, it.id,
			map[string]any{"column": dc.Due, "from": it.due, "to": nd, "years": years}); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}
