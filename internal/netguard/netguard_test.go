package netguard

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"
)

func TestForbidden(t *testing.T) {
	p := Policy{}
	for _, s := range []string{"127.0.0.1", "127.8.9.10", "::1", "169.254.169.254", "169.254.0.23", "fe80::1", "100.100.100.200",
		"fd00:ec2::254", "0.0.0.0", "0.1.2.3", "::", "224.0.0.1", "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254"} {
		if !p.Forbidden(netip.MustParseAddr(s)) {
			t.Errorf("%s allowed", s)
		}
	}
	for _, s := range []string{"10.1.2.3", "172.16.5.4", "192.168.1.10", "100.64.0.1", "203.0.113.5", "fd12::5", "2001:db8::1"} {
		if p.Forbidden(netip.MustParseAddr(s)) {
			t.Errorf("%s refused (private and public ranges stay allowed)", s)
		}
	}
	allow, err := ParseAllow("10.0.0.0/8, 192.168.7.7")
	if err != nil {
		t.Fatal(err)
	}
	p = Policy{Allow: allow}
	for s, want := range map[string]bool{"10.9.9.9": false, "192.168.7.7": false, "192.168.7.8": true, "172.16.0.1": true, "127.0.0.1": true} {
		if got := p.Forbidden(netip.MustParseAddr(s)); got != want {
			t.Errorf("allow-list: %s forbidden=%v, want %v", s, got, want)
		}
	}
	if _, err := ParseAllow("10.0.0.0/99"); err == nil {
		t.Error("bad CIDR accepted")
	}
	if (Policy{AllowLoopback: true}).Forbidden(netip.MustParseAddr("127.0.0.1")) {
		t.Error("AllowLoopback ignored")
	}
	for h, want := range map[string]bool{"localhost": true, "db.localhost": true, "[::1]": true, "/var/run/postgresql": true, "db.agency.gov.cn": false, "10.1.1.1": false, "": true} {
		if got := (Policy{}).ForbiddenHost(h); got != want {
			t.Errorf("ForbiddenHost(%q) = %v, want %v", h, got, want)
		}
	}
}

// The check runs on the address dialled: a name that resolves to this host is refused when the
// connection is made, not only when it is registered.
func TestDialChecksResolvedAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- struct{}{}
			c.Close()
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ctx := context.Background()
	if c, err := (Policy{}).DialContext(time.Second)(ctx, "tcp", net.JoinHostPort("localhost", port)); err == nil {
		c.Close()
		t.Fatal("a name resolving to loopback was dialled")
	}
	select {
	case <-accepted:
		t.Fatal("the refused connection reached the listener")
	case <-time.After(100 * time.Millisecond):
	}
	c, err := (Policy{AllowLoopback: true}).DialContext(time.Second)(ctx, "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("allowed dial: %v", err)
	}
	c.Close()
}
