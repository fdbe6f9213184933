package testutil

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"pubdata/internal/app"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/server"
)

// Browser drives a real headless Chromium against the whole pubdata server (API, web UI,
// middleware) over a test database, for end-to-end tests of what a user sees.
//
// Usage (write browser tests as external packages, e.g. internal/e2e or package web_test):
//
//	func TestCatalogPage(t *testing.T) {
//		testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
//			b := testutil.NewBrowser(t, d, nil) // demo region loaded, server on 127.0.0.1:random
//			b.Login("officer")                 // any demo account (demo.Accounts)
//			b.Visit("/catalog")
//			b.Fill("#q", "户籍")
//			b.Click("form[role=search] button") // clicks and waits for the next page
//			if got := b.Text("#results"); !strings.Contains(got, "户籍") {
//				t.Fatalf("results: %q", got)
//			}
//		})
//	}
//
// Chromium is found through $PUBDATA_CHROME, then /usr/bin/chromium, chromium-browser,
// google-chrome on PATH. Without one the test skips with a message on a bare machine and FAILS
// when PUBDATA_REQUIRE_SERVICES=1 (CI). Each Browser is a fresh browser process with a fresh
// profile (--user-data-dir), so tests do not share cookies. Every helper fails the test (with
// t.Fatalf) on error or after Timeout; when a test fails, a full-page screenshot and the page's
// HTML are saved under $PUBDATA_ARTIFACTS (default: $TMPDIR/pubdata-screenshots) and their paths
// logged. For anything the helpers do not cover, use b.Do or testutil.BrowserRun with chromedp
// actions (they run on b.Ctx with the timeout).
type Browser struct {
	App *app.App
	// URL is the server's base address, http://127.0.0.1:PORT (no trailing slash).
	URL string
	// Ctx is the chromedp tab context, for chromedp.Do/Run with custom actions.
	Ctx context.Context
	// Timeout bounds each helper call (default 20 s).
	Timeout time.Duration
	// Status is the HTTP status of the last document loaded by Visit or Click.
	Status int

	t testing.TB
	n int64 // which browser of the run, so that two browsers of one test do not overwrite each other's failure pages
}

var browserSeq atomic.Int64

// ChromePath returns the browser binary to use, or "" when none is installed.
func ChromePath() string {
	if p := os.Getenv("PUBDATA_CHROME"); p != "" {
		return p
	}
	for _, c := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	return ""
}

// NewBrowser loads the demo region into d, serves the whole platform on 127.0.0.1 (random port)
// and starts a headless Chromium. clock may be nil (real time).
func NewBrowser(t testing.TB, d *db.DB, clock *Clock) *Browser {
	t.Helper()
	path := requireChrome(t)
	return newBrowser(t, path, DemoApp(t, d, clock))
}

// NewBrowserForApp serves an app the test has already prepared (with demo.Load called if it
// needs the demo accounts) and starts a headless Chromium.
func NewBrowserForApp(t testing.TB, a *app.App) *Browser {
	t.Helper()
	return newBrowser(t, requireChrome(t), a)
}

func requireChrome(t testing.TB) string {
	t.Helper()
	path := ChromePath()
	if path == "" {
		SkipOrFail(t, "browser test needs Chromium: none found (apt-get install chromium, or set PUBDATA_CHROME)")
	}
	if _, err := os.Stat(path); err != nil {
		SkipOrFail(t, "browser test needs Chromium: %s: %v", path, err)
	}
	return path
}

func newBrowser(t testing.TB, chrome string, a *app.App) *Browser {
	t.Helper()
	h, _, err := server.Handler(a, false)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h) // listens on 127.0.0.1:0
	t.Cleanup(srv.Close)

	profile, err := os.MkdirTemp("", "pubdata-chrome-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeLater(profile) })
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chrome),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 1000),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc) // stops the browser and waits for it
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelTab)

	// The first Do starts the browser; it is bound to ctx (no timeout), so wait for it here.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			SkipOrFail(t, "cannot start %s: %v", chrome, err)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not start within 60 s", chrome)
	}

	b := &Browser{App: a, URL: srv.URL, Ctx: ctx, Timeout: 20 * time.Second, t: t, n: browserSeq.Add(1)}
	// Registered last, so it runs first: capture the page before the browser is stopped.
	t.Cleanup(func() {
		if t.Failed() {
			b.saveFailure()
		}
	})
	return b
}

