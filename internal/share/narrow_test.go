package share_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
	"pubdata/internal/validate"
	"pubdata/internal/workday"
)

// Approval only narrows (SHR-4): never a mode wider than asked — per-record api never becomes
// bulk table or file, table and file are not interchangeable, nothing becomes offline — and a
// narrower mode only when the entry offers it. A credential never outlives its grant.
func TestApprovalOnlyNarrows(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		loadPopulation(t, a)
		civil, approver := who(t, a, "civil"), who(t, a, "approver")
		// The reported case: a per-record request on an api-only entry turned into a table grant.
		r, err := a.Share.File(ctx, civil, popRequest("逐条核对"))
		must(t, err)
		for _, m := range []share.Mode{share.ModeTable, share.ModeFile, share.ModeOffline} {
			_, err = a.Share.Approve(ctx, approver, r.ID, share.Approval{Mode: m})
			wantFields(t, err, "mode")
		}
		r, err = a.Share.Approve(ctx, approver, r.ID, share.Approval{})
		must(t, err)
		secret, cred, err := a.Share.IssueCredential(ctx, civil, r.GrantID)
		must(t, err)
		gp, err := a.Identity.TokenPrincipal(ctx, secret)
		must(t, err)
		_, err = a.Share.BeginExport(ctx, gp, "", "csv")
		wantCode(t, err, "share.mode_not_bulk")
		// The credential ends when the grant does: at the close of its end date, Beijing time.
		if want := time.Date(2027, 7, 1, 0, 0, 0, 0, workday.Location); !cred.ExpiresAt.Equal(want) {
			t.Fatalf("credential expires %v; want %v (end of the grant's end date)", cred.ExpiresAt, want)
		}
		// Revoking the grant revokes its credentials.
		_, err = a.Share.Revoke(ctx, approver, r.GrantID, "场景结束")
		must(t, err)
		creds, err := a.Share.Credentials(ctx, civil, r.GrantID)
		must(t, err)
		if len(creds) != 1 || creds[0].RevokedAt.IsZero() {
			t.Fatalf("credentials after revocation %+v", creds)
		}

		// The allowance list (table, api and offline offered): 公安厅 asks 民政厅.
		officer, civilApprover := who(t, a, "officer"), who(t, a, "civil_approver")
		dibao := func(scenario string, mode share.Mode) share.Request {
			in := popRequest(scenario)
			in.EntryID, in.Fields, in.ClearFields, in.Mode = demo.EntryDibao, []string{"citizen_id", "name", "area_type"}, nil, mode
			r, err := a.Share.File(ctx, officer, in)
			must(t, err)
			return r
		}
		tr := dibao("批量核对", share.ModeTable)
		for _, m := range []share.Mode{share.ModeFile, share.ModeOffline} { // same breadth but not asked; wider
			_, err = a.Share.Approve(ctx, civilApprover, tr.ID, share.Approval{Mode: m})
			wantFields(t, err, "mode")
		}
		tr, err = a.Share.Approve(ctx, civilApprover, tr.ID, share.Approval{Mode: share.ModeAPI})
		must(t, err)
		if g, err := a.Share.GetGrant(ctx, officer, tr.GrantID); err != nil || g.Mode != share.ModeAPI {
			t.Fatalf("table narrowed to api: %+v %v", g, err)
		}
		ar := dibao("逐条核对低保", share.ModeAPI)
		_, err = a.Share.Approve(ctx, civilApprover, ar.ID, share.Approval{Mode: share.ModeTable}) // offered, but bulk
		wantFields(t, err, "mode")
		or := dibao("介质交付", share.ModeOffline)
		or, err = a.Share.Approve(ctx, civilApprover, or.ID, share.Approval{Mode: share.ModeTable})
		must(t, err)
		if or.State != share.StateActive {
			t.Fatalf("offline narrowed to table: %s", or.State)
		}
		if !share.ModeWithin(share.ModeAPI, share.ModeOffline, []string{"api"}) || share.ModeWithin(share.ModeTable, share.ModeAPI, []string{"table", "api"}) ||
			share.ModeWithin(share.ModeFile, share.ModeTable, []string{"file", "table"}) || share.ModeWithin(share.ModeAPI, share.ModeTable, []string{"table"}) {
			t.Fatal("mode ordering")
		}
	})
}

