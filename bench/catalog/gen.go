package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/identity"
	"pubdata/internal/ids"
	"pubdata/internal/validate"
)

// The generator makes a believable province-sized catalog: one province, 12 cities, 8 counties
// each; 30 agency sectors at the province and in each city, 6 in each county; every agency
// drafts entries about its own subjects, named like real catalogs
// ("{place}{agency}{subject}{suffix}", e.g. 包头市公安局户籍人口变动信息), with summaries,
// tags and 4–14 data items drawn from realistic label pools. About 5% are drafts.

type sector struct {
	code, name string
	subjects   []string
}

var sectors = []sector{
	{"public_security", "公安局", []string{"户籍人口", "常住人口", "流动人口", "居住证", "身份证", "机动车", "驾驶证", "户口迁移", "出生登记", "死亡注销", "治安管理", "出入境证件"}},
	{"civil_affairs", "民政局", []string{"婚姻登记", "社会组织", "最低生活保障", "特困人员", "殡葬服务", "养老机构", "地名", "社会救助", "慈善组织", "儿童福利"}},
	{"health", "卫生健康委员会", []string{"出生医学证明", "死亡医学证明", "医疗机构", "医师执业", "预防接种", "家庭医生签约", "传染病报告", "妇幼保健"}},
	{"hrss", "人力资源和社会保障局", []string{"社会保险参保", "养老保险待遇", "就业失业登记", "职业资格证书", "劳动合同备案", "工伤认定", "技能人才评价"}},
	{"market_regulation", "市场监督管理局", []string{"市场主体登记", "企业年报", "个体工商户", "食品经营许可", "行政处罚", "特种设备", "计量器具", "商标质押"}},
	{"natural_resources", "自然资源局", []string{"不动产登记", "土地出让", "基础测绘成果", "矿业权", "国土空间规划", "耕地保护"}},
	{"education", "教育局", []string{"学生学籍", "学历学位", "学校基本信息", "教师资格", "招生录取", "学生资助"}},
	{"tax", "税务局", []string{"纳税人登记", "纳税信用等级", "欠税公告", "发票开具", "社保费征缴"}},
	{"housing_fund", "住房公积金管理中心", []string{"公积金缴存", "公积金贷款", "公积金提取"}},
	{"housing", "住房和城乡建设局", []string{"商品房预售", "房屋网签备案", "建筑企业资质", "物业服务企业", "保障性住房"}},
	{"transport", "交通运输局", []string{"道路运输许可", "出租汽车", "公交线路", "货运车辆", "公路养护"}},
	{"water", "供水公司", []string{"供水用户", "居民用水量", "供水水质", "管网维修"}},
	{"power", "供电公司", []string{"居民用电", "企业用电", "计划停电", "电费缴纳"}},
	{"gas", "燃气公司", []string{"燃气用户", "用气量", "燃气安全检查"}},
	{"agriculture", "农牧局", []string{"农村集体经济组织", "农机购置补贴", "草原承包", "动物防疫", "农产品质量"}},
	{"ecology", "生态环境局", []string{"排污许可", "环境监测", "环境影响评价", "环境行政处罚"}},
	{"justice", "司法局", []string{"律师事务所", "律师执业", "公证机构", "法律援助", "人民调解"}},
	{"religious_affairs", "民族宗教事务局", []string{"宗教活动场所", "宗教教职人员"}},
	{"disabled", "残疾人联合会", []string{"残疾人证", "残疾人康复", "残疾人就业"}},
	{"veterans", "退役军人事务局", []string{"退役军人优抚", "退役士兵安置"}},
	{"culture", "文化旅游局", []string{"A级旅游景区", "旅行社", "文物保护单位", "公共图书馆"}},
	{"emergency", "应急管理局", []string{"安全生产许可", "危险化学品", "自然灾害救助"}},
	{"statistics", "统计局", []string{"国民经济核算", "人口抽样调查", "规模以上工业"}},
	{"finance", "财政局", []string{"政府采购", "预算执行", "非税收入"}},
	{"courts", "中级人民法院", []string{"失信被执行人", "限制高消费"}},
	{"medical_insurance", "医疗保障局", []string{"医疗保险参保", "医保结算", "定点医药机构"}},
	{"forestry", "林业和草原局", []string{"林权登记", "林木采伐许可", "森林防火"}},
	{"water_resources", "水利局", []string{"取水许可", "河道采砂", "水利工程"}},
	{"commerce", "商务局", []string{"对外贸易经营者", "成品油零售", "单用途预付卡"}},
	{"establishment", "机构编制委员会办公室", []string{"机关事业单位法人", "事业单位登记"}},
}

var suffixes = []string{"信息", "信息", "信息", "登记信息", "名录", "台账", "统计信息", "明细", "变动信息", "办理信息"}

