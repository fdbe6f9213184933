// Package web is the server-rendered UI (html/template, no front-end build step): Chinese first
// with an English switch, role-aware navigation, keyboard-usable, with a large-text mode (JM 18).
// Handlers are thin: they call the same domain services as the API.
package web

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/httpapi"
	"pubdata/internal/vocab"
	"pubdata/internal/workday"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// NavItem is one entry of the top navigation; Roles empty means every logged-in user, Public
// means visitors too.
type NavItem struct {
	Key    string
	Href   string
	Roles  []authz.Role
	Public bool
	Order  int
}

var (
	navMu sync.Mutex
	nav   = []NavItem{
		{Key: "nav.home", Href: "/", Public: true, Order: 0},
		{Key: "nav.inbox", Href: "/inbox", Order: 90},
		{Key: "nav.audit", Href: "/audit", Roles: []authz.Role{authz.Auditor, authz.Oversight, authz.AuthorityAdmin, authz.SecurityOfficer, authz.DataOfficer}, Order: 91},
		{Key: "nav.calendar", Href: "/calendar", Order: 92},
		{Key: "nav.directory", Href: "/directory", Order: 93},
		{Key: "nav.tokens", Href: "/tokens", Order: 94},
		{Key: "nav.jobs", Href: "/jobs", Roles: []authz.Role{authz.AuthorityAdmin}, Order: 95},
	}
)

// AddNav adds navigation entries (each capability adds its own).
func AddNav(items ...NavItem) {
	navMu.Lock()
	nav = append(nav, items...)
	navMu.Unlock()
}

// View is what every page template receives.
type View struct {
	P     *authz.Principal
	Lang  string
	Large bool
	// Contrast is the high-contrast mode (高对比度, JM 18), kept in a cookie like Large.
	Contrast bool
	CSRF     string
	Title    string
	Nav      []NavItem
	Path     string
	Flash    string
	Errors   []apperr.FieldError
	Error    *apperr.Error
	Data     any
	Query    url.Values
	// failed is a refused form post this page is rendered again for (formerr.go); posted is
	// the form of this request when it is a post (a page a handler renders with its refusal).
	failed, posted *formFailure
}

// Web serves the UI.
type Web struct {
	App    *app.App
	Secure bool
	pages  map[string]*template.Template
}

// New parses the templates and registers every page on mux.
func New(a *app.App, mux *http.ServeMux, secure bool) (*Web, error) {
	w := &Web{App: a, Secure: secure, pages: map[string]*template.Template{}}
	layout, err := templateFS.ReadFile("templates/layout.html")
	if err != nil {
		return nil, err
	}
	entries, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name := strings.TrimSuffix(strings.TrimPrefix(e, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		body, _ := templateFS.ReadFile(e)
		t := template.New("layout").Funcs(funcs).Funcs(w.appFuncs())
		if _, err := t.Parse(string(layout)); err != nil {
			return nil, fmt.Errorf("layout: %w", err)
		}
		if _, err := t.Parse(string(body)); err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		w.pages[name] = t
	}
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServer(http.FS(static)))))
	mux.HandleFunc("GET /favicon.ico", func(rw http.ResponseWriter, r *http.Request) {
		b, _ := staticFS.ReadFile("static/favicon.svg")
		rw.Header().Set("Content-Type", "image/svg+xml")
		rw.Header().Set("Cache-Control", "public, max-age=86400")
		rw.Write(b)
	})
	w.install(mux)
	mux.HandleFunc("/", func(rw http.ResponseWriter, r *http.Request) { w.noRoute(mux, rw, r) })
	httpapi.PageFail = w.Fail
	return w, nil
}

// Error pages for paths the UI does not have (styled, in the user's language).
var (
	errNoPage   = apperr.New(http.StatusNotFound, "no_such_page", "页面不存在，请检查地址或从导航进入", "there is no such page; check the address or start from the menu")
	errNoMethod = apperr.New(http.StatusMethodNotAllowed, "method_not_allowed", "此地址只接收表单提交，不能直接打开", "this address only accepts a submitted form and cannot be opened directly")
)

