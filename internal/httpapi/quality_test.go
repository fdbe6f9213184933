package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
)

// The quality API over the demo region: the citizen's objection flow, the provider's queue and
// answer, rules, tasks and the trend chart, each failure in the error shape.
func TestQualityAPI(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cc, ccsrf := e.session("citizen")
		oc, ocsrf := e.session("officer")

		// The citizen's own objection (demo data) and the record it is about.
		r := e.do(req{method: "GET", path: "/api/v1/quality/objections?box=mine", cookies: []*http.Cookie{cc}})
		if r.Code != 200 {
			t.Fatalf("mine: %d %s", r.Code, r.body)
		}
		var list struct {
			Items []struct {
				ID, Key, State string
			} `json:"items"`
			Total int `json:"total"`
		}
		json.Unmarshal([]byte(r.body), &list)
		if list.Total != 1 || list.Items[0].State != "open" {
			t.Fatalf("mine: %s", r.body)
		}
		id := list.Items[0].ID

		// Raising needs a body in the error shape when wrong; someone else's record is refused.
		r = e.do(req{method: "POST", path: "/api/v1/quality/objections", body: `{"entry_id":"` + demo.EntryPopulation + `","kind":"x"}`, cookies: []*http.Cookie{cc}, csrf: ccsrf})
		if r.Code != 422 {
			t.Fatalf("bad objection: %d %s", r.Code, r.body)
		}
		// (The key may be left empty: an objection about the entry as a whole.)
		if f := errorShape(t, r).fieldNames(); f != "kind,description" {
			t.Errorf("fields named: %s", f)
		}
		r = e.do(req{method: "POST", path: "/api/v1/quality/objections", body: `{"entry_id":"` + demo.EntryPopulation + `","key":"` + list.Items[0].Key + `","kind":"wrong","description":"重复"}`,
			cookies: []*http.Cookie{cc}, csrf: ccsrf})
		if r.Code != 409 || errorShape(t, r).Code != "quality.objection_exists" {
			t.Errorf("duplicate: %d %s", r.Code, r.body)
		}

		// The provider's queue; verify; the citizen cannot answer.
		r = e.do(req{method: "GET", path: "/api/v1/quality/objections?box=queue&state=live", cookies: []*http.Cookie{oc}})
		if r.Code != 200 || !strings.Contains(r.body, id) {
			t.Fatalf("queue: %d %s", r.Code, r.body)
		}
		r = e.do(req{method: "POST", path: "/api/v1/quality/objections/" + id + "/events", body: `{"event":"reject","answer":"no"}`, cookies: []*http.Cookie{cc}, csrf: ccsrf})
		if r.Code != 403 {
			t.Errorf("citizen answered: %d %s", r.Code, r.body)
		}
		r = e.do(req{method: "POST", path: "/api/v1/quality/objections/" + id + "/events", body: `{"event":"verify"}`, cookies: []*http.Cookie{oc}, csrf: ocsrf})
		if r.Code != 200 || !strings.Contains(r.body, `"state":"verifying"`) {
			t.Fatalf("verify: %d %s", r.Code, r.body)
		}

		// Rules: list, add (bad, then good), try.
		r = e.do(req{method: "GET", path: "/api/v1/quality/entries/" + demo.EntryPopulation + "/rules", cookies: []*http.Cookie{oc}})
		if r.Code != 200 || !strings.Contains(r.body, "身份号码与出生日期、性别一致") {
			t.Fatalf("rules: %d %s", r.Code, r.body)
		}
		r = e.do(req{method: "POST", path: "/api/v1/quality/entries/" + demo.EntryPopulation + "/rules", body: `{"name":"姓名","kind":"regex","params":{"field":"name","pattern":"("}}`,
			cookies: []*http.Cookie{oc}, csrf: ocsrf})
		if r.Code != 422 || errorShape(t, r).fieldNames() != "params.pattern" {
			t.Errorf("bad rule: %d %s", r.Code, r.body)
		}
		r = e.do(req{method: "POST", path: "/api/v1/quality/entries/" + demo.EntryPopulation + "/rules", body: `{"name":"姓名为汉字","kind":"regex","params":{"field":"name","pattern":"^\\p{Han}+$"}}`,
			cookies: []*http.Cookie{oc}, csrf: ocsrf})
		if r.Code != 201 {
			t.Fatalf("add rule: %d %s", r.Code, r.body)
		}
		r = e.do(req{method: "POST", path: "/api/v1/quality/entries/" + demo.EntryPopulation + "/rules/try",
			body: `{"rule":{"name":"t","kind":"enum","params":{"field":"sex","values":["男","女"]}},"record":{"sex":"X"}}`, cookies: []*http.Cookie{oc}, csrf: ocsrf})
		if r.Code != 200 || !strings.Contains(r.body, `"field":"sex"`) {
			t.Errorf("try: %d %s", r.Code, r.body)
		}

		// Tasks (the demo's) and the trend chart.
		r = e.do(req{method: "GET", path: "/api/v1/quality/tasks?state=live", cookies: []*http.Cookie{oc}})
		if r.Code != 200 || !strings.Contains(r.body, demo.EntryPopulation) {
			t.Fatalf("tasks: %d %s", r.Code, r.body)
		}
		r = e.do(req{method: "GET", path: "/api/v1/quality/entries/" + demo.EntryPopulation + "/trend.svg?period=day", cookies: []*http.Cookie{oc}})
		if r.Code != 200 || !strings.HasPrefix(r.Header().Get("Content-Type"), "image/svg+xml") || !strings.HasPrefix(r.body, "<svg") {
			t.Errorf("trend: %d %s %.100s", r.Code, r.Header().Get("Content-Type"), r.body)
		}
		r = e.do(req{method: "GET", path: "/api/v1/quality/entries/" + demo.EntryPopulation + "/scores?period=week", cookies: []*http.Cookie{oc}})
		if r.Code != 422 || errorShape(t, r).fieldNames() != "period" {
			t.Errorf("bad period: %d %s", r.Code, r.body)
		}
		// Public users see no scores; anonymous callers are asked to log in.
		r = e.do(req{method: "GET", path: "/api/v1/quality/orgs/" + demo.OrgPublicSec + "/scores", cookies: []*http.Cookie{cc}})
		if r.Code != 403 {
			t.Errorf("citizen reads scores: %d", r.Code)
		}
		if r = e.do(req{method: "GET", path: "/api/v1/quality/tasks"}); r.Code != 401 {
			t.Errorf("anonymous: %d", r.Code)
		}
	})
}
