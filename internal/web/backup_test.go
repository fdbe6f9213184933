package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"pubdata/internal/demo"
	"pubdata/internal/httpapi"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// The jobs page shows the demo's backup and its passed restore drill, in Chinese and English,
// with recovery point and time, and no internal codes.
func TestJobsPageShowsBackupsAndDrills(t *testing.T) {
	d := testutil.SQLite(t)
	a := testutil.DemoApp(t, d, nil)
	if err := demo.Backups(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	h, _, err := server.Handler(a, false)
	if err != nil {
		t.Fatal(err)
	}
	s := site{t, h}
	c := s.login("admin")
	zh := s.get("/jobs", c).Body.String()
	for _, want := range []string{"数据库备份", "已完成", "恢复演练", "通过", "恢复点（备份时长）", "恢复时间"} {
		if !strings.Contains(zh, want) {
			t.Errorf("jobs page lacks %q", want)
		}
	}
	en := s.get("/jobs", c, &http.Cookie{Name: httpapi.LangCookie, Value: "en"}).Body.String()
	for _, want := range []string{"Database backups", "Done", "Restore drills", "Passed", "Recovery time"} {
		if !strings.Contains(en, want) {
			t.Errorf("English jobs page lacks %q", want)
		}
	}
	if strings.Contains(zh, ">done<") || strings.Contains(zh, "backup.run") && !strings.Contains(zh, `data-code="backup.run"`) {
		t.Error("the jobs page shows a code")
	}
}
