package catalog

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"pubdata/internal/apperr"
	"pubdata/internal/vocab"
)

var (
	fieldNameRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
	codeRe      = regexp.MustCompile(`^[0-9A-Z]{1,12}-[0-9]{4,8}$`)
)

var (
	allForms     = []DataForm{FormTable, FormAPI, FormFile}
	allShare     = vocab.ShareTypeCodes()
	allOpen      = vocab.OpenTypeCodes()
	allFreq      = []Frequency{FreqRealtime, FreqDaily, FreqWeekly, FreqMonthly, FreqQuarterly, FreqYearly, FreqIrregular}
	allAttrs     = []string{AttrBase, AttrSubject, AttrDepartment}
	allKinds     = vocab.KindCodes()
	allTypes     = []FieldType{TypeString, TypeInteger, TypeDecimal, TypeDate, TypeTime, TypeBool}
	allModes     = []string{"api", "table", "file", "offline"}
	openReasons  = []string{ReasonTradeSecret, ReasonPrivacy, ReasonLegalBar}
	AllFrequency = allFreq
	AllKinds     = allKinds
	AllTypes     = allTypes
	AllForms     = allForms
	AllShare     = allShare
	AllOpen      = allOpen
	AllModes     = allModes
	OpenReasons  = openReasons
	AllAttrs     = allAttrs
)

