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
func loadSanctions(ctx context.Context, a *app.App) error {
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
	if _, err = a.Supervise.Fire(ctx, admin, sc.ID, supervise.EvAccept, "经复核整改到位，恢复访问（演示数据）"); err != nil {
		return err
	}
	// Agency supervision (SUP-2, SUP-4, SUP-6): a notice recorded by hand and answered by the
	// agency, a report of illegal use, and a dishonesty record based on the sanction above.
	n, err := a.Supervise.Record(ctx, admin, supervise.NewNotice{OrgID: OrgCivil, Violation: "asking_again", Kind: "rectify",
		Title: "办理低保时仍要求群众提供户籍证明（演示数据）", Detail: "户籍信息已可通过共享获取，窗口仍要求申请人提交户籍证明复印件。", Days: 10})
	if err != nil {
		return err
	}
	civil, err := as("civil")
	if err != nil {
		return err
	}
	if _, err := a.Supervise.FireNotice(ctx, civil, n.ID, supervise.NvRespond, "已通知各窗口停止索要户籍证明，改为共享核验（演示数据）"); err != nil {
		return err
	}
	if _, err := a.Supervise.FileReport(ctx, &authz.Principal{}, supervise.Filing{RegionCode: RegionProvince, ReporterName: "匿名群众（演示）",
		Contact: "13800000000", Target: "某科技公司", Content: "该公司在网上出售疑似来自政务数据的企业联系人信息（演示数据）"}, ""); err != nil {
		return err
	}
	if _, err := a.Supervise.RecordDishonesty(ctx, admin, supervise.NewDishonesty{BasisKind: "sanction", BasisID: sc.ID,
		Reason: "未落实数据安全保障措施，经责令整改（演示数据）", PeriodFrom: "2026-01-01", PeriodTo: "2026-12-31"}); err != nil {
		return err
	}
	// The annual assessment (SUP-3) of this year, computed and left a draft for review.
	pl, err := a.Supervise.CreatePlan(ctx, admin, supervise.NewPlan{Year: a.Now().Year()})
	if err != nil {
		return err
	}
	_, err = a.Supervise.Compute(ctx, admin, pl.ID)
	return err
}
