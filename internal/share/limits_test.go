package share_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/server"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
	"pubdata/internal/workday"
)

// approvedWith files a population request for 民政厅 and has 公安厅's approver grant it with the
// given limits; it returns the grant id and a gateway credential (principal and secret).
func approvedWith(t testing.TB, a *app.App, scenario string, fields, clear []string, mode share.Mode, lim share.GrantLimits) (string, *authz.Principal, string) {
	t.Helper()
	civil := who(t, a, "civil")
	in := popRequest(scenario)
	in.Fields, in.ClearFields, in.Mode = fields, clear, mode
	r, err := a.Share.File(ctx, civil, in)
	must(t, err)
	r, err = a.Share.Approve(ctx, who(t, a, "approver"), r.ID, share.Approval{Limits: lim})
	must(t, err)
	secret, _, err := a.Share.IssueCredential(ctx, civil, r.GrantID)
	must(t, err)
	p, err := a.Identity.TokenPrincipal(ctx, secret)
	must(t, err)
	return r.GrantID, p, secret
}

// An API grant answers per record (SHR-10): no unfiltered listing, filters only on the fields
// the grant marks filterable — by default the key and ID numbers, or those the approver lists
// (in clear or the key). Limits above the defaults need a reason and stay under the region's caps.
func TestAPIGrantCannotEnumerate(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		loadPopulation(t, a)
		civil, approver := who(t, a, "civil"), who(t, a, "approver")

		// Approval checks the limits it sets.
		r, err := a.Share.File(ctx, civil, popRequest("限额校验"))
		must(t, err)
		_, err = a.Share.Approve(ctx, approver, r.ID, share.Approval{Limits: share.GrantLimits{RatePerMinute: a.Share.Limits.CallsPerMinute + 1,
			DailyQuota: -1, Filterable: []string{"phone", "nope"}}})
		wantFields(t, err, "limits.reason", "limits.daily_quota", "limits.filterable")
		_, err = a.Share.Approve(ctx, approver, r.ID, share.Approval{Limits: share.GrantLimits{DailyQuota: a.Share.Limits.CapPerDay + 1, Reason: "全省批量核对"}})
		wantFields(t, err, "limits.daily_quota")
		r, err = a.Share.Approve(ctx, approver, r.ID, share.Approval{Limits: share.GrantLimits{DailyQuota: 50000, Reason: "全省养老金资格认证集中核对"}})
		must(t, err)
		g, err := a.Share.GetGrant(ctx, civil, r.GrantID)
		must(t, err)
		if g.Limits.DailyQuota != 50000 || g.Limits.RatePerMinute != a.Share.Limits.CallsPerMinute || g.Limits.Reason == "" {
			t.Fatalf("grant limits %+v", g.Limits)
		}

		// The default: keyed lookups and queries on the key; no listing, no other filter.
		_, gp, _ := approvedWith(t, a, "默认筛选", []string{"citizen_id", "name", "birth_date", "region_code"}, []string{"name"}, share.ModeAPI, share.GrantLimits{})
		p3 := person(3)
		info, err := a.Share.GatewayInfo(ctx, gp, "")
		must(t, err)
		if !slices.Equal(info.Filterable, []string{"citizen_id"}) || info.RatePerMinute != a.Share.Limits.CallsPerMinute || info.DailyQuota != a.Share.Limits.CallsPerDay {
			t.Fatalf("grant as the gateway applies it: %+v", info)
		}
		_, _, err = a.Share.Query(ctx, gp, "", nil, 50, 0)
		wantCode(t, err, "share.filter_required")
		if e := apperr.As(err); e.Status != 403 || e.ZH == "" || e.EN == "" {
			t.Fatalf("unfiltered listing: %+v", e)
		}
		_, _, err = a.Share.Query(ctx, gp, "", map[string]string{"region_code": p3[6]}, 50, 0)
		wantFields(t, err, "filter.region_code")
		_, _, err = a.Share.Query(ctx, gp, "", map[string]string{"citizen_id": " "}, 50, 0)
		wantFields(t, err, "filter.citizen_id")
		items, total, err := a.Share.Query(ctx, gp, "", map[string]string{"citizen_id": p3[0]}, 50, 0)
		must(t, err)
		if total != 1 || len(items) != 1 || items[0].Values["name"] != p3[1] {
			t.Fatalf("query by key: %d %v", total, items)
		}

		// The approver marked birth_date filterable: that filter works, others still do not.
		_, gp2, _ := approvedWith(t, a, "按出生日期", []string{"citizen_id", "name", "birth_date", "phone"}, []string{"name"}, share.ModeAPI,
			share.GrantLimits{Filterable: []string{"birth_date"}})
		items, _, err = a.Share.Query(ctx, gp2, "", map[string]string{"birth_date": p3[3]}, 50, 0)
		must(t, err)
		if len(items) == 0 || items[0].Values["birth_date"] != p3[3] {
			t.Fatalf("query on a field marked filterable: %v", items)
		}
		_, _, err = a.Share.Query(ctx, gp2, "", map[string]string{"citizen_id": p3[0]}, 50, 0)
		wantFields(t, err, "filter.citizen_id")
		_, _, err = a.Share.Query(ctx, gp2, "", nil, 50, 0)
		wantCode(t, err, "share.filter_required")

		// Refusals are audited as denied.
		recs, _, err := a.Audit.Search(ctx, audit.Filter{GrantID: gp.Subject, Action: "share.gateway.query"})
		must(t, err)
		denied := 0
		for _, rec := range recs {
			if rec.Result == audit.Denied {
				denied++
			}
		}
		if len(recs) != 4 || denied != 3 {
			t.Fatalf("%d queries audited, %d denied; want 4 and 3", len(recs), denied)
		}
	})
}

