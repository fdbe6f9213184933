package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
)

// Source is one row of the source registry (数源目录): a base data category and its legal
// source agencies, by sector (every region's public security bureau is the source of household
// registration) or by named organization (CAT-9, NM 13–15).
type Source struct {
	ID         string   `json:"id"`
	Category   string   `json:"category"`
	CategoryEN string   `json:"category_en"`
	Sectors    []string `json:"sectors"`           // org sectors that are legal sources; "issuer" = whoever issues it
	OrgIDs     []string `json:"org_ids,omitempty"` // named source organizations
	Keywords   []string `json:"keywords"`          // words in an entry name that put it in the category
	Basis      string   `json:"basis"`
	Note       string   `json:"note,omitempty"`
}

// SeedSources is the registry of CAT-9 (docs/requirements.md) (NM 13, NM 14, NM 15).
var SeedSources = []Source{
	{Category: "户籍登记", CategoryEN: "Household registration", Sectors: []string{"public_security"}, Keywords: []string{"户籍", "户口", "常住人口", "暂住", "居住证"}, Basis: "NM 13"},
	{Category: "婚姻登记", CategoryEN: "Marriage registration", Sectors: []string{"civil_affairs"}, Keywords: []string{"婚姻", "结婚", "离婚"}, Basis: "NM 13"},
	{Category: "出生和死亡", CategoryEN: "Births and deaths", Sectors: []string{"health", "public_security"}, Keywords: []string{"出生", "死亡"}, Basis: "NM 13"},
	{Category: "社会保障", CategoryEN: "Social security", Sectors: []string{"hrss", "tax", "civil_affairs"}, Keywords: []string{"社会保险", "社保", "养老保险", "失业保险", "工伤保险", "低保", "社会救助"}, Basis: "NM 13"},
	{Category: "教育", CategoryEN: "Education", Sectors: []string{"education"}, Keywords: []string{"学籍", "学历", "学位", "教育"}, Basis: "NM 13"},
	{Category: "残疾人", CategoryEN: "Persons with disabilities", Sectors: []string{"disabled_federation"}, Keywords: []string{"残疾"}, Basis: "NM 13"},
	{Category: "住房公积金", CategoryEN: "Housing provident fund", Sectors: []string{"housing_fund"}, Keywords: []string{"公积金"}, Basis: "NM 13"},
	{Category: "证照", CategoryEN: "Licenses and certificates", Sectors: []string{"issuer"}, Keywords: []string{"证照", "许可证", "执业证"}, Basis: "NM 13", Note: "由发证机关提供 / provided by the issuing agency"},
	{Category: "不动产", CategoryEN: "Real estate", Sectors: []string{"natural_resources"}, Keywords: []string{"不动产", "房屋产权", "土地使用权"}, Basis: "NM 14"},
	{Category: "市场主体", CategoryEN: "Market entities", Sectors: []string{"market_regulation"}, Keywords: []string{"市场主体", "企业登记", "个体工商户", "营业执照"}, Basis: "NM 14"},
	{Category: "社会组织", CategoryEN: "Social organizations", Sectors: []string{"civil_affairs"}, Keywords: []string{"社会组织", "社会团体", "民办非企业", "基金会"}, Basis: "NM 14"},
	{Category: "机关和事业单位", CategoryEN: "Government bodies and public institutions", Sectors: []string{"establishment"}, Keywords: []string{"机关法人", "事业单位"}, Basis: "NM 14"},
	{Category: "律师事务所和公证机构", CategoryEN: "Law firms and notaries", Sectors: []string{"justice"}, Keywords: []string{"律师事务所", "公证"}, Basis: "NM 14"},
	{Category: "宗教活动场所", CategoryEN: "Religious sites", Sectors: []string{"religious_affairs"}, Keywords: []string{"宗教"}, Basis: "NM 14"},
	{Category: "工会", CategoryEN: "Trade unions", Sectors: []string{"union"}, Keywords: []string{"工会"}, Basis: "NM 14"},
	{Category: "农村集体经济组织", CategoryEN: "Rural collective economic organizations", Sectors: []string{"agriculture"}, Keywords: []string{"农村集体经济", "集体经济组织"}, Basis: "NM 15"},
}

