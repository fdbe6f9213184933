package web_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/quality"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
	"pubdata/internal/validate"
	"pubdata/internal/workday"
)

// literalN finds a placeholder N left in a text ("超过 N 天", "within N days"): a capital N
// standing alone, not part of a word, a code or a number.
var literalN = regexp.MustCompile(`(^|[^A-Za-z0-9_])N([^A-Za-z0-9_]|$)`)

// Rule texts never show a literal N (#10 item 4): a load failing the field rules and one rule of
// every configurable kind, then its report page, the entry's quality page (rule table and the
// add-a-rule forms of every kind) and the correction task, read as the officer sees them in
// both languages: every rule is named (no code, no "—") and no text holds a placeholder N.
func TestRuleTextsShowNoLiteralN(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-30 10:00")
		a := testutil.DemoApp(t, d, clock)
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		oc := s.login("officer")
		u, err := a.Identity.UserByName(t.Context(), "officer")
		if err != nil {
			t.Fatal(err)
		}
		p, err := a.Identity.Principal(t.Context(), u)
		if err != nil {
			t.Fatal(err)
		}
		lo, hi := 150000.0, 159999.0
		for _, in := range []quality.RuleInput{
			{Name: "身份号码一致", Kind: quality.KindIDConsistency, Params: quality.Params{IDField: "citizen_id", BirthField: "birth_date", SexField: "sex"}},
			{Name: "有住址须有电话", Kind: quality.KindConditionalRequired, Params: quality.Params{IfField: "address", ThenField: "phone"}},
			{Name: "姓名为汉字", Kind: quality.KindRegex, Params: quality.Params{Field: "name", Pattern: `^\p{Han}{2,6}$`}},
			{Name: "区划代码范围", Kind: quality.KindRange, Params: quality.Params{Field: "region_code", Min: &lo, Max: &hi}},
			{Name: "出生日期范围", Kind: quality.KindRange, Params: quality.Params{Field: "birth_date", MinDate: "1920-01-01"}},
			{Name: "性别取值", Kind: quality.KindEnum, Params: quality.Params{Field: "sex", Values: []string{"男"}}},
		} {
			if _, err := a.Quality.CreateRule(t.Context(), p, demo.EntryPopulation, in); err != nil {
				t.Fatalf("rule %s: %v", in.Name, err)
			}
		}
		birth, _ := workday.Parse("1980-05-12")
		good := validate.MakeCitizenID("150102", birth, 917)
		other := validate.MakeCitizenID("150102", birth, 919)
		body := "citizen_id,name,sex,birth_date,address,phone,region_code\n" +
			fmt.Sprintf("%s,居民子,男,1980-05-12,内蒙古自治区呼和浩特市新城区中山路1号,13900001111,150102\n", good) +
			fmt.Sprintf("%s,Zhang San,女,1980-05-13,内蒙古自治区呼和浩特市新城区中山路2号,,110101\n", other) + // five rule kinds fail
			"150102198005129999,居民丑,未知,1980-02-30,中山路3号,139,999999\n" + // field rules: format, enum, date, region
			",,男,,,,\n" // key and required values missing
		res, err := a.Ingest.Load(t.Context(), p, ingest.LoadRequest{EntryID: demo.EntryPopulation, Mode: ingest.ModeUpsert, Partial: true,
			FileName: "rules.csv", Body: strings.NewReader(body)})
		if err != nil {
			t.Fatalf("load: %v", err)
		}
		if len(res.Report.Rules) < 6 {
			t.Fatalf("the load failed only %d rules: %+v", len(res.Report.Rules), res.Report.Rules)
		}
		pages := []string{"/ingest/loads/" + res.Load.ID, "/quality/entries/" + demo.EntryPopulation}
		tasks, _, err := a.Quality.Tasks(t.Context(), p, quality.TaskFilter{State: "live", EntryID: demo.EntryPopulation})
		if err != nil || len(tasks) == 0 {
			t.Fatalf("no correction task (%v)", err)
		}
		pages = append(pages, "/quality/tasks/"+tasks[0].ID)
		for _, lang := range []string{"zh", "en"} {
			for _, path := range pages {
				w := s.get(path, oc, &http.Cookie{Name: "pd_lang", Value: lang})
				if w.Code != http.StatusOK {
					t.Fatalf("%s (%s): %d", path, lang, w.Code)
				}
				body := w.Body.String()
				for _, code := range []string{"field.", "key.", "structure.", "load.timeliness"} {
					if strings.Contains(body, `<span translate="no">`+code) {
						t.Errorf("%s (%s) shows a rule by its code %s…", path, lang, code)
					}
				}
				texts, _ := visible(body)
				for _, x := range texts {
					if literalN.MatchString(x) {
						t.Errorf("%s (%s): a literal N in %q", path, lang, strings.TrimSpace(x))
					}
				}
			}
		}
		// The report also names each failed rule in the API, in both languages, without N.
		for _, r := range res.Report.Rules {
			if literalN.MatchString(r.ZH) || literalN.MatchString(r.EN) {
				t.Errorf("rule %s: %q / %q", r.Rule, r.ZH, r.EN)
			}
		}
	})
}
