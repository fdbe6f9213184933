package ingest

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"pubdata/internal/apperr"
	"pubdata/internal/catalog"
	"pubdata/internal/ziplimit"
)

// Format is an input format.
type Format string

const (
	FormatCSV   Format = "csv"
	FormatXLSX  Format = "xlsx"
	FormatJSONL Format = "jsonl"
	FormatRows  Format = "rows" // pushed JSON rows or pulled table rows
)

// FormatOf guesses the format from a file name (csv, xlsx, jsonl/ndjson).
func FormatOf(name string) (Format, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".txt":
		return FormatCSV, nil
	case ".xlsx":
		return FormatXLSX, nil
	case ".jsonl", ".ndjson", ".json":
		return FormatJSONL, nil
	}
	return "", ErrFormat
}

// ParseFormat checks a format name given by a caller.
func ParseFormat(s string) (Format, error) {
	switch Format(strings.ToLower(s)) {
	case FormatCSV:
		return FormatCSV, nil
	case FormatXLSX:
		return FormatXLSX, nil
	case FormatJSONL, "ndjson", "json":
		return FormatJSONL, nil
	}
	return "", ErrFormat
}

// rawRow is one input row mapped onto the entry's fields (cells[i] is field i).
type rawRow struct {
	line  int
	cells []string
	probs []Problem // structural problems found while parsing (encoding, ragged, unknown key …)
}

// parser yields the rows of an input.
type parser interface {
	// header returns problems found in the header (line 1), and whether nothing can be loaded.
	header() (probs []Problem, fatal bool)
	// next returns the next row, or io.EOF.
	next() (rawRow, error)
	encoding() string
	close() error
}

// fieldLookup maps a column name (field name, Chinese label or English label, case-insensitive)
// to the field's index.
func fieldLookup(e *catalog.Entry) map[string]int {
	m := map[string]int{}
	for i, f := range e.Fields {
		for _, n := range []string{f.Name, f.Label, f.LabelEN} {
			n = strings.ToLower(strings.TrimSpace(n))
			if n != "" {
				if _, dup := m[n]; !dup {
					m[n] = i
				}
			}
		}
	}
	return m
}

