package e2e_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// waitText polls an element's text until it contains want (live validation is asynchronous).
func waitText(t *testing.T, b *testutil.Browser, sel, want string) string {
	t.Helper()
	var got string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(150 * time.Millisecond) {
		got = testutil.BrowserRun(b, "text of "+sel, chromedp.Evaluate[string]("(document.querySelector("+quote(sel)+")||{}).textContent||''"))
		if strings.Contains(got, want) {
			return got
		}
	}
	t.Fatalf("%s never showed %q; last %q", sel, want, got)
	return got
}

func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// A data officer drafts an entry with the field editor (adding a row, seeing a rule violation
// flagged live), saves and submits it; the authority reviewer finds it in the review queue with
// its countdown and publishes it; a visitor then finds it by a two-character search.
func TestCatalogDraftSubmitPublish(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := testutil.NewBrowser(t, d, nil)
		b.Login("officer")
		b.Visit("/catalog")
		b.Click("#new-entry")
		b.Fill("#name", "枪支持有许可信息")
		b.Fill("#summary", "民用枪支持有许可证的核发信息")
		b.Fill(`input[name="fields.0.name"]`, "license_no")
		b.Fill(`input[name="fields.0.label"]`, "持枪证编号")
		b.ClickStay("#add-field")
		b.Fill(`input[name="fields.1.name"]`, "holder_id")
		b.Fill(`input[name="fields.1.label"]`, "持证人公民身份号码")
		b.Fill(`select[name="fields.1.kind"]`, "citizen_id")
		// Conditional share without reason, basis or conditions: flagged while editing.
		b.Fill("#share_type", "conditional")
		testutil.BrowserRun(b, "notify change", chromedp.Evaluate[bool](`document.querySelector("#share_type").dispatchEvent(new Event("change", {bubbles: true}))`))
		waitText(t, b, "#check-errors", "share_legal_basis")
		waitText(t, b, `[data-for="share_reason"]`, "理由")
		b.Fill("#share_reason", "涉及公共安全")
		b.Fill("#share_legal_basis", "《中华人民共和国枪支管理法》")
		b.Fill("#share_conditions", "仅限公安机关及经批准的部门")
		b.Fill("#open_type", "none")
		b.Fill("#open_reason", "legal_bar")
		b.Fill("#open_legal_basis", "《中华人民共和国枪支管理法》")
		b.Click("#save-entry")
		if got := b.Text("#entry-status"); got != "草稿" {
			t.Fatalf("after saving: status %q (HTTP %d)", got, b.Status)
		}
		if got := b.Text("#fields-table"); !strings.Contains(got, "持证人公民身份号码") {
			t.Fatalf("saved fields: %q", got)
		}
		entryPath := b.Path()
		b.Click("#submit-entry")
		if got := b.Text("#entry-status"); got != "待审核" {
			t.Fatalf("after submitting: %q", got)
		}

		r := testutil.NewBrowserForApp(t, b.App)
		r.Login("reviewer")
		r.Visit("/catalog/review")
		row := r.Text("#review-queue")
		if !strings.Contains(row, "枪支持有许可信息") || !strings.Contains(row, "剩余 5 个工作日") {
			t.Fatalf("review queue: %q", row)
		}
		r.Visit(strings.SplitN(entryPath, "?", 2)[0])
		r.Fill("#note", "同意发布")
		r.Click("#approve-entry")
		if got := r.Text("#entry-status"); got != "已发布" {
			t.Fatalf("after approval: %q", got)
		}

		v := testutil.NewBrowserForApp(t, b.App)
		v.Visit("/catalog?q=" + "枪支")
		if got := v.Text("#results"); !strings.Contains(got, "枪支持有许可信息") {
			t.Fatalf("visitor search: %q", got)
		}
	})
}
