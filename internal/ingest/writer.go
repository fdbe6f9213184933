package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"pubdata/internal/catalog"
	"pubdata/internal/keys"
)

type writeStats struct{ written, unchanged, newKeys int64 }

// writer stores the validated rows of one load inside its transaction.
type writer interface {
	// prepare retires the current rows of a full replacement and prepares statements.
	prepare(ctx context.Context) error
	// consume writes every batch from in until it is closed (or an error).
	consume(ctx context.Context, in <-chan *batch) error
	// pack prepares a batch for writing; it runs in the checking goroutine, so the work it
	// does (building the statement arguments) is off the writing goroutine's path.
	pack(b *batch)
	// finish completes the writing once every batch is in (rebuilds deferred indexes).
	finish(ctx context.Context) error
	// deleteKeys retires the current rows with these keys (upsert).
	deleteKeys(ctx context.Context, keys []string) (int64, error)
	stats() writeStats
}

func (s *Service) newWriter(ctx context.Context, conn *sql.Conn, tx *sql.Tx, t *table, e *catalog.Entry, mode Mode, v int64) writer {
	cols := []string{"_from"}
	for _, f := range e.Fields {
		cols = append(cols, f.Name)
	}
	composite := t.KeyColumn == "_key"
	if composite {
		cols = append(cols, "_key")
	}
	names := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		names[i] = f.Name
	}
	base := sqlWriter{tx: tx, t: t, cols: cols, composite: composite, mode: mode, v: v, nf: len(e.Fields), sqlite: !s.DB.IsPG(),
		open: s.opener(ctx, t, names)}
	if s.DB.IsPG() && mode == ModeReplace {
		return &pgCopyWriter{sqlWriter: base, conn: conn}
	}
	if !s.DB.IsPG() && mode == ModeReplace {
		return &sqliteBulkWriter{sqlWriter: base, conn: conn}
	}
	return &base
}

// sqlWriter writes row by row with prepared statements: upserts on both backends (full
// replacements use sqliteBulkWriter and pgCopyWriter).
type sqlWriter struct {
	tx        *sql.Tx
	t         *table
	cols      []string
	composite bool
	mode      Mode
	v         int64
	nf        int
	sqlite    bool
	st        writeStats
	// open opens a stored value of the i-th field (nil: no sealed field). An upsert compares
	// values, not stored forms: the same value sealed under an older key (before re-encryption
	// reached it) is unchanged, not a new version of the row.
	open func(i int, v string) (string, error)

	multi  *sql.Stmt
	multiN int
	one    *sql.Stmt
	sel    *sql.Stmt
	retire *sql.Stmt
	args   []any

	deferred    []string // CREATE INDEX statements of indexes dropped for a bulk load
	literalFrom bool     // _from is written as a literal in the INSERT (bulk writer)
}

// deferIndexAfter is the row count after which a SQLite full replacement drops the table's
// indexes and rebuilds them at the end, inside the same transaction: building an index from
// sorted keys is several times cheaper than inserting a million random keys one by one.
// Readers keep using the committed schema and indexes until the commit (WAL snapshot). The key
// index is unique again once rebuilt, so a duplicate that slipped past the checks fails the load.
const deferIndexAfter = 20000

func (w *sqlWriter) insertSQL(rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(quote(w.t.Name))
	b.WriteString(" (")
	for i, c := range w.cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quote(c))
	}
	b.WriteString(") VALUES ")
	n := 1
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for i := range w.cols {
			if i > 0 {
				b.WriteString(", ")
			}
			if i == 0 && w.literalFrom {
				// the version is the same for every row: written once, not bound per row
				fmt.Fprintf(&b, "%d", w.v)
				continue
			}
			if w.sqlite {
				// positional ? binds in O(1); the SQLite driver resolves each $N by name,
				// which is quadratic in the number of parameters of a multi-row INSERT
				b.WriteByte('?')
			} else {
				fmt.Fprintf(&b, "$%d", n)
			}
			n++
		}
		b.WriteByte(')')
	}
	return b.String()
}

func (w *sqlWriter) prepare(ctx context.Context) error {
	if w.mode == ModeReplace {
		if _, err := w.tx.ExecContext(ctx, fmt.Sprintf("UPDATE %s SET _to = $1 WHERE _to = 0", quote(w.t.Name)), w.v); err != nil {
			return err
		}
	}
	// Rows per INSERT: enough to amortize the statement, few enough to stay far below the
	// bound-parameter limits (SQLite 32766, PostgreSQL 65535).
	w.multiN = max(1, min(256, 4000/len(w.cols)))
	var err error
	if w.multi, err = w.tx.PrepareContext(ctx, w.insertSQL(w.multiN)); err != nil {
		return err
	}
	if w.one, err = w.tx.PrepareContext(ctx, w.insertSQL(1)); err != nil {
		return err
	}
	if w.mode == ModeUpsert {
		kc := quote(w.t.KeyColumn)
		var b strings.Builder
		for i, c := range w.cols[1:] {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quote(c))
		}
		if w.sel, err = w.tx.PrepareContext(ctx, fmt.Sprintf("SELECT %s FROM %s WHERE %s = $1 AND _to = 0", b.String(), quote(w.t.Name), kc)); err != nil {
			return err
		}
		if w.retire, err = w.tx.PrepareContext(ctx, fmt.Sprintf("UPDATE %s SET _to = $2 WHERE %s = $1 AND _to = 0", quote(w.t.Name), kc)); err != nil {
			return err
		}
	}
	w.args = make([]any, 0, w.multiN*len(w.cols))
	return nil
}

