package catalog_test

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

func fieldsOf(err error) []string {
	var out []string
	for _, f := range apperr.As(err).Fields {
		out = append(out, f.Field)
	}
	sort.Strings(out)
	return out
}

// TestRulesCAT3CAT4 checks each refusal names exactly the missing fields.
func TestRulesCAT3CAT4(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		officer := who(t, a, "officer")
		cases := []struct {
			name   string
			change func(e *catalog.Entry)
			want   string // comma-separated field names, sorted
		}{
			{"conditional without reason, basis, conditions", func(e *catalog.Entry) {
				e.ShareType, e.ShareReason, e.ShareBasis, e.ShareCondition = catalog.ShareConditional, "", "", ""
			}, "share_conditions,share_legal_basis,share_reason"},
			{"conditional without conditions", func(e *catalog.Entry) { e.ShareCondition = "" }, "share_conditions"},
			{"not shared without basis", func(e *catalog.Entry) {
				e.ShareType, e.ShareBasis, e.ShareCondition = catalog.ShareNone, "", ""
			}, "share_legal_basis"},
			{"not open for a reason the law does not allow", func(e *catalog.Entry) { e.OpenReason = "inconvenient" }, "open_reason"},
			{"not open for a legal bar without the law", func(e *catalog.Entry) { e.OpenReason, e.OpenBasis = catalog.ReasonLegalBar, "" }, "open_legal_basis"},
			{"conditional open without conditions", func(e *catalog.Entry) { e.OpenType, e.OpenReason = catalog.OpenConditional, "" }, "open_conditions"},
			{"sensitive entry with no open type", func(e *catalog.Entry) { e.OpenType, e.OpenReason = "", "" }, "open_type"},
			{"field stricter than entry without reason and basis", func(e *catalog.Entry) {
				e.Fields[2].ShareType = catalog.ShareNone
			}, "fields[2].legal_basis,fields[2].reason"},
			{"field looser than entry", func(e *catalog.Entry) { e.Fields[1].ShareType = catalog.ShareUnconditional }, "fields[1].share_type"},
			{"conditional field without conditions", func(e *catalog.Entry) {
				e.ShareType, e.ShareReason, e.ShareBasis, e.ShareCondition = catalog.ShareUnconditional, "", "", ""
				e.Fields[1].ShareType, e.Fields[1].Reason, e.Fields[1].LegalBasis = catalog.ShareConditional, "隐私", "某法"
			}, "fields[1].condition"},
			{"field not open without an allowed reason", func(e *catalog.Entry) {
				e.OpenType, e.OpenReason, e.OpenCondition = catalog.OpenConditional, "", "实名申请"
				e.Fields[1].OpenType = catalog.OpenNone
			}, "fields[1].open_reason"},
			{"duplicate field names, enum without values, bad sensitivity", func(e *catalog.Entry) {
				e.Fields[1].Name = "citizen_id"
				e.Fields[2].Kind = catalog.KindEnum
				e.Fields[2].Sensitivity = 7
			}, "fields[1].name,fields[2].enum_values,fields[2].sensitivity"},
			{"missing name, summary, frequency, fields", func(e *catalog.Entry) {
				e.Name, e.Summary, e.Frequency, e.Fields = "", "", "", nil
			}, "fields,name,summary,update_frequency"},
			{"grade outside the scheme, topic of another attribute", func(e *catalog.Entry) { e.Grade, e.Topic = "secret", "11" }, "grade,topic"},
			{"general data without a valid level", func(e *catalog.Entry) { e.Level = 9 }, "level"},
		}
		for _, c := range cases {
			e := popEntry()
			c.change(&e)
			_, err := a.Catalog.Create(ctx, officer, e)
			if err == nil {
				t.Errorf("%s: accepted", c.name)
				continue
			}
			if apperr.As(err).Code != "invalid" {
				t.Errorf("%s: %v", c.name, err)
				continue
			}
			if got := strings.Join(fieldsOf(err), ","); got != c.want {
				t.Errorf("%s: refused naming %s, want %s", c.name, got, c.want)
			}
			if msg := apperr.As(err).Fields[0]; msg.ZH == "" || msg.EN == "" {
				t.Errorf("%s: message must be bilingual: %+v", c.name, msg)
			}
		}
		// No legal basis for a restriction: the entry defaults to unconditional share.
		e := popEntry()
		e.ShareType, e.ShareReason, e.ShareBasis, e.ShareCondition = "", "", "", ""
		got, err := a.Catalog.Create(ctx, officer, e)
		mustNoErr(t, err)
		if got.ShareType != catalog.ShareUnconditional {
			t.Fatalf("default share type %q", got.ShareType)
		}
		// A stated basis without a type must choose one.
		e = popEntry()
		e.ShareType = ""
		if _, err := a.Catalog.Create(ctx, officer, e); strings.Join(fieldsOf(err), ",") != "share_type" {
			t.Fatalf("basis without type: %v", err)
		}
		// A safe entry (no personal kinds, low level) may leave the open type: open when safe.
		e = popEntry()
		e.Name, e.OpenType, e.OpenReason, e.Level = "公共厕所位置", "", "", 1
		e.ShareType, e.ShareReason, e.ShareBasis, e.ShareCondition = catalog.ShareUnconditional, "", "", ""
		e.Fields = []catalog.Field{{Name: "toilet_id", Label: "编号", IsKey: true, Kind: catalog.KindOther}, {Name: "location", Label: "位置描述", Kind: catalog.KindText}}
		got, err = a.Catalog.Create(ctx, officer, e)
		mustNoErr(t, err)
		if got.OpenType != catalog.OpenUnconditional {
			t.Fatalf("safe entry open type %q", got.OpenType)
		}
	})
}

