package demo

import (
	"context"

	"pubdata/internal/app"
	"pubdata/internal/openapply"
	"pubdata/internal/workday"
)

// A conditional-opening application by the demo citizen for the conditionally open penalties
// dataset, awaiting the market agency's decision, so that the applicant's progress page and the
// provider's list have something to show.
func loadApplications(ctx context.Context, a *app.App) error {
	if a.Applications == nil {
		return nil
	}
	if _, err := a.Catalog.Published(ctx, "cat-penalties"); err != nil {
		return nil // not in this demo catalog
	}
	u, err := a.Identity.UserByName(ctx, "citizen")
	if err != nil {
		return nil
	}
	p, err := a.Identity.Principal(ctx, u)
	if err != nil {
		return err
	}
	end := workday.Date(a.Now()).AddDate(0, 0, 90).Format("2006-01-02")
	_, err = a.Applications.Submit(ctx, p, openapply.Input{DatasetID: "cat-penalties", Scenario: "企业信用修复辅导：帮助小微企业了解处罚记录与信用修复条件",
		Fields: []string{"decision_no", "party_name", "violation", "penalty"}, Method: "api", EndDate: end,
		Security: "专人专机处理，数据加密存储，访问留痕，期满删除", Contact: "citizen@example.com"})
	return err
}
