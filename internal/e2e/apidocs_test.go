package e2e_test

import (
	"strings"
	"testing"
	"time"

	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// The footer's "API 文档" opens a human API reference (#11 item 6): the vendored Redoc renders the
// server's OpenAPI document under the site's Content-Security-Policy (scripts from this site
// only), with each operation's summary and the fields of its typed request and response.
func TestAPIDocsPage(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := testutil.NewBrowser(t, d, nil)
		b.Visit("/")
		b.Click("#footer-api-docs")
		if got := b.Path(); got != "/api/docs" || b.Status != 200 {
			t.Fatalf("the footer link led to %s (%d)", got, b.Status)
		}
		// Redoc lays out all ~360 operations before the first one appears; on a loaded CI machine
		// that took over 20 s, so this one wait is longer than the helper's default.
		b.Timeout = 90 * time.Second
		op := b.Text(`[id$="operation/post_share_requests"]`) // waits for Redoc to render
		b.Timeout = 20 * time.Second
		for _, want := range []string{"提交共享申请", "/api/v1/share/requests", "entry_id", "201"} {
			if !strings.Contains(op, want) {
				t.Errorf("the operation POST /api/v1/share/requests does not show %q:\n%.1500s", want, op)
			}
		}
		if !b.Has(`[id$="operation/get_share_requests"]`) || !b.Has(`[id$="operation/get_quality_tasks"]`) {
			t.Error("operations are missing from the reference")
		}
	})
}
