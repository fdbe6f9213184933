package demo

import (
	"context"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/mask"
	"pubdata/internal/workday"
)

// Fixed catalog entry ids of the demo region, for the other capabilities' demo data and tests.
// Field names of the main ones are listed beside them.
const (
	// 常住人口基本信息 (公安厅, key citizen_id): citizen_id, name, sex, birth_date, address, phone, region_code.
	EntryPopulation = "cat-population"
	// 婚姻登记信息 (民政厅, 不予共享 → verification only; key cert_no): cert_no, citizen_id, name,
	// spouse_citizen_id, spouse_name, reg_type (结婚/离婚), reg_date, reg_region.
	EntryMarriage = "cat-marriage"
	// 市场主体登记信息 (市场监管局, key credit_code): credit_code, name, legal_rep, legal_rep_id, reg_capital,
	// established, address, region_code, status, business_scope.
	EntryEnterprise = "cat-enterprise"
	// 供水用户信息 (包头市供水公司, key account_no): account_no, user_name, citizen_id, phone, address,
	// region_code, user_type, open_date.
	EntryWater = "cat-water"
	// 社会保险参保信息 (人社厅, 有条件共享; key citizen_id + insurance_type): citizen_id, name, insurance_type,
	// employer_credit_code, start_date, status, pay_base, region_code.
	EntrySocialInsurance = "cat-social-insurance"
	// 居民用电信息 (电力公司, key account_no): account_no, user_name, citizen_id, address, month, kwh, region_code.
	EntryPower = "cat-power"
	// 不动产登记信息 (自然资源厅, key cert_no): cert_no, owner_name, owner_id, location, area, usage, reg_date, region_code.
	EntryRealEstate = "cat-real-estate"
	// 出生医学证明信息 (卫健委): cert_no, baby_name, sex, birth_date, mother_id, mother_name, father_id, hospital, region_code.
	EntryBirth = "cat-birth-cert"
	// 死亡医学证明信息 (卫健委): cert_no, citizen_id, name, death_date, cause, hospital, region_code.
	EntryDeath = "cat-death-cert"
	// 纳税人登记信息 (税务局, key credit_code).
	EntryTaxpayer = "cat-taxpayer"
	// 住房公积金缴存信息 (住房资金中心, key citizen_id).
	EntryHousingFund = "cat-housing-fund"
	// 学历学位信息 (教育厅, key cert_no).
	EntryEducation = "cat-degree"
	// 食品经营许可证信息 (市场监管局, key license_no; 无条件开放).
	EntryFoodLicense = "cat-food-license"
	// 社会组织登记信息 (民政厅, key credit_code; 无条件共享、无条件开放).
	EntrySocialOrg = "cat-social-org"
	// 最低生活保障对象信息 (民政厅, key citizen_id; 有条件共享).
	EntryDibao = "cat-dibao"
	// Drafts and reviews in progress.
	EntryDraftFamilyDoctor = "cat-draft-family-doctor" // 家庭医生签约信息: draft
	EntryReviewCharity     = "cat-review-charity"      // 慈善组织信息: submitted, within deadline
	EntryReviewOverdue     = "cat-review-skills"       // 技能人才评价信息: submitted, review overdue
)

// Field helpers: each returns one data item of a common kind. Personal kinds (ID number, name,
// phone, address) state no sensitivity: they take their kind's masked default (vocab.Kinds), the
// safe default every agency gets (SEC-1).
func fCID(name, label string, key bool) catalog.Field {
	return catalog.Field{Name: name, Label: label, Type: catalog.TypeString, Kind: catalog.KindCitizenID, Required: key, IsKey: key}
}
func fUSCC(name, label string, key bool) catalog.Field {
	return catalog.Field{Name: name, Label: label, Type: catalog.TypeString, Kind: catalog.KindCreditCode, Required: key, IsKey: key, Sensitivity: 1}
}
func fKey(name, label string) catalog.Field {
	return catalog.Field{Name: name, Label: label, Type: catalog.TypeString, Kind: catalog.KindOther, Required: true, IsKey: true, Sensitivity: 1}
}
func fName(name, label string) catalog.Field {
	return catalog.Field{Name: name, Label: label, Type: catalog.TypeString, Kind: catalog.KindName, Required: true}
}
func fPhone(name, label string) catalog.Field {
	return catalog.Field{Name: name, Label: label, Type: catalog.TypeString, Kind: catalog.KindPhone}
}
func fAddr(name, label string) catalog.Field {
	return catalog.Field{Name: name, Label: label, Type: catalog.TypeString, Kind: catalog.KindAddress}
}
func fDate(name, label string) catalog.Field {
	return catalog.Field{Name: name, Label: label, Type: catalog.TypeDate, Kind: catalog.KindDate, Sensitivity: 1}
}
func fRegion(name, label string) catalog.Field {
	return catalog.Field{Name: name, Label: label, Type: catalog.TypeString, Kind: catalog.KindRegionCode, Sensitivity: 1}
}
func fEnum(name, label string, vals ...string) catalog.Field {
	return catalog.Field{Name: name, Label: label, Type: catalog.TypeString, Kind: catalog.KindEnum, EnumValues: vals, Sensitivity: 1}
}
func fText(name, label string) catalog.Field {
	return catalog.Field{Name: name, Label: label, Type: catalog.TypeString, Kind: catalog.KindText, Sensitivity: 1}
}
func fNum(name, label string, t catalog.FieldType) catalog.Field {
	return catalog.Field{Name: name, Label: label, Type: t, Kind: catalog.KindNumber, Sensitivity: 1}
}

// from marks a field as taken from another agency (its source, CAT-8).
func from(f catalog.Field, org string) catalog.Field { f.SourceOrgID = org; return f }

// sens sets a field's sensitivity level.
func sens(f catalog.Field, level int) catalog.Field { f.Sensitivity = level; return f }

// lowered sets a field below its kind's default level with the reason the catalog requires
// (SEC-1), e.g. an institution's published service phone.
func lowered(f catalog.Field, level int, reason string) catalog.Field {
	f.Sensitivity, f.SensitivityReason = level, reason
	return f
}

// req marks a field required.
func req(f catalog.Field) catalog.Field { f.Required = true; return f }

