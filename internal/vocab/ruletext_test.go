package vocab_test

import (
	"regexp"
	"testing"

	"pubdata/internal/quality"
	"pubdata/internal/vocab"
)

// placeholderN finds a capital N standing alone (not part of a word, code or number).
var placeholderN = regexp.MustCompile(`(^|[^A-Za-z0-9_])N([^A-Za-z0-9_]|$)`)

// Rule texts never show a literal N (#10 item 4): every label of the load rules, the
// configurable rule kinds, the quality dimensions and events, and the rule kinds' own names, in
// Chinese and English.
func TestRuleTextsHaveNoPlaceholderN(t *testing.T) {
	for _, v := range []string{vocab.IngestRule, vocab.QualityRuleKind, vocab.QualityDimension, vocab.QualityEvent, vocab.IngestFreshness} {
		codes := vocab.Codes(v)
		if len(codes) == 0 {
			t.Fatalf("%s: no labels", v)
		}
		for _, c := range codes {
			for _, lang := range []string{"zh", "en"} {
				if l := vocab.Label(lang, v, c); placeholderN.MatchString(l) {
					t.Errorf("%s %s (%s): %q", v, c, lang, l)
				}
			}
		}
	}
	for _, k := range quality.Kinds {
		if placeholderN.MatchString(k.ZH) || placeholderN.MatchString(k.EN) {
			t.Errorf("rule kind %s: %q / %q", k.Kind, k.ZH, k.EN)
		}
	}
}
