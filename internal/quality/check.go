package quality

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"pubdata/internal/catalog"
	"pubdata/internal/validate"
)

// compiled is a rule ready to run on rows.
type compiled struct {
	rule  Rule
	check func(e *catalog.Entry, rec map[string]string) []Problem
	mask  func(e *catalog.Entry, field, v string) string // problem values leave the rule masked
}

func (c *compiled) Name() string      { return c.rule.Name }
func (c *compiled) Dimension() string { return c.rule.Dimension }
func (c *compiled) RuleID() string    { return c.rule.ID }

// Advisory tells the loader that a failing row is still loaded (reported and sent for
// correction) unless the rule was configured as blocking.
func (c *compiled) Advisory() bool { return !c.rule.Blocking }

// Check runs the rule on one row. Empty values pass (whether a value must be present is
// completeness, checked by the field's Required flag or a conditional-required rule), and so do
// values that are malformed for their kind (the field's format rule reports those).
func (c *compiled) Check(e *catalog.Entry, rec map[string]string) []Problem {
	ps := c.check(e, rec)
	if len(ps) == 0 {
		return nil
	}
	key := recordKey(e, rec)
	for i := range ps {
		ps[i].Rule, ps[i].Dimension = c.rule.Name, c.rule.Dimension
		if ps[i].Key == "" {
			ps[i].Key = key
		}
		ps[i].Value = c.mask(e, ps[i].Field, ps[i].Value)
	}
	return ps
}

// recordKey is a row's key for single-key entries (the loader fills in composite keys).
func recordKey(e *catalog.Entry, rec map[string]string) string {
	ks := e.KeyFields()
	if len(ks) != 1 {
		return ""
	}
	return strings.TrimSpace(rec[ks[0]])
}

func val(rec map[string]string, f string) string { return strings.TrimSpace(rec[f]) }

func label(e *catalog.Entry, name string) (zh, en string) {
	if f, ok := e.Field(name); ok {
		zh, en = f.Label, f.LabelEN
	}
	if zh == "" {
		zh = name
	}
	if en == "" {
		en = name
	}
	return
}

var (
	defaultMale   = []string{"男", "1", "M", "MALE", "男性"}
	defaultFemale = []string{"女", "2", "F", "FEMALE", "女性"}
)

func parseDay(s string) (time.Time, error) { return validate.Date(s) }

func sameDay(a, b time.Time) bool {
	ya, ma, da := a.Date()
	yb, mb, db := b.Date()
	return ya == yb && ma == mb && da == db
}

