package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/errs"
	"pubdata/internal/mask"
	"pubdata/internal/validate"
)

// BaseDef is a base database (基础库, AGG-4): assembled from the entries of the source agencies
// that own its items, looked up by one identifier.
type BaseDef struct {
	Code     string              `json:"code"`
	NameZH   string              `json:"name"`
	NameEN   string              `json:"name_en"`
	KeyKinds []catalog.FieldKind `json:"key_kinds"` // the identifiers a lookup matches
	// Words in an entry's topic, tags or name that place it in this base (besides the key kind
	// rule of the population and legal-person bases).
	Words []string `json:"-"`
	// Kind is base (基础库), or subject (主题库) or thematic (专题库) for a database the authority
	// defined (themes.go); such a database lists its member Entries explicitly.
	Kind    string   `json:"kind"`
	Entries []string `json:"entries,omitempty"`
}

// Bases are the platform's base databases.
var Bases = []BaseDef{
	{Code: "population", NameZH: "人口基础库", NameEN: "Population", KeyKinds: []catalog.FieldKind{catalog.KindCitizenID}},
	{Code: "legal_person", NameZH: "法人基础库", NameEN: "Legal persons", KeyKinds: []catalog.FieldKind{catalog.KindCreditCode}},
	{Code: "credit", NameZH: "信用信息库", NameEN: "Credit", KeyKinds: []catalog.FieldKind{catalog.KindCreditCode, catalog.KindCitizenID},
		Words: []string{"credit", "信用", "失信", "守信", "处罚"}},
	{Code: "license", NameZH: "电子证照库", NameEN: "E-licenses", KeyKinds: []catalog.FieldKind{catalog.KindCitizenID, catalog.KindCreditCode},
		Words: []string{"license", "licence", "证照", "许可证", "执照", "证书"}},
	{Code: "macro", NameZH: "宏观经济库", NameEN: "Macro-economy", KeyKinds: []catalog.FieldKind{catalog.KindRegionCode},
		Words: []string{"macro", "economy", "economic", "宏观", "经济运行", "国民经济", "统计", "gdp"}},
	{Code: "spatial", NameZH: "自然资源和空间地理库", NameEN: "Natural resources and spatial", KeyKinds: []catalog.FieldKind{catalog.KindRegionCode},
		Words: []string{"spatial", "natural_resources", "空间", "地理", "自然资源", "不动产", "国土"}},
}

// Base returns a base definition by code.
func Base(code string) (BaseDef, bool) {
	for _, b := range Bases {
		if b.Code == code {
			return b, true
		}
	}
	return BaseDef{}, false
}

// BasesOf tells which base databases an entry contributes to: population for any entry holding
// citizen ID numbers, legal persons for credit codes, and credit, e-licenses and spatial by
// the entry's topic, tags or name.
func BasesOf(e *catalog.Entry) []string {
	var out []string
	has := func(k catalog.FieldKind) bool {
		for _, f := range e.Fields {
			if f.Kind == k {
				return true
			}
		}
		return false
	}
	text := strings.ToLower(e.Topic + " " + strings.Join(e.Tags, " ") + " " + e.Name + " " + e.NameEN)
	for _, b := range Bases {
		in := false
		if len(b.Words) == 0 {
			in = has(b.KeyKinds[0])
		} else {
			for _, w := range b.Words {
				if strings.Contains(text, w) {
					in = true
					break
				}
			}
			if in {
				any := false
				for _, k := range b.KeyKinds {
					any = any || has(k)
				}
				in = any
			}
		}
		if in {
			out = append(out, b.Code)
		}
	}
	return out
}

// FusedRecord is what a base database knows about one person, enterprise or place.
type FusedRecord struct {
	Base    string         `json:"base"`
	Key     string         `json:"key"`
	Items   []FusedItem    `json:"items"`   // one value per data item, from its source (一数一源)
	Records []SourceRecord `json:"records"` // every matching record, by entry
}

