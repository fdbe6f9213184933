package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/httpapi"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// Unknown pages answer a styled 404 page in the user's language, a form address opened
// directly goes to the page the form belongs to (a reload no longer shows "Method Not
// Allowed"), a wrong method gets a styled 405 page, and the favicon is served.
func TestStyledErrorPagesAndFavicon(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DirectoryApp(t, d, nil)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		en := &http.Cookie{Name: httpapi.LangCookie, Value: "en"}
		for _, c := range []struct {
			lang   []*http.Cookie
			want   string
			header string
		}{{nil, "页面不存在", "zh-CN"}, {[]*http.Cookie{en}, "Page not found", "en"}} {
			w := s.get("/no/such/page", c.lang...)
			mustContain(t, "unknown page", w, 404, `<html lang="`+c.header+`"`, "<h1>"+c.want+"</h1>", `href="/static/style.css"`, `rel="icon"`)
			if strings.Contains(w.Body.String(), "404 page not found") {
				t.Fatal("the plain-text 404 is shown")
			}
		}
		c := s.login("officer")
		w := s.get("/inbox/some-message/read", c)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/inbox" {
			t.Fatalf("GET of a form address: %d → %q", w.Code, w.Header().Get("Location"))
		}
		r := httptest.NewRequest("DELETE", "/inbox", nil)
		r.AddCookie(c)
		rw := httptest.NewRecorder()
		h.ServeHTTP(rw, r)
		if rw.Code != http.StatusMethodNotAllowed && rw.Code != http.StatusForbidden {
			t.Fatalf("DELETE /inbox: %d", rw.Code)
		}
		if !strings.Contains(rw.Body.String(), `href="/static/style.css"`) {
			t.Fatalf("DELETE /inbox: not a styled page: %.300s", rw.Body.String())
		}
		fav := s.get("/favicon.ico")
		if fav.Code != 200 || !strings.HasPrefix(fav.Header().Get("Content-Type"), "image/svg+xml") || !strings.Contains(fav.Body.String(), "<svg") {
			t.Fatalf("favicon: %d %s", fav.Code, fav.Header().Get("Content-Type"))
		}
		api := s.get("/api/v1/no-such-route")
		if api.Code != 404 || !strings.Contains(api.Body.String(), `"no_such_route"`) {
			t.Fatalf("unknown API route: %d %.200s", api.Code, api.Body.String())
		}
	})
}

// The public objection form lets people pick the data items by name: each item of each entry is
// a checkbox with its Chinese name beside its code.
func TestObjectionFormPicksItemsByName(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		c := s.login("citizen")
		w := s.get("/objections", c)
		mustContain(t, "objection form", w, 200, `<div class="obj-fields" data-entry="cat-population"`,
			`<input type="checkbox" name="fields" value="address"> 住址 <code>address</code>`)
	})
}
