package share_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// client is a logged-in user (or a bearer token) talking to the whole server.
type client struct {
	t     *testing.T
	base  string
	http  *http.Client
	csrf  string
	token string
}

func login(t *testing.T, base, user string) *client {
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, base: base, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	if st := c.do("POST", "/api/v1/auth/login", map[string]string{"username": user, "password": demo.Password}, &out); st != 200 {
		t.Fatalf("login %s: HTTP %d", user, st)
	}
	c.csrf = out.CSRF
	return c
}

func bearer(t *testing.T, base, token string) *client {
	return &client{t: t, base: base, http: &http.Client{}, token: token}
}

// do sends a JSON request and decodes the JSON answer into out (if given); it returns the status.
func (c *client) do(method, path string, body, out any) int {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.csrf != "" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			c.t.Fatalf("%s %s: HTTP %d, body %q: %v", method, path, resp.StatusCode, raw, err)
		}
	}
	return resp.StatusCode
}

// page GETs a UI page and returns its status and HTML.
func (c *client) page(path string) (int, string) {
	c.t.Helper()
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// form POSTs a UI form (with the session's CSRF token) and returns the status and Location.
func (c *client) form(path string, v url.Values) (int, string) {
	c.t.Helper()
	v.Set("csrf_token", c.csrf)
	resp, err := c.http.PostForm(c.base+path, v)
	if err != nil {
		c.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

type apiErr struct {
	Error struct {
		Code   string `json:"code"`
		Fields []struct {
			Field string `json:"field"`
		} `json:"fields"`
	} `json:"error"`
}

// Over HTTP, as clients see it: a conditional request filed through the API, approved by the
// provider, a credential issued, the gateway called with it as a bearer token, masked output,
// plain not found for unknown keys, the grant revoked and the next call refused; every page of
// the sharing UI renders for consumer, provider and authority.
func TestSharingOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		loadPopulation(t, a)
		h, api, err := server.Handler(a, false)
		must(t, err)
		srv := httptest.NewServer(h)
		defer srv.Close()

		civil, approver, admin := login(t, srv.URL, "civil"), login(t, srv.URL, "approver"), login(t, srv.URL, "admin")
		// Bad input comes back in the error shape, naming the problems.
		var bad apiErr
		if st := civil.do("POST", "/api/v1/share/requests", map[string]any{"entry_id": demo.EntryPopulation, "fields": []string{"nope"}, "mode": "api",
			"end_date": "2020-01-01"}, &bad); st != 422 || bad.Error.Code != "invalid" || len(bad.Error.Fields) < 4 {
			t.Fatalf("bad request: HTTP %d %+v", st, bad)
		}
		var req struct {
			ID      string `json:"id"`
			State   string `json:"state"`
			DueDate string `json:"due_date"`
			GrantID string `json:"grant_id"`
		}
		in := popRequest("HTTP 测试")
		in.Fields, in.ClearFields = []string{"citizen_id", "name", "phone"}, nil
		if st := civil.do("POST", "/api/v1/share/requests", in, &req); st != 201 || req.State != "pending" || req.DueDate != "2026-10-13" {
			t.Fatalf("file: HTTP %d %+v", st, req)
		}
		var queue struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			Total int `json:"total"`
		}
		inQ := false
		if st := approver.do("GET", "/api/v1/share/requests?box=queue&page_size=500", nil, &queue); st != 200 {
			t.Fatalf("queue: HTTP %d", st)
		}
		for _, it := range queue.Items {
			inQ = inQ || it.ID == req.ID
		}
		if !inQ || queue.Total != len(queue.Items) {
			t.Fatalf("queue lacks the request: %+v", queue)
		}
		if st := approver.do("POST", "/api/v1/share/requests/"+req.ID+"/approve", map[string]any{"fields": []string{"citizen_id", "name"}}, &req); st != 200 || req.State != "active" {
			t.Fatalf("approve: HTTP %d %+v", st, req)
		}
		var cred struct {
			Token string `json:"token"`
		}
		if st := approver.do("POST", "/api/v1/share/grants/"+req.GrantID+"/credentials", nil, nil); st != 404 && st != 403 {
			t.Fatalf("provider issuing the consumer's credential: HTTP %d", st)
		}
		if st := civil.do("POST", "/api/v1/share/grants/"+req.GrantID+"/credentials", nil, &cred); st != 201 || !strings.HasPrefix(cred.Token, "pd_") {
			t.Fatalf("credential: HTTP %d", st)
		}
		gw := bearer(t, srv.URL, cred.Token)
		p0 := person(0)
		var rec struct {
			Values map[string]string `json:"values"`
			Masked []string          `json:"masked"`
		}
		if st := gw.do("GET", "/api/v1/gateway/records/"+p0[0], nil, &rec); st != 200 || len(rec.Values) != 2 || rec.Values["citizen_id"] == p0[0] || rec.Values["name"] == p0[1] {
			t.Fatalf("gateway lookup: HTTP %d %+v", st, rec)
		}
		var e apiErr
		if st := gw.do("GET", "/api/v1/gateway/records/150102199001010000", nil, &e); st != 404 || e.Error.Code != "not_found" {
			t.Fatalf("unknown key: HTTP %d %+v", st, e)
		}
		if st := gw.do("GET", "/api/v1/gateway/records?name="+url.QueryEscape(p0[1]), nil, &e); st != 422 || e.Error.Fields[0].Field != "filter.name" {
			t.Fatalf("filter on a masked field: HTTP %d %+v", st, e)
		}
		// The gateway credential can do nothing else; a session cannot call the gateway.
		if st := gw.do("GET", "/api/v1/share/requests", nil, nil); st != 403 {
			t.Fatalf("credential listing requests: HTTP %d", st)
		}
		if st := civil.do("GET", "/api/v1/gateway/records/"+p0[0], nil, &e); st != 403 || e.Error.Code != "share.grant_required" {
			t.Fatalf("session on the gateway: HTTP %d %+v", st, e)
		}
		// UI pages render for each side.
		for _, c := range []struct {
			who   *client
			paths []string
		}{
			{civil, []string{"/share", "/share?box=mine", "/share/new", "/share/new?q=" + url.QueryEscape("人口"), "/share/new?entry=" + demo.EntryPopulation,
				"/share/new?entry=" + demo.EntryMarriage, "/share/requests/" + req.ID, "/share/grants", "/share/grants/" + req.GrantID, "/share/demands", "/share/demands/new", "/"}},
			{approver, []string{"/share?box=queue", "/share/requests/" + req.ID, "/share/grants?box=provided", "/share/grants/" + req.GrantID, "/"}},
			{admin, []string{"/share?box=region", "/share/overdue", "/share/grants?box=region", "/share/demands?box=region", "/share/requests/" + req.ID, "/"}},
		} {
			for _, p := range c.paths {
				st, body := c.who.page(p)
				if st != 200 || !strings.Contains(body, "</html>") {
					t.Fatalf("GET %s: HTTP %d\n%s", p, st, body)
				}
			}
		}
		st, body := civil.page("/share/grants/" + req.GrantID + "/usage.csv")
		if st != 200 || !strings.Contains(body, "share.gateway.lookup") {
			t.Fatalf("usage export: HTTP %d %q", st, body)
		}
		// A form with a missing reason re-renders with the problem named; then revoke.
		if st, _ := approver.form("/share/grants/"+req.GrantID+"/revoke", url.Values{}); st != 422 {
			t.Fatalf("revoke without reason: HTTP %d", st)
		}
		if st, loc := approver.form("/share/grants/"+req.GrantID+"/revoke", url.Values{"reason": {"场景结束"}}); st != 303 || !strings.HasPrefix(loc, "/share/grants/") {
			t.Fatalf("revoke: HTTP %d %s", st, loc)
		}
		if st := gw.do("GET", "/api/v1/gateway/records/"+p0[0], nil, &e); st != 403 || e.Error.Code != "share.grant_revoked" {
			t.Fatalf("after revocation: HTTP %d %+v", st, e)
		}
		// Every sharing and gateway route is in the OpenAPI document.
		n := 0
		for _, rt := range api.Routes {
			if strings.HasPrefix(rt.Path, "/api/v1/share/") || strings.HasPrefix(rt.Path, "/api/v1/gateway/") {
				n++
			}
		}
		var doc struct {
			Paths map[string]map[string]any `json:"paths"`
		}
		civil.do("GET", "/api/v1/openapi.json", nil, &doc)
		m := 0
		for p, ops := range doc.Paths {
			if strings.HasPrefix(p, "/api/v1/share/") || strings.HasPrefix(p, "/api/v1/gateway/") {
				m += len(ops)
			}
		}
		if n < 30 || m != n {
			t.Fatalf("%d share/gateway routes, %d in the OpenAPI document", n, m)
		}
	})
}

