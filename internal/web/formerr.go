package web

import (
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	xhtml "golang.org/x/net/html"

	"pubdata/internal/apperr"
)

// A form that fails answers with the page it was sent from, not with a bare error page: the
// page is rendered again (as its GET would render it) with the error at the top, each field's
// error in words beside that field, and what the person typed kept in the form. This is one
// mechanism for every form, so pages need not handle their own refusals; pages that already do
// (registration, the objection form…) are left as they are.

// formFailure is a refused form post carried to the re-rendered page.
type formFailure struct {
	err    *apperr.Error
	action string     // the path the form posted to
	values url.Values // what was posted
}

type formFailureKey struct{}

// refillable says which refusals go back to the form: the ones about the input or the
// record's state (400, 409, 413, 422). Others (not found, forbidden, internal) keep the error page.
func refillable(e *apperr.Error) bool {
	switch e.Status {
	case http.StatusBadRequest, http.StatusConflict, http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity:
		return e.Code != apperr.CSRF.Code
	}
	return false
}

// refill answers a refused form post with the page the form came from (its Referer on this
// site, else the nearest page above the post's address). It reports false when there is no
// such page, and the caller shows the error page.
func (w *Web) refill(mux *http.ServeMux, rw http.ResponseWriter, r *http.Request, err error) bool {
	e := apperr.As(err)
	if r.Method != http.MethodPost || !refillable(e) {
		return false
	}
	values := postedValues(r)
	isPage := func(u *url.URL) bool {
		r2 := &http.Request{Method: http.MethodGet, URL: u, Host: r.Host, Header: http.Header{}}
		_, pat := mux.Handler(r2)
		return pat != "" && pat != "/" && !strings.HasPrefix(pat, "/api/")
	}
	var from *url.URL
	if ref := r.Referer(); ref != "" {
		if u, perr := url.Parse(ref); perr == nil && (u.Host == "" || u.Host == r.Host) {
			if u, perr = url.Parse(SafeNext(u.RequestURI())); perr == nil && isPage(u) {
				from = u
			}
		}
	}
	for up := strings.TrimSuffix(r.URL.Path, "/"); from == nil; {
		if u := (&url.URL{Path: up}); isPage(u) {
			from = u
			break
		}
		i := strings.LastIndexByte(up, '/')
		if i <= 0 {
			break
		}
		up = up[:i]
	}
	if from == nil {
		return false
	}
	q := from.Query()
	q.Del("flash")
	from.RawQuery = q.Encode()
	ff := &formFailure{err: e, action: r.URL.Path, values: values}
	r2 := r.Clone(context.WithValue(r.Context(), formFailureKey{}, ff))
	r2.Method, r2.URL, r2.RequestURI = http.MethodGet, from, from.RequestURI()
	r2.Body, r2.ContentLength, r2.Form, r2.PostForm, r2.MultipartForm = http.NoBody, 0, nil, nil, nil
	r2.Header = r.Header.Clone()
	r2.Header.Del("Content-Type")
	mux.ServeHTTP(rw, r2)
	return true
}

// postedValues is what a post sent (its files aside).
func postedValues(r *http.Request) url.Values {
	if r.MultipartForm != nil {
		return r.MultipartForm.Value
	}
	if r.ParseForm() == nil {
		return r.PostForm
	}
	return url.Values{}
}

// failureOf is the refused post a page is being rendered again for, if any.
func failureOf(r *http.Request) *formFailure {
	ff, _ := r.Context().Value(formFailureKey{}).(*formFailure)
	return ff
}

