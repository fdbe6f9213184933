package operate_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/operate"
	"pubdata/internal/testutil"
)

// A statistics product over items stored sealed (SEC-1) computes on their values: the truth over
// the marriage registrations (subject, a dimension and a filter on sealed ID numbers) equals the truth
// the database computes over the same rows stored in the clear — while SQL run directly on the
// stored forms would group ciphertext and find nothing in the declared domains.
func TestTruthOverSealedItemsEqualsClear(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		rel, err := a.Ingest.RelationOf(ctx, demo.EntryMarriage)
		must(t, err)
		if !slices.Contains(rel.Sealed, "citizen_id") || !slices.Contains(rel.Sealed, "spouse_citizen_id") {
			t.Fatalf("marriage items stored sealed: %v", rel.Sealed)
		}
		// The same rows in the clear, in a table of the same shape.
		clear := rel
		clear.Table, clear.Sealed = "ing_clear_marriage", nil
		cols := []string{`"_from" BIGINT`, `"_to" BIGINT`}
		for _, f := range rel.Fields {
			cols = append(cols, `"`+f+`" TEXT`)
		}
		_, err = d.ExecContext(ctx, "CREATE TABLE ing_clear_marriage ("+strings.Join(cols, ", ")+")")
		must(t, err)
		n := 0
		var spouses []string
		must(t, a.Ingest.Stream(ctx, demo.EntryMarriage, func(r ingest.Record) error {
			args := []any{int64(1), int64(0)}
			ph := []string{"$1", "$2"}
			for _, f := range rel.Fields {
				args = append(args, r.Values[f])
				ph = append(ph, fmt.Sprintf("$%d", len(args)))
			}
			n++
			if sp := r.Values["spouse_citizen_id"]; sp != "" {
				spouses = append(spouses, sp)
			}
			_, err := d.ExecContext(ctx, "INSERT INTO ing_clear_marriage VALUES ("+strings.Join(ph, ", ")+")", args...)
			return err
		}))
		slices.Sort(spouses)
		if n < 3 || len(spouses) < 2 {
			t.Fatalf("%d marriage records", n)
		}
		v := operate.View{EntryID: demo.EntryMarriage, Name: "婚姻登记统计", Subject: "citizen_id",
			Dimensions: []operate.Dimension{{Field: "reg_type", Values: []string{"结婚", "离婚", "补领"}}, {Field: "spouse_citizen_id", Values: spouses}}}
		must(t, v.Normalize(rel.Fields))
		for _, qs := range []string{
			`{"group_by":["reg_type","spouse_citizen_id"],"aggregates":[{"fn":"count"},{"fn":"count_distinct"}]}`,
			`{"where":{"spouse_citizen_id":["` + spouses[0] + `"]},"group_by":["reg_type"],"aggregates":[{"fn":"count_distinct"}]}`,
			`{"group_by":["spouse_citizen_id"],"aggregates":[{"fn":"count"}]}`,
		} {
			q, err := operate.ParseStatsQuery([]byte(qs), &v)
			must(t, err)
			got, err := a.Operate.Truth(ctx, rel, &v, &q)
			must(t, err)
			want, err := operate.TruthSQL(ctx, d, clear, &v, &q)
			must(t, err)
			if len(want) == 0 || fmt.Sprint(cellsOf(got)) != fmt.Sprint(cellsOf(want)) {
				t.Fatalf("%s\nover sealed items: %v\nover clear items: %v", qs, cellsOf(got), cellsOf(want))
			}
			naive, err := operate.TruthSQL(ctx, d, rel, &v, &q)
			must(t, err)
			if len(naive) != 0 && fmt.Sprint(cellsOf(naive)) == fmt.Sprint(cellsOf(want)) {
				t.Fatalf("SQL over the stored forms agrees with the clear values: are the items sealed? %v", cellsOf(naive))
			}
		}
	})
}

func cellsOf(t operate.Truth) []string {
	var out []string
	for k, c := range t {
		out = append(out, fmt.Sprintf("%q subjects=%d rows=%d", k, c.Subjects, c.Rows))
	}
	slices.Sort(out)
	return out
}
