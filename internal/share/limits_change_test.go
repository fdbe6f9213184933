package share_test

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/server"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
)

// A grant's call limits can be changed after approval by the providing agency's approver only,
// with a reason, never above the region's caps; the change is audited with who and why, the
// consumer is told, and the gateway applies it on the next call — a raised quota lets calls
// through again, a lowered one refuses them. The same through the API and the grant page.
func TestCallLimitsChangeAfterApproval(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		loadPopulation(t, a)
		lim := a.Share.Limits
		gid, gp, _ := approvedWith(t, a, "调整限额", []string{"citizen_id", "name"}, nil, share.ModeAPI, share.GrantLimits{DailyQuota: 2})
		key := person(2)[0]
		lookup := func() error { _, err := a.Share.Lookup(ctx, gp, "", key); return err }
		must(t, lookup())
		must(t, lookup())
		wantCode(t, lookup(), "share.quota_exceeded")

		// Only the provider's approver: not the consumer's approver or officer, not the provider's officer.
		for _, u := range []string{"civil_approver", "civil", "officer"} {
			_, err := a.Share.ChangeLimits(ctx, who(t, a, u), gid, share.LimitsChange{DailyQuota: 100, Reason: "多用一些"})
			if st := apperr.As(err).Status; st != 403 && st != 404 {
				t.Fatalf("%s changed the limits: %v", u, err)
			}
		}
		approver := who(t, a, "approver")
		_, err := a.Share.ChangeLimits(ctx, approver, gid, share.LimitsChange{DailyQuota: 5})
		wantFields(t, err, "limits.reason")
		_, err = a.Share.ChangeLimits(ctx, approver, gid, share.LimitsChange{DailyQuota: lim.CapPerDay + 1, RatePerMinute: -1, Reason: "全省核对"})
		wantFields(t, err, "limits.daily_quota", "limits.rate_per_minute")

		// Raised: the same credential calls again at once (calls so far stay counted).
		g, err := a.Share.ChangeLimits(ctx, approver, gid, share.LimitsChange{DailyQuota: 5, Reason: "月末集中核对"})
		must(t, err)
		if g.Limits.DailyQuota != 5 || g.Limits.RatePerMinute != lim.CallsPerMinute || g.Limits.Reason != "月末集中核对" {
			t.Fatalf("changed limits %+v", g.Limits)
		}
		ok := 0
		for range 5 {
			if err := lookup(); err == nil {
				ok++
			} else {
				wantCode(t, err, "share.quota_exceeded")
			}
		}
		if ok != 3 {
			t.Fatalf("%d calls after raising the quota from 2 to 5 (2 made before, one refused); want 3", ok)
		}

		// Lowered to the defaults' rate and a quota of 1: refused at once.
		_, err = a.Share.ChangeLimits(ctx, approver, gid, share.LimitsChange{DailyQuota: 1, Reason: "发现异常调用，收紧"})
		must(t, err)
		wantCode(t, lookup(), "share.quota_exceeded")

		// Audited with who and why; the consumer is told.
		recs, _, err := a.Audit.Search(ctx, audit.Filter{Action: "share.grant.limits", ObjectID: gid})
		must(t, err)
		if len(recs) != 2 || recs[0].ActorID != approver.UserID || !strings.Contains(recs[0].DetailJSON+recs[1].DetailJSON, "月末集中核对") {
			t.Fatalf("limit changes audited: %+v", recs)
		}
		told := false
		for _, m := range inbox(t, a, who(t, a, "civil")) {
			told = told || (m.ObjectID == gid && strings.Contains(m.BodyZH, "发现异常调用") && strings.Contains(m.BodyEN, "1 a day"))
		}
		if !told {
			t.Fatal("the consumer was not told of the change")
		}

		// A revoked grant's limits no longer change.
		_, err = a.Share.Revoke(ctx, approver, gid, "结束")
		must(t, err)
		_, err = a.Share.ChangeLimits(ctx, approver, gid, share.LimitsChange{DailyQuota: 3, Reason: "再用"})
		wantCode(t, err, "share.bad_state")

		// Through the API and the grant page.
		h, _, err := server.Handler(a, false)
		must(t, err)
		srv := httptest.NewServer(h)
		defer srv.Close()
		gid2, _, _ := approvedWith(t, a, "页面调整限额", []string{"citizen_id", "name"}, nil, share.ModeAPI, share.GrantLimits{})
		prov, cons := login(t, srv.URL, "approver"), login(t, srv.URL, "civil_approver")
		var e apiErr
		if st := cons.do("PUT", "/api/v1/share/grants/"+gid2+"/limits", map[string]any{"daily_quota": 10, "reason": "多用"}, &e); st != 403 && st != 404 {
			t.Fatalf("the consumer's approver through the API: HTTP %d", st)
		}
		if st := prov.do("PUT", "/api/v1/share/grants/"+gid2+"/limits", map[string]any{"daily_quota": 10}, &e); st != 422 || e.Error.Fields[0].Field != "limits.reason" {
			t.Fatalf("without a reason through the API: HTTP %d %+v", st, e)
		}
		var out share.Grant
		if st := prov.do("PUT", "/api/v1/share/grants/"+gid2+"/limits", map[string]any{"daily_quota": 10, "rate_per_minute": 30, "reason": "试运行"}, &out); st != 200 ||
			out.Limits.DailyQuota != 10 || out.Limits.RatePerMinute != 30 {
			t.Fatalf("through the API: HTTP %d %+v", st, out.Limits)
		}
		st, body := prov.page("/share/grants/" + gid2)
		if st != 200 || !strings.Contains(body, `id="limits-form"`) || !strings.Contains(body, `data-quota="10"`) ||
			!strings.Contains(body, fmt.Sprintf(`max="%d"`, lim.CapPerDay)) {
			t.Fatalf("the provider's grant page lacks the limits form: HTTP %d", st)
		}
		if st, body := cons.page("/share/grants/" + gid2); st != 200 || strings.Contains(body, `id="limits-form"`) || !strings.Contains(body, `data-rate="30"`) {
			t.Fatalf("the consumer's grant page: HTTP %d, form shown %v", st, strings.Contains(body, `id="limits-form"`))
		}
		if st, _ := prov.form("/share/grants/"+gid2+"/limits", url.Values{"daily_quota": {fmt.Sprint(lim.CapPerDay + 1)}, "limits_reason": {"全量"}}); st != 422 {
			t.Fatalf("above the cap on the page: HTTP %d", st)
		}
		if st, _ := prov.form("/share/grants/"+gid2+"/limits", url.Values{"daily_quota": {"many"}, "limits_reason": {"全量"}}); st != 422 {
			t.Fatalf("not a number on the page: HTTP %d", st)
		}
		if st, loc := prov.form("/share/grants/"+gid2+"/limits", url.Values{"rate_per_minute": {""}, "daily_quota": {"20"}, "limits_reason": {"扩大试点"}}); st != 303 {
			t.Fatalf("change on the page: HTTP %d %s", st, loc)
		}
		if g := grantOf(t, a, gid2); g.Limits.DailyQuota != 20 || g.Limits.RatePerMinute != lim.CallsPerMinute || g.Limits.Reason != "扩大试点" {
			t.Fatalf("after the page: %+v", g.Limits)
		}
	})
}
