package catalog

import (
	"context"
	"encoding/json"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/csvsafe"
	"pubdata/internal/db"
	"pubdata/internal/errs"
)

// refreshDerived rewrites what is derived from an entry's published version: its source claims
// (CAT-8) and its negative-list rows (CAT-6), and lets OnChange hooks follow the change. Called
// when a version is published or withdrawn.
func (s *Service) refreshDerived(ctx context.Context, tx db.Q, e Entry, live bool) error {
	if err := s.refreshClaims(ctx, tx, e, live); err != nil {
		return err
	}
	for _, fn := range s.OnChange {
		if err := fn(ctx, tx, e, live); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM catalog_negative WHERE entry_id = $1", e.ID); err != nil {
		return err
	}
	if !live {
		return nil
	}
	ins := func(field, label, reason, basis string) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO catalog_negative (entry_id, field_name, label, reason, legal_basis, provider_org_id, region_code)
			VALUES ($1,$2,$3,$4,$5,$6,$7)`, e.ID, field, label, reason, basis, e.ProviderOrgID, e.RegionCode)
		return err
	}
	if e.ShareType == ShareNone {
		return ins("", "", e.ShareReason, e.ShareBasis)
	}
	for _, f := range e.Fields {
		if f.ShareType == ShareNone {
			if err := ins(f.Name, f.Label, f.Reason, f.LegalBasis); err != nil {
				return err
			}
		}
	}
	return nil
}

// NegativeItem is one line of the negative list (共享负面清单): a not-shared entry (all its
// fields) or the not-shared fields of an otherwise shared entry, with the provider and the
// legal basis (CAT-6, BT 24, NM 20). Anything not on the list is shareable.
type NegativeItem struct {
	EntryID       string   `json:"entry_id"`
	Code          string   `json:"code"`
	Name          string   `json:"name"`
	ProviderOrgID string   `json:"provider_org_id"`
	ProviderName  string   `json:"provider_name"`
	RegionCode    string   `json:"region_code"`
	WholeEntry    bool     `json:"whole_entry"`
	Fields        []string `json:"fields"`      // labels of the not-shared data items
	FieldNames    []string `json:"field_names"` // their machine names
	Reason        string   `json:"reason"`
	LegalBasis    string   `json:"legal_basis"`
}

// NegativeQuery narrows the list to an agency and/or a region (with its cities and counties).
type NegativeQuery struct {
	Agency string `json:"agency,omitempty"`
	Region string `json:"region,omitempty"`
}

// NegativeList returns the negative list, by provider then code. Every logged-in user may read
// it (agencies plan their requests with it); the authority aggregates it for its region.
func (s *Service) NegativeList(ctx context.Context, p *authz.Principal, q NegativeQuery) (_ []NegativeItem, err error) {
	defer errs.Wrap(&err, "catalog: NegativeList")
	if !p.Authenticated() && !trusted(p) {
		return nil, apperr.Unauthenticated
	}
	where, args := "1 = 1", []any{}
	if q.Agency != "" {
		args = append(args, q.Agency)
		where += " AND n.provider_org_id = $1"
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT n.entry_id, e.code, e.name, n.provider_org_id, n.region_code, n.field_name, n.label, n.reason, n.legal_basis
		FROM catalog_negative n JOIN catalog_entries e ON e.id = n.entry_id WHERE `+where+` ORDER BY n.provider_org_id, e.code, n.field_name`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []NegativeItem
	for rows.Next() {
		var it NegativeItem
		var field, label, reason, basis string
		if err := rows.Scan(&it.EntryID, &it.Code, &it.Name, &it.ProviderOrgID, &it.RegionCode, &field, &label, &reason, &basis); err != nil {
			return nil, err
		}
		if q.Region != "" && !authz.RegionCovers(q.Region, it.RegionCode) {
			continue
		}
		if n := len(out); n > 0 && out[n-1].EntryID == it.EntryID && field != "" {
			last := &out[n-1]
			last.Fields = append(last.Fields, label)
			last.FieldNames = append(last.FieldNames, field)
			if !strings.Contains(last.LegalBasis, basis) {
				last.LegalBasis += "；" + basis
			}
			if !strings.Contains(last.Reason, reason) {
				last.Reason += "；" + reason
			}
			continue
		}
		it.Reason, it.LegalBasis = reason, basis
		if field == "" {
			it.WholeEntry = true
		} else {
			it.Fields, it.FieldNames = []string{label}, []string{field}
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	// A whole entry lists all of its fields (from its published version).
	for i := range out {
		out[i].ProviderName = s.orgName(ctx, out[i].ProviderOrgID)
		if out[i].WholeEntry {
			if e, err := s.Published(ctx, out[i].EntryID); err == nil {
				for _, f := range e.Fields {
					out[i].Fields = append(out[i].Fields, f.Label)
					out[i].FieldNames = append(out[i].FieldNames, f.Name)
				}
			}
		}
	}
	return out, nil
}

// OnNegativeList tells whether a field (or, with field "", the whole entry) of a published
// entry is on the negative list — for the sharing capability.
func (s *Service) OnNegativeList(ctx context.Context, entryID, field string) (_ bool, err error) {
	defer errs.Wrap(&err, "catalog: OnNegativeList(%s)", entryID)
	var n int
	err = s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM catalog_negative WHERE entry_id = $1 AND (field_name = '' OR field_name = $2)", entryID, field).Scan(&n)
	return n > 0, err
}

// WriteNegativeList writes the negative list in a format (csv, xlsx or json).
func WriteNegativeList(w io.Writer, format string, items []NegativeItem) error {
	header := []string{"提供部门 provider", "资源代码 code", "数据名称 name", "整项不予共享 whole_entry", "不予共享的数据项 fields", "理由 reason", "法律依据 legal_basis", "行政区划 region"}
	rec := func(it NegativeItem) []string {
		whole := "否"
		if it.WholeEntry {
			whole = "是"
		}
		return []string{it.ProviderName, it.Code, it.Name, whole, strings.Join(it.Fields, "、"), it.Reason, it.LegalBasis, it.RegionCode}
	}
	switch format {
	case FormatJSON:
		if items == nil {
			items = []NegativeItem{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(items)
	case FormatCSV:
		io.WriteString(w, "\uFEFF")
		cw := csvsafe.NewWriter(w)
		cw.Write(header)
		for _, it := range items {
			cw.Write(rec(it))
		}
		cw.Flush()
		return cw.Error()
	case FormatXLSX:
		f := excelize.NewFile()
		defer f.Close()
		f.SetSheetName("Sheet1", "负面清单")
		row := func(n int, vals []string) {
			cell, _ := excelize.CoordinatesToCellName(1, n)
			v := make([]any, len(vals))
			for i := range vals {
				v[i] = vals[i]
			}
			f.SetSheetRow("负面清单", cell, &v)
		}
		row(1, header)
		for i, it := range items {
			row(i+2, rec(it))
		}
		return f.Write(w)
	}
	return apperr.BadRequest.With(apperr.Field("format", "格式须为 CSV、XLSX 或 JSON", "the format must be CSV, XLSX or JSON"))
}
