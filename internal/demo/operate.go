package demo

import (
	"context"
	"fmt"

	"pubdata/internal/app"
	"pubdata/internal/authz"
	"pubdata/internal/operate"
)

// Demo data of authorized operation (OPR): the application unit registered and qualified; three
// views registered by their providers (population, household power use, market entities); four
// products defined by the operator, reviewed by the authority's reviewer and released; one
// application approved with its agreement signed by both sides, so `appunit` can query at once;
// and the demo citizen's real-name identity matched to a resident, verified, so the citizen can
// authorize the unit and watch its accesses.

// Demo product names (the tests and the docs refer to them).
const (
	DemoProductPopulation = "人口分布统计"
	DemoProductPower      = "居民用电统计"
	DemoProductVerify     = "企业登记信息核验"
	DemoProductIdentity   = "居民身份核验（需本人授权）"
	DemoProductScore      = "企业注册资本指标"
)

func principal(ctx context.Context, a *app.App, username string) (*authz.Principal, error) {
	u, err := a.Identity.UserByName(ctx, username)
	if err != nil {
		return nil, err
	}
	return a.Identity.Principal(ctx, u)
}

func loadOperate(ctx context.Context, a *app.App) error {
	if a.Operate == nil || a.Ingest == nil {
		return nil
	}
	// Operator duties are separated (BTO 16): 杨运营 designs products and manages units, 柏签约
	// reviews products for compliance and manages units (signs the agreements 杨运营 decided).
	for n, roles := range map[string][]authz.Role{"operator": {authz.OperatorProduct, authz.OperatorUnits}, "operator2": {authz.OperatorReviewer, authz.OperatorUnits}} {
		u, err := a.Identity.UserByName(ctx, n)
		if err != nil {
			return err
		}
		for _, r := range roles {
			if _, err := a.DB.ExecContext(ctx, "INSERT INTO user_roles (user_id, role) VALUES ($1,$2)", u.ID, string(r)); err != nil {
				return err
			}
		}
	}
	ps := map[string]*authz.Principal{}
	for _, n := range []string{"officer", "water", "market", "operator", "operator2", "reviewer", "appunit", "admin"} {
		p, err := principal(ctx, a, n)
		if err != nil {
			return err
		}
		ps[n] = p
	}
	s := a.Operate
	counties := []string{"150102", "150105", "150121", "150202", "150203", "150221"}
	// Views (registered by each provider's data officer; the power company's by a system principal
	// of that company, as it has no demo login).
	vPop, err := s.RegisterView(ctx, ps["officer"], operate.View{EntryID: EntryPopulation, Name: "常住人口分布视图", Subject: "citizen_id",
		Dimensions: []operate.Dimension{{Field: "region_code", Values: counties}, {Field: "sex", Values: []string{"男", "女"}}},
		Items:      []string{"name", "sex"}})
	if err != nil {
		return fmt.Errorf("demo view population: %w", err)
	}
	powerOfficer := &authz.Principal{UserID: "demo-power", Username: "demo-power", DisplayName: "电力公司数据专员（演示）", OrgID: OrgPower, OrgKind: authz.KindUtility, Roles: []authz.Role{authz.DataOfficer}}
	vPow, err := s.RegisterView(ctx, powerOfficer, operate.View{EntryID: EntryPower, Name: "居民用电视图", Subject: "citizen_id", MaxRows: 3,
		Dimensions: []operate.Dimension{{Field: "month", Values: []string{"2026-06", "2026-07", "2026-08"}}, {Field: "region_code", Values: counties}},
		Measures:   []operate.Measure{{Field: "kwh", Lo: 0, Hi: 1000}}})
	if err != nil {
		return fmt.Errorf("demo view power: %w", err)
	}
	vEnt, err := s.RegisterView(ctx, ps["market"], operate.View{EntryID: EntryEnterprise, Name: "市场主体视图", Subject: "credit_code",
		Dimensions: []operate.Dimension{{Field: "region_code", Values: counties}, {Field: "status", Values: []string{"存续", "注销"}}},
		Measures:   []operate.Measure{{Field: "reg_capital", Lo: 0, Hi: 5000}},
		Items:      []string{"name", "legal_rep", "status"}})
	if err != nil {
		return fmt.Errorf("demo view enterprise: %w", err)
	}
	all := map[string]bool{}
	for _, c := range operate.ReviewChecklist {
		all[c] = true
	}
	release := func(in operate.ProductInput) (operate.Product, error) {
		pr, err := s.CreateProduct(ctx, ps["operator"], in)
		if err != nil {
			return pr, fmt.Errorf("demo product %s: %w", in.Name, err)
		}
		if _, err := s.SubmitProduct(ctx, ps["operator"], pr.ID); err != nil {
			return pr, err
		}
		return s.ReviewProduct(ctx, ps["reviewer"], pr.ID, operate.ReviewInput{Checklist: all, Decision: "approve", Note: "符合最小必要与不出域要求"})
	}
	pPop, err := release(operate.ProductInput{Kind: operate.KindStatistics, Name: DemoProductPopulation, ViewID: vPop.ID})
	if err != nil {
		return err
	}
	pPow, err := release(operate.ProductInput{Kind: operate.KindStatistics, Name: DemoProductPower, ViewID: vPow.ID})
	if err != nil {
		return err
	}
	pVer, err := release(operate.ProductInput{Kind: operate.KindVerification, Name: DemoProductVerify, ViewID: vEnt.ID, Spec: operate.ProductSpec{Items: []string{"name", "status"}}})
	if err != nil {
		return err
	}
	pID, err := release(operate.ProductInput{Kind: operate.KindVerification, Name: DemoProductIdentity, ViewID: vPop.ID, Spec: operate.ProductSpec{Items: []string{"name"}, RequireConsent: true}})
	if err != nil {
		return err
	}
	pScore, err := release(operate.ProductInput{Kind: operate.KindIndicator, Name: DemoProductScore, ViewID: vEnt.ID, Spec: operate.ProductSpec{Weights: map[string]float64{"reg_capital": 1}}})
	if err != nil {
		return err
	}
	// The application unit: registered, qualified, applies for every product; the operator
	// decides; both sides sign (the operator's signer is not the one who decided).
	if _, err := s.RegisterUnit(ctx, ps["appunit"], "朱应用 0472-5550000"); err != nil {
		return err
	}
	if _, err := s.MoveUnit(ctx, ps["operator"], OrgAppUnit, "approve", ""); err != nil {
		return err
	}
	start := a.Now().AddDate(0, 0, -1).Format("2006-01-02")
	end := a.Now().AddDate(1, 0, 0).Format("2006-01-02")
	for _, pr := range []operate.Product{pPop, pPow, pVer, pID, pScore} {
		app, err := s.Apply(ctx, ps["appunit"], operate.ApplicationInput{ProductID: pr.ID, Scenario: "普惠金融小微企业授信风控与区域经营分析", Items: pr.Spec.Items,
			StartDate: start, EndDate: end, Security: "专人专机访问；结果仅用于授信审查；访问日志留存三年"})
		if err != nil {
			return fmt.Errorf("demo application %s: %w", pr.Name, err)
		}
		if _, err := s.DecideApplication(ctx, ps["operator"], app.ID, true, "资质齐全，风险可控"); err != nil {
			return err
		}
		ags, err := s.Agreements(ctx, ps["appunit"])
		if err != nil {
			return err
		}
		for _, g := range ags {
			if g.ApplicationID == app.ID {
				if _, err := s.SignAgreement(ctx, ps["appunit"], g.ID); err != nil {
					return err
				}
				if _, err := s.SignAgreement(ctx, ps["operator2"], g.ID); err != nil {
					return err
				}
			}
		}
	}
	// The public board: a need, an offer, a showcase case and a policy notice.
	for _, post := range []struct {
		who string
		in  operate.Post
	}{
		{"appunit", operate.Post{Kind: operate.PostNeed, Title: "小微企业经营状况统计需求", Body: "希望按旗县区、月份获得小微企业存续与注销数量的统计，用于授信政策评估。"}},
		{"operator", operate.Post{Kind: operate.PostOffer, Title: "人口分布统计产品上线", Body: "按旗县区、性别的常住人口统计，差分隐私保护，不返回任何个人记录。"}},
		{"operator", operate.Post{Kind: operate.PostCase, Title: "普惠金融授信案例", Body: "某银行使用企业登记信息核验产品，小微企业授信审核时间由五天缩短到两天。"}},
		{"operator", operate.Post{Kind: operate.PostNotice, Title: "公共数据授权运营管理办法（试行）", Body: "明确授权运营的申请、审核、协议、定价与评估要求，自发布之日起施行。"}},
	} {
		if _, err := s.AddPost(ctx, ps[post.who], post.in); err != nil {
			return fmt.Errorf("demo post %s: %w", post.in.Title, err)
		}
	}
	// The demo citizen is a resident of the demo population, verified by the authority.
	recs, _, err := a.Ingest.Query(ctx, EntryPopulation, map[string]string{"region_code": "150203"}, 1, 0)
	if err != nil || len(recs) == 0 {
		return err
	}
	cu, err := a.Identity.UserByName(ctx, "citizen")
	if err != nil {
		return err
	}
	if _, err := a.DB.ExecContext(ctx, "UPDATE users SET id_number = $1, display_name = $2 WHERE id = $3", recs[0].Key, recs[0].Values["name"]+"（社会公众）", cu.ID); err != nil {
		return err
	}
	if _, err := a.Identity.SetVerified(ctx, ps["admin"], cu.ID, true, "演示：线下核验身份证件"); err != nil {
		return fmt.Errorf("demo citizen verification: %w", err)
	}
	return nil
}