// reviseEntry has the population entry's source agency change the entry and the authority
// publish the change.
func reviseEntry(t testing.TB, a *app.App, id string, change func(e *catalog.Entry)) {
	t.Helper()
	officer, reviewer := who(t, a, "officer"), who(t, a, "reviewer")
	e, err := a.Catalog.Get(ctx, id)
	must(t, err)
	change(&e)
	_, err = a.Catalog.Update(ctx, officer, e)
	must(t, err)
	must(t, a.Catalog.Submit(ctx, officer, id))
	must(t, a.Catalog.Approve(ctx, reviewer, id, "按法规调整共享属性"))
}

func grantOf(t testing.TB, a *app.App, id string) share.Grant {
	t.Helper()
	g, err := a.Share.GetGrant(ctx, who(t, a, "civil"), id)
	must(t, err)
	return g
}

// Catalog changes reach grants: a field put on the negative list, the entry made not shared,
// the entry withdrawn — each suspends the grants it affects at once (also on a node that has the
// grant cached), with its own 4xx code, tells the consumer, and cannot be resumed around.
func TestCatalogChangesReachGrants(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		loadPopulation(t, a)
		key := person(3)[0]
		withPhone, gpPhone, _ := grantFor(t, a, "联系核对", share.KindData, []string{"citizen_id", "name", "phone"}, nil, share.ModeAPI)
		noPhone, gpName, _ := grantFor(t, a, "身份核对", share.KindData, []string{"citizen_id", "name"}, nil, share.ModeAPI)
		ver, gpVer, _ := grantFor(t, a, "出生日期核验", share.KindVerify, []string{"citizen_id", "birth_date"}, nil, share.ModeAPI)
		node2 := share.New(a.DB, a.Audit, a.Identity, a.Notify, a.Calendar, a.Catalog, a.Ingest)
		node2.Now, node2.PlanTTL = a.Now, time.Hour
		if _, err := node2.Lookup(ctx, gpPhone, "", key); err != nil {
			t.Fatal(err)
		}

		// 1. phone goes on the negative list: only the grant holding phone is suspended.
		reviseEntry(t, a, demo.EntryPopulation, func(e *catalog.Entry) {
			for i := range e.Fields {
				if e.Fields[i].Name == "phone" {
					e.Fields[i].ShareType, e.Fields[i].Reason, e.Fields[i].LegalBasis = catalog.ShareNone, "联系电话不再共享", "《中华人民共和国个人信息保护法》第六条"
				}
			}
		})
		g := grantOf(t, a, withPhone.GrantID)
		if g.Status != share.GrantSuspended || g.SuspendCause != share.CauseField || g.StatusReason == "" {
			t.Fatalf("grant with phone after the change: %s %q %q", g.Status, g.SuspendCause, g.StatusReason)
		}
		for _, s := range []*share.Service{a.Share, node2} {
			_, err := s.Lookup(ctx, gpPhone, "", key)
			wantCode(t, err, "share.field_not_shared")
			if st := apperr.As(err).Status; st < 400 || st >= 500 {
				t.Fatalf("status %d; want a 4xx", st)
			}
		}
		if _, err := a.Share.Lookup(ctx, gpName, "", key); err != nil {
			t.Fatalf("grant without phone: %v", err)
		}
		if _, err := a.Share.Verify(ctx, gpVer, "", []share.VerifyItem{{Key: key, Values: map[string]string{"birth_date": person(3)[3]}}}); err != nil {
			t.Fatalf("verification grant: %v", err)
		}
		// The consumer's data officer and approver are told, with the way on: verification.
		for _, u := range []string{"civil", "civil_approver"} {
			found := false
			for _, m := range inbox(t, a, who(t, a, u)) {
				if m.ObjectID == withPhone.ID && m.Kind == "flag" && strings.Contains(m.BodyZH, "核验比对") {
					found = true
				}
			}
			if !found {
				t.Fatalf("%s was not told of the suspension", u)
			}
		}
		// Resuming around the catalog is refused with the cause; a verification request is possible.
		_, err := a.Share.Resume(ctx, who(t, a, "approver"), withPhone.GrantID, "恢复")
		wantCode(t, err, "share.field_not_shared")
		in := popRequest("联系电话核验")
		in.Kind, in.Fields, in.ClearFields = share.KindVerify, []string{"citizen_id", "birth_date"}, nil
		_, err = a.Share.File(ctx, who(t, a, "civil"), in)
		must(t, err)
		hist, err := a.Share.History(ctx, who(t, a, "civil"), withPhone.ID)
		must(t, err)
		if last := hist[len(hist)-1]; last.Event != "catalog" || last.To != string(share.StateSuspended) {
			t.Fatalf("history ends with %+v", last)
		}
		recs, _, err := a.Audit.Search(ctx, audit.Filter{Action: "share.request.catalog", ObjectID: withPhone.ID})
		must(t, err)
		if len(recs) != 1 || !strings.Contains(recs[0].DetailJSON, share.CauseField) {
			t.Fatalf("catalog suspension audit %+v", recs)
		}

		// 2. The entry becomes not shared: data grants answer entry_not_shared — no more 200 with
		// empty values (an existence check) — and the verification grant's compared field is now
		// on the negative list.
		reviseEntry(t, a, demo.EntryPopulation, func(e *catalog.Entry) {
			e.ShareType, e.ShareCondition, e.ShareReason = catalog.ShareNone, "", "依法不再共享原始数据"
			e.ShareBasis = "《中华人民共和国个人信息保护法》第十三条；《内蒙古自治区公共数据管理办法》第二十一条"
			e.ShareModes = nil
		})
		for _, id := range []string{noPhone.GrantID, withPhone.GrantID} {
			if g := grantOf(t, a, id); g.Status != share.GrantSuspended || g.SuspendCause != share.CauseNotShared {
				t.Fatalf("grant %s: %s %q", id, g.Status, g.SuspendCause)
			}
		}
		_, err = a.Share.Lookup(ctx, gpName, "", key)
		wantCode(t, err, "share.entry_not_shared")
		_, _, err = a.Share.Query(ctx, gpName, "", nil, 10, 0)
		wantCode(t, err, "share.entry_not_shared")
		if g := grantOf(t, a, ver.GrantID); g.Status != share.GrantSuspended || g.SuspendCause != share.CauseField {
			t.Fatalf("verification grant comparing a now not-shared field: %s %q", g.Status, g.SuspendCause)
		}

		// 3. Withdrawn: every grant answers entry_withdrawn (not 503).
		must(t, a.Catalog.RequestWithdrawal(ctx, who(t, a, "officer"), demo.EntryPopulation, "职能调整"))
		must(t, a.Catalog.Approve(ctx, who(t, a, "reviewer"), demo.EntryPopulation, "同意下线"))
		_, err = a.Share.Lookup(ctx, gpName, "", key)
		wantCode(t, err, "share.entry_withdrawn")
		_, err = a.Share.Verify(ctx, gpVer, "", []share.VerifyItem{{Key: key}})
		wantCode(t, err, "share.entry_withdrawn")
		_, err = node2.Lookup(ctx, gpPhone, "", key)
		wantCode(t, err, "share.entry_withdrawn")
	})
}

