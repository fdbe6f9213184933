package operate_test

import (
	"context"
	"testing"
	"time"

	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/operate"
	"pubdata/internal/testutil"
)

// Charges under each price model: free use classes pay nothing; per call, per started thousand
// volume units, per month, graduated tiers; never above the cap.
func TestCharge(t *testing.T) {
	perCall := operate.PriceSpec{Model: operate.PricePerCall, UnitCents: 50, CapCents: 100000}
	tiered := operate.PriceSpec{Model: operate.PriceTiered, Tiers: []operate.PriceTier{{UpTo: 100, Cents: 10}, {UpTo: 1000, Cents: 5}, {UpTo: 0, Cents: 2}}, CapCents: 100000}
	for _, c := range []struct {
		name          string
		sp            operate.PriceSpec
		class         string
		calls, volume int64
		want          int64
	}{
		{"welfare is free", perCall, operate.UseWelfare, 1000, 0, 0},
		{"governance is free", perCall, operate.UseGovernance, 1000, 0, 0},
		{"per call", perCall, operate.UseCommercial, 30, 0, 1500},
		{"per call, capped", perCall, operate.UseCommercial, 1_000_000, 0, 100000},
		{"per volume: started thousands", operate.PriceSpec{Model: operate.PricePerVolume, UnitCents: 300, CapCents: 100000}, operate.UseCommercial, 3, 2001, 900},
		{"per period once used", operate.PriceSpec{Model: operate.PricePerPeriod, UnitCents: 80000, CapCents: 100000}, operate.UseCommercial, 1, 1, 80000},
		{"per period unused", operate.PriceSpec{Model: operate.PricePerPeriod, UnitCents: 80000, CapCents: 100000}, operate.UseCommercial, 0, 0, 0},
		{"tiered within the first tier", tiered, operate.UseCommercial, 40, 0, 400},
		{"tiered across all tiers", tiered, operate.UseCommercial, 1500, 0, 100*10 + 900*5 + 500*2},
	} {
		if got := c.sp.Charge(c.class, c.calls, c.volume); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

// The one state machine of the operator's annual evaluation, including the second-rectify rule.
func TestEvaluationStateMachine(t *testing.T) {
	day := time.Date(2027, 2, 10, 0, 0, 0, 0, time.UTC)
	type step struct{ outcome, state, effective string }
	for name, steps := range map[string][]step{
		"pass":                     {{"pass", operate.EvalPassed, "pass"}},
		"fail exits":               {{"fail", operate.EvalExited, "fail"}},
		"rectify then pass":        {{"rectify", operate.EvalRectifying, "rectify"}, {"pass", operate.EvalPassed, "pass"}},
		"rectify then fail":        {{"rectify", operate.EvalRectifying, "rectify"}, {"fail", operate.EvalExited, "fail"}},
		"second rectify is a fail": {{"rectify", operate.EvalRectifying, "rectify"}, {"rectify", operate.EvalExited, "fail"}},
	} {
		state := operate.EvalNone
		for i, s := range steps {
			next, eff, due, err := operate.NextEvaluation(state, s.outcome, day)
			if err != nil || next != s.state || eff != s.effective {
				t.Fatalf("%s step %d: %s %s %v; want %s %s", name, i, next, eff, err, s.state, s.effective)
			}
			if (s.outcome == "rectify" && state == operate.EvalNone) != (due == "2027-03-12") {
				t.Errorf("%s step %d: due %q", name, i, due)
			}
			state = next
		}
		// a year that ended takes no further outcome
		if _, _, _, err := operate.NextEvaluation(state, "pass", day); err == nil {
			t.Errorf("%s: an outcome after %s was taken", name, state)
		}
	}
	if _, _, _, err := operate.NextEvaluation(operate.EvalNone, "maybe", day); err == nil {
		t.Error("an unknown outcome was taken")
	}
}

// Pricing, metering, feedback, reports and disclosure, contributions and the evaluation, end to
// end on the demo: the operator proposes a price, the authority approves it (not the proposer);
// a commercial unit's calls are metered from the query log and charged under the cap, while a
// free use class pays nothing; the unit rates the product; the quarterly report and the annual
// disclosure are filed once the period ended, the disclosure is public, and the reminder job
// nags until it is filed; the authority records the evaluation; every record of it is kept 20
// years in the audit log.
func TestBusinessEndToEnd(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		s := a.Operate
		op, admin, unit := who(t, a, "operator"), who(t, a, "admin"), who(t, a, "appunit")
		pop := productNamed(t, a, demo.DemoProductPopulation)
		ver := productNamed(t, a, demo.DemoProductVerify)

		// prices: proposed by the operator, approved by the authority
		sp := operate.PriceSpec{Model: operate.PricePerCall, UnitCents: 200, CapCents: 500, FreeConditions: "非营利用途，成果公开，不得转售"}
		_, err := s.ProposePrice(ctx, unit, pop.ID, sp)
		wantCode(t, err, "forbidden")
		bad := sp
		bad.UnitCents = 600
		_, err = s.ProposePrice(ctx, op, pop.ID, bad)
		wantCode(t, err, "invalid")
		pr, err := s.ProposePrice(ctx, op, pop.ID, sp)
		must(t, err)
		_, err = s.DecidePrice(ctx, op, pop.ID, pr.Version, true, "")
		wantCode(t, err, "forbidden")
		pr, err = s.DecidePrice(ctx, admin, pop.ID, pr.Version, true, "符合政府指导价")
		must(t, err)
		if pr.State != operate.PriceApproved {
			t.Fatalf("price: %+v", pr)
		}
		_, err = s.DecidePrice(ctx, admin, pop.ID, pr.Version, true, "")
		wantCode(t, err, "operate.bad_state")

		// metering: the demo unit's applications are commercial; 4 calls (one a repeat) are charged 200 each, capped at 500
		for _, q := range []string{`{"group_by":["sex"],"aggregates":[{"fn":"count"}]}`, `{"group_by":["sex"],"aggregates":[{"fn":"count"}]}`, `{"group_by":["region_code"],"aggregates":[{"fn":"count"}]}`} {
			_, err := s.QueryStats(ctx, unit, pop.ID, []byte(q))
			must(t, err)
		}
		_, err = s.Verify(ctx, unit, ver.ID, "91150000MA0000000X", map[string]string{"name": "x"})
		must(t, err)
		month := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01")
		lines, err := s.Usage(ctx, op, month)
		must(t, err)
		got := map[string]operate.UsageLine{}
		for _, l := range lines {
			got[l.ProductID] = l
		}
		if l := got[pop.ID]; l.Calls != 3 || l.Volume != 2+6+2 || l.ChargeCents != 500 || l.UseClass != operate.UseCommercial {
			t.Fatalf("population usage: %+v", l)
		}
		if l := got[ver.ID]; l.Calls != 1 || l.Volume != 1 || l.ChargeCents != 0 || l.PriceModel != "" {
			t.Fatalf("verification usage (no price approved): %+v", l)
		}
		mine, err := s.Usage(ctx, who(t, a, "officer"), month)
		if err == nil {
			t.Fatalf("an agency officer read usage: %v", mine)
		}

		// feedback: only a unit with an agreement for the product
		_, err = s.GiveFeedback(ctx, unit, pop.ID, operate.Feedback{Rating: 6, Use: "授信", Effect: "提升"})
		wantCode(t, err, "invalid")
		fb, err := s.GiveFeedback(ctx, unit, pop.ID, operate.Feedback{Rating: 4, Quality: "口径清晰", Use: "区域经营分析", Effect: "授信审批时间缩短两天"})
		must(t, err)
		list, err := s.FeedbackList(ctx, op)
		must(t, err)
		if len(list) != 1 || list[0].ID != fb.ID {
			t.Fatalf("feedback: %+v", list)
		}

		// reports: not before the period ends; then once
		now := time.Now()
		year := now.Year()
		_, err = s.FileReport(ctx, op, operate.ReportDisclosure, itoa(int64(year)))
		wantCode(t, err, "invalid")
		s.Now = func() time.Time { return time.Date(year+1, 2, 1, 10, 0, 0, 0, time.UTC) }
		var sent []string
		s.Notify = func(_ context.Context, org, dedup, zh, en, _, _, _ string) error {
			sent = append(sent, org+" "+zh)
			return nil
		}
		must(t, s.RemindDisclosure(ctx, s.Now()))
		if len(sent) != 1 {
			t.Fatalf("reminders before the disclosure: %v", sent)
		}
		_, err = s.FileReport(ctx, unit, operate.ReportDisclosure, itoa(int64(year)))
		wantCode(t, err, "forbidden")
		rep, err := s.FileReport(ctx, op, operate.ReportDisclosure, itoa(int64(year)))
		must(t, err)
		if rep.Body.RevenueCents != 500 || rep.Body.Calls != 4 || rep.Body.Feedback != 1 || len(rep.Body.Products) < 5 || len(rep.Body.Contributions) == 0 {
			t.Fatalf("disclosure: %+v", rep.Body)
		}
		_, err = s.FileReport(ctx, op, operate.ReportDisclosure, itoa(int64(year)))
		wantCode(t, err, "conflict")
		q := (int(now.Month())-1)/3 + 1
		_, err = s.FileReport(ctx, op, operate.ReportAuthority, itoa(int64(year))+"-Q"+itoa(int64(q)))
		must(t, err)
		sent = nil
		must(t, s.RemindDisclosure(ctx, s.Now()))
		if len(sent) != 0 {
			t.Fatalf("reminded after the disclosure was filed: %v", sent)
		}
		pubs, err := s.Disclosures(ctx)
		must(t, err)
		if len(pubs) != 1 || pubs[0].FiledBy != "" || pubs[0].Body.Products[0].Name == "" {
			t.Fatalf("public disclosures: %+v", pubs)
		}
		var priced bool
		for _, it := range pubs[0].Body.Products {
			if it.ProductID == pop.ID && it.Price != nil && it.Price.UnitCents == 200 {
				priced = true
			}
		}
		if !priced {
			t.Fatal("the disclosure does not show the approved price")
		}

		// contributions: the population provider's view was used; scores are 0–100
		cs, err := s.Contributions(ctx, op, year)
		must(t, err)
		var ps *operate.Contribution
		for i := range cs {
			if cs[i].OrgID == demo.OrgPublicSec {
				ps = &cs[i]
			}
			if cs[i].Score < 0 || cs[i].Score > 100 {
				t.Errorf("score out of range: %+v", cs[i])
			}
		}
		if ps == nil || ps.Calls != 3 || ps.Units != 1 || ps.MeanRating != 4 || ps.Score <= 0 {
			t.Fatalf("public security's contribution: %+v", ps)
		}
		own, err := s.Contributions(ctx, who(t, a, "officer"), year)
		must(t, err)
		if len(own) != 1 || own[0].OrgID != demo.OrgPublicSec {
			t.Fatalf("an officer sees: %+v", own)
		}

		// the evaluation: rectify, then a second rectify counts as fail
		_, err = s.RecordEvaluation(ctx, op, operate.EvaluationInput{Year: year, Assessor: "某评估机构", Outcome: "pass", Findings: "良好"})
		wantCode(t, err, "forbidden")
		ev, err := s.RecordEvaluation(ctx, admin, operate.EvaluationInput{Year: year, Assessor: "某评估机构", Outcome: "rectify", Findings: "安全审计日志不完整"})
		must(t, err)
		if ev.State != operate.EvalRectifying || ev.DueDate != time.Date(year+1, 2, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, operate.RectifyDays).Format("2006-01-02") || ev.Facts["unit_mean_rating"] != 4 {
			t.Fatalf("first round: %+v", ev)
		}
		ev, err = s.RecordEvaluation(ctx, admin, operate.EvaluationInput{Year: year, Assessor: "某评估机构", Outcome: "rectify", Findings: "整改未完成"})
		must(t, err)
		if ev.State != operate.EvalExited || ev.Effective != operate.EvalFail || ev.Round != 2 {
			t.Fatalf("second rectify: %+v", ev)
		}
		_, err = s.RecordEvaluation(ctx, admin, operate.EvaluationInput{Year: year, Assessor: "某评估机构", Outcome: "pass", Findings: "复评"})
		wantCode(t, err, "operate.bad_state")

		// retention: every operation record of this test is kept 20 years
		recs, _, err := a.Audit.Search(ctx, audit.Filter{Limit: 500})
		must(t, err)
		n := 0
		for _, r := range recs {
			if len(r.Action) > 8 && r.Action[:8] == "operate." {
				n++
				if r.Retention != audit.Retain20Y {
					t.Errorf("%s kept %s, want 20y", r.Action, r.Retention)
				}
			}
		}
		if n < 10 {
			t.Fatalf("only %d operation records in the audit log", n)
		}
	})
}
