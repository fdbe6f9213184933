package e2e_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// The demo authority administrator logs in, switches the UI to English and back to Chinese,
// opens the audit log from the navigation and finds the record of that very login.
func TestAdminSwitchesLanguageAndReadsAuditLog(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := testutil.NewBrowser(t, d, nil)
		b.Login("admin")

		// Chinese is the default.
		if got := b.Text("main h1"); got != "工作台" {
			t.Fatalf("home heading = %q, want 工作台", got)
		}
		if nav := b.Text("header nav"); !strings.Contains(nav, "审计日志") {
			t.Fatalf("navigation lacks 审计日志: %q", nav)
		}

		// Switch to English.
		b.Click("#lang-switch")
		if got := b.Text("main h1"); got != "Dashboard" {
			t.Fatalf("after switching to English the heading is %q", got)
		}
		if nav := b.Text("header nav"); !strings.Contains(nav, "Audit log") || strings.Contains(nav, "审计日志") {
			t.Fatalf("English navigation: %q", nav)
		}
		if lang := testutil.BrowserRun(b, "html lang", chromedp.Evaluate[string]("document.documentElement.lang")); lang != "en" {
			t.Fatalf("<html lang> = %q in English mode", lang)
		}

		// And back to Chinese.
		b.Click("#lang-switch")
		if got := b.Text("main h1"); got != "工作台" {
			t.Fatalf("after switching back the heading is %q", got)
		}

		// The audit page, reached through the navigation, lists the login.
		b.Click(`header nav a[href="/audit"]`)
		if b.Status != 200 {
			t.Fatalf("audit page answered HTTP %d", b.Status)
		}
		if got := b.Text("main h1"); got != "审计日志" {
			t.Fatalf("audit heading = %q", got)
		}
		rows := testutil.BrowserRun(b, "read the audit table", chromedp.Evaluate[[][]string](
			`Array.from(document.querySelectorAll("#audit-table tbody tr")).map(r => Array.from(r.cells).map(c => c.innerText.trim()))`))
		if len(rows) == 0 {
			t.Fatal("the audit table is empty")
		}
		// Columns: seq, time, actor, action, object, grant/purpose, result, client address.
		found := false
		for _, r := range rows {
			if len(r) == 8 && r[2] == "admin" && r[3] == "登录" && r[6] == "成功" && r[7] == "127.0.0.1" {
				found = true
			}
		}
		if !found {
			t.Fatalf("no successful login of admin from 127.0.0.1 in the audit table: %q", rows)
		}
	})
}

// A click on the submit button of a form that the browser will not send names the invalid
// fields (and fails the test at once) instead of waiting for a page that never comes.
func TestBrowserNamesInvalidFormFields(t *testing.T) {
	// The browser's form checks do not depend on the database: SQLite only.
	b := testutil.NewBrowser(t, testutil.SQLite(t), nil)
	b.Visit("/login")
	b.Fill("#username", "bt_admin")
	submit := `form[action="/login"] button[type="submit"]`
	if got := b.InvalidFields(submit); !strings.HasPrefix(got, "password: ") || len(got) <= len("password: ") {
		t.Fatalf("invalid fields of the login form without a password: %q, want password with the browser's message", got)
	}
	b.Fill("#password", "x")
	if got := b.InvalidFields(submit); got != "" {
		t.Fatalf("a filled login form reports invalid fields: %q", got)
	}
}
