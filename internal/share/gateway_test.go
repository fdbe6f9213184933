package share_test

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/mask"
	"pubdata/internal/quality"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
	"pubdata/internal/validate"
)

// person is the i-th synthetic resident of the population entry.
func person(i int) []string {
	regions := []string{"150102", "150105", "150202", "150203"}
	region := regions[i%len(regions)]
	b := time.Date(1950+i%60, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
	seq := (i / 4) % 1000
	sex := "女"
	if seq%2 == 1 {
		sex = "男"
	}
	names := []string{"张伟", "王芳", "欧阳娜娜", "李强", "刘洋"}
	return []string{validate.MakeCitizenID(region, b, seq), fmt.Sprintf("%s%d", names[i%len(names)], i), sex, b.Format("2006-01-02"),
		fmt.Sprintf("内蒙古自治区包头市昆都仑区钢铁大街%d号", i), fmt.Sprintf("139%08d", i), region}
}

const persons = 40

// loadPopulation loads persons residents into the demo population entry as its source agency.
func loadPopulation(t testing.TB, a *app.App) {
	t.Helper()
	var b strings.Builder
	b.WriteString("citizen_id,name,sex,birth_date,address,phone,region_code\n")
	for i := 0; i < persons; i++ {
		b.WriteString(strings.Join(person(i), ",") + "\n")
	}
	_, err := a.Ingest.Load(ctx, who(t, a, "officer"), ingest.LoadRequest{EntryID: demo.EntryPopulation, Mode: ingest.ModeReplace,
		Channel: ingest.ChannelFile, Format: ingest.FormatCSV, FileName: "pop.csv", Body: strings.NewReader(b.String())})
	must(t, err)
}

// grantFor files a population request for civil affairs and has 公安厅 approve it as given;
// it returns the request and the principal of a fresh gateway credential.
func grantFor(t testing.TB, a *app.App, scenario string, kind share.Kind, fields, clear []string, mode share.Mode) (share.Request, *authz.Principal, string) {
	t.Helper()
	civil := who(t, a, "civil")
	in := popRequest(scenario)
	in.Kind, in.Fields, in.ClearFields, in.Mode = kind, fields, clear, mode
	r, err := a.Share.File(ctx, civil, in)
	must(t, err)
	if r.State == share.StatePending {
		r, err = a.Share.Approve(ctx, who(t, a, "approver"), r.ID, share.Approval{Fields: fields, ClearFields: clear})
		must(t, err)
	}
	secret, _, err := a.Share.IssueCredential(ctx, civil, r.GrantID)
	must(t, err)
	p, err := a.Identity.TokenPrincipal(ctx, secret)
	must(t, err)
	return r, p, secret
}

func TestGatewayLookupFieldsAndMasking(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		loadPopulation(t, a)
		r, gp, _ := grantFor(t, a, "低保户籍核对", share.KindData, []string{"citizen_id", "name", "phone", "birth_date"}, []string{"name"}, share.ModeAPI)
		p0 := person(2)
		out, err := a.Share.Lookup(ctx, gp, "127.0.0.1", p0[0])
		must(t, err)
		want := map[string]string{
			"citizen_id": mask.DefaultRules().Value(catalog.KindCitizenID, p0[0]), // masked: not granted in clear
			"name":       p0[1],                                                   // granted in clear
			"phone":      mask.DefaultRules().Value(catalog.KindPhone, p0[5]),
			"birth_date": p0[3], // a date has no masking rule
		}
		if fmt.Sprint(out.Values) != fmt.Sprint(want) {
			t.Fatalf("lookup values %v\nwant %v", out.Values, want)
		}
		if out.Values["citizen_id"] == p0[0] || !strings.HasPrefix(out.Values["citizen_id"], p0[0][:6]) || out.Values["phone"] != "139****"+p0[5][7:] {
			t.Fatalf("masking: %v", out.Values)
		}
		if !slices.Equal(out.Masked, []string{"citizen_id", "phone"}) || out.Disputed || out.Version == 0 {
			t.Fatalf("masked %v disputed %v version %d", out.Masked, out.Disputed, out.Version)
		}
		// A lower-case x in an ID number is the same key.
		// An unknown key — even one that exists in other entries — is a plain not found.
		_, err = a.Share.Lookup(ctx, gp, "127.0.0.1", validate.MakeCitizenID("150102", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), 998))
		if !errors.Is(err, apperr.NotFound) || apperr.As(err).Code != "not_found" || len(apperr.As(err).Fields) != 0 {
			t.Fatalf("unknown key: %v", err)
		}
		// Query: an API grant answers queries filtered on the fields it marks filterable — by
		// default its key and ID numbers — never an unfiltered listing (SHR-10); granted, clear or
		// key fields only.
		items, total, err := a.Share.Query(ctx, gp, "127.0.0.1", map[string]string{"citizen_id": p0[0]}, 10, 0)
		must(t, err)
		if total != 1 || len(items) != 1 || items[0].Values["birth_date"] != p0[3] || len(items[0].Values) != 4 {
			t.Fatalf("query: total %d items %v", total, items)
		}
		_, _, err = a.Share.Query(ctx, gp, "127.0.0.1", nil, 10, 0)
		wantCode(t, err, "share.filter_required")
		_, _, err = a.Share.Query(ctx, gp, "127.0.0.1", map[string]string{"birth_date": p0[3]}, 10, 0)
		wantFields(t, err, "filter.birth_date")
		_, _, err = a.Share.Query(ctx, gp, "127.0.0.1", map[string]string{"phone": p0[5]}, 10, 0)
		wantFields(t, err, "filter.phone")
		_, _, err = a.Share.Query(ctx, gp, "127.0.0.1", map[string]string{"address": "x"}, 10, 0)
		wantFields(t, err, "filter.address")
		// Every call is audited with the grant and scenario; the key is not stored in clear.
		recs, _, err := a.Audit.Search(ctx, audit.Filter{GrantID: r.GrantID, Action: "share.gateway."})
		must(t, err)
		if len(recs) != 7 {
			t.Fatalf("%d gateway calls audited; want 7", len(recs))
		}
		for _, rec := range recs {
			if rec.Purpose != r.Scenario || rec.ObjectID != demo.EntryPopulation || rec.OrgID != demo.OrgCivil {
				t.Fatalf("audit record %+v", rec)
			}
			if strings.Contains(rec.DetailJSON, p0[0]) || strings.Contains(rec.DetailJSON, p0[5]) {
				t.Fatalf("audit detail holds a clear key: %s", rec.DetailJSON)
			}
		}
		// The key is kept as the platform's keyed hash (HMAC), which the plain SHA-256 of a
		// guessed ID number does not find (SEC-4).
		ref, err := a.Audit.Pseudonym(ctx, p0[0])
		must(t, err)
		traced := 0
		for _, rec := range recs {
			if strings.Contains(rec.DetailJSON, mask.Hash(p0[0])) || strings.Contains(rec.DetailJSON, "key_sha256") {
				t.Fatalf("audit detail holds a plain hash of the key: %s", rec.DetailJSON)
			}
			if rec.Detail["key_hmac"] == ref {
				traced++
			}
		}
		if traced == 0 {
			t.Fatal("the looked-up key's pseudonym is not in the audit detail")
		}
		// Per-grant statistics.
		st, err := a.Share.Stats(ctx, who(t, a, "civil"), r.GrantID)
		must(t, err)
		if len(st) != 1 || st[0].Calls != 3 || st[0].Denied != 4 || st[0].Day != "2026-09-30" {
			t.Fatalf("stats %+v; want 3 calls, 4 denied today", st)
		}
		// A record under objection (异议) is served flagged as disputed, and the agencies holding
		// grants on the entry are told of the objection.
		p5 := person(5)
		_, err = a.Quality.Raise(ctx, who(t, a, "civil"), quality.ObjectionInput{EntryID: demo.EntryPopulation, Key: p5[0], Kind: quality.ObjWrong,
			Fields: []string{"address"}, Description: "住址已变更"}, "")
		must(t, err)
		out5, err := a.Share.Lookup(ctx, gp, "", p5[0])
		must(t, err)
		if !out5.Disputed {
			t.Fatal("a record under objection is not flagged as disputed")
		}
		if out, err := a.Share.Lookup(ctx, gp, "", p0[0]); err != nil || out.Disputed {
			t.Fatalf("an undisputed record: %+v %v", out, err)
		}
		// A logged-in user (not a grant credential) cannot call the gateway.
		_, err = a.Share.Lookup(ctx, who(t, a, "civil"), "", p0[0])
		wantCode(t, err, "share.grant_required")
	})
}