// restricted makes a field not shared (on the negative list) with its reason and basis.
func restricted(f catalog.Field, reason, basis string) catalog.Field {
	f.ShareType, f.Reason, f.LegalBasis = catalog.ShareNone, reason, basis
	f.OpenType, f.OpenReason = catalog.OpenNone, catalog.ReasonPrivacy
	return f
}

const (
	basisPIPL   = "《中华人民共和国个人信息保护法》第十三条、第三十四条"
	basisNM21   = "《内蒙古自治区公共数据管理办法》第二十一条"
	basisHukou  = "《中华人民共和国户口登记条例》；《居民身份证法》第六条"
	basisMarry  = "《婚姻登记条例》第十七条；《中华人民共和国民法典》第一千零三十四条"
	basisTax    = "《中华人民共和国税收征收管理法》第八条"
	basisRE     = "《不动产登记暂行条例》第二十八条"
	basisSI     = "《中华人民共和国社会保险法》第八十一条"
	basisFund   = "《住房公积金管理条例》"
	basisHealth = "《中华人民共和国基本医疗卫生与健康促进法》第九十二条"
	basisEdu    = "《中华人民共和国教育法》"
)

type spec struct {
	id, name, nameEN, summary string
	org                       string
	attr, topic               string
	grade                     catalog.Grade
	level                     int
	share                     catalog.ShareType
	shareCond, shareReason    string
	shareBasis                string
	open                      catalog.OpenType
	openCond, openReason      string
	openBasis                 string
	freq                      catalog.Frequency
	form                      catalog.DataForm
	tags                      []string
	fields                    []catalog.Field
}

// conditional share of personal data: the common case.
func (s spec) personal(reason, basis string) spec {
	s.share, s.shareCond, s.shareReason, s.shareBasis = catalog.ShareConditional, "仅限依法履职需要，经提供部门审核，按最小必要原则使用", reason, basis
	s.open, s.openReason = catalog.OpenNone, catalog.ReasonPrivacy
	return s
}

// fully open: unconditional share and unconditional open.
func (s spec) public() spec {
	s.share, s.open = catalog.ShareUnconditional, catalog.OpenUnconditional
	return s
}

