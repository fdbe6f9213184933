package vocab

// Grade is the national data grade (数据分级, GB/T 43697-2024): core, important, general.
// General data has a finer sensitivity level 1–4 set by region rules (SEC-1).
type Grade string

// National grades.
const (
	GradeCore      Grade = "core"      // 核心数据
	GradeImportant Grade = "important" // 重要数据
	GradeGeneral   Grade = "general"   // 一般数据
)

// GradeDef is one row of the grade table.
type GradeDef struct {
	Code Grade
	ZH   string
	EN   string
	// Protected grades (core, important) are never unconditionally shared or opened unless the
	// authority records an override with its reason (SEC-1).
	Protected bool
	Levels    []int // sensitivity levels allowed within the grade; empty: none
}

// Grades is the national grade table, from the most to the least protected.
var Grades = []GradeDef{
	{GradeCore, "核心数据", "Core data", true, nil},
	{GradeImportant, "重要数据", "Important data", true, nil},
	{GradeGeneral, "一般数据", "General data", false, []int{1, 2, 3, 4}},
}

// LookupGrade returns the row of g.
func LookupGrade(g Grade) (GradeDef, bool) {
	for _, d := range Grades {
		if d.Code == g {
			return d, true
		}
	}
	return GradeDef{}, false
}

// Label returns the grade's name in the language, or the code for an unknown grade.
func (g Grade) Label(lang string) string {
	if d, ok := LookupGrade(g); ok {
		return pick(lang, d.ZH, d.EN)
	}
	return string(g)
}

// Protected reports whether g is core or important data. A grade outside the national table
// (a region's own) is protected, fail closed; the empty grade is the default, general data.
func (g Grade) Protected() bool {
	if g == "" {
		return false
	}
	d, ok := LookupGrade(g)
	return !ok || d.Protected
}

// TopLevel is the highest sensitivity level (L4 敏感): a field at this level, like core and
// important data, is never unconditionally shared or opened without an authority override.
const TopLevel = 4

// LevelDef is one sensitivity level (敏感级别) of general data.
type LevelDef struct {
	Level int
	ZH    string
	EN    string
}

// Levels is the sensitivity level table (the common four-level split, e.g. Zhejiang: L1 not
// sensitive → open; L2/L3 restricted, desensitized; L4 sensitive → not open).
var Levels = []LevelDef{
	{1, "L1 不敏感", "L1 not sensitive"},
	{2, "L2 低敏感", "L2 low sensitivity"},
	{3, "L3 较敏感", "L3 sensitive"},
	{4, "L4 敏感", "L4 highly sensitive"},
}

// LevelLabel returns the level's name in the language, or "" for a level outside the table.
func LevelLabel(level int, lang string) string {
	for _, d := range Levels {
		if d.Level == level {
			return pick(lang, d.ZH, d.EN)
		}
	}
	return ""
}
