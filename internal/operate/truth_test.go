package operate_test

import (
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/ingest"
	"pubdata/internal/operate"
	"pubdata/internal/testutil"
)

// The statistics truth is the same whichever way the database computes it (both backends): the
// engine's statement (on SQLite one pass through the Go aggregate pd_opr_truth, on PostgreSQL a
// GROUP BY), the plain GROUP BY statement, and — where no subject is cut by MaxRows — the
// in-memory engine. Every field is compared: subjects, rows, sums, the per-subject absolute sums
// and largest contributions behind the dominance rule, histograms behind quantiles. The data has
// subjects with up to five rows, values outside the domains, measures below, above and between
// the bounds, decimals, empty and non-numeric measures, empty subjects and historical rows.
func TestTruthEnginesAgree(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		rnd := rand.New(rand.NewSource(14))
		regions := []string{"a", "b", "c", "x"} // x is outside the declared domain
		kwh := func() string {
			switch rnd.Intn(12) {
			case 0:
				return ""
			case 1:
				return "n/a"
			case 2:
				return fmt.Sprintf("%d.%d", rnd.Intn(1000), rnd.Intn(10))
			}
			return fmt.Sprint(rnd.Intn(1300) - 100)
		}
		type rec struct {
			sid, region, sex, kwh, amt string
			to                         int
		}
		var key, multi []rec
		for i := 0; i < 600; i++ {
			sid := fmt.Sprintf("S%04d", i)
			if i%97 == 0 {
				sid = "" // no subject: counts nowhere
			}
			r := rec{sid, regions[rnd.Intn(4)], []string{"m", "f"}[rnd.Intn(2)], kwh(), kwh(), 0}
			key = append(key, r)
			if i%13 == 0 {
				old := r
				old.to, old.kwh = 5, "999"
				key = append(key, old) // a superseded version
			}
			for j := rnd.Intn(5); j >= 0; j-- {
				m := rec{sid, regions[rnd.Intn(4)], []string{"m", "f"}[rnd.Intn(2)], kwh(), kwh(), 0}
				if rnd.Intn(20) == 0 {
					m.to = 3
				}
				multi = append(multi, m)
			}
		}
		load := func(table string, rs []rec) {
			_, err := d.ExecContext(ctx, "CREATE TABLE "+table+" (sid TEXT, region TEXT, sex TEXT, kwh TEXT, amt TEXT, _from INTEGER, _to INTEGER)")
			must(t, err)
			for i, r := range rs {
				_, err := d.ExecContext(ctx, "INSERT INTO "+table+" VALUES ($1,$2,$3,$4,$5,$6,$7)", r.sid, r.region, r.sex, r.kwh, r.amt, i, r.to)
				must(t, err)
			}
		}
		load("ing_truth_key", key)
		load("ing_truth_multi", multi)
		load("ing_truth_empty", nil)
		memRows := func(rs []rec) []operate.Row {
			var out []operate.Row
			for _, r := range rs {
				if r.to == 0 && r.sid != "" {
					out = append(out, operate.Row{Subject: r.sid, Values: map[string]string{"region": r.region, "sex": r.sex, "kwh": r.kwh, "amt": r.amt}})
				}
			}
			return out
		}
		queries := []string{
			`{"group_by":["region","sex"],"aggregates":[{"fn":"count_distinct"},{"fn":"count"},{"fn":"sum","measure":"kwh"},{"fn":"mean","measure":"amt"},{"fn":"quantile","measure":"kwh","q":0.5}]}`,
			`{"aggregates":[{"fn":"count"},{"fn":"sum","measure":"amt"}]}`,
			`{"group_by":["region"],"where":{"sex":["f"]},"aggregates":[{"fn":"sum","measure":"kwh"},{"fn":"sum","measure":"amt"}]}`,
			`{"group_by":["sex","region"],"where":{"region":["c","a"]},"aggregates":[{"fn":"count_distinct"},{"fn":"mean","measure":"kwh"},{"fn":"quantile","measure":"amt","q":0.9}]}`,
		}
		for _, c := range []struct {
			name    string
			table   string
			rows    []rec
			unique  bool
			maxRows int
			memory  bool // no subject has more rows than maxRows: the in-memory engine agrees
		}{{"empty", "ing_truth_empty", nil, true, 1, true}, {"key", "ing_truth_key", key, true, 1, true}, {"multi_uncut", "ing_truth_multi", multi, false, 5, true}, {"multi_cut", "ing_truth_multi", multi, false, 2, false}} {
			v := &operate.View{Name: "t", Subject: "sid", MaxRows: c.maxRows,
				Dimensions: []operate.Dimension{{Field: "region", Values: []string{"a", "b", "c"}}, {Field: "sex", Values: []string{"m", "f"}}},
				Measures:   []operate.Measure{{Field: "kwh", Lo: 0, Hi: 1000}, {Field: "amt", Lo: -20, Hi: 500, Decimals: 1}}}
			must(t, v.Normalize([]string{"sid", "region", "sex", "kwh", "amt"}))
			v.SubjectUnique = c.unique
			rel := ingest.Relation{Table: c.table}
			for qi, raw := range queries {
				q, err := operate.ParseStatsQuery([]byte(raw), v)
				must(t, err)
				got, err := operate.TruthSQL(ctx, d, rel, v, &q)
				must(t, err)
				plain, err := operate.TruthPlainSQL(ctx, d, rel, v, &q)
				must(t, err)
				if (len(got) == 0) != (c.rows == nil) {
					t.Fatalf("%s query %d: no group", c.name, qi)
				}
				if !reflect.DeepEqual(got, plain) {
					t.Fatalf("%s query %d: engine\n%s\nplain GROUP BY\n%s", c.name, qi, dump(got), dump(plain))
				}
				if c.memory {
					mem := operate.Aggregate(v, &q, memRows(c.rows))
					if !reflect.DeepEqual(got, mem) {
						t.Fatalf("%s query %d: engine\n%s\nmemory\n%s", c.name, qi, dump(got), dump(mem))
					}
				}
			}
		}
	})
}

func dump(t operate.Truth) string {
	var b strings.Builder
	for k, c := range t {
		fmt.Fprintf(&b, "%q: %+v\n", k, *c)
	}
	return b.String()
}
