// Package catalog holds the public data resource catalog (公共数据资源目录): entries, their data
// items, share and open types, the review workflow, the negative list and the source registry.
// Every later capability (aggregation, sharing, opening, products) hangs on an Entry.
package catalog

import (
	"pubdata/internal/db"
	"pubdata/internal/mask"
	"pubdata/internal/vocab"
	"pubdata/internal/workday"
)

// DataForm is how a resource is held: 库表 table, 接口 API or 文件 file (CAT-2).
type DataForm string

const (
	FormTable DataForm = "table"
	FormAPI   DataForm = "api"
	FormFile  DataForm = "file"
)

// ShareType is the share attribute (共享属性, CAT-3); the codes and labels live in vocab.
type ShareType = vocab.ShareType

const (
	ShareUnconditional = vocab.ShareUnconditional // 无条件共享
	ShareConditional   = vocab.ShareConditional   // 有条件共享
	ShareNone          = vocab.ShareNone          // 不予共享
)

// OpenType is the open attribute (开放属性, CAT-4); the codes and labels live in vocab.
type OpenType = vocab.OpenType

const (
	OpenUnconditional = vocab.OpenUnconditional // 无条件开放
	OpenConditional   = vocab.OpenConditional   // 有条件开放
	OpenNone          = vocab.OpenNone          // 不予开放
)

// FieldKind tells validation, quality rules and masking what a data item holds. The kinds,
// their labels and every rule keyed by them are one table: vocab.Kinds.
type FieldKind = vocab.Kind

const (
	KindCitizenID  = vocab.KindCitizenID  // 公民身份号码 GB 11643
	KindCreditCode = vocab.KindCreditCode // 统一社会信用代码 GB 32100
	KindPhone      = vocab.KindPhone
	KindName       = vocab.KindName
	KindAddress    = vocab.KindAddress
	KindDate       = vocab.KindDate
	KindRegionCode = vocab.KindRegionCode // GB/T 2260
	KindEnum       = vocab.KindEnum
	KindBankCard   = vocab.KindBankCard
	KindEmail      = vocab.KindEmail
	KindText       = vocab.KindText // free text
	KindNumber     = vocab.KindNumber
	KindOther      = vocab.KindOther
)

// FieldType is the storage type of a data item.
type FieldType string

const (
	TypeString  FieldType = "string"
	TypeInteger FieldType = "integer"
	TypeDecimal FieldType = "decimal"
	TypeDate    FieldType = "date"
	TypeTime    FieldType = "datetime"
	TypeBool    FieldType = "boolean"
)

// Field is one data item (信息项) of an entry.
type Field struct {
	Name        string    `json:"name"`  // machine name, [a-z][a-z0-9_]*
	Label       string    `json:"label"` // Chinese label, e.g. 公民身份号码
	LabelEN     string    `json:"label_en,omitempty"`
	Type        FieldType `json:"type"`
	Kind        FieldKind `json:"kind"`
	Required    bool      `json:"required"`
	IsKey       bool      `json:"is_key"`      // part of the entry's record key
	Sensitivity int       `json:"sensitivity"` // 1..4 within general data (L1 not sensitive … L4 sensitive); default: the kind's (vocab.Kinds)
	// SensitivityReason says why the level is below the kind's default (降低敏感级别的理由);
	// without it the lower level is refused, and ignored where it was stored before (SEC-1).
	SensitivityReason string   `json:"sensitivity_reason,omitempty"`
	EnumValues        []string `json:"enum_values,omitempty"`
	MinValue          *float64 `json:"min_value,omitempty"`
	MaxValue          *float64 `json:"max_value,omitempty"`
	// MaxLength is the item's declared length (数据长度) in characters; 0 = not declared.
	// Aggregation refuses longer values, naming the row and the item.
	MaxLength int `json:"max_length,omitempty"`
	// Field-level restriction, stricter than the entry's (CAT-3 per field).
	ShareType  ShareType `json:"share_type,omitempty"`
	OpenType   OpenType  `json:"open_type,omitempty"`
	LegalBasis string    `json:"legal_basis,omitempty"`
	Reason     string    `json:"reason,omitempty"`
	// Added: conditions of a conditional field, the not-open reason (trade_secret | privacy |
	// legal_bar) and the field's own source agency when it is taken from another agency (CAT-8).
	Condition   string `json:"condition,omitempty"`
	OpenReason  string `json:"open_reason,omitempty"`
	SourceOrgID string `json:"source_org_id,omitempty"`
}

// Grade is the national data level (GB/T 43697-2024): core, important, general; general data
// has a finer sensitivity Level 1–4 (L1 not sensitive … L4 sensitive). Configurable per region;
// the national codes and labels live in vocab.
type Grade = vocab.Grade

const (
	GradeCore      = vocab.GradeCore      // 核心数据
	GradeImportant = vocab.GradeImportant // 重要数据
	GradeGeneral   = vocab.GradeGeneral   // 一般数据
)

// Frequency is the declared update frequency (更新周期).
type Frequency string

const (
	FreqRealtime  Frequency = "realtime"
	FreqDaily     Frequency = "daily"
	FreqWeekly    Frequency = "weekly"
	FreqMonthly   Frequency = "monthly"
	FreqQuarterly Frequency = "quarterly"
	FreqYearly    Frequency = "yearly"
	FreqIrregular Frequency = "irregular"
)

// Status is where an entry is in the review workflow (CAT-5).
type Status string

const (
	StatusDraft     Status = "draft"     // 草稿
	StatusSubmitted Status = "submitted" // 已提交待审核
	StatusPublished Status = "published" // 已发布
	StatusReturned  Status = "returned"  // 已退回
	StatusWithdrawn Status = "withdrawn" // 已下线
)

