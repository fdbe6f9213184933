// Package mask desensitizes (脱敏, SEC-2) field values before they leave the platform through
// sharing, opening or data products: an ID number becomes 150102********123X, a phone number
// 138****5678, a name 张*.
//
// Rules are chosen per field kind (and, by the caller, per grade and grant); DefaultRules gives the
// usual Chinese practice. Masking works on runes, so Chinese text is never cut mid-character.
// Every method except keep and hash is idempotent (masking a masked value changes nothing), and no
// method except keep returns a non-empty value unchanged unless it was already masked: values too
// short to keep anything are masked completely.
package mask

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"pubdata/internal/vocab"
)

// Masking methods for Rule.Method.
const (
	MethodKeep    = "keep"    // unchanged
	MethodPartial = "partial" // keep KeepHead leading and KeepTail trailing runes, mask the rest rune by rune
	MethodHash    = "hash"    // replace by Hash(v), a pseudonym
	MethodRedact  = "redact"  // replace the whole value by three mask characters
	MethodSurname = "surname" // keep the surname (姓), compound surnames included, mask the given name
	MethodTail    = "tail"    // keep the address down to district/county level, mask the tail
	MethodEmail   = "email"   // keep KeepHead runes of the local part and the whole domain
)

// DefaultMaskChar is used when a Rule has no MaskChar.
const DefaultMaskChar = '*'

// Rule says how to desensitize values of one field kind (脱敏规则). An unknown Method redacts
// (fail closed).
type Rule struct {
	Kind     vocab.Kind `json:"kind"`
	Method   string     `json:"method"`
	KeepHead int        `json:"keep_head,omitempty"` // partial: runes kept at the start; tail: fallback head when no division is recognized; email: runes of the local part kept
	KeepTail int        `json:"keep_tail,omitempty"` // partial: runes kept at the end
	MaskChar rune       `json:"-"`                   // 0 means DefaultMaskChar
}

// Rules maps field kinds to their rule; kinds without a rule are left unchanged.
type Rules map[vocab.Kind]Rule

// ByID implements the masking rule ids the kind table (vocab.Kinds) names: the common national
// practice — citizen ID keeps the first 6 and last 4 characters, mobile 3+4, name the surname,
// bank card the last 4 digits, address down to the district or county, credit code the first 8
// and the check character, e-mail the first character and the domain, free text fully redacted.
// A new rule id in the table needs its entry here (TestEveryKindHasItsRule).
var ByID = map[string]Rule{
	vocab.MaskID64:       {Method: MethodPartial, KeepHead: 6, KeepTail: 4},
	vocab.MaskCredit81:   {Method: MethodPartial, KeepHead: 8, KeepTail: 1},
	vocab.MaskPhone34:    {Method: MethodPartial, KeepHead: 3, KeepTail: 4},
	vocab.MaskSurname:    {Method: MethodSurname},
	vocab.MaskAddress:    {Method: MethodTail, KeepHead: 6},
	vocab.MaskCardTail4:  {Method: MethodPartial, KeepTail: 4},
	vocab.MaskEmailLocal: {Method: MethodEmail, KeepHead: 1},
	vocab.MaskRedact:     {Method: MethodRedact},
}

// DefaultRules returns each kind's default rule as the kind table names it (ByID); kinds with
// vocab.MaskNone are left unchanged. The result is a new map the caller may edit (per region or
// grade).
func DefaultRules() Rules {
	rs := Rules{}
	for _, d := range vocab.Kinds {
		r, ok := ByID[d.Mask]
		if !ok {
			continue // vocab.MaskNone (an unknown id fails TestEveryKindHasItsRule)
		}
		r.Kind = d.Code
		r.MaskChar = DefaultMaskChar
		rs[d.Code] = r
	}
	return rs
}

// Value masks v with the rule for kind, or returns v unchanged if there is none.
func (rs Rules) Value(kind vocab.Kind, v string) string {
	r, ok := rs[kind]
	if !ok {
		return v
	}
	return Apply(r, v)
}

// Apply masks v according to r. The empty string stays empty.
func Apply(r Rule, v string) string {
	if v == "" {
		return ""
	}
	mc := r.MaskChar
	if mc == 0 {
		mc = DefaultMaskChar
	}
	head, tail := max(r.KeepHead, 0), max(r.KeepTail, 0)
	rs := []rune(v)
	switch r.Method {
	case MethodKeep:
		return v
	case MethodPartial:
		return partial(rs, head, tail, mc)
	case MethodHash:
		return Hash(v)
	case MethodSurname:
		return surname(rs, mc)
	case MethodTail:
		return address(rs, head, mc)
	case MethodEmail:
		return email(v, head, mc)
	}
	return strings.Repeat(string(mc), 3) // MethodRedact and unknown methods
}

// partial keeps head leading and tail trailing runes and masks the ones between, one mask rune
// per hidden rune so lengths (and fixed-width layouts) are kept. If nothing would be hidden the
// whole value is masked.
func partial(rs []rune, head, tail int, mc rune) string {
	if head+tail >= len(rs) {
		head, tail = 0, 0
	}
	out := make([]rune, len(rs))
	for i := range rs {
		if i < head || i >= len(rs)-tail {
			out[i] = rs[i]
		} else {
			out[i] = mc
		}
	}
	return string(out)
}

// compoundSurnames are two-character surnames (复姓) kept whole.
var compoundSurnames = map[string]bool{
	"欧阳": true, "司马": true, "上官": true, "诸葛": true, "东方": true, "皇甫": true,
	"尉迟": true, "公孙": true, "慕容": true, "长孙": true, "宇文": true, "司徒": true,
	"夏侯": true, "轩辕": true, "令狐": true, "端木": true, "独孤": true,
}

// surname keeps the surname and masks each rune of the given name: 张三 → 张*, 欧阳娜娜 → 欧阳**.
// A one-rune value is masked completely; a compound surname alone keeps only its first rune.
func surname(rs []rune, mc rune) string {
	keep := 1
	if len(rs) > 2 && compoundSurnames[string(rs[:2])] {
		keep = 2
	}
	if len(rs) <= keep {
		keep = 0
	}
	return partial(rs, keep, 0, mc)
}

// email keeps head runes of the local part and the whole domain: zhangsan@example.com →
// z*******@example.com. A value without @ is treated as a local part alone.
func email(v string, head int, mc rune) string {
	at := strings.LastIndexByte(v, '@')
	if at < 0 {
		return partial([]rune(v), head, 0, mc)
	}
	if at == 0 {
		return partial([]rune(v), 0, 0, mc) // no local part: not an address, mask it all
	}
	return partial([]rune(v[:at]), head, 0, mc) + v[at:]
}

// Hash returns the hex SHA-256 of v, a stable pseudonym (假名化) for joining masked records.
// A plain hash of a low-entropy identifier (an ID or phone number) can be reversed by trying all
// candidates; prefer KeyedHash with a secret key when the pseudonym leaves the platform.
func Hash(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:])
}

// KeyedHash returns the hex HMAC-SHA-256 of v under key: a pseudonym that cannot be reversed by
// enumeration without the key.
func KeyedHash(key []byte, v string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil))
}
