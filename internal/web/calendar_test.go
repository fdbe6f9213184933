package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/httpapi"
	"pubdata/internal/security"
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

// A security record due in a year without a holiday table shows the 暂定 badge in the list and on
// the record, with its incident duties; in English it reads "provisional".
func TestSecurityDeadlinesShowProvisionalBadge(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-12-31 10:00")
		a := testutil.DirectoryApp(t, d, clock)
		h, _, _ := server.Handler(a, false)
		s := site{t, h}
		admin := s.login("admin")
		u, err := a.Identity.UserByName(context.Background(), "admin")
		if err != nil {
			t.Fatal(err)
		}
		p, err := a.Identity.Principal(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		r, err := a.Security.Create(context.Background(), p, security.NewRecord{Kind: "incident", Title: "接口异常调用", Severity: "high", Days: 5})
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/security", "/security/" + r.ID} {
			page := s.get(path, admin).Body.String()
			if !strings.Contains(page, `class="badge provisional"`) || !strings.Contains(page, ">暂定<") {
				t.Fatalf("%s shows no provisional badge for a deadline in 2027: %.3000s", path, page)
			}
		}
		if page := s.get("/security/"+r.ID, admin, &http.Cookie{Name: httpapi.LangCookie, Value: "en"}).Body.String(); !strings.Contains(page, ">provisional<") {
			t.Fatalf("the English record page lacks the provisional badge: %.3000s", page)
		}
	})
}
