package supervise_test

import (
	"errors"
	"testing"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/share"
	"pubdata/internal/supervise"
	"pubdata/internal/testutil"
)

// bySource indexes the notices of a list by their source and fact.
func bySource(ns []supervise.Notice) map[string]supervise.Notice {
	out := map[string]supervise.Notice{}
	for _, n := range ns {
		out[n.Source+":"+n.FactID] = n
	}
	return out
}

// The detectors (SUP-2) find every kind of violation from the platform's own facts and open one
// notice per open fact, with a deadline in working days, in the responsible agency's inbox; run
// again, they open nothing; once a notice is closed and the fact is still there, a new one opens.
func TestDetectorsOpenOneNoticePerOpenFact(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-10-20 10:00")
		a := testutil.DemoApp(t, d, clock)
		now := clock.Now().UnixMilli()
		// Facts: an approved share not delivered by its date, a quality task past its date, a
		// built system with no catalog entry, an agency without any catalog entry.
		var req string
		must(t, d.QueryRowContext(ctx, "SELECT id FROM share_requests WHERE state IN ('active', 'pending') AND provider_org_id = $1 ORDER BY id LIMIT 1",
			demo.OrgPublicSec).Scan(&req))
		_, err := d.ExecContext(ctx, "UPDATE share_requests SET state = 'approved', due_date = '2026-10-12', due_kind = 'deliver' WHERE id = $1", req)
		must(t, err)
		_, err = d.ExecContext(ctx, `INSERT INTO quality_tasks (id, entry_id, entry_name, org_id, region_code, state, due, created_at, updated_at)
			VALUES ('qt-late', $1, '常住人口基本信息', $2, '150000', 'overdue', '2026-10-15', $3, $3)`, demo.EntryPopulation, demo.OrgPublicSec, now)
		must(t, err)
		_, err = d.ExecContext(ctx, `INSERT INTO catalog_systems (id, org_id, region_code, name, stage, entry_ids, created_at, updated_at)
			VALUES ('sys-bare', $1, '150000', '婚姻登记系统', 'built', '[]', $2, $2)`, demo.OrgCivil, now)
		must(t, err)
		_, err = d.ExecContext(ctx, `INSERT INTO orgs (id, name, kind, region_code, created_at) VALUES ('org-sport', '内蒙古自治区体育局', 'agency', '150000', $1)`, now)
		must(t, err)

		n, err := a.Supervise.Detect(ctx, clock.Now())
		must(t, err)
		admin := mustP(t, a, "admin")
		all, total, err := a.Supervise.ListNotices(ctx, admin, supervise.NoticeFilter{Limit: 200})
		must(t, err)
		got := bySource(all)
		want := map[string]string{ // source:fact → responsible agency
			"share_delivery:" + req:       demo.OrgPublicSec,
			"quality_fix:qt-late":         demo.OrgPublicSec,
			"system_uncataloged:sys-bare": demo.OrgCivil,
			"catalog_empty:org-sport":     "org-sport",
			"late_update:cat-power":       demo.OrgPower,
		}
		for k, org := range want {
			x, ok := got[k]
			if !ok {
				t.Errorf("no notice for %s; have %v", k, keys(got))
				continue
			}
			if x.OrgID != org || x.State != supervise.NoticeOpen || x.IssuedBy != "system" {
				t.Errorf("%s: org %s state %s by %s", k, x.OrgID, x.State, x.IssuedBy)
			}
		}
		// 2026-10-20 (Tuesday) + 5 working days = 2026-10-27.
		if x := got["share_delivery:"+req]; x.Deadline != "2026-10-27" || x.Kind != "supervise" || x.FactLink != "/share/requests/"+req {
			t.Errorf("delivery notice: deadline %s kind %s link %s", x.Deadline, x.Kind, x.FactLink)
		}
		if n != total-1 { // the demo's manual notice was there before
			t.Errorf("Detect opened %d, the list has %d", n, total)
		}
		// Again: nothing new.
		again, err := a.Supervise.Detect(ctx, clock.Now())
		must(t, err)
		if again != 0 {
			t.Fatalf("a second run opened %d notices for the same facts", again)
		}
		// The agency sees its own notices only; another agency's is hidden.
		officer, civil := mustP(t, a, "officer"), mustP(t, a, "civil")
		own, _, err := a.Supervise.ListNotices(ctx, officer, supervise.NoticeFilter{})
		must(t, err)
		for _, x := range own {
			if x.OrgID != demo.OrgPublicSec {
				t.Fatalf("the police officer sees %s's notice", x.OrgName)
			}
		}
		if _, err := a.Supervise.GetNotice(ctx, civil, got["quality_fix:qt-late"].ID); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("another agency read the notice: %v", err)
		}
		// The agency was told.
		msgs, _, err := a.Notify.Inbox(ctx, officer, false, 100, 0)
		must(t, err)
		told := false
		for _, m := range msgs {
			told = told || m.ObjectID == got["quality_fix:qt-late"].ID
		}
		if !told {
			t.Error("the agency's inbox lacks the notice")
		}
		// Closed and the fact still there: the next run opens a new notice.
		q := got["quality_fix:qt-late"]
		_, err = a.Supervise.FireNotice(ctx, officer, q.ID, supervise.NvRespond, "已整改")
		must(t, err)
		_, err = a.Supervise.FireNotice(ctx, admin, q.ID, supervise.NvAccept, "")
		must(t, err)
		again, err = a.Supervise.Detect(ctx, clock.Now())
		must(t, err)
		if again != 1 {
			t.Fatalf("after closing, the still-open fact opened %d notices, want 1", again)
		}
		// A published entry without data, past the grace period.
		clock.Advance(40 * 24 * time.Hour)
		_, err = a.Supervise.Detect(ctx, clock.Now())
		must(t, err)
		nd, _, err := a.Supervise.ListNotices(ctx, admin, supervise.NoticeFilter{Source: supervise.SrcEntryNoData})
		must(t, err)
		var noData int
		must(t, d.QueryRowContext(ctx, `SELECT count(*) FROM catalog_entries e WHERE e.status = 'published'
			AND NOT EXISTS (SELECT 1 FROM ingest_tables t WHERE t.entry_id = e.id AND t.row_count > 0)
			AND NOT EXISTS (SELECT 1 FROM ingest_late l WHERE l.entry_id = e.id AND l.resolved_at = 0)`).Scan(&noData))
		if len(nd) != noData || noData == 0 {
			t.Errorf("entries without data: %d notices for %d entries", len(nd), noData)
		}
	})
}

