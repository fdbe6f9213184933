package notify_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/identity"
	"pubdata/internal/notify"
	"pubdata/internal/testutil"
)

const (
	orgPS    = "org-ps"
	orgCivil = "org-civil"
)

// directory builds the platform with a small directory of its own (not the demo region, whose
// capabilities send messages of their own): two agencies, three staff and a citizen.
func directory(t *testing.T, d *db.DB, clock *testutil.Clock) *app.App {
	t.Helper()
	ctx := context.Background()
	a := testutil.NewApp(t, d, clock)
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		if err := a.Identity.CreateRegion(ctx, tx, identity.Region{Code: "150000", Name: "内蒙古自治区"}); err != nil {
			return err
		}
		for _, o := range []identity.Org{{ID: orgPS, Name: "公安厅", Kind: authz.KindAgency}, {ID: orgCivil, Name: "民政厅", Kind: authz.KindAgency}} {
			o.RegionCode = "150000"
			if err := a.Identity.CreateOrg(ctx, tx, &o); err != nil {
				return err
			}
		}
		for _, u := range []identity.NewUser{
			{Username: "officer", DisplayName: "孙专员", OrgID: orgPS, Roles: []authz.Role{authz.DataOfficer}},
			{Username: "approver", DisplayName: "李处长", OrgID: orgPS, Roles: []authz.Role{authz.AgencyApprover}},
			{Username: "civil", DisplayName: "吴专员", OrgID: orgCivil, Roles: []authz.Role{authz.DataOfficer}},
			{Username: "citizen", DisplayName: "许公民", Roles: []authz.Role{authz.PublicUser}},
		} {
			u.Password = "a-long-password"
			if _, err := a.Identity.CreateUser(ctx, tx, u); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func principal(t *testing.T, a *app.App, username string) *authz.Principal {
	t.Helper()
	ctx := context.Background()
	u, err := a.Identity.UserByName(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Identity.Principal(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func inbox(t *testing.T, a *app.App, p *authz.Principal, unread bool) []notify.Message {
	t.Helper()
	ms, total, err := a.Notify.Inbox(context.Background(), p, unread, 50, 0)
	if err != nil || total != len(ms) {
		t.Fatalf("inbox of %s: %d of %d, %v", p.Username, len(ms), total, err)
	}
	return ms
}

func titles(ms []notify.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.TitleZH)
	}
	return out
}

func TestInboxPerUserAndPerOrganization(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clock := testutil.NewClock("2026-09-30 10:00")
		a := directory(t, d, clock)
		officer, approver, civil := principal(t, a, "officer"), principal(t, a, "approver"), principal(t, a, "civil")

		send := func(m notify.Message) {
			t.Helper()
			clock.Advance(time.Minute)
			if ok, err := a.Notify.Send(ctx, d, m); err != nil || !ok {
				t.Fatalf("send %q: %v %v", m.TitleZH, ok, err)
			}
		}
		send(notify.Message{UserID: officer.UserID, Kind: "reminder", TitleZH: "给孙专员", TitleEN: "to the officer"})
		send(notify.Message{OrgID: orgPS, Kind: "escalation", TitleZH: "给公安厅", TitleEN: "to public security", Link: "/share/1"})
		send(notify.Message{OrgID: orgCivil, Kind: "info", TitleZH: "给民政厅"})

		if got := titles(inbox(t, a, officer, false)); len(got) != 2 || got[0] != "给公安厅" || got[1] != "给孙专员" {
			t.Fatalf("officer's inbox (newest first): %v", got)
		}
		if got := titles(inbox(t, a, approver, false)); len(got) != 1 || got[0] != "给公安厅" {
			t.Fatalf("approver's inbox: %v", got)
		}
		if got := titles(inbox(t, a, civil, false)); len(got) != 1 || got[0] != "给民政厅" {
			t.Fatalf("civil affairs' inbox: %v", got)
		}
		if _, _, err := a.Notify.Inbox(ctx, &authz.Principal{}, false, 10, 0); !errors.Is(err, apperr.Unauthenticated) {
			t.Fatalf("anonymous inbox: %v", err)
		}

		// Marking read: only the addressee (or its organization) may.
		msg := inbox(t, a, officer, false)[1]                                                // 给孙专员
		if err := a.Notify.MarkRead(ctx, approver, msg.ID); !errors.Is(err, apperr.Hidden) { // as if there were none
			t.Fatalf("approver marked the officer's message: %v", err)
		}
		if err := a.Notify.MarkRead(ctx, officer, msg.ID); err != nil {
			t.Fatal(err)
		}
		if got := titles(inbox(t, a, officer, true)); len(got) != 1 || got[0] != "给公安厅" {
			t.Fatalf("officer's unread: %v", got)
		}
		if err := a.Notify.MarkRead(ctx, civil, inbox(t, a, approver, false)[0].ID); !errors.Is(err, apperr.Hidden) { // as if there were none
			t.Fatalf("another organization marked a message: %v", err)
		}
		if err := a.Notify.MarkRead(ctx, officer, "no-such-id"); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("unknown message: %v", err)
		}
		// Paging.
		ms, total, err := a.Notify.Inbox(ctx, officer, false, 1, 1)
		if err != nil || total != 2 || len(ms) != 1 || ms[0].TitleZH != "给孙专员" {
			t.Fatalf("second page: %v %d %v", titles(ms), total, err)
		}
	})
}

