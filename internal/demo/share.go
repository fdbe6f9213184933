package demo

import (
	"context"
	"fmt"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/authz"
	"pubdata/internal/share"
	"pubdata/internal/workday"
)

// Demo data of sharing (SHR): requests in every state — granted at once, approved and in use,
// pending within its deadline, pending and overdue (escalated to the authority's supervision
// list), refused with reason and legal basis, routed across regions, approved for offline
// delivery, suspended, expired — grants in use with gateway calls in their usage logs and a
// use-and-effect report, a verification grant, and demand-list items.

func sharePrincipal(ctx context.Context, a *app.App, username string) (*authz.Principal, error) {
	u, err := a.Identity.UserByName(ctx, username)
	if err != nil {
		return nil, fmt.Errorf("demo share: user %s: %w", username, err)
	}
	return a.Identity.Principal(ctx, u)
}

// workdaysAgo is the date-time n working days before now, at 10:00.
func workdaysAgo(a *app.App, now time.Time, n int) time.Time {
	d := workday.Date(now)
	for n > 0 {
		d = d.AddDate(0, 0, -1)
		if a.Calendar.IsWorkday(d) {
			n--
		}
	}
	return d.Add(10 * time.Hour)
}

func loadShare(ctx context.Context, a *app.App) error {
	if a.Share == nil || a.Catalog == nil {
		return nil
	}
	if _, err := a.Catalog.Published(ctx, EntryPopulation); err != nil {
		return nil // no demo catalog
	}
	users := map[string]*authz.Principal{}
	for _, u := range []string{"civil", "civil_approver", "officer", "approver", "market", "market_approver", "health", "hrss", "water", "admin"} {
		p, err := sharePrincipal(ctx, a, u)
		if err != nil {
			return err
		}
		users[u] = p
	}
	now := a.Now()
	at := func(t time.Time) *share.Service { return a.Share.WithClock(func() time.Time { return t }) }
	endIn := func(months int) string { return workday.Format(workday.Date(now).AddDate(0, months, 0)) }
	req := func(entry string, fields, clear []string, scenario, purpose, basis string, mode share.Mode, end string) share.NewRequest {
		return share.NewRequest{EntryID: entry, Fields: fields, ClearFields: clear, Scenario: scenario, Purpose: purpose, LegalBasis: basis,
			Mode: mode, EndDate: end, Authenticity: true, Compliance: true, Security: true}
	}
	fail := func(what string, err error) error { return fmt.Errorf("demo share: %s: %w", what, err) }

	// 1. Unconditional, granted at once: 民政厅 reads enterprise registrations (in use).
	entReq, err := at(workdaysAgo(a, now, 30)).File(ctx, users["civil"], req(EntryEnterprise, []string{"credit_code", "name", "legal_rep", "status", "address"}, nil,
		"社会组织发起单位资格核查", "核查社会组织发起单位的登记状态", "《社会团体登记管理条例》第十条", share.ModeAPI, endIn(12)))
	if err != nil {
		return fail("enterprise request", err)
	}
	// 2. Conditional, approved (narrowed) and in use: 民政厅 reads the population entry.
	popReq, err := at(workdaysAgo(a, now, 20)).File(ctx, users["civil"], req(EntryPopulation, []string{"citizen_id", "name", "address", "phone"}, []string{"name"},
		"最低生活保障申请人户籍核对", "核对低保申请人的户籍和身份信息", "《社会救助暂行办法》第十一条", share.ModeAPI, endIn(12)))
	if err != nil {
		return fail("population request", err)
	}
	if popReq, err = at(workdaysAgo(a, now, 17)).Approve(ctx, users["approver"], popReq.ID, share.Approval{Fields: []string{"citizen_id", "name", "address"},
		ClearFields: []string{"name"}, Note: "联系电话非核对所必需，不予提供"}); err != nil {
		return fail("approve population", err)
	}
	// Gateway use of both grants (usage logs, statistics), and a use-and-effect report.
	if a.Ingest != nil {
		if err := demoGatewayUse(ctx, a, users["civil"], entReq.GrantID, popReq.GrantID); err != nil {
			return err
		}
		if _, err := a.Share.FileReport(ctx, users["civil"], popReq.GrantID, share.NewReport{PeriodFrom: workday.Format(workdaysAgo(a, now, 17)),
			PeriodTo: workday.Format(now), Use: "审核低保申请 36 件，核对申请人户籍与住址", Effect: "申请人无需再提交户口簿复印件，审核时间由 5 天缩短为 1 天",
			Problems: "部分住址信息更新不及时，建议提高更新频率"}); err != nil {
			return fail("use report", err)
		}
	}
	// 3. Pending within its deadline: 人社厅 asks for the population entry.
	if _, err := at(workdaysAgo(a, now, 1)).File(ctx, users["hrss"], req(EntryPopulation, []string{"citizen_id", "name", "birth_date"}, nil,
		"养老保险待遇资格认证", "核对领取待遇人员身份和生存状态", "《中华人民共和国社会保险法》第八十一条", share.ModeAPI, endIn(12))); err != nil {
		return fail("pending request", err)
	}
	// 4. Pending and overdue: 卫健委 asked eight working days ago; the deadline job escalates it.
	if _, err := at(workdaysAgo(a, now, 8)).File(ctx, users["health"], req(EntryPopulation, []string{"citizen_id", "name", "sex", "birth_date"}, nil,
		"出生医学证明签发核对父母身份", "核对新生儿父母身份信息", "《中华人民共和国母婴保健法》第二十三条", share.ModeAPI, endIn(12))); err != nil {
		return fail("overdue request", err)
	}
	// 5. Refused with reason and legal basis: 市场监管局 asked for residents' phone numbers.
	ref, err := at(workdaysAgo(a, now, 12)).File(ctx, users["market"], req(EntryPopulation, []string{"citizen_id", "name", "phone"}, []string{"phone"},
		"个体工商户经营者联系", "联系个体工商户经营者", "《市场主体登记管理条例》", share.ModeAPI, endIn(6)))
	if err != nil {
		return fail("refused request", err)
	}
	if _, err := at(workdaysAgo(a, now, 10)).Refuse(ctx, users["approver"], ref.ID, share.Refusal{Reason: "联系电话属于敏感个人信息，与所述用途不符合最小必要原则",
		LegalBasis: "《中华人民共和国个人信息保护法》第六条、第二十八条"}); err != nil {
		return fail("refuse", err)
	}
	// 6. Cross-region, waiting for the Baotou authority to route it (SHR-8).
	if _, err := at(workdaysAgo(a, now, 2)).File(ctx, users["water"], req(EntryPopulation, []string{"citizen_id", "name"}, nil,
		"供水开户实名核验", "新开户用户实名核验", "《城市供水条例》；《包头市城市供水管理办法》", share.ModeAPI, endIn(12))); err != nil {
		return fail("routing request", err)
	}
	// 7. Approved for offline delivery, delivery outstanding: 公安厅 asked for the allowance list on
	// media (an approval never widens a request: table would not become offline).
	off, err := at(workdaysAgo(a, now, 4)).File(ctx, users["officer"], req(EntryDibao, []string{"citizen_id", "name", "area_type"}, nil,
		"户籍迁移人员低保关系核对", "户籍迁移时核对低保关系", "《社会救助暂行办法》第六十三条", share.ModeOffline, endIn(6)))
	if err != nil {
		return fail("offline request", err)
	}
	if _, err := at(workdaysAgo(a, now, 3)).Approve(ctx, users["civil_approver"], off.ID, share.Approval{Note: "按季度以加密介质交付"}); err != nil {
		return fail("approve offline", err)
	}
	// 8. Verification only (not-shared entry): 公安厅 checks whether a person holds a marriage
	// registration — by certificate number or ID number; no field of a not-shared entry is compared.
	ver := req(EntryMarriage, []string{"citizen_id"}, nil, "户口登记婚姻状况变更核验", "核验婚姻登记状态，不获取婚姻登记数据",
		"《中华人民共和国户口登记条例》第十九条", share.ModeAPI, endIn(12))
	ver.Kind = share.KindVerify
	vr, err := at(workdaysAgo(a, now, 9)).File(ctx, users["officer"], ver)
	if err != nil {
		return fail("verification request", err)
	}
	if _, err := at(workdaysAgo(a, now, 7)).Approve(ctx, users["civil_approver"], vr.ID, share.Approval{}); err != nil {
		return fail("approve verification", err)
	}
	// 9. Suspended: 公安厅's enterprise grant, pending rectification of over-scope use (SUP-1).
	sus, err := at(workdaysAgo(a, now, 25)).File(ctx, users["officer"], req(EntryEnterprise, []string{"credit_code", "name", "legal_rep_id"}, nil,
		"涉企案件主体核查", "核查涉案企业主体信息", "《中华人民共和国人民警察法》第六条", share.ModeAPI, endIn(6)))
	if err != nil {
		return fail("suspended request", err)
	}
	if sus.State == share.StatePending {
		if sus, err = at(workdaysAgo(a, now, 23)).Approve(ctx, users["market_approver"], sus.ID, share.Approval{}); err != nil {
			return fail("approve suspended", err)
		}
	}
	if _, err := a.Share.Suspend(ctx, users["market_approver"], sus.GrantID, "调用量异常，超出所述场景，责令说明整改"); err != nil {
		return fail("suspend", err)
	}
	// 10. Expired: a grant whose end date has passed.
	exp, err := at(workdaysAgo(a, now, 60)).File(ctx, users["hrss"], req(EntryEnterprise, []string{"credit_code", "name", "status"}, nil,
		"2026年稳岗返还企业资格核查", "核查稳岗返还企业登记状态", "《失业保险条例》", share.ModeAPI, workday.Format(workdaysAgo(a, now, 15))))
	if err != nil {
		return fail("expired request", err)
	}
	_ = exp
	if err := a.Share.ExpireDue(ctx); err != nil {
		return fail("expire", err)
	}

	// Demand list: one assigned to its source agency (on its responsibility list), one awaiting review.
	dm, err := at(workdaysAgo(a, now, 4)).FileDemand(ctx, users["civil"], share.NewDemand{Title: "困难残疾人生活补贴和重度残疾人护理补贴发放信息",
		Description: "用于低保与残疾人两项补贴的交叉核对，目录中尚无此资源。", Fields: []string{"公民身份号码", "姓名", "补贴类型", "发放月份", "发放金额"},
		Scenario: "残疾人两项补贴与低保交叉核对", Purpose: "防止重复享受或遗漏", LegalBasis: "《中华人民共和国残疾人保障法》第四十八条"})
	if err != nil {
		return fail("demand", err)
	}
	if _, err := at(workdaysAgo(a, now, 2)).AssignDemand(ctx, users["admin"], dm.ID, OrgHRSS, "补贴发放数据由人社部门汇总"); err != nil {
		return fail("assign demand", err)
	}
	if _, err := at(workdaysAgo(a, now, 1)).FileDemand(ctx, users["health"], share.NewDemand{Title: "托育机构备案信息", Fields: []string{"机构名称", "统一社会信用代码", "备案日期", "托位数"},
		Scenario: "托育服务监管", Purpose: "托育机构卫生评价", LegalBasis: "《托育机构管理规范（试行）》"}); err != nil {
		return fail("demand 2", err)
	}
	// Reminders and escalations for what is due or overdue now.
	return a.Share.Deadlines(ctx)
}

