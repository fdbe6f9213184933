package db

import "context"

// LoadLocked reads one row for a change inside tx (读取并锁定): on PostgreSQL it first takes the
// lock of the row of table whose id is id (SELECT id … FOR UPDATE, apart from the load because
// FOR UPDATE cannot lock the nullable side of the outer joins a load usually has); on SQLite the
// write transaction (BEGIN IMMEDIATE) already holds the database's write lock. load then reads
// the row in tx, so it sees the last committed change and no other writer changes it before tx
// ends. tx is a transaction (a Q so that hooks handed a transaction as Q can use it; outside one
// the lock would end with the statement). A missing row is sql.ErrNoRows (from the lock or from load).
func LoadLocked[T any](ctx context.Context, tx Q, d *DB, table, id string, load func(q Q) (T, error)) (T, error) {
	if d.IsPG() {
		var x string
		if err := tx.QueryRowContext(ctx, "SELECT id FROM "+table+" WHERE id = $1 FOR UPDATE", id).Scan(&x); err != nil {
			var zero T
			return zero, err
		}
	}
	return load(tx)
}
