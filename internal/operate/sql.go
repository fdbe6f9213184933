package operate

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ingest"
)

// The SQL side of the statistics engine: the database computes the bounded truth (Truth) over
// the entry's current rows, so that a large table is aggregated where it lies. Identifiers are
// checked field names (fieldRE) of the view; every value is a parameter.

func qi(s string) string {
	if !fieldRE.MatchString(s) && !strings.HasPrefix(s, "ing_") {
		panic("operate: unchecked identifier " + s)
	}
	return `"` + s + `"`
}

// clampExpr is a measure's value in units, clamped to its bounds; NULL when missing or not a
// number (SQLite: text starting with a digit or '-'; PostgreSQL: a plain decimal).
func clampExpr(d db.Dialect, m *Measure) string {
	f := qi(m.Field)
	lo, hi, u := strconv.FormatInt(m.Lo, 10), strconv.FormatInt(m.Hi, 10), strconv.FormatInt(m.unit(), 10)
	if d == db.Postgres {
		return fmt.Sprintf(`CASE WHEN %s ~ '^-?[0-9]+(\.[0-9]+)?$' THEN CAST(ROUND(CAST(LEAST(GREATEST(CAST(%s AS DOUBLE PRECISION), %s), %s) AS NUMERIC) * %s) AS BIGINT) END`, f, f, lo, hi, u)
	}
	return fmt.Sprintf(`CASE WHEN %s GLOB '[0-9]*' OR %s GLOB '-[0-9]*' THEN CAST(ROUND(MIN(MAX(CAST(%s AS REAL), %s), %s) * %s) AS INTEGER) END`, f, f, f, lo, hi, u)
}

// bounded builds the statement of the bounded rows: columns g0…gN (grouped dimensions), s
// (subject), m0…mK (clamped measures in units), with each subject's rows limited to MaxRows
// (ROW_NUMBER over the subject, ordered by its own values, so the choice depends on nothing but
// the subject's rows) — or, when the subject is the entry's only key, without a window.
func bounded(d db.Dialect, rel ingest.Relation, v *View, q *StatsQuery, ms []*Measure) (string, []any) {
	var cols []string
	for i, g := range q.GroupBy {
		cols = append(cols, fmt.Sprintf("%s AS g%d", qi(g), i))
	}
	cols = append(cols, qi(v.Subject)+" AS s")
	for i, m := range ms {
		cols = append(cols, fmt.Sprintf("%s AS m%d", clampExpr(d, m), i))
	}
	conds := []string{"_to = 0", qi(v.Subject) + " <> ''"}
	var args []any
	in := func(f string, vals []string) {
		ph := make([]string, len(vals))
		for i, x := range vals {
			args = append(args, x)
			ph[i] = "$" + strconv.Itoa(len(args))
		}
		conds = append(conds, qi(f)+" IN ("+strings.Join(ph, ",")+")")
	}
	// filters first, in a stable order, then the domains of grouped dimensions
	for _, dm := range v.Dimensions {
		if w, ok := q.Where[dm.Field]; ok {
			in(dm.Field, w)
		}
	}
	for _, g := range q.GroupBy {
		if _, ok := q.Where[g]; !ok {
			in(g, v.dim(g).Values)
		}
	}
	from := qi(rel.Table) + " WHERE " + strings.Join(conds, " AND ")
	if v.SubjectUnique {
		return "SELECT " + strings.Join(cols, ", ") + " FROM " + from, args
	}
	order := []string{}
	for _, dm := range v.Dimensions {
		order = append(order, qi(dm.Field))
	}
	for _, m := range v.Measures {
		order = append(order, qi(m.Field))
	}
	order = append(order, "_from")
	return fmt.Sprintf("SELECT * FROM (SELECT %s, ROW_NUMBER() OVER (PARTITION BY %s ORDER BY %s) AS rn FROM %s) b WHERE rn <= %d",
		strings.Join(cols, ", "), qi(v.Subject), strings.Join(order, ", "), from, v.MaxRows), args
}