// Suspension, revocation and expiry take effect on the very next call — also on another node
// that has the grant cached.
func TestGatewayRefusalsTakeEffectOnNextCall(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-30 10:00")
		a := testutil.DemoApp(t, d, clock)
		loadPopulation(t, a)
		r, gp, _ := grantFor(t, a, "救助核对", share.KindData, []string{"citizen_id", "name"}, nil, share.ModeAPI)
		node2 := share.New(a.DB, a.Audit, a.Identity, a.Notify, a.Calendar, a.Catalog, a.Ingest)
		node2.Now = a.Now
		node2.PlanTTL = time.Hour // caches as long as it likes
		key := person(1)[0]
		for _, s := range []*share.Service{a.Share, node2} {
			if _, err := s.Lookup(ctx, gp, "", key); err != nil {
				t.Fatal(err)
			}
		}
		approver := who(t, a, "approver")
		_, err := a.Share.Suspend(ctx, approver, r.GrantID, "")
		wantFields(t, err, "reason")
		_, err = a.Share.Suspend(ctx, approver, r.GrantID, "超范围使用，责令整改")
		must(t, err)
		for _, s := range []*share.Service{a.Share, node2} {
			_, err := s.Lookup(ctx, gp, "", key)
			wantCode(t, err, "share.grant_suspended")
		}
		_, err = a.Share.Resume(ctx, approver, r.GrantID, "已整改")
		must(t, err)
		if _, err := node2.Lookup(ctx, gp, "", key); err != nil {
			t.Fatalf("after resume: %v", err)
		}
		// The consumer's approver gives the grant up; the provider's data officer may not revoke.
		if _, err := a.Share.Revoke(ctx, who(t, a, "officer"), r.GrantID, "x"); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("provider data officer revoking: %v", err)
		}
		_, err = a.Share.Revoke(ctx, approver, r.GrantID, "场景已结束")
		must(t, err)
		for _, s := range []*share.Service{a.Share, node2} {
			_, err := s.Lookup(ctx, gp, "", key)
			wantCode(t, err, "share.grant_revoked")
		}
		// Expiry: valid through the whole end date, refused from the next day, also on node 2.
		r2, gp2, _ := grantFor(t, a, "到期测试", share.KindData, []string{"citizen_id"}, nil, share.ModeAPI)
		if _, err := node2.Lookup(ctx, gp2, "", key); err != nil {
			t.Fatal(err)
		}
		clock.Set("2027-06-30 23:59")
		if _, err := node2.Lookup(ctx, gp2, "", key); err != nil {
			t.Fatalf("on the end date: %v", err)
		}
		clock.Set("2027-07-01 00:01")
		_, err = node2.Lookup(ctx, gp2, "", key)
		wantCode(t, err, "share.grant_expired")
		got, err := a.Share.Get(ctx, who(t, a, "civil"), r2.ID)
		must(t, err)
		if got.State != share.StateExpired {
			t.Fatalf("request after expiry: %s", got.State)
		}
		// Refused calls are audited as denied.
		recs, _, err := a.Audit.Search(ctx, audit.Filter{GrantID: r.GrantID, Action: "share.gateway.lookup"})
		must(t, err)
		denied := 0
		for _, rec := range recs {
			if rec.Result == audit.Denied {
				denied++
			}
		}
		if denied != 4 {
			t.Fatalf("%d denied calls audited; want 4", denied)
		}
	})
}

