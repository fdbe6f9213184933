package keys

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"pubdata/internal/db"
)

// Column is a stored secret: a text column holding ring ciphertexts (or, before the first
// re-encryption, a legacy value that Legacy opens). AAD of a value is AAD(table, column, id).
type Column struct {
	Table string // table name
	ID    string // the row's key column
	Col   string // the column holding the secret
	// Where narrows the rows (a constant SQL condition), e.g. the secret rows of settings.
	Where string
	// Legacy opens a value that is not a ring ciphertext (sealed by an earlier scheme, or
	// stored plainly); nil means such values are plaintext.
	Legacy func(ctx context.Context, id, v string) ([]byte, error)
	// ByValue columns have no row id (ID is ""): values are sealed deterministically with
	// AAD(Table, Col, "") and re-sealed by value — every row holding the old ciphertext at once
	// (the sealed items of ingested data tables).
	ByValue bool
}

func (c Column) and() string {
	if c.Where == "" {
		return ""
	}
	return " AND (" + c.Where + ")"
}

// AAD binds a sealed value to its place.
func AAD(table, col, id string) string { return table + "." + col + "/" + id }

// aad is the AAD of a value of c in row id; quotes around a quoted identifier do not count.
func (c Column) aad(id string) string {
	return AAD(strings.Trim(c.Table, `"`), strings.Trim(c.Col, `"`), id)
}

// Registry lists the columns that hold secrets; each capability registers its own. Sources add
// columns that come and go with the data (the sealed items of each ingested entry's table).
type Registry struct {
	mu      sync.Mutex
	cols    []Column
	sources []func(ctx context.Context) ([]Column, error)
}

// AddSource registers a function listing columns at the time of each re-encryption or census.
func (g *Registry) AddSource(f func(ctx context.Context) ([]Column, error)) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.sources = append(g.sources, f)
}

// All lists the registered columns and those the sources list now.
func (g *Registry) All(ctx context.Context) ([]Column, error) {
	out := g.Columns()
	g.mu.Lock()
	src := append([]func(context.Context) ([]Column, error){}, g.sources...)
	g.mu.Unlock()
	for _, f := range src {
		cs, err := f(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

// Add registers a column.
func (g *Registry) Add(c Column) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, x := range g.cols {
		if x.Table == c.Table && x.Col == c.Col && x.Where == c.Where {
			return
		}
	}
	g.cols = append(g.cols, c)
}

// Columns lists the registered columns.
func (g *Registry) Columns() []Column {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]Column(nil), g.cols...)
}

// Progress counts re-encrypted values.
type Progress struct {
	Done      int `json:"done"`
	Remaining int `json:"remaining"`
}

