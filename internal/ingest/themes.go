package ingest

import (
	"context"
	"database/sql"
	"encoding/json"
	"regexp"
	"slices"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/errs"
)

// Kinds of fused databases (AGG-4, NM 18): the platform's base databases, and the subject (主题库)
// and thematic (专题库) databases that the authority defines across agencies' entries.
const (
	KindBase     = "base"
	KindSubject  = "subject"
	KindThematic = "thematic"
)

// ThemeKeyKinds are the identifiers a defined database may fuse on.
var ThemeKeyKinds = []catalog.FieldKind{catalog.KindCitizenID, catalog.KindCreditCode, catalog.KindRegionCode}

var (
	themeCode    = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)
	errThemeCode = apperr.Field("code", "代码须为 2–40 位小写字母、数字或下划线，以字母开头，且不能与基础库相同",
		"the code is 2–40 lower-case letters, digits or underscores, starting with a letter, and not a base database's")
)

// baseDef finds a base database by code, or a defined subject or thematic database.
func (s *Service) baseDef(ctx context.Context, code string) (BaseDef, error) {
	if b, ok := Base(code); ok {
		b.Kind = KindBase
		return b, nil
	}
	var b BaseDef
	var key, entries string
	err := s.DB.QueryRowContext(ctx, "SELECT code, kind, name, name_en, key_kind, entries FROM ingest_themes WHERE code = $1", code).
		Scan(&b.Code, &b.Kind, &b.NameZH, &b.NameEN, &key, &entries)
	if db.IsNoRows(err) {
		return b, errUnknownBase
	}
	if err != nil {
		return b, err
	}
	b.KeyKinds = []catalog.FieldKind{catalog.FieldKind(key)}
	json.Unmarshal([]byte(entries), &b.Entries)
	return b, nil
}