func keys(m map[string]supervise.Notice) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// A notice recorded by hand: the agency answers, the authority rejects; past the deadline the
// job puts it on the government's supervision list, which oversight reads and may not act on;
// the agency answers again and the authority accepts.
func TestNoticeWorkflowAndSupervisionList(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-10-20 10:00")
		a := testutil.DemoApp(t, d, clock)
		admin, market, oversight, auditor := mustP(t, a, "admin"), mustP(t, a, "market"), mustP(t, a, "oversight"), mustP(t, a, "auditor")
		in := supervise.NewNotice{OrgID: demo.OrgMarket, Violation: "leak", Title: "企业登记数据外泄", Detail: "经查，部门工作人员私自导出企业登记数据。", Days: 3}
		if _, err := a.Supervise.Record(ctx, market, in); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("an agency recorded a notice: %v", err)
		}
		if _, err := a.Supervise.Record(ctx, mustP(t, a, "bt_admin"), in); !errors.Is(err, supervise.ErrNoAgency) {
			t.Fatalf("another region's authority recorded a notice on a provincial agency: %v", err)
		}
		n, err := a.Supervise.Record(ctx, admin, in)
		must(t, err)
		if n.Deadline != "2026-10-23" || n.State != supervise.NoticeOpen || n.Source != supervise.SrcManual {
			t.Fatalf("recorded: %s %s %s", n.Deadline, n.State, n.Source)
		}
		if _, err := a.Supervise.FireNotice(ctx, market, n.ID, supervise.NvAccept, ""); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the agency accepted its own notice: %v", err)
		}
		if _, err := a.Supervise.FireNotice(ctx, auditor, n.ID, supervise.NvRespond, "x"); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the auditor answered: %v", err)
		}
		_, err = a.Supervise.FireNotice(ctx, market, n.ID, supervise.NvRespond, "已处分相关人员")
		must(t, err)
		x, err := a.Supervise.FireNotice(ctx, admin, n.ID, supervise.NvReject, "未说明数据追回情况")
		must(t, err)
		if x.State != supervise.NoticeOpen {
			t.Fatalf("rejected: %s", x.State)
		}
		// Past the deadline: on the list.
		clock.Set("2026-10-26 09:00")
		k, err := a.Supervise.EscalateOverdue(ctx, clock.Now())
		must(t, err)
		if k < 1 {
			t.Fatal("nothing escalated")
		}
		list, _, err := a.Supervise.ListNotices(ctx, oversight, supervise.NoticeFilter{Escalated: true})
		must(t, err)
		if len(list) != 1 || list[0].ID != n.ID || list[0].State != supervise.NoticeEscalated || list[0].EscalatedAt.IsZero() {
			t.Fatalf("the supervision list: %+v", list)
		}
		if _, err := a.Supervise.FireNotice(ctx, oversight, n.ID, supervise.NvWithdraw, "x"); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("oversight acted: %v", err)
		}
		if again, _ := a.Supervise.EscalateOverdue(ctx, clock.Now()); again != 0 {
			t.Fatalf("escalated twice: %d", again)
		}
		_, err = a.Supervise.FireNotice(ctx, market, n.ID, supervise.NvRespond, "已追回数据并处分相关人员")
		must(t, err)
		x, err = a.Supervise.FireNotice(ctx, admin, n.ID, supervise.NvAccept, "整改到位")
		must(t, err)
		if x.State != supervise.NoticeAccepted || len(x.Events) != 6 {
			t.Fatalf("accepted: %s with %d events", x.State, len(x.Events))
		}
		if list, _, _ := a.Supervise.ListNotices(ctx, admin, supervise.NoticeFilter{Escalated: true}); len(list) != 0 {
			t.Fatalf("a closed notice stays on the list")
		}
		if _, err := a.Supervise.FireNotice(ctx, admin, n.ID, supervise.NvReject, "x"); !errors.Is(err, supervise.ErrNoticeTransition) {
			t.Fatalf("acting on a closed notice: %v", err)
		}
		must(t, a.Audit.Flush(ctx))
		recs, _, err := a.Audit.Search(ctx, audit.Filter{ObjectType: "supervision_notice", ObjectID: n.ID, Limit: 20})
		must(t, err)
		if len(recs) != 6 {
			t.Fatalf("audit has %d records of the notice, want 6", len(recs))
		}
	})
}

