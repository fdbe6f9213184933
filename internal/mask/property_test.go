package mask

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"pgregory.net/rapid"

	"pubdata/internal/validate"
	"pubdata/internal/vocab"
)

// genValue draws a value for kind: usually a realistic one, sometimes any string.
func genValue(t *rapid.T, kind vocab.Kind) string {
	if rapid.IntRange(0, 3).Draw(t, "arbitrary") == 0 {
		return rapid.String().Draw(t, "any")
	}
	switch kind {
	case vocab.KindCitizenID:
		birth := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rapid.IntRange(0, 45000).Draw(t, "days"))
		return validate.MakeCitizenID(rapid.StringMatching(`[1-6][1-5][0-9]{4}`).Draw(t, "region"), birth,
			rapid.IntRange(0, 999).Draw(t, "seq"))
	case vocab.KindPhone:
		return rapid.StringMatching(`1[3-9][0-9]{9}|0[1-9][0-9]{2}-[1-9][0-9]{6}`).Draw(t, "phone")
	case vocab.KindName:
		return rapid.StringMatching(`(欧阳|诸葛|[张王李赵刘陈])[一-龥]{0,3}`).Draw(t, "name")
	case vocab.KindAddress:
		return rapid.StringMatching(`([一-龥]{2,4}(省|自治区|市))?([一-龥]{2,5}(市|自治州|盟|地区))?([一-龥]{1,4}(区|县|旗|市))?([一-龥]{1,6}(路|街|小区|巷)[0-9]{1,3}号)?`).Draw(t, "address")
	case vocab.KindBankCard:
		return rapid.StringMatching(`[0-9]{12,19}`).Draw(t, "card")
	case vocab.KindCreditCode:
		return rapid.StringMatching(`[0-9A-HJ-NPQRTUWXY]{18}`).Draw(t, "credit")
	case vocab.KindEmail:
		return rapid.StringMatching(`[a-z0-9._]{1,12}@[a-z0-9]{1,8}\.(cn|com|gov\.cn)`).Draw(t, "email")
	}
	return rapid.String().Draw(t, "text")
}

func sensitiveKinds() []vocab.Kind {
	var ks []vocab.Kind
	for k, r := range DefaultRules() {
		if r.Method != MethodKeep {
			ks = append(ks, k)
		}
	}
	return ks
}

// A non-empty sensitive value never comes back unchanged, unless it already consisted of what
// masking produces (mask characters where masking would put them).
func TestPropMaskNeverReturnsInput(t *testing.T) {
	rs := DefaultRules()
	rapid.Check(t, func(t *rapid.T) {
		kind := rapid.SampledFrom(sensitiveKinds()).Draw(t, "kind")
		v := genValue(t, kind)
		if v == "" || strings.ContainsRune(v, DefaultMaskChar) {
			return
		}
		if got := rs.Value(kind, v); got == v {
			t.Fatalf("%s: %q returned unchanged", kind, v)
		}
	})
}

// Masking a masked value changes nothing, so applying rules twice (e.g. once on sharing and once
// on export) is harmless.
func TestPropMaskIdempotent(t *testing.T) {
	rs := DefaultRules()
	rapid.Check(t, func(t *rapid.T) {
		kind := rapid.SampledFrom(sensitiveKinds()).Draw(t, "kind")
		once := rs.Value(kind, genValue(t, kind))
		if twice := rs.Value(kind, once); twice != once {
			t.Fatalf("%s: %q → %q", kind, once, twice)
		}
	})
}

// Character-by-character methods keep the rune count, so fixed-width layouts (ID, phone) survive,
// and never produce invalid UTF-8.
func TestPropMaskKeepsRuneLength(t *testing.T) {
	rs := DefaultRules()
	rapid.Check(t, func(t *rapid.T) {
		kind := rapid.SampledFrom(sensitiveKinds()).Draw(t, "kind")
		v := genValue(t, kind)
		got := rs.Value(kind, v)
		if !utf8.ValidString(got) {
			t.Fatalf("%s: %q → invalid UTF-8 %q", kind, v, got)
		}
		if rs[kind].Method == MethodRedact || !utf8.ValidString(v) {
			return // redact hides the length; invalid input bytes become U+FFFD
		}
		if utf8.RuneCountInString(got) != utf8.RuneCountInString(v) {
			t.Fatalf("%s: %q (%d runes) → %q (%d runes)", kind, v, utf8.RuneCountInString(v), got, utf8.RuneCountInString(got))
		}
	})
}

// The kept head and tail are the original's: partial masking only ever replaces runes.
func TestPropPartialKeepsEnds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := Rule{Method: MethodPartial, KeepHead: rapid.IntRange(0, 8).Draw(t, "head"), KeepTail: rapid.IntRange(0, 8).Draw(t, "tail")}
		in := []rune(rapid.StringMatching(`[0-9一-龥]{1,24}`).Draw(t, "v"))
		out := []rune(Apply(r, string(in)))
		masked := 0
		for i := range in {
			switch {
			case out[i] == DefaultMaskChar:
				masked++
			case out[i] != in[i]:
				t.Fatalf("rune %d changed: %q → %q", i, string(in), string(out))
			}
		}
		if want := max(len(in)-r.KeepHead-r.KeepTail, 0); masked != want && masked != len(in) {
			t.Fatalf("%q: %d masked, want %d or all", string(out), masked, want)
		}
	})
}

func TestPropHashIsPseudonym(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a, b := rapid.String().Draw(t, "a"), rapid.String().Draw(t, "b")
		r := Rule{Method: MethodHash}
		if a != "" && Apply(r, a) == a {
			t.Fatalf("hash returned input %q", a)
		}
		if (Apply(r, a) == Apply(r, b)) != (a == b) {
			t.Fatalf("hash collision or instability: %q %q", a, b)
		}
	})
}