// For random grants, the gateway never returns a field outside the grant, and every field the
// grant does not allow in clear comes back exactly as the masking rules make it. With a random
// daily quota and calls spread over two nodes on one database, exactly the quota is served and
// every further call is answered 429 share.quota_exceeded, with a wait until the next day.
func TestGatewayNeverLeaksProperty(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		loadPopulation(t, a)
		e, err := a.Catalog.Published(ctx, demo.EntryPopulation)
		must(t, err)
		var names []string
		for _, f := range e.Fields {
			names = append(names, f.Name)
		}
		rules := mask.DefaultRules()
		civil, approver := who(t, a, "civil"), who(t, a, "approver")
		node2 := share.New(a.DB, a.Audit, a.Identity, a.Notify, a.Calendar, a.Catalog, a.Ingest)
		node2.Now = a.Now
		n := 0
		rapid.Check(t, func(rt *rapid.T) {
			n++
			fields := rapid.SliceOfNDistinct(rapid.SampledFrom(names), 1, len(names), rapid.ID[string]).Draw(rt, "fields")
			var clear []string
			for _, f := range fields {
				if rapid.Bool().Draw(rt, "clear_"+f) {
					clear = append(clear, f)
				}
			}
			approveClear := clear
			if len(clear) > 0 && rapid.Bool().Draw(rt, "narrow") {
				approveClear = clear[:len(clear)/2]
			}
			quota := rapid.IntRange(1, 8).Draw(rt, "quota")
			in := popRequest(fmt.Sprintf("性质测试 %d", n))
			in.Fields, in.ClearFields = fields, clear
			r, err := a.Share.File(ctx, civil, in)
			if err != nil {
				rt.Fatal(err)
			}
			if r.State == share.StatePending {
				if r, err = a.Share.Approve(ctx, approver, r.ID, share.Approval{Fields: fields, ClearFields: approveClear, Limits: share.GrantLimits{DailyQuota: quota}}); err != nil {
					rt.Fatal(err)
				}
			} else {
				approveClear, quota = clear, a.Share.Limits.CallsPerDay
			}
			secret, _, err := a.Share.IssueCredential(ctx, civil, r.GrantID)
			if err != nil {
				rt.Fatal(err)
			}
			gp, err := a.Identity.TokenPrincipal(ctx, secret)
			if err != nil {
				rt.Fatal(err)
			}
			check := func(out share.Out) {
				stored, err := a.Ingest.Lookup(ctx, demo.EntryPopulation, storedKey(rt, out))
				if err != nil {
					rt.Fatal(err)
				}
				for k, v := range out.Values {
					if !slices.Contains(fields, k) {
						rt.Fatalf("field %s outside the grant %v returned", k, fields)
					}
					f, _ := e.Field(k)
					want := stored.Values[k]
					if !slices.Contains(approveClear, k) && share.NeedsMask(&e, &f, rules) {
						want = rules.Value(f.Kind, want)
						if want == stored.Values[k] && want != "" {
							rt.Fatalf("masking left %s unchanged", k)
						}
					}
					if v != want {
						rt.Fatalf("field %s: got %q, want %q (clear %v)", k, v, want, approveClear)
					}
				}
			}
			calls := rapid.IntRange(1, 10).Draw(rt, "calls")
			served := 0
			for c := 0; c < calls; c++ {
				node := []*share.Service{a.Share, node2}[rapid.IntRange(0, 1).Draw(rt, "node")]
				key := person(rapid.IntRange(0, persons-1).Draw(rt, "person"))[0]
				var outs []share.Out
				var err error
				if rapid.Bool().Draw(rt, "query") && slices.Contains(fields, "citizen_id") {
					// An API grant has no unfiltered listing; the key is always filterable.
					outs, _, err = node.Query(ctx, gp, "", map[string]string{"citizen_id": key}, 5, 0)
					if err == nil && len(outs) != 1 {
						rt.Fatalf("query by key returned %d records", len(outs))
					}
				} else {
					var out share.Out
					out, err = node.Lookup(ctx, gp, "", key)
					outs = []share.Out{out}
				}
				if served == quota {
					if e := apperr.As(err); e.Code != "share.quota_exceeded" || e.Status != 429 || e.RetryAfter < 1 || e.RetryAfter > 24*3600 {
						rt.Fatalf("call %d over a quota of %d: %v (retry after %ds)", c+1, quota, err, e.RetryAfter)
					}
					continue
				}
				if err != nil {
					rt.Fatalf("call %d within a quota of %d: %v", c+1, quota, err)
				}
				served++
				for _, o := range outs {
					check(o)
				}
			}
			if served != min(calls, quota) {
				rt.Fatalf("%d calls served of %d under a quota of %d", served, calls, quota)
			}
		})
	})
}

