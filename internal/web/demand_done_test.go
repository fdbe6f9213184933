package web_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/server"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
)

// Done means done (#10 item 3), as the parties see it on the pages and through the API: the
// source agency cannot complete a demand without the code of its own published entry (neither
// on the page nor by the API); once completed, the requester's demand page offers a share request
// whose form is prefilled from the demand, the API answer carries the same prefilled request
// (the source agency gets none), and that request, signed, is filed.
func TestDemandCompletedOffersPrefilledRequest(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-30 10:00")
		a := testutil.DemoApp(t, d, clock)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		civilC, healthC, adminC := s.login("civil"), s.login("health"), s.login("admin")

		// Filed by 民政厅, assigned to 卫健委, accepted — through the API.
		post := func(path string, c *http.Cookie, body string) *httptest.ResponseRecorder {
			t.Helper()
			r := httptest.NewRequest("POST", path, strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("X-CSRF-Token", s.csrf(c))
			r.AddCookie(c)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			return w
		}
		w := post("/api/v1/share/demands", civilC, `{"title":"出生医学证明信息","fields":["出生医学证明编号","新生儿姓名"],"scenario":"新生儿医保参保","purpose":"免交证明","legal_basis":"《社会保险法》第二十五条"}`)
		if w.Code != http.StatusCreated {
			t.Fatalf("file: %d %s", w.Code, w.Body)
		}
		var dm share.Demand
		if err := json.Unmarshal(w.Body.Bytes(), &dm); err != nil {
			t.Fatal(err)
		}
		if w = post("/api/v1/share/demands/"+dm.ID+"/assign", adminC, `{"org_id":"`+demo.OrgHealth+`"}`); w.Code != http.StatusOK {
			t.Fatalf("assign: %d %s", w.Code, w.Body)
		}
		if w = post("/api/v1/share/demands/"+dm.ID+"/accept", healthC, `{"note":"编目后共享"}`); w.Code != http.StatusOK {
			t.Fatalf("accept: %d %s", w.Code, w.Body)
		}

		// No code, or another agency's entry: refused on the page and by the API.
		w = s.postForm("/share/demands/"+dm.ID+"/complete", healthC, url.Values{"note": {"已办"}})
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "已发布的目录资源代码") {
			t.Fatalf("page completion without an entry: %d", w.Code)
		}
		pop, err := a.Catalog.Published(t.Context(), demo.EntryPopulation) // 公安厅's entry
		if err != nil {
			t.Fatal(err)
		}
		if w = post("/api/v1/share/demands/"+dm.ID+"/complete", healthC, `{"result_entry":"`+pop.Code+`"}`); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "result_entry") {
			t.Fatalf("API completion with another agency's entry: %d %s", w.Code, w.Body)
		}
		if w = post("/api/v1/share/demands/"+dm.ID+"/complete", healthC, `{}`); w.Code != http.StatusUnprocessableEntity {
			t.Fatalf("API completion without an entry: %d %s", w.Code, w.Body)
		}
		var got struct {
			Demand       share.Demand      `json:"demand"`
			ShareRequest *share.NewRequest `json:"share_request"`
		}
		w = s.get("/api/v1/share/demands/"+dm.ID, civilC)
		json.Unmarshal(w.Body.Bytes(), &got)
		if got.Demand.State != share.DemandAccepted || got.ShareRequest != nil {
			t.Fatalf("after refused completions: %s, offer %+v", got.Demand.State, got.ShareRequest)
		}

		// The birth entry (卫健委 is its source) completes the demand, from the page.
		birth, err := a.Catalog.Published(t.Context(), demo.EntryBirth)
		if err != nil {
			t.Fatal(err)
		}
		w = s.postForm("/share/demands/"+dm.ID+"/complete", healthC, url.Values{"result_entry": {birth.Code}, "note": {"已编目并开通共享"}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("page completion: %d %s", w.Code, w.Body)
		}

		// The requester's page offers the request; the form is prefilled from the demand.
		w = s.get("/share/demands/"+dm.ID, civilC)
		body := w.Body.String()
		if !strings.Contains(body, `id="request-from-demand" href="/share/new?demand=`+dm.ID+`"`) {
			t.Fatalf("the requester's demand page offers no share request")
		}
		if strings.Contains(s.get("/share/demands/"+dm.ID, healthC).Body.String(), `id="request-from-demand"`) {
			t.Fatal("the source agency is offered the requester's share request")
		}
		w = s.get("/share/new?demand="+dm.ID, civilC)
		body = html.UnescapeString(w.Body.String())
		if w.Code != http.StatusOK || !strings.Contains(body, `name="entry_id" value="`+demo.EntryBirth+`"`) ||
			!strings.Contains(body, `value="新生儿医保参保"`) || !strings.Contains(body, `value="《社会保险法》第二十五条"`) {
			t.Fatalf("the request form is not prefilled from the demand: %d", w.Code)
		}

		// The API offers the same request to the requester only; filed, it is a share request.
		w = s.get("/api/v1/share/demands/"+dm.ID, civilC)
		got.ShareRequest = nil
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		in := got.ShareRequest
		if got.Demand.State != share.DemandCompleted || got.Demand.ResultEntry != birth.Code || in == nil ||
			in.EntryID != demo.EntryBirth || in.Scenario != "新生儿医保参保" || in.LegalBasis != "《社会保险法》第二十五条" ||
			strings.Join(in.Fields, ",") != "cert_no,baby_name" {
			t.Fatalf("API demand answer for the requester: %s", w.Body)
		}
		var other struct {
			ShareRequest *share.NewRequest `json:"share_request"`
		}
		json.Unmarshal(s.get("/api/v1/share/demands/"+dm.ID, healthC).Body.Bytes(), &other)
		if other.ShareRequest != nil {
			t.Fatal("the API offers the source agency the requester's share request")
		}
		in.Authenticity, in.Compliance, in.Security, in.EndDate = true, true, true, "2027-09-30" // the requester signs and names the end
		b, _ := json.Marshal(in)
		if w = post("/api/v1/share/requests", civilC, string(b)); w.Code != http.StatusCreated {
			t.Fatalf("filing the offered request: %d %s", w.Code, w.Body)
		}
		var req share.Request
		json.Unmarshal(w.Body.Bytes(), &req)
		if req.EntryID != demo.EntryBirth || req.Scenario != "新生儿医保参保" {
			t.Fatalf("filed request %+v", req)
		}
	})
}