func (s *Service) compile(ctx context.Context, e *catalog.Entry, r Rule) (*compiled, error) {
	p := r.Params
	c := &compiled{rule: r, mask: s.maskValue}
	prob := func(field, value, zh, en string) []Problem {
		return []Problem{{Field: field, Value: value, ZH: zh, EN: en}}
	}
	switch r.Kind {
	case KindIDConsistency:
		male, female := upperAll(p.MaleValues), upperAll(p.FemaleValues)
		if len(male) == 0 {
			male = defaultMale
		}
		if len(female) == 0 {
			female = defaultFemale
		}
		idZH, idEN := label(e, p.IDField)
		c.check = func(e *catalog.Entry, rec map[string]string) []Problem {
			id := val(rec, p.IDField)
			if id == "" {
				return nil
			}
			birth, isMale, _, err := validate.CitizenIDInfo(validate.NormalizeCitizenID(id))
			if err != nil {
				return nil
			}
			var out []Problem
			if p.BirthField != "" {
				if v := val(rec, p.BirthField); v != "" {
					if t, err := validate.Date(v); err == nil && !sameDay(t, birth) {
						zh, en := label(e, p.BirthField)
						out = append(out, Problem{Field: p.BirthField, Value: v,
							ZH: zh + "与" + idZH + "中的出生日期不一致", EN: en + " disagrees with the birth date in " + idEN})
					}
				}
			}
			if p.SexField != "" {
				if v := val(rec, p.SexField); v != "" {
					u := strings.ToUpper(v)
					isM, isF := slices.Contains(male, u), slices.Contains(female, u)
					if (isM && !isMale) || (isF && isMale) {
						zh, en := label(e, p.SexField)
						out = append(out, Problem{Field: p.SexField, Value: v,
							ZH: zh + "与" + idZH + "中的性别不一致", EN: en + " disagrees with the sex encoded in " + idEN})
					}
				}
			}
			return out
		}
	case KindDateOrder:
		aZH, aEN := label(e, p.Before)
		bZH, bEN := label(e, p.After)
		c.check = func(e *catalog.Entry, rec map[string]string) []Problem {
			av, bv := val(rec, p.Before), val(rec, p.After)
			if av == "" || bv == "" {
				return nil
			}
			a, err1 := validate.Date(av)
			b, err2 := validate.Date(bv)
			if err1 != nil || err2 != nil {
				return nil
			}
			if a.After(b) || (p.Strict && a.Equal(b)) {
				op := "不早于"
				if !p.Strict {
					op = "晚于"
				}
				return prob(p.After, bv, aZH+op+bZH, aEN+" must be before "+bEN)
			}
			return nil
		}
	case KindConditionalRequired:
		ifZH, ifEN := label(e, p.IfField)
		thZH, thEN := label(e, p.ThenField)
		cond := "已填写"
		condEN := "is filled in"
		if len(p.IfValues) > 0 {
			cond = "为“" + strings.Join(p.IfValues, "/") + "”"
			condEN = "is " + strings.Join(p.IfValues, "/")
		}
		c.check = func(e *catalog.Entry, rec map[string]string) []Problem {
			iv := val(rec, p.IfField)
			if iv == "" || (len(p.IfValues) > 0 && !slices.Contains(p.IfValues, iv)) {
				return nil
			}
			if val(rec, p.ThenField) != "" {
				return nil
			}
			return prob(p.ThenField, "", ifZH+cond+"时，"+thZH+"必须填写", thEN+" is required when "+ifEN+" "+condEN)
		}
	case KindRegex:
		re, err := regexp.Compile(p.Pattern)
		if err != nil {
			return nil, err
		}
		fZH, fEN := label(e, p.Field)
		c.check = func(e *catalog.Entry, rec map[string]string) []Problem {
			v := val(rec, p.Field)
			if v == "" || re.MatchString(v) {
				return nil
			}
			return prob(p.Field, v, fZH+"不符合规定格式", fEN+" does not match the required pattern")
		}
	case KindRange:
		fZH, fEN := label(e, p.Field)
		if p.MinDate != "" || p.MaxDate != "" {
			var lo, hi time.Time
			if p.MinDate != "" {
				lo, _ = parseDay(p.MinDate)
			}
			if p.MaxDate != "" {
				hi, _ = parseDay(p.MaxDate)
			}
			span := rangeText(p.MinDate, p.MaxDate)
			c.check = func(e *catalog.Entry, rec map[string]string) []Problem {
				v := val(rec, p.Field)
				if v == "" {
					return nil
				}
				t, err := validate.Date(v)
				if err != nil {
					return nil
				}
				if (!lo.IsZero() && t.Before(lo)) || (!hi.IsZero() && t.After(hi)) {
					return prob(p.Field, v, fZH+"超出允许范围 "+span, fEN+" is outside "+span)
				}
				return nil
			}
			break
		}
		span := rangeText(fmtNum(p.Min), fmtNum(p.Max))
		c.check = func(e *catalog.Entry, rec map[string]string) []Problem {
			v := val(rec, p.Field)
			if v == "" {
				return nil
			}
			n, err := strconv.ParseFloat(v, 64)
			if err != nil || validate.Number(v) != nil {
				return prob(p.Field, v, fZH+"不是数值，无法校验范围 "+span, fEN+" is not a number; range "+span+" cannot be checked")
			}
			if (p.Min != nil && n < *p.Min) || (p.Max != nil && n > *p.Max) {
				return prob(p.Field, v, fZH+"超出允许范围 "+span, fEN+" is outside "+span)
			}
			return nil
		}
	case KindEnum:
		fZH, fEN := label(e, p.Field)
		allowed := strings.Join(p.Values, "、")
		if len(p.Values) > 8 {
			allowed = strings.Join(p.Values[:8], "、") + "…"
		}
		c.check = func(e *catalog.Entry, rec map[string]string) []Problem {
			v := val(rec, p.Field)
			if v == "" || slices.Contains(p.Values, v) {
				return nil
			}
			return prob(p.Field, v, fZH+"不在允许值范围内（"+allowed+"）", fEN+" is not one of the allowed values ("+allowed+")")
		}
	case KindCrossSource:
		other, err := s.entry(ctx, p.OtherEntryID)
		if err != nil {
			return nil, err
		}
		fZH, fEN := label(e, p.Field)
		oZH, oEN := label(other, p.OtherField)
		oName, oNameEN := other.Name, other.NameEN
		if oNameEN == "" {
			oNameEN = other.Name
		}
		kf, _ := e.Field(p.KeyField)
		cache := &lookupCache{s: s, ctx: ctx, entryID: other.ID, m: map[string]cachedRecord{}}
		c.check = func(e *catalog.Entry, rec map[string]string) []Problem {
			key := normalizeKey(kf.Kind, val(rec, p.KeyField))
			if key == "" {
				return nil
			}
			orec, found, ok := cache.get(key)
			if !ok {
				return nil // the other entry could not be read now: not this row's fault
			}
			if !found {
				if p.RequireMatch {
					return prob(p.KeyField, val(rec, p.KeyField), "在《"+oName+"》中找不到该主体的记录", "no record of this subject in "+oNameEN)
				}
				return nil
			}
			v, ov := val(rec, p.Field), strings.TrimSpace(orec[p.OtherField])
			if v == "" || ov == "" || sameText(v, ov) {
				return nil
			}
			return prob(p.Field, v, fZH+"与《"+oName+"》中的"+oZH+"不一致", fEN+" disagrees with "+oEN+" in "+oNameEN)
		}
	default:
		return nil, fmt.Errorf("unknown rule kind %q", r.Kind)
	}
	return c, nil
}

