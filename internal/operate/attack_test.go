package operate

// The attack suite (攻击测试): what an application unit could try against a statistics product
// to learn about one person, each of which must be refused or drowned in noise. The service-level
// attacks (repeats, averaging, budget exhaustion through the ledger) are in service_test.go.

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"pubdata/internal/apperr"
	"pubdata/internal/privacy"
)

func testView() *View {
	v := &View{Name: "人口统计视图", Subject: "citizen_id",
		Dimensions: []Dimension{{Field: "district", Values: []string{"d1", "d2", "d3", "d4"}}, {Field: "sex", Values: []string{"男", "女"}}},
		Measures:   []Measure{{Field: "income", Lo: 0, Hi: 100000}, {Field: "age", Lo: 0, Hi: 120}}}
	if err := v.Normalize([]string{"citizen_id", "district", "sex", "income", "age", "name"}); err != nil {
		panic(err)
	}
	return v
}

// population: n subjects spread over the districts; d4 has exactly `lonely` subjects.
func population(n, lonely int) []Row {
	var rows []Row
	for i := 0; i < n; i++ {
		d := fmt.Sprintf("d%d", 1+i%3)
		rows = append(rows, Row{Subject: fmt.Sprintf("S%05d", i), Values: map[string]string{"citizen_id": fmt.Sprintf("S%05d", i),
			"district": d, "sex": []string{"男", "女"}[i%2], "income": strconv.Itoa(3000 + (i*37)%5000), "age": strconv.Itoa(20 + i%50)}})
	}
	for i := 0; i < lonely; i++ {
		rows = append(rows, Row{Subject: fmt.Sprintf("L%03d", i), Values: map[string]string{"citizen_id": fmt.Sprintf("L%03d", i),
			"district": "d4", "sex": "女", "income": "88000", "age": "44"}})
	}
	return rows
}

func parse(t *testing.T, v *View, js string) StatsQuery {
	t.Helper()
	q, err := ParseStatsQuery([]byte(js), v)
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return q
}

