package db_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// Two transactions change the same row through LoadLocked: the second, started while the first
// holds the row, waits for the first's update and reads the new value, so no update is lost (on
// PostgreSQL by the row lock, on SQLite by the write transaction). A missing row is sql.ErrNoRows.
func TestLoadLockedSerializesWriters(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.ExecContext(ctx, "CREATE TABLE locked_t (id TEXT PRIMARY KEY, n INTEGER NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, "INSERT INTO locked_t (id, n) VALUES ('x', 1)"); err != nil {
			t.Fatal(err)
		}
		loader := func(id string) func(q db.Q) (int, error) {
			return func(q db.Q) (int, error) {
				var n int
				err := q.QueryRowContext(ctx, "SELECT n FROM locked_t WHERE id = $1", id).Scan(&n)
				return n, err
			}
		}
		// bump loads the row locked, adds one after pause and reports what it read.
		bump := func(pause time.Duration, locked chan<- struct{}) (int, error) {
			var seen int
			err := d.Tx(ctx, func(tx *sql.Tx) error {
				n, err := db.LoadLocked(ctx, tx, d, "locked_t", "x", loader("x"))
				if err != nil {
					return err
				}
				seen = n
				if locked != nil {
					close(locked)
				}
				time.Sleep(pause)
				_, err = tx.ExecContext(ctx, "UPDATE locked_t SET n = $1 WHERE id = 'x'", n+1)
				return err
			})
			return seen, err
		}
		locked := make(chan struct{})
		first := make(chan error, 1)
		go func() {
			n, err := bump(300*time.Millisecond, locked)
			if err == nil && n != 1 {
				t.Errorf("first transaction read %d, want 1", n)
			}
			first <- err
		}()
		<-locked
		start := time.Now()
		n, err := bump(0, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Fatalf("second transaction read %d, want 2 (the first's update)", n)
		}
		if waited := time.Since(start); waited < 200*time.Millisecond {
			t.Fatalf("second transaction did not wait for the first (%v)", waited)
		}
		var final int
		d.QueryRowContext(ctx, "SELECT n FROM locked_t WHERE id = 'x'").Scan(&final)
		if final != 3 {
			t.Fatalf("n = %d after two increments, want 3", final)
		}
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := db.LoadLocked(ctx, tx, d, "locked_t", "missing", loader("missing"))
			return err
		})
		if !db.IsNoRows(err) {
			t.Fatalf("missing row: %v, want sql.ErrNoRows", err)
		}
	})
}
