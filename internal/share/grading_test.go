package share_test

import (
	"strings"
	"testing"

	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/mask"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
)

// SEC-1/SEC-2 (issue #9 item 4): an entry published with defaults — no sensitivity stated,
// unconditional share — used to deliver ID numbers and phones in clear to any agency, with no
// approval. Now personal kinds default to a masked level and the gateway masks them with the
// rules in force in the entry's region (tightened by the entry's own).
func TestDefaultsDoNotShareIDsAndPhonesInClear(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		officer, civil := who(t, a, "officer"), who(t, a, "civil")
		e := catalog.Entry{ID: "cat-test-defaults", Name: "测试默认分级条目", Summary: "只填写了信息项名称和类别", ProviderOrgID: demo.OrgPublicSec,
			Form: catalog.FormAPI, ResourceAttr: catalog.AttrDepartment, Topic: "31", Frequency: catalog.FreqDaily,
			OpenType: catalog.OpenNone, OpenReason: catalog.ReasonPrivacy,
			Fields: []catalog.Field{{Name: "citizen_id", Label: "公民身份号码", Kind: catalog.KindCitizenID, IsKey: true, Required: true},
				{Name: "phone", Label: "联系电话", Kind: catalog.KindPhone}, {Name: "visit_date", Label: "办理日期", Kind: catalog.KindDate, Type: catalog.TypeDate}}}
		_, err := a.Catalog.Import(ctx, officer, []catalog.ImportRow{{Line: 1, Entry: e}}, catalog.ImportOptions{})
		must(t, err)
		must(t, a.Catalog.Submit(ctx, officer, e.ID))
		must(t, a.Catalog.Approve(ctx, who(t, a, "reviewer"), e.ID, ""))
		p := person(1)
		_, err = a.Ingest.Load(ctx, officer, ingest.LoadRequest{EntryID: e.ID, Mode: ingest.ModeReplace, Channel: ingest.ChannelFile,
			Format: ingest.FormatCSV, FileName: "t.csv", Body: strings.NewReader("citizen_id,phone,visit_date\n" + p[0] + "," + p[5] + ",2026-09-01\n")})
		must(t, err)
		r, err := a.Share.File(ctx, civil, share.NewRequest{EntryID: e.ID, Fields: []string{"citizen_id", "phone", "visit_date"},
			Scenario: "办理记录核对", Purpose: "核对", LegalBasis: "职责", Mode: share.ModeAPI, EndDate: "2026-12-31",
			Authenticity: true, Compliance: true, Security: true})
		must(t, err)
		if r.State != share.StateActive || r.Path != share.PathAtOnce {
			t.Fatalf("unconditional request: %s %s", r.State, r.Path)
		}
		secret, _, err := a.Share.IssueCredential(ctx, civil, r.GrantID)
		must(t, err)
		gp, err := a.Identity.TokenPrincipal(ctx, secret)
		must(t, err)
		out, err := a.Share.Lookup(ctx, gp, "127.0.0.1", p[0])
		must(t, err)
		rules := mask.DefaultRules()
		if out.Values["citizen_id"] != rules.Value(catalog.KindCitizenID, p[0]) || out.Values["phone"] != rules.Value(catalog.KindPhone, p[5]) ||
			out.Values["visit_date"] != "2026-09-01" {
			t.Fatalf("delivered %v; want ID number and phone masked, the date in clear", out.Values)
		}
		if strings.Contains(strings.Join([]string{out.Values["citizen_id"], out.Values["phone"]}, ","), p[5]) || out.Values["citizen_id"] == p[0] {
			t.Fatalf("clear values delivered: %v", out.Values)
		}

		// The region's authority tightens the ID rule: the next plan masks with it.
		must(t, a.Catalog.SetMaskRules(ctx, who(t, a, "admin"), "150000", []mask.Rule{{Kind: catalog.KindCitizenID, Method: mask.MethodPartial, KeepHead: 1, KeepTail: 2}}))
		a.Share.PlanTTL = 0
		out, err = a.Share.Lookup(ctx, gp, "127.0.0.1", p[0])
		must(t, err)
		if want := p[0][:1] + strings.Repeat("*", 15) + p[0][16:]; out.Values["citizen_id"] != want {
			t.Fatalf("ID number under the region's rule: %q; want %q", out.Values["citizen_id"], want)
		}
	})
}
