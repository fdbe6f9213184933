package security_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/security"
	"pubdata/internal/testutil"
)

// The platform opens incidents from its own signals — an unusual-volume alert, a burst of failed
// logins from one address, a restore drill that did not pass, an audit log that no longer matches
// its checkpoint — once each, however often the scan runs; the authority closes them with a note.
func TestIncidentsFromSignals(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := testutil.NewClock("2026-11-02 10:00")
		a := testutil.DirectoryApp(t, d, clock)
		s := a.Security
		jobErr := ""
		s.JobError = func(context.Context, string) string { return jobErr }
		at := clock.Now()
		for i := range 25 {
			a.Audit.Log(ctx, audit.Event{ActorName: "mallory", ClientIP: "198.51.100.7", Action: "identity.login", Result: audit.Denied, At: at.Add(time.Duration(i) * 10 * time.Second)})
		}
		for i := range 5 { // a few failures elsewhere: no incident
			a.Audit.Log(ctx, audit.Event{ActorName: "bob", ClientIP: "203.0.113.9", Action: "identity.login", Result: audit.Denied, At: at.Add(time.Duration(i) * time.Second)})
		}
		a.Audit.Log(ctx, audit.Event{ActorName: "system", Action: "share.grant.anomaly", ObjectType: "share_grant", ObjectID: "g1", Detail: map[string]any{"calls": 900}})
		a.Audit.Log(ctx, audit.Event{ActorName: "jobs", Action: "backup.drill", ObjectType: "backup", ObjectID: "b1", Result: "error", Detail: map[string]any{"problems": "table x"}})
		a.Audit.Log(ctx, audit.Event{ActorName: "jobs", Action: "backup.drill", ObjectType: "backup", ObjectID: "b2"}) // passed: no incident
		n, err := s.ScanSignals(ctx)
		if err != nil || n != 3 {
			t.Fatalf("first scan opened %d (%v), want 3", n, err)
		}
		jobErr = "audit_log_rewritten: the audit log no longer matches the last signed checkpoint"
		if n, err = s.ScanSignals(ctx); err != nil || n != 1 {
			t.Fatalf("checkpoint signal opened %d (%v), want 1", n, err)
		}
		if n, err = s.ScanSignals(ctx); err != nil || n != 0 {
			t.Fatalf("a rescan opened %d (%v), want 0", n, err)
		}
		admin := principal(t, a, "admin")
		rs, err := s.List(ctx, admin, "incident", 50)
		if err != nil {
			t.Fatal(err)
		}
		signals := map[string]int{}
		for _, r := range rs {
			signals[r.Signal]++
			if r.State != "open" || r.Due != "2026-11-03" {
				t.Errorf("incident %s: %s due %s", r.Signal, r.State, r.Due)
			}
		}
		if signals[security.SignalLoginBurst] != 1 || signals[security.SignalShareAnomaly] != 1 || signals[security.SignalRestoreDrill] != 1 || signals[security.SignalCheckpoint] != 1 {
			t.Fatalf("incidents by signal: %v", signals)
		}
		if _, err := s.List(ctx, principal(t, a, "civil"), "", 50); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("an agency officer listed security records: %v", err)
		}
		if _, err := s.Close(ctx, admin, rs[0].ID, ""); err == nil {
			t.Fatal("closed without a note")
		}
		c, err := s.Close(ctx, admin, rs[0].ID, "已封禁来源地址并通知相关单位")
		if err != nil || c.State != "closed" || c.ClosedBy != "admin" {
			t.Fatalf("close: %+v %v", c, err)
		}
		if _, err := s.Close(ctx, admin, rs[0].ID, "again"); !errors.Is(err, security.ErrNotOpen) {
			t.Fatalf("closing twice: %v", err)
		}
		// A record by hand: a third-party provider's review, due in working days.
		r, err := s.Create(ctx, admin, security.NewRecord{Kind: "provider", Title: "运维服务商安全审查与保密协议", Days: 5})
		if err != nil || r.Due != "2026-11-09" || r.Owner != "admin" {
			t.Fatalf("provider record: %+v %v", r, err)
		}
		if _, err := s.Create(ctx, admin, security.NewRecord{Kind: "nonsense", Title: ""}); apperr.As(err).Code != "invalid" {
			t.Fatalf("bad record: %v", err)
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
