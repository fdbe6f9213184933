package validate

import (
	"errors"
	"testing"
)

func TestCreditCode(t *testing.T) {
	fix := func(first17 string) string {
		c, err := CreditCodeCheckChar(first17)
		if err != nil {
			t.Fatalf("CreditCodeCheckChar(%q): %v", first17, err)
		}
		return first17 + string(c)
	}
	tests := []struct {
		name, code, want string
	}{
		{"published example", "91350100M000100Y43", ""},
		{"check char letter", fix("91110000MA0000000"), ""},
		{"check char 0", findCheck(t, '0'), ""},
		{"check char Y", findCheck(t, 'Y'), ""},
		{"national region 100000", fix("11100000000013127"), ""},
		{"empty", "", CodeCreditLength},
		{"17 chars", "91350100M000100Y4", CodeCreditLength},
		{"19 chars", "91350100M000100Y431", CodeCreditLength},
		{"letter I", "91350100I000100Y43", CodeCreditCharset},
		{"letter O", "91350100M0O0100Y43", CodeCreditCharset},
		{"letter Z", "91350100Z000100Y43", CodeCreditCharset},
		{"letter S", "91350100S000100Y43", CodeCreditCharset},
		{"letter V", "91350100V000100Y43", CodeCreditCharset},
		{"lower case", "91350100m000100y43", CodeCreditCharset},
		{"full-width", "９１350100M000100Y43", CodeCreditCharset},
		{"region letters", fix("91AB0100M000100Y4"), CodeCreditRegion},
		{"wrong check", "91350100M000100Y44", CodeCreditChecksum},
		{"swapped chars", "91350100M000010Y43", CodeCreditChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CreditCode(tt.code)
			if got := errCode(err); got != tt.want {
				t.Fatalf("CreditCode(%q) = %v (code %q), want %q", tt.code, err, got, tt.want)
			}
		})
	}
}

// findCheck returns a valid code whose check character is c, proving that edge of the table.
func findCheck(t *testing.T, c byte) string {
	t.Helper()
	for i := 0; i < 31*31; i++ {
		body := "9135010000000" + string(creditCharset[i%31]) + string(creditCharset[i/31]) + "00"
		if got, _ := CreditCodeCheckChar(body); got == c {
			return body + string(got)
		}
	}
	t.Fatalf("no body with check char %q", c)
	return ""
}

func TestCreditCodeChecksumMessage(t *testing.T) {
	var e *Error
	if !errors.As(CreditCode("91350100M000100Y44"), &e) {
		t.Fatal("want *Error")
	}
	if e.ZH != "统一社会信用代码校验位错误，应为 3" || e.EN != "unified social credit code check character is wrong; expected 3" {
		t.Errorf("messages = %q / %q", e.ZH, e.EN)
	}
}

func TestCreditCodeWith(t *testing.T) {
	const pilot = "91350100M000100Y44" // fails the check
	exc := CreditCodeExceptions{pilot: true, "91350100M000100Y4": true}
	if err := CreditCodeWith(pilot, exc); err != nil {
		t.Errorf("listed code rejected: %v", err)
	}
	if err := CreditCodeWith(pilot, nil); errCode(err) != CodeCreditChecksum {
		t.Errorf("nil list: %v", err)
	}
	if err := CreditCodeWith("91350100M000100Y45", exc); errCode(err) != CodeCreditChecksum {
		t.Errorf("unlisted code: %v", err)
	}
	if err := CreditCodeWith("91350100M000100Y4", exc); errCode(err) != CodeCreditLength {
		t.Errorf("listed but malformed code: %v", err)
	}
}

func TestCreditCodeCheckChar(t *testing.T) {
	if c, err := CreditCodeCheckChar("91350100M000100Y4"); err != nil || c != '3' {
		t.Errorf("got %q, %v", c, err)
	}
	if _, err := CreditCodeCheckChar("91350100M000100Y"); errCode(err) != CodeCreditLength {
		t.Errorf("short: %v", err)
	}
	if _, err := CreditCodeCheckChar("91350100M000100YI"); errCode(err) != CodeCreditCharset {
		t.Errorf("charset: %v", err)
	}
}

func TestNormalizeCreditCode(t *testing.T) {
	if got := NormalizeCreditCode(" ９１350100m000100y43 "); got != "91350100M000100Y43" {
		t.Errorf("got %q", got)
	}
}

func TestMakeCreditCode(t *testing.T) {
	if got := MakeCreditCode('9', '1', "350100", "M000100Y4"); got != "91350100M000100Y43" {
		t.Errorf("MakeCreditCode = %q", got)
	}
	for _, f := range []func(){
		func() { MakeCreditCode('9', '1', "35010", "M000100Y4") },
		func() { MakeCreditCode('9', '1', "350100", "M000100Y") },
		func() { MakeCreditCode('9', '1', "350100", "M000100YI") },
		func() { MakeCreditCode('I', '1', "350100", "M000100Y4") },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("expected a panic")
				}
			}()
			f()
		}()
	}
}
