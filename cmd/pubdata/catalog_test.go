package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// `pubdata catalog export` in each format and `pubdata catalog import`: a file with bad rows
// reports every bad line, exits non-zero and imports nothing; --skip-bad imports the rest.
func TestCatalogExportImportCommands(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		testutil.DemoApp(t, d, nil)
		dir := t.TempDir()
		for _, f := range []string{"csv", "xlsx", "json"} {
			out := filepath.Join(dir, "catalog."+f)
			r := pubdata(t, "", append(dbArgs(d), "catalog", "export", "--format", f, "-o", out)...)
			if r.code != 0 || !strings.Contains(r.stderr, "exported") {
				t.Fatalf("export %s: %s", f, r)
			}
			if st, err := os.Stat(out); err != nil || st.Size() < 1000 {
				t.Fatalf("export %s: %v", f, err)
			}
		}
		r := pubdata(t, "", append(dbArgs(d), "catalog", "export", "--format", "pdf")...)
		if r.code == 0 {
			t.Fatalf("export pdf accepted: %s", r)
		}
		data, _ := os.ReadFile(filepath.Join(dir, "catalog.csv"))
		lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
		// Break rows 3 and 5: an unknown share type and an empty name; change codes so the
		// good rows are new entries.
		var b strings.Builder
		b.WriteString(lines[0] + "\n")
		for i, l := range lines[1:6] {
			l = strings.Replace(l, "-0000", "-9000", 1)
			switch i + 2 {
			case 3:
				l = strings.Replace(l, ",conditional,", ",sometimes,", 1)
				l = strings.Replace(l, ",unconditional,", ",sometimes,", 1)
				l = strings.Replace(l, ",none,", ",sometimes,", 1)
			case 5:
				parts := strings.SplitN(l, ",", 3)
				l = parts[0] + ",," + parts[2]
			}
			b.WriteString(l + "\n")
		}
		bad := filepath.Join(dir, "bad.csv")
		os.WriteFile(bad, []byte(b.String()), 0o644)
		before := count(t, d, "SELECT COUNT(*) FROM catalog_entries")
		r = pubdata(t, "", append(dbArgs(d), "catalog", "import", bad)...)
		if r.code == 0 || !strings.Contains(r.stderr, "catalog.import_invalid") || !strings.Contains(r.stderr, "line 3") || !strings.Contains(r.stderr, "line 5") || strings.Contains(r.stderr, "line 2:") {
			t.Fatalf("import with bad rows: %s", r)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM catalog_entries"); n != before {
			t.Fatalf("%d entries imported from a bad file", n-before)
		}
		r = pubdata(t, "", append(dbArgs(d), "catalog", "import", "--skip-bad", bad)...)
		if r.code != 0 || !strings.Contains(r.stdout, "created 3") || !strings.Contains(r.stdout, "skipped 2") {
			t.Fatalf("import --skip-bad: %s", r)
		}
		if n := count(t, d, "SELECT COUNT(*) FROM catalog_entries"); n != before+3 {
			t.Fatalf("imported %d, want 3", n-before)
		}
	})
}