// mapColumns maps header names to field indexes (-1 for unknown columns) and reports unknown,
// duplicate and missing columns. A missing key column is fatal: no row could be identified.
func mapColumns(e *catalog.Entry, names []string, ignoreUnknown bool) ([]int, []Problem, bool) {
	look := fieldLookup(e)
	idx := make([]int, len(names))
	seen := map[int]bool{}
	var probs []Problem
	fatal := false
	for i, n := range names {
		n = strings.TrimPrefix(n, "\ufeff")
		j, ok := look[strings.ToLower(strings.TrimSpace(n))]
		switch {
		case !ok:
			idx[i] = -1
			if !ignoreUnknown {
				probs = append(probs, Problem{Line: 1, Field: clip(n, 40), Rule: RuleUnknownColumn, Dimension: DimAccuracy,
					ZH: fmt.Sprintf("第 %d 列“%s”不是该目录条目的信息项", i+1, clip(n, 40)),
					EN: fmt.Sprintf("column %d %q is not a field of this catalog entry", i+1, clip(n, 40))})
			}
		case seen[j]:
			idx[i] = -1
			probs = append(probs, Problem{Line: 1, Field: e.Fields[j].Name, Rule: RuleDuplicateColumn, Dimension: DimAccuracy,
				ZH: fmt.Sprintf("第 %d 列与前面的列重复（%s）", i+1, e.Fields[j].Label),
				EN: fmt.Sprintf("column %d repeats an earlier column (%s)", i+1, e.Fields[j].Name)})
		default:
			idx[i] = j
			seen[j] = true
		}
	}
	for j, f := range e.Fields {
		if seen[j] {
			continue
		}
		switch {
		case f.IsKey:
			fatal = true
			probs = append(probs, Problem{Line: 1, Field: f.Name, Rule: RuleMissingColumn, Dimension: DimCompleteness,
				ZH: fmt.Sprintf("缺少主键列“%s”", f.Label), EN: fmt.Sprintf("the key column %q is missing", f.Name)})
		case f.Required:
			probs = append(probs, Problem{Line: 1, Field: f.Name, Rule: RuleMissingColumn, Dimension: DimCompleteness,
				ZH: fmt.Sprintf("缺少必填列“%s”", f.Label), EN: fmt.Sprintf("the required column %q is missing", f.Name)})
		}
	}
	return idx, probs, fatal
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// ---- CSV ----

type csvParser struct {
	slab    []string // cells of the next rows, allocated 1024 rows at a time
	r       *csv.Reader
	e       *catalog.Entry
	cols    []int
	hprobs  []Problem
	fatal   bool
	enc     string
	closer  io.Closer
	nfields int
}

// sniffSize is how much of a CSV file decides its encoding.
const sniffSize = 1 << 20

// newCSVParser detects the encoding (UTF-8, with or without BOM, else GB18030) from the first
// megabyte and reads the header.
func newCSVParser(r io.Reader, e *catalog.Entry, ignoreUnknown bool) (*csvParser, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	p := &csvParser{e: e, enc: "utf-8", nfields: len(e.Fields)}
	var src io.Reader = br
	switch {
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
		p.enc = "utf-8-bom"
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return nil, apperr.New(415, "ingest_encoding", "不支持 UTF-16 编码的文件，请另存为 UTF-8 或 GB18030", "UTF-16 files are not supported; save as UTF-8 or GB18030")
	default:
		if looksGB18030(head) {
			p.enc = "gb18030"
			src = transform.NewReader(br, simplifiedchinese.GB18030.NewDecoder())
		}
	}
	p.r = csv.NewReader(src)
	p.r.FieldsPerRecord = -1
	p.r.ReuseRecord = true
	hdr, err := p.r.Read()
	if err == io.EOF {
		return nil, ErrEmpty
	}
	if err != nil {
		return nil, apperr.Invalid.With(apperr.FieldError{Field: "header", Line: 1, ZH: "无法解析表头行", EN: "cannot parse the header line"})
	}
	hdr = append([]string(nil), hdr...)
	p.cols, p.hprobs, p.fatal = mapColumns(e, hdr, ignoreUnknown)
	return p, nil
}

// looksGB18030 decides the encoding of a file from its head: valid UTF-8 stays UTF-8, and so
// does mostly-valid UTF-8 with a few broken sequences (those lines are then reported as broken
// encoding); bytes that are mostly not UTF-8 mean GB18030 (which includes GBK and GB2312).
func looksGB18030(b []byte) bool {
	valid, invalid := 0, 0
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			if !utf8.FullRune(b[i:]) && len(b)-i < utf8.UTFMax {
				break // a character cut at the end of the sniffed head
			}
			invalid++
			i++
			continue
		}
		valid++
		i += n
	}
	return invalid > 0 && invalid*10 > valid
}

func (p *csvParser) header() ([]Problem, bool) { return p.hprobs, p.fatal }
func (p *csvParser) encoding() string          { return p.enc }
func (p *csvParser) close() error {
	if p.closer != nil {
		return p.closer.Close()
	}
	return nil
}

func (p *csvParser) next() (rawRow, error) {
	rec, err := p.r.Read()
	if err == io.EOF {
		return rawRow{}, io.EOF
	}
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) && !errors.Is(err, csv.ErrFieldCount) {
			return rawRow{line: pe.StartLine, cells: make([]string, p.nfields), probs: []Problem{{Line: pe.StartLine, Rule: RuleParse, Dimension: DimAccuracy,
				ZH: "该行无法解析（引号不匹配或格式错误）", EN: "the line cannot be parsed (unbalanced quotes or malformed CSV)"}}}, nil
		}
		if !errors.As(err, &pe) {
			return rawRow{}, err
		}
	}
	// FieldPos is only valid for a record that was returned (it panics after a parse error).
	line, _ := p.r.FieldPos(0)
	if len(p.slab) < p.nfields {
		p.slab = make([]string, 1024*p.nfields)
	}
	row := rawRow{line: line, cells: p.slab[:p.nfields:p.nfields]}
	p.slab = p.slab[p.nfields:]
	if len(rec) != len(p.cols) {
		row.probs = append(row.probs, Problem{Line: line, Rule: RuleRagged, Dimension: DimAccuracy,
			ZH: fmt.Sprintf("该行有 %d 列，表头有 %d 列", len(rec), len(p.cols)),
			EN: fmt.Sprintf("the line has %d columns; the header has %d", len(rec), len(p.cols))})
	}
	for i, v := range rec {
		if i < len(p.cols) && p.cols[i] >= 0 {
			row.cells[p.cols[i]] = v
		}
	}
	return row, nil
}

