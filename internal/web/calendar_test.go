package web_test

import (
	"context"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
	"pubdata/internal/workday"
)

// From 1 November the workbench tells authority administrators — and only them — that next
// year's holiday table is missing, until it is imported.
func TestMissingCalendarNotice(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-10-31 09:00")
		a := testutil.DirectoryApp(t, d, clock)
		h, _, _ := server.Handler(a, false)
		s := site{t, h}
		admin := s.login("admin")
		if strings.Contains(s.get("/", admin).Body.String(), `id="calendar-missing"`) {
			t.Fatal("the notice is shown in October")
		}
		clock.Set("2026-11-01 09:00")
		admin, officer := s.login("admin"), s.login("officer") // yesterday's session has expired
		page := s.get("/", admin).Body.String()
		if !strings.Contains(page, `id="calendar-missing"`) || !strings.Contains(page, "2027 年节假日表尚未导入") {
			t.Fatalf("1 November: the administrator's workbench lacks the 2027 notice: %.2000s", page)
		}
		if strings.Contains(s.get("/", officer).Body.String(), `id="calendar-missing"`) {
			t.Fatal("a data officer is shown the calendar notice")
		}
		if err := a.CalStore.Import(context.Background(), a.Audit, "", "admin", "", []workday.Day{{Date: "2027-01-01", Kind: workday.Off, Name: "fixture"}}); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(s.get("/", admin).Body.String(), `id="calendar-missing"`) {
			t.Fatal("the notice stays after the 2027 table was imported")
		}
	})
}
