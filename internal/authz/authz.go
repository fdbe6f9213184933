// Package authz is the platform's one place for authorization decisions (权限判定). Each resource
// kind has one decision function fed by the principal's roles, organization and region and by
// the resource's own attributes; every HTTP route, CLI command and job calls it. A table-driven
// test enumerates the matrix.
package authz

import (
	"slices"

	"pubdata/internal/apperr"
)

// Role is a duty a user holds.
type Role string

const (
	AuthorityAdmin    Role = "authority_admin"    // 数据主管部门管理员
	AuthorityReviewer Role = "authority_reviewer" // 数据主管部门审核员
	DataOfficer       Role = "data_officer"       // 数据专员（部门）
	AgencyApprover    Role = "agency_approver"    // 部门审批人
	SecurityOfficer   Role = "security_officer"   // 安全责任人
	Auditor           Role = "auditor"            // 审计员
	Oversight         Role = "oversight"          // 监管部门（网信、公安、保密、密码、国资）只读
	OperatorStaff     Role = "operator_staff"     // 运营单位人员
	OperatorProduct   Role = "operator_product"   // 运营单位产品设计（定义、定价、下架产品）
	OperatorReviewer  Role = "operator_reviewer"  // 运营单位合规审查
	OperatorUnits     Role = "operator_units"     // 运营单位客户管理（资质审核、申请审核、签约、处置）
	AppUnitUser       Role = "app_unit_user"      // 应用单位用户
	Expert            Role = "expert"             // 专家委员会委员
	PublicUser        Role = "public_user"        // 社会公众（自然人/法人）
)

// AllRoles lists every role, in display order.
var AllRoles = []Role{AuthorityAdmin, AuthorityReviewer, DataOfficer, AgencyApprover, SecurityOfficer,
	Auditor, Oversight, OperatorStaff, OperatorProduct, OperatorReviewer, OperatorUnits, AppUnitUser, Expert, PublicUser}

// RoleNames gives each role's Chinese and English name.
var RoleNames = map[Role][2]string{
	AuthorityAdmin:    {"主管部门管理员", "Authority administrator"},
	AuthorityReviewer: {"主管部门审核员", "Authority reviewer"},
	DataOfficer:       {"数据专员", "Data officer"},
	AgencyApprover:    {"部门审批人", "Agency approver"},
	SecurityOfficer:   {"安全责任人", "Security officer"},
	Auditor:           {"审计员", "Auditor"},
	Oversight:         {"监管部门", "Oversight body"},
	OperatorStaff:     {"运营单位人员", "Operator staff"},
	OperatorProduct:   {"运营单位产品设计", "Operator: product design"},
	OperatorReviewer:  {"运营单位合规审查", "Operator: compliance review"},
	OperatorUnits:     {"运营单位客户管理", "Operator: unit management"},
	AppUnitUser:       {"应用单位用户", "Application unit user"},
	Expert:            {"专家委员会委员", "Expert committee member"},
	PublicUser:        {"社会公众", "Public user"},
}

// OrgKind is the kind of an organization (docs/requirements.md §0).
type OrgKind string

const (
	KindAuthority       OrgKind = "authority"        // 公共数据主管部门
	KindAgency          OrgKind = "agency"           // 公共管理和服务机构
	KindUtility         OrgKind = "utility"          // 公共服务运营单位（水电气热、通信、公交）
	KindOperator        OrgKind = "operator"         // 授权运营单位
	KindAppUnit         OrgKind = "app_unit"         // 应用单位
	KindEnterprise      OrgKind = "enterprise"       // 企业/法人
	KindOversight       OrgKind = "oversight"        // 监管部门
	KindExpertCommittee OrgKind = "expert_committee" // 专家委员会
	KindPlatformService OrgKind = "platform_service" // 平台技术服务单位
)

// OrgKinds lists every kind with its Chinese and English name.
var OrgKinds = map[OrgKind][2]string{
	KindAuthority:       {"公共数据主管部门", "Data authority"},
	KindAgency:          {"公共管理和服务机构", "Agency"},
	KindUtility:         {"公共服务运营单位", "Public utility"},
	KindOperator:        {"授权运营单位", "Authorized operator"},
	KindAppUnit:         {"应用单位", "Application unit"},
	KindEnterprise:      {"企业", "Enterprise"},
	KindOversight:       {"监管部门", "Oversight body"},
	KindExpertCommittee: {"专家委员会", "Expert committee"},
	KindPlatformService: {"平台技术服务单位", "Platform service unit"},
}

