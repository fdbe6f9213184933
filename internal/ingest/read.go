package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/mask"
)

// selectList is the column list of a read: the fields, the key column of a composite key, _from.
func (t *table) selectList() string {
	var b strings.Builder
	for _, f := range t.Fields {
		b.WriteString(quote(f))
		b.WriteString(", ")
	}
	if t.KeyColumn == "_key" {
		b.WriteString("_key, ")
	}
	b.WriteString("_from")
	return b.String()
}

type recordScanner struct {
	t    *table
	open func(i int, v string) (string, error) // opens sealed values (nil: none)
	vals []sql.NullString
	key  sql.NullString
	from sql.NullInt64 // NULL only when the record side of LookupAlongside's join is empty
	ptrs []any
}

// scanner is a record scanner opening t's sealed values.
func (s *Service) scanner(ctx context.Context, t *table) *recordScanner {
	rs := newRecordScanner(t)
	rs.open = s.opener(ctx, t, t.Fields)
	return rs
}

func newRecordScanner(t *table) *recordScanner {
	rs := &recordScanner{t: t, vals: make([]sql.NullString, len(t.Fields))}
	for i := range rs.vals {
		rs.ptrs = append(rs.ptrs, &rs.vals[i])
	}
	if t.KeyColumn == "_key" {
		rs.ptrs = append(rs.ptrs, &rs.key)
	}
	rs.ptrs = append(rs.ptrs, &rs.from)
	return rs
}

func (rs *recordScanner) scan(sc interface{ Scan(...any) error }) (Record, error) {
	if err := sc.Scan(rs.ptrs...); err != nil {
		return Record{}, err
	}
	r := Record{Values: make(map[string]string, len(rs.vals)), Version: rs.from.Int64}
	for i, f := range rs.t.Fields {
		r.Values[f] = rs.vals[i].String
		if rs.open != nil {
			v, err := rs.open(i, rs.vals[i].String)
			if err != nil {
				return Record{}, fmt.Errorf("ingest: open %s: %w", f, err)
			}
			r.Values[f] = v
		}
	}
	switch {
	case rs.t.KeyColumn == "_key":
		r.Key = rs.key.String
	case rs.t.KeyColumn != "":
		r.Key = r.Values[rs.t.KeyColumn]
	}
	return r, nil
}

// Lookup returns the current record with this key (Record.Key: the key fields joined by "|").
// The caller authorizes and audits the access.
func (s *Service) Lookup(ctx context.Context, entryID, key string) (_ Record, err error) {
	defer errs.Wrap(&err, "ingest: Lookup(%s)", entryID)
	t, err := s.schemaOf(ctx, entryID)
	if err != nil {
		return Record{}, err
	}
	if t.KeyColumn == "" {
		return Record{}, ErrNoKey
	}
	rs := s.scanner(ctx, t)
	r, err := rs.scan(s.DB.QueryRowFast(ctx, fmt.Sprintf("SELECT %s FROM %s WHERE %s = $1 AND _to = 0",
		t.selectList(), quote(t.Name), quote(t.KeyColumn)), strings.TrimSpace(key)))
	if db.IsNoRows(err) {
		return Record{}, ErrNoRecord
	}
	if err != nil {
		return Record{}, err
	}
	out := []Record{r}
	if err := s.markDisputed(ctx, entryID, out); err != nil {
		return Record{}, err
	}
	return out[0], nil
}

// Alongside is one row of another table read in the same statement as a record lookup. The
// share gateway re-reads its grant on every call (so that revocation takes effect at once on
// every node) and then reads the record: on the embedded backend each statement costs more than
// the row it reads, so the two are one statement.
type Alongside struct {
	Table   string   // table name (a trusted identifier, not input)
	Columns []string // its columns to read (trusted identifiers)
	ID      string   // the value of its id column
	Dest    []any    // one scan destination per column
	// Fields, when given, are the only fields of the record read (the key is always read):
	// what a grant does not deliver is not even fetched.
	Fields []string
}

// alongsideQuery is a LookupAlongside statement and the table view it reads.
type alongsideQuery struct {
	sql string
	t   *table
}

