package harvest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

var ctx = context.Background()

type env struct {
	t     *testing.T
	a     *app.App
	h     http.Handler
	clock *testutil.Clock
}

func newEnv(t *testing.T, d *db.DB) *env {
	clock := testutil.NewClock("2026-09-30 10:00")
	a := testutil.DirectoryApp(t, d, clock)
	h, _, err := server.Handler(a, false)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, a: a, h: h, clock: clock}
}

func (e *env) who(username string) *authz.Principal {
	e.t.Helper()
	u, err := e.a.Identity.UserByName(ctx, username)
	if err != nil {
		e.t.Fatal(err)
	}
	p, err := e.a.Identity.Principal(ctx, u)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// publish creates and publishes an entry of the public security department.
func (e *env) publish(name string, open catalog.OpenType, tags ...string) catalog.Entry {
	e.t.Helper()
	en := catalog.Entry{
		Name: name, Summary: name + "的开放数据", ProviderOrgID: demo.OrgPublicSec,
		Form: catalog.FormTable, ResourceAttr: catalog.AttrBase, Topic: "01", Grade: catalog.GradeGeneral, Level: 1,
		ShareType: catalog.ShareUnconditional, ShareModes: []string{"api"}, OpenType: open,
		Frequency: catalog.FreqMonthly, Tags: tags,
		Fields: []catalog.Field{
			{Name: "station", Label: "站点编号", Type: catalog.TypeString, Kind: catalog.KindOther, Required: true, IsKey: true, Sensitivity: 1},
			{Name: "amount", Label: "数量", Type: catalog.TypeInteger, Kind: catalog.KindNumber, Sensitivity: 1},
		},
	}
	if open == catalog.OpenConditional {
		en.OpenCondition = "须申请并签署使用协议"
	}
	if open == catalog.OpenNone {
		en.OpenReason = catalog.ReasonPrivacy
		en.OpenBasis = "《中华人民共和国个人信息保护法》"
	}
	officer, reviewer := e.who("officer"), e.who("reviewer")
	c, err := e.a.Catalog.Create(ctx, officer, en)
	if err != nil {
		e.t.Fatalf("create %s: %v", name, err)
	}
	if err := e.a.Catalog.Submit(ctx, officer, c.ID); err != nil {
		e.t.Fatal(err)
	}
	if err := e.a.Catalog.Approve(ctx, reviewer, c.ID, ""); err != nil {
		e.t.Fatal(err)
	}
	got, err := e.a.Catalog.Published(ctx, c.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return got
}

func (e *env) get(path string) (int, string, http.Header) {
	e.t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	b, _ := io.ReadAll(w.Result().Body)
	return w.Code, string(b), w.Result().Header
}

type envelope struct {
	Help    string          `json:"help"`
	Success bool            `json:"success"`
	Result  json.RawMessage `json:"result"`
	Error   map[string]any  `json:"error"`
}

func (e *env) action(name string, q url.Values) (int, envelope) {
	e.t.Helper()
	code, body, _ := e.get("/api/3/action/" + name + "?" + q.Encode())
	var env envelope
	if err := json.Unmarshal([]byte(body), &env); err != nil {
		e.t.Fatalf("%s: not JSON (%d): %s", name, code, body)
	}
	if !strings.Contains(env.Help, "/api/3/action/help_show?name="+name) {
		e.t.Fatalf("%s: help %q", name, env.Help)
	}
	return code, env
}

type pkg struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	Title            string `json:"title"`
	State            string `json:"state"`
	MetadataModified string `json:"metadata_modified"`
	OwnerOrg         string `json:"owner_org"`
	Organization     struct {
		Name  string `json:"name"`
		Title string `json:"title"`
	} `json:"organization"`
	Resources []struct {
		ID     string `json:"id"`
		Format string `json:"format"`
		URL    string `json:"url"`
	} `json:"resources"`
	Extras []struct{ Key, Value string } `json:"extras"`
}

type searchResult struct {
	Count        int                       `json:"count"`
	Results      []pkg                     `json:"results"`
	Facets       map[string]map[string]int `json:"facets"`
	SearchFacets map[string]struct {
		Items []struct {
			Name        string `json:"name"`
			DisplayName string `json:"display_name"`
			Count       int    `json:"count"`
		} `json:"items"`
	} `json:"search_facets"`
}

// harvestAll pages through package_search exactly as ckanext-harvest's CKAN harvester does
// (gather_stage / _search_for_datasets): rows=100, start stepping by rows, sort=id asc, the fq
// terms joined by a space, until an empty page; a page equal to the previous one is an error;
// ids already seen are dropped.
func (e *env) harvestAll(fqTerms []string) []pkg {
	e.t.Helper()
	params := url.Values{"rows": {"100"}, "start": {"0"}, "sort": {"id asc"}}
	if len(fqTerms) > 0 {
		params.Set("fq", strings.Join(fqTerms, " "))
	}
	var all []pkg
	seen := map[string]bool{}
	prev := ""
	for {
		code, body, _ := e.get("/api/3/action/package_search?" + params.Encode())
		if code != 200 {
			e.t.Fatalf("package_search %v: %d %s", params, code, body)
		}
		if prev != "" && body == prev {
			e.t.Fatalf("the paging doesn't seem to work: %v", params)
		}
		prev = body
		var env envelope
		json.Unmarshal([]byte(body), &env)
		var res searchResult
		if err := json.Unmarshal(env.Result, &res); err != nil {
			e.t.Fatal(err)
		}
		var page []pkg
		for _, p := range res.Results {
			if !seen[p.ID] {
				page = append(page, p)
			}
		}
		for _, p := range res.Results {
			seen[p.ID] = true
		}
		all = append(all, page...)
		if len(res.Results) == 0 {
			break
		}
		var start int
		fmt.Sscan(params.Get("start"), &start)
		params.Set("start", fmt.Sprint(start+100))
	}
	return all
}

func TestCKANHarvesterPaging(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		want := map[string]string{}
		for i := 0; i < 230; i++ {
			open := catalog.OpenUnconditional
			if i%10 == 3 {
				open = catalog.OpenConditional
			}
			en := e.publish(fmt.Sprintf("开放数据集%03d", i), open, "交通")
			want[en.ID] = en.Name
			e.clock.Advance(time.Minute)
		}
		closed := e.publish("不予开放的数据", catalog.OpenNone)

		// Full harvest: every open dataset exactly once, nothing that is not open.
		got := e.harvestAll(nil)
		if len(got) != len(want) {
			t.Fatalf("harvested %d datasets, want %d", len(got), len(want))
		}
		ids := map[string]bool{}
		for i, p := range got {
			if want[p.ID] != p.Title {
				t.Fatalf("dataset %s titled %q, want %q", p.ID, p.Title, want[p.ID])
			}
			if ids[p.ID] {
				t.Fatalf("dataset %s twice", p.ID)
			}
			ids[p.ID] = true
			if i > 0 && got[i-1].ID >= p.ID {
				t.Fatalf("not in id order at %d: %s then %s", i, got[i-1].ID, p.ID)
			}
			if p.ID == closed.ID {
				t.Fatal("a not-open entry was harvested")
			}
			if p.Organization.Title != "内蒙古自治区公安厅" || p.OwnerOrg != demo.OrgPublicSec || p.State != "active" {
				t.Fatalf("organization/state of %s: %+v", p.Name, p)
			}
		}

		// Incremental harvest: fq=metadata_modified:[T TO *] with T as ckanext-harvest writes it
		// (isoformat() with microseconds, then "Z"), only what changed since.
		since := e.clock.Now().UTC()
		e.clock.Advance(time.Hour)
		newer := e.publish("新增数据集", catalog.OpenUnconditional)
		fq := "metadata_modified:[" + since.Add(time.Minute).Format("2006-01-02T15:04:05.000000") + "Z TO *]"
		inc := e.harvestAll([]string{fq})
		if len(inc) != 1 || inc[0].ID != newer.ID {
			t.Fatalf("incremental harvest got %d datasets: %+v", len(inc), inc)
		}
		// The same full harvest again after the change (the first one's pages were answered and
		// kept by the query cache): the new dataset is there, nothing answered from before it.
		if again := e.harvestAll(nil); len(again) != len(want)+1 {
			t.Fatalf("full harvest after a change: %d datasets, want %d", len(again), len(want)+1)
		}
		// Organization include filter (OR group) joined with the range, as the harvester sends it.
		inc = e.harvestAll([]string{"organization:" + strings.ToLower(demo.OrgPublicSec) + " OR organization:nobody", fq})
		if len(inc) != 1 {
			t.Fatalf("org filter + range: %d", len(inc))
		}
		// Exclude filter.
		if ex := e.harvestAll([]string{"-organization:" + strings.ToLower(demo.OrgPublicSec)}); len(ex) != 0 {
			t.Fatalf("excluded organization still harvested: %d", len(ex))
		}
	})
}

