package open_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/open"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// Key scopes: a key is for open API calls, downloads, or both; it says so when issued and
// listed, and used on the other method it is refused with the reason — on the service, the
// /api/v1 routes and the CKAN datastore alike.
func TestKeyScopes(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-10-12 10:00"))
		h, _, err := server.Handler(a, false)
		must(t, err)
		e := publish(t, a, reportEntry(catalog.OpenUnconditional))
		load(t, a, e, reportRows(5))
		citizen := who(t, a, "citizen")

		_, err = a.Open.CreateKey(ctx, citizen, open.KeyInput{Name: "x", Scopes: []string{"upload"}})
		wantCode(t, err, "invalid")
		both, err := a.Open.CreateKey(ctx, citizen, open.KeyInput{Name: "两用"})
		must(t, err)
		apiOnly, err := a.Open.CreateKey(ctx, citizen, open.KeyInput{Name: "接口", Scopes: []string{open.ScopeAPI}})
		must(t, err)
		dlOnly, err := a.Open.CreateKey(ctx, citizen, open.KeyInput{Name: "下载", Scopes: []string{open.ScopeDownload}})
		must(t, err)
		if !slices.Equal(both.Scopes, []string{"api", "download"}) || !slices.Equal(apiOnly.Scopes, []string{"api"}) || !slices.Equal(dlOnly.Scopes, []string{"download"}) {
			t.Fatalf("issued scopes: %v %v %v", both.Scopes, apiOnly.Scopes, dlOnly.Scopes)
		}
		keys, err := a.Open.Keys(ctx, citizen)
		must(t, err)
		listed := map[string][]string{}
		for _, k := range keys {
			listed[k.Name] = k.Scopes
		}
		if !slices.Equal(listed["接口"], []string{"api"}) || !slices.Equal(listed["下载"], []string{"download"}) || !slices.Equal(listed["两用"], []string{"api", "download"}) {
			t.Fatalf("listed scopes: %v", listed)
		}

		// The service.
		_, err = a.Open.BeginDownload(ctx, &open.Caller{KeySecret: apiOnly.Secret}, e.ID, open.DownloadOptions{})
		wantCode(t, err, "open.key_scope")
		_, err = a.Open.Records(ctx, &open.Caller{KeySecret: dlOnly.Secret}, e.ID, open.RecordsQuery{})
		wantCode(t, err, "open.key_scope")
		_, err = a.Open.Records(ctx, &open.Caller{KeySecret: apiOnly.Secret}, e.ID, open.RecordsQuery{})
		must(t, err)
		_, err = a.Open.BeginDownload(ctx, &open.Caller{KeySecret: dlOnly.Secret}, e.ID, open.DownloadOptions{})
		must(t, err)

		// HTTP: the header and the parameter, records as JSON and CSV, downloads.
		base := "/api/v1/open/datasets/" + e.ID
		for _, c := range []struct {
			path, key string
			code      int
		}{
			{base + "/download?format=csv", apiOnly.Secret, 403},
			{base + "/download?format=csv&api_key=" + apiOnly.Secret, "", 403},
			{base + "/records", dlOnly.Secret, 403},
			{base + "/records?records_format=csv", dlOnly.Secret, 403},
			{base + "/download?format=json", dlOnly.Secret, 200},
			{base + "/records", apiOnly.Secret, 200},
			{base + "/download?format=csv", both.Secret, 200},
			{base + "/records", both.Secret, 200},
		} {
			var r hresp
			if c.key != "" {
				r = get(t, h, c.path, "X-API-Key", c.key)
			} else {
				r = get(t, h, c.path)
			}
			if r.code != c.code {
				t.Fatalf("%s: %d %s", c.path, r.code, r.body)
			}
			if c.code == 403 {
				if code, msg := errCode(t, r); code != "open.key_scope" || msg == "" {
					t.Fatalf("%s: %s %q", c.path, code, msg)
				}
			}
		}
		// The CKAN datastore is the open API.
		r := get(t, h, "/api/3/action/datastore_search?resource_id="+e.ID, "X-API-Key", dlOnly.Secret)
		var env struct {
			Success bool `json:"success"`
			Error   struct {
				Type    string `json:"__type"`
				Message string `json:"message"`
			} `json:"error"`
		}
		must(t, json.Unmarshal(r.body, &env))
		if r.code != 403 || env.Success || !strings.Contains(env.Error.Message, "下载") {
			t.Fatalf("datastore with a download key: %d %s", r.code, r.body)
		}
		if r := get(t, h, "/api/3/action/datastore_search?resource_id="+e.ID, "X-API-Key", apiOnly.Secret); r.code != 200 {
			t.Fatalf("datastore with an API key: %d %s", r.code, r.body)
		}
	})
}