// A reminder job may run on every node and every tick: the dedup key delivers it once, and a
// duplicate never breaks the caller's transaction (on PostgreSQL a unique violation would).
func TestDedupKey(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := directory(t, d, nil)
		officer := principal(t, a, "officer")
		m := notify.Message{UserID: officer.UserID, Kind: "reminder", TitleZH: "还剩 2 个工作日", DedupKey: "share:42:remind:2"}
		if ok, err := a.Notify.Send(ctx, d, m); !ok || err != nil {
			t.Fatalf("first: %v %v", ok, err)
		}
		if ok, err := a.Notify.Send(ctx, d, m); ok || err != nil {
			t.Fatalf("duplicate: %v %v", ok, err)
		}
		// Many concurrent transactions send the same reminder and then do more work.
		var wg sync.WaitGroup
		var mu sync.Mutex
		sent := 0
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				err := d.Tx(ctx, func(tx *sql.Tx) error {
					ok, err := a.Notify.Send(ctx, tx, notify.Message{OrgID: orgPS, Kind: "escalation", TitleZH: "督办", DedupKey: "share:42:escalate"})
					if err != nil {
						return err
					}
					if ok {
						mu.Lock()
						sent++
						mu.Unlock()
					}
					time.Sleep(10 * time.Millisecond)
					_, err = a.Notify.Send(ctx, tx, notify.Message{UserID: officer.UserID, Kind: "info", TitleZH: "后续"})
					return err
				})
				if err != nil {
					t.Errorf("transaction %d: %v", i, err)
				}
			}(i)
		}
		wg.Wait()
		var n, after int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE dedup_key = 'share:42:escalate'").Scan(&n)
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE title_zh = '后续'").Scan(&after)
		if n != 1 || sent != 1 || after != 8 {
			t.Fatalf("escalation stored %d times (Send said %d), follow-up work %d of 8", n, sent, after)
		}
		// Messages without a key are never deduplicated.
		for i := 0; i < 2; i++ {
			if ok, _ := a.Notify.Send(ctx, d, notify.Message{UserID: officer.UserID, Kind: "info", TitleZH: "无键"}); !ok {
				t.Fatal("a message without a dedup key was dropped")
			}
		}
	})
}

type delivery struct {
	body []byte
	sig  string
}