func (w *sqlWriter) appendRow(args []any, cells []string, key string) []any {
	args = append(args, w.v)
	for _, c := range cells {
		args = append(args, c)
	}
	if w.composite {
		args = append(args, key)
	}
	return args
}

func (w *sqlWriter) consume(ctx context.Context, in <-chan *batch) error {
	for b := range in {
		var err error
		if w.mode == ModeUpsert {
			err = w.upsert(ctx, b)
		} else {
			err = w.insert(ctx, b.rows, b.keys)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// pack is a no-op: row-by-row upserts build their arguments as they go.
func (w *sqlWriter) pack(b *batch) {}

// insert writes rows with the multi-row statement and the rest one by one.
func (w *sqlWriter) insert(ctx context.Context, rows [][]string, keys []string) error {
	i := 0
	for ; i+w.multiN <= len(rows); i += w.multiN {
		args := w.args[:0]
		for j := i; j < i+w.multiN; j++ {
			args = w.appendRow(args, rows[j], keys[j])
		}
		if _, err := w.multi.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	for ; i < len(rows); i++ {
		if _, err := w.one.ExecContext(ctx, w.appendRow(w.args[:0], rows[i], keys[i])...); err != nil {
			return err
		}
	}
	w.st.written += int64(len(rows))
	return nil
}

func (w *sqlWriter) finish(ctx context.Context) error {
	for _, q := range w.deferred {
		if _, err := w.tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	w.deferred = nil
	return nil
}

func (w *sqlWriter) upsert(ctx context.Context, b *batch) error {
	cur := make([]sql.NullString, w.nf)
	ptrs := make([]any, len(cur))
	for i := range cur {
		ptrs[i] = &cur[i]
	}
	if w.composite {
		ptrs = append(ptrs, new(sql.NullString))
	}
	for i, cells := range b.rows {
		key := b.keys[i]
		err := w.sel.QueryRowContext(ctx, key).Scan(ptrs...)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			w.st.newKeys++
		case err != nil:
			return err
		default:
			same, err := w.same(cur, cells)
			if err != nil {
				return err
			}
			if same {
				w.st.unchanged++
				continue
			}
			if _, err := w.retire.ExecContext(ctx, key, w.v); err != nil {
				return err
			}
		}
		if _, err := w.one.ExecContext(ctx, w.appendRow(w.args[:0], cells, key)...); err != nil {
			return err
		}
		w.st.written++
	}
	return nil
}

// same tells whether a current row (as stored) holds the values of a new one (cells in stored
// form: sealed fields sealed under the primary key).
func (w *sqlWriter) same(cur []sql.NullString, cells []string) (bool, error) {
	for j, c := range cells {
		if cur[j].String == c {
			continue
		}
		if w.open == nil || !keys.Sealed(cur[j].String) && !keys.Sealed(c) {
			return false, nil
		}
		a, err := w.open(j, cur[j].String)
		if err != nil {
			return false, err
		}
		b, err := w.open(j, c)
		if err != nil {
			return false, err
		}
		if a != b {
			return false, nil
		}
	}
	return true, nil
}

func (w *sqlWriter) deleteKeys(ctx context.Context, keys []string) (int64, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	var n int64
	for _, k := range keys {
		res, err := w.retire.ExecContext(ctx, strings.TrimSpace(k), w.v)
		if err != nil {
			return n, err
		}
		c, _ := res.RowsAffected()
		n += c
	}
	return n, nil
}

func (w *sqlWriter) stats() writeStats { return w.st }

// pgCopyWriter streams a full replacement into PostgreSQL with COPY (pgx CopyFrom on the
// transaction's own connection), fed by the checking goroutine as it goes.
type pgCopyWriter struct {
	sqlWriter
	conn *sql.Conn
}

func (w *pgCopyWriter) prepare(ctx context.Context) error {
	_, err := w.tx.ExecContext(ctx, fmt.Sprintf("UPDATE %s SET _to = $1 WHERE _to = 0", quote(w.t.Name)), w.v)
	return err
}

type chanSource struct {
	ctx context.Context
	in  <-chan *batch
	b   *batch
	i   int
	row []any
	w   *pgCopyWriter
	err error
}

func (c *chanSource) Next() bool {
	for c.b == nil || c.i >= len(c.b.rows) {
		select {
		case b, ok := <-c.in:
			if !ok {
				return false
			}
			c.b, c.i = b, 0
		case <-c.ctx.Done():
			c.err = c.ctx.Err()
			return false
		}
	}
	cells := c.b.rows[c.i]
	c.row = c.row[:0]
	c.row = append(c.row, c.w.v)
	for _, s := range cells {
		c.row = append(c.row, s)
	}
	if c.w.composite {
		c.row = append(c.row, c.b.keys[c.i])
	}
	c.i++
	return true
}

func (c *chanSource) Values() ([]any, error) { return c.row, nil }
func (c *chanSource) Err() error             { return c.err }

func (w *pgCopyWriter) consume(ctx context.Context, in <-chan *batch) error {
	src := &chanSource{ctx: ctx, in: in, w: w, row: make([]any, 0, len(w.cols))}
	return w.conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("ingest: not a pgx connection")
		}
		n, err := pc.Conn().CopyFrom(ctx, pgx.Identifier{w.t.Name}, w.cols, src)
		w.st.written += n
		return err
	})
}

func (w *pgCopyWriter) finish(ctx context.Context) error { return nil }

func (w *pgCopyWriter) pack(b *batch) {}

func (w *pgCopyWriter) deleteKeys(ctx context.Context, keys []string) (int64, error) { return 0, nil }
