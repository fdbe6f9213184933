// Package validate checks identifiers and value formats used across the platform: the citizen ID
// number (公民身份号码, GB 11643), the unified social credit code (统一社会信用代码, GB 32100), the
// administrative region code (行政区划代码, GB/T 2260), phone numbers, dates, e-mail addresses and
// bank card numbers.
//
// Ingestion, quality rules, registration and the CLI all call the same checks so that a value
// accepted in one place is accepted everywhere. Every failure is a *Error with a stable code and a
// Chinese and an English message. Messages never echo the checked value: the values are personal
// data and errors end up in logs.
//
// The package is pure: no I/O, no global state besides the clock used for "birth date not in the
// future".
package validate

import (
	"fmt"
	"regexp"
	"strings"

	"pubdata/internal/vocab"
)

// Stable error codes. They are part of the API (HTTP responses, quality reports) and must not change.
const (
	CodeIDLength       = "id.length"
	CodeIDCharset      = "id.charset"
	CodeIDRegion       = "id.region"
	CodeIDBirthdate    = "id.birthdate"
	CodeIDChecksum     = "id.checksum"
	CodeCreditLength   = "credit.length"
	CodeCreditCharset  = "credit.charset"
	CodeCreditRegion   = "credit.region"
	CodeCreditChecksum = "credit.checksum"
	CodeRegionFormat   = "region.format"
	CodeRegionProvince = "region.province"
	CodePhoneFormat    = "phone.format"
	CodeDateFormat     = "date.format"
	CodeEmailFormat    = "email.format"
	CodeBankFormat     = "bank.format"
	CodeBankChecksum   = "bank.checksum"
	CodeNumberFormat   = "number.format"
)

// Error is a validation failure (校验错误): a stable machine code plus a Chinese and an English
// message for people. Use errors.As to get at it, or errors.Is with a *Error carrying only a Code.
type Error struct {
	Code string // stable, e.g. "id.checksum"
	ZH   string // 中文说明
	EN   string // English explanation
}

// Error returns the English message; the code is in e.Code.
func (e *Error) Error() string { return e.EN }

// Is reports whether target is a *Error with the same Code, so that
// errors.Is(err, &validate.Error{Code: validate.CodeIDChecksum}) works.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Message returns the message in the given language: Chinese for tags starting with "zh",
// English otherwise.
func (e *Error) Message(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "zh") {
		return e.ZH
	}
	return e.EN
}

func newError(code, zh, en string, args ...any) *Error {
	if len(args) > 0 {
		zh = fmt.Sprintf(zh, args...)
		en = fmt.Sprintf(en, args...)
	}
	return &Error{Code: code, ZH: zh, EN: en}
}

// Value checks s against the load-time check the kind table (vocab.Kinds) names for kind. Kinds
// whose check is vocab.CheckNone (name, address, enum, text, other) always pass; enum membership
// and numeric ranges need the field definition and are checked by the caller.
//
// An empty string passes: whether a value must be present is the field's Required flag
// (completeness, 完整性), a separate quality dimension from format (规范性).
func Value(kind vocab.Kind, s string) error {
	if s == "" {
		return nil
	}
	if check := ByCheck[kind.CheckRule()]; check != nil {
		return check(s)
	}
	return nil
}

// ByCheck implements the load-time check ids of the kind table; a new check id there needs its
// function here (TestEveryKindHasItsCheck).
var ByCheck = map[string]func(string) error{
	vocab.CheckNone:       nil,
	vocab.CheckCitizenID:  CitizenID,
	vocab.CheckCreditCode: CreditCode,
	vocab.CheckPhone:      Phone,
	vocab.CheckDate:       func(s string) error { _, err := Date(s); return err },
	vocab.CheckRegionCode: func(s string) error { _, err := RegionCode(s); return err },
	vocab.CheckBankCard:   BankCard,
	vocab.CheckEmail:      Email,
	vocab.CheckNumber:     Number,
}

var numberRE = regexp.MustCompile(`^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$`)

// Number checks that s is a plain decimal number such as "12", "-3.5" or "1e6" (no thousands
// separators, no hex, no NaN or Inf).
func Number(s string) error {
	if !numberRE.MatchString(s) {
		return newError(CodeNumberFormat, "数值格式无效（应为十进制数字，如 12、-3.5）",
			"number is invalid (expected a decimal number such as 12 or -3.5)")
	}
	return nil
}

// isDigits reports whether s is non-empty and all ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// toHalfWidth maps full-width digits, letters and spaces (common in Chinese spreadsheets) to ASCII.
func toHalfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return r - '０' + '0'
		case r >= 'Ａ' && r <= 'Ｚ':
			return r - 'Ａ' + 'A'
		case r >= 'ａ' && r <= 'ｚ':
			return r - 'ａ' + 'a'
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}