// FusedItem is one data item of a fused record with its provenance and freshness.
type FusedItem struct {
	Field       string    `json:"field"`
	Label       string    `json:"label"`
	LabelEN     string    `json:"label_en,omitempty"`
	Value       string    `json:"value"`
	EntryID     string    `json:"entry_id"`
	EntryName   string    `json:"entry_name"`
	SourceOrgID string    `json:"source_org_id"` // 数源部门 of the item
	Version     int64     `json:"version"`
	LoadedAt    time.Time `json:"loaded_at"`
	Stale       bool      `json:"stale"`              // the entry is late against its update frequency
	Conflict    bool      `json:"conflict,omitempty"` // another source holds a different value
	Disputed    bool      `json:"disputed,omitempty"`
}

// SourceRecord is one record of one member entry.
type SourceRecord struct {
	EntryID     string            `json:"entry_id"`
	EntryCode   string            `json:"entry_code"`
	EntryName   string            `json:"entry_name"`
	SourceOrgID string            `json:"source_org_id"`
	Key         string            `json:"key"`
	Version     int64             `json:"version"`
	LoadedAt    time.Time         `json:"loaded_at"`
	Stale       bool              `json:"stale"`
	Disputed    bool              `json:"disputed"`
	Values      map[string]string `json:"values"`
}

// BaseMember is an entry contributing to a base database.
type BaseMember struct {
	EntryID     string    `json:"entry_id"`
	Code        string    `json:"code"`
	Name        string    `json:"name"`
	SourceOrgID string    `json:"source_org_id"`
	Rows        int64     `json:"rows"`
	Version     int64     `json:"version"`
	LastLoadAt  time.Time `json:"last_load_at,omitzero"`
	Status      string    `json:"freshness"`
}

var errUnknownBase = apperr.New(http.StatusNotFound, "ingest_unknown_base", "没有这个基础库", "no such base database")

// members returns the published entries holding data that belong to a base (or a defined
// subject or thematic database: its listed entries).
func (s *Service) members(ctx context.Context, def BaseDef) ([]*catalog.Entry, map[string]*table, error) {
	var rows *sql.Rows
	var err error
	if def.Kind == KindSubject || def.Kind == KindThematic {
		if len(def.Entries) == 0 {
			return nil, map[string]*table{}, nil
		}
		ph := make([]string, len(def.Entries))
		args := make([]any, len(def.Entries))
		for i, id := range def.Entries {
			ph[i], args[i] = fmt.Sprintf("$%d", i+1), id
		}
		rows, err = s.DB.QueryContext(ctx, "SELECT "+tableCols+" FROM ingest_tables WHERE entry_id IN ("+strings.Join(ph, ",")+") AND current_version > 0 ORDER BY entry_id", args...)
	} else {
		rows, err = s.DB.QueryContext(ctx, "SELECT "+tableCols+" FROM ingest_tables WHERE bases LIKE $1 AND current_version > 0 ORDER BY entry_id", `%"`+def.Code+`"%`)
	}
	if err != nil {
		return nil, nil, err
	}
	var ts []*table
	for rows.Next() {
		t, err := scanTable(rows)
		if err != nil {
			rows.Close()
			return nil, nil, err
		}
		ts = append(ts, t)
	}
	rows.Close()
	var out []*catalog.Entry
	m := map[string]*table{}
	for _, t := range ts {
		e, err := s.entry(ctx, t.EntryID)
		if err != nil {
			continue // withdrawn entries leave the base
		}
		if def.Kind != KindSubject && def.Kind != KindThematic && !slices.Contains(BasesOf(e), def.Code) {
			continue
		}
		out = append(out, e)
		m[e.ID] = t
	}
	return out, m, nil
}

// BaseMembers lists the entries of a base database with their freshness.
func (s *Service) BaseMembers(ctx context.Context, p *authz.Principal, base string) (_ []BaseMember, err error) {
	defer errs.Wrap(&err, "ingest: BaseMembers")
	if err := authz.BaseDB(p, authz.Read); err != nil {
		return nil, err
	}
	def, err := s.baseDef(ctx, base)
	if err != nil {
		return nil, err
	}
	es, ts, err := s.members(ctx, def)
	if err != nil {
		return nil, err
	}
	now := s.now()
	out := []BaseMember{}
	for _, e := range es {
		t := ts[e.ID]
		f := freshnessOf(e, t, now)
		out = append(out, BaseMember{EntryID: e.ID, Code: e.Code, Name: e.Name, SourceOrgID: firstNonEmpty(e.SourceOrgID, e.ProviderOrgID),
			Rows: t.RowCount, Version: t.CurrentVersion, LastLoadAt: f.LastLoadAt, Status: f.Status})
	}
	return out, nil
}

