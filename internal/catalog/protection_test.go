package catalog_test

import (
	"errors"
	"strings"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/mask"
	"pubdata/internal/testutil"
)

// personalEntry is an unconditionally shared entry whose fields state no sensitivity: the
// defaults an agency gets when it fills in only names and kinds.
func personalEntry() catalog.Entry {
	e := popEntry()
	e.Name, e.Level = "测试联系人信息", 0
	e.ShareType, e.ShareCondition, e.ShareReason, e.ShareBasis = "", "", "", ""
	e.Fields = []catalog.Field{
		{Name: "citizen_id", Label: "公民身份号码", Kind: catalog.KindCitizenID, Required: true, IsKey: true},
		{Name: "phone", Label: "联系电话", LabelEN: "Phone", Kind: catalog.KindPhone},
		{Name: "visit_date", Label: "登记日期", Kind: catalog.KindDate, Type: catalog.TypeDate},
	}
	return e
}

func fieldMsg(err error, field string) (apperr.FieldError, bool) {
	for _, f := range apperr.As(err).Fields {
		if f.Field == field {
			return f, true
		}
	}
	return apperr.FieldError{}, false
}

// SEC-1: personal kinds default to a masked level, and lowering it needs a reason recorded on
// the entry — refused otherwise with a message naming the item.
func TestPersonalKindsDefaultToMaskedLevel(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		officer := who(t, a, "officer")
		e, err := a.Catalog.Create(ctx, officer, personalEntry())
		mustNoErr(t, err)
		if e.ShareType != catalog.ShareUnconditional {
			t.Fatalf("share type %q; want the unconditional default", e.ShareType)
		}
		for i, want := range []int{3, 3, 1} {
			if got := e.Fields[i].Sensitivity; got != want {
				t.Errorf("%s: sensitivity L%d; want L%d", e.Fields[i].Name, got, want)
			}
		}
		if !catalog.Masked(&e, &e.Fields[0]) || !catalog.Masked(&e, &e.Fields[1]) || catalog.Masked(&e, &e.Fields[2]) {
			t.Fatal("ID number and phone must be masked by default, a date not")
		}

		low := personalEntry()
		low.Fields[1].Sensitivity = 1
		_, err = a.Catalog.Create(ctx, officer, low)
		fe, ok := fieldMsg(err, "fields[1].sensitivity_reason")
		if !ok || !errors.Is(err, apperr.Invalid) {
			t.Fatalf("lowering a phone to L1 without a reason: %v %+v", err, apperr.As(err).Fields)
		}
		if !strings.Contains(fe.ZH, "联系电话") || !strings.Contains(fe.ZH, "L3") || !strings.Contains(fe.EN, "phone") || !strings.Contains(fe.EN, "reason") {
			t.Fatalf("the message must name the item and the default level: %q / %q", fe.ZH, fe.EN)
		}
		low.Fields[1].SensitivityReason = "单位办公电话，已公开"
		e2, err := a.Catalog.Create(ctx, officer, low)
		mustNoErr(t, err)
		if e2.Fields[1].Sensitivity != 1 || e2.Fields[1].SensitivityReason == "" || catalog.Masked(&e2, &e2.Fields[1]) {
			t.Fatalf("a lowered level with its reason is kept on the entry: %+v", e2.Fields[1])
		}
		// A level stored lower without a reason (before this rule) does not count.
		old := e2
		old.Fields[1].SensitivityReason = ""
		if !catalog.Masked(&old, &old.Fields[1]) {
			t.Fatal("a phone at L1 without a recorded reason must still be masked")
		}
	})
}