// Over HTTP: the approval form offers only the modes an approval may choose, a wider mode is
// refused naming it, and after the entry is made not shared the gateway answers a 4xx with a
// stable code and the grant page offers a verification request instead.
func TestNarrowingAndCatalogChangeOverHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		loadPopulation(t, a)
		h, _, err := server.Handler(a, false)
		must(t, err)
		srv := httptest.NewServer(h)
		defer srv.Close()
		civil, approver := login(t, srv.URL, "civil"), login(t, srv.URL, "approver")
		var req struct {
			ID      string `json:"id"`
			State   string `json:"state"`
			GrantID string `json:"grant_id"`
		}
		if st := civil.do("POST", "/api/v1/share/requests", popRequest("HTTP 缩小测试"), &req); st != 201 {
			t.Fatalf("file: HTTP %d", st)
		}
		st, body := approver.page("/share/requests/" + req.ID)
		i := strings.Index(body, `id="ap-mode"`)
		if st != 200 || i < 0 {
			t.Fatalf("request page: HTTP %d", st)
		}
		sel := body[i : i+strings.Index(body[i:], "</select>")]
		if !strings.Contains(sel, `value="api"`) || strings.Contains(sel, `value="table"`) || strings.Contains(sel, `value="offline"`) {
			t.Fatalf("approval modes offered: %s", sel)
		}
		var e apiErr
		if st := approver.do("POST", "/api/v1/share/requests/"+req.ID+"/approve", map[string]any{"mode": "table"}, &e); st != 422 || len(e.Error.Fields) != 1 || e.Error.Fields[0].Field != "mode" {
			t.Fatalf("approving wider: HTTP %d %+v", st, e)
		}
		if st := approver.do("POST", "/api/v1/share/requests/"+req.ID+"/approve", map[string]any{}, &req); st != 200 || req.State != "active" {
			t.Fatalf("approve: HTTP %d %+v", st, req)
		}
		var cred struct {
			Token string `json:"token"`
		}
		if st := civil.do("POST", "/api/v1/share/grants/"+req.GrantID+"/credentials", nil, &cred); st != 201 {
			t.Fatalf("credential: HTTP %d", st)
		}
		gw := bearer(t, srv.URL, cred.Token)
		if st := gw.do("POST", "/api/v1/gateway/verify", map[string]any{"items": []map[string]string{{"key": person(0)[0]}}}, &e); st != 403 || e.Error.Code != "share.verify_grant_required" {
			t.Fatalf("verify with a data grant: HTTP %d %+v", st, e)
		}
		reviseEntry(t, a, demo.EntryPopulation, func(e *catalog.Entry) {
			e.ShareType, e.ShareCondition, e.ShareReason = catalog.ShareNone, "", "依法不再共享原始数据"
			e.ShareBasis, e.ShareModes = "《中华人民共和国个人信息保护法》第十三条", nil
		})
		var ge struct {
			Error struct {
				Code      string `json:"code"`
				Message   string `json:"message"`
				MessageEN string `json:"message_en"`
			} `json:"error"`
		}
		if st := gw.do("GET", "/api/v1/gateway/records/"+person(0)[0], nil, &ge); st != 403 || ge.Error.Code != "share.entry_not_shared" || !strings.Contains(ge.Error.Message, "核验比对") {
			t.Fatalf("after the entry is made not shared: HTTP %d %+v", st, ge)
		}
		st, body = civil.page("/share/grants/" + req.GrantID)
		if st != 200 || !strings.Contains(body, `/share/new?entry=`+demo.EntryPopulation+`&amp;kind=verify`) {
			t.Fatalf("grant page after suspension: HTTP %d", st)
		}
		st, body = civil.page("/share/new?entry=" + demo.EntryPopulation + "&kind=verify")
		if st != 200 || !strings.Contains(body, `value="verify" checked`) {
			t.Fatalf("verification form: HTTP %d", st)
		}
	})
}

