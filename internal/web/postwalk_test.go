package web_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// postRoute is one "POST …" line of routes.go.
type postRoute struct {
	pattern string
	re      *regexp.Regexp
	lits    int // literal segments (the more, the more specific)
}

var routeLine = regexp.MustCompile(`(?:Page|PublicPage|HandleFunc)\(mux, "POST ([^"]+)"`)

// postRoutes reads every POST route of the web UI from routes.go.
func postRoutes(t *testing.T) []postRoute {
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	var out []postRoute
	for _, m := range routeLine.FindAllStringSubmatch(string(src), -1) {
		p := postRoute{pattern: m[1]}
		var re strings.Builder
		re.WriteString("^")
		for _, seg := range strings.Split(strings.TrimPrefix(m[1], "/"), "/") {
			re.WriteString("/")
			if strings.HasPrefix(seg, "{") {
				re.WriteString(`[^/]+`)
			} else {
				re.WriteString(regexp.QuoteMeta(seg))
				p.lits++
			}
		}
		re.WriteString("$")
		p.re = regexp.MustCompile(re.String())
		out = append(out, p)
	}
	if len(out) < 100 {
		t.Fatalf("read only %d POST routes from routes.go", len(out))
	}
	return out
}

// routeOf is the POST route that answers path (the most specific of those that match).
func routeOf(routes []postRoute, path string) string {
	best, lits := "", -1
	for _, r := range routes {
		if r.re.MatchString(path) && r.lits > lits {
			best, lits = r.pattern, r.lits
		}
	}
	return best
}

// walkForm is a post form as a page offers it: the values it would send untouched (hidden
// fields, values already in the inputs, the selected or first option, checked boxes) and the
// text fields a person would type into.
type walkForm struct {
	page, action string
	values       url.Values
	typed        []string // empty text fields and text areas
	multipart    bool
}

func walkForms(page, body string) []walkForm {
	var forms []walkForm
	var cur *walkForm
	sel, selFirst, selChosen := "", "", false
	z := xhtml.NewTokenizer(strings.NewReader(body))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return forms
		}
		tok := z.Token()
		at := func(k string) (string, bool) {
			for _, a := range tok.Attr {
				if a.Key == k {
					return a.Val, true
				}
			}
			return "", false
		}
		get := func(k string) string { v, _ := at(k); return v }
		switch {
		case tok.Data == "form" && tt == xhtml.StartTagToken:
			if !strings.EqualFold(get("method"), "post") {
				cur = nil
				continue
			}
			forms = append(forms, walkForm{page: page, action: get("action"), values: url.Values{}, multipart: strings.Contains(get("enctype"), "multipart")})
			cur = &forms[len(forms)-1]
			if cur.action == "" {
				cur.action = page
			}
		case tok.Data == "form" && tt == xhtml.EndTagToken:
			cur = nil
		case cur == nil:
		case tok.Data == "input" && get("name") != "":
			n, v := get("name"), get("value")
			switch strings.ToLower(get("type")) {
			case "checkbox", "radio":
				if _, on := at("checked"); on {
					if v == "" {
						v = "on"
					}
					cur.values.Add(n, v)
				}
			case "submit", "button", "image", "reset", "file":
			case "hidden", "number", "date", "email", "month", "tel", "url", "datetime-local", "time":
				cur.values.Add(n, v)
			default:
				if v == "" {
					cur.typed = append(cur.typed, n)
				} else {
					cur.values.Add(n, v)
				}
			}
		case tok.Data == "textarea" && tt == xhtml.StartTagToken && get("name") != "":
			if z.Next() == xhtml.TextToken && strings.TrimSpace(string(z.Text())) != "" {
				cur.values.Add(get("name"), string(z.Text()))
			} else {
				cur.typed = append(cur.typed, get("name"))
			}
		case tok.Data == "select" && tt == xhtml.StartTagToken:
			sel, selFirst, selChosen = get("name"), "", false
		case tok.Data == "select" && tt == xhtml.EndTagToken:
			if sel != "" && !selChosen {
				cur.values.Add(sel, selFirst)
			}
			sel = ""
		case tok.Data == "option" && tt != xhtml.EndTagToken && sel != "":
			v, has := at("value")
			if !has {
				if z.Next() == xhtml.TextToken {
					v = strings.TrimSpace(string(z.Text()))
				}
			}
			if _, on := at("selected"); on && !selChosen {
				cur.values.Add(sel, v)
				selChosen = true
			} else if selFirst == "" {
				selFirst = v
			}
		}
	}
}

