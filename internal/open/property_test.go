package open_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
	"pgregory.net/rapid"

	"pubdata/internal/catalog"
	"pubdata/internal/csvsafe"
	"pubdata/internal/mask"
	"pubdata/internal/open"
)

// The opening rules, restated here independently of the code under test (the oracle):
// an item leaves only when its open type — the stricter of the entry's and its own — is
// unconditional, or conditional for a caller whose approved key covers it (and, when the key
// names items, names it); an item of core or important data, or above L1 (its own level, else the
// entry's, never below its kind's default without a recorded reason), never leaves in clear.

var openRank = map[catalog.OpenType]int{"": 0, catalog.OpenUnconditional: 0, catalog.OpenConditional: 1, catalog.OpenNone: 2}

func oracleLeaves(e *catalog.Entry, f *catalog.Field, a open.Access) bool {
	t := e.OpenType
	if openRank[f.OpenType] > openRank[t] {
		t = f.OpenType
	}
	switch t {
	case catalog.OpenUnconditional:
		return true
	case catalog.OpenConditional:
		return a.Conditional && (len(a.Fields) == 0 || slices.Contains(a.Fields, f.Name))
	}
	return false
}

func oracleClear(e *catalog.Entry, f *catalog.Field) bool {
	if e.Grade == catalog.GradeCore || e.Grade == catalog.GradeImportant {
		return false
	}
	level := f.Sensitivity
	if level == 0 {
		level = e.Level
	}
	if d := f.Kind.DefaultSensitivity(); level < d && strings.TrimSpace(f.SensitivityReason) == "" {
		level = d
	}
	return level <= 1
}

var propKinds = []catalog.FieldKind{catalog.KindCitizenID, catalog.KindCreditCode, catalog.KindPhone, catalog.KindName, catalog.KindAddress,
	catalog.KindEmail, catalog.KindBankCard, catalog.KindText, catalog.KindNumber, catalog.KindEnum, catalog.KindDate, catalog.KindOther, catalog.KindRegionCode}

type propCase struct {
	e     catalog.Entry
	st    open.Settings
	a     open.Access
	rows  [][]string // raw values of every entry field, in field order
	names []string
}

func genCase(t *rapid.T) propCase {
	var c propCase
	c.e = catalog.Entry{ID: "prop", Grade: rapid.SampledFrom([]catalog.Grade{catalog.GradeGeneral, catalog.GradeGeneral, catalog.GradeImportant, catalog.GradeCore}).Draw(t, "grade"),
		Level:    rapid.IntRange(1, 4).Draw(t, "level"),
		OpenType: rapid.SampledFrom([]catalog.OpenType{catalog.OpenUnconditional, catalog.OpenConditional}).Draw(t, "open")}
	n := rapid.IntRange(1, 8).Draw(t, "fields")
	var ints []string
	for i := 0; i < n; i++ {
		f := catalog.Field{Name: fmt.Sprintf("f%d", i), Label: fmt.Sprintf("项%d", i),
			Kind:        rapid.SampledFrom(propKinds).Draw(t, "kind"),
			Sensitivity: rapid.IntRange(0, 4).Draw(t, "sens"),
			OpenType:    rapid.SampledFrom([]catalog.OpenType{"", "", catalog.OpenUnconditional, catalog.OpenConditional, catalog.OpenNone}).Draw(t, "fopen"),
			Type:        catalog.TypeString}
		if rapid.Bool().Draw(t, "reason") {
			f.SensitivityReason = "公开信息"
		}
		if f.Kind == catalog.KindNumber && rapid.Bool().Draw(t, "int") {
			f.Type = catalog.TypeInteger
			ints = append(ints, f.Name)
		}
		c.e.Fields = append(c.e.Fields, f)
		c.names = append(c.names, f.Name)
	}
	// Masking rules in force: the defaults, some kinds left without a rule (those must be redacted).
	for _, r := range mask.DefaultRules() {
		if rapid.IntRange(0, 3).Draw(t, "keep rule") > 0 {
			c.e.Masking = append(c.e.Masking, r)
		}
	}
	if rapid.Bool().Draw(t, "suppress") && len(ints) > 0 {
		c.st.MinCount = rapid.IntRange(2, 10).Draw(t, "min")
		for _, f := range ints {
			if rapid.Bool().Draw(t, "count field") {
				c.st.CountFields = append(c.st.CountFields, f)
			}
		}
	}
	c.a.Conditional = rapid.Bool().Draw(t, "conditional")
	if c.a.Conditional && rapid.Bool().Draw(t, "narrow") {
		for _, f := range c.names {
			if rapid.Bool().Draw(t, "approved") {
				c.a.Fields = append(c.a.Fields, f)
			}
		}
	}
	rows := rapid.IntRange(0, 30).Draw(t, "rows")
	for r := 0; r < rows; r++ {
		row := make([]string, n)
		for i, f := range c.e.Fields {
			switch {
			case f.Type == catalog.TypeInteger:
				row[i] = strconv.Itoa(rapid.IntRange(0, 20).Draw(t, "count"))
			case rapid.IntRange(0, 9).Draw(t, "empty") == 0:
				row[i] = ""
			default:
				// A unique token that cannot occur by accident in any output, with characters the
				// writers must escape: quotes, commas, a formula start, Han.
				row[i] = rapid.SampledFrom([]string{"", "=", "\"", "王"}).Draw(t, "lead") + fmt.Sprintf("ZQ%dR%dX%s,值", i, r, rapid.StringMatching(`[A-Z0-9]{8}`).Draw(t, "tok"))
			}
		}
		c.rows = append(c.rows, row)
	}
	return c
}