// call429 makes a gateway call and reads the answer: its error code and the Retry-After header in seconds.
func call429(t *testing.T, method, url, token string, body string) (int, string, int) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	var e struct {
		Error struct {
			Code      string `json:"code"`
			Message   string `json:"message"`
			MessageEN string `json:"message_en"`
		} `json:"error"`
	}
	if resp.StatusCode != 200 {
		must(t, json.NewDecoder(resp.Body).Decode(&e))
		if e.Error.Message == "" || e.Error.MessageEN == "" {
			t.Fatalf("%s %s: HTTP %d without a message: %+v", method, url, resp.StatusCode, e)
		}
	}
	ra, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	if resp.StatusCode == 429 && ra < 1 {
		t.Fatalf("%s %s: 429 without Retry-After (%q)", method, url, resp.Header.Get("Retry-After"))
	}
	return resp.StatusCode, e.Error.Code, ra
}

// Every gateway call kind counts against its grant's daily quota and rate; over them the answer
// is 429 in the error shape with Retry-After (the rest of the day, or until the rate allows).
func TestEveryCallKindAnswers429WithRetryAfter(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-30 10:00")
		a := testutil.DemoApp(t, d, clock)
		loadPopulation(t, a)
		h, _, err := server.Handler(a, false)
		must(t, err)
		srv := httptest.NewServer(h)
		defer srv.Close()
		gw := srv.URL + "/api/v1/gateway"
		untilMidnight := 14 * 3600 // 10:00 → 24:00 Asia/Shanghai

		// lookup, query and info on an API grant with a quota of 3 calls a day.
		_, _, tok := approvedWith(t, a, "配额 接口", []string{"citizen_id", "name"}, nil, share.ModeAPI, share.GrantLimits{DailyQuota: 3})
		p1 := person(1)[0]
		for i, c := range []struct{ method, path string }{{"GET", "/records/" + p1}, {"GET", "/records?citizen_id=" + p1}, {"GET", "/grant"}} {
			if st, code, _ := call429(t, c.method, gw+c.path, tok, ""); st != 200 {
				t.Fatalf("call %d within the quota: HTTP %d %s", i+1, st, code)
			}
		}
		for _, path := range []string{"/records/" + p1, "/records?citizen_id=" + p1, "/grant"} {
			st, code, ra := call429(t, "GET", gw+path, tok, "")
			if st != 429 || code != "share.quota_exceeded" || ra != untilMidnight {
				t.Fatalf("GET %s over the quota: HTTP %d %s, Retry-After %d (want %d)", path, st, code, ra, untilMidnight)
			}
		}

		// export on a table grant with a quota of 1.
		xtok := dibaoGrant(t, a, "配额 库表", share.KindData, share.ModeTable, 1)
		if st, code, _ := call429(t, "GET", gw+"/export?format=csv", xtok, ""); st != 200 {
			t.Fatalf("export within the quota: HTTP %d %s", st, code)
		}
		if st, code, ra := call429(t, "GET", gw+"/export?format=csv", xtok, ""); st != 429 || code != "share.quota_exceeded" || ra != untilMidnight {
			t.Fatalf("export over the quota: HTTP %d %s, Retry-After %d", st, code, ra)
		}

		// verify on a verification grant with a quota of 1.
		body := fmt.Sprintf(`{"items":[{"key":%q}]}`, p1)
		vg := dibaoGrant(t, a, "配额 核验比对", share.KindVerify, share.ModeAPI, 1)
		if st, code, _ := call429(t, "POST", gw+"/verify", vg, body); st != 200 {
			t.Fatalf("verify within the quota: HTTP %d %s", st, code)
		}
		if st, code, ra := call429(t, "POST", gw+"/verify", vg, body); st != 429 || code != "share.quota_exceeded" || ra != untilMidnight {
			t.Fatalf("verify over the quota: HTTP %d %s, Retry-After %d", st, code, ra)
		}

		// The rate: 4 calls a minute allows one call, then one every 15 seconds.
		_, _, rtok := approvedWith(t, a, "频率", []string{"citizen_id"}, nil, share.ModeAPI, share.GrantLimits{RatePerMinute: 4})
		if st, code, _ := call429(t, "GET", gw+"/records/"+p1, rtok, ""); st != 200 {
			t.Fatalf("first call: HTTP %d %s", st, code)
		}
		if st, code, ra := call429(t, "GET", gw+"/records/"+p1, rtok, ""); st != 429 || code != "share.rate_limited" || ra != 15 {
			t.Fatalf("second call at once: HTTP %d %s, Retry-After %d (want 15)", st, code, ra)
		}
		clock.Set("2026-09-30 10:01")
		if st, code, _ := call429(t, "GET", gw+"/records/"+p1, rtok, ""); st != 200 {
			t.Fatalf("after the wait: HTTP %d %s", st, code)
		}
		// The next day the quota is there again.
		clock.Set("2026-10-01 08:00")
		if st, code, _ := call429(t, "GET", gw+"/records/"+p1, tok, ""); st != 200 {
			t.Fatalf("next day: HTTP %d %s", st, code)
		}
	})
}