// A disputed notice goes to the escalation and expert-committee workflow (SUP-5): the notice
// links the 督办件, which names the notice as its subject; upholding the dispute withdraws the
// notice and the escalation settles.
func TestDisputeGoesToEscalation(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-10-20 10:00")
		a := testutil.DemoApp(t, d, clock)
		admin, civil := mustP(t, a, "admin"), mustP(t, a, "civil")
		n, err := a.Supervise.Record(ctx, admin, supervise.NewNotice{OrgID: demo.OrgCivil, Violation: "not_connecting", Title: "婚姻登记系统未接入平台",
			Detail: "未按期接入。"})
		must(t, err)
		if _, err := a.Supervise.FireNotice(ctx, admin, n.ID, supervise.NvRefer, ""); !errors.Is(err, supervise.ErrNoticeTransition) {
			t.Fatalf("referring an undisputed notice: %v", err)
		}
		_, err = a.Supervise.FireNotice(ctx, civil, n.ID, supervise.NvDispute, "该系统由国家部委统建，接入须部委同意")
		must(t, err)
		x, err := a.Supervise.FireNotice(ctx, admin, n.ID, supervise.NvRefer, "提请协调")
		must(t, err)
		if x.EscalationID == "" || x.State != supervise.NoticeDisputed {
			t.Fatalf("referred: %+v", x)
		}
		e, err := a.Share.GetEscalation(ctx, admin, x.EscalationID)
		must(t, err)
		if e.SubjectType != "supervision_notice" || e.SubjectID != n.ID || e.State != share.EscOpen || e.Link != "/supervision/notices/"+n.ID {
			t.Fatalf("escalation: %s %s %s %s", e.SubjectType, e.SubjectID, e.State, e.Link)
		}
		// The agency, a party, reads the escalation; the experts get it once referred there.
		if _, err := a.Share.GetEscalation(ctx, civil, x.EscalationID); err != nil {
			t.Fatalf("the agency cannot read its dispute's escalation: %v", err)
		}
		_, err = a.Share.CoordinateEscalation(ctx, admin, e.ID, "召开协调会")
		must(t, err)
		_, err = a.Share.ReferEscalation(ctx, admin, e.ID, "提请专家论证")
		must(t, err)
		if _, err := a.Supervise.FireNotice(ctx, admin, n.ID, supervise.NvRefer, ""); !errors.Is(err, supervise.ErrNoticeTransition) {
			t.Fatalf("referred twice: %v", err)
		}
		x, err = a.Supervise.FireNotice(ctx, admin, n.ID, supervise.NvUphold, "专家意见：须部委同意，异议成立")
		must(t, err)
		if x.State != supervise.NoticeWithdrawn {
			t.Fatalf("upheld: %s", x.State)
		}
		must(t, a.Share.EscalationDeadlines(ctx))
		e, err = a.Share.GetEscalation(ctx, admin, e.ID)
		must(t, err)
		if e.State != share.EscSettled {
			t.Fatalf("the escalation of a settled dispute: %s", e.State)
		}
	})
}

