package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"pubdata/internal/catalog"
	"pubdata/internal/errs"
	"pubdata/internal/keys"
	"pubdata/internal/vocab"
)

// Encryption at rest of top-sensitivity items (SEC-1). The values of an entry's fields graded at
// the top sensitivity level (vocab.TopLevel, catalog.EffectiveSensitivity) — key fields excepted,
// which must stay findable and ordered — are sealed under the key ring as rows are loaded
// (runChecks, before any writer sees them), deterministically (keys.SealDeterministic with
// AAD(table, field, "")), so that a re-delivered unchanged row still compares equal and a filter
// finds a value by sealing it under each key of the ring. They are opened only on the service's
// read paths, which their callers authorize and audit: Lookup, LookupAlongside, Query, Stream
// (exports, returns) and ScanColumns (open data, products). The data tables hold ciphertext:
// a database dump or backup reveals none of those values. The keys.reencrypt job re-seals them
// after a rotation (SealedColumns, registered as a source of the key registry).
//
// Comparisons work on values: an upsert opens sealed cells before deciding a row changed
// (sqlWriter.same), and computations over an entry's relation that touch a sealed field run in
// Go over opened rows (Relation.Sealed, operate.Service.Truth). Empty values are stored empty.

// sealedFields are the fields of e to store sealed: those at the top sensitivity level that are
// not key fields, plus every field sealed before (was), so older sealed values are still opened.
func (s *Service) sealedFields(e *catalog.Entry, was []string) []string {
	if s.Keys == nil {
		return was
	}
	out := append([]string(nil), was...)
	keysOf := e.KeyFields()
	for i := range e.Fields {
		f := &e.Fields[i]
		if catalog.EffectiveSensitivity(e, f) >= vocab.TopLevel && !slices.Contains(keysOf, f.Name) && !slices.Contains(out, f.Name) {
			out = append(out, f.Name)
		}
	}
	return out
}

// cellSealer seals the sealed cells of a row (in e.Fields order) in place; nil when none.
func (s *Service) cellSealer(ctx context.Context, t *table, e *catalog.Entry) func(cells []string) error {
	if s.Keys == nil || len(t.Sealed) == 0 {
		return nil
	}
	type col struct {
		i   int
		aad string
	}
	var cols []col
	for i, f := range e.Fields {
		if slices.Contains(t.Sealed, f.Name) {
			cols = append(cols, col{i, keys.AAD(t.Name, f.Name, "")})
		}
	}
	if len(cols) == 0 {
		return nil
	}
	return func(cells []string) error {
		for _, c := range cols {
			if c.i >= len(cells) || cells[c.i] == "" {
				continue
			}
			v, err := s.Keys.SealDeterministic(ctx, []byte(cells[c.i]), c.aad)
			if err != nil {
				return fmt.Errorf("seal %s: %w", e.Fields[c.i].Name, err)
			}
			cells[c.i] = v
		}
		return nil
	}
}

// opener returns, for the fields of t in the order given, a function opening a stored value of
// the i-th field (nil when no field is sealed).
func (s *Service) opener(ctx context.Context, t *table, fields []string) func(i int, v string) (string, error) {
	if len(t.Sealed) == 0 {
		return nil
	}
	aads := make([]string, len(fields))
	any := false
	for i, f := range fields {
		if slices.Contains(t.Sealed, f) {
			aads[i], any = keys.AAD(t.Name, f, ""), true
		}
	}
	if !any {
		return nil
	}
	return func(i int, v string) (string, error) {
		if aads[i] == "" || !keys.Sealed(v) {
			return v, nil // not a sealed field, or a value stored before the field was sealed
		}
		if s.Keys == nil {
			return "", fmt.Errorf("ingest: %s holds sealed values and no key ring is configured", t.Name)
		}
		p, err := s.Keys.Open(ctx, v, aads[i])
		return string(p), err
	}
}

// filterForms are the stored forms an equality filter on field f may match: the value itself
// (stored before the field was sealed) and its sealed form under each key of the ring.
func (s *Service) filterForms(ctx context.Context, t *table, f, v string) ([]string, error) {
	if s.Keys == nil || !slices.Contains(t.Sealed, f) || v == "" {
		return nil, nil
	}
	forms, err := s.Keys.SealEveryKey(ctx, []byte(v), keys.AAD(t.Name, f, ""))
	if err != nil {
		return nil, err
	}
	return append([]string{v}, forms...), nil
}

// SealedColumns lists the sealed fields of every data table, for the key ring's re-encryption
// (a source of keys.Registry); names are quoted for SQL (a field may be called "order"), which
// keys.Column's AAD ignores.
func (s *Service) SealedColumns(ctx context.Context) (_ []keys.Column, err error) {
	defer errs.Wrap(&err, "ingest: SealedColumns")
	rows, err := s.DB.QueryContext(ctx, "SELECT table_name, sealed FROM ingest_tables WHERE sealed <> '[]' ORDER BY entry_id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []keys.Column
	for rows.Next() {
		var name, raw string
		if err := rows.Scan(&name, &raw); err != nil {
			return nil, err
		}
		var fields []string
		if err := json.Unmarshal([]byte(raw), &fields); err != nil {
			continue
		}
		for _, f := range fields {
			if identRE.MatchString(f) {
				out = append(out, keys.Column{Table: quote(name), Col: quote(f), ByValue: true})
			}
		}
	}
	return out, rows.Err()
}
