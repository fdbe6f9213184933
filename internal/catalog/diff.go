package catalog

import (
	"context"
	"fmt"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/errs"
)

// Change is one difference between two versions of an entry.
type Change struct {
	Path string `json:"path"` // e.g. share_type, fields.phone.sensitivity, fields.phone
	Kind string `json:"kind"` // changed | added | removed
	Old  string `json:"old,omitempty"`
	New  string `json:"new,omitempty"`
}

func list(v []string) string { return strings.Join(v, "、") }

func entryAttrs(e *Entry) [][2]string {
	return [][2]string{
		{"name", e.Name}, {"name_en", e.NameEN}, {"code", e.Code}, {"summary", e.Summary}, {"source_org_id", e.SourceOrgID},
		{"collecting_orgs", list(e.CollectingOrgs)}, {"approving_orgs", list(e.ApprovingOrgs)}, {"data_form", string(e.Form)},
		{"resource_attr", e.ResourceAttr}, {"topic", e.Topic}, {"grade", string(e.Grade)}, {"level", fmt.Sprint(e.Level)},
		{"share_type", string(e.ShareType)}, {"share_conditions", e.ShareCondition}, {"share_scope", e.ShareScope},
		{"share_modes", list(e.ShareModes)}, {"share_reason", e.ShareReason}, {"share_legal_basis", e.ShareBasis},
		{"open_type", string(e.OpenType)}, {"open_conditions", e.OpenCondition}, {"open_reason", e.OpenReason},
		{"open_legal_basis", e.OpenBasis}, {"update_frequency", string(e.Frequency)}, {"tags", list(e.Tags)}, {"legal_basis", e.LegalBasis},
	}
}

func fieldAttrs(f *Field) [][2]string {
	num := func(p *float64) string {
		if p == nil {
			return ""
		}
		return fmt.Sprint(*p)
	}
	return [][2]string{
		{"label", f.Label}, {"label_en", f.LabelEN}, {"type", string(f.Type)}, {"kind", string(f.Kind)}, {"required", fmt.Sprint(f.Required)},
		{"is_key", fmt.Sprint(f.IsKey)}, {"sensitivity", fmt.Sprint(f.Sensitivity)}, {"enum_values", list(f.EnumValues)},
		{"min_value", num(f.MinValue)}, {"max_value", num(f.MaxValue)}, {"max_length", fmt.Sprint(f.MaxLength)}, {"share_type", string(f.ShareType)}, {"open_type", string(f.OpenType)},
		{"legal_basis", f.LegalBasis}, {"reason", f.Reason}, {"condition", f.Condition}, {"open_reason", f.OpenReason}, {"source_org_id", f.SourceOrgID},
	}
}

// Diff lists what changed from a to b: entry attributes, then fields matched by name (added,
// removed, or changed attribute by attribute), in b's field order.
func Diff(a, b Entry) []Change {
	var out []Change
	aa, bb := entryAttrs(&a), entryAttrs(&b)
	for i := range aa {
		if aa[i][1] != bb[i][1] {
			out = append(out, Change{Path: aa[i][0], Kind: "changed", Old: aa[i][1], New: bb[i][1]})
		}
	}
	old := map[string]Field{}
	for _, f := range a.Fields {
		old[f.Name] = f
	}
	seen := map[string]bool{}
	for _, f := range b.Fields {
		seen[f.Name] = true
		o, ok := old[f.Name]
		if !ok {
			out = append(out, Change{Path: "fields." + f.Name, Kind: "added", New: f.Label})
			continue
		}
		fa, fb := fieldAttrs(&o), fieldAttrs(&f)
		for i := range fa {
			if fa[i][1] != fb[i][1] {
				out = append(out, Change{Path: "fields." + f.Name + "." + fa[i][0], Kind: "changed", Old: fa[i][1], New: fb[i][1]})
			}
		}
	}
	for _, f := range a.Fields {
		if !seen[f.Name] {
			out = append(out, Change{Path: "fields." + f.Name, Kind: "removed", Old: f.Label})
		}
	}
	return out
}

// Comparison is two versions of an entry and their differences.
type Comparison struct {
	From    int      `json:"from"` // version number; 0 = working copy
	To      int      `json:"to"`
	Old     Entry    `json:"old"`
	New     Entry    `json:"new"`
	Changes []Change `json:"changes"`
}

// Compare diffs two published versions of an entry; version 0 names the working copy (only for
// those who may see it).
func (s *Service) Compare(ctx context.Context, p *authz.Principal, id string, from, to int) (_ Comparison, err error) {
	defer errs.Wrap(&err, "catalog: Compare(%s)", id)
	cur, err := s.load(ctx, s.DB, id, false)
	if err != nil {
		return Comparison{}, err
	}
	if err := authz.CatalogEntry(p, authz.Read, attrsOf(cur)); err != nil {
		return Comparison{}, ErrNotFound
	}
	get := func(v int) (Entry, error) {
		if v == 0 {
			if !CanSeeWorking(p, cur.ProviderOrgID, cur.RegionCode) {
				return Entry{}, apperr.Forbidden
			}
			s.fillNames(ctx, &cur.Entry)
			return cur.Entry, nil
		}
		return s.Version(ctx, id, v)
	}
	a, err := get(from)
	if err != nil {
		return Comparison{}, err
	}
	b, err := get(to)
	if err != nil {
		return Comparison{}, err
	}
	return Comparison{From: from, To: to, Old: a, New: b, Changes: Diff(a, b)}, nil
}