var labelPool = []string{"公民身份号码", "姓名", "性别", "出生日期", "民族", "住址", "联系电话", "统一社会信用代码", "单位名称", "法定代表人",
	"注册资本", "成立日期", "经营范围", "登记机关", "登记日期", "有效期至", "证书编号", "许可证编号", "发证机关", "发证日期", "状态", "行政区划代码",
	"金额", "缴费基数", "缴费月份", "账户状态", "用水量", "用电量", "账期", "户号", "地址", "坐落", "面积", "用途", "权利人", "学校名称", "学历",
	"专业", "毕业日期", "职业", "等级", "处罚决定书文号", "违法行为", "处罚内容", "设备代码", "检验日期", "车牌号码", "车辆类型", "驾驶证号",
	"婚姻状况", "配偶姓名", "户籍地址", "迁入日期", "迁出日期", "死亡日期", "出生地点", "接种日期", "疫苗名称", "医疗机构名称", "科室", "床位数",
	"纳税人名称", "税种", "欠税金额", "信用等级", "评价年度", "贷款金额", "放款日期", "提取原因", "项目名称", "合同编号", "备注"}

var labelEN = map[string]string{"公民身份号码": "citizen id", "姓名": "name", "统一社会信用代码": "credit code", "联系电话": "phone", "住址": "address",
	"出生日期": "birth date", "单位名称": "organization name", "有效期至": "valid until", "证书编号": "certificate number", "地址": "address"}

var summaryPhrases = []string{"记录{s}的办理结果和状态变化", "包括{s}的基本情况和有效期", "用于政务服务“一网通办”和跨部门核验", "按日从业务系统同步",
	"覆盖全市各旗县区", "数据来源于部门业务系统", "支撑{s}相关的审批和监管", "按季度更新统计口径", "依法向社会公开部分字段", "涉及个人信息的字段已分级管理"}

var tagPool = []string{"人口", "法人", "证照", "信用", "社保", "医疗", "教育", "住房", "交通", "环保", "农牧", "公用事业", "监管", "统计", "一网通办", "便民服务"}

type place struct {
	code, name string
	level      int
}

func places() []place {
	cityNames := []string{"呼和浩特市", "包头市", "呼伦贝尔市", "兴安盟", "通辽市", "赤峰市", "锡林郭勒盟", "乌兰察布市", "鄂尔多斯市", "巴彦淖尔市", "乌海市", "阿拉善盟"}
	countyNames := []string{"新城区", "回民区", "玉泉区", "赛罕区", "东河区", "昆都仑区", "青山区", "土默特右旗"}
	out := []place{{"150000", "自治区", 1}}
	for i, c := range cityNames {
		cc := fmt.Sprintf("15%02d00", i+1)
		out = append(out, place{cc, c, 2})
		for j, n := range countyNames {
			out = append(out, place{fmt.Sprintf("15%02d%02d", i+1, j+2), c + n, 3})
		}
	}
	return out
}

type agency struct {
	id, name string
	region   string
	sector   sector
}