// Entry is one catalog entry (目录条目 / 数据资源, CAT-2).
type Entry struct {
	ID             string    `json:"id"`
	RegionCode     string    `json:"region_code"`
	Code           string    `json:"code"` // classification code + sequence, unique in the region
	Name           string    `json:"name"`
	NameEN         string    `json:"name_en,omitempty"`
	Summary        string    `json:"summary"`
	ProviderOrgID  string    `json:"provider_org_id"`
	SourceOrgID    string    `json:"source_org_id"` // 数源部门
	CollectingOrgs []string  `json:"collecting_orgs,omitempty"`
	ApprovingOrgs  []string  `json:"approving_orgs,omitempty"`
	Form           DataForm  `json:"data_form"`
	Fields         []Field   `json:"fields"`
	ResourceAttr   string    `json:"resource_attr"` // base | subject | department (基础/主题/部门)
	Topic          string    `json:"topic,omitempty"`
	Grade          Grade     `json:"grade"`
	Level          int       `json:"level"` // 1..4 for general data
	ShareType      ShareType `json:"share_type"`
	ShareCondition string    `json:"share_conditions,omitempty"`
	ShareScope     string    `json:"share_scope,omitempty"`
	ShareModes     []string  `json:"share_modes,omitempty"` // api | table | file | offline
	ShareReason    string    `json:"share_reason,omitempty"`
	ShareBasis     string    `json:"share_legal_basis,omitempty"`
	OpenType       OpenType  `json:"open_type"`
	OpenCondition  string    `json:"open_conditions,omitempty"`
	OpenReason     string    `json:"open_reason,omitempty"` // trade_secret | privacy | legal_bar
	OpenBasis      string    `json:"open_legal_basis,omitempty"`
	Frequency      Frequency `json:"update_frequency"`
	Tags           []string  `json:"tags,omitempty"`
	LegalBasis     string    `json:"legal_basis,omitempty"`
	// MaskRules are the provider's own masking rules for this entry's kinds (脱敏规则), each no
	// looser than the region's (SEC-2); kinds without one follow the region.
	MaskRules   []mask.Rule `json:"mask_rules,omitempty"`
	Status      Status      `json:"status"`
	Version     int         `json:"version"`                // published version number (0 before first publication)
	PublishedAt db.Stamp    `json:"published_at,omitempty"` // Unix ms
	UpdatedAt   db.Stamp    `json:"updated_at"`
	CreatedAt   db.Stamp    `json:"created_at"`
	// Added: read-side extras (not part of a version's content).
	ProviderName string    `json:"provider_name,omitempty"`
	Review       *Review   `json:"review,omitempty"`
	Warnings     []Warning `json:"warnings,omitempty"`
	// Masking is what the entry's values leave the platform with: the region's rules tightened
	// by the entry's own, for the kinds it holds (published reads). Overrides are the
	// authority's recorded grading exceptions.
	Masking   []mask.Rule `json:"masking,omitempty"`
	Overrides []Override  `json:"overrides,omitempty"`
}

// KeyFields returns the names of the entry's key fields (IsKey), in order.
func (e *Entry) KeyFields() []string {
	var out []string
	for _, f := range e.Fields {
		if f.IsKey {
			out = append(out, f.Name)
		}
	}
	return out
}

// Field returns the named field.
func (e *Entry) Field(name string) (Field, bool) {
	for _, f := range e.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// Additions below extend the model without changing the definitions above.

// StatusWithdrawing marks a published entry whose withdrawal (下线申请) awaits the authority.
const StatusWithdrawing Status = "withdrawing" // 下线待审核

// Resource attributes (资源属性, CAT-2).
const (
	AttrBase       = "base"       // 基础信息资源
	AttrSubject    = "subject"    // 主题信息资源
	AttrDepartment = "department" // 部门信息资源
)

// Open reasons allowed for "not open" (CAT-4).
const (
	ReasonTradeSecret = "trade_secret" // 商业秘密
	ReasonPrivacy     = "privacy"      // 个人隐私
	ReasonLegalBar    = "legal_bar"    // 法律法规禁止
)

// Warning is advice shown while drafting (not a refusal), e.g. a field already published by
// another agency (一数一源, no duplicate collection, CAT-8).
type Warning struct {
	Code  string `json:"code"`
	Field string `json:"field,omitempty"`
	ZH    string `json:"message"`
	EN    string `json:"message_en"`
}

// Review is the workflow bookkeeping of an entry: deadlines and the last decision.
type Review struct {
	SubmittedAt     db.Stamp `json:"submitted_at,omitempty"`    // Unix ms
	ReviewDue       string   `json:"review_due,omitempty"`      // YYYY-MM-DD, 5 working days after submission
	ReturnReasons   string   `json:"return_reasons,omitempty"`  // last return
	LegalChangeAt   db.Stamp `json:"legal_change_at,omitempty"` // when the agency recorded a change of legal basis or duties
	LegalChangeNote string   `json:"legal_change_note,omitempty"`
	UpdateDue       string   `json:"update_due,omitempty"` // YYYY-MM-DD, 15 working days after the legal change
	WithdrawReason  string   `json:"withdraw_reason,omitempty"`
	AssessedAt      db.Stamp `json:"assessed_at,omitempty"` // last re-assessment (CAT-7)
	Live            bool     `json:"live"`                  // a published version is in force
	// ReviewDue or UpdateDue runs into a year without a holiday table (暂定, set when read).
	workday.Mark
}
