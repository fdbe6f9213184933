package catalog

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/csvsafe"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ziplimit"
)

// File formats of export and import (CAT-11).
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
	FormatJSON = "json"
)

// Formats lists the supported formats.
var Formats = []string{FormatCSV, FormatXLSX, FormatJSON}

// FormatOf guesses a file's format from its name.
func FormatOf(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx":
		return FormatXLSX
	case ".json":
		return FormatJSON
	}
	return FormatCSV
}

// ContentType is the MIME type of a format.
func ContentType(format string) string {
	switch format {
	case FormatXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case FormatJSON:
		return "application/json; charset=utf-8"
	}
	return "text/csv; charset=utf-8"
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == '|' || r == ';' || r == '；' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// column is one column of the tabular (CSV/XLSX) layout: one row per entry, its data items as
// a JSON array in the "fields" column, lists separated by "|".
type column struct {
	key, zh string
	get     func(e *Entry) string
	set     func(e *Entry, v string) error
}

func str(p func(e *Entry) *string) (func(e *Entry) string, func(e *Entry, v string) error) {
	return func(e *Entry) string { return *p(e) }, func(e *Entry, v string) error { *p(e) = v; return nil }
}

var columns = func() []column {
	c := func(key, zh string, p func(e *Entry) *string) column {
		g, s := str(p)
		return column{key, zh, g, s}
	}
	lst := func(key, zh string, p func(e *Entry) *[]string) column {
		return column{key, zh, func(e *Entry) string { return strings.Join(*p(e), "|") }, func(e *Entry, v string) error { *p(e) = splitList(v); return nil }}
	}
	return []column{
		c("code", "资源代码", func(e *Entry) *string { return &e.Code }),
		c("name", "资源名称", func(e *Entry) *string { return &e.Name }),
		c("name_en", "英文名称", func(e *Entry) *string { return &e.NameEN }),
		c("summary", "资源摘要", func(e *Entry) *string { return &e.Summary }),
		c("region_code", "行政区划", func(e *Entry) *string { return &e.RegionCode }),
		c("provider_org_id", "提供部门", func(e *Entry) *string { return &e.ProviderOrgID }),
		c("source_org_id", "数源部门", func(e *Entry) *string { return &e.SourceOrgID }),
		lst("collecting_orgs", "采集部门", func(e *Entry) *[]string { return &e.CollectingOrgs }),
		lst("approving_orgs", "审批部门", func(e *Entry) *[]string { return &e.ApprovingOrgs }),
		{"data_form", "资源形态", func(e *Entry) string { return string(e.Form) }, func(e *Entry, v string) error { e.Form = DataForm(v); return nil }},
		c("resource_attr", "资源属性", func(e *Entry) *string { return &e.ResourceAttr }),
		c("topic", "主题分类", func(e *Entry) *string { return &e.Topic }),
		{"grade", "分级", func(e *Entry) string { return string(e.Grade) }, func(e *Entry, v string) error { e.Grade = Grade(v); return nil }},
		{"level", "级别", func(e *Entry) string {
			if e.Level == 0 {
				return ""
			}
			return strconv.Itoa(e.Level)
		}, func(e *Entry, v string) error {
			if v == "" {
				return nil
			}
			n, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("级别须为整数 / level must be an integer")
			}
			e.Level = n
			return nil
		}},
		{"share_type", "共享属性", func(e *Entry) string { return string(e.ShareType) }, func(e *Entry, v string) error { e.ShareType = ShareType(v); return nil }},
		c("share_conditions", "共享条件", func(e *Entry) *string { return &e.ShareCondition }),
		c("share_scope", "共享范围", func(e *Entry) *string { return &e.ShareScope }),
		lst("share_modes", "共享方式", func(e *Entry) *[]string { return &e.ShareModes }),
		c("share_reason", "限制共享理由", func(e *Entry) *string { return &e.ShareReason }),
		c("share_legal_basis", "共享依据", func(e *Entry) *string { return &e.ShareBasis }),
		{"open_type", "开放属性", func(e *Entry) string { return string(e.OpenType) }, func(e *Entry, v string) error { e.OpenType = OpenType(v); return nil }},
		c("open_conditions", "开放条件", func(e *Entry) *string { return &e.OpenCondition }),
		c("open_reason", "不予开放理由", func(e *Entry) *string { return &e.OpenReason }),
		c("open_legal_basis", "开放依据", func(e *Entry) *string { return &e.OpenBasis }),
		{"update_frequency", "更新周期", func(e *Entry) string { return string(e.Frequency) }, func(e *Entry, v string) error { e.Frequency = Frequency(v); return nil }},
		lst("tags", "标签", func(e *Entry) *[]string { return &e.Tags }),
		c("legal_basis", "法律依据", func(e *Entry) *string { return &e.LegalBasis }),
		{"fields", "信息项（JSON）", func(e *Entry) string {
			b, _ := json.Marshal(e.Fields)
			return string(b)
		}, func(e *Entry, v string) error {
			if strings.TrimSpace(v) == "" {
				return nil
			}
			dec := json.NewDecoder(strings.NewReader(v))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&e.Fields); err != nil {
				return fmt.Errorf("信息项须为 JSON 数组：%v / fields must be a JSON array: %v", err, err)
			}
			return nil
		}},
		{"status", "状态（只读）", func(e *Entry) string { return string(e.Status) }, func(e *Entry, v string) error { return nil }},
		{"version", "版本（只读）", func(e *Entry) string { return strconv.Itoa(e.Version) }, func(e *Entry, v string) error { return nil }},
	}
}()

