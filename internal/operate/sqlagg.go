package operate

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"modernc.org/sqlite"
)

// truthAggName is a SQLite aggregate function, written in Go, that folds the bounded
// contributions of a statistics query into the truth of every group in one pass:
//
//	pd_opr_truth(ncells, nsums, cell, n, c0, …, c{nsums−1})
//
// Each input row is one subject's contribution to one group: cell is the group's index in the
// query's enumeration of the declared domains (cells), n the subject's rows in it (≤ MaxRows), ci
// the subject's clamped sum of measure i in units (NULL: no numeric value). The result is, per
// cell, "subjects rows (has sum abssum top)×nsums", space separated.
//
// It replaces SQLite's GROUP BY over the groups, which sorts every row of the table (a GROUP BY
// without an index) only to produce a handful of groups; the aggregate keeps one small array
// instead. PostgreSQL hashes its GROUP BY and keeps the plain statement.
const truthAggName = "pd_opr_truth"

// histAggName is the same for the histogram behind a quantile, over the bounded rows with a
// value of the measure:
//
//	pd_opr_hist(ncells, cell, bin)
//
// The result is, per cell, HistBins row counts, space separated.
const histAggName = "pd_opr_hist"

func init() {
	sqlite.MustRegisterFunction(truthAggName, &sqlite.FunctionImpl{
		NArgs:         -1,
		Deterministic: true,
		VolatileArgs:  true, // no argument is a string that the aggregate keeps
		MakeAggregate: func(sqlite.FunctionContext) (sqlite.AggregateFunction, error) { return &truthAgg{}, nil },
	})
	sqlite.MustRegisterFunction(histAggName, &sqlite.FunctionImpl{
		NArgs:         3,
		Deterministic: true,
		VolatileArgs:  true,
		MakeAggregate: func(sqlite.FunctionContext) (sqlite.AggregateFunction, error) { return &histAgg{}, nil },
	})
}

// histAgg is one evaluation of pd_opr_hist.
type histAgg struct {
	ncells int
	bins   []int64 // cell*HistBins + bin
	err    error
}

func (a *histAgg) Step(_ *sqlite.FunctionContext, args []driver.Value) error {
	if a.err != nil {
		return a.err
	}
	if a.bins == nil {
		nc, ok := argInt(args[0])
		if !ok || nc < 1 || nc > MaxCells {
			a.err = fmt.Errorf("operate: %s called with a wrong shape", histAggName)
			return a.err
		}
		a.ncells = int(nc)
		a.bins = make([]int64, a.ncells*HistBins)
	}
	cell, ok := argInt(args[1])
	if !ok {
		return nil
	}
	b, ok := argInt(args[2])
	if !ok {
		return nil
	}
	if cell < 0 || int(cell) >= a.ncells {
		a.err = fmt.Errorf("operate: %s: cell %d out of range", histAggName, cell)
		return a.err
	}
	a.bins[int(cell)*HistBins+min(max(int(b), 0), HistBins-1)]++
	return nil
}

func (a *histAgg) WindowInverse(*sqlite.FunctionContext, []driver.Value) error {
	return fmt.Errorf("operate: %s is not a window function", histAggName)
}

func (a *histAgg) WindowValue(*sqlite.FunctionContext) (driver.Value, error) {
	if a.err != nil {
		return nil, a.err
	}
	var b strings.Builder
	for i, n := range a.bins {
		if i > 0 {
			if i%HistBins == 0 {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(strconv.FormatInt(n, 10))
	}
	return b.String(), nil
}

func (a *histAgg) Final(*sqlite.FunctionContext) {}

// decodeHist reads pd_opr_hist's result into the histograms of measure m in t (cells of t only,
// as the plain statement does).
func decodeHist(s string, keys [][]string, m string, t Truth) error {
	if s == "" {
		return nil
	}
	lines := strings.Split(s, "\n")
	if len(lines) != len(keys) {
		return fmt.Errorf("operate: %s returned %d cells for %d", histAggName, len(lines), len(keys))
	}
	done := map[string]bool{}
	for ci, line := range lines {
		k := strings.Join(keys[ci], "\x00")
		c := t[k]
		if c == nil || done[k] {
			continue // empty group, or a value listed twice in a domain
		}
		done[k] = true
		f := strings.Fields(line)
		if len(f) != HistBins {
			return fmt.Errorf("operate: %s returned a malformed cell", histAggName)
		}
		h := make([]int64, HistBins)
		any := false
		for i, x := range f {
			n, err := strconv.ParseInt(x, 10, 64)
			if err != nil {
				return err
			}
			h[i], any = n, any || n != 0
		}
		if any {
			c.Hist[m] = h
		}
	}
	return nil
}

// truthAgg is one evaluation of pd_opr_truth.
type truthAgg struct {
	ncells, nsums int
	// per cell: subjects, rows; per cell and measure: has, sum, abssum, top
	counts []int64
	sums   []int64
	err    error
}

var errTruthOverflow = errors.New("operate: integer overflow in a statistics aggregate")

func argInt(v driver.Value) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case nil:
		return 0, false
	case float64:
		return int64(x), true
	}
	return 0, false
}

