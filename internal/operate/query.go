package operate

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"pubdata/internal/apperr"
)

// Aggregate functions of a statistics query (统计函数).
const (
	FnCount         = "count"          // rows (after contribution bounding)
	FnCountDistinct = "count_distinct" // distinct subjects
	FnSum           = "sum"
	FnMean          = "mean"
	FnQuantile      = "quantile"
)

// Agg is one aggregate of a query: a function and, for sum/mean/quantile, a declared measure.
type Agg struct {
	Fn      string  `json:"fn"`
	Measure string  `json:"measure,omitempty"`
	Q       float64 `json:"q,omitempty"` // quantile in (0,1), two decimals at most
}

// StatsQuery is the only form a statistics query may take (受限查询): no SQL text, no joins, no
// expressions. GroupBy and Where name declared dimensions; Where is equality / IN over declared
// values; aggregates are over declared measures.
type StatsQuery struct {
	GroupBy    []string            `json:"group_by"`
	Where      map[string][]string `json:"where,omitempty"`
	Aggregates []Agg               `json:"aggregates"`
}

// errOutOfForm is the refusal of anything outside the restricted form.
func errOutOfForm(field, zh, en string) error {
	return ErrQueryForm.With(apperr.Field(field, zh, en))
}

// ParseStatsQuery decodes a query from JSON, refusing unknown keys (a "select", "sql", "join" …
// is an error, not something ignored), and checks it against the view.
func ParseStatsQuery(raw []byte, v *View) (StatsQuery, error) {
	var q StatsQuery
	if len(raw) > 16<<10 {
		return q, errOutOfForm("query", "查询过长", "the query is too long")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil {
		return q, errOutOfForm("query", "查询只能包含 group_by、where、aggregates："+err.Error(), "a query has only group_by, where and aggregates: "+err.Error())
	}
	if dec.More() {
		return q, errOutOfForm("query", "查询后有多余内容", "trailing content after the query")
	}
	return q, q.Check(v)
}

// Check validates the query against the view and puts it in canonical order.
func (q *StatsQuery) Check(v *View) error {
	if len(q.GroupBy) > 3 {
		return errOutOfForm("group_by", "最多按3个维度分组", "group by at most 3 dimensions")
	}
	seen := map[string]bool{}
	cells := 1
	for _, g := range q.GroupBy {
		if g == v.Subject {
			return errOutOfForm("group_by", "主体标识列不能出现在结果中", "the subject column may not appear in the output")
		}
		d := v.dim(g)
		if d == nil {
			return errOutOfForm("group_by", "“"+g+"”不是已声明的维度", g+" is not a declared dimension")
		}
		if seen[g] {
			return errOutOfForm("group_by", "维度“"+g+"”重复", "dimension "+g+" repeated")
		}
		seen[g] = true
		cells *= len(d.Values)
	}
	for f, vals := range q.Where {
		if f == v.Subject {
			return errOutOfForm("where", "不能按主体标识筛选", "the subject column may not be filtered on")
		}
		d := v.dim(f)
		if d == nil {
			return errOutOfForm("where", "“"+f+"”不是已声明的维度", f+" is not a declared dimension")
		}
		if len(vals) == 0 {
			return errOutOfForm("where", "筛选条件“"+f+"”没有取值", "filter "+f+" has no value")
		}
		for _, x := range vals {
			if !slices.Contains(d.Values, x) {
				return errOutOfForm("where", "“"+x+"”不在维度“"+f+"”的值域内", x+" is not in the domain of "+f)
			}
		}
		s := slices.Clone(vals)
		sort.Strings(s)
		q.Where[f] = slices.Compact(s)
	}
	if cells > MaxCells {
		return errOutOfForm("group_by", fmt.Sprintf("分组过多（最多%d组）", MaxCells), fmt.Sprintf("too many groups (at most %d)", MaxCells))
	}
	if len(q.Aggregates) == 0 || len(q.Aggregates) > 8 {
		return errOutOfForm("aggregates", "请给出1到8个统计函数", "give 1 to 8 aggregates")
	}
	aseen := map[string]bool{}
	for i := range q.Aggregates {
		a := &q.Aggregates[i]
		switch a.Fn {
		case FnCount, FnCountDistinct:
			if a.Measure != "" || a.Q != 0 {
				return errOutOfForm("aggregates", "计数不带度量", "counts take no measure")
			}
		case FnSum, FnMean, FnQuantile:
			if a.Measure == v.Subject {
				return errOutOfForm("aggregates", "主体标识列不能被聚合", "the subject column may not be aggregated")
			}
			if v.measure(a.Measure) == nil {
				return errOutOfForm("aggregates", "“"+a.Measure+"”不是已声明上下界的度量", a.Measure+" is not a measure with declared bounds")
			}
			if a.Fn == FnQuantile {
				if a.Q <= 0 || a.Q >= 1 || a.Q*100 != float64(int(a.Q*100)) {
					return errOutOfForm("aggregates", "分位数应在0到1之间，最多两位小数", "a quantile is in (0,1) with at most two decimals")
				}
			} else if a.Q != 0 {
				return errOutOfForm("aggregates", "只有分位数带q", "only quantiles take q")
			}
		default:
			return errOutOfForm("aggregates", "不支持的统计函数“"+a.Fn+"”", "unsupported aggregate "+a.Fn)
		}
		k := a.key()
		if aseen[k] {
			return errOutOfForm("aggregates", "统计函数重复", "aggregate repeated")
		}
		aseen[k] = true
	}
	sort.Slice(q.Aggregates, func(i, j int) bool { return q.Aggregates[i].key() < q.Aggregates[j].key() })
	return nil
}

func (a Agg) key() string {
	k := a.Fn
	if a.Measure != "" {
		k += ":" + a.Measure
	}
	if a.Fn == FnQuantile {
		k += ":" + strconv.FormatFloat(a.Q, 'f', 2, 64)
	}
	return k
}

// Label is the aggregate's column name in the answer: count, sum(income), quantile(income,0.50).
func (a Agg) Label() string {
	switch a.Fn {
	case FnCount, FnCountDistinct:
		return a.Fn
	case FnQuantile:
		return fmt.Sprintf("quantile(%s,%s)", a.Measure, strconv.FormatFloat(a.Q, 'f', 2, 64))
	}
	return a.Fn + "(" + a.Measure + ")"
}

// Hash identifies the query in canonical form (after Check): equal questions, equal hashes, so
// a repeated question gets the cached answer.
func (q *StatsQuery) Hash() string {
	c := *q
	if c.GroupBy == nil {
		c.GroupBy = []string{}
	}
	b, _ := json.Marshal(c) // map keys are sorted by encoding/json
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
