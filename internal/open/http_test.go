package open_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/open"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

type hresp struct {
	code int
	h    http.Header
	body []byte
}

func get(t *testing.T, h http.Handler, path string, hdr ...string) hresp {
	t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	r.RemoteAddr = "203.0.113.9:1234"
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return hresp{w.Code, w.Header(), w.Body.Bytes()}
}

func errCode(t *testing.T, r hresp) (string, string) {
	t.Helper()
	var w struct {
		Error struct {
			Code   string `json:"code"`
			Fields []struct {
				Message string `json:"message"`
			} `json:"fields"`
		} `json:"error"`
	}
	err := json.Unmarshal(r.body, &w)
	e := w.Error
	if err != nil || e.Code == "" {
		t.Fatalf("not the error shape (%d): %s", r.code, r.body)
	}
	msg := ""
	if len(e.Fields) > 0 {
		msg = e.Fields[0].Message
	}
	return e.Code, msg
}

// The open API and downloads over HTTP, not logged in, on the demo region: the open catalog,
// every download format read back, cursor paging through every record, records as CSV, a
// conditionally open dataset that needs its key, suspension, and the audit of every call.
func TestOpenHTTP(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		h, _, err := server.Handler(a, false)
		must(t, err)

		r := get(t, h, "/api/v1/open/datasets?page_size=100")
		if r.code != 200 {
			t.Fatalf("search: %d %s", r.code, r.body)
		}
		var res open.SearchResult
		must(t, json.Unmarshal(r.body, &res))
		ids := map[string]bool{}
		for _, it := range res.Items {
			ids[it.ID] = true
			if it.OpenType == "none" {
				t.Fatalf("not-open %s listed", it.ID)
			}
		}
		if !ids["cat-enterprise"] || !ids["cat-elderly-homes"] || !ids["cat-penalties"] || ids["cat-population"] {
			t.Fatalf("open catalog = %v", ids)
		}
		if r := get(t, h, "/api/v1/open/datasets/cat-population"); r.code != 404 {
			t.Fatalf("not-open dataset: %d", r.code)
		}

		// Every record once, by cursor; small counts suppressed.
		seen, small := map[string]bool{}, 0
		cursor := ""
		for {
			r := get(t, h, "/api/v1/open/datasets/cat-elderly-homes/records?limit=7&cursor="+cursor)
			if r.code != 200 {
				t.Fatalf("records: %d %s", r.code, r.body)
			}
			var pg struct {
				Records []map[string]string `json:"records"`
				Next    string              `json:"next_cursor"`
			}
			must(t, json.Unmarshal(r.body, &pg))
			for _, rec := range pg.Records {
				if seen[rec["credit_code"]] {
					t.Fatalf("record twice: %v", rec)
				}
				seen[rec["credit_code"]] = true
				if rec["beds"] == "<5" {
					small++
				}
				if n := rec["beds"]; len(n) == 1 && n >= "1" && n <= "4" {
					t.Fatalf("small count in clear: %v", rec)
				}
			}
			if pg.Next == "" {
				break
			}
			cursor = pg.Next
		}
		if len(seen) != 40 || small == 0 {
			t.Fatalf("paged %d records, %d suppressed", len(seen), small)
		}
		r = get(t, h, "/api/v1/open/datasets/cat-elderly-homes/records?limit=5&records_format=csv")
		if r.code != 200 || !strings.HasPrefix(r.h.Get("Content-Type"), "text/csv") || r.h.Get("X-Next-Cursor") == "" {
			t.Fatalf("records csv: %d %v", r.code, r.h)
		}
		if r := get(t, h, "/api/v1/open/datasets/cat-elderly-homes/records?f.beds=3"); r.code != 400 {
			t.Fatalf("filter on a suppressed count: %d", r.code)
		}
		if r := get(t, h, "/api/v1/open/datasets/cat-elderly-homes/records?cursor=bogus"); r.code != 400 {
			t.Fatalf("bad cursor: %d", r.code)
		}

		// Every format, read back: 40 rows, the same header.
		dl := func(q string) []byte {
			r := get(t, h, "/api/v1/open/datasets/cat-elderly-homes/download?"+q)
			if r.code != 200 {
				t.Fatalf("download %s: %d %s", q, r.code, r.body)
			}
			return r.body
		}
		recs, err := csv.NewReader(bytes.NewReader(dl("format=csv"))).ReadAll()
		must(t, err)
		if len(recs) != 41 || strings.Join(recs[0], ",") != "credit_code,home_name,beds,home_address,service_phone" {
			t.Fatalf("csv: %d rows, header %v", len(recs), recs[0])
		}
		if b := dl("format=csv&bom=1&labels=1"); !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) || !strings.Contains(string(b), "床位数") {
			t.Fatalf("csv with BOM: %q", b[:40])
		}
		gb, err := io.ReadAll(transform.NewReader(bytes.NewReader(dl("format=csv&encoding=gb18030&labels=1")), simplifiedchinese.GB18030.NewDecoder()))
		must(t, err)
		if !strings.Contains(string(gb), "养老服务中心") {
			t.Fatal("gb18030 csv does not decode")
		}
		var objs []map[string]string
		must(t, json.Unmarshal(dl("format=json"), &objs))
		if len(objs) != 40 {
			t.Fatalf("json: %d", len(objs))
		}
		x, err := excelize.OpenReader(bytes.NewReader(dl("format=xlsx")))
		must(t, err)
		rows, _ := x.GetRows("Sheet1")
		if len(rows) != 41 || rows[0][2] != "床位数" {
			t.Fatalf("xlsx: %d rows %v", len(rows), rows[0])
		}
		pq := dl("format=parquet")
		pf, err := parquet.OpenFile(bytes.NewReader(pq), int64(len(pq)))
		must(t, err)
		if pf.NumRows() != 40 {
			t.Fatalf("parquet: %d rows", pf.NumRows())
		}
		if r := get(t, h, "/api/v1/open/datasets/cat-elderly-homes/download?format=docx"); r.code != 400 {
			t.Fatalf("bad format: %d", r.code)
		}
		if r := get(t, h, "/api/v1/open/datasets/cat-elderly-homes/download?version=9"); r.code != 404 {
			t.Fatalf("no such version: %d", r.code)
		}

		// Conditionally open: refused without a key, served with the approved one.
		r = get(t, h, "/api/v1/open/datasets/cat-penalties/records")
		if c, _ := errCode(t, r); r.code != 403 || c != "open_key_required" {
			t.Fatalf("conditional without key: %d %s", r.code, r.body)
		}
		if r := get(t, h, "/api/v1/open/datasets/cat-penalties/records", "X-API-Key", "opk_nonsense"); r.code != 401 {
			t.Fatalf("bad key: %d", r.code)
		}
		u, err := a.Identity.UserByName(ctx, "appunit")
		must(t, err)
		k, err := a.Open.IssueKey(ctx, authz.System, u.ID, "", "test", []string{"cat-penalties"}, nil, time.Now().Add(400*24*time.Hour), "app-1")
		must(t, err)
		if int64(k.ExpiresAt) > time.Now().Add(181*24*time.Hour).UnixMilli() {
			t.Fatal("a key outlives 180 days")
		}
		r = get(t, h, "/api/v1/open/datasets/cat-penalties/records?limit=3", "X-API-Key", k.Secret)
		if r.code != 200 || !strings.Contains(string(r.body), "decision_no") {
			t.Fatalf("conditional with key: %d %s", r.code, r.body)
		}
		// The key is scoped: another conditional dataset is not covered... and an unconditional one
		// is served at the public level.
		if r := get(t, h, "/api/v1/open/datasets/cat-enterprise/records?limit=1", "X-API-Key", k.Secret); r.code != 200 {
			t.Fatalf("key on unconditional data: %d", r.code)
		}
		_, err = a.Open.RevokeKeysOf(ctx, authz.System, "app-1", "test")
		must(t, err)
		if r := get(t, h, "/api/v1/open/datasets/cat-penalties/records", "X-API-Key", k.Secret); r.code != 401 {
			t.Fatalf("revoked key: %d", r.code)
		}

		// Suspension: the next download is refused with the reason.
		_, err = a.Open.SuspendAs(ctx, authz.System, "cat-elderly-homes", open.SuspendInput{Cause: open.CauseComplaint, Reason: "投诉涉及个人隐私，核查中"})
		must(t, err)
		r = get(t, h, "/api/v1/open/datasets/cat-elderly-homes/download?format=csv")
		if c, msg := errCode(t, r); r.code != 403 || c != "open.suspended" || !strings.Contains(msg, "投诉涉及个人隐私") {
			t.Fatalf("suspended: %d %s", r.code, r.body)
		}

		// Audited: who, the dataset, the version and the rows.
		recsA, _, err := a.Audit.Search(ctx, audit.Filter{Action: "open.download.done", ObjectID: "cat-elderly-homes", Limit: 50})
		must(t, err)
		if len(recsA) < 6 {
			t.Fatalf("audited downloads = %d", len(recsA))
		}
		if recsA[0].Detail["rows"] == nil || recsA[0].Detail["version"] == nil {
			t.Fatalf("audit detail = %v", recsA[0].Detail)
		}
		denied, _, err := a.Audit.Search(ctx, audit.Filter{Action: "open.download", ObjectID: "cat-elderly-homes", Limit: 50})
		must(t, err)
		found := false
		for _, rc := range denied {
			if rc.Result == audit.Denied {
				found = true
			}
		}
		if !found {
			t.Fatal("the refused download is not audited")
		}
	})
}
