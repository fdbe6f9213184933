package share_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
	"pubdata/internal/validate"
)

// popRequest is a request of the civil affairs department for the population entry
// (conditional share, 公安厅 decides).
func popRequest(scenario string) share.NewRequest {
	return share.NewRequest{EntryID: demo.EntryPopulation, Fields: []string{"citizen_id", "name", "address"}, ClearFields: []string{"name"},
		Scenario: scenario, Purpose: "核对低保申请人户籍信息", LegalBasis: "《社会救助暂行办法》第十一条", Mode: share.ModeAPI, EndDate: "2027-06-30",
		Authenticity: true, Compliance: true, Security: true}
}

func TestUnconditionalIsGrantedAtOnce(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		civil := who(t, a, "civil")
		r, err := a.Share.File(ctx, civil, share.NewRequest{EntryID: demo.EntryEnterprise, Fields: []string{"credit_code", "name", "status"},
			Scenario: "社会组织年检核对登记状态", Purpose: "核对企业登记状态", LegalBasis: "《社会组织登记管理条例》", Mode: share.ModeAPI,
			EndDate: "2026-12-31", Authenticity: true, Compliance: true, Security: true})
		must(t, err)
		if r.State != share.StateActive || r.Path != share.PathAtOnce || r.GrantID == "" || r.DeliveredAt.IsZero() {
			t.Fatalf("unconditional request: state %s path %s grant %q delivered %v; want active at once with a grant", r.State, r.Path, r.GrantID, r.DeliveredAt)
		}
		g, err := a.Share.GetGrant(ctx, civil, r.GrantID)
		must(t, err)
		if g.Status != share.GrantActive || len(g.Fields) != 3 || g.Scenario != r.Scenario || g.EndDate != "2026-12-31" {
			t.Fatalf("grant %+v", g)
		}
		if r.Commitment.SignedBy != civil.UserID || r.Commitment.Text == "" || r.Commitment.SignedAt.IsZero() {
			t.Fatalf("commitment not recorded: %+v", r.Commitment)
		}
		recs, _, err := a.Audit.Search(ctx, audit.Filter{Action: "share.request.file", ObjectID: r.ID})
		must(t, err)
		if len(recs) != 1 || recs[0].GrantID != r.GrantID || recs[0].Purpose != r.Scenario {
			t.Fatalf("filing audited as %+v", recs)
		}
		// The consumer's inbox says the share is active.
		if n := countKind(inbox(t, a, civil), "info", r.ID); n != 1 {
			t.Fatalf("consumer told %d times", n)
		}
		// Quality's objection notices go to the agencies holding grants on the entry.
		if a.Quality == nil || a.Quality.Receivers == nil {
			t.Fatal("the quality service's Receivers hook is not wired to sharing")
		}
		recv, err := a.Quality.Receivers(ctx, demo.EntryEnterprise, "")
		must(t, err)
		if !slices.Contains(recv, demo.OrgCivil) {
			t.Fatalf("receivers of the enterprise entry: %v", recv)
		}
		// Clear values for a masked field need a person's decision even on an unconditional entry.
		r2, err := a.Share.File(ctx, civil, share.NewRequest{EntryID: demo.EntryEnterprise, Fields: []string{"credit_code", "legal_rep"}, ClearFields: []string{"legal_rep"},
			Scenario: "法定代表人核查", Purpose: "核查", LegalBasis: "职责", Mode: share.ModeAPI, EndDate: "2026-12-31", Authenticity: true, Compliance: true, Security: true})
		must(t, err)
		if r2.State != share.StatePending || r2.Path != share.PathDecision {
			t.Fatalf("clear values asked: state %s path %s; want pending decision", r2.State, r2.Path)
		}
	})
}

