package share

import (
	"time"
)

// Kind is what a request asks for: the data itself, or only verification/comparison (核验/比对)
// of values the consumer already holds (SHR-6; the only kind possible for not-shared entries).
type Kind string

const (
	KindData   Kind = "data"   // 数据共享
	KindVerify Kind = "verify" // 核验比对
	// KindProduct asks for a product of authorized operation (verification or statistics over a
	// registered view) instead of records (SHR-12, BT 25; product.go): usable, never visible.
	KindProduct Kind = "product" // 数据产品
)

// Mode is how shared data is delivered (共享方式, SHR-2).
type Mode string

const (
	ModeAPI     Mode = "api"     // 接口
	ModeTable   Mode = "table"   // 库表
	ModeFile    Mode = "file"    // 文件
	ModeOffline Mode = "offline" // 线下（专线、介质、纸质）
)

// Modes lists the share modes in display order.
var Modes = []Mode{ModeAPI, ModeTable, ModeFile, ModeOffline}

// ModeNames gives each mode's Chinese and English name.
var ModeNames = map[Mode][2]string{
	ModeAPI:     {"接口调用", "API"},
	ModeTable:   {"库表交换", "Table delivery"},
	ModeFile:    {"文件下载", "File"},
	ModeOffline: {"线下交付", "Offline"},
}

// Path is the decision path a request takes (SHR-3, SHR-4, SHR-6).
type Path string

const (
	PathAtOnce   Path = "at_once"  // unconditional: granted when filed (无条件共享)
	PathDecision Path = "decision" // conditional: the source agency decides (有条件共享)
)

// Commitment is the consumer's signed undertaking (承诺书): the data is requested truthfully, will
// be used only for the stated scenario, and will be kept secure (SHR-2, SHR-10).
type Commitment struct {
	Authenticity bool      `json:"authenticity"` // 真实性
	Compliance   bool      `json:"compliance"`   // 合规使用
	Security     bool      `json:"security"`     // 安全保障
	Text         string    `json:"text"`         // the exact text signed
	SignedBy     string    `json:"signed_by"`    // user id
	SignedName   string    `json:"signed_name"`  // display name at signing
	SignedAt     time.Time `json:"signed_at"`
}

// CommitmentText is the standard undertaking shown on the request form and stored with it.
const CommitmentText = "本单位承诺：所提交申请材料真实有效；共享数据仅用于所申明的应用场景和用途，不向第三方提供，不用于政府信息公开；" +
	"按照数据安全要求落实保护措施，发生安全事件及时报告。" +
	" / We undertake that this request is truthful; the shared data will be used only for the stated scenario and purpose, " +
	"not passed to third parties nor used for government information disclosure; and it will be protected as data security rules require."

// Request is a share request (共享申请, SHR-2): one consumer agency, one catalog entry, one
// concrete use. Approval turns it into a Grant.
type Request struct {
	ID             string     `json:"id"`
	Kind           Kind       `json:"kind"`
	ConsumerOrgID  string     `json:"consumer_org_id"`
	ConsumerName   string     `json:"consumer_name,omitempty"`
	ConsumerRegion string     `json:"consumer_region"`
	RequesterID    string     `json:"requester_id"`
	RequesterName  string     `json:"requester_name"`
	EntryID        string     `json:"entry_id"`
	EntryCode      string     `json:"entry_code"`
	EntryName      string     `json:"entry_name"`
	EntryRegion    string     `json:"entry_region"`
	ProviderOrgID  string     `json:"provider_org_id"` // the deciding (source) agency
	ProviderName   string     `json:"provider_name,omitempty"`
	ProviderOrgs   []string   `json:"-"` // provider and source agency of the entry
	Path           Path       `json:"path"`
	Fields         []string   `json:"fields"`
	ClearFields    []string   `json:"clear_fields"` // fields asked for without masking
	Scenario       string     `json:"scenario"`     // 应用场景
	Purpose        string     `json:"purpose"`      // 用途
	LegalBasis     string     `json:"legal_basis"`
	Mode           Mode       `json:"mode"`
	EndDate        string     `json:"end_date"` // YYYY-MM-DD, last day of use
	Commitment     Commitment `json:"commitment"`
	State          State      `json:"state"`
	DueDate        string     `json:"due_date,omitempty"` // current deadline (YYYY-MM-DD) while one runs
	DueKind        string     `json:"due_kind,omitempty"` // forward | decide | deliver
	CrossRegion    bool       `json:"cross_region"`
	RoutedVia      string     `json:"routed_via,omitempty"` // authority org that routes it (SHR-8)
	RoutedViaName  string     `json:"routed_via_name,omitempty"`
	SubmittedAt    time.Time  `json:"submitted_at"`
	DecidedAt      time.Time  `json:"decided_at,omitzero"`
	DecidedBy      string     `json:"decided_by,omitempty"`
	DecisionNote   string     `json:"decision_note,omitempty"`
	DecideDue      string     `json:"decide_due,omitempty"`
	DeliverDue     string     `json:"deliver_due,omitempty"`
	DeliveredAt    time.Time  `json:"delivered_at,omitzero"`
	RefuseReason   string     `json:"refuse_reason,omitempty"`
	RefuseBasis    string     `json:"refuse_legal_basis,omitempty"`
	EscalatedAt    time.Time  `json:"escalated_at,omitzero"`
	GrantID        string     `json:"grant_id,omitempty"`
	UpdatedAt      time.Time  `json:"updated_at"`
	// Product is what a product request asks for (kind product, SHR-12); nil otherwise.
	Product *RequestProduct `json:"product,omitempty"`
	// Remaining is the working days left before DueDate (negative when overdue); Overdue says the
	// due day has passed. Both are computed when read.
	Remaining int  `json:"remaining_workdays"`
	Overdue   bool `json:"overdue"`
	// DeadlineProvisional says DueDate runs into a year whose holiday table is not imported yet
	// (暂定期限, MissingYears names them); it is recomputed when the table is imported.
	DeadlineProvisional bool  `json:"deadline_provisional,omitempty"`
	MissingYears        []int `json:"deadline_missing_years,omitempty"`
}