// IsDataHolder tells whether an organization kind holds public data (can be a provider).
func (k OrgKind) IsDataHolder() bool {
	return k == KindAgency || k == KindUtility || k == KindAuthority
}

// Principal is who is acting: a logged-in user, an API token, or nobody.
type Principal struct {
	UserID      string  `json:"user_id"`
	Username    string  `json:"username"`
	DisplayName string  `json:"display_name"`
	OrgID       string  `json:"org_id"`
	OrgName     string  `json:"org_name"`
	OrgKind     OrgKind `json:"org_kind"`
	RegionCode  string  `json:"region_code"`
	Roles       []Role  `json:"roles"`
	// TokenID and Scopes are set when the call came with an API token; scopes narrow what
	// the token may do below the user's roles.
	TokenID string   `json:"token_id,omitempty"`
	Scopes  []string `json:"scopes,omitempty"`
	// Subject binds a token to one object (e.g. a share grant or an ingest entry).
	Subject string `json:"subject,omitempty"`
	// Verified tells whether the user's real-name identity (实名) is verified, by the authority
	// or an identity provider's claim.
	Verified bool `json:"verified,omitempty"`
}

// System is the principal of the platform's own jobs.
var System = &Principal{UserID: "system", Username: "system", DisplayName: "系统 / system"}

// Authenticated tells whether somebody is logged in.
func (p *Principal) Authenticated() bool { return p != nil && p.UserID != "" }

// Has tells whether the principal holds any of the roles.
func (p *Principal) Has(roles ...Role) bool {
	if p == nil {
		return false
	}
	for _, r := range roles {
		if slices.Contains(p.Roles, r) {
			return true
		}
	}
	return false
}

// Scoped tells whether a token principal may use scope s (session principals may use all).
func (p *Principal) Scoped(s string) bool {
	if p == nil || p.TokenID == "" {
		return true
	}
	return slices.Contains(p.Scopes, s) || slices.Contains(p.Scopes, "*")
}

// IsAuthority tells whether the principal works at a data authority.
func (p *Principal) IsAuthority() bool {
	return p != nil && p.OrgKind == KindAuthority && p.Has(AuthorityAdmin, AuthorityReviewer)
}

// Action is what is being attempted.
type Action string

const (
	Read   Action = "read"
	Create Action = "create"
	Update Action = "update"
	Delete Action = "delete"
	Review Action = "review"
	Manage Action = "manage"
)

func deny(p *Principal) error {
	if !p.Authenticated() {
		return apperr.Unauthenticated
	}
	return apperr.Forbidden
}

// allow answers nil when ok, else the denial for p — or, when given, the specific refusal
// (e.g. separation of duties) for a caller who would otherwise be allowed.
func allow(ok bool, p *Principal, refusal ...error) error {
	if ok {
		return nil
	}
	if len(refusal) > 0 && p.Authenticated() {
		return refusal[0]
	}
	return deny(p)
}

// unseen is the one rule against existence oracles on changes (no existence oracle, #9 item 8):
// a refusal to read a record, or of act on a record the caller may not even read, is answered
// apperr.Hidden — the very answer for a record that does not exist — and only a caller who may
// read the record learns that it may not act on it (403). read decides Read on the same record. Every decision function for
// a record kind passes its refusals through here, so that API routes, web forms and the CLI
// inherit the rule without a check of their own.
func unseen(p *Principal, act Action, err error, read func() error) error {
	if err == nil || !p.Authenticated() {
		return err
	}
	if act == Read || read() != nil {
		return apperr.Hidden
	}
	return err
}

// Audit decides access to the audit log: auditors, oversight bodies and authority administrators
// read everything; any other logged-in user reads only its own organization's records.
// ownOrg is the organization the query is restricted to ("" = all).
func Audit(p *Principal, act Action, ownOrg string) error {
	if act != Read {
		return deny(p) // append-only: nobody edits the log
	}
	if p.Has(Auditor, Oversight, AuthorityAdmin) {
		return nil
	}
	return allow(p.Authenticated() && ownOrg != "" && ownOrg == p.OrgID && p.Has(SecurityOfficer, DataOfficer), p)
}

// Calendar decides access to the working-day calendar: everyone logged in reads; authority
// administrators edit and import.
func Calendar(p *Principal, act Action) error {
	if act == Read {
		return allow(p.Authenticated(), p)
	}
	return allow(p.Has(AuthorityAdmin), p)
}

