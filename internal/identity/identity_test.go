package identity_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/identity"
	"pubdata/internal/testutil"
	"pubdata/internal/validate"
)

const pw = "correct-horse-42"

// fixture: one region, one agency, one user "zhangsan" (data officer) and one authority admin.
type fixture struct {
	a     *app.App
	clock *testutil.Clock
	ctx   context.Context
	user  identity.User
	admin identity.User
}

func setup(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	clock := testutil.NewClock("2026-09-30 10:00")
	a := testutil.NewApp(t, d, clock)
	f := &fixture{a: a, clock: clock, ctx: ctx}
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		if err := a.Identity.CreateRegion(ctx, tx, identity.Region{Code: "150000", Name: "内蒙古自治区"}); err != nil {
			return err
		}
		if err := a.Identity.CreateOrg(ctx, tx, &identity.Org{ID: "org-a", Name: "甲厅", Kind: authz.KindAgency, RegionCode: "150000"}); err != nil {
			return err
		}
		if err := a.Identity.CreateOrg(ctx, tx, &identity.Org{ID: "org-auth", Name: "数据局", Kind: authz.KindAuthority, RegionCode: "150000",
			CreditCode: validate.MakeCreditCode('1', '1', "150000", "01000001X")}); err != nil {
			return err
		}
		var err error
		if f.user, err = a.Identity.CreateUser(ctx, tx, identity.NewUser{Username: "zhangsan", DisplayName: "张三", Password: pw, OrgID: "org-a", Roles: []authz.Role{authz.DataOfficer}}); err != nil {
			return err
		}
		f.admin, err = a.Identity.CreateUser(ctx, tx, identity.NewUser{Username: "boss", DisplayName: "赵主任", Password: pw, OrgID: "org-auth", Roles: []authz.Role{authz.AuthorityAdmin}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func code(err error) string {
	if err == nil {
		return ""
	}
	return apperr.As(err).Code
}

func fieldsOf(err error) []string {
	var out []string
	for _, f := range apperr.As(err).Fields {
		out = append(out, f.Field)
	}
	return out
}

func (f *fixture) principal(t *testing.T, u identity.User) *authz.Principal {
	t.Helper()
	p, err := f.a.Identity.Principal(f.ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPasswordHashing(t *testing.T) {
	h1, h2 := identity.HashPassword(pw), identity.HashPassword(pw)
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("not an argon2id PHC string: %s", h1)
	}
	if h1 == h2 {
		t.Fatal("two hashes of one password are equal: no random salt")
	}
	if strings.Contains(h1, pw) {
		t.Fatal("hash contains the password")
	}
	if !identity.CheckPassword(h1, pw) || !identity.CheckPassword(h2, pw) {
		t.Fatal("the right password is refused")
	}
	for _, wrong := range []string{"", "correct-horse-43", strings.ToUpper(pw), pw + " "} {
		if identity.CheckPassword(h1, wrong) {
			t.Errorf("wrong password %q accepted", wrong)
		}
	}
	// A damaged or foreign stored hash never matches.
	parts := strings.Split(h1, "$")
	parts[5] = strings.Repeat("A", len(parts[5]))
	for _, bad := range []string{"", "plain", strings.Join(parts, "$"), strings.Replace(h1, "argon2id", "argon2i", 1), "$argon2id$v=19$m=x$a$b"} {
		if identity.CheckPassword(bad, pw) {
			t.Errorf("stored value %q accepted", bad)
		}
	}
}

func TestLoginAndSessions(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		s := f.a.Identity
		tok, csrf, u, err := s.Login(f.ctx, "zhangsan", pw, "10.1.1.1")
		if err != nil {
			t.Fatal(err)
		}
		if u.Username != "zhangsan" || tok == "" || csrf == "" || tok == csrf {
			t.Fatalf("login: user %q token %q csrf %q", u.Username, tok, csrf)
		}
		p, gotCSRF, err := s.Session(f.ctx, tok)
		if err != nil || p.Username != "zhangsan" || p.OrgID != "org-a" || p.OrgKind != authz.KindAgency || p.RegionCode != "150000" || gotCSRF != csrf {
			t.Fatalf("session: %+v csrf=%q err=%v", p, gotCSRF, err)
		}
		// The session id is stored hashed, never as issued.
		var n int
		d.QueryRowContext(f.ctx, "SELECT COUNT(*) FROM sessions WHERE id_hash = $1", tok).Scan(&n)
		if n != 0 {
			t.Fatal("session token stored in clear")
		}
		d.QueryRowContext(f.ctx, "SELECT COUNT(*) FROM sessions WHERE id_hash = $1", identity.HashSecret(tok)).Scan(&n)
		if n != 1 {
			t.Fatal("session not stored")
		}

		// Wrong password and unknown user fail alike (no user enumeration).
		_, _, _, err1 := s.Login(f.ctx, "zhangsan", "wrong-password", "10.1.1.2")
		_, _, _, err2 := s.Login(f.ctx, "nobody", pw, "10.1.1.3")
		if code(err1) != "login_failed" || code(err2) != "login_failed" || apperr.As(err1).Status != 401 {
			t.Fatalf("failures: %v / %v", err1, err2)
		}
		if apperr.As(err1).ZH == "" || apperr.As(err1).EN == "" {
			t.Fatal("login error lacks a Chinese or English message")
		}
		// Both outcomes are audited with the client address.
		recs, _, err := f.a.Audit.Search(f.ctx, audit.Filter{Action: "identity.login", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var ok, denied int
		for _, r := range recs {
			switch {
			case r.Result == audit.OK && r.ActorName == "zhangsan" && r.ClientIP == "10.1.1.1" && r.OrgID == "org-a":
				ok++
			case r.Result == audit.Denied:
				denied++
			}
		}
		if ok != 1 || denied != 2 {
			t.Fatalf("audit: %d successful and %d denied logins recorded, want 1 and 2", ok, denied)
		}

		// Sessions end after SessionTTL (12 h), at logout, and when the user is disabled.
		f.clock.Advance(s.SessionTTL - time.Minute)
		if _, _, err := s.Session(f.ctx, tok); err != nil {
			t.Fatalf("session ended early: %v", err)
		}
		f.clock.Advance(2 * time.Minute)
		if _, _, err := s.Session(f.ctx, tok); code(err) != "unauthenticated" {
			t.Fatalf("expired session accepted: %v", err)
		}
		tok2, _, _, err := s.Login(f.ctx, "zhangsan", pw, "10.1.1.1")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Logout(f.ctx, tok2); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Session(f.ctx, tok2); code(err) != "unauthenticated" {
			t.Fatalf("session after logout: %v", err)
		}
		tok3, _, _, _ := s.Login(f.ctx, "zhangsan", pw, "10.1.1.1")
		d.ExecContext(f.ctx, "UPDATE users SET disabled = 1 WHERE username = 'zhangsan'")
		if _, _, err := s.Session(f.ctx, tok3); code(err) != "unauthenticated" {
			t.Fatalf("disabled user's session accepted: %v", err)
		}
		if _, _, _, err := s.Login(f.ctx, "zhangsan", pw, "10.1.1.1"); code(err) != "login_failed" {
			t.Fatalf("disabled user logged in: %v", err)
		}
		if _, _, err := s.Session(f.ctx, "no-such-token"); code(err) != "unauthenticated" {
			t.Fatalf("made-up session accepted: %v", err)
		}
	})
}

func TestLoginThrottling(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		s := f.a.Identity
		if s.MaxFailures != 5 || s.LockFor != 15*time.Minute || s.AddressMaxFailures != 20 {
			t.Fatalf("defaults changed: %d failures, %v, %d per address", s.MaxFailures, s.LockFor, s.AddressMaxFailures)
		}
		// Per user: five failures, each from a different address, lock the account; the fifth
		// answer already says so, and for how long.
		for i := 0; i < 4; i++ {
			if _, _, _, err := s.Login(f.ctx, "zhangsan", "wrong-password", "10.2.0."+string(rune('1'+i))); code(err) != "login_failed" {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		_, _, _, err := s.Login(f.ctx, "zhangsan", "wrong-password", "10.2.0.5")
		if e := apperr.As(err); e.Code != "login_locked" || e.Status != 429 || !strings.Contains(e.ZH, "15 分钟") || !strings.Contains(e.EN, "15 minutes") {
			t.Fatalf("fifth failure: %v (%s)", err, apperr.As(err).ZH)
		}
		// … so even the right password is refused, from any address, saying how much is left.
		f.clock.Advance(5 * time.Minute)
		_, _, _, err = s.Login(f.ctx, "zhangsan", pw, "10.9.9.9")
		if e := apperr.As(err); e.Code != "login_locked" || e.Status != 429 || !strings.Contains(e.ZH, "10 分钟") || !strings.Contains(e.EN, "locked for 10 minutes") {
			t.Fatalf("locked account: %v", err)
		}
		// Others are unaffected.
		if _, _, _, err := s.Login(f.ctx, "boss", pw, "10.9.9.9"); err != nil {
			t.Fatalf("another user locked out: %v", err)
		}
		// The lock lifts after LockFor; the next lock lasts twice as long (growing back-off).
		f.clock.Advance(10*time.Minute + time.Second)
		for i := 0; i < 4; i++ {
			s.Login(f.ctx, "zhangsan", "wrong-password", "10.2.1.1")
		}
		_, _, _, err = s.Login(f.ctx, "zhangsan", "wrong-password", "10.2.1.1")
		if e := apperr.As(err); e.Code != "login_locked" || !strings.Contains(e.EN, "30 minutes") || !strings.Contains(e.ZH, "30 分钟") {
			t.Fatalf("second lock: %v", err)
		}
		f.clock.Advance(30*time.Minute + time.Second)
		for i := 0; i < 5; i++ {
			_, _, _, err = s.Login(f.ctx, "zhangsan", "wrong-password", "10.2.1.1")
		}
		if e := apperr.As(err); !strings.Contains(e.EN, "1 h") || !strings.Contains(e.ZH, "1 小时") {
			t.Fatalf("third lock: %v", err)
		}
		f.clock.Advance(time.Hour + time.Second)
		if _, _, _, err := s.Login(f.ctx, "zhangsan", pw, "10.9.9.9"); err != nil {
			t.Fatalf("after the lock: %v", err)
		}
		// A successful login starts the back-off again.
		for i := 0; i < 5; i++ {
			_, _, _, err = s.Login(f.ctx, "zhangsan", "wrong-password", "10.2.1.1")
		}
		if e := apperr.As(err); !strings.Contains(e.EN, "15 minutes") {
			t.Fatalf("lock after a good login: %v", err)
		}
		f.clock.Advance(s.LockFor + time.Second)

		// Old failures are forgotten: four failures, a long pause, one more → not locked.
		for i := 0; i < 4; i++ {
			s.Login(f.ctx, "boss", "wrong-password", "10.5.0."+string(rune('1'+i)))
		}
		f.clock.Advance(s.LockFor + time.Minute)
		s.Login(f.ctx, "boss", "wrong-password", "10.5.0.9")
		if _, _, _, err := s.Login(f.ctx, "boss", pw, "10.5.1.1"); err != nil {
			t.Fatalf("failures from long ago still count: %v", err)
		}
		// Locked attempts are audited as denied.
		recs, _, _ := f.a.Audit.Search(f.ctx, audit.Filter{Action: "identity.login", Limit: 1000})
		locked := 0
		for _, r := range recs {
			if r.Result == audit.Denied && r.Detail["reason"] == "locked" {
				locked++
			}
		}
		if locked != 1 {
			t.Fatalf("%d locked attempts audited, want 1", locked)
		}
	})
}

// One address guessing at many accounts (password spraying behind an office's shared address)
// is throttled, but that locks neither the accounts it tried nor the people behind the same
// address who have logged in from it before.
func TestAddressThrottleLocksNoAccounts(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		s := f.a.Identity
		const office = "10.3.3.3"
		// boss works behind the office address.
		if _, _, _, err := s.Login(f.ctx, "boss", pw, office); err != nil {
			t.Fatal(err)
		}
		// Someone behind it tries twenty accounts, one guess each.
		var err error
		for i := 0; i < s.AddressMaxFailures; i++ {
			name := fmt.Sprintf("user%02d", i)
			if i == 7 {
				name = "zhangsan"
			}
			_, _, _, err = s.Login(f.ctx, name, "wrong-password", office)
			if code(err) != "login_failed" {
				t.Fatalf("guess %d: %v", i+1, err)
			}
		}
		// The address is now throttled for accounts new to it, and the message says how long.
		_, _, _, err = s.Login(f.ctx, "user99", "wrong-password", office)
		if e := apperr.As(err); e.Code != "login_address_throttled" || e.Status != 429 || !strings.Contains(e.ZH, "15 分钟") || !strings.Contains(e.EN, "15 minutes") {
			t.Fatalf("throttled address: %v", err)
		}
		_, _, _, err = s.Login(f.ctx, "zhangsan", pw, office)
		if code(err) != "login_address_throttled" {
			t.Fatalf("a new account from the throttled address: %v", err)
		}
		// boss, who logs in from here, is let through: the address did not lock everyone.
		if _, _, _, err := s.Login(f.ctx, "boss", pw, office); err != nil {
			t.Fatalf("a known account behind the throttled address: %v", err)
		}
		// The accounts that were tried are not locked: zhangsan logs in from elsewhere.
		if _, _, _, err := s.Login(f.ctx, "zhangsan", pw, "10.4.4.4"); err != nil {
			t.Fatalf("an account tried from the throttled address is locked: %v", err)
		}
		// The throttle lifts after LockFor.
		f.clock.Advance(s.LockFor + time.Second)
		if _, _, _, err := s.Login(f.ctx, "zhangsan", pw, office); err != nil {
			t.Fatalf("after the throttle: %v", err)
		}
		// A known account still locks by its own failures, whatever the address.
		for i := 0; i < s.MaxFailures; i++ {
			_, _, _, err = s.Login(f.ctx, "boss", "wrong-password", office)
		}
		if code(err) != "login_locked" {
			t.Fatalf("known account guessed at: %v", err)
		}
	})
}

func TestAPITokens(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		s := f.a.Identity
		p := f.principal(t, f.user)
		secret, tok, err := s.IssueToken(f.ctx, p, "nightly export", []string{"read"}, 30*24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, "pd_"+tok.Prefix+"_") || len(secret) < 40 {
			t.Fatalf("secret %q (prefix %q)", secret, tok.Prefix)
		}
		if !tok.ExpiresAt.Equal(f.clock.Now().Add(30 * 24 * time.Hour)) {
			t.Fatalf("expires %v", tok.ExpiresAt)
		}
		// Stored hashed: no column of the row holds the secret.
		var hash, name, prefix, scopes string
		d.QueryRowContext(f.ctx, "SELECT token_hash, name, prefix, scopes FROM api_tokens WHERE id = $1", tok.ID).Scan(&hash, &name, &prefix, &scopes)
		if hash != identity.HashSecret(secret) || strings.Contains(hash+name+prefix+scopes, secret) {
			t.Fatalf("token row: hash=%q prefix=%q", hash, prefix)
		}
		// Shown once: listing never returns it.
		list, err := s.Tokens(f.ctx, f.user.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("list: %v %v", list, err)
		}
		js, _ := json.Marshal(list)
		if strings.Contains(string(js), secret) || strings.Contains(string(js), hash) {
			t.Fatal("token list exposes the secret or its hash")
		}
		// Scoped.
		tp, err := s.TokenPrincipal(f.ctx, secret)
		if err != nil {
			t.Fatal(err)
		}
		if tp.UserID != f.user.ID || tp.TokenID != tok.ID || !tp.Scoped("read") || tp.Scoped("write") || tp.Scoped("gateway") {
			t.Fatalf("token principal %+v", tp)
		}
		// A token cannot mint tokens.
		if _, _, err := s.IssueToken(f.ctx, tp, "child", []string{"*"}, time.Hour); code(err) != "forbidden" {
			t.Fatalf("token minted a token: %v", err)
		}
		if _, err := s.TokenPrincipal(f.ctx, secret+"x"); code(err) != "unauthenticated" {
			t.Fatalf("altered secret accepted: %v", err)
		}
		// Expiring.
		f.clock.Advance(30*24*time.Hour + time.Second)
		if _, err := s.TokenPrincipal(f.ctx, secret); code(err) != "token_expired" {
			t.Fatalf("expired token: %v", err)
		}
		// Revocable: by its owner, by an authority admin, by nobody else.
		secret2, tok2, err := s.IssueToken(f.ctx, p, "gateway", []string{"gateway", "read"}, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenPrincipal(f.ctx, secret2); err != nil {
			t.Fatal(err)
		}
		stranger := &authz.Principal{UserID: "u-x", Username: "x", OrgID: "org-a", Roles: []authz.Role{authz.DataOfficer}}
		// (answered as if it did not exist: no existence oracle)
		if err := s.RevokeToken(f.ctx, stranger, tok2.ID); code(err) != "not_found" {
			t.Fatalf("stranger revoked: %v", err)
		}
		if err := s.RevokeToken(f.ctx, p, tok2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenPrincipal(f.ctx, secret2); code(err) != "token_expired" {
			t.Fatalf("revoked token accepted: %v", err)
		}
		_, tok3, _ := s.IssueToken(f.ctx, p, "third", []string{"read"}, time.Hour)
		if err := s.RevokeToken(f.ctx, f.principal(t, f.admin), tok3.ID); err != nil {
			t.Fatalf("authority admin cannot revoke: %v", err)
		}
		if err := s.RevokeToken(f.ctx, p, "no-such-id"); code(err) != "not_found" {
			t.Fatalf("unknown token: %v", err)
		}
		recs, _, _ := f.a.Audit.Search(f.ctx, audit.Filter{Action: "identity.token.", Limit: 100})
		if len(recs) != 5 { // three creations, two revocations
			t.Fatalf("%d token events audited, want 5", len(recs))
		}
		// Bad input names the fields.
		_, _, err = s.IssueToken(f.ctx, p, " ", []string{"root"}, 0)
		if code(err) != "invalid" || strings.Join(fieldsOf(err), ",") != "name,scopes,ttl_days" {
			t.Fatalf("bad token request: %v", err)
		}
		if _, _, err := s.IssueToken(f.ctx, p, "long", []string{"read"}, 400*24*time.Hour); code(err) != "invalid" {
			t.Fatalf("400-day token: %v", err)
		}
		if _, _, err := s.IssueToken(f.ctx, p, "none", nil, time.Hour); code(err) != "invalid" {
			t.Fatalf("token without scopes: %v", err)
		}
	})
}

func TestSelfRegistration(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		s := f.a.Identity
		birth := time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC)
		id := validate.MakeCitizenID("150102", birth, 123)

		// A natural person.
		u, err := s.Register(f.ctx, identity.Registration{Username: "xu.min", DisplayName: "许敏", Password: pw, PersonKind: "natural",
			IDNumber: strings.ToLower(id), Phone: "13800138000"}, "10.6.6.6")
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.UserByName(f.ctx, "xu.min")
		if err != nil || got.PersonKind != "natural" || got.OrgID != "" || got.IDNumber != strings.ToUpper(id) ||
			len(got.Roles) != 1 || got.Roles[0] != authz.PublicUser || got.ID != u.ID {
			t.Fatalf("registered natural person: %+v %v", got, err)
		}
		if _, _, _, err := s.Login(f.ctx, "xu.min", pw, "10.6.6.6"); err != nil {
			t.Fatalf("new user cannot log in: %v", err)
		}

		// A legal person: its enterprise is created from the credit code's region.
		cc := validate.MakeCreditCode('9', '1', "150000", "MA0000017")
		u2, err := s.Register(f.ctx, identity.Registration{Username: "zhixin", DisplayName: "王经理", Password: pw, PersonKind: "legal",
			CreditCode: strings.ToLower(cc), OrgName: "某某科技有限公司"}, "10.6.6.7")
		if err != nil {
			t.Fatal(err)
		}
		org, err := s.Org(f.ctx, u2.OrgID)
		if err != nil || org.Kind != authz.KindEnterprise || org.CreditCode != cc || org.RegionCode != "150000" || org.Name != "某某科技有限公司" {
			t.Fatalf("legal person's organization: %+v %v", org, err)
		}

		// Invalid identifiers are refused with the field named.
		bad := id[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", id[17])+1)%11])
		_, err = s.Register(f.ctx, identity.Registration{Username: "bad.id", DisplayName: "某", Password: pw, PersonKind: "natural", IDNumber: bad}, "")
		if code(err) != "invalid" || strings.Join(fieldsOf(err), ",") != "id_number" {
			t.Fatalf("bad citizen id: %v", err)
		}
		badCC := cc[:17] + map[bool]string{true: "1", false: "0"}[cc[17] == '0']
		_, err = s.Register(f.ctx, identity.Registration{Username: "bad.cc", DisplayName: "某", Password: pw, PersonKind: "legal", CreditCode: badCC, OrgName: "X"}, "")
		if code(err) != "invalid" || strings.Join(fieldsOf(err), ",") != "credit_code" {
			t.Fatalf("bad credit code: %v", err)
		}
		e := apperr.As(err).Fields[0]
		if !strings.Contains(e.ZH, "统一社会信用代码") || !strings.Contains(e.EN, "credit code") {
			t.Fatalf("credit code message: %+v", e)
		}
		_, err = s.Register(f.ctx, identity.Registration{Username: "no.cc", DisplayName: "某", Password: pw, PersonKind: "legal"}, "")
		if code(err) != "invalid" || strings.Join(fieldsOf(err), ",") != "credit_code,org_name" {
			t.Fatalf("legal person without code and name: %v", err)
		}
		_, err = s.Register(f.ctx, identity.Registration{Username: "1x", DisplayName: "", Password: "short", PersonKind: "alien"}, "")
		if code(err) != "invalid" || strings.Join(fieldsOf(err), ",") != "username,display_name,password,person_kind" {
			t.Fatalf("bad registration: %v", err)
		}

		// Nobody joins an existing organization by naming its (public) credit code.
		authCC := validate.MakeCreditCode('1', '1', "150000", "01000001X")
		_, err = s.Register(f.ctx, identity.Registration{Username: "intruder", DisplayName: "某", Password: pw, PersonKind: "legal", CreditCode: authCC, OrgName: "数据局"}, "")
		if code(err) != "credit_code_taken" || apperr.As(err).Status != 409 {
			t.Fatalf("registration into the data authority: %v", err)
		}
		if _, err := s.UserByName(f.ctx, "intruder"); code(err) != "not_found" {
			t.Fatal("the refused registration left a user behind")
		}

		// Duplicate username: refused, and nothing half-written (no second enterprise).
		cc2 := validate.MakeCreditCode('9', '1', "150000", "MA0000025")
		_, err = s.Register(f.ctx, identity.Registration{Username: "zhixin", DisplayName: "李四", Password: pw, PersonKind: "legal", CreditCode: cc2, OrgName: "另一公司"}, "")
		if code(err) != "username_taken" || apperr.As(err).Status != 409 {
			t.Fatalf("duplicate username: %v", err)
		}
		var n int
		d.QueryRowContext(f.ctx, "SELECT COUNT(*) FROM orgs WHERE credit_code = $1", cc2).Scan(&n)
		if n != 0 {
			t.Fatal("a refused registration left its organization behind")
		}
		if _, err := s.CreateUser(f.ctx, d, identity.NewUser{Username: "zhangsan", DisplayName: "又一个张三", Password: pw}); code(err) != "username_taken" {
			t.Fatalf("duplicate username through CreateUser: %v", err)
		}

		recs, _, _ := f.a.Audit.Search(f.ctx, audit.Filter{Action: "identity.user.register", Limit: 10})
		if len(recs) != 2 || recs[0].ActorName != "zhixin" || recs[1].ClientIP != "10.6.6.6" {
			t.Fatalf("registrations audited: %+v", recs)
		}
	})
}

