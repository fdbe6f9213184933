package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
)

// Administrators act within their region (issue #9 item 6): the city administrator of Baotou
// (bt_admin, 150200) creates accounts in its city, but neither a province administrator nor a
// province agency's approver — the path by which it could once decide a province request.
// Authority roles go only to data-authority staff. Listings are scoped the same way.
func TestAdministratorsActWithinTheirRegion(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newDirEnv(t, d)
		bt := e.token("bt_admin", "directory")
		create := func(tok, body string) resp {
			return e.do(req{method: "POST", path: "/api/v1/users", body: body, bearer: tok})
		}
		for _, c := range []struct{ what, body string }{
			{"a province administrator", `{"username":"prov_admin2","display_name":"省管理员","password":"a-long-password","org_id":"` + demo.OrgAuthority + `","roles":["authority_admin"]}`},
			{"a province agency's approver", `{"username":"ps_approver2","display_name":"公安厅审批人","password":"a-long-password","org_id":"` + demo.OrgPublicSec + `","roles":["agency_approver"]}`},
			{"another city's administrator", `{"username":"hhht_admin2","display_name":"呼市管理员","password":"a-long-password","org_id":"` + demo.OrgAuthorityA + `","roles":["authority_admin"]}`},
		} {
			if r := create(bt, c.body); r.Code != http.StatusForbidden || errorShape(t, r).Code != "forbidden" {
				t.Errorf("the city administrator created %s: %d %.200s", c.what, r.Code, r.body)
			}
		}
		if r := create(bt, `{"username":"bt_ps_officer","display_name":"包头公安数据专员","password":"a-long-password","org_id":"`+demo.OrgPublicSecB+`","roles":["data_officer"]}`); r.Code != http.StatusCreated {
			t.Fatalf("the city administrator cannot create an account in its city: %d %s", r.Code, r.body)
		}
		// Authority roles only for a data authority's staff, even in one's own region.
		admin := e.token("admin", "directory")
		if r := create(admin, `{"username":"ps_admin","display_name":"x","password":"a-long-password","org_id":"`+demo.OrgPublicSec+`","roles":["authority_admin"]}`); r.Code != 422 || errorShape(t, r).fieldNames() != "roles" {
			t.Errorf("authority role for an agency's staff: %d %s", r.Code, r.body)
		}
		// The city administrator lists its city's users only; the province administrator all.
		list := decode[struct {
			Items []struct {
				Username string `json:"username"`
				OrgID    string `json:"org_id"`
			} `json:"items"`
		}](t, e.do(req{method: "GET", path: "/api/v1/users?page_size=500", bearer: bt}))
		seen := map[string]bool{}
		for _, u := range list.Items {
			seen[u.Username] = true
			if u.OrgID == demo.OrgPublicSec || u.OrgID == demo.OrgAuthority {
				t.Errorf("the city administrator sees %s of %s", u.Username, u.OrgID)
			}
		}
		if !seen["bt_admin"] || !seen["bt_ps_officer"] || seen["officer"] {
			t.Errorf("city listing: %v", seen)
		}
		if r := e.do(req{method: "GET", path: "/api/v1/users?org=" + demo.OrgPublicSec, bearer: bt}); r.Code != http.StatusForbidden {
			t.Errorf("the city administrator lists a province agency's users: %d", r.Code)
		}
	})
}

// Real-name verification (实名核验): the authority records it (audited) for a user of its
// region; nobody else may, and a city administrator not for someone outside its city.
func TestRealNameVerificationByTheAuthority(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newDirEnv(t, d)
		citizen, err := e.a.Identity.UserByName(t.Context(), "citizen")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(t.Context(), "UPDATE users SET id_number = $1 WHERE id = $2", "150102199003071237", citizen.ID); err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/users/" + citizen.ID + "/verification"
		body := `{"verified":true,"note":"查验居民身份证原件"}`
		// The reviewer may see the account but not verify it (403); the others may not even see it
		// and are told it is not there (no existence oracle).
		for who, want := range map[string]int{"officer": http.StatusNotFound, "bt_admin": http.StatusNotFound, "reviewer": http.StatusForbidden} {
			if r := e.do(req{method: "PUT", path: path, body: body, bearer: e.token(who, "directory")}); r.Code != want {
				t.Errorf("%s verified the citizen: %d %s, want %d", who, r.Code, r.body, want)
			}
		}
		admin := e.token("admin", "directory")
		if r := e.do(req{method: "PUT", path: path, body: `{"verified":true}`, bearer: admin}); r.Code != 422 || errorShape(t, r).fieldNames() != "note" {
			t.Errorf("verification without saying how: %d %s", r.Code, r.body)
		}
		r := e.do(req{method: "PUT", path: path, body: body, bearer: admin})
		if r.Code != 200 || !strings.Contains(r.body, `"verified":true`) || !strings.Contains(r.body, `"verified_via":"authority"`) {
			t.Fatalf("verify: %d %s", r.Code, r.body)
		}
		recs, _, err := e.a.Audit.Search(t.Context(), audit.Filter{Action: "identity.user.verify", ObjectID: citizen.ID, Limit: 10})
		if err != nil || len(recs) != 1 || recs[0].ActorName != "admin" {
			t.Fatalf("verification not audited: %v %+v", err, recs)
		}
		if r := e.do(req{method: "GET", path: "/api/v1/me", bearer: e.token("citizen", "read")}); !strings.Contains(r.body, `"verified":true`) {
			t.Errorf("me after verification: %s", r.body)
		}
	})
}