// Directory decides directory and account decisions (目录与账户管理): regions, organizations,
// users, their roles, other people's tokens and real-name verification. region is the region of
// the organization or user acted on (identity works it out).
//   - Read with orgID and region empty (regions, organizations): everyone logged in.
//   - Read of an organization's users: its own staff; authority administrators and reviewers
//     whose region covers the organization's; auditors and oversight bodies.
//   - Create, Update, Delete, Manage: authority administrators of a data authority whose region
//     covers region (their own and the regions below it): a city administrator never creates a
//     province administrator or acts on a province agency's accounts.
func Directory(p *Principal, act Action, orgID, region string) error {
	err := directory(p, act, orgID, region)
	if act == Create || act == Read || (orgID == "" && region == "") {
		// A new account names its organization, and a read lists an organization's users:
		// organizations are public directory entries. A change to an account one may not see is
		// answered as not found.
		return err
	}
	return unseen(p, act, err, func() error { return directory(p, Read, orgID, region) })
}

func directory(p *Principal, act Action, orgID, region string) error {
	admin := p.IsAuthority() && p.Has(AuthorityAdmin) && RegionCovers(p.RegionCode, region)
	switch act {
	case Read:
		if orgID == "" && region == "" {
			return allow(p.Authenticated(), p)
		}
		return allow((p.IsAuthority() && RegionCovers(p.RegionCode, region)) || p.Has(Auditor, Oversight) ||
			(p.Authenticated() && orgID != "" && p.OrgID == orgID), p)
	default:
		return allow(admin, p)
	}
}

// Notifications decides access to an inbox: a user reads its own and its organization's.
// Reading and acting on a message are one right, so a refusal is always answered as not found.
func Notifications(p *Principal, act Action, userID, orgID string) error {
	err := allow(p.Authenticated() && (userID == p.UserID || (orgID != "" && orgID == p.OrgID)), p)
	return unseen(p, act, err, func() error { return err })
}

// Tokens decides who manages API tokens: each user its own; an authority administrator also
// revokes (Delete) the tokens of users in its region and below (ownerRegion).
func Tokens(p *Principal, act Action, ownerID, ownerRegion string) error {
	err := tokens(p, act, ownerID, ownerRegion)
	if act == Create || p.TokenID != "" {
		return err
	}
	return unseen(p, act, err, func() error { return tokens(p, Read, ownerID, ownerRegion) })
}

func tokens(p *Principal, act Action, ownerID, ownerRegion string) error {
	if p.TokenID != "" {
		return deny(p) // a token may not mint or revoke tokens
	}
	if p.Authenticated() && ownerID == p.UserID {
		return nil
	}
	return allow(act == Delete && p.IsAuthority() && p.Has(AuthorityAdmin) && RegionCovers(p.RegionCode, ownerRegion), p)
}

// WebhookAttrs are the facts about a webhook (消息推送地址) that decide access to it.
type WebhookAttrs struct {
	OwnerID     string // the user who registered it
	OwnerRegion string // the region of the owner's organization
}

// Webhooks decides who registers, lists and removes webhooks. A webhook belongs to the user who
// registered it and receives only that user's inbox: authority administrators, data officers and
// security officers of an organization register their own; the owner lists and removes them; an
// authority administrator whose region covers the owner's also removes them.
func Webhooks(p *Principal, act Action, w WebhookAttrs) error {
	err := webhooks(p, act, w)
	if act == Create {
		return err
	}
	return unseen(p, act, err, func() error { return webhooks(p, Read, w) })
}

func webhooks(p *Principal, act Action, w WebhookAttrs) error {
	if !p.Authenticated() {
		return deny(p)
	}
	own := w.OwnerID != "" && w.OwnerID == p.UserID
	switch act {
	case Create:
		return allow(own && p.OrgID != "" && p.Has(AuthorityAdmin, DataOfficer, SecurityOfficer), p)
	case Read:
		return allow(own, p)
	case Delete:
		return allow(own || (p.IsAuthority() && p.Has(AuthorityAdmin) && RegionCovers(p.RegionCode, w.OwnerRegion)), p)
	}
	return deny(p)
}

// Jobs decides who sees and triggers scheduled jobs.
func Jobs(p *Principal, act Action) error {
	return allow(p.Has(AuthorityAdmin), p)
}