// refillForm writes page with the form that posted to ff.action given back what was typed and
// each field's error beside it (the error's id is described-by the field, which is marked
// aria-invalid). Passwords, files and hidden fields are never refilled.
func refillForm(page []byte, ff *formFailure, lang string) []byte {
	target := pickForm(page, ff)
	if target < 0 {
		return page
	}
	msgs := map[string]string{}
	var order []string
	for _, f := range ff.err.Fields {
		if _, ok := msgs[f.Field]; ok {
			continue
		}
		m := f.ZH
		if lang == "en" && f.EN != "" {
			m = f.EN
		}
		msgs[f.Field] = m
		order = append(order, f.Field)
	}
	present := formNames(page, target)
	var out bytes.Buffer
	z := xhtml.NewTokenizer(bytes.NewReader(page))
	form, in := -1, false
	seen := map[string]int{}    // how many text values of a name were used
	placed := map[string]bool{} // errors already shown
	var pendingLabel []string   // errors to show after the enclosing </label>
	labelDepth := 0
	selectName, textareaName := "", ""
	errSpan := func(name string) string {
		placed[name] = true
		return `<span class="hint field-error" id="` + html.EscapeString(errID(name)) + `" role="alert">` + html.EscapeString(msgs[name]) + `</span>`
	}
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			if z.Err() == io.EOF {
				break
			}
			return page
		}
		raw := z.Raw()
		if tt != xhtml.StartTagToken && tt != xhtml.EndTagToken && tt != xhtml.SelfClosingTagToken && tt != xhtml.TextToken {
			out.Write(raw)
			continue
		}
		if tt == xhtml.TextToken {
			out.Write(raw)
			continue
		}
		tok := z.Token()
		switch {
		case tok.Data == "form" && tt == xhtml.StartTagToken:
			form++
			in = form == target
			out.Write(raw)
			if in {
				var rest []string
				for _, n := range order {
					if !present[n] {
						rest = append(rest, `<li data-field="`+html.EscapeString(n)+`">`+html.EscapeString(msgs[n])+`</li>`)
						placed[n] = true
					}
				}
				if len(rest) > 0 {
					out.WriteString(`<div class="error form-errors" role="alert"><ul>` + strings.Join(rest, "") + `</ul></div>`)
				}
			}
			continue
		case tok.Data == "form" && tt == xhtml.EndTagToken:
			in = false
			out.Write(raw)
			continue
		case !in:
			out.Write(raw)
			continue
		}
		name := attr(tok, "name")
		switch tok.Data {
		case "label":
			if tt == xhtml.StartTagToken {
				labelDepth++
				out.Write(raw)
			} else if tt == xhtml.EndTagToken {
				out.Write(raw)
				if labelDepth > 0 {
					labelDepth--
				}
				if labelDepth == 0 {
					for _, n := range pendingLabel {
						out.WriteString(errSpan(n))
					}
					pendingLabel = nil
				}
			} else {
				out.Write(raw)
			}
		case "input":
			typ := strings.ToLower(attr(tok, "type"))
			if name == "" {
				out.Write(raw)
				continue
			}
			vs, posted := ff.values[name]
			switch typ {
			case "hidden", "password", "file", "submit", "button", "image", "reset":
			case "checkbox", "radio":
				v := attr(tok, "value")
				if v == "" {
					v = "on"
				}
				delAttr(&tok, "checked")
				if slices.Contains(vs, v) {
					tok.Attr = append(tok.Attr, xhtml.Attribute{Key: "checked"})
				}
			default:
				if posted {
					i := seen[name]
					seen[name]++
					if i < len(vs) {
						setAttr(&tok, "value", vs[i])
					}
				}
			}
			inline := typ != "hidden"
			if attr(tok, "aria-invalid") == "true" {
				placed[name] = true // the page shows this error itself
			}
			if _, bad := msgs[name]; bad && inline && !placed[name] {
				markInvalid(&tok, name)
			}
			out.WriteString(tok.String())
			if _, bad := msgs[name]; bad && inline && !placed[name] {
				if labelDepth > 0 {
					if !slices.Contains(pendingLabel, name) {
						pendingLabel = append(pendingLabel, name)
					}
					placed[name] = true
				} else {
					out.WriteString(errSpan(name))
				}
			}
		case "textarea":
			if tt == xhtml.StartTagToken {
				textareaName = name
				_, bad := msgs[name]
				if bad {
					markInvalid(&tok, name)
				}
				out.WriteString(tok.String())
				vs := ff.values[name]
				if i := seen[name]; i < len(vs) {
					seen[name]++
					out.WriteString(html.EscapeString(vs[i]))
					for { // what the page had in the textarea gives way to what was typed
						t2 := z.Next()
						if t2 == xhtml.ErrorToken || t2 == xhtml.EndTagToken && z.Token().Data == "textarea" {
							break
						}
					}
					out.WriteString("</textarea>")
					textareaName = ""
					if bad && !placed[name] {
						out.WriteString(errSpan(name))
					}
				}
			} else if tt == xhtml.EndTagToken {
				out.Write(raw)
				if _, bad := msgs[textareaName]; bad && textareaName != "" && !placed[textareaName] {
					out.WriteString(errSpan(textareaName))
				}
				textareaName = ""
			} else {
				out.Write(raw)
			}
		case "select":
			if tt == xhtml.StartTagToken {
				selectName = name
				if _, bad := msgs[name]; bad {
					markInvalid(&tok, name)
				}
				out.WriteString(tok.String())
			} else if tt == xhtml.EndTagToken {
				out.Write(raw)
				if _, bad := msgs[selectName]; bad && !placed[selectName] {
					if labelDepth > 0 {
						pendingLabel = append(pendingLabel, selectName)
						placed[selectName] = true
					} else {
						out.WriteString(errSpan(selectName))
					}
				}
				selectName = ""
			} else {
				out.Write(raw)
			}
		case "option":
			if vs, ok := ff.values[selectName]; ok && selectName != "" && tt != xhtml.EndTagToken {
				if v, has := attrOK(tok, "value"); has {
					delAttr(&tok, "selected")
					if slices.Contains(vs, v) {
						tok.Attr = append(tok.Attr, xhtml.Attribute{Key: "selected"})
					}
					out.WriteString(tok.String())
					continue
				}
			}
			out.Write(raw)
		default:
			out.Write(raw)
		}
	}
	return out.Bytes()
}