// The web approval form sets the grant's call limits like the API (#9 item 2): it shows the
// defaults and the region's caps; raising a limit above its default needs a reason, above the cap
// is refused, both with the field named; within them, the grant carries the limits set.
func TestApprovalFormSetsCallLimits(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		loadPopulation(t, a)
		h, _, err := server.Handler(a, false)
		must(t, err)
		srv := httptest.NewServer(h)
		defer srv.Close()
		civil, approver := login(t, srv.URL, "civil"), login(t, srv.URL, "approver")
		var req struct {
			ID      string `json:"id"`
			GrantID string `json:"grant_id"`
		}
		if st := civil.do("POST", "/api/v1/share/requests", popRequest("表单调用限制"), &req); st != 201 {
			t.Fatalf("file: HTTP %d", st)
		}
		lim := a.Share.Limits
		st, body := approver.page("/share/requests/" + req.ID)
		if st != 200 || !strings.Contains(body, `name="rate_per_minute"`) || !strings.Contains(body, `name="daily_quota"`) ||
			!strings.Contains(body, fmt.Sprintf(`placeholder="%d"`, lim.CallsPerMinute)) || !strings.Contains(body, fmt.Sprintf(`max="%d"`, lim.CapPerDay)) {
			t.Fatalf("the approval form lacks the call limits: HTTP %d", st)
		}
		approve := func(v url.Values) (int, string) {
			v.Set("fields", "citizen_id")
			return approver.form("/share/requests/"+req.ID+"/approve", v)
		}
		if st, _ := approve(url.Values{"rate_per_minute": {fmt.Sprint(lim.CallsPerMinute * 2)}}); st != 422 {
			t.Fatalf("above the default without a reason: HTTP %d", st)
		}
		if st, _ := approve(url.Values{"daily_quota": {fmt.Sprint(lim.CapPerDay + 1)}, "limits_reason": {"批量核对"}}); st != 422 {
			t.Fatalf("above the region's cap: HTTP %d", st)
		}
		if st, _ := approve(url.Values{"daily_quota": {"many"}}); st != 422 {
			t.Fatalf("a quota that is not a number: HTTP %d", st)
		}
		if st, loc := approve(url.Values{"rate_per_minute": {fmt.Sprint(lim.CallsPerMinute * 2)}, "daily_quota": {"500"}, "limits_reason": {"月末集中核对"}}); st != 303 {
			t.Fatalf("approve with limits: HTTP %d %s", st, loc)
		}
		var g struct {
			Grant struct {
				Limits struct {
					Rate   int    `json:"rate_per_minute"`
					Quota  int    `json:"daily_quota"`
					Reason string `json:"reason"`
				} `json:"limits"`
			} `json:"grant"`
		}
		r, err := a.Share.Get(context.Background(), who(t, a, "civil"), req.ID)
		must(t, err)
		if st := civil.do("GET", "/api/v1/share/grants/"+r.GrantID, nil, &g); st != 200 || g.Grant.Limits.Rate != lim.CallsPerMinute*2 || g.Grant.Limits.Quota != 500 || g.Grant.Limits.Reason != "月末集中核对" {
			t.Fatalf("the grant's limits: HTTP %d %+v", st, g.Grant.Limits)
		}
	})
}
