package validate

import (
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

var provinceCodes = func() []int {
	var ps []int
	for i, ok := range provinces {
		if ok {
			ps = append(ps, i)
		}
	}
	return ps
}()

// genRegion draws a 6-digit region code with a valid province.
func genRegion(t *rapid.T) string {
	p := rapid.SampledFrom(provinceCodes).Draw(t, "province")
	rest := rapid.IntRange(0, 9999).Draw(t, "rest")
	return pad(p, 2) + pad(rest, 4)
}

func pad(n, width int) string {
	s := strings.Repeat("0", width) + itoa(n)
	return s[len(s)-width:]
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// genBirth draws a calendar day from 1900-01-01 to today.
func genBirth(t *rapid.T) time.Time {
	days := int(time.Since(minBirth).Hours()/24) - 1
	return minBirth.AddDate(0, 0, rapid.IntRange(0, days).Draw(t, "days"))
}

func TestPropMakeCitizenIDValidates(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		region, birth := genRegion(t), genBirth(t)
		seq := rapid.IntRange(0, 999).Draw(t, "seq")
		id := MakeCitizenID(region, birth, seq)
		gotBirth, male, gotRegion, err := CitizenIDInfo(id)
		if err != nil {
			t.Fatalf("MakeCitizenID(%s, %s, %d) = %s: %v", region, birth.Format(time.DateOnly), seq, id, err)
		}
		if !gotBirth.Equal(birth) || male != (seq%2 == 1) || gotRegion != region {
			t.Fatalf("info of %s = %v %v %s", id, gotBirth, male, gotRegion)
		}
		if lower := strings.ReplaceAll(id, "X", "x"); CitizenID(lower) != nil || NormalizeCitizenID(lower) != id {
			t.Fatalf("lower-case form of %s not accepted or not normalized", id)
		}
	})
}

// Changing any one of the 18 characters to another allowed character always breaks the check: the
// weights are non-zero modulo the prime 11, so a single substitution changes the sum.
func TestPropCitizenIDSingleSubstitution(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		id := MakeCitizenID(genRegion(t), genBirth(t), rapid.IntRange(0, 999).Draw(t, "seq"))
		pos := rapid.IntRange(0, 17).Draw(t, "pos")
		alphabet := "0123456789"
		if pos == 17 {
			alphabet += "X"
		}
		c := rapid.SampledFrom([]byte(alphabet)).Filter(func(c byte) bool { return c != id[pos] }).Draw(t, "char")
		bad := id[:pos] + string(c) + id[pos+1:]
		if err := CitizenID(bad); err == nil {
			t.Fatalf("%s (from %s) validates", bad, id)
		}
		if pos < 17 && CitizenIDCheckChar(bad[:17]) == id[17] {
			t.Fatalf("check char unchanged for %s", bad)
		}
	})
}

func TestPropCitizenIDErrorsDoNotEchoValue(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringMatching(`[0-9]{17}[0-9Xx]`).Draw(t, "s")
		if err := CitizenID(s); err != nil {
			e := err.(*Error)
			if strings.Contains(e.ZH, s[:17]) || strings.Contains(e.EN, s[:17]) {
				t.Fatalf("error echoes the value: %#v", e)
			}
		}
	})
}

func genCreditCode(t *rapid.T) string {
	chars := []byte(creditCharset)
	subject := make([]byte, 9)
	for i := range subject {
		subject[i] = rapid.SampledFrom(chars).Draw(t, "subject")
	}
	return MakeCreditCode(rapid.SampledFrom(chars).Draw(t, "authority"), rapid.SampledFrom(chars).Draw(t, "category"),
		genRegion(t), string(subject))
}

func TestPropCreditCode(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		code := genCreditCode(t)
		if err := CreditCode(code); err != nil {
			t.Fatalf("MakeCreditCode output %s: %v", code, err)
		}
		// Any single substitution within the alphabet is caught (31 is prime, weights non-zero).
		pos := rapid.IntRange(0, 17).Draw(t, "pos")
		c := rapid.SampledFrom([]byte(creditCharset)).Filter(func(c byte) bool { return c != code[pos] }).Draw(t, "char")
		bad := code[:pos] + string(c) + code[pos+1:]
		if err := CreditCode(bad); err == nil {
			t.Fatalf("%s (from %s) validates", bad, code)
		}
		// ... unless the operator lists it as an exception and it is well-formed.
		if err := CreditCodeWith(bad, CreditCodeExceptions{bad: true}); err != nil && errCode(err) != CodeCreditRegion {
			t.Fatalf("listed %s: %v", bad, err)
		}
	})
}

func TestPropBankCardLuhn(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		body := rapid.StringMatching(`[1-9][0-9]{10,17}`).Draw(t, "body")
		card := body + string(LuhnCheckDigit(body))
		if err := BankCard(card); err != nil {
			t.Fatalf("%s: %v", card, err)
		}
		pos := rapid.IntRange(0, len(card)-1).Draw(t, "pos")
		c := rapid.ByteRange('0', '9').Filter(func(c byte) bool { return c != card[pos] }).Draw(t, "digit")
		if err := BankCard(card[:pos] + string(c) + card[pos+1:]); errCode(err) != CodeBankChecksum {
			t.Fatalf("single-digit change of %s at %d not caught: %v", card, pos, err)
		}
	})
}

func TestPropRegionParent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		code := genRegion(t)
		level, err := RegionCode(code)
		if err != nil {
			if code[2:4] == "00" && code[4:] != "00" {
				return // malformed XX00YY
			}
			t.Fatalf("RegionCode(%s): %v", code, err)
		}
		// Walking up reaches the province in level-1 steps, each a valid code one level higher.
		for p := ParentRegion(code); p != ""; p = ParentRegion(p) {
			pl, err := RegionCode(p)
			if err != nil || pl != level-1 || p[:2] != code[:2] {
				t.Fatalf("parent %s of level-%d code: level %d, %v", p, level, pl, err)
			}
			level = pl
		}
		if level != LevelProvince {
			t.Fatalf("%s: chain ends at level %d", code, level)
		}
	})
}
