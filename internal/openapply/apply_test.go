package openapply_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/open"
	"pubdata/internal/openapply"
	"pubdata/internal/testutil"
)

var ctx = context.Background()

func who(t testing.TB, a *app.App, username string) *authz.Principal {
	t.Helper()
	u, err := a.Identity.UserByName(ctx, username)
	if err != nil {
		t.Fatalf("user %s: %v", username, err)
	}
	p, err := a.Identity.Principal(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%v %+v", err, apperr.As(err).Fields)
	}
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s", code)
	}
	if got := apperr.As(err).Code; got != code {
		t.Fatalf("error %v has code %q; want %q (%+v)", err, got, code, apperr.As(err).Fields)
	}
}

func hasField(err error, field string) bool {
	for _, f := range apperr.As(err).Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// conditional publishes a conditionally open entry of the market agency with a clear item, a
// conditionally open phone number and an item that is not open, and loads three rows.
func conditional(t *testing.T, a *app.App, name string) catalog.Entry {
	t.Helper()
	en := catalog.Entry{Name: name, Summary: name, ProviderOrgID: demo.OrgMarket, Form: catalog.FormTable, ResourceAttr: catalog.AttrSubject,
		Topic: "14", Grade: catalog.GradeGeneral, ShareType: catalog.ShareUnconditional, OpenType: catalog.OpenConditional,
		OpenCondition: "用于信用服务研究，须签署使用协议", Frequency: catalog.FreqYearly,
		Fields: []catalog.Field{
			{Name: "code", Label: "编号", Type: catalog.TypeString, Kind: catalog.KindOther, IsKey: true, Required: true, Sensitivity: 1},
			{Name: "company", Label: "企业名称", Type: catalog.TypeString, Kind: catalog.KindText, Sensitivity: 1},
			{Name: "contact_phone", Label: "联系电话", Type: catalog.TypeString, Kind: catalog.KindOther, Sensitivity: 1,
				OpenType: catalog.OpenConditional, Condition: "仅向经批准的申请人开放"},
			{Name: "secret_note", Label: "内部备注", Type: catalog.TypeString, Kind: catalog.KindText, Sensitivity: 3,
				OpenType: catalog.OpenNone, OpenReason: catalog.ReasonPrivacy, LegalBasis: "《中华人民共和国个人信息保护法》第二十八条", Reason: "内部信息"},
		}}
	officer := who(t, a, "market")
	c, err := a.Catalog.Create(ctx, officer, en)
	must(t, err)
	must(t, a.Catalog.Submit(ctx, officer, c.ID))
	must(t, a.Catalog.Approve(ctx, who(t, a, "reviewer"), c.ID, "同意"))
	e, err := a.Catalog.Published(ctx, c.ID)
	must(t, err)
	body := "code,company,contact_phone,secret_note\nA1,甲公司,13800000001,内部一\nA2,乙公司,13800000002,内部二\nA3,丙公司,13800000003,内部三\n"
	_, err = a.Ingest.LoadEntry(ctx, ingest.Actor{ID: "test", Name: "test", OrgID: e.ProviderOrgID}, &e, ingest.LoadRequest{
		EntryID: e.ID, Channel: ingest.ChannelDemo, Format: ingest.FormatCSV, FileName: "t.csv", Partial: true, Body: strings.NewReader(body)})
	must(t, err)
	return e
}

func notes(t *testing.T, d *db.DB, like string) int {
	t.Helper()
	var n int
	must(t, d.QueryRowContext(ctx, "SELECT COUNT(*) FROM notifications WHERE dedup_key LIKE $1", like).Scan(&n))
	return n
}

// The whole path of OPN-3 on both backends: a citizen applies; outsiders see nothing; the
// provider may only narrow; the citizen follows it, signs the versioned agreement and gets a key
// limited to the dataset, the approved items and the period; conditional data without that key
// is refused; ending the use revokes the key.
func TestConditionalOpening(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-28 10:00") // Monday before the National Day holiday
		a := testutil.DirectoryApp(t, d, clock)
		s := a.Applications
		e := conditional(t, a, "有条件开放测试企业联系方式")
		other := conditional(t, a, "另一个有条件开放数据集")
		citizen, approver := who(t, a, "citizen"), who(t, a, "market_approver")

		// Without a key the conditional data is refused (download and API alike).
		_, err := a.Open.Records(ctx, &open.Caller{}, e.ID, open.RecordsQuery{})
		if !errors.Is(err, authz.ErrOpenKeyNeeded) {
			t.Fatalf("conditional data without a key: %v", err)
		}

		// Authorize before validating: a visitor and agency staff are refused, not told what is wrong.
		_, err = s.Submit(ctx, &authz.Principal{}, openapply.Input{DatasetID: e.ID})
		wantCode(t, err, "unauthenticated")
		_, err = s.Submit(ctx, approver, openapply.Input{DatasetID: e.ID})
		wantCode(t, err, "forbidden")
		_, err = s.Submit(ctx, citizen, openapply.Input{DatasetID: e.ID, Fields: []string{"secret_note"}, Method: "bulk", EndDate: "2026-09-01"})
		for _, f := range []string{"scenario", "security", "contact", "fields", "method", "end_date"} {
			if !hasField(err, f) {
				t.Errorf("bad input: no error on %s: %+v", f, apperr.As(err).Fields)
			}
		}

		in := openapply.Input{DatasetID: e.ID, Scenario: "企业信用服务研究", Fields: []string{"code", "company", "contact_phone"}, Method: "file",
			EndDate: "2026-12-31", Security: "专人专机，访问留痕，用后删除", Contact: "13900000000"}
		ap, err := s.Submit(ctx, citizen, in)
		must(t, err)
		// Ten working days from Monday 28 September, across National Day (1–7 October off, 10
		// October a make-up working day): 29, 30 Sep, 8, 9, 10, 12, 13, 14, 15, 16 Oct.
		if ap.State != openapply.StateSubmitted || ap.Due != "2026-10-16" || ap.ApplicantKind != "natural" || !strings.HasPrefix(ap.Number, "KF20260928") {
			t.Fatalf("submitted: %+v", ap)
		}

		// Another agency, and a citizen who did not apply, get the answer for a missing one.
		for _, p := range []*authz.Principal{who(t, a, "civil_approver"), {UserID: "someone-else", Roles: []authz.Role{authz.PublicUser}}} {
			if _, err := s.Get(ctx, p, ap.ID); !errors.Is(err, openapply.ErrNotFound) {
				t.Errorf("%s reads: %v", p.UserID, err)
			}
			if _, err := s.Act(ctx, p, ap.ID, openapply.Step{Event: openapply.EvApprove}); !errors.Is(err, openapply.ErrNotFound) {
				t.Errorf("%s approves: %v", p.UserID, err)
			}
		}
		// The auditor reads and cannot decide; the applicant cannot approve its own.
		if _, err := s.Get(ctx, who(t, a, "auditor"), ap.ID); err != nil {
			t.Errorf("auditor reads: %v", err)
		}
		_, err = s.Act(ctx, who(t, a, "auditor"), ap.ID, openapply.Step{Event: openapply.EvApprove})
		wantCode(t, err, "forbidden")
		_, err = s.Act(ctx, citizen, ap.ID, openapply.Step{Event: openapply.EvApprove})
		wantCode(t, err, "forbidden")

		// Approval only narrows: no item, method or period beyond the request.
		_, err = s.Act(ctx, approver, ap.ID, openapply.Step{Event: openapply.EvApprove, Fields: []string{"code", "secret_note"}})
		if !hasField(err, "fields") {
			t.Fatalf("wider items: %v", err)
		}
		_, err = s.Act(ctx, approver, ap.ID, openapply.Step{Event: openapply.EvApprove, EndDate: "2027-01-31"})
		if !hasField(err, "end_date") {
			t.Fatalf("longer period: %v", err)
		}
		_, err = s.Act(ctx, approver, ap.ID, openapply.Step{Event: openapply.EvRefuse, Reason: "不符合条件"})
		if !hasField(err, "legal_basis") {
			t.Fatalf("refusal without legal basis: %v", err)
		}
		res, err := s.Act(ctx, approver, ap.ID, openapply.Step{Event: openapply.EvApprove, Fields: []string{"code", "contact_phone"}, Method: "api",
			EndDate: "2026-11-30", Use: "仅用于信用服务研究"})
		must(t, err)
		if g := res.Application; g.State != openapply.StateApproved || g.Approved == nil || g.Approved.Method != "api" || g.Approved.EndDate != "2026-11-30" ||
			strings.Join(g.Approved.Fields, ",") != "code,contact_phone" {
			t.Fatalf("approved: %+v %+v", g, g.Approved)
		}
		if notes(t, d, "openapply-approved-"+ap.ID) != 1 {
			t.Error("the applicant was not told of the approval")
		}

		// Signing needs consent to the current version of the agreement.
		_, err = s.Act(ctx, citizen, ap.ID, openapply.Step{Event: openapply.EvSign, Agree: true, AgreementVersion: "2025.0"})
		wantCode(t, err, "open_application.agreement_changed")
		_, err = s.Act(ctx, approver, ap.ID, openapply.Step{Event: openapply.EvSign, Agree: true, AgreementVersion: openapply.CurrentAgreement.Version})
		wantCode(t, err, "forbidden")
		res, err = s.Act(ctx, citizen, ap.ID, openapply.Step{Event: openapply.EvSign, Agree: true, AgreementVersion: openapply.CurrentAgreement.Version})
		must(t, err)
		if res.Key == nil || res.Key.Secret == "" || res.Application.State != openapply.StateActive || res.Application.AgreementDigest != openapply.CurrentAgreement.Digest() {
			t.Fatalf("signed: %+v", res)
		}
		if got := res.Key.ExpiresAt.Time().In(clock.Now().Location()); got.Format("2006-01-02") != "2026-11-30" && got.Format("2006-01-02") != "2026-12-01" {
			t.Errorf("key expires %v; want the end of 30 November", got)
		}

		// The key reads this dataset with the approved items only: the phone number leaves, the
		// company (conditional with the entry, not approved) does not, the not-open item never does.
		pg, err := a.Open.Records(ctx, &open.Caller{KeySecret: res.Key.Secret}, e.ID, open.RecordsQuery{})
		must(t, err)
		got := strings.Join(openNames(pg), ",")
		if got != "code,contact_phone" || pg.Count != 3 {
			t.Fatalf("records with the key: columns %s, %d rows", got, pg.Count)
		}
		// Not another conditional dataset.
		if _, err := a.Open.Records(ctx, &open.Caller{KeySecret: res.Key.Secret}, other.ID, open.RecordsQuery{}); !errors.Is(err, authz.ErrOpenKeyNeeded) {
			t.Fatalf("the key on another dataset: %v", err)
		}
		// After the period, the key no longer works.
		clock.Set("2026-12-02 09:00")
		if _, err := a.Open.Records(ctx, &open.Caller{KeySecret: res.Key.Secret}, e.ID, open.RecordsQuery{}); !errors.Is(err, open.ErrKey) {
			t.Fatalf("the key after its period: %v", err)
		}
		clock.Set("2026-10-20 09:00")

		// Ending the use revokes the key at once.
		_, err = s.Act(ctx, approver, ap.ID, openapply.Step{Event: openapply.EvRevoke})
		if !hasField(err, "reason") {
			t.Fatalf("ending without reason: %v", err)
		}
		_, err = s.Act(ctx, approver, ap.ID, openapply.Step{Event: openapply.EvRevoke, Reason: "发现超范围使用"})
		must(t, err)
		if _, err := a.Open.Records(ctx, &open.Caller{KeySecret: res.Key.Secret}, e.ID, open.RecordsQuery{}); !errors.Is(err, open.ErrKey) {
			t.Fatalf("a revoked key: %v", err)
		}
		got2, err := s.Get(ctx, citizen, ap.ID)
		must(t, err)
		var evs []string
		for _, ev := range got2.Events {
			evs = append(evs, string(ev.Event))
		}
		if strings.Join(evs, ",") != "submit,approve,sign,revoke" || got2.State != openapply.StateRevoked {
			t.Fatalf("history %v, state %s", evs, got2.State)
		}
		// The applicant's list holds its own application; another agency's holds none.
		if l, _ := s.List(ctx, citizen, openapply.ListQuery{}); len(l) != 1 {
			t.Errorf("citizen lists %d", len(l))
		}
		if l, _ := s.List(ctx, who(t, a, "civil_approver"), openapply.ListQuery{}); len(l) != 0 {
			t.Errorf("another agency lists %d", len(l))
		}

		// Refusal with reason and legal basis; a refused application is closed.
		ap2, err := s.Submit(ctx, citizen, openapply.Input{DatasetID: other.ID, Scenario: "研究", Fields: []string{"contact_phone"}, Method: "api",
			EndDate: "2026-12-31", Security: "加密存储", Contact: "13900000000"})
		must(t, err)
		res, err = s.Act(ctx, approver, ap2.ID, openapply.Step{Event: openapply.EvRefuse, Reason: "用途与数据无关", LegalBasis: "《公共数据开放管理办法》第十二条"})
		must(t, err)
		if res.Application.State != openapply.StateRefused || res.Application.LegalBasis == "" || res.Application.ClosedAt == 0 {
			t.Fatalf("refused: %+v", res.Application)
		}
		_, err = s.Act(ctx, citizen, ap2.ID, openapply.Step{Event: openapply.EvSign, Agree: true, AgreementVersion: openapply.CurrentAgreement.Version})
		wantCode(t, err, "open_application.invalid_state")
	})
}