// ColumnKeys lists the tabular columns.
func ColumnKeys() []string {
	out := make([]string, len(columns))
	for i, c := range columns {
		out[i] = c.key
	}
	return out
}

// WriteEntries writes entries in a format.
func WriteEntries(w io.Writer, format string, entries []Entry) error {
	switch format {
	case FormatJSON:
		for i := range entries {
			entries[i].Review, entries[i].Warnings = nil, nil
		}
		if entries == nil {
			entries = []Entry{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(entries)
	case FormatXLSX:
		f := excelize.NewFile()
		defer f.Close()
		sheet := "目录"
		f.SetSheetName("Sheet1", sheet)
		sw, err := f.NewStreamWriter(sheet)
		if err != nil {
			return err
		}
		row := make([]any, len(columns))
		for i, c := range columns {
			row[i] = c.key
		}
		if err := sw.SetRow("A1", row); err != nil {
			return err
		}
		for n := range entries {
			vals := make([]any, len(columns))
			for i, c := range columns {
				vals[i] = c.get(&entries[n])
			}
			cell, _ := excelize.CoordinatesToCellName(1, n+2)
			if err := sw.SetRow(cell, vals); err != nil {
				return err
			}
		}
		if err := sw.Flush(); err != nil {
			return err
		}
		return f.Write(w)
	case FormatCSV:
		bw := bufio.NewWriter(w)
		bw.WriteString("\uFEFF") // so spreadsheet programs read UTF-8
		cw := csvsafe.NewWriter(bw)
		cw.Write(ColumnKeys())
		rec := make([]string, len(columns))
		for n := range entries {
			for i, c := range columns {
				rec[i] = c.get(&entries[n])
			}
			cw.Write(rec)
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		return bw.Flush()
	}
	return apperr.BadRequest.With(apperr.Field("format", "格式须为 CSV、XLSX 或 JSON", "the format must be CSV, XLSX or JSON"))
}

// ImportZipLimits bound an XLSX catalog import before it is expanded: 64 MiB expanded (a
// catalog of tens of thousands of entries is a few MiB), a ratio of 200.
var ImportZipLimits = ziplimit.Limits{MaxExpanded: 64 << 20, MaxRatio: 200, MaxEntries: 1000}

// ErrFile is a file that cannot be read at all.
var ErrFile = apperr.New(422, "catalog.import_file", "无法读取导入文件", "cannot read the import file")

// ReadEntries parses a file into rows. A row's own problems are kept on the row (with its line)
// for Import to report; a file that cannot be read at all (bad header, broken JSON) is an error.
func ReadEntries(r io.Reader, format string) ([]ImportRow, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, err
	}
	switch format {
	case FormatJSON:
		return readJSON(data)
	case FormatXLSX:
		// The workbook is read whole, so its expansion is checked first (see ImportZipLimits).
		if err := ziplimit.Check(bytes.NewReader(data), int64(len(data)), ImportZipLimits); errors.Is(err, ziplimit.ErrNotZip) {
			return nil, ErrFile.With(apperr.Field("file", "不是有效的 XLSX 文件", "not a valid XLSX file"))
		} else if err != nil {
			return nil, err
		}
		f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: ImportZipLimits.MaxExpanded, UnzipXMLSizeLimit: ImportZipLimits.MaxExpanded})
		if err != nil {
			return nil, ErrFile.With(apperr.Field("file", "不是有效的 XLSX 文件", "not a valid XLSX file"))
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, ErrFile.With(apperr.Field("file", "XLSX 文件没有工作表", "the XLSX file has no sheet"))
		}
		recs, err := f.GetRows(sheets[0])
		if err != nil {
			return nil, ErrFile.Wrap(err)
		}
		return readTable(recs)
	case FormatCSV:
		data = bytes.TrimPrefix(data, []byte("\uFEFF"))
		cr := csv.NewReader(bytes.NewReader(data))
		cr.FieldsPerRecord = -1
		var recs [][]string
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				line := len(recs) + 1
				if pe, ok := err.(*csv.ParseError); ok {
					line = pe.Line
				}
				return nil, ErrFile.With(apperr.FieldError{Field: "file", Line: line, ZH: "CSV 格式错误：" + err.Error(), EN: "CSV syntax error: " + err.Error()})
			}
			for i := range rec {
				rec[i] = csvsafe.Restore(rec[i]) // the export neutralized formulas
			}
			recs = append(recs, rec)
		}
		return readTable(recs)
	}
	return nil, apperr.BadRequest.With(apperr.Field("format", "格式须为 CSV、XLSX 或 JSON", "the format must be CSV, XLSX or JSON"))
}

