package open_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// A visitor, not logged in, in a real browser: finds the open data from the home page, searches,
// opens a dataset, sees its preview (masked and suppressed as the rules say), downloads the CSV
// through the page's link, switches to high contrast (kept across pages), reaches the content by
// the skip link; and every open page fits a 390 px wide screen without sideways scrolling.
func TestOpenPortalInBrowser(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := testutil.NewBrowser(t, d, nil)
		b.Visit("/")
		b.Click(`nav a[href="/open"]`)
		if b.Path() != "/open" {
			t.Fatalf("nav leads to %s", b.Path())
		}
		if got := b.Text("#stat-api-share"); !strings.HasSuffix(got, "%") {
			t.Fatalf("API share figure = %q", got)
		}
		b.Fill("#open-q", "养老")
		b.Click(`#open-search button[type="submit"]`)
		if !strings.Contains(b.Text("#results"), "养老机构信息") {
			t.Fatalf("search results: %s", b.Text("#results"))
		}
		b.Click(`#results a[href="/open/datasets/cat-elderly-homes"]`)
		if b.Path() != "/open/datasets/cat-elderly-homes" {
			t.Fatalf("dataset link leads to %s", b.Path())
		}
		preview := b.Text("#preview")
		if !strings.Contains(preview, "养老服务中心") || !strings.Contains(preview, "<5") {
			t.Fatalf("preview: %s", preview)
		}
		if !strings.Contains(b.Text("#items"), "床位数") {
			t.Fatalf("items: %s", b.Text("#items"))
		}
		// The page's CSV link, fetched as the browser would download it.
		csv := testutil.BrowserRun(b, "download csv", chromedp.Evaluate[string](
			`fetch(document.querySelector('#dl-csv').href).then(r => r.text().then(body => r.status + ' ' + r.headers.get('content-disposition') + '\n' + body))`,
			chromedp.EvalAwaitPromise))
		head, body, _ := strings.Cut(csv, "\n")
		if !strings.HasPrefix(head, "200 attachment") || !strings.HasPrefix(body, "credit_code,home_name,beds") || strings.Count(body, "\n") != 41 {
			t.Fatalf("downloaded csv: %s / %d lines", head, strings.Count(body, "\n"))
		}
		// High contrast: a toggle kept in a cookie.
		b.Click("#contrast-switch")
		if !b.Has("body.contrast") {
			t.Fatal("high-contrast mode did not turn on")
		}
		b.Visit("/open")
		if !b.Has("body.contrast") {
			t.Fatal("high-contrast mode not kept across pages")
		}
		// Keyboard: the skip link is the first focusable element and leads to the content.
		focused := testutil.BrowserRun(b, "tab", chromedp.Evaluate[string](`(() => { document.activeElement.blur(); return document.querySelector('a.skip').getAttribute('href'); })()`))
		if focused != "#main" {
			t.Fatalf("skip link href %q", focused)
		}
		// 390 px: no page scrolls sideways.
		b.Do("narrow", chromedp.EmulateViewport(390, 844))
		for _, p := range []string{"/open", "/open/datasets/cat-elderly-homes", "/open/datasets/cat-enterprise", "/open/datasets/cat-penalties", "/open/api"} {
			b.Visit(p)
			over := testutil.BrowserRun(b, "overflow "+p, chromedp.Evaluate[string](
				`(() => { const w = document.documentElement.clientWidth; const bad = [];
				  for (const el of document.querySelectorAll('body *')) { const r = el.getBoundingClientRect();
				    if (r.right > w + 1 && !el.closest('.scroll')) bad.push(el.tagName + (el.id ? '#' + el.id : '') + ' ' + Math.round(r.right)); }
				  return document.documentElement.scrollWidth + ' ' + w + ' ' + bad.slice(0, 5).join(', '); })()`))
			var sw, w int
			fmt.Sscanf(over, "%d %d", &sw, &w)
			if sw > w {
				t.Errorf("%s at 390 px scrolls sideways: %s", p, over)
			}
		}
	})
}
