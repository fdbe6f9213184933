package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// layoutJS names the texts of the page that overlap another text or are cut off by a box that
// hides its overflow — what enlarged text breaks first. Visually hidden texts (screen-reader
// labels, the skip link, a folded menu, the column heads of a table shown as cards) and chart
// drawings are left out.
const layoutJS = `(() => {
  const out = [];
  const hidden = 'svg, .sr-only, .skip, table.stack > thead, script, style, noscript, template, option';
  const boxes = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement; const text = n.textContent.trim();
    if (!text || !el || el.closest(hidden)) continue;
    if (!el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true})) continue;
    const r = document.createRange(); r.selectNodeContents(n);
    for (const q of r.getClientRects()) if (q.width > 1 && q.height > 1) boxes.push({n, q, t: text.slice(0, 30)});
  }
  boxes.sort((a, b) => a.q.top - b.q.top);
  for (let i = 0; i < boxes.length && out.length < 6; i++) {
    const a = boxes[i];
    for (let j = i + 1; j < boxes.length && boxes[j].q.top < a.q.bottom; j++) {
      const b = boxes[j]; if (a.n === b.n) continue;
      const w = Math.min(a.q.right, b.q.right) - Math.max(a.q.left, b.q.left);
      const h = Math.min(a.q.bottom, b.q.bottom) - Math.max(a.q.top, b.q.top);
      if (w > 2 && h > 3) { out.push('overlap: "' + a.t + '" and "' + b.t + '"'); break; }
    }
  }
  for (const el of document.querySelectorAll('body *')) {
    if (out.length > 10) break;
    if (el.closest(hidden) || el.matches('input, select, textarea, .menu-toggle') || !el.checkVisibility()) continue;
    const cs = getComputedStyle(el); const clipX = /hidden|clip/.test(cs.overflowX), clipY = /hidden|clip/.test(cs.overflowY);
    if (!clipX && !clipY) continue;
    if (!(el.innerText || '').trim()) continue;
    if ((clipX && el.scrollWidth > el.clientWidth + 2) || (clipY && el.scrollHeight > el.clientHeight + 2))
      out.push('cut off (' + el.scrollWidth + '×' + el.scrollHeight + ' in ' + el.clientWidth + '×' + el.clientHeight + '): <' + el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '> ' + el.innerText.trim().slice(0, 40));
  }
  return out;
})()`

// leakJS names what a reader must never see in the visible text of the page: Go values
// (struct dumps, maps, pointers), organization IDs where a name belongs, internal codes written
// in snake_case or dotted (login_failed, share.gateway.lookup) outside code samples. (Words of
// the wrong language are the crawl's to find, web.TestNoInternalCodesOnAnyPage, which knows
// the UI's strings apart from the data's names.)
const leakJS = `(() => {
  const out = [];
  const skip = 'script, style, code, pre, kbd, samp, [translate="no"], [lang^="zh"], svg, .sr-only, textarea, option, select';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n && out.length < 8; n = walker.nextNode()) {
    const el = n.parentElement; const t = n.textContent.trim();
    if (!t || !el || el.closest(skip) || !el.checkVisibility()) continue;
    let m;
    if ((m = t.match(/\{[0-9]|\{0x|map\[|&\{|\{<nil>/))) out.push('Go value: "' + t.slice(0, 60) + '"');
    else if ((m = t.match(/\borg-[a-z0-9-]+/))) out.push('organization ID ' + m[0] + ': "' + t.slice(0, 60) + '"');
    else if ((m = t.match(/(?:^|[^\w@/.:-])([a-z][a-z0-9]*(?:[_.][a-z0-9]+)+)(?=$|[^\w/@-])/)) && !/\.(csv|json|xlsx|zip|pdf|txt|gov|cn|com|org|html)$/.test(m[1]) && !/^[a-z]\.[a-z]\.?$/.test(m[1])) out.push('code ' + m[1] + ': "' + t.slice(0, 60) + '"');
  }
  return out;
})()`

// setTextSize sets the reader's default text size in the browser (Chrome's "font size"
// setting; 16 px is 100 %).
func setTextSize(px int64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.SetFontSizes, page.SetFontSizesParams{FontSizes: &page.FontSizes{Standard: px, Fixed: px * 13 / 16}})
		return err
	})
}

