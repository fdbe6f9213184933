package share_test

import (
	"testing"

	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/operate"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
)

// SHR-12 (BT 25): an agency asks for a statistics product instead of records; the source agency
// decides (narrowing the budget); the grant's credential calls the product through the gateway —
// noisy, budgeted, logged under the grant — and never reads a record.
func TestProductRequestApproveAndCall(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		civil, approver := who(t, a, "civil"), who(t, a, "approver")
		var pop, ent operate.Product
		ps, err := a.Operate.Products(ctx, who(t, a, "operator"))
		must(t, err)
		for _, p := range ps {
			switch p.Name {
			case demo.DemoProductPopulation:
				pop = p
			case demo.DemoProductVerify:
				ent = p
			}
		}
		in := share.NewRequest{Kind: share.KindProduct, ProductID: pop.ID, Scenario: "养老服务设施布局规划", Purpose: "按区县、性别统计常住人口",
			LegalBasis: "《养老机构管理办法》第五条", EndDate: "2027-06-30", Authenticity: true, Compliance: true, Security: true}

		// Bad input is named field by field: no product, a budget over the product's own.
		bad := in
		bad.ProductID = ""
		_, err = a.Share.File(ctx, civil, bad)
		wantFields(t, err, "product_id")
		bad = in
		bad.BudgetMilli = operate.DefaultBudgetMilli + 1
		_, err = a.Share.File(ctx, civil, bad)
		wantFields(t, err, "budget_milli")

		r, err := a.Share.File(ctx, civil, in)
		must(t, err)
		if r.State != share.StatePending || r.Kind != share.KindProduct || r.Mode != share.ModeAPI || r.EntryID != demo.EntryPopulation || r.DueDate == "" {
			t.Fatalf("filed: state %s kind %s mode %s entry %s due %q", r.State, r.Kind, r.Mode, r.EntryID, r.DueDate)
		}
		if r.Product == nil || r.Product.ProductID != pop.ID || r.Product.AskedBudgetMilli != operate.DefaultBudgetMilli || len(r.ClearFields) != 0 {
			t.Fatalf("product part: %+v clear %v", r.Product, r.ClearFields)
		}
		// Approval only narrows: not a larger budget; a smaller one is kept.
		_, err = a.Share.Approve(ctx, approver, r.ID, share.Approval{BudgetMilli: operate.DefaultBudgetMilli + 500})
		wantFields(t, err, "budget_milli")
		r, err = a.Share.Approve(ctx, approver, r.ID, share.Approval{BudgetMilli: 1000, Note: "预算收窄"})
		must(t, err)
		if r.State != share.StateActive || r.GrantID == "" || r.Product.BudgetMilli != 1000 {
			t.Fatalf("approved: state %s grant %q product %+v", r.State, r.GrantID, r.Product)
		}
		g, err := a.Share.GetGrant(ctx, civil, r.GrantID)
		must(t, err)
		if g.Kind != share.KindProduct || g.Product == nil || g.Product.ProductID != pop.ID {
			t.Fatalf("grant %+v", g)
		}
		before, err := a.Operate.BudgetOf(ctx, who(t, a, "appunit"), pop.ID)
		must(t, err)
		secret, _, err := a.Share.IssueCredential(ctx, civil, r.GrantID)
		must(t, err)
		gp, err := a.Identity.TokenPrincipal(ctx, secret)
		must(t, err)

		// The statistics product answers, with its cost taken from the grant's budget.
		res, err := a.Operate.QueryStats(ctx, gp, pop.ID, []byte(`{"group_by":["sex"],"aggregates":[{"fn":"count_distinct"}]}`))
		must(t, err)
		if len(res.Answer.Rows) != 2 || res.CostMilli != operate.DefaultEpsilonMilli || res.Budget.TotalMilli != 1000 || res.Budget.SpentMilli != operate.DefaultEpsilonMilli {
			t.Fatalf("answer %+v cost %d budget %+v", res.Answer, res.CostMilli, res.Budget)
		}
		_, err = a.Operate.QueryStats(ctx, gp, pop.ID, []byte(`{"group_by":["region_code"],"aggregates":[{"fn":"count_distinct"}]}`))
		must(t, err)
		// The budget of the grant is spent: the next new question is refused before it runs.
		_, err = a.Operate.QueryStats(ctx, gp, pop.ID, []byte(`{"aggregates":[{"fn":"count_distinct"}]}`))
		wantCode(t, err, "operate.budget_exhausted")
		// Out-of-form queries are refused as for units (the subject column never in output).
		_, err = a.Operate.QueryStats(ctx, gp, pop.ID, []byte(`{"group_by":["citizen_id"],"aggregates":[{"fn":"count"}]}`))
		if err == nil {
			t.Fatal("a query grouping by the subject column was answered")
		}
		// Only the granted product: another product, or records, are refused.
		_, err = a.Operate.Verify(operate.WithClientIP(ctx, "198.51.100.9"), gp, ent.ID, "91150100MA0000001X", map[string]string{"name": "x"})
		wantCode(t, err, "share.product_not_granted")
		// the refusal is audited with the caller's address
		den, _, err := a.Audit.Search(ctx, audit.Filter{GrantID: r.GrantID, Action: "share.gateway.product"})
		must(t, err)
		if len(den) == 0 || den[0].ClientIP != "198.51.100.9" || den[0].Result != audit.Denied {
			t.Fatalf("product refusal audited as %+v", den)
		}
		_, err = a.Share.Lookup(ctx, gp, "127.0.0.1", "150102199001010011")
		wantCode(t, err, "share.product_only")
		_, _, err = a.Share.Query(ctx, gp, "127.0.0.1", map[string]string{"citizen_id": "150102199001010011"}, 10, 0)
		wantCode(t, err, "share.product_only")
		_, err = a.Share.Verify(ctx, gp, "127.0.0.1", []share.VerifyItem{{Key: "150102199001010011"}})
		wantCode(t, err, "share.product_only")
		// The product calls are audited under the grant, with its scenario.
		recs, _, err := a.Audit.Search(ctx, audit.Filter{GrantID: r.GrantID, Action: "operate.query."})
		must(t, err)
		if len(recs) < 3 {
			t.Fatalf("%d product calls audited under the grant; want ≥ 3", len(recs))
		}
		// Suspension takes effect on the next call.
		_, err = a.Share.Suspend(ctx, approver, r.ID, "核查使用情况")
		must(t, err)
		_, err = a.Operate.QueryStats(ctx, gp, pop.ID, []byte(`{"group_by":["sex"],"aggregates":[{"fn":"count_distinct"}]}`))
		wantCode(t, err, "share.grant_suspended")
		// A unit's own agreement is untouched: its budget ledger is separate.
		after, err := a.Operate.BudgetOf(ctx, who(t, a, "appunit"), pop.ID)
		must(t, err)
		if after != before {
			t.Fatalf("unit budget %+v → %+v moved with the grant's", before, after)
		}
	})
}
