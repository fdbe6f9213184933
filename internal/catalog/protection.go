package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/mask"
	"pubdata/internal/vocab"
)

// Grading drives protection (分级保护, SEC-1, SEC-2). The rules live here, once, so that sharing,
// opening and operator products inherit them from the catalog:
//
//   - a field's sensitivity level defaults to its kind's (personal kinds: a masked level), and a
//     level below the kind's default counts only with a reason recorded on the entry;
//   - a field above L1, or any field of core or important data, is masked when it leaves the
//     platform (Masked), with the region's masking rules tightened by the entry's own (never
//     looser than the region's);
//   - core or important data, and a field at the top level, are never unconditionally shared or
//     opened unless the authority records an override with its reason (Override, audited).

// Override scopes: what an override allows.
const (
	OverrideShare = "share" // 无条件共享
	OverrideOpen  = "open"  // 无条件开放
)

// Override is the authority's recorded exception (分级保护例外) letting a protected entry — core
// or important data, or one with a field at the top sensitivity level — be unconditionally
// shared or opened. It names who decided, when and why, and is audited like every catalog step.
type Override struct {
	EntryID   string   `json:"entry_id"`
	Scope     string   `json:"scope"` // share | open
	Reason    string   `json:"reason"`
	ActorID   string   `json:"actor_id"`
	ActorName string   `json:"actor_name"`
	OrgID     string   `json:"org_id"`
	At        db.Stamp `json:"at"` // Unix ms
}

// EffectiveSensitivity is the level a field is protected at: its own (else the entry's), but
// never below its kind's default unless the entry records why (SensitivityReason).
func EffectiveSensitivity(e *Entry, f *Field) int {
	level := f.Sensitivity
	if level == 0 {
		level = e.Level
	}
	if d := f.Kind.DefaultSensitivity(); level < d && blank(f.SensitivityReason) {
		level = d
	}
	return level
}

// Masked tells whether a field's values are desensitized when they leave the platform (sharing,
// opening, products) unless a person decided otherwise for a grant: any field of core or
// important data, and any field above L1 (SEC-2).
func Masked(e *Entry, f *Field) bool {
	return e.Grade.Protected() || EffectiveSensitivity(e, f) > 1
}

// fieldShare is the stricter of the entry's and the field's share type.
func fieldShare(e *Entry, f *Field) ShareType {
	if f.ShareType != "" && f.ShareType.Rank() > e.ShareType.Rank() {
		return f.ShareType
	}
	return e.ShareType
}

// FieldOpen is the open type a data item is opened with (开放属性): the stricter of the entry's
// and the item's own. Opening (internal/open) drops items whose open type is stricter than the
// access.
func FieldOpen(e *Entry, f *Field) OpenType { return fieldOpen(e, f) }

// fieldOpen is the stricter of the entry's and the field's open type.
func fieldOpen(e *Entry, f *Field) OpenType {
	if f.OpenType != "" && f.OpenType.Rank() > e.OpenType.Rank() {
		return f.OpenType
	}
	return e.OpenType
}

func hasOverride(ov []Override, scope string) bool {
	return slices.ContainsFunc(ov, func(o Override) bool { return o.Scope == scope })
}

