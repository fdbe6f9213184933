// Package demo loads a believable demo region (演示区域): an autonomous region with two cities
// and their counties, data authorities at each level, the agencies and utilities of docs/requirements.md §0, an
// operator, an application unit, oversight bodies, and one user for every role. Each capability
// adds its own demo data (catalog, loaded data, share requests …) from its own file here.
package demo

import (
	"context"
	"database/sql"
	"fmt"

	"pubdata/internal/app"
	"pubdata/internal/authz"
	"pubdata/internal/identity"
	"pubdata/internal/validate"
)

// Password is every demo account's password (printed at start; demo only).
const Password = "Demo@2026pass"

// Fixed organization ids, so every capability's demo data can refer to them.
const (
	RegionProvince = "150000"
	RegionCityA    = "150100" // 呼和浩特市
	RegionCityB    = "150200" // 包头市
	RegionCountyB  = "150221" // 土默特右旗（包头市）

	OrgAuthority     = "org-authority"      // 自治区政务服务与数据管理局
	OrgAuthorityA    = "org-authority-hhht" // 呼和浩特市数据局
	OrgAuthorityB    = "org-authority-bt"   // 包头市数据局
	OrgPublicSec     = "org-ps"             // 公安厅
	OrgCivil         = "org-civil"          // 民政厅
	OrgHealth        = "org-health"         // 卫生健康委
	OrgHRSS          = "org-hrss"           // 人力资源和社会保障厅
	OrgMarket        = "org-market"         // 市场监督管理局
	OrgNatRes        = "org-natres"         // 自然资源厅
	OrgEducation     = "org-edu"            // 教育厅
	OrgTax           = "org-tax"            // 税务局
	OrgHousingFund   = "org-hf"             // 住房公积金管理中心
	OrgPublicSecB    = "org-ps-bt"          // 包头市公安局
	OrgCivilB        = "org-civil-bt"       // 包头市民政局
	OrgWater         = "org-water"          // 包头市供水公司
	OrgPower         = "org-power"          // 电力公司
	OrgOperator      = "org-operator"       // 数据运营公司
	OrgAppUnit       = "org-appunit"        // 应用单位
	OrgCyberspace    = "org-cac"            // 网信办
	OrgExperts       = "org-experts"        // 专家委员会
	OrgPlatformSvc   = "org-platform-svc"   // 平台技术服务单位
	OrgEstablishment = "org-est"            // 机构编制委员会办公室
	OrgAuthorityTMY  = "org-authority-tmy"  // 土默特右旗数据局（县级主管部门）
	OrgCivilTMY      = "org-civil-tmy"      // 土默特右旗民政局（县级部门）
)

// Account is a demo login.
type Account struct {
	Username string
	Name     string
	Org      string
	Role     authz.Role
}

// Accounts lists the demo logins (one per role, plus data officers of several agencies).
var Accounts = []Account{
	{"admin", "赵主任（数据局管理员）", OrgAuthority, authz.AuthorityAdmin},
	{"reviewer", "钱审核（数据局审核员）", OrgAuthority, authz.AuthorityReviewer},
	{"officer", "孙专员（公安厅数据专员）", OrgPublicSec, authz.DataOfficer},
	{"approver", "李处长（公安厅审批人）", OrgPublicSec, authz.AgencyApprover},
	{"security", "周安全（公安厅安全责任人）", OrgPublicSec, authz.SecurityOfficer},
	{"civil", "吴专员（民政厅数据专员）", OrgCivil, authz.DataOfficer},
	{"civil_approver", "郑处长（民政厅审批人）", OrgCivil, authz.AgencyApprover},
	{"market", "王专员（市场监管局数据专员）", OrgMarket, authz.DataOfficer},
	{"market_approver", "冯处长（市场监管局审批人）", OrgMarket, authz.AgencyApprover},
	{"health", "陈专员（卫健委数据专员）", OrgHealth, authz.DataOfficer},
	{"hrss", "褚专员（人社厅数据专员）", OrgHRSS, authz.DataOfficer},
	{"water", "卫专员（供水公司数据专员）", OrgWater, authz.DataOfficer},
	{"water_approver", "蒋经理（供水公司审批人）", OrgWater, authz.AgencyApprover},
	{"bt_admin", "蒋主任（包头市数据局管理员）", OrgAuthorityB, authz.AuthorityAdmin},
	{"tmy_admin", "乌主任（土默特右旗数据局管理员）", OrgAuthorityTMY, authz.AuthorityAdmin},
	{"tmy_civil", "云专员（土默特右旗民政局数据专员）", OrgCivilTMY, authz.DataOfficer},
	{"auditor", "沈审计（审计员）", OrgAuthority, authz.Auditor},
	{"oversight", "韩监督（网信办）", OrgCyberspace, authz.Oversight},
	{"operator", "杨运营（运营单位）", OrgOperator, authz.OperatorStaff},
	{"operator2", "柏签约（运营单位协议专员）", OrgOperator, authz.OperatorStaff},
	{"appunit", "朱应用（应用单位）", OrgAppUnit, authz.AppUnitUser},
	{"expert", "秦专家（专家委员会）", OrgExperts, authz.Expert},
	{"citizen", "许公民（社会公众）", "", authz.PublicUser},
}

