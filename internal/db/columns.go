package db

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Column binds one stored column of a wide table to the field that holds it (列映射). A table's
// columns are listed once, as a []Column built from a pointer to the record; the INSERT, the
// UPDATE and the scan list are all generated from that one list, so they cannot drift apart and
// inserting a column in the middle cannot swap two fields (a positional parameter list could).
//
// Ptr is a pointer to the field: a plain *string, *int, *int64 or *float64 is stored as is;
// fields kept in another form go through an adapter that is both a sql.Scanner and a
// driver.Valuer (TimeMillis, IntBool, JSON, JSONList).
type Column struct {
	Name string
	Ptr  any
}

// Names lists the columns, comma-separated, each prefixed with prefix (e.g. "r.").
func Names(cols []Column, prefix string) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(prefix)
		b.WriteString(c.Name)
	}
	return b.String()
}

// Dests returns the scan destinations of cols, in order (for Scan after a SELECT of Names).
func Dests(cols []Column) []any {
	out := make([]any, len(cols))
	for i, c := range cols {
		out[i] = c.Ptr
	}
	return out
}

// Values returns the values to store for cols, in order.
func Values(cols []Column) []any {
	out := make([]any, len(cols))
	for i, c := range cols {
		if v, ok := c.Ptr.(driver.Valuer); ok {
			out[i] = v
			continue
		}
		rv := reflect.ValueOf(c.Ptr)
		if rv.Kind() != reflect.Pointer || rv.IsNil() {
			panic(fmt.Sprintf("db.Values: column %s is bound to %T, not a pointer", c.Name, c.Ptr))
		}
		out[i] = rv.Elem().Interface()
	}
	return out
}

// InsertSQL is "INSERT INTO table (cols…) VALUES ($1, …)"; its arguments are Values(cols).
func InsertSQL(table string, cols []Column) string {
	ph := make([]string, len(cols))
	for i := range cols {
		ph[i] = "$" + strconv.Itoa(i+1)
	}
	return "INSERT INTO " + table + " (" + Names(cols, "") + ") VALUES (" + strings.Join(ph, ", ") + ")"
}

// UpdateSQL is "UPDATE table SET c2 = $2, … WHERE c1 = $1": the first column is the key; its
// arguments are Values(cols).
func UpdateSQL(table string, cols []Column) string {
	set := make([]string, 0, len(cols)-1)
	for i, c := range cols[1:] {
		set = append(set, c.Name+" = $"+strconv.Itoa(i+2))
	}
	return "UPDATE " + table + " SET " + strings.Join(set, ", ") + " WHERE " + cols[0].Name + " = $1"
}

// TimeMillis stores a time as Unix milliseconds (0 for the zero time), the platform's stored form.
func TimeMillis(p *time.Time) millisCol { return millisCol{p} }

type millisCol struct{ p *time.Time }

func (m millisCol) Value() (driver.Value, error) { return Millis(*m.p), nil }
func (m millisCol) Scan(src any) error {
	n, err := asInt64(src)
	*m.p = FromMillis(n)
	return err
}

// IntBool stores a bool as 0 or 1 (an INTEGER column on both backends).
func IntBool(p *bool) intBoolCol { return intBoolCol{p} }

type intBoolCol struct{ p *bool }

func (b intBoolCol) Value() (driver.Value, error) {
	if *b.p {
		return int64(1), nil
	}
	return int64(0), nil
}
func (b intBoolCol) Scan(src any) error {
	n, err := asInt64(src)
	*b.p = n != 0
	return err
}

// JSONList stores a string list as a JSON array ("[]" when empty; read back as an empty list).
func JSONList(p *[]string) jsonListCol { return jsonListCol{p} }

type jsonListCol struct{ p *[]string }

func (l jsonListCol) Value() (driver.Value, error) {
	v := *l.p
	if v == nil {
		v = []string{}
	}
	b, err := json.Marshal(v)
	return string(b), err
}
func (l jsonListCol) Scan(src any) error {
	var out []string
	if s := asString(src); s != "" {
		if err := json.Unmarshal([]byte(s), &out); err != nil {
			return fmt.Errorf("json list column: %w", err)
		}
	}
	if out == nil {
		out = []string{}
	}
	*l.p = out
	return nil
}

// JSON stores any value as its JSON text; p points to the value.
func JSON(p any) jsonCol { return jsonCol{p} }

type jsonCol struct{ p any }

func (j jsonCol) Value() (driver.Value, error) {
	b, err := json.Marshal(j.p)
	return string(b), err
}
func (j jsonCol) Scan(src any) error {
	if s := asString(src); s != "" {
		if err := json.Unmarshal([]byte(s), j.p); err != nil {
			return fmt.Errorf("json column: %w", err)
		}
	}
	return nil
}

func asInt64(src any) (int64, error) {
	switch v := src.(type) {
	case nil:
		return 0, nil
	case int64:
		return v, nil
	case int32:
		return int64(v), nil
	case float64:
		return int64(v), nil
	case []byte:
		return strconv.ParseInt(string(v), 10, 64)
	case string:
		return strconv.ParseInt(v, 10, 64)
	}
	return 0, fmt.Errorf("integer column: cannot read %T", src)
}

func asString(src any) string {
	switch v := src.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	}
	return ""
}