func TestDirectory(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		s := f.a.Identity
		ctx := f.ctx
		for _, r := range []identity.Region{{Code: "150100", Name: "呼和浩特市", ParentCode: "150000"}, {Code: "150102", Name: "新城区", ParentCode: "150100"}} {
			if err := s.CreateRegion(ctx, d, r); err != nil {
				t.Fatal(err)
			}
		}
		rs, _ := s.Regions(ctx)
		levels := map[string]int{}
		for _, r := range rs {
			levels[r.Code] = r.Level
		}
		if levels["150000"] != 1 || levels["150100"] != 2 || levels["150102"] != 3 {
			t.Fatalf("region levels: %v", levels)
		}
		if err := s.CreateRegion(ctx, d, identity.Region{Code: "99", Name: "x"}); code(err) != "invalid" {
			t.Fatalf("bad region code: %v", err)
		}
		err := s.CreateOrg(ctx, d, &identity.Org{Name: " ", Kind: "club", RegionCode: "150000", CreditCode: "123"})
		if code(err) != "invalid" || strings.Join(fieldsOf(err), ",") != "name,kind,credit_code" {
			t.Fatalf("bad org: %v", err)
		}
		// Only authority administrators add users, and that is audited.
		officer := f.principal(t, f.user)
		if _, err := s.AddUser(ctx, officer, identity.NewUser{Username: "newbie", DisplayName: "新人", Password: pw, OrgID: "org-a"}); code(err) != "forbidden" {
			t.Fatalf("data officer created a user: %v", err)
		}
		nu, err := s.AddUser(ctx, f.principal(t, f.admin), identity.NewUser{Username: "newbie", DisplayName: "新人", Password: pw, OrgID: "org-a", Roles: []authz.Role{authz.AgencyApprover}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddUser(ctx, f.principal(t, f.admin), identity.NewUser{Username: "ghost", DisplayName: "x", Password: pw, Roles: []authz.Role{"king"}}); code(err) != "invalid" {
			t.Fatalf("unknown role accepted: %v", err)
		}
		us, _ := s.Users(ctx, "org-a")
		if len(us) != 2 || us[0].Username != "newbie" || us[0].Roles[0] != authz.AgencyApprover {
			t.Fatalf("users of org-a: %+v", us)
		}
		recs, _, _ := f.a.Audit.Search(ctx, audit.Filter{Action: "identity.user.create", ObjectID: nu.ID})
		if len(recs) != 1 || recs[0].ActorName != "boss" {
			t.Fatalf("user creation audited: %+v", recs)
		}
	})
}