// A conditional request filed the day before the National Day holiday: the source agency has
// until 2026-10-13 (5 working days, the holiday and the make-up Saturday counted right); it
// narrows the grant; an offline delivery is then due 5 working days after the decision.
func TestConditionalDecisionAndDeliveryDeadlines(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-30 10:00")
		a := testutil.DemoApp(t, d, clock)
		// 公安厅 asks 民政厅 for the allowance list on media (offline, which the entry offers);
		// "civil" here is the consumer's account, "approver" the provider's approver.
		civil, approver, providerOfficer := who(t, a, "officer"), who(t, a, "civil_approver"), who(t, a, "civil")
		in := popRequest("迁入人员低保关系核对")
		in.EntryID, in.Fields, in.ClearFields, in.Mode = demo.EntryDibao, []string{"citizen_id", "name", "area_type"}, []string{"name"}, share.ModeOffline
		r, err := a.Share.File(ctx, civil, in)
		must(t, err)
		if r.State != share.StatePending || r.DueDate != "2026-10-13" || r.DueKind != "decide" || r.ProviderOrgID != demo.OrgCivil {
			t.Fatalf("filed: state %s due %s (%s) provider %s; want pending, decide by 2026-10-13 at 民政厅", r.State, r.DueDate, r.DueKind, r.ProviderOrgID)
		}
		if r.Remaining != 5 || r.Overdue {
			t.Fatalf("remaining %d overdue %v; want 5 working days", r.Remaining, r.Overdue)
		}
		// Both sides see the progress; an unrelated agency does not see the request at all.
		if _, err := a.Share.Get(ctx, approver, r.ID); err != nil {
			t.Fatalf("provider cannot see the request: %v", err)
		}
		if _, err := a.Share.Get(ctx, who(t, a, "market"), r.ID); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("unrelated agency: %v; want not found", err)
		}
		// The consumer cannot decide on its own request; the provider's data officer cannot either.
		if _, err := a.Share.Approve(ctx, civil, r.ID, share.Approval{}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("consumer approving: %v", err)
		}
		if _, err := a.Share.Approve(ctx, providerOfficer, r.ID, share.Approval{}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("provider data officer approving: %v", err)
		}
		// Narrowing cannot widen: a field not asked for, clear values not asked for, a later end date.
		_, err = a.Share.Approve(ctx, approver, r.ID, share.Approval{Fields: []string{"citizen_id", "phone"}, ClearFields: []string{"citizen_id"}, EndDate: "2027-12-31"})
		wantFields(t, err, "fields", "clear_fields", "end_date")

		clock.Set("2026-10-13 16:00") // the last day
		q, _, err := a.Share.List(ctx, approver, share.ListFilter{Box: "queue"})
		must(t, err)
		if got, _, ok := inQueue(q, r.ID); !ok || got.Remaining != 0 {
			t.Fatalf("provider queue on the due day: %+v", got)
		}
		// The queue is ordered by deadline: nothing due later comes before it.
		for _, x := range q {
			if x.ID == r.ID {
				break
			}
			if x.DueDate > r.DueDate {
				t.Fatalf("queue order: %s (due %s) before %s (due %s)", x.ID, x.DueDate, r.ID, r.DueDate)
			}
		}
		r, err = a.Share.Approve(ctx, approver, r.ID, share.Approval{Fields: []string{"citizen_id", "name"}, ClearFields: []string{}, EndDate: "2027-03-31", Note: "城乡类别非必需"})
		must(t, err)
		if r.State != share.StateApproved || r.DueKind != "deliver" || r.DueDate != "2026-10-20" || r.DecideDue != "2026-10-13" {
			t.Fatalf("approved offline: state %s due %s (%s); want approved, deliver by 2026-10-20", r.State, r.DueDate, r.DueKind)
		}
		g, err := a.Share.GetGrant(ctx, civil, r.GrantID)
		must(t, err)
		if g.Status != share.GrantPending || len(g.Fields) != 2 || len(g.ClearFields) != 0 || g.Mode != share.ModeOffline || g.EndDate != "2027-03-31" {
			t.Fatalf("narrowed grant %+v", g)
		}
		// Offline delivery: bad input named, then recorded; the request becomes active.
		_, err = a.Share.Deliver(ctx, approver, r.ID, share.NewDelivery{Channel: "pigeon"})
		wantFields(t, err, "channel", "items", "received_by")
		if _, err := a.Share.Deliver(ctx, civil, r.ID, share.NewDelivery{Channel: "media", Items: "x", ReceivedBy: "y"}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("consumer recording a delivery: %v", err)
		}
		clock.Set("2026-10-19 09:00")
		dl, err := a.Share.Deliver(ctx, providerOfficer, r.ID, share.NewDelivery{Channel: "media", Items: "加密U盘一枚：citizen_id,name 共 1200 条", Records: 1200, ReceivedBy: "吴专员"})
		must(t, err)
		r, err = a.Share.Get(ctx, civil, r.ID)
		must(t, err)
		if r.State != share.StateActive || r.DueDate != "" || r.DeliveredAt.IsZero() || dl.Records != 1200 {
			t.Fatalf("after delivery: %s due %q", r.State, r.DueDate)
		}
		dls, err := a.Share.Deliveries(ctx, civil, r.ID)
		must(t, err)
		if len(dls) != 1 || dls[0].HandedBy == "" || dls[0].Channel != "media" {
			t.Fatalf("deliveries %+v", dls)
		}
		hist, err := a.Share.History(ctx, civil, r.ID)
		must(t, err)
		var evs []string
		for _, h := range hist {
			evs = append(evs, h.Event)
		}
		if len(evs) != 3 || evs[0] != "file" || evs[1] != "approve" || evs[2] != "deliver" {
			t.Fatalf("history %v", evs)
		}
		for _, act := range []string{"share.request.file", "share.request.approve", "share.request.deliver"} {
			recs, _, err := a.Audit.Search(ctx, audit.Filter{Action: act, ObjectID: r.ID})
			must(t, err)
			if len(recs) != 1 {
				t.Fatalf("%s audited %d times", act, len(recs))
			}
		}
	})
}

