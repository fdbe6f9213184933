package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
	"pubdata/internal/workday"
)

// Credentials made easy (#11 item 7): issuing a gateway credential answers with a redirect; the
// grant page then shows the secret once with copy buttons, complete curl examples with the
// platform's address, and the validity, which is the grant's end date. A reload shows no secret
// and issues nothing.
func TestCredentialIssueRedirectsAndShowsOnce(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		var grantID, consumer, end string
		if err := d.QueryRowContext(t.Context(), `SELECT id, consumer_org_id, end_date FROM share_grants WHERE status = 'active' AND mode = 'api' ORDER BY id LIMIT 1`).Scan(&grantID, &consumer, &end); err != nil {
			t.Fatalf("no active API grant in the demo: %v", err)
		}
		user := ""
		for _, acc := range demo.Accounts {
			if acc.Org == consumer && strings.HasSuffix(string(acc.Role), "officer") {
				user = acc.Username
				break
			}
		}
		if user == "" {
			t.Fatalf("no demo data officer in %s", consumer)
		}
		c := s.login(user)
		count := func() int {
			var n int
			d.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM share_credentials WHERE grant_id = $1`, grantID).Scan(&n)
			return n
		}
		before := count()

		w := s.postForm("/share/grants/"+grantID+"/credentials", c, url.Values{})
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/share/grants/"+grantID) {
			t.Fatalf("issue: %d %q, want 303 to the grant page", w.Code, w.Header().Get("Location"))
		}
		if count() != before+1 {
			t.Fatalf("credentials %d → %d, want one more", before, count())
		}
		var once *http.Cookie
		for _, k := range w.Result().Cookies() {
			if k.Name == "pd_credential_once" {
				once = k
			}
		}
		if once == nil || !once.HttpOnly || once.SameSite != http.SameSiteStrictMode || once.Path != "/share/grants/"+grantID || once.MaxAge <= 0 || once.MaxAge > 300 {
			t.Fatalf("the secret's cookie: %+v", once)
		}

		// The grant page after the redirect: the secret once, copy buttons, curl with the address.
		r := httptest.NewRequest("GET", "/share/grants/"+grantID, nil)
		r.Host = "data.example.gov.cn"
		r.AddCookie(c)
		r.AddCookie(once)
		page := httptest.NewRecorder()
		h.ServeHTTP(page, r)
		body := page.Body.String()
		if page.Code != 200 || !strings.Contains(body, `<code id="new-credential">`+once.Value+`</code>`) {
			t.Fatalf("the grant page does not show the new credential: %d", page.Code)
		}
		for _, want := range []string{`data-copy="#new-credential"`, `data-copy="#curl-grant"`, `data-copy="#curl-lookup"`,
			`curl -H "Authorization: Bearer ` + once.Value + `" "http://data.example.gov.cn/api/v1/gateway/grant"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the grant page lacks %s", want)
			}
		}
		validity := between(body, `id="credential-validity">`, `</p>`)
		if !strings.Contains(validity, "<strong>"+end+"</strong>") || !strings.Contains(validity, "与共享授权的截止日期一致") {
			t.Errorf("validity shown: %q, want the grant's end date %s", validity, end)
		}
		cleared := false
		for _, k := range page.Result().Cookies() {
			cleared = cleared || k.Name == "pd_credential_once" && k.MaxAge < 0
		}
		if !cleared {
			t.Error("the grant page does not clear the secret's cookie")
		}

		// The credential's validity is the grant's: it ends when the grant's end date ends.
		prefix := strings.SplitN(strings.TrimPrefix(once.Value, "pd_"), "_", 2)[0]
		var expires int64
		if err := d.QueryRowContext(t.Context(), `SELECT expires_at FROM share_credentials WHERE grant_id = $1 AND prefix = $2`, grantID, prefix).Scan(&expires); err != nil {
			t.Fatalf("the new credential is not among the grant's: %v", err)
		}
		endDay, _ := workday.Parse(end)
		if got, want := time.UnixMilli(expires), endDay.AddDate(0, 0, 1); !got.Equal(want) {
			t.Errorf("credential expires %v, want the end of the grant's end date %s (%v)", got, end, want)
		}

		// A reload shows no secret and issues nothing.
		again := s.get("/share/grants/"+grantID, c)
		if again.Code != 200 || strings.Contains(again.Body.String(), once.Value) || strings.Contains(again.Body.String(), `id="credential-once"`) {
			t.Fatalf("a reload shows the secret again (%d)", again.Code)
		}
		if count() != before+1 {
			t.Fatalf("a reload issued a credential: %d", count())
		}
		// A cookie that is not one of the grant's credentials is not shown.
		r = httptest.NewRequest("GET", "/share/grants/"+grantID, nil)
		r.AddCookie(c)
		r.AddCookie(&http.Cookie{Name: "pd_credential_once", Value: "<b>forged</b>"})
		forged := httptest.NewRecorder()
		h.ServeHTTP(forged, r)
		if strings.Contains(forged.Body.String(), "forged") {
			t.Error("a forged cookie's value is shown")
		}
	})
}

func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i+len(from):]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}
