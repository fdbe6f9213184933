package open_test

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/golden"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// The download formats that other systems read (spreadsheets, ETL tools) are pinned byte for
// byte in testdata/exports/: the demo's elderly-homes dataset as CSV (plain, with BOM and Chinese
// labels, GB18030), JSON and the XLSX sheet. Rewrite with
// go test ./internal/open -run TestExportsGolden -update.
//
// Rows leave in the order the database returns the current version (no sort, so that a million
// rows stream without one): load order on SQLite (chunks of rowids), heap order on PostgreSQL,
// which updates can change — so on PostgreSQL the same files must hold the same lines in any order.
func TestExportsGolden(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		h, _, err := server.Handler(a, false)
		must(t, err)
		dl := func(q string) []byte {
			t.Helper()
			r := get(t, h, "/api/v1/open/datasets/cat-elderly-homes/download?"+q)
			if r.code != 200 {
				t.Fatalf("download %s: %d %s", q, r.code, r.body)
			}
			return r.body
		}
		check := func(name string, got []byte) {
			t.Helper()
			if !d.IsPG() {
				golden.Check(t, name, got)
				return
			}
			want, err := os.ReadFile(filepath.Join("testdata", name))
			must(t, err)
			if w, g := sortedLines(jsonRowsComma(want)), sortedLines(jsonRowsComma(got)); w != g {
				t.Errorf("%s: PostgreSQL's download holds other lines than the golden file:\n%s\n--- got ---\n%s", name, w, g)
			}
		}
		check("exports/elderly-homes.csv", dl("format=csv"))
		check("exports/elderly-homes.bom-labels.csv", dl("format=csv&bom=1&labels=1"))
		check("exports/elderly-homes.gb18030.csv", dl("format=csv&encoding=gb18030&labels=1"))
		check("exports/elderly-homes.json", dl("format=json"))
		if d.IsPG() {
			return
		}
		// An XLSX file is a zip whose entries carry timestamps; the sheet and its strings are what
		// a reader sees.
		x := dl("format=xlsx")
		zr, err := zip.NewReader(bytes.NewReader(x), int64(len(x)))
		must(t, err)
		for _, f := range zr.File {
			if f.Name != "xl/worksheets/sheet1.xml" && f.Name != "xl/sharedStrings.xml" {
				continue
			}
			rc, err := f.Open()
			must(t, err)
			b, err := io.ReadAll(rc)
			rc.Close()
			must(t, err)
			golden.Check(t, "exports/elderly-homes.xlsx."+strings.ReplaceAll(f.Name[len("xl/"):], "/", "."), b)
		}
	})
}

// sortedLines is the text's lines in sorted order (the BOM kept on whichever line has it).
func sortedLines(b []byte) string {
	lines := strings.Split(strings.TrimPrefix(string(b), "\xEF\xBB\xBF"), "\n")
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// jsonRowsComma gives every row of a JSON array download (one per line) the same trailing
// comma, so that the rows compare in any order; CSV lines are left as they are.
func jsonRowsComma(b []byte) []byte {
	return []byte(strings.ReplaceAll(strings.ReplaceAll(string(b), "},\n", "}\n"), "}\n", "},\n"))
}
