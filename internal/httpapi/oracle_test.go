package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ids"
	"pubdata/internal/ingest"
	mktpkg "pubdata/internal/market"
	"pubdata/internal/open"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
	"pubdata/internal/validate"
)

// No existence oracle (issue #9 item 8). Every route that names one record ({id}, {key}), read or
// change, is tried on a real record of the demo by an outsider — a user of another region's
// agency, who may not read it — and on a record that does not exist: the two answers must be the
// same bytes, 404 not_found. Every change is also tried by a reader of the record who may not make
// it (an auditor, who reads every region's records): 403, which tells it nothing it could not read.
// Routes whose records are not in the table below are listed in the test log as not tried.
func TestRecordRoutesAnswerOutsidersAsNotFound(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		one := func(q string, args ...any) string {
			t.Helper()
			var s string
			if err := d.QueryRowContext(ctx, q, args...).Scan(&s); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return s
		}
		who := func(name string) *authz.Principal {
			t.Helper()
			u, err := e.a.Identity.UserByName(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			p, err := e.a.Identity.Principal(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		officer, civil, market := who("officer"), who("civil"), who("market")
		now := time.Now().UnixMilli()

		// Records of every kind, in the province (the outsider is in Baotou).
		e.token("officer", authz.ScopeRead)
		sys, err := e.a.Catalog.SaveSystem(ctx, civil, catalog.System{Name: "婚姻登记管理信息系统", Stage: catalog.StageBuilding})
		if err != nil {
			t.Fatal(err)
		}
		doc, err := e.a.Catalog.AttachDoc(ctx, civil, sys.ID, catalog.DocOther, "说明.txt", "text/plain", []byte("说明"))
		if err != nil {
			t.Fatal(err)
		}
		pu, err := e.a.Catalog.RequestPurchase(ctx, market, catalog.Purchase{Name: "企业舆情数据", Supplier: "某数据服务公司", Purpose: "信用监管", Amount: "12 万元"})
		if err != nil {
			t.Fatal(err)
		}
		ret, err := e.a.Ingest.RequestReturn(ctx, who("bt_admin"), ingest.ReturnInput{EntryID: demo.EntryPopulation, Purpose: "包头市人口服务", Fields: []string{"citizen_id", "name"}}, "")
		if err != nil {
			t.Fatal(err)
		}
		national, err := e.a.Share.FileNational(ctx, who("civil"), share.NewNational{DataWanted: "跨省婚姻登记信息", Source: "民政部", Purpose: "核验", Basis: "《婚姻登记条例》"})
		if err != nil {
			t.Fatal(err)
		}
		level, err := e.a.Catalog.SubmitLevelReport(ctx, who("bt_admin"), "")
		if err != nil {
			t.Fatal(err)
		}
		reassess, source, hook, secrec, consent := ids.New(), ids.New(), ids.New(), ids.New(), ids.New()
		citizen := who("citizen")
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{"INSERT INTO catalog_reassessments (id, entry_id, org_id, due_date, created_at) VALUES ($1,$2,$3,$4,$5)",
				[]any{reassess, demo.EntryPopulation, demo.OrgPublicSec, "2026-12-31", now}},
			{"INSERT INTO ingest_sources (id, entry_id, org_id, name, driver, dsn_enc, query, mode, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
				[]any{source, demo.EntryPopulation, demo.OrgPublicSec, "户籍库", "postgres", "x", "SELECT 1", "replace", now}},
			{"INSERT INTO security_records (id, kind, title, region_code, state, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7)",
				[]any{secrec, "check", "季度安全检查", demo.RegionProvince, "open", "admin", now}},
			{"INSERT INTO subj_authorizations (id, subject_user, subject_ref, grantee_org_id, items, purpose, start_date, end_date, state, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)",
				[]any{consent, citizen.UserID, "ref-demo", demo.OrgPublicSec, `["name"]`, "办理业务", "2026-01-01", "2026-12-31", "active", now}},
			{"INSERT INTO webhooks (id, org_id, user_id, url, secret, created_at) VALUES ($1,$2,$3,$4,$5,$6)",
				[]any{hook, demo.OrgPublicSec, officer.UserID, "https://hooks.example.org/pd", "s", now}},
		} {
			if _, err := d.ExecContext(ctx, q.sql, q.args...); err != nil {
				t.Fatal(err)
			}
		}
		people, _, err := e.a.Ingest.Query(ctx, demo.EntryPopulation, nil, 1, 0)
		if err != nil || len(people) == 0 {
			t.Fatalf("no resident in the demo: %v", err)
		}
		// Market records (MKT-1 … MKT-4, OPR-11), all in the province.
		mk := e.a.Market
		mAdmin, mOp := who("admin"), who("operator")
		popProduct := one("SELECT id FROM opr_products WHERE name = $1", demo.DemoProductPopulation)
		check := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		mAsset, err := mk.RegisterAsset(ctx, market, mktpkg.AssetInput{Name: "市场主体登记数据资产", EntryID: demo.EntryEnterprise, Cost: "120 万元", Usage: "核验"})
		check(err)
		mRight, err := mk.RecordRight(ctx, mAdmin, mktpkg.RightInput{ObjectKind: mktpkg.ObjectProduct, ObjectID: popProduct, Kind: mktpkg.RightOperation,
			HolderOrgID: demo.OrgOperator, BasisKind: mktpkg.BasisAuthorization, BasisRef: "授权书", ValidFrom: "2020-01-01", ValidTo: "2099-12-31"})
		check(err)
		mListing, err := mk.List(ctx, mOp, mktpkg.ListingInput{ProductID: popProduct, SourceStatement: "数据来源于公安厅常住人口信息，经授权运营"})
		check(err)
		mTrade, err := mk.RecordTrade(ctx, mOp, mListing.ID, mktpkg.TradeInput{BuyerOrgID: demo.OrgAppUnit, BuyerPerson: "朱应用", SellerPerson: "杨运营",
			Price: "1000 元", Scope: "风控", PeriodFrom: "2026-01-01", PeriodTo: "2026-12-31", Delivery: "api"})
		check(err)
		mBroker, err := mk.RegisterBroker(ctx, mAdmin, mktpkg.BrokerInput{Kind: mktpkg.BrokerKind, Name: "数据经纪公司", CreditCode: validate.MakeCreditCode('9', '1', "150100", "MA0N00009"), Person: "李经纪"})
		check(err)
		mReport, err := mk.FileReport(ctx, mOp, mktpkg.ReportInput{Kind: "outsourcing", Title: "外包决定", Body: "拟外包数据清洗"})
		check(err)
		mLetter, err := mk.IssueLetter(ctx, mAdmin, mktpkg.LetterInput{OrgID: demo.OrgOperator, Kind: mktpkg.LetterRectify, Body: "请整改"})
		check(err)
		firstKey := people[0].Values["citizen_id"]
		// A renewal and a scheduled use report of the civil affairs agency's grant, a showcase
		// submission awaiting moderation, and the citizen's own open API key.
		civilGrant := one("SELECT id FROM share_grants WHERE consumer_org_id = $1 ORDER BY id LIMIT 1", demo.OrgCivil)
		renewal, useReport, showcase := ids.New(), ids.New(), ids.New()
		d.ExecContext(ctx, "DELETE FROM share_renewals WHERE grant_id = $1 AND state = 'pending'", civilGrant)
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{"INSERT INTO share_renewals (id, grant_id, request_id, state, old_end_date, mode, end_date, reason, requested_at, due_date, updated_at) " +
				"SELECT $1, id, request_id, 'pending', end_date, mode, '2099-12-31', '继续使用', $2, '2099-01-01', $2 FROM share_grants WHERE id = $3", []any{renewal, now, civilGrant}},
			{"INSERT INTO share_use_reports (id, grant_id, seq, period_from, period_to, due_date, state, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
				[]any{useReport, civilGrant, 999, "2026-01-01", "2026-03-31", "2026-04-15", "due", now}},
			{"INSERT INTO open_showcase (id, title, kind, description, submitter_name, contact, state, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
				[]any{showcase, "公交到站查询", "app", "利用公交开放数据", "张三", "z@example.org", "pending", now}},
		} {
			if _, err := d.ExecContext(ctx, q.sql, q.args...); err != nil {
				t.Fatal(err)
			}
		}
		openKey, err := e.a.Open.CreateKey(ctx, citizen, open.KeyInput{Name: "我的密钥"})
		check(err)
		// Public records (open datasets, plans and demands): everyone reads them, so a change by
		// someone who may not make it is 403 and a missing one 404 — that tells nothing new.
		firstOf := func(path, field string) string {
			t.Helper()
			r := e.do(req{method: "GET", path: path})
			var out struct {
				Items []map[string]any `json:"items"`
			}
			if err := json.Unmarshal([]byte(r.body), &out); err != nil || len(out.Items) == 0 {
				return "" // none in the demo: the routes are reported as not tried
			}
			v, _ := out.Items[0][field].(string)
			return v
		}
		params := map[string]string{
			"/api/v1/tokens/{id}":                 one("SELECT id FROM api_tokens WHERE user_id = $1", officer.UserID),
			"/api/v1/users/{id}":                  officer.UserID,
			"/api/v1/notifications/{id}":          one("SELECT id FROM notifications WHERE user_id = $1 OR org_id = $2 ORDER BY id LIMIT 1", officer.UserID, demo.OrgPublicSec),
			"/api/v1/webhooks/{id}":               hook,
			"/api/v1/catalog/entries/{id}":        demo.EntryDraftFamilyDoctor, // a draft: only its agency, the authority and auditors read it
			"/api/v1/catalog/systems/{id}":        sys.ID,
			"/api/v1/catalog/documents/{id}":      doc.ID,
			"/api/v1/catalog/purchases/{id}":      pu.ID,
			"/api/v1/catalog/reassessments/{id}":  reassess,
			"/api/v1/catalog/level-reports/{id}":  level.ID,
			"/api/v1/share/national/{id}":         national.ID,
			"/api/v1/ingest/entries/{id}":         demo.EntryPopulation,
			"/api/v1/ingest/loads/{id}":           one("SELECT id FROM ingest_loads WHERE entry_id = $1 ORDER BY id LIMIT 1", demo.EntryPopulation),
			"/api/v1/ingest/sources/{id}":         source,
			"/api/v1/ingest/returns/{id}":         ret.ID,
			"/api/v1/ingest/bases/{base}":         "population",
			"/api/v1/quality/entries/{id}":        demo.EntryPopulation,
			"/api/v1/quality/rules/{id}":          one("SELECT id FROM quality_rules ORDER BY id LIMIT 1"),
			"/api/v1/quality/tasks/{id}":          one("SELECT id FROM quality_tasks ORDER BY id LIMIT 1"),
			"/api/v1/quality/objections/{id}":     one("SELECT id FROM quality_objections ORDER BY id LIMIT 1"),
			"/api/v1/share/requests/{id}":         one("SELECT id FROM share_requests WHERE consumer_org_id = $1 ORDER BY id LIMIT 1", demo.OrgCivil),
			"/api/v1/share/grants/{id}":           one("SELECT id FROM share_grants WHERE consumer_org_id = $1 ORDER BY id LIMIT 1", demo.OrgCivil),
			"/api/v1/share/demands/{id}":          one("SELECT id FROM share_demands ORDER BY id LIMIT 1"),
			"/api/v1/sanctions/{id}":              one("SELECT id FROM sanctions ORDER BY id LIMIT 1"),
			"/api/v1/security/records/{id}":       secrec,
			"/api/v1/share/escalations/{id}":      one("SELECT id FROM escalations ORDER BY id LIMIT 1"),
			"/api/v1/me/authorizations/{id}":      consent,
			"/api/v1/operate/products/{id}":       one("SELECT id FROM opr_products ORDER BY id LIMIT 1"),
			"/api/v1/operate/views/{id}":          one("SELECT id FROM opr_views WHERE org_id = $1 ORDER BY id LIMIT 1", demo.OrgPublicSec),
			"/api/v1/operate/applications/{id}":   one("SELECT id FROM opr_applications ORDER BY id LIMIT 1"),
			"/api/v1/operate/agreements/{id}":     one("SELECT id FROM opr_agreements ORDER BY id LIMIT 1"),
			"/api/v1/operate/units/{id}":          one("SELECT org_id FROM opr_units ORDER BY org_id LIMIT 1"),
			"/api/v1/operate/board/{id}":          one("SELECT id FROM opr_posts WHERE kind = 'need' ORDER BY id LIMIT 1"),
			"/api/v1/open/applications/{id}":      one("SELECT id FROM open_applications ORDER BY id LIMIT 1"),
			"/api/v1/market/assets/{id}":          mAsset.ID,
			"/api/v1/market/rights/{id}":          mRight.ID,
			"/api/v1/market/products/{id}":        popProduct,
			"/api/v1/market/listings/{id}":        mListing.ID,
			"/api/v1/market/trades/{id}":          mTrade.ID,
			"/api/v1/market/brokers/{id}":         mBroker.ID,
			"/api/v1/market/reports/{id}":         mReport.ID,
			"/api/v1/market/letters/{id}":         mLetter.ID,
			"/api/v1/market/units/{id}":           demo.OrgOperator,
			"{key}":                               firstKey,
			"{version}":                           "1",
			"{scope}":                             catalog.OverrideShare,
			"{event}":                             "terminate",
			"/api/v1/supervision/notices/{id}":    one("SELECT id FROM sup_notices WHERE org_id = $1 ORDER BY id LIMIT 1", demo.OrgCivil),
			"/api/v1/supervision/reports/{id}":    one("SELECT id FROM sup_reports ORDER BY id LIMIT 1"),
			"/api/v1/supervision/dishonesty/{id}": one("SELECT id FROM sup_dishonesty ORDER BY id LIMIT 1"),
			"/api/v1/assessments/{id}":            one("SELECT id FROM assess_plans ORDER BY id LIMIT 1"),
			"{org}":                               demo.OrgCivil,
			"{item}":                              demo.EntryWater,
			"/api/v1/share/renewals/{id}":         renewal,
			"/api/v1/share/use-reports/{id}":      useReport,
			"/api/v1/open/complaints/{id}":        one("SELECT id FROM open_complaints ORDER BY id LIMIT 1"),
			"/api/v1/open/keys/{id}":              openKey.ID,
			"/api/v1/open/showcase/{id}":          showcase,
			"/api/v1/open/datasets/{id}":          firstOf("/api/v1/open/datasets", "id"),
			"/api/v1/open/plans/{id}":             firstOf("/api/v1/open/plans", "id"),
			"/api/v1/open/demands/{number}":       firstOf("/api/v1/open/demands", "number"),
		}
		for k, v := range params {
			if v == "" {
				delete(params, k)
			}
		}
		public := []string{"/api/v1/open/datasets/{id}", "/api/v1/open/plans/{id}", "/api/v1/open/demands/{number}"}
		// Who may not read the record (outsider) and who reads it but may not change it (reader);
		// "" = nobody reads it but those who may also change it (one's own tokens, webhooks, inbox).
		outsider := func(path string) string {
			if strings.Contains(path, "/scores") || strings.Contains(path, "/trend.svg") {
				return "appunit" // every data-holding agency's staff read quality scores (a shared yardstick)
			}
			return "water" // 包头市供水公司's data officer
		}
		reader := func(path string) string {
			// One's own tokens, webhooks and messages; and a dry run of a rule, which its readers may do.
			// A showcase submission awaiting moderation: only its moderators read it.
			for _, own := range []string{"/tokens/", "/webhooks/", "/notifications/", "/rules/try", "/me/authorizations/", "/open/keys/", "/open/showcase/"} {
				if strings.Contains(path, own) {
					return ""
				}
			}
			return "auditor"
		}

		sessions := map[string][2]string{}
		// Bodies that pass validation, so that what is tried is the decision on the record (a
		// malformed body is refused before any record is looked up, alike for all).
		bodies := map[string]string{
			"POST /api/v1/catalog/entries/{id}/legal-change":    `{"note":"职能调整"}`,
			"POST /api/v1/catalog/entries/{id}/return":          `{"reasons":"信息项不全"}`,
			"POST /api/v1/catalog/entries/{id}/withdraw":        `{"reason":"停止采集"}`,
			"POST /api/v1/catalog/purchases/{id}/decide":        `{"approve":true,"note":"同意"}`,
			"POST /api/v1/catalog/purchases/{id}/link":          `{"entry_id":"` + demo.EntryEnterprise + `"}`,
			"POST /api/v1/catalog/reassessments/{id}":           `{"outcome":"keep","note":"维持"}`,
			"POST /api/v1/ingest/entries/{id}/batches":          `{"batch_id":"b1","rows":[{"citizen_id":"x"}]}`,
			"POST /api/v1/ingest/entries/{id}/corrections":      `{"key":"x","values":{"name":"y"},"reason":"更正"}`,
			"PUT /api/v1/ingest/entries/{id}/retention":         `{"keep":5}`,
			"POST /api/v1/quality/tasks/{id}/events":            `{"event":"acknowledge"}`,
			"POST /api/v1/quality/objections/{id}/events":       `{"event":"verify"}`,
			"POST /api/v1/share/demands/{id}/assign":            `{"org_id":"` + demo.OrgHRSS + `"}`,
			"POST /api/v1/share/demands/{id}/complete":          `{"result_entry":"` + demo.EntryEnterprise + `"}`,
			"POST /api/v1/share/demands/{id}/refuse":            `{"reason":"无此数据","legal_basis":"职责"}`,
			"POST /api/v1/share/demands/{id}/return":            `{"reason":"非本部门职责"}`,
			"POST /api/v1/share/demands/{id}/reject":            `{"reason":"不属于共享范围"}`,
			"POST /api/v1/share/grants/{id}/revoke":             `{"reason":"场景结束"}`,
			"POST /api/v1/share/grants/{id}/suspend":            `{"reason":"核查"}`,
			"POST /api/v1/share/requests/{id}/refuse":           `{"reason":"无依据","legal_basis":"条例"}`,
			"POST /api/v1/sanctions/{id}/{event}":               `{"text":"终止"}`,
			"POST /api/v1/security/records/{id}/close":          `{"note":"已处置"}`,
			"POST /api/v1/operate/products/{id}/review":         `{"decision":"reject","note":"核查"}`,
			"POST /api/v1/operate/products/{id}/expert-opinion": `{"opinion":"同意"}`,
			"POST /api/v1/operate/units/{id}/decide":            `{"action":"suspend","reason":"核查"}`,
			"POST /api/v1/operate/applications/{id}/decide":     `{"approve":false,"note":"核查"}`,
			"POST /api/v1/operate/products/{id}/prices":         `{"model":"per_call","unit_cents":100,"cap_cents":1000,"free_conditions":"非营利"}`,
			"POST /api/v1/operate/products/{id}/feedback":       `{"rating":4,"use":"授信","effect":"提速"}`,
			"POST /api/v1/share/national/{id}/steps":            `{"event":"forward","national_ref":"GJ-1"}`,
			"POST /api/v1/security/records/{id}/steps":          `{"note":"已隔离受影响主机"}`,
			"POST /api/v1/security/records/{id}/notified":       `{"recipient":"data_authority","note":"已电话报告"}`,
			"POST /api/v1/open/applications/{id}/events":        `{"event":"approve"}`,
			"POST /api/v1/share/renewals/{id}/approve":          `{"note":"同意"}`,
			"POST /api/v1/share/renewals/{id}/refuse":           `{"reason":"无依据","legal_basis":"条例"}`,
			"POST /api/v1/share/renewals/{id}/withdraw":         `{"note":"不再需要"}`,
			"POST /api/v1/share/use-reports/{id}/submit":        `{"use":"核验婚姻状况","effect":"减少证明材料"}`,
			"POST /api/v1/share/use-reports/{id}/answer":        `{"accept":true}`,
			"POST /api/v1/open/complaints/{id}/events":          `{"event":"verify"}`,
			"POST /api/v1/open/showcase/{id}/moderate":          `{"publish":true}`,
		}
		query := map[string]string{"GET /api/v1/catalog/entries/{id}/diff": "?from=1&to=0"}
		route := ""
		call := func(user, method, path string) resp {
			s, ok := sessions[user]
			if !ok {
				c, csrf := e.session(user)
				s = [2]string{c.Value, csrf}
				sessions[user] = s
			}
			body := ""
			if method == http.MethodPost || method == http.MethodPut {
				body = "{}"
				if b, ok := bodies[method+" "+route]; ok {
					body = b
				}
			}
			ct := ""
			if strings.HasSuffix(route, "/uploads") {
				body, ct = "citizen_id,name\nx,y\n", "text/csv"
			}
			return e.do(req{method: method, path: path + query[method+" "+route], body: body, contentType: ct, cookies: []*http.Cookie{{Name: "pd_session", Value: s[0]}}, csrf: s[1]})
		}
		fill := func(path string, none bool) string {
			out := path
			for k, v := range params {
				if strings.HasPrefix(k, "/") {
					if strings.HasPrefix(out, k) {
						if none {
							v = "zz-no-such"
						}
						out = strings.Replace(out, k, strings.Replace(k, "{"+paramName(k)+"}", v, 1), 1)
					}
				}
			}
			for _, k := range []string{"{key}", "{version}", "{scope}", "{event}", "{org}", "{item}"} {
				v := params[k]
				if none {
					v = "zz-no-such"
				}
				out = strings.ReplaceAll(out, k, v)
			}
			return out
		}

		tried := 0
		for _, rt := range e.api.SortedRoutes() {
			named := (strings.Contains(rt.Path, "{id}") || strings.Contains(rt.Path, "{key}") || strings.Contains(rt.Path, "{number}")) && !strings.Contains(rt.Path, "/orgs/{id}")
			if !named || strings.HasPrefix(rt.Path, "/api/v1/gateway/") {
				continue // the gateway's records are the caller's own grant's (its token names it)
			}
			if strings.Contains(rt.Path, "/complaint-status/") || strings.Contains(rt.Path, "/report-status/") {
				continue // looked up by a filing's number and its access code, by anyone (checked in complaint and supervise)
			}
			where := rt.Method + " " + rt.Path
			route = rt.Path
			real, none := fill(rt.Path, false), fill(rt.Path, true)
			if strings.Contains(real, "{") {
				if rt.Method != http.MethodGet || !slices.ContainsFunc(public, func(p string) bool { return strings.HasPrefix(rt.Path, p) }) {
					t.Errorf("%s: not tried — no record of the demo in the table (every record-addressed route must be)", where)
				} else {
					t.Logf("%s: not tried — no public record of this kind in the demo", where)
				}
				continue
			}
			if slices.ContainsFunc(public, func(p string) bool { return strings.HasPrefix(rt.Path, p) }) {
				if rt.Method == http.MethodGet {
					continue // public records: anyone reads them
				}
				out := outsider(rt.Path)
				got, missing := call(out, rt.Method, real), call(out, rt.Method, none)
				// (Refused before the lookup, for every record alike, is as good.)
				if got.Code != http.StatusForbidden || (got.body != missing.body && missing.Code != http.StatusNotFound) {
					t.Errorf("%s on a public record by one who may not change it (%s): %d %.200s; a missing one: %d %.200s; want 403 and 404 (or the same 403)", where, out, got.Code, got.body, missing.Code, missing.body)
				}
				tried++
				continue
			}
			out := outsider(rt.Path)
			got, missing := call(out, rt.Method, real), call(out, rt.Method, none)
			if got.Code != http.StatusNotFound || errorShape(t, got).Code != "not_found" {
				t.Errorf("%s as an outsider (%s): %d %.200s, want 404 not_found", where, out, got.Code, got.body)
			} else if got.body != missing.body || got.Code != missing.Code {
				t.Errorf("%s: an outsider tells the record from a missing one:\n%d %s\n%d %s", where, got.Code, got.body, missing.Code, missing.body)
			}
			tried++
			if rt.Method == http.MethodGet {
				continue
			}
			if rd := reader(rt.Path); rd != "" {
				r := call(rd, rt.Method, real)
				if r.Code != http.StatusForbidden {
					t.Errorf("%s as a reader without the right (%s): %d %.200s, want 403", where, rd, r.Code, r.body)
				}
			}
		}
		t.Logf("%d record routes tried", tried)
		if tried < 60 {
			t.Fatalf("only %d record routes tried", tried)
		}

		// The web forms that act on one record: the same answers (the error page).
		form := "reason=核查&reasons=核查&legal_basis=条例&note=核查&outcome=keep&event=verify&keep=5&approve=1&org_id=" + demo.OrgHRSS + "&result_entry=" + demo.EntryEnterprise
		forms := map[string]string{ // web path → the API path whose record it acts on
			"/catalog/entries/{id}/edit": "/api/v1/catalog/entries/{id}", "/catalog/entries/{id}/submit": "/api/v1/catalog/entries/{id}",
			"/catalog/entries/{id}/recall": "/api/v1/catalog/entries/{id}", "/catalog/entries/{id}/approve": "/api/v1/catalog/entries/{id}",
			"/catalog/entries/{id}/return": "/api/v1/catalog/entries/{id}", "/catalog/entries/{id}/withdraw": "/api/v1/catalog/entries/{id}",
			"/catalog/entries/{id}/override": "/api/v1/catalog/entries/{id}", "/catalog/entries/{id}/legal-change": "/api/v1/catalog/entries/{id}",
			"/catalog/systems/{id}": "/api/v1/catalog/systems/{id}", "/catalog/systems/{id}/accept": "/api/v1/catalog/systems/{id}", "/catalog/purchases/{id}/decide": "/api/v1/catalog/purchases/{id}",
			"/catalog/reassessments/{id}": "/api/v1/catalog/reassessments/{id}", "/inbox/{id}/read": "/api/v1/notifications/{id}",
			"/tokens/{id}/revoke": "/api/v1/tokens/{id}", "/ingest/entries/{id}/sources": "/api/v1/ingest/entries/{id}",
			"/ingest/sources/{id}/pull": "/api/v1/ingest/sources/{id}", "/ingest/entries/{id}/token": "/api/v1/ingest/entries/{id}",
			"/ingest/entries/{id}/retention": "/api/v1/ingest/entries/{id}", "/ingest/returns/{id}/events": "/api/v1/ingest/returns/{id}",
			"/quality/tasks/{id}/act": "/api/v1/quality/tasks/{id}", "/quality/entries/{id}/rules": "/api/v1/quality/entries/{id}",
			"/quality/rules/{id}/toggle": "/api/v1/quality/rules/{id}", "/quality/rules/{id}/delete": "/api/v1/quality/rules/{id}",
			"/objections/{id}/act": "/api/v1/quality/objections/{id}", "/objections/{id}/correct-record": "/api/v1/quality/objections/{id}", "/share/requests/{id}/approve": "/api/v1/share/requests/{id}",
			"/share/requests/{id}/refuse": "/api/v1/share/requests/{id}", "/share/requests/{id}/forward": "/api/v1/share/requests/{id}",
			"/share/requests/{id}/withdraw": "/api/v1/share/requests/{id}", "/share/requests/{id}/deliver": "/api/v1/share/requests/{id}",
			"/share/grants/{id}/credentials": "/api/v1/share/grants/{id}", "/share/grants/{id}/suspend": "/api/v1/share/grants/{id}",
			"/share/grants/{id}/resume": "/api/v1/share/grants/{id}", "/share/grants/{id}/revoke": "/api/v1/share/grants/{id}",
			"/share/grants/{id}/reports": "/api/v1/share/grants/{id}", "/share/grants/{id}/limits": "/api/v1/share/grants/{id}",
			"/share/demands/{id}/assign": "/api/v1/share/demands/{id}",
			"/share/demands/{id}/reject": "/api/v1/share/demands/{id}", "/share/demands/{id}/accept": "/api/v1/share/demands/{id}",
			"/share/demands/{id}/refuse": "/api/v1/share/demands/{id}", "/share/demands/{id}/return": "/api/v1/share/demands/{id}",
			"/share/demands/{id}/complete": "/api/v1/share/demands/{id}", "/share/demands/{id}/withdraw": "/api/v1/share/demands/{id}",
		}
		post := func(user, path string) resp {
			call(user, "GET", "/api/v1/me") // signs in
			s := sessions[user]
			f := form
			switch {
			case strings.HasPrefix(path, "/quality/tasks/"):
				f = strings.Replace(f, "event=verify", "event=acknowledge", 1)
			case strings.HasSuffix(path, "/approve"):
				f += "&fields=citizen_id"
			}
			if strings.HasSuffix(path, "/upload") { // a file, as the upload form sends it
				return e.do(req{method: "POST", path: path, body: "citizen_id,name\nx,y\n", contentType: "text/csv", csrf: s[1],
					cookies: []*http.Cookie{{Name: "pd_session", Value: s[0]}}})
			}
			return e.do(req{method: "POST", path: path, body: f + "&csrf_token=" + s[1], contentType: "application/x-www-form-urlencoded",
				cookies: []*http.Cookie{{Name: "pd_session", Value: s[0]}}})
		}
		// Every other form that acts on one record (issue #9 item 8: "every record-addressed route").
		for page, api := range map[string]string{
			"/assessments/{id}/weights": "/api/v1/assessments/{id}", "/assessments/{id}/compute": "/api/v1/assessments/{id}", "/assessments/{id}/act": "/api/v1/assessments/{id}",
			"/catalog/systems/{id}/documents": "/api/v1/catalog/systems/{id}", "/catalog/level-reports/{id}/decide": "/api/v1/catalog/level-reports/{id}",
			"/open/complaints/{id}/act": "/api/v1/open/complaints/{id}", "/share/escalations/{id}/urge": "/api/v1/share/escalations/{id}",
			"/share/escalations/{id}/coordinate": "/api/v1/share/escalations/{id}", "/share/escalations/{id}/meetings": "/api/v1/share/escalations/{id}",
			"/share/escalations/{id}/refer": "/api/v1/share/escalations/{id}", "/share/escalations/{id}/opinions": "/api/v1/share/escalations/{id}",
			"/share/escalations/{id}/decide": "/api/v1/share/escalations/{id}", "/ingest/entries/{id}/upload": "/api/v1/ingest/entries/{id}",
			"/market/assets/{id}/review": "/api/v1/market/assets/{id}", "/market/rights/{id}/transfer": "/api/v1/market/rights/{id}",
			"/market/products/{id}/assess": "/api/v1/market/products/{id}", "/market/listings/{id}/delist": "/api/v1/market/listings/{id}",
			"/market/listings/{id}/trades": "/api/v1/market/listings/{id}", "/market/trades/{id}/review": "/api/v1/market/trades/{id}",
			"/market/brokers/{id}/move": "/api/v1/market/brokers/{id}", "/market/brokers/{id}/rate": "/api/v1/market/brokers/{id}",
			"/market/reports/{id}/no-objection": "/api/v1/market/reports/{id}", "/market/letters/{id}/act": "/api/v1/market/letters/{id}",
			"/open/keys/{id}/revoke": "/api/v1/open/keys/{id}", "/open/applications/{id}/act": "/api/v1/open/applications/{id}",
			"/open/applications/{id}/sign": "/api/v1/open/applications/{id}", "/open/showcase/{id}/moderate": "/api/v1/open/showcase/{id}",
			"/operate/units/{id}/decide": "/api/v1/operate/units/{id}", "/operate/applications/{id}/decide": "/api/v1/operate/applications/{id}",
			"/operate/agreements/{id}/sign": "/api/v1/operate/agreements/{id}", "/operate/products/{id}/submit": "/api/v1/operate/products/{id}",
			"/operate/products/{id}/review": "/api/v1/operate/products/{id}", "/operate/products/{id}/expert": "/api/v1/operate/products/{id}",
			"/operate/products/{id}/apply": "/api/v1/operate/products/{id}", "/operate/products/{id}/prices": "/api/v1/operate/products/{id}",
			"/operate/products/{id}/rate": "/api/v1/operate/products/{id}", "/operate/products/{id}/use": "/api/v1/operate/products/{id}",
			"/me/authorizations/{id}/revoke": "/api/v1/me/authorizations/{id}", "/security/{id}/steps": "/api/v1/security/records/{id}",
			"/security/{id}/notified": "/api/v1/security/records/{id}", "/security/{id}/close": "/api/v1/security/records/{id}",
			"/share/grants/{id}/renewals": "/api/v1/share/grants/{id}", "/share/renewals/{id}/approve": "/api/v1/share/renewals/{id}",
			"/share/renewals/{id}/refuse": "/api/v1/share/renewals/{id}", "/share/renewals/{id}/withdraw": "/api/v1/share/renewals/{id}",
			"/share/use-reports/{id}/submit": "/api/v1/share/use-reports/{id}", "/share/use-reports/{id}/answer": "/api/v1/share/use-reports/{id}",
			"/share/national/{id}/steps": "/api/v1/share/national/{id}", "/sanctions/{id}/act": "/api/v1/sanctions/{id}",
			"/supervision/notices/{id}/act": "/api/v1/supervision/notices/{id}", "/supervision/reports/{id}/act": "/api/v1/supervision/reports/{id}",
			"/supervision/dishonesty/{id}/act": "/api/v1/supervision/dishonesty/{id}",
		} {
			forms[page] = api
		}
		// Forms on public records (everyone reads them: a refusal may be 403) and forms that name no
		// record of anyone's (a scheduled job by its fixed name).
		formsPublic := map[string]string{"/open/plans/{id}/items": "/api/v1/open/plans/{id}", "/open/plans/{id}/items/{item}/remove": "/api/v1/open/plans/{id}",
			"/open/demands/{number}/answer": "/api/v1/open/demands/{number}"}
		notRecords := []string{"/jobs/{name}/run"}
		// Every POST form with a path parameter that internal/web/routes.go registers is in one of them.
		src, err := os.ReadFile("../web/routes.go")
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`"POST (/[^"]*\{[^"]*)"`).FindAllStringSubmatch(string(src), -1) {
			if _, ok := forms[m[1]]; !ok && formsPublic[m[1]] == "" && !slices.Contains(notRecords, m[1]) {
				t.Errorf("form POST %s acts on a record and is not tried here: add it to the forms above", m[1])
			}
		}
		fillForm := func(page, api string, none bool) string {
			id := params[api]
			if none {
				id = "zz-no-such"
			}
			return strings.NewReplacer("{id}", id, "{number}", id, "{item}", demo.EntryWater).Replace(page)
		}
		for page, api := range formsPublic {
			if params[api] == "" {
				t.Logf("form POST %s: not tried — no public record of this kind in the demo", page)
				continue
			}
			got, missing := post("water", fillForm(page, api, false)), post("water", fillForm(page, api, true))
			if got.Code != http.StatusForbidden || (missing.Code != http.StatusNotFound && missing.Code != got.Code) {
				t.Errorf("form POST %s on a public record by one who may not change it: %d, a missing one %d; want 403 and 404 (or 403 alike)", page, got.Code, missing.Code)
			}
		}
		formsTried, before := 0, []string(nil)
		defer func() {
			slices.Sort(before)
			t.Logf("%d record forms tried by an outsider; refused alike before the lookup (not 404): %v", formsTried, before)
		}()
		for page, api := range forms {
			id := params[api]
			if id == "" {
				t.Errorf("form POST %s: no record of %s in the table", page, api)
				continue
			}
			got, missing := post("water", strings.Replace(page, "{id}", id, 1)), post("water", strings.Replace(page, "{id}", "zz-no-such", 1))
			// (The page links back to the path it was asked for; otherwise the same bytes.)
			// 404 — or a refusal made before the record is looked up (the outsider may not do this to
			// any record, e.g. a utility applying for a product): the same bytes either way.
			if got.Code != http.StatusNotFound {
				before = append(before, fmt.Sprintf("%s %d", page, got.Code))
			}
			formsTried++
			if got.Code < 400 || got.Code != missing.Code || strings.ReplaceAll(got.body, id, "zz-no-such") != missing.body {
				t.Errorf("form POST %s as an outsider: %d, a missing record %d (bodies equal: %v)", page, got.Code, missing.Code, got.body == missing.body)
			}
			if rd := reader(api); rd != "" && !strings.HasSuffix(page, "/edit") {
				// 403; or the form's own fields refused (400/422) — never "not found" for what it reads.
				if r := post(rd, strings.Replace(page, "{id}", id, 1)); r.Code != http.StatusForbidden && r.Code != http.StatusBadRequest && r.Code != http.StatusUnprocessableEntity {
					t.Errorf("form POST %s as a reader without the right (%s): %d", page, rd, r.Code)
				}
			}
		}
	})
}

// paramName is the name of the path parameter a params key ends with ("{id}" → "id").
func paramName(k string) string {
	i := strings.LastIndex(k, "{")
	return strings.TrimSuffix(k[i+1:], "}")
}
