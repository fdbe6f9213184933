package validate

import (
	"regexp"
	"strings"
	"time"
)

var (
	// Mainland mobile: 1[3-9] and 9 more digits, optionally prefixed by +86 / 86 / 0086.
	mobileRE = regexp.MustCompile(`^(?:(?:\+|00)?86[ -]?)?1[3-9]\d{9}$`)
	// Landline: area code 010, 02X or 0XXX, optional hyphen, 7–8 digit local number not starting
	// with 0, optional extension.
	landlineRE = regexp.MustCompile(`^0(?:10|2\d|[3-9]\d{2})-?[1-9]\d{6,7}(?:-\d{1,6})?$`)
)

// Phone checks a mainland phone number: a mobile number 1[3-9]XXXXXXXXX (optionally with a +86
// prefix) or a landline number with area code such as 0471-1234567 or 010-12345678 (an extension
// like -801 is allowed).
func Phone(s string) error {
	if mobileRE.MatchString(s) || landlineRE.MatchString(s) {
		return nil
	}
	return newError(CodePhoneFormat,
		"电话号码格式无效（手机号为 11 位、以 13–19 开头；固定电话须带区号，如 0471-1234567）",
		"phone number is invalid (mobile: 11 digits starting 13–19; landline with area code, e.g. 0471-1234567)")
}

// dateLayouts are the accepted date spellings; "1" and "2" also accept zero-padded months and days.
var dateLayouts = []string{"2006-1-2", "2006/1/2", "2006年1月2日"}

// Date parses a calendar date written 2006-01-02, 2006/01/02, 20060102 or 2006年1月2日 and
// returns midnight of that day in China time. Impossible dates such as 2023-02-29 are rejected.
func Date(s string) (time.Time, error) {
	if len(s) == 8 && isDigits(s) {
		if t, ok := parseYYYYMMDD(s); ok {
			return t, nil
		}
	} else if len(s) >= 8 && isDigits(s[:4]) {
		for _, layout := range dateLayouts {
			if t, err := time.ParseInLocation(layout, s, chinaTZ); err == nil {
				return t, nil
			}
		}
	}
	return time.Time{}, newError(CodeDateFormat,
		"日期无效（应为真实日期，格式如 2006-01-02、2006/01/02 或 20060102）",
		"date is invalid (expected a real date written 2006-01-02, 2006/01/02 or 20060102)")
}

var (
	emailLocalRE  = regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+/=?^_{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_{|}~-]+)*$`)
	emailDomainRE = regexp.MustCompile(`^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$`)
)

// Email checks an e-mail address in the everyday form local@domain.tld (ASCII, no display name,
// no quoted local part, at most 254 characters).
func Email(s string) error {
	at := strings.LastIndexByte(s, '@')
	if at > 0 && at <= 64 && len(s) <= 254 && emailLocalRE.MatchString(s[:at]) && emailDomainRE.MatchString(s[at+1:]) {
		return nil
	}
	return newError(CodeEmailFormat, "电子邮箱地址格式无效", "email address is invalid")
}

// BankCard checks a bank card number (银行卡号): 12 to 19 digits passing the Luhn check.
func BankCard(s string) error {
	if len(s) < 12 || len(s) > 19 || !isDigits(s) {
		return newError(CodeBankFormat, "银行卡号应为 12 至 19 位数字", "bank card number must be 12 to 19 digits")
	}
	if !luhnValid(s) {
		return newError(CodeBankChecksum, "银行卡号校验位错误（Luhn 校验未通过）", "bank card number fails the Luhn check")
	}
	return nil
}

// luhnValid reports whether the digit string s passes the Luhn (mod 10) check.
func luhnValid(s string) bool {
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// LuhnCheckDigit returns the Luhn check digit to append to the digit string body, or 0 if body
// is not all digits. It is meant for tests and demo data.
func LuhnCheckDigit(body string) byte {
	if !isDigits(body) {
		return 0
	}
	for c := byte('0'); c <= '9'; c++ {
		if luhnValid(body + string(c)) {
			return c
		}
	}
	return 0 // unreachable
}
