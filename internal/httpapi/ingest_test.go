package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
	"pubdata/internal/validate"
)

func ingestCSV(n int, extra string) string {
	var b strings.Builder
	b.WriteString("citizen_id,name,sex,birth_date,address,phone,region_code\n")
	for i := 0; i < n; i++ {
		id := validate.MakeCitizenID("150203", time.Date(1980, 1, 1+i%28, 0, 0, 0, 0, time.UTC).AddDate(0, 0, 28*(i/1000)), i%1000)
		fmt.Fprintf(&b, "%s,人%d,女,%s-%s-%s,包头市昆都仑区,13900000000,150203\n", id, i, id[6:10], id[10:12], id[12:14])
	}
	b.WriteString(extra)
	return b.String()
}

func TestIngestUploadAPI(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c, csrf := e.session("officer")
		path := "/api/v1/ingest/entries/" + demo.EntryPopulation + "/uploads?filename=p.csv"
		r := e.do(req{method: "POST", path: path, body: ingestCSV(20, ""), contentType: "text/csv", cookies: []*http.Cookie{c}, csrf: csrf})
		if r.Code != 201 || r.Header().Get("X-Ingest-Load") == "" {
			t.Fatalf("upload: %d %.300s", r.Code, r.body)
		}
		var out struct {
			Load struct {
				Version    int64 `json:"version"`
				RowsLoaded int64 `json:"rows_loaded"`
			} `json:"load"`
		}
		json.Unmarshal([]byte(r.body), &out)
		if out.Load.RowsLoaded != 20 {
			t.Fatalf("upload result: %.300s", r.body)
		}

		// bad rows: 422 naming each line; the report stays readable
		r = e.do(req{method: "POST", path: path, body: ingestCSV(3, "123,x,男,1990-01-01,a,13900000000,150203\n"), contentType: "text/csv", cookies: []*http.Cookie{c}, csrf: csrf})
		if r.Code != 422 || !strings.Contains(r.body, `"line":5`) {
			t.Fatalf("bad upload: %d %.400s", r.Code, r.body)
		}
		errorShape(t, r)
		rep := e.do(req{method: "GET", path: "/api/v1/ingest/loads/" + r.Header().Get("X-Ingest-Load"), cookies: []*http.Cookie{c}})
		if rep.Code != 200 || !strings.Contains(rep.body, `"status":"rejected"`) {
			t.Fatalf("report of a rejected load: %d %.300s", rep.Code, rep.body)
		}

		// multipart form with mode/partial fields before the file
		var mb bytes.Buffer
		mw := multipart.NewWriter(&mb)
		mw.WriteField("mode", "upsert")
		mw.WriteField("partial", "1")
		fw, _ := mw.CreateFormFile("file", "more.csv")
		io.WriteString(fw, ingestCSV(3, "bad,row\n"))
		mw.Close()
		r = e.do(req{method: "POST", path: "/api/v1/ingest/entries/" + demo.EntryPopulation + "/uploads", body: mb.String(), contentType: mw.FormDataContentType(), cookies: []*http.Cookie{c}, csrf: csrf})
		if r.Code != 201 || !strings.Contains(r.body, `"mode":"upsert"`) || !strings.Contains(r.body, `"rows_rejected":1`) {
			t.Fatalf("multipart upload: %d %.400s", r.Code, r.body)
		}

		// over the limit: refused from the declared length, before reading
		e.a.Ingest.MaxUpload = 512
		r = e.do(req{method: "POST", path: path, body: ingestCSV(50, ""), contentType: "text/csv", cookies: []*http.Cookie{c}, csrf: csrf})
		if r.Code != http.StatusRequestEntityTooLarge {
			t.Fatalf("oversize upload: %d %.300s", r.Code, r.body)
		}
		// …and when no length is declared, stopped at the limit while streaming
		body := &countingReader{r: strings.NewReader(ingestCSV(5000, ""))}
		hr := httptest.NewRequest("POST", path, io.MultiReader(body))
		hr.Header.Set("Content-Type", "text/csv")
		hr.Header.Set("X-CSRF-Token", csrf)
		hr.AddCookie(c)
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, hr)
		if w.Code != http.StatusRequestEntityTooLarge || body.n > 2<<20 {
			t.Fatalf("streamed oversize upload: %d after reading %d bytes: %.300s", w.Code, body.n, w.Body.String())
		}
		e.a.Ingest.MaxUpload = 0
	})
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) { k, err := c.r.Read(p); c.n += k; return k, err }

func TestIngestPushAPI(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c, csrf := e.session("market")
		r := e.do(req{method: "POST", path: "/api/v1/ingest/entries/" + demo.EntryFoodLicense + "/tokens", body: `{"name":"许可系统","ttl_days":30}`, cookies: []*http.Cookie{c}, csrf: csrf})
		if r.Code != 201 {
			t.Fatalf("token: %d %.300s", r.Code, r.body)
		}
		var tok struct {
			Token string `json:"token"`
		}
		json.Unmarshal([]byte(r.body), &tok)
		code := validate.MakeCreditCode('9', '1', "150203", "MA0APUTE1")
		batch := `{"batch_id":"api-1","rows":[{"license_no":"JYAPI0001","credit_code":"` + code + `","operator_name":"接口测试","food_scope":"热食","valid_to":"2030-01-01"}]}`
		path := "/api/v1/ingest/entries/" + demo.EntryFoodLicense + "/batches"
		r1 := e.do(req{method: "POST", path: path, body: batch, bearer: tok.Token})
		if r1.Code != 201 {
			t.Fatalf("push: %d %.300s", r1.Code, r1.body)
		}
		r2 := e.do(req{method: "POST", path: path, body: batch, bearer: tok.Token})
		if r2.Code != 200 || !strings.Contains(r2.body, `"replayed":true`) || r2.Header().Get("X-Ingest-Load") != r1.Header().Get("X-Ingest-Load") {
			t.Fatalf("replayed push: %d %.300s", r2.Code, r2.body)
		}
		// bound to its entry
		r3 := e.do(req{method: "POST", path: "/api/v1/ingest/entries/" + demo.EntryEnterprise + "/batches", body: batch, bearer: tok.Token})
		if r3.Code != 404 { // it may not even read that entry's data: answered as not found
			t.Fatalf("push into another entry: %d", r3.Code)
		}
	})
}
