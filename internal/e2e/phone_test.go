package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// overflowJS names what makes the page wider than the screen (elements whose right edge is
// past it and that are not inside a box that scrolls sideways), and cells squeezed to a
// character or two per line.
const overflowJS = `(() => {
  const w = document.documentElement.clientWidth, out = [];
  const scrolls = el => { for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      const o = getComputedStyle(e).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; } return false; };
  if (document.documentElement.scrollWidth > w + 2) {
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > w + 2 && !scrolls(el)) out.push('wider than the screen (' + Math.round(r.right) + ' px): <' + el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') + '> ' + (el.innerText || '').trim().slice(0, 40));
      if (out.length > 5) break;
    }
    if (!out.length) out.push('page ' + document.documentElement.scrollWidth + ' px wide');
  }
  for (const td of document.querySelectorAll('main td, main th')) {
    const t = td.innerText.trim(); const r = td.getBoundingClientRect();
    if (t.length >= 4 && r.width > 0 && r.width < 34 && !td.closest('figure.chart')) { out.push('squeezed cell (' + Math.round(r.width) + ' px): ' + t.slice(0, 20)); break; }
  }
  return out;
})()`

// Every main page of each demo role reads on a phone (390 px): nothing wider than the screen
// (tables scroll in their own box or become cards), the header's menu folded behind a button
// that opens it, in the normal and the large-text mode, every text at WCAG AA contrast.
func TestPhoneLayout(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := testutil.NewBrowser(t, d, nil)
		b.Do("phone", chromedp.EmulateViewport(390, 844))
		checked := 0
		check := func(who, path string, contrast bool) {
			t.Helper()
			b.Visit(path)
			if b.Status >= 400 && path != "/no-such-page" {
				t.Errorf("%s %s: HTTP %d", who, path, b.Status)
				return
			}
			checked++
			if bad := testutil.BrowserRun(b, "overflow of "+path, chromedp.Evaluate[[]string](overflowJS)); len(bad) > 0 {
				t.Errorf("%s %s at 390 px:\n%s", who, path, strings.Join(bad, "\n"))
			}
			if contrast {
				if bad := testutil.BrowserRun(b, "contrast of "+path, chromedp.Evaluate[[]string](contrastJS)); len(bad) > 0 {
					t.Errorf("%s %s at 390 px: %d texts below WCAG AA:\n%s", who, path, len(bad), strings.Join(bad, "\n"))
				}
			}
		}
		navLinks := func() []string {
			return testutil.BrowserRun(b, "menu links", chromedp.Evaluate[[]string](
				`Array.from(document.querySelectorAll('header nav a')).map(a => a.getAttribute('href')).filter(h => h.startsWith('/'))`))
		}
		for _, p := range []string{"/", "/login", "/register", "/open", "/catalog", "/report", "/no-such-page"} {
			check("visitor", p, p == "/")
		}
		// the menu is folded: the button shows, the links do not until it is pressed
		b.Visit("/")
		visible := func(sel string) bool {
			return testutil.BrowserRun(b, "visible "+sel, chromedp.Evaluate[bool](`(() => { const e = document.querySelector('`+sel+`'); return !!e && e.getBoundingClientRect().height > 0; })()`))
		}
		if !visible(".menu-button") || visible("header nav a") {
			t.Fatalf("at 390 px the header does not fold its menu behind a button")
		}
		b.ClickStay(".menu-button")
		if !visible("header nav a") {
			t.Fatalf("the menu button does not open the menu")
		}
		for i, u := range []string{"officer", "approver", "reviewer", "admin", "citizen", "appunit", "operator", "oversight"} {
			if i > 0 { // log out through the folded menu
				b.Visit("/")
				b.ClickStay(".menu-button")
				b.Click(`form[action="/logout"] button`)
			}
			b.Login(u)
			links := navLinks()
			for i, p := range links {
				check(u, p, i < 2)
			}
			if u == "reviewer" {
				check(u, "/catalog/review", true) // the overdue row, as a card
				if !b.Has("#review-queue.stack") && !b.Has("table.stack") {
					t.Errorf("the review queue is not shown as cards at 390 px")
				}
				b.Visit("/large?on=1&back=/")
				for _, p := range []string{"/", "/catalog/review", "/catalog", "/share", "/inbox"} {
					check(u+" (large text)", p, p == "/")
				}
				if !b.Has("body.large") {
					t.Errorf("the large-text mode is not on")
				}
				b.Visit("/large?on=0&back=/")
			}
		}
		if checked < 40 {
			t.Errorf("only %d pages checked", checked)
		}
		t.Logf("%d pages checked at 390 px", checked)
	})
}