// SEC-1: core or important data, or a field at the top level, is not unconditionally shared or
// opened unless the authority records an override with its reason; the override is audited.
func TestProtectedDataNeedsAuthorityOverride(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		officer, reviewer := who(t, a, "officer"), who(t, a, "reviewer")
		core := popEntry()
		core.Name, core.Grade, core.Level = "测试重要数据", catalog.GradeImportant, 0
		core.ShareType, core.ShareCondition, core.ShareReason, core.ShareBasis = "", "", "", "" // defaults to unconditional
		_, err := a.Catalog.Create(ctx, officer, core)
		if fe, ok := fieldMsg(err, "share_type"); !ok || !strings.Contains(fe.ZH, "重要数据") || !strings.Contains(fe.ZH, "主管部门") {
			t.Fatalf("important data shared unconditionally by default: %v %+v", err, apperr.As(err).Fields)
		}
		core.OpenType, core.OpenReason = catalog.OpenUnconditional, ""
		_, err = a.Catalog.Create(ctx, officer, core)
		if got := strings.Join(fieldsOf(err), ","); got != "open_type,share_type" {
			t.Fatalf("refused fields %q; want open_type,share_type", got)
		}

		// A field at the top level.
		top := popEntry()
		top.Name, top.ShareType, top.ShareCondition, top.ShareReason, top.ShareBasis = "测试最高敏感信息项", catalog.ShareUnconditional, "", "", ""
		top.Fields[2].Sensitivity = 4
		_, err = a.Catalog.Create(ctx, officer, top)
		if got := strings.Join(fieldsOf(err), ","); got != "fields[2].share_type" {
			t.Fatalf("a top-level field unconditionally shared: refused %q", got)
		}

		// The draft saved conditionally; the authority records an override; then it may be unconditional.
		core.ShareType, core.ShareCondition, core.ShareReason, core.ShareBasis = catalog.ShareConditional, "履职需要", "重要数据", "《数据安全法》第二十一条"
		core.OpenType, core.OpenReason = catalog.OpenNone, catalog.ReasonLegalBar
		core.OpenBasis = "《数据安全法》第二十一条"
		e, err := a.Catalog.Create(ctx, officer, core)
		mustNoErr(t, err)
		if _, err := a.Catalog.RecordOverride(ctx, officer, e.ID, catalog.OverrideShare, "自行决定"); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the provider recorded its own override: %v", err)
		}
		_, err = a.Catalog.RecordOverride(ctx, reviewer, e.ID, catalog.OverrideShare, " ")
		wantField(t, err, "reason")
		_, err = a.Catalog.RecordOverride(ctx, reviewer, e.ID, catalog.OverrideShare, "经安全评估，仅含机构公开信息，可无条件共享")
		mustNoErr(t, err)
		e.ShareType, e.ShareCondition, e.ShareReason, e.ShareBasis = catalog.ShareUnconditional, "", "", ""
		e, err = a.Catalog.Update(ctx, officer, e)
		mustNoErr(t, err)
		if len(e.Overrides) != 1 || e.Overrides[0].Scope != catalog.OverrideShare || e.Overrides[0].ActorID != reviewer.UserID {
			t.Fatalf("override on the entry: %+v", e.Overrides)
		}
		// Opening is a separate decision: still refused.
		e.OpenType, e.OpenReason, e.OpenBasis = catalog.OpenUnconditional, "", ""
		_, err = a.Catalog.Update(ctx, officer, e)
		wantField(t, err, "open_type")
		recs, _, err := a.Audit.Search(ctx, auditFilter("catalog.entry.override", e.ID))
		mustNoErr(t, err)
		if len(recs) != 1 || recs[0].ActorID != reviewer.UserID || !strings.Contains(recs[0].DetailJSON, "经安全评估") {
			t.Fatalf("override audited as %+v", recs)
		}
		// Revoked before approval: the authority cannot publish it as unconditional.
		mustNoErr(t, a.Catalog.Submit(ctx, officer, e.ID))
		mustNoErr(t, a.Catalog.RevokeOverride(ctx, reviewer, e.ID, catalog.OverrideShare))
		err = a.Catalog.Approve(ctx, reviewer, e.ID, "")
		wantField(t, err, "share_type")
		if recs, _, _ := a.Audit.Search(ctx, auditFilter("catalog.entry.override_revoke", e.ID)); len(recs) != 1 {
			t.Fatalf("revocation audited %d times", len(recs))
		}
	})
}