func demoEntries() []spec {
	ps, civ, hl, hr, mk, nr, ed, tx, hf, est := OrgPublicSec, OrgCivil, OrgHealth, OrgHRSS, OrgMarket, OrgNatRes, OrgEducation, OrgTax, OrgHousingFund, OrgEstablishment
	b, sub, dep := catalog.AttrBase, catalog.AttrSubject, catalog.AttrDepartment
	g := catalog.GradeGeneral
	D, W, M, Q, Y, R, I := catalog.FreqDaily, catalog.FreqWeekly, catalog.FreqMonthly, catalog.FreqQuarterly, catalog.FreqYearly, catalog.FreqRealtime, catalog.FreqIrregular
	T, A, F := catalog.FormTable, catalog.FormAPI, catalog.FormFile
	personName := func(n, l string) catalog.Field { return from(fName(n, l), ps) }
	list := []spec{
		// 公安厅 public security
		spec{EntryPopulation, "常住人口基本信息", "Resident population basic information", "全区常住人口的户籍登记基本信息，包括公民身份号码、姓名、性别、出生日期、住址、联系电话和所属行政区划。", ps, b, "01", g, 3, "", "", "", "", "", "", "", "", D, A,
			[]string{"人口", "户籍", "身份"}, []catalog.Field{fCID("citizen_id", "公民身份号码", true), req(fName("name", "姓名")), fEnum("sex", "性别", "男", "女"), req(fDate("birth_date", "出生日期")), fAddr("address", "住址"), fPhone("phone", "联系电话"), fRegion("region_code", "行政区划代码")}}.personal("涉及个人身份信息", basisHukou),
		spec{"cat-hukou-move", "户籍迁移登记信息", "Household registration transfers", "户口迁入、迁出登记记录。", ps, b, "01", g, 3, "", "", "", "", "", "", "", "", D, A,
			[]string{"户籍", "迁移", "户口"}, []catalog.Field{fCID("citizen_id", "公民身份号码", true), from(fName("name", "姓名"), ps), fEnum("move_type", "迁移类型", "迁入", "迁出"), fAddr("from_address", "迁出地址"), fAddr("to_address", "迁入地址"), fDate("move_date", "迁移日期")}}.personal("涉及个人户籍信息", basisHukou),
		spec{"cat-id-card", "居民身份证签发信息", "Resident ID card issuance", "居民身份证申领、签发和有效期信息。", ps, b, "05", g, 3, "", "", "", "", "", "", "", "", D, A,
			[]string{"身份证", "证照"}, []catalog.Field{fCID("citizen_id", "公民身份号码", true), fDate("issue_date", "签发日期"), fDate("expire_date", "有效期截止日期"), fText("issuer", "签发机关")}}.personal("涉及个人身份信息", basisHukou),
		spec{"cat-birth-reg", "出生登记信息", "Birth registration (household)", "新生儿出生户口登记信息。", ps, b, "01", g, 3, "", "", "", "", "", "", "", "", D, A,
			[]string{"出生", "户籍", "新生儿"}, []catalog.Field{fCID("citizen_id", "公民身份号码", true), from(fName("name", "姓名"), ps), fDate("reg_date", "户口登记日期"), from(fKey("birth_cert_no", "出生医学证明编号"), hl)}}.personal("涉及个人身份信息", basisHukou),
		spec{"cat-death-reg", "死亡注销户口信息", "Deregistration on death", "因死亡注销户口的登记信息。", ps, b, "01", g, 2, "", "", "", "", "", "", "", "", D, A,
			[]string{"死亡", "户籍", "注销"}, []catalog.Field{fCID("citizen_id", "公民身份号码", true), from(fName("name", "姓名"), ps), fDate("cancel_date", "注销日期"), from(fKey("death_cert_no", "死亡医学证明编号"), hl)}}.personal("涉及个人身份信息", basisHukou),
		spec{"cat-vehicle", "机动车登记信息", "Motor vehicle registration", "机动车注册、转移、抵押和注销登记信息。", ps, sub, "15", g, 2, "", "", "", "", "", "", "", "", D, A,
			[]string{"机动车", "车辆", "交通"}, []catalog.Field{fKey("plate_no", "号牌号码"), fEnum("plate_type", "号牌种类", "小型汽车", "大型汽车", "新能源汽车"), fCID("owner_id", "所有人身份号码", false), fText("brand", "品牌型号"), fDate("reg_date", "注册登记日期"), fEnum("status", "机动车状态", "正常", "抵押", "注销")}}.personal("涉及车辆所有人个人信息", "《中华人民共和国道路交通安全法》第八条"),
		spec{"cat-driver", "机动车驾驶证信息", "Driving licences", "机动车驾驶证核发、准驾车型和记分信息。", ps, b, "05", g, 2, "", "", "", "", "", "", "", "", D, A,
			[]string{"驾驶证", "证照", "交通"}, []catalog.Field{fCID("citizen_id", "公民身份号码", true), fEnum("class", "准驾车型", "A1", "A2", "B1", "B2", "C1", "C2"), fDate("first_issue", "初次领证日期"), fNum("points", "累积记分", catalog.TypeInteger)}}.personal("涉及个人信息", "《中华人民共和国道路交通安全法》第十九条"),
		spec{"cat-floating", "流动人口居住登记信息", "Floating population residence registration", "流动人口居住登记和居住证办理信息。", ps, b, "01", g, 3, "", "", "", "", "", "", "", "", W, T,
			[]string{"人口", "居住证", "流动人口"}, []catalog.Field{fCID("citizen_id", "公民身份号码", true), fAddr("residence", "居住地址"), fDate("reg_date", "居住登记日期"), fDate("permit_expire", "居住证有效期")}}.personal("涉及个人居住信息", "《居住证暂行条例》第五条"),
		{id: "cat-exit-entry", name: "出入境证件信息", nameEN: "Exit-entry documents", summary: "护照、往来港澳台通行证签发信息。涉及国家安全，不予共享。", org: ps, attr: dep, topic: "31", grade: catalog.GradeImportant,
			share: catalog.ShareNone, shareReason: "涉及国家安全和出入境管理秘密", shareBasis: "《中华人民共和国出境入境管理法》第八十五条；" + basisNM21,
			open: catalog.OpenNone, openReason: catalog.ReasonLegalBar, openBasis: "《中华人民共和国出境入境管理法》第八十五条", freq: D, form: T,
			tags: []string{"出入境", "护照", "证照"}, fields: []catalog.Field{fCID("citizen_id", "公民身份号码", true), fKey("doc_no", "证件号码"), fEnum("doc_type", "证件类型", "护照", "往来港澳通行证", "往来台湾通行证"), fDate("issue_date", "签发日期")}},
		// 民政厅 civil affairs
		{id: EntryMarriage, name: "婚姻登记信息", nameEN: "Marriage registration", summary: "结婚、离婚登记信息。依法不予共享原始数据，仅提供“是否登记”核验服务。", org: civ, attr: b, topic: "01", grade: g, level: 4,
			share: catalog.ShareNone, shareReason: "婚姻状况属于敏感个人信息，仅提供核验结果", shareBasis: basisMarry + "；" + basisPIPL,
			open: catalog.OpenNone, openReason: catalog.ReasonPrivacy, freq: D, form: A, tags: []string{"婚姻", "结婚", "离婚", "核验"},
			fields: []catalog.Field{fKey("cert_no", "婚姻登记证字号"), sens(fCID("citizen_id", "当事人公民身份号码", false), 4), personName("name", "当事人姓名"),
				sens(fCID("spouse_citizen_id", "配偶公民身份号码", false), 4), personName("spouse_name", "配偶姓名"), fEnum("reg_type", "婚姻登记类型", "结婚", "离婚", "补领"), req(fDate("reg_date", "登记日期")), fRegion("reg_region", "登记机关行政区划")}},
		spec{EntrySocialOrg, "社会组织登记信息", "Social organizations", "社会团体、民办非企业单位和基金会的登记信息。", civ, b, "02", g, 1, "", "", "", "", "", "", "", "", W, A,
			[]string{"社会组织", "社团", "基金会", "法人"}, []catalog.Field{fUSCC("credit_code", "统一社会信用代码", true), fText("org_name", "社会组织名称"), fEnum("org_type", "组织类型", "社会团体", "民办非企业单位", "基金会"), fText("legal_person", "社会组织法定代表人"), fDate("reg_date", "成立登记日期"), fAddr("org_address", "社会组织住所")}}.public(),
		spec{EntryDibao, "最低生活保障对象信息", "Minimum living allowance recipients", "城乡低保对象认定和保障金发放信息。", civ, sub, "19", g, 3, "", "", "", "", "", "", "", "", M, T,
			[]string{"低保", "社会救助", "民政"}, []catalog.Field{fCID("citizen_id", "公民身份号码", true), personName("name", "姓名"), fEnum("area_type", "城乡类别", "城市", "农村"), fNum("allowance", "月保障金额", catalog.TypeDecimal), fDate("approve_date", "认定日期")}}.personal("涉及困难群众个人信息", "《社会救助暂行办法》第六十五条"),
		spec{"cat-funeral", "殡葬服务信息", "Funeral services", "遗体火化和殡葬服务记录。", civ, sub, "19", g, 2, "", "", "", "", "", "", "", "", D, T,
			[]string{"殡葬", "火化", "死亡"}, []catalog.Field{fCID("citizen_id", "逝者公民身份号码", true), fDate("cremation_date", "火化日期"), fText("funeral_home", "殡仪馆")}}.personal("涉及逝者个人信息", "《殡葬管理条例》"),
		spec{"cat-elderly-homes", "养老机构信息", "Elderly care institutions", "养老机构备案、床位和服务信息。", civ, sub, "19", g, 1, "", "", "", "", "", "", "", "", M, F,
			[]string{"养老", "机构", "床位"}, []catalog.Field{fUSCC("credit_code", "统一社会信用代码", true), fText("home_name", "养老机构名称"), fNum("beds", "床位数", catalog.TypeInteger), fAddr("home_address", "机构地址"), lowered(fPhone("service_phone", "服务电话"), 1, "养老机构对外公布的服务电话，不是个人信息")}}.public(),
		// 卫生健康委 health
		spec{EntryBirth, "出生医学证明信息", "Birth medical certificates", "医疗机构签发的出生医学证明信息。", hl, b, "01", g, 3, "", "", "", "", "", "", "", "", D, A,
			[]string{"出生", "医学证明", "新生儿"}, []catalog.Field{fKey("cert_no", "出生医学证明编号"), fText("baby_name", "新生儿姓名"), fEnum("sex", "新生儿性别", "男", "女"), req(fDate("birth_date", "出生时间")),
				fCID("mother_id", "母亲公民身份号码", false), personName("mother_name", "母亲姓名"), fCID("father_id", "父亲公民身份号码", false), personName("father_name", "父亲姓名"), fText("hospital", "接生机构"), fRegion("region_code", "出生地行政区划")}}.personal("涉及新生儿及父母个人信息", basisHealth),
		spec{EntryDeath, "死亡医学证明信息", "Death medical certificates", "居民死亡医学证明（推断）书信息。", hl, b, "01", g, 4, "", "", "", "", "", "", "", "", D, A,
			[]string{"死亡", "医学证明"}, []catalog.Field{fKey("cert_no", "死亡医学证明编号"), fCID("citizen_id", "公民身份号码", false), personName("name", "姓名"), req(fDate("death_date", "死亡日期")),
				restricted(sens(fText("cause", "根本死亡原因"), 4), "死亡原因属于个人健康信息", basisHealth), fText("issuing_hospital", "开具机构"), fRegion("region_code", "死亡地行政区划")}}.personal("涉及个人健康信息", basisHealth),
		spec{"cat-medical-inst", "医疗机构执业登记信息", "Medical institution licences", "医疗机构执业许可证核发和校验信息。", hl, b, "05", g, 1, "", "", "", "", "", "", "", "", M, A,
			[]string{"医疗机构", "许可证", "证照", "医院"}, []catalog.Field{fKey("license_no", "执业许可证登记号"), fText("inst_name", "医疗机构名称"), fEnum("inst_level", "医院等级", "三级", "二级", "一级", "未定级"), fAddr("inst_address", "执业地址"), fDate("valid_to", "有效期至")}}.public(),
		spec{"cat-physician", "医师执业注册信息", "Physician registrations", "医师执业注册、变更信息。", hl, b, "05", g, 2, "", "", "", "", "", "", "", "", M, A,
			[]string{"医师", "执业证", "证照"}, []catalog.Field{fKey("cert_no", "医师执业证书编码"), fCID("citizen_id", "公民身份号码", false), personName("name", "医师姓名"), fText("scope", "执业范围"), fText("workplace", "执业机构")}}.personal("涉及医师个人身份信息", basisHealth),
		{id: "cat-vaccination", name: "预防接种信息", nameEN: "Vaccinations", summary: "儿童和成人预防接种记录。", org: hl, attr: sub, topic: "12", grade: g, level: 4,
			share: catalog.ShareConditional, shareCond: "仅限入学入托查验和疾病防控，经卫健部门审核", shareReason: "属于个人健康信息", shareBasis: "《中华人民共和国疫苗管理法》第四十七条",
			open: catalog.OpenNone, openReason: catalog.ReasonPrivacy, freq: D, form: A, tags: []string{"疫苗", "接种", "健康"},
			fields: []catalog.Field{fCID("citizen_id", "受种者公民身份号码", true), fText("vaccine", "疫苗名称"), fNum("dose", "剂次", catalog.TypeInteger), fDate("vacc_date", "接种日期"), fText("clinic", "接种单位")}},
		// 人力资源和社会保障厅 HRSS
		{id: EntrySocialInsurance, name: "社会保险参保信息", nameEN: "Social insurance enrolment", summary: "企业职工和城乡居民养老、失业、工伤保险参保缴费信息。", org: hr, attr: sub, topic: "11", grade: g, level: 3,
			share: catalog.ShareConditional, shareCond: "用于社会救助、待遇资格认证和人才服务等履职场景，须说明用途并经人社部门审核", shareReason: "涉及个人参保和收入信息", shareBasis: basisSI + "；" + basisNM21,
			open: catalog.OpenNone, openReason: catalog.ReasonPrivacy, freq: D, form: A, tags: []string{"社保", "社会保险", "养老", "参保"},
			fields: []catalog.Field{fCID("citizen_id", "公民身份号码", true), personName("name", "姓名"), func() catalog.Field {
				f := fEnum("insurance_type", "险种", "企业职工基本养老保险", "城乡居民基本养老保险", "失业保险", "工伤保险")
				f.IsKey, f.Required = true, true
				return f
			}(), fUSCC("employer_credit_code", "参保单位统一社会信用代码", false), fDate("start_date", "参保日期"), fEnum("status", "参保状态", "参保缴费", "暂停缴费", "终止参保"),
				restricted(sens(fNum("pay_base", "缴费基数", catalog.TypeDecimal), 4), "缴费基数反映个人收入", basisSI), fRegion("region_code", "参保地行政区划")}},
		spec{"cat-employment", "就业失业登记信息", "Employment and unemployment registration", "劳动者就业登记、失业登记和就业困难人员认定信息。", hr, sub, "11", g, 3, "", "", "", "", "", "", "", "", W, T,
			[]string{"就业", "失业", "劳动者"}, []catalog.Field{fCID("citizen_id", "公民身份号码", true), personName("name", "姓名"), fEnum("reg_type", "就业失业登记类型", "就业", "失业"), fDate("reg_date", "登记日期"), fEnum("education", "学历", "研究生", "大学本科", "大学专科", "高中", "初中及以下")}}.personal("涉及个人就业信息", "《中华人民共和国就业促进法》"),
		spec{"cat-pension-pay", "养老保险待遇发放信息", "Pension payments", "养老保险待遇核定和按月发放信息。", hr, sub, "11", g, 3, "", "", "", "", "", "", "", "", M, T,
			[]string{"养老", "待遇", "社保"}, []catalog.Field{fCID("citizen_id", "公民身份号码", true), fDate("pay_month", "发放月份"), sens(fNum("amount", "发放金额", catalog.TypeDecimal), 3), fEnum("pay_status", "发放状态", "正常", "暂停", "终止")}}.personal("涉及个人收入信息", basisSI),
		spec{"cat-vocational-cert", "职业资格证书信息", "Vocational qualification certificates", "职业资格和职业技能等级证书信息。", hr, b, "05", g, 1, "", "", "", "", "", "", "", "", M, A,
			[]string{"职业资格", "证书", "证照"}, []catalog.Field{fKey("cert_no", "证书编号"), fCID("citizen_id", "持证人公民身份号码", false), fText("occupation", "职业（工种）"), fEnum("level", "等级", "一级", "二级", "三级", "四级", "五级"), fDate("issue_date", "发证日期")}}.personal("涉及持证人个人信息", basisSI),
		spec{"cat-hr-agencies", "人力资源服务机构信息", "Human resources service agencies", "经营性人力资源服务机构许可和备案信息。", hr, sub, "11", g, 1, "", "", "", "", "", "", "", "", M, F,
			[]string{"人力资源", "中介", "许可"}, []catalog.Field{fUSCC("credit_code", "统一社会信用代码", true), fText("agency_name", "机构名称"), fKey("license_no", "许可证编号"), fAddr("agency_address", "经营地址")}}.public(),
		// 市场监督管理局 market regulation
		spec{EntryEnterprise, "市场主体登记信息", "Market entity registration", "企业、农民专业合作社等市场主体的设立、变更和注销登记信息。", mk, b, "02", g, 1, "", "", "", "", "", "", "", "", D, A,
			[]string{"企业", "法人", "营业执照", "市场主体"}, []catalog.Field{fUSCC("credit_code", "统一社会信用代码", true), req(fText("name", "企业名称")), fName("legal_rep", "法定代表人"), sens(fCID("legal_rep_id", "法定代表人身份号码", false), 3),
				fNum("reg_capital", "注册资本（万元）", catalog.TypeDecimal), fDate("established", "成立日期"), fAddr("address", "住所"), fRegion("region_code", "登记机关行政区划"), fEnum("status", "登记状态", "存续", "在业", "吊销", "注销", "迁出"), fText("business_scope", "经营范围")}}.public(),
		spec{"cat-individual-biz", "个体工商户登记信息", "Individual businesses", "个体工商户设立、变更、注销登记信息。", mk, b, "02", g, 2, "", "", "", "", "", "", "", "", D, A,
			[]string{"个体工商户", "营业执照", "市场主体"}, []catalog.Field{fUSCC("credit_code", "统一社会信用代码", true), fText("shop_name", "字号名称"), fName("operator", "经营者姓名"), fAddr("shop_address", "经营场所"), fDate("reg_date", "登记日期")}}.public(),
		spec{EntryFoodLicense, "食品经营许可证信息", "Food business licences", "食品经营许可证核发、变更、注销信息。", mk, b, "05", g, 1, "", "", "", "", "", "", "", "", D, A,
			[]string{"食品", "许可证", "证照"}, []catalog.Field{fKey("license_no", "许可证编号"), fUSCC("credit_code", "经营者统一社会信用代码", false), fText("operator_name", "经营者名称"), fText("food_scope", "经营项目"), fDate("valid_to", "有效期至")}}.public(),
		{id: "cat-penalties", name: "行政处罚信息", nameEN: "Administrative penalties", summary: "市场监管领域行政处罚决定信息，公示期内依法公开。", org: mk, attr: sub, topic: "14", grade: g, level: 2,
			share: catalog.ShareUnconditional, open: catalog.OpenConditional, openCond: "仅在公示期内开放；涉及个人的隐去身份信息", freq: D, form: A, tags: []string{"处罚", "信用", "监管"},
			fields: []catalog.Field{fKey("decision_no", "处罚决定书文号"), fUSCC("credit_code", "当事人统一社会信用代码", false), fText("party_name", "当事人名称"), fText("violation", "违法行为类型"), fText("penalty", "处罚内容"), fDate("decision_date", "处罚决定日期")}},
		spec{"cat-special-equipment", "特种设备信息", "Special equipment", "电梯、锅炉、压力容器等特种设备使用登记和检验信息。", mk, sub, "14", g, 1, "", "", "", "", "", "", "", "", Q, T,
			[]string{"特种设备", "电梯", "安全"}, []catalog.Field{fKey("equip_code", "设备代码"), fEnum("equip_type", "设备种类", "电梯", "锅炉", "压力容器", "起重机械"), fUSCC("user_credit_code", "使用单位统一社会信用代码", false), fDate("next_inspection", "下次检验日期")}}.public(),
		// 自然资源厅 natural resources
		spec{EntryRealEstate, "不动产登记信息", "Real estate registration", "房屋、土地等不动产权利登记信息。", nr, b, "03", g, 3, "", "", "", "", "", "", "", "", D, A,
			[]string{"不动产", "房产", "产权"}, []catalog.Field{fKey("cert_no", "不动产权证书号"), personName("owner_name", "权利人"), fCID("owner_id", "权利人证件号码", false), fAddr("location", "坐落"), fNum("area", "面积（平方米）", catalog.TypeDecimal),
				fEnum("usage", "用途", "住宅", "商业", "工业", "其他"), fDate("reg_date", "登记日期"), fRegion("region_code", "行政区划代码")}}.personal("涉及权利人个人财产信息", basisRE),
		spec{"cat-land-supply", "国有建设用地使用权出让信息", "State land use-right grants", "国有建设用地使用权招拍挂出让结果信息。", nr, b, "03", g, 1, "", "", "", "", "", "", "", "", M, F,
			[]string{"土地", "出让", "自然资源"}, []catalog.Field{fKey("parcel_no", "宗地编号"), fAddr("parcel_location", "宗地坐落"), fNum("parcel_area", "出让面积（公顷）", catalog.TypeDecimal), fNum("price", "成交价（万元）", catalog.TypeDecimal), fDate("deal_date", "成交日期")}}.public(),
		{id: "cat-surveying", name: "基础测绘成果目录", nameEN: "Basic surveying results", summary: "基础测绘成果目录和提供使用信息。", org: nr, attr: b, topic: "03", grade: catalog.GradeImportant,
			share: catalog.ShareConditional, shareCond: "须经测绘成果主管部门审批并签订保密协议", shareReason: "涉密测绘成果", shareBasis: "《中华人民共和国测绘法》第三十四条",
			open: catalog.OpenConditional, openCond: "仅开放公开版目录，成果本身依申请提供", freq: Y, form: F, tags: []string{"测绘", "地图", "地理信息"},
			fields: []catalog.Field{fKey("result_id", "成果编号"), fText("result_name", "成果名称"), fText("scale", "比例尺"), fDate("made_date", "生产日期")}},
		// 教育厅 education
		spec{"cat-student-status", "学生学籍信息", "Student status", "中小学生电子学籍信息。", ed, sub, "13", g, 3, "", "", "", "", "", "", "", "", M, T,
			[]string{"学籍", "学生", "教育"}, []catalog.Field{fCID("citizen_id", "学生公民身份号码", true), personName("name", "学生姓名"), fText("school", "就读学校"), fText("grade", "年级"), fDate("enroll_date", "入学日期")}}.personal("涉及未成年人个人信息", "《中华人民共和国未成年人保护法》第七十二条"),
		spec{EntryEducation, "学历学位信息", "Academic degrees", "高等教育学历和学位证书信息。", ed, sub, "13", g, 2, "", "", "", "", "", "", "", "", Y, A,
			[]string{"学历", "学位", "教育"}, []catalog.Field{fKey("cert_no", "证书编号"), fCID("citizen_id", "公民身份号码", false), personName("name", "姓名"), fEnum("education", "学历", "研究生", "大学本科", "大学专科"), fText("school_name", "毕业院校"), fDate("grad_date", "毕业日期")}}.personal("涉及个人教育信息", basisEdu),
		spec{"cat-schools", "学校基本信息", "Schools", "各级各类学校的办学许可、地址和学段信息。", ed, sub, "13", g, 1, "", "", "", "", "", "", "", "", Y, F,
			[]string{"学校", "教育", "办学"}, []catalog.Field{fKey("school_code", "学校标识码"), fText("school_title", "学校名称"), fEnum("stage", "学段", "幼儿园", "小学", "初中", "高中", "中职", "高校"), fAddr("school_address", "学校地址")}}.public(),
		// 税务局 tax
		spec{EntryTaxpayer, "纳税人登记信息", "Taxpayer registration", "单位纳税人税务登记和纳税人资格信息。", tx, b, "02", g, 2, "", "", "", "", "", "", "", "", D, A,
			[]string{"纳税", "税务", "企业"}, []catalog.Field{fUSCC("credit_code", "统一社会信用代码", true), fText("taxpayer_name", "纳税人名称"), fEnum("taxpayer_type", "纳税人资格", "一般纳税人", "小规模纳税人"), fText("tax_office", "主管税务机关"), fDate("reg_date", "税务登记日期")}}.personal("涉及纳税人涉税信息", basisTax),
		spec{"cat-tax-credit", "纳税信用A级纳税人名单", "Grade-A taxpayers", "年度纳税信用评价为A级的纳税人名单。", tx, b, "04", g, 1, "", "", "", "", "", "", "", "", Y, F,
			[]string{"纳税信用", "信用", "税务"}, []catalog.Field{fUSCC("credit_code", "统一社会信用代码", true), fText("payer_name", "纳税人名称"), fNum("year", "评价年度", catalog.TypeInteger)}}.public(),
		{id: "cat-tax-arrears", name: "欠税信息", nameEN: "Tax arrears", summary: "纳税人欠缴税款明细，不予共享明细，仅公告欠税公告信息。", org: tx, attr: sub, topic: "18", grade: g, level: 3,
			share: catalog.ShareNone, shareReason: "属于纳税人商业秘密", shareBasis: basisTax,
			open: catalog.OpenNone, openReason: catalog.ReasonTradeSecret, freq: M, form: T, tags: []string{"欠税", "税务"},
			fields: []catalog.Field{fUSCC("credit_code", "统一社会信用代码", true), fText("tax_kind", "欠税税种"), sens(fNum("arrears", "欠税金额", catalog.TypeDecimal), 3), fDate("since", "欠税发生日期")}},
		// 住房资金中心 housing fund
		spec{EntryHousingFund, "住房公积金缴存信息", "Housing provident fund deposits", "职工住房公积金开户和月缴存信息。", hf, sub, "16", g, 3, "", "", "", "", "", "", "", "", M, A,
			[]string{"公积金", "住房", "缴存"}, []catalog.Field{fCID("citizen_id", "公民身份号码", true), personName("name", "姓名"), fKey("account_no", "个人账号"), fUSCC("employer_credit_code", "缴存单位统一社会信用代码", false),
				sens(fNum("monthly_amount", "月缴存额", catalog.TypeDecimal), 3), fEnum("account_status", "账户状态", "正常", "封存", "销户")}}.personal("涉及个人收入和账户信息", basisFund),
		{id: "cat-fund-loan", name: "住房公积金贷款信息", nameEN: "Housing fund loans", summary: "住房公积金个人住房贷款发放和还款信息。", org: hf, attr: sub, topic: "16", grade: g, level: 4,
			share: catalog.ShareNone, shareReason: "属于个人金融信息", shareBasis: basisFund + "；" + basisPIPL, open: catalog.OpenNone, openReason: catalog.ReasonPrivacy, freq: M, form: T,
			tags: []string{"公积金", "贷款"}, fields: []catalog.Field{fKey("loan_no", "贷款合同编号"), fCID("citizen_id", "借款人公民身份号码", false), sens(fNum("loan_amount", "贷款金额", catalog.TypeDecimal), 4), fDate("loan_date", "放款日期")}},
		// 编办 establishment
		spec{"cat-public-institutions", "机关和事业单位法人登记信息", "Government bodies and public institutions", "机关、群团和事业单位统一社会信用代码及法人登记信息。", est, b, "02", g, 1, "", "", "", "", "", "", "", "", M, A,
			[]string{"事业单位", "机关", "法人"}, []catalog.Field{fUSCC("credit_code", "统一社会信用代码", true), fText("unit_name", "单位名称"), fEnum("unit_type", "单位类型", "机关", "事业单位", "群团组织"), fText("funding", "经费来源"), fAddr("unit_address", "单位住所")}}.public(),
		// 供水公司 water utility (包头)
		spec{EntryWater, "供水用户信息", "Water supply customers", "包头市供水户号、用户、用水地址和用户类型信息。", OrgWater, sub, "17", g, 3, "", "", "", "", "", "", "", "", D, T,
			[]string{"供水", "水务", "用水", "公用事业"}, []catalog.Field{fKey("account_no", "供水户号"), personName("user_name", "户主姓名"), fCID("citizen_id", "户主公民身份号码", false), fPhone("phone", "用户联系电话"), fAddr("address", "用水地址"),
				fRegion("region_code", "行政区划代码"), fEnum("user_type", "用户类型", "居民", "非居民", "特种行业"), fDate("open_date", "立户日期")}}.personal("涉及用户个人信息", basisPIPL),
		spec{"cat-water-usage", "居民用水量信息", "Household water consumption", "按户按月统计的用水量。", OrgWater, sub, "17", g, 2, "", "", "", "", "", "", "", "", M, T,
			[]string{"用水", "水量", "水务"}, []catalog.Field{fKey("account_no", "供水户号"), func() catalog.Field { f := fText("month", "账期"); f.IsKey = true; return f }(), fNum("volume", "用水量（吨）", catalog.TypeDecimal), fNum("fee", "水费（元）", catalog.TypeDecimal)}}.personal("可推断家庭生活信息", basisPIPL),
		spec{"cat-water-quality", "供水水质公示信息", "Drinking water quality", "出厂水和管网水水质检测结果公示。", OrgWater, sub, "17", g, 1, "", "", "", "", "", "", "", "", M, F,
			[]string{"水质", "供水", "公示"}, []catalog.Field{fKey("sample_id", "采样编号"), fText("plant", "水厂"), fDate("sample_date", "采样日期"), fNum("turbidity", "浑浊度（NTU）", catalog.TypeDecimal), fNum("chlorine", "余氯（mg/L）", catalog.TypeDecimal)}}.public(),
		// 电力公司 power utility
		spec{EntryPower, "居民用电信息", "Household power consumption", "居民用户按月用电量信息。", OrgPower, sub, "17", g, 3, "", "", "", "", "", "", "", "", M, T,
			[]string{"用电", "电力", "公用事业"}, []catalog.Field{fKey("account_no", "用电户号"), personName("user_name", "户名"), fCID("citizen_id", "户主公民身份号码", false), fAddr("address", "用电地址"),
				func() catalog.Field { f := fText("month", "账期"); f.IsKey = true; return f }(), fNum("kwh", "用电量（千瓦时）", catalog.TypeDecimal), fRegion("region_code", "行政区划代码")}}.personal("可推断家庭生活信息", basisPIPL),
		spec{"cat-power-enterprise", "企业用电信息", "Enterprise power consumption", "工商业用户按月用电量，用于经济运行监测。", OrgPower, sub, "17", g, 2, "", "", "", "", "", "", "", "", M, T,
			[]string{"用电", "企业", "经济运行"}, []catalog.Field{fUSCC("credit_code", "统一社会信用代码", true), func() catalog.Field { f := fText("month", "账期"); f.IsKey = true; return f }(), fNum("kwh", "用电量（千瓦时）", catalog.TypeDecimal)}}.personal("属于企业经营信息", "《中华人民共和国反不正当竞争法》第九条"),
		spec{"cat-outage", "计划停电信息", "Planned outages", "计划停电的时间和影响范围。", OrgPower, sub, "17", g, 1, "", "", "", "", "", "", "", "", R, A,
			[]string{"停电", "电力", "公告"}, []catalog.Field{fKey("notice_no", "停电公告编号"), fText("area", "停电范围"), fDate("start_date", "停电日期"), fText("reason", "停电原因")}}.public(),
		// 包头市公安局 / 民政局 (city catalogs roll up to the region)
		spec{"cat-bt-residence", "包头市居住证办理信息", "Baotou residence permits", "包头市居住证申领和签注信息。", OrgPublicSecB, b, "01", g, 3, "", "", "", "", "", "", "", "", W, A,
			[]string{"居住证", "人口"}, []catalog.Field{fCID("citizen_id", "公民身份号码", true), fAddr("bt_residence", "包头居住地址"), fDate("permit_date", "签发日期")}}.personal("涉及个人居住信息", "《居住证暂行条例》第五条"),
		spec{"cat-bt-dogs", "包头市犬只登记信息", "Baotou dog registration", "养犬登记和年检信息。", OrgPublicSecB, dep, "31", g, 2, "", "", "", "", "", "", "", "", M, T,
			[]string{"养犬", "犬只"}, []catalog.Field{fKey("dog_tag", "犬牌号"), fCID("owner_id", "犬主身份号码", false), fText("breed", "犬种"), fDate("reg_date", "登记日期")}}.personal("涉及犬主个人信息", "《包头市养犬管理条例》"),
		spec{"cat-bt-communities", "包头市社区（村）基本信息", "Baotou communities and villages", "社区居委会、村委会名称、地址和服务电话。", OrgCivilB, sub, "19", g, 1, "", "", "", "", "", "", "", "", Y, F,
			[]string{"社区", "村", "基层"}, []catalog.Field{fKey("community_code", "社区代码"), fText("community_name", "社区（村）名称"), fAddr("office_address", "办公地址"), lowered(fPhone("office_phone", "社区服务电话"), 1, "社区对外公布的服务电话，不是个人信息")}}.public(),
		spec{"cat-bt-relief", "包头市临时救助信息", "Baotou temporary relief", "临时救助申请和发放信息。", OrgCivilB, sub, "19", g, 3, "", "", "", "", "", "", "", "", M, T,
			[]string{"救助", "社会救助"}, []catalog.Field{fCID("citizen_id", "公民身份号码", true), fNum("relief_amount", "救助金额", catalog.TypeDecimal), fDate("relief_date", "救助日期")}}.personal("涉及困难群众个人信息", "《社会救助暂行办法》第六十五条"),
		spec{"cat-bt-placenames", "包头市标准地名信息", "Baotou standard place names", "经批准的标准地名及其罗马字母拼写。", OrgCivilB, b, "03", g, 1, "", "", "", "", "", "", "", "", I, F,
			[]string{"地名", "地理"}, []catalog.Field{fKey("placename_code", "地名代码"), fText("placename", "标准地名"), fText("pinyin", "汉语拼音"), fText("category", "地名类别")}}.public(),
		// Two more base entries so every base topic is represented.
		spec{"cat-credit-redlist", "守信激励对象名单", "Trustworthiness red list", "各部门认定的守信激励对象名单。", mk, b, "04", g, 1, "", "", "", "", "", "", "", "", M, F,
			[]string{"信用", "红名单"}, []catalog.Field{fUSCC("credit_code", "统一社会信用代码", true), fText("subject_name", "主体名称"), fText("basis_doc", "认定依据"), fDate("valid_to", "有效期至")}}.public(),
		spec{"cat-business-license-e", "电子营业执照信息", "Electronic business licences", "电子营业执照签发和亮照信息。", mk, b, "05", g, 1, "", "", "", "", "", "", "", "", R, A,
			[]string{"营业执照", "电子证照", "证照"}, []catalog.Field{fUSCC("credit_code", "统一社会信用代码", true), fText("license_holder", "执照主体名称"), fDate("issue_date", "发照日期")}}.public(),
	}
	return list
}

