package web_test

import (
	"bytes"
	"encoding/csv"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// pageForm is one post form found on a page, with what it would send as it stands.
type pageForm struct {
	action string
	hidden url.Values
	text   []string // names of fields a person types into (text, textarea, number, date…)
	kinds  map[string]string
	multi  bool // multipart (an upload): not filled here
}

// postForms finds the post forms of a page.
func postForms(body string) []pageForm {
	var forms []pageForm
	z := xhtml.NewTokenizer(strings.NewReader(body))
	var cur *pageForm
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return forms
		}
		tok := z.Token()
		at := func(k string) string {
			for _, a := range tok.Attr {
				if a.Key == k {
					return a.Val
				}
			}
			return ""
		}
		switch {
		case tok.Data == "form" && tt == xhtml.StartTagToken && strings.EqualFold(at("method"), "post"):
			forms = append(forms, pageForm{action: at("action"), hidden: url.Values{}, kinds: map[string]string{}, multi: strings.Contains(at("enctype"), "multipart")})
			cur = &forms[len(forms)-1]
		case tok.Data == "form" && tt == xhtml.EndTagToken:
			cur = nil
		case cur != nil && (tok.Data == "input" || tok.Data == "textarea") && tt != xhtml.EndTagToken && at("name") != "":
			typ := strings.ToLower(at("type"))
			if tok.Data == "textarea" {
				typ = "textarea"
			}
			switch typ {
			case "hidden":
				cur.hidden.Add(at("name"), at("value"))
			case "", "text", "textarea", "number", "date", "email", "tel", "url", "search":
				if _, dup := cur.kinds[at("name")]; !dup {
					cur.text = append(cur.text, at("name"))
					cur.kinds[at("name")] = typ
				}
			}
		}
	}
}