// CheckProtection applies the grading rules that need more than the entry itself: core or
// important data and fields at the top level cannot be unconditionally shared or opened without
// an authority override (ov), and the entry's masking rules cannot be looser than its region's
// (region, as regionMaskRules gives them). Every problem names its field.
func CheckProtection(e *Entry, ov []Override, region mask.Rules) []apperr.FieldError {
	var fe []apperr.FieldError
	add := func(field, zh, en string) { fe = append(fe, apperr.Field(field, zh, en)) }
	const askZH, askEN = "；确有必要的，须由主管部门登记例外及理由", "; if it must, the authority records an override with its reason"
	if e.Grade.Protected() {
		g := e.Grade.Label("zh") + "（" + string(e.Grade) + "）"
		if e.ShareType == ShareUnconditional && !hasOverride(ov, OverrideShare) {
			add("share_type", g+"不能无条件共享"+askZH, e.Grade.Label("en")+" cannot be unconditionally shared"+askEN)
		}
		if e.OpenType == OpenUnconditional && !hasOverride(ov, OverrideOpen) {
			add("open_type", g+"不能无条件开放"+askZH, e.Grade.Label("en")+" cannot be unconditionally opened"+askEN)
		}
	}
	for i := range e.Fields {
		f := &e.Fields[i]
		if EffectiveSensitivity(e, f) < vocab.TopLevel {
			continue
		}
		item := fmt.Sprintf("信息项“%s”（%s）为最高敏感级别 L%d，", f.Label, f.Name, vocab.TopLevel)
		itemEN := fmt.Sprintf("item %q (%s) is at the top sensitivity level L%d and ", f.LabelEN, f.Name, vocab.TopLevel)
		if f.LabelEN == "" {
			itemEN = fmt.Sprintf("item %s is at the top sensitivity level L%d and ", f.Name, vocab.TopLevel)
		}
		if fieldShare(e, f) == ShareUnconditional && !hasOverride(ov, OverrideShare) {
			add(fieldPath("fields", i, "share_type"), item+"不能无条件共享"+askZH, itemEN+"cannot be unconditionally shared"+askEN)
		}
		if fieldOpen(e, f) == OpenUnconditional && !hasOverride(ov, OverrideOpen) {
			add(fieldPath("fields", i, "open_type"), item+"不能无条件开放"+askZH, itemEN+"cannot be unconditionally opened"+askEN)
		}
	}
	for i, r := range e.MaskRules {
		if b, ok := region[r.Kind]; ok && !mask.NoLooser(r, b) {
			k := r.Kind.Label("zh")
			add(fmt.Sprintf("mask_rules[%d]", i), fmt.Sprintf("“%s”的脱敏规则不能比本地区的规则（%s）更宽松", k, describeRule(b, "zh")),
				fmt.Sprintf("the masking rule for %s cannot be looser than the region's (%s)", r.Kind.Label("en"), describeRule(b, "en")))
		}
	}
	return fe
}

// checkMaskRules validates the form of configured masking rules (an entry's or a region's): a
// known kind, a method other than keep, no negative counts, one rule per kind.
func checkMaskRules(list string, rules []mask.Rule) []apperr.FieldError {
	var fe []apperr.FieldError
	seen := map[FieldKind]bool{}
	for i, r := range rules {
		p := fmt.Sprintf("%s[%d]", list, i)
		if _, ok := vocab.LookupKind(r.Kind); !ok {
			fe = append(fe, apperr.Field(p+".kind", "数据项类别无效", "invalid field kind"))
		} else if seen[r.Kind] {
			fe = append(fe, apperr.Field(p+".kind", "同一类别只能有一条脱敏规则", "one masking rule per kind"))
		}
		seen[r.Kind] = true
		if !slices.Contains(mask.Methods, r.Method) {
			fe = append(fe, apperr.Field(p+".method", "脱敏方法须为 "+strings.Join(mask.Methods, "、"), "method must be one of "+strings.Join(mask.Methods, ", ")))
		}
		if r.KeepHead < 0 || r.KeepTail < 0 || r.KeepHead > 32 || r.KeepTail > 32 {
			fe = append(fe, apperr.Field(p+".keep_head", "保留位数须在 0–32 之间", "kept characters must be 0–32"))
		}
	}
	return fe
}

// describeRule says in words what a rule keeps, for error messages and pages.
func describeRule(r mask.Rule, lang string) string {
	zh := lang == "zh"
	switch r.Method {
	case mask.MethodPartial:
		if zh {
			return fmt.Sprintf("保留前 %d 后 %d 位", r.KeepHead, r.KeepTail)
		}
		return fmt.Sprintf("first %d, last %d kept", r.KeepHead, r.KeepTail)
	case mask.MethodSurname:
		return map[bool]string{true: "只留姓", false: "surname only"}[zh]
	case mask.MethodTail:
		return map[bool]string{true: "保留到区县", false: "down to the district"}[zh]
	case mask.MethodEmail:
		if zh {
			return fmt.Sprintf("保留首 %d 个字符与域名", r.KeepHead)
		}
		return fmt.Sprintf("first %d and the domain kept", r.KeepHead)
	case mask.MethodHash:
		return map[bool]string{true: "假名化", false: "pseudonym"}[zh]
	case mask.MethodKeep:
		return map[bool]string{true: "不脱敏", false: "in clear"}[zh]
	}
	return map[bool]string{true: "整体隐去", false: "redacted"}[zh]
}