// Every POST route of the web UI answers a form with a redirect (303) to a page that opens, or
// — when it refuses the form — with the page the form was on, the error in words, the form
// there again and what was typed kept in it. No post answers with a page of its own (200: a
// reload would send it again), none with 405 or a server error, and opening (GET) the address
// a post was sent to — a reload after a refusal, a bookmark — leads to a page, never to
// "Method Not Allowed".
//
// The forms are the ones the pages offer: every demo user (and a visitor) walks the pages
// reachable from the workbench and sends each form once as the page offers it, with its empty
// text fields filled in. A route no page offered (an action whose record is not in the state
// for it) is sent empty by the administrator: it must refuse in the same way.
func TestEveryPostRedirectsOrRefusesBesideTheForm(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		routes := postRoutes(t)
		det := newLeakDetector(t)
		do := func(method, target string, body []byte, ctype, referer string, cookies []*http.Cookie) *httptest.ResponseRecorder {
			r := httptest.NewRequest(method, target, bytes.NewReader(body))
			if ctype != "" {
				r.Header.Set("Content-Type", ctype)
			}
			if referer != "" {
				r.Header.Set("Referer", "http://example.com"+referer)
			}
			r.Host = "example.com"
			for _, c := range cookies {
				r.AddCookie(c)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			return w
		}
		// opens follows redirects from target and says where it ended.
		opens := func(target string, cookies []*http.Cookie) (int, string) {
			for range 4 {
				target, _, _ = strings.Cut(target, "#")
				w := do("GET", target, nil, "", "", cookies)
				if w.Code != http.StatusSeeOther && w.Code != http.StatusFound {
					return w.Code, target
				}
				target = w.Header().Get("Location")
				if !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") {
					return 0, target
				}
			}
			return 0, target
		}
		var problems []string
		fail := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
		outcomes := map[string]int{}
		covered := map[string]string{} // route → who sent it from which page
		const marker = "保留的输入"

		// check judges the answer to one post.
		check := func(what, route string, f walkForm, w *httptest.ResponseRecorder, cookies []*http.Cookie) {
			body := w.Body.String()
			switch {
			case w.Code == http.StatusSeeOther:
				outcomes["303"]++
				loc := w.Header().Get("Location")
				if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") {
					fail("%s: redirect to %q", what, loc)
				} else if code, end := opens(loc, cookies); code != 200 {
					fail("%s: redirect to %s ends at %s with HTTP %d", what, loc, end, code)
				}
			case w.Code == 200 || w.Code == 201:
				fail("%s: answered with a page (HTTP %d), not a redirect: a reload would send it again", what, w.Code)
			case w.Code == http.StatusMethodNotAllowed:
				fail("%s: 405", what)
			case w.Code >= 500:
				fail("%s: HTTP %d", what, w.Code)
			case w.Code == http.StatusBadGateway && strings.Contains(body, `role="alert"`):
				outcomes["502 (a source system down), error shown"]++
			case w.Code == 400 || w.Code == 409 || w.Code == 413 || w.Code == 422:
				outcomes["refused beside the form"]++
				if !strings.Contains(body, `role="alert"`) {
					fail("%s: refused (%d) without the error shown", what, w.Code)
				}
				for _, tx := range alertTexts(body) { // the refusal in words, no codes
					for _, leak := range det.check("zh", tx) {
						fail("%s: refused (%d) showing %s", what, w.Code, leak)
					}
				}
				again := false
				for _, g := range walkForms(f.page, body) {
					if g.action == f.action {
						again = true
					}
				}
				if !again && f.page != "" {
					fail("%s: refused (%d) without the form on the page again", what, w.Code)
				} else if again {
					for _, n := range f.typed {
						if !strings.Contains(body, `value="`+marker+`"`) && !strings.Contains(body, ">"+marker+"</textarea>") {
							fail("%s: refused (%d), what was typed in %s is not kept", what, w.Code, n)
							break
						}
					}
				}
			case w.Code == 401 || w.Code == 403 || w.Code == 404:
				outcomes[fmt.Sprint(w.Code)]++
				if !strings.Contains(body, `href="/static/style.css"`) || !strings.Contains(body, `class="error`) {
					fail("%s: HTTP %d without the styled error page", what, w.Code)
				}
			default:
				fail("%s: HTTP %d", what, w.Code)
			}
			// Opening the address the form was sent to leads to a page.
			if u, err := url.Parse(f.action); err == nil {
				if code, end := opens(u.Path, cookies); code == http.StatusMethodNotAllowed || code == 0 || code >= 500 {
					fail("%s: opening %s afterwards ends at %s with HTTP %d", what, u.Path, end, code)
				}
			}
			_ = route
		}

		users := []string{""}
		for _, acc := range demo.Accounts {
			users = append(users, acc.Username)
		}
		sent := 0
		for _, user := range users {
			var cookies []*http.Cookie
			if user != "" {
				cookies = append(cookies, s.login(user))
			}
			who := user
			if who == "" {
				who = "visitor"
			}
			// Walk the pages and gather their forms, one per route not yet sent.
			var forms []walkForm
			queue, seen, shapes := []string{"/"}, map[string]bool{"/": true}, map[string]int{}
			for n := 0; len(queue) > 0 && n < 150; n++ {
				path := queue[0]
				queue = queue[1:]
				w := do("GET", path, nil, "", "", cookies)
				for _, c := range w.Result().Cookies() {
					if c.Name == "" || c.MaxAge < 0 || c.Value == "" || strings.HasPrefix(c.Name, "pd_secret") {
						continue
					}
					kept := false // the visitor's form token, once
					for i := range cookies {
						if cookies[i].Name == c.Name {
							cookies[i], kept = c, true
						}
					}
					if !kept {
						cookies = append(cookies, c)
					}
				}
				if w.Code == http.StatusSeeOther {
					if loc := w.Header().Get("Location"); strings.HasPrefix(loc, "/") && !strings.HasPrefix(loc, "//") && !seen[loc] && !strings.HasPrefix(loc, "/login") {
						seen[loc] = true
						queue = append(queue, loc)
					}
					continue
				}
				if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
					continue
				}
				for _, f := range walkForms(path, w.Body.String()) {
					u, err := url.Parse(f.action)
					if err != nil || u.Host != "" {
						continue
					}
					route := routeOf(routes, u.Path)
					if route == "" {
						fail("%s %s: a form posts to %s, which no POST route answers", who, path, f.action)
						continue
					}
					if _, done := covered[route]; done || route == "/logout" {
						continue
					}
					covered[route] = who + " " + path
					forms = append(forms, f)
				}
				_, links := visible(w.Body.String())
				for _, l := range links {
					u, err := url.Parse(l)
					if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(l, "//") {
						continue
					}
					u.Fragment = ""
					p := u.String()
					if seen[p] || strings.HasPrefix(u.Path, "/api/") || strings.HasPrefix(u.Path, "/static/") || u.Path == "/lang" || u.Path == "/large" ||
						strings.Contains(u.Path, "/download") || strings.Contains(u.Path, "/export") || strings.HasSuffix(u.Path, ".csv") ||
						strings.HasSuffix(u.Path, ".xlsx") || u.Query().Get("format") != "" {
						continue
					}
					seen[p] = true
					if sh := shape(u); shapes[sh] < 2 {
						shapes[sh]++
						queue = append(queue, p)
					}
				}
			}
			// Send each, as the page offers it, with its empty text fields filled in.
			for _, f := range forms {
				// The page as it is now (an earlier post may have changed the record): its form
				// to the same address with the same hidden values, or, when it offers that form
				// no more, the route is left for another user or page.
				route := routeOf(routes, strings.SplitN(f.action, "?", 2)[0])
				now, fresh := do("GET", f.page, nil, "", "", cookies), false
				for _, g := range walkForms(f.page, now.Body.String()) {
					if g.action == f.action && g.values.Get("event") == f.values.Get("event") && g.values.Get("action") == f.values.Get("action") {
						f, fresh = g, true
						break
					}
				}
				if now.Code != 200 || !fresh {
					delete(covered, route)
					continue
				}
				vals := url.Values{}
				for k, vs := range f.values {
					vals[k] = append([]string(nil), vs...)
				}
				for _, n := range f.typed {
					vals.Set(n, marker)
				}
				var body []byte
				ctype := "application/x-www-form-urlencoded"
				if f.multipart {
					var b bytes.Buffer
					mw := multipart.NewWriter(&b)
					for k, vs := range vals {
						for _, v := range vs {
							mw.WriteField(k, v)
						}
					}
					mw.Close()
					body, ctype = b.Bytes(), mw.FormDataContentType()
				} else {
					body = []byte(vals.Encode())
				}
				w := do("POST", f.action, body, ctype, f.page, cookies)
				sent++
				check(fmt.Sprintf("%s %s → POST %s", who, f.page, f.action), route, f, w, cookies)
			}
		}
		// The routes no page offered: sent empty (an unknown record) by the administrator.
		admin := []*http.Cookie{s.login("admin")}
		csrf := s.csrf(admin[0])
		var missing []string
		for _, r := range routes {
			if _, ok := covered[r.pattern]; ok || r.pattern == "/logout" {
				continue
			}
			missing = append(missing, r.pattern)
			path := regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(r.pattern, "no-such-record")
			w := do("POST", path, []byte(url.Values{"csrf_token": {csrf}}.Encode()), "application/x-www-form-urlencoded", "", admin)
			sent++
			check("admin (no page offers it) → POST "+path, r.pattern, walkForm{action: path}, w, admin)
		}
		sort.Strings(missing)
		t.Logf("%d POST routes; %d sent from the forms of the pages, %d more sent empty: %s", len(routes), len(covered), len(missing), strings.Join(missing, ", "))
		t.Logf("%d posts: %v", sent, outcomes)
		if len(covered) < len(routes)*2/3 {
			t.Errorf("the pages offered forms for only %d of %d POST routes", len(covered), len(routes))
		}
		if len(problems) > 0 {
			sort.Strings(problems)
			t.Fatalf("%d problems:\n%s", len(problems), strings.Join(problems, "\n"))
		}
	})
}

// alertTexts are the visible texts inside the page's alerts (the refusal and each field's error).
func alertTexts(body string) []string {
	var out []string
	depth := 0 // inside an alert: the open elements since it began
	z := xhtml.NewTokenizer(strings.NewReader(body))
	for {
		switch tt := z.Next(); tt {
		case xhtml.ErrorToken:
			return out
		case xhtml.TextToken:
			if depth > 0 {
				out = append(out, string(z.Text()))
			}
		case xhtml.StartTagToken:
			tok := z.Token()
			if depth > 0 {
				if !voidTags[tok.Data] {
					depth++
				}
				continue
			}
			for _, a := range tok.Attr {
				if a.Key == "role" && a.Val == "alert" && !voidTags[tok.Data] {
					depth = 1
				}
			}
		case xhtml.EndTagToken:
			if depth > 0 {
				depth--
			}
		}
	}
}