func openNames(pg *open.RecordsPage) []string {
	var out []string
	for _, c := range pg.Columns {
		out = append(out, c.Name)
	}
	return out
}

// The decision deadline runs in working days across the 2026 National Day holiday: the
// provider is reminded two working days before the due day (once), and the application is
// escalated to the authority once, the first day after it.
func TestApplicationDeadlineAcrossNationalDay(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-29 15:00") // Tuesday
		a := testutil.DirectoryApp(t, d, clock)
		e := conditional(t, a, "期限测试数据集")
		ap, err := a.Applications.Submit(ctx, who(t, a, "citizen"), openapply.Input{DatasetID: e.ID, Scenario: "研究", Fields: []string{"contact_phone"},
			Method: "api", EndDate: "2026-12-31", Security: "加密存储", Contact: "13900000000"})
		must(t, err)
		// 30 Sep, 8, 9, 10 (Saturday, make-up), 12, 13, 14, 15, 16, 19 Oct.
		if ap.Due != "2026-10-19" {
			t.Fatalf("due %s; want 2026-10-19", ap.Due)
		}
		run := func(at string) int {
			clock.Set(at)
			n, err := a.Applications.Deadlines(ctx, clock.Now())
			must(t, err)
			return n
		}
		// During the holiday nothing is due: six working days are still left.
		if run("2026-10-05 09:00") != 0 || notes(t, d, "openapply:remind:%") != 0 {
			t.Fatal("reminded or escalated during the holiday")
		}
		// Two working days before (Thursday 15 October: 16 and 19 left).
		run("2026-10-15 09:00")
		run("2026-10-15 10:00")
		if n := notes(t, d, "openapply:remind:"+ap.ID+":%"); n != 1 {
			t.Fatalf("%d reminders; want 1", n)
		}
		// On the due day: not late yet.
		if run("2026-10-19 18:00") != 0 {
			t.Fatal("escalated on the due day")
		}
		// The day after: escalated once, to the authority and the provider.
		if n := run("2026-10-20 09:00"); n != 1 {
			t.Fatalf("escalated %d; want 1", n)
		}
		if n := run("2026-10-21 09:00"); n != 0 {
			t.Fatalf("escalated again: %d", n)
		}
		if n := notes(t, d, "openapply:escalate:%"); n != 2 {
			t.Fatalf("%d escalation messages; want 2 (authority, provider)", n)
		}
		got, err := a.Applications.Get(ctx, who(t, a, "admin"), ap.ID)
		must(t, err)
		if got.EscalatedAt == 0 || got.Events[len(got.Events)-1].Event != openapply.EvEscalate || got.State != openapply.StateSubmitted {
			t.Fatalf("after escalation: %+v", got)
		}
		// The provider still decides after the escalation.
		_, err = a.Applications.Act(ctx, who(t, a, "market_approver"), ap.ID, openapply.Step{Event: openapply.EvApprove})
		must(t, err)
	})
}
