package security_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/security"
	"pubdata/internal/testutil"
)

// The platform opens incidents from its own signals — an unusual-volume alert, bulk calls off
// hours, a grant running into its daily quota, repeated verification misses, a burst of failed
// logins from one address, a restore drill that did not pass, an audit log that no longer matches
// its checkpoint — once each, however often the scan runs; each signal is tried on its own and
// opens exactly its incident.
func TestIncidentsFromSignals(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := testutil.NewClock("2026-11-02 10:00")
		a := testutil.DirectoryApp(t, d, clock)
		s := a.Security
		jobErr := ""
		s.JobError = func(context.Context, string) string { return jobErr }
		s.VerifyMisses, s.VerifyWindow = 30, time.Hour
		at := clock.Now()
		expect := func(signal string, want int) {
			t.Helper()
			n, err := s.ScanSignals(ctx)
			if err != nil || n != want {
				t.Fatalf("%s: the scan opened %d (%v), want %d", signal, n, err, want)
			}
			if want == 0 {
				return
			}
			rs, err := s.List(ctx, principal(t, a, "admin"), "incident", 200)
			if err != nil {
				t.Fatal(err)
			}
			got := 0
			for _, r := range rs {
				if r.Signal == signal {
					got++
					if r.State != "open" || r.Stage != "reported" || r.Due != "2026-11-03" || r.CreatedBy != "system" {
						t.Errorf("incident %s: %s/%s due %s", r.Signal, r.State, r.Stage, r.Due)
					}
				}
			}
			if got != want {
				t.Fatalf("%s: %d incidents, want %d", signal, got, want)
			}
		}

		// Failed logins: 25 from one address within minutes is a burst; 5 from another is not.
		for i := range 25 {
			a.Audit.Log(ctx, audit.Event{ActorName: "mallory", ClientIP: "198.51.100.7", Action: "identity.login", Result: audit.Denied, At: at.Add(time.Duration(i) * 10 * time.Second)})
		}
		for i := range 5 {
			a.Audit.Log(ctx, audit.Event{ActorName: "bob", ClientIP: "203.0.113.9", Action: "identity.login", Result: audit.Denied, At: at.Add(time.Duration(i) * time.Second)})
		}
		expect(security.SignalLoginBurst, 1)

		// The share anomaly job's alert: unusual volume.
		a.Audit.Log(ctx, audit.Event{ActorName: "system", Action: "share.grant.anomaly", ObjectType: "share_grant", ObjectID: "g1",
			Detail: map[string]any{"day": "2026-11-02", "calls": 900, "off_hours": 0, "median": 40, "why": []string{"volume"}}})
		expect(security.SignalShareAnomaly, 1)

		// The same job's alert for bulk calls outside working hours.
		a.Audit.Log(ctx, audit.Event{ActorName: "system", Action: "share.grant.anomaly", ObjectType: "share_grant", ObjectID: "g2",
			Detail: map[string]any{"day": "2026-11-02", "calls": 300, "off_hours": 280, "median": 250, "why": []string{"off_hours"}}})
		expect(security.SignalOffHours, 1)

		// Calls refused for the daily quota: one incident per grant and day, however many refusals.
		for range 3 {
			a.Audit.Log(ctx, audit.Event{ActorName: "gw", Action: "share.gateway.lookup", GrantID: "g3", Result: audit.Denied, Detail: map[string]any{"code": "share.quota_exceeded"}})
		}
		a.Audit.Log(ctx, audit.Event{ActorName: "gw", Action: "share.gateway.lookup", GrantID: "g3", Result: audit.Denied, Detail: map[string]any{"code": "share.rate_limited"}})
		expect(security.SignalQuota, 1)

		// Verification misses (items without a match): 25 in an hour is below the threshold of
		// 30; 20 more within the hour make the incident; spread over hours they would not.
		verify := func(grant string, minutes, items, matched int) {
			a.Audit.Log(ctx, audit.Event{ActorName: "gw", Action: "share.gateway.verify", GrantID: grant, At: at.Add(time.Duration(minutes) * time.Minute),
				Detail: map[string]any{"items": items, "exists": matched, "matched": matched}})
		}
		verify("g4", 0, 30, 5)
		verify("g5", 0, 20, 0)
		verify("g5", 90, 20, 0) // an hour and a half later: two windows of 20
		expect(security.SignalVerifyMisses, 0)
		verify("g4", 20, 25, 5)
		expect(security.SignalVerifyMisses, 1)

		// A restore drill that failed (a passed one opens nothing).
		a.Audit.Log(ctx, audit.Event{ActorName: "jobs", Action: "backup.drill", ObjectType: "backup", ObjectID: "b2"})
		expect(security.SignalRestoreDrill, 0)
		a.Audit.Log(ctx, audit.Event{ActorName: "jobs", Action: "backup.drill", ObjectType: "backup", ObjectID: "b1", Result: "error", Detail: map[string]any{"problems": "table x"}})
		expect(security.SignalRestoreDrill, 1)

		// The checkpoint job reports the log rewritten.
		jobErr = "audit_log_rewritten: the audit log no longer matches the last signed checkpoint"
		expect(security.SignalCheckpoint, 1)
		if n, err := s.ScanSignals(ctx); err != nil || n != 0 {
			t.Fatalf("a rescan opened %d (%v), want 0", n, err)
		}
		// The keepers of the region were told in their inbox.
		var msgs int
		if err := d.QueryRowContext(ctx, "SELECT count(*) FROM notifications WHERE object_type = 'security_record' AND user_id = $1", principal(t, a, "admin").UserID).Scan(&msgs); err != nil || msgs != 7 {
			t.Fatalf("admin's incident messages: %d (%v), want 7", msgs, err)
		}
		if _, err := s.List(ctx, principal(t, a, "civil"), "", 50); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("an agency officer listed security records: %v", err)
		}
	})
}