// statements are the SQL of a query's truth: the main aggregate and one histogram statement per
// quantile measure (in measuresOf order), all with the same arguments.
type statements struct {
	main   string
	plain  string     // main as a GROUP BY in plain SQL (what SQLText shows; PostgreSQL runs it)
	udf    bool       // main is one call of the Go aggregate truthAggName (SQLite)
	keys   [][]string // with udf: the groups, in cell order
	hists  []string
	args   []any
	hargs  []any    // the arguments of hists
	hudf   []string // with udf: hists as one call of the Go aggregate histAggName (arguments: args)
	sums   []string
	hnames []string
	ngs    int
}

func truthStatements(d db.Dialect, rel ingest.Relation, v *View, q *StatsQuery) statements {
	sums, hists := measuresOf(q)
	var ms []*Measure
	idx := map[string]int{}
	for _, m := range append(append([]string{}, sums...), hists...) {
		if _, ok := idx[m]; !ok {
			idx[m] = len(ms)
			ms = append(ms, v.measure(m))
		}
	}
	base, args := bounded(d, rel, v, q, ms)
	var gs []string
	for i := range q.GroupBy {
		gs = append(gs, fmt.Sprintf("g%d", i))
	}
	groupBy := ""
	if len(gs) > 0 {
		groupBy = " GROUP BY " + strings.Join(gs, ", ")
	}
	sel := append([]string{}, gs...)
	var stmt string
	if v.SubjectUnique {
		sel = append(sel, "COUNT(*)", "COUNT(*)")
		for _, m := range sums {
			i := idx[m]
			sel = append(sel, fmt.Sprintf("SUM(m%d), SUM(ABS(m%d)), MAX(ABS(m%d))", i, i, i))
		}
		stmt = "SELECT " + strings.Join(sel, ", ") + " FROM (" + base + ") x" + groupBy
	} else {
		inner := append([]string{}, gs...)
		inner = append(inner, "s", "COUNT(*) AS n")
		for _, m := range sums {
			inner = append(inner, fmt.Sprintf("SUM(m%d) AS m%d", idx[m], idx[m]))
		}
		sel = append(sel, "COUNT(*)", "SUM(n)")
		for _, m := range sums {
			i := idx[m]
			sel = append(sel, fmt.Sprintf("SUM(m%d), SUM(ABS(m%d)), MAX(ABS(m%d))", i, i, i))
		}
		stmt = "SELECT " + strings.Join(sel, ", ") + " FROM (SELECT " + strings.Join(inner, ", ") + " FROM (" + base + ") x GROUP BY " +
			strings.Join(append(append([]string{}, gs...), "s"), ", ") + ") y" + groupBy
	}
	st := statements{main: stmt, plain: stmt, args: args, hargs: args, sums: sums, hnames: hists, ngs: len(gs)}
	cellExpr := "0"
	if d == db.SQLite {
		// One pass through the Go aggregate instead of a GROUP BY that sorts every row: the group
		// is named by its index in cells(v, q), computed from the (already domain-filtered)
		// grouped values; the per-subject contributions are the same as in the plain statement.
		st.udf, st.keys = true, cells(v, q)
		cell, stride := []string{}, 1
		for i := len(q.GroupBy) - 1; i >= 0; i-- {
			vals := v.dim(q.GroupBy[i]).Values
			if w, ok := q.Where[q.GroupBy[i]]; ok {
				vals = w
			}
			var whens []string
			for j, x := range vals {
				args = append(args, x)
				whens = append(whens, fmt.Sprintf("WHEN $%d THEN %d", len(args), j*stride))
			}
			cell = append(cell, fmt.Sprintf("(CASE g%d %s END)", i, strings.Join(whens, " ")))
			stride *= len(vals)
		}
		if len(cell) > 0 {
			cellExpr = strings.Join(cell, " + ")
		}
		st.args = args
		fargs := []string{strconv.Itoa(len(st.keys)), strconv.Itoa(len(sums)), cellExpr}
		var from string
		if v.SubjectUnique {
			fargs = append(fargs, "1")
			from = base
		} else {
			fargs = append(fargs, "n")
			inner := append([]string{}, gs...)
			inner = append(inner, "s", "COUNT(*) AS n")
			for _, m := range sums {
				inner = append(inner, fmt.Sprintf("SUM(m%d) AS m%d", idx[m], idx[m]))
			}
			from = "SELECT " + strings.Join(inner, ", ") + " FROM (" + base + ") x GROUP BY " + strings.Join(append(append([]string{}, gs...), "s"), ", ")
		}
		for _, m := range sums {
			fargs = append(fargs, fmt.Sprintf("m%d", idx[m]))
		}
		st.main = "SELECT " + truthAggName + "(" + strings.Join(fargs, ", ") + ") FROM (" + from + ") y"
	}
	for _, m := range hists {
		i := idx[m]
		meas := v.measure(m)
		span := strconv.FormatInt((meas.Hi-meas.Lo)*meas.unit(), 10)
		off := strconv.FormatInt(meas.Lo*meas.unit(), 10)
		minf := "MIN"
		if d == db.Postgres {
			minf = "LEAST"
		}
		bin := fmt.Sprintf("%s((m%d - %s) * %d / %s, %d)", minf, i, off, HistBins, span, HistBins-1)
		hs := append(append([]string{}, gs...), bin+" AS bin", "COUNT(*)")
		hg := append(append([]string{}, gs...), "bin")
		st.hists = append(st.hists, "SELECT "+strings.Join(hs, ", ")+" FROM ("+base+fmt.Sprintf(") x WHERE m%d IS NOT NULL GROUP BY ", i)+strings.Join(hg, ", "))
		if st.udf {
			st.hudf = append(st.hudf, fmt.Sprintf("SELECT %s(%d, %s, %s) FROM (%s) x WHERE m%d IS NOT NULL", histAggName, len(st.keys), cellExpr, bin, base, i))
		}
	}
	return st
}