func TestCKANActions(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a := e.publish("公交站点", catalog.OpenUnconditional, "交通", "公交")
		b := e.publish("医疗机构名录", catalog.OpenConditional, "卫生")
		e.publish("户籍人口", catalog.OpenNone)

		// package_list: names of open datasets only.
		code, env := e.action("package_list", nil)
		var names []string
		json.Unmarshal(env.Result, &names)
		if code != 200 || !env.Success || len(names) != 2 {
			t.Fatalf("package_list %d %v", code, names)
		}

		// package_show by id and by name; access rights follow the open type.
		_, env = e.action("package_show", url.Values{"id": {a.ID}})
		var p pkg
		json.Unmarshal(env.Result, &p)
		if p.Title != "公交站点" || len(p.Resources) == 0 {
			t.Fatalf("package_show: %+v", p)
		}
		_, env = e.action("package_show", url.Values{"id": {p.Name}})
		var p2 pkg
		json.Unmarshal(env.Result, &p2)
		if p2.ID != a.ID {
			t.Fatalf("package_show by name %q: %+v", p.Name, p2)
		}
		extra := func(p pkg, k string) string {
			for _, x := range p.Extras {
				if x.Key == k {
					return x.Value
				}
			}
			return ""
		}
		if !strings.HasSuffix(extra(p, "access_rights"), "/PUBLIC") {
			t.Fatalf("unconditional access rights %q", extra(p, "access_rights"))
		}
		_, env = e.action("package_show", url.Values{"id": {b.ID}})
		json.Unmarshal(env.Result, &p2)
		if !strings.HasSuffix(extra(p2, "access_rights"), "/RESTRICTED") {
			t.Fatalf("conditional access rights %q", extra(p2, "access_rights"))
		}

		// package_search: q, facets, negation, sort.
		_, env = e.action("package_search", url.Values{"q": {"公交"}, "facet.field": {`["organization","tags","open_type"]`}})
		var sr searchResult
		json.Unmarshal(env.Result, &sr)
		if sr.Count != 1 || sr.Results[0].ID != a.ID {
			t.Fatalf("q=公交: %+v", sr)
		}
		if sr.Facets["tags"]["交通"] != 1 || sr.SearchFacets["open_type"].Items[0].DisplayName != "无条件开放" {
			t.Fatalf("facets: %+v %+v", sr.Facets, sr.SearchFacets)
		}
		_, env = e.action("package_search", url.Values{"fq": {"-open_type:conditional"}})
		json.Unmarshal(env.Result, &sr)
		if sr.Count != 1 || sr.Results[0].ID != a.ID {
			t.Fatalf("negation: %+v", sr)
		}
		_, env = e.action("package_search", url.Values{"fq": {"tags:卫生"}, "sort": {"metadata_modified desc"}})
		json.Unmarshal(env.Result, &sr)
		if sr.Count != 1 || sr.Results[0].ID != b.ID {
			t.Fatalf("tags:卫生: %+v", sr)
		}

		// organization_list / organization_show.
		_, env = e.action("organization_list", nil)
		var orgs []string
		json.Unmarshal(env.Result, &orgs)
		if len(orgs) != 1 || orgs[0] != strings.ToLower(demo.OrgPublicSec) {
			t.Fatalf("organization_list %v", orgs)
		}
		_, env = e.action("organization_show", url.Values{"id": {orgs[0]}, "include_datasets": {"true"}})
		var org struct {
			Title        string `json:"title"`
			PackageCount int    `json:"package_count"`
			Packages     []pkg  `json:"packages"`
		}
		json.Unmarshal(env.Result, &org)
		if org.PackageCount != 2 || len(org.Packages) != 2 || org.Title != "内蒙古自治区公安厅" {
			t.Fatalf("organization_show %+v", org)
		}

		// resource_show.
		_, env = e.action("resource_show", url.Values{"id": {p.Resources[0].ID}})
		var res struct {
			PackageID string `json:"package_id"`
		}
		json.Unmarshal(env.Result, &res)
		if res.PackageID != a.ID {
			t.Fatalf("resource_show %s", env.Result)
		}

		// status_show.
		_, env = e.action("status_show", nil)
		if !strings.Contains(string(env.Result), `"ckan_version"`) {
			t.Fatalf("status_show %s", env.Result)
		}
	})
}