// storedKey finds the key of the record a gateway result came from, by matching each value in
// clear or masked form against every loaded resident (the gateway returns no raw key).
func storedKey(t *rapid.T, out share.Out) string {
	rules := mask.DefaultRules()
	for i := 0; i < persons; i++ {
		p := person(i)
		cols := map[string]string{"citizen_id": p[0], "name": p[1], "sex": p[2], "birth_date": p[3], "address": p[4], "phone": p[5], "region_code": p[6]}
		kinds := map[string]catalog.FieldKind{"citizen_id": catalog.KindCitizenID, "name": catalog.KindName, "address": catalog.KindAddress, "phone": catalog.KindPhone}
		ok := true
		for k, v := range out.Values {
			if v != cols[k] && v != rules.Value(kinds[k], cols[k]) {
				ok = false
				break
			}
		}
		if ok && len(out.Values) > 0 {
			return p[0]
		}
	}
	t.Fatalf("no stored record matches %v", out.Values)
	return ""
}

func TestVerificationNeverRevealsStoredValues(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		loadPopulation(t, a)
		r, gp, _ := grantFor(t, a, "身份核验", share.KindVerify, []string{"citizen_id", "birth_date", "sex"}, nil, share.ModeAPI)
		p0, p1 := person(0), person(1)
		unknown := validate.MakeCitizenID("150203", time.Date(1999, 9, 9, 0, 0, 0, 0, time.UTC), 997)
		items := []share.VerifyItem{
			{Key: p0[0], Values: map[string]string{"birth_date": p0[3]}},
			{Key: strings.ToLower(p1[0]), Values: map[string]string{"birth_date": "1899-01-01"}},
			{Key: unknown, Values: map[string]string{"birth_date": "1999-09-09"}},
			{Key: p0[0]},
		}
		res, err := a.Share.Verify(ctx, gp, "", items)
		must(t, err)
		if !res[0].Exists || !res[0].Match || res[0].Fields["birth_date"] != "match" {
			t.Fatalf("true pair: %+v", res[0])
		}
		if !res[1].Exists || res[1].Match || res[1].Fields["birth_date"] != "mismatch" {
			t.Fatalf("wrong name: %+v", res[1])
		}
		if res[2].Exists || res[2].Match || res[2].Fields["birth_date"] != "mismatch" {
			t.Fatalf("unknown key: %+v", res[2])
		}
		if !res[3].Exists || !res[3].Match {
			t.Fatalf("existence only: %+v", res[3])
		}
		b, _ := json.Marshal(res)
		for i := 0; i < persons; i++ {
			for _, v := range person(i)[1:] {
				if bytes.Contains(b, []byte(v)) {
					t.Fatalf("verification answer %s contains a stored value %q", b, v)
				}
			}
		}
		recs, _, err := a.Audit.Search(ctx, audit.Filter{GrantID: r.GrantID, Action: "share.gateway.verify"})
		must(t, err)
		if len(recs) != 1 || strings.Contains(recs[0].DetailJSON, p0[0]) || strings.Contains(recs[0].DetailJSON, "1899-01-01") {
			t.Fatalf("verification audit %+v", recs)
		}
		// A verification grant returns no data.
		_, err = a.Share.Lookup(ctx, gp, "", p0[0])
		wantCode(t, err, "share.verify_only")
		// Fields outside the grant cannot be compared, nor a granted field that is masked (the ID
		// number names the person; comparing it would reveal it guess by guess).
		_, err = a.Share.Verify(ctx, gp, "", []share.VerifyItem{{Key: p0[0], Values: map[string]string{"phone": p0[5], "citizen_id": p0[0]}}})
		wantFields(t, err, "items[0].values.phone", "items[0].values.citizen_id")
		// A masked field cannot be asked for in a verification request at all.
		in := popRequest("姓名核验")
		in.Kind, in.Fields, in.ClearFields = share.KindVerify, []string{"citizen_id", "name"}, nil
		_, err = a.Share.File(ctx, who(t, a, "civil"), in)
		wantFields(t, err, "fields")
		// Batch and rate limits, counted in the database: a second node shares the window.
		big := make([]share.VerifyItem, a.Share.Limits.MaxBatch+1)
		for i := range big {
			big[i] = share.VerifyItem{Key: p0[0]}
		}
		_, err = a.Share.Verify(ctx, gp, "", big)
		wantFields(t, err, "items")
		node2 := share.New(a.DB, a.Audit, a.Identity, a.Notify, a.Calendar, a.Catalog, a.Ingest)
		node2.Now = a.Now
		a.Share.Limits.PerMinute, node2.Limits.PerMinute = 10, 10 // 4 already used this minute
		_, err = a.Share.Verify(ctx, gp, "", items[:3])
		must(t, err) // 7
		_, err = node2.Verify(ctx, gp, "", items[:3])
		must(t, err) // 10
		_, err = node2.Verify(ctx, gp, "", items[:1])
		wantCode(t, err, "share.rate_limited")
		_, err = a.Share.Verify(ctx, gp, "", items[:1])
		wantCode(t, err, "share.rate_limited")
	})
}