// Verification compares against the subject's current record — the latest registration —
// never whichever historical record happens to match; and /gateway/verify serves verification
// grants only.
func TestVerificationComparesCurrentRecord(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		owner := validate.MakeCitizenID("150102", time.Date(1980, 3, 3, 0, 0, 0, 0, time.UTC), 41)
		csv := "plate_no,plate_type,owner_id,brand,reg_date,status\n" +
			"蒙B12345,小型汽车," + owner + ",桑塔纳,2015-03-01,注销\n" +
			"蒙B67890,小型汽车," + owner + ",新能源轿车,2023-06-01,正常\n"
		_, err := a.Ingest.Load(ctx, who(t, a, "officer"), ingest.LoadRequest{EntryID: "cat-vehicle", Mode: ingest.ModeReplace,
			Channel: ingest.ChannelFile, Format: ingest.FormatCSV, FileName: "veh.csv", Body: strings.NewReader(csv)})
		must(t, err)
		civil := who(t, a, "civil")
		in := popRequest("车辆状态核验")
		in.EntryID, in.Kind, in.Fields, in.ClearFields = "cat-vehicle", share.KindVerify, []string{"owner_id", "status"}, nil
		r, err := a.Share.File(ctx, civil, in)
		must(t, err)
		if r.State == share.StatePending {
			r, err = a.Share.Approve(ctx, who(t, a, "approver"), r.ID, share.Approval{})
			must(t, err)
		}
		secret, _, err := a.Share.IssueCredential(ctx, civil, r.GrantID)
		must(t, err)
		gp, err := a.Identity.TokenPrincipal(ctx, secret)
		must(t, err)
		res, err := a.Share.Verify(ctx, gp, "", []share.VerifyItem{
			{Key: owner, Values: map[string]string{"status": "注销"}}, // true of the old record only
			{Key: owner, Values: map[string]string{"status": "正常"}},
			{Key: "蒙B12345", Values: map[string]string{"status": "注销"}}, // that record named by its own key
		})
		must(t, err)
		if !res[0].Exists || res[0].Match || res[0].Fields["status"] != "mismatch" {
			t.Fatalf("a historical record matched: %+v", res[0])
		}
		if !res[1].Match || !res[2].Match {
			t.Fatalf("current record: %+v; by its key: %+v", res[1], res[2])
		}
		// A data grant cannot use /gateway/verify.
		_, dp, _ := grantFor(t, a, "核验接口测试", share.KindData, []string{"citizen_id", "name"}, nil, share.ModeAPI)
		_, err = a.Share.Verify(ctx, dp, "", []share.VerifyItem{{Key: owner}})
		wantCode(t, err, "share.verify_grant_required")
	})
}