// Records belong to a region: a city authority keeps and sees its own region's records and not
// the province's or another city's (answered as not found); the province authority sees its
// cities'; auditors and oversight bodies read every region and change none.
func TestSecurityRecordsRegionScoped(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := testutil.NewClock("2026-11-02 10:00")
		a := testutil.DirectoryApp(t, d, clock)
		s := a.Security
		admin, bt, auditor, oversight := principal(t, a, "admin"), principal(t, a, "bt_admin"), principal(t, a, "auditor"), principal(t, a, "oversight")
		prov, err := s.Create(ctx, admin, security.NewRecord{Kind: "check", Title: "自治区平台季度安全检查"})
		if err != nil || prov.RegionCode != demo.RegionProvince {
			t.Fatalf("province record: %+v %v", prov, err)
		}
		city, err := s.Create(ctx, bt, security.NewRecord{Kind: "risk_assessment", Title: "包头市数据局风险评估"})
		if err != nil || city.RegionCode != demo.RegionCityB {
			t.Fatalf("city record: %+v %v", city, err)
		}
		// The province files one for Baotou: within its region.
		down, err := s.Create(ctx, admin, security.NewRecord{Kind: "drill", Title: "包头市应急演练督导", RegionCode: demo.RegionCityB})
		if err != nil || down.RegionCode != demo.RegionCityB {
			t.Fatalf("province record for Baotou: %+v %v", down, err)
		}
		if _, err := s.Create(ctx, bt, security.NewRecord{Kind: "check", Title: "越级", RegionCode: demo.RegionProvince}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("Baotou filed a province record: %v", err)
		}
		if _, err := s.Create(ctx, bt, security.NewRecord{Kind: "check", Title: "跨市", RegionCode: demo.RegionCityA}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("Baotou filed a Hohhot record: %v", err)
		}
		ids := func(p *authz.Principal) map[string]bool {
			t.Helper()
			rs, err := s.List(ctx, p, "", 200)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]bool{}
			for _, r := range rs {
				out[r.ID] = true
			}
			return out
		}
		if got := ids(bt); len(got) != 2 || !got[city.ID] || !got[down.ID] {
			t.Fatalf("Baotou lists %v", got)
		}
		for _, p := range []*authz.Principal{admin, auditor, oversight} {
			if got := ids(p); len(got) != 3 {
				t.Fatalf("%s lists %d records, want 3", p.Username, len(got))
			}
		}
		// The province's record is not found for Baotou, on every path.
		if _, err := s.Get(ctx, bt, prov.ID); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("Baotou read the province's record: %v", err)
		}
		if _, err := s.Close(ctx, bt, prov.ID, "x"); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("Baotou closed the province's record: %v", err)
		}
		if _, err := s.AddStep(ctx, bt, prov.ID, "x"); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("Baotou stepped the province's record: %v", err)
		}
		if _, err := s.Get(ctx, bt, city.ID); err != nil {
			t.Fatal(err)
		}
		// Readers who may not change: 403 on what they read.
		if _, err := s.Close(ctx, auditor, city.ID, "x"); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("an auditor closed a record: %v", err)
		}
		if _, err := s.Create(ctx, oversight, security.NewRecord{Kind: "check", Title: "x"}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("oversight filed a record: %v", err)
		}
		// An agency's staff: nothing, as if nothing existed.
		if _, err := s.Get(ctx, principal(t, a, "water"), city.ID); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("an agency read a record: %v", err)
		}
		if _, err := s.Close(ctx, principal(t, a, "security"), city.ID, "x"); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("an agency's security officer closed an authority record: %v", err)
		}
		// The province closes Baotou's record.
		if c, err := s.Close(ctx, admin, city.ID, "评估完成，整改项已列入计划"); err != nil || c.State != "closed" {
			t.Fatalf("province closing Baotou's record: %+v %v", c, err)
		}
		// A platform incident on a grant belongs to the providing agency's region.
		s.GrantRegion = func(context.Context, string) string { return demo.RegionCityB }
		a.Audit.Log(ctx, audit.Event{ActorName: "gw", Action: "share.gateway.lookup", GrantID: "g-bt", Result: audit.Denied, Detail: map[string]any{"code": "share.quota_exceeded"}})
		if n, err := s.ScanSignals(ctx); err != nil || n != 1 {
			t.Fatalf("scan: %d %v", n, err)
		}
		rs, err := s.List(ctx, bt, "incident", 10)
		if err != nil || len(rs) != 1 || rs[0].RegionCode != demo.RegionCityB {
			t.Fatalf("Baotou's incidents: %+v %v", rs, err)
		}
		var told int
		d.QueryRowContext(ctx, "SELECT count(*) FROM notifications WHERE object_id = $1 AND user_id = $2", rs[0].ID, bt.UserID).Scan(&told)
		if told != 1 {
			t.Fatalf("Baotou's administrator told %d times", told)
		}
	})
}