// noRoute answers a request no page matches. A page opened (GET) at an address that only takes
// a form — a reloaded result or a bookmarked action — goes to the page the form belongs to
// (the nearest address above it that is a page) when there is one; otherwise a styled 405 or 404 page.
func (w *Web) noRoute(mux *http.ServeMux, rw http.ResponseWriter, r *http.Request) {
	other := func(method, path string) bool {
		r2 := r.Clone(r.Context())
		r2.Method, r2.URL.Path = method, path
		_, pat := mux.Handler(r2)
		return pat != "" && pat != "/"
	}
	if other(http.MethodPost, r.URL.Path) || other(http.MethodPut, r.URL.Path) || (r.Method != http.MethodGet && other(http.MethodGet, r.URL.Path)) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			for up := strings.TrimSuffix(r.URL.Path, "/"); ; {
				i := strings.LastIndexByte(up, '/')
				if i <= 0 {
					break
				}
				if up = up[:i]; other(http.MethodGet, up) {
					http.Redirect(rw, r, up, http.StatusSeeOther)
					return
				}
			}
		}
		w.Fail(rw, r, errNoMethod)
		return
	}
	w.Fail(rw, r, errNoPage)
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(rw, r)
	})
}

var funcs = template.FuncMap{
	"t": func(v *View, key string, args ...any) string {
		s := T(v.Lang, key)
		if len(args) > 0 {
			return fmt.Sprintf(s, args...)
		}
		return s
	},
	"time": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.In(workday.Location).Format("2006-01-02 15:04")
	},
	// enddate is the last day an expiry at midnight covers (a credential ending at 00:00 of the
	// 1st is valid through the 30th).
	"enddate": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return workday.Format(t.Add(-time.Second))
	},
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return workday.Format(t)
	},
	// ms formats a Unix-millisecond time as "time" does.
	"ms": func(v any) string { // Unix milliseconds, as int64 or db.Stamp
		var ms int64
		switch x := v.(type) {
		case int64:
			ms = x
		case db.Stamp:
			ms = int64(x)
		case int:
			ms = int64(x)
		}
		if ms == 0 {
			return "—"
		}
		return time.UnixMilli(ms).In(workday.Location).Format("2006-01-02 15:04")
	},
	"role": func(v *View, r authz.Role) string {
		n := authz.RoleNames[r]
		if v.Lang == "en" {
			return n[1]
		}
		return n[0]
	},
	"orgkind": func(v *View, k authz.OrgKind) string {
		n := authz.OrgKinds[k]
		if v.Lang == "en" {
			return n[1]
		}
		return n[0]
	},
	// provisional is the 暂定 badge of a deadline that runs into a year without a holiday
	// table (workday.Mark), naming the years; nothing for a final deadline.
	"provisional": func(v *View, m workday.Mark) template.HTML {
		if !m.DeadlineProvisional {
			return ""
		}
		ys := make([]string, len(m.MissingYears))
		for i, y := range m.MissingYears {
			ys[i] = strconv.Itoa(y)
		}
		title := "节假日表尚未导入的年份: "
		label := "暂定"
		if v.Lang == "en" {
			title, label = "years without a holiday table: ", "provisional"
		}
		return template.HTML(` <span class="badge provisional" title="` + template.HTMLEscapeString(title+strings.Join(ys, ", ")) + `">` + label + `</span>`)
	},
	"bi": func(v *View, zh, en string) string {
		if v.Lang == "en" && en != "" {
			return en
		}
		return zh
	},
	// label names a code of a vocabulary in the page's language (vocab.Label): states, modes,
	// audit actions, frequencies… never the code itself.
	"label": func(v *View, vocabulary string, code any) string {
		return vocab.Label(v.Lang, vocabulary, fmt.Sprint(code))
	},
	// actor names who acted; the platform itself is 系统 / System in the page's language.
	// A name stored in both languages ("演示数据 / demo") shows the page's language.
	"actor": func(v *View, name string) string {
		if name == authz.System.DisplayName || name == authz.System.Username {
			return T(v.Lang, "common.system")
		}
		return bilingual(v.Lang, name)
	},
	// fielderr is the error about one form field, in words, for beside that field.
	"fielderr": func(v *View, field string) string {
		for _, e := range v.Errors {
			if e.Field == field {
				if v.Lang == "en" && e.EN != "" {
					return e.EN
				}
				return e.ZH
			}
		}
		return ""
	},
	"contains": func(list []string, s string) bool { return slices.Contains(list, s) },
	"known":    func(vocabulary, code string) bool { _, ok := vocab.Lookup(vocabulary, code); return ok },
	"join":     strings.Join,
	"add":      func(a, b int) int { return a + b },
	"sub":      func(a, b int) int { return a - b },
	"has": func(v *View, roles ...string) bool {
		for _, r := range roles {
			if v.P.Has(authz.Role(r)) {
				return true
			}
		}
		return false
	},
	// qs is the current query with key set to val (removed when val is empty), for links
	// such as facets and pages; it is a template.URL so that "=" and "&" stay as they are.
	"qs": func(q url.Values, key, val string) template.URL {
		c := url.Values{}
		for k, vs := range q {
			if k == "flash" {
				continue
			}
			c[k] = append([]string(nil), vs...)
		}
		if val == "" {
			c.Del(key)
		} else {
			c.Set(key, val)
		}
		if key != "page" {
			c.Del("page") // another filter starts again at page 1
		}
		return template.URL(c.Encode())
	},
}

