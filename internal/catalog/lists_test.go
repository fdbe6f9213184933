package catalog_test

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
)

// TestNegativeList: derived from not-shared entries and fields of published versions only.
func TestNegativeList(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		civil, reviewer, officer := who(t, a, "civil"), who(t, a, "reviewer"), who(t, a, "officer")
		items, err := a.Catalog.NegativeList(ctx, civil, catalog.NegativeQuery{})
		mustNoErr(t, err)
		byID := map[string]catalog.NegativeItem{}
		for _, it := range items {
			byID[it.EntryID] = it
		}
		m, ok := byID[demo.EntryMarriage]
		if !ok || !m.WholeEntry || !slices.Contains(m.Fields, "当事人公民身份号码") || !strings.Contains(m.LegalBasis, "婚姻登记条例") || m.ProviderName == "" {
			t.Fatalf("marriage on the negative list: %+v", m)
		}
		si, ok := byID[demo.EntrySocialInsurance]
		if !ok || si.WholeEntry || !slices.Equal(si.FieldNames, []string{"pay_base"}) || si.LegalBasis == "" {
			t.Fatalf("social insurance field on the negative list: %+v", si)
		}
		if _, ok := byID[demo.EntryEnterprise]; ok {
			t.Fatal("an unconditionally shared entry is on the negative list")
		}
		for _, it := range items {
			e, _ := a.Catalog.Published(ctx, it.EntryID)
			if e.ShareType != catalog.ShareNone && it.WholeEntry {
				t.Fatalf("%s listed whole but shared %s", it.Name, e.ShareType)
			}
		}
		// Per agency.
		mine, _ := a.Catalog.NegativeList(ctx, civil, catalog.NegativeQuery{Agency: demo.OrgCivil})
		for _, it := range mine {
			if it.ProviderOrgID != demo.OrgCivil {
				t.Fatalf("agency filter let through %s", it.Name)
			}
		}
		if len(mine) == 0 || len(mine) >= len(items) {
			t.Fatalf("agency list %d of %d", len(mine), len(items))
		}
		// A draft restriction is not on the list until it is published.
		e, _ := a.Catalog.Get(ctx, demo.EntryPopulation)
		e.Fields[5].ShareType, e.Fields[5].Reason, e.Fields[5].LegalBasis = catalog.ShareNone, "联系电话属于个人隐私", "《个人信息保护法》第二十八条"
		_, err = a.Catalog.Update(ctx, officer, e)
		mustNoErr(t, err)
		if on, _ := a.Catalog.OnNegativeList(ctx, demo.EntryPopulation, "phone"); on {
			t.Fatal("draft field already on the negative list")
		}
		mustNoErr(t, a.Catalog.Submit(ctx, officer, e.ID))
		mustNoErr(t, a.Catalog.Approve(ctx, reviewer, e.ID, ""))
		if on, _ := a.Catalog.OnNegativeList(ctx, demo.EntryPopulation, "phone"); !on {
			t.Fatal("published not-shared field missing from the negative list")
		}
		if on, _ := a.Catalog.OnNegativeList(ctx, demo.EntryPopulation, "name"); on {
			t.Fatal("shared field on the negative list")
		}
		// Export formats.
		for _, f := range catalog.Formats {
			var buf bytes.Buffer
			mustNoErr(t, catalog.WriteNegativeList(&buf, f, items))
			if buf.Len() < 100 {
				t.Fatalf("%s export %d bytes", f, buf.Len())
			}
		}
		if _, err := a.Catalog.NegativeList(ctx, &authz.Principal{}, catalog.NegativeQuery{}); apperr.As(err).Code != "unauthenticated" {
			t.Fatalf("anonymous negative list: %v", err)
		}
	})
}

