package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/identity"
	"pubdata/internal/testutil"
)

type refusingIdP struct{}

func (refusingIdP) Name() string { return "gov-idp" }
func (refusingIdP) Verify(context.Context, string) (identity.Claim, error) {
	return identity.Claim{}, errors.New("not vouched for")
}

// Every 429 says when to try again (Retry-After, in seconds, as the message says in words): the
// registration throttle of an address, the login locks, and the real-name verification throttle,
// which pauses an account's claims after VerifyMax refused ones (it cannot try ID numbers against
// the identity provider one after another).
func TestThrottlesSayRetryAfter(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newDirEnv(t, d)
		s := e.a.Identity
		retry := func(r resp, code string, atLeast int) {
			t.Helper()
			er := errorShape(t, r)
			n, err := strconv.Atoi(r.Header().Get("Retry-After"))
			if r.Code != http.StatusTooManyRequests || er.Code != code || err != nil || n < atLeast {
				t.Fatalf("want 429 %s with Retry-After ≥ %d: %d %q %s", code, atLeast, r.Code, r.Header().Get("Retry-After"), r.body)
			}
		}
		var last resp
		for i := 0; i <= s.RegisterMax; i++ {
			last = e.do(req{method: "POST", path: "/api/v1/auth/register", remote: "198.51.100.7:4000",
				body: fmt.Sprintf(`{"username":"pub%03d","display_name":"某","password":"a-long-passphrase-%d","person_kind":"natural"}`, i, i)})
		}
		retry(last, "register_throttled", int(s.RegisterWindow.Seconds())-60)

		for i := 0; i < s.MaxFailures; i++ {
			e.do(req{method: "POST", path: "/api/v1/auth/login", remote: "198.51.100.9:4000", body: `{"username":"officer","password":"wrong-password"}`})
		}
		last = e.do(req{method: "POST", path: "/api/v1/auth/login", remote: "198.51.100.9:4000", body: `{"username":"officer","password":"wrong-password"}`})
		retry(last, "login_locked", int(s.LockFor.Seconds())-60)

		s.AddProvider(refusingIdP{})
		cookie, csrf := e.session("citizen")
		for i := 0; i < s.VerifyMax; i++ {
			r := e.do(req{method: "POST", path: "/api/v1/me/verification", body: `{"provider":"gov-idp","assertion":"x"}`, cookies: []*http.Cookie{cookie}, csrf: csrf})
			if r.Code != http.StatusUnprocessableEntity {
				t.Fatalf("refused claim %d: %d %s", i+1, r.Code, r.body)
			}
		}
		last = e.do(req{method: "POST", path: "/api/v1/me/verification", body: `{"provider":"gov-idp","assertion":"x"}`, cookies: []*http.Cookie{cookie}, csrf: csrf})
		retry(last, "identity.verify_throttled", int(s.VerifyWindow.Seconds())-60)
	})
}
