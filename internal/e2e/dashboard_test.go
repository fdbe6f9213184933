package e2e_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// The authority reads the dashboard on a phone (390 px: nothing wider than the screen, charts
// scaled, every text at WCAG AA contrast), follows the number of published entries and finds
// as many entries as the number said, each a link to its entry.
func TestDashboardDrillDown(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := testutil.NewBrowser(t, d, nil)
		b.Do("narrow", chromedp.EmulateViewport(390, 844))
		b.Login("admin")
		b.Visit("/supervise/dashboard")
		if b.Status != 200 {
			t.Fatalf("dashboard: HTTP %d", b.Status)
		}
		if w := testutil.BrowserRun(b, "page width", chromedp.Evaluate[int]("document.documentElement.scrollWidth")); w > 392 {
			t.Errorf("the dashboard is %d px wide at 390 px", w)
		}
		if sw := testutil.BrowserRun(b, "chart width", chromedp.Evaluate[int](`Math.round(document.querySelector("#c-entries-org svg").getBoundingClientRect().width)`)); sw > 390 || sw < 200 {
			t.Errorf("the chart is %d px wide at 390 px", sw)
		}
		if bad := testutil.BrowserRun(b, "contrast", chromedp.Evaluate[[]string](contrastJS)); len(bad) > 0 {
			t.Errorf("dashboard: %d texts below WCAG AA:\n%s", len(bad), strings.Join(bad, "\n"))
		}
		n := strings.TrimSpace(b.Text(`a[data-figure="dash.entries"] .v`))
		b.Click(`a[data-figure="dash.entries"]`)
		if !strings.HasPrefix(b.Path(), "/supervise/dashboard/items?") {
			t.Fatalf("the number led to %s", b.Path())
		}
		if got := strings.TrimSpace(b.Text("#items-total strong")); got != n {
			t.Fatalf("the figure said %s, the items page says %s", n, got)
		}
		rows := testutil.BrowserRun(b, "rows", chromedp.Evaluate[int](`document.querySelectorAll("#items tbody a[href^='/catalog/entries/']").length`))
		if want := min(atoi(n), 50); rows != want {
			t.Fatalf("%d entries listed on the first page, want %d", rows, want)
		}
		b.Click("#items tbody a")
		if !strings.HasPrefix(b.Path(), "/catalog/entries/") || b.Status != 200 {
			t.Fatalf("an item led to %s (HTTP %d)", b.Path(), b.Status)
		}

		// The authority issues a rectification order through the form and sees it listed, on
		// the sanctions page and behind the dashboard's open orders.
		b.Visit("/sanctions")
		if b.Status != 200 {
			t.Fatalf("sanctions: HTTP %d", b.Status)
		}
		subject := strings.TrimSpace(testutil.BrowserRun(b, "subject", chromedp.Evaluate[string](`document.querySelector("#s-org").selectedOptions[0].textContent`)))
		b.Fill("#s-reason", "浏览器测试：超出授权范围使用共享数据")
		b.Fill("#s-days", "10")
		b.Click("#issue")
		if !strings.HasPrefix(b.Path(), "/sanctions/") || b.Status != 200 {
			t.Fatalf("issuing led to %s (HTTP %d)", b.Path(), b.Status)
		}
		if page := b.Text("main"); !strings.Contains(page, subject) || !strings.Contains(page, "浏览器测试：超出授权范围使用共享数据") {
			t.Fatalf("the order's page does not show %s and the reason:\n%s", subject, page)
		}
		order, _, _ := strings.Cut(b.Path(), "?") // the page after the redirect carries its notice
		b.Visit("/sanctions")
		if !b.Has(`#sanctions a[href="` + order + `"]`) {
			t.Fatalf("the new order %s is not listed on /sanctions", order)
		}
		b.Visit("/supervise/dashboard/items?set=sanctions&state=open")
		if !b.Has(`#items a[href="` + order + `"]`) {
			t.Fatalf("the new order %s is not behind the dashboard's open orders", order)
		}
	})
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n = n*10 + int(r-'0')
		}
	}
	return n
}

// Screenshots for the documentation: PUBDATA_SCREENSHOTS=docs writes the public home page, a
// workbench (also on a phone, 390 px), a dataset page and the dashboard into docs/screenshots/ (run once and commit).
func TestDocScreenshots(t *testing.T) {
	if os.Getenv("PUBDATA_SCREENSHOTS") != "docs" {
		t.Skip("set PUBDATA_SCREENSHOTS=docs to write the screenshots of docs/")
	}
	b := testutil.NewBrowser(t, testutil.SQLite(t), nil)
	b.Do("desktop", chromedp.EmulateViewport(1200, 900))
	dir := filepath.Join("..", "..", "docs", "screenshots")
	os.MkdirAll(dir, 0o755)
	shot := func(path, name string) {
		t.Helper()
		b.Visit(path)
		if b.Status != 200 {
			t.Fatalf("%s: HTTP %d", path, b.Status)
		}
		src := b.Screenshot(name)
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	shot("/", "home")
	shot("/open/datasets/cat-social-org", "dataset")
	b.Login("approver")
	shot("/", "workbench")
	b.Do("phone", chromedp.EmulateViewport(390, 844))
	shot("/", "workbench-phone")
}
