package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/httpapi"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
	"pubdata/internal/validate"
)

// TestIngestPages: a data officer uploads a file with bad rows through the form, is taken to the
// quality report listing them by line, then loads the valid rows; the entry page, the index, the
// freshness board (both languages), the base lookup and the returns page render for their users.
func TestIngestPages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t: t, h: h}
		c, csrf := loginCSRF(t, h, "officer")

		var csv strings.Builder
		csv.WriteString("公民身份号码,姓名,性别,出生日期,住址,联系电话,行政区划代码\n")
		for i := 0; i < 4; i++ {
			id := validate.MakeCitizenID("150203", time.Date(1970, 5, 1+i, 0, 0, 0, 0, time.UTC), 100+i)
			fmt.Fprintf(&csv, "%s,网页%d,女,1970-05-%02d,包头市,13900000000,150203\n", id, i, 1+i)
		}
		csv.WriteString("150203197005059999,坏号,男,1970-05-05,包头市,13900000000,150203\n")
		upload := func(partial bool) *httptest.ResponseRecorder {
			var mb bytes.Buffer
			mw := multipart.NewWriter(&mb)
			mw.WriteField("mode", "replace")
			if partial {
				mw.WriteField("partial", "1")
			}
			fw, _ := mw.CreateFormFile("file", "web.csv")
			io.WriteString(fw, csv.String())
			mw.Close()
			r := httptest.NewRequest("POST", "/ingest/entries/"+demo.EntryPopulation+"/upload?csrf_token="+csrf, &mb)
			r.Header.Set("Content-Type", mw.FormDataContentType())
			r.AddCookie(c)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			return w
		}
		w := upload(false)
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/ingest/loads/") {
			t.Fatalf("upload: %d %s", w.Code, w.Body)
		}
		rep := s.get(w.Header().Get("Location"), c)
		body := rep.Body.String()
		if rep.Code != 200 || !strings.Contains(body, `data-status="rejected"`) || !strings.Contains(body, `data-line="6"`) || !strings.Contains(body, "field.format") {
			t.Fatalf("report of the rejected upload: %d %.2000s", rep.Code, body)
		}
		w = upload(true)
		rep = s.get(w.Header().Get("Location"), c)
		if !strings.Contains(rep.Body.String(), `data-status="committed"`) || !strings.Contains(rep.Body.String(), `id="rows-invalid">1<`) {
			t.Fatalf("report of the partial upload: %.1500s", rep.Body)
		}
		for _, p := range []string{"/ingest", "/ingest/entries/" + demo.EntryPopulation, "/ingest/freshness"} {
			for _, lang := range []string{"zh", "en"} {
				r := s.get(p, c, &http.Cookie{Name: httpapi.LangCookie, Value: lang})
				if r.Code != 200 || strings.Contains(r.Body.String(), "ingest.") && strings.Contains(r.Body.String(), ">ingest.") {
					t.Fatalf("%s (%s): %d %.500s", p, lang, r.Code, r.Body)
				}
			}
		}
		if r := s.get("/ingest/entries/"+demo.EntryPopulation, c); !strings.Contains(r.Body.String(), `id="upload-form"`) {
			t.Fatal("the officer's entry page has no upload form")
		}
		if r := s.get("/ingest/entries/"+demo.EntryEnterprise, c); strings.Contains(r.Body.String(), `id="upload-form"`) {
			t.Fatal("the officer may upload into another agency's entry")
		}
		admin := s.login("admin")
		id := validate.MakeCitizenID("150203", time.Date(1970, 5, 1, 0, 0, 0, 0, time.UTC), 100)
		r := s.get("/ingest/base?base=population&key="+id, admin)
		if r.Code != 200 || !strings.Contains(r.Body.String(), `id="fused-items"`) || !strings.Contains(r.Body.String(), "网页0") {
			t.Fatalf("base lookup: %d %.1500s", r.Code, r.Body)
		}
		if r := s.get("/ingest/base?base=population&key="+id, c); r.Code != http.StatusForbidden {
			t.Fatalf("officer opened the base lookup: %d", r.Code)
		}
		bt := s.login("bt_admin")
		if r := s.get("/ingest/returns", bt); r.Code != 200 || !strings.Contains(r.Body.String(), `id="return-form"`) {
			t.Fatalf("returns page: %d", r.Code)
		}
		// a return through the pages: Baotou asks, the province approves, Baotou reads its own
		// rows only, masked per grade
		if w := s.postForm("/ingest/returns", bt, url.Values{"entry": {demo.EntryPopulation}, "purpose": {"网格人口核对"}, "fields": {"citizen_id,name,region_code"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("return request: %d %.500s", w.Code, w.Body)
		}
		var rid string
		if err := d.QueryRowContext(context.Background(), "SELECT id FROM ingest_returns ORDER BY created_at DESC LIMIT 1").Scan(&rid); err != nil {
			t.Fatal(err)
		}
		if r := s.get("/ingest/returns/"+rid, admin); !strings.Contains(r.Body.String(), `id="return-approve"`) {
			t.Fatalf("the upper authority has no approve form: %d %.800s", r.Code, r.Body)
		}
		if r := s.get("/ingest/returns/"+rid, bt); strings.Contains(r.Body.String(), `id="return-approve"`) {
			t.Fatal("the requester may approve its own return")
		}
		if w := s.postForm("/ingest/returns/"+rid+"/events", admin, url.Values{"event": {"approve"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("approve: %d %.500s", w.Code, w.Body)
		}
		page := s.get("/ingest/returns/"+rid, bt).Body.String()
		if !strings.Contains(page, `id="return-rows"`) || strings.Contains(page, "网页0") || !strings.Contains(page, "*") || strings.Contains(page, ">1501") {
			t.Fatalf("returned rows page: %.3000s", page)
		}
	})
}

func loginCSRF(t *testing.T, h http.Handler, username string) (*http.Cookie, string) {
	t.Helper()
	r := httptest.NewRequest("POST", "/api/v1/auth/login", strings.NewReader(`{"username":"`+username+`","password":"`+demo.Password+`"}`))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var out struct {
		CSRF string `json:"csrf_token"`
	}
	json.Unmarshal(w.Body.Bytes(), &out)
	for _, c := range w.Result().Cookies() {
		if c.Name == httpapi.SessionCookie {
			return c, out.CSRF
		}
	}
	t.Fatalf("login %s: %d", username, w.Code)
	return nil, ""
}
