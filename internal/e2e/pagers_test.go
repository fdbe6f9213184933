package e2e_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// pagedLists are the templates with a pager and the path TestFacetsAndNextPageChangeTheRows
// clicks through for each (keep the two together: a new paged list goes in both).
var pagedLists = map[string]string{
	"audit.html":              "/audit",
	"catalog_list.html":       "/catalog",
	"dashboard_items.html":    "/supervise/dashboard/items",
	"demand_list.html":        "/open/demands",
	"inbox.html":              "/inbox",
	"open_portal.html":        "/open",
	"quality_home.html":       "/quality",
	"quality_objections.html": "/objections",
	"share_escalations.html":  "/share/escalations",
	"share_grants.html":       "/share/grants",
	"share_list.html":         "/share",
}

// Every list of the web UI that pages (its template has a pager, or a link to page=) is
// clicked through by TestFacetsAndNextPageChangeTheRows.
func TestEveryPagerIsClicked(t *testing.T) {
	files, err := filepath.Glob("../web/templates/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v", err)
	}
	src, err := os.ReadFile("paging_test.go")
	if err != nil {
		t.Fatal(err)
	}
	pager := regexp.MustCompile(`class="pager"|[?&]page=|"page" \(`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		if !pager.Match(b) {
			continue
		}
		path, ok := pagedLists[name]
		if !ok {
			t.Errorf("%s pages but is not in pagedLists (and not clicked through)", name)
			continue
		}
		if !strings.Contains(string(src), `"`+path+`?`) {
			t.Errorf("%s: TestFacetsAndNextPageChangeTheRows does not visit %s", name, path)
		}
	}
}
