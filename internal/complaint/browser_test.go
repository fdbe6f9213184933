package complaint_test

import (
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// A visitor, not logged in, opens an open dataset's page, files a rights complaint through the
// form, gets the complaint number, and sees the dataset suspended on its page (no download link,
// the reason shown).
func TestComplaintInBrowser(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := testutil.NewBrowser(t, d, nil)
		b.Visit("/open/datasets/cat-elderly-homes")
		if !b.Has("#dl-csv") || b.Has("#suspended") {
			t.Fatal("the demo dataset should be open with a CSV download")
		}
		b.Click("#complain")
		if !strings.HasPrefix(b.Path(), "/open/complaints/new") {
			t.Fatalf("complaint link leads to %s", b.Path())
		}
		b.Fill("#description", "该数据集公开了我家的地址")
		b.Fill("#evidence", "数据集第 5 行截图")
		b.Fill("#complainant_name", "王五")
		b.Fill("#contact", "13900000000")
		b.Click("#file-complaint")
		if !strings.HasPrefix(b.Path(), "/open/complaints/status/TS") || !b.Has("#filed") {
			t.Fatalf("after filing: %s", b.Path())
		}
		number := b.Text("#complaint-number")
		if !strings.Contains(b.Text("#complaint-state"), "已中止开放") || strings.Contains(b.HTML(), "王五") {
			t.Fatalf("status page: %s", b.Text("#complaint-status"))
		}
		b.Visit("/open/datasets/cat-elderly-homes")
		if !b.Has("#suspended") || !strings.Contains(b.Text("#suspended"), number) || b.Has("#dl-csv") {
			t.Fatalf("dataset page after the complaint: suspended=%v %q download=%v", b.Has("#suspended"), b.Text("#suspended"), b.Has("#dl-csv"))
		}
	})
}