// The one rule for what a grant may be, as a property: for random requests (data or
// verification) and random approvals, approval succeeds exactly when the approved grant is
// within the request on every axis, fits the entry as published and sets call limits the rule
// admits (the model below is written independently of rule.go and limits.go); the gateway then
// serves exactly that grant, up to its daily quota and 429 share.quota_exceeded with Retry-After
// after it; and after a random change of the entry's negative list the grant is suspended exactly
// when it no longer fits, the gateway answers share.field_not_shared, and resuming (renewal) is
// refused the same way.
func TestGrantRuleProperty(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		loadPopulation(t, a)
		civil, civilApprover, approver := who(t, a, "civil"), who(t, a, "civil_approver"), who(t, a, "approver")
		base, err := a.Catalog.Published(ctx, demo.EntryPopulation)
		must(t, err)
		rules := a.Share.Rules
		names := []string{"citizen_id", "name", "sex", "birth_date", "address", "phone", "region_code"}
		movable := names[1:] // fields that may go on the negative list (the key stays)
		negative := map[string]bool{}
		masked := func(name string) bool {
			f, _ := base.Field(name)
			return share.NeedsMask(&base, &f, rules)
		}
		identifier := func(name string) bool { return name == "citizen_id" }
		fits := func(kind share.Kind, fields, clear []string) bool { // the entry as it is now
			if len(fields) == 0 {
				return false
			}
			for _, f := range fields {
				switch {
				case kind == share.KindData && negative[f]:
					return false
				case kind == share.KindVerify && !identifier(f) && (negative[f] || masked(f)):
					return false
				}
			}
			if kind == share.KindVerify && len(clear) > 0 {
				return false
			}
			return subset(clear, fields)
		}
		setNegative := func(next map[string]bool) {
			reviseEntry(t, a, demo.EntryPopulation, func(e *catalog.Entry) {
				for i := range e.Fields {
					f := &e.Fields[i]
					orig, _ := base.Field(f.Name)
					f.ShareType, f.Reason, f.LegalBasis = orig.ShareType, orig.Reason, orig.LegalBasis
					if next[f.Name] {
						f.ShareType, f.Reason, f.LegalBasis = catalog.ShareNone, "列入负面清单", "《中华人民共和国个人信息保护法》第六条"
					}
				}
			})
			negative = next
		}
		n, filed, granted, reached, exhausted := 0, 0, 0, 0, 0
		rapid.Check(t, func(rt *rapid.T) {
			n++
			kind := rapid.SampledFrom([]share.Kind{share.KindData, share.KindVerify}).Draw(rt, "kind")
			pool := names
			if kind == share.KindVerify && rapid.Bool().Draw(rt, "comparable_pool") {
				pool = []string{"citizen_id", "sex", "birth_date", "region_code"}
			}
			fields := rapid.SliceOfNDistinct(rapid.SampledFrom(pool), 1, 4, rapid.ID[string]).Draw(rt, "fields")
			var clear []string
			if kind == share.KindData {
				for _, f := range fields {
					if rapid.Bool().Draw(rt, "clear_"+f) {
						clear = append(clear, f)
					}
				}
			}
			in := popRequest(fmt.Sprintf("规则性质 %d", n))
			in.Kind, in.Fields, in.ClearFields = kind, fields, clear
			r, err := a.Share.File(ctx, civil, in)
			if fits(kind, fields, clear) != (err == nil) {
				rt.Fatalf("filing %s %v clear %v with negative %v: %v", kind, fields, clear, negative, err)
			}
			if err != nil {
				return
			}
			filed++
			// A random approval: on each axis as asked, narrower, or anything at all (any field of
			// the entry, any clear values, any mode, any end date).
			var ap share.Approval
			switch rapid.IntRange(0, 4).Draw(rt, "fields_how") % 3 {
			case 1:
				ap.Fields = rapid.SliceOfNDistinct(rapid.SampledFrom(fields), 1, len(fields), rapid.ID[string]).Draw(rt, "approve_fields")
			case 2:
				ap.Fields = rapid.SliceOfNDistinct(rapid.SampledFrom(names), 1, 4, rapid.ID[string]).Draw(rt, "approve_fields")
			}
			switch rapid.IntRange(0, 4).Draw(rt, "clear_how") % 3 {
			case 1:
				ap.ClearFields = []string{}
				if len(clear) > 0 {
					ap.ClearFields = rapid.SliceOfNDistinct(rapid.SampledFrom(clear), 0, len(clear), rapid.ID[string]).Draw(rt, "approve_clear")
				}
			case 2:
				ap.ClearFields = rapid.SliceOfNDistinct(rapid.SampledFrom(names), 0, 3, rapid.ID[string]).Draw(rt, "approve_clear")
			}
			if rapid.IntRange(0, 3).Draw(rt, "any_mode") == 0 {
				ap.Mode = rapid.SampledFrom([]share.Mode{share.ModeAPI, share.ModeTable, share.ModeFile, share.ModeOffline}).Draw(rt, "mode")
			}
			if rapid.IntRange(0, 3).Draw(rt, "any_end") == 0 {
				ap.EndDate = rapid.SampledFrom([]string{"2026-09-29", "2027-03-31", "2027-06-30", "2027-07-01", "2029-01-01"}).Draw(rt, "end")
			}
			// Random call limits: the default, a small daily quota (data grants, so that it is
			// reached below), a negative one, one above the default (needs a reason) or above the
			// region's cap (never).
			lim := a.Share.Limits
			switch rapid.IntRange(0, 5).Draw(rt, "quota_how") {
			case 1, 2:
				if kind == share.KindData {
					ap.Limits.DailyQuota = rapid.IntRange(1, 3).Draw(rt, "quota")
				}
			case 3:
				ap.Limits.DailyQuota = -1
			case 4:
				ap.Limits.DailyQuota = lim.CallsPerDay + 1
			case 5:
				ap.Limits.DailyQuota = lim.CapPerDay + 1
			}
			if rapid.Bool().Draw(rt, "limits_reason") {
				ap.Limits.Reason = "集中核对"
			}
			limitsOK := ap.Limits.DailyQuota >= 0 && ap.Limits.DailyQuota <= lim.CapPerDay && (ap.Limits.DailyQuota <= lim.CallsPerDay || ap.Limits.Reason != "")
			quota := ap.Limits.DailyQuota
			if quota == 0 {
				quota = lim.CallsPerDay
			}
			gf, gc, end := ap.Fields, ap.ClearFields, ap.EndDate
			if len(ap.Fields) == 0 {
				gf = fields
				if ap.ClearFields == nil {
					gc = clear
				}
			}
			if end == "" {
				end = in.EndDate
			}
			within := subset(gf, fields) && subset(gc, clear) && (ap.Mode == "" || ap.Mode == share.ModeAPI) && end <= in.EndDate && end >= "2026-09-30"
			r, err = a.Share.Approve(ctx, approver, r.ID, ap)
			if (within && fits(kind, gf, gc) && limitsOK) != (err == nil) {
				rt.Fatalf("approving %+v of %s %v clear %v: %v", ap, kind, fields, clear, err)
			}
			if err != nil {
				return
			}
			granted++
			g, err := a.Share.GetGrant(ctx, civil, r.GrantID)
			if err != nil {
				rt.Fatal(err)
			}
			if g.Kind != kind || !sameSet(g.Fields, gf) || !sameSet(g.ClearFields, gc) || g.Mode != share.ModeAPI || g.EndDate != end || g.Limits.DailyQuota != quota {
				rt.Fatalf("grant %+v; want %s %v clear %v api until %s, %d calls a day", g, kind, gf, gc, end, quota)
			}
			secret, _, err := a.Share.IssueCredential(ctx, civil, g.ID)
			if err != nil {
				rt.Fatal(err)
			}
			gp, err := a.Identity.TokenPrincipal(ctx, secret)
			if err != nil {
				rt.Fatal(err)
			}
			i := rapid.IntRange(0, persons-1).Draw(rt, "person")
			p := person(i)
			values := map[string]string{"citizen_id": p[0], "name": p[1], "sex": p[2], "birth_date": p[3], "address": p[4], "phone": p[5], "region_code": p[6]}
			made := 0             // data calls made, each counting against the daily quota
			use := func() error { // the grant's own kind of call; verification compares every granted field it may
				if kind == share.KindData {
					made++
					out, err := a.Share.Lookup(ctx, gp, "", p[0])
					if err == nil && len(out.Values) != len(gf) {
						rt.Fatalf("lookup returned %v; granted %v", out.Values, gf)
					}
					return err
				}
				vals := map[string]string{}
				for _, f := range gf {
					if !identifier(f) {
						vals[f] = values[f]
					}
				}
				res, err := a.Share.Verify(ctx, gp, "", []share.VerifyItem{{Key: p[0], Values: vals}})
				if err == nil && (!res[0].Exists || !res[0].Match) {
					rt.Fatalf("verification of the true values %v: %+v", vals, res[0])
				}
				if err == nil { // a masked or ungranted field is never compared
					for _, f := range names {
						if !identifier(f) && (masked(f) || !slices.Contains(gf, f)) {
							_, verr := a.Share.Verify(ctx, gp, "", []share.VerifyItem{{Key: p[0], Values: map[string]string{f: values[f]}}})
							if len(fieldsOf(verr)) == 0 {
								rt.Fatalf("verification compared %s (masked %v, granted %v): %v", f, masked(f), gf, verr)
							}
						}
					}
				}
				return err
			}
			if err := use(); err != nil {
				rt.Fatalf("using %s grant %v: %v", kind, gf, err)
			}
			// A random change of the negative list reaches the grant.
			next := map[string]bool{}
			for _, f := range movable {
				if rapid.IntRange(0, 5).Draw(rt, "neg_"+f) == 0 {
					next[f] = true
				}
			}
			setNegative(next)
			still := fits(kind, gf, gc)
			g, err = a.Share.GetGrant(ctx, civil, g.ID)
			if err != nil {
				rt.Fatal(err)
			}
			if still != (g.Status == share.GrantActive) || (!still && g.SuspendCause != share.CauseField) {
				rt.Fatalf("after negative %v: grant %s %v is %s (%q)", negative, kind, gf, g.Status, g.SuspendCause)
			}
			// A suspended grant answers with the catalog's cause; an active one within its quota,
			// and 429 share.quota_exceeded with Retry-After once the day's calls are used up.
			err = use()
			switch {
			case !still:
				if apperr.As(err).Code != "share.field_not_shared" {
					rt.Fatalf("after negative %v: call on %s %v: %v", negative, kind, gf, err)
				}
			case made > quota:
				if e := apperr.As(err); e.Code != "share.quota_exceeded" || e.Status != 429 || e.RetryAfter < 1 {
					rt.Fatalf("call %d on a quota of %d: %v", made, quota, err)
				}
			case err != nil:
				rt.Fatalf("after negative %v: call %d on %s %v (quota %d): %v", negative, made, kind, gf, quota, err)
			}
			if still && kind == share.KindData && quota <= 3 {
				for made < quota {
					if err := use(); err != nil {
						rt.Fatalf("call %d on a quota of %d: %v", made, quota, err)
					}
				}
				if e := apperr.As(use()); e.Code != "share.quota_exceeded" || e.Status != 429 || e.RetryAfter < 1 {
					rt.Fatalf("call %d on a quota of %d: %+v", made, quota, e)
				}
				exhausted++
			}
			if !still {
				_, err := a.Share.Resume(ctx, approver, g.ID, "恢复")
				if apperr.As(err).Code != "share.field_not_shared" {
					rt.Fatalf("resuming around the negative list: %v", err)
				}
			}
			if _, err := a.Share.Revoke(ctx, civilApprover, g.ID, "性质测试结束"); err != nil {
				rt.Fatal(err)
			}
			reached++
		})
		t.Logf("%d cases: %d filed, %d approved, %d through a catalog change, %d to the end of a daily quota", n, filed, granted, reached, exhausted)
		if granted == 0 || reached == 0 {
			t.Fatalf("the property never reached a grant (%d cases, %d granted)", n, granted)
		}
	})
}

func subset(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func sameSet(a, b []string) bool { return subset(a, b) && subset(b, a) && len(a) == len(b) }
