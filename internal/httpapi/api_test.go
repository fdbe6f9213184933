package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
)

func decode[T any](t *testing.T, r resp) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("%d %.300s: %v", r.Code, r.body, err)
	}
	return v
}

// Lists come in one shape: {items, page, page_size, total}, items never null.
func TestPagination(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newDirEnv(t, d)
		ctx := context.Background()
		for i := 0; i < 7; i++ {
			if err := e.a.Audit.Log(ctx, audit.Event{ActorName: "tester", Action: "test.page"}); err != nil {
				t.Fatal(err)
			}
		}
		admin := e.token("auditor", "audit")
		get := func(q string) resp { return e.do(req{method: "GET", path: "/api/v1/audit" + q, bearer: admin}) }

		r := get("?action=test.page&page=1&page_size=3")
		var raw map[string]json.RawMessage
		json.Unmarshal([]byte(r.body), &raw)
		if r.Code != 200 || len(raw) != 4 || raw["items"] == nil || raw["page"] == nil || raw["page_size"] == nil || raw["total"] == nil {
			t.Fatalf("page shape: %d %s", r.Code, r.body)
		}
		type page struct {
			Items []struct {
				Seq    int64  `json:"seq"`
				Action string `json:"action"`
			} `json:"items"`
			Page, PageSize, Total int
		}
		p1 := decode[page](t, r)
		p1.PageSize = 3
		if len(p1.Items) != 3 || p1.Page != 1 || p1.Total != 7 {
			t.Fatalf("page 1: %+v", p1)
		}
		p3 := decode[page](t, get("?action=test.page&page=3&page_size=3"))
		if len(p3.Items) != 1 || p3.Page != 3 || p3.Total != 7 || p3.Items[0].Seq >= p1.Items[2].Seq {
			t.Fatalf("page 3: %+v", p3)
		}
		p9 := get("?action=test.page&page=9&page_size=3")
		if p9.Code != 200 || !strings.Contains(p9.body, `"items":[]`) {
			t.Fatalf("a page past the end: %d %s", p9.Code, p9.body)
		}
		for _, q := range []string{"?page=0", "?page=x", "?page_size=0", "?page_size=501", "?from=2026-13-01"} {
			r := get(q)
			if r.Code/100 != 4 {
				t.Errorf("%s: %d", q, r.Code)
				continue
			}
			errorShape(t, r)
		}
		// A catalog search with no match lists no items: an empty list, not null.
		r = e.do(req{method: "GET", path: "/api/v1/catalog/entries?q=zzqqxxnomatch"})
		if r.Code != 200 || !strings.Contains(r.body, `"items":[]`) {
			t.Fatalf("empty catalog search: %d %s", r.Code, r.body)
		}
		// The inbox uses the same shape.
		r = e.do(req{method: "GET", path: "/api/v1/notifications?page_size=7", bearer: e.token("citizen", "inbox")})
		json.Unmarshal([]byte(r.body), &raw)
		if r.Code != 200 || len(raw) != 4 || !strings.HasPrefix(string(raw["items"]), "[") || string(raw["page_size"]) != "7" {
			t.Fatalf("inbox: %d %s", r.Code, r.body)
		}
	})
}