// TestDuplicateSources: one data item claimed by two source agencies, and a draft collecting
// an item another agency publishes.
func TestDuplicateSources(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		admin, health, hrss := who(t, a, "admin"), who(t, a, "health"), who(t, a, "hrss")
		rep, err := a.Catalog.SourceReport(ctx, admin, "")
		mustNoErr(t, err)
		var edu *catalog.DuplicateClaim
		for i := range rep.Duplicates {
			if rep.Duplicates[i].Label == "学历" {
				edu = &rep.Duplicates[i]
			}
		}
		if edu == nil || len(edu.Sources) != 2 {
			t.Fatalf("学历 claimed by HRSS and education not detected: %+v", rep.Duplicates)
		}
		srcs := []string{edu.Sources[0].SourceOrgID, edu.Sources[1].SourceOrgID}
		slices.Sort(srcs)
		if !slices.Equal(srcs, []string{demo.OrgEducation, demo.OrgHRSS}) {
			t.Fatalf("claimants %v", srcs)
		}
		// The demo draft collects 联系电话, published by public security.
		found := false
		for _, is := range rep.Issues {
			if is.EntryID == demo.EntryDraftFamilyDoctor {
				found = len(is.Warnings) > 0 && is.Warnings[0].Code == "catalog.duplicate_collection"
			}
		}
		if !found {
			t.Fatalf("duplicate collection in the draft not reported: %+v", rep.Issues)
		}
		// Drafting such a field warns at once (but does not refuse).
		e := popEntry()
		e.ProviderOrgID, e.Name, e.Tags = "", "慢病随访信息", nil
		e.Fields[1].SourceOrgID = demo.OrgPublicSec // 姓名 is declared as taken from public security
		e.Fields = append(e.Fields, catalog.Field{Name: "phone", Label: "联系电话", Kind: catalog.KindPhone, Sensitivity: 3})
		got, err := a.Catalog.Create(ctx, health, e)
		mustNoErr(t, err)
		if len(got.Warnings) != 1 || got.Warnings[0].Field != "fields[3].label" || !strings.Contains(got.Warnings[0].ZH, "常住人口基本信息") {
			t.Fatalf("warnings %+v", got.Warnings)
		}
		// Marking the field as taken from public security silences the warning.
		got.Fields[3].SourceOrgID = demo.OrgPublicSec
		got, err = a.Catalog.Update(ctx, health, got)
		mustNoErr(t, err)
		if len(got.Warnings) != 0 {
			t.Fatalf("warnings after marking the source %+v", got.Warnings)
		}
		// Source registry: household registration drafted by HRSS is flagged.
		w := popEntry()
		w.ProviderOrgID, w.Name = "", "户籍人员参保名册"
		w.ResourceAttr, w.Topic = catalog.AttrSubject, "11"
		out, err := a.Catalog.Create(ctx, hrss, w)
		mustNoErr(t, err)
		if !slices.ContainsFunc(out.Warnings, func(w catalog.Warning) bool { return w.Code == "catalog.source_mismatch" }) {
			t.Fatalf("source mismatch not warned: %+v", out.Warnings)
		}
		srcList, _ := a.Catalog.Sources(ctx)
		if len(srcList) < 16 {
			t.Fatalf("source registry has %d categories", len(srcList))
		}
		// An agency sees only the duplicates it is part of.
		mine, _ := a.Catalog.SourceReport(ctx, hrss, "")
		for _, dc := range mine.Duplicates {
			if !slices.ContainsFunc(dc.Sources, func(c catalog.Claim) bool { return c.SourceOrgID == demo.OrgHRSS }) {
				t.Fatalf("agency sees a duplicate it is not part of: %+v", dc)
			}
		}
	})
}

