package share_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// In a real browser: a request the public security department let fall overdue reaches the
// authority's board; the authority opens its escalation, urges with a new date, coordinates and
// records the meeting, refers the dispute to the expert committee, an expert gives an opinion,
// and the authority decides; both parties — the requesting agency and the providing one — see the
// decision on the request page and in their inboxes (issue #10 item 1).
func TestBrowserEscalationThroughCoordinationToDecision(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-30 10:00")
		a := testutil.DemoApp(t, d, clock)
		r, err := a.Share.File(ctx, who(t, a, "civil"), popRequest("浏览器督办测试"))
		must(t, err)
		clock.Set("2026-10-14 09:00") // due 2026-10-13, after National Day
		must(t, a.Share.Deadlines(ctx))
		b := testutil.NewBrowserForApp(t, a)
		logout := func() { b.Click(`header form[action="/logout"] button`) }

		b.Login("admin")
		b.Click(`header nav a[href="/share/overdue"]`)
		row := `document.querySelector('#overdue-board a[href="/share/requests/` + r.ID + `"]').closest("tr")`
		href := testutil.BrowserRun(b, "find the escalation link", chromedp.Evaluate[string](row+`.querySelector("a.escalation-link").getAttribute("href")`))
		if !strings.HasPrefix(href, "/share/escalations/") {
			t.Fatalf("board row links the escalation as %q", href)
		}
		b.Visit(href)
		if got := b.Text("#escalation-state"); !strings.Contains(got, "已督办待处理") {
			t.Fatalf("escalation state %q", got)
		}
		if got := b.Text("#escalation-due"); !strings.Contains(got, "2026-10-21") {
			t.Fatalf("handling deadline %q", got)
		}
		b.Fill("#urge-date", "2026-10-16")
		b.Fill("#urge-note", "请于10月16日前审批")
		b.Click("#urge")
		if got := b.Text("#escalation-state"); !strings.Contains(got, "已催办") {
			t.Fatalf("after urging: %q", got)
		}
		if got := b.Text("#escalation-due"); !strings.Contains(got, "2026-10-16") {
			t.Fatalf("after urging the deadline reads %q; want the new date 2026-10-16", got)
		}
		b.Fill("#co-note", "召集双方协调地址项共享")
		b.Click("#coordinate")
		if got := b.Text("#escalation-due"); !strings.Contains(got, "2026-10-28") {
			t.Fatalf("coordination deadline %q; want 2026-10-28 (10 working days)", got)
		}
		b.Fill("#mt-date", "2026-10-14")
		b.Fill("#mt-who", "民政厅、公安厅")
		b.Fill("#mt-outcome", "双方对地址项是否脱敏未达成一致")
		b.Click("#record-meeting")
		if got := b.Text("#meetings"); !strings.Contains(got, "双方对地址项是否脱敏未达成一致") {
			t.Fatalf("meetings table %q", got)
		}
		b.Fill("#rf-note", "地址项能否脱敏后共享")
		b.Click("#refer")
		if got := b.Text("#escalation-state"); !strings.Contains(got, "专家论证中") {
			t.Fatalf("after the referral: %q", got)
		}
		if b.Has("#decide") {
			t.Fatal("a decision is offered before any expert opinion")
		}
		escPath := b.Path()
		logout()

		b.Login("expert")
		b.Visit(escPath)
		b.Fill("#op-text", "地址项脱敏至区县后共享可满足核对需要")
		b.Click("#give-opinion")
		if got := b.Text("#opinions"); !strings.Contains(got, "脱敏至区县") {
			t.Fatalf("opinions %q", got)
		}
		logout()

		b.Login("admin")
		b.Visit(escPath)
		b.Fill("#dc-text", "公安厅应于限期内同意共享，地址项脱敏后提供")
		b.Fill("#dc-basis", "《内蒙古自治区公共数据管理办法》第二十三条")
		b.Fill("#dc-by", "2026-10-23")
		b.Click("#decide")
		if got := b.Text("#escalation-state"); !strings.Contains(got, "已作出督办决定") {
			t.Fatalf("after the decision: %q", got)
		}
		logout()

		b.Login("civil")
		b.Visit("/share/requests/" + r.ID)
		if got := b.Text("#escalations .escalation-decision"); !strings.Contains(got, "公安厅应于限期内同意共享") || !strings.Contains(got, "2026-10-23") {
			t.Fatalf("the request page shows the decision as %q", got)
		}
		b.Visit("/inbox")
		if got := b.Text("main"); !strings.Contains(got, "督办决定") {
			t.Fatal("the decision is not in the requester's inbox")
		}
		logout()

		// The providing agency (公安厅), which let the request fall overdue, sees it too.
		b.Login("officer")
		b.Visit("/share/requests/" + r.ID)
		if got := b.Text("#escalations .escalation-decision"); !strings.Contains(got, "地址项脱敏后提供") || !strings.Contains(got, "2026-10-23") {
			t.Fatalf("the provider's request page shows the decision as %q", got)
		}
		b.Visit("/inbox")
		if got := b.Text("main"); !strings.Contains(got, "督办决定") {
			t.Fatal("the decision is not in the provider's inbox")
		}
	})
}