func TestHealthReadinessMetrics(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newDirEnv(t, d)
		r := e.do(req{method: "GET", path: "/healthz"})
		if r.Code != 200 || !strings.Contains(r.body, `"status":"ok"`) {
			t.Fatalf("healthz: %d %s", r.Code, r.body)
		}
		for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"} {
			if r.Header().Get(h) != want {
				t.Errorf("header %s = %q", h, r.Header().Get(h))
			}
		}
		if csp := r.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
			t.Errorf("CSP %q", csp)
		}
		r = e.do(req{method: "GET", path: "/readyz"})
		if r.Code != 200 || !strings.Contains(r.body, `"backend":"`+string(d.Dialect)+`"`) {
			t.Fatalf("readyz: %d %s", r.Code, r.body)
		}
		e.do(req{method: "GET", path: "/api/v1/regions", bearer: e.token("admin", "read")})
		r = e.do(req{method: "GET", path: "/metrics"})
		if r.Code != 200 || !strings.Contains(r.body, `pubdata_http_requests_total{code="200",route="GET /api/v1/regions"}`) ||
			!strings.Contains(r.body, "pubdata_http_request_seconds_bucket") {
			t.Fatalf("metrics: %d %.500s", r.Code, r.body)
		}
		// Not ready once the database is gone.
		d.Close()
		r = e.do(req{method: "GET", path: "/readyz"})
		if r.Code != 503 {
			t.Fatalf("readyz without a database: %d %s", r.Code, r.body)
		}
		if r := e.do(req{method: "GET", path: "/healthz"}); r.Code != 200 {
			t.Fatalf("healthz (liveness) should not depend on the database: %d", r.Code)
		}
	})
}

// Directory reads follow authz.Directory: a natural person sees no user list (it used to see
// everyone), agency staff their own organization, the authority everyone.
func TestUserListVisibility(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newDirEnv(t, d)
		type list struct {
			Items []struct {
				Username string `json:"username"`
				OrgID    string `json:"org_id"`
			} `json:"items"`
		}
		r := e.do(req{method: "GET", path: "/api/v1/users", bearer: e.token("citizen", "directory")})
		if r.Code != 403 || errorShape(t, r).Code != "forbidden" {
			t.Fatalf("citizen lists users: %d %.300s", r.Code, r.body)
		}
		officer := e.token("officer", "directory")
		l := decode[list](t, e.do(req{method: "GET", path: "/api/v1/users", bearer: officer}))
		if len(l.Items) < 3 {
			t.Fatalf("officer sees %d colleagues", len(l.Items))
		}
		for _, u := range l.Items {
			if u.OrgID != demo.OrgPublicSec {
				t.Fatalf("officer sees %s of %s", u.Username, u.OrgID)
			}
		}
		if r := e.do(req{method: "GET", path: "/api/v1/users?org=" + demo.OrgCivil, bearer: officer}); r.Code != 403 {
			t.Fatalf("officer lists another agency's users: %d", r.Code)
		}
		all := decode[list](t, e.do(req{method: "GET", path: "/api/v1/users", bearer: e.token("admin", "directory")}))
		if len(all.Items) < len(demo.Accounts) {
			t.Fatalf("admin sees %d users, want %d", len(all.Items), len(demo.Accounts))
		}
		if strings.Contains(e.do(req{method: "GET", path: "/api/v1/users", bearer: e.token("admin", "directory")}).body, "password") {
			t.Fatal("user list mentions passwords")
		}
		page := decode[struct {
			Items []struct{ Username string } `json:"items"`
			Total int                         `json:"total"`
		}](t, e.do(req{method: "GET", path: "/api/v1/users?page=2&page_size=5", bearer: e.token("admin", "directory")}))
		if len(page.Items) != 5 || page.Total != len(all.Items) || page.Items[0].Username != all.Items[5].Username {
			t.Fatalf("users page 2: %+v", page)
		}
	})
}