// output is one format's rows read back: column name → values, per row.
type output struct {
	header []string
	rows   [][]string
	raw    []byte // the bytes as sent (text formats)
}

func writeAll(t *rapid.T, format string, opt open.FormatOptions, plan *open.Plan, c propCase) []byte {
	var buf bytes.Buffer
	w, err := open.NewRowWriter(format, &buf, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Begin(plan.Columns); err != nil {
		t.Fatal(err)
	}
	idx := map[string]int{}
	for i, n := range c.names {
		idx[n] = i
	}
	row := make([]string, len(plan.Columns))
	for _, raw := range c.rows {
		for i, col := range plan.Columns { // what ScanColumns hands over: the plan's columns only
			row[i] = raw[idx[col.Name]]
		}
		plan.Apply(row)
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.End(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readBack(t *rapid.T, format string, opt open.FormatOptions, plan *open.Plan, b []byte) output {
	out := output{raw: b}
	switch format {
	case open.FormatCSV:
		var r io.Reader = bytes.NewReader(b)
		if opt.Encoding == "gb18030" {
			r = transform.NewReader(r, simplifiedchinese.GB18030.NewDecoder())
		}
		recs, err := csv.NewReader(r).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			return out
		}
		recs[0][0] = strings.TrimPrefix(recs[0][0], "\uFEFF")
		for i := range recs {
			for j := range recs[i] {
				recs[i][j] = csvsafe.Restore(recs[i][j])
			}
		}
		out.header, out.rows = recs[0], recs[1:]
	case open.FormatJSON:
		var objs []map[string]string
		if err := json.Unmarshal(b, &objs); err != nil {
			t.Fatalf("json: %v\n%s", err, b)
		}
		out.header = plan.Names()
		for _, o := range objs {
			if len(o) != len(plan.Columns) {
				t.Fatalf("json object has %d keys, plan %d: %v", len(o), len(plan.Columns), o)
			}
			row := make([]string, len(out.header))
			for i, h := range out.header {
				v, ok := o[h]
				if !ok {
					t.Fatalf("json object lacks %s", h)
				}
				row[i] = v
			}
			out.rows = append(out.rows, row)
		}
		for k := range firstKeys(objs) {
			if _, ok := plan.Column(k); !ok {
				t.Fatalf("json carries item %s outside the plan", k)
			}
		}
	case open.FormatXLSX:
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.GetRows("Sheet1")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 {
			return out
		}
		labels := map[string]string{}
		for _, c := range plan.Columns {
			labels[c.Label] = c.Name
		}
		for _, l := range rows[0] {
			n, ok := labels[l]
			if !ok {
				t.Fatalf("xlsx column %q outside the plan", l)
			}
			out.header = append(out.header, n)
		}
		for _, r := range rows[1:] {
			for len(r) < len(plan.Columns) {
				r = append(r, "") // trailing empty cells are not stored
			}
			out.rows = append(out.rows, r)
		}
	case open.FormatParquet:
		f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		fields := f.Schema().Fields()
		for _, fl := range fields {
			out.header = append(out.header, fl.Name())
		}
		r := parquet.NewReader(bytes.NewReader(b))
		buf := make([]parquet.Row, 16)
		for {
			n, err := r.ReadRows(buf)
			for _, pr := range buf[:n] {
				row := make([]string, len(fields))
				for _, v := range pr {
					if !v.IsNull() {
						row[v.Column()] = string(v.ByteArray())
					}
				}
				out.rows = append(out.rows, row)
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	return out
}

func firstKeys(objs []map[string]string) map[string]bool {
	m := map[string]bool{}
	for _, o := range objs {
		for k := range o {
			m[k] = true
		}
	}
	return m
}

// TestPropNoExcludedItemOrClearValueLeaves: whatever the entry, its grading, the items' open
// types, the access level and the data, no output — CSV (UTF-8, BOM, GB18030), JSON, XLSX,
// Parquet, and the preview rows — carries an item the open rules exclude, or a clear value of an
// item they mask; items that leave in clear are exact, and small counts are suppressed.
func TestPropNoExcludedItemOrClearValueLeaves(t *testing.T) {
	type fmtCase struct {
		format string
		opt    open.FormatOptions
	}
	formats := []fmtCase{{open.FormatCSV, open.FormatOptions{}}, {open.FormatCSV, open.FormatOptions{BOM: true}},
		{open.FormatCSV, open.FormatOptions{Encoding: "gb18030"}}, {open.FormatJSON, open.FormatOptions{}},
		{open.FormatXLSX, open.FormatOptions{}}, {open.FormatParquet, open.FormatOptions{}}, {"preview", open.FormatOptions{}}}
	rapid.Check(t, func(t *rapid.T) {
		c := genCase(t)
		plan := open.PlanFor(&c.e, &c.st, c.a)
		for _, fc := range formats {
			var out output
			if fc.format == "preview" {
				// The preview and the records API return the plan's rows as they are (no file format).
				out.header = plan.Names()
				idx := map[string]int{}
				for i, n := range c.names {
					idx[n] = i
				}
				for _, raw := range c.rows {
					row := make([]string, len(plan.Columns))
					for i, col := range plan.Columns {
						row[i] = raw[idx[col.Name]]
					}
					plan.Apply(row)
					out.rows = append(out.rows, row)
				}
			} else {
				b := writeAll(t, fc.format, fc.opt, plan, c)
				out = readBack(t, fc.format, fc.opt, plan, b)
			}
			check(t, fc.format, c, out)
		}
	})
}

func check(t *rapid.T, format string, c propCase, out output) {
	if len(out.header) == 0 || (len(out.header) == 1 && out.header[0] == "") {
		out.header = nil // nothing leaves: no column, whatever the row count reads back as
		for fi := range c.e.Fields {
			if oracleLeaves(&c.e, &c.e.Fields[fi], c.a) {
				t.Fatalf("%s: no columns, but item %s may leave", format, c.e.Fields[fi].Name)
			}
		}
		return
	}
	if format == open.FormatXLSX {
		for len(out.rows) < len(c.rows) {
			out.rows = append(out.rows, make([]string, len(out.header))) // trailing empty rows are not stored
		}
	}
	if len(out.rows) != len(c.rows) {
		t.Fatalf("%s: %d rows out of %d", format, len(out.rows), len(c.rows))
	}
	col := map[string]int{}
	for i, h := range out.header {
		col[h] = i
	}
	for fi := range c.e.Fields {
		f := &c.e.Fields[fi]
		j, present := col[f.Name]
		leaves := oracleLeaves(&c.e, f, c.a)
		if present != leaves {
			t.Fatalf("%s: item %s (entry %s, item %q, access %+v) present=%v, the rules say %v", format, f.Name, c.e.OpenType, f.OpenType, c.a, present, leaves)
		}
		for r, raw := range c.rows {
			clear := raw[fi]
			if !leaves {
				if tok := token(clear); tok != "" && len(out.raw) > 0 && bytes.Contains(out.raw, []byte(tok)) {
					t.Fatalf("%s: value of excluded item %s found in the output", format, f.Name)
				}
				continue
			}
			got := out.rows[r][j]
			switch {
			case !oracleClear(&c.e, f):
				if clear != "" && got == clear {
					t.Fatalf("%s: masked item %s (kind %s, grade %s) left in clear: %q", format, f.Name, f.Kind, c.e.Grade, got)
				}
				if tok := token(clear); tok != "" && strings.Contains(got, tok) {
					t.Fatalf("%s: masked item %s carries its clear token: %q", format, f.Name, got)
				}
			case f.Type == catalog.TypeInteger && c.st.MinCount > 1 && slices.Contains(c.st.CountFields, f.Name):
				n, _ := strconv.Atoi(clear)
				want := clear
				if n > 0 && n < c.st.MinCount {
					want = "<" + strconv.Itoa(c.st.MinCount)
				}
				if got != want {
					t.Fatalf("%s: count %s = %q, want %q (min %d)", format, f.Name, got, want, c.st.MinCount)
				}
			default:
				if got != clear {
					t.Fatalf("%s: clear item %s = %q, want %q", format, f.Name, got, clear)
				}
			}
		}
	}
}

// token is the unique part of a generated text value ("" for counts).
func token(v string) string {
	i, j := strings.Index(v, "ZQ"), strings.Index(v, ",")
	if i < 0 || j < i {
		return ""
	}
	return v[i:j]
}