// Fuse looks one identifier up in a base database: every member entry's records that carry it
// (as key or as a holder column), fused into one value per data item taken from that item's
// source agency, each with its source entry, version and freshness. Authority staff only;
// audited; sensitive values are masked for readers outside the source agency.
func (s *Service) Fuse(ctx context.Context, p *authz.Principal, base, key, clientIP string) (_ *FusedRecord, err error) {
	defer errs.Wrap(&err, "ingest: Fuse")
	act := ActorOf(p, clientIP)
	if err := authz.BaseDB(p, authz.Read); err != nil {
		s.logDenied(ctx, act, "ingest.base.lookup", base)
		return nil, err
	}
	def, err := s.baseDef(ctx, base)
	if err != nil {
		return nil, err
	}
	key = strings.TrimSpace(key)
	switch def.KeyKinds[0] {
	case catalog.KindCitizenID:
		key = validate.NormalizeCitizenID(key)
	case catalog.KindCreditCode:
		key = validate.NormalizeCreditCode(key)
	}
	if err := s.checkBaseKey(def, key); err != nil {
		return nil, err
	}
	fr, err := s.fuse(ctx, def, key)
	if err != nil {
		return nil, err
	}
	mkKind := def.KeyKinds[0]
	if len(key) == 18 && validate.CreditCode(key) == nil {
		mkKind = catalog.KindCreditCode
	}
	if err := s.logAccess(ctx, act, "ingest.base.lookup", "base_db", base, map[string]any{
		"key": mask.DefaultRules().Value(mkKind, key), "records": len(fr.Records)}); err != nil {
		return nil, err
	}
	s.maskFused(ctx, p, fr)
	return fr, nil
}

func (s *Service) checkBaseKey(def BaseDef, key string) error {
	for _, k := range def.KeyKinds {
		if validate.Value(k, key) == nil && key != "" {
			return nil
		}
	}
	return apperr.Invalid.With(apperr.Field("key", "查询标识不是有效的"+def.NameZH+"标识（公民身份号码、统一社会信用代码或行政区划代码）",
		"the key is not a valid identifier for the "+def.NameEN+" base (citizen ID, credit code or region code)"))
}