type orgSpec struct {
	id, name, nameEN string
	kind             authz.OrgKind
	sector, region   string
	subject          string // 9 chars for a generated credit code
}

var orgs = []orgSpec{
	{OrgAuthority, "内蒙古自治区政务服务与数据管理局", "Inner Mongolia Data Administration", authz.KindAuthority, "data", RegionProvince, "01000001X"},
	{OrgAuthorityA, "呼和浩特市数据局", "Hohhot Data Bureau", authz.KindAuthority, "data", RegionCityA, "01000002X"},
	{OrgAuthorityB, "包头市数据局", "Baotou Data Bureau", authz.KindAuthority, "data", RegionCityB, "01000003X"},
	{OrgPublicSec, "内蒙古自治区公安厅", "Public Security Department", authz.KindAgency, "public_security", RegionProvince, "01000004X"},
	{OrgCivil, "内蒙古自治区民政厅", "Civil Affairs Department", authz.KindAgency, "civil_affairs", RegionProvince, "01000005X"},
	{OrgHealth, "内蒙古自治区卫生健康委员会", "Health Commission", authz.KindAgency, "health", RegionProvince, "01000006X"},
	{OrgHRSS, "内蒙古自治区人力资源和社会保障厅", "Human Resources and Social Security Department", authz.KindAgency, "hrss", RegionProvince, "01000007X"},
	{OrgMarket, "内蒙古自治区市场监督管理局", "Market Regulation Administration", authz.KindAgency, "market_regulation", RegionProvince, "01000008X"},
	{OrgNatRes, "内蒙古自治区自然资源厅", "Natural Resources Department", authz.KindAgency, "natural_resources", RegionProvince, "01000009X"},
	{OrgEducation, "内蒙古自治区教育厅", "Education Department", authz.KindAgency, "education", RegionProvince, "01000010X"},
	{OrgTax, "国家税务总局内蒙古自治区税务局", "Tax Service", authz.KindAgency, "tax", RegionProvince, "01000011X"},
	{OrgHousingFund, "内蒙古自治区住房资金中心", "Housing Provident Fund Center", authz.KindAgency, "housing_fund", RegionProvince, "01000012X"},
	{OrgEstablishment, "内蒙古自治区党委机构编制委员会办公室", "Establishment Office", authz.KindAgency, "establishment", RegionProvince, "01000013X"},
	{OrgPublicSecB, "包头市公安局", "Baotou Public Security Bureau", authz.KindAgency, "public_security", RegionCityB, "01000014X"},
	{OrgCivilB, "包头市民政局", "Baotou Civil Affairs Bureau", authz.KindAgency, "civil_affairs", RegionCityB, "01000015X"},
	{OrgWater, "包头市供水有限责任公司", "Baotou Water Supply Co.", authz.KindUtility, "water", RegionCityB, "02000001X"},
	{OrgPower, "内蒙古电力（集团）有限责任公司", "Inner Mongolia Power Group", authz.KindUtility, "power", RegionProvince, "02000002X"},
	{OrgOperator, "内蒙古公共数据运营有限公司", "Inner Mongolia Public Data Operation Co.", authz.KindOperator, "operation", RegionProvince, "03000001X"},
	{OrgAppUnit, "包头智信科技有限公司", "Baotou Zhixin Technology Co.", authz.KindAppUnit, "technology", RegionCityB, "03000002X"},
	{OrgCyberspace, "内蒙古自治区党委网络安全和信息化委员会办公室", "Cyberspace Affairs Office", authz.KindOversight, "cyberspace", RegionProvince, "01000016X"},
	{OrgExperts, "公共数据专家委员会", "Public Data Expert Committee", authz.KindExpertCommittee, "experts", RegionProvince, "05000001X"},
	{OrgPlatformSvc, "内蒙古数字政府技术服务有限公司", "Digital Government Tech Services Co.", authz.KindPlatformService, "platform", RegionProvince, "03000003X"},
	{OrgAuthorityTMY, "土默特右旗数据局", "Tumed Right Banner Data Bureau", authz.KindAuthority, "data", RegionCountyB, "01000017X"},
	{OrgCivilTMY, "土默特右旗民政局", "Tumed Right Banner Civil Affairs Bureau", authz.KindAgency, "civil_affairs", RegionCountyB, "01000018X"},
}

