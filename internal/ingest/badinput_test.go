package ingest_test

import (
	"errors"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/testutil"
	"pubdata/internal/validate"
)

// TestBadInput: every kind of bad row is reported with its line number and nothing is loaded,
// unless the agency chooses "load valid rows, report the rest".
func TestBadInput(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		officer := who(t, a, "officer")
		s := a.Ingest
		res, err := s.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "v1.csv", Body: strings.NewReader(popCSV(0, 5))})
		must(t, err)
		v1 := res.Load.Version

		id0, _, _, _, _, _, _ := person(0)
		badID := id0[:17] + string("0123456789X"[(strings.IndexByte("0123456789X", id0[17])+1)%11])
		id9, _, _, _, _, _, _ := person(9)
		rows := []string{
			badID + ",张三,男,1990-01-01,地址,13900000000,150102",                    // line 7: check digit
			id9 + ",李四,男,1990-01-01,地址,13900000000",                             // line 8: ragged (6 columns)
			mkID(10) + ",王五,未知,1990-01-01,地址,13900000000,150102",                // line 9: enum
			mkID(11) + ",赵六,男,1990-02-30,地址,13900000000,150102",                 // line 10: impossible date
			mkID(12) + ",=cmd|' /C calc'!A0,男,1990-01-01,地址,13900000000,150102", // line 11: formula injection
			mkID(13) + ",,男,1990-01-01,地址,13900000000,150102",                   // line 12: required name missing
			mkID(14) + ",孙七,男,1990-01-01,地址,12345,150102",                       // line 13: phone format
			mkID(15) + ",周八,男,1990-01-01,地址,13900000000,159999",                 // line 14: region not in table
			mkID(10) + ",吴九,男,1990-01-01,地址,13900000000,150102",                 // line 15: duplicate key of line 9
			mkID(16) + ",郑十,男,2090-01-01,地址,13900000000,150102",                 // line 16: birth date in the future
			mkID(17) + ",\xff\xfe坏,男,1990-01-01,地址,13900000000,150102",          // line 17: broken UTF-8
		}
		body := popCSV(100, 5, rows...)
		res, err = s.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "bad.csv", Body: strings.NewReader(body)})
		if !errors.Is(err, ingest.ErrRejected) {
			t.Fatalf("want rejection, got %v", err)
		}
		want := map[int]string{7: ingest.RuleFormat, 8: ingest.RuleRagged, 9: ingest.RuleEnum, 10: ingest.RuleDate, 11: ingest.RuleFormula,
			12: ingest.RuleRequired, 13: ingest.RuleFormat, 14: ingest.RuleRegion, 15: ingest.RuleKeyDuplicate, 16: ingest.RuleDate, 17: ingest.RuleEncoding}
		for line, rule := range want {
			if !problemAt(res, line, rule) {
				t.Errorf("line %d: no %s problem; report: %+v", line, rule, res.Report.Problems)
			}
		}
		if got := lines(err); len(got) < len(want) {
			t.Errorf("error lists lines %v", got)
		}
		if res.Load.Status != ingest.StatusRejected || res.Report.RowsInvalid != 11 || res.Report.RowsValid != 5 {
			t.Fatalf("rejected load: %+v / %+v", res.Load, res.Report)
		}
		// samples are masked: the bad ID number never appears whole
		for _, rr := range res.Report.Rules {
			for _, smp := range rr.Samples {
				if strings.Contains(smp.Value, badID) || strings.Contains(smp.Key, badID) {
					t.Fatalf("unmasked sample %+v", smp)
				}
			}
		}
		cur, err := s.Current(ctx, demo.EntryPopulation)
		must(t, err)
		if cur.Version != v1 || cur.Rows != 5 {
			t.Fatalf("a rejected load changed the current version: %+v", cur)
		}
		if _, err := s.Lookup(ctx, demo.EntryPopulation, mkID(100)); err == nil {
			t.Fatal("row of a rejected load is readable")
		}
		// the rejected attempt and its report are kept
		rep, err := s.Report(ctx, officer, res.Load.ID)
		must(t, err)
		if rep.Status != ingest.StatusRejected || rep.ProblemsTotal < 11 {
			t.Fatalf("stored report: %+v", rep)
		}

		// load valid rows, report the rest
		res, err = s.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "bad.csv", Partial: true, Body: strings.NewReader(body)})
		must(t, err)
		if res.Load.RowsLoaded != 5 || res.Load.RowsRejected != 11 || res.Load.Version != v1+1 {
			t.Fatalf("partial load: %+v", res.Load)
		}
		if _, err := s.Lookup(ctx, demo.EntryPopulation, mkID(100)); err != nil {
			t.Fatalf("valid row not loaded: %v", err)
		}
		if _, err := s.Lookup(ctx, demo.EntryPopulation, mkID(12)); err == nil {
			t.Fatal("the formula-injection row was loaded")
		}
		acc := res.Report.Dimensions[1]
		if acc.Name != ingest.DimAccuracy || acc.Failed == 0 || acc.Score >= 100 {
			t.Fatalf("accuracy dimension: %+v", acc)
		}

		// unknown and missing columns in the header (line 1)
		res, err = s.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "cols.csv",
			Body: strings.NewReader("citizen_id,name,sex,birth_date,salary\n" + mkID(1) + ",甲,男,1990-01-01,100\n")})
		if !errors.Is(err, ingest.ErrRejected) || !problemAt(res, 1, ingest.RuleUnknownColumn) {
			t.Fatalf("unknown column: %v %+v", err, res)
		}
		res, err = s.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "nokey.csv",
			Body: strings.NewReader("name,sex\n甲,男\n")})
		if !errors.Is(err, ingest.ErrRejected) || !problemAt(res, 1, ingest.RuleMissingColumn) {
			t.Fatalf("missing key column: %v", err)
		}
		// a wrong type in JSON Lines
		res, err = s.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "x.jsonl",
			Body: strings.NewReader(`{"citizen_id":"` + mkID(1) + `","name":"甲","birth_date":"1990-01-01"}` + "\n" + `{"citizen_id":"` + mkID(2) + `","name":["x"],"birth_date":"1990-01-01"}` + "\nnot json\n")})
		if !errors.Is(err, ingest.ErrRejected) || !problemAt(res, 2, ingest.RuleType) || !problemAt(res, 3, ingest.RuleParse) {
			t.Fatalf("jsonl wrong type: %v %+v", err, res.Report.Problems)
		}
	})
}

func mkID(i int) string { id, _, _, _, _, _, _ := person(i); return id }

// TestValidators runs the field rules on known good and bad identifiers.
func TestValidators(t *testing.T) {
	good := []string{"11010519491231002X", validate.MakeCitizenID("150102", mustDate("1988-08-08"), 123)}
	for _, g := range good {
		if err := validate.CitizenID(g); err != nil {
			t.Errorf("%s: %v", g, err)
		}
	}
	for _, b := range []string{"110105194912310021", "11010519491231002", "1101051949123100XX", "990105194912310028"} {
		if validate.CitizenID(b) == nil {
			t.Errorf("%s accepted", b)
		}
	}
	if validate.CreditCode("91350100M000100Y43") != nil || validate.CreditCode("91350100M000100Y44") == nil {
		t.Error("credit code check")
	}
}