// LookupAlongside is Lookup reading a's row in the same statement. It returns sql.ErrNoRows
// when a's row does not exist, and found = false when the record does not.
func (s *Service) LookupAlongside(ctx context.Context, entryID, key string, a Alongside) (rec Record, found bool, err error) {
	defer errs.Wrap(&err, "ingest: LookupAlongside(%s)", entryID)
	c, err := s.cachedSchema(ctx, entryID)
	if err != nil {
		return Record{}, false, err
	}
	t := c.t
	if t.KeyColumn == "" {
		return Record{}, false, ErrNoKey
	}
	ck := a.Table + "\x00" + strings.Join(a.Columns, ",") + "\x00" + strings.Join(a.Fields, ",")
	v, ok := c.sql.Load(ck)
	if !ok {
		view := t
		if len(a.Fields) > 0 {
			cp := *t
			cp.Fields = nil
			for _, f := range t.Fields {
				if f == t.KeyColumn || slices.Contains(a.Fields, f) {
					cp.Fields = append(cp.Fields, f)
				}
			}
			view = &cp
		}
		var b strings.Builder
		b.WriteString("SELECT ")
		for _, col := range a.Columns {
			b.WriteString("a." + quote(col) + ", ")
		}
		for i, col := range strings.Split(view.selectList(), ", ") {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("d." + col)
		}
		fmt.Fprintf(&b, " FROM %s a LEFT JOIN %s d ON d.%s = $2 AND d._to = 0 WHERE a.id = $1",
			quote(a.Table), quote(t.Name), quote(t.KeyColumn))
		v = alongsideQuery{sql: b.String(), t: view}
		c.sql.Store(ck, v)
	}
	q := v.(alongsideQuery)
	rs := s.scanner(ctx, q.t)
	rs.ptrs = append(append(make([]any, 0, len(a.Dest)+len(rs.ptrs)), a.Dest...), rs.ptrs...)
	r, err := rs.scan(s.DB.QueryRowFast(ctx, q.sql, a.ID, strings.TrimSpace(key)))
	if err != nil || !rs.from.Valid {
		return Record{}, false, err
	}
	out := []Record{r}
	if err := s.markDisputed(ctx, entryID, out); err != nil {
		return Record{}, false, err
	}
	return out[0], true, nil
}