func TestRefusalNeedsReasonAndBasis(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		civil, approver := who(t, a, "civil"), who(t, a, "approver")
		r, err := a.Share.File(ctx, civil, popRequest("救助对象核查"))
		must(t, err)
		_, err = a.Share.Refuse(ctx, approver, r.ID, share.Refusal{Reason: "用途与申请字段不符"})
		wantFields(t, err, "legal_basis")
		_, err = a.Share.Refuse(ctx, approver, r.ID, share.Refusal{LegalBasis: "《个人信息保护法》第六条"})
		wantFields(t, err, "reason")
		r, err = a.Share.Refuse(ctx, approver, r.ID, share.Refusal{Reason: "住址超出最小必要范围", LegalBasis: "《个人信息保护法》第六条"})
		must(t, err)
		if r.State != share.StateRefused || r.GrantID != "" || r.RefuseBasis == "" || r.DueDate != "" {
			t.Fatalf("refused: %+v", r)
		}
		// A decided request cannot be decided again.
		if _, err := a.Share.Approve(ctx, approver, r.ID, share.Approval{}); !errors.Is(err, share.ErrState) {
			t.Fatalf("approving a refused request: %v", err)
		}
		// Withdrawal by the consumer while pending.
		r2, err := a.Share.File(ctx, civil, popRequest("另一用途"))
		must(t, err)
		r2, err = a.Share.Withdraw(ctx, civil, r2.ID, "")
		must(t, err)
		if r2.State != share.StateWithdrawn {
			t.Fatalf("withdrawn: %s", r2.State)
		}
	})
}