// dibaoGrant has 公安厅 (consumer) ask 民政厅 for a grant on its allowance entry with a daily
// quota of calls, and returns a credential's secret.
func dibaoGrant(t testing.TB, a *app.App, scenario string, kind share.Kind, mode share.Mode, quota int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("citizen_id,name,area_type,allowance,approve_date\n")
	for i := 0; i < 3; i++ {
		p := person(i)
		fmt.Fprintf(&b, "%s,%s,城市,%d.00,2026-0%d-15\n", p[0], p[1], 600+i, 1+i)
	}
	_, err := a.Ingest.Load(ctx, who(t, a, "civil"), ingest.LoadRequest{EntryID: demo.EntryDibao, Channel: ingest.ChannelFile, Format: ingest.FormatCSV,
		FileName: "dibao.csv", Body: strings.NewReader(b.String()), Mode: ingest.ModeReplace})
	must(t, err)
	officer := who(t, a, "officer")
	fields := []string{"citizen_id", "name"}
	if kind == share.KindVerify { // a verification compares the key (masked items cannot be compared)
		fields = fields[:1]
	}
	r, err := a.Share.File(ctx, officer, share.NewRequest{Kind: kind, EntryID: demo.EntryDibao, Fields: fields, Scenario: scenario,
		Purpose: "核验", LegalBasis: "《社会救助暂行办法》", Mode: mode, EndDate: "2026-12-31", Authenticity: true, Compliance: true, Security: true})
	must(t, err)
	r, err = a.Share.Approve(ctx, who(t, a, "civil_approver"), r.ID, share.Approval{Limits: share.GrantLimits{DailyQuota: quota}})
	must(t, err)
	secret, _, err := a.Share.IssueCredential(ctx, officer, r.GrantID)
	must(t, err)
	return secret
}