// Expired sessions and stale login-failure counters are purged; a live session survives.
func TestPurgeExpired(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		s := f.a.Identity
		old, _, _, err := s.Login(f.ctx, "zhangsan", pw, "10.1.1.1")
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(13 * time.Hour) // the first session (12 h) has expired
		live, _, _, err := s.Login(f.ctx, "zhangsan", pw, "10.1.1.1")
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.PurgeExpired(f.ctx)
		if err != nil || n != 1 {
			t.Fatalf("purged %d rows, err %v; want the one expired session", n, err)
		}
		var sessions int
		d.QueryRowContext(f.ctx, "SELECT COUNT(*) FROM sessions").Scan(&sessions)
		if sessions != 1 {
			t.Fatalf("%d sessions left; want only the live one", sessions)
		}
		if _, _, err := s.Session(f.ctx, live); err != nil {
			t.Fatalf("the live session was purged: %v", err)
		}
		if _, _, err := s.Session(f.ctx, old); err == nil {
			t.Fatal("the expired session still works")
		}
		// A failure counter is kept for a day, then purged.
		s.Login(f.ctx, "zhangsan", "wrong-password", "10.9.9.9")
		f.clock.Advance(25 * time.Hour)
		live2, _, _, _ := s.Login(f.ctx, "zhangsan", pw, "10.1.1.1")
		n, err = s.PurgeExpired(f.ctx)
		var counters int
		d.QueryRowContext(f.ctx, "SELECT COUNT(*) FROM login_attempts WHERE key = 'ip:10.9.9.9'").Scan(&counters)
		if err != nil || n < 1 || counters != 0 || live2 == "" {
			t.Fatalf("stale failure counter kept (%d purged, %d left, err %v)", n, counters, err)
		}
	})
}