// ---- JSON Lines ----

type jsonlParser struct {
	sc     *bufio.Scanner
	e      *catalog.Entry
	look   map[string]int
	line   int
	strict bool
}

func newJSONLParser(r io.Reader, e *catalog.Entry, ignoreUnknown bool) *jsonlParser {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	return &jsonlParser{sc: sc, e: e, look: fieldLookup(e), strict: !ignoreUnknown}
}

func (p *jsonlParser) header() ([]Problem, bool) { return nil, false }
func (p *jsonlParser) encoding() string          { return "utf-8" }
func (p *jsonlParser) close() error              { return nil }

func (p *jsonlParser) next() (rawRow, error) {
	for p.sc.Scan() {
		p.line++
		b := bytes.TrimSpace(p.sc.Bytes())
		if len(b) == 0 {
			continue
		}
		if p.line == 1 {
			b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
		}
		row := rawRow{line: p.line, cells: make([]string, len(p.e.Fields))}
		if !utf8.Valid(b) {
			row.probs = append(row.probs, encodingProblem(p.line, ""))
			return row, nil
		}
		var obj map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&obj); err != nil || obj == nil {
			row.probs = append(row.probs, Problem{Line: p.line, Rule: RuleParse, Dimension: DimAccuracy,
				ZH: "该行不是 JSON 对象", EN: "the line is not a JSON object"})
			return row, nil
		}
		row.probs = mapObject(p.e, p.look, obj, p.line, row.cells, p.strict)
		return row, nil
	}
	if err := p.sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return rawRow{}, apperr.Invalid.With(apperr.FieldError{Field: "file", Line: p.line + 1, ZH: "该行超过 4 MiB", EN: "the line is longer than 4 MiB"})
		}
		return rawRow{}, err
	}
	return rawRow{}, io.EOF
}

// mapObject puts a JSON object's values into cells, reporting unknown keys and values that are
// not scalars.
func mapObject(e *catalog.Entry, look map[string]int, obj map[string]any, line int, cells []string, strict bool) []Problem {
	var probs []Problem
	for k, v := range obj {
		j, ok := look[strings.ToLower(strings.TrimSpace(k))]
		if !ok {
			if strict {
				probs = append(probs, Problem{Line: line, Field: clip(k, 40), Rule: RuleUnknownColumn, Dimension: DimAccuracy,
					ZH: fmt.Sprintf("“%s”不是该目录条目的信息项", clip(k, 40)), EN: fmt.Sprintf("%q is not a field of this catalog entry", clip(k, 40))})
			}
			continue
		}
		switch x := v.(type) {
		case nil:
		case string:
			cells[j] = x
		case json.Number:
			cells[j] = x.String()
		case float64:
			cells[j] = strconv.FormatFloat(x, 'f', -1, 64)
		case bool:
			cells[j] = strconv.FormatBool(x)
		default:
			probs = append(probs, Problem{Line: line, Field: e.Fields[j].Name, Rule: RuleType, Dimension: DimAccuracy,
				ZH: fmt.Sprintf("%s：值应为字符串、数字或布尔值", e.Fields[j].Label), EN: fmt.Sprintf("%s: the value must be a string, number or boolean", e.Fields[j].Name)})
		}
	}
	return probs
}

// ---- pushed rows ----

type objectsParser struct {
	e    *catalog.Entry
	look map[string]int
	rows []map[string]any
	i    int
}

func (p *objectsParser) header() ([]Problem, bool) { return nil, false }
func (p *objectsParser) encoding() string          { return "utf-8" }
func (p *objectsParser) close() error              { return nil }
func (p *objectsParser) next() (rawRow, error) {
	if p.i >= len(p.rows) {
		return rawRow{}, io.EOF
	}
	p.i++
	row := rawRow{line: p.i, cells: make([]string, len(p.e.Fields))}
	row.probs = mapObject(p.e, p.look, p.rows[p.i-1], p.i, row.cells, true)
	return row, nil
}

// ---- XLSX ----

