package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/httpapi"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

func (s site) csrf(c *http.Cookie) string {
	s.t.Helper()
	w := s.get("/api/v1/me", c)
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	json.Unmarshal(w.Body.Bytes(), &me)
	return me.CSRF
}

func (s site) postForm(path string, c *http.Cookie, form url.Values) *httptest.ResponseRecorder {
	form.Set("csrf_token", s.csrf(c))
	r := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(c)
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	return w
}

func mustContain(t *testing.T, what string, w *httptest.ResponseRecorder, code int, parts ...string) {
	t.Helper()
	if w.Code != code {
		t.Fatalf("%s: status %d, want %d: %.600s", what, w.Code, code, w.Body.String())
	}
	for _, p := range parts {
		if !strings.Contains(w.Body.String(), p) {
			t.Fatalf("%s: page lacks %q", what, p)
		}
	}
}

// TestCatalogPages drives the catalog UI: browse and search, draft with the editor (refusal
// naming the missing fields, then success), submit, the review queue with its countdown,
// approval, and every other catalog page for the authority, in Chinese and English.
func TestCatalogPages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		mustContain(t, "anonymous browse", s.get("/catalog"), 200, "常住人口基本信息", "共享属性")
		w := s.get("/catalog?q=" + url.QueryEscape("婚姻登记"))
		mustContain(t, "search", w, 200, "婚姻登记信息")
		if strings.Contains(s.get("/catalog?q="+url.QueryEscape("家庭医生")).Body.String(), "家庭医生签约信息") {
			t.Fatal("a draft is visible to visitors")
		}
		officer, reviewer, admin := s.login("officer"), s.login("reviewer"), s.login("admin")
		mustContain(t, "editor", s.get("/catalog/new", officer), 200, `name="fields.0.name"`, "catalog.js")
		form := url.Values{"name": {"暂住人口登记信息"}, "summary": {"暂住人口登记"}, "data_form": {"table"}, "resource_attr": {"base"}, "topic": {"01"},
			"grade": {"general"}, "level": {"2"}, "share_type": {"conditional"}, "share_reason": {"涉及个人信息"}, "open_type": {"none"}, "open_reason": {"privacy"},
			"update_frequency": {"daily"}, "fields.0.name": {"citizen_id"}, "fields.0.label": {"公民身份号码"}, "fields.0.type": {"string"},
			"fields.0.kind": {"citizen_id"}, "fields.0.sensitivity": {"3"}, "fields.0.is_key": {"1"}, "fields.3.name": {"address"}, "fields.3.label": {"暂住地址"},
			"fields.3.kind": {"address"}, "fields.3.sensitivity": {"2"}}
		w = s.postForm("/catalog/new", officer, form)
		mustContain(t, "refused draft", w, 422, "share_legal_basis", "share_conditions", `value="暂住人口登记信息"`, `name="fields.1.label" value="暂住地址"`)
		form.Set("share_legal_basis", "《居住证暂行条例》")
		form.Set("share_conditions", "履职需要")
		w = s.postForm("/catalog/new", officer, form)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("create: %d %.500s", w.Code, w.Body)
		}
		loc := w.Header().Get("Location")
		path := strings.SplitN(loc, "?", 2)[0]
		mustContain(t, "draft page", s.get(loc, officer), 200, "暂住人口登记信息", "草稿", "提交审核", "暂住地址")
		if s.get(path).Code != 404 {
			t.Fatal("visitor opened a draft")
		}
		w = s.postForm(path+"/submit", officer, url.Values{})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("submit: %d", w.Code)
		}
		mustContain(t, "review queue", s.get("/catalog/review", reviewer), 200, "暂住人口登记信息", "剩余 5 个工作日", "2026-10-13", "技能人才评价信息", "已超期")
		mustContain(t, "entry under review", s.get(path, reviewer), 200, "审核通过", "退回", "2026-10-13")
		w = s.postForm(path+"/approve", reviewer, url.Values{"note": {"同意"}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("approve: %d %.300s", w.Code, w.Body)
		}
		mustContain(t, "published", s.get(path), 200, "已发布", "暂住人口登记信息")
		for _, p := range []string{"/catalog/negative", "/catalog/sources", "/catalog/systems", "/catalog/purchases", "/catalog/reassessments",
			"/catalog/rollup", "/catalog/import", "/catalog/entries/" + demo.EntryWater + "/diff?from=1&to=1", "/catalog?share_type=none&q=" + url.QueryEscape("信息")} {
			mustContain(t, p, s.get(p, admin), 200)
		}
		mustContain(t, "negative list", s.get("/catalog/negative", admin), 200, "婚姻登记信息", "缴费基数")
		mustContain(t, "sources", s.get("/catalog/sources", admin), 200, "学历", "户籍登记")
		en := &http.Cookie{Name: httpapi.LangCookie, Value: "en"}
		r := httptest.NewRequest("GET", "/catalog", nil)
		r.AddCookie(en)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		mustContain(t, "english", rec, 200, "Public data resource catalog", "Share type")
		mustContain(t, "english entry", s.get("/catalog/entries/"+demo.EntryPopulation, en), 200, "Conditional share", "Data items")
	})
}

// The catalog export honours the current search: exporting a facet holds exactly the entries
// the search finds, and the page's export links carry the search.
func TestCatalogExportHonoursSearch(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		count := func(path string) int {
			t.Helper()
			w := s.get(path)
			if w.Code != 200 {
				t.Fatalf("%s: %d %.300s", path, w.Code, w.Body)
			}
			var rows []map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &rows); err != nil {
				var wrap struct {
					Entries []map[string]any `json:"entries"`
				}
				if err2 := json.Unmarshal(w.Body.Bytes(), &wrap); err2 != nil {
					t.Fatalf("%s: %v", path, err)
				}
				rows = wrap.Entries
			}
			for _, r := range rows {
				if st, ok := r["share_type"]; ok && strings.Contains(path, "share_type=conditional") && st != "conditional" {
					t.Fatalf("%s: exported a %v entry", path, st)
				}
			}
			return len(rows)
		}
		all := count("/api/v1/catalog/export?format=json")
		some := count("/api/v1/catalog/export?format=json&share_type=conditional")
		var res struct {
			Total int `json:"total"`
		}
		w := s.get("/api/v1/catalog/entries?share_type=conditional")
		json.Unmarshal(w.Body.Bytes(), &res)
		if some == 0 || some >= all || some != res.Total {
			t.Fatalf("export of share_type=conditional holds %d of %d entries; the search finds %d", some, all, res.Total)
		}
		page := s.get("/catalog?share_type=conditional&page=2")
		mustContain(t, "catalog page", page, 200, `href="/api/v1/catalog/export?format=csv&amp;share_type=conditional"`)
	})
}