// Reports of illegal use (SUP-4): anyone files, limited per address; the filer reads the state
// and the answer by number, without the contact; the authority of the region handles it, another
// region's does not see it; a report found true becomes a notice.
func TestReportsAreFiledAnsweredAndLimited(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-10-20 10:00")
		a := testutil.DemoApp(t, d, clock)
		nobody := &authz.Principal{}
		in := supervise.Filing{RegionCode: "150000", ReporterName: "张三", Contact: "zhang@example.com", Target: "某数据公司", Content: "倒卖政务数据"}
		if _, err := a.Supervise.FileReport(ctx, nobody, supervise.Filing{RegionCode: "150000"}, "10.0.0.9"); apperr.As(err).Code != "invalid" {
			t.Fatalf("an empty report: %v", err)
		}
		var first supervise.PublicReport
		for i := range a.Supervise.ReportsPerHour {
			r, err := a.Supervise.FileReport(ctx, nobody, in, "10.0.0.9")
			must(t, err)
			if i == 0 {
				first = r
			}
		}
		if _, err := a.Supervise.FileReport(ctx, nobody, in, "10.0.0.9"); !errors.Is(err, supervise.ErrReportThrottled) {
			t.Fatalf("report over the limit: %v", err)
		}
		if _, err := a.Supervise.FileReport(ctx, nobody, in, "10.0.0.10"); err != nil {
			t.Fatalf("another address was limited: %v", err)
		}
		clock.Advance(61 * time.Minute)
		if _, err := a.Supervise.FileReport(ctx, nobody, in, "10.0.0.9"); err != nil {
			t.Fatalf("an hour later: %v", err)
		}
		st, err := a.Supervise.ReportStatus(ctx, first.Number)
		must(t, err)
		if st.State != supervise.ReportReceived || st.Answer != "" {
			t.Fatalf("status: %+v", st)
		}
		var id string
		must(t, d.QueryRowContext(ctx, "SELECT id FROM sup_reports WHERE number = $1", first.Number).Scan(&id))
		admin := mustP(t, a, "admin")
		if _, err := a.Supervise.GetReport(ctx, mustP(t, a, "bt_admin"), id); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("another region's authority read the report: %v", err)
		}
		if _, err := a.Supervise.GetReport(ctx, mustP(t, a, "market"), id); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("an agency read the report: %v", err)
		}
		if _, err := a.Supervise.HandleReport(ctx, mustP(t, a, "oversight"), id, supervise.ReportStep{Event: "answer", Answer: "x"}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("oversight answered: %v", err)
		}
		r, err := a.Supervise.GetReport(ctx, admin, id)
		must(t, err)
		if r.Contact != "zhang@example.com" {
			t.Fatalf("the authority does not see the contact")
		}
		r, err = a.Supervise.HandleReport(ctx, admin, id, supervise.ReportStep{Event: "notice", Notice: supervise.NewNotice{OrgID: demo.OrgMarket,
			Violation: "misuse", Title: "向数据公司违规提供企业数据", Detail: "经核查举报属实。"}})
		must(t, err)
		if r.NoticeID == "" || r.State != supervise.ReportHandling {
			t.Fatalf("report → notice: %+v", r)
		}
		n, err := a.Supervise.GetNotice(ctx, mustP(t, a, "market"), r.NoticeID)
		must(t, err)
		if n.ReportID != id {
			t.Fatalf("the notice does not name its report")
		}
		_, err = a.Supervise.HandleReport(ctx, admin, id, supervise.ReportStep{Event: "answer", Answer: "经查属实，已责令相关部门整改。"})
		must(t, err)
		st, err = a.Supervise.ReportStatus(ctx, first.Number)
		must(t, err)
		if st.State != supervise.ReportAnswered || st.Answer != "经查属实，已责令相关部门整改。" {
			t.Fatalf("status after the answer: %+v", st)
		}
		if _, err := a.Supervise.ReportStatus(ctx, "JB-no-such"); !errors.Is(err, apperr.NotFound) {
			t.Fatalf("unknown number: %v", err)
		}
	})
}

