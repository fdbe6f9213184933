package harvest_test

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"regexp"
	"testing"

	"pubdata/internal/golden"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// What harvesters read is pinned byte for byte in testdata/: CKAN's package_show,
// package_search and organization_list, the DCAT-AP catalogue in JSON-LD and Turtle and one
// dataset's DCAT, and the portal's Atom feed, over the demo region at a fixed clock. A change
// to any of them is a change every harvester sees: rewrite with
// go test ./internal/harvest -run TestHarvestGolden -update after checking it. It does not depend
// on the database: SQLite only (the backends are compared by the other tests here).
var changeID = regexp.MustCompile(`urn:uuid:[0-9a-f-]{36}`)

func TestHarvestGolden(t *testing.T) {
	a := testutil.DemoApp(t, testutil.SQLite(t), testutil.NewClock("2026-09-30 10:00"))
	h, _, err := server.Handler(a, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, file string }{
		{"/api/3/action/package_show?id=cat-elderly-homes", "ckan/package_show.json"},
		{"/api/3/action/package_search?rows=5&sort=id%20asc&facet.field=%5B%22organization%22%5D", "ckan/package_search.json"},
		{"/api/3/action/organization_list?all_fields=true", "ckan/organization_list.json"},
		{"/dcat/catalog.jsonld", "dcat/catalog.jsonld"},
		{"/dcat/catalog.ttl", "dcat/catalog.ttl"},
		{"/dcat/datasets/cat-elderly-homes.ttl", "dcat/dataset.ttl"},
		{"/feeds/datasets.atom", "atom/datasets.atom"},
	} {
		r := httptest.NewRequest("GET", c.path, nil)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			t.Errorf("%s: %d %.300s", c.path, w.Code, w.Body.String())
			continue
		}
		body := w.Body.Bytes()
		if json.Valid(body) {
			var out bytes.Buffer
			json.Indent(&out, body, "", "  ")
			body = append(out.Bytes(), '\n')
		}
		// Atom entry ids name change records (UUIDv7, new on every run); the rest is fixed.
		body = changeID.ReplaceAll(body, []byte("urn:uuid:(change id)"))
		golden.Check(t, c.file, body)
	}
}