var regions = []identity.Region{
	{Code: RegionProvince, Name: "内蒙古自治区", NameEN: "Inner Mongolia Autonomous Region"},
	{Code: RegionCityA, Name: "呼和浩特市", NameEN: "Hohhot", ParentCode: RegionProvince},
	{Code: "150102", Name: "新城区", NameEN: "Xincheng District", ParentCode: RegionCityA},
	{Code: "150105", Name: "赛罕区", NameEN: "Saihan District", ParentCode: RegionCityA},
	{Code: "150121", Name: "土默特左旗", NameEN: "Tumed Left Banner", ParentCode: RegionCityA},
	{Code: RegionCityB, Name: "包头市", NameEN: "Baotou", ParentCode: RegionProvince},
	{Code: "150202", Name: "东河区", NameEN: "Donghe District", ParentCode: RegionCityB},
	{Code: "150203", Name: "昆都仑区", NameEN: "Kundulun District", ParentCode: RegionCityB},
	{Code: RegionCountyB, Name: "土默特右旗", NameEN: "Tumed Right Banner", ParentCode: RegionCityB},
}

// loaders add each capability's demo data after the directory is loaded, in this order (a later
// one may use what an earlier one made: the open loader publishes catalog entries, …).
var loaders = []func(ctx context.Context, a *app.App) error{
	loadCatalog,
	loadComplaints,
	loadIngest,
	loadOpen,
	loadApplications,
	loadPlans,
	loadOperate,
	loadQuality,
	loadSecurity,
	loadShare,
	loadSanctions,
	loadMarket,
}

// Loaded tells whether the demo region is already in the database.
func Loaded(ctx context.Context, a *app.App) bool {
	var n int
	a.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM orgs WHERE id = $1", OrgAuthority).Scan(&n)
	return n > 0
}

// Load loads the demo region unless it is already there. It is idempotent.
func Load(ctx context.Context, a *app.App) error {
	if Loaded(ctx, a) {
		return nil
	}
	if err := LoadDirectory(ctx, a); err != nil {
		return err
	}
	for _, h := range loaders {
		if err := h(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// LoadDirectory loads only the regions, organizations and accounts of the demo region, without
// any capability's demo data (loaders): for tests of the foundation that need the demo accounts
// but not a catalog, loads or share requests.
func LoadDirectory(ctx context.Context, a *app.App) error {
	return a.DB.Tx(ctx, func(tx *sql.Tx) error {
		for _, r := range regions {
			if err := a.Identity.CreateRegion(ctx, tx, r); err != nil {
				return fmt.Errorf("region %s: %w", r.Code, err)
			}
		}
		for _, o := range orgs {
			cat := byte('1')
			auth := byte('1')
			if o.kind == authz.KindUtility || o.kind == authz.KindOperator || o.kind == authz.KindAppUnit || o.kind == authz.KindPlatformService {
				auth, cat = '9', '1'
			}
			if o.kind == authz.KindExpertCommittee {
				auth, cat = '5', '1'
			}
			code := validate.MakeCreditCode(auth, cat, o.region, o.subject)
			org := &identity.Org{ID: o.id, Name: o.name, NameEN: o.nameEN, Kind: o.kind, Sector: o.sector, RegionCode: o.region, CreditCode: code}
			if err := a.Identity.CreateOrg(ctx, tx, org); err != nil {
				return fmt.Errorf("org %s: %w", o.id, err)
			}
		}
		for _, acc := range Accounts {
			nu := identity.NewUser{Username: acc.Username, DisplayName: acc.Name, Password: Password, OrgID: acc.Org, Roles: []authz.Role{acc.Role}}
			if acc.Role == authz.PublicUser {
				nu.PersonKind = "natural"
			}
			if _, err := a.Identity.CreateUser(ctx, tx, nu); err != nil {
				return fmt.Errorf("user %s: %w", acc.Username, err)
			}
		}
		return a.Audit.RecordAction(ctx, tx, "system", "system", "", "demo.load", "region", RegionProvince, map[string]any{"orgs": len(orgs), "users": len(Accounts)})
	})
}