func upperAll(vs []string) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		out = append(out, strings.ToUpper(strings.TrimSpace(v)))
	}
	return out
}

func rangeText(lo, hi string) string {
	switch {
	case lo == "":
		return "≤ " + hi
	case hi == "":
		return "≥ " + lo
	}
	return "[" + lo + ", " + hi + "]"
}

func fmtNum(f *float64) string {
	if f == nil {
		return ""
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

// normalizeKey brings an identifier to the form records are keyed by.
func normalizeKey(kind catalog.FieldKind, v string) string {
	switch kind {
	case catalog.KindCitizenID:
		return validate.NormalizeCitizenID(v)
	case catalog.KindCreditCode:
		return validate.NormalizeCreditCode(v)
	}
	return strings.TrimSpace(v)
}

// sameText compares two values for cross-source agreement: spaces around and inside (common in
// hand-typed names) and letter case do not count.
func sameText(a, b string) bool {
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == ' ' || r == '\u3000' || r == '\t' || r == '·' || r == '•' {
				return -1
			}
			return r
		}, s)
	}
	return strings.EqualFold(clean(a), clean(b))
}

type cachedRecord struct {
	values map[string]string
	found  bool
}

// lookupCache remembers the other entry's records for one load, so each subject is read once
// however many rows mention it. Safe for concurrent checks.
type lookupCache struct {
	s       *Service
	ctx     context.Context
	entryID string
	mu      sync.Mutex
	m       map[string]cachedRecord
	warned  bool
}

const maxCache = 200_000

func (c *lookupCache) get(key string) (map[string]string, bool, bool) {
	c.mu.Lock()
	if r, ok := c.m[key]; ok {
		c.mu.Unlock()
		return r.values, r.found, true
	}
	c.mu.Unlock()
	rec, found, err := c.s.lookup(c.ctx, c.entryID, key)
	if err != nil {
		c.mu.Lock()
		if !c.warned {
			c.warned = true
			slog.Warn("quality: cross-source lookup failed", "entry", c.entryID, "err", err)
		}
		c.mu.Unlock()
		return nil, false, false
	}
	c.mu.Lock()
	if len(c.m) < maxCache {
		c.m[key] = cachedRecord{values: rec.Values, found: found}
	}
	c.mu.Unlock()
	return rec.Values, found, true
}
