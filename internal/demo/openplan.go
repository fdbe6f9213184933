package demo

import (
	"context"

	"pubdata/internal/app"
	"pubdata/internal/authz"
	"pubdata/internal/openplan"
)

// The market agency's open plan for this year (an opened entry and the conditionally open
// penalties), a public demand it answered and one still open, and a reuse in the showcase
// (published) with another awaiting moderation.
func loadPlans(ctx context.Context, a *app.App) error {
	if a.Plans == nil {
		return nil
	}
	as := func(name string) (*authz.Principal, error) {
		u, err := a.Identity.UserByName(ctx, name)
		if err != nil {
			return nil, err
		}
		return a.Identity.Principal(ctx, u)
	}
	market, err := as("market")
	if err != nil {
		return nil
	}
	admin, err := as("admin")
	if err != nil {
		return nil
	}
	year := a.Now().Year()
	pl, err := a.Plans.SavePlan(ctx, market, openplan.PlanInput{Year: year, Title: "市场监管局年度公共数据开放计划", Note: "优先开放与企业经营和民生相关的登记、许可信息。"})
	if err != nil {
		return err
	}
	y := itoaYear(year)
	for _, it := range []openplan.ItemInput{
		{EntryID: EntryFoodLicense, Priority: "high", Livelihood: true, TargetOpen: "unconditional", TargetDate: y + "-06-30"},
		{EntryID: "cat-penalties", Priority: "medium", TargetOpen: "conditional", TargetDate: y + "-12-31"},
	} {
		if _, err := a.Plans.AddItem(ctx, market, pl.ID, it); err != nil {
			if _, e2 := a.Catalog.Published(ctx, it.EntryID); e2 != nil {
				continue // not in this demo catalog
			}
			return err
		}
	}
	nobody := &authz.Principal{}
	d, err := a.Plans.FileDemand(ctx, nobody, openplan.DemandInput{Title: "开放特种设备检验信息", Description: "用于物业公司查询电梯下次检验日期",
		OrgID: OrgMarket, Name: "演示物业公司", Contact: "demo@example.com"}, "")
	if err != nil {
		return err
	}
	if _, err := a.Plans.Answer(ctx, market, d.Number, openplan.AnswerInput{Kind: "will_open", Answer: "已列入本年度开放计划，将按季度更新开放。"}); err != nil {
		return err
	}
	if _, err := a.Plans.FileDemand(ctx, nobody, openplan.DemandInput{Title: "开放企业年报中的从业人数", Description: "用于区域就业研究",
		OrgID: OrgMarket, Name: "演示研究者", Contact: "lab@example.com"}, ""); err != nil {
		return err
	}
	if _, err := a.Catalog.Published(ctx, EntryFoodLicense); err != nil {
		return nil
	}
	sc, err := a.Plans.SubmitShowcase(ctx, nobody, openplan.ShowcaseInput{Title: "放心餐馆查询", Kind: "app", Description: "按街道查询持证经营的餐饮单位。",
		URL: "https://example.com/food", Datasets: []string{EntryFoodLicense}, Name: "演示开发者", Contact: "dev@example.com"}, "")
	if err != nil {
		return err
	}
	if err := a.Plans.Moderate(ctx, admin, sc.ID, true, ""); err != nil {
		return err
	}
	_, err = a.Plans.SubmitShowcase(ctx, nobody, openplan.ShowcaseInput{Title: "食品许可到期提醒", Kind: "service", Description: "许可证到期前提醒经营者续证。",
		Datasets: []string{EntryFoodLicense}, Name: "演示服务商", Contact: "svc@example.com"}, "")
	return err
}

func itoaYear(y int) string {
	b := []byte("0000")
	for i := 3; i >= 0; i-- {
		b[i] = byte('0' + y%10)
		y /= 10
	}
	return string(b)
}
