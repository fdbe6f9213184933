package ingest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// ScanBulk streams the named fields of every row of one version (0: the current one) — a full
// download — giving the same rows in the same order as ScanColumns without filter, order or
// limit. row is reused between calls, but its strings stay valid (they may be kept).
//
// On SQLite the rows are read in chunks of bulkChunk rowids, each chunk one JSON text that
// SQLite builds itself (json_array per row, group_concat per chunk), all in one statement (one
// snapshot): the pure-Go driver spends most of a per-value scan in its per-call overhead (three
// driver calls, a lock each, and an allocation per value), which this reduces to one call per
// chunk. The values are then sliced out of the chunk without copying. Memory stays bounded by a
// chunk (bulkChunk rows). On PostgreSQL it is ScanColumns.
//
// 批量读取：下载全表时按行号分块，每块由 SQLite 直接生成一段 JSON 文本，再在 Go 中零拷贝切分。
func (s *Service) ScanBulk(ctx context.Context, entryID string, fields []string, version int64, fn func(row []string) error) (ScanInfo, error) {
	if s.DB.IsPG() || len(fields) == 0 {
		return s.ScanColumns(ctx, entryID, fields, ScanOptions{Version: version}, func(_ string, row []string) error { return fn(row) })
	}
	t, err := s.tableOf(ctx, s.DB, entryID, false)
	if err != nil {
		return ScanInfo{}, err
	}
	info := ScanInfo{Keyed: t.KeyColumn != "", Version: t.CurrentVersion}
	if t.CurrentVersion == 0 {
		return info, ErrNoData
	}
	var arr strings.Builder
	arr.WriteString("json_array(")
	for i, f := range fields {
		if !t.hasField(f) {
			return info, fmt.Errorf("ingest: %q is not a column of %s", f, entryID)
		}
		if i > 0 {
			arr.WriteString(", ")
		}
		// CAST: a value stored as a blob is read as its bytes, as ScanColumns reads it (JSON
		// cannot hold a blob).
		arr.WriteString("CAST(" + quote(f) + " AS TEXT)")
	}
	arr.WriteString(")")
	cond, args := "_to = 0", []any(nil)
	if version > 0 && version != t.CurrentVersion {
		if !s.versionAvailable(ctx, t, version) {
			return info, ErrVersionGone
		}
		info.Version = version
		cond, args = "_from <= $1 AND (_to = 0 OR _to > $1)", []any{version}
	}
	// NOT INDEXED: the chunk is a rowid range of the table itself, never a partial key index
	// (which would read the whole index per chunk).
	q := fmt.Sprintf(`WITH RECURSIVE c(lo) AS (SELECT min(_rowid_) FROM %[1]s UNION ALL
		SELECT lo + %[2]d FROM c WHERE lo + %[2]d <= (SELECT max(_rowid_) FROM %[1]s))
		SELECT (SELECT group_concat(%[3]s, ',') FROM %[1]s NOT INDEXED WHERE _rowid_ >= c.lo AND _rowid_ < c.lo + %[2]d AND %[4]s) FROM c`,
		quote(t.Name), bulkChunk, arr.String(), cond)
	rows, err := s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return info, err
	}
	defer rows.Close()
	open := s.opener(ctx, t, fields)
	row := make([]string, len(fields))
	var chunk sql.NullString
	for rows.Next() {
		if err := rows.Scan(&chunk); err != nil {
			return info, err
		}
		rest := chunk.String
		for len(rest) > 0 {
			if rest, err = parseJSONRow(rest, row); err != nil {
				return info, err
			}
			if open != nil {
				for i := range row {
					if row[i], err = open(i, row[i]); err != nil {
						return info, fmt.Errorf("ingest: open %s: %w", fields[i], err)
					}
				}
			}
			if err := fn(row); err != nil {
				return info, err
			}
		}
	}
	return info, rows.Err()
}

// bulkChunk is the rowid span of one chunk of ScanBulk.
const bulkChunk = 1024

var errBulkJSON = errors.New("ingest: unexpected JSON from the bulk scan")

// parseJSONRow reads one JSON array of len(row) strings or nulls (SQLite's json_array) from
// the start of s, and the ',' after it; it returns the rest. Strings without escapes are slices
// of s.
func parseJSONRow(s string, row []string) (string, error) {
	if len(s) == 0 || s[0] != '[' {
		return "", errBulkJSON
	}
	i := 1
	for k := range row {
		if k > 0 {
			if i >= len(s) || s[i] != ',' {
				return "", errBulkJSON
			}
			i++
		}
		if i >= len(s) {
			return "", errBulkJSON
		}
		switch s[i] {
		case 'n':
			if !strings.HasPrefix(s[i:], "null") {
				return "", errBulkJSON
			}
			row[k] = ""
			i += 4
		case '"':
			j := i + 1
			for j < len(s) && s[j] != '"' && s[j] != '\\' {
				j++
			}
			if j < len(s) && s[j] == '"' {
				row[k] = s[i+1 : j]
				i = j + 1
				continue
			}
			v, n, err := unescapeJSON(s[i:])
			if err != nil {
				return "", err
			}
			row[k] = v
			i += n
		default: // a number (not stored by the loader, which stores text; read as written)
			j := i
			for j < len(s) && s[j] != ',' && s[j] != ']' {
				j++
			}
			row[k] = s[i:j]
			i = j
		}
	}
	if i >= len(s) || s[i] != ']' {
		return "", errBulkJSON
	}
	i++
	if i < len(s) {
		if s[i] != ',' {
			return "", errBulkJSON
		}
		i++
	}
	return s[i:], nil
}

// unescapeJSON decodes the JSON string at the start of s (s[0] == '"'), returning its value
// and the bytes it took. Bytes that are not escapes are kept as they are (SQLite passes text
// through unchanged, valid UTF-8 or not).
func unescapeJSON(s string) (string, int, error) {
	b := make([]byte, 0, len(s))
	for i := 1; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			return string(b), i + 1, nil
		case c != '\\':
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return "", 0, errBulkJSON
		}
		e := s[i+1]
		i += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(s, i)
			if !ok {
				return "", 0, errBulkJSON
			}
			i += 4
			if utf16.IsSurrogate(r) {
				if r2, ok := hex4(s, i+2); ok && s[i] == '\\' && s[i+1] == 'u' {
					if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
						r = d
						i += 6
					}
				}
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", 0, errBulkJSON
		}
	}
	return "", 0, errBulkJSON
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}
