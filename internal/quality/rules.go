package quality

import (
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
)

// Rule kinds (规则类型). The per-field rules that follow from a field's kind (format, check
// digit, required, enum, range, uniqueness of keys) are the loader's; these are the configurable
// rules an entry adds on top (QUA-1).
const (
	KindIDConsistency       = "id_consistency"       // 身份号码与出生日期、性别一致
	KindDateOrder           = "date_order"           // 日期先后：a ≤ b
	KindConditionalRequired = "conditional_required" // 条件必填：若 a = x 则 b 必填
	KindRegex               = "regex"                // 正则表达式
	KindRange               = "range"                // 数值或日期范围
	KindEnum                = "enum"                 // 枚举值
	KindCrossSource         = "cross_source"         // 多源校核：与另一目录条目的同一主体一致
)

// Kinds lists the rule kinds with their Chinese and English names and default dimension.
var Kinds = []struct {
	Kind      string `json:"kind"`
	ZH        string `json:"name"`
	EN        string `json:"name_en"`
	Dimension string `json:"dimension"`
}{
	{KindIDConsistency, "身份号码与出生日期、性别一致", "Citizen ID agrees with birth date and sex", Consistency},
	{KindDateOrder, "日期先后顺序", "Date order (a ≤ b)", Consistency},
	{KindConditionalRequired, "条件必填", "Conditionally required", Completeness},
	{KindRegex, "正则表达式", "Regular expression", Accuracy},
	{KindRange, "取值范围", "Range", Accuracy},
	{KindEnum, "枚举值", "Enumeration", Accuracy},
	{KindCrossSource, "多源校核（与其他目录一致）", "Cross-source agreement", Consistency},
}

func kindInfo(kind string) (zh, en, dim string, ok bool) {
	for _, k := range Kinds {
		if k.Kind == kind {
			return k.ZH, k.EN, k.Dimension, true
		}
	}
	return "", "", "", false
}

// Params are a rule's parameters; only those of the rule's kind are used.
type Params struct {
	// id_consistency: the citizen ID column and the birth-date and/or sex columns it must agree with.
	IDField      string   `json:"id_field,omitempty"`
	BirthField   string   `json:"birth_field,omitempty"`
	SexField     string   `json:"sex_field,omitempty"`
	MaleValues   []string `json:"male_values,omitempty"`   // default 男, 1, M, male
	FemaleValues []string `json:"female_values,omitempty"` // default 女, 2, F, female
	// date_order: Before ≤ After (Before < After when Strict).
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	Strict bool   `json:"strict,omitempty"`
	// conditional_required: when IfField holds one of IfValues (any non-empty value when
	// IfValues is empty), ThenField is required.
	IfField   string   `json:"if_field,omitempty"`
	IfValues  []string `json:"if_values,omitempty"`
	ThenField string   `json:"then_field,omitempty"`
	// regex, range, enum: the checked column.
	Field   string   `json:"field,omitempty"`
	Pattern string   `json:"pattern,omitempty"`  // regex (RE2 syntax; anchor with ^…$ for whole values)
	Min     *float64 `json:"min,omitempty"`      // range, numbers
	Max     *float64 `json:"max,omitempty"`      // range, numbers
	MinDate string   `json:"min_date,omitempty"` // range, dates (YYYY-MM-DD)
	MaxDate string   `json:"max_date,omitempty"` // range, dates (YYYY-MM-DD)
	Values  []string `json:"values,omitempty"`   // enum
	// cross_source: this entry's KeyField value is the key of a record of OtherEntryID, whose
	// OtherField must agree with this entry's Field. RequireMatch makes a missing record there
	// a problem too.
	KeyField     string `json:"key_field,omitempty"`
	OtherEntryID string `json:"other_entry_id,omitempty"`
	OtherField   string `json:"other_field,omitempty"`
	RequireMatch bool   `json:"require_match,omitempty"`
}

