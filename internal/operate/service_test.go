package operate_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/operate"
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
		t.Fatal(err)
	}
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s", code)
	}
	if got := apperr.As(err).Code; got != code {
		t.Fatalf("error %v has code %q; want %q", err, got, code)
	}
}

func productNamed(t testing.TB, a *app.App, name string) operate.Product {
	t.Helper()
	ps, err := a.Operate.Products(ctx, who(t, a, "operator"))
	must(t, err)
	for _, p := range ps {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no product %s", name)
	return operate.Product{}
}

// The demo unit queries the released statistics products under its signed agreements: answers
// are noisy and bounded, small cells suppressed, repeats served from the store at no cost, the
// budget refused before it is exceeded, suspension effective on the next request.
func TestStatisticsProductEndToEnd(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		unit := who(t, a, "appunit")
		pop := productNamed(t, a, demo.DemoProductPopulation)
		q := []byte(`{"group_by":["region_code","sex"],"aggregates":[{"fn":"count_distinct"}]}`)
		r1, err := a.Operate.QueryStats(ctx, unit, pop.ID, q)
		must(t, err)
		if len(r1.Answer.Rows) != 12 || r1.CostMilli != operate.DefaultEpsilonMilli || r1.Answer.Cached {
			t.Fatalf("answer: %d rows, cost %d, cached %v", len(r1.Answer.Rows), r1.CostMilli, r1.Answer.Cached)
		}
		// 10,000 residents over 6 counties × 2 sexes: every cell ≈ 833, released with noise
		exact := 0
		for _, r := range r1.Answer.Rows {
			if r.Marks[0] != "" || r.Values[0] == "" {
				t.Fatalf("cell %v suppressed (%s)", r.Group, r.Marks[0])
			}
		}
		// the noise is there: compare with the truth the database computes
		v, err := a.Operate.View(ctx, who(t, a, "operator"), pop.ViewID)
		must(t, err)
		sq, _ := operate.ParseStatsQuery(q, &v)
		rel, _ := a.Ingest.RelationOf(ctx, v.EntryID)
		truth, err := operate.TruthSQL(ctx, a.DB, rel, &v, &sq)
		must(t, err)
		var total int64
		for _, r := range r1.Answer.Rows {
			c := truth[strings.Join(r.Group, "\x00")]
			total += c.Subjects
			if r.Values[0] == itoa(c.Subjects) {
				exact++
			}
		}
		if total != 9999 && total != 10000 && total < 9990 {
			t.Fatalf("truth counts %d residents", total)
		}
		if exact == 12 {
			t.Fatal("all 12 cells equal the truth: no noise was added")
		}
		// repeat: the stored answer, no cost
		r2, err := a.Operate.QueryStats(ctx, unit, pop.ID, []byte(`{"aggregates":[{"fn":"count_distinct"}],"group_by":["region_code","sex"]}`))
		must(t, err)
		b1, _ := json.Marshal(r1.Answer.Rows)
		b2, _ := json.Marshal(r2.Answer.Rows)
		if !r2.Answer.Cached || r2.CostMilli != 0 || string(b1) != string(b2) || r2.Budget.SpentMilli != operate.DefaultEpsilonMilli {
			t.Fatalf("repeat: cached %v cost %d spent %d same %v", r2.Answer.Cached, r2.CostMilli, r2.Budget.SpentMilli, string(b1) == string(b2))
		}
		// averaging by rephrasing costs budget each time, until refused before running
		variants := []string{
			`{"aggregates":[{"fn":"count_distinct"}]}`,
			`{"where":{"sex":["男","女"]},"aggregates":[{"fn":"count_distinct"}]}`,
			`{"group_by":["sex"],"aggregates":[{"fn":"count_distinct"}]}`,
			`{"group_by":["region_code"],"aggregates":[{"fn":"count_distinct"}]}`,
			`{"where":{"sex":["男"]},"aggregates":[{"fn":"count_distinct"}]}`,
			`{"where":{"sex":["女"]},"aggregates":[{"fn":"count_distinct"}]}`,
			`{"where":{"region_code":["150102"]},"aggregates":[{"fn":"count_distinct"}]}`,
			`{"where":{"region_code":["150105"]},"aggregates":[{"fn":"count_distinct"}]}`,
			`{"where":{"region_code":["150121"]},"aggregates":[{"fn":"count_distinct"}]}`,
		}
		for i, js := range variants {
			r, err := a.Operate.QueryStats(ctx, unit, pop.ID, []byte(js))
			if i < 9 && err != nil {
				t.Fatalf("query %d: %v", i, err)
			}
			if r.Budget.SpentMilli != int64(i+2)*operate.DefaultEpsilonMilli {
				t.Fatalf("after query %d spent %d", i, r.Budget.SpentMilli)
			}
		}
		var logged int
		a.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM opr_queries WHERE unit_org_id = $1", demo.OrgAppUnit).Scan(&logged)
		_, err = a.Operate.QueryStats(ctx, unit, pop.ID, []byte(`{"where":{"region_code":["150202"]},"aggregates":[{"fn":"count_distinct"}]}`))
		wantCode(t, err, "operate.budget_exhausted")
		// refused before it ran: no answer was computed and stored for it
		var stored, answers int
		a.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM opr_answers WHERE product_id = $1", pop.ID).Scan(&answers)
		a.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM opr_answers a JOIN opr_queries q ON q.query_hash = a.query_hash AND q.product_id = a.product_id WHERE q.result = 'refused: budget'").Scan(&stored)
		if stored != 0 || answers != 10 {
			t.Fatalf("after the refusal: %d answers stored for the refused query, %d in all (want 0 and the 10 answered)", stored, answers)
		}
		b, err := a.Operate.BudgetOf(ctx, unit, pop.ID)
		must(t, err)
		if b.SpentMilli != b.TotalMilli || b.TotalMilli != operate.DefaultBudgetMilli {
			t.Fatalf("budget after refusal: %+v", b)
		}
		// the refusal is logged, and the cached question still answers
		var refused int
		a.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM opr_queries WHERE unit_org_id = $1 AND result = 'refused: budget'", demo.OrgAppUnit).Scan(&refused)
		if refused != 1 {
			t.Fatalf("%d budget refusals logged", refused)
		}
		if _, err := a.Operate.QueryStats(ctx, unit, pop.ID, q); err != nil {
			t.Fatalf("cached answer after exhaustion: %v", err)
		}
		// out-of-form is refused and costs nothing
		_, err = a.Operate.QueryStats(ctx, unit, productNamed(t, a, demo.DemoProductPower).ID, []byte(`{"group_by":["citizen_id"],"aggregates":[{"fn":"count"}]}`))
		wantCode(t, err, "operate.query_form")
		// the power view: several rows per subject (bounded by a window), sums and quantiles
		pow := productNamed(t, a, demo.DemoProductPower)
		r3, err := a.Operate.QueryStats(ctx, unit, pow.ID, []byte(`{"group_by":["month"],"aggregates":[{"fn":"count"},{"fn":"sum","measure":"kwh"},{"fn":"mean","measure":"kwh"},{"fn":"quantile","measure":"kwh","q":0.5}]}`))
		must(t, err)
		if len(r3.Answer.Rows) != 3 {
			t.Fatalf("power: %d rows", len(r3.Answer.Rows))
		}
		for _, r := range r3.Answer.Rows {
			for i, val := range r.Values {
				if val == "" {
					t.Fatalf("power %v column %d suppressed (%s)", r.Group, i, r.Marks[i])
				}
			}
		}
		// suspension takes effect on the next request; resuming restores use
		_, err = a.Operate.MoveUnit(ctx, who(t, a, "operator"), demo.OrgAppUnit, "suspend", "疑似转售数据产品结果")
		must(t, err)
		_, err = a.Operate.QueryStats(ctx, unit, pop.ID, q)
		wantCode(t, err, "operate.suspended")
		_, err = a.Operate.MoveUnit(ctx, who(t, a, "admin"), demo.OrgAppUnit, "resume", "")
		must(t, err)
		if _, err := a.Operate.QueryStats(ctx, unit, pop.ID, q); err != nil {
			t.Fatal(err)
		}
		// termination ends the agreements
		_, err = a.Operate.MoveUnit(ctx, who(t, a, "operator"), demo.OrgAppUnit, "terminate", "泄露产品结果")
		must(t, err)
		_, err = a.Operate.QueryStats(ctx, unit, pop.ID, q)
		wantCode(t, err, "operate.suspended")
		// no one else may query under the unit's agreement: an agency's officer, who does not read
		// operation records, hears "not found", as for a product that does not exist
		_, err = a.Operate.QueryStats(ctx, who(t, a, "officer"), pop.ID, q)
		wantCode(t, err, "not_found")
		_, err = a.Operate.QueryStats(ctx, who(t, a, "auditor"), pop.ID, q)
		wantCode(t, err, "forbidden")
	})
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// The SQL engine and the in-memory engine compute the same truth (both backends).
func TestTruthSQLMatchesMemory(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		op := who(t, a, "operator")
		pow := productNamed(t, a, demo.DemoProductPower)
		v, err := a.Operate.View(ctx, op, pow.ViewID)
		must(t, err)
		rel, err := a.Ingest.RelationOf(ctx, v.EntryID)
		must(t, err)
		var rows []operate.Row
		must(t, a.Ingest.Stream(ctx, v.EntryID, func(r ingest.Record) error {
			rows = append(rows, operate.Row{Subject: r.Values["citizen_id"], Values: r.Values})
			return nil
		}))
		q, err := operate.ParseStatsQuery([]byte(`{"group_by":["region_code"],"where":{"month":["2026-07","2026-08"]},"aggregates":[{"fn":"count"},{"fn":"count_distinct"},{"fn":"sum","measure":"kwh"},{"fn":"quantile","measure":"kwh","q":0.9}]}`), &v)
		must(t, err)
		sqlT, err := operate.TruthSQL(ctx, a.DB, rel, &v, &q)
		must(t, err)
		// MaxRows is 3 and the filter keeps 2 months: no subject with ≤ 3 rows is cut, but
		// people with several accounts may exceed 3; compare subjects and the unbounded parts
		memT := operate.Aggregate(&v, &q, rows)
		if len(sqlT) != len(memT) || len(sqlT) == 0 {
			t.Fatalf("%d groups in SQL, %d in memory", len(sqlT), len(memT))
		}
		for k, c := range sqlT {
			m := memT[k]
			if m == nil || m.Subjects != c.Subjects || m.Rows != c.Rows {
				t.Fatalf("group %q: sql %+v memory %+v", k, c, m)
			}
		}
	})
}