// demoGatewayUse calls the gateway the way the consumer's system does, so the grants have usage
// logs and statistics.
func demoGatewayUse(ctx context.Context, a *app.App, civil *authz.Principal, entGrant, popGrant string) error {
	gp := func(grant string) (*authz.Principal, error) {
		secret, _, err := a.Share.IssueCredential(ctx, civil, grant)
		if err != nil {
			return nil, fmt.Errorf("demo share: credential: %w", err)
		}
		return a.Identity.TokenPrincipal(ctx, secret)
	}
	ep, err := gp(entGrant)
	if err != nil {
		return err
	}
	pp, err := gp(popGrant)
	if err != nil {
		return err
	}
	// An API grant answers per record (SHR-10): the consumer's system names the enterprises it
	// handles — by lookup, or by a query filtered on the credit code.
	ents, _, err := a.Ingest.Query(ctx, EntryEnterprise, map[string]string{"status": "存续"}, 5, 0)
	if err != nil {
		return fmt.Errorf("demo share: enterprises: %w", err)
	}
	for i, e := range ents {
		if i == 0 {
			if _, _, err := a.Share.Query(ctx, ep, "10.15.2.31", map[string]string{"credit_code": e.Values["credit_code"]}, 20, 0); err != nil {
				return fmt.Errorf("demo share: query: %w", err)
			}
		}
		if _, err := a.Share.Lookup(ctx, ep, "10.15.2.31", e.Values["credit_code"]); err != nil {
			return fmt.Errorf("demo share: enterprise lookup: %w", err)
		}
	}
	people, _, err := a.Ingest.Query(ctx, EntryPopulation, nil, 8, 100)
	if err != nil {
		return fmt.Errorf("demo share: residents: %w", err)
	}
	for _, p := range people {
		if _, err := a.Share.Lookup(ctx, pp, "10.15.2.31", p.Values["citizen_id"]); err != nil {
			return fmt.Errorf("demo share: resident lookup: %w", err)
		}
	}
	// One unknown key: a plain not found, recorded like every call.
	a.Share.Lookup(ctx, pp, "10.15.2.31", "150102200001010011")
	return a.Share.FlushStats(ctx)
}
