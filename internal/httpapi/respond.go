package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
)

type ctxKey int

const (
	principalKey ctxKey = iota
	csrfKey
)

// WithPrincipal stores the caller in the request context.
func WithPrincipal(ctx context.Context, p *authz.Principal, csrf string) context.Context {
	ctx = context.WithValue(ctx, principalKey, p)
	return context.WithValue(ctx, csrfKey, csrf)
}

// PrincipalOf returns the caller (never nil: an anonymous principal when nobody is logged in).
func PrincipalOf(r *http.Request) *authz.Principal {
	if p, ok := r.Context().Value(principalKey).(*authz.Principal); ok && p != nil {
		return p
	}
	return &authz.Principal{}
}

// CSRFOf returns the session's CSRF token ("" for token or anonymous callers).
func CSRFOf(r *http.Request) string {
	s, _ := r.Context().Value(csrfKey).(string)
	return s
}

// TrustedProxies are the reverse proxies (可信代理) whose X-Forwarded-For header is believed
// (serve --trusted-proxy CIDR). Empty, the header is ignored and the client address is the
// direct peer: anyone can write the header, so believing it from anyone would let a caller choose
// the address that the login throttle counts and the audit log records.
var TrustedProxies []netip.Prefix

// ParseTrustedProxies reads CIDRs or single addresses ("10.0.0.0/8", "127.0.0.1").
func ParseTrustedProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		for _, f := range strings.Split(s, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			if !strings.Contains(f, "/") {
				a, err := netip.ParseAddr(f)
				if err != nil {
					return nil, fmt.Errorf("trusted proxy %q: not an address or CIDR", f)
				}
				out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
				continue
			}
			pf, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: not an address or CIDR", f)
			}
			out = append(out, netip.PrefixFrom(pf.Addr().Unmap(), pf.Bits()).Masked())
		}
	}
	return out, nil
}

func trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// parseHop reads one X-Forwarded-For entry: an address, possibly with a port or in brackets.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	if a, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		return a.Unmap(), true
	}
	return netip.Addr{}, false
}

// ClientIP is the caller's address. It is the direct peer unless the peer is a trusted proxy;
// then X-Forwarded-For is read from the right, skipping trusted proxies, and the first
// untrusted hop is the client (entries further left were written by the client and could say
// anything). A malformed entry stops the walk at the last proxy that was trusted.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, ok := parseHop(host)
	if !ok || len(TrustedProxies) == 0 || !trusted(peer) {
		return host
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break
		}
		client = a
		if !trusted(a) {
			break
		}
	}
	return client.String()
}

// JSON writes v with a status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// ErrorBody is the one error shape of the API.
type ErrorBody struct {
	Error *apperr.Error `json:"error"`
}

// Fail writes err in the error shape; unknown errors are logged and answered as "internal"
// without any detail.
func Fail(w http.ResponseWriter, r *http.Request, err error) {
	if strings.HasPrefix(r.URL.Path, "/api/3/") {
		ckanFail(w, r, err) // CKAN clients read CKAN's envelope
		return
	}
	e := apperr.As(err)
	if e.Status == 0 {
		e.Status = http.StatusInternalServerError
	}
	if e.Status >= 500 {
		slog.Error("request failed", "method", r.Method, "path", LogPath(r.URL.Path), "err", err)
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	JSON(w, e.Status, ErrorBody{Error: e})
}

// MaxBody is the largest JSON body accepted (uploads have their own limit).
const MaxBody = 4 << 20

// Decode reads a JSON body into v, refusing unknown fields, trailing data and oversize bodies.
func Decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return apperr.New(http.StatusUnsupportedMediaType, "unsupported_media_type", "请求体须为 JSON（Content-Type: application/json）", "the body must be JSON (Content-Type: application/json)")
	}
	tooBig := apperr.TooLarge.With(apperr.Field("body", "请求体超过 "+strconv.Itoa(MaxBody>>20)+" MiB 的上限", "the body exceeds the "+strconv.Itoa(MaxBody>>20)+" MiB limit"))
	if r.ContentLength > MaxBody {
		return tooBig
	}
	lr := &io.LimitedReader{R: r.Body, N: MaxBody + 1}
	dec := json.NewDecoder(lr)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if lr.N <= 0 {
			return tooBig
		}
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return apperr.BadRequest.With(apperr.Field("body", "请求体为空", "the body is empty"))
		case errors.As(err, &te):
			return apperr.BadRequest.With(apperr.Field(te.Field, "字段类型不正确，应为 "+te.Type.String(), "wrong type, expected "+te.Type.String()))
		case errors.As(err, &se):
			return apperr.BadRequest.With(apperr.Field("body", "JSON 语法错误，位置 "+strconv.FormatInt(se.Offset, 10), "JSON syntax error at offset "+strconv.FormatInt(se.Offset, 10)))
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return apperr.BadRequest.With(apperr.Field(f, "未知字段", "unknown field"))
		default:
			return apperr.BadRequest.With(apperr.Field("body", "无法解析请求体", "cannot parse the body"))
		}
	}
	if dec.More() {
		return apperr.BadRequest.With(apperr.Field("body", "请求体包含多余内容", "trailing data after the JSON value"))
	}
	return nil
}

// Page is a page request.
type Page struct {
	Page   int `json:"page"`
	Size   int `json:"page_size"`
	Offset int `json:"-"`
}

// PageOf reads ?page=&page_size= (defaults 1 and 50, size at most 500).
func PageOf(r *http.Request) (Page, error) {
	p := Page{Page: 1, Size: 50}
	q := r.URL.Query()
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return p, apperr.BadRequest.With(apperr.Field("page", "页码须为正整数", "page must be a positive integer"))
		}
		p.Page = n
	}
	if s := q.Get("page_size"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 500 {
			return p, apperr.BadRequest.With(apperr.Field("page_size", "每页条数须为 1–500", "page_size must be 1–500"))
		}
		p.Size = n
	}
	p.Offset = (p.Page - 1) * p.Size
	return p, nil
}

// Paged is the list shape of every collection.
type Paged[T any] struct {
	Items    []T `json:"items"`
	Page     int `json:"page"`
	PageSize int `json:"page_size"`
	Total    int `json:"total"`
}

// NewPaged makes a page of items (never a null list).
func NewPaged[T any](items []T, p Page, total int) Paged[T] {
	if items == nil {
		items = []T{}
	}
	return Paged[T]{Items: items, Page: p.Page, PageSize: p.Size, Total: total}
}