// TestImportBadRows: every bad row is reported with its line, nothing is imported; --skip-bad
// imports the rest.
func TestImportBadRows(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		admin := who(t, a, "admin")
		fields := `"[{""name"":""credit_code"",""label"":""统一社会信用代码"",""kind"":""credit_code"",""is_key"":true}]"`
		csv := "code,name,summary,provider_org_id,data_form,resource_attr,topic,grade,level,share_type,share_reason,share_legal_basis,share_conditions,open_type,update_frequency,fields\n" +
			"102-900001,测试企业名录,企业名录,org-market,table,base,02,general,1,unconditional,,,,unconditional,daily," + fields + "\n" +
			"102-900002,测试有条件目录,缺依据,org-market,table,base,02,general,1,conditional,涉及商业秘密,,,unconditional,daily," + fields + "\n" +
			"102-900003,,无名称,org-market,table,base,02,general,x,unconditional,,,,unconditional,daily," + fields + "\n" +
			"102-900004,测试目录四,正常,org-nobody,table,base,02,general,1,unconditional,,,,unconditional,daily," + fields + "\n" +
			"102-900005,测试目录五,正常,org-market,table,base,02,general,1,unconditional,,,,unconditional,daily," + fields + "\n"
		rows, err := catalog.ReadEntries(strings.NewReader(csv), catalog.FormatCSV)
		mustNoErr(t, err)
		var before int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM catalog_entries").Scan(&before)
		_, err = a.Catalog.Import(ctx, admin, rows, catalog.ImportOptions{})
		e := apperr.As(err)
		if e.Code != "catalog.import_invalid" {
			t.Fatalf("import: %v", err)
		}
		lines := map[int][]string{}
		for _, f := range e.Fields {
			lines[f.Line] = append(lines[f.Line], f.Field)
		}
		if len(lines) != 3 || !slices.Contains(lines[3], "share_legal_basis") || !slices.Contains(lines[3], "share_conditions") ||
			!slices.Contains(lines[4], "level") || !slices.Contains(lines[5], "provider_org_id") {
			t.Fatalf("bad rows reported %v", lines)
		}
		var after int
		d.QueryRowContext(ctx, "SELECT COUNT(*) FROM catalog_entries").Scan(&after)
		if after != before {
			t.Fatalf("%d entries imported from a file with bad rows", after-before)
		}
		res, err := a.Catalog.Import(ctx, admin, rows, catalog.ImportOptions{SkipBad: true})
		mustNoErr(t, err)
		if res.Created != 2 || res.Skipped != 3 || len(res.Errors) == 0 {
			t.Fatalf("skip-bad result %+v", res)
		}
		got, err := a.Catalog.GetByCode(ctx, "150000", "102-900005")
		mustNoErr(t, err)
		if got.Status != catalog.StatusDraft || got.ProviderOrgID != demo.OrgMarket {
			t.Fatalf("imported %+v", got)
		}
		// A data officer may import only its own agency's entries.
		civil := who(t, a, "civil")
		rows, _ = catalog.ReadEntries(strings.NewReader(csv), catalog.FormatCSV)
		_, err = a.Catalog.Import(ctx, civil, rows[4:], catalog.ImportOptions{})
		if e := apperr.As(err); e.Code != "catalog.import_invalid" || e.Fields[0].Field != "provider_org_id" {
			t.Fatalf("civil importing market's entries: %v", err)
		}
		// A broken header is refused with line 1.
		_, err = catalog.ReadEntries(strings.NewReader("name,colour\n"), catalog.FormatCSV)
		if e := apperr.As(err); e.Code != "catalog.import_file" || e.Fields[0].Line != 1 || e.Fields[0].Field != "colour" {
			t.Fatalf("bad header: %v", err)
		}
	})
}

// TestExportRoundTrip: each format exported from the demo and imported into an empty platform
// gives the same published content.
func TestExportRoundTrip(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-09-30 10:00"))
		admin := who(t, a, "admin")
		src, err := a.Catalog.ExportEntries(ctx, admin, catalog.ExportQuery{})
		mustNoErr(t, err)
		if len(src) < 50 {
			t.Fatalf("exported %d", len(src))
		}
		for _, f := range catalog.Formats {
			var buf bytes.Buffer
			mustNoErr(t, catalog.WriteEntries(&buf, f, src))
			// A second platform with the same directory but no catalog.
			d2 := testutil.SQLite(t)
			if d.IsPG() {
				d2 = testutil.Postgres(t)
			}
			b := testutil.NewApp(t, d2, nil)
			copyDirectory(t, a, b)
			rows, err := catalog.ReadEntries(bytes.NewReader(buf.Bytes()), f)
			mustNoErr(t, err)
			res, err := b.Catalog.Import(ctx, authz.System, rows, catalog.ImportOptions{Publish: true})
			mustNoErr(t, err)
			if res.Created != len(src) {
				t.Fatalf("%s: created %d of %d", f, res.Created, len(src))
			}
			dst, err := b.Catalog.ExportEntries(ctx, authz.System, catalog.ExportQuery{})
			mustNoErr(t, err)
			for i := range src {
				x, y := src[i], dst[i]
				x.ID, y.ID, x.PublishedAt, y.PublishedAt, x.UpdatedAt, y.UpdatedAt, x.CreatedAt, y.CreatedAt = "", "", 0, 0, 0, 0, 0, 0
				jx, _ := json.Marshal(x)
				jy, _ := json.Marshal(y)
				if !bytes.Equal(jx, jy) {
					t.Fatalf("%s round trip differs for %s:\n%s\n%s", f, src[i].Code, jx, jy)
				}
			}
		}
	})
}

// copyDirectory gives platform b the regions and organizations of a (no catalog).
func copyDirectory(t *testing.T, a, b *app.App) {
	t.Helper()
	regs, err := a.Identity.Regions(ctx)
	mustNoErr(t, err)
	orgs, err := a.Identity.Orgs(ctx, "", "")
	mustNoErr(t, err)
	mustNoErr(t, b.DB.Tx(ctx, func(tx *sql.Tx) error {
		for _, r := range regs {
			if err := b.Identity.CreateRegion(ctx, tx, r); err != nil {
				return err
			}
		}
		for _, o := range orgs {
			o.ParentID = ""
			if err := b.Identity.CreateOrg(ctx, tx, &o); err != nil {
				return err
			}
		}
		return nil
	}))
}