// With the text enlarged — the reader's browser set to 200 % text on a desktop screen, and the
// site's own large-text mode on a phone (390 px) — every menu page of every demo role, in both
// languages, keeps its text whole: no text overlaps another or is cut off by its box, nothing
// is wider than the screen (tables scroll in their own box or become cards), every text meets
// WCAG AA contrast, and no internal code or wrong-language text shows. On the phone in
// English a visitor clicks a catalog facet and "Next", and the administrator pages the audit
// log, and the rows change.
func TestLargeTextInBothLanguages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := testutil.NewBrowser(t, d, nil)
		type mode struct {
			name, lang string
			width      int64
			textPx     int64 // the browser's default text size
			large      bool  // the site's large-text mode
		}
		modes := []mode{
			{"200% text, 1280 px, Chinese", "zh", 1280, 32, false},
			{"large-text mode, 390 px, English", "en", 390, 16, true},
		}
		checked := map[string]int{}
		check := func(m mode, who, path string, contrast bool) {
			t.Helper()
			b.Visit(path)
			if b.Status >= 400 {
				t.Errorf("%s, %s %s: HTTP %d", m.name, who, path, b.Status)
				return
			}
			checked[m.name]++
			want := map[string]string{"zh": "zh-CN", "en": "en"}[m.lang]
			if lang := testutil.BrowserRun(b, "lang", chromedp.Evaluate[string]("document.documentElement.lang")); lang != want {
				t.Errorf("%s, %s %s: <html lang=%q>", m.name, who, path, lang)
			}
			if m.large && !b.Has("body.large") {
				t.Errorf("%s, %s %s: the large-text mode is off", m.name, who, path)
			}
			for _, c := range []struct{ what, js string }{{"layout", layoutJS}, {"overflow", overflowJS}, {"contrast", contrastJS}, {"leaks", leakJS}} {
				if c.what == "contrast" && !contrast {
					continue
				}
				if bad := testutil.BrowserRun(b, c.what+" of "+path, chromedp.Evaluate[[]string](c.js)); len(bad) > 0 {
					t.Errorf("%s, %s %s — %s:\n%s", m.name, who, path, c.what, strings.Join(bad, "\n"))
				}
			}
		}
		logout := func() {
			b.Visit("/")
			if b.Has(".menu-button") && testutil.BrowserRun(b, "menu folded", chromedp.Evaluate[bool](`getComputedStyle(document.querySelector('.menu-button')).display !== 'none'`)) {
				b.ClickStay(".menu-button")
			}
			b.Click(`form[action="/logout"] button`)
		}
		users := []string{"officer", "approver", "reviewer", "admin", "citizen", "appunit", "operator", "oversight"}
		for _, m := range modes {
			b.Do("screen "+m.name, chromedp.EmulateViewport(m.width, 900), setTextSize(m.textPx))
			b.Visit("/lang?to=" + m.lang + "&back=/")
			b.Visit(fmt.Sprintf("/large?on=%d&back=/", map[bool]int{false: 0, true: 1}[m.large]))
			if got := testutil.BrowserRun(b, "text size", chromedp.Evaluate[string](`getComputedStyle(document.body).fontSize`)); m.textPx == 32 && got != "32px" {
				t.Errorf("%s: the page's text is %s, not the browser's 32 px", m.name, got)
			}
			for _, p := range []string{"/", "/catalog", "/open", "/login", "/register", "/no-such-page"} {
				if p == "/no-such-page" {
					b.Visit(p)
					if b.Status != 404 {
						t.Errorf("%s: /no-such-page answered %d", m.name, b.Status)
					}
					for _, c := range []struct{ what, js string }{{"layout", layoutJS}, {"contrast", contrastJS}, {"leaks", leakJS}} {
						if bad := testutil.BrowserRun(b, c.what, chromedp.Evaluate[[]string](c.js)); len(bad) > 0 {
							t.Errorf("%s, the 404 page — %s:\n%s", m.name, c.what, strings.Join(bad, "\n"))
						}
					}
					continue
				}
				check(m, "visitor", p, true)
			}
			if m.width == 390 && m.lang == "en" {
				// facets and paging, on the phone in English with large text
				b.Visit("/catalog")
				total := b.Text("#results > p")
				link := `#facet-share_type li a:not([aria-label])`
				b.Click(link)
				if got := b.Text("#results > p"); got == total || !strings.Contains(b.Path(), "share_type=") {
					t.Errorf("%s: the facet changed nothing (%q → %q at %s)", m.name, total, got, b.Path())
				}
				b.Visit("/catalog?page_size=5")
				nextPage(t, b, "#results article.hit h2", "page_size=5")
			}
			for _, u := range users {
				b.Login(u)
				links := testutil.BrowserRun(b, "menu links", chromedp.Evaluate[[]string](
					`Array.from(document.querySelectorAll('header nav a')).map(a => a.getAttribute('href')).filter(h => h.startsWith('/'))`))
				for i, p := range links {
					check(m, u, p, i < 3)
				}
				if u == "reviewer" {
					check(m, u, "/catalog/review", true)
				}
				if u == "admin" && m.width == 390 && m.lang == "en" {
					b.Visit("/audit?page_size=5")
					nextPage(t, b, "#audit-table tbody tr", "page_size=5")
				}
				logout()
			}
		}
		for _, m := range modes {
			if checked[m.name] < 40 {
				t.Errorf("%s: only %d pages checked", m.name, checked[m.name])
			}
		}
		t.Logf("pages checked: %v", checked)
	})
}