func TestBulkDeliveryAndUsageLog(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-30 10:00")
		a := testutil.DemoApp(t, d, clock)
		// 民政厅 loads its minimum-living-allowance entry; 公安厅 asks for it as a table.
		var b strings.Builder
		b.WriteString("citizen_id,name,area_type,allowance,approve_date\n")
		for i := 0; i < 12; i++ {
			p := person(i)
			fmt.Fprintf(&b, "%s,%s,城市,%d.00,2026-0%d-15\n", p[0], p[1], 600+i, 1+i%9)
		}
		_, err := a.Ingest.Load(ctx, who(t, a, "civil"), ingest.LoadRequest{EntryID: demo.EntryDibao, Channel: ingest.ChannelFile, Format: ingest.FormatCSV, FileName: "dibao.csv", Body: strings.NewReader(b.String())})
		must(t, err)
		officer := who(t, a, "officer")
		r, err := a.Share.File(ctx, officer, share.NewRequest{EntryID: demo.EntryDibao, Fields: []string{"citizen_id", "name", "allowance"}, Scenario: "户籍迁移低保关系转移核对",
			Purpose: "核对", LegalBasis: "《社会救助暂行办法》", Mode: share.ModeTable, EndDate: "2026-12-31", Authenticity: true, Compliance: true, Security: true})
		must(t, err)
		r, err = a.Share.Approve(ctx, who(t, a, "civil_approver"), r.ID, share.Approval{})
		must(t, err)
		secret, _, err := a.Share.IssueCredential(ctx, officer, r.GrantID)
		must(t, err)
		gp, err := a.Identity.TokenPrincipal(ctx, secret)
		must(t, err)
		x, err := a.Share.BeginExport(ctx, gp, "10.0.0.9", "csv")
		must(t, err)
		var out bytes.Buffer
		n, err := x.Write(ctx, &out)
		must(t, err)
		rows, err := csv.NewReader(&out).ReadAll()
		must(t, err)
		if n != 12 || len(rows) != 13 || strings.Join(rows[0], ",") != "citizen_id,name,allowance,disputed" {
			t.Fatalf("export: n %d rows %d header %v", n, len(rows), rows[0])
		}
		for _, row := range rows[1:] {
			if !strings.Contains(row[0], "*") || !strings.Contains(row[1], "*") || row[3] != "0" {
				t.Fatalf("exported row not masked: %v", row)
			}
		}
		dls, err := a.Share.Deliveries(ctx, officer, r.ID)
		must(t, err)
		if len(dls) != 1 || dls[0].Channel != "download" || dls[0].Records != 12 {
			t.Fatalf("bulk delivery recorded as %+v", dls)
		}
		// An API-mode grant has no bulk delivery.
		loadPopulation(t, a)
		_, apiP, _ := grantFor(t, a, "接口方式", share.KindData, []string{"citizen_id"}, nil, share.ModeAPI)
		_, err = a.Share.BeginExport(ctx, apiP, "", "csv")
		wantCode(t, err, "share.mode_not_bulk")

		// Usage log: the consumer reads and exports it; an unrelated agency cannot see it.
		_, err = a.Share.Lookup(ctx, gp, "10.0.0.9", person(3)[0])
		must(t, err)
		log, total, err := a.Share.UsageLog(ctx, officer, r.GrantID, 50, 0)
		must(t, err)
		if total != 3 || len(log) != 3 || log[0].Action != "share.gateway.lookup" || log[0].ClientIP != "10.0.0.9" {
			t.Fatalf("usage log: %d %+v", total, log)
		}
		if _, _, err := a.Share.UsageLog(ctx, who(t, a, "market"), r.GrantID, 50, 0); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("unrelated agency reading the usage log: %v", err)
		}
		var exp bytes.Buffer
		k, err := a.Share.ExportUsage(ctx, officer, "", r.GrantID, &exp)
		must(t, err)
		lines, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(exp.Bytes(), []byte("\uFEFF")))).ReadAll()
		must(t, err)
		if k != 3 || len(lines) != 4 || lines[1][4] != "share.gateway.lookup" || lines[1][6] != r.Scenario {
			t.Fatalf("usage export (%d): %v", k, lines)
		}
		// The next day the consumer agency gets yesterday's usage pushed to its inbox, once.
		clock.Set("2026-10-01 08:00")
		must(t, a.Share.PushUsage(ctx))
		must(t, a.Share.PushUsage(ctx))
		n2 := 0
		for _, m := range inbox(t, a, officer) {
			if m.ObjectType == "share_usage" && strings.Contains(m.BodyZH, "2026-09-30") {
				n2++
			}
		}
		if n2 != 1 {
			t.Fatalf("usage pushed %d times; want 1", n2)
		}
		// Use-and-effect report: the provider sees it.
		_, err = a.Share.FileReport(ctx, officer, r.GrantID, share.NewReport{PeriodFrom: "2026-09-01", PeriodTo: "2026-09-30"})
		wantFields(t, err, "use", "effect")
		rep, err := a.Share.FileReport(ctx, officer, r.GrantID, share.NewReport{PeriodFrom: "2026-09-01", PeriodTo: "2026-09-30", Use: "迁移核对 12 人", Effect: "避免重复发放"})
		must(t, err)
		if rep.Calls != 2 { // the export and the lookup (the usage log also holds the export's completion)
			t.Fatalf("report counts %d calls; want 2", rep.Calls)
		}
		reps, err := a.Share.Reports(ctx, who(t, a, "civil_approver"), r.GrantID)
		must(t, err)
		if len(reps) != 1 {
			t.Fatalf("provider sees %d reports", len(reps))
		}
	})
}