// An incident goes reported → responding → closed: it cannot close before a response step is
// recorded nor while a notification duty is unfulfilled; its duties (who must be told, by which
// working day) are reminded on their due day and flagged overdue after it.
func TestIncidentStagesAndNotificationDuties(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := testutil.NewClock("2026-11-06 16:00") // a Friday
		a := testutil.DirectoryApp(t, d, clock)
		s := a.Security
		admin, bt := principal(t, a, "admin"), principal(t, a, "bt_admin")
		r, err := s.Create(ctx, admin, security.NewRecord{Kind: "incident", Title: "共享库疑似数据泄露", Severity: "high", Owner: "admin"})
		if err != nil {
			t.Fatal(err)
		}
		if r.Stage != "reported" || !r.NotifyDuty || len(r.Steps) != 1 || r.Steps[0].Kind != "report" {
			t.Fatalf("reported: %+v", r)
		}
		due := map[string]string{}
		for _, du := range r.Duties {
			due[du.Recipient] = du.Due
		}
		// The data authority at once (the same working day); the others within one working day.
		want := map[string]string{"data_authority": "2026-11-06", "cyber_police": "2026-11-09", "affected_users": "2026-11-09", "public": "2026-11-09"}
		if fmt.Sprint(due) != fmt.Sprint(want) {
			t.Fatalf("duties %v, want %v", due, want)
		}
		if _, err := s.Close(ctx, admin, r.ID, "已处置"); !errors.Is(err, security.ErrNoResponse) {
			t.Fatalf("closed before any response step: %v", err)
		}
		if _, err := s.AddStep(ctx, admin, r.ID, ""); apperr.As(err).Code != "invalid" {
			t.Fatalf("an empty step: %v", err)
		}
		r, err = s.AddStep(ctx, admin, r.ID, "已断开可疑账号的接口访问，保全日志")
		if err != nil || r.Stage != "responding" {
			t.Fatalf("step: %+v %v", r, err)
		}
		// Reminders on the due day: the data authority duty, to the owner (admin) and the province's keepers.
		n, err := s.Remind(ctx)
		if err != nil || n == 0 {
			t.Fatalf("reminders on the due day: %d %v", n, err)
		}
		var inbox int
		d.QueryRowContext(ctx, "SELECT count(*) FROM notifications WHERE object_id = $1 AND user_id = $2 AND kind = 'reminder'", r.ID, admin.UserID).Scan(&inbox)
		if inbox != 1 {
			t.Fatalf("admin reminded %d times on the due day", inbox)
		}
		d.QueryRowContext(ctx, "SELECT count(*) FROM notifications WHERE object_id = $1 AND user_id = $2", r.ID, bt.UserID).Scan(&inbox)
		if inbox != 0 {
			t.Fatalf("Baotou's administrator reminded of a province incident: %d", inbox)
		}
		if n, _ := s.Remind(ctx); n != 0 {
			t.Fatalf("reminded twice the same day: %d", n)
		}
		if _, err := s.Notified(ctx, admin, r.ID, "data_authority", "16:30 电话报告自治区数据局分管领导"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Notified(ctx, admin, r.ID, "data_authority", "again"); !errors.Is(err, security.ErrNoDuty) {
			t.Fatalf("the same duty twice: %v", err)
		}
		// Tuesday: the one-day duties are overdue (Monday was their day).
		clock.Set("2026-11-10 09:00")
		got, err := s.Get(ctx, admin, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		overdue := 0
		for _, du := range got.Duties {
			if du.Overdue {
				overdue++
			}
		}
		if overdue != 3 {
			t.Fatalf("overdue duties: %d, want 3 (%+v)", overdue, got.Duties)
		}
		if _, err := s.Close(ctx, admin, r.ID, "已处置"); !errors.Is(err, security.ErrDutiesOpen) {
			t.Fatalf("closed with duties open: %v", err)
		}
		if n, err := s.Remind(ctx); err != nil || n == 0 {
			t.Fatalf("overdue reminders: %d %v", n, err)
		}
		for _, who := range []string{"cyber_police", "affected_users", "public"} {
			if _, err := s.Notified(ctx, admin, r.ID, who, "已书面报告"); err != nil {
				t.Fatal(err)
			}
		}
		c, err := s.Close(ctx, admin, r.ID, "漏洞已修复，涉事账号已注销")
		if err != nil || c.State != "closed" || c.Stage != "closed" {
			t.Fatalf("close: %+v %v", c, err)
		}
		var kinds []string
		for _, st := range c.Steps {
			kinds = append(kinds, st.Kind)
		}
		if fmt.Sprint(kinds) != "[report step notified notified notified notified close]" {
			t.Fatalf("history: %v", kinds)
		}
		if _, err := s.AddStep(ctx, admin, r.ID, "late"); !errors.Is(err, security.ErrNotOpen) {
			t.Fatalf("a step on a closed incident: %v", err)
		}
	})
}