// demoDrafts are the entries still in the workflow: one draft, one submitted, one overdue.
func demoDrafts() (draft, submitted, overdue spec) {
	g := catalog.GradeGeneral
	draft = spec{id: EntryDraftFamilyDoctor, name: "家庭医生签约信息", nameEN: "Family doctor contracts", summary: "居民与家庭医生团队签约服务信息（草稿）。", org: OrgHealth, attr: catalog.AttrSubject, topic: "12", grade: g, level: 3,
		freq: catalog.FreqMonthly, form: catalog.FormTable, tags: []string{"家庭医生", "签约", "健康"},
		fields: []catalog.Field{fCID("citizen_id", "签约居民公民身份号码", true), fPhone("phone", "联系电话"), fText("team", "家庭医生团队"), fDate("sign_date", "签约日期")}}.personal("涉及个人健康信息", basisHealth)
	submitted = spec{id: EntryReviewCharity, name: "慈善组织信息", nameEN: "Charitable organizations", summary: "慈善组织认定、公开募捐资格信息。", org: OrgCivil, attr: catalog.AttrBase, topic: "02", grade: g, level: 1,
		freq: catalog.FreqMonthly, form: catalog.FormAPI, tags: []string{"慈善", "社会组织", "募捐"},
		fields: []catalog.Field{fUSCC("credit_code", "统一社会信用代码", true), fText("charity_name", "慈善组织名称"), fEnum("fundraising", "公开募捐资格", "具备", "不具备"), fDate("recognized", "认定日期")}}.public()
	overdue = spec{id: EntryReviewOverdue, name: "技能人才评价信息", nameEN: "Skills assessments", summary: "职业技能等级认定结果信息。", org: OrgHRSS, attr: catalog.AttrSubject, topic: "11", grade: g, level: 2,
		freq: catalog.FreqQuarterly, form: catalog.FormTable, tags: []string{"技能", "人才", "评价"},
		fields: []catalog.Field{fCID("citizen_id", "公民身份号码", true), fText("skill", "职业技能"), fEnum("skill_level", "技能等级", "高级技师", "技师", "高级工", "中级工", "初级工"), fDate("assess_date", "评价日期")}}.personal("涉及个人信息", basisSI)
	return
}

