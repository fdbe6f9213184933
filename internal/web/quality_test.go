package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/httpapi"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// qSession logs in through the API and returns the session cookie and CSRF token.
func qSession(t *testing.T, h http.Handler, username string) (*http.Cookie, string) {
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

func qPost(h http.Handler, path string, c *http.Cookie, csrf string, form url.Values) *httptest.ResponseRecorder {
	form.Set("csrf_token", csrf)
	r := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(c)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func qGet(h http.Handler, path string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", path, nil)
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

var objLink = regexp.MustCompile(`href="/objections/([0-9a-f-]{36})"`)
var taskLink = regexp.MustCompile(`href="/quality/tasks/([0-9a-f-]{36})"`)

// The quality pages as people use them: the citizen's "我的数据异议" list and form, the
// provider's queue and answer, the agency's tasks and task page, the entry page with its trend
// and rule editor, the authority's board — in Chinese and English.
func TestQualityPages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		cc, ccsrf := qSession(t, h, "citizen")
		oc, ocsrf := qSession(t, h, "officer")
		ac, _ := qSession(t, h, "admin")
		en := &http.Cookie{Name: httpapi.LangCookie, Value: "en"}

		// The citizen's page lists their objection and offers the form, key prefilled.
		w := qGet(h, "/objections", cc)
		body := w.Body.String()
		if w.Code != 200 || !strings.Contains(body, "我的数据异议") || !strings.Contains(body, `id="raise-form"`) {
			t.Fatalf("/objections: %d %.500s", w.Code, body)
		}
		m := objLink.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("the demo objection is not listed")
		}
		oid := m[1]
		var idn string
		d.QueryRowContext(t.Context(), "SELECT id_number FROM users WHERE username = 'citizen'").Scan(&idn)
		if idn == "" || !strings.Contains(body, `value="`+idn+`"`) {
			t.Error("the key is not prefilled with the citizen's own ID number")
		}
		// A bad submission re-renders the form with the error named.
		w = qPost(h, "/objections", cc, ccsrf, url.Values{"entry_id": {demo.EntryPopulation}, "key": {idn}, "kind": {"wrong"}})
		if w.Code != 422 || !strings.Contains(w.Body.String(), "description") || !strings.Contains(w.Body.String(), `id="raise-form"`) {
			t.Errorf("bad form: %d", w.Code)
		}
		// The citizen's objection page: open, disputed, withdraw offered, no answer buttons.
		w = qGet(h, "/objections/"+oid, cc)
		body = w.Body.String()
		if w.Code != 200 || !strings.Contains(body, `data-state="open"`) || !strings.Contains(body, `value="withdraw"`) || strings.Contains(body, `value="correct"`) {
			t.Fatalf("citizen's objection page: %d %.800s", w.Code, body)
		}

		// The provider's queue and answer.
		w = qGet(h, "/objections?box=queue", oc)
		if w.Code != 200 || !strings.Contains(w.Body.String(), "/objections/"+oid) {
			t.Fatalf("queue: %d", w.Code)
		}
		w = qPost(h, "/objections/"+oid+"/act", oc, ocsrf, url.Values{"event": {"reject"}, "answer": {"经核实，登记住址与户籍档案一致，不予更正。"}})
		if w.Code != 303 {
			t.Fatalf("answer: %d %s", w.Code, w.Body)
		}
		body = qGet(h, "/objections/"+oid, cc).Body.String()
		if !strings.Contains(body, `data-state="rejected"`) || !strings.Contains(body, "不予更正。") {
			t.Errorf("the citizen does not see the answer: %.600s", body)
		}

		// The agency's tasks, one task page with masked rows.
		w = qGet(h, "/quality", oc)
		body = w.Body.String()
		if w.Code != 200 || !strings.Contains(body, "常住人口基本信息") {
			t.Fatalf("/quality: %d", w.Code)
		}
		tm := taskLink.FindStringSubmatch(body)
		if tm == nil {
			t.Fatal("no task listed")
		}
		w = qGet(h, "/quality/tasks/"+tm[1], oc)
		if w.Code != 200 || !strings.Contains(w.Body.String(), `id="row-table"`) || !strings.Contains(w.Body.String(), `value="acknowledge"`) {
			t.Fatalf("task page: %d", w.Code)
		}
		w = qPost(h, "/quality/tasks/"+tm[1]+"/act", oc, ocsrf, url.Values{"event": {"acknowledge"}})
		if w.Code != 303 || !strings.Contains(qGet(h, "/quality/tasks/"+tm[1], oc).Body.String(), `data-state="in_progress"`) {
			t.Errorf("acknowledge: %d", w.Code)
		}

		// The entry page: trend SVG, rules, and the editor adding a rule.
		w = qGet(h, "/quality/entries/"+demo.EntryPopulation+"?period=day", oc)
		body = w.Body.String()
		if w.Code != 200 || !strings.Contains(body, "<svg") || !strings.Contains(body, "身份号码与出生日期、性别一致") || !strings.Contains(body, `id="new-enum"`) {
			t.Fatalf("entry page: %d", w.Code)
		}
		w = qPost(h, "/quality/entries/"+demo.EntryPopulation+"/rules", oc, ocsrf, url.Values{"kind": {"enum"}, "name": {"性别取值"}, "field": {"sex"}, "values": {"男\n女"}, "dimension": {"accuracy"}})
		if w.Code != 303 {
			t.Fatalf("add rule: %d %.300s", w.Code, w.Body)
		}
		if !strings.Contains(qGet(h, "/quality/entries/"+demo.EntryPopulation, oc).Body.String(), "性别取值") {
			t.Error("the new rule is not listed")
		}
		w = qPost(h, "/quality/entries/"+demo.EntryPopulation+"/rules", oc, ocsrf, url.Values{"kind": {"range"}, "name": {"坏范围"}, "field": {"sex"}, "min": {"abc"}})
		if w.Code != 422 || !strings.Contains(w.Body.String(), "params.min") {
			t.Errorf("bad rule form: %d", w.Code)
		}

		// The authority's board and an agency's trend; in English too.
		w = qGet(h, "/quality", ac, en)
		if w.Code != 200 || !strings.Contains(w.Body.String(), `id="agencies"`) || !strings.Contains(w.Body.String(), "Data quality") {
			t.Fatalf("authority board: %d", w.Code)
		}
		w = qGet(h, "/quality/orgs/"+demo.OrgPublicSec, ac)
		if w.Code != 200 || !strings.Contains(w.Body.String(), "<svg") {
			t.Fatalf("agency page: %d", w.Code)
		}
		// A citizen has no quality board.
		if w = qGet(h, "/quality", cc); w.Code != 403 {
			t.Errorf("citizen /quality: %d", w.Code)
		}
	})
}
