package market_test

import (
	"errors"
	"testing"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/market"
	"pubdata/internal/testutil"
)

// OPR-11: the operator reports a decision before acting; the authority answers with a
// rectification letter whose deadline counts working days; the letter is the unit's and the
// region authority's to read; past its deadline, the job marks it overdue and escalates it to the
// authority's administrators once; the unit's response and the authority's decisions close it;
// the unit's annual evaluation reads the open and overdue letters.
func TestRegulatedUnitLettersEscalate(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-30 10:00")
		a := testutil.DemoApp(t, d, clock)
		s := a.Market
		admin, op, water, bt, auditor := who(t, a, "admin"), who(t, a, "operator"), who(t, a, "water"), who(t, a, "bt_admin"), who(t, a, "auditor")

		if _, err := s.FileReport(ctx, water, market.ReportInput{Kind: "outsourcing", Title: "x", Body: "y"}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("an agency filed a regulated unit's report: %v", err)
		}
		if _, err := s.FileReport(ctx, op, market.ReportInput{UnitRole: market.UnitPlatformService, Kind: "outsourcing", Title: "x", Body: "y"}); code(err) != "invalid" {
			t.Fatalf("the operator filed as the platform service unit: %v", err)
		}
		r, err := s.FileReport(ctx, op, market.ReportInput{Kind: "outsourcing", Title: "数据清洗服务外包", Body: "拟将数据清洗外包给某科技公司，合同期一年。"})
		must(t, err)
		if !r.Before || r.State != market.ReportFiled || r.UnitRole != market.UnitOperator {
			t.Fatalf("report: %+v", r)
		}
		if _, err := s.Report(ctx, water, r.ID); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("an outsider read the report: %v", err)
		}

		// The authority answers with a rectification letter: 5 working days over the national holiday.
		in := market.LetterInput{ReportID: r.ID, Kind: market.LetterRectify, Body: "外包合同未约定数据安全责任，请补充并报送。", Days: 5}
		if _, err := s.IssueLetter(ctx, bt, in); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("another region's authority answered: %v", err)
		}
		if _, err := s.IssueLetter(ctx, auditor, in); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the auditor answered: %v", err)
		}
		l, err := s.IssueLetter(ctx, admin, in)
		must(t, err)
		if l.Deadline != "2026-10-13" || l.State != market.LetterOpen || l.OrgID != demo.OrgOperator {
			t.Fatalf("letter: %+v", l)
		}
		if x, err := s.Report(ctx, op, r.ID); err != nil || x.State != market.ReportAnswered || len(x.Letters) != 1 {
			t.Fatalf("report after the letter: %+v %v", x, err)
		}
		if _, err := s.IssueLetter(ctx, admin, market.LetterInput{OrgID: demo.OrgCivil, Kind: market.LetterNotice, Body: "通报"}); code(err) != "invalid" {
			t.Fatalf("a letter to an agency that is not a regulated unit: %v", err)
		}
		if _, err := s.Letter(ctx, water, l.ID); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("an outsider read the letter: %v", err)
		}
		if _, err := s.FireLetter(ctx, op, l.ID, market.LetterClose, ""); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the unit closed its own letter: %v", err)
		}

		// On the deadline nothing happens; the next day the job marks it overdue and escalates once.
		clock.Set("2026-10-13 18:00")
		if n, err := s.EscalateOverdue(ctx, clock.Now()); err != nil || n != 0 {
			t.Fatalf("on the deadline: %d %v", n, err)
		}
		clock.Set("2026-10-14 09:00")
		if n, err := s.EscalateOverdue(ctx, clock.Now()); err != nil || n != 1 {
			t.Fatalf("past the deadline: %d %v", n, err)
		}
		if n, err := s.EscalateOverdue(ctx, clock.Now().Add(time.Hour)); err != nil || n != 0 {
			t.Fatalf("escalated twice: %d %v", n, err)
		}
		l, err = s.Letter(ctx, op, l.ID)
		must(t, err)
		if !l.Overdue || l.Events[len(l.Events)-1].Event != "overdue" {
			t.Fatalf("overdue letter: %+v", l)
		}
		msgs, _, err := a.Notify.Inbox(ctx, admin, false, 100, 0)
		must(t, err)
		escalated := 0
		for _, m := range msgs {
			if m.ObjectID == l.ID && m.Kind == "escalation" {
				escalated++
			}
		}
		if escalated != 1 {
			t.Fatalf("the authority administrator got %d escalations", escalated)
		}
		f, err := s.EvaluationFacts(ctx, demo.OrgOperator, 2026)
		must(t, err)
		if f.Letters != 1 || f.Rectifications != 1 || f.Open != 1 || f.Overdue != 1 {
			t.Fatalf("evaluation facts: %+v", f)
		}
		if _, err := s.UnitFactsFor(ctx, water, demo.OrgOperator, 2026); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("an outsider read the unit's facts: %v", err)
		}

		// Tracked to closure: the unit responds, the authority returns it, the unit responds again, closed.
		if _, err := s.FireLetter(ctx, op, l.ID, market.LetterRespond, ""); code(err) != "invalid" {
			t.Fatalf("a response without content: %v", err)
		}
		_, err = s.FireLetter(ctx, op, l.ID, market.LetterRespond, "已补充安全责任条款")
		must(t, err)
		x, err := s.FireLetter(ctx, admin, l.ID, market.LetterReopen, "未附补充协议")
		must(t, err)
		if x.State != market.LetterOpen {
			t.Fatalf("reopened: %s", x.State)
		}
		_, err = s.FireLetter(ctx, op, l.ID, market.LetterRespond, "已附补充协议")
		must(t, err)
		x, err = s.FireLetter(ctx, admin, l.ID, market.LetterClose, "")
		must(t, err)
		if x.State != market.LetterClosed {
			t.Fatalf("closed: %s", x.State)
		}
		if _, err := s.FireLetter(ctx, admin, l.ID, market.LetterClose, ""); code(err) != "market_bad_state" {
			t.Fatalf("closed twice: %v", err)
		}

		// The platform technical service unit reports acceptance; a restriction and a notice go to it.
		svc := &authz.Principal{UserID: "svc-user", Username: "svc", DisplayName: "平台技术服务单位", OrgID: demo.OrgPlatformSvc, OrgKind: authz.KindPlatformService,
			RegionCode: demo.RegionProvince, Roles: []authz.Role{authz.DataOfficer}}
		r2, err := s.FileReport(ctx, svc, market.ReportInput{UnitRole: market.UnitIntensive, Kind: "acceptance", Title: "集约化平台二期验收", Body: "已完成验收"})
		must(t, err)
		if r2.Before || r2.UnitRole != market.UnitIntensive {
			t.Fatalf("acceptance report: %+v", r2)
		}
		if _, err := s.NoObjection(ctx, admin, r2.ID, "同意"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.IssueLetter(ctx, admin, market.LetterInput{OrgID: demo.OrgPlatformSvc, Kind: market.LetterRestriction, Body: "暂停新增外包业务至整改完成"}); err != nil {
			t.Fatal(err)
		}
		f, err = s.EvaluationFacts(ctx, demo.OrgOperator, 2026)
		must(t, err)
		if f.Open != 0 || f.Overdue != 1 {
			t.Fatalf("operator's facts after closing: %+v", f)
		}
		g, err := s.EvaluationFacts(ctx, demo.OrgPlatformSvc, 2026)
		must(t, err)
		if g.Restrictions != 1 || g.Overdue != 0 {
			t.Fatalf("service unit's facts: %+v", g)
		}
	})
}