// Every form that is refused comes back as the page it was sent from: the status of the
// refusal, each field's error in words right after that field (which is marked invalid), and
// what was typed still in the form; a form that is accepted answers with a redirect (303),
// never with a page (a reload would send it again). Table-driven over the forms on the main
// pages of each role: each is sent once with its fields filled with words and dates or
// numbers that do not parse, and a few with a known bad value whose error text is checked.
func TestFormsKeepInputAndShowErrorsBesideFields(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		send := func(c *http.Cookie, page string, f pageForm, vals url.Values) *httptest.ResponseRecorder {
			r := httptest.NewRequest("POST", f.action, strings.NewReader(vals.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Set("Referer", "http://example.com"+page)
			r.Host = "example.com"
			r.AddCookie(c)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			return w
		}
		// Known bad values: the words people see right after the field, and the value kept.
		known := []struct {
			user, page, action, field, value, want string
		}{
			{"admin", "/quality", "/quality/settings", "objection_workdays", "99", "异议答复期限须为 1–60 个工作日"},
			{"appunit", "/open/keys", "/open/keys", "days", "400", "有效期应为 1–180 天"},
			{"officer", "/tokens", "/tokens", "ttl_days", "999", "有效期应为 1–366 天"},
			{"admin", "/open/plans", "/open/plans", "year", "1999", "计划年度应为 2025–2027"},
			{"citizen", "/open/showcase", "/open/showcase", "url", "ftp://x", "链接须为 http(s) 网址"},
		}
		for _, k := range known {
			c := s.login(k.user)
			var f *pageForm
			for _, g := range postForms(s.get(k.page, c).Body.String()) {
				if g.action == k.action {
					f = &g
					break
				}
			}
			if f == nil {
				t.Fatalf("%s: no form posting to %s", k.page, k.action)
			}
			vals := url.Values{}
			for n, vs := range f.hidden {
				vals[n] = vs
			}
			vals.Set(k.field, k.value)
			w := send(c, k.page, *f, vals)
			body := w.Body.String()
			field := regexp.MustCompile(`<input[^>]*name="` + k.field + `"[^>]*>`).FindString(body)
			i := strings.Index(body, field)
			if w.Code != 422 || field == "" || !strings.Contains(field, `value="`+k.value+`"`) || !strings.Contains(field, `aria-invalid="true"`) ||
				!strings.HasPrefix(body[i+len(field):], `<span class="hint field-error" id="err-`+k.field+`" role="alert">`+k.want+`</span>`) {
				t.Errorf("%s %s=%q: %d, field %s, then %.200s", k.action, k.field, k.value, w.Code, field, body[i+len(field):])
			}
		}
		// An accepted form answers with a redirect; a secret it issued shows once on the page
		// the redirect leads to, and a reload shows (and issues) nothing.
		c := s.login("officer")
		scope := regexp.MustCompile(`name="scopes" value="([^"]+)"`).FindStringSubmatch(s.get("/tokens", c).Body.String())
		if scope == nil {
			t.Fatal("the token page offers no scope")
		}
		vals := url.Values{"csrf_token": {s.csrf(c)}, "name": {"报表脚本"}, "ttl_days": {"30"}, "scopes": {scope[1]}}
		w := send(c, "/tokens", pageForm{action: "/tokens"}, vals)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/tokens" {
			t.Fatalf("issuing a token: %d %s", w.Code, w.Header().Get("Location"))
		}
		var once *http.Cookie
		for _, k := range w.Result().Cookies() {
			if k.Name == "pd_secret_once" {
				once = k
			}
		}
		if once == nil || once.Path != "/tokens" || !once.HttpOnly {
			t.Fatalf("no once cookie for the token page: %v", w.Result().Cookies())
		}
		if page := s.get("/tokens", c, once).Body.String(); !strings.Contains(page, `id="new-token">`+once.Value) {
			t.Fatalf("the token page does not show the issued token once")
		}
		if page := s.get("/tokens", c).Body.String(); strings.Contains(page, `id="new-token"`) {
			t.Fatalf("the token page shows a token on a reload")
		}
		// A catalog import that takes every row answers with a redirect to its result: the
		// officer's own entries, exported and imported again (as updates).
		exp := s.get("/api/v1/catalog/export?format=csv&agency="+demo.OrgPublicSec, c)
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "catalog.csv")
		fw.Write(exp.Body.Bytes())
		mw.Close()
		r := httptest.NewRequest("POST", "/catalog/import?csrf_token="+url.QueryEscape(s.csrf(c)), &body)
		r.Header.Set("Content-Type", mw.FormDataContentType())
		r.AddCookie(c)
		w = httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if loc := w.Header().Get("Location"); w.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/catalog/import?created=") {
			t.Fatalf("catalog import: %d %s %.600s", w.Code, loc, w.Body.String())
		} else if page := s.get(loc, c).Body.String(); !strings.Contains(page, `id="import-result"`) {
			t.Fatalf("the import result page shows no result")
		}
		// An import that skips a bad row redirects too: the result page lists the skipped row
		// once, and its reload shows the counts again but imports nothing and lists nothing.
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(exp.Body.Bytes(), []byte("\ufeff")))).ReadAll()
		if err != nil || len(recs) < 2 {
			t.Fatalf("export: %v (%d records)", err, len(recs))
		}
		nameCol := slices.Index(recs[0], "name")
		if nameCol < 0 {
			t.Fatalf("export header has no name column: %v", recs[0])
		}
		bad := slices.Clone(recs[1])
		bad[nameCol] = ""
		body.Reset()
		mw = multipart.NewWriter(&body)
		fw, _ = mw.CreateFormFile("file", "catalog.csv")
		cw := csv.NewWriter(fw)
		cw.WriteAll([][]string{recs[0], recs[1], bad})
		mw.WriteField("skip_bad", "1")
		mw.Close()
		r = httptest.NewRequest("POST", "/catalog/import?csrf_token="+url.QueryEscape(s.csrf(c)), &body)
		r.Header.Set("Content-Type", mw.FormDataContentType())
		r.AddCookie(c)
		w = httptest.NewRecorder()
		h.ServeHTTP(w, r)
		loc := w.Header().Get("Location")
		if w.Code != http.StatusSeeOther || !strings.Contains(loc, "skipped=1") {
			t.Fatalf("import with a bad row: %d %s %.600s", w.Code, loc, w.Body.String())
		}
		var skipped *http.Cookie
		for _, k := range w.Result().Cookies() {
			if k.Name == "pd_import_skipped" {
				skipped = k
			}
		}
		if skipped == nil {
			t.Fatalf("no skipped-rows cookie: %v", w.Result().Cookies())
		}
		if page := s.get(loc, c, skipped).Body.String(); !strings.Contains(page, "以下错误行已跳过") || !strings.Contains(page, `id="import-result"`) {
			t.Fatalf("the result page does not list the skipped row: %.2000s", page)
		}
		if page := s.get(loc, c).Body.String(); strings.Contains(page, "以下错误行已跳过") {
			t.Fatalf("a reload of the result page lists the skipped rows again")
		}
		pages := []struct{ user, page string }{
			{"officer", "/tokens"},
			{"admin", "/assessments"},
			{"officer", "/catalog/purchases"},
			{"officer", "/catalog/systems"},
			{"officer", "/share/new"},
			{"officer", "/share/demands/new"},
			{"admin", "/share/national"},
			{"officer", "/objections"},
			{"admin", "/quality"},
			{"admin", "/open/plans"},
			{"admin", "/open/reviews"},
			{"admin", "/sanctions"},
			{"admin", "/security"},
			{"oversight", "/supervision/dishonesty"},
			{"admin", "/ingest/base"},
			{"officer", "/ingest/returns"},
			{"market", "/market"},
			{"admin", "/market/units"},
			{"citizen", "/me/data"},
			{"appunit", "/open/keys"},
			{"citizen", "/open/demands"},
			{"citizen", "/open/showcase"},
		}
		refused, beside := 0, 0
		idAttr := regexp.MustCompile(`id="err-([^"]+)"`)
		spanText := regexp.MustCompile(`id="err-[^"]+" role="alert">[^<]*`)
		for _, pg := range pages {
			c := s.login(pg.user)
			res := s.get(pg.page, c)
			if res.Code != 200 {
				t.Errorf("%s %s: %d", pg.user, pg.page, res.Code)
				continue
			}
			for _, f := range postForms(res.Body.String()) {
				if f.multi || f.action == "/logout" || len(f.text) == 0 {
					continue
				}
				vals := url.Values{}
				for k, vs := range f.hidden {
					vals[k] = vs
				}
				typed := map[string]string{}
				for i, n := range f.text {
					v := "保留的输入" + string(rune('A'+i%26))
					switch f.kinds[n] {
					case "number":
						v = "-7"
					case "date":
						v = "2026-13-45"
					case "email":
						v = "not-an-address"
					}
					vals.Set(n, v)
					typed[n] = v
				}
				w := send(c, pg.page, f, vals)
				what := pg.user + " " + pg.page + " → " + f.action
				switch {
				case w.Code == http.StatusSeeOther:
					continue
				case w.Code == 200:
					t.Errorf("%s: accepted with a page (200), not a redirect", what)
					continue
				case w.Code >= 500 || w.Code == 404 || w.Code == 403:
					t.Logf("%s: %d (not a form refusal)", what, w.Code)
					continue
				}
				refused++
				body := w.Body.String()
				if !strings.Contains(body, `role="alert"`) {
					t.Errorf("%s: %d without the error shown", what, w.Code)
				}
				again := postForms(body)
				found := false
				for _, g := range again {
					if g.action == f.action {
						found = true
					}
				}
				if !found {
					t.Errorf("%s: %d answered without the form: %.400s", what, w.Code, body)
					continue
				}
				for n, v := range typed {
					if !strings.Contains(body, `value="`+xhtml.EscapeString(v)+`"`) && !strings.Contains(body, ">"+xhtml.EscapeString(v)+"</textarea>") {
						t.Errorf("%s: %s typed %q is not kept", what, n, v)
					}
				}
				for _, m := range idAttr.FindAllStringSubmatch(body, -1) {
					// the field that the error describes sits just before it
					// (after it, and no other field between them but the options of its list)
					i := strings.Index(body, `id="err-`+m[1]+`"`)
					j := strings.LastIndex(body[:i], `aria-describedby="err-`+m[1]+`"`)
					if j < 0 || strings.Contains(body[j:i], "<input") || strings.Contains(body[j:i], "<textarea") || strings.Contains(body[j:i], "<select") {
						t.Errorf("%s: error %s not beside its field", what, m[1])
						continue
					}
					beside++
				}
				t.Logf("%s: %d, errors beside fields: %q", what, w.Code, spanText.FindAllString(body, -1))
			}
		}
		if refused < 5 || beside < 5 {
			t.Errorf("only %d forms refused and %d errors shown beside fields", refused, beside)
		}
	})
}
