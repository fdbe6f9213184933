package workday

import (
	"context"
	"database/sql"
	"fmt"

	"pubdata/internal/db"
)

// Store keeps the calendar's exception days in the database so every node sees the authority's
// edits; the in-memory Calendar is reloaded from it.
type Store struct {
	DB  *db.DB
	Cal *Calendar
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
func (s *Store) Import(ctx context.Context, rec Recorder, actorID, actorName, orgID string, days []Day) error {
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.ReplaceYears(ctx, tx, days); err != nil {
			return err
		}
		return rec.RecordAction(ctx, tx, actorID, actorName, orgID, "calendar.import", "calendar", fmt.Sprint(Years(days)), map[string]any{"days": len(days)})
	})
	if err != nil {
		return err
	}
	return s.Load(ctx)
}