// NewRequest is what a consumer files.
type NewRequest struct {
	Kind        Kind     `json:"kind"` // data (default) or verify
	EntryID     string   `json:"entry_id"`
	Fields      []string `json:"fields"`
	ClearFields []string `json:"clear_fields"`
	Scenario    string   `json:"scenario"`
	Purpose     string   `json:"purpose"`
	LegalBasis  string   `json:"legal_basis"`
	Mode        Mode     `json:"mode"`
	EndDate     string   `json:"end_date"`
	// ProductID names the product a request of kind product asks for (SHR-12); its view's entry,
	// fields and the API mode follow from it. BudgetMilli is the privacy budget asked for a
	// statistics product per grant period (thousandths of ε; 0: the product's default).
	ProductID   string `json:"product_id,omitempty"`
	BudgetMilli int64  `json:"budget_milli,omitempty"`
	// The three parts of the signed commitment; all must be given.
	Authenticity bool `json:"commit_authenticity"`
	Compliance   bool `json:"commit_compliance"`
	Security     bool `json:"commit_security"`
}

// Approval is the provider's decision to share, possibly narrower than asked (minimum grant,
// 最小够用): fewer fields, fewer clear fields, another mode or an earlier end date. An empty
// Approval grants what was asked; once Fields are given, only the ClearFields listed (if any)
// are delivered in clear. Mode and EndDate, when empty, keep what was asked.
type Approval struct {
	Fields      []string `json:"fields"`
	ClearFields []string `json:"clear_fields"`
	Mode        Mode     `json:"mode"`
	EndDate     string   `json:"end_date"`
	Note        string   `json:"note"`
	// BudgetMilli narrows a statistics product's privacy budget (0 keeps what was asked).
	BudgetMilli int64 `json:"budget_milli,omitempty"`
	// Limits are the grant's use limits; zero values take the defaults.
	Limits GrantLimits `json:"limits"`
	// ReportEveryMonths is how often the consumer reports on use and effect (1, 3, 6 or 12;
	// 0: the default, quarterly).
	ReportEveryMonths int `json:"report_every_months,omitempty"`
}

// GrantLimits are a grant's use limits (使用限制, SHR-10), fixed at approval: how many gateway
// calls a minute and a calendar day, and which fields a query may filter on. Zero values mean
// the platform's defaults; an approver may set lower values, or higher ones with a reason up
// to the region's caps.
type GrantLimits struct {
	RatePerMinute int `json:"rate_per_minute"` // calls per minute (every call kind)
	DailyQuota    int `json:"daily_quota"`     // calls per calendar day (Asia/Shanghai)
	// Filterable are the fields a query may filter on (among those delivered in clear, or the
	// key); nil means the default: for an API grant the key and ID-number or credit-code fields,
	// for table and file grants every such field.
	Filterable []string `json:"filterable,omitempty"`
	Reason     string   `json:"reason,omitempty"` // why the limits exceed the defaults
}

// Refusal is a reasoned refusal: both a reason and a legal basis are required (SHR-4, SHR-7).
type Refusal struct {
	Reason     string `json:"reason"`
	LegalBasis string `json:"legal_basis"`
}

// GrantStatus is the state of a grant as the gateway sees it.
type GrantStatus string

const (
	GrantPending   GrantStatus = "pending"   // approved, delivery not yet complete (offline)
	GrantActive    GrantStatus = "active"    // 有效
	GrantSuspended GrantStatus = "suspended" // 暂停
	GrantRevoked   GrantStatus = "revoked"   // 撤销
	GrantExpired   GrantStatus = "expired"   // 到期
)