// Third-party service providers: the owner and the region's keepers are reminded in their inbox
// a number of working days before the security review or the confidentiality agreement expires,
// once, and once more when it has expired.
func TestProviderExpiryReminders(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := testutil.NewClock("2026-11-02 10:00")
		a := testutil.DirectoryApp(t, d, clock)
		s := a.Security
		s.ProviderRemindDays = 10
		bt := principal(t, a, "bt_admin")
		r, err := s.Create(ctx, bt, security.NewRecord{Kind: "provider", Title: "某运维服务公司", ReviewExpires: "2026-11-20", AgreementExpires: "2027-06-30"})
		if err != nil || r.ReviewExpires != "2026-11-20" {
			t.Fatalf("provider: %+v %v", r, err)
		}
		if _, err := s.Create(ctx, bt, security.NewRecord{Kind: "check", Title: "x", ReviewExpires: "2026-11-20"}); apperr.As(err).Code != "invalid" {
			t.Fatalf("an expiry on a check: %v", err)
		}
		count := func() int {
			var n int
			d.QueryRowContext(ctx, "SELECT count(*) FROM notifications WHERE object_id = $1 AND user_id = $2", r.ID, bt.UserID).Scan(&n)
			return n
		}
		// 14 working days ahead: not yet.
		if _, err := s.Remind(ctx); err != nil || count() != 0 {
			t.Fatalf("reminded 14 working days ahead: %d %v", count(), err)
		}
		clock.Set("2026-11-06 10:00") // 10 working days before the 20th
		if _, err := s.Remind(ctx); err != nil || count() != 1 {
			t.Fatalf("reminders 10 working days ahead: %d %v", count(), err)
		}
		clock.Set("2026-11-12 10:00")
		s.Remind(ctx)
		if count() != 1 {
			t.Fatalf("reminded again: %d", count())
		}
		clock.Set("2026-11-23 10:00") // expired
		s.Remind(ctx)
		if count() != 2 {
			t.Fatalf("after expiry: %d messages, want 2", count())
		}
		admin := principal(t, a, "admin")
		var prov int
		d.QueryRowContext(ctx, "SELECT count(*) FROM notifications WHERE object_id = $1 AND user_id = $2", r.ID, admin.UserID).Scan(&prov)
		if prov != 2 {
			t.Fatalf("the province's keeper got %d messages, want 2 (its region covers Baotou)", prov)
		}
	})
}

func principal(t *testing.T, a *app.App, username string) *authz.Principal {
	t.Helper()
	u, err := a.Identity.UserByName(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Identity.Principal(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
