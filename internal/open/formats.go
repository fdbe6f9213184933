package open

import (
	"bufio"
	"io"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"pubdata/internal/csvsafe"
)

// Download formats (开放数据下载格式). Every writer streams: a row is written as it is read, so a
// download of any size runs in constant memory (XLSX spills to a temporary file past 16 MiB, as
// excelize's stream writer does; Parquet buffers one row group of RowGroupRows rows).
const (
	FormatCSV     = "csv"
	FormatXLSX    = "xlsx"
	FormatJSON    = "json"
	FormatParquet = "parquet"
)

// Formats lists the download formats in display order.
var Formats = []string{FormatCSV, FormatXLSX, FormatJSON, FormatParquet}

// RowGroupRows is the Parquet row-group size.
const RowGroupRows = 50_000

// FormatOptions tune a download.
type FormatOptions struct {
	BOM      bool   // CSV in UTF-8: begin with a byte-order mark (for Excel)
	Encoding string // CSV: "utf-8" (default) or "gb18030" (older Excel in Chinese)
	Labels   bool   // CSV and XLSX: header row with the Chinese item names instead of the codes
}

// RowWriter writes a dataset's rows in one format.
type RowWriter interface {
	Begin(cols []Column) error
	Write(row []string) error
	End() error
}

// ContentType is the MIME type of a format.
func ContentType(format string, opt FormatOptions) string {
	switch format {
	case FormatCSV:
		if opt.Encoding == "gb18030" {
			return "text/csv; charset=gb18030"
		}
		return "text/csv; charset=utf-8"
	case FormatXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case FormatJSON:
		return "application/json; charset=utf-8"
	case FormatParquet:
		return "application/vnd.apache.parquet"
	}
	return "application/octet-stream"
}

// NewRowWriter returns the writer of a format on w.
func NewRowWriter(format string, w io.Writer, opt FormatOptions) (RowWriter, error) {
	switch format {
	case FormatCSV:
		if opt.Encoding != "" && opt.Encoding != "utf-8" && opt.Encoding != "gb18030" {
			return nil, ErrFormat
		}
		return &csvWriter{out: w, opt: opt}, nil
	case FormatXLSX:
		return &xlsxWriter{out: w, opt: opt}, nil
	case FormatJSON:
		return &jsonWriter{w: bufio.NewWriterSize(w, 64<<10)}, nil
	case FormatParquet:
		return &parquetWriter{out: w}, nil
	}
	return nil, ErrFormat
}

type csvWriter struct {
	out io.Writer
	opt FormatOptions
	enc io.WriteCloser
	bw  *bufio.Writer
	cw  *csvsafe.Writer
}

func (c *csvWriter) Begin(cols []Column) error {
	w := c.out
	if c.opt.Encoding == "gb18030" {
		c.enc = transform.NewWriter(w, simplifiedchinese.GB18030.NewEncoder())
		w = c.enc
	}
	c.bw = bufio.NewWriterSize(w, 64<<10)
	if c.opt.BOM && c.opt.Encoding != "gb18030" {
		c.bw.WriteString("\uFEFF")
	}
	c.cw = csvsafe.NewWriter(c.bw)
	return c.cw.Write(header(cols, c.opt.Labels))
}

func header(cols []Column, labels bool) []string {
	h := make([]string, len(cols))
	for i, col := range cols {
		h[i] = col.Name
		if labels && col.Label != "" {
			h[i] = col.Label
		}
	}
	return h
}

func (c *csvWriter) Write(row []string) error {
	if len(row) == 1 && row[0] == "" {
		// A one-column row with an empty value would be a blank line, which readers skip.
		c.cw.Flush()
		_, err := c.bw.WriteString("\"\"\n")
		return err
	}
	return c.cw.Write(row)
}

func (c *csvWriter) End() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return err
	}
	if err := c.bw.Flush(); err != nil {
		return err
	}
	if c.enc != nil {
		return c.enc.Close()
	}
	return nil
}

// jsonWriter writes an array of objects, keys in column order.
type jsonWriter struct {
	w    *bufio.Writer
	keys [][]byte
	n    int64
	buf  []byte
}

func (j *jsonWriter) Begin(cols []Column) error {
	for _, c := range cols {
		j.keys = append(j.keys, appendJSONString(nil, c.Name))
	}
	_, err := j.w.WriteString("[")
	return err
}

func (j *jsonWriter) Write(row []string) error {
	b := j.buf[:0]
	if j.n > 0 {
		b = append(b, ',')
	}
	b = append(b, "\n{"...)
	for i, k := range j.keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, k...)
		b = append(b, ':')
		b = appendJSONString(b, row[i])
	}
	b = append(b, '}')
	j.buf = b
	j.n++
	_, err := j.w.Write(b)
	return err
}

func (j *jsonWriter) End() error {
	j.w.WriteString("\n]\n")
	return j.w.Flush()
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string (invalid UTF-8 replaced, <, >, & escaped as
// encoding/json does, so a value cannot close a script element when embedded).
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, `\u202`...)
			b = append(b, hexDigits[r&0xF])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// xlsxWriter writes one sheet through excelize's stream writer.
type xlsxWriter struct {
	out  io.Writer
	opt  FormatOptions
	f    *excelize.File
	sw   *excelize.StreamWriter
	row  int
	vals []any
}

// maxCell is the longest text a spreadsheet cell holds.
const maxCell = 32767

func (x *xlsxWriter) Begin(cols []Column) error {
	x.f = excelize.NewFile()
	sw, err := x.f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	x.sw = sw
	x.vals = make([]any, len(cols))
	return x.Write(header(cols, true))
}

func (x *xlsxWriter) Write(row []string) error {
	x.row++
	for i, v := range row {
		if len(v) > maxCell {
			v = string([]rune(v)[:min(utf8.RuneCountInString(v), maxCell/4)])
		}
		x.vals[i] = v
	}
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	return x.sw.SetRow(cell, x.vals)
}

func (x *xlsxWriter) End() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	return x.f.Write(x.out)
}

// parquetWriter writes every column as an optional UTF-8 string (masked and suppressed values
// are text), in row groups of RowGroupRows.
type parquetWriter struct {
	out  io.Writer
	w    *parquet.GenericWriter[any]
	leaf []int // column i → leaf index (parquet orders a group's fields by name)
	row  parquet.Row
	rows []parquet.Row
}

func (p *parquetWriter) Begin(cols []Column) error {
	g := parquet.Group{}
	for _, c := range cols {
		g[c.Name] = parquet.Optional(parquet.String())
	}
	schema := parquet.NewSchema("dataset", g)
	order := map[string]int{}
	for i, f := range schema.Fields() {
		order[f.Name()] = i
	}
	for _, c := range cols {
		p.leaf = append(p.leaf, order[c.Name])
	}
	p.w = parquet.NewGenericWriter[any](p.out, schema, parquet.MaxRowsPerRowGroup(RowGroupRows), parquet.CreatedBy("pubdata", "1", ""))
	p.row = make(parquet.Row, len(cols))
	p.rows = []parquet.Row{p.row}
	return nil
}

func (p *parquetWriter) Write(row []string) error {
	for i, v := range row {
		j := p.leaf[i]
		if v == "" {
			p.row[j] = parquet.Value{}.Level(0, 0, j)
		} else {
			p.row[j] = parquet.ByteArrayValue([]byte(v)).Level(0, 1, j)
		}
	}
	_, err := p.w.WriteRows(p.rows)
	return err
}

func (p *parquetWriter) End() error { return p.w.Close() }
