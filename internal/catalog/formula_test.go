package catalog_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// formulas are cell values a spreadsheet would evaluate.
var formulas = []string{`=HYPERLINK("http://evil.example","点击")`, "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"}

// csvCells reads a CSV written with a BOM and fails on any cell a spreadsheet would evaluate.
func csvCells(t *testing.T, what string, b []byte) [][]string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
	mustNoErr(t, err)
	for _, row := range rows {
		for _, c := range row {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("%s: cell %q would be evaluated as a formula", what, c)
			}
		}
	}
	return rows
}

func TestExportsNeutralizeFormulas(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		admin := who(t, a, "admin")
		entries, err := a.Catalog.ExportEntries(ctx, admin, catalog.ExportQuery{})
		mustNoErr(t, err)
		entries = entries[:len(formulas)]
		for i, f := range formulas {
			entries[i].Name, entries[i].Summary = f, f
		}
		var buf bytes.Buffer
		mustNoErr(t, catalog.WriteEntries(&buf, catalog.FormatCSV, entries))
		rows := csvCells(t, "catalog export", buf.Bytes())
		if len(rows) != len(formulas)+1 || rows[1][1] != "'"+formulas[0] {
			t.Fatalf("catalog export rows: %q", rows[:2])
		}
		// The platform's own import reads the values back as they were.
		back, err := catalog.ReadEntries(bytes.NewReader(buf.Bytes()), catalog.FormatCSV)
		mustNoErr(t, err)
		for i, f := range formulas {
			if back[i].Entry.Name != strings.TrimSpace(f) { // the import trims spaces
				t.Errorf("import read %q back as %q", f, back[i].Entry.Name)
			}
		}

		items, err := a.Catalog.NegativeList(ctx, admin, catalog.NegativeQuery{})
		mustNoErr(t, err)
		if len(items) == 0 {
			t.Fatal("empty negative list")
		}
		items = items[:1]
		items[0].Name, items[0].Reason, items[0].LegalBasis, items[0].ProviderName = formulas[0], formulas[1], formulas[3], formulas[4]
		items[0].Fields = []string{formulas[2]}
		buf.Reset()
		mustNoErr(t, catalog.WriteNegativeList(&buf, catalog.FormatCSV, items))
		if rows := csvCells(t, "negative list", buf.Bytes()); len(rows) != 2 {
			t.Fatalf("negative list rows: %q", rows)
		}
	})
}