// EnsureSources seeds the source registry when it is empty (idempotent).
func (s *Service) EnsureSources(ctx context.Context) (err error) {
	defer errs.Wrap(&err, "catalog: EnsureSources")
	var n int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM catalog_sources").Scan(&n); err != nil || n > 0 {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		for i, src := range SeedSources {
			src.ID = fmt.Sprintf("src-%02d", i+1)
			if err := s.putSource(ctx, tx, src); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Service) putSource(ctx context.Context, tx db.Q, src Source) error {
	j := func(v []string) string {
		if v == nil {
			v = []string{}
		}
		b, _ := json.Marshal(v)
		return string(b)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO catalog_sources (id, category, category_en, sectors, org_ids, keywords, basis, note, updated_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (id) DO UPDATE SET category = excluded.category, category_en = excluded.category_en,
		sectors = excluded.sectors, org_ids = excluded.org_ids, keywords = excluded.keywords, basis = excluded.basis, note = excluded.note,
		updated_at = excluded.updated_at`, src.ID, src.Category, src.CategoryEN, j(src.Sectors), j(src.OrgIDs), j(src.Keywords), src.Basis, src.Note, s.Now().UnixMilli())
	return err
}

// Sources lists the source registry.
func (s *Service) Sources(ctx context.Context) (_ []Source, err error) {
	defer errs.Wrap(&err, "catalog: Sources")
	rows, err := s.DB.QueryContext(ctx, "SELECT id, category, category_en, sectors, org_ids, keywords, basis, note FROM catalog_sources ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Source
	for rows.Next() {
		var src Source
		var a, b, c string
		if err := rows.Scan(&src.ID, &src.Category, &src.CategoryEN, &a, &b, &c, &src.Basis, &src.Note); err != nil {
			return nil, err
		}
		json.Unmarshal([]byte(a), &src.Sectors)
		json.Unmarshal([]byte(b), &src.OrgIDs)
		json.Unmarshal([]byte(c), &src.Keywords)
		out = append(out, src)
	}
	return out, rows.Err()
}

// PutSource adds or changes a registry row (authority administrators).
func (s *Service) PutSource(ctx context.Context, p *authz.Principal, src Source) (_ Source, err error) {
	defer errs.Wrap(&err, "catalog: PutSource")
	if err := authz.CatalogEntry(p, authz.Manage, authz.CatalogAttrs{RegionCode: s.platformRegion(ctx)}); err != nil {
		return Source{}, err
	}
	var fe []apperr.FieldError
	if blank(src.Category) {
		fe = append(fe, apperr.Field("category", "请填写数据类别", "category is required"))
	}
	if len(src.Sectors) == 0 && len(src.OrgIDs) == 0 {
		fe = append(fe, apperr.Field("sectors", "请指定法定数源部门（行业或机构）", "name the legal source (sector or organization)"))
	}
	if err := apperr.Validation(fe); err != nil {
		return Source{}, err
	}
	if src.ID == "" {
		src.ID = ids.New()
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.putSource(ctx, tx, src); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: actorName(p), OrgID: p.OrgID, Action: "catalog.source.put",
			ObjectType: "catalog_source", ObjectID: src.ID, Detail: map[string]any{"category": src.Category, "sectors": src.Sectors, "org_ids": src.OrgIDs}})
	})
	return src, err
}

// normLabel is the identity of a data item across agencies: its label without spaces and
// punctuation, lower-cased.
func normLabel(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// genericLabels are bookkeeping items every agency keeps; they are nobody's source data.
var genericLabels = []string{"备注", "序号", "更新时间", "创建时间", "数据更新时间", "入库时间", "状态", "数据来源", "记录编号", "主键"}

// claims reports whether a field is a source claim of its entry's source agency: not a key, an
// identifier, a date or a place code, not taken from another agency, not generic bookkeeping.
func claims(f Field) bool {
	switch {
	case f.IsKey || f.SourceOrgID != "":
		return false
	case f.Kind == KindCitizenID || f.Kind == KindCreditCode || f.Kind == KindDate || f.Kind == KindRegionCode:
		return false // identifiers, dates and places describe the record, they are not data items of their own
	}
	return !slices.Contains(genericLabels, normLabel(f.Label))
}

// refreshClaims rewrites the claims of an entry from its published content (none if not live).
func (s *Service) refreshClaims(ctx context.Context, tx db.Q, e Entry, live bool) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM catalog_claims WHERE entry_id = $1", e.ID); err != nil {
		return err
	}
	if !live {
		return nil
	}
	for _, f := range e.Fields {
		if !claims(f) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_claims (entry_id, field_name, label, label_norm, kind, source_org_id, provider_org_id, region_code)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, e.ID, f.Name, f.Label, normLabel(f.Label), string(f.Kind), e.SourceOrgID, e.ProviderOrgID, e.RegionCode); err != nil {
			return err
		}
	}
	return nil
}

// Claim is one published data item and who claims to be its source.
type Claim struct {
	EntryID     string `json:"entry_id"`
	EntryCode   string `json:"entry_code"`
	EntryName   string `json:"entry_name"`
	Field       string `json:"field"`
	Label       string `json:"label"`
	SourceOrgID string `json:"source_org_id"`
	SourceName  string `json:"source_name"`
	RegionCode  string `json:"region_code"`
}

// DuplicateWarnings lists the fields of e that another agency already publishes as its source
// data: the agency should obtain them by sharing rather than collect them again (CAT-8).
func (s *Service) DuplicateWarnings(ctx context.Context, e Entry) []Warning {
	var out []Warning
	for i, f := range e.Fields {
		if !claims(f) {
			continue
		}
		others, err := s.claimsOf(ctx, normLabel(f.Label), e.SourceOrgID, e.ID)
		if err != nil || len(others) == 0 {
			continue
		}
		o := others[0]
		out = append(out, Warning{Code: "catalog.duplicate_collection", Field: fieldPath("fields", i, "label"),
			ZH: fmt.Sprintf("信息项“%s”已由%s在“%s”（%s）中发布，请通过共享获取，避免重复采集；如确需引用，请标明数源部门。", f.Label, o.SourceName, o.EntryName, o.EntryCode),
			EN: fmt.Sprintf("“%s” is already published by %s in “%s” (%s): obtain it by sharing instead of collecting it again, or mark its source agency.", f.Label, o.SourceName, o.EntryName, o.EntryCode)})
	}
	if w, ok := s.sourceMismatch(ctx, e); ok {
		out = append(out, w)
	}
	return out
}

func (s *Service) claimsOf(ctx context.Context, norm, exceptSource, exceptEntry string) ([]Claim, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT c.entry_id, e.code, e.name, c.field_name, c.label, c.source_org_id, c.region_code
		FROM catalog_claims c JOIN catalog_entries e ON e.id = c.entry_id
		WHERE c.label_norm = $1 AND c.source_org_id <> $2 AND c.entry_id <> $3 ORDER BY e.code LIMIT 20`, norm, exceptSource, exceptEntry)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Claim
	for rows.Next() {
		var c Claim
		if err := rows.Scan(&c.EntryID, &c.EntryCode, &c.EntryName, &c.Field, &c.Label, &c.SourceOrgID, &c.RegionCode); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].SourceName = s.orgName(ctx, out[i].SourceOrgID)
	}
	return out, nil
}

