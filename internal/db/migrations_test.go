package db_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Every SQLite migration has its PostgreSQL twin of the same file name and vice versa, both with
// an Up and a Down section; numbers do not repeat and each lies in a range that
// migrations/README.md assigns to a capability. Reads the files only: no database needed.
func TestMigrationPairsAndRanges(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("migrations", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	type span struct{ lo, hi int }
	var ranges []span
	for _, m := range regexp.MustCompile(`(?m)^\| (\d{5})–(\d{5}) \|`).FindAllStringSubmatch(string(readme), -1) {
		lo, _ := strconv.Atoi(m[1])
		hi, _ := strconv.Atoi(m[2])
		ranges = append(ranges, span{lo, hi})
	}
	if len(ranges) < 5 {
		t.Fatalf("migrations/README.md lists %d number ranges; want the table of ranges per capability", len(ranges))
	}

	name := regexp.MustCompile(`^(\d{5})_[a-z0-9_]+\.sql$`)
	files := map[string]map[string]bool{} // dialect → file names
	for _, dialect := range []string{"sqlite", "postgres"} {
		files[dialect] = map[string]bool{}
		entries, err := os.ReadDir(filepath.Join("migrations", dialect))
		if err != nil {
			t.Fatal(err)
		}
		numbers := map[string]string{}
		for _, e := range entries {
			f := e.Name()
			m := name.FindStringSubmatch(f)
			if m == nil {
				t.Errorf("%s/%s: not a migration name (NNNNN_name.sql, lower case)", dialect, f)
				continue
			}
			files[dialect][f] = true
			if prev, ok := numbers[m[1]]; ok {
				t.Errorf("%s: %s and %s share the number %s", dialect, prev, f, m[1])
			}
			numbers[m[1]] = f
			n, _ := strconv.Atoi(m[1])
			in := false
			for _, r := range ranges {
				in = in || (n >= r.lo && n <= r.hi)
			}
			if !in {
				t.Errorf("%s/%s: number %d is in no range of migrations/README.md", dialect, f, n)
			}
			body, err := os.ReadFile(filepath.Join("migrations", dialect, f))
			if err != nil {
				t.Fatal(err)
			}
			up := strings.Index(string(body), "-- +goose Up")
			down := strings.Index(string(body), "-- +goose Down")
			if up < 0 || down < 0 || down < up {
				t.Errorf("%s/%s: want a \"-- +goose Up\" section followed by a \"-- +goose Down\" section", dialect, f)
			}
		}
	}
	for f := range files["sqlite"] {
		if !files["postgres"][f] {
			t.Errorf("sqlite/%s has no PostgreSQL twin postgres/%s", f, f)
		}
	}
	for f := range files["postgres"] {
		if !files["sqlite"][f] {
			t.Errorf("postgres/%s has no SQLite twin sqlite/%s", f, f)
		}
	}
	if len(files["sqlite"]) == 0 {
		t.Fatal("no migrations found")
	}
}