func fieldPath(list string, i int, name string) string {
	return fmt.Sprintf("%s[%d].%s", list, i, name)
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// shareRank orders share types from least to most restricted.
func shareRank(t ShareType) int { return slices.Index(allShare, t) }

func openRank(t OpenType) int { return slices.Index(allOpen, t) }

// Normalize fills the defaults the rules prescribe: an entry (or field) with no legal basis for
// restriction is unconditionally shared (CAT-3); the source agency defaults to the provider; the
// open type defaults to unconditional only when the data is safe to open (JM 18: "unclear"
// means open when safe) — otherwise it must be stated.
func Normalize(e *Entry) {
	e.Name = strings.TrimSpace(e.Name)
	e.Summary = strings.TrimSpace(e.Summary)
	e.Code = strings.ToUpper(strings.TrimSpace(e.Code))
	for i := range e.Fields {
		f := &e.Fields[i]
		f.Name = strings.TrimSpace(f.Name)
		f.Label = strings.TrimSpace(f.Label)
		if f.Type == "" {
			f.Type = TypeString
		}
		if f.Kind == "" {
			f.Kind = KindText
		}
		if f.Sensitivity == 0 {
			f.Sensitivity = f.Kind.DefaultSensitivity() // personal kinds: a masked level (SEC-1)
		}
		f.SensitivityReason = strings.TrimSpace(f.SensitivityReason)
	}
	if e.SourceOrgID == "" {
		e.SourceOrgID = e.ProviderOrgID
	}
	if e.ShareType == "" && blank(e.ShareBasis) && blank(e.ShareReason) {
		e.ShareType = ShareUnconditional
	}
	if e.OpenType == "" && safeToOpen(e) {
		e.OpenType = OpenUnconditional
	}
	if e.Grade == "" {
		e.Grade = GradeGeneral
	}
	if e.Grade == GradeGeneral && e.Level == 0 {
		e.Level = 1
		for _, f := range e.Fields {
			e.Level = max(e.Level, f.Sensitivity)
		}
	}
	var tags []string
	for _, t := range e.Tags {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	e.Tags = tags
	for i := range e.Fields {
		if e.Fields[i].SourceOrgID == e.SourceOrgID {
			e.Fields[i].SourceOrgID = ""
		}
	}
}

func safeToOpen(e *Entry) bool {
	if e.Grade == GradeCore || e.Grade == GradeImportant || e.Level >= 3 {
		return false
	}
	for _, f := range e.Fields {
		if f.Sensitivity >= 3 || !f.Kind.OpenSafe() {
			return false
		}
	}
	return true
}

// Validate checks an entry against CAT-2, CAT-3 and CAT-4 and returns every problem, each
// naming the field it is about (e.g. share_legal_basis, fields[2].reason).
func Validate(e *Entry, cfg Config) []apperr.FieldError {
	var fe []apperr.FieldError
	add := func(field, zh, en string) { fe = append(fe, apperr.Field(field, zh, en)) }
	if blank(e.Name) {
		add("name", "请填写资源名称", "name is required")
	} else if utf8.RuneCountInString(e.Name) > 200 {
		add("name", "资源名称不能超过 200 个字", "name must be at most 200 characters")
	}
	if blank(e.Summary) {
		add("summary", "请填写资源摘要", "summary is required")
	}
	if e.Code != "" && !codeRe.MatchString(e.Code) {
		add("code", "资源代码应为“分类代码-顺序码”，如 101-000001", "code must be classification code + sequence, e.g. 101-000001")
	}
	if blank(e.ProviderOrgID) {
		add("provider_org_id", "请指定资源提供部门", "provider agency is required")
	}
	if !slices.Contains(allForms, e.Form) {
		add("data_form", "资源形态须为库表、接口或文件", "data form must be table, api or file")
	}
	if !slices.Contains(allAttrs, e.ResourceAttr) {
		add("resource_attr", "资源属性须为基础、主题或部门", "resource attribute must be base, subject or department")
	}
	if e.Topic != "" {
		if t, ok := cfg.topic(e.Topic); !ok {
			add("topic", "主题分类不在分类体系中", "topic is not in the taxonomy")
		} else if t.Attr != e.ResourceAttr && slices.Contains(allAttrs, e.ResourceAttr) {
			add("topic", "主题分类与资源属性不一致", "topic does not belong to the resource attribute")
		}
	}
	if g, ok := cfg.grade(e.Grade); !ok {
		add("grade", "分级不在本地区分级方案中", "grade is not in the grading scheme")
	} else if len(g.Levels) > 0 && !slices.Contains(g.Levels, e.Level) {
		add("level", fmt.Sprintf("%s须选择级别（%v）", g.Name, g.Levels), fmt.Sprintf("%s needs a level (%v)", g.NameEN, g.Levels))
	}
	if !slices.Contains(allFreq, e.Frequency) {
		add("update_frequency", "请选择更新周期", "update frequency is required")
	}
	for i, m := range e.ShareModes {
		if !slices.Contains(allModes, m) {
			add(fmt.Sprintf("share_modes[%d]", i), "共享方式须为 api、table、file 或 offline", "share mode must be api, table, file or offline")
		}
	}
	// CAT-3 share type.
	switch e.ShareType {
	case ShareUnconditional:
	case ShareConditional, ShareNone:
		name := map[ShareType][2]string{ShareConditional: {"有条件共享", "conditional share"}, ShareNone: {"不予共享", "not shared"}}[e.ShareType]
		if blank(e.ShareReason) {
			add("share_reason", name[0]+"须说明理由", name[1]+" needs a reason")
		}
		if blank(e.ShareBasis) {
			add("share_legal_basis", name[0]+"须提供法律法规或政策依据", name[1]+" needs a legal basis")
		}
		if e.ShareType == ShareConditional && blank(e.ShareCondition) {
			add("share_conditions", "有条件共享须写明共享条件", "conditional share needs its conditions")
		}
	case "":
		add("share_type", "已填写限制理由或依据，请选择共享属性", "a restriction reason or basis was given: choose the share type")
	default:
		add("share_type", "共享属性须为无条件共享、有条件共享或不予共享", "share type must be unconditional, conditional or none")
	}
	// CAT-4 open type.
	switch e.OpenType {
	case OpenUnconditional:
	case OpenConditional:
		if blank(e.OpenCondition) {
			add("open_conditions", "有条件开放须写明开放条件", "conditional open needs its conditions")
		}
	case OpenNone:
		if !slices.Contains(openReasons, e.OpenReason) {
			add("open_reason", "不予开放仅限商业秘密、个人隐私或法律法规禁止（trade_secret、privacy、legal_bar）", "not open only for a trade secret, personal privacy or a legal bar (trade_secret, privacy, legal_bar)")
		}
		if e.OpenReason == ReasonLegalBar && blank(e.OpenBasis) {
			add("open_legal_basis", "因法律法规禁止不予开放的，须写明依据", "a legal bar needs its legal basis")
		}
	case "":
		add("open_type", "含敏感数据项或较高分级，须明确开放属性", "the entry holds sensitive items or a high grade: choose the open type")
	default:
		add("open_type", "开放属性须为无条件开放、有条件开放或不予开放", "open type must be unconditional, conditional or none")
	}
	if len(e.Fields) == 0 {
		add("fields", "至少需要一个信息项", "at least one data item is required")
	}
	names := map[string]bool{}
	for i, f := range e.Fields {
		p := func(n string) string { return fieldPath("fields", i, n) }
		if !fieldNameRe.MatchString(f.Name) {
			add(p("name"), "字段名须以小写字母开头，只含小写字母、数字和下划线", "field name must match [a-z][a-z0-9_]*")
		} else if names[f.Name] {
			add(p("name"), "字段名重复："+f.Name, "duplicate field name: "+f.Name)
		}
		names[f.Name] = true
		if blank(f.Label) {
			add(p("label"), "请填写信息项中文名称", "label is required")
		}
		if !slices.Contains(allTypes, f.Type) {
			add(p("type"), "数据类型无效", "invalid data type")
		}
		if !slices.Contains(allKinds, f.Kind) {
			add(p("kind"), "数据项类别无效", "invalid field kind")
		}
		if f.Kind == KindEnum && len(f.EnumValues) == 0 {
			add(p("enum_values"), "枚举类信息项须列出取值", "an enum field needs its values")
		}
		if f.Sensitivity < 1 || f.Sensitivity > vocab.TopLevel {
			add(p("sensitivity"), "敏感级别须为 1–4", "sensitivity must be 1–4")
		} else if d := f.Kind.DefaultSensitivity(); f.Sensitivity < d && blank(f.SensitivityReason) && slices.Contains(allKinds, f.Kind) {
			// SEC-1: personal kinds default to a masked level; lowering it is a recorded decision.
			add(p("sensitivity_reason"),
				fmt.Sprintf("信息项“%s”（%s）是%s，默认敏感级别为 L%d（共享时脱敏）；降为 L%d 须说明理由", f.Label, f.Name, f.Kind.Label("zh"), d, f.Sensitivity),
				fmt.Sprintf("item %s is a %s, sensitivity L%d by default (masked when shared); lowering it to L%d needs a reason", f.Name, strings.ToLower(f.Kind.Label("en")), d, f.Sensitivity))
		}
		if f.MaxLength < 0 {
			add(p("max_length"), "数据长度不能为负数", "max_length cannot be negative")
		}
		if f.MinValue != nil && f.MaxValue != nil && *f.MinValue > *f.MaxValue {
			add(p("min_value"), "最小值大于最大值", "min_value is greater than max_value")
		}
		// CAT-3 per field: a field may be stricter than its entry, never looser, and a stricter
		// share type needs its own reason, legal basis (and conditions).
		if f.ShareType != "" {
			if !slices.Contains(allShare, f.ShareType) {
				add(p("share_type"), "共享属性无效", "invalid share type")
			} else if shareRank(f.ShareType) < shareRank(e.ShareType) {
				add(p("share_type"), "信息项的共享属性不能比资源更宽松", "a field cannot be shared more freely than its entry")
			} else if shareRank(f.ShareType) > shareRank(e.ShareType) {
				if blank(f.Reason) {
					add(p("reason"), "信息项限制共享须说明理由", "a restricted field needs a reason")
				}
				if blank(f.LegalBasis) {
					add(p("legal_basis"), "信息项限制共享须提供法律法规或政策依据", "a restricted field needs a legal basis")
				}
				if f.ShareType == ShareConditional && blank(f.Condition) {
					add(p("condition"), "信息项有条件共享须写明条件", "a conditional field needs its conditions")
				}
			}
		}
		if f.OpenType != "" {
			if !slices.Contains(allOpen, f.OpenType) {
				add(p("open_type"), "开放属性无效", "invalid open type")
			} else if e.OpenType != "" && openRank(f.OpenType) < openRank(e.OpenType) {
				add(p("open_type"), "信息项的开放属性不能比资源更宽松", "a field cannot be opened more freely than its entry")
			} else if f.OpenType == OpenNone && e.OpenType != OpenNone && !slices.Contains(openReasons, f.OpenReason) {
				add(p("open_reason"), "信息项不予开放仅限商业秘密、个人隐私或法律法规禁止", "a field is not opened only for a trade secret, personal privacy or a legal bar")
			} else if f.OpenType == OpenConditional && e.OpenType != OpenConditional && blank(f.Condition) {
				add(p("condition"), "信息项有条件开放须写明条件", "a conditionally opened field needs its conditions")
			}
		}
	}
	fe = append(fe, checkMaskRules("mask_rules", e.MaskRules)...)
	return fe
}
