package httpapi

import (
	"crypto/subtle"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/ids"
)

// Cookie names.
const (
	SessionCookie = "pd_session"
	PreCSRFCookie = "pd_csrf" // double-submit token for forms sent before login
	LangCookie    = "pd_lang"
	LargeCookie   = "pd_large"
)

var (
	reqTotal = promauto.NewCounterVec(prometheus.CounterOpts{Name: "pubdata_http_requests_total", Help: "HTTP requests by route and status."}, []string{"route", "code"})
	reqDur   = promauto.NewHistogramVec(prometheus.HistogramOpts{Name: "pubdata_http_request_seconds", Help: "HTTP request latency by route.", Buckets: prometheus.DefBuckets}, []string{"route"})
)

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if !s.wrote {
		s.status, s.wrote = http.StatusOK, true
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// ReadFrom keeps the server's sendfile path for bodies copied from files (cached downloads).
func (s *statusWriter) ReadFrom(r io.Reader) (int64, error) {
	if !s.wrote {
		s.status, s.wrote = http.StatusOK, true
	}
	return io.Copy(s.ResponseWriter, r)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// LogPath is a request path as the logs keep it: the record key of /records/{key} and
// /lookup/{key} (an ID number, a credit code) is masked, keeping its first 3 and last 2
// characters, so that access logs never carry a full ID number (SEC-4). Other paths are
// returned as they are, without a copy; a masked one costs one allocation (every gateway call).
func LogPath(p string) string {
	var b strings.Builder
	last := 0 // p[:last] is in b
	for i := 0; i < len(p); {
		k := strings.IndexByte(p[i:], '/')
		if k < 0 {
			break
		}
		start := i + k + 1 // a segment starts here
		seg := p[i : i+k]
		i = start
		if seg != "records" && seg != "lookup" {
			continue
		}
		end := strings.IndexByte(p[start:], '/')
		if end < 0 {
			end = len(p)
		} else {
			end += start
		}
		if b.Len() == 0 {
			b.Grow(len(p))
		}
		b.WriteString(p[last:start])
		n := utf8.RuneCountInString(p[start:end])
		if n > 6 {
			head := firstRunesEnd(p[start:end], 3)
			tail := lastRunesStart(p[start:end], 2)
			b.WriteString(p[start : start+head])
			stars(&b, n-5)
			b.WriteString(p[start+tail : end])
		} else {
			stars(&b, n)
		}
		last, i = end, end
	}
	if last == 0 {
		return p
	}
	b.WriteString(p[last:])
	return b.String()
}

func stars(b *strings.Builder, n int) {
	for ; n > 0; n-- {
		b.WriteByte('*')
	}
}

// firstRunesEnd returns the byte offset where the first n runes of s end.
func firstRunesEnd(s string, n int) int {
	w := 0
	for c := 0; c < n && w < len(s); c++ {
		_, sz := utf8.DecodeRuneInString(s[w:])
		w += sz
	}
	return w
}

// lastRunesStart returns the byte offset where the last n runes of s begin.
func lastRunesStart(s string, n int) int {
	w := len(s)
	for c := 0; c < n && w > 0; c++ {
		_, sz := utf8.DecodeLastRuneInString(s[:w])
		w -= sz
	}
	return w
}

// PageFail, when set (by the web UI), answers a failed request for a page — anything outside
// /api/ — with an error page in the user's language instead of the API's JSON error shape.
var PageFail func(w http.ResponseWriter, r *http.Request, err error)

func failPage(w http.ResponseWriter, r *http.Request, err error) {
	if PageFail != nil && !strings.HasPrefix(r.URL.Path, "/api/") {
		PageFail(w, r, err)
		return
	}
	Fail(w, r, err)
}

// statusLabels are the metrics' status-code labels, made once (not a string per request).
var statusLabels = func() (l [600]string) {
	for i := 100; i < len(l); i++ {
		l[i] = strconv.Itoa(i)
	}
	return
}()

func statusLabel(code int) string {
	if code >= 100 && code < len(statusLabels) {
		return statusLabels[code]
	}
	return strconv.Itoa(code)
}

// Middleware wraps the whole server: panic recovery (the error shape, never a stack trace to the
// client), structured access logs, metrics, security headers, caller resolution (session cookie
// or bearer token) and the CSRF check on every state-changing request made with a cookie.
func Middleware(a *app.App, secure bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: 200}
		a.Audit.Enter() // lets the audit group commit wait for this request's record
		defer a.Audit.Leave()
		defer func() {
			if rec := recover(); rec != nil {
				slog.Error("panic", "path", LogPath(r.URL.Path), "panic", fmt.Sprint(rec), "stack", string(debug.Stack()))
				if !sw.wrote {
					failPage(sw, r, apperr.Internal)
				}
			}
			route := r.Pattern
			if route == "" {
				route = "unmatched"
			}
			reqTotal.WithLabelValues(route, statusLabel(sw.status)).Inc()
			reqDur.WithLabelValues(route).Observe(time.Since(start).Seconds())
			// The access log's arguments (the masked path, the client address) are worked out only
			// when the log keeps them.
			if !strings.HasPrefix(r.URL.Path, "/static/") && r.URL.Path != "/healthz" && r.URL.Path != "/metrics" && slog.Default().Enabled(r.Context(), slog.LevelInfo) {
				slog.Info("http", "method", r.Method, "path", LogPath(r.URL.Path), "status", sw.status, "ms", time.Since(start).Milliseconds(), "ip", ClientIP(r))
			}
		}()
		h := sw.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'")
		if secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}

		ctx := r.Context()
		unsafe := r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions
		if auth := r.Header.Get("Authorization"); strings.HasPrefix(auth, "Bearer ") {
			p, err := a.Identity.TokenPrincipal(ctx, strings.TrimSpace(strings.TrimPrefix(auth, "Bearer ")))
			if err != nil {
				Fail(sw, r, err)
				return
			}
			a.Identity.MarkTokenUsed(ctx, p.TokenID)
			r = r.WithContext(WithPrincipal(ctx, p, ""))
		} else if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
			p, csrf, err := a.Identity.Session(ctx, c.Value)
			if err == nil {
				if unsafe && !csrfOK(r, csrf) {
					failPage(sw, r, apperr.CSRF)
					return
				}
				r = r.WithContext(WithPrincipal(ctx, p, csrf))
			} else if unsafe && isForm(r) && !preCSRFOK(r) {
				failPage(sw, r, apperr.CSRF)
				return
			}
		} else if unsafe && isForm(r) && !preCSRFOK(r) {
			failPage(sw, r, apperr.CSRF)
			return
		}
		next.ServeHTTP(sw, r)
	})
}

