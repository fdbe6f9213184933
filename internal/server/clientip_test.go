package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/httpapi"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

func withProxies(t *testing.T, cidrs ...string) {
	t.Helper()
	old := httpapi.TrustedProxies
	p, err := httpapi.ParseTrustedProxies(cidrs)
	if err != nil {
		t.Fatal(err)
	}
	httpapi.TrustedProxies = p
	t.Cleanup(func() { httpapi.TrustedProxies = old })
}

func TestClientIP(t *testing.T) {
	req := func(remote string, xff ...string) *http.Request {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		for _, x := range xff {
			r.Header.Add("X-Forwarded-For", x)
		}
		return r
	}
	// No trusted proxy: the header is ignored, even from loopback.
	withProxies(t)
	for _, r := range []*http.Request{req("127.0.0.1:5000", "6.6.6.6"), req("10.0.0.5:5000", "6.6.6.6, 10.0.0.1")} {
		if got, want := httpapi.ClientIP(r), strings.Split(r.RemoteAddr, ":")[0]; got != want {
			t.Errorf("untrusted peer %s with X-Forwarded-For: ClientIP %s, want %s", r.RemoteAddr, got, want)
		}
	}
	withProxies(t, "10.0.0.0/24", "127.0.0.1")
	for _, c := range []struct {
		r    *http.Request
		want string
	}{
		{req("10.0.0.5:5000", "203.0.113.7"), "203.0.113.7"},
		{req("10.0.0.5:5000", "6.6.6.6, 203.0.113.7"), "203.0.113.7"},           // the client wrote 6.6.6.6 itself
		{req("10.0.0.5:5000", "6.6.6.6, 203.0.113.7, 10.0.0.9"), "203.0.113.7"}, // two trusted proxies
		{req("10.0.0.5:5000", "6.6.6.6", "203.0.113.7"), "203.0.113.7"},         // the header twice
		{req("10.0.0.5:5000", "garbage, 203.0.113.7:443"), "203.0.113.7"},       // with a port
		{req("10.0.0.5:5000", "203.0.113.7, garbage"), "10.0.0.5"},              // malformed: stop at the proxy
		{req("10.0.0.5:5000"), "10.0.0.5"},                                      // no header
		{req("198.51.100.2:5000", "6.6.6.6"), "198.51.100.2"},                   // not a trusted proxy
		{req("[::ffff:10.0.0.5]:5000", "2001:db8::7"), "2001:db8::7"},           // IPv4-mapped peer
		{req("127.0.0.1:5000", "[2001:db8::7]:80, 10.0.0.1"), "2001:db8::7"},    // bracketed IPv6
	} {
		if got := httpapi.ClientIP(c.r); got != c.want {
			t.Errorf("peer %s, X-Forwarded-For %q: ClientIP %s, want %s", c.r.RemoteAddr, c.r.Header.Values("X-Forwarded-For"), got, c.want)
		}
	}
	if _, err := httpapi.ParseTrustedProxies([]string{"10.0.0.0/33"}); err == nil {
		t.Error("a bad CIDR was accepted")
	}
}

// The address the audit log records for a login is the one ClientIP decides: a spoofed header
// from a direct client is not believed; through a trusted proxy the real client is recorded.
func TestForwardedForSpoofing(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DirectoryApp(t, d, nil)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		login := func(remote, xff, user string) {
			r := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"`+user+`","password":"wrong-password-1"}`))
			r.Header.Set("Content-Type", "application/json")
			r.RemoteAddr = remote
			r.Header.Set("X-Forwarded-For", xff)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != 401 {
				t.Fatalf("failed login: %d %s", w.Code, w.Body)
			}
		}
		recorded := func(user string) string {
			recs, _, err := a.Audit.Search(context.Background(), audit.Filter{Actor: user, Action: "identity.login", Limit: 1})
			if err != nil || len(recs) != 1 {
				t.Fatalf("audit of %s: %v %v", user, recs, err)
			}
			return recs[0].ClientIP
		}
		withProxies(t)
		login("127.0.0.1:4000", "6.6.6.6", "admin")
		if ip := recorded("admin"); ip != "127.0.0.1" {
			t.Fatalf("no trusted proxy: recorded %s, want the peer 127.0.0.1", ip)
		}
		withProxies(t, "127.0.0.1")
		login("127.0.0.1:4000", "6.6.6.6, 203.0.113.7", "reviewer")
		if ip := recorded("reviewer"); ip != "203.0.113.7" {
			t.Fatalf("behind a trusted proxy: recorded %s, want 203.0.113.7", ip)
		}
		login("198.51.100.2:4000", "203.0.113.99", "auditor")
		if ip := recorded("auditor"); ip != "198.51.100.2" {
			t.Fatalf("untrusted peer: recorded %s, want 198.51.100.2", ip)
		}
	})
}