func (s *Service) fuse(ctx context.Context, def BaseDef, key string) (*FusedRecord, error) {
	es, ts, err := s.members(ctx, def)
	if err != nil {
		return nil, err
	}
	now := s.now()
	fr := &FusedRecord{Base: def.Code, Key: key, Items: []FusedItem{}, Records: []SourceRecord{}}
	type cand struct {
		item          FusedItem
		authoritative bool
	}
	cands := map[string][]cand{}
	var order []string
	for _, e := range es {
		t := ts[e.ID]
		var cols []string
		for _, f := range e.Fields {
			if slices.Contains(def.KeyKinds, f.Kind) && t.hasField(f.Name) && validate.Value(f.Kind, key) == nil {
				cols = append(cols, f.Name)
			}
		}
		if len(cols) == 0 {
			continue
		}
		conds := make([]string, len(cols))
		args := []any{key}
		for i, c := range cols {
			conds[i] = quote(c) + " = $1"
			forms, err := s.filterForms(ctx, t, c, key) // a sealed column: its stored forms (SEC-1)
			if err != nil {
				return nil, err
			}
			if len(forms) > 1 {
				for _, f := range forms[1:] {
					args = append(args, f)
					conds[i] += fmt.Sprintf(" OR %s = $%d", quote(c), len(args))
				}
			}
		}
		rows, err := s.DB.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM %s WHERE _to = 0 AND (%s) LIMIT 50",
			t.selectList(), quote(t.Name), strings.Join(conds, " OR ")), args...)
		if err != nil {
			return nil, err
		}
		rs := s.scanner(ctx, t)
		var recs []Record
		for rows.Next() {
			r, err := rs.scan(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			recs = append(recs, r)
		}
		rows.Close()
		if len(recs) == 0 {
			continue
		}
		if err := s.markDisputed(ctx, e.ID, recs); err != nil {
			return nil, err
		}
		stale := freshnessOf(e, t, now)
		for _, r := range recs {
			loaded := s.versionTime(ctx, e.ID, r.Version)
			src := firstNonEmpty(e.SourceOrgID, e.ProviderOrgID)
			fr.Records = append(fr.Records, SourceRecord{EntryID: e.ID, EntryCode: e.Code, EntryName: e.Name, SourceOrgID: src, Key: r.Key,
				Version: r.Version, LoadedAt: loaded, Stale: stale.Status == FreshLate || stale.Status == FreshNever, Disputed: r.Disputed, Values: r.Values})
			for _, f := range e.Fields {
				v := r.Values[f.Name]
				if v == "" || slices.Contains(cols, f.Name) {
					continue
				}
				itemSrc := firstNonEmpty(f.SourceOrgID, src)
				it := FusedItem{Field: f.Name, Label: f.Label, LabelEN: f.LabelEN, Value: v, EntryID: e.ID, EntryName: e.Name, SourceOrgID: itemSrc,
					Version: r.Version, LoadedAt: loaded, Stale: stale.Status == FreshLate || stale.Status == FreshNever, Disputed: r.Disputed}
				if _, seen := cands[f.Name]; !seen {
					order = append(order, f.Name)
				}
				cands[f.Name] = append(cands[f.Name], cand{it, itemSrc == e.ProviderOrgID})
			}
		}
	}
	for _, name := range order {
		cs := cands[name]
		sort.SliceStable(cs, func(i, j int) bool {
			if cs[i].authoritative != cs[j].authoritative {
				return cs[i].authoritative
			}
			return cs[i].item.LoadedAt.After(cs[j].item.LoadedAt)
		})
		best := cs[0].item
		for _, c := range cs[1:] {
			if c.item.Value != best.Value {
				best.Conflict = true
			}
		}
		fr.Items = append(fr.Items, best)
	}
	return fr, nil
}

// versionTime is when a version of an entry was committed.
func (s *Service) versionTime(ctx context.Context, entryID string, v int64) time.Time {
	var at int64
	s.DB.QueryRowContext(ctx, "SELECT finished_at FROM ingest_loads WHERE entry_id = $1 AND version = $2 AND status = 'committed'", entryID, v).Scan(&at)
	if at == 0 {
		return time.Time{}
	}
	return time.UnixMilli(at)
}

// maskFused masks values of sensitive fields (level 3+) unless p works at the item's source.
func (s *Service) maskFused(ctx context.Context, p *authz.Principal, fr *FusedRecord) {
	fields := map[string]catalog.Field{}
	for _, r := range fr.Records {
		if e, err := s.entry(ctx, r.EntryID); err == nil {
			for _, f := range e.Fields {
				fields[r.EntryID+"/"+f.Name] = f
			}
		}
	}
	rules := mask.DefaultRules()
	m := func(entryID, src, name, v string) string {
		f, ok := fields[entryID+"/"+name]
		if !ok || f.Sensitivity < 3 || v == "" || (p.OrgID != "" && p.OrgID == src) {
			return v
		}
		if _, has := rules[f.Kind]; has {
			return rules.Value(f.Kind, v)
		}
		return mask.Apply(mask.Rule{Method: mask.MethodRedact}, v)
	}
	for i := range fr.Items {
		it := &fr.Items[i]
		it.Value = m(it.EntryID, it.SourceOrgID, it.Field, it.Value)
	}
	for i := range fr.Records {
		r := &fr.Records[i]
		for k, v := range r.Values {
			r.Values[k] = m(r.EntryID, r.SourceOrgID, k, v)
		}
	}
}
