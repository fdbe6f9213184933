package server_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"pubdata/internal/db"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// serve runs h behind NewHTTPServer on a loopback port until the test ends.
func serve(t *testing.T, h http.Handler, l server.Limits) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := server.NewHTTPServer(h, l)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// trickle sends a request whose body arrives one byte every 50 ms and returns how long the
// server took to answer or close the connection (stopping after 10 s).
func trickle(t *testing.T, addr, head string) (time.Duration, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	if _, err := io.WriteString(c, head); err != nil {
		t.Fatal(err)
	}
	got := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(bufio.NewReader(c))
		got <- string(b)
	}()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for time.Since(start) < 10*time.Second {
		select {
		case s := <-got:
			return time.Since(start), s
		case <-tick.C:
			c.Write([]byte("a")) // errors once the server has closed the connection
		}
	}
	return time.Since(start), ""
}

func TestSlowPostIsCutOff(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DirectoryApp(t, d, nil)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		addr := serve(t, h, server.Limits{ReadHeaderTimeout: 400 * time.Millisecond, BodyTimeout: 500 * time.Millisecond, BodyMinRate: 1 << 20})
		// A login whose body never finishes: cut off at the body deadline, not held.
		took, resp := trickle(t, addr, "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
		if took > 3*time.Second {
			t.Fatalf("a slow POST was held %v (response %q)", took, resp)
		}
		if took < 400*time.Millisecond {
			t.Fatalf("the slow POST was cut after %v, before its deadline", took)
		}
		// Headers that never finish: cut off at the header deadline.
		took, _ = trickle(t, addr, "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nX-Slow: ")
		if took > 3*time.Second {
			t.Fatalf("slow headers were held %v", took)
		}
		// A normal request on the same server still works.
		r, err := http.Get("http://" + addr + "/healthz")
		if err != nil || r.StatusCode != 200 {
			t.Fatalf("healthz: %v %v", r, err)
		}
		r.Body.Close()
	})
}

// A large body that arrives steadily takes longer than BodyTimeout and is still read whole:
// the deadline moves with the bytes received.
func TestLargeSteadyUploadPasses(t *testing.T) {
	var got int
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		got = len(b)
		fmt.Fprint(w, len(b))
	})
	addr := serve(t, h, server.Limits{BodyTimeout: 300 * time.Millisecond, BodyMinRate: 1 << 20})
	const size = 4 << 20
	pr, pw := io.Pipe()
	go func() {
		chunk := bytes.Repeat([]byte("x"), 64<<10)
		for sent := 0; sent < size; sent += len(chunk) {
			pw.Write(chunk)
			time.Sleep(15 * time.Millisecond) // ~4 MiB/s: above the minimum rate, 1 s in all
		}
		pw.Close()
	}()
	start := time.Now()
	req, _ := http.NewRequest("POST", "http://"+addr+"/upload", pr)
	req.ContentLength = size
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || got != size || strings.TrimSpace(string(b)) != fmt.Sprint(size) {
		t.Fatalf("steady upload: %d %q, read %d of %d", r.StatusCode, b, got, size)
	}
	if time.Since(start) < 300*time.Millisecond {
		t.Fatal("the upload finished within BodyTimeout; the test proves nothing")
	}
}