// appFuncs are the template funcs that read the platform: an organization's name in place of
// its ID (people never see org-… IDs).
func (w *Web) appFuncs() template.FuncMap {
	return template.FuncMap{
		"orgname": func(v *View, id string) string {
			if id == "" {
				return "—"
			}
			o, err := w.App.Identity.Org(context.Background(), id)
			if err != nil {
				return "—"
			}
			if v.Lang == "en" && o.NameEN != "" {
				return o.NameEN
			}
			return o.Name
		},
	}
}

// NewView prepares the data common to every page.
func (w *Web) NewView(rw http.ResponseWriter, r *http.Request, titleKey string) *View {
	p := httpapi.PrincipalOf(r)
	v := &View{P: p, Lang: Lang(r), Path: r.URL.Path, Query: r.URL.Query()}
	if c, err := r.Cookie(httpapi.LargeCookie); err == nil && c.Value == "1" {
		v.Large = true
	}
	if c, err := r.Cookie(ContrastCookie); err == nil && c.Value == "1" {
		v.Contrast = true
	}
	v.Title = T(v.Lang, titleKey)
	if ff := failureOf(r); ff != nil {
		v.failed, v.Error, v.Errors = ff, ff.err, ff.err.Fields
	} else if r.Method == http.MethodPost {
		v.posted = &formFailure{action: r.URL.Path, values: postedValues(r)}
	}
	if f := r.URL.Query().Get("flash"); f != "" && Known(f) {
		v.Flash = T(v.Lang, f)
	}
	if p.Authenticated() {
		v.CSRF = httpapi.CSRFOf(r)
	} else {
		v.CSRF = httpapi.PreCSRF(rw, r, w.Secure)
	}
	navMu.Lock()
	items := append([]NavItem(nil), nav...)
	navMu.Unlock()
	for i := 1; i < len(items); i++ {
		for j := i; j > 0 && items[j].Order < items[j-1].Order; j-- {
			items[j], items[j-1] = items[j-1], items[j]
		}
	}
	for _, it := range items {
		switch {
		case it.Public:
		case !p.Authenticated():
			continue
		case len(it.Roles) > 0 && !p.Has(it.Roles...):
			continue
		}
		v.Nav = append(v.Nav, it)
	}
	return v
}

// Render writes a page.
func (w *Web) Render(rw http.ResponseWriter, status int, page string, v *View) {
	t, ok := w.pages[page]
	if !ok {
		slog.Error("missing template", "page", page)
		http.Error(rw, "template missing", http.StatusInternalServerError)
		return
	}
	// Render into a buffer first: a template that fails half-way answers 500 with the error page
	// instead of a truncated page with 200 (which once hid a form from visitors).
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		slog.Error("render", "page", page, "err", err)
		status = http.StatusInternalServerError
		buf.Reset()
		v.Error = apperr.Internal
		et, ok := w.pages["error"]
		if page == "error" || !ok || et.ExecuteTemplate(&buf, "layout", v) != nil {
			http.Error(rw, "页面生成失败 / the page could not be rendered", status)
			return
		}
	}
	out := buf.Bytes()
	switch {
	case v.failed != nil && page != "error" && status < 300:
		// a refused form, shown again: its status, what was typed, each error beside its field
		status = v.failed.err.Status
		out = refillForm(out, v.failed, v.Lang)
	case v.posted != nil && page != "error" && status >= 400 && v.Error != nil:
		// a page a form's handler renders with its refusal: the same, input kept
		ff := *v.posted
		ff.err = v.Error.With()
		ff.err.Fields = v.Errors
		out = refillForm(out, &ff, v.Lang)
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("Cache-Control", "no-store")
	rw.WriteHeader(status)
	rw.Write(out)
}

