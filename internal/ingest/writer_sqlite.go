package ingest

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
)

// sqliteBulkWriter writes a SQLite full replacement through the driver's own statements on the
// transaction's connection (database/sql's per-call argument conversion is skipped: the
// checking goroutine packs each batch as driver values already), with the table's indexes
// dropped after the first rows and rebuilt from sorted keys at the end (see deferIndexAfter).
type sqliteBulkWriter struct {
	sqlWriter
	conn    *sql.Conn
	indexes []struct{ name, sql string }
}

func (w *sqliteBulkWriter) prepare(ctx context.Context) error {
	if _, err := w.tx.ExecContext(ctx, fmt.Sprintf("UPDATE %s SET _to = $1 WHERE _to = 0", quote(w.t.Name)), w.v); err != nil {
		return err
	}
	w.multiN = max(1, min(256, 4000/len(w.cols)))
	w.literalFrom = true
	rows, err := w.tx.QueryContext(ctx, "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL", w.t.Name)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ix struct{ name, sql string }
		if err := rows.Scan(&ix.name, &ix.sql); err != nil {
			return err
		}
		w.indexes = append(w.indexes, ix)
	}
	return rows.Err()
}

// pack does nothing in the checking goroutine: measured, checking a row costs more than
// writing it on SQLite, so the packing (packNV) runs on the writing side to balance the two.
func (w *sqliteBulkWriter) pack(b *batch) {}

// packNV lays a batch out as the arguments of its statements: full chunks of multiN rows
// (ordinals 1…multiN×columns), then single rows (ordinals 1…columns); _from is a literal.
func (w *sqliteBulkWriter) packNV(b *batch) {
	nc := len(w.cols) - 1 // bound per row: every column but _from
	full := len(b.rows) / w.multiN * w.multiN
	nv := make([]driver.NamedValue, 0, len(b.rows)*nc)
	for i := range b.rows {
		base := len(nv)
		if i >= full {
			base = 0
		} else {
			base %= w.multiN * nc
		}
		k := 1
		for _, c := range b.rows[i] {
			nv = append(nv, driver.NamedValue{Ordinal: base + k, Value: c})
			k++
		}
		if w.composite {
			nv = append(nv, driver.NamedValue{Ordinal: base + k, Value: b.keys[i]})
		}
	}
	b.nv = nv
}

func (w *sqliteBulkWriter) consume(ctx context.Context, in <-chan *batch) error {
	return w.conn.Raw(func(dc any) error {
		pc, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return fmt.Errorf("ingest: the SQLite driver cannot prepare statements")
		}
		prep := func(rows int) (driver.StmtExecContext, driver.Stmt, error) {
			st, err := pc.PrepareContext(ctx, w.insertSQL(rows))
			if err != nil {
				return nil, nil, err
			}
			ex, ok := st.(driver.StmtExecContext)
			if !ok {
				st.Close()
				return nil, nil, fmt.Errorf("ingest: the SQLite driver cannot execute with context")
			}
			return ex, st, nil
		}
		multi, ms, err := prep(w.multiN)
		if err != nil {
			return err
		}
		defer ms.Close()
		one, os, err := prep(1)
		if err != nil {
			return err
		}
		defer os.Close()
		nc := len(w.cols) - 1
		dropped := false
		for b := range in {
			w.packNV(b)
			i := 0
			for ; i+w.multiN <= len(b.rows); i += w.multiN {
				if _, err := multi.ExecContext(ctx, b.nv[i*nc:(i+w.multiN)*nc]); err != nil {
					return err
				}
			}
			for ; i < len(b.rows); i++ {
				if _, err := one.ExecContext(ctx, b.nv[i*nc:(i+1)*nc]); err != nil {
					return err
				}
			}
			w.st.written += int64(len(b.rows))
			if !dropped && w.st.written >= deferIndexAfter && len(w.indexes) > 0 {
				ex, ok := dc.(driver.ExecerContext)
				if !ok {
					continue
				}
				for _, ix := range w.indexes {
					if _, err := ex.ExecContext(ctx, "DROP INDEX "+quote(ix.name), nil); err != nil {
						return err
					}
				}
				dropped = true
				for _, ix := range w.indexes {
					w.deferred = append(w.deferred, ix.sql)
				}
			}
		}
		return nil
	})
}
