package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/authz"
	"pubdata/internal/ingest"
	"pubdata/internal/open"
	"pubdata/internal/validate"
)

// Open data (开放) demo: the portal is not empty. Besides the entries already loaded and opened
// (市场主体, 食品经营许可 …), the elderly-care institutions (unconditional, beds as a count with
// small counts suppressed), the medical institutions (unconditional) and the administrative
// penalties (conditional, with a key issued to the application unit's user) hold data; a few
// downloads and calls this month give the counts something to show.
func loadOpen(ctx context.Context, a *app.App) error {
	if a.Open == nil || a.Ingest == nil || a.Catalog == nil {
		return nil
	}
	r := rand.New(rand.NewPCG(2026, 13))
	load := func(entry, org, name, body string) error {
		e, err := a.Catalog.Published(ctx, entry)
		if err != nil {
			return nil
		}
		if a.Ingest.SummaryOf(ctx, entry).CurrentVersion > 0 {
			return nil
		}
		_, err = a.Ingest.LoadEntry(ctx, ingest.Actor{ID: "demo", Name: "演示数据 / demo", OrgID: org}, &e, ingest.LoadRequest{
			EntryID: entry, Channel: ingest.ChannelDemo, Format: ingest.FormatCSV, FileName: name, Partial: true, Body: strings.NewReader(body)})
		if err != nil {
			return fmt.Errorf("demo open data %s: %w", entry, err)
		}
		return nil
	}
	code := func(i int) string {
		return validate.MakeCreditCode('5', '2', counties[i%len(counties)], fmt.Sprintf("MJ%07d", 1000+i))
	}
	streets := []string{"新华大街", "中山路", "钢铁大街", "阿尔丁大街", "民族东路", "成吉思汗大街"}

	// 养老机构: 40 institutions; beds is a count (fewer than 5 shown as "<5").
	var b strings.Builder
	b.WriteString("credit_code,home_name,beds,home_address,service_phone\n")
	for i := 0; i < 40; i++ {
		beds := 1 + r.IntN(300)
		if i%9 == 0 {
			beds = 1 + r.IntN(4)
		}
		fmt.Fprintf(&b, "%s,第%d养老服务中心,%d,内蒙古自治区呼和浩特市%s%d号,0471-%07d\n", code(i), i+1, beds, streets[i%len(streets)], 10+i, 6000000+i)
	}
	if err := load("cat-elderly-homes", OrgCivil, "养老机构-2026.csv", b.String()); err != nil {
		return err
	}
	// 医疗机构执业登记: 30 institutions.
	b.Reset()
	b.WriteString("license_no,inst_name,inst_level,inst_address,valid_to\n")
	levels := []string{"三级", "二级", "一级", "未定级"}
	for i := 0; i < 30; i++ {
		fmt.Fprintf(&b, "PDY%06d,第%d人民医院,%s,内蒙古自治区包头市%s%d号,2029-12-31\n", 150000+i, i+1, levels[i%len(levels)], streets[i%len(streets)], 100+i)
	}
	if err := load("cat-medical-inst", OrgHealth, "医疗机构-2026.csv", b.String()); err != nil {
		return err
	}
	// 行政处罚 (conditionally open): 25 decisions.
	b.Reset()
	b.WriteString("decision_no,credit_code,party_name,violation,penalty,decision_date\n")
	kinds := []string{"虚假宣传", "无照经营", "销售不合格产品", "价格违法"}
	for i := 0; i < 25; i++ {
		fmt.Fprintf(&b, "呼市监罚〔2026〕%d号,%s,某商贸有限公司%d,%s,罚款%d元,2026-%02d-%02d\n", 100+i, code(100+i), i+1, kinds[i%len(kinds)], 1000*(1+r.IntN(50)), 1+i%10, 1+i%27)
	}
	if err := load("cat-penalties", OrgMarket, "行政处罚-2026.csv", b.String()); err != nil {
		return err
	}

	// Settings: licence and coverage of the enterprise register, suppression for the homes.
	sys := authz.System
	admin, err := sharePrincipal(ctx, a, "admin")
	if err != nil {
		return err
	}
	if _, err := a.Open.SetSettings(ctx, admin, open.Settings{EntryID: EntryEnterprise, TemporalFrom: "2000", TemporalTo: "2026",
		Spatial: "内蒙古自治区"}); err != nil {
		return err
	}
	if _, err := a.Open.SetSettings(ctx, admin, open.Settings{EntryID: "cat-elderly-homes", CountFields: []string{"beds"}, MinCount: 5}); err != nil {
		return err
	}
	// The application unit's approved key for the penalties (what a conditional approval issues).
	if u, err := a.Identity.UserByName(ctx, "appunit"); err == nil {
		if _, err := a.Catalog.Published(ctx, "cat-penalties"); err == nil {
			if _, err := a.Open.IssueKey(ctx, sys, u.ID, OrgAppUnit, "信用评价研究（演示）", []string{"cat-penalties"}, nil,
				a.Now().Add(90*24*time.Hour), "demo-open-application"); err != nil {
				return err
			}
		}
	}
	// Some use this month.
	c := &open.Caller{ClientIP: "198.51.100.7"}
	for _, id := range []string{EntryEnterprise, "cat-elderly-homes", "cat-medical-inst"} {
		if _, err := a.Open.Records(ctx, c, id, open.RecordsQuery{Limit: 5}); err != nil {
			continue
		}
	}
	return nil
}
