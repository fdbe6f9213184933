package vocab

import "strings"

// Kind is a data item kind (数据项类别): what a field holds. It drives the load-time format
// check, quality rules, masking when data leaves the platform and the default sensitivity.
type Kind string

// Data item kinds.
const (
	KindCitizenID  Kind = "citizen_id"  // 公民身份号码 GB 11643
	KindCreditCode Kind = "credit_code" // 统一社会信用代码 GB 32100
	KindPhone      Kind = "phone"
	KindName       Kind = "name"
	KindAddress    Kind = "address"
	KindDate       Kind = "date"
	KindRegionCode Kind = "region_code" // GB/T 2260
	KindEnum       Kind = "enum"
	KindBankCard   Kind = "bank_card"
	KindEmail      Kind = "email"
	KindText       Kind = "text" // free text
	KindNumber     Kind = "number"
	KindOther      Kind = "other"
)

// Masking rule ids (脱敏规则): the default desensitization of a kind, implemented by package
// mask. MaskNone means the kind's values are not personal or identifying and leave unmasked.
const (
	MaskNone       = "none"
	MaskID64       = "keep_6_4"     // keep the first 6 and last 4 characters (ID number)
	MaskCredit81   = "keep_8_1"     // keep the first 8 characters and the check character
	MaskPhone34    = "keep_3_4"     // keep the first 3 and last 4 digits
	MaskSurname    = "surname"      // keep the surname (姓)
	MaskAddress    = "address_tail" // keep the address down to the district or county
	MaskCardTail4  = "keep_last_4"  // keep the last 4 digits
	MaskEmailLocal = "email_local1" // keep the first character of the local part and the domain
	MaskRedact     = "redact"       // hide the whole value
)

// Load-time check ids (汇聚时校验): the format check of a kind, implemented by package validate.
// CheckNone means any text is accepted (enumerations and ranges are checked from the field's
// own definition, not its kind).
const (
	CheckNone       = "none"
	CheckCitizenID  = "gb11643"  // GB 11643 structure and check digit
	CheckCreditCode = "gb32100"  // GB 32100 structure and check character
	CheckPhone      = "phone"    // mobile or landline format
	CheckDate       = "date"     // a real calendar date
	CheckRegionCode = "gbt2260"  // a region code in the region table's shape
	CheckBankCard   = "bankcard" // bank card format and Luhn check
	CheckEmail      = "email"    // e-mail address format
	CheckNumber     = "number"   // a plain decimal number
)

// KindDef is one row of the kind table.
type KindDef struct {
	Code Kind
	ZH   string // 中文名称
	EN   string
	// Personal marks personal information (个人信息) about a natural person: an entry holding it
	// is never opened by default, and its sensitivity cannot be lowered below Sensitivity
	// without a reason recorded on the entry (SEC-1).
	Personal bool
	// Sensitivity is the default sensitivity level (1–4) of a field of this kind; levels above 1
	// are masked when shared (SEC-2).
	Sensitivity int
	Mask        string // masking rule id (Mask…)
	// OpenSafe tells whether the kind alone lets an entry default to unconditional open (CAT-4,
	// JM 18: "unclear" means open when safe).
	OpenSafe bool
	Check    string // load-time check id (Check…)
}

// Kinds is the kind table, in the order the editor offers them.
var Kinds = []KindDef{
	{KindCitizenID, "公民身份号码", "Citizen ID", true, 3, MaskID64, false, CheckCitizenID},
	{KindCreditCode, "统一社会信用代码", "Credit code", false, 1, MaskCredit81, true, CheckCreditCode},
	{KindPhone, "电话号码", "Phone", true, 3, MaskPhone34, false, CheckPhone},
	{KindName, "姓名", "Person name", true, 2, MaskSurname, false, CheckNone},
	{KindAddress, "地址", "Address", true, 2, MaskAddress, false, CheckNone},
	{KindDate, "日期", "Date", false, 1, MaskNone, true, CheckDate},
	{KindRegionCode, "行政区划代码", "Region code", false, 1, MaskNone, true, CheckRegionCode},
	{KindEnum, "枚举", "Enumeration", false, 1, MaskNone, true, CheckNone},
	{KindBankCard, "银行卡号", "Bank card", true, 3, MaskCardTail4, false, CheckBankCard},
	{KindEmail, "电子邮箱", "Email", true, 2, MaskEmailLocal, false, CheckEmail},
	{KindText, "文本", "Text", false, 1, MaskRedact, true, CheckNone},
	{KindNumber, "数值", "Number", false, 1, MaskNone, true, CheckNumber},
	{KindOther, "其他", "Other", false, 1, MaskNone, true, CheckNone},
}

var kindIndex = func() map[Kind]int {
	m := make(map[Kind]int, len(Kinds))
	for i, d := range Kinds {
		m[d.Code] = i
	}
	return m
}()

// LookupKind returns the row of k.
func LookupKind(k Kind) (KindDef, bool) {
	i, ok := kindIndex[k]
	if !ok {
		return KindDef{}, false
	}
	return Kinds[i], true
}

// KindCodes lists every kind code in table order.
func KindCodes() []Kind {
	out := make([]Kind, len(Kinds))
	for i, d := range Kinds {
		out[i] = d.Code
	}
	return out
}

// Label returns the kind's name in the language (Chinese for tags starting with "zh"), or the
// code itself for an unknown kind.
func (k Kind) Label(lang string) string {
	d, ok := LookupKind(k)
	if !ok {
		return string(k)
	}
	return pick(lang, d.ZH, d.EN)
}

// Personal reports whether k is personal information (an unknown kind is, fail closed).
func (k Kind) Personal() bool {
	d, ok := LookupKind(k)
	return !ok || d.Personal
}

// DefaultSensitivity is the sensitivity level a field of kind k gets when none is stated (an
// unknown kind gets the top level, fail closed).
func (k Kind) DefaultSensitivity() int {
	d, ok := LookupKind(k)
	if !ok {
		return TopLevel
	}
	return d.Sensitivity
}

// OpenSafe reports whether k alone allows an entry to default to unconditional open.
func (k Kind) OpenSafe() bool {
	d, ok := LookupKind(k)
	return ok && d.OpenSafe
}

// MaskRule is the id of k's default masking rule (MaskRedact for an unknown kind).
func (k Kind) MaskRule() string {
	d, ok := LookupKind(k)
	if !ok {
		return MaskRedact
	}
	return d.Mask
}

// CheckRule is the id of k's load-time check (CheckNone for an unknown kind, which the catalog
// refuses anyway).
func (k Kind) CheckRule() string {
	d, ok := LookupKind(k)
	if !ok {
		return CheckNone
	}
	return d.Check
}

// pick returns zh for language tags starting with "zh", en otherwise.
func pick(lang, zh, en string) string {
	if strings.HasPrefix(strings.ToLower(lang), "zh") {
		return zh
	}
	return en
}