// Query returns current records matching every equality filter (field name → value), ordered by
// key, with the total number of matches. The caller authorizes and audits the access.
func (s *Service) Query(ctx context.Context, entryID string, filter map[string]string, limit, offset int) (_ []Record, _ int, err error) {
	defer errs.Wrap(&err, "ingest: Query(%s)", entryID)
	t, err := s.tableOf(ctx, s.DB, entryID, false)
	if err != nil {
		return nil, 0, err
	}
	where, args, err := s.whereOf(ctx, t, filter)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s", quote(t.Name), where), args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 10000 {
		limit = 100
	}
	if offset < 0 {
		offset = 0
	}
	order := "_from"
	if t.KeyColumn != "" {
		order = quote(t.KeyColumn)
	}
	rows, err := s.DB.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY %s LIMIT %d OFFSET %d",
		t.selectList(), quote(t.Name), where, order, limit, offset), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	rs := s.scanner(ctx, t)
	var out []Record
	for rows.Next() {
		r, err := rs.scan(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, total, s.markDisputed(ctx, entryID, out)
}

// whereOf is t.where with the stored forms of values filtered on sealed fields.
func (s *Service) whereOf(ctx context.Context, t *table, filter map[string]string) (string, []any, error) {
	var forms map[string][]string
	for k, v := range filter {
		f, err := s.filterForms(ctx, t, k, strings.TrimSpace(v))
		if err != nil {
			return "", nil, err
		}
		if f != nil {
			if forms == nil {
				forms = map[string][]string{}
			}
			forms[k] = f
		}
	}
	return t.whereForms(filter, forms)
}

func (t *table) whereForms(filter map[string]string, forms map[string][]string) (string, []any, error) {
	conds := []string{"_to = 0"}
	var args []any
	names := make([]string, 0, len(filter))
	for k := range filter {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if !t.hasField(k) {
			return "", nil, apperr.Invalid.With(apperr.Field(k, "不是该目录条目的信息项，不能用作筛选条件", "not a field of this catalog entry; cannot filter on it"))
		}
		if fs := forms[k]; len(fs) > 0 {
			ph := make([]string, len(fs))
			for i, f := range fs {
				args = append(args, f)
				ph[i] = fmt.Sprintf("$%d", len(args))
			}
			conds = append(conds, fmt.Sprintf("%s IN (%s)", quote(k), strings.Join(ph, ", ")))
			continue
		}
		args = append(args, strings.TrimSpace(filter[k]))
		conds = append(conds, fmt.Sprintf("%s = $%d", quote(k), len(args)))
	}
	return strings.Join(conds, " AND "), args, nil
}

// streamChunk is how many records Stream asks IsDisputed about at once.
const streamChunk = 500

// Stream calls fn for every record of the entry's current version (one consistent snapshot
// read), stopping at fn's first error. The caller authorizes and audits the access.
func (s *Service) Stream(ctx context.Context, entryID string, fn func(Record) error) (err error) {
	defer errs.Wrap(&err, "ingest: Stream(%s)", entryID)
	t, err := s.tableOf(ctx, s.DB, entryID, false)
	if err != nil {
		return err
	}
	return s.streamVersion(ctx, t, 0, fn)
}

// streamVersion streams version v of t (0 = current).
func (s *Service) streamVersion(ctx context.Context, t *table, v int64, fn func(Record) error) error {
	cond, args := "_to = 0", []any{}
	if v > 0 {
		cond, args = "_from <= $1 AND (_to = 0 OR _to > $1)", []any{v}
	}
	rows, err := s.DB.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM %s WHERE %s", t.selectList(), quote(t.Name), cond), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	rs := s.scanner(ctx, t)
	buf := make([]Record, 0, streamChunk)
	flush := func() error {
		if err := s.markDisputed(ctx, t.EntryID, buf); err != nil {
			return err
		}
		for _, r := range buf {
			if err := fn(r); err != nil {
				return err
			}
		}
		buf = buf[:0]
		return nil
	}
	for rows.Next() {
		r, err := rs.scan(rows)
		if err != nil {
			return err
		}
		buf = append(buf, r)
		if len(buf) == streamChunk {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return flush()
}

func (s *Service) markDisputed(ctx context.Context, entryID string, recs []Record) error {
	if s.IsDisputed == nil || len(recs) == 0 {
		return nil
	}
	keys := make([]string, 0, len(recs))
	for _, r := range recs {
		if r.Key != "" {
			keys = append(keys, r.Key)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	m, err := s.IsDisputed(ctx, entryID, keys)
	if err != nil {
		return err
	}
	for i := range recs {
		recs[i].Disputed = m[recs[i].Key]
	}
	return nil
}

// Current returns the metadata of the entry's current version; ErrNoData before the first load.
func (s *Service) Current(ctx context.Context, entryID string) (_ Version, err error) {
	defer errs.Wrap(&err, "ingest: Current(%s)", entryID)
	t, err := s.tableOf(ctx, s.DB, entryID, false)
	if err != nil {
		return Version{}, err
	}
	if t.CurrentVersion == 0 {
		return Version{}, ErrNoData
	}
	l, err := s.loadByID(ctx, t.CurrentLoadID)
	if err != nil {
		return Version{}, err
	}
	v := versionOf(&l)
	v.Rows = t.RowCount
	return v, nil
}

// Versions lists an entry's committed versions, newest first (retained or not: the data of
// pruned versions is gone, their record stays).
func (s *Service) Versions(ctx context.Context, p *authz.Principal, entryID string, limit, offset int) (_ []Load, _ int, err error) {
	defer errs.Wrap(&err, "ingest: Versions(%s)", entryID)
	if err := authz.Ingest(p, authz.Read, s.attrsOfTable(ctx, entryID, "")); err != nil {
		return nil, 0, err
	}
	return s.loads(ctx, "entry_id = $1 AND status = 'committed'", []any{entryID}, limit, offset)
}

// Loads lists load attempts (all statuses) of an entry, newest first.
func (s *Service) Loads(ctx context.Context, p *authz.Principal, entryID string, limit, offset int) (_ []Load, _ int, err error) {
	defer errs.Wrap(&err, "ingest: Loads(%s)", entryID)
	if err := authz.Ingest(p, authz.Read, s.attrsOfTable(ctx, entryID, "")); err != nil {
		return nil, 0, err
	}
	return s.loads(ctx, "entry_id = $1", []any{entryID}, limit, offset)
}

// RecentLoads lists the latest load attempts p may see: its organization's, or every load in
// the region an authority covers (auditors and oversight: all).
func (s *Service) RecentLoads(ctx context.Context, p *authz.Principal, limit, offset int) (_ []Load, _ int, err error) {
	defer errs.Wrap(&err, "ingest: RecentLoads")
	if !p.Authenticated() {
		return nil, 0, apperr.Unauthenticated
	}
	switch {
	case p.Has(authz.Auditor, authz.Oversight):
		return s.loads(ctx, "1 = 1", nil, limit, offset)
	case p.IsAuthority():
		prefix := regionPrefix(p.RegionCode)
		return s.loads(ctx, "entry_id IN (SELECT entry_id FROM ingest_tables WHERE region_code LIKE $1)", []any{prefix + "%"}, limit, offset)
	}
	return s.loads(ctx, "entry_id IN (SELECT entry_id FROM ingest_tables WHERE org_id = $1 OR source_org_id = $1) OR org_id = $1", []any{p.OrgID}, limit, offset)
}

// regionPrefix is the code prefix shared by a region and everything below it.
func regionPrefix(code string) string {
	switch {
	case len(code) == 6 && strings.HasSuffix(code, "0000"):
		return code[:2]
	case len(code) == 6 && strings.HasSuffix(code, "00"):
		return code[:4]
	}
	return code
}

func (s *Service) loads(ctx context.Context, cond string, args []any, limit, offset int) ([]Load, int, error) {
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM ingest_loads WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+loadCols+" FROM ingest_loads WHERE "+cond+" ORDER BY started_at DESC, id DESC LIMIT "+
		strconv.Itoa(limit)+" OFFSET "+strconv.Itoa(max(offset, 0)), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Load
	for rows.Next() {
		l, err := scanLoad(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, l)
	}
	return out, total, rows.Err()
}

// GetLoad returns one load record.
func (s *Service) GetLoad(ctx context.Context, p *authz.Principal, id string) (_ Load, err error) {
	defer errs.Wrap(&err, "ingest: GetLoad(%s)", id)
	l, err := s.loadByID(ctx, id)
	if err != nil {
		return l, err
	}
	if err := authz.Ingest(p, authz.Read, s.attrsOfTable(ctx, l.EntryID, l.OrgID)); err != nil {
		return Load{}, err
	}
	return l, nil
}

// attrsOfTable returns the authorization attributes of an entry: from the catalog if it is
// published, else from the data table's bookkeeping.
func (s *Service) attrsOfTable(ctx context.Context, entryID, fallbackOrg string) authz.IngestAttrs {
	if e, err := s.entry(ctx, entryID); err == nil {
		return attrsOf(e)
	}
	if t, err := s.tableOf(ctx, s.DB, entryID, false); err == nil {
		return authz.IngestAttrs{EntryID: entryID, ProviderOrgID: t.OrgID, SourceOrgID: t.SourceOrgID, RegionCode: t.RegionCode}
	}
	return authz.IngestAttrs{EntryID: entryID, ProviderOrgID: fallbackOrg}
}

// Records is the principal-facing read of an entry's rows (the provider's own data view and the
// authority's supervision): authorized by authz.Ingest(ingest.read_data) and audited. Values of
// sensitive fields (level 3+) are masked for readers outside the provider and source agencies.
func (s *Service) Records(ctx context.Context, p *authz.Principal, entryID string, filter map[string]string, limit, offset int, clientIP string) (_ []Record, _ int, err error) {
	defer errs.Wrap(&err, "ingest: Records(%s)", entryID)
	e, err := s.entry(ctx, entryID)
	if err != nil {
		return nil, 0, err
	}
	act := ActorOf(p, clientIP)
	if err := authz.Ingest(p, authz.IngestReadData, attrsOf(e)); err != nil {
		s.logDenied(ctx, act, "ingest.data.read", entryID)
		return nil, 0, err
	}
	recs, total, err := s.Query(ctx, entryID, filter, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	if err := s.logAccess(ctx, act, "ingest.data.read", "catalog_entry", entryID, map[string]any{"filter_fields": keysOf(filter), "rows": len(recs)}); err != nil {
		return nil, 0, err
	}
	maskFor(p, e, recs)
	return recs, total, nil
}

// RecordByKey is Lookup for a principal, authorized and audited like Records.
func (s *Service) RecordByKey(ctx context.Context, p *authz.Principal, entryID, key, clientIP string) (_ Record, err error) {
	defer errs.Wrap(&err, "ingest: RecordByKey(%s)", entryID)
	e, err := s.entry(ctx, entryID)
	if err != nil {
		return Record{}, err
	}
	act := ActorOf(p, clientIP)
	if err := authz.Ingest(p, authz.IngestReadData, attrsOf(e)); err != nil {
		s.logDenied(ctx, act, "ingest.data.lookup", entryID)
		return Record{}, err
	}
	r, err := s.Lookup(ctx, entryID, key)
	if err != nil {
		return Record{}, err
	}
	if err := s.logAccess(ctx, act, "ingest.data.lookup", "catalog_entry", entryID, map[string]any{"rows": 1}); err != nil {
		return Record{}, err
	}
	recs := []Record{r}
	maskFor(p, e, recs)
	return recs[0], nil
}

func keysOf(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// maskFor masks sensitive values (level 3+) for readers outside the entry's agencies.
func maskFor(p *authz.Principal, e *catalog.Entry, recs []Record) {
	if p.OrgID != "" && (p.OrgID == e.ProviderOrgID || p.OrgID == e.SourceOrgID) {
		return
	}
	rules := mask.DefaultRules()
	keys := e.KeyFields()
	for _, f := range e.Fields {
		if f.Sensitivity < 3 {
			continue
		}
		if len(keys) == 1 && keys[0] == f.Name {
			for i := range recs {
				recs[i].Key = "" // the key is the masked value below
			}
		}
		for i := range recs {
			v, ok := recs[i].Values[f.Name]
			if !ok || v == "" {
				continue
			}
			if _, has := rules[f.Kind]; has {
				recs[i].Values[f.Name] = rules.Value(f.Kind, v)
			} else {
				recs[i].Values[f.Name] = mask.Apply(mask.Rule{Method: mask.MethodRedact}, v)
			}
		}
	}
	if len(keys) == 1 {
		for i := range recs {
			if recs[i].Key == "" {
				recs[i].Key = recs[i].Values[keys[0]]
			}
		}
	}
}

// cachedTable is an entry's table bookkeeping as read at a moment.
type cachedTable struct {
	t   *table
	at  time.Time
	sql sync.Map // statement texts built for this table (LookupAlongside)
}

// schemaOf returns the bookkeeping a keyed read needs (physical table, columns, key column),
// kept for up to a second: the gateway reads one record per call, and these change only when the
// entry's schema does (cleared on this node at once, on other nodes within the second). Version
// data is read from the rows themselves, so a new load is visible as soon as it commits.
func (s *Service) schemaOf(ctx context.Context, entryID string) (*table, error) {
	c, err := s.cachedSchema(ctx, entryID)
	if err != nil {
		return nil, err
	}
	return c.t, nil
}

func (s *Service) cachedSchema(ctx context.Context, entryID string) (*cachedTable, error) {
	if v, ok := s.schemas.Load(entryID); ok && time.Since(v.(*cachedTable).at) < time.Second {
		return v.(*cachedTable), nil
	}
	t, err := s.tableOf(ctx, s.DB, entryID, false)
	if err != nil {
		return nil, err
	}
	c := &cachedTable{t: t, at: time.Now()}
	s.schemas.Store(entryID, c)
	return c, nil
}