// An entry keyed by an account number is looked up through the gateway by the ID number its
// granted identifier field holds (SHR-10: "lookup by key — ID number, credit code, or the
// entry's key"); every record of that person comes back, masked as the grant says.
func TestGatewayLookupByIdentifierOnOtherKey(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		water, err := a.Catalog.Published(ctx, demo.EntryWater)
		must(t, err)
		var households []ingest.Record
		must(t, a.Ingest.Stream(ctx, demo.EntryWater, func(r ingest.Record) error {
			if len(households) < 1 && r.Values["citizen_id"] != "" {
				households = append(households, r)
			}
			return nil
		}))
		if len(households) == 0 {
			t.Fatal("the demo water entry holds no household with an ID number")
		}
		id := households[0].Values["citizen_id"]
		civil := who(t, a, "civil")
		r, err := a.Share.File(ctx, civil, share.NewRequest{EntryID: water.ID, Fields: []string{"account_no", "citizen_id", "address"},
			Scenario: "低保家庭用水核对", Purpose: "核对低保申请家庭的供水户", LegalBasis: "《社会救助暂行办法》第十一条", Mode: share.ModeAPI,
			EndDate: "2027-06-30", Authenticity: true, Compliance: true, Security: true})
		must(t, err)
		if r.State == share.StateRouting { // a province agency asking a Baotou utility: routed by its authority
			r, err = a.Share.Forward(ctx, who(t, a, "admin"), r.ID, "转包头市供水公司办理")
			must(t, err)
		}
		if r.State == share.StatePending {
			r, err = a.Share.Approve(ctx, who(t, a, "water_approver"), r.ID, share.Approval{Fields: []string{"account_no", "citizen_id", "address"}})
			must(t, err)
		}
		secret, _, err := a.Share.IssueCredential(ctx, civil, r.GrantID)
		must(t, err)
		gp, err := a.Identity.TokenPrincipal(ctx, secret)
		must(t, err)

		out, err := a.Share.Lookup(ctx, gp, "127.0.0.1", id)
		must(t, err)
		all := append([]share.Out{out}, out.More...)
		want := 0
		must(t, a.Ingest.Stream(ctx, demo.EntryWater, func(r ingest.Record) error {
			if r.Values["citizen_id"] == id {
				want++
			}
			return nil
		}))
		if len(all) != want {
			t.Fatalf("lookup by ID number returned %d records; the entry holds %d for that person", len(all), want)
		}
		for _, o := range all {
			if len(o.Values) != 3 || o.Values["citizen_id"] == id || !strings.HasPrefix(o.Values["citizen_id"], id[:6]) || o.Values["account_no"] == "" {
				t.Fatalf("record %v: want the three granted fields with the ID number masked", o.Values)
			}
		}
		// The entry's own key still works, and an unknown ID number is a plain not found.
		byKey, err := a.Share.Lookup(ctx, gp, "127.0.0.1", out.Values["account_no"])
		must(t, err)
		if byKey.Values["account_no"] != out.Values["account_no"] || len(byKey.More) != 0 {
			t.Fatalf("lookup by account number: %v", byKey)
		}
		_, err = a.Share.Lookup(ctx, gp, "127.0.0.1", validate.MakeCitizenID("150102", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), 997))
		if !errors.Is(err, apperr.NotFound) {
			t.Fatalf("unknown ID number: %v", err)
		}
	})
}