// Dishonesty records (SUP-6): entered on the basis of a notice, read by the subject, published
// and withdrawn by the authority only, every step in the audit log.
func TestDishonestyRecords(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-10-20 10:00")
		a := testutil.DemoApp(t, d, clock)
		admin, civil, auditor := mustP(t, a, "admin"), mustP(t, a, "civil"), mustP(t, a, "auditor")
		var notice string
		must(t, d.QueryRowContext(ctx, "SELECT id FROM sup_notices WHERE org_id = $1", demo.OrgCivil).Scan(&notice))
		in := supervise.NewDishonesty{BasisKind: "notice", BasisID: notice, Reason: "重复向群众索要可共享数据，拒不整改", PeriodFrom: "2026-11-01", PeriodTo: "2027-10-31"}
		if _, err := a.Supervise.RecordDishonesty(ctx, civil, in); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("an agency entered a record: %v", err)
		}
		if _, err := a.Supervise.RecordDishonesty(ctx, admin, supervise.NewDishonesty{BasisKind: "notice", BasisID: "no-such", Reason: "x",
			PeriodFrom: "2026-11-01", PeriodTo: "2027-10-31"}); !errors.Is(err, supervise.ErrNoBasis) {
			t.Fatalf("a record without a basis: %v", err)
		}
		x, err := a.Supervise.RecordDishonesty(ctx, admin, in)
		must(t, err)
		if x.SubjectID != demo.OrgCivil || x.SubjectKind != "org" || x.State != supervise.DisRecorded {
			t.Fatalf("record: %+v", x)
		}
		if _, err := a.Supervise.GetDishonesty(ctx, civil, x.ID); err != nil {
			t.Fatalf("the subject cannot read its record: %v", err)
		}
		if _, err := a.Supervise.GetDishonesty(ctx, mustP(t, a, "market"), x.ID); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("another agency read the record: %v", err)
		}
		if _, err := a.Supervise.StepDishonesty(ctx, auditor, x.ID, "publish", ""); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the auditor published: %v", err)
		}
		x, err = a.Supervise.StepDishonesty(ctx, admin, x.ID, "publish", "")
		must(t, err)
		if x.State != supervise.DisPublished || x.PublishedAt.IsZero() {
			t.Fatalf("published: %+v", x)
		}
		if _, err := a.Supervise.StepDishonesty(ctx, admin, x.ID, "withdraw", ""); apperr.As(err).Code != "invalid" {
			t.Fatalf("withdrawn without a reason: %v", err)
		}
		x, err = a.Supervise.StepDishonesty(ctx, admin, x.ID, "withdraw", "复议撤销")
		must(t, err)
		if x.State != supervise.DisWithdrawn || x.WithdrawReason != "复议撤销" {
			t.Fatalf("withdrawn: %+v", x)
		}
		must(t, a.Audit.Flush(ctx))
		recs, _, err := a.Audit.Search(ctx, audit.Filter{ObjectType: "dishonesty", ObjectID: x.ID, Limit: 10})
		must(t, err)
		if len(recs) != 3 {
			t.Fatalf("audit has %d records, want 3 (record, publish, withdraw)", len(recs))
		}
	})
}