func TestTokensOverTheAPI(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newDirEnv(t, d)
		cookie, csrf := e.session("market")
		r := e.do(req{method: "POST", path: "/api/v1/tokens", body: `{"name":"etl","scopes":["ingest"]}`, cookies: cookieList(cookie), csrf: csrf})
		if r.Code != 201 {
			t.Fatalf("create: %d %s", r.Code, r.body)
		}
		created := decode[struct {
			Token string `json:"token"`
			Info  struct {
				ID     string   `json:"id"`
				Scopes []string `json:"scopes"`
			} `json:"info"`
		}](t, r)
		// Shown once: the list never repeats it.
		list := e.do(req{method: "GET", path: "/api/v1/tokens", cookies: cookieList(cookie)})
		if list.Code != 200 || strings.Contains(list.body, created.Token) || !strings.Contains(list.body, created.Info.ID) {
			t.Fatalf("list: %d %s", list.Code, list.body)
		}
		// The token works as a bearer credential …
		me := e.do(req{method: "GET", path: "/api/v1/me", bearer: created.Token})
		if me.Code != 200 || !strings.Contains(me.body, `"username":"market"`) || !strings.Contains(me.body, `"scopes":["ingest"]`) {
			t.Fatalf("me with token: %d %s", me.Code, me.body)
		}
		// … until revoked.
		if r := e.do(req{method: "DELETE", path: "/api/v1/tokens/" + created.Info.ID, cookies: cookieList(cookie), csrf: csrf}); r.Code != 204 {
			t.Fatalf("revoke: %d %s", r.Code, r.body)
		}
		r = e.do(req{method: "GET", path: "/api/v1/me", bearer: created.Token})
		if r.Code != 401 || errorShape(t, r).Code != "token_expired" {
			t.Fatalf("revoked token: %d %s", r.Code, r.body)
		}
		if r := e.do(req{method: "GET", path: "/api/v1/me", bearer: "pd_made_up"}); r.Code != 401 {
			t.Fatalf("made-up token: %d", r.Code)
		}
		// Someone else's token cannot be revoked.
		other := e.do(req{method: "POST", path: "/api/v1/tokens", body: `{"name":"x","scopes":["read"]}`, cookies: cookieList(cookie), csrf: csrf})
		id := decode[struct {
			Info struct{ ID string } `json:"info"`
		}](t, other).Info.ID
		civil, civilCSRF := e.session("civil")
		// (Answered as not found, like a token that does not exist: no existence oracle.)
		r = e.do(req{method: "DELETE", path: "/api/v1/tokens/" + id, cookies: cookieList(civil), csrf: civilCSRF})
		missing := e.do(req{method: "DELETE", path: "/api/v1/tokens/no-such-token", cookies: cookieList(civil), csrf: civilCSRF})
		if r.Code != 404 || errorShape(t, r).Code != "not_found" || r.body != missing.body {
			t.Fatalf("revoking another user's token: %d %s (missing: %s)", r.Code, r.body, missing.body)
		}
		// Bad input names the field.
		r = e.do(req{method: "POST", path: "/api/v1/tokens", body: `{"name":"x","scopes":["root"],"ttl_days":-1}`, cookies: cookieList(cookie), csrf: csrf})
		if r.Code != 422 || errorShape(t, r).fieldNames() != "scopes,ttl_days" {
			t.Fatalf("bad token request: %d %s", r.Code, r.body)
		}
	})
}

func cookieList(c ...*http.Cookie) []*http.Cookie { return c }

