package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pubdata/internal/db"
	"pubdata/internal/demo"
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

// Sharing's main flow on a phone, in English, with large text: the civil affairs officer finds
// the population entry, picks fields and files a request; the public security approver finds it
// in the queue with its countdown and approves it; the officer issues the grant's credential,
// shown once with its copy button — every step readable at 390 px.
func TestShareFlowOnPhoneInEnglishWithLargeText(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		b := testutil.NewBrowserForApp(t, a)
		onPhoneInEnglish(t, b)
		b.Login("civil")
		b.Visit("/share")
		looksRight(t, b, "officer's requests")
		b.Click("#new-request")
		b.Fill("#entry-q", "常住人口")
		b.Click(`form[role=search] button`)
		b.Click(`#entry-hits a[href="/share/new?entry=` + demo.EntryPopulation + `"]`)
		looksRight(t, b, "request form")
		b.ClickStay("#f-citizen_id")
		b.ClickStay("#f-name")
		b.Fill("#scenario", "Identity checks for minimum living allowance applicants")
		b.Fill("#purpose", "Check applicants' household registration")
		b.Fill("#legal_basis", "Interim Measures on Social Assistance, art. 11")
		b.Fill("#end_date", "2027-06-30")
		for _, c := range []string{"commit_authenticity", "commit_compliance", "commit_security"} {
			b.ClickStay(`input[name=` + c + `]`)
		}
		b.Click("#submit-request")
		if got := b.Text("#request-state"); !strings.Contains(got, "Awaiting decision") {
			t.Fatalf("after filing the state reads %q", got)
		}
		if got := b.Text("#request-due"); !strings.Contains(got, "2026-10-13") || !strings.Contains(got, "5 working days left") {
			t.Fatalf("deadline reads %q", got)
		}
		looksRight(t, b, "filed request")
		reqPath, _, _ := strings.Cut(b.Path(), "?")

		r := testutil.NewBrowserForApp(t, a)
		onPhoneInEnglish(t, r)
		r.Login("approver")
		r.Visit("/share?box=queue")
		looksRight(t, r, "approval queue")
		if got := r.Text("#share-requests"); !strings.Contains(got, "5 working days left") {
			t.Fatalf("queue reads %q", got)
		}
		r.Click(`#share-requests a[href="` + reqPath + `"]`)
		looksRight(t, r, "request under decision")
		r.Click("#approve")
		if got := r.Text("#request-state"); !strings.Contains(got, "Active") {
			t.Fatalf("after approval the state reads %q", got)
		}

		b.Visit(reqPath)
		b.Click("#grant-link")
		looksRight(t, b, "grant page")
		b.Click("#issue-credential")
		if token := strings.TrimSpace(b.Text("#new-credential")); !strings.HasPrefix(token, "pd_") {
			t.Fatalf("credential shown as %q", token)
		}
		if !b.Has(`button.copy[data-copy="#new-credential"]`) {
			t.Fatal("no copy button for the credential")
		}
		looksRight(t, b, "credential shown once")
		b.Visit("/share/grants")
		if got := b.Text("main table"); !strings.Contains(got, "citizen_id") {
			t.Fatalf("the grants list does not show the granted items: %q", got)
		}
		looksRight(t, b, "grants list")
	})
}