// Overrides lists the overrides recorded for an entry.
func (s *Service) Overrides(ctx context.Context, q db.Q, entryID string) (_ []Override, err error) {
	defer errs.Wrap(&err, "catalog: Overrides(%s)", entryID)
	rows, err := q.QueryContext(ctx, `SELECT entry_id, scope, reason, actor_id, actor_name, org_id, created_at
		FROM catalog_protection_overrides WHERE entry_id = $1 ORDER BY scope LIMIT 10`, entryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Override
	for rows.Next() {
		var o Override
		if err := rows.Scan(&o.EntryID, &o.Scope, &o.Reason, &o.ActorID, &o.ActorName, &o.OrgID, &o.At); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// RecordOverride records the authority's override letting a protected entry be unconditionally
// shared (scope share) or opened (scope open). Only the authority covering the entry's region
// may; the reason is required; the decision goes to the entry's history and the audit log.
func (s *Service) RecordOverride(ctx context.Context, p *authz.Principal, entryID, scope, reason string) (_ Override, err error) {
	defer errs.Wrap(&err, "catalog: RecordOverride(%s)", entryID)
	var fe []apperr.FieldError
	if scope != OverrideShare && scope != OverrideOpen {
		fe = append(fe, apperr.Field("scope", "例外范围须为无条件共享或无条件开放", "the exception covers unconditional sharing or unconditional opening"))
	}
	if blank(reason) {
		fe = append(fe, apperr.Field("reason", "登记例外须说明理由", "an override needs its reason"))
	}
	o := Override{EntryID: entryID, Scope: scope, Reason: strings.TrimSpace(reason), ActorID: p.UserID, ActorName: actorName(p), OrgID: p.OrgID, At: db.Stamp(s.Now().UnixMilli())}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		r, err := s.load(ctx, tx, entryID, true)
		if err != nil {
			return err
		}
		if err := authz.CatalogEntry(p, authz.Review, attrsOf(r)); err != nil {
			return err
		}
		if err := apperr.Validation(fe); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_protection_overrides (entry_id, scope, reason, actor_id, actor_name, org_id, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (entry_id, scope) DO UPDATE SET reason = excluded.reason,
			actor_id = excluded.actor_id, actor_name = excluded.actor_name, org_id = excluded.org_id, created_at = excluded.created_at`,
			o.EntryID, o.Scope, o.Reason, o.ActorID, o.ActorName, o.OrgID, o.At); err != nil {
			return err
		}
		return s.event(ctx, tx, p, entryID, "override", r.Status, r.Status, o.Reason, map[string]any{"scope": scope, "grade": string(r.Grade)})
	})
	if err != nil {
		return Override{}, err
	}
	return o, nil
}

// RevokeOverride removes an override; the entry's next save, submission or approval is checked
// without it (the published version stays until then).
func (s *Service) RevokeOverride(ctx context.Context, p *authz.Principal, entryID, scope string) (err error) {
	defer errs.Wrap(&err, "catalog: RevokeOverride(%s)", entryID)
	return s.tx(ctx, func(tx *sql.Tx) error {
		r, err := s.load(ctx, tx, entryID, true)
		if err != nil {
			return err
		}
		if err := authz.CatalogEntry(p, authz.Review, attrsOf(r)); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM catalog_protection_overrides WHERE entry_id = $1 AND scope = $2", entryID, scope)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.NotFound.With(apperr.Field("scope", "没有该例外", "no such override"))
		}
		return s.event(ctx, tx, p, entryID, "override_revoke", r.Status, r.Status, "", map[string]any{"scope": scope})
	})
}

const maskRulesKey = "mask.rules." // + region code

// regionChain lists a region and the regions above it, top first (GB/T 2260: XX0000 province,
// XXXX00 city).
func regionChain(code string) []string {
	var out []string
	if len(code) == 6 {
		for _, c := range []string{code[:2] + "0000", code[:4] + "00"} {
			if c != code && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return append(out, code)
}

// storedMaskRules returns the masking rules the authority of one region configured (none: the
// region follows the one above).
func (s *Service) storedMaskRules(ctx context.Context, q db.Q, region string) ([]mask.Rule, error) {
	var raw string
	err := q.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = $1", maskRulesKey+region).Scan(&raw)
	if db.IsNoRows(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var rules []mask.Rule
	if err := json.Unmarshal([]byte(raw), &rules); err != nil {
		return nil, err
	}
	return rules, nil
}

// regionMaskRules returns the masking rules in force in a region: the national defaults
// tightened by each configured region from the top down, so a lower region is never looser than
// the one above.
func (s *Service) regionMaskRules(ctx context.Context, q db.Q, region string) (mask.Rules, error) {
	rs := mask.DefaultRules()
	for _, c := range regionChain(region) {
		stored, err := s.storedMaskRules(ctx, q, c)
		if err != nil {
			return nil, err
		}
		rs = rs.Tighten(stored)
	}
	return rs, nil
}

// SetMaskRules replaces the masking rules of a region (脱敏规则, SEC-2): authority
// administrators covering it. A rule looser than the one in force in the region above (or the
// national default) is refused, naming the rule. Audited.
func (s *Service) SetMaskRules(ctx context.Context, p *authz.Principal, region string, rules []mask.Rule) (err error) {
	defer errs.Wrap(&err, "catalog: SetMaskRules")
	if err := authz.CatalogEntry(p, authz.Manage, authz.CatalogAttrs{RegionCode: region}); err != nil {
		return err
	}
	fe := checkMaskRules("rules", rules)
	chain := regionChain(region)
	above := mask.DefaultRules()
	for _, c := range chain[:len(chain)-1] {
		stored, err := s.storedMaskRules(ctx, s.DB, c)
		if err != nil {
			return err
		}
		above = above.Tighten(stored)
	}
	for i, r := range rules {
		if b, ok := above[r.Kind]; ok && !mask.NoLooser(r, b) {
			fe = append(fe, apperr.Field(fmt.Sprintf("rules[%d]", i),
				fmt.Sprintf("“%s”的脱敏规则不能比上级或国家默认规则（%s）更宽松", r.Kind.Label("zh"), describeRule(b, "zh")),
				fmt.Sprintf("the masking rule for %s cannot be looser than the one above (%s)", r.Kind.Label("en"), describeRule(b, "en"))))
		}
	}
	if err := apperr.Validation(fe); err != nil {
		return err
	}
	b, _ := json.Marshal(rules)
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, maskRulesKey+region, string(b)); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: actorName(p), OrgID: p.OrgID,
			Action: "catalog.mask_rules.update", ObjectType: "region", ObjectID: region, Detail: map[string]any{"rules": rules}})
	})
}

// MaskRules returns the masking rules the authority of a region configured (stored; empty: the
// region follows the one above) and the rules in force there (the national defaults tightened
// from the top region down), in kind order.
func (s *Service) MaskRules(ctx context.Context, region string) (stored, inForce []mask.Rule, err error) {
	defer errs.Wrap(&err, "catalog: MaskRules")
	if stored, err = s.storedMaskRules(ctx, s.DB, region); err != nil {
		return nil, nil, err
	}
	rs, err := s.regionMaskRules(ctx, s.DB, region)
	if err != nil {
		return nil, nil, err
	}
	for _, k := range vocab.KindCodes() {
		if r, ok := rs[k]; ok {
			inForce = append(inForce, r)
		}
	}
	return stored, inForce, nil
}

// protection runs CheckProtection for an entry with its recorded overrides and its region's
// masking rules.
func (s *Service) protection(ctx context.Context, q db.Q, e *Entry) ([]apperr.FieldError, error) {
	var ov []Override
	if e.ID != "" {
		var err error
		if ov, err = s.Overrides(ctx, q, e.ID); err != nil {
			return nil, err
		}
	}
	region, err := s.regionMaskRules(ctx, q, e.RegionCode)
	if err != nil {
		return nil, err
	}
	return CheckProtection(e, ov, region), nil
}

// fillMasking sets the read-side Masking of a published entry: the rules in force for its
// kinds (its region's, tightened by its own).
func (s *Service) fillMasking(ctx context.Context, e *Entry) error {
	region, err := s.regionMaskRules(ctx, s.DB, e.RegionCode)
	if err != nil {
		return err
	}
	rs := region.Tighten(e.MaskRules)
	e.Masking = nil
	for _, k := range vocab.KindCodes() {
		if r, ok := rs[k]; ok && slices.ContainsFunc(e.Fields, func(f Field) bool { return f.Kind == k }) {
			e.Masking = append(e.Masking, r)
		}
	}
	return nil
}

// MaskingRules returns the masking rules an entry's values leave the platform with (sharing,
// opening, products) as resolved when the published entry was read (Masking); nil when it was
// not resolved.
func (e *Entry) MaskingRules() mask.Rules {
	if len(e.Masking) == 0 {
		return nil
	}
	rs := make(mask.Rules, len(e.Masking))
	for _, r := range e.Masking {
		if r.MaskChar == 0 {
			r.MaskChar = mask.DefaultMaskChar
		}
		rs[r.Kind] = r
	}
	return rs
}
