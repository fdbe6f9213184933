package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"slices"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/errs"
	"pubdata/internal/vocab"
)

// GradeDef is one grade of the region's grading scheme (分级方案). Levels lists the sensitivity
// levels allowed within the grade (general data: 1–4); empty means the grade has no levels.
type GradeDef struct {
	Code   Grade  `json:"code"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
	Levels []int  `json:"levels,omitempty"`
}

// Topic is one node of the topic taxonomy (主题分类). Code is two digits; together with the
// resource attribute digit it forms the classification code of an entry's code.
type Topic struct {
	Code   string `json:"code"`
	Attr   string `json:"attr"` // base | subject | department
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
}

// Config is the catalog's per-platform configuration, editable by the authority. Deadlines
// default to NM 11 / BT 18 (the stricter texts).
type Config struct {
	Grades         []GradeDef `json:"grades"`
	Topics         []Topic    `json:"topics"`
	ReviewDays     int        `json:"review_days"`     // authority decides within (working days)
	UpdateDays     int        `json:"update_days"`     // agency updates after a legal change within (working days)
	RemindBefore   int        `json:"remind_before"`   // remind when this many working days or fewer are left
	ReassessMonths int        `json:"reassess_months"` // re-assessment interval (CAT-7)
}

// DefaultConfig is the national default: core / important / general (general split into L1–L4,
// GB/T 43697-2024), the base-resource and common subject topics, 5 and 15 working days.
func DefaultConfig() Config {
	return Config{
		Grades: defaultGrades(),
		Topics: []Topic{
			{"01", AttrBase, "人口基础信息", "Population"},
			{"02", AttrBase, "法人单位基础信息", "Legal entities"},
			{"03", AttrBase, "自然资源和空间地理", "Natural resources and geography"},
			{"04", AttrBase, "社会信用", "Social credit"},
			{"05", AttrBase, "电子证照", "E-licenses"},
			{"11", AttrSubject, "社会保障", "Social security"},
			{"12", AttrSubject, "医疗卫生", "Health"},
			{"13", AttrSubject, "教育科技", "Education"},
			{"14", AttrSubject, "市场监管", "Market regulation"},
			{"15", AttrSubject, "公共安全", "Public safety"},
			{"16", AttrSubject, "住房城乡建设", "Housing"},
			{"17", AttrSubject, "公用事业", "Utilities"},
			{"18", AttrSubject, "财税金融", "Finance and tax"},
			{"19", AttrSubject, "民政服务", "Civil affairs"},
			{"31", AttrDepartment, "部门业务", "Departmental business"},
		},
		ReviewDays: 5, UpdateDays: 15, RemindBefore: 2, ReassessMonths: 12,
	}
}

// defaultGrades is the national grade table (vocab.Grades) as a grading scheme.
func defaultGrades() []GradeDef {
	out := make([]GradeDef, 0, len(vocab.Grades))
	for _, g := range vocab.Grades {
		out = append(out, GradeDef{Code: g.Code, Name: g.ZH, NameEN: g.EN, Levels: slices.Clone(g.Levels)})
	}
	return out
}

const configKey = "catalog.config"

// Config returns the stored configuration, or the default.
func (s *Service) Config(ctx context.Context) Config {
	var raw string
	c := DefaultConfig()
	if err := s.DB.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", configKey).Scan(&raw); err == nil {
		var stored Config
		if json.Unmarshal([]byte(raw), &stored) == nil {
			if len(stored.Grades) > 0 {
				c.Grades = stored.Grades
			}
			if len(stored.Topics) > 0 {
				c.Topics = stored.Topics
			}
			if stored.ReviewDays > 0 {
				c.ReviewDays = stored.ReviewDays
			}
			if stored.UpdateDays > 0 {
				c.UpdateDays = stored.UpdateDays
			}
			if stored.RemindBefore > 0 {
				c.RemindBefore = stored.RemindBefore
			}
			if stored.ReassessMonths > 0 {
				c.ReassessMonths = stored.ReassessMonths
			}
		}
	}
	return c
}

// SetConfig replaces the configuration (authority administrators of the province).
func (s *Service) SetConfig(ctx context.Context, p *authz.Principal, c Config) (err error) {
	defer errs.Wrap(&err, "catalog: SetConfig")
	if err := authz.CatalogEntry(p, authz.Manage, authz.CatalogAttrs{RegionCode: s.platformRegion(ctx)}); err != nil {
		return err
	}
	var fe []apperr.FieldError
	if len(c.Grades) == 0 {
		fe = append(fe, apperr.Field("grades", "分级方案不能为空", "the grading scheme must not be empty"))
	}
	seen := map[string]bool{}
	for i, t := range c.Topics {
		if len(t.Code) != 2 || t.Code[0] < '0' || t.Code[0] > '9' || t.Code[1] < '0' || t.Code[1] > '9' {
			fe = append(fe, apperr.Field(fieldPath("topics", i, "code"), "主题代码须为两位数字", "a topic code is two digits"))
		}
		if seen[t.Code] {
			fe = append(fe, apperr.Field(fieldPath("topics", i, "code"), "主题代码重复", "duplicate topic code"))
		}
		seen[t.Code] = true
		if !slices.Contains([]string{AttrBase, AttrSubject, AttrDepartment}, t.Attr) {
			fe = append(fe, apperr.Field(fieldPath("topics", i, "attr"), "资源属性须为基础、主题或部门", "the attribute must be base, subject or department resources"))
		}
		if t.Name == "" {
			fe = append(fe, apperr.Field(fieldPath("topics", i, "name"), "请填写主题名称", "name is required"))
		}
	}
	if c.ReviewDays < 0 || c.UpdateDays < 0 || c.RemindBefore < 0 || c.ReassessMonths < 0 {
		fe = append(fe, apperr.Field("review_days", "期限不能为负数", "deadlines must not be negative"))
	}
	if err := apperr.Validation(fe); err != nil {
		return err
	}
	b, _ := json.Marshal(c)
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, configKey, string(b)); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID,
			Action: "catalog.config.update", ObjectType: "catalog_config", ObjectID: configKey, Detail: map[string]any{"config": c}})
	})
}

func (c Config) grade(g Grade) (GradeDef, bool) {
	for _, d := range c.Grades {
		if d.Code == g {
			return d, true
		}
	}
	return GradeDef{}, false
}

func (c Config) topic(code string) (Topic, bool) {
	for _, t := range c.Topics {
		if t.Code == code {
			return t, true
		}
	}
	return Topic{}, false
}

// platformRegion is the top region of this platform node (the one without a parent). The
// grading scheme, topics and source registry are platform-wide, so only the authority covering
// it (the province's, not a city's) changes them.
func (s *Service) platformRegion(ctx context.Context) string {
	var code string
	if err := s.DB.QueryRowContext(ctx, "SELECT code FROM regions WHERE parent_code IS NULL ORDER BY level, code LIMIT 1").Scan(&code); err != nil {
		return "-" // no region yet: nobody covers it
	}
	return code
}
