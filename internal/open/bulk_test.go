package open_test

import (
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"

	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/ingest"
	"pubdata/internal/testutil"
)

// The download's bulk read (ingest.ScanBulk: chunks built as JSON inside SQLite) gives exactly
// the rows of the per-value scan, in the same order, for the current and an older version,
// across several chunks, whatever the values hold (quotes, backslashes, line breaks, control
// characters, characters outside the BMP, empty values).
func TestScanBulkMatchesScanColumns(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-10-12 10:00"))
		e := publish(t, a, reportEntry(catalog.OpenUnconditional))
		odd := []string{`引号"内"`, `反斜杠\n不是换行`, "换\n行", "回车\r\n", "制表\t符", "控制\x01\x1f字符", "表情😀𠀀", "'=1+2", "", "  前导空格",
			"\u2028分隔", `{"json":[1,2]}`, "null", "[", "]", ",", `\u0041`}
		rows := func(n, shift int) string {
			var b strings.Builder
			w := csv.NewWriter(&b)
			w.Write([]string{"credit_code", "company", "legal_rep", "rep_id", "contact_phone", "employees", "district"})
			for i := 1; i <= n; i++ {
				w.Write([]string{creditCode(i), odd[(i+shift)%len(odd)] + fmt.Sprint(i), "张三", "", "", fmt.Sprint(i % 50), "150102"})
			}
			w.Flush()
			return b.String()
		}
		load(t, a, e, rows(2600, 0))
		load(t, a, e, rows(2300, 3))
		fields := []string{"company", "credit_code", "employees", "rep_id", "district"}
		for _, v := range []int64{0, 1, 2} {
			var want, got [][]string
			_, err := a.Ingest.ScanColumns(ctx, e.ID, fields, ingest.ScanOptions{Version: v}, func(_ string, row []string) error {
				want = append(want, slices.Clone(row))
				return nil
			})
			must(t, err)
			info, err := a.Ingest.ScanBulk(ctx, e.ID, fields, v, func(row []string) error {
				got = append(got, slices.Clone(row))
				return nil
			})
			must(t, err)
			if len(want) < 2300 || !slices.EqualFunc(want, got, slices.Equal[[]string]) {
				t.Fatalf("version %d (read %d): %d rows by value, %d in bulk; first difference %v", v, info.Version, len(want), len(got), firstDiff(want, got))
			}
		}
		if _, err := a.Ingest.ScanBulk(ctx, e.ID, []string{"nope"}, 0, func([]string) error { return nil }); err == nil {
			t.Fatal("an unknown field was read")
		}
	})
}

func firstDiff(a, b [][]string) string {
	for i := range min(len(a), len(b)) {
		if !slices.Equal(a[i], b[i]) {
			return fmt.Sprintf("row %d: %q / %q", i, a[i], b[i])
		}
	}
	return "(lengths)"
}