func TestNotSharedAllowsVerificationOnly(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		hr := who(t, a, "officer") // 公安厅 asks 民政厅 about marriages
		in := share.NewRequest{EntryID: demo.EntryMarriage, Fields: []string{"citizen_id", "name", "reg_type"}, Scenario: "户籍婚姻状况变更核验",
			Purpose: "核验婚姻状况", LegalBasis: "《户口登记条例》", Mode: share.ModeAPI, EndDate: "2027-01-31", Authenticity: true, Compliance: true, Security: true}
		_, err := a.Share.File(ctx, hr, in)
		wantFields(t, err, "kind")
		// Verification never compares a masked field or an item on the negative list: every field
		// of a not-shared entry is on it, so only identifiers (to name the person) can be asked for.
		in.Kind = share.KindVerify
		_, err = a.Share.File(ctx, hr, in)
		wantFields(t, err, "fields")
		in.Fields = []string{"citizen_id"}
		r, err := a.Share.File(ctx, hr, in)
		must(t, err)
		if r.State != share.StatePending || r.Kind != share.KindVerify || r.ProviderOrgID != demo.OrgCivil {
			t.Fatalf("verification request: %s %s %s", r.State, r.Kind, r.ProviderOrgID)
		}
		r, err = a.Share.Approve(ctx, who(t, a, "civil_approver"), r.ID, share.Approval{})
		must(t, err)
		g, err := a.Share.GetGrant(ctx, hr, r.GrantID)
		must(t, err)
		if g.Kind != share.KindVerify || g.Status != share.GrantActive {
			t.Fatalf("grant %+v", g)
		}
		// "Does this ID number hold a marriage record?" The entry is keyed by certificate
		// number; the consumer names the person by the granted ID-number field and gets
		// yes/no only.
		recs, _, err := a.Ingest.Query(ctx, demo.EntryMarriage, nil, 1, 0)
		must(t, err)
		if len(recs) == 0 {
			t.Fatal("demo marriage records missing")
		}
		m := recs[0].Values
		secret, _, err := a.Share.IssueCredential(ctx, hr, r.GrantID)
		must(t, err)
		gp, err := a.Identity.TokenPrincipal(ctx, secret)
		must(t, err)
		res, err := a.Share.Verify(ctx, gp, "", []share.VerifyItem{
			{Key: m["citizen_id"]},
			{Key: recs[0].Key},
			{Key: validate.MakeCitizenID("150203", time.Date(1999, 9, 9, 0, 0, 0, 0, time.UTC), 997)},
		})
		must(t, err)
		if !res[0].Exists || !res[0].Match || res[0].Fields != nil {
			t.Fatalf("verification by ID number: %+v", res[0])
		}
		if !res[1].Exists || !res[1].Match {
			t.Fatalf("verification by the entry key: %+v", res[1])
		}
		if res[2].Exists || res[2].Match {
			t.Fatalf("unknown ID number: %+v", res[2])
		}
		// Comparing a masked field (name) or a not-shared one (reg_type) is refused, naming each.
		_, err = a.Share.Verify(ctx, gp, "", []share.VerifyItem{{Key: m["citizen_id"], Values: map[string]string{"name": m["name"], "reg_type": m["reg_type"], "citizen_id": m["citizen_id"]}}})
		wantFields(t, err, "items[0].values.name", "items[0].values.reg_type", "items[0].values.citizen_id")
		// A not-shared field of a shared entry cannot be requested as data (negative list).
		_, err = a.Share.File(ctx, who(t, a, "civil"), share.NewRequest{EntryID: demo.EntrySocialInsurance, Fields: []string{"citizen_id", "pay_base"},
			Scenario: "低保收入核对", Purpose: "核对", LegalBasis: "《社会救助暂行办法》", Mode: share.ModeAPI, EndDate: "2027-01-31", Authenticity: true, Compliance: true, Security: true})
		wantFields(t, err, "fields")
	})
}

func TestBadInputIsNamed(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		civil := who(t, a, "civil")
		in := popRequest("")
		in.Fields = []string{"citizen_id", "no_such_field"}
		in.EndDate = "2026-09-29"
		in.Security = false
		_, err := a.Share.File(ctx, civil, in)
		wantFields(t, err, "fields", "scenario", "end_date", "commit_security")
		if e := apperr.As(err); e.Status != 422 || e.Code != "invalid" {
			t.Fatalf("error shape %d %s", e.Status, e.Code)
		}
		// An entry that is not published (a draft) cannot be requested.
		in = popRequest("草稿资源")
		in.EntryID = demo.EntryDraftFamilyDoctor
		_, err = a.Share.File(ctx, civil, in)
		wantFields(t, err, "entry_id")
		in.EntryID = "no-such-entry"
		_, err = a.Share.File(ctx, civil, in)
		wantFields(t, err, "entry_id")
		// A mode the entry does not offer.
		in = popRequest("文件方式")
		in.Mode = share.ModeFile
		_, err = a.Share.File(ctx, civil, in)
		wantFields(t, err, "mode")
		// One request per concrete use: the same scenario again is a duplicate; another is fine.
		_, err = a.Share.File(ctx, civil, popRequest("低保审核"))
		must(t, err)
		_, err = a.Share.File(ctx, civil, popRequest("低保审核"))
		wantCode(t, err, "share.duplicate")
		_, err = a.Share.File(ctx, civil, popRequest("临时救助审核"))
		must(t, err)
		// Own data is not requested.
		_, err = a.Share.File(ctx, who(t, a, "officer"), popRequest("本部门"))
		wantCode(t, err, "share.own_data")
		// Nobody outside a data-holding agency files.
		_, err = a.Share.File(ctx, who(t, a, "appunit"), popRequest("企业"))
		if !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("application unit filing: %v", err)
		}
	})
}

