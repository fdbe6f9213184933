// Package netguard decides which addresses the platform may connect to on a user's behalf
// (出站地址限制): webhook deliveries and pulls from agencies' source databases. A URL or DSN that
// a user registers must not reach the platform's own host (its database, admin ports), link-local
// addresses (cloud metadata endpoints such as 169.254.169.254) or other metadata services.
// Private intranet ranges stay allowed, since agencies' systems live there; an allow-list can
// narrow the destinations further. The check runs on the address actually dialled, so neither a
// DNS answer nor a redirect can lead a connection elsewhere.
package netguard

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// Policy says where connections may go.
type Policy struct {
	// AllowLoopback lets connections reach this host (tests, a one-machine trial).
	AllowLoopback bool
	// Allow, when not empty, is the only ranges that may be reached (forbidden ones stay
	// forbidden inside them).
	Allow []netip.Prefix
}

// metadata are cloud metadata services outside the link-local range: Alibaba Cloud's
// 100.100.100.200, AWS's IPv6 fd00:ec2::254, and "this network" 0.0.0.0/8 (which Linux routes
// to the host itself).
var metadata = []netip.Prefix{
	netip.MustParsePrefix("100.100.100.200/32"),
	netip.MustParsePrefix("fd00:ec2::254/128"),
	netip.MustParsePrefix("0.0.0.0/8"),
}

// Forbidden tells whether a connection may not reach a.
func (p Policy) Forbidden(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() {
		return true
	}
	if a.IsLoopback() {
		return !p.AllowLoopback
	}
	if a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return true
	}
	for _, m := range metadata {
		if m.Contains(a) {
			return true
		}
	}
	if len(p.Allow) > 0 {
		for _, al := range p.Allow {
			if al.Contains(a) {
				return false
			}
		}
		return true
	}
	return false
}

// ForbiddenHost tells whether a host as written (a literal address or a name) is refused
// before any lookup: a forbidden literal address, or localhost. Other names are judged when
// dialled.
func (p Policy) ForbiddenHost(host string) bool {
	host = strings.ToLower(strings.Trim(strings.TrimSpace(host), "[]"))
	if host == "" {
		return true
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return p.Forbidden(a)
	}
	if strings.HasPrefix(host, "/") { // a Unix socket: this host
		return !p.AllowLoopback
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return !p.AllowLoopback
	}
	return false
}

// Control is a net.Dialer Control function refusing forbidden addresses at connect time.
func (p Policy) Control(network, address string, _ syscall.RawConn) error {
	if strings.HasPrefix(network, "unix") {
		if p.AllowLoopback {
			return nil
		}
		return fmt.Errorf("address %s refused: a local socket", address)
	}
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	a, err := netip.ParseAddr(host)
	if err != nil || p.Forbidden(a) {
		return fmt.Errorf("address %s refused", address)
	}
	return nil
}

// Dialer returns a dialer that refuses forbidden addresses.
func (p Policy) Dialer(timeout time.Duration) *net.Dialer {
	return &net.Dialer{Timeout: timeout, Control: p.Control}
}

// DialContext dials through Dialer; for drivers that take a dial function.
func (p Policy) DialContext(timeout time.Duration) func(ctx context.Context, network, addr string) (net.Conn, error) {
	d := p.Dialer(timeout)
	return d.DialContext
}

// ParseAllow reads an allow-list of CIDRs or addresses separated by commas or spaces.
func ParseAllow(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' }) {
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not an address or CIDR", f)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		pf, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or CIDR", f)
		}
		out = append(out, pf.Masked())
	}
	return out, nil
}
