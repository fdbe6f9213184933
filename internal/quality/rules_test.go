package quality_test

import (
	"errors"
	"strings"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/quality"
	"pubdata/internal/testutil"
)

func fp(f float64) *float64 { return &f }

// Each rule kind on a good and a bad row of the demo population (常住人口) and marriage
// (婚姻登记) entries: the good row passes, the bad one yields one problem naming the field, the
// rule and the dimension, with a masked value.
func TestRuleKinds(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, _ := demoApp(t, d)
		officer := as(t, a, "officer")            // 公安厅 data officer: provider of the population entry
		civil := as(t, a, "civil")                // 民政厅 data officer: provider of the marriage entry
		id := person("150102", "1990-05-17", 123) // odd sequence: male
		data := fakeData{}
		data.put(demo.EntryPopulation, id, map[string]string{"citizen_id": id, "name": "张三", "sex": "男", "birth_date": "1990-05-17"})
		a.Quality.Lookup = data.lookup

		pop := map[string]string{"citizen_id": id, "name": "张三", "sex": "男", "birth_date": "1990-05-17", "address": "呼和浩特市新城区", "phone": "13800001111", "region_code": "150102"}
		with := func(k, v string) map[string]string {
			m := map[string]string{}
			for kk, vv := range pop {
				m[kk] = vv
			}
			m[k] = v
			return m
		}
		cases := []struct {
			name       string
			entry      string
			who        string
			in         quality.RuleInput
			good, bad  map[string]string
			field, dim string
		}{
			{"id consistency: birth date", demo.EntryPopulation, "officer",
				quality.RuleInput{Name: "身份号码与出生日期一致", Kind: quality.KindIDConsistency, Params: quality.Params{IDField: "citizen_id", BirthField: "birth_date"}},
				pop, with("birth_date", "1990-05-18"), "birth_date", quality.Consistency},
			{"id consistency: sex", demo.EntryPopulation, "officer",
				quality.RuleInput{Name: "身份号码与性别一致", Kind: quality.KindIDConsistency, Params: quality.Params{IDField: "citizen_id", SexField: "sex"}},
				pop, with("sex", "女"), "sex", quality.Consistency},
			{"conditional required", demo.EntryPopulation, "officer",
				quality.RuleInput{Name: "有住址须有区划", Kind: quality.KindConditionalRequired, Params: quality.Params{IfField: "address", ThenField: "region_code"}},
				pop, with("region_code", ""), "region_code", quality.Completeness},
			{"conditional required on a value", demo.EntryMarriage, "civil",
				quality.RuleInput{Name: "结婚须有配偶姓名", Kind: quality.KindConditionalRequired, Params: quality.Params{IfField: "reg_type", IfValues: []string{"结婚"}, ThenField: "spouse_name"}},
				map[string]string{"cert_no": "J1", "reg_type": "离婚", "spouse_name": ""}, map[string]string{"cert_no": "J2", "reg_type": "结婚", "spouse_name": ""}, "spouse_name", quality.Completeness},
			{"regex", demo.EntryPopulation, "officer",
				quality.RuleInput{Name: "姓名为汉字", Kind: quality.KindRegex, Params: quality.Params{Field: "name", Pattern: `^\p{Han}{2,6}$`}},
				pop, with("name", "Zhang San"), "name", quality.Accuracy},
			{"number range", demo.EntryPopulation, "officer",
				quality.RuleInput{Name: "区划代码范围", Kind: quality.KindRange, Params: quality.Params{Field: "region_code", Min: fp(150000), Max: fp(159999)}},
				pop, with("region_code", "110101"), "region_code", quality.Accuracy},
			{"date range", demo.EntryPopulation, "officer",
				quality.RuleInput{Name: "出生日期在1900年之后", Kind: quality.KindRange, Dimension: quality.Timeliness, Params: quality.Params{Field: "birth_date", MinDate: "1920-01-01", MaxDate: "2026-12-31"}},
				pop, with("birth_date", "1910-01-01"), "birth_date", quality.Timeliness},
			{"enum", demo.EntryPopulation, "officer",
				quality.RuleInput{Name: "性别取值", Kind: quality.KindEnum, Params: quality.Params{Field: "sex", Values: []string{"男", "女"}}},
				pop, with("sex", "未知"), "sex", quality.Accuracy},
			{"cross source: name agrees with population", demo.EntryMarriage, "civil",
				quality.RuleInput{Name: "姓名与常住人口一致", Kind: quality.KindCrossSource, Params: quality.Params{KeyField: "citizen_id", Field: "name", OtherEntryID: demo.EntryPopulation, OtherField: "name"}},
				map[string]string{"cert_no": "J3", "citizen_id": id, "name": "张 三"}, map[string]string{"cert_no": "J4", "citizen_id": id, "name": "张叁"}, "name", quality.Consistency},
			{"cross source: record required", demo.EntryMarriage, "civil",
				quality.RuleInput{Name: "当事人须在常住人口中", Kind: quality.KindCrossSource, Params: quality.Params{KeyField: "citizen_id", Field: "name", OtherEntryID: demo.EntryPopulation, OtherField: "name", RequireMatch: true}},
				map[string]string{"cert_no": "J5", "citizen_id": id, "name": "张三"}, map[string]string{"cert_no": "J6", "citizen_id": person("150102", "1985-01-01", 2), "name": "李四"}, "citizen_id", quality.Consistency},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				p := officer
				if c.who == "civil" {
					p = civil
				}
				ps, err := a.Quality.TryRule(ctx, p, c.entry, c.in, c.good)
				if err != nil {
					t.Fatal(err)
				}
				if len(ps) != 0 {
					t.Fatalf("good row: %+v", ps)
				}
				ps, err = a.Quality.TryRule(ctx, p, c.entry, c.in, c.bad)
				if err != nil {
					t.Fatal(err)
				}
				if len(ps) != 1 {
					t.Fatalf("bad row: want 1 problem, got %+v", ps)
				}
				got := ps[0]
				if got.Field != c.field || got.Rule != c.in.Name || got.Dimension != c.dim || got.ZH == "" || got.EN == "" {
					t.Errorf("problem = %+v; want field %s, rule %s, dimension %s", got, c.field, c.in.Name, c.dim)
				}
			})
		}
	})
}