type xlsxParser struct {
	lim     InputLimits
	cells   int64
	f       *excelize.File
	rows    *excelize.Rows
	e       *catalog.Entry
	cols    []int
	hprobs  []Problem
	fatal   bool
	line    int
	tmp     string
	nfields int
}

// newXLSXParser reads the first sheet of a workbook. A reader that is not a file is first
// spooled to a temporary file, so the workbook is never held in memory whole (excelize streams
// large sheets from temporary files too).
func newXLSXParser(r io.Reader, e *catalog.Entry, tempDir string, ignoreUnknown bool, lim InputLimits) (*xlsxParser, error) {
	lim = lim.Resolved()
	p := &xlsxParser{e: e, nfields: len(e.Fields), lim: lim}
	path := ""
	if f, ok := r.(*os.File); ok && f.Name() != "" {
		path = f.Name()
	} else {
		tf, err := os.CreateTemp(tempDir, "pubdata-upload-*.xlsx")
		if err != nil {
			return nil, err
		}
		p.tmp = tf.Name()
		if _, err := io.Copy(tf, r); err != nil {
			tf.Close()
			os.Remove(p.tmp)
			return nil, err
		}
		tf.Close()
		path = p.tmp
	}
	// The archive's directory is checked before excelize expands anything.
	zf, err := os.Open(path)
	if err != nil {
		p.close()
		return nil, err
	}
	st, err := zf.Stat()
	if err == nil {
		err = ziplimit.Check(zf, st.Size(), lim.Zip)
	}
	zf.Close()
	if err != nil {
		p.close()
		return nil, err
	}
	f, err := excelize.OpenFile(path, XLSXOptions(lim.Zip, tempDir))
	if err != nil {
		p.close()
		return nil, apperr.New(422, "ingest_xlsx", "无法读取该 XLSX 文件（文件已损坏或不是 Excel 2007 以上格式）", "cannot read the XLSX file (damaged, or not an Excel 2007+ workbook)")
	}
	p.f = f
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		p.close()
		return nil, ErrEmpty
	}
	p.rows, err = f.Rows(sheets[0])
	if err != nil {
		p.close()
		return nil, err
	}
	if !p.rows.Next() {
		p.close()
		return nil, ErrEmpty
	}
	p.line = 1
	hdr, err := p.rows.Columns()
	if err != nil {
		p.close()
		return nil, err
	}
	for len(hdr) > 0 && strings.TrimSpace(hdr[len(hdr)-1]) == "" {
		hdr = hdr[:len(hdr)-1]
	}
	p.cols, p.hprobs, p.fatal = mapColumns(e, hdr, ignoreUnknown)
	return p, nil
}

func (p *xlsxParser) header() ([]Problem, bool) { return p.hprobs, p.fatal }
func (p *xlsxParser) encoding() string          { return "xlsx" }
func (p *xlsxParser) close() error {
	if p.rows != nil {
		p.rows.Close()
	}
	if p.f != nil {
		p.f.Close()
	}
	if p.tmp != "" {
		os.Remove(p.tmp)
	}
	return nil
}

// XLSXOptions are excelize's options under the zip limits: nothing expands past MaxExpanded,
// and sheets over 8 MiB are streamed from temporary files instead of held in memory.
func XLSXOptions(l ziplimit.Limits, tempDir string) excelize.Options {
	l = l.Resolved()
	return excelize.Options{UnzipSizeLimit: l.MaxExpanded, UnzipXMLSizeLimit: min(8<<20, l.MaxExpanded), TmpDir: tempDir}
}

