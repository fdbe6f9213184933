package operate

import (
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"pubdata/internal/privacy"
)

// Cell is the true (un-noised) aggregate of one group after contribution bounding: what the
// database computes inside the platform. It never leaves the package: Release turns it into an
// Answer.
type Cell struct {
	Key      []string           // the group's dimension values, in GroupBy order
	Subjects int64              // distinct subjects
	Rows     int64              // rows (each subject at most View.MaxRows)
	Sum      map[string]int64   // measure → sum of clamped values, in units of 10^−Decimals
	AbsSum   map[string]int64   // measure → sum of |per-subject contribution|
	Top      map[string]int64   // measure → the largest |per-subject contribution|
	Hist     map[string][]int64 // measure → rows per bin of [Lo, Hi] (HistBins bins)
}

func newCell(key []string) *Cell {
	return &Cell{Key: key, Sum: map[string]int64{}, AbsSum: map[string]int64{}, Top: map[string]int64{}, Hist: map[string][]int64{}}
}

// Truth is the true aggregate of every non-empty group, keyed by strings.Join(Key, "\x00").
type Truth map[string]*Cell

// Marks on a released value (标记): why it is absent.
const (
	MarkSmallGroup = "small_group" // 小于最小分组规模，已抑制
	MarkDominance  = "dominance"   // 单一主体占比过高，已抑制
)

// AnswerRow is one group of an answer.
type AnswerRow struct {
	Group  []string `json:"group"`
	Values []string `json:"values"` // "" where suppressed
	Marks  []string `json:"marks"`  // "" or a Mark*, per value
}

// Answer is what a statistics query returns: noisy, bounded, thresholded aggregates.
type Answer struct {
	Columns      []string    `json:"columns"`
	Rows         []AnswerRow `json:"rows"`
	EpsilonMilli int64       `json:"epsilon_milli"`
	MinGroup     int         `json:"min_group"`
	DataVersion  int64       `json:"data_version"`
	Cached       bool        `json:"cached"`
}

// clampUnits is a measure's value in units, clamped to its bounds; ok=false when the value is
// missing or not a number (the row then contributes nothing to that measure).
func (m *Measure) clampUnits(s string) (int64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	f = math.Min(math.Max(f, float64(m.Lo)), float64(m.Hi))
	return int64(math.Round(f * float64(m.unit()))), true
}

func (m *Measure) bin(units int64) int {
	span := (m.Hi - m.Lo) * m.unit()
	b := int((units - m.Lo*m.unit()) * HistBins / span)
	return min(max(b, 0), HistBins-1)
}

// Row is one record of a view as the in-memory engine reads it (tests, the attack suite).
type Row struct {
	Subject string
	Values  map[string]string
}

// cells enumerates the groups of the query from the declared domains (never from the data).
func cells(v *View, q *StatsQuery) [][]string {
	out := [][]string{{}}
	for _, g := range q.GroupBy {
		vals := v.dim(g).Values
		if w, ok := q.Where[g]; ok {
			vals = w
		}
		var next [][]string
		for _, k := range out {
			for _, x := range vals {
				next = append(next, append(append([]string{}, k...), x))
			}
		}
		out = next
	}
	return out
}

// measuresOf lists the measures the query aggregates, sorted.
func measuresOf(q *StatsQuery) (sums, hists []string) {
	ss, hs := map[string]bool{}, map[string]bool{}
	for _, a := range q.Aggregates {
		switch a.Fn {
		case FnSum, FnMean:
			ss[a.Measure] = true
		case FnQuantile:
			hs[a.Measure] = true
		}
	}
	for k := range ss {
		sums = append(sums, k)
	}
	for k := range hs {
		hists = append(hists, k)
	}
	sort.Strings(sums)
	sort.Strings(hists)
	return
}

