package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// contrastJS lists the visible texts of the page whose colour against their effective
// background (the element's and its ancestors' background colours, blended) is below WCAG AA:
// 4.5:1, or 3:1 for large text (24px, or 18.66px bold).
const contrastJS = `(() => {
  const parse = s => { const m = s.match(/rgba?\(([^)]+)\)/); if (!m) return [0,0,0,0];
    const p = m[1].split(',').map(x => parseFloat(x)); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const over = (top, under) => { const a = top[3]; return [0,1,2].map(i => top[i]*a + under[i]*(1-a)).concat([1]); };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v/12.92 : Math.pow((v+0.055)/1.055, 2.4); };
    return 0.2126*f(c[0]) + 0.7152*f(c[1]) + 0.0722*f(c[2]); };
  const bgOf = el => { const layers = []; for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor); if (c[3] > 0) layers.push(c); if (c[3] >= 1) break; }
    let bg = [255,255,255,1]; for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg); return bg; };
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement; const text = n.textContent.trim();
    if (!text || seen.has(el)) continue; seen.add(el);
    const r = el.getBoundingClientRect(); const cs = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || cs.visibility === 'hidden' || cs.display === 'none' || parseFloat(cs.opacity) === 0) continue;
    if (el.closest('.skip') || el.closest('svg')) continue;
    const bg = bgOf(el); const fg = over(parse(cs.color), bg);
    const l1 = lum(fg), l2 = lum(bg); const ratio = (Math.max(l1,l2)+0.05)/(Math.min(l1,l2)+0.05);
    const size = parseFloat(cs.fontSize); const bold = parseInt(cs.fontWeight) >= 700;
    const need = (size >= 24 || (size >= 18.66 && bold)) ? 3 : 4.5;
    if (ratio < need) bad.push(ratio.toFixed(2) + ' < ' + need + ': "' + text.slice(0, 40) + '" (' + cs.color + ' on rgb(' + bg.slice(0,3).map(Math.round).join(',') + '))');
  }
  return bad;
})()`

// Every text on the main pages, the overdue row of the catalog review queue among them, meets
// WCAG AA contrast against its background, in the normal and the large-text mode.
func TestTextContrastMeetsWCAGAA(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := testutil.NewBrowser(t, d, nil)
		check := func(path string) {
			t.Helper()
			b.Visit(path)
			if bad := testutil.BrowserRun(b, "contrast of "+path, chromedp.Evaluate[[]string](contrastJS)); len(bad) > 0 {
				t.Errorf("%s: %d texts below WCAG AA:\n%s", path, len(bad), strings.Join(bad, "\n"))
			}
		}
		check("/login")
		check("/no-such-page")
		b.Login("reviewer")
		b.Visit("/catalog/review")
		if !b.Has("#review-queue tr.overdue") {
			t.Fatal("the demo review queue has no overdue row")
		}
		for _, p := range []string{"/", "/catalog/review", "/catalog", "/catalog/entries/cat-review-skills", "/share?box=region", "/share/grants?box=region",
			"/quality", "/ingest", "/ingest/freshness", "/inbox", "/calendar"} {
			check(p)
		}
		b.Visit("/large?on=1&back=/catalog/review")
		check("/catalog/review")
		b.Click(`form[action="/logout"] button`)
		b.Login("officer")
		for _, p := range []string{"/share?box=queue", "/audit", "/objections?box=queue", "/tokens"} {
			check(p)
		}
	})
}