// A long usage log exports every call once, in pages by position: calls made while the export
// runs cannot shift a page and repeat rows (offsets would).
func TestUsageExportPagesByPosition(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		r, gp, _ := grantFor(t, a, "长日志导出", share.KindData, []string{"citizen_id", "name"}, nil, share.ModeAPI)
		_, err := a.Share.Lookup(ctx, gp, "10.0.0.1", person(1)[0])
		if err != nil && !errors.Is(err, apperr.NotFound) {
			t.Fatal(err)
		}
		// 1,204 more calls on record (written directly: the gateway's own path is tested above).
		evs := make([]audit.Event, 1204)
		for i := range evs {
			evs[i] = audit.Event{ActorID: gp.UserID, OrgID: gp.OrgID, Action: "share.gateway.lookup", ObjectType: "catalog_entry",
				GrantID: r.GrantID, Purpose: r.Scenario, Detail: map[string]any{"n": i}}
		}
		must(t, d.Tx(ctx, func(tx *sql.Tx) error { return a.Audit.Record(ctx, tx, evs...) }))
		// While the first page is being written, 50 more calls arrive.
		var exp bytes.Buffer
		w := &hookWriter{w: &exp, first: func() {
			must(t, d.Tx(ctx, func(tx *sql.Tx) error { return a.Audit.Record(ctx, tx, evs[:50]...) }))
		}}
		n, err := a.Share.ExportUsage(ctx, who(t, a, "civil"), "", r.GrantID, w)
		must(t, err)
		if !w.done {
			t.Fatal("the export wrote nothing")
		}
		lines, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(exp.Bytes(), []byte("\uFEFF")))).ReadAll()
		must(t, err)
		if n != 1205 || len(lines) != 1206 {
			t.Fatalf("exported %d calls in %d lines; want 1205", n, len(lines))
		}
		seen := map[string]bool{}
		for _, l := range lines[1:] {
			if seen[l[0]] {
				t.Fatalf("call %s exported twice", l[0])
			}
			seen[l[0]] = true
		}
		// Paging by position, as the export does: older than the last one seen.
		recs, _, err := a.Audit.Search(ctx, audit.Filter{GrantID: r.GrantID, Action: "share.gateway.", Limit: 10})
		must(t, err)
		older, _, err := a.Audit.Search(ctx, audit.Filter{GrantID: r.GrantID, Action: "share.gateway.", Limit: 10, BeforeSeq: recs[9].Seq})
		must(t, err)
		if len(older) != 10 || older[0].Seq >= recs[9].Seq {
			t.Fatalf("BeforeSeq page starts at %d after %d", older[0].Seq, recs[9].Seq)
		}
	})
}