// sourceMismatch warns when an entry's name puts it in a registry category whose legal source
// is another sector (e.g. household registration drafted by the social security department).
func (s *Service) sourceMismatch(ctx context.Context, e Entry) (Warning, bool) {
	src, ok := s.categoryOf(ctx, e.Name)
	if !ok || slices.Contains(src.Sectors, "issuer") || slices.Contains(src.OrgIDs, e.SourceOrgID) {
		return Warning{}, false
	}
	o, ok := s.org(ctx, s.DB, e.SourceOrgID)
	if !ok || slices.Contains(src.Sectors, o.Sector) {
		return Warning{}, false
	}
	return Warning{Code: "catalog.source_mismatch", Field: "source_org_id",
		ZH: fmt.Sprintf("“%s”属于数源目录中的“%s”，其法定数源部门不是%s（依据 %s）。", e.Name, src.Category, o.Name, src.Basis),
		EN: fmt.Sprintf("“%s” falls under “%s” in the source registry, whose legal source is not %s (%s).", e.Name, src.CategoryEN, o.Name, src.Basis)}, true
}

func (s *Service) categoryOf(ctx context.Context, name string) (Source, bool) {
	srcs, err := s.Sources(ctx)
	if err != nil {
		return Source{}, false
	}
	for _, src := range srcs {
		for _, k := range src.Keywords {
			if k != "" && strings.Contains(name, k) {
				return src, true
			}
		}
	}
	return Source{}, false
}