func readTable(recs [][]string) ([]ImportRow, error) {
	if len(recs) == 0 {
		return nil, ErrFile.With(apperr.FieldError{Field: "file", Line: 1, ZH: "文件为空", EN: "the file is empty"})
	}
	idx := map[string]int{}
	byKey := map[string]column{}
	for _, c := range columns {
		byKey[c.key] = c
	}
	var bad []apperr.FieldError
	for i, h := range recs[0] {
		h = strings.TrimSpace(h)
		if _, ok := byKey[h]; !ok {
			bad = append(bad, apperr.FieldError{Field: h, Line: 1, ZH: "未知的列：" + h, EN: "unknown column: " + h})
			continue
		}
		idx[h] = i
	}
	if _, ok := idx["name"]; !ok {
		bad = append(bad, apperr.FieldError{Field: "name", Line: 1, ZH: "缺少 name 列", EN: "the name column is missing"})
	}
	if len(bad) > 0 {
		return nil, ErrFile.With(bad...)
	}
	var out []ImportRow
	for n, rec := range recs[1:] {
		empty := true
		for _, v := range rec {
			if strings.TrimSpace(v) != "" {
				empty = false
			}
		}
		if empty {
			continue
		}
		row := ImportRow{Line: n + 2}
		for key, i := range idx {
			v := ""
			if i < len(rec) {
				v = strings.TrimSpace(rec[i])
			}
			if err := byKey[key].set(&row.Entry, v); err != nil {
				zh, en, _ := strings.Cut(err.Error(), " / ")
				row.Errors = append(row.Errors, apperr.FieldError{Field: key, Line: row.Line, ZH: zh, EN: en})
			}
		}
		out = append(out, row)
	}
	return out, nil
}