func TestCalendarAuditAndJobsEndpoints(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newDirEnv(t, d)
		officer := e.token("officer", "read", "audit", "admin")
		r := e.do(req{method: "GET", path: "/api/v1/calendar/add?from=2026-09-30&workdays=5", bearer: officer})
		if r.Code != 200 || !strings.Contains(r.body, `"due":"2026-10-13"`) {
			t.Fatalf("calendar/add: %d %s", r.Code, r.body)
		}
		for _, q := range []string{"from=2026-02-30&workdays=5", "from=2026-09-30&workdays=-1", "from=2026-09-30&workdays=x", "workdays=1"} {
			r := e.do(req{method: "GET", path: "/api/v1/calendar/add?" + q, bearer: officer})
			if r.Code != 422 {
				t.Errorf("calendar/add?%s: %d", q, r.Code)
			}
		}
		// Only the authority administrator imports a year.
		csv := "date,kind,name\n2027-01-01,off,元旦\n2027-02-06,休,春节\n2027-02-20,班,春节调休\n"
		r = e.do(req{method: "POST", path: "/api/v1/calendar/import", body: csv, contentType: "text/csv", bearer: officer})
		if r.Code != 403 {
			t.Fatalf("officer imports a calendar: %d %s", r.Code, r.body)
		}
		admin := e.token("admin", "*")
		r = e.do(req{method: "POST", path: "/api/v1/calendar/import", body: "2027-01-01,holiday\n2027-13-01,off\nx\n", contentType: "text/csv", bearer: admin})
		if er := errorShape(t, r); r.Code != 422 || len(er.Fields) != 2 || !strings.Contains(er.Fields[0].Message, "第 2 行") || !strings.Contains(er.Fields[1].MessageEN, "line 3") {
			t.Fatalf("bad calendar file: %d %s", r.Code, r.body)
		}
		r = e.do(req{method: "POST", path: "/api/v1/calendar/import", body: csv, contentType: "text/csv", bearer: admin})
		if r.Code != 200 || !strings.Contains(r.body, `"imported":3`) {
			t.Fatalf("import: %d %s", r.Code, r.body)
		}
		r = e.do(req{method: "GET", path: "/api/v1/calendar?year=2027", bearer: officer})
		if r.Code != 200 || !strings.Contains(r.body, `{"date":"2027-02-20","kind":"work","name":"春节调休"}`) {
			t.Fatalf("calendar 2027: %d %s", r.Code, r.body)
		}
		// 2027-02-19 (Fri) + 1 working day = 2027-02-20 (Saturday, a make-up day).
		r = e.do(req{method: "GET", path: "/api/v1/calendar/add?from=2027-02-19&workdays=1", bearer: officer})
		if !strings.Contains(r.body, `"due":"2027-02-20"`) {
			t.Fatalf("imported make-up day not used: %s", r.body)
		}

		// Audit: search filters, and a verify that only the entitled may run.
		r = e.do(req{method: "GET", path: "/api/v1/audit?action=calendar.import", bearer: e.token("auditor", "audit")})
		if r.Code != 200 || !strings.Contains(r.body, `"actor_name":"admin"`) || !strings.Contains(r.body, `"total":1`) {
			t.Fatalf("audit search: %d %s", r.Code, r.body)
		}
		if r := e.do(req{method: "GET", path: "/api/v1/audit/verify", bearer: officer}); r.Code != 403 {
			t.Fatalf("officer verifies the chain: %d", r.Code)
		}
		r = e.do(req{method: "GET", path: "/api/v1/audit/verify", bearer: e.token("auditor", "audit")})
		if r.Code != 200 || !strings.Contains(r.body, `"ok":true`) {
			t.Fatalf("verify: %d %s", r.Code, r.body)
		}
		// An officer searching sees only its own organization's records.
		r = e.do(req{method: "GET", path: "/api/v1/audit?org=" + demo.OrgAuthority, bearer: officer})
		if r.Code != 200 || strings.Contains(r.body, `"org_id":"`+demo.OrgAuthority+`"`) {
			t.Fatalf("officer reads the authority's audit records: %d %.300s", r.Code, r.body)
		}
		if r := e.do(req{method: "GET", path: "/api/v1/audit", bearer: e.token("citizen", "audit")}); r.Code != 403 {
			t.Fatalf("citizen reads the audit log: %d", r.Code)
		}

		// Jobs: admin only; an unknown job is 404.
		if r := e.do(req{method: "POST", path: "/api/v1/jobs/calendar.reload/run", bearer: officer}); r.Code != 403 {
			t.Fatalf("officer runs a job: %d", r.Code)
		}
		if r := e.do(req{method: "POST", path: "/api/v1/jobs/calendar.reload/run", bearer: admin}); r.Code != 200 || !strings.Contains(r.body, `"ran":true`) {
			t.Fatalf("run job: %d %s", r.Code, r.body)
		}
		if r := e.do(req{method: "POST", path: "/api/v1/jobs/no.such.job/run", bearer: admin}); r.Code != 404 {
			t.Fatalf("unknown job: %d %s", r.Code, r.body)
		}
		r = e.do(req{method: "GET", path: "/api/v1/jobs", bearer: admin})
		if r.Code != 200 || !strings.Contains(r.body, `"name":"calendar.reload"`) || !strings.Contains(r.body, `"runs":1`) {
			t.Fatalf("jobs: %d %s", r.Code, r.body)
		}
	})
}
