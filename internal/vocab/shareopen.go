package vocab

// ShareType is the share attribute (共享属性, CAT-3).
type ShareType string

// Share types, from the least to the most restricted.
const (
	ShareUnconditional ShareType = "unconditional" // 无条件共享
	ShareConditional   ShareType = "conditional"   // 有条件共享
	ShareNone          ShareType = "none"          // 不予共享
)

// OpenType is the open attribute (开放属性, CAT-4).
type OpenType string

// Open types, from the least to the most restricted.
const (
	OpenUnconditional OpenType = "unconditional" // 无条件开放
	OpenConditional   OpenType = "conditional"   // 有条件开放
	OpenNone          OpenType = "none"          // 不予开放
)

// TypeDef is one row of the share or open type table.
type TypeDef[T ~string] struct {
	Code T
	ZH   string
	EN   string
}

// ShareTypes is the share type table, least restricted first.
var ShareTypes = []TypeDef[ShareType]{
	{ShareUnconditional, "无条件共享", "Unconditional share"},
	{ShareConditional, "有条件共享", "Conditional share"},
	{ShareNone, "不予共享", "Not shared"},
}

// OpenTypes is the open type table, least restricted first.
var OpenTypes = []TypeDef[OpenType]{
	{OpenUnconditional, "无条件开放", "Open"},
	{OpenConditional, "有条件开放", "Conditionally open"},
	{OpenNone, "不予开放", "Not open"},
}

func typeLabel[T ~string](rows []TypeDef[T], c T, lang string) string {
	for _, d := range rows {
		if d.Code == c {
			return pick(lang, d.ZH, d.EN)
		}
	}
	return string(c)
}

func typeRank[T ~string](rows []TypeDef[T], c T) int {
	for i, d := range rows {
		if d.Code == c {
			return i
		}
	}
	return -1
}

// Label returns the share type's name in the language, or the code for an unknown type.
func (t ShareType) Label(lang string) string { return typeLabel(ShareTypes, t, lang) }

// Rank orders share types from the least (0) to the most restricted; -1 for an unknown type.
func (t ShareType) Rank() int { return typeRank(ShareTypes, t) }

// Label returns the open type's name in the language, or the code for an unknown type.
func (t OpenType) Label(lang string) string { return typeLabel(OpenTypes, t, lang) }

// Rank orders open types from the least (0) to the most restricted; -1 for an unknown type.
func (t OpenType) Rank() int { return typeRank(OpenTypes, t) }

func typeCodes[T ~string](rows []TypeDef[T]) []T {
	out := make([]T, len(rows))
	for i, d := range rows {
		out[i] = d.Code
	}
	return out
}

// ShareTypeCodes lists the share type codes, least restricted first.
func ShareTypeCodes() []ShareType { return typeCodes(ShareTypes) }

// OpenTypeCodes lists the open type codes, least restricted first.
func OpenTypeCodes() []OpenType { return typeCodes(OpenTypes) }