// The workflow: a provider registers a view, the operator defines a product, a reviewer who did
// not edit it releases it (with an expert opinion asked for), the unit applies, the operator
// decides, both sides sign (the decider cannot sign for the operator), and only then can the
// unit query; versions of product and agreement are kept.
func TestWorkflow(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		s := a.Operate
		op, op2, rev, unit, exp := who(t, a, "operator"), who(t, a, "operator2"), who(t, a, "reviewer"), who(t, a, "appunit"), who(t, a, "expert")
		// a view only by the entry's provider
		in := operate.View{EntryID: demo.EntryEnterprise, Name: "企业资本视图", Subject: "credit_code",
			Dimensions: []operate.Dimension{{Field: "status", Values: []string{"存续", "注销"}}}, Measures: []operate.Measure{{Field: "reg_capital", Lo: 0, Hi: 5000}}}
		_, err := s.RegisterView(ctx, who(t, a, "officer"), in)
		wantCode(t, err, "forbidden")
		bad := in
		bad.MinGroup = 2
		_, err = s.RegisterView(ctx, who(t, a, "market"), bad)
		wantCode(t, err, "invalid")
		v, err := s.RegisterView(ctx, who(t, a, "market"), in)
		must(t, err)
		if !v.SubjectUnique || v.MinGroup != 10 {
			t.Fatalf("view: %+v", v)
		}
		pr, err := s.CreateProduct(ctx, op, operate.ProductInput{Kind: operate.KindStatistics, Name: "企业资本统计", ViewID: v.ID})
		must(t, err)
		_, err = s.CreateProduct(ctx, unit, operate.ProductInput{Kind: operate.KindStatistics, Name: "x", ViewID: v.ID})
		wantCode(t, err, "forbidden")
		_, err = s.SubmitProduct(ctx, op, pr.ID)
		must(t, err)
		all := map[string]bool{}
		for _, c := range operate.ReviewChecklist {
			all[c] = true
		}
		// the product designer holds no review role (BTO 16); an incomplete checklist is refused
		_, err = s.ReviewProduct(ctx, op, pr.ID, operate.ReviewInput{Checklist: all, Decision: "approve"})
		wantCode(t, err, "forbidden")
		_, err = s.ReviewProduct(ctx, rev, pr.ID, operate.ReviewInput{Checklist: map[string]bool{"legal_basis": true}, Decision: "approve"})
		wantCode(t, err, "invalid")
		_, err = s.ReviewProduct(ctx, rev, pr.ID, operate.ReviewInput{Decision: "expert", Note: "请专家评估再识别风险"})
		must(t, err)
		_, err = s.ReviewProduct(ctx, rev, pr.ID, operate.ReviewInput{Checklist: all, Decision: "approve"})
		wantCode(t, err, "operate.bad_state")
		_, err = s.ExpertOpinion(ctx, exp, pr.ID, "分组粒度合适，再识别风险低")
		must(t, err)
		pr, err = s.ReviewProduct(ctx, op2, pr.ID, operate.ReviewInput{Checklist: all, Decision: "approve"})
		must(t, err)
		if pr.State != operate.ProductReleased || pr.ReleasedVersion != 1 {
			t.Fatalf("released: %+v", pr)
		}
		// the reviewer cannot edit products ...
		_, err = s.UpdateProduct(ctx, op2, pr.ID, operate.ProductInput{Name: "x"})
		wantCode(t, err, "forbidden")
		// ... and once also given the product role, never reviews a version they edited
		if _, err := d.ExecContext(ctx, "INSERT INTO user_roles (user_id, role) VALUES ($1,$2)", op2.UserID, "operator_product"); err != nil {
			t.Fatal(err)
		}
		op2 = who(t, a, "operator2")
		// editing opens version 2 while version 1 serves
		pr2, err := s.UpdateProduct(ctx, op2, pr.ID, operate.ProductInput{Name: "企业资本统计（第二版）", Spec: operate.ProductSpec{EpsilonMilli: 250, BudgetMilli: 1000}})
		must(t, err)
		if pr2.Version != 2 || pr2.ReleasedVersion != 1 || pr2.State != operate.ProductDraft {
			t.Fatalf("edited: %+v", pr2)
		}
		_, err = s.SubmitProduct(ctx, op2, pr.ID)
		must(t, err)
		_, err = s.ReviewProduct(ctx, op2, pr.ID, operate.ReviewInput{Checklist: all, Decision: "approve"})
		wantCode(t, err, "separation_of_duties")
		// apply, decide, sign
		today := a.Now().Format("2006-01-02")
		next := a.Now().AddDate(0, 6, 0).Format("2006-01-02")
		_, err = s.Apply(ctx, unit, operate.ApplicationInput{ProductID: pr.ID, Scenario: "", StartDate: today, EndDate: next, Security: "x"})
		wantCode(t, err, "invalid")
		ap, err := s.Apply(ctx, unit, operate.ApplicationInput{ProductID: pr.ID, Scenario: "区域营商环境分析", StartDate: today, EndDate: next, Security: "专人专机"})
		must(t, err)
		q := []byte(`{"group_by":["status"],"aggregates":[{"fn":"count"},{"fn":"mean","measure":"reg_capital"}]}`)
		_, err = s.QueryStats(ctx, unit, pr.ID, q)
		wantCode(t, err, "operate.no_agreement")
		_, err = s.DecideApplication(ctx, op, ap.ID, true, "")
		must(t, err)
		var g operate.Agreement
		ags, _ := s.Agreements(ctx, unit)
		for _, x := range ags {
			if x.ApplicationID == ap.ID {
				g = x
			}
		}
		if g.Version != 1 || g.State != operate.AgrDrafted || !strings.Contains(g.Body, "区域营商环境分析") || g.BudgetMilli != operate.DefaultBudgetMilli {
			t.Fatalf("agreement: %+v", g)
		}
		_, err = s.SignAgreement(ctx, op, g.ID)
		wantCode(t, err, "separation_of_duties")
		_, err = s.SignAgreement(ctx, who(t, a, "officer"), g.ID)
		wantCode(t, err, "not_found")
		g, err = s.SignAgreement(ctx, unit, g.ID)
		must(t, err)
		_, err = s.QueryStats(ctx, unit, pr.ID, q)
		wantCode(t, err, "operate.no_agreement")
		g, err = s.SignAgreement(ctx, op2, g.ID)
		must(t, err)
		if g.State != operate.AgrInForce {
			t.Fatalf("state %s", g.State)
		}
		res, err := s.QueryStats(ctx, unit, pr.ID, q)
		must(t, err)
		if len(res.Answer.Rows) != 2 || res.Answer.Rows[0].Values[0] == "" {
			t.Fatalf("answer %+v", res.Answer)
		}
		// an amendment is a new version; when signed it supersedes version 1
		g2, err := s.AmendAgreement(ctx, op, ap.ID, operate.AmendInput{BudgetMilli: 8000})
		must(t, err)
		if g2.Version != 2 || g2.BudgetMilli != 8000 {
			t.Fatalf("amended: %+v", g2)
		}
		s.SignAgreement(ctx, unit, g2.ID)
		_, err = s.SignAgreement(ctx, op2, g2.ID)
		must(t, err)
		ags, _ = s.Agreements(ctx, op)
		states := map[int]string{}
		for _, x := range ags {
			if x.ApplicationID == ap.ID {
				states[x.Version] = x.State
			}
		}
		if states[1] != operate.AgrSuperseded || states[2] != operate.AgrInForce {
			t.Fatalf("versions: %v", states)
		}
		b, err := s.BudgetOf(ctx, unit, pr.ID)
		must(t, err)
		if b.TotalMilli != 8000 || b.SpentMilli != operate.DefaultEpsilonMilli {
			t.Fatalf("budget after amendment: %+v (the period's spending carries over)", b)
		}
		// view, product definition, review, application, agreement signatures and amendment,
		// product use: all kept 20 years (OPR-10)
		seen := map[string]bool{}
		for _, act := range []string{"operate.view.register", "operate.product.create", "operate.product.edit", "operate.product.review", "operate.product.expert",
			"operate.application.submit", "operate.agreement.sign", "operate.agreement.amend", "operate.query.statistics"} {
			recs, _, err := a.Audit.Search(ctx, audit.Filter{Action: act, Limit: 50})
			must(t, err)
			for _, r := range recs {
				seen[act] = true
				if r.Retention != audit.Retain20Y {
					t.Errorf("%s kept %s, want 20 years", r.Action, r.Retention)
				}
			}
			if !seen[act] {
				t.Errorf("no %s in the audit log", act)
			}
		}
	})
}