func TestCKANBadInput(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.publish("公交站点", catalog.OpenUnconditional)
		cases := []struct {
			action string
			q      url.Values
			status int
			typ    string
			field  string
		}{
			{"package_show", url.Values{"id": {"no-such-dataset"}}, 404, "Not Found Error", ""},
			{"package_show", nil, 409, "Validation Error", "id"},
			{"package_search", url.Values{"rows": {"1001"}}, 409, "Validation Error", "rows"},
			{"package_search", url.Values{"rows": {"ten"}}, 409, "Validation Error", "rows"},
			{"package_search", url.Values{"start": {"-1"}}, 409, "Validation Error", "start"},
			{"package_search", url.Values{"fq": {"metadata_modified:[yesterday TO *]"}}, 400, "Search Query Error", ""},
			{"package_search", url.Values{"fq": {"secret_field:x"}}, 400, "Search Query Error", ""},
			{"package_search", url.Values{"fq": {"(organization:a"}}, 400, "Search Query Error", ""},
			{"package_search", url.Values{"sort": {"password asc"}}, 400, "Search Query Error", ""},
			{"package_search", url.Values{"facet.field": {`["secret"]`}}, 409, "Validation Error", "facet.field"},
			{"organization_show", url.Values{"id": {"nobody"}}, 404, "Not Found Error", ""},
			{"resource_show", url.Values{"id": {"nothing"}}, 404, "Not Found Error", ""},
			{"datastore_search", url.Values{"resource_id": {"nothing"}}, 404, "Not Found Error", ""},
			{"datastore_search", url.Values{"resource_id": {"x"}, "limit": {"5000"}}, 409, "Validation Error", "limit"},
		}
		for _, c := range cases {
			code, env := e.action(c.action, c.q)
			if code != c.status || env.Success || env.Error["__type"] != c.typ {
				t.Errorf("%s %v: %d %v, want %d %s", c.action, c.q, code, env.Error, c.status, c.typ)
				continue
			}
			if c.field != "" && env.Error[c.field] == nil {
				t.Errorf("%s %v: the error does not name %s: %v", c.action, c.q, c.field, env.Error)
			}
			if c.field == "" && env.Error["message"] == nil {
				t.Errorf("%s %v: no message: %v", c.action, c.q, env.Error)
			}
		}
		// An unknown action: CKAN's 400 "Bad request" string.
		code, body, _ := e.get("/api/3/action/package_delete?id=x")
		if code != 400 || !strings.Contains(body, "Action name not known: package_delete") {
			t.Fatalf("unknown action: %d %s", code, body)
		}
		// A bad API key answers in CKAN's envelope too.
		r := httptest.NewRequest("GET", "/api/3/action/package_list", nil)
		r.Header.Set("Authorization", "Bearer not-a-key")
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, r)
		var env envelope
		if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil || w.Code != 403 || env.Error["__type"] != "Authorization Error" {
			t.Fatalf("bad key: %d %s", w.Code, w.Body.String())
		}
	})
}