func lineAt(data []byte, off int64) int {
	for int(off) < len(data) && (data[off] == ' ' || data[off] == '\n' || data[off] == '\r' || data[off] == '\t' || data[off] == ',') {
		off++
	}
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

func readJSON(data []byte) ([]ImportRow, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('[') {
		return nil, ErrFile.With(apperr.FieldError{Field: "file", Line: 1, ZH: "JSON 文件须为目录条目数组", EN: "the JSON file must be an array of entries"})
	}
	var out []ImportRow
	for dec.More() {
		line := lineAt(data, dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, ErrFile.With(apperr.FieldError{Field: "file", Line: line, ZH: "JSON 语法错误", EN: "JSON syntax error"})
		}
		row := ImportRow{Line: line}
		ed := json.NewDecoder(bytes.NewReader(raw))
		ed.DisallowUnknownFields()
		if err := ed.Decode(&row.Entry); err != nil {
			row.Errors = append(row.Errors, apperr.FieldError{Field: "entry", Line: line, ZH: "条目格式错误：" + err.Error(), EN: "malformed entry: " + err.Error()})
		}
		row.Entry.Review, row.Entry.Warnings, row.Entry.ProviderName = nil, nil, ""
		row.Entry.Status, row.Entry.Version, row.Entry.PublishedAt, row.Entry.UpdatedAt, row.Entry.CreatedAt = "", 0, 0, 0, 0
		out = append(out, row)
	}
	return out, nil
}

// ExportQuery selects what to export.
type ExportQuery struct {
	Region  string `json:"region,omitempty"`
	Agency  string `json:"agency,omitempty"`
	Working bool   `json:"working,omitempty"` // working copies (drafts included) instead of published versions
}

// ExportEntries returns the entries to export, visible to p: the published versions, or with
// Working the working copies p may see. The export is audited.
func (s *Service) ExportEntries(ctx context.Context, p *authz.Principal, q ExportQuery) (_ []Entry, err error) {
	defer errs.Wrap(&err, "catalog: ExportEntries")
	var rows interface {
		Next() bool
		Scan(...any) error
		Close() error
		Err() error
	}
	if q.Working {
		rows, err = s.DB.QueryContext(ctx, "SELECT e.data, e.region_code, e.provider_org_id, e.id, e.status, e.version, e.published_at, e.updated_at, e.created_at FROM catalog_entries e ORDER BY e.region_code, e.code")
	} else {
		rows, err = s.DB.QueryContext(ctx, `SELECT v.data, e.region_code, e.provider_org_id, e.id, 'published', v.version, v.published_at, e.updated_at, e.created_at
			FROM catalog_entries e JOIN catalog_versions v ON v.entry_id = e.id AND v.version = e.version WHERE e.live = 1 ORDER BY e.region_code, e.code`)
	}
	if err != nil {
		return nil, err
	}
	var out []Entry
	for rows.Next() {
		var data, region, prov, id, status string
		var version int
		var pub, upd, cre int64
		if err := rows.Scan(&data, &region, &prov, &id, &status, &version, &pub, &upd, &cre); err != nil {
			rows.Close()
			return nil, err
		}
		if q.Region != "" && !authz.RegionCovers(q.Region, region) {
			continue
		}
		if q.Agency != "" && q.Agency != prov {
			continue
		}
		if q.Working && !trusted(p) && !CanSeeWorking(p, prov, region) {
			continue
		}
		var e Entry
		if err := json.Unmarshal([]byte(data), &e); err != nil {
			rows.Close()
			return nil, err
		}
		e.ID, e.Status, e.Version, e.PublishedAt, e.UpdatedAt, e.CreatedAt = id, Status(status), version, db.Stamp(pub), db.Stamp(upd), db.Stamp(cre)
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		s.fillNames(ctx, &out[i])
	}
	err = s.Audit.Log(ctx, audit.Event{ActorID: p.UserID, ActorName: actorName(p), OrgID: p.OrgID, Action: "catalog.export",
		ObjectType: "catalog", Detail: map[string]any{"count": len(out), "region": q.Region, "agency": q.Agency, "working": q.Working}})
	return out, err
}
