// Package catalog holds the public data resource catalog (公共数据资源目录): entries, their data
// items, share and open types, the review workflow, the negative list and the source registry.
// Every later capability (aggregation, sharing, opening, products) hangs on an Entry.
package catalog

// DataForm is how a resource is held: 库表 table, 接口 API or 文件 file (CAT-2).
type DataForm string

const (
	FormTable DataForm = "table"
	FormAPI   DataForm = "api"
	FormFile  DataForm = "file"
)

// ShareType is the share attribute (共享属性, CAT-3).
type ShareType string

const (
	ShareUnconditional ShareType = "unconditional" // 无条件共享
	ShareConditional   ShareType = "conditional"   // 有条件共享
	ShareNone          ShareType = "none"          // 不予共享
)

// OpenType is the open attribute (开放属性, CAT-4).
type OpenType string

const (
	OpenUnconditional OpenType = "unconditional" // 无条件开放
	OpenConditional   OpenType = "conditional"   // 有条件开放
	OpenNone          OpenType = "none"          // 不予开放
)

// FieldKind tells validation, quality rules and masking what a data item holds.
type FieldKind string

const (
	KindCitizenID  FieldKind = "citizen_id"  // 公民身份号码 GB 11643
	KindCreditCode FieldKind = "credit_code" // 统一社会信用代码 GB 32100
	KindPhone      FieldKind = "phone"
	KindName       FieldKind = "name"
	KindAddress    FieldKind = "address"
	KindDate       FieldKind = "date"
	KindRegionCode FieldKind = "region_code" // GB/T 2260
	KindEnum       FieldKind = "enum"
	KindBankCard   FieldKind = "bank_card"
	KindEmail      FieldKind = "email"
	KindText       FieldKind = "text" // free text
	KindNumber     FieldKind = "number"
	KindOther      FieldKind = "other"
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
	IsKey       bool      `json:"is_key"`              // part of the entry's record key
	Sensitivity int       `json:"sensitivity"`         // 1..4 within general data (L1 not sensitive … L4 sensitive)
	EnumValues  []string  `json:"enum_values,omitempty"`
	MinValue    *float64  `json:"min_value,omitempty"`
	MaxValue    *float64  `json:"max_value,omitempty"`
	// Field-level restriction, stricter than the entry's (CAT-3 per field).
	ShareType  ShareType `json:"share_type,omitempty"`
	OpenType   OpenType  `json:"open_type,omitempty"`
	LegalBasis string    `json:"legal_basis,omitempty"`
	Reason     string    `json:"reason,omitempty"`
}

// Grade is the national data level (GB/T 43697-2024): core, important, general; general data
// has a finer sensitivity Level 1–4 (L1 not sensitive … L4 sensitive). Configurable per region.
type Grade string

const (
	GradeCore      Grade = "core"      // 核心数据
	GradeImportant Grade = "important" // 重要数据
	GradeGeneral   Grade = "general"   // 一般数据
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
	Status         Status    `json:"status"`
	Version        int       `json:"version"` // published version number (0 before first publication)
	PublishedAt    int64     `json:"published_at,omitempty"` // Unix ms
	UpdatedAt      int64     `json:"updated_at"`
	CreatedAt      int64     `json:"created_at"`
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
