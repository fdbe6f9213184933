package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"pubdata/internal/apperr"
	"pubdata/internal/catalog"
)

// fuzzEntry is a small entry for parsing tests: a key, a name with a declared length, a number.
var fuzzEntry = &catalog.Entry{ID: "e", Fields: []catalog.Field{
	{Name: "id", Label: "编号", Type: catalog.TypeString, Kind: catalog.KindText, IsKey: true},
	{Name: "name", Label: "名称", Type: catalog.TypeString, Kind: catalog.KindText, MaxLength: 8},
	{Name: "amount", Label: "金额", Type: catalog.TypeDecimal, Kind: catalog.KindNumber},
}}

// smallXLSX is a real workbook with the entry's header and n rows.
func smallXLSX(tb testing.TB, n int) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetRow("Sheet1", "A1", &[]any{"id", "name", "amount"})
	for i := 0; i < n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		f.SetSheetRow("Sheet1", cell, &[]any{fmt.Sprintf("K%04d", i), "名称", i})
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// bombXLSX is smallXLSX with its sheet replaced by one that expands to size bytes (rows of
// the same cell, which compress about a thousand times).
func bombXLSX(tb testing.TB, size int) []byte {
	tb.Helper()
	src, err := zip.NewReader(bytes.NewReader(smallXLSX(tb, 1)), int64(len(smallXLSX(tb, 1))))
	if err != nil {
		tb.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.DefaultCompression) })
	for _, f := range src.File {
		w, _ := zw.Create(f.Name)
		if f.Name == "xl/worksheets/sheet1.xml" {
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
			row := []byte(`<row><c t="inlineStr"><is><t>x</t></is></c></row>`)
			chunk := bytes.Repeat(row, 64<<10/len(row))
			for n := 0; n < size; n += len(chunk) {
				w.Write(chunk)
			}
			io.WriteString(w, `</sheetData></worksheet>`)
			continue
		}
		r, _ := f.Open()
		io.Copy(w, r)
		r.Close()
	}
	zw.Close()
	return out.Bytes()
}

var bomb = sync.OnceValue(func() []byte { return bombXLSX(&testing.T{}, 300<<20) })

// parseAll parses data as format with the given limits and reads every row; it returns the
// rows read and the first error.
func parseAll(data []byte, format Format, lim InputLimits) (int, error) {
	s := &Service{Input: lim}
	p, err := s.parserFor(context.Background(), fuzzEntry, &LoadRequest{Format: format, FileName: "f." + string(format), Body: bytes.NewReader(data)})
	if err != nil {
		return 0, err
	}
	defer p.close()
	chk := newChecker(fuzzEntry, nil, nil, newReportBuilder(fuzzEntry, 100), time.Now())
	chk.maxCell = lim.MaxCellBytes
	n := 0
	for {
		row, err := p.next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		chk.check(&row)
		n++
	}
}