// Rule is one configurable quality rule of an entry (质量规则).
type Rule struct {
	ID        string `json:"id"`
	EntryID   string `json:"entry_id"`
	Name      string `json:"name"` // unique in the entry; shown in reports as the rule
	Kind      string `json:"kind"`
	Dimension string `json:"dimension"`
	Params    Params `json:"params"`
	Enabled   bool   `json:"enabled"`
	// Blocking rules make a failing row invalid (not loaded unless the agency loads valid rows
	// only); other rules are advisory: the row is loaded, reported and sent for correction.
	Blocking  bool      `json:"blocking"`
	Note      string    `json:"note,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedBy string    `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// RuleInput is what creating or changing a rule takes.
type RuleInput struct {
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Dimension string `json:"dimension,omitempty"` // default: the kind's
	Params    Params `json:"params"`
	Enabled   *bool  `json:"enabled,omitempty"` // default true
	Blocking  bool   `json:"blocking,omitempty"`
	Note      string `json:"note,omitempty"`
}

func attrsOf(e *catalog.Entry) authz.QualityAttrs {
	return authz.QualityAttrs{ProviderOrgID: e.ProviderOrgID, SourceOrgID: e.SourceOrgID, RegionCode: e.RegionCode}
}

var errRuleName = apperr.New(409, "quality.rule_name_taken", "本目录已有同名规则", "the entry already has a rule with that name")

// Rules lists an entry's rules.
func (s *Service) Rules(ctx context.Context, p *authz.Principal, entryID string) (_ []Rule, err error) {
	defer errs.Wrap(&err, "quality: Rules(%s)", entryID)
	e, err := s.entry(ctx, entryID)
	if err != nil {
		return nil, err
	}
	if err := authz.QualityRule(p, authz.Read, attrsOf(e)); err != nil {
		return nil, err
	}
	return s.rules(ctx, entryID, false)
}

func (s *Service) rules(ctx context.Context, entryID string, enabledOnly bool) ([]Rule, error) {
	q := `SELECT id, entry_id, name, kind, dimension, params, enabled, blocking, note, created_by, created_at, updated_by, updated_at
		FROM quality_rules WHERE entry_id = $1`
	if enabledOnly {
		q += " AND enabled = 1"
	}
	rows, err := s.DB.QueryContext(ctx, q+" ORDER BY created_at, id", entryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Rule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func scanRule(sc interface{ Scan(...any) error }) (Rule, error) {
	var r Rule
	var pj string
	var en, bl int
	var c, u int64
	if err := sc.Scan(&r.ID, &r.EntryID, &r.Name, &r.Kind, &r.Dimension, &pj, &en, &bl, &r.Note, &r.CreatedBy, &c, &r.UpdatedBy, &u); err != nil {
		return r, err
	}
	r.Enabled, r.Blocking, r.CreatedAt, r.UpdatedAt = en != 0, bl != 0, db.FromMillis(c), db.FromMillis(u)
	_ = json.Unmarshal([]byte(pj), &r.Params)
	return r, nil
}

// Rule returns one rule.
func (s *Service) Rule(ctx context.Context, p *authz.Principal, id string) (_ Rule, err error) {
	defer errs.Wrap(&err, "quality: Rule(%s)", id)
	r, err := scanRule(s.DB.QueryRowContext(ctx, `SELECT id, entry_id, name, kind, dimension, params, enabled, blocking, note, created_by, created_at, updated_by, updated_at
		FROM quality_rules WHERE id = $1`, id))
	if db.IsNoRows(err) {
		return r, apperr.NotFound
	}
	if err != nil {
		return r, err
	}
	e, err := s.entry(ctx, r.EntryID)
	if err != nil {
		return r, err
	}
	return r, authz.QualityRule(p, authz.Read, attrsOf(e))
}

// CreateRule adds a rule to an entry (provider's data officer or the authority).
func (s *Service) CreateRule(ctx context.Context, p *authz.Principal, entryID string, in RuleInput) (_ Rule, err error) {
	defer errs.Wrap(&err, "quality: CreateRule(%s)", entryID)
	e, err := s.entry(ctx, entryID)
	if err != nil {
		return Rule{}, err
	}
	if err := authz.QualityRule(p, authz.Create, attrsOf(e)); err != nil {
		return Rule{}, err
	}
	r, err := s.checkRule(ctx, e, in)
	if err != nil {
		return Rule{}, err
	}
	now := s.Now()
	r.ID, r.EntryID, r.CreatedBy, r.UpdatedBy, r.CreatedAt, r.UpdatedAt = ids.New(), e.ID, actorName(p), actorName(p), now, now
	pj, _ := json.Marshal(r.Params)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO quality_rules (id, entry_id, name, kind, dimension, params, enabled, blocking, note, created_by, created_at, updated_by, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`, r.ID, r.EntryID, r.Name, r.Kind, r.Dimension, string(pj), b2i(r.Enabled), b2i(r.Blocking), r.Note,
			r.CreatedBy, db.Millis(now), r.UpdatedBy, db.Millis(now)); err != nil {
			if db.IsUniqueViolation(err) {
				return errRuleName.With(apperr.Field("name", "本目录已有同名规则", "the entry already has a rule with that name"))
			}
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: actorName(p), OrgID: p.OrgID, Action: "quality.rule.create",
			ObjectType: "quality_rule", ObjectID: r.ID, Detail: map[string]any{"entry_id": e.ID, "name": r.Name, "kind": r.Kind, "params": r.Params}})
	})
	return r, err
}

// UpdateRule changes a rule.
func (s *Service) UpdateRule(ctx context.Context, p *authz.Principal, id string, in RuleInput) (_ Rule, err error) {
	defer errs.Wrap(&err, "quality: UpdateRule(%s)", id)
	old, err := s.Rule(ctx, p, id)
	if err != nil {
		return Rule{}, err
	}
	e, err := s.entry(ctx, old.EntryID)
	if err != nil {
		return Rule{}, err
	}
	if err := authz.QualityRule(p, authz.Update, attrsOf(e)); err != nil {
		return Rule{}, err
	}
	r, err := s.checkRule(ctx, e, in)
	if err != nil {
		return Rule{}, err
	}
	r.ID, r.EntryID, r.CreatedBy, r.CreatedAt = old.ID, old.EntryID, old.CreatedBy, old.CreatedAt
	r.UpdatedBy, r.UpdatedAt = actorName(p), s.Now()
	pj, _ := json.Marshal(r.Params)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE quality_rules SET name = $1, kind = $2, dimension = $3, params = $4, enabled = $5, blocking = $6, note = $7,
			updated_by = $8, updated_at = $9 WHERE id = $10`, r.Name, r.Kind, r.Dimension, string(pj), b2i(r.Enabled), b2i(r.Blocking), r.Note, r.UpdatedBy, db.Millis(r.UpdatedAt), r.ID); err != nil {
			if db.IsUniqueViolation(err) {
				return errRuleName.With(apperr.Field("name", "本目录已有同名规则", "the entry already has a rule with that name"))
			}
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: actorName(p), OrgID: p.OrgID, Action: "quality.rule.update",
			ObjectType: "quality_rule", ObjectID: r.ID, Detail: map[string]any{"entry_id": e.ID, "before": old, "after": r}})
	})
	return r, err
}

