package ingest

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/mask"
)

// This file holds the one rule for what a data return (回流, AGG-6, NM 18, NM 19) delivers: the
// rows of the lower region only, narrowed by the filters the request named, with every field
// masked per grade unless its clear values were justified and approved. Every path that counts,
// streams or pages returned rows — approval (row count), the CSV download and the paged API —
// goes through returnScope and scope.apply; nothing else reads returned rows.

// ErrNoRegionField refuses a return of an entry whose rows say nothing about their region: a
// return is limited to the requesting region's rows, and such rows cannot be told apart.
var ErrNoRegionField = apperr.New(http.StatusUnprocessableEntity, "return_no_region",
	"该目录没有行政区划信息项，无法限定为本区域的数据，不能回流", "the entry has no region-code field, so rows cannot be limited to your region; it cannot be returned")

// RegionField is the entry's field that places a row in a region (the first region-code field
// whose name says region or location; else the first region-code field), or "" if none.
func RegionField(e *catalog.Entry) string {
	first := ""
	for _, f := range e.Fields {
		if f.Kind != catalog.KindRegionCode {
			continue
		}
		if first == "" {
			first = f.Name
		}
		if f.Name == "region_code" {
			return f.Name
		}
	}
	return first
}

// returnScope is what one return may deliver.
type returnScope struct {
	region      string            // the requesting (lower) region: rows outside it never leave
	regionField string            // the entry's region field
	filters     map[string]string // equality filters on fields the request named (rows needed)
	fields      []string          // fields delivered
	clear       map[string]bool   // fields delivered in clear (approved)
	masks       map[string]func(string) string
	keyField    string // the entry's single key field, "" if none or several
}

// scopeOf builds the scope of return r on entry e as published now. Fields no longer in the entry
// are dropped; an entry without a region field delivers nothing.
func scopeOf(e *catalog.Entry, r *DataReturn) (*returnScope, error) {
	sc := &returnScope{region: r.ToRegion, regionField: RegionField(e), filters: r.Filters, clear: map[string]bool{}, masks: map[string]func(string) string{}}
	if sc.regionField == "" {
		return nil, ErrNoRegionField
	}
	if keys := e.KeyFields(); len(keys) == 1 {
		sc.keyField = keys[0]
	}
	for _, c := range r.ApprovedClear {
		sc.clear[c] = true
	}
	rules := mask.DefaultRules()
	for _, name := range r.Fields {
		f, ok := e.Field(name)
		if !ok {
			continue
		}
		sc.fields = append(sc.fields, name)
		if sc.clear[name] || !catalog.Masked(e, &f) {
			continue
		}
		kind := f.Kind
		if _, has := rules[kind]; has {
			sc.masks[name] = func(v string) string { return rules.Value(kind, v) }
		} else {
			sc.masks[name] = func(v string) string { return mask.Apply(mask.Rule{Method: mask.MethodRedact}, v) }
		}
	}
	return sc, nil
}

// match tells whether a record is in scope: inside the requesting region and meeting every filter.
func (sc *returnScope) match(rec *Record) bool {
	if !authz.RegionCovers(sc.region, strings.TrimSpace(rec.Values[sc.regionField])) {
		return false
	}
	for k, v := range sc.filters {
		if strings.TrimSpace(rec.Values[k]) != v {
			return false
		}
	}
	return true
}

// apply returns the record as delivered (only the scope's fields, masked per grade), and false
// when the record is out of scope.
func (sc *returnScope) apply(rec Record) (Record, bool) {
	if !sc.match(&rec) {
		return Record{}, false
	}
	vals := make(map[string]string, len(sc.fields))
	for _, f := range sc.fields {
		v := rec.Values[f]
		if m := sc.masks[f]; m != nil && v != "" {
			v = m(v)
		}
		vals[f] = v
	}
	out := rec
	out.Values = vals
	if _, masked := sc.masks[sc.keyField]; masked || sc.keyField == "" || !slices.Contains(sc.fields, sc.keyField) {
		out.Key = "" // the key is not delivered in clear
	}
	return out, true
}

// Masked lists the delivered fields that are masked.
func (sc *returnScope) Masked() []string {
	out := make([]string, 0, len(sc.masks))
	for f := range sc.masks {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// checkReturnInput validates a return request's filters and clear fields against entry e for
// the requesting region: filters name fields, a region filter stays inside the region, clear
// fields are among the requested ones and need a justification.
func checkReturnInput(e *catalog.Entry, region string, in *ReturnInput) []apperr.FieldError {
	var fe []apperr.FieldError
	rf := RegionField(e)
	if rf == "" {
		return []apperr.FieldError{apperr.Field("entry_id", ErrNoRegionField.ZH, ErrNoRegionField.EN)}
	}
	clean := map[string]string{}
	for k, v := range in.Filters {
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if _, ok := e.Field(k); !ok {
			fe = append(fe, apperr.Field("filters", "筛选条件的信息项不存在："+k, "no such field to filter on: "+k))
			continue
		}
		if v == "" {
			fe = append(fe, apperr.Field("filters", "筛选条件须给出取值："+k, "a filter needs a value: "+k))
			continue
		}
		if k == rf && !authz.RegionCovers(region, v) {
			fe = append(fe, apperr.Field("filters", fmt.Sprintf("行政区划 %s 不在本区域内，只能申请本区域的数据", v), fmt.Sprintf("region %s is outside your region; only your region's rows can be returned", v)))
		}
		clean[k] = v
	}
	in.Filters = clean
	fields := in.Fields
	if len(fields) == 0 {
		for _, f := range e.Fields {
			fields = append(fields, f.Name)
		}
	}
	var clear []string
	for _, c := range in.ClearFields {
		c = strings.TrimSpace(c)
		f, ok := e.Field(c)
		switch {
		case c == "":
			continue
		case !ok || !slices.Contains(fields, c):
			fe = append(fe, apperr.Field("clear_fields", "明文信息项须在所需信息项之中："+c, "clear values only for requested fields: "+c))
		case !catalog.Masked(e, &f):
			continue // not masked anyway
		case !slices.Contains(clear, c):
			clear = append(clear, c)
		}
	}
	in.ClearFields = clear
	if len(clear) > 0 && strings.TrimSpace(in.ClearReason) == "" {
		fe = append(fe, apperr.Field("clear_reason", "申请明文须说明必要性和依据", "clear values need a justification and legal basis"))
	}
	return fe
}

// scopedRecords streams the in-scope records of version v of the entry, as delivered.
func (s *Service) scopedRecords(ctx context.Context, t *table, v int64, sc *returnScope, fn func(Record) error) error {
	return s.streamVersion(ctx, t, v, func(rec Record) error {
		out, ok := sc.apply(rec)
		if !ok {
			return nil
		}
		return fn(out)
	})
}