func addChecked(a, b int64) (int64, bool) {
	s := a + b
	return s, (b >= 0) == (s >= a)
}

func (a *truthAgg) Step(_ *sqlite.FunctionContext, args []driver.Value) error {
	if a.err != nil {
		return a.err
	}
	if a.counts == nil {
		nc, ok1 := argInt(args[0])
		ns, ok2 := argInt(args[1])
		if !ok1 || !ok2 || nc < 1 || nc > MaxCells || ns < 0 || len(args) != 4+int(ns) {
			a.err = fmt.Errorf("operate: %s called with a wrong shape", truthAggName)
			return a.err
		}
		a.ncells, a.nsums = int(nc), int(ns)
		a.counts = make([]int64, 2*a.ncells)
		a.sums = make([]int64, 4*a.ncells*a.nsums)
	}
	cell, ok := argInt(args[2])
	if !ok {
		return nil // outside the domains: counts nowhere
	}
	if cell < 0 || int(cell) >= a.ncells {
		a.err = fmt.Errorf("operate: %s: cell %d out of range", truthAggName, cell)
		return a.err
	}
	n, _ := argInt(args[3])
	c := int(cell)
	a.counts[2*c]++
	a.counts[2*c+1] += n
	for i := 0; i < a.nsums; i++ {
		u, ok := argInt(args[4+i])
		if !ok {
			continue
		}
		p := 4 * (c*a.nsums + i)
		au := u
		if au < 0 {
			au = -au
		}
		var ok1, ok2 bool
		a.sums[p] = 1
		a.sums[p+1], ok1 = addChecked(a.sums[p+1], u)
		a.sums[p+2], ok2 = addChecked(a.sums[p+2], au)
		if !ok1 || !ok2 {
			a.err = errTruthOverflow
			return a.err
		}
		a.sums[p+3] = max(a.sums[p+3], au)
	}
	return nil
}

func (a *truthAgg) WindowInverse(*sqlite.FunctionContext, []driver.Value) error {
	return fmt.Errorf("operate: %s is not a window function", truthAggName)
}

func (a *truthAgg) WindowValue(*sqlite.FunctionContext) (driver.Value, error) {
	if a.err != nil {
		return nil, a.err
	}
	var b strings.Builder
	for c := 0; c < a.ncells; c++ {
		b.WriteString(strconv.FormatInt(a.counts[2*c], 10))
		b.WriteByte(' ')
		b.WriteString(strconv.FormatInt(a.counts[2*c+1], 10))
		for i := 0; i < a.nsums; i++ {
			p := 4 * (c*a.nsums + i)
			for j := 0; j < 4; j++ {
				b.WriteByte(' ')
				b.WriteString(strconv.FormatInt(a.sums[p+j], 10))
			}
		}
		b.WriteByte('\n')
	}
	return b.String(), nil
}

func (a *truthAgg) Final(*sqlite.FunctionContext) {}

// decodeTruth reads pd_opr_truth's result back into the cells of keys (the query's enumeration).
func decodeTruth(s string, keys [][]string, sums []string) (Truth, error) {
	t := Truth{}
	if s == "" { // no input row at all
		return t, nil
	}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if len(lines) != len(keys) {
		return nil, fmt.Errorf("operate: %s returned %d cells for %d", truthAggName, len(lines), len(keys))
	}
	for ci, line := range lines {
		f := strings.Fields(line)
		if len(f) != 2+4*len(sums) {
			return nil, fmt.Errorf("operate: %s returned a malformed cell", truthAggName)
		}
		nums := make([]int64, len(f))
		for i, x := range f {
			n, err := strconv.ParseInt(x, 10, 64)
			if err != nil {
				return nil, err
			}
			nums[i] = n
		}
		if nums[0] == 0 {
			continue
		}
		k := strings.Join(keys[ci], "\x00")
		if t[k] != nil {
			continue // a value listed twice in a domain: the first index holds its rows
		}
		c := newCell(keys[ci])
		c.Subjects, c.Rows = nums[0], nums[1]
		for j, m := range sums {
			p := 2 + 4*j
			if nums[p] == 1 {
				c.Sum[m], c.AbsSum[m], c.Top[m] = nums[p+1], nums[p+2], nums[p+3]
			}
		}
		t[k] = c
	}
	return t, nil
}
