package demo

import (
	"context"

	"pubdata/internal/app"
	"pubdata/internal/security"
	"pubdata/internal/workday"
)

// The demo's security operation records (SEC-6, SEC-9): an incident in Baotou that is being
// responded to, with one notification made and the others pending, and a third-party provider
// whose security review expires within the reminder window.
func loadSecurity(ctx context.Context, a *app.App) error {
	if a.Security == nil {
		return nil
	}
	u, err := a.Identity.UserByName(ctx, "bt_admin")
	if err != nil {
		return err
	}
	bt, err := a.Identity.Principal(ctx, u)
	if err != nil {
		return err
	}
	inc, err := a.Security.Create(ctx, bt, security.NewRecord{Kind: "incident", Title: "供水公司前置机发现异常外连（演示数据）", Severity: "high",
		Detail: "安全巡检发现前置机向境外地址发起连接（演示数据）", Days: 5})
	if err != nil {
		return err
	}
	if _, err := a.Security.AddStep(ctx, bt, inc.ID, "已断开前置机网络并保全日志（演示数据）"); err != nil {
		return err
	}
	if _, err := a.Security.Notified(ctx, bt, inc.ID, "data_authority", "已电话报告自治区数据局（演示数据）"); err != nil {
		return err
	}
	now := a.Now()
	_, err = a.Security.Create(ctx, bt, security.NewRecord{Kind: "provider", Title: "某运维服务有限公司（演示数据）", Days: 30,
		ReviewExpires: workday.Format(a.Calendar.AddWorkdays(now, 8)), AgreementExpires: workday.Format(now.AddDate(1, 0, 0))})
	return err
}