// DuplicateClaim is one data item claimed by more than one source agency.
type DuplicateClaim struct {
	Label   string  `json:"label"`
	Sources []Claim `json:"claims"`
}

// SourceIssue is a duplicate-collection or source-registry finding about one entry.
type SourceIssue struct {
	EntryID      string    `json:"entry_id"`
	EntryCode    string    `json:"entry_code"`
	EntryName    string    `json:"entry_name"`
	Status       Status    `json:"status"`
	ProviderName string    `json:"provider_name"`
	Warnings     []Warning `json:"warnings"`
}

// SourceReport is what the authority sees of one data, one source (CAT-8): items claimed by two
// or more source agencies among published entries, and entries that collect items available
// from another agency or sit with the wrong source agency.
type SourceReport struct {
	Duplicates []DuplicateClaim `json:"duplicate_claims"`
	Issues     []SourceIssue    `json:"issues"`
}

// Sources report for the region (and below) visible to p; agencies see their own issues.
func (s *Service) SourceReport(ctx context.Context, p *authz.Principal, region string) (_ SourceReport, err error) {
	defer errs.Wrap(&err, "catalog: SourceReport")
	if !p.Authenticated() {
		return SourceReport{}, apperr.Unauthenticated
	}
	if region == "" && p.IsAuthority() {
		region = p.RegionCode
	}
	all := p.Has(authz.Auditor, authz.Oversight) || authz.ReadsAllCatalogs(p, region)
	var rep SourceReport
	rows, err := s.DB.QueryContext(ctx, `SELECT c.label_norm, c.entry_id, e.code, e.name, c.field_name, c.label, c.source_org_id, c.region_code
		FROM catalog_claims c JOIN catalog_entries e ON e.id = c.entry_id
		WHERE c.label_norm IN (SELECT label_norm FROM catalog_claims GROUP BY label_norm HAVING COUNT(DISTINCT source_org_id) > 1)
		ORDER BY c.label_norm, e.code`)
	if err != nil {
		return rep, err
	}
	var claimsList []struct {
		norm string
		c    Claim
	}
	for rows.Next() {
		var x struct {
			norm string
			c    Claim
		}
		if err := rows.Scan(&x.norm, &x.c.EntryID, &x.c.EntryCode, &x.c.EntryName, &x.c.Field, &x.c.Label, &x.c.SourceOrgID, &x.c.RegionCode); err != nil {
			rows.Close()
			return rep, err
		}
		claimsList = append(claimsList, x)
	}
	rows.Close()
	for _, x := range claimsList {
		if region != "" && !authz.RegionCovers(region, x.c.RegionCode) && !authz.RegionCovers(x.c.RegionCode, region) {
			continue
		}
		x.c.SourceName = s.orgName(ctx, x.c.SourceOrgID)
		if n := len(rep.Duplicates); n > 0 && normLabel(rep.Duplicates[n-1].Label) == x.norm {
			rep.Duplicates[n-1].Sources = append(rep.Duplicates[n-1].Sources, x.c)
			continue
		}
		rep.Duplicates = append(rep.Duplicates, DuplicateClaim{Label: x.c.Label, Sources: []Claim{x.c}})
	}
	if !all {
		var mine []DuplicateClaim
		for _, d := range rep.Duplicates {
			for _, c := range d.Sources {
				if c.SourceOrgID == p.OrgID {
					mine = append(mine, d)
					break
				}
			}
		}
		rep.Duplicates = mine
	}
	// Issues: every working copy in scope, checked like a draft.
	q := "SELECT id FROM catalog_entries WHERE status IN ('draft', 'submitted', 'returned')"
	var args []any
	if !all {
		q += " AND provider_org_id = $1"
		args = append(args, p.OrgID)
	}
	q += " ORDER BY code"
	rows, err = s.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return rep, err
	}
	var idsList []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		idsList = append(idsList, id)
	}
	rows.Close()
	for _, id := range idsList {
		e, err := s.Get(ctx, id)
		if err != nil {
			return rep, err
		}
		if region != "" && !authz.RegionCovers(region, e.RegionCode) {
			continue
		}
		if w := s.DuplicateWarnings(ctx, e); len(w) > 0 {
			rep.Issues = append(rep.Issues, SourceIssue{EntryID: e.ID, EntryCode: e.Code, EntryName: e.Name, Status: e.Status, ProviderName: e.ProviderName, Warnings: w})
		}
	}
	return rep, nil
}
