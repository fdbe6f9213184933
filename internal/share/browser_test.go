package share_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
)

// In a real browser: the civil affairs officer files a conditional request with the field
// picker, the public security approver finds it in the approval queue with its countdown and
// approves it, the officer issues the grant's credential (shown once), and a system calls the
// gateway with it.
func TestBrowserRequestApproveAndCallGateway(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		loadPopulation(t, a)
		b := testutil.NewBrowserForApp(t, a)
		logout := func() { b.Click(`header form[action="/logout"] button`) }

		b.Login("civil")
		b.Click(`header nav a[href="/share"]`)
		b.Click("#new-request")
		b.Fill("#entry-q", "常住人口")
		b.Click(`form[role=search] button`)
		b.Click(`#entry-hits a[href="/share/new?entry=` + demo.EntryPopulation + `"]`)
		b.ClickStay("#f-citizen_id")
		b.ClickStay("#f-name")
		b.ClickStay(`input[name=clear_fields][value=name]`)
		b.Fill("#scenario", "最低生活保障申请人身份核对")
		b.Fill("#purpose", "核对申请人户籍与身份信息")
		b.Fill("#legal_basis", "《社会救助暂行办法》第十一条")
		b.Fill("#end_date", "2027-06-30")
		for _, c := range []string{"commit_authenticity", "commit_compliance", "commit_security"} {
			b.ClickStay(`input[name=` + c + `]`)
		}
		b.Click("#submit-request")
		if got := b.Text("#request-state"); !strings.Contains(got, "待审批") {
			t.Fatalf("after filing the state reads %q", got)
		}
		if got := b.Text("#request-due"); !strings.Contains(got, "2026-10-13") || !strings.Contains(got, "剩余 5 个工作日") {
			t.Fatalf("deadline reads %q", got)
		}
		reqPath, _, _ := strings.Cut(b.Path(), "?")
		logout()

		b.Login("approver")
		b.Visit("/share?box=queue")
		got := testutil.BrowserRun(b, "read the row's countdown", chromedp.Evaluate[string](
			`document.querySelector('#share-requests a[href="`+reqPath+`"]').closest("tr").querySelector("td.countdown").innerText`))
		if !strings.Contains(got, "剩余 5 个工作日") {
			t.Fatalf("queue countdown reads %q", got)
		}
		b.Click(`#share-requests a[href="` + reqPath + `"]`)
		b.Click("#approve")
		if got := b.Text("#request-state"); !strings.Contains(got, "共享中") {
			t.Fatalf("after approval the state reads %q", got)
		}
		logout()

		b.Login("civil")
		b.Visit(reqPath)
		b.Click("#grant-link")
		grantPath := b.Path()
		if !strings.HasPrefix(grantPath, "/share/grants/") {
			t.Fatalf("grant link led to %s", grantPath)
		}
		b.Click("#issue-credential")
		token := strings.TrimSpace(b.Text("#new-credential"))
		if !strings.HasPrefix(token, "pd_") {
			t.Fatalf("credential shown as %q", token)
		}
		// The credential is valid exactly as long as the grant, has a copy button and a complete
		// curl example with the platform's address that works as shown.
		if got, end := b.Text("#credential-validity"), b.Text("#grant-end"); !strings.Contains(got, end) {
			t.Fatalf("credential validity %q, grant ends %q", got, end)
		}
		if !b.Has(`button.copy[data-copy="#new-credential"]`) {
			t.Fatal("no copy button for the credential")
		}
		example := b.Text("#curl-grant")
		wantCurl := `curl -H "Authorization: Bearer ` + token + `" "` + b.URL + `/api/v1/gateway/grant"`
		if example != wantCurl {
			t.Fatalf("curl example %q, want %q", example, wantCurl)
		}
		greq, _ := http.NewRequest("GET", b.URL+"/api/v1/gateway/grant", nil)
		greq.Header.Set("Authorization", "Bearer "+token)
		gresp, err := http.DefaultClient.Do(greq)
		must(t, err)
		gresp.Body.Close()
		if gresp.StatusCode != 200 {
			t.Fatalf("the curl example answers HTTP %d", gresp.StatusCode)
		}
		// Reloading the grant page does not show the secret again.
		b.Visit(grantPath)
		if b.Status != 200 || !b.Has("#credentials") || b.Has("#new-credential") {
			t.Fatal("the credential is shown a second time")
		}

		p0 := person(4)
		req, _ := http.NewRequest("GET", b.URL+"/api/v1/gateway/records/"+p0[0], nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		must(t, err)
		defer resp.Body.Close()
		var out struct {
			Values map[string]string `json:"values"`
			Masked []string          `json:"masked"`
		}
		must(t, json.NewDecoder(resp.Body).Decode(&out))
		if resp.StatusCode != 200 || out.Values["name"] != p0[1] || out.Values["citizen_id"] == p0[0] || len(out.Values) != 2 {
			t.Fatalf("gateway: HTTP %d %+v", resp.StatusCode, out)
		}
		// The call shows on the grant page's usage log.
		b.Visit(grantPath)
		if got := b.Text("#usage-log tbody"); !strings.Contains(got, "共享接口：按主键查询") {
			t.Fatalf("usage log on the grant page: %q", got)
		}
	})
}