// isForm tells whether a request could have been sent cross-site without a CORS preflight (an
// HTML form, or a script posting a body with no or a "simple" content type), so that an
// anonymous one must pass the double-submit CSRF check.
func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return r.ContentLength != 0
	}
	return strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data") || strings.HasPrefix(ct, "text/plain")
}

func formToken(r *http.Request) string {
	if t := r.Header.Get("X-CSRF-Token"); t != "" {
		return t
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		// Uploads carry the token in the query so the body can be streamed.
		return r.URL.Query().Get("csrf_token")
	}
	if isForm(r) {
		return r.PostFormValue("csrf_token")
	}
	return ""
}

func csrfOK(r *http.Request, want string) bool {
	got := formToken(r)
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func preCSRFOK(r *http.Request) bool {
	c, err := r.Cookie(PreCSRFCookie)
	if err != nil || c.Value == "" {
		return false
	}
	return csrfOK(r, c.Value)
}

// PreCSRF returns the double-submit token for anonymous forms, setting its cookie if needed.
func PreCSRF(w http.ResponseWriter, r *http.Request, secure bool) string {
	if c, err := r.Cookie(PreCSRFCookie); err == nil && c.Value != "" {
		return c.Value
	}
	t := ids.Token(20)
	http.SetCookie(w, &http.Cookie{Name: PreCSRFCookie, Value: t, Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
	return t
}

// SetSession sets the session cookie (HttpOnly, SameSite=Lax, Secure under TLS).
func SetSession(w http.ResponseWriter, token string, ttl time.Duration, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(ttl.Seconds())})
}

// ClearSession removes the session cookie.
func ClearSession(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}
