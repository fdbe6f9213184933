package e2e_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
	"pubdata/internal/validate"
)

// A data officer uploads a CSV with one bad row through the upload page, reads the quality
// report (the bad row listed by line number, nothing loaded), then uploads again choosing
// "load valid rows, report the rest" and sees the new version committed.
func TestIngestUploadAndReport(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		b := testutil.NewBrowser(t, d, nil)
		var csv strings.Builder
		csv.WriteString("citizen_id,name,sex,birth_date,address,phone,region_code\n")
		for i := 0; i < 3; i++ {
			id := validate.MakeCitizenID("150202", time.Date(1966, 6, 1+i, 0, 0, 0, 0, time.UTC), 200+i)
			fmt.Fprintf(&csv, "%s,浏览器%d,女,1966-06-%02d,包头市东河区,13900000000,150202\n", id, i, 1+i)
		}
		csv.WriteString("150202196606049999,坏号,男,1966-06-04,包头市东河区,13900000000,150202\n")
		path := filepath.Join(t.TempDir(), "上传.csv")
		if err := os.WriteFile(path, []byte(csv.String()), 0o600); err != nil {
			t.Fatal(err)
		}
		b.Login("officer")
		b.Visit("/ingest")
		b.Click(`a[href="/ingest/entries/` + demo.EntryPopulation + `"]`)
		b.Do("choose file", chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{path}, chromedp.NodeReady))
		b.Click("#upload-submit")
		if st := b.Text("#load-status"); !strings.Contains(st, "已拒收") {
			t.Fatalf("status: %q", st)
		}
		if got := b.Text(`#problem-table tr[data-line="5"]`); !strings.Contains(got, "公民身份号码") {
			t.Fatalf("problem row 5: %q", got)
		}
		if got := b.Text("#rows-invalid"); got != "1" {
			t.Fatalf("problem rows: %q", got)
		}
		b.Visit("/ingest/entries/" + demo.EntryPopulation)
		b.Do("choose file", chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{path}, chromedp.NodeReady))
		b.ClickStay("#partial")
		b.Click("#upload-submit")
		if st := b.Text("#load-status"); !strings.Contains(st, "已入库") {
			t.Fatalf("status after a partial load: %q", st)
		}
		if got := b.Text(`#rule-table tr[data-rule="field.format"]`); !strings.Contains(got, "1") {
			t.Fatalf("rule row: %q", got)
		}
	})
}
