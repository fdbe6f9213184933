package validate

import (
	"testing"
)

// FuzzCitizenID checks that no input panics and that everything accepted is self-consistent.
func FuzzCitizenID(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", "110105194912310021", "", "X", "１１０１０５１９４９１２３１００２Ｘ",
		"11010519491331002X", "00000000000000000", "99999999999999999999", "\xff\xfe1101051949123100",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := CitizenID(s)
		birth, male, region, infoErr := CitizenIDInfo(s)
		if (err == nil) != (infoErr == nil) {
			t.Fatalf("CitizenID and CitizenIDInfo disagree on %q: %v / %v", s, err, infoErr)
		}
		n := NormalizeCitizenID(s)
		_ = CitizenID(n)
		_ = CitizenIDCheckChar(s)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error is %T", err)
			}
			return
		}
		seq := int(s[14]-'0')*100 + int(s[15]-'0')*10 + int(s[16]-'0')
		if got := MakeCitizenID(region, birth, seq); got != n {
			t.Fatalf("round trip %q → %q", s, got)
		}
		if male != (seq%2 == 1) {
			t.Fatalf("sex of %q", s)
		}
	})
}

// FuzzCreditCode checks that no input panics and that accepted codes recompute their check.
func FuzzCreditCode(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "91350100M000100Y44", "", "９１350100M000100Y43", "IOZSV"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if err := CreditCode(s); err == nil {
			if c, err := CreditCodeCheckChar(s[:17]); err != nil || c != s[17] {
				t.Fatalf("%q accepted but check char is %q, %v", s, c, err)
			}
		}
		_ = CreditCode(NormalizeCreditCode(s))
		_, _ = CreditCodeCheckChar(s)
	})
}