// Date order (a ≤ b, or a < b when strict) on the ID card entry's issue and expiry dates; the
// same field twice is refused.
func TestDateOrderRule(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, _ := demoApp(t, d)
		e, err := a.Catalog.Get(ctx, "cat-id-card") // 居民身份证签发信息: issue_date, expire_date
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := e.Field("issue_date"); !ok {
			t.Fatal("demo entry cat-id-card has no issue_date")
		}
		in := quality.RuleInput{Name: "签发早于到期", Kind: quality.KindDateOrder, Params: quality.Params{Before: "issue_date", After: "expire_date", Strict: true}}
		officer := as(t, a, "officer")
		good := map[string]string{"citizen_id": person("150102", "1990-05-17", 1), "issue_date": "2015-03-01", "expire_date": "2035-03-01"}
		bad := map[string]string{"citizen_id": person("150102", "1990-05-17", 1), "issue_date": "2035-03-01", "expire_date": "2015-03-01"}
		same := map[string]string{"citizen_id": person("150102", "1990-05-17", 1), "issue_date": "2015-03-01", "expire_date": "2015-03-01"}
		if ps, err := a.Quality.TryRule(ctx, officer, e.ID, in, good); err != nil || len(ps) != 0 {
			t.Fatalf("good: %v %+v", err, ps)
		}
		if ps, _ := a.Quality.TryRule(ctx, officer, e.ID, in, bad); len(ps) != 1 || ps[0].Field != "expire_date" {
			t.Fatalf("bad: %+v", ps)
		}
		if ps, _ := a.Quality.TryRule(ctx, officer, e.ID, in, same); len(ps) != 1 {
			t.Fatalf("strict order let equal dates pass: %+v", ps)
		}
		in.Params.Strict = false
		if ps, _ := a.Quality.TryRule(ctx, officer, e.ID, in, same); len(ps) != 0 {
			t.Fatalf("a ≤ b refused equal dates: %+v", ps)
		}
		in.Params.After = "issue_date"
		if _, err := a.Quality.TryRule(ctx, officer, e.ID, in, good); !errors.Is(err, apperr.Invalid) {
			t.Errorf("a date order on one field was accepted: %v", err)
		}
	})
}