func (s spec) entry() catalog.Entry {
	return catalog.Entry{ID: s.id, Name: s.name, NameEN: s.nameEN, Summary: s.summary, ProviderOrgID: s.org, Form: s.form, ResourceAttr: s.attr, Topic: s.topic,
		Grade: s.grade, Level: s.level, ShareType: s.share, ShareCondition: s.shareCond, ShareReason: s.shareReason, ShareBasis: s.shareBasis,
		ShareScope: shareScope(s.share), ShareModes: shareModes(s), OpenType: s.open, OpenCondition: s.openCond, OpenReason: s.openReason, OpenBasis: s.openBasis,
		Frequency: s.freq, Tags: s.tags, Fields: s.fields, LegalBasis: legalBasis(s)}
}

func shareScope(t catalog.ShareType) string {
	switch t {
	case catalog.ShareUnconditional:
		return "全区各级政务部门"
	case catalog.ShareConditional:
		return "经审核同意的政务部门"
	}
	return ""
}

func shareModes(s spec) []string {
	if s.share == catalog.ShareNone {
		return nil
	}
	if s.id == EntryDibao { // the allowance list also goes out quarterly on encrypted media (SHR-9)
		return []string{"table", "api", "offline"}
	}
	switch s.form {
	case catalog.FormAPI:
		return []string{"api"}
	case catalog.FormFile:
		return []string{"file"}
	}
	return []string{"table", "api"}
}