// DeleteRule removes a rule.
func (s *Service) DeleteRule(ctx context.Context, p *authz.Principal, id string) (err error) {
	defer errs.Wrap(&err, "quality: DeleteRule(%s)", id)
	old, err := s.Rule(ctx, p, id)
	if err != nil {
		return err
	}
	e, err := s.entry(ctx, old.EntryID)
	if err != nil {
		return err
	}
	if err := authz.QualityRule(p, authz.Delete, attrsOf(e)); err != nil {
		return err
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM quality_rules WHERE id = $1", id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: actorName(p), OrgID: p.OrgID, Action: "quality.rule.delete",
			ObjectType: "quality_rule", ObjectID: id, Detail: map[string]any{"entry_id": e.ID, "rule": old}})
	})
}

// TryRule checks one record against a rule that is not saved yet (a dry run for the editor).
func (s *Service) TryRule(ctx context.Context, p *authz.Principal, entryID string, in RuleInput, rec map[string]string) (_ []Problem, err error) {
	defer errs.Wrap(&err, "quality: TryRule(%s)", entryID)
	e, err := s.entry(ctx, entryID)
	if err != nil {
		return nil, err
	}
	if err := authz.QualityRule(p, authz.Read, attrsOf(e)); err != nil {
		return nil, err
	}
	r, err := s.checkRule(ctx, e, in)
	if err != nil {
		return nil, err
	}
	c, err := s.compile(ctx, e, r)
	if err != nil {
		return nil, err
	}
	return c.Check(e, rec), nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkRule validates an input against the entry's fields and returns the rule it describes.
func (s *Service) checkRule(ctx context.Context, e *catalog.Entry, in RuleInput) (Rule, error) {
	r := Rule{Name: strings.TrimSpace(in.Name), Kind: in.Kind, Dimension: in.Dimension, Params: in.Params, Enabled: true, Blocking: in.Blocking, Note: strings.TrimSpace(in.Note)}
	if in.Enabled != nil {
		r.Enabled = *in.Enabled
	}
	var fe []apperr.FieldError
	add := func(field, zh, en string) { fe = append(fe, apperr.Field(field, zh, en)) }
	if n := utf8.RuneCountInString(r.Name); n == 0 || n > 60 {
		add("name", "规则名称须为 1–60 个字符", "the rule name must have 1–60 characters")
	}
	if utf8.RuneCountInString(r.Note) > 500 {
		add("note", "说明不超过 500 个字符", "the note must have at most 500 characters")
	}
	_, _, dim, ok := kindInfo(r.Kind)
	if !ok {
		add("kind", "未知规则类型", "unknown rule kind")
		return r, apperr.Validation(fe)
	}
	if r.Dimension == "" {
		r.Dimension = dim
	}
	if _, ok := DimensionNames[r.Dimension]; !ok {
		add("dimension", "质量维度须为 completeness、accuracy、consistency、timeliness 或 availability",
			"dimension must be completeness, accuracy, consistency, timeliness or availability")
	}
	pr := &r.Params
	field := func(param, name string, required bool, kinds ...catalog.FieldKind) {
		if name == "" {
			if required {
				add("params."+param, "请选择字段", "choose a field")
			}
			return
		}
		f, ok := e.Field(name)
		if !ok {
			add("params."+param, "目录条目中没有该字段："+name, "the entry has no field "+name)
			return
		}
		if len(kinds) > 0 && !slices.Contains(kinds, f.Kind) && !(slices.Contains(kinds, catalog.KindDate) && f.Type == catalog.TypeDate) {
			add("params."+param, "字段类型不适用于此规则："+name, "the field's kind does not fit this rule: "+name)
		}
	}
	switch r.Kind {
	case KindIDConsistency:
		field("id_field", pr.IDField, true, catalog.KindCitizenID)
		field("birth_field", pr.BirthField, false)
		field("sex_field", pr.SexField, false)
		if pr.BirthField == "" && pr.SexField == "" {
			add("params.birth_field", "出生日期字段与性别字段至少选择一个", "choose a birth-date field, a sex field or both")
		}
		for _, v := range pr.MaleValues {
			if slices.Contains(pr.FemaleValues, v) {
				add("params.male_values", "男、女取值不能重复："+v, "a value cannot mean both male and female: "+v)
			}
		}
	case KindDateOrder:
		field("before", pr.Before, true)
		field("after", pr.After, true)
		if pr.Before != "" && pr.Before == pr.After {
			add("params.after", "请选择两个不同的字段", "choose two different fields")
		}
	case KindConditionalRequired:
		field("if_field", pr.IfField, true)
		field("then_field", pr.ThenField, true)
		if pr.IfField != "" && pr.IfField == pr.ThenField {
			add("params.then_field", "请选择两个不同的字段", "choose two different fields")
		}
		pr.IfValues = cleanList(pr.IfValues)
	case KindRegex:
		field("field", pr.Field, true)
		if pr.Pattern == "" || len(pr.Pattern) > 500 {
			add("params.pattern", "请填写 1–500 个字符的正则表达式", "enter a regular expression of 1–500 characters")
		} else if _, err := regexp.Compile(pr.Pattern); err != nil {
			add("params.pattern", "正则表达式无效", "the regular expression is invalid")
		}
	case KindRange:
		field("field", pr.Field, true)
		dates := pr.MinDate != "" || pr.MaxDate != ""
		nums := pr.Min != nil || pr.Max != nil
		switch {
		case dates && nums:
			add("params.min", "数值范围与日期范围只能选其一", "give either a number range or a date range")
		case !dates && !nums:
			add("params.min", "请至少填写下限或上限", "give a lower bound, an upper bound or both")
		case nums:
			if (pr.Min != nil && (math.IsNaN(*pr.Min) || math.IsInf(*pr.Min, 0))) || (pr.Max != nil && (math.IsNaN(*pr.Max) || math.IsInf(*pr.Max, 0))) {
				add("params.min", "范围须为有限数值", "bounds must be finite numbers")
			} else if pr.Min != nil && pr.Max != nil && *pr.Min > *pr.Max {
				add("params.max", "上限不能小于下限", "the upper bound is below the lower bound")
			}
		case dates:
			var lo, hi time.Time
			var err error
			if pr.MinDate != "" {
				if lo, err = parseDay(pr.MinDate); err != nil {
					add("params.min_date", "日期格式应为 YYYY-MM-DD", "dates must be YYYY-MM-DD")
				}
			}
			if pr.MaxDate != "" {
				if hi, err = parseDay(pr.MaxDate); err != nil {
					add("params.max_date", "日期格式应为 YYYY-MM-DD", "dates must be YYYY-MM-DD")
				}
			}
			if !lo.IsZero() && !hi.IsZero() && lo.After(hi) {
				add("params.max_date", "结束日期不能早于开始日期", "the end date is before the start date")
			}
		}
	case KindEnum:
		field("field", pr.Field, true)
		pr.Values = cleanList(pr.Values)
		if len(pr.Values) == 0 || len(pr.Values) > 500 {
			add("params.values", "请填写 1–500 个允许值", "give 1–500 allowed values")
		}
	case KindCrossSource:
		field("key_field", pr.KeyField, true)
		field("field", pr.Field, true)
		switch {
		case pr.OtherEntryID == "":
			add("params.other_entry_id", "请选择对照的目录条目", "choose the entry to compare with")
		case pr.OtherEntryID == e.ID:
			add("params.other_entry_id", "对照目录须为另一个目录条目", "compare with another entry")
		default:
			other, err := s.entry(ctx, pr.OtherEntryID)
			if err != nil {
				add("params.other_entry_id", "对照的目录条目不存在", "the entry to compare with does not exist")
				break
			}
			if len(other.KeyFields()) != 1 {
				add("params.other_entry_id", "对照目录须以单一字段为主键", "the entry to compare with must have a single key field")
			}
			if _, ok := other.Field(pr.OtherField); !ok {
				add("params.other_field", "对照目录中没有该字段："+pr.OtherField, "the other entry has no field "+pr.OtherField)
			}
		}
	}
	return r, apperr.Validation(fe)
}

func cleanList(vs []string) []string {
	var out []string
	for _, v := range vs {
		v = strings.TrimSpace(v)
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// RowRules returns an entry's enabled rules compiled for one load: the loader runs them on every
// row. Cross-source rules keep a per-load cache of the records they looked up.
func (s *Service) RowRules(ctx context.Context, e *catalog.Entry) (_ []RowRule, err error) {
	defer errs.Wrap(&err, "quality: RowRules")
	rs, err := s.rules(ctx, e.ID, true)
	if err != nil {
		return nil, err
	}
	out := make([]RowRule, 0, len(rs))
	for _, r := range rs {
		c, err := s.compile(ctx, e, r)
		if err != nil {
			// A rule that no longer fits the entry (a field was removed) is skipped, not fatal.
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

// RowRule is a compiled rule; it has the method set of the loader's row rule.
type RowRule interface {
	Name() string
	Dimension() string
	Check(e *catalog.Entry, rec map[string]string) []Problem
}