// loadDirectory creates the regions and agencies (idempotent on an empty database).
func loadDirectory(ctx context.Context, a *app.App) ([]agency, error) {
	var ags []agency
	err := a.DB.Tx(ctx, func(tx *sql.Tx) error {
		for _, p := range places() {
			parent := ""
			switch p.level {
			case 2:
				parent = "150000"
			case 3:
				parent = p.code[:4] + "00"
			}
			if err := a.Identity.CreateRegion(ctx, tx, identity.Region{Code: p.code, Name: p.name, ParentCode: parent}); err != nil {
				return err
			}
			n := len(sectors)
			if p.level == 3 {
				n = 6
			}
			for i := 0; i < n; i++ {
				sc := sectors[i]
				id := fmt.Sprintf("bench-%s-%s", p.code, sc.code)
				name := p.name + sc.name
				if p.level == 1 {
					name = "内蒙古自治区" + sc.name
				}
				kind := authz.KindAgency
				if sc.code == "water" || sc.code == "power" || sc.code == "gas" {
					kind = authz.KindUtility
				}
				o := &identity.Org{ID: id, Name: name, Kind: kind, Sector: sc.code, RegionCode: p.code,
					CreditCode: validate.MakeCreditCode('1', '1', p.code, fmt.Sprintf("%08d", len(ags)+1)+"X")}
				if err := a.Identity.CreateOrg(ctx, tx, o); err != nil {
					return err
				}
				ags = append(ags, agency{id, name, p.code, sc})
			}
		}
		return tx.QueryRowContext(ctx, "SELECT 1").Err()
	})
	return ags, err
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// genEntry makes entry number i of agency ag.
func genEntry(r *rand.Rand, ag agency, i int, now int64) catalog.Entry {
	subj := pick(r, ag.sector.subjects)
	place := strings.TrimSuffix(ag.name, ag.sector.name)
	name := subj + pick(r, suffixes)
	if r.IntN(3) > 0 {
		name = place + name
	}
	var sum []string
	for k := 0; k < 2+r.IntN(2); k++ {
		sum = append(sum, strings.ReplaceAll(pick(r, summaryPhrases), "{s}", subj))
	}
	e := catalog.Entry{ID: ids.New(), RegionCode: ag.region, Name: name, Summary: strings.Join(sum, "，") + "。", ProviderOrgID: ag.id, SourceOrgID: ag.id,
		Form: pick(r, catalog.AllForms), ResourceAttr: pick(r, catalog.AllAttrs), Grade: catalog.GradeGeneral, Level: 1 + r.IntN(4),
		Frequency: pick(r, catalog.AllFrequency), Tags: []string{pick(r, tagPool), pick(r, tagPool)}, Status: catalog.StatusPublished, Version: 1,
		PublishedAt: db.Stamp(now), UpdatedAt: db.Stamp(now), CreatedAt: db.Stamp(now)}
	e.Code = fmt.Sprintf("%s%02d-%06d", map[string]string{"base": "1", "subject": "2", "department": "3"}[e.ResourceAttr], r.IntN(20), i)
	switch r.IntN(10) {
	case 0, 1, 2, 3, 4:
		e.ShareType = catalog.ShareUnconditional
	case 5, 6, 7, 8:
		e.ShareType, e.ShareCondition, e.ShareReason, e.ShareBasis = catalog.ShareConditional, "履职需要", "涉及个人信息", "《个人信息保护法》"
	default:
		e.ShareType, e.ShareReason, e.ShareBasis = catalog.ShareNone, "法律禁止", "《某法》"
	}
	e.OpenType = pick(r, catalog.AllOpen)
	if e.OpenType == catalog.OpenNone {
		e.OpenReason = catalog.ReasonPrivacy
	}
	nf := 4 + r.IntN(11)
	seen := map[string]bool{}
	for k := 0; k < nf; k++ {
		l := pick(r, labelPool)
		if seen[l] {
			continue
		}
		seen[l] = true
		e.Fields = append(e.Fields, catalog.Field{Name: fmt.Sprintf("f%d", k), Label: l, LabelEN: labelEN[l], Type: catalog.TypeString, Kind: catalog.KindText, Sensitivity: 1 + r.IntN(4)})
	}
	if r.IntN(20) == 0 {
		e.Status, e.Version, e.PublishedAt = catalog.StatusDraft, 0, 0
	}
	return e
}

// loadEntries writes n generated entries straight into the catalog tables in batches (a fixture
// loader: no workflow, no audit — the benchmark measures search, not drafting).
func loadEntries(ctx context.Context, a *app.App, ags []agency, n int, seed uint64) error {
	r := rand.New(rand.NewPCG(seed, 42))
	now := time.Date(2026, 9, 1, 10, 0, 0, 0, time.UTC).UnixMilli()
	const cols = 22
	const batch = 400
	tx, err := a.DB.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { tx.Rollback() }()
	for start := 0; start < n; start += batch {
		if start > 0 && start%20000 == 0 {
			if err := tx.Commit(); err != nil {
				return err
			}
			if tx, err = a.DB.BeginTx(ctx, nil); err != nil {
				return err
			}
		}
		end := min(start+batch, n)
		var b strings.Builder
		b.WriteString(`INSERT INTO catalog_entries (id, region_code, code, name, provider_org_id, source_org_id, resource_attr, topic, grade, level,
			share_type, open_type, frequency, data_form, status, version, live, data, published_at, updated_at, created_at, seq) VALUES `)
		args := make([]any, 0, (end-start)*cols)
		for i := start; i < end; i++ {
			e := genEntry(r, ags[r.IntN(len(ags))], i+1, now)
			data, _ := json.Marshal(e)
			live := 1
			if e.Status != catalog.StatusPublished {
				live = 0
			}
			if i > start {
				b.WriteString(",")
			}
			b.WriteString("(")
			for c := 0; c < cols; c++ {
				if c > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, "$%d", len(args)+c+1)
			}
			b.WriteString(")")
			args = append(args, e.ID, e.RegionCode, e.Code, e.Name, e.ProviderOrgID, e.SourceOrgID, e.ResourceAttr, e.Topic, string(e.Grade), e.Level,
				string(e.ShareType), string(e.OpenType), string(e.Frequency), string(e.Form), string(e.Status), e.Version, live, string(data),
				e.PublishedAt, e.UpdatedAt, e.CreatedAt, int64(i+1))
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("batch at %d: %w", start, err)
		}
	}
	if _, err := tx.ExecContext(ctx, "UPDATE catalog_seq SET seq = $1 WHERE id = 1", int64(n)); err != nil {
		return err
	}
	return tx.Commit()
}
