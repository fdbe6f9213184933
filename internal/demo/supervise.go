package demo

import (
	"context"

	"pubdata/internal/app"
	"pubdata/internal/authz"
	"pubdata/internal/supervise"
)

// The demo's sanctions (SUP-1): a rectification order to the application unit that was reported
// and accepted (access restored), so the pages show a whole history without suspending any demo
// account's keys.
func init() {
	Hooks = append(Hooks, func(ctx context.Context, a *app.App) error {
		if a.Supervise == nil {
			return nil
		}
		as := func(username string) (*authz.Principal, error) {
			u, err := a.Identity.UserByName(ctx, username)
			if err != nil {
				return nil, err
			}
			return a.Identity.Principal(ctx, u)
		}
		admin, err := as("admin")
		if err != nil {
			return err
		}
		sc, err := a.Supervise.Issue(ctx, admin, supervise.NewSanction{SubjectKind: "org", SubjectID: OrgAppUnit, Ground: "no_safeguards",
			Reason: "数据使用现场检查发现未落实访问日志留存与人员保密协议（演示数据）", Days: 10})
		if err != nil {
			return err
		}
		unit, err := as("appunit")
		if err != nil {
			return err
		}
		if _, err := a.Supervise.Fire(ctx, unit, sc.ID, supervise.EvReport, "已补签保密协议并开启访问日志留存 180 天（演示数据）"); err != nil {
			return err
		}
		_, err = a.Supervise.Fire(ctx, admin, sc.ID, supervise.EvAccept, "经复核整改到位，恢复访问（演示数据）")
		return err
	})
}
