// Package csvsafe writes CSV that is safe to open in a spreadsheet program: a cell beginning
// with = + - @ TAB or CR would be read as a formula (CSV 公式注入 / formula injection), so such a
// cell is written with a leading apostrophe, which spreadsheets show as text. Every CSV the
// platform writes goes through this one writer.
package csvsafe

import (
	"encoding/csv"
	"io"
	"regexp"
)

// number is a plain decimal number: "-12.5" cannot be a formula and stays a number.
var number = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)

// Cell returns v neutralized: a value a spreadsheet would evaluate gets a leading apostrophe.
func Cell(v string) string {
	if v == "" {
		return v
	}
	switch v[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if number.MatchString(v) {
			return v
		}
		return "'" + v
	}
	return v
}

// Restore undoes Cell for a file the platform reads back (the catalog's import of its own
// export): an apostrophe followed by a formula character is dropped.
func Restore(v string) string {
	if len(v) >= 2 && v[0] == '\'' && Cell(v[1:]) == v {
		return v[1:]
	}
	return v
}

// Writer is a csv.Writer that neutralizes every cell it writes.
type Writer struct {
	*csv.Writer
	buf []string
}

// NewWriter returns a neutralizing CSV writer on w.
func NewWriter(w io.Writer) *Writer { return &Writer{Writer: csv.NewWriter(w)} }

// Write writes one record, every cell through Cell (the caller's slice is left as it was).
func (w *Writer) Write(rec []string) error {
	w.buf = w.buf[:0]
	for _, v := range rec {
		w.buf = append(w.buf, Cell(v))
	}
	return w.Writer.Write(w.buf)
}

// WriteAll writes every record and flushes.
func (w *Writer) WriteAll(recs [][]string) error {
	for _, r := range recs {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}
