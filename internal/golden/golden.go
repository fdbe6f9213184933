// Package golden compares a test's output with a golden file under testdata/ (黄金文件): the
// outputs that other systems read — the OpenAPI document, exports, DCAT and CKAN answers, charts —
// are pinned byte for byte, so any change to them shows up in review as a diff of the file.
//
// Run the package's tests with -update (go test ./internal/x -run TestY -update) to rewrite the
// files after checking that the change is intended.
package golden

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// Check compares got with testdata/name (rewriting it under -update) and fails the test with the
// first differing line when they differ.
func Check(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("output differs from %s (run the test with -update after checking the change): %s", path, firstDiff(want, got))
	}
}

// firstDiff describes the first line where want and got differ.
func firstDiff(want, got []byte) string {
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\n  want %.300q\n  got  %.300q", i+1, wl, gl)
		}
	}
	return "same lines, different bytes"
}
