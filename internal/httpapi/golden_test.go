package httpapi_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"pubdata/internal/golden"
	"pubdata/internal/testutil"
)

// The OpenAPI document is what client generators and integrators read: it is pinned in
// testdata/openapi.json, so a change to any route, schema or example shows as a diff there
// (rewrite with go test ./internal/httpapi -run TestOpenAPIGolden -update). It does not depend on
// the database: SQLite only.
func TestOpenAPIGolden(t *testing.T) {
	e := newDirEnv(t, testutil.SQLite(t))
	r := e.do(req{method: "GET", path: "/api/v1/openapi.json"})
	if r.Code != 200 {
		t.Fatalf("openapi.json: %d %.200s", r.Code, r.body)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, []byte(r.body), "", "  "); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	out.WriteByte('\n')
	golden.Check(t, "openapi.json", out.Bytes())
}
