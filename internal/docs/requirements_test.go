package docs

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

var requirementID = regexp.MustCompile(`\b(?:CAT|AGG|QUA|SHR|OPN|OPR|MKT|SEC|SUP)-[0-9]+\b`)

// root is the repository root (this package is internal/docs).
const root = "../.."

// defined returns the ids that docs/requirements.md defines (the first cell of a table row) and
// the file's text.
func defined(t *testing.T) (map[string]bool, string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "docs", "requirements.md"))
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\| ([A-Z]{3}-[0-9]+) \|`).FindAllStringSubmatch(string(b), -1) {
		if ids[m[1]] {
			t.Errorf("docs/requirements.md defines %s twice", m[1])
		}
		ids[m[1]] = true
	}
	return ids, string(b)
}

// Every requirement id that a Go file, SQL migration, template or Markdown document cites is
// defined in docs/requirements.md, so a citation always resolves. No database needed.
func TestEveryCitedRequirementExists(t *testing.T) {
	ids, _ := defined(t)
	// Each family is numbered 1…n without gaps (70 ids in all when this test was written).
	for _, fam := range []string{"CAT", "AGG", "QUA", "SHR", "OPN", "OPR", "MKT", "SEC", "SUP"} {
		n := 0
		for id := range ids {
			if strings.HasPrefix(id, fam+"-") {
				n++
			}
		}
		for i := 1; i <= n; i++ {
			if !ids[fmt.Sprintf("%s-%d", fam, i)] {
				t.Errorf("docs/requirements.md defines %d %s ids but not %s-%d", n, fam, fam, i)
			}
		}
		if n == 0 {
			t.Errorf("docs/requirements.md defines no %s ids", fam)
		}
	}
	if len(ids) < 70 {
		t.Fatalf("docs/requirements.md defines %d ids; want all 70", len(ids))
	}
	missing := map[string][]string{}
	cited := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "testdata" || n == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".go", ".md", ".sql", ".html":
		default:
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		for _, id := range requirementID.FindAllString(string(b), -1) {
			cited++
			if !ids[id] {
				missing[id] = append(missing[id], rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if cited == 0 {
		t.Fatal("found no cited requirement ids at all: is the walk reading the repository?")
	}
	keys := make([]string, 0, len(missing))
	for id := range missing {
		keys = append(keys, id)
	}
	sort.Strings(keys)
	for _, id := range keys {
		t.Errorf("%s is cited in %s but not defined in docs/requirements.md", id, strings.Join(dedup(missing[id]), ", "))
	}
}

// Every test that docs/requirements.md names (`internal/pkg/TestName`) exists, so the trace from
// an id to its tests does not go stale when a test is renamed.
func TestRequirementTestsExist(t *testing.T) {
	_, text := defined(t)
	refs := regexp.MustCompile("`((?:internal|cmd|bench)/[a-z0-9_/]+)/(Test[A-Za-z0-9_]+)`").FindAllStringSubmatch(text, -1)
	if len(refs) < 50 {
		t.Fatalf("docs/requirements.md names %d tests; want the tests of every implemented requirement", len(refs))
	}
	src := map[string]string{} // package dir → its test sources
	for _, r := range refs {
		dir, name := r[1], r[2]
		if _, ok := src[dir]; !ok {
			files, _ := filepath.Glob(filepath.Join(root, dir, "*_test.go"))
			var sb strings.Builder
			for _, f := range files {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				sb.Write(b)
			}
			src[dir] = sb.String()
		}
		if !regexp.MustCompile(`(?m)^func ` + name + `\(`).MatchString(src[dir]) {
			t.Errorf("docs/requirements.md names %s/%s, but no such test exists", dir, name)
		}
	}
}

func dedup(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