// Aggregate computes the truth in memory, with the same rules as the SQL the service runs:
// rows outside the WHERE or outside a grouped dimension's domain are dropped; each subject keeps
// at most v.MaxRows rows (the first in input order); measures are clamped and counted in units.
func Aggregate(v *View, q *StatsQuery, rows []Row) Truth {
	sums, hists := measuresOf(q)
	kept := map[string]int{}
	type contrib struct{ cell, subject string }
	per := map[contrib]map[string]int64{}
	subj := map[contrib]bool{}
	t := Truth{}
rows:
	for _, r := range rows {
		for f, vals := range q.Where {
			if !containsStr(vals, r.Values[f]) {
				continue rows
			}
		}
		key := make([]string, len(q.GroupBy))
		for i, g := range q.GroupBy {
			key[i] = r.Values[g]
			if !containsStr(v.dim(g).Values, key[i]) {
				continue rows
			}
		}
		if kept[r.Subject] >= v.MaxRows {
			continue
		}
		kept[r.Subject]++
		k := strings.Join(key, "\x00")
		c := t[k]
		if c == nil {
			c = newCell(key)
			t[k] = c
		}
		c.Rows++
		ck := contrib{k, r.Subject}
		if !subj[ck] {
			subj[ck] = true
			c.Subjects++
			per[ck] = map[string]int64{}
		}
		for _, m := range sums {
			if u, ok := v.measure(m).clampUnits(r.Values[m]); ok {
				c.Sum[m] += u
				per[ck][m] += u
			}
		}
		for _, m := range hists {
			if u, ok := v.measure(m).clampUnits(r.Values[m]); ok {
				if c.Hist[m] == nil {
					c.Hist[m] = make([]int64, HistBins)
				}
				c.Hist[m][v.measure(m).bin(u)]++
			}
		}
	}
	for ck, ms := range per {
		c := t[ck.cell]
		for m, u := range ms {
			if u < 0 {
				u = -u
			}
			c.AbsSum[m] += u
			c.Top[m] = max(c.Top[m], u)
		}
	}
	return t
}

func containsStr(s []string, x string) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}

// primitive is one noisy quantity per group: the subject count (always: it decides the
// threshold), the row count, a measure's sum, a measure's histogram.
type primitive struct {
	kind    string // subjects, rows, sum, hist
	measure string
}

func primitivesOf(q *StatsQuery) []primitive {
	ps := []primitive{{kind: "subjects"}}
	rows := false
	for _, a := range q.Aggregates {
		if a.Fn == FnCount || a.Fn == FnMean {
			rows = true
		}
	}
	if rows {
		ps = append(ps, primitive{kind: "rows"})
	}
	sums, hists := measuresOf(q)
	for _, m := range sums {
		ps = append(ps, primitive{kind: "sum", measure: m})
	}
	for _, m := range hists {
		ps = append(ps, primitive{kind: "hist", measure: m})
	}
	return ps
}

// sensitivity is how much one subject can change a primitive over the whole answer (L1): it has
// at most MaxRows rows, each in one group.
func (p primitive) sensitivity(v *View) uint64 {
	d := uint64(v.MaxRows)
	if p.kind == "sum" {
		d *= uint64(v.measure(p.measure).bound())
	}
	if p.kind == "hist" {
		d *= 2 // changing one row moves it between two bins (replace-one neighbours)
	}
	return d
}