// TestCodesAndConfig: codes are classification code + sequence, unique in a region; the grading
// scheme and topics are configurable by the authority administrator.
func TestCodesAndConfig(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		officer, admin := who(t, a, "officer"), who(t, a, "admin")
		e1, err := a.Catalog.Create(ctx, officer, popEntry())
		mustNoErr(t, err)
		e2, err := a.Catalog.Create(ctx, officer, popEntry())
		mustNoErr(t, err)
		if e1.Code[:4] != "101-" || e1.Code >= e2.Code {
			t.Fatalf("codes %s then %s", e1.Code, e2.Code)
		}
		dup := popEntry()
		dup.Code = e1.Code
		if _, err := a.Catalog.Create(ctx, officer, dup); apperr.As(err).Code != "catalog.code_taken" {
			t.Fatalf("duplicate code: %v", err)
		}
		bad := popEntry()
		bad.Code = "户籍1"
		if got := strings.Join(fieldsOf(mustErr(a.Catalog.Create(ctx, officer, bad))), ","); got != "code" {
			t.Fatalf("malformed code refused naming %s", got)
		}
		// A custom scheme: only "public" and "restricted" grades.
		cfg := a.Catalog.Config(ctx)
		cfg.Grades = []catalog.GradeDef{{Code: "public", Name: "公开"}, {Code: "restricted", Name: "受限", Levels: []int{1, 2}}}
		if err := a.Catalog.SetConfig(ctx, officer, cfg); apperr.As(err).Code != "forbidden" {
			t.Fatalf("officer changes the scheme: %v", err)
		}
		mustNoErr(t, a.Catalog.SetConfig(ctx, admin, cfg))
		e := popEntry()
		if got := strings.Join(fieldsOf(mustErr(a.Catalog.Create(ctx, officer, e))), ","); got != "grade" {
			t.Fatalf("old grade under the new scheme refused naming %s", got)
		}
		e.Grade, e.Level = "restricted", 2
		_, err = a.Catalog.Create(ctx, officer, e)
		mustNoErr(t, err)
	})
}

func mustErr(_ catalog.Entry, err error) error { return err }

// The platform-wide catalog configuration and source registry are the province authority's:
// a city authority's administrator may not change them.
func TestPlatformSettingsBelongToTheTopAuthority(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		cfg := a.Catalog.Config(context.Background())
		city, err := a.Identity.UserByName(context.Background(), "bt_admin")
		if err != nil {
			t.Fatal(err)
		}
		cp, err := a.Identity.Principal(context.Background(), city)
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Catalog.SetConfig(context.Background(), cp, cfg); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("a city administrator changed the platform configuration: %v", err)
		}
		prov, _ := a.Identity.UserByName(context.Background(), "admin")
		pp, _ := a.Identity.Principal(context.Background(), prov)
		if err := a.Catalog.SetConfig(context.Background(), pp, cfg); err != nil {
			t.Fatalf("the province administrator could not save the configuration: %v", err)
		}
	})
}
