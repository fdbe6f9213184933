package validate

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// creditCharset is the GB 32100 alphabet: digits and upper-case letters without I, O, Z, S, V.
// A character's index in it is its value in the check computation.
const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CreditCodeExceptions lists codes that are legal although they fail the check character
// (some codes issued in early pilots, 早期试点赋码). Keys are normalized (upper-case) codes.
type CreditCodeExceptions map[string]bool

// NormalizeCreditCode returns the canonical form of a credit code as typed or imported: surrounding
// spaces removed, full-width characters made ASCII, letters upper-cased. It does not validate.
func NormalizeCreditCode(s string) string {
	return strings.ToUpper(strings.TrimSpace(toHalfWidth(s)))
}

// CreditCodeCheckChar returns the GB 32100 check character for the first 17 characters of a
// unified social credit code: creditCharset[(31 − Σ v[i]·w[i] mod 31) mod 31]. It fails with
// credit.length or credit.charset if first17 is not 17 characters of the code alphabet.
func CreditCodeCheckChar(first17 string) (byte, error) {
	if utf8.RuneCountInString(first17) != 17 {
		return 0, newError(CodeCreditLength, "统一社会信用代码前段应为 17 位，实际为 %d 位",
			"unified social credit code body must be 17 characters; got %d", utf8.RuneCountInString(first17))
	}
	if err := creditCharsetCheck(first17); err != nil {
		return 0, err
	}
	return creditCheck(first17), nil
}

func creditCheck(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(creditCharset, first17[i]) * creditWeights[i]
	}
	return creditCharset[(31-sum%31)%31]
}

// creditCharsetCheck checks that every rune of s is in the code alphabet and reports the 1-based
// position of the first one that is not.
func creditCharsetCheck(s string) error {
	pos := 0
	for _, r := range s {
		pos++
		if r > 0x7f || strings.IndexByte(creditCharset, byte(r)) < 0 {
			return newError(CodeCreditCharset,
				"统一社会信用代码第 %d 位字符无效（只能是数字和大写字母，不含 I、O、Z、S、V）",
				"unified social credit code has an invalid character at position %d (digits and upper-case letters except I, O, Z, S, V)", pos)
		}
	}
	return nil
}

// CreditCode checks an 18-character unified social credit code (统一社会信用代码, GB 32100):
// registering-authority character, category character, 6-digit region code, 9-character subject
// identifier (组织机构代码) and check character, all from the code alphabet. Lower case is
// rejected; store NormalizeCreditCode(s).
func CreditCode(s string) error { return CreditCodeWith(s, nil) }

// CreditCodeWith is CreditCode with an exception list: a code listed in exc passes even if its
// check character is wrong. Structure (length, alphabet, region digits) is still required.
func CreditCodeWith(s string, exc CreditCodeExceptions) error {
	if n := utf8.RuneCountInString(s); n != 18 {
		return newError(CodeCreditLength, "统一社会信用代码应为 18 位，实际为 %d 位",
			"unified social credit code must be 18 characters; got %d", n)
	}
	if err := creditCharsetCheck(s); err != nil {
		return err
	}
	if !isDigits(s[2:8]) {
		return newError(CodeCreditRegion, "统一社会信用代码第 3–8 位应为 6 位数字行政区划码",
			"unified social credit code characters 3–8 must be a 6-digit region code")
	}
	if want := creditCheck(s[:17]); s[17] != want && !exc[s] {
		return newError(CodeCreditChecksum, "统一社会信用代码校验位错误，应为 %c",
			"unified social credit code check character is wrong; expected %c", want)
	}
	return nil
}

// MakeCreditCode builds a valid credit code from the registering authority (e.g. '9' market
// regulation), the category (e.g. '1' enterprise), a 6-digit region code and a 9-character
// subject identifier. It is meant for tests and demo data and panics on malformed input.
func MakeCreditCode(authority, category byte, region string, subject string) string {
	body := string([]byte{authority, category}) + region + subject
	if len(region) != 6 || !isDigits(region) || len(subject) != 9 {
		panic(fmt.Sprintf("validate.MakeCreditCode: need a 6-digit region and a 9-character subject, got %q %q", region, subject))
	}
	c, err := CreditCodeCheckChar(body)
	if err != nil {
		panic("validate.MakeCreditCode: " + err.Error())
	}
	return body + string(c)
}