// Rules are stored per entry, edited only by the provider's data officer or the authority,
// audited, and compiled for the loader with masked problem values.
func TestRuleStorageAndAccess(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, _ := demoApp(t, d)
		officer, civil, admin, citizen := as(t, a, "officer"), as(t, a, "civil"), as(t, a, "admin"), as(t, a, "citizen")
		clearRules(t, a, officer, demo.EntryPopulation)
		in := quality.RuleInput{Name: "身份号码与出生日期一致", Kind: quality.KindIDConsistency, Params: quality.Params{IDField: "citizen_id", BirthField: "birth_date", SexField: "sex"}}
		// (It may not even read the entry's rules: answered as not found, no existence oracle.)
		if _, err := a.Quality.CreateRule(ctx, civil, demo.EntryPopulation, in); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("another agency's officer created a rule: %v", err)
		}
		if _, err := a.Quality.CreateRule(ctx, citizen, demo.EntryPopulation, in); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("a citizen created a rule: %v", err)
		}
		r, err := a.Quality.CreateRule(ctx, officer, demo.EntryPopulation, in)
		if err != nil {
			t.Fatal(err)
		}
		if auditCount(t, d, "quality.rule.create", r.ID) != 1 {
			t.Error("rule creation not audited")
		}
		if _, err := a.Quality.CreateRule(ctx, admin, demo.EntryPopulation, in); err == nil || apperr.As(err).Status != 409 {
			t.Errorf("duplicate rule name: %v", err)
		}
		// Bad parameters name the field.
		_, err = a.Quality.CreateRule(ctx, officer, demo.EntryPopulation, quality.RuleInput{Name: "坏规则", Kind: quality.KindRegex, Params: quality.Params{Field: "nope", Pattern: "("}})
		ae := apperr.As(err)
		if ae.Code != apperr.Invalid.Code || len(ae.Fields) != 2 || ae.Fields[0].Field != "params.field" || ae.Fields[1].Field != "params.pattern" {
			t.Errorf("bad rule: %+v", ae)
		}
		// The authority may change it; the change is kept.
		off := false
		in.Enabled = &off
		in.Name = "身份号码一致性"
		if _, err := a.Quality.UpdateRule(ctx, admin, r.ID, in); err != nil {
			t.Fatal(err)
		}
		list, err := a.Quality.Rules(ctx, officer, demo.EntryPopulation)
		if err != nil || len(list) != 1 || list[0].Enabled || list[0].Name != "身份号码一致性" {
			t.Fatalf("rules after update: %v %+v", err, list)
		}
		e, _ := a.Catalog.Get(ctx, demo.EntryPopulation)
		rr, _ := a.Quality.RowRules(ctx, &e)
		if len(rr) != 0 {
			t.Fatalf("a disabled rule is compiled: %d", len(rr))
		}
		on := true
		in.Enabled = &on
		if _, err := a.Quality.UpdateRule(ctx, officer, r.ID, in); err != nil {
			t.Fatal(err)
		}
		rr, _ = a.Quality.RowRules(ctx, &e)
		if len(rr) != 1 {
			t.Fatalf("compiled rules: %d", len(rr))
		}
		id := person("150102", "1990-05-17", 123)
		ps := rr[0].Check(&e, map[string]string{"citizen_id": id, "birth_date": "1991-01-01", "sex": "女"})
		if len(ps) != 2 || ps[0].Key != id || ps[0].Rule != "身份号码一致性" {
			t.Fatalf("problems: %+v", ps)
		}
		for _, p := range ps {
			if p.Field == "sex" && p.Value != "女" {
				t.Errorf("sex value: %q", p.Value)
			}
		}
		if adv, ok := rr[0].(interface{ Advisory() bool }); !ok || !adv.Advisory() {
			t.Error("a rule not marked blocking should be advisory for the loader")
		}
		if err := a.Quality.DeleteRule(ctx, civil, r.ID); !errors.Is(err, apperr.Hidden) { // it may not see the rule
			t.Errorf("another agency deleted the rule: %v", err)
		}
		if err := a.Quality.DeleteRule(ctx, officer, r.ID); err != nil {
			t.Fatal(err)
		}
		if auditCount(t, d, "quality.rule.delete", r.ID) != 1 {
			t.Error("rule deletion not audited")
		}
		if _, err := a.Quality.Rule(ctx, officer, r.ID); !errors.Is(err, apperr.NotFound) {
			t.Errorf("deleted rule still readable: %v", err)
		}
	})
}

// A cross-source problem value is masked by the field kind (a name keeps only the surname).
func TestProblemValuesAreMasked(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, _ := demoApp(t, d)
		civil := as(t, a, "civil")
		id := person("150102", "1990-05-17", 123)
		data := fakeData{}
		data.put(demo.EntryPopulation, id, map[string]string{"citizen_id": id, "name": "张三"})
		a.Quality.Lookup = data.lookup
		ps, err := a.Quality.TryRule(ctx, civil, demo.EntryMarriage, quality.RuleInput{Name: "姓名一致", Kind: quality.KindCrossSource,
			Params: quality.Params{KeyField: "citizen_id", Field: "name", OtherEntryID: demo.EntryPopulation, OtherField: "name"}},
			map[string]string{"cert_no": "J9", "citizen_id": id, "name": "王小明"})
		if err != nil || len(ps) != 1 {
			t.Fatalf("%v %+v", err, ps)
		}
		if ps[0].Value == "王小明" || !strings.HasPrefix(ps[0].Value, "王") {
			t.Errorf("value not masked: %q", ps[0].Value)
		}
		if !strings.Contains(ps[0].ZH, "常住人口") {
			t.Errorf("message does not name the other entry: %s", ps[0].ZH)
		}
	})
}