// SEC-2: masking rules are set per region by its authority and per entry by the provider,
// never looser than the rule above.
func TestMaskRulesNeverLooserThanRegion(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		btAdmin, water := who(t, a, "bt_admin"), who(t, a, "water")
		id12 := mask.Rule{Kind: catalog.KindCitizenID, Method: mask.MethodPartial, KeepHead: 1, KeepTail: 2}
		err := a.Catalog.SetMaskRules(ctx, btAdmin, demo.RegionCityB, []mask.Rule{{Kind: catalog.KindCitizenID, Method: mask.MethodPartial, KeepHead: 8, KeepTail: 4}})
		if fe, ok := fieldMsg(err, "rules[0]"); !ok || !strings.Contains(fe.ZH, "更宽松") {
			t.Fatalf("a region rule looser than the national one: %v", err)
		}
		if err := a.Catalog.SetMaskRules(ctx, btAdmin, "150000", []mask.Rule{id12}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("a city authority set the province's rules: %v", err)
		}
		before, _, err := a.Audit.Search(ctx, auditFilter("catalog.mask_rules.update", demo.RegionCityB)) // the demo sets Baotou's once
		mustNoErr(t, err)
		mustNoErr(t, a.Catalog.SetMaskRules(ctx, btAdmin, demo.RegionCityB, []mask.Rule{id12}))
		if recs, _, _ := a.Audit.Search(ctx, auditFilter("catalog.mask_rules.update", demo.RegionCityB)); len(recs) != len(before)+1 || recs[0].ActorID != btAdmin.UserID {
			t.Fatalf("region rules audited %d times (before: %d)", len(recs), len(before))
		}
		// A county below follows the city.
		_, inForce, err := a.Catalog.MaskRules(ctx, "150202")
		mustNoErr(t, err)
		if inForce[0] != (mask.Rule{Kind: catalog.KindCitizenID, Method: mask.MethodPartial, KeepHead: 1, KeepTail: 2, MaskChar: '*'}) {
			t.Fatalf("rules in force below the city: %+v", inForce[0])
		}

		e := personalEntry()
		e.Name, e.ProviderOrgID = "测试供水联系人", demo.OrgWater
		e.MaskRules = []mask.Rule{{Kind: catalog.KindCitizenID, Method: mask.MethodPartial, KeepHead: 6, KeepTail: 4}}
		_, err = a.Catalog.Create(ctx, water, e)
		if fe, ok := fieldMsg(err, "mask_rules[0]"); !ok || !strings.Contains(fe.ZH, "保留前 1 后 2 位") {
			t.Fatalf("an entry rule looser than its region's: %v %+v", err, apperr.As(err).Fields)
		}
		e.MaskRules = []mask.Rule{{Kind: catalog.KindCitizenID, Method: mask.MethodRedact}, {Kind: catalog.KindPhone, Method: mask.MethodKeep}}
		_, err = a.Catalog.Create(ctx, water, e)
		wantField(t, err, "mask_rules[1].method")
		e.MaskRules = e.MaskRules[:1]
		e.OpenType, e.OpenReason = catalog.OpenNone, catalog.ReasonPrivacy
		created, err := a.Catalog.Create(ctx, water, e)
		mustNoErr(t, err)
		mustNoErr(t, a.Catalog.Submit(ctx, water, created.ID))
		mustNoErr(t, a.Catalog.Approve(ctx, who(t, a, "reviewer"), created.ID, ""))
		pub, err := a.Catalog.Published(ctx, created.ID)
		mustNoErr(t, err)
		rs := pub.MaskingRules()
		if got := rs.Value(catalog.KindCitizenID, "15010219850607123X"); got != "***" {
			t.Fatalf("published entry masks its ID numbers as %q; want its own stricter rule", got)
		}
		if got := rs.Value(catalog.KindPhone, "13812345678"); got != "138****5678" {
			t.Fatalf("phone masked as %q", got)
		}
	})
}

func wantField(t testing.TB, err error, field string) {
	t.Helper()
	if _, ok := fieldMsg(err, field); !ok {
		t.Fatalf("want a refusal naming %s; got %v %+v", field, err, apperr.As(err).Fields)
	}
}
