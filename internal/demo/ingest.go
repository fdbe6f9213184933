package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/ingest"
	"pubdata/internal/validate"
)

// Demo data of aggregation (AGG): synthetic but valid records loaded into the demo catalog's
// entries — 10,000 residents with valid ID numbers, 2,000 enterprises with valid credit codes,
// food licences (pushed through the API channel), water and power accounts of the same people —
// with a few deliberate quality problems (loaded with "load valid rows, report the rest", so
// their reports list them), one entry loaded 40 days ago so the freshness board shows it late.
// Each entry is one bulk load in one transaction, so `serve --demo` still starts in seconds.

// Demo sizes.
const (
	DemoPersons     = 10000
	DemoEnterprises = 2000
)

var (
	surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
	given    = []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "华", "玉兰", "建国", "海燕", "志强", "晓东", "雪梅", "巴特尔", "乌云", "其其格", "额尔敦", "斯琴"}
	counties = []string{"150102", "150105", "150121", "150202", "150203", "150221"}
	streets  = []string{"新华大街", "中山路", "昭乌达路", "钢铁大街", "阿尔丁大街", "民族东路", "友谊大街", "建设路", "兴安南路", "巴彦塔拉大街"}
	cityOf   = map[string]string{"150102": "呼和浩特市新城区", "150105": "呼和浩特市赛罕区", "150121": "呼和浩特市土默特左旗", "150202": "包头市东河区", "150203": "包头市昆都仑区", "150221": "包头市土默特右旗"}
	trades   = []string{"科技", "商贸", "餐饮", "建筑工程", "农牧业", "乳业", "稀土材料", "物流", "文化传媒", "能源"}
)

type demoPerson struct{ id, name, sex, birth, addr, phone, region string }

func demoPeople(r *rand.Rand, n int) []demoPerson {
	seen := map[string]bool{}
	out := make([]demoPerson, 0, n)
	for len(out) < n {
		region := counties[r.IntN(len(counties))]
		birth := time.Date(1940+r.IntN(80), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		seq := r.IntN(1000)
		id := validate.MakeCitizenID(region, birth, seq)
		if seen[id] {
			continue
		}
		seen[id] = true
		sex := "女"
		if seq%2 == 1 {
			sex = "男"
		}
		name := string(surnames[r.IntN(len(surnames))]) + given[r.IntN(len(given))]
		out = append(out, demoPerson{id: id, name: name, sex: sex, birth: birth.Format("2006-01-02"),
			addr:  fmt.Sprintf("内蒙古自治区%s%s%d号", cityOf[region], streets[r.IntN(len(streets))], 1+r.IntN(300)),
			phone: fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.IntN(1000000000)), region: region})
	}
	return out
}

const creditChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

