package security_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/security"
	"pubdata/internal/testutil"
	"pubdata/internal/workday"
)

// A security record's due date and an incident's notification duty that run into 2027 before its
// holiday table exists are provisional (deadline_provisional, naming 2027) in the list and on the
// record; importing the table recomputes both, and they are final (#10 item 5).
func TestSecurityDeadlinesProvisionalAcrossMissingYear(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := testutil.NewClock("2026-12-31 10:00")
		a := testutil.DirectoryApp(t, d, clock)
		s := a.Security
		admin := principal(t, a, "admin")
		// 5 working days from 2026-12-31, 2027 counted Monday–Friday: 01-01, 01-04, 01-05, 01-06, 01-07.
		check, err := s.Create(ctx, admin, security.NewRecord{Kind: "check", Title: "年度安全检查", Days: 5})
		if err != nil {
			t.Fatal(err)
		}
		inc, err := s.Create(ctx, admin, security.NewRecord{Kind: "incident", Title: "接口异常调用", Severity: "high", Days: 5})
		if err != nil {
			t.Fatal(err)
		}
		duty := func(r security.Record, who string) security.Duty {
			t.Helper()
			for _, d := range r.Duties {
				if d.Recipient == who {
					return d
				}
			}
			t.Fatalf("incident has no %s duty: %+v", who, r.Duties)
			return security.Duty{}
		}
		got, err := s.Get(ctx, admin, check.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Due != "2027-01-07" || !got.DeadlineProvisional || len(got.MissingYears) != 1 || got.MissingYears[0] != 2027 {
			t.Fatalf("check due %s provisional %v %v; want 2027-01-07 provisional for 2027", got.Due, got.DeadlineProvisional, got.MissingYears)
		}
		b, _ := json.Marshal(got)
		if !strings.Contains(string(b), `"deadline_provisional":true`) || !strings.Contains(string(b), `"deadline_missing_years":[2027]`) {
			t.Fatalf("the record's JSON lacks the provisional flag: %s", b)
		}
		list, err := s.List(ctx, admin, "", 200)
		if err != nil {
			t.Fatal(err)
		}
		var listed, listedInc *security.Record
		for i := range list {
			switch list[i].ID {
			case check.ID:
				listed = &list[i]
			case inc.ID:
				listedInc = &list[i]
			}
		}
		if listed == nil || !listed.DeadlineProvisional || listedInc == nil {
			t.Fatalf("the list does not mark the check provisional: %+v", listed)
		}
		// The public warning of a high-severity incident is due the next working day: 2027-01-01.
		if p := duty(*listedInc, "public"); p.Due != "2027-01-01" || !p.DeadlineProvisional {
			t.Fatalf("public duty due %s provisional %v; want 2027-01-01 provisional", p.Due, p.DeadlineProvisional)
		}
		if p := duty(*listedInc, "data_authority"); p.Due != "2026-12-31" || p.DeadlineProvisional {
			t.Fatalf("authority duty due %s provisional %v; want 2026-12-31 final", p.Due, p.DeadlineProvisional)
		}

		u := principal(t, a, "admin")
		if err := a.CalStore.Import(ctx, a.Audit, u.UserID, u.Username, u.OrgID,
			[]workday.Day{{Date: "2027-01-01", Kind: workday.Off, Name: "元旦（测试夹具 / fixture）"}}); err != nil {
			t.Fatal(err)
		}
		got, err = s.Get(ctx, admin, check.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Due != "2027-01-08" || got.DeadlineProvisional {
			t.Fatalf("after importing 2027: check due %s provisional %v; want 2027-01-08 final", got.Due, got.DeadlineProvisional)
		}
		gotInc, err := s.Get(ctx, admin, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if p := duty(gotInc, "public"); p.Due != "2027-01-04" || p.DeadlineProvisional {
			t.Fatalf("after importing 2027: public duty due %s provisional %v; want 2027-01-04 final", p.Due, p.DeadlineProvisional)
		}
	})
}