// AllBases lists the base databases and then the defined subject and thematic databases.
func (s *Service) AllBases(ctx context.Context, p *authz.Principal) (_ []BaseDef, err error) {
	defer errs.Wrap(&err, "ingest: AllBases")
	if err := authz.BaseDB(p, authz.Read); err != nil {
		return nil, err
	}
	out := make([]BaseDef, 0, len(Bases)+8)
	for _, b := range Bases {
		b.Kind = KindBase
		out = append(out, b)
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT code FROM ingest_themes ORDER BY kind, code LIMIT 500")
	if err != nil {
		return nil, err
	}
	var codes []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			rows.Close()
			return nil, err
		}
		codes = append(codes, c)
	}
	rows.Close()
	for _, c := range codes {
		b, err := s.baseDef(ctx, c)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// ThemeInput defines (or redefines) a subject or thematic database.
type ThemeInput struct {
	Code    string   `json:"code"`
	Kind    string   `json:"kind"`
	Name    string   `json:"name"`
	NameEN  string   `json:"name_en"`
	KeyKind string   `json:"key_kind"`
	Entries []string `json:"entries"`
}

// DefineTheme saves a subject or thematic database: its members are published entries that
// hold data and carry the identifier it fuses on. Authority administrators only; audited.
func (s *Service) DefineTheme(ctx context.Context, p *authz.Principal, in ThemeInput) (_ BaseDef, err error) {
	defer errs.Wrap(&err, "ingest: DefineTheme")
	if err := authz.BaseDB(p, authz.Manage); err != nil {
		return BaseDef{}, err
	}
	in.Code, in.Name, in.NameEN = strings.TrimSpace(in.Code), strings.TrimSpace(in.Name), strings.TrimSpace(in.NameEN)
	var fe []apperr.FieldError
	if _, builtin := Base(in.Code); builtin || !themeCode.MatchString(in.Code) {
		fe = append(fe, errThemeCode)
	}
	if in.Kind != KindSubject && in.Kind != KindThematic {
		fe = append(fe, apperr.Field("kind", "请选择主题库或专题库", "choose a subject or a thematic database"))
	}
	if in.Name == "" || len([]rune(in.Name)) > 100 {
		fe = append(fe, apperr.Field("name", "请填写名称（不超过 100 字）", "give a name (at most 100 characters)"))
	}
	key := catalog.FieldKind(in.KeyKind)
	if !slices.Contains(ThemeKeyKinds, key) {
		fe = append(fe, apperr.Field("key_kind", "融合标识须为公民身份号码、统一社会信用代码或行政区划代码", "the identifier is a citizen ID, a credit code or a region code"))
	}
	if len(in.Entries) == 0 || len(in.Entries) > 100 {
		fe = append(fe, apperr.Field("entries", "请选择 1–100 个目录条目", "choose 1–100 catalog entries"))
	}
	slices.Sort(in.Entries)
	in.Entries = slices.Compact(in.Entries)
	for _, id := range in.Entries {
		e, err := s.entry(ctx, id)
		if err != nil {
			fe = append(fe, apperr.Field("entries", "目录条目“"+id+"”不存在或未发布", "catalog entry “"+id+"” is not published"))
			continue
		}
		if !slices.ContainsFunc(e.Fields, func(f catalog.Field) bool { return f.Kind == key }) {
			fe = append(fe, apperr.Field("entries", "“"+e.Name+"”没有所选的融合标识信息项", "“"+e.Name+"” has no item of the chosen identifier"))
		}
	}
	if err := apperr.Validation(fe); err != nil {
		return BaseDef{}, err
	}
	entries, _ := json.Marshal(in.Entries)
	now := db.Millis(s.now())
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ingest_themes (code, kind, name, name_en, key_kind, entries, region_code, created_by, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$9)
			ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, name = excluded.name, name_en = excluded.name_en, key_kind = excluded.key_kind,
				entries = excluded.entries, updated_at = excluded.updated_at`,
			in.Code, in.Kind, in.Name, in.NameEN, in.KeyKind, string(entries), p.RegionCode, p.Username, now); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.DisplayName, OrgID: p.OrgID, Action: "ingest.theme.define",
			ObjectType: "base_db", ObjectID: in.Code, Detail: map[string]any{"kind": in.Kind, "entries": in.Entries, "key_kind": in.KeyKind}})
	})
	if err != nil {
		return BaseDef{}, err
	}
	return s.baseDef(ctx, in.Code)
}

// ThemeCandidate is a published entry holding data that a subject or thematic database may
// list: its name, agency and the identifiers it carries.
type ThemeCandidate struct {
	EntryID  string              `json:"entry_id"`
	Name     string              `json:"name"`
	OrgID    string              `json:"org_id"`
	KeyKinds []catalog.FieldKind `json:"key_kinds"`
}

// ThemeCandidates lists the entries with data that carry an identifier a defined database may
// fuse on (for the definition form).
func (s *Service) ThemeCandidates(ctx context.Context) (_ []ThemeCandidate, err error) {
	defer errs.Wrap(&err, "ingest: ThemeCandidates")
	rows, err := s.DB.QueryContext(ctx, "SELECT entry_id FROM ingest_tables WHERE current_version > 0 ORDER BY entry_id LIMIT 2000")
	if err != nil {
		return nil, err
	}
	var idl []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		idl = append(idl, id)
	}
	rows.Close()
	var out []ThemeCandidate
	for _, id := range idl {
		e, err := s.entry(ctx, id)
		if err != nil {
			continue
		}
		c := ThemeCandidate{EntryID: e.ID, Name: e.Name, OrgID: e.ProviderOrgID}
		for _, k := range ThemeKeyKinds {
			if slices.ContainsFunc(e.Fields, func(f catalog.Field) bool { return f.Kind == k }) {
				c.KeyKinds = append(c.KeyKinds, k)
			}
		}
		if len(c.KeyKinds) > 0 {
			out = append(out, c)
		}
	}
	return out, nil
}
