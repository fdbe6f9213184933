// Package operate is authorized operation (授权运营, OPR-1 … OPR-10, SHR-12): providers register
// views over their aggregated data, the operator defines products over them — statistics with
// differential privacy, verification, indicators — which pass a compliance review before each
// versioned release; application units apply, sign versioned agreements and query the products,
// never the rows ("原始数据不出域、数据可用不可见"). The statistics engine (stats.go) is pure; the
// service (service.go) keeps the workflow, the privacy-budget ledger and the query log.
package operate

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/db"
)

// Minimum group sizes (最小分组规模): a released statistic describes at least MinGroupDefault
// subjects unless the view says otherwise, and never fewer than MinGroupFloor.
const (
	MinGroupDefault = 10
	MinGroupFloor   = 3
	// DominanceDefault: a sum or mean is suppressed when one subject contributes more than this
	// percentage of the group's total (dominance rule, (1,k) rule).
	DominanceDefault = 50
	// MaxCells bounds a statistics answer: the cross product of the requested dimension values.
	MaxCells = 2000
	// HistBins is the resolution of the noisy histogram behind quantiles.
	HistBins = 32
	// MaxDimValues bounds a declared domain.
	MaxDimValues = 500
)

// Dimension is a column one may group by or filter on, with its declared domain (值域): the
// answer enumerates these values, never values found in the data, so that a group's existence
// says nothing about the data.
type Dimension struct {
	Field  string   `json:"field"`
	Values []string `json:"values"`
}

// Measure is a numeric column with declared bounds (取值界限): values are clamped into
// [Lo, Hi] and counted in units of 10^−Decimals, so sums are sums of integers.
type Measure struct {
	Field    string `json:"field"`
	Lo       int64  `json:"lo"`
	Hi       int64  `json:"hi"`
	Decimals int    `json:"decimals"`
}

// View is what a provider registers over one aggregated entry (数据视图): one relation, a subject
// identifier column, dimensions with domains, measures with bounds, and the disclosure rules.
type View struct {
	ID          string      `json:"id"`
	EntryID     string      `json:"entry_id"`
	Name        string      `json:"name"`
	OrgID       string      `json:"org_id"`
	RegionCode  string      `json:"region_code"`
	Subject     string      `json:"subject"`
	Dimensions  []Dimension `json:"dimensions"`
	Measures    []Measure   `json:"measures"`
	MinGroup    int         `json:"min_group"`
	MaxRows     int         `json:"max_rows"`      // rows one subject may contribute (贡献上限)
	DominancePc int         `json:"dominance_pct"` // dominance rule threshold, percent
	Items       []string    `json:"items"`         // fields a verification or indicator product may name
	CreatedBy   string      `json:"created_by,omitempty"`
	CreatedAt   db.Stamp    `json:"created_at,omitempty"`
	// SubjectUnique is set by the service when the subject is the entry's only key: each subject
	// then has exactly one current row and contribution bounding needs no window.
	SubjectUnique bool `json:"subject_unique"`
}

var fieldRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

func (v *View) dim(f string) *Dimension {
	for i := range v.Dimensions {
		if v.Dimensions[i].Field == f {
			return &v.Dimensions[i]
		}
	}
	return nil
}

func (v *View) measure(f string) *Measure {
	for i := range v.Measures {
		if v.Measures[i].Field == f {
			return &v.Measures[i]
		}
	}
	return nil
}