func TestTombstonesAndFeeds(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a := e.publish("公交站点", catalog.OpenUnconditional)
		keep := e.publish("道路信息", catalog.OpenUnconditional)
		_, env := e.action("package_show", url.Values{"id": {a.ID}})
		var before pkg
		json.Unmarshal(env.Result, &before)

		// The entry is renamed and republished: id and name stay.
		officer, reviewer := e.who("officer"), e.who("reviewer")
		w, _ := e.a.Catalog.Get(ctx, a.ID)
		w.Name = "公交站点（更名）"
		e.clock.Advance(time.Hour)
		if _, err := e.a.Catalog.Update(ctx, officer, w); err != nil {
			t.Fatal(err)
		}
		mustOK(t, e.a.Catalog.Submit(ctx, officer, a.ID))
		mustOK(t, e.a.Catalog.Approve(ctx, reviewer, a.ID, ""))
		_, env = e.action("package_show", url.Values{"id": {before.Name}})
		var renamed pkg
		json.Unmarshal(env.Result, &renamed)
		if renamed.ID != a.ID || renamed.Name != before.Name || renamed.Title != "公交站点（更名）" || renamed.MetadataModified <= before.MetadataModified {
			t.Fatalf("after rename: %+v (before %+v)", renamed, before)
		}

		// Withdrawn: gone from package_list and package_search, package_show answers the tombstone,
		// an incremental harvest with include_deleted learns of it, DCAT lists it as withdrawn.
		e.clock.Advance(time.Hour)
		mustOK(t, e.a.Catalog.RequestWithdrawal(ctx, officer, a.ID, "数据有误，暂停开放"))
		mustOK(t, e.a.Catalog.Approve(ctx, reviewer, a.ID, ""))
		_, env = e.action("package_list", nil)
		var names []string
		json.Unmarshal(env.Result, &names)
		if len(names) != 1 {
			t.Fatalf("package_list after withdrawal: %v", names)
		}
		code, env := e.action("package_show", url.Values{"id": {a.ID}})
		var tomb pkg
		json.Unmarshal(env.Result, &tomb)
		if code != 200 || tomb.State != "deleted" || len(tomb.Resources) != 0 {
			t.Fatalf("tombstone: %d %+v", code, tomb)
		}
		_, env = e.action("package_search", url.Values{"fq": {"state:deleted"}})
		var sr searchResult
		json.Unmarshal(env.Result, &sr)
		if sr.Count != 1 || sr.Results[0].ID != a.ID {
			t.Fatalf("state:deleted search: %+v", sr)
		}
		_, env = e.action("package_search", nil)
		json.Unmarshal(env.Result, &sr)
		if sr.Count != 1 || sr.Results[0].ID != keep.ID {
			t.Fatalf("default search shows the tombstone: %+v", sr)
		}
		code, body, _ := e.get("/dcat/withdrawn")
		if code != 200 || !strings.Contains(body, a.ID) || !strings.Contains(body, "数据有误") {
			t.Fatalf("withdrawn list: %d %s", code, body)
		}
		if code, _, _ := e.get("/dcat/datasets/" + a.ID + ".ttl"); code != http.StatusGone {
			t.Fatalf("DCAT of a withdrawn dataset: %d", code)
		}

		// Atom: the portal feed and the dataset's own feed list the changes, newest first.
		code, body, hdr := e.get("/feeds/datasets/" + a.ID + ".atom")
		if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/atom+xml") {
			t.Fatalf("dataset feed %d %s", code, body)
		}
		iW, iU, iO := strings.Index(body, "[已撤销开放]"), strings.Index(body, "[已更新]"), strings.Index(body, "[新开放]")
		if iW < 0 || iU < 0 || iO < 0 || !(iW < iU && iU < iO) {
			t.Fatalf("dataset feed order: %s", body)
		}
		_, body, _ = e.get("/feeds/datasets.atom")
		if !strings.Contains(body, keep.ID) || !strings.Contains(body, a.ID) {
			t.Fatalf("portal feed: %s", body)
		}
		if code, _, _ := e.get("/feeds/datasets/nothing.atom"); code != 404 {
			t.Fatalf("feed of an unknown dataset: %d", code)
		}
	})
}

func mustOK(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
