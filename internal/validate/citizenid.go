package validate

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// chinaTZ is China Standard Time. A fixed offset is exact for dates: China has had no daylight
// saving time since 1991, and birth dates are calendar days, not instants.
var chinaTZ = time.FixedZone("CST", 8*60*60)

// now is the clock used for "birth date not in the future"; tests may replace it.
var now = time.Now

var (
	idWeights   = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	idCheckChar = "10X98765432"
	minBirth    = time.Date(1900, 1, 1, 0, 0, 0, 0, chinaTZ)
)

// NormalizeCitizenID returns the canonical form of a citizen ID number as typed or imported:
// surrounding spaces removed, full-width digits and letters made ASCII, and a lower-case check
// character x made upper-case X. It does not validate.
func NormalizeCitizenID(s string) string {
	s = strings.TrimSpace(toHalfWidth(s))
	if strings.HasSuffix(s, "x") {
		s = s[:len(s)-1] + "X"
	}
	return s
}

// CitizenIDCheckChar returns the GB 11643 check character ('0'–'9' or 'X') for the first 17
// characters of a citizen ID, or 0 if first17 is not exactly 17 ASCII digits.
//
// The check is ISO 7064 MOD 11-2: "10X98765432"[Σ d[i]·w[i] mod 11].
func CitizenIDCheckChar(first17 string) byte {
	if len(first17) != 17 || !isDigits(first17) {
		return 0
	}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idCheckChar[sum%11]
}

// CitizenID checks an 18-character citizen ID number (公民身份号码, GB 11643): a 6-digit region
// code whose province exists, an 8-digit birth date that is a real calendar date from 1900-01-01
// to today (China time), a 3-digit sequence number and the check character. A lower-case x check
// character is accepted; store NormalizeCitizenID(s). First-generation 15-digit numbers are
// rejected (id.length): they were replaced by 2013 and cannot be checked.
func CitizenID(s string) error {
	_, err := parseCitizenID(s)
	return err
}

// CitizenIDInfo validates s like CitizenID and returns what the number encodes: the birth date
// (midnight, China time), the sex (odd sequence number = male) and the 6-digit region code.
func CitizenIDInfo(s string) (birth time.Time, male bool, region string, err error) {
	birth, err = parseCitizenID(s)
	if err != nil {
		return time.Time{}, false, "", err
	}
	return birth, (s[16]-'0')%2 == 1, s[:6], nil
}

func parseCitizenID(s string) (time.Time, error) {
	if n := utf8.RuneCountInString(s); n != 18 {
		return time.Time{}, newError(CodeIDLength, "公民身份号码应为 18 位，实际为 %d 位",
			"citizen ID must be 18 characters; got %d", n)
	}
	if len(s) != 18 || !isDigits(s[:17]) || !(isDigits(s[17:]) || s[17] == 'X' || s[17] == 'x') {
		return time.Time{}, newError(CodeIDCharset, "公民身份号码前 17 位应为数字，第 18 位应为数字或 X",
			"citizen ID must be 17 digits followed by a digit or X")
	}
	if !validProvince(s) {
		return time.Time{}, newError(CodeIDRegion, "公民身份号码地址码无效：省级代码 %s 不存在",
			"citizen ID region code is invalid: there is no province %s", s[:2])
	}
	birth, ok := parseYYYYMMDD(s[6:14])
	today := now().In(chinaTZ)
	if !ok || birth.Before(minBirth) ||
		birth.After(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, chinaTZ)) {
		return time.Time{}, newError(CodeIDBirthdate,
			"公民身份号码中的出生日期无效（应为 1900-01-01 至今天之间的真实日期）",
			"citizen ID birth date is invalid (must be a real date from 1900-01-01 to today)")
	}
	want, got := CitizenIDCheckChar(s[:17]), s[17]
	if got == 'x' {
		got = 'X'
	}
	if got != want {
		return time.Time{}, newError(CodeIDChecksum, "公民身份号码校验位错误，应为 %c",
			"citizen ID check character is wrong; expected %c", want)
	}
	return birth, nil
}

// parseYYYYMMDD parses 8 ASCII digits as a real calendar date at midnight China time.
func parseYYYYMMDD(s string) (time.Time, bool) {
	if len(s) != 8 || !isDigits(s) {
		return time.Time{}, false
	}
	atoi := func(t string) int {
		n := 0
		for i := 0; i < len(t); i++ {
			n = n*10 + int(t[i]-'0')
		}
		return n
	}
	y, m, d := atoi(s[:4]), atoi(s[4:6]), atoi(s[6:])
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, chinaTZ)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d { // normalized: 0230 → 0302
		return time.Time{}, false
	}
	return t, true
}

// MakeCitizenID builds a valid citizen ID number from a 6-digit region code, a birth date (its
// calendar day in its own location) and a sequence number 0..999 (odd = male). It is meant for
// tests and demo data, and panics on a malformed region or an out-of-range sequence.
func MakeCitizenID(region string, birth time.Time, seq int) string {
	if len(region) != 6 || !isDigits(region) {
		panic(fmt.Sprintf("validate.MakeCitizenID: region %q is not 6 digits", region))
	}
	if seq < 0 || seq > 999 {
		panic(fmt.Sprintf("validate.MakeCitizenID: sequence %d out of range 0..999", seq))
	}
	first17 := fmt.Sprintf("%s%s%03d", region, birth.Format("20060102"), seq)
	if len(first17) != 17 {
		panic(fmt.Sprintf("validate.MakeCitizenID: birth year %d is not 4 digits", birth.Year()))
	}
	return first17 + string(CitizenIDCheckChar(first17))
}
