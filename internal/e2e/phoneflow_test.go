package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// onPhoneInEnglish puts a browser on a 390 px screen, in English, with the site's large-text mode.
func onPhoneInEnglish(t *testing.T, b *testutil.Browser) {
	t.Helper()
	b.Do("phone screen", chromedp.EmulateViewport(390, 844), setTextSize(16))
	b.Visit("/lang?to=en&back=/")
	b.Visit("/large?on=1&back=/")
	if !b.Has("body.large") {
		t.Fatal("the large-text mode did not switch on")
	}
}

// looksRight checks the page as the user sees it: English, nothing overlapping or cut off, no
// wider than the phone, and no internal code or untranslated Chinese.
func looksRight(t *testing.T, b *testutil.Browser, step string) {
	t.Helper()
	if lang := testutil.BrowserRun(b, "lang", chromedp.Evaluate[string]("document.documentElement.lang")); lang != "en" {
		t.Errorf("%s: <html lang=%q>", step, lang)
	}
	for _, c := range []struct{ what, js string }{{"layout", layoutJS}, {"overflow", overflowJS}, {"leaks", leakJS}} {
		if bad := testutil.BrowserRun(b, c.what+" of "+step, chromedp.Evaluate[[]string](c.js)); len(bad) > 0 {
			t.Errorf("%s (%s) — %s:\n%s", step, b.Path(), c.what, strings.Join(bad, "\n"))
		}
	}
}

// The catalog's main flow on a phone, in English, with large text (#11's checks): a data officer
// drafts an entry and submits it, the authority reviewer finds it in the queue with its countdown
// and publishes it, and a visitor finds it — every step readable at 390 px.
func TestCatalogFlowOnPhoneInEnglishWithLargeText(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := testutil.NewBrowser(t, d, nil)
		onPhoneInEnglish(t, b)
		b.Login("officer")
		b.Visit("/catalog")
		looksRight(t, b, "officer's catalog")
		b.Click("#new-entry")
		looksRight(t, b, "new entry form")
		b.Fill("#name", "Firearm licence records")
		b.Fill("#summary", "Civil firearm licences issued")
		b.Fill(`input[name="fields.0.name"]`, "license_no")
		b.Fill(`input[name="fields.0.label"]`, "Licence number")
		b.ClickStay("#add-field")
		b.Fill(`input[name="fields.1.name"]`, "holder_id")
		b.Fill(`input[name="fields.1.label"]`, "Holder's ID number")
		b.Fill(`select[name="fields.1.kind"]`, "citizen_id")
		b.Fill("#share_type", "conditional")
		b.Fill("#share_reason", "Public safety")
		b.Fill("#share_legal_basis", "Firearms Control Law")
		b.Fill("#share_conditions", "Public security organs only")
		b.Fill("#open_type", "none")
		b.Fill("#open_reason", "legal_bar")
		b.Fill("#open_legal_basis", "Firearms Control Law")
		b.Click("#save-entry")
		if got := b.Text("#entry-status"); got != "Draft" {
			t.Fatalf("after saving: status %q (HTTP %d)", got, b.Status)
		}
		looksRight(t, b, "saved draft")
		entryPath := strings.SplitN(b.Path(), "?", 2)[0]
		b.Click("#submit-entry")
		if got := b.Text("#entry-status"); got != "Submitted" {
			t.Fatalf("after submitting: %q", got)
		}

		r := testutil.NewBrowserForApp(t, b.App)
		onPhoneInEnglish(t, r)
		r.Login("reviewer")
		r.Visit("/catalog/review")
		if row := r.Text("#review-queue"); !strings.Contains(row, "Firearm licence records") || !strings.Contains(row, "5 working days left") {
			t.Fatalf("review queue: %q", row)
		}
		looksRight(t, r, "review queue")
		r.Visit(entryPath)
		looksRight(t, r, "entry under review")
		r.Fill("#note", "Approved")
		r.Click("#approve-entry")
		if got := r.Text("#entry-status"); got != "Published" {
			t.Fatalf("after approval: %q", got)
		}

		v := testutil.NewBrowserForApp(t, b.App)
		onPhoneInEnglish(t, v)
		v.Visit("/catalog?q=Firearm")
		if got := v.Text("#results"); !strings.Contains(got, "Firearm licence records") {
			t.Fatalf("visitor search: %q", got)
		}
		looksRight(t, v, "visitor's search")
	})
}
