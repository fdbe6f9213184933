package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

var productLink = regexp.MustCompile(`href="/operate/products/([^"]+)">([^<]+)</a>`)

// The application unit queries a statistics product and a verification product through the
// pages; a citizen authorizes the unit, sees the unit's access on "my data", objects, revokes,
// and the next verification is refused.
func TestOperatePages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		unit := s.login("appunit")
		w := s.get("/operate", unit)
		mustContain(t, "operate home", w, 200, demo.DemoProductPopulation, "生效中")
		ids := map[string]string{}
		for _, m := range productLink.FindAllStringSubmatch(w.Body.String(), -1) {
			ids[m[2]] = m[1]
		}
		pop := ids[demo.DemoProductPopulation]
		// use posts a product's use form: an answer comes as a redirect to the product page, which
		// shows it once (a reload shows the form only); a refusal answers on the page at once.
		use := func(id string, form url.Values) *httptest.ResponseRecorder {
			t.Helper()
			w := s.postForm("/operate/products/"+id+"/use", unit, form)
			if w.Code != http.StatusSeeOther {
				return w
			}
			if loc := w.Header().Get("Location"); loc != "/operate/products/"+id+"#answer" {
				t.Fatalf("use answered a redirect to %q", loc)
			}
			cs := append([]*http.Cookie{unit}, w.Result().Cookies()...)
			page := s.get("/operate/products/"+id, cs...)
			cleared := false
			for _, c := range page.Result().Cookies() {
				cleared = cleared || c.Name == "pd_use_answer" && c.MaxAge < 0
			}
			if !cleared {
				t.Fatalf("the product page does not clear the answer it showed")
			}
			if again := s.get("/operate/products/"+id, unit).Body.String(); strings.Contains(again, `id="answer-table"`) || strings.Contains(again, `id="verify-answer"`) {
				t.Fatalf("a reload of the product page shows the answer again")
			}
			return page
		}
		w = use(pop, url.Values{"kind": {"statistics"}, "group_by": {"sex"}, "agg": {"count_distinct"}})
		mustContain(t, "statistics answer", w, 200, `id="answer-table"`, "男", "女", "本次消耗隐私预算")
		// a tiny filter: one county and sex is still ≈ 800 people, but a filter to nothing is suppressed
		w = use(pop, url.Values{"kind": {"statistics"}, "group_by": {"sex"}, "agg": {"count_distinct"}, "where.region_code": {"150102"}})
		mustContain(t, "filtered answer", w, 200, `id="answer-table"`)
		// the citizen authorizes the unit for the name, through the page
		cit := s.login("citizen")
		w = s.get("/me/data", cit)
		mustContain(t, "my data", w, 200, `id="consent-form"`, "包头智信科技有限公司")
		w = s.postForm("/me/authorizations", cit, url.Values{"grantee_org_id": {demo.OrgAppUnit}, "items": {"name"}, "purpose": {"个人消费贷款身份核验"},
			"start_date": {a.Now().Format("2006-01-02")}, "end_date": {a.Now().AddDate(0, 1, 0).Format("2006-01-02")}})
		if w.Code != 303 {
			t.Fatalf("authorize: %d %.400s", w.Code, w.Body.String())
		}
		u, _ := a.Identity.UserByName(context.Background(), "citizen")
		rec, err := a.Ingest.Lookup(context.Background(), demo.EntryPopulation, u.IDNumber)
		if err != nil {
			t.Fatal(err)
		}
		idp := ids[demo.DemoProductIdentity]
		w = use(idp, url.Values{"kind": {"verify"}, "subject": {u.IDNumber}, "claim.name": {rec.Values["name"]}})
		mustContain(t, "verification", w, 200, `id="verify-answer"`, "核验一致")
		w = s.get("/me/data", cit)
		mustContain(t, "accesses", w, 200, `id="access-table"`, "核验产品调用", "包头智信科技有限公司", "普惠金融小微企业授信风控与区域经营分析")
		seq := regexp.MustCompile(`name="audit_seq" value="(\d+)"`).FindStringSubmatch(w.Body.String())
		if seq == nil {
			t.Fatal("no objection form on the access list")
		}
		w = s.postForm("/me/objections", cit, url.Values{"audit_seq": {seq[1]}, "text": {"我没有申请过这家公司的贷款"}})
		if w.Code != 303 {
			t.Fatalf("object: %d", w.Code)
		}
		auth := regexp.MustCompile(`action="/me/authorizations/([^/"]+)/revoke"`).FindStringSubmatch(s.get("/me/data", cit).Body.String())
		if auth == nil {
			t.Fatal("no revoke button")
		}
		if w = s.postForm("/me/authorizations/"+auth[1]+"/revoke", cit, url.Values{}); w.Code != 303 {
			t.Fatalf("revoke: %d", w.Code)
		}
		w = use(idp, url.Values{"kind": {"verify"}, "subject": {u.IDNumber}, "claim.name": {rec.Values["name"]}})
		mustContain(t, "verification after revocation", w, 403, "未授权")
		if strings.Contains(w.Body.String(), `id="verify-answer"`) {
			t.Fatal("an answer was shown after revocation")
		}
	})
}
