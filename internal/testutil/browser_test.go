package testutil_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pubdata/internal/testutil"
)

// failingTB is a test that counts as failed once told so, without failing the real test: the
// browser helper's clean-up then saves what the page showed.
type failingTB struct {
	testing.TB
	failed bool
}

func (f *failingTB) Failed() bool { return f.failed || f.TB.Failed() }

// Every browser test saves a PNG screenshot and the HTML of the page it was on when it fails,
// under $PUBDATA_ARTIFACTS, named after the test; two browsers of one test keep separate files.
func TestBrowserSavesScreenshotOnFailure(t *testing.T) {
	// What the helper saves does not depend on the database: SQLite only.
	dir := t.TempDir()
	t.Setenv("PUBDATA_ARTIFACTS", dir)
	t.Cleanup(func() { // runs after the browsers' clean-ups (registered later, run first)
		pngs, _ := filepath.Glob(filepath.Join(dir, "*failure*.png"))
		htmls, _ := filepath.Glob(filepath.Join(dir, "*failure*.html"))
		if len(pngs) != 2 || len(htmls) != 2 {
			t.Fatalf("after two failing browsers: screenshots %q, pages %q; want two of each", pngs, htmls)
		}
		for _, p := range pngs {
			b, err := os.ReadFile(p)
			if err != nil || !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || len(b) < 1000 {
				t.Errorf("%s is not a PNG screenshot (%d bytes, %v)", p, len(b), err)
			}
			if !strings.Contains(filepath.Base(p), "TestBrowserSavesScreenshotOnFailure") {
				t.Errorf("%s is not named after the test", p)
			}
		}
		for _, p := range htmls {
			if b, _ := os.ReadFile(p); !strings.Contains(string(b), `action="/login"`) {
				t.Errorf("%s does not hold the login page: %.200s", p, b)
			}
		}
	})
	a := testutil.NewApp(t, testutil.SQLite(t), nil)
	for i := 0; i < 2; i++ {
		f := &failingTB{TB: t}
		b := testutil.NewBrowserForApp(f, a)
		b.Visit("/login")
		f.failed = true
	}
}