// SQLText is the SQL the engine runs for q, with the arguments written in as literals: for the
// benchmark's baseline (the same statement run by the sqlite3 CLI) and for reviewers.
func SQLText(d db.Dialect, rel ingest.Relation, v *View, q *StatsQuery) []string {
	st := truthStatements(d, rel, v, q)
	inline := func(s string) string {
		for i := len(st.args); i >= 1; i-- {
			s = strings.ReplaceAll(s, "$"+strconv.Itoa(i), "'"+strings.ReplaceAll(fmt.Sprint(st.args[i-1]), "'", "''")+"'")
		}
		return s
	}
	out := []string{inline(st.plain)}
	for _, h := range st.hists {
		out = append(out, inline(h))
	}
	return out
}

func scanKey(rows *sql.Rows, n int, rest ...any) ([]string, error) {
	key := make([]sql.NullString, n)
	dest := make([]any, 0, n+len(rest))
	for i := range key {
		dest = append(dest, &key[i])
	}
	dest = append(dest, rest...)
	if err := rows.Scan(dest...); err != nil {
		return nil, err
	}
	k := make([]string, n)
	for i, x := range key {
		k[i] = x.String
	}
	return k, nil
}

// TruthSQL computes the truth of q over the entry's current rows.
func TruthSQL(ctx context.Context, d *db.DB, rel ingest.Relation, v *View, q *StatsQuery) (Truth, error) {
	st := truthStatements(d.Dialect, rel, v, q)
	return truthOf(ctx, d, &st)
}

