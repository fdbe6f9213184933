package csvsafe

import (
	"bytes"
	"encoding/csv"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCell(t *testing.T) {
	for in, want := range map[string]string{
		"=1+2": "'=1+2", "+cmd|' /C calc'!A0": "'+cmd|' /C calc'!A0", "-2+3": "'-2+3", "@SUM(A1)": "'@SUM(A1)",
		"\t=1": "'\t=1", "\r=1": "'\r=1", "-12.5": "-12.5", "+86": "+86", "plain": "plain", "": "", "a=b": "a=b", "水=1": "水=1",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriter(t *testing.T) {
	var b bytes.Buffer
	w := NewWriter(&b)
	rec := []string{"=HYPERLINK(\"http://x\")", "ok"}
	w.Write(rec)
	w.Flush()
	if rec[0] != "=HYPERLINK(\"http://x\")" {
		t.Fatal("Write changed the caller's record")
	}
	got, err := csv.NewReader(&b).Read()
	if err != nil || got[0] != "'=HYPERLINK(\"http://x\")" || got[1] != "ok" {
		t.Fatalf("read back %q %v", got, err)
	}
}

func TestRestore(t *testing.T) {
	for _, v := range []string{"=1+2", "-2+3", "@x", "\t=1", "\r=1", "'plain", "'", "-12.5", "plain", ""} {
		if got := Restore(Cell(v)); got != v {
			t.Errorf("Restore(Cell(%q)) = %q", v, got)
		}
	}
}

// TestOneWriter keeps every CSV the platform writes on this package: a csv.NewWriter anywhere
// else would write cells unneutralized.
func TestOneWriter(t *testing.T) {
	root := "../.."
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") || strings.Contains(p, "internal/csvsafe/") {
			return err
		}
		b, err := os.ReadFile(p)
		if err == nil && bytes.Contains(b, []byte("csv.NewWriter(")) {
			t.Errorf("%s writes CSV with csv.NewWriter; use csvsafe.NewWriter", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