// A request from a Baotou utility for a provincial entry goes through the Baotou authority
// first (SHR-8); the source agency's 5 working days start when it is forwarded.
func TestCrossRegionRouting(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-30 10:00")
		a := testutil.DemoApp(t, d, clock)
		water := who(t, a, "water")
		in := popRequest("供水户实名登记核验")
		in.Fields, in.ClearFields = []string{"citizen_id", "name"}, nil
		r, err := a.Share.File(ctx, water, in)
		must(t, err)
		if r.State != share.StateRouting || !r.CrossRegion || r.RoutedVia != demo.OrgAuthorityB || r.DueDate != "2026-10-13" {
			t.Fatalf("cross-region filing: state %s via %s due %s", r.State, r.RoutedVia, r.DueDate)
		}
		// The source agency cannot decide before routing; another city's authority cannot route.
		if _, err := a.Share.Approve(ctx, who(t, a, "approver"), r.ID, share.Approval{}); !errors.Is(err, share.ErrState) {
			t.Fatalf("deciding before routing: %v", err)
		}
		var bt = who(t, a, "bt_admin")
		q, _, err := a.Share.List(ctx, bt, share.ListFilter{Box: "routing"})
		must(t, err)
		if _, _, ok := inQueue(q, r.ID); !ok {
			t.Fatalf("Baotou authority's routing box lacks the request: %d items", len(q))
		}
		clock.Set("2026-10-09 11:00")
		r, err = a.Share.Forward(ctx, bt, r.ID, "属本市供水实名制管理需要")
		must(t, err)
		// Friday 10-09 + 5 working days: Sat 10-10 (make-up day), 10-12, 10-13, 10-14, 10-15.
		if r.State != share.StatePending || r.DueDate != "2026-10-15" {
			t.Fatalf("forwarded: %s due %s; want pending, due 2026-10-15", r.State, r.DueDate)
		}
		r, err = a.Share.Approve(ctx, who(t, a, "approver"), r.ID, share.Approval{})
		must(t, err)
		if r.State != share.StateActive {
			t.Fatalf("approved: %s", r.State)
		}
	})
}

func TestDeadlineRemindersAndEscalation(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-30 10:00")
		a := testutil.DemoApp(t, d, clock)
		civil, approver, admin := who(t, a, "civil"), who(t, a, "approver"), who(t, a, "admin")
		r, err := a.Share.File(ctx, civil, popRequest("逾期测试"))
		must(t, err)
		must(t, a.Share.Deadlines(ctx))
		if n := countKind(inbox(t, a, approver), "reminder", r.ID); n != 0 {
			t.Fatalf("reminded %d times with 5 working days left", n)
		}
		clock.Set("2026-10-12 09:00") // one working day left (10-13)
		must(t, a.Share.Deadlines(ctx))
		must(t, a.Share.Deadlines(ctx))
		if n := countKind(inbox(t, a, approver), "reminder", r.ID); n != 1 {
			t.Fatalf("reminders: %d; want exactly 1", n)
		}
		clock.Set("2026-10-13 23:00") // still the due day: not overdue
		must(t, a.Share.Deadlines(ctx))
		if items, err := a.Share.Overdue(ctx, admin); err != nil {
			t.Fatal(err)
		} else if it, ok := onBoard(items, r.ID); ok {
			t.Fatalf("on the overdue board on the due day: %+v", it)
		}
		clock.Set("2026-10-14 08:00")
		must(t, a.Share.Deadlines(ctx))
		must(t, a.Share.Deadlines(ctx))
		r, err = a.Share.Get(ctx, civil, r.ID)
		must(t, err)
		if !r.Overdue || r.EscalatedAt.IsZero() || r.Remaining != -1 {
			t.Fatalf("after the due day: overdue %v escalated %v remaining %d", r.Overdue, r.EscalatedAt, r.Remaining)
		}
		if n := countKind(inbox(t, a, admin), "escalation", r.ID); n != 1 {
			t.Fatalf("authority escalations: %d; want 1", n)
		}
		if n := countKind(inbox(t, a, approver), "escalation", r.ID); n != 1 {
			t.Fatalf("late agency told %d times; want 1", n)
		}
		items, err := a.Share.Overdue(ctx, admin)
		must(t, err)
		if it, ok := onBoard(items, r.ID); !ok || it.WorkdaysLate != 1 || it.ResponsibleOrg != demo.OrgPublicSec || it.EscalatedAt.IsZero() {
			t.Fatalf("overdue board item %+v (found %v)", it, ok)
		}
		recs, _, err := a.Audit.Search(ctx, audit.Filter{Action: "request.escalate", ObjectID: r.ID})
		must(t, err)
		if len(recs) != 1 {
			t.Fatalf("escalation audited %d times", len(recs))
		}
		// Agencies do not see the board.
		if _, err := a.Share.Overdue(ctx, approver); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("agency on the board: %v", err)
		}
		// The decision still can be taken late; the board empties.
		_, err = a.Share.Approve(ctx, approver, r.ID, share.Approval{})
		must(t, err)
		items, _ = a.Share.Overdue(ctx, admin)
		if it, ok := onBoard(items, r.ID); ok {
			t.Fatalf("still on the board after the decision: %+v", it)
		}
	})
}