// allocated runs fn and returns the bytes it allocated on the heap.
func allocated(fn func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	fn()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

func code(err error) string {
	var e *apperr.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// TestXLSXBombRefused: a workbook of well under 1 MiB that expands to 300 MiB is refused before
// anything is expanded, quickly and with little memory.
func TestXLSXBombRefused(t *testing.T) {
	data := bomb()
	if len(data) > 1<<20 {
		t.Fatalf("the bomb is %d bytes; want under 1 MiB", len(data))
	}
	var err error
	start := time.Now()
	alloc := allocated(func() { _, err = parseAll(data, FormatXLSX, InputLimits{}) })
	if code(err) != "input_expands_too_far" || apperr.As(err).Status != 413 {
		t.Fatalf("bomb: %v", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("refusing the bomb took %v", took)
	}
	if alloc > 16<<20 {
		t.Fatalf("refusing the bomb allocated %d MiB", alloc>>20)
	}
	t.Logf("%d KiB bomb declaring 300 MiB refused in %v, %d KiB allocated", len(data)>>10, time.Since(start), alloc>>10)
}

func TestXLSXLimits(t *testing.T) {
	ok := smallXLSX(t, 50)
	if n, err := parseAll(ok, FormatXLSX, InputLimits{}); err != nil || n != 50 {
		t.Fatalf("a normal workbook: %d rows, %v", n, err)
	}
	// Rows and cells.
	if _, err := parseAll(ok, FormatXLSX, InputLimits{MaxRows: 20}); code(err) != "input_too_many_rows" || !strings.Contains(apperr.As(err).EN, "limit of 20 rows") {
		t.Fatalf("rows: %v", err)
	}
	if _, err := parseAll(ok, FormatXLSX, InputLimits{MaxCells: 60}); code(err) != "input_too_many_cells" || !strings.Contains(apperr.As(err).ZH, "60 个单元格") {
		t.Fatalf("cells: %v", err)
	}
	// Expanded size, ratio and entries, each on its own.
	mid := bombXLSX(t, 4<<20)
	if _, err := parseAll(mid, FormatXLSX, InputLimits{}); code(err) != "input_expands_too_far" || !strings.Contains(apperr.As(err).EN, "times its compressed size") {
		t.Fatalf("ratio: %v", err)
	}
	if _, err := parseAll(ok, FormatXLSX, InputLimits{}); err != nil {
		t.Fatal(err)
	}
	lim := InputLimits{}
	lim.Zip.MaxExpanded = 4 << 10
	if _, err := parseAll(ok, FormatXLSX, lim); code(err) != "input_expands_too_far" || !strings.Contains(apperr.As(err).ZH, "4 KiB") {
		t.Fatalf("expanded size: %v", err)
	}
	lim = InputLimits{}
	lim.Zip.MaxEntries = 3
	if _, err := parseAll(ok, FormatXLSX, lim); code(err) != "input_expands_too_far" {
		t.Fatalf("entries: %v", err)
	}
}

// lyingXLSX is smallXLSX whose sheet declares a smaller size than it holds.
func lyingXLSX(t *testing.T) []byte {
	src := smallXLSX(t, 2000)
	zr, _ := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		raw, _ := f.OpenRaw()
		h := f.FileHeader
		if f.Name == "xl/worksheets/sheet1.xml" {
			h.UncompressedSize64 = 1000 // declares 1000 bytes, holds far more
		}
		w, err := zw.CreateRaw(&h)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(w, raw)
	}
	zw.Close()
	return out.Bytes()
}

// An entry that holds more than it declares is refused: it cannot expand past what was checked.
func TestXLSXDeclaredSizeEnforced(t *testing.T) {
	n, err := parseAll(lyingXLSX(t), FormatXLSX, InputLimits{})
	if err == nil || n >= 2000 {
		t.Fatalf("a sheet holding more than it declares: %d rows read, %v", n, err)
	}
	if code(err) != "ingest_xlsx" {
		t.Fatalf("want the unreadable-workbook error, got %v", err)
	}
}

// FuzzParse feeds arbitrary bytes to the CSV, JSON Lines and XLSX parsers under small limits:
// none may panic, run long, or allocate more than a bound. The seed corpus (a real workbook,
// a zip bomb, CSV with NUL bytes and long values) runs as a normal test.
func FuzzParse(f *testing.F) {
	f.Add(smallXLSX(f, 3))
	f.Add(bombXLSX(f, 8<<20))
	f.Add([]byte("id,name,amount\nK1,名称,1\nK2,a\x00b,2\nK3," + strings.Repeat("长", 100) + ",3\n"))
	f.Add([]byte("{\"id\":\"K1\",\"name\":\"x\\u0000y\",\"amount\":1}\n"))
	f.Add([]byte("PK\x03\x04garbage"))
	lim := InputLimits{MaxRows: 10000, MaxCells: 100000}
	lim.Zip.MaxExpanded = 16 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []Format{FormatCSV, FormatJSONL, FormatXLSX} {
			var err error
			start := time.Now()
			alloc := allocated(func() { _, err = parseAll(data, format, lim) })
			_ = err
			if bound := uint64(64<<20) + 64*uint64(len(data)); alloc > bound {
				t.Fatalf("%s: %d bytes of input allocated %d MiB", format, len(data), alloc>>20)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Fatalf("%s: %d bytes of input took %v", format, len(data), took)
			}
		}
	})
}