func loadIngest(ctx context.Context, a *app.App) error {
	if a.Ingest == nil || a.Catalog == nil {
		return nil
	}
	r := rand.New(rand.NewPCG(2026, 4))
	now := a.Now()
	load := func(entry, org, name string, partial bool, at time.Time, body string) error {
		e, err := a.Catalog.Published(ctx, entry)
		if err != nil {
			return nil // the demo catalog does not hold this entry
		}
		_, err = a.Ingest.LoadEntry(ctx, ingest.Actor{ID: "demo", Name: "演示数据 / demo", OrgID: org}, &e, ingest.LoadRequest{
			EntryID: entry, Channel: ingest.ChannelDemo, Format: ingest.FormatCSV, FileName: name, Partial: partial, At: at, Body: strings.NewReader(body)})
		if err != nil {
			return fmt.Errorf("demo data %s: %w", entry, err)
		}
		return nil
	}

	// 常住人口: 10,000 residents, with five deliberately bad rows (reported, not loaded).
	people := demoPeople(r, DemoPersons)
	var b strings.Builder
	b.WriteString("citizen_id,name,sex,birth_date,address,phone,region_code\n")
	for _, p := range people {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s\n", p.id, p.name, p.sex, p.birth, p.addr, p.phone, p.region)
	}
	bad := people[:5]
	fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s\n", bad[0].id[:17]+flipCheck(bad[0].id[17]), "错号人", bad[0].sex, bad[0].birth, bad[0].addr, bad[0].phone, bad[0].region)
	fmt.Fprintf(&b, "%s,,%s,%s,%s,%s,%s\n", validate.MakeCitizenID("150203", time.Date(1991, 3, 3, 0, 0, 0, 0, time.UTC), 777), "男", "1991-03-03", bad[1].addr, bad[1].phone, "150203")
	fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s\n", validate.MakeCitizenID("150202", time.Date(1985, 5, 5, 0, 0, 0, 0, time.UTC), 555), "电话错", "男", "1985-05-05", bad[2].addr, "1234567", "150202")
	fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s\n", validate.MakeCitizenID("150102", time.Date(1979, 7, 7, 0, 0, 0, 0, time.UTC), 778), "区划错", "女", "1979-07-07", bad[3].addr, bad[3].phone, "159999")
	fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s\n", validate.MakeCitizenID("150105", time.Date(1990, 9, 9, 0, 0, 0, 0, time.UTC), 901), "=1+1", "男", "1990-09-09", bad[4].addr, bad[4].phone, "150105")
	if err := load(EntryPopulation, OrgPublicSec, "常住人口-2026.csv", true, time.Time{}, b.String()); err != nil {
		return err
	}

	// 市场主体: 2,000 enterprises, legal representatives drawn from the residents.
	type ent struct{ code, name, region string }
	ents := make([]ent, 0, DemoEnterprises)
	b.Reset()
	b.WriteString("credit_code,name,legal_rep,legal_rep_id,reg_capital,established,address,region_code,status,business_scope\n")
	seenCode := map[string]bool{}
	for len(ents) < DemoEnterprises {
		region := counties[r.IntN(len(counties))]
		subj := make([]byte, 9)
		for i := range subj {
			subj[i] = creditChars[r.IntN(len(creditChars))]
		}
		code := validate.MakeCreditCode('9', '1', region, string(subj))
		if seenCode[code] {
			continue
		}
		seenCode[code] = true
		rep := people[r.IntN(len(people))]
		trade := trades[r.IntN(len(trades))]
		name := fmt.Sprintf("%s%s%s有限公司", cityOf[region][:9], string(surnames[r.IntN(len(surnames))])+given[r.IntN(len(given))], trade)
		ents = append(ents, ent{code, name, region})
		status := "存续"
		if r.IntN(20) == 0 {
			status = "注销"
		}
		fmt.Fprintf(&b, "%s,%s,%s,%s,%d,%s,%s,%s,%s,%s\n", code, name, rep.name, rep.id, 10*(1+r.IntN(500)),
			time.Date(1995+r.IntN(30), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC).Format("2006-01-02"),
			fmt.Sprintf("内蒙古自治区%s%s%d号", cityOf[region], streets[r.IntN(len(streets))], 1+r.IntN(300)), region, status, trade+"相关业务")
	}
	if err := load(EntryEnterprise, OrgMarket, "市场主体-2026.csv", false, time.Time{}, b.String()); err != nil {
		return err
	}

	// 食品经营许可证: pushed through the API channel (real-time e-licences).
	if e, err := a.Catalog.Published(ctx, EntryFoodLicense); err == nil {
		var rows []map[string]any
		for i, en := range ents[:800] {
			rows = append(rows, map[string]any{"license_no": fmt.Sprintf("JY1%s%08d", en.region, i+1), "credit_code": en.code, "operator_name": en.name,
				"food_scope": []string{"热食类食品制售", "冷食类食品制售", "预包装食品销售", "糕点类食品制售"}[i%4], "valid_to": time.Date(2027+i%5, time.Month(1+i%12), 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02")})
		}
		if _, err := a.Ingest.LoadEntry(ctx, ingest.Actor{ID: "demo", Name: "市场监管局许可系统 / licensing system", OrgID: OrgMarket}, &e, ingest.LoadRequest{
			EntryID: e.ID, Channel: ingest.ChannelAPI, Mode: ingest.ModeUpsert, Objects: rows, BatchID: "demo-licences-0001", FileName: "batch demo-licences-0001"}); err != nil {
			return fmt.Errorf("demo data licences: %w", err)
		}
	}

	// 供水用户: 3,000 Baotou households of the residents, two rows with problems.
	b.Reset()
	b.WriteString("account_no,user_name,citizen_id,phone,address,region_code,user_type,open_date\n")
	for i := 0; i < 3000; i++ {
		p := people[r.IntN(len(people))]
		region := []string{"150202", "150203", "150221"}[i%3]
		fmt.Fprintf(&b, "BT%07d,%s,%s,%s,内蒙古自治区%s%s%d号,%s,%s,%s\n", i+1, p.name, p.id, p.phone, cityOf[region], streets[i%len(streets)], 1+i%300, region,
			[]string{"居民", "居民", "居民", "非居民"}[i%4], time.Date(2000+i%25, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC).Format("2006-01-02"))
	}
	b.WriteString("BT9000001,区划错,,13800000000,内蒙古自治区包头市东河区,150299,居民,2020-01-01\n")
	b.WriteString("BT9000002,类型错,,13800000001,内蒙古自治区包头市东河区,150202,工业大户,2020-01-01\n")
	if err := load(EntryWater, OrgWater, "供水户-2026-09.csv", true, time.Time{}, b.String()); err != nil {
		return err
	}

	// 居民用电: 2,000 accounts × 3 months, loaded 40 days ago (monthly: now late).
	b.Reset()
	b.WriteString("account_no,user_name,citizen_id,address,month,kwh,region_code\n")
	for i := 0; i < 2000; i++ {
		p := people[r.IntN(len(people))]
		for m := 6; m <= 8; m++ {
			fmt.Fprintf(&b, "DL%08d,%s,%s,%s,2026-%02d,%d,%s\n", i+1, p.name, p.id, p.addr, m, 80+r.IntN(400), p.region)
		}
	}
	if err := load(EntryPower, OrgPower, "居民用电-2026Q3.csv", false, now.AddDate(0, 0, -40), b.String()); err != nil {
		return err
	}
	_, err := a.Ingest.CheckFreshness(ctx, now)
	return err
}

func flipCheck(c byte) string {
	const cs = "0123456789X"
	i := strings.IndexByte(cs, c)
	return string(cs[(i+1)%len(cs)])
}
