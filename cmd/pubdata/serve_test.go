package main

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"pubdata/internal/db"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// apiServer is the platform's HTTP handler over the demo directory, with an admin token.
type apiServer struct {
	h     http.Handler
	token string
}

func newServer(t *testing.T, d *db.DB) apiServer {
	t.Helper()
	a := testutil.DirectoryApp(t, d, nil)
	h, _, err := server.Handler(a, false)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	u, _ := a.Identity.UserByName(ctx, "admin")
	p, _ := a.Identity.Principal(ctx, u)
	secret, _, err := a.Identity.IssueToken(ctx, p, "test", []string{"read"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return apiServer{h: h, token: secret}
}

func (s apiServer) get(t *testing.T, path string) string {
	t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	r.Header.Set("Authorization", "Bearer "+s.token)
	w := httptest.NewRecorder()
	s.h.ServeHTTP(w, r)
	if w.Code != 200 {
		t.Fatalf("GET %s: %d %s", path, w.Code, w.Body)
	}
	return w.Body.String()
}

var runningAt = regexp.MustCompile(`running at (http://127\.0\.0\.1:\d+)`)

// `pubdata serve --demo` starts, prints where it runs and the demo accounts, serves health and
// the UI, and stops cleanly on SIGTERM — on both backends.
func TestServeStartsAndStops(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		args := append([]string{"serve", "--demo", "--addr", "127.0.0.1:0"}, dbArgs(d)...)
		cmd := exec.Command(binary, args...)
		cmd.Dir = t.TempDir()
		cmd.Env = append(os.Environ(), "PUBDATA_DB=")
		stdout, _ := cmd.StdoutPipe()
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer cmd.Process.Kill()
		lines := make(chan string, 100)
		go func() {
			sc := bufio.NewScanner(stdout)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		var base string
		var out []string
		deadline := time.After(60 * time.Second)
		for base == "" || !strings.Contains(strings.Join(out, "\n"), "citizen") {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("serve exited early:\n%s\nstderr: %s", strings.Join(out, "\n"), stderr.String())
				}
				out = append(out, l)
				if m := runningAt.FindStringSubmatch(l); m != nil {
					base = m[1]
				}
			case <-deadline:
				t.Fatalf("serve did not report its address:\n%s\nstderr: %s", strings.Join(out, "\n"), stderr.String())
			}
		}
		all := strings.Join(out, "\n")
		if !strings.Contains(all, "admin") || !strings.Contains(all, "Demo@2026pass") || !strings.Contains(all, string(d.Dialect)) {
			t.Fatalf("start-up output lacks the demo accounts or the backend:\n%s", all)
		}
		for path, want := range map[string]string{"/healthz": `"ok"`, "/readyz": `"backend":"` + string(d.Dialect) + `"`, "/login": "登录"} {
			resp, err := http.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
				t.Fatalf("GET %s: %d %.200s", path, resp.StatusCode, b)
			}
		}
		cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() {
			for range lines {
			}
			done <- cmd.Wait()
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("serve did not exit cleanly on SIGTERM: %v\nstderr: %s", err, stderr.String())
			}
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not stop on SIGTERM")
		}
		// Structured logs: JSON lines on standard error.
		if !strings.Contains(stderr.String(), `"msg":"http"`) {
			t.Fatalf("no structured access log on stderr: %.500s", stderr.String())
		}
	})
}

// The server refuses to start, with a clear message and a non-zero exit, on a bad database DSN,
// a port in use, an unwritable data directory or a bad TLS pair.
func TestServeRefusesToStart(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	file := filepath.Join(t.TempDir(), "a-file")
	os.WriteFile(file, []byte("x"), 0o644)

	cases := []struct {
		name    string
		args    []string
		want    []string
		notWant string
	}{
		{"unreachable PostgreSQL", []string{"serve", "--addr", "127.0.0.1:0", "--db", "postgres://pubdata:s3cret-pw@127.0.0.1:1/nowhere?connect_timeout=3"},
			[]string{"无法连接 PostgreSQL", "cannot reach PostgreSQL", "127.0.0.1:1"}, "s3cret-pw"},
		{"port in use", []string{"serve", "--addr", busy.Addr().String(), "--data", t.TempDir()},
			[]string{"端口可能已被占用", "port in use", busy.Addr().String()}, ""},
		{"data directory cannot be created", []string{"serve", "--addr", "127.0.0.1:0", "--data", filepath.Join(file, "data")},
			[]string{"无法创建数据目录", "cannot create data directory"}, ""},
		{"TLS certificate without key", []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--tls-cert", file},
			[]string{"--tls-key"}, ""},
		{"unknown audit hash", []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--audit-algo", "md5"},
			[]string{"sha256", "sm3", "md5"}, ""},
		{"unreadable TLS pair", []string{"serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(), "--tls-cert", file, "--tls-key", file},
			[]string{"cannot load the TLS certificate"}, ""},
	}
	if os.Geteuid() != 0 { // root writes anywhere, so this case only means something for others
		ro := t.TempDir()
		os.Chmod(ro, 0o500)
		t.Cleanup(func() { os.Chmod(ro, 0o700) })
		cases = append(cases, struct {
			name    string
			args    []string
			want    []string
			notWant string
		}{"read-only data directory", []string{"serve", "--addr", "127.0.0.1:0", "--data", ro}, []string{"数据目录不可写", "not writable"}, ""})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := pubdata(t, "", c.args...)
			if r.code == 0 {
				t.Fatalf("started anyway:\n%v", r)
			}
			for _, w := range c.want {
				if !strings.Contains(r.stderr, w) {
					t.Fatalf("message lacks %q:\n%v", w, r)
				}
			}
			if c.notWant != "" && strings.Contains(r.stdout+r.stderr, c.notWant) {
				t.Fatalf("message leaks %q:\n%v", c.notWant, r)
			}
			if strings.Contains(r.stderr, "goroutine ") {
				t.Fatalf("stack trace:\n%v", r)
			}
		})
	}
}