// GrantStatusNames gives each grant status's Chinese and English name.
var GrantStatusNames = map[GrantStatus][2]string{
	GrantPending:   {"待交付", "Delivery pending"},
	GrantActive:    {"有效", "Active"},
	GrantSuspended: {"已暂停", "Suspended"},
	GrantRevoked:   {"已撤销", "Revoked"},
	GrantExpired:   {"已到期", "Expired"},
}

// Grant is an approved minimum grant (共享授权, SHR-4, SHR-10): consumer, entry, fields,
// scenario, mode and end date, used through credentials bound to it.
type Grant struct {
	ID             string      `json:"id"`
	RequestID      string      `json:"request_id"`
	Kind           Kind        `json:"kind"`
	ConsumerOrgID  string      `json:"consumer_org_id"`
	ConsumerName   string      `json:"consumer_name,omitempty"`
	ProviderOrgID  string      `json:"provider_org_id"`
	ProviderName   string      `json:"provider_name,omitempty"`
	EntryID        string      `json:"entry_id"`
	EntryCode      string      `json:"entry_code"`
	EntryName      string      `json:"entry_name"`
	EntryRegion    string      `json:"entry_region"`
	ConsumerRegion string      `json:"consumer_region"`
	Fields         []string    `json:"fields"`
	ClearFields    []string    `json:"clear_fields"`
	Scenario       string      `json:"scenario"`
	Purpose        string      `json:"purpose"`
	Mode           Mode        `json:"mode"`
	EndDate        string      `json:"end_date"`
	Status         GrantStatus `json:"status"`
	StatusReason   string      `json:"status_reason,omitempty"`
	// SuspendCause names the catalog change that suspended the grant (entry_withdrawn,
	// entry_not_shared, field_not_shared, mode_not_offered); empty for a manual suspension.
	SuspendCause string      `json:"suspend_cause,omitempty"`
	Rev          int64       `json:"rev"`
	Limits       GrantLimits `json:"limits"` // as applied: defaults filled in
	// Product is the product a grant of kind product lets its holder call (SHR-12).
	Product *RequestProduct `json:"product,omitempty"`
	// ReportEveryMonths is the use-report cycle (SHR-11), read with the grant (0 in lists).
	ReportEveryMonths int       `json:"report_every_months,omitempty"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
	ProviderOrgs      []string  `json:"-"`
}

// Attrs returns the grant's facts for authorization.
func (g *Grant) attrs() attrs {
	return attrs{consumer: g.ConsumerOrgID, providers: g.ProviderOrgs, entryRegion: g.EntryRegion, consumerRegion: g.ConsumerRegion, grant: g.ID}
}

// Stat is one day of a grant's call statistics (调用统计).
type Stat struct {
	Day     string `json:"day"`
	Calls   int64  `json:"calls"`
	Records int64  `json:"records"`
	Denied  int64  `json:"denied"`
}

// Event is one step in a request's or demand's history (办理进度), visible to both sides.
type Event struct {
	At        time.Time `json:"at"`
	ActorName string    `json:"actor_name"`
	OrgID     string    `json:"org_id"`
	Event     string    `json:"event"`
	From      string    `json:"from"`
	To        string    `json:"to"`
	Note      string    `json:"note,omitempty"`
}

// Delivery records one hand-over (交付记录, SHR-9): offline (secure line, storage media, paper) or
// a bulk download through the gateway.
type Delivery struct {
	ID          string    `json:"id"`
	RequestID   string    `json:"request_id"`
	GrantID     string    `json:"grant_id"`
	Channel     string    `json:"channel"` // secure_line | media | paper | download
	Items       string    `json:"items"`   // what was handed over
	Records     int64     `json:"records"`
	HandedByID  string    `json:"handed_by_id"`
	HandedBy    string    `json:"handed_by"`
	ReceivedBy  string    `json:"received_by"`
	DeliveredAt time.Time `json:"delivered_at"`
	Note        string    `json:"note,omitempty"`
}

// Delivery channels.
var Channels = map[string][2]string{
	"secure_line": {"专线传输", "Secure line"},
	"media":       {"存储介质", "Storage media"},
	"paper":       {"纸质", "Paper"},
	"download":    {"网关批量下载", "Gateway bulk download"},
}

// UseReport is a consumer's periodic report on use and effect (使用情况和效果评价, SHR-11).
type UseReport struct {
	ID         string    `json:"id"`
	GrantID    string    `json:"grant_id"`
	PeriodFrom string    `json:"period_from"`
	PeriodTo   string    `json:"period_to"`
	Use        string    `json:"use"`      // how the data was used
	Effect     string    `json:"effect"`   // what it achieved
	Problems   string    `json:"problems"` // problems found, suggestions to the provider
	Calls      int64     `json:"calls"`    // gateway calls in the period, filled in by the platform
	FiledByID  string    `json:"filed_by_id"`
	FiledBy    string    `json:"filed_by"`
	FiledAt    time.Time `json:"filed_at"`
}