func TestWebhookDeliverySigned(t *testing.T) {
	old := notify.DeliveryWait
	notify.DeliveryWait = time.Second
	defer func() { notify.DeliveryWait = old }()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := directory(t, d, nil)
		got := make(chan delivery, 10)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			if r.Method != "POST" || r.Header.Get("Content-Type") != "application/json" {
				t.Errorf("webhook called with %s %s", r.Method, r.Header.Get("Content-Type"))
			}
			got <- delivery{b, r.Header.Get("X-Pubdata-Signature")}
		}))
		defer srv.Close()

		// Who may register one.
		if _, err := a.Notify.AddWebhook(ctx, principal(t, a, "citizen"), srv.URL); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("citizen registered a webhook: %v", err)
		}
		if _, err := a.Notify.AddWebhook(ctx, principal(t, a, "approver"), srv.URL); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("approver registered a webhook: %v", err)
		}
		if _, err := a.Notify.AddWebhook(ctx, principal(t, a, "officer"), "ftp://example.org/x"); apperr.As(err).Code != "invalid" {
			t.Fatalf("ftp webhook: %v", err)
		}
		// In service a webhook may not reach this host or a metadata endpoint (the platform's
		// own database and admin ports are on loopback); intranet addresses are fine.
		for _, bad := range []string{srv.URL, "http://localhost:5432/", "http://[::1]/x", "http://169.254.169.254/latest/meta-data/",
			"http://0.0.0.0:8080/", "https://user:secret@example.org/hook", "http:///nohost"} {
			if _, err := a.Notify.AddWebhook(ctx, principal(t, a, "officer"), bad); apperr.As(err).Code != "invalid" {
				t.Fatalf("webhook %s accepted: %v", bad, err)
			}
		}
		if _, err := a.Notify.AddWebhook(ctx, principal(t, a, "officer"), "https://10.20.30.40/hooks/pubdata"); err != nil {
			t.Fatalf("an intranet webhook was refused: %v", err)
		}
		d.ExecContext(ctx, "DELETE FROM webhooks") // (never delivered to: nothing listens there)
		a.Notify.AllowLoopbackWebhooks = true      // this test's receiver is on loopback
		wh, err := a.Notify.AddWebhook(ctx, principal(t, a, "officer"), srv.URL)
		if err != nil || wh.Secret == "" || wh.OrgID != orgPS {
			t.Fatalf("webhook: %+v %v", wh, err)
		}

		// A message to the organization is posted, signed with HMAC-SHA256 of the body.
		if _, err := a.Notify.Send(ctx, d, notify.Message{OrgID: orgPS, Kind: "escalation", TitleZH: "督办：共享申请逾期", TitleEN: "Overdue share request", ObjectID: "sr-1"}); err != nil {
			t.Fatal(err)
		}
		var dl delivery
		select {
		case dl = <-got:
		case <-time.After(10 * time.Second):
			t.Fatal("no webhook delivery")
		}
		mac := hmac.New(sha256.New, []byte(wh.Secret))
		mac.Write(dl.body)
		if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); dl.sig != want {
			t.Fatalf("signature %q, want %q", dl.sig, want)
		}
		var m notify.Message
		if err := json.Unmarshal(dl.body, &m); err != nil || m.TitleZH != "督办：共享申请逾期" || m.TitleEN != "Overdue share request" || m.ObjectID != "sr-1" {
			t.Fatalf("delivered %s (%v)", dl.body, err)
		}

		// A message to its owner personally is posted too.
		a.Notify.Send(ctx, d, notify.Message{UserID: principal(t, a, "officer").UserID, Kind: "info", TitleZH: "给本人"})
		select {
		case dl = <-got:
			if !strings.Contains(string(dl.body), "给本人") {
				t.Fatalf("delivered %s", dl.body)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a message to the webhook's owner was not delivered")
		}

		// Messages to other organizations, or to another user — even a colleague — do not go to
		// this webhook (it receives only its owner's inbox); nor does a message whose
		// transaction rolled back.
		a.Notify.Send(ctx, d, notify.Message{OrgID: orgCivil, Kind: "info", TitleZH: "给民政厅"})
		a.Notify.Send(ctx, d, notify.Message{UserID: principal(t, a, "approver").UserID, OrgID: orgPS, Kind: "info", TitleZH: "给同事"})
		a.Notify.Send(ctx, d, notify.Message{UserID: principal(t, a, "civil").UserID, Kind: "info", TitleZH: "给个人"})
		d.Tx(ctx, func(tx *sql.Tx) error {
			a.Notify.Send(ctx, tx, notify.Message{OrgID: orgPS, Kind: "info", TitleZH: "回滚的消息"})
			return errors.New("roll back")
		})
		select {
		case dl := <-got:
			t.Fatalf("unexpected delivery: %s", dl.body)
		case <-time.After(notify.DeliveryWait + 500*time.Millisecond):
		}

		// The check is made on the address actually dialled: a webhook stored earlier (or a name
		// that resolves to this host) is not delivered once loopback is off.
		a.Notify.AllowLoopbackWebhooks = false
		a.Notify.Send(ctx, d, notify.Message{OrgID: orgPS, Kind: "info", TitleZH: "不应送达"})
		select {
		case dl := <-got:
			t.Fatalf("delivered to a loopback address in service: %s", dl.body)
		case <-time.After(notify.DeliveryWait + 500*time.Millisecond):
		}
	})
}

// A webhook belongs to the user who registered it: only that user lists it; the owner or an
// authority administrator of a region covering the owner's removes it (a city administrator
// cannot remove a province agency officer's); anybody else is answered as if it did not exist.
func TestWebhookOwnership(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := testutil.DirectoryApp(t, d, nil)
		officer, security, admin, btAdmin := principal(t, a, "officer"), principal(t, a, "security"), principal(t, a, "admin"), principal(t, a, "bt_admin")
		w1, err := a.Notify.AddWebhook(ctx, officer, "https://10.0.0.1/a")
		if err != nil {
			t.Fatal(err)
		}
		w2, err := a.Notify.AddWebhook(ctx, security, "https://10.0.0.1/b")
		if err != nil {
			t.Fatal(err)
		}
		mine, err := a.Notify.Webhooks(ctx, officer)
		if err != nil || len(mine) != 1 || mine[0].ID != w1.ID || mine[0].Secret != "" || mine[0].UserID != officer.UserID {
			t.Fatalf("officer's list: %+v %v", mine, err)
		}
		if l, _ := a.Notify.Webhooks(ctx, admin); len(l) != 0 {
			t.Fatalf("admin lists others' webhooks: %+v", l)
		}
		// A colleague, a city administrator: as if it did not exist.
		for _, p := range []*authz.Principal{security, btAdmin} {
			if _, err := a.Notify.RemoveWebhook(ctx, p, w1.ID); !errors.Is(err, apperr.NotFound) {
				t.Fatalf("%s removed another's webhook: %v", p.Username, err)
			}
		}
		if _, err := a.Notify.RemoveWebhook(ctx, officer, w1.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Notify.RemoveWebhook(ctx, officer, w1.ID); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("removed twice: %v", err)
		}
		if _, err := a.Notify.RemoveWebhook(ctx, admin, w2.ID); err != nil {
			t.Fatalf("the province administrator cannot remove a webhook in its region: %v", err)
		}
		if l, _ := a.Notify.Webhooks(ctx, security); len(l) != 0 {
			t.Fatalf("removed webhook still listed: %+v", l)
		}
	})
}