// Reencrypt re-seals up to batch values of every registered column that are not under the
// primary key and current algorithm. A value changed meanwhile by its owner is left for the next
// batch (the update compares the old ciphertext). It returns how many were re-sealed and how
// many remain.
func (r *Ring) Reencrypt(ctx context.Context, d *db.DB, g *Registry, batch int) (Progress, error) {
	if batch <= 0 {
		batch = 500
	}
	prefix, err := r.Prefix(ctx)
	if err != nil {
		return Progress{}, err
	}
	var pr Progress
	all, err := g.All(ctx)
	if err != nil {
		return pr, err
	}
	for _, c := range all {
		left := batch - pr.Done
		if left <= 0 {
			break
		}
		if c.ByValue {
			n, err := r.reencryptByValue(ctx, d, c, prefix, left)
			pr.Done += n
			if err != nil {
				return pr, err
			}
			continue
		}
		q := fmt.Sprintf(`SELECT %s, %s FROM %s WHERE %s <> '' AND substr(%s, 1, %d) <> $1%s ORDER BY %s LIMIT %d`,
			c.ID, c.Col, c.Table, c.Col, c.Col, len(prefix), c.and(), c.ID, left)
		rows, err := d.QueryContext(ctx, q, prefix)
		if err != nil {
			return pr, fmt.Errorf("keys: %s.%s: %w", c.Table, c.Col, err)
		}
		type item struct{ id, v string }
		var items []item
		for rows.Next() {
			var it item
			if err := rows.Scan(&it.id, &it.v); err != nil {
				rows.Close()
				return pr, err
			}
			items = append(items, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return pr, err
		}
		for _, it := range items {
			plain, err := r.openColumn(ctx, c, it.id, it.v)
			if err != nil {
				return pr, fmt.Errorf("keys: %s.%s row %s: %w", c.Table, c.Col, it.id, err)
			}
			enc, err := r.Seal(ctx, plain, c.aad(it.id))
			if err != nil {
				return pr, err
			}
			res, err := d.ExecContext(ctx, fmt.Sprintf("UPDATE %s SET %s = $1 WHERE %s = $2 AND %s = $3", c.Table, c.Col, c.ID, c.Col),
				enc, it.id, it.v)
			if err != nil {
				return pr, err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				pr.Done++
			}
		}
	}
	counts, err := r.Census(ctx, d, g)
	if err != nil {
		return pr, err
	}
	for _, c := range counts {
		if !c.Current {
			pr.Remaining += c.Values
		}
	}
	return pr, nil
}

// reencryptByValue re-seals up to limit distinct values of a ByValue column.
func (r *Ring) reencryptByValue(ctx context.Context, d *db.DB, c Column, prefix string, limit int) (int, error) {
	q := fmt.Sprintf(`SELECT DISTINCT %s FROM %s WHERE %s <> '' AND substr(%s, 1, %d) <> $1%s LIMIT %d`,
		c.Col, c.Table, c.Col, c.Col, len(prefix), c.and(), limit)
	rows, err := d.QueryContext(ctx, q, prefix)
	if err != nil {
		return 0, fmt.Errorf("keys: %s.%s: %w", c.Table, c.Col, err)
	}
	var vals []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return 0, err
		}
		vals = append(vals, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	aad := c.aad("")
	done := 0
	for _, v := range vals {
		plain, err := r.openColumn(ctx, c, "", v)
		if err != nil {
			return done, fmt.Errorf("keys: %s.%s: %w", c.Table, c.Col, err)
		}
		enc, err := r.SealDeterministic(ctx, plain, aad)
		if err != nil {
			return done, err
		}
		if _, err := d.ExecContext(ctx, fmt.Sprintf("UPDATE %s SET %s = $1 WHERE %s = $2", c.Table, c.Col, c.Col), enc, v); err != nil {
			return done, err
		}
		done++
	}
	return done, nil
}

// OpenColumn opens a value of a registered column, whatever scheme sealed it.
func (r *Ring) openColumn(ctx context.Context, c Column, id, v string) ([]byte, error) {
	if Sealed(v) {
		return r.Open(ctx, v, c.aad(id))
	}
	if c.Legacy != nil {
		return c.Legacy(ctx, id, v)
	}
	return []byte(v), nil
}

// OpenValue opens a value read from a column registered as c (ring or legacy format).
func (r *Ring) OpenValue(ctx context.Context, c Column, id, v string) ([]byte, error) {
	return r.openColumn(ctx, c, id, v)
}

// KeyCount is how many stored values a key (and algorithm) seals.
type KeyCount struct {
	Algo    string `json:"algo"` // a, s, or "" for legacy/plain values
	KeyID   string `json:"key_id"`
	Values  int    `json:"values"`
	Current bool   `json:"current"` // the primary key under the current algorithm
}

// Census counts the stored values of every registered column by key: an old key may be
// removed from the key file once it seals nothing.
func (r *Ring) Census(ctx context.Context, d *db.DB, g *Registry) ([]KeyCount, error) {
	prefix, err := r.Prefix(ctx)
	if err != nil {
		return nil, err
	}
	m := map[[2]string]int{}
	all, err := g.All(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		rows, err := d.QueryContext(ctx, fmt.Sprintf("SELECT substr(%s, 1, 16) FROM %s WHERE %s <> ''%s", c.Col, c.Table, c.Col, c.and()))
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var head string
			if err := rows.Scan(&head); err != nil {
				rows.Close()
				return nil, err
			}
			alg, kid, ok := KeyOf(head + ".")
			if !ok || strings.Contains(kid, "=") {
				alg, kid = "", ""
			}
			m[[2]string{alg, kid}]++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	out := make([]KeyCount, 0, len(m))
	for k, n := range m {
		out = append(out, KeyCount{Algo: k[0], KeyID: k[1], Values: n, Current: "e1."+k[0]+"."+k[1]+"." == prefix})
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].KeyID < out[j].KeyID || out[i].KeyID == out[j].KeyID && out[i].Algo < out[j].Algo
	})
	return out, nil
}
