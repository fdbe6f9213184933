package web_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"bytes"
	"compress/gzip"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
	"pubdata/internal/web"
)

// A statistics answer too large for the answer cookie still comes as a redirect: the cookie
// carries only what finds the stored answer again, and the product page reads it from the store
// — the whole answer, shown once, no cost and no new call. The store gives an answer only to
// whoever asked that question.
func TestOperateLargeAnswerShownAfterRedirect(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		defer web.SetUseAnswerMax(400)()
		s := site{t, h}
		unit := s.login("appunit")
		ids := map[string]string{}
		for _, m := range productLink.FindAllStringSubmatch(s.get("/operate", unit).Body.String(), -1) {
			ids[m[2]] = m[1]
		}
		pop := ids[demo.DemoProductPopulation]
		calls := func() int {
			var n int
			d.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM opr_queries WHERE product_id = $1", pop).Scan(&n)
			return n
		}
		w := s.postForm("/operate/products/"+pop+"/use", unit, url.Values{"kind": {"statistics"}, "group_by": {"region_code", "sex"}, "agg": {"count_distinct", "count"}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("a large answer: %d, want a redirect", w.Code)
		}
		var kept *http.Cookie
		for _, c := range w.Result().Cookies() {
			if c.Name == "pd_use_answer" {
				kept = c
			}
		}
		if kept == nil || len(kept.Value) > 400 {
			t.Fatalf("the answer cookie: %+v", kept)
		}
		n := calls()
		page := s.get("/operate/products/"+pop, unit, kept)
		// twelve cells: six counties × two sexes, each with its two figures
		mustContain(t, "the stored answer", page, 200, `id="answer-table"`, "150221", "男", "女", "本次消耗隐私预算")
		if calls() != n {
			t.Fatalf("showing the answer logged %d more calls", calls()-n)
		}
		// a question a colleague asked, forged into the cookie, finds nothing: the store gives an
		// answer only to whoever asked it
		u, err := a.Identity.UserByName(context.Background(), "appunit")
		if err != nil {
			t.Fatal(err)
		}
		me, err := a.Identity.Principal(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		other := *me
		other.UserID = "colleague-of-appunit"
		const q = `{"group_by":["sex"],"aggregates":[{"fn":"count"}]}`
		res, err := a.Operate.QueryStats(context.Background(), &other, pop, []byte(q))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Operate.StoredAnswer(context.Background(), &other, pop, []byte(q), res.Answer.DataVersion); err != nil {
			t.Fatalf("the asker cannot read the stored answer again: %v", err)
		}
		forged := forgeRef(t, q, res.Answer.DataVersion)
		page = s.get("/operate/products/"+pop, unit, &http.Cookie{Name: "pd_use_answer", Value: forged})
		if page.Code != 200 || bytes.Contains(page.Body.Bytes(), []byte(`id="answer-table"`)) {
			t.Fatalf("a forged reference showed an answer (%d)", page.Code)
		}
	})
}

func forgeRef(t *testing.T, query string, dataVersion int64) string {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"stats_ref": map[string]any{"query": json.RawMessage(query), "data_version": dataVersion}})
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(b)
	zw.Close()
	return base64.RawURLEncoding.EncodeToString(z.Bytes())
}