// migrate and demo work on an empty data directory, and demo is idempotent.
func TestMigrateAndDemoCommands(t *testing.T) {
	dir := t.TempDir()
	r := pubdata(t, dir, "migrate", "--data", "d")
	if r.code != 0 || !strings.Contains(r.stdout, "database is up to date (sqlite") {
		t.Fatalf("migrate:\n%v", r)
	}
	r = pubdata(t, dir, "demo", "--data", "d")
	if r.code != 0 || !strings.Contains(r.stdout, "demo region loaded") || !strings.Contains(r.stdout, "citizen") {
		t.Fatalf("demo:\n%v", r)
	}
	r = pubdata(t, dir, "demo", "--data", "d")
	if r.code != 0 || !strings.Contains(r.stdout, "already loaded") {
		t.Fatalf("demo again:\n%v", r)
	}
	r = pubdata(t, dir, "user", "list", "--data", "d")
	if r.code != 0 || !strings.Contains(r.stdout, "admin") || strings.Count(r.stdout, "\n") < 19 {
		t.Fatalf("user list:\n%v", r)
	}
	r = pubdata(t, dir, "audit", "verify", "--data", "d", "--audit-algo", "sm3")
	if r.code != 0 || !strings.Contains(r.stdout, "intact") {
		t.Fatalf("verify:\n%v", r)
	}
}

// With --tls-cert/--tls-key the server speaks HTTPS only, its session cookie is Secure and it
// sends HSTS.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeSelfSigned(t, certFile, keyFile)
	base := startServe(t, "https", "--demo", "--addr", "127.0.0.1:0", "--data", filepath.Join(dir, "data"), "--tls-cert", certFile, "--tls-key", keyFile, "--no-jobs")
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(`{"username":"admin","password":"Demo@2026pass"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Fatalf("login over TLS: %d %+v", resp.StatusCode, resp.TLS)
	}
	if hsts := resp.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
		t.Fatalf("no HSTS: %v", resp.Header)
	}
	secure := false
	for _, c := range resp.Cookies() {
		if c.Name == "pd_session" {
			secure = c.Secure && c.HttpOnly
		}
	}
	if !secure {
		t.Fatalf("session cookie not Secure+HttpOnly under TLS: %v", resp.Header["Set-Cookie"])
	}
	// Plain HTTP to the TLS port gets no page.
	if resp, err := http.Get(strings.Replace(base, "https", "http", 1) + "/healthz"); err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(b), `"ok"`) {
			t.Fatal("the TLS port answered plain HTTP")
		}
	}
}

// startServe runs the binary's serve command until the test ends and returns the address it
// reports (scheme http or https).
func startServe(t *testing.T, scheme string, args ...string) string {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve"}, args...)...)
	cmd.Env = append(os.Environ(), "PUBDATA_DB=")
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() })
	base := ""
	sc := bufio.NewScanner(stdout)
	re := regexp.MustCompile(`running at (` + scheme + `://127\.0\.0\.1:\d+)`)
	for base == "" && sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
		}
	}
	go io.Copy(io.Discard, stdout)
	if base == "" {
		t.Fatalf("serve did not report an %s address", scheme)
	}
	return base
}

// Behind a TLS-terminating proxy (--behind-tls) pubdata speaks plain HTTP to the proxy, and still
// marks its session cookie Secure and sends HSTS, since its users are on HTTPS.
func TestServeBehindTLSProxy(t *testing.T) {
	base := startServe(t, "http", "--demo", "--addr", "127.0.0.1:0", "--data", filepath.Join(t.TempDir(), "data"), "--behind-tls", "--no-jobs")
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Post(base+"/api/v1/auth/login", "application/json", strings.NewReader(`{"username":"admin","password":"Demo@2026pass"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("login through the proxy's plain HTTP: %d", resp.StatusCode)
	}
	if hsts := resp.Header.Get("Strict-Transport-Security"); !strings.Contains(hsts, "max-age=") {
		t.Fatalf("no HSTS behind the proxy: %v", resp.Header)
	}
	secure := false
	for _, c := range resp.Cookies() {
		if c.Name == "pd_session" {
			secure = c.Secure && c.HttpOnly
		}
	}
	if !secure {
		t.Fatalf("session cookie not Secure+HttpOnly behind a TLS proxy: %v", resp.Header["Set-Cookie"])
	}
}

func writeSelfSigned(t *testing.T, certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
}
