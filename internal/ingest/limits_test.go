package ingest_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/testutil"
)

// NUL bytes and values longer than the item's declared length are refused, naming the row and
// the item; so are values over the per-value limit when the item declares no length.
func TestNULAndDeclaredLength(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		officer := who(t, a, "officer")
		// The entry declares that a name has at most 20 characters.
		e, err := a.Catalog.Get(ctx, demo.EntryPopulation)
		must(t, err)
		for i := range e.Fields {
			if e.Fields[i].Name == "name" {
				e.Fields[i].MaxLength = 20
			}
		}
		_, err = a.Catalog.Update(ctx, officer, e)
		must(t, err)
		must(t, a.Catalog.Submit(ctx, officer, e.ID))
		must(t, a.Catalog.Approve(ctx, who(t, a, "reviewer"), e.ID, ""))
		pub, err := a.Catalog.Published(ctx, e.ID)
		must(t, err)
		if pub.Fields[1].MaxLength != 20 {
			t.Fatalf("declared length not published: %+v", pub.Fields[1])
		}
		a.Ingest.Input.MaxCellBytes = 1000
		body := popCSV(0, 3,
			mkID(20)+",张\x00三,男,1990-01-01,地址,13900000000,150102",                        // line 5: NUL
			mkID(21)+","+strings.Repeat("长", 21)+",男,1990-01-01,地址,13900000000,150102",   // line 6: over the declared length
			mkID(22)+",李四,男,1990-01-01,"+strings.Repeat("a", 1001)+",13900000000,150102", // line 7: over the per-value limit
			mkID(23)+","+strings.Repeat("长", 20)+",男,1990-01-01,地址,13900000000,150102",   // line 8: exactly the length: fine
		)
		res, err := a.Ingest.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "nul.csv", Body: strings.NewReader(body)})
		if !errors.Is(err, ingest.ErrRejected) {
			t.Fatalf("want rejection, got %v", err)
		}
		for line, want := range map[int][3]string{5: {ingest.RuleNUL, "name", "空字符"}, 6: {ingest.RuleLength, "name", "声明的长度 20"}, 7: {ingest.RuleLength, "address", "1000 字节"}} {
			found := false
			for _, p := range res.Report.Problems {
				if p.Line == line && p.Rule == want[0] && p.Field == want[1] && strings.Contains(p.ZH, want[2]) && strings.Contains(p.ZH, "：") && p.EN != "" {
					found = true
				}
			}
			if !found {
				t.Errorf("line %d: no %s problem on %s; report %+v", line, want[0], want[1], res.Report.Problems)
			}
		}
		if problemAt(res, 8, ingest.RuleLength) || res.Report.RowsInvalid != 3 {
			t.Fatalf("rows invalid %d; problems %+v", res.Report.RowsInvalid, res.Report.Problems)
		}
		// The error the agency sees names the lines.
		if got := lines(err); len(got) < 3 {
			t.Fatalf("error lists lines %v", got)
		}
	})
}

// bombSheet makes a workbook of well under 1 MiB whose sheet expands to 300 MiB.
func bombSheet(t *testing.T) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
	} {
		w, _ := zw.Create(name)
		io.WriteString(w, body)
	}
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	chunk := bytes.Repeat([]byte(`<row><c t="inlineStr"><is><t>x</t></is></c></row>`), 2000)
	for n := 0; n < 300<<20; n += len(chunk) {
		w.Write(chunk)
	}
	io.WriteString(w, `</sheetData></worksheet>`)
	zw.Close()
	if b.Len() > 1<<20 {
		t.Fatalf("bomb of %d bytes", b.Len())
	}
	return b.Bytes()
}

// A zip-bomb workbook sent to the service is refused with 413 and the limit named; nothing is
// loaded and the entry keeps its data.
func TestXLSXBombLoad(t *testing.T) {
	data := bombSheet(t)
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		officer := who(t, a, "officer")
		before, _ := a.Ingest.Current(ctx, demo.EntryPopulation)
		_, err := a.Ingest.Load(ctx, officer, ingest.LoadRequest{EntryID: demo.EntryPopulation, FileName: "bomb.xlsx", Body: bytes.NewReader(data)})
		e := apperr.As(err)
		if e.Code != "input_expands_too_far" || e.Status != 413 || !strings.Contains(e.ZH, "256 MiB") {
			t.Fatalf("bomb load: %v", err)
		}
		after, _ := a.Ingest.Current(ctx, demo.EntryPopulation)
		if after.Version != before.Version {
			t.Fatalf("the bomb changed the entry's version: %+v → %+v", before, after)
		}
	})
}