// The daily quota holds across nodes: two app instances on one database, calls alternating,
// never serve more than the quota between them, and both refuse once it is used up. (What a
// node has reserved and not used yet counts as used: at most a chunk per node.)
func TestQuotaHoldsAcrossNodes(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		loadPopulation(t, a)
		node2 := share.New(a.DB, a.Audit, a.Identity, a.Notify, a.Calendar, a.Catalog, a.Ingest)
		node2.Now = a.Now
		const quota = 200
		grant, gp, _ := approvedWith(t, a, "两节点配额", []string{"citizen_id"}, nil, share.ModeAPI,
			share.GrantLimits{DailyQuota: quota, RatePerMinute: a.Share.Limits.CapPerMinute, Reason: "两节点测试"})
		nodes := []*share.Service{a.Share, node2}
		served, refused := [2]int{}, [2]int{}
		for i := 0; i < quota+60; i++ {
			n := i % 2
			_, err := nodes[n].Lookup(ctx, gp, "", person(i % persons)[0])
			switch {
			case err == nil:
				served[n]++
			case apperr.As(err).Code == "share.quota_exceeded":
				refused[n]++
			default:
				t.Fatalf("call %d on node %d: %v", i, n+1, err)
			}
		}
		total := served[0] + served[1]
		if total > quota || total < quota-2*10 || served[0] == 0 || served[1] == 0 || refused[0] == 0 || refused[1] == 0 {
			t.Fatalf("served %v refused %v under a quota of %d", served, refused, quota)
		}
		var reserved int
		must(t, d.QueryRowContext(ctx, "SELECT n FROM share_rate WHERE grant_id = $1 AND win = $2", grant, "q2026-09-30").Scan(&reserved))
		if reserved != quota {
			t.Fatalf("%d calls reserved in the database; want the whole quota %d", reserved, quota)
		}
	})
}

// Unusual volume — 10× the grant's median day, or bulk off hours — alerts the providing agency's
// security officer through the inbox, once per grant and day, and is audited.
func TestUnusualVolumeAlertsSecurityOfficer(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-30 10:00")
		a := testutil.DemoApp(t, d, clock)
		loadPopulation(t, a)
		a.Share.Limits.AlertMinCalls = 20
		lim := share.GrantLimits{RatePerMinute: a.Share.Limits.CapPerMinute, Reason: "批量核对"}
		grant, gp, _ := approvedWith(t, a, "异常调用量", []string{"citizen_id"}, nil, share.ModeAPI, lim)
		// Four weeks of history: 3 calls a day, so today's alert threshold is 30.
		for i := 1; i <= 28; i++ {
			day := workday.Format(clock.Now().AddDate(0, 0, -i))
			_, err := d.ExecContext(ctx, "INSERT INTO share_stats (grant_id, day, org_id, calls) VALUES ($1,$2,$3,3)", grant, day, demo.OrgCivil)
			must(t, err)
		}
		lookups := func(gp *authz.Principal, n int) {
			for i := 0; i < n; i++ {
				_, err := a.Share.Lookup(ctx, gp, "", person(i % persons)[0])
				must(t, err)
			}
		}
		security, approver := who(t, a, "security"), who(t, a, "approver")
		alerts := func(p *authz.Principal, grant string) int { return countKind(inbox(t, a, p), "flag", grant) }
		lookups(gp, 29)
		must(t, a.Share.Anomalies(ctx))
		if n := alerts(security, grant); n != 0 {
			t.Fatalf("29 calls against a median of 3 alerted %d times", n)
		}
		lookups(gp, 1)
		must(t, a.Share.Anomalies(ctx))
		lookups(gp, 30)
		must(t, a.Share.Anomalies(ctx))
		if n := alerts(security, grant); n != 1 {
			t.Fatalf("security officer has %d alerts; want 1", n)
		}
		if n := alerts(approver, grant); n != 0 {
			t.Fatalf("the alert reached the approver too (%d)", n)
		}
		recs, _, err := a.Audit.Search(ctx, audit.Filter{GrantID: grant, Action: "share.grant.anomaly"})
		must(t, err)
		if len(recs) != 1 || !strings.Contains(recs[0].DetailJSON, "volume") {
			t.Fatalf("anomaly audit: %+v", recs)
		}

		// Off hours: 20 calls late at night on a grant with no history.
		_, gp2, _ := approvedWith(t, a, "夜间批量", []string{"citizen_id"}, nil, share.ModeAPI, lim)
		clock.Set("2026-09-30 23:10")
		lookups(gp2, 20)
		must(t, a.Share.Anomalies(ctx))
		if n := alerts(security, gp2.Subject); n != 1 {
			t.Fatalf("off-hours bulk alerted %d times; want 1", n)
		}
		recs, _, err = a.Audit.Search(ctx, audit.Filter{GrantID: gp2.Subject, Action: "share.grant.anomaly"})
		must(t, err)
		if len(recs) != 1 || !strings.Contains(recs[0].DetailJSON, "off_hours") {
			t.Fatalf("off-hours audit: %+v", recs)
		}
	})
}
