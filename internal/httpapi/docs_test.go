package httpapi_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pubdata/internal/testutil"
)

const (
	routeTableBegin = "<!-- BEGIN route table"
	routeTableEnd   = "<!-- END route table -->"
)

// docs/api.md embeds the route list with each route's token scope, rendered from the one
// route→scope table; this test fails when the page and the registry differ. Run it with
// PUBDATA_UPDATE_DOCS=1 to rewrite the page's table.
func TestDocsRouteTableInSync(t *testing.T) {
	e := newDirEnv(t, testutil.SQLite(t))
	want := e.api.RenderRouteTable()
	path := filepath.Join("..", "..", "docs", "api.md")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	b := strings.Index(doc, routeTableBegin)
	end := strings.Index(doc, routeTableEnd)
	if b < 0 || end < b {
		t.Fatalf("docs/api.md lacks the route-table markers")
	}
	b += strings.Index(doc[b:], "\n") + 1
	if got := doc[b:end]; got != want {
		if os.Getenv("PUBDATA_UPDATE_DOCS") == "1" {
			if err := os.WriteFile(path, []byte(doc[:b]+want+doc[end:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("docs/api.md's route table differs from the registry; rerun with PUBDATA_UPDATE_DOCS=1 to rewrite it.\nwant:\n%s", want)
	}
}
