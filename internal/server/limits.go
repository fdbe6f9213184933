package server

import (
	"io"
	"net/http"
	"time"
)

// Limits bound how long a client may take to send a request (请求读取时限). A client that opens a
// connection and trickles its headers or body holds a connection and a goroutine; without a
// deadline a thousand of them at once hold the server.
type Limits struct {
	// ReadHeaderTimeout is how long the request line and headers may take (default 10 s).
	ReadHeaderTimeout time.Duration
	// BodyTimeout is how long a request body may take before BodyMinRate counts (default 20 s).
	BodyTimeout time.Duration
	// BodyMinRate is the slowest accepted body in bytes per second (default 16 KiB/s): a body may
	// take BodyTimeout plus its size at this rate, so a 500 MiB upload over a slow line still
	// arrives while a body that trickles a few bytes is cut off after BodyTimeout.
	BodyMinRate int64
	// IdleTimeout closes keep-alive connections left idle (default 120 s).
	IdleTimeout time.Duration
}

// Default limits.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultBodyTimeout       = 20 * time.Second
	DefaultBodyMinRate       = 16 << 10
	DefaultIdleTimeout       = 120 * time.Second
)

func (l Limits) withDefaults() Limits {
	if l.ReadHeaderTimeout <= 0 {
		l.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if l.BodyTimeout <= 0 {
		l.BodyTimeout = DefaultBodyTimeout
	}
	if l.BodyMinRate <= 0 {
		l.BodyMinRate = DefaultBodyMinRate
	}
	if l.IdleTimeout <= 0 {
		l.IdleTimeout = DefaultIdleTimeout
	}
	return l
}

// NewHTTPServer returns the http.Server for h with the limits applied: header and idle
// timeouts on the server, the body deadline around the handler. There is no write timeout:
// exports stream for as long as they need, and the client reading them is the one waiting.
func NewHTTPServer(h http.Handler, l Limits) *http.Server {
	l = l.withDefaults()
	return &http.Server{Handler: BodyDeadline(h, l), ReadHeaderTimeout: l.ReadHeaderTimeout, IdleTimeout: l.IdleTimeout}
}

// BodyDeadline sets a read deadline on the connection while the handler reads the request
// body: BodyTimeout after the headers arrived, moved later by each byte received at
// BodyMinRate. Reading past it fails (the handler answers with its error and the connection is
// closed), so a slow POST is held for BodyTimeout at most.
func BodyDeadline(h http.Handler, l Limits) http.Handler {
	l = l.withDefaults()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody {
			h.ServeHTTP(w, r)
			return
		}
		rc := http.NewResponseController(w)
		start := time.Now()
		b := &deadlineBody{rc: rc, body: r.Body, start: start, l: l}
		if err := b.extend(); err != nil {
			// The connection cannot take a deadline (e.g. a test recorder): serve unchanged.
			h.ServeHTTP(w, r)
			return
		}
		r.Body = b
		h.ServeHTTP(w, r)
	})
}

type deadlineBody struct {
	rc    *http.ResponseController
	body  io.ReadCloser
	start time.Time
	l     Limits
	n     int64
}

// extend sets the deadline for the bytes received so far.
func (b *deadlineBody) extend() error {
	allowed := b.l.BodyTimeout + time.Duration(float64(b.n)/float64(b.l.BodyMinRate)*float64(time.Second))
	return b.rc.SetReadDeadline(b.start.Add(allowed))
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	if n > 0 {
		b.n += int64(n)
		b.extend()
	}
	if err == io.EOF {
		// The whole body is in: the response may take as long as it needs (the server's own
		// check for a closed connection reads past the body and must not time out). A body
		// left unread keeps its deadline, so draining it after the handler is bounded too.
		b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

func (b *deadlineBody) Close() error { return b.body.Close() }
