package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
	"pubdata/internal/validate"
)

// No existence oracle in objections (issue #9 item 8), over HTTP: the data officer of an agency
// that received none of the population records (包头市供水公司) objects, as a data user, about a
// resident's ID number that is in the entry and about one that is not. "Wrong value" is refused
// with the same status and bytes for both; "missing" is accepted alike for both. A citizen objecting
// about another person's record is refused alike, and a user whose real-name identity is not
// verified (the application unit's) is refused before any lookup.
func TestObjectionsTellNoOutsiderWhichRecordsExist(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		people, _, err := e.a.Ingest.Query(ctx, demo.EntryPopulation, nil, 1, 0)
		if err != nil || len(people) == 0 {
			t.Fatalf("no resident in the demo: %v", err)
		}
		there := people[0].Values["citizen_id"]
		absent := validate.MakeCitizenID("150102", time.Date(1931, 2, 3, 0, 0, 0, 0, time.UTC), 997)
		if rows, _, _ := e.a.Ingest.Query(ctx, demo.EntryPopulation, map[string]string{"citizen_id": absent}, 1, 0); len(rows) != 0 {
			t.Fatalf("the made-up ID number %s is in the demo", absent)
		}
		raise := func(user, key, kind string) resp {
			t.Helper()
			c, csrf := e.session(user)
			body, _ := json.Marshal(map[string]any{"entry_id": demo.EntryPopulation, "key": key, "kind": kind, "description": "核对该记录"})
			return e.do(req{method: "POST", path: "/api/v1/quality/objections", body: string(body), cookies: []*http.Cookie{c}, csrf: csrf})
		}

		a, b := raise("water", there, "wrong"), raise("water", absent, "wrong")
		if a.Code != b.Code || a.body != b.body {
			t.Fatalf("an existing record and a missing one are answered differently:\n%d %s\n%d %s", a.Code, a.body, b.Code, b.body)
		}
		if a.Code != http.StatusUnprocessableEntity || errorShape(t, a).Code != "quality.record_not_found" {
			t.Fatalf("a data user without the data disputing a value: %d %s, want 422 quality.record_not_found", a.Code, a.body)
		}

		a, b = raise("water", there, "missing"), raise("water", absent, "missing")
		if a.Code != http.StatusCreated || b.Code != http.StatusCreated {
			t.Fatalf("\"missing\" about an existing record / a missing one: %d %s / %d %s", a.Code, a.body, b.Code, b.body)
		}
		var oa, ob map[string]any
		json.Unmarshal([]byte(a.body), &oa)
		json.Unmarshal([]byte(b.body), &ob)
		for _, k := range []string{"state", "kind", "objector_kind", "due", "disputed", "fields", "provider_org_id"} {
			if ja, jb := jsonOf(oa[k]), jsonOf(ob[k]); ja != jb {
				t.Errorf("\"missing\": %s is %s for an existing record and %s for a missing one", k, ja, jb)
			}
		}
		if len(oa) != len(ob) {
			t.Errorf("\"missing\": the answers have different fields: %d / %d", len(oa), len(ob))
		}

		// A citizen objecting about someone else's ID number: the same refusal whether the record
		// is there or not (not about the caller: 404 with the key named; not yet verified: 403
		// quality.identity_unverified, before any lookup).
		a, b = raise("citizen", there, "wrong"), raise("citizen", absent, "wrong")
		if code := errorShape(t, a).Code; a.Code != b.Code || a.body != b.body || (code != "not_found" && code != "quality.identity_unverified") {
			t.Fatalf("a citizen about another's record: %d %s / %d %s, want the same refusal", a.Code, a.body, b.Code, b.body)
		}
		a, b = raise("appunit", there, "wrong"), raise("appunit", absent, "wrong")
		if a.Code != b.Code || a.body != b.body || a.Code != http.StatusForbidden || errorShape(t, a).Code != "quality.identity_unverified" {
			t.Fatalf("an unverified user about a record: %d %s / %d %s, want the same 403 quality.identity_unverified", a.Code, a.body, b.Code, b.body)
		}
	})
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