// hookWriter calls first before its first write of rows (the byte-order mark comes before).
type hookWriter struct {
	w      io.Writer
	first  func()
	writes int
	done   bool
}

func (h *hookWriter) Write(b []byte) (int, error) {
	if h.writes++; h.writes == 2 {
		h.done = true
		h.first()
	}
	return h.w.Write(b)
}

// An answer never precedes a durable record (SEC-4): with the audit spool's fsync failing, a
// lookup answers only once its record is committed to the database, and when that fails too the
// caller gets an error and no data. The spool exists on the embedded backend only.
func TestGatewayAnswersOnlyAfterDurableAudit(t *testing.T) {
	d := testutil.SQLite(t)
	a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
	loadPopulation(t, a)
	_, gp, _ := grantFor(t, a, "低保户籍核对", share.KindData, []string{"citizen_id", "name"}, nil, share.ModeAPI)
	must(t, a.Audit.Flush(ctx))
	rows := func() int {
		var n int
		must(t, d.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = 'share.gateway.lookup'").Scan(&n))
		return n
	}
	a.Audit.SetSpoolSync(func(*os.File) error { return errors.New("injected: fsync failed") })
	defer a.Audit.SetSpoolSync(nil)
	before := rows()
	out, err := a.Share.Lookup(ctx, gp, "127.0.0.1", person(2)[0])
	must(t, err)
	if len(out.Values) == 0 || rows() != before+1 { // read at once: no flush, no wait
		t.Fatalf("answered with %d lookup records in the table, want %d", rows(), before+1)
	}
	// The database refuses the record too: no answer, no data.
	_, err = d.ExecContext(ctx, "ALTER TABLE audit_log RENAME TO audit_log_away")
	must(t, err)
	out, err = a.Share.Lookup(ctx, gp, "127.0.0.1", person(3)[0])
	_, rerr := d.ExecContext(ctx, "ALTER TABLE audit_log_away RENAME TO audit_log")
	must(t, rerr)
	if err == nil || len(out.Values) != 0 {
		t.Fatalf("a lookup whose audit record is not durable answered: %v %v", out.Values, err)
	}
}