func legalBasis(s spec) string {
	if s.shareBasis != "" {
		return s.shareBasis
	}
	return "《内蒙古自治区公共数据管理办法》第十条"
}

func loadCatalog(ctx context.Context, a *app.App) error {
	var rows []catalog.ImportRow
	for i, s := range demoEntries() {
		rows = append(rows, catalog.ImportRow{Line: i + 1, Entry: s.entry()})
	}
	if _, err := a.Catalog.Import(ctx, authz.System, rows, catalog.ImportOptions{Publish: true, Note: "演示目录 / demo catalog"}); err != nil {
		return err
	}
	// 包头市数据局 keeps less of an ID number than the national default (first 6 and last 2
	// instead of last 4): Baotou's entries are shared with it, and an entry's own rule may only
	// be stricter (SEC-2).
	bt, err := sharePrincipal(ctx, a, "bt_admin")
	if err != nil {
		return err
	}
	if err := a.Catalog.SetMaskRules(ctx, bt, RegionCityB, []mask.Rule{{Kind: catalog.KindCitizenID, Method: mask.MethodPartial, KeepHead: 6, KeepTail: 2}}); err != nil {
		return err
	}
	draft, submitted, overdue := demoDrafts()
	if _, err := a.Catalog.Import(ctx, authz.System, []catalog.ImportRow{{Line: 1, Entry: draft.entry()}}, catalog.ImportOptions{}); err != nil {
		return err
	}
	now := a.Now()
	if _, err := a.Catalog.Import(ctx, authz.System, []catalog.ImportRow{{Line: 1, Entry: submitted.entry()}}, catalog.ImportOptions{Submit: true, SubmittedAt: now}); err != nil {
		return err
	}
	// Submitted ten working days ago: its five-day review deadline has passed.
	back := workday.Date(now)
	for n := 0; n < 10; {
		back = back.AddDate(0, 0, -1)
		if a.Calendar.IsWorkday(back) {
			n++
		}
	}
	at := back.Add(10 * time.Hour)
	_, err = a.Catalog.Import(ctx, authz.System, []catalog.ImportRow{{Line: 1, Entry: overdue.entry()}}, catalog.ImportOptions{Submit: true, SubmittedAt: at})
	return err
}