// Fail renders an error page in the user's language with the error's status.
func (w *Web) Fail(rw http.ResponseWriter, r *http.Request, err error) {
	e := apperr.As(err)
	if e.Status >= 500 || e.Status == 0 {
		slog.Error("page failed", "path", r.URL.Path, "err", err)
		if e.Status == 0 {
			e.Status = 500
		}
	}
	if e.Code == apperr.Unauthenticated.Code && r.Method == http.MethodGet {
		http.Redirect(rw, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	title := "common.error"
	switch e.Status {
	case http.StatusNotFound:
		title = "err.notfound"
	case http.StatusForbidden:
		title = "err.forbidden"
	case http.StatusMethodNotAllowed:
		title = "err.method"
	case http.StatusInternalServerError:
		title = "err.internal"
	}
	v := w.NewView(rw, r, title)
	v.Error = e
	v.Errors = e.Fields
	w.Render(rw, e.Status, "error", v)
}

// PageFunc handles a page for a caller.
type PageFunc func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error

// Page registers a page that requires login; errors render the error page.
func (w *Web) Page(mux *http.ServeMux, pattern string, h PageFunc) {
	mux.HandleFunc(pattern, func(rw http.ResponseWriter, r *http.Request) {
		p := httpapi.PrincipalOf(r)
		if !p.Authenticated() {
			w.Fail(rw, r, apperr.Unauthenticated)
			return
		}
		if p.TokenID != "" {
			// Pages are for people in sessions; API tokens use the API, within their scopes.
			w.Fail(rw, r, authz.ErrScope)
			return
		}
		if err := h(rw, r, p); err != nil {
			err = httpapi.Conceal(r.Method, pattern, err)
			if !w.refill(mux, rw, r, err) {
				w.Fail(rw, r, err)
			}
		}
	})
}

// PublicPage registers a page open to visitors.
func (w *Web) PublicPage(mux *http.ServeMux, pattern string, h PageFunc) {
	mux.HandleFunc(pattern, func(rw http.ResponseWriter, r *http.Request) {
		p := httpapi.PrincipalOf(r)
		if p.TokenID != "" {
			p = &authz.Principal{} // a token on a page counts for nothing: served as a visitor
		}
		if err := h(rw, r, p); err != nil {
			err = httpapi.Conceal(r.Method, pattern, err)
			if !w.refill(mux, rw, r, err) {
				w.Fail(rw, r, err)
			}
		}
	})
}

// Redirect answers a form post with a redirect (303) to target, with an optional flash message
// carried in the query.
func Redirect(rw http.ResponseWriter, r *http.Request, target, flash string) {
	if flash != "" {
		frag := "" // the flash goes in the query, before a #fragment (after it, it would be lost)
		if i := strings.IndexByte(target, '#'); i >= 0 {
			target, frag = target[:i], target[i:]
		}
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + "flash=" + url.QueryEscape(flash) + frag
	}
	http.Redirect(rw, r, target, http.StatusSeeOther)
}

// SafeNext keeps a post-login (next=) or switch (back=) redirect on this site: only a
// same-site path is accepted, judged after normalization. Browsers drop TAB, CR and LF from a
// URL and read a backslash as a slash, so "/\t/evil.example" or "/\\evil.example" would leave the
// site: any control character or backslash, a scheme, a host, or a path that still begins with
// "//" after cleaning answers "/" (the home page) instead.
func SafeNext(s string) string {
	if s == "" || s[0] != '/' || strings.ContainsAny(s, "\\") {
		return "/"
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || unicode.IsControl(r) {
			return "/"
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || strings.HasPrefix(s, "//") {
		return "/"
	}
	p := u.EscapedPath()
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	if !strings.HasPrefix(clean, "/") || strings.HasPrefix(clean, "//") {
		return "/"
	}
	if u.RawQuery != "" {
		clean += "?" + u.RawQuery
	}
	return clean
}

// bilingual picks one language of a name stored as "中文 / English"; other names are kept.
func bilingual(lang, s string) string {
	zh, en, ok := strings.Cut(s, " / ")
	if !ok || !hasHan(zh) || hasHan(en) || strings.Contains(en, " / ") {
		return s
	}
	if lang == "en" {
		if en != "" && en == strings.ToLower(en) {
			en = strings.ToUpper(en[:1]) + en[1:]
		}
		return en
	}
	return zh
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