// Normalize fills the defaults and checks the view against the entry's fields.
func (v *View) Normalize(fields []string) error {
	var fe []apperr.FieldError
	v.Name = strings.TrimSpace(v.Name)
	if v.Name == "" || len([]rune(v.Name)) > 100 {
		fe = append(fe, apperr.Field("name", "请填写视图名称（不超过100字）", "give the view a name (at most 100 characters)"))
	}
	has := func(f string) bool { return slices.Contains(fields, f) }
	if !fieldRE.MatchString(v.Subject) || !has(v.Subject) {
		fe = append(fe, apperr.Field("subject", "主体标识列必须是该目录条目的信息项", "the subject column must be a field of the entry"))
	}
	if v.MinGroup == 0 {
		v.MinGroup = MinGroupDefault
	}
	if v.MinGroup < MinGroupFloor || v.MinGroup > 1000 {
		fe = append(fe, apperr.Field("min_group", fmt.Sprintf("最小分组规模不得小于%d", MinGroupFloor), fmt.Sprintf("the minimum group size may not be below %d", MinGroupFloor)))
	}
	if v.MaxRows == 0 {
		v.MaxRows = 1
	}
	if v.MaxRows < 1 || v.MaxRows > 100 {
		fe = append(fe, apperr.Field("max_rows", "每个主体的贡献上限应在1到100行之间", "rows per subject must be between 1 and 100"))
	}
	if v.DominancePc == 0 {
		v.DominancePc = DominanceDefault
	}
	if v.DominancePc < 10 || v.DominancePc > 100 {
		fe = append(fe, apperr.Field("dominance_pct", "支配规则阈值应在10%到100%之间", "the dominance threshold must be between 10% and 100%"))
	}
	seen := map[string]bool{v.Subject: true}
	if len(v.Dimensions) > 10 || len(v.Measures) > 10 {
		fe = append(fe, apperr.Field("dimensions", "维度与度量各不超过10个", "at most 10 dimensions and 10 measures"))
	}
	for i := range v.Dimensions {
		d := &v.Dimensions[i]
		if !fieldRE.MatchString(d.Field) || !has(d.Field) || seen[d.Field] {
			fe = append(fe, apperr.Field("dimensions", "维度“"+d.Field+"”不是该条目的信息项，或与主体列、其他列重复", "dimension "+d.Field+" is not a field of the entry, or repeats another column"))
			continue
		}
		seen[d.Field] = true
		vals := map[string]bool{}
		for j, x := range d.Values {
			x = strings.TrimSpace(x)
			d.Values[j] = x
			if x == "" || len(x) > 100 || vals[x] {
				fe = append(fe, apperr.Field("dimensions", "维度“"+d.Field+"”的值域有空值或重复值", "dimension "+d.Field+" has an empty or repeated value"))
				break
			}
			vals[x] = true
		}
		if len(d.Values) == 0 || len(d.Values) > MaxDimValues {
			fe = append(fe, apperr.Field("dimensions", fmt.Sprintf("维度“%s”须声明1到%d个取值", d.Field, MaxDimValues), fmt.Sprintf("dimension %s must declare 1 to %d values", d.Field, MaxDimValues)))
		}
	}
	for i := range v.Measures {
		m := &v.Measures[i]
		if !fieldRE.MatchString(m.Field) || !has(m.Field) || seen[m.Field] {
			fe = append(fe, apperr.Field("measures", "度量“"+m.Field+"”不是该条目的信息项，或与其他列重复", "measure "+m.Field+" is not a field of the entry, or repeats another column"))
			continue
		}
		seen[m.Field] = true
		if m.Decimals < 0 || m.Decimals > 4 {
			fe = append(fe, apperr.Field("measures", "小数位数应在0到4之间", "decimals must be between 0 and 4"))
		}
		if m.Lo >= m.Hi || m.Lo < -1e9 || m.Hi > 1e9 {
			fe = append(fe, apperr.Field("measures", "度量“"+m.Field+"”须声明下界小于上界（绝对值不超过十亿）", "measure "+m.Field+" needs lower < upper bound (within ±10^9)"))
		}
	}
	for _, it := range v.Items {
		if !has(it) {
			fe = append(fe, apperr.Field("items", "信息项“"+it+"”不是该条目的信息项", "item "+it+" is not a field of the entry"))
		}
	}
	if len(fe) > 0 {
		return apperr.Invalid.With(fe...)
	}
	return nil
}

// unit is 10^Decimals.
func (m *Measure) unit() int64 {
	u := int64(1)
	for i := 0; i < m.Decimals; i++ {
		u *= 10
	}
	return u
}

// bound is the largest magnitude one clamped value can have, in units.
func (m *Measure) bound() int64 {
	a, b := m.Lo, m.Hi
	if a < 0 {
		a = -a
	}
	if b < 0 {
		b = -b
	}
	return max(a, b) * m.unit()
}