// Release noises the truth with privacy loss epsilonMilli/1000 split evenly over the query's
// primitives (sequential composition), suppresses groups whose true or noisy subject count is
// below the view's minimum and sums or means that one subject dominates, and formats the
// answer. Every group of the declared domains appears, empty ones included, so that which
// groups exist is not revealed by their presence.
func Release(v *View, q *StatsQuery, truth Truth, epsilonMilli int64, src *privacy.Source) (*Answer, error) {
	if epsilonMilli <= 0 {
		return nil, fmt.Errorf("operate: epsilon must be positive")
	}
	ps := primitivesOf(q)
	k := uint64(len(ps))
	noise := func(p primitive) (int64, error) {
		// scale = Δ·k/ε = Δ·k·1000/epsilonMilli
		return src.DiscreteLaplace(p.sensitivity(v)*k*1000, uint64(epsilonMilli))
	}
	ans := &Answer{EpsilonMilli: epsilonMilli, MinGroup: v.MinGroup}
	ans.Columns = append(ans.Columns, q.GroupBy...)
	for _, a := range q.Aggregates {
		ans.Columns = append(ans.Columns, a.Label())
	}
	for _, key := range cells(v, q) {
		c := truth[strings.Join(key, "\x00")]
		if c == nil {
			c = newCell(key)
		}
		noisy := map[primitive]int64{}
		hist := map[string][]int64{}
		for _, p := range ps {
			if p.kind == "hist" {
				h := make([]int64, HistBins)
				for i := range h {
					z, err := noise(p)
					if err != nil {
						return nil, err
					}
					if c.Hist[p.measure] != nil {
						h[i] = c.Hist[p.measure][i]
					}
					h[i] += z
				}
				hist[p.measure] = h
				continue
			}
			z, err := noise(p)
			if err != nil {
				return nil, err
			}
			switch p.kind {
			case "subjects":
				noisy[p] = c.Subjects + z
			case "rows":
				noisy[p] = c.Rows + z
			case "sum":
				noisy[p] = c.Sum[p.measure] + z
			}
		}
		row := AnswerRow{Group: key, Values: make([]string, len(q.Aggregates)), Marks: make([]string, len(q.Aggregates))}
		small := c.Subjects < int64(v.MinGroup) || noisy[primitive{kind: "subjects"}] < int64(v.MinGroup)
		for i, a := range q.Aggregates {
			if small {
				row.Marks[i] = MarkSmallGroup
				continue
			}
			switch a.Fn {
			case FnCountDistinct:
				row.Values[i] = strconv.FormatInt(noisy[primitive{kind: "subjects"}], 10)
			case FnCount:
				row.Values[i] = strconv.FormatInt(max(noisy[primitive{kind: "rows"}], 0), 10)
			case FnSum, FnMean:
				m := v.measure(a.Measure)
				if c.AbsSum[a.Measure] > 0 && c.Top[a.Measure]*100 > int64(v.DominancePc)*c.AbsSum[a.Measure] {
					row.Marks[i] = MarkDominance
					continue
				}
				s := noisy[primitive{kind: "sum", measure: a.Measure}]
				if a.Fn == FnSum {
					row.Values[i] = formatUnits(s, m.Decimals)
					continue
				}
				n := noisy[primitive{kind: "rows"}]
				if n < 1 {
					row.Marks[i] = MarkSmallGroup
					continue
				}
				mean := new(big.Rat).SetFrac(big.NewInt(s), big.NewInt(n*m.unit()))
				lo, hi := new(big.Rat).SetInt64(m.Lo), new(big.Rat).SetInt64(m.Hi)
				if mean.Cmp(lo) < 0 {
					mean = lo
				}
				if mean.Cmp(hi) > 0 {
					mean = hi
				}
				row.Values[i] = mean.FloatString(m.Decimals + 2)
			case FnQuantile:
				row.Values[i] = quantile(v.measure(a.Measure), hist[a.Measure], a.Q)
				if row.Values[i] == "" {
					row.Marks[i] = MarkSmallGroup
				}
			}
		}
		ans.Rows = append(ans.Rows, row)
	}
	return ans, nil
}

// quantile reads the q-quantile off a noisy histogram (negative bins count as zero), linearly
// inside the bin; "" when the histogram is empty after noise.
func quantile(m *Measure, h []int64, q float64) string {
	var total int64
	for _, x := range h {
		total += max(x, 0)
	}
	if total <= 0 {
		return ""
	}
	target := q * float64(total)
	var cum float64
	width := float64(m.Hi-m.Lo) / HistBins
	for i, x := range h {
		x = max(x, 0)
		if cum+float64(x) >= target && x > 0 {
			frac := (target - cum) / float64(x)
			val := float64(m.Lo) + (float64(i)+frac)*width
			return strconv.FormatFloat(val, 'f', m.Decimals, 64)
		}
		cum += float64(x)
	}
	return strconv.FormatFloat(float64(m.Hi), 'f', m.Decimals, 64)
}

// formatUnits writes n·10^−dec as a decimal.
func formatUnits(n int64, dec int) string {
	if dec == 0 {
		return strconv.FormatInt(n, 10)
	}
	return new(big.Rat).SetFrac(big.NewInt(n), big.NewInt(int64(math.Pow10(dec)))).FloatString(dec)
}