func TestDemandListDeadlines(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-30 10:00")
		a := testutil.DemoApp(t, d, clock)
		civil, admin, health := who(t, a, "civil"), who(t, a, "admin"), who(t, a, "health")
		_, err := a.Share.FileDemand(ctx, civil, share.NewDemand{Title: ""})
		wantFields(t, err, "title", "fields", "scenario", "legal_basis")
		dm, err := a.Share.FileDemand(ctx, civil, share.NewDemand{Title: "残疾人两项补贴发放信息", Fields: []string{"公民身份号码", "补贴类型", "发放月份"},
			Scenario: "困难残疾人生活补贴资格复核", Purpose: "避免重复发放", LegalBasis: "《残疾人保障法》第四十八条"})
		must(t, err)
		if dm.State != share.DemandSubmitted || dm.DueKind != "review" || dm.DueDate != "2026-10-13" {
			t.Fatalf("filed demand: %s %s %s", dm.State, dm.DueKind, dm.DueDate)
		}
		if _, err := a.Share.AssignDemand(ctx, civil, dm.ID, demo.OrgHealth, ""); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("requester assigning: %v", err)
		}
		_, err = a.Share.AssignDemand(ctx, admin, dm.ID, demo.OrgOperator, "")
		wantFields(t, err, "org_id")
		clock.Set("2026-10-09 10:00")
		dm, err = a.Share.AssignDemand(ctx, admin, dm.ID, demo.OrgHealth, "残疾评定数据由卫健委产生")
		must(t, err)
		// Friday 10-09 + 5 working days, the make-up Saturday 10-10 included: 10-15.
		if dm.State != share.DemandAssigned || dm.AnswerDue != "2026-10-15" || dm.DueDate != "2026-10-15" {
			t.Fatalf("assigned: %s answer due %s", dm.State, dm.AnswerDue)
		}
		duty, _, err := a.Share.ListDemands(ctx, health, "duty", 50, 0)
		must(t, err)
		found := false
		for _, x := range duty {
			found = found || x.ID == dm.ID
		}
		if !found {
			t.Fatalf("the item is not on 卫健委's responsibility list (%d items)", len(duty))
		}
		// Refusal needs reason and basis.
		_, err = a.Share.AnswerDemand(ctx, health, dm.ID, false, share.DemandAnswer{Reason: "无此数据"})
		wantFields(t, err, "legal_basis")
		// Accept on the last day: complete within 7 working days of the answer.
		clock.Set("2026-10-15 17:00")
		dm, err = a.Share.AnswerDemand(ctx, health, dm.ID, true, share.DemandAnswer{Note: "已有数据，编目后共享"})
		must(t, err)
		if dm.State != share.DemandAccepted || dm.CompleteDue != "2026-10-26" || dm.NamedDate {
			t.Fatalf("accepted: %s complete due %s; want 2026-10-26", dm.State, dm.CompleteDue)
		}
		clock.Set("2026-10-27 09:00")
		must(t, a.Share.Deadlines(ctx))
		items, err := a.Share.Overdue(ctx, admin)
		must(t, err)
		if it, ok := onBoard(items, dm.ID); !ok || it.Type != "share_demand" || it.WorkdaysLate != 1 || it.EscalatedAt.IsZero() {
			t.Fatalf("overdue demand on the board: %+v (found %v)", it, ok)
		}
		// Done means done: a published entry of the source agency's is required.
		_, err = a.Share.CompleteDemand(ctx, health, dm.ID, "", "已编目为 残疾人补贴发放信息 并开通共享")
		wantFields(t, err, "result_entry")
		_, err = a.Share.CompleteDemand(ctx, health, dm.ID, "NO-SUCH-CODE", "")
		wantFields(t, err, "result_entry")
		pop, err := a.Catalog.Published(ctx, demo.EntryPopulation) // 公安厅's, not 卫健委's
		must(t, err)
		_, err = a.Share.CompleteDemand(ctx, health, dm.ID, pop.Code, "")
		wantFields(t, err, "result_entry")
		birth, err := a.Catalog.Published(ctx, demo.EntryBirth)
		must(t, err)
		dm, err = a.Share.CompleteDemand(ctx, health, dm.ID, strings.ToLower(birth.Code), "已编目并开通共享")
		must(t, err)
		if dm.State != share.DemandCompleted || dm.ResultEntry != birth.Code {
			t.Fatalf("completed: %s %s", dm.State, dm.ResultEntry)
		}
		// The requester is offered a share request prefilled from the demand.
		in, err := a.Share.PrefillFromDemand(ctx, civil, dm.ID)
		must(t, err)
		if in.EntryID != demo.EntryBirth || in.Scenario != "困难残疾人生活补贴资格复核" || in.LegalBasis != "《残疾人保障法》第四十八条" || len(in.Fields) != 0 { // no item of the birth entry is named like the demand's items
			t.Fatalf("prefilled request %+v", in)
		}
		if _, err := a.Share.PrefillFromDemand(ctx, health, dm.ID); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("the source agency prefilled the requester's request: %v", err)
		}

		// A named date when processing is needed; and a return to the authority.
		dm2, err := a.Share.FileDemand(ctx, civil, share.NewDemand{Title: "家庭医生签约信息", Fields: []string{"身份证号"}, Scenario: "特困供养", LegalBasis: "职责"})
		must(t, err)
		dm2, err = a.Share.AssignDemand(ctx, admin, dm2.ID, demo.OrgHealth, "")
		must(t, err)
		_, err = a.Share.AnswerDemand(ctx, health, dm2.ID, true, share.DemandAnswer{NamedDate: "2026-12-31"})
		wantFields(t, err, "note")
		dm2, err = a.Share.AnswerDemand(ctx, health, dm2.ID, true, share.DemandAnswer{NamedDate: "2026-12-31", Note: "需清洗历史数据"})
		must(t, err)
		if dm2.CompleteDue != "2026-12-31" || !dm2.NamedDate {
			t.Fatalf("named date: %s %v", dm2.CompleteDue, dm2.NamedDate)
		}
		dm3, err := a.Share.FileDemand(ctx, civil, share.NewDemand{Title: "宗教活动场所信息", Fields: []string{"场所名称"}, Scenario: "社会组织管理", LegalBasis: "职责"})
		must(t, err)
		dm3, err = a.Share.AssignDemand(ctx, admin, dm3.ID, demo.OrgHealth, "")
		must(t, err)
		dm3, err = a.Share.ReturnDemand(ctx, health, dm3.ID, "非本部门职责，应为宗教事务部门")
		must(t, err)
		if dm3.State != share.DemandSubmitted || dm3.AssignedOrgID != "" || dm3.DueKind != "review" {
			t.Fatalf("returned: %s %q %s", dm3.State, dm3.AssignedOrgID, dm3.DueKind)
		}
		if _, err := a.Share.GetDemand(ctx, health, dm3.ID); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("returned item still visible to the agency: %v", err)
		}
	})
}