// A unit registers with its credit code checked; the operator qualifies it.
func TestUnitRegistration(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		s := a.Operate
		_, err := s.RegisterUnit(ctx, who(t, a, "appunit"), "x")
		wantCode(t, err, "conflict") // the demo unit is registered
		_, err = s.RegisterUnit(ctx, who(t, a, "officer"), "x")
		wantCode(t, err, "forbidden") // an agency is no application unit
		us, err := s.Units(ctx, who(t, a, "operator"))
		must(t, err)
		if len(us) != 1 || us[0].State != operate.UnitActive || len(us[0].CreditCode) != 18 {
			t.Fatalf("units: %+v", us)
		}
		_, err = s.MoveUnit(ctx, who(t, a, "appunit"), demo.OrgAppUnit, "suspend", "x")
		wantCode(t, err, "forbidden")
		_, err = s.MoveUnit(ctx, who(t, a, "operator"), demo.OrgAppUnit, "suspend", "")
		wantCode(t, err, "invalid")
	})
}

// A data subject authorizes the unit for named items; the consent-bound verification product
// answers only then, the access appears in the subject's access list drawn from the audit log,
// revocation stops the next request, and the subject can object.
func TestSubjectAuthorizationAndAccesses(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		s := a.Operate
		citizen, unit := who(t, a, "citizen"), who(t, a, "appunit")
		u, _ := a.Identity.UserByName(ctx, "citizen")
		rec, err := a.Ingest.Lookup(ctx, demo.EntryPopulation, u.IDNumber)
		must(t, err)
		idp := productNamed(t, a, demo.DemoProductIdentity)
		_, err = s.Verify(ctx, unit, idp.ID, u.IDNumber, map[string]string{"name": rec.Values["name"]})
		wantCode(t, err, "operate.no_authorization")
		today := a.Now().Format("2006-01-02")
		next := a.Now().AddDate(0, 1, 0).Format("2006-01-02")
		// unverified accounts cannot authorize
		_, err = s.Authorize(ctx, &authz.Principal{UserID: u.ID, DisplayName: "x"}, operate.AuthorizationInput{})
		wantCode(t, err, "unverified_identity")
		_, err = s.Authorize(ctx, citizen, operate.AuthorizationInput{GranteeOrgID: demo.OrgAppUnit, Items: nil, Purpose: "贷款", StartDate: today, EndDate: next})
		wantCode(t, err, "invalid")
		// an authorization for other items does not cover the product
		_, err = s.Authorize(ctx, citizen, operate.AuthorizationInput{GranteeOrgID: demo.OrgAppUnit, Items: []string{"sex"}, Purpose: "贷款", StartDate: today, EndDate: next})
		must(t, err)
		_, err = s.Verify(ctx, unit, idp.ID, u.IDNumber, map[string]string{"name": rec.Values["name"]})
		wantCode(t, err, "operate.no_authorization")
		au, err := s.Authorize(ctx, citizen, operate.AuthorizationInput{GranteeOrgID: demo.OrgAppUnit, Items: []string{"name"}, Purpose: "个人消费贷款身份核验", StartDate: today, EndDate: next})
		must(t, err)
		res, err := s.Verify(ctx, unit, idp.ID, u.IDNumber, map[string]string{"name": rec.Values["name"]})
		must(t, err)
		if !res.Match || res.Score != 1 {
			t.Fatalf("verify: %+v", res)
		}
		res, err = s.Verify(ctx, unit, idp.ID, u.IDNumber, map[string]string{"name": "不是这个人"})
		must(t, err)
		if res.Match {
			t.Fatal("a wrong name matched")
		}
		acc, total, err := s.MyAccesses(ctx, citizen, 50, 0)
		must(t, err)
		uses := 0
		for _, x := range acc {
			if x.Action == "operate.verification.use" && x.OrgID == demo.OrgAppUnit && x.OrgName != "" && x.Purpose != "" && x.Product == demo.DemoProductIdentity {
				uses++
			}
		}
		if uses != 2 || total < 2 {
			t.Fatalf("accesses: %+v", acc)
		}
		// somebody else does not see them
		other, _, err := s.MyAccesses(ctx, unit, 50, 0)
		if err == nil && len(other) > 0 {
			t.Fatalf("the unit sees %d accesses", len(other))
		}
		ob, err := s.Object(ctx, citizen, acc[0].Seq, "我没有申请过这家公司的贷款")
		must(t, err)
		if ob.OrgID != demo.OrgAppUnit {
			t.Fatalf("objection: %+v", ob)
		}
		_, err = s.Object(ctx, citizen, 1, "x")
		wantCode(t, err, "not_found")
		// revocation: effective on the next request
		_, err = s.Revoke(ctx, unit, au.ID)
		wantCode(t, err, "not_found")
		_, err = s.Revoke(ctx, citizen, au.ID)
		must(t, err)
		_, err = s.Verify(ctx, unit, idp.ID, u.IDNumber, map[string]string{"name": rec.Values["name"]})
		wantCode(t, err, "operate.no_authorization")
		// the enterprise verification product needs no consent (public registration data)
		vp := productNamed(t, a, demo.DemoProductVerify)
		ents, _, err := a.Ingest.Query(ctx, demo.EntryEnterprise, nil, 1, 0)
		must(t, err)
		res, err = s.Verify(ctx, unit, vp.ID, ents[0].Key, map[string]string{"name": ents[0].Values["name"], "status": ents[0].Values["status"]})
		must(t, err)
		if !res.Match {
			t.Fatalf("enterprise verification: %+v", res)
		}
		_, err = s.Verify(ctx, unit, vp.ID, ents[0].Key, map[string]string{"legal_rep_id": "x"})
		wantCode(t, err, "invalid")
		sc, err := s.Score(ctx, unit, productNamed(t, a, demo.DemoProductScore).ID, ents[0].Key)
		must(t, err)
		if !sc.Found || sc.Score < 0 || sc.Score > 100 {
			t.Fatalf("score %+v", sc)
		}
	})
}
