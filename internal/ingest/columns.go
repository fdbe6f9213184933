package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"pubdata/internal/errs"
)

// ScanOptions narrow a column scan (ScanColumns).
type ScanOptions struct {
	Version int64             // 0: the current version
	Filter  map[string]string // equality filters on fields (trimmed values)
	// Ordered reads in key order (keyed entries; load order otherwise), which paging needs;
	// unordered reads are the cheapest full scans (downloads).
	Ordered  bool
	AfterKey string // keyed entries, ordered: only rows whose key sorts after this one
	Offset   int64  // unkeyed entries, ordered: rows to skip
	Limit    int    // 0: every row
}

// ScanInfo tells a scan's caller how rows are addressed.
type ScanInfo struct {
	Keyed   bool  // rows are ordered and paged by their key (KeyColumn)
	Version int64 // the version read (the current one when 0 was asked)
}

// ScanColumns streams the named fields of an entry's rows as strings, in constant memory: row
// is reused between calls (copy what you keep), key is the row's key column value ("" for an
// entry without a key). Unknown fields are refused; a pruned version answers ErrVersionGone.
// The caller authorizes and audits the access.
func (s *Service) ScanColumns(ctx context.Context, entryID string, fields []string, opt ScanOptions, fn func(key string, row []string) error) (_ ScanInfo, err error) {
	defer errs.Wrap(&err, "ingest: ScanColumns(%s)", entryID)
	t, err := s.tableOf(ctx, s.DB, entryID, false)
	if err != nil {
		return ScanInfo{}, err
	}
	info := ScanInfo{Keyed: t.KeyColumn != "", Version: t.CurrentVersion}
	if t.CurrentVersion == 0 {
		return info, ErrNoData
	}
	var cols strings.Builder
	for i, f := range fields {
		if !t.hasField(f) {
			return info, fmt.Errorf("ingest: %q is not a column of %s", f, entryID)
		}
		if i > 0 {
			cols.WriteString(", ")
		}
		cols.WriteString(quote(f))
	}
	keyed := t.KeyColumn != ""
	if keyed {
		if len(fields) > 0 {
			cols.WriteString(", ")
		}
		cols.WriteString(quote(t.KeyColumn))
	}
	if cols.Len() == 0 {
		cols.WriteString("_from")
	}
	conds, args, err := s.whereOf(ctx, t, opt.Filter)
	if err != nil {
		return info, err
	}
	if opt.Version > 0 && opt.Version != t.CurrentVersion {
		if !s.versionAvailable(ctx, t, opt.Version) {
			return info, ErrVersionGone
		}
		info.Version = opt.Version
		args = append(args, opt.Version)
		conds = strings.Replace(conds, "_to = 0", fmt.Sprintf("_from <= $%d AND (_to = 0 OR _to > $%d)", len(args), len(args)), 1)
	}
	q := fmt.Sprintf("SELECT %s FROM %s WHERE %s", cols.String(), quote(t.Name), conds)
	if opt.Ordered {
		if keyed {
			if opt.AfterKey != "" {
				args = append(args, opt.AfterKey)
				q += fmt.Sprintf(" AND %s > $%d", quote(t.KeyColumn), len(args))
			}
			q += " ORDER BY " + quote(t.KeyColumn)
		} else {
			q += " ORDER BY _from, " + orderAll(fields)
		}
	}
	if opt.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", opt.Limit)
	}
	if opt.Offset > 0 && !keyed {
		if opt.Limit <= 0 {
			q += " LIMIT -1"
			if s.DB.IsPG() {
				q = strings.TrimSuffix(q, " LIMIT -1") + " LIMIT ALL"
			}
		}
		q += fmt.Sprintf(" OFFSET %d", opt.Offset)
	}
	rows, err := s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return info, err
	}
	defer rows.Close()
	n := len(fields)
	vals := make([]sql.NullString, n+1)
	ptrs := make([]any, 0, n+1)
	for i := 0; i < n; i++ {
		ptrs = append(ptrs, &vals[i])
	}
	if keyed || n == 0 {
		ptrs = append(ptrs, &vals[n])
	}
	row := make([]string, n)
	open := s.opener(ctx, t, fields)
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return info, err
		}
		for i := 0; i < n; i++ {
			row[i] = vals[i].String
			if open != nil {
				if row[i], err = open(i, row[i]); err != nil {
					return info, fmt.Errorf("ingest: open %s: %w", fields[i], err)
				}
			}
		}
		key := ""
		if keyed {
			key = vals[n].String
		}
		if err := fn(key, row); err != nil {
			return info, err
		}
	}
	return info, rows.Err()
}

// orderAll orders an unkeyed table's rows by every field read (a stable order for paging by
// offset; equal rows are interchangeable).
func orderAll(fields []string) string {
	if len(fields) == 0 {
		return "_to"
	}
	q := make([]string, len(fields))
	for i, f := range fields {
		q[i] = quote(f)
	}
	return strings.Join(q, ", ")
}

// CommittedVersions lists an entry's committed versions, newest first, each with whether its
// data is still stored (retention) — for the open dataset page's version history, which the
// caller shows to everyone (no principal: only version metadata, no data).
func (s *Service) CommittedVersions(ctx context.Context, entryID string, limit int) (_ []Load, _ []bool, err error) {
	defer errs.Wrap(&err, "ingest: CommittedVersions(%s)", entryID)
	loads, _, err := s.loads(ctx, "entry_id = $1 AND status = 'committed' AND version > 0", []any{entryID}, limit, 0)
	if err != nil {
		return nil, nil, err
	}
	t, err := s.tableOf(ctx, s.DB, entryID, false)
	if err != nil {
		return loads, make([]bool, len(loads)), nil
	}
	avail := make([]bool, len(loads))
	for i, l := range loads {
		avail[i] = l.Version == t.CurrentVersion || s.versionAvailable(ctx, t, l.Version)
	}
	return loads, avail, nil
}