// removeLater removes a browser profile; Chromium's helpers can still be writing for a moment
// after the browser exits, so it retries briefly and then gives up quietly.
func removeLater(dir string) {
	for i := 0; i < 10; i++ {
		if os.RemoveAll(dir) == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (b *Browser) timeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.Ctx, b.Timeout)
}

// Do runs chromedp actions on the tab with the helper timeout, failing the test on error.
func (b *Browser) Do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.timeout()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("browser: %s: %v (page %s)", what, err, b.location())
	}
}

// BrowserRun runs one chromedp action that returns a value, with the helper timeout.
func BrowserRun[T any](b *Browser, what string, action chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := b.timeout()
	defer cancel()
	v, err := chromedp.Run(ctx, action)
	if err != nil {
		b.t.Fatalf("browser: %s: %v (page %s)", what, err, b.location())
	}
	return v
}

// Visit loads a page of the server (path like "/audit?page=2") and waits for it.
func (b *Browser) Visit(path string) {
	b.t.Helper()
	resp := BrowserRun(b, "visit "+path, chromedp.NavigateResponse(b.URL+path))
	if resp != nil {
		b.Status = int(resp.Status)
	}
}

// Click clicks the first visible element matching the CSS selector and waits for the page it
// leads to (a link or a form's submit button). Use ClickStay when the click loads no page.
func (b *Browser) Click(selector string) {
	b.t.Helper()
	// A submit button of a form with invalid fields sends nothing: the browser shows a bubble and
	// the page never changes. Say which fields at once instead of waiting for the timeout.
	if bad := b.InvalidFields(selector); bad != "" {
		b.t.Fatalf("browser: click %s: the form is not sent, the browser refuses its fields: %s (page %s)", selector, bad, b.location())
	}
	ctx, cancel := b.timeout()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("browser: click %s: %v (page %s)", selector, err, b.location())
	}
	if resp != nil {
		b.Status = int(resp.Status)
	}
}

// InvalidFields names the fields that keep the form of the submit button matching selector from
// being sent (HTML constraint validation: required, pattern, type, min/max …), each as
// "name: the browser's message", or "" when the element is not a submit button or its form is
// valid.
func (b *Browser) InvalidFields(selector string) string {
	b.t.Helper()
	js := fmt.Sprintf(`(() => {
		const el = document.querySelector(%q);
		if (!el || !el.form || el.type !== "submit" || el.formNoValidate || el.form.noValidate) return "";
		return Array.from(el.form.elements)
			.filter(f => f.willValidate && !f.checkValidity())
			.map(f => (f.name || f.id || f.tagName.toLowerCase()) + ": " + f.validationMessage)
			.join("; ");
	})()`, selector)
	return BrowserRun(b, "check the form of "+selector, chromedp.Evaluate[string](js))
}

// ClickStay clicks an element that changes the page in place (no navigation).
func (b *Browser) ClickStay(selector string) {
	b.t.Helper()
	b.Do("click "+selector, chromedp.Click(chromedp.CSS(selector), chromedp.NodeVisible))
}

// Fill replaces the value of an input, select or textarea.
func (b *Browser) Fill(selector, value string) {
	b.t.Helper()
	b.Do("fill "+selector, chromedp.SetValue(chromedp.CSS(selector), value, chromedp.NodeReady))
}

// Text returns the visible text of the first element matching the CSS selector, waiting up to
// Timeout for it to appear.
func (b *Browser) Text(selector string) string {
	b.t.Helper()
	return BrowserRun(b, "text of "+selector, chromedp.Text(chromedp.CSS(selector), chromedp.NodeReady))
}

