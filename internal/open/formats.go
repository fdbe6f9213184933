package open

import (
	"bufio"
	"io"
	"strings"
	"unicode"
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

// csvWriter encodes rows by appending to one reused buffer (appendCSVRecord), written out in
// blocks of csvBlock bytes: no allocation per row or value. Its bytes are those of
// csvsafe.Writer (TestCSVWriterMatchesCSVSafe).
type csvWriter struct {
	out io.Writer
	opt FormatOptions
	enc io.WriteCloser
	w   io.Writer
	buf []byte
	err error
}

const csvBlock = 64 << 10

func (c *csvWriter) Begin(cols []Column) error {
	c.w = c.out
	if c.opt.Encoding == "gb18030" {
		c.enc = transform.NewWriter(c.out, simplifiedchinese.GB18030.NewEncoder())
		c.w = c.enc
	}
	c.buf = make([]byte, 0, csvBlock+4096)
	if c.opt.BOM && c.opt.Encoding != "gb18030" {
		c.buf = append(c.buf, "\uFEFF"...)
	}
	return c.Write(header(cols, c.opt.Labels))
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
	if c.err != nil {
		return c.err
	}
	if len(row) == 1 && row[0] == "" {
		// A one-column row with an empty value would be a blank line, which readers skip.
		c.buf = append(c.buf, "\"\"\n"...)
	} else {
		c.buf = appendCSVRecord(c.buf, row)
	}
	if len(c.buf) >= csvBlock {
		_, c.err = c.w.Write(c.buf)
		c.buf = c.buf[:0]
	}
	return c.err
}

func (c *csvWriter) End() error {
	if c.err == nil && len(c.buf) > 0 {
		_, c.err = c.w.Write(c.buf)
		c.buf = c.buf[:0]
	}
	if c.err != nil {
		return c.err
	}
	if c.enc != nil {
		return c.enc.Close()
	}
	return nil
}

// appendCSVRecord appends one CSV record as csvsafe.Writer writes it: each cell neutralized
// (csvsafe.Cell), quoted as encoding/csv quotes (a comma, quote, CR or LF inside, a leading
// space, or the field `\.`), quotes doubled, the record ended by LF.
func appendCSVRecord(b []byte, rec []string) []byte {
	for i, v := range rec {
		if i > 0 {
			b = append(b, ',')
		}
		if v == "" {
			continue
		}
		switch v[0] {
		case '=', '+', '-', '@', '\t', '\r':
			v = csvsafe.Cell(v)
		}
		if !csvNeedsQuotes(v) {
			b = append(b, v...)
			continue
		}
		b = append(b, '"')
		for {
			j := strings.IndexByte(v, '"')
			if j < 0 {
				b = append(b, v...)
				break
			}
			b = append(b, v[:j+1]...)
			b = append(b, '"')
			v = v[j+1:]
		}
		b = append(b, '"')
	}
	return append(b, '\n')
}

// csvNeedsQuotes is encoding/csv's rule for a comma separator.
func csvNeedsQuotes(v string) bool {
	if v == "" {
		return false
	}
	if v == `\.` {
		return true
	}
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case ',', '"', '\r', '\n':
			return true
		}
	}
	if v[0] < utf8.RuneSelf {
		return v[0] == ' ' || v[0] == '\t' || v[0] == '\v' || v[0] == '\f'
	}
	r, _ := utf8.DecodeRuneInString(v)
	return unicode.IsSpace(r)
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