// pickForm is the index of the form (in document order) that posted to ff.action: of several
// (one per row of a list), the one whose hidden fields match what was posted.
func pickForm(page []byte, ff *formFailure) int {
	z := xhtml.NewTokenizer(bytes.NewReader(page))
	form, first, cur, ok := -1, -1, -1, false
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return first
		}
		if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken && tt != xhtml.EndTagToken {
			continue
		}
		tok := z.Token()
		switch {
		case tok.Data == "form" && tt == xhtml.StartTagToken:
			form++
			cur, ok = -1, true
			a, err := url.Parse(attr(tok, "action"))
			if err == nil && strings.EqualFold(attr(tok, "method"), "post") && a.Path == ff.action {
				cur = form
			}
		case tok.Data == "form" && tt == xhtml.EndTagToken:
			if cur >= 0 {
				if ok {
					return cur
				}
				if first < 0 {
					first = cur
				}
			}
			cur = -1
		case tok.Data == "input" && cur >= 0 && strings.EqualFold(attr(tok, "type"), "hidden"):
			n := attr(tok, "name")
			if n != "" && n != "csrf_token" {
				if vs, posted := ff.values[n]; posted && !slices.Contains(vs, attr(tok, "value")) {
					ok = false
				}
			}
		}
	}
}

// formNames are the names of the fields a person sees in form number target.
func formNames(page []byte, target int) map[string]bool {
	names := map[string]bool{}
	z := xhtml.NewTokenizer(bytes.NewReader(page))
	form, in := -1, false
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return names
		}
		if tt != xhtml.StartTagToken && tt != xhtml.SelfClosingTagToken && tt != xhtml.EndTagToken {
			continue
		}
		tok := z.Token()
		switch {
		case tok.Data == "form" && tt == xhtml.StartTagToken:
			form++
			in = form == target
		case tok.Data == "form":
			in = false
		case in && (tok.Data == "input" || tok.Data == "select" || tok.Data == "textarea") && tt != xhtml.EndTagToken:
			if n := attr(tok, "name"); n != "" && !strings.EqualFold(attr(tok, "type"), "hidden") {
				names[n] = true
			}
		}
	}
}

func errID(name string) string {
	var b strings.Builder
	b.WriteString("err-")
	for _, r := range name {
		if r < 0x80 && (r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

func markInvalid(tok *xhtml.Token, name string) {
	setAttr(tok, "aria-invalid", "true")
	setAttr(tok, "aria-describedby", errID(name))
	c := attr(*tok, "class")
	if !strings.Contains(" "+c+" ", " invalid ") {
		setAttr(tok, "class", strings.TrimSpace(c+" invalid"))
	}
}

func attrOK(t xhtml.Token, key string) (string, bool) {
	for _, a := range t.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func attr(t xhtml.Token, key string) string { v, _ := attrOK(t, key); return v }

func setAttr(t *xhtml.Token, key, val string) {
	for i := range t.Attr {
		if t.Attr[i].Key == key {
			t.Attr[i].Val = val
			return
		}
	}
	t.Attr = append(t.Attr, xhtml.Attribute{Key: key, Val: val})
}

func delAttr(t *xhtml.Token, key string) {
	t.Attr = slices.DeleteFunc(t.Attr, func(a xhtml.Attribute) bool { return a.Key == key })
}

// A secret issued by a form (an API token, an open-data key, a push token, a signed
// application's key) is shown once on the page the post redirects to, so that a reload issues
// nothing: it travels in a cookie scoped to that page (HttpOnly, SameSite=Strict, two minutes)
// that the page reads and clears. (The share credential does the same in share.go.)
const secretOnceCookie = "pd_secret_once"

// RedirectWithSecret answers a successful post that issued secret with a redirect (303) to target.
func (w *Web) RedirectWithSecret(rw http.ResponseWriter, r *http.Request, target, secret, flash string) {
	http.SetCookie(rw, &http.Cookie{Name: secretOnceCookie, Value: secret, Path: target, MaxAge: 120,
		HttpOnly: true, Secure: w.Secure, SameSite: http.SameSiteStrictMode})
	Redirect(rw, r, target, flash)
}

// TakeSecret returns the secret a post left for this page (once) and clears it.
func (w *Web) TakeSecret(rw http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(secretOnceCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	http.SetCookie(rw, &http.Cookie{Name: secretOnceCookie, Value: "", Path: r.URL.Path, MaxAge: -1,
		HttpOnly: true, Secure: w.Secure, SameSite: http.SameSiteStrictMode})
	return c.Value
}