// Has tells whether an element matching the selector is on the page now (no waiting).
func (b *Browser) Has(selector string) bool {
	b.t.Helper()
	return BrowserRun(b, "look for "+selector, chromedp.Evaluate[bool](fmt.Sprintf("document.querySelector(%q) !== null", selector)))
}

// HTML returns the current page's HTML.
func (b *Browser) HTML() string {
	b.t.Helper()
	// Evaluated in the page rather than through a DOM node id, which a just-finished
	// navigation can invalidate ("No node with given id found").
	return BrowserRun(b, "read HTML", chromedp.Evaluate[string]("document.documentElement.outerHTML"))
}

// Path returns the current page's path and query (e.g. "/audit?page=2").
func (b *Browser) Path() string {
	b.t.Helper()
	loc := BrowserRun(b, "read location", chromedp.Location())
	return strings.TrimPrefix(loc, b.URL)
}

// Login logs in through the login form as a demo account (password demo.Password) and fails
// the test unless the page then shows a logged-in user.
func (b *Browser) Login(username string) {
	b.t.Helper()
	b.LoginWith(username, demo.Password)
}

// LoginWith logs in through the login form with any username and password.
func (b *Browser) LoginWith(username, password string) {
	b.t.Helper()
	b.Visit("/login")
	b.Fill("#username", username)
	b.Fill("#password", password)
	b.Click(`form[action="/login"] button[type="submit"]`)
	if !b.Has("header .who") {
		msg := ""
		if b.Has("[role=alert]") {
			msg = b.Text("[role=alert]")
		}
		b.t.Fatalf("browser: login as %s failed (HTTP %d, page %s): %s", username, b.Status, b.location(), msg)
	}
}

// Screenshot saves a full-page PNG named after the test and name, and returns its path.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	buf := BrowserRun(b, "screenshot", chromedp.FullScreenshot(100)) // quality 100: PNG (below it is JPEG)
	path := b.artifact(name, ".png")
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		b.t.Errorf("screenshot: %v", err)
	}
	b.t.Logf("screenshot: %s", path)
	return path
}

// saveFailure saves what the browser shows when its test failed: a full-page PNG screenshot
// and the page's HTML, named after the test and the browser (a test may drive several), and
// returns the paths written.
func (b *Browser) saveFailure() []string {
	ctx, cancel := context.WithTimeout(b.Ctx, 10*time.Second)
	defer cancel()
	var saved []string
	name := fmt.Sprintf("failure-browser%d", b.n)
	// quality 100 makes a PNG; below it Chromium answers a JPEG
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil { // a page too tall for one image ("Page is too large"): what the screen shows
		buf, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
	}
	if err == nil {
		p := b.artifact(name, ".png")
		if os.WriteFile(p, buf, 0o644) == nil {
			b.t.Logf("screenshot of the failing page: %s", p)
			saved = append(saved, p)
		}
	} else {
		b.t.Logf("no screenshot of the failing page: %v", err)
	}
	if html, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.documentElement.outerHTML")); err == nil {
		p := b.artifact(name, ".html")
		if os.WriteFile(p, []byte(html), 0o644) == nil {
			b.t.Logf("HTML of the failing page (%s): %s", b.location(), p)
			saved = append(saved, p)
		}
	}
	return saved
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

func (b *Browser) artifact(name, ext string) string {
	dir := os.Getenv("PUBDATA_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "pubdata-screenshots")
	}
	os.MkdirAll(dir, 0o755)
	return filepath.Join(dir, unsafeName.ReplaceAllString(b.t.Name()+"-"+name, "_")+ext)
}

// location is the current URL for error messages (best effort, never fails the test).
func (b *Browser) location() string {
	ctx, cancel := context.WithTimeout(b.Ctx, 2*time.Second)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "?"
	}
	return loc
}