func release(t testing.TB, v *View, q StatsQuery, rows []Row, eps int64) *Answer {
	t.Helper()
	a, err := Release(v, &q, Aggregate(v, &q, rows), eps, privacy.Secure())
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func value(a *Answer, group string, col int) (string, string) {
	for _, r := range a.Rows {
		if strings.Join(r.Group, ",") == group {
			return r.Values[col], r.Marks[col]
		}
	}
	return "", "missing"
}

// Out-of-subset forms are refused before anything runs.
func TestAttackOutOfFormRefused(t *testing.T) {
	v := testView()
	for name, js := range map[string]string{
		"subject column in output":    `{"group_by":["citizen_id"],"aggregates":[{"fn":"count"}]}`,
		"filter on the subject":       `{"where":{"citizen_id":["S00001"]},"aggregates":[{"fn":"count"}]}`,
		"undeclared dimension":        `{"group_by":["name"],"aggregates":[{"fn":"count"}]}`,
		"filter on undeclared column": `{"where":{"name":["张三"]},"aggregates":[{"fn":"count"}]}`,
		"value outside the domain":    `{"where":{"district":["d9"]},"aggregates":[{"fn":"count"}]}`,
		"unbounded measure":           `{"aggregates":[{"fn":"sum","measure":"name"}]}`,
		"aggregate of the subject":    `{"aggregates":[{"fn":"sum","measure":"citizen_id"}]}`,
		"raw SQL":                     `{"sql":"SELECT * FROM t","aggregates":[{"fn":"count"}]}`,
		"join":                        `{"join":"other","aggregates":[{"fn":"count"}]}`,
		"expression in aggregate":     `{"aggregates":[{"fn":"sum","measure":"income*2"}]}`,
		"unknown function":            `{"aggregates":[{"fn":"max","measure":"income"}]}`,
		"select rows":                 `{"aggregates":[{"fn":"rows"}]}`,
		"no aggregate":                `{"group_by":["district"]}`,
		"quantile out of range":       `{"aggregates":[{"fn":"quantile","measure":"income","q":1.5}]}`,
		"trailing second query":       `{"aggregates":[{"fn":"count"}]} {"group_by":["citizen_id"]}`,
	} {
		_, err := ParseStatsQuery([]byte(js), v)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if c := apperr.As(err).Code; c != "operate.query_form" {
			t.Errorf("%s: code %q", name, c)
		}
	}
}

// A group of fewer subjects than the minimum is suppressed, whatever the noise.
func TestAttackTinyGroupSuppressed(t *testing.T) {
	v := testView()
	rows := population(300, 1) // d4 holds one person
	q := parse(t, v, `{"group_by":["district"],"aggregates":[{"fn":"count"},{"fn":"sum","measure":"income"},{"fn":"mean","measure":"income"}]}`)
	for i := 0; i < 200; i++ {
		a := release(t, v, q, rows, 1000)
		for c := 0; c < 3; c++ {
			if val, mark := value(a, "d4", c); val != "" || mark != MarkSmallGroup {
				t.Fatalf("d4 (1 person) column %d: %q %q", c, val, mark)
			}
		}
		if _, mark := value(a, "d1", 0); mark != "" {
			t.Fatalf("d1 (100 people) suppressed: %s", mark)
		}
	}
	// Empty groups of the domain are listed too, suppressed: absence is not a signal.
	q2 := parse(t, v, `{"group_by":["district","sex"],"aggregates":[{"fn":"count"}]}`)
	a := release(t, v, q2, rows, 1000)
	if len(a.Rows) != 8 {
		t.Fatalf("%d rows; want the 8 cells of the declared domains", len(a.Rows))
	}
	if _, mark := value(a, "d4,男", 0); mark != MarkSmallGroup {
		t.Fatalf("empty cell d4,男: mark %q", mark)
	}
}

// Differencing: two queries whose populations differ by one subject (d1+d4 vs d1, with d4
// holding one person). Without noise the difference is exactly 1. With it, the answers on
// neighbouring data sets must be ε-indistinguishable: the empirical likelihood ratio of every
// frequent outcome stays within e^ε (with sampling slack).
func TestAttackDifferencing(t *testing.T) {
	v := testView()
	with := population(300, 1)
	without := population(300, 0)
	q := parse(t, v, `{"where":{"district":["d1","d4"]},"aggregates":[{"fn":"count_distinct"}]}`)
	const eps = 1000 // ε = 1
	const n = 6000
	hist := func(rows []Row) map[string]int {
		h := map[string]int{}
		for i := 0; i < n; i++ {
			val, _ := value(release(t, v, q, rows, eps), "", 0)
			h[val]++
		}
		return h
	}
	hw, ho := hist(with), hist(without)
	exact := 0
	for k, cw := range hw {
		co := ho[k]
		if cw < 200 || co < 200 {
			continue
		}
		r := float64(cw) / float64(co)
		if r > math.E*1.25 || r < 1/(math.E*1.25) {
			t.Errorf("outcome %s: %d vs %d times, ratio %.2f exceeds e^ε", k, cw, co, r)
		}
		exact++
	}
	if exact < 3 {
		t.Fatalf("too few common outcomes (%d): the answers do not overlap", exact)
	}
	// and the attacker's guess "difference == 1" is right no more often than chance allows
	right := 0
	q1 := parse(t, v, `{"where":{"district":["d1"]},"aggregates":[{"fn":"count_distinct"}]}`)
	for i := 0; i < 500; i++ {
		a, _ := value(release(t, v, q, with, eps), "", 0)
		b, _ := value(release(t, v, q1, with, eps), "", 0)
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		if x-y == 1 {
			right++
		}
	}
	// Two independent discrete-Laplace noises (α = e^−ε) differ by exactly 0 with probability
	// (1−α)(1+α²)/(1+α)³ ≈ 0.287 at ε = 1: that is chance, and all an attacker gets. The bound is
	// that chance plus five standard deviations (the former fixed 150 was 0.7σ above it and failed
	// one run in four).
	alpha := math.Exp(-float64(eps) / 1000)
	p0 := (1 - alpha) * (1 + alpha*alpha) / math.Pow(1+alpha, 3)
	if limit := 500*p0 + 5*math.Sqrt(500*p0*(1-p0)); float64(right) > limit {
		t.Errorf("difference of the two answers was exactly 1 in %d of 500 trials (chance allows %.0f)", right, limit)
	}
}

// A sum that one subject dominates is suppressed.
func TestAttackDominance(t *testing.T) {
	v := testView()
	rows := population(90, 0)
	for i := range rows {
		rows[i].Values["income"] = "100"
	}
	rows[0].Values["income"] = "99000" // d1's tycoon
	q := parse(t, v, `{"group_by":["district"],"aggregates":[{"fn":"sum","measure":"income"},{"fn":"mean","measure":"income"}]}`)
	a := release(t, v, q, rows, 1000)
	for c := 0; c < 2; c++ {
		if val, mark := value(a, "d1", c); mark != MarkDominance || val != "" {
			t.Fatalf("d1 column %d: %q %q; want dominance suppression", c, val, mark)
		}
	}
	if _, mark := value(a, "d2", 0); mark != "" {
		t.Fatalf("d2 suppressed: %s", mark)
	}
}

// Averaging repeated answers: each release draws fresh noise (the service answers a repeated
// question from its store, so a unit never sees two draws); here we check the noise really is
// there and has the calibrated spread, so that k answers average to error ≈ scale/√k only by
// spending k·ε of budget.
func TestAttackNoiseIsCalibrated(t *testing.T) {
	v := testView()
	rows := population(300, 0)
	q := parse(t, v, `{"aggregates":[{"fn":"count_distinct"}]}`)
	var sum, sq float64
	distinct := map[string]bool{}
	const n = 3000
	for i := 0; i < n; i++ {
		val, _ := value(release(t, v, q, rows, 500), "", 0) // ε = 0.5, one primitive: scale 2
		x, _ := strconv.ParseFloat(val, 64)
		sum += x - 300
		sq += (x - 300) * (x - 300)
		distinct[val] = true
	}
	mean, variance := sum/n, sq/n
	// discrete Laplace with scale 2: variance 2p/(1−p)², p = e^−0.5 ≈ 7.92
	p := math.Exp(-0.5)
	want := 2 * p / ((1 - p) * (1 - p))
	if math.Abs(mean) > 0.3 || variance < want*0.8 || variance > want*1.2 {
		t.Fatalf("noise mean %.3f variance %.2f; want ≈ 0 and ≈ %.2f", mean, variance, want)
	}
	if len(distinct) < 10 {
		t.Fatalf("only %d distinct answers", len(distinct))
	}
}

// Contribution bounding: a subject with many rows counts at most MaxRows times.
func TestContributionBounding(t *testing.T) {
	v := testView()
	rows := population(20, 0)
	for i := 0; i < 500; i++ {
		rows = append(rows, Row{Subject: "S00000", Values: map[string]string{"district": "d1", "sex": "男", "income": "100000"}})
	}
	q := parse(t, v, `{"group_by":["district"],"aggregates":[{"fn":"count"},{"fn":"sum","measure":"income"}]}`)
	tr := Aggregate(v, &q, rows)
	if c := tr["d1"]; c.Rows != 7 || c.Subjects != 7 {
		t.Fatalf("d1: %d rows of %d subjects; want 7 and 7 (one row per subject)", c.Rows, c.Subjects)
	}
	// measures are clamped to the declared bounds
	rows[1].Values["income"] = "99999999"
	tr = Aggregate(v, &q, rows)
	if got := tr["d2"].Top["income"]; got != 100000 {
		t.Fatalf("clamped top contribution %d; want 100000", got)
	}
}

// Property: no output ever carries a value for a group of fewer subjects than the view's
// minimum, whatever the data, the query and the noise.
func TestPropertyNoSmallGroupReleased(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		v := testView()
		v.MinGroup = rapid.IntRange(MinGroupFloor, 15).Draw(rt, "min")
		v.MaxRows = rapid.IntRange(1, 3).Draw(rt, "maxrows")
		n := rapid.IntRange(0, 80).Draw(rt, "n")
		var rows []Row
		for i := 0; i < n; i++ {
			rows = append(rows, Row{Subject: fmt.Sprintf("P%d", rapid.IntRange(0, 40).Draw(rt, "subj")), Values: map[string]string{
				"district": rapid.SampledFrom([]string{"d1", "d2", "d3", "d4", "x"}).Draw(rt, "d"),
				"sex":      rapid.SampledFrom([]string{"男", "女"}).Draw(rt, "s"),
				"income":   strconv.Itoa(rapid.IntRange(-10, 200000).Draw(rt, "inc")),
				"age":      strconv.Itoa(rapid.IntRange(0, 130).Draw(rt, "age"))}})
		}
		gb := rapid.SampledFrom([][]string{{}, {"district"}, {"sex"}, {"district", "sex"}}).Draw(rt, "gb")
		aggs := []Agg{{Fn: FnCount}, {Fn: FnCountDistinct}, {Fn: FnSum, Measure: "income"}, {Fn: FnMean, Measure: "age"}, {Fn: FnQuantile, Measure: "income", Q: 0.5}}
		q := StatsQuery{GroupBy: gb, Aggregates: aggs}
		if err := q.Check(v); err != nil {
			rt.Fatal(err)
		}
		truth := Aggregate(v, &q, rows)
		a, err := Release(v, &q, truth, int64(rapid.IntRange(10, 2000).Draw(rt, "eps")), privacy.Secure())
		if err != nil {
			rt.Fatal(err)
		}
		for _, r := range a.Rows {
			c := truth[strings.Join(r.Group, "\x00")]
			size := int64(0)
			if c != nil {
				size = c.Subjects
			}
			for i, val := range r.Values {
				if val != "" && size < int64(v.MinGroup) {
					rt.Fatalf("group %v of %d subjects (min %d) released %s = %s", r.Group, size, v.MinGroup, a.Columns[len(gb)+i], val)
				}
			}
		}
	})
}

func TestViewMinimumGroupFloor(t *testing.T) {
	v := &View{Name: "x", Subject: "id", MinGroup: 2}
	if err := v.Normalize([]string{"id"}); err == nil {
		t.Fatal("a minimum group size of 2 was accepted")
	}
	v = &View{Name: "x", Subject: "id"}
	if err := v.Normalize([]string{"id"}); err != nil || v.MinGroup != 10 {
		t.Fatalf("default minimum %d (%v); want 10", v.MinGroup, err)
	}
}