func (p *xlsxParser) next() (rawRow, error) {
	for p.rows.Next() {
		p.line++
		if p.line > p.lim.MaxRows {
			return rawRow{}, apperr.New(http.StatusRequestEntityTooLarge, "input_too_many_rows",
				fmt.Sprintf("工作表超过 %d 行的上限（第 %d 行）", p.lim.MaxRows, p.line),
				fmt.Sprintf("the sheet has more than the limit of %d rows (row %d)", p.lim.MaxRows, p.line))
		}
		rec, err := p.rows.Columns()
		if err != nil {
			return rawRow{}, ziplimit.ErrNotZip.Wrap(err) // e.g. an entry holding more than it declares
		}
		p.cells += int64(len(rec))
		if p.cells > p.lim.MaxCells {
			return rawRow{}, apperr.New(http.StatusRequestEntityTooLarge, "input_too_many_cells",
				fmt.Sprintf("工作表超过 %d 个单元格的上限（第 %d 行）", p.lim.MaxCells, p.line),
				fmt.Sprintf("the sheet has more than the limit of %d cells (row %d)", p.lim.MaxCells, p.line))
		}
		empty := true
		for _, v := range rec {
			if strings.TrimSpace(v) != "" {
				empty = false
				break
			}
		}
		if empty {
			continue
		}
		row := rawRow{line: p.line, cells: make([]string, p.nfields)}
		if len(rec) > len(p.cols) {
			extra := false
			for _, v := range rec[len(p.cols):] {
				if strings.TrimSpace(v) != "" {
					extra = true
				}
			}
			if extra {
				row.probs = append(row.probs, Problem{Line: p.line, Rule: RuleRagged, Dimension: DimAccuracy,
					ZH: fmt.Sprintf("该行有 %d 列，表头有 %d 列", len(rec), len(p.cols)),
					EN: fmt.Sprintf("the row has %d columns; the header has %d", len(rec), len(p.cols))})
			}
		}
		for i, v := range rec {
			if i < len(p.cols) && p.cols[i] >= 0 {
				row.cells[p.cols[i]] = v
			}
		}
		return row, nil
	}
	if err := p.rows.Error(); err != nil {
		return rawRow{}, ziplimit.ErrNotZip.Wrap(err)
	}
	return rawRow{}, io.EOF
}

// ---- table pull ----

type sqlRowsParser struct {
	ctx     context.Context
	rows    *sql.Rows
	e       *catalog.Entry
	cols    []int
	vals    []any
	line    int
	wmIdx   int
	lastWM  string
	nfields int
}

func newSQLRowsParser(ctx context.Context, rows *sql.Rows, e *catalog.Entry, wmCol string) (*sqlRowsParser, error) {
	names, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	p := &sqlRowsParser{ctx: ctx, rows: rows, e: e, nfields: len(e.Fields), wmIdx: -1}
	p.cols, _, _ = mapColumns(e, names, true)
	for i, n := range names {
		if wmCol != "" && strings.EqualFold(n, wmCol) {
			p.wmIdx = i
		}
	}
	p.vals = make([]any, len(names))
	return p, nil
}

func (p *sqlRowsParser) header() ([]Problem, bool) {
	_, probs, fatal := mapColumns(p.e, p.columnNames(), true)
	return probs, fatal
}

func (p *sqlRowsParser) columnNames() []string {
	n, _ := p.rows.Columns()
	return n
}
func (p *sqlRowsParser) encoding() string { return "" }
func (p *sqlRowsParser) close() error     { return p.rows.Close() }

func (p *sqlRowsParser) next() (rawRow, error) {
	if !p.rows.Next() {
		if err := p.rows.Err(); err != nil {
			return rawRow{}, err
		}
		return rawRow{}, io.EOF
	}
	p.line++
	ptrs := make([]any, len(p.vals))
	for i := range p.vals {
		ptrs[i] = &p.vals[i]
	}
	if err := p.rows.Scan(ptrs...); err != nil {
		return rawRow{}, err
	}
	row := rawRow{line: p.line, cells: make([]string, p.nfields)}
	for i, v := range p.vals {
		s := sqlString(v)
		if i == p.wmIdx {
			p.lastWM = s
		}
		if p.cols[i] >= 0 {
			f := p.e.Fields[p.cols[i]]
			if t, ok := v.(time.Time); ok && (f.Type == catalog.TypeDate || f.Kind == catalog.KindDate) {
				s = t.Format("2006-01-02")
			}
			row.cells[p.cols[i]] = s
		}
		if !utf8.ValidString(s) {
			row.probs = append(row.probs, encodingProblem(p.line, ""))
		}
	}
	return row, nil
}

// sqlString renders a value scanned from a source database.
func sqlString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02 15:04:05")
	}
	return fmt.Sprint(v)
}

func encodingProblem(line int, field string) Problem {
	return Problem{Line: line, Field: field, Rule: RuleEncoding, Dimension: DimAccuracy,
		ZH: "该行含有无效字符编码（文件编码损坏或混用了不同编码）", EN: "the line contains invalid character encoding (a broken or mixed encoding)"}
}