func truthOf(ctx context.Context, d *db.DB, st *statements) (Truth, error) {
	t := Truth{}
	if st.udf {
		var enc sql.NullString
		if err := d.QueryRowContext(ctx, st.main, st.args...).Scan(&enc); err != nil {
			return nil, err
		}
		var err error
		if t, err = decodeTruth(enc.String, st.keys, st.sums); err != nil {
			return nil, err
		}
		return t, histsSQL(ctx, d, st, t)
	}
	rows, err := d.QueryContext(ctx, st.main, st.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var subjects, nrows sql.NullInt64
		vals := make([]sql.NullInt64, 3*len(st.sums))
		rest := []any{&subjects, &nrows}
		for i := range vals {
			rest = append(rest, &vals[i])
		}
		k, err := scanKey(rows, st.ngs, rest...)
		if err != nil {
			return nil, err
		}
		if subjects.Int64 == 0 {
			continue // the one row of an aggregate without GROUP BY over nothing
		}
		c := newCell(k)
		c.Subjects, c.Rows = subjects.Int64, nrows.Int64
		for j, m := range st.sums {
			if vals[3*j].Valid {
				c.Sum[m], c.AbsSum[m], c.Top[m] = vals[3*j].Int64, vals[3*j+1].Int64, vals[3*j+2].Int64
			}
		}
		t[strings.Join(k, "\x00")] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	return t, histsSQL(ctx, d, st, t)
}

// histsSQL adds the histograms of the query's quantile measures to the truth t.
func histsSQL(ctx context.Context, d *db.DB, st *statements, t Truth) error {
	if st.udf {
		for hi, m := range st.hnames {
			var enc sql.NullString
			if err := d.QueryRowContext(ctx, st.hudf[hi], st.args...).Scan(&enc); err != nil {
				return err
			}
			if err := decodeHist(enc.String, st.keys, m, t); err != nil {
				return err
			}
		}
		return nil
	}
	for hi, m := range st.hnames {
		rows, err := d.QueryContext(ctx, st.hists[hi], st.hargs...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var b, n int64
			k, err := scanKey(rows, st.ngs, &b, &n)
			if err != nil {
				rows.Close()
				return err
			}
			c := t[strings.Join(k, "\x00")]
			if c == nil {
				continue
			}
			if c.Hist[m] == nil {
				c.Hist[m] = make([]int64, HistBins)
			}
			c.Hist[m][min(max(int(b), 0), HistBins-1)] += n
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// Truth computes the truth of q over the entry's current rows: in the database (TruthSQL), or,
// when the view reads an item stored sealed (SEC-1: the table holds its deterministic
// ciphertext, so the database would filter, group, order and sum ciphertext), in memory over the
// rows read through ScanColumns, which opens them — with the rules of the SQL (Aggregate; each
// subject keeps its first MaxRows rows ordered by the view's dimension and measure values).
// Memory grows with the rows that pass the query's filters and domains.
func (s *Service) Truth(ctx context.Context, rel ingest.Relation, v *View, q *StatsQuery) (_ Truth, err error) {
	defer errs.Wrap(&err, "operate: Truth")
	fields := viewFields(v)
	sealed := false
	for _, f := range fields {
		if slices.Contains(rel.Sealed, f) {
			sealed = true
		}
	}
	if !sealed {
		return TruthSQL(ctx, s.DB, rel, v, q)
	}
	var rows []Row
	var order [][]string
	_, err = s.Data.ScanColumns(ctx, rel.EntryID, fields, ingest.ScanOptions{}, func(_ string, row []string) error {
		if row[0] == "" {
			return nil // the SQL's subject <> ''
		}
		vals := make(map[string]string, len(fields))
		for i, f := range fields {
			vals[f] = row[i]
		}
		for f, w := range q.Where {
			if !containsStr(w, vals[f]) {
				return nil
			}
		}
		for _, g := range q.GroupBy {
			if _, ok := q.Where[g]; !ok && !containsStr(v.dim(g).Values, vals[g]) {
				return nil
			}
		}
		rows = append(rows, Row{Subject: row[0], Values: vals})
		order = append(order, append([]string(nil), row[1:]...))
		return nil
	})
	if err != nil {
		return nil, err
	}
	idx := make([]int, len(rows))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ra, rb := rows[idx[a]], rows[idx[b]]
		if ra.Subject != rb.Subject {
			return ra.Subject < rb.Subject
		}
		return slices.Compare(order[idx[a]], order[idx[b]]) < 0
	})
	sorted := make([]Row, len(rows))
	for i, j := range idx {
		sorted[i] = rows[j]
	}
	return Aggregate(v, q, sorted), nil
}

// viewFields are the subject, then the dimensions, then the measures of v (the SQL's window
// order), each once.
func viewFields(v *View) []string {
	out := []string{v.Subject}
	add := func(f string) {
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	for _, d := range v.Dimensions {
		add(d.Field)
	}
	for _, m := range v.Measures {
		add(m.Field)
	}
	return out
}
