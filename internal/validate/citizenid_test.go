package validate

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// withNow fixes the clock for one test.
func withNow(t *testing.T, at time.Time) {
	t.Helper()
	old := now
	now = func() time.Time { return at }
	t.Cleanup(func() { now = old })
}

// errCode returns the *Error code of err, "" for nil and "?" for a foreign error.
func errCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return "?"
}

// fix17 appends the right check character, so a case fails only for the reason it is about.
func fix17(first17 string) string { return first17 + string(CitizenIDCheckChar(first17)) }

func TestCitizenID(t *testing.T) {
	withNow(t, time.Date(2026, 3, 1, 10, 0, 0, 0, chinaTZ))
	tests := []struct {
		name, id, code string
	}{
		{"GB 11643 example", "11010519491231002X", ""},
		{"lower-case x", "11010519491231002x", ""},
		{"digit check", fix17("44030419900101001"), ""},
		{"leap day", fix17("15010220000229123"), ""},
		{"1900-01-01", fix17("65010219000101001"), ""},
		{"today", fix17("81000020260301001"), ""},
		{"Macao", fix17("82000019800101001"), ""},
		{"empty", "", CodeIDLength},
		{"15-digit first generation", "110105491231002", CodeIDLength},
		{"17 digits", "11010519491231002", CodeIDLength},
		{"19 chars", "11010519491231002X1", CodeIDLength},
		{"letter in body", "1101051949123100AX", CodeIDCharset},
		{"Y check", "11010519491231002Y", CodeIDCharset},
		{"full-width digits", "１１０１０５１９４９１２３１００２Ｘ", CodeIDCharset},
		{"space inside", "110105 9491231002X", CodeIDCharset},
		{"province 00", fix17("00010519491231002"), CodeIDRegion},
		{"province 16", fix17("16010519491231002"), CodeIDRegion},
		{"province 99", fix17("99010519491231002"), CodeIDRegion},
		{"province 72", fix17("72010519491231002"), CodeIDRegion},
		{"month 13", fix17("11010519491331002"), CodeIDBirthdate},
		{"day 00", fix17("11010519491200002"), CodeIDBirthdate},
		{"Feb 29 non-leap", fix17("11010519000229002"), CodeIDBirthdate},
		{"Apr 31", fix17("11010519900431002"), CodeIDBirthdate},
		{"before 1900", fix17("11010518991231002"), CodeIDBirthdate},
		{"tomorrow", fix17("11010520260302002"), CodeIDBirthdate},
		{"wrong check", "110105194912310021", CodeIDChecksum},
		{"wrong check digit", "110105194912310020", CodeIDChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CitizenID(tt.id)
			if got := errCode(err); got != tt.code {
				t.Fatalf("CitizenID(%q) = %v (code %q), want code %q", tt.id, err, got, tt.code)
			}
			if err != nil {
				e := err.(*Error)
				if e.ZH == "" || e.EN == "" {
					t.Errorf("missing message: %#v", e)
				}
				if len(tt.id) > 6 && (strings.Contains(e.ZH, tt.id) || strings.Contains(e.EN, tt.id)) {
					t.Errorf("message echoes the ID: %#v", e)
				}
			}
		})
	}
}

func TestCitizenIDChecksumMessage(t *testing.T) {
	err := CitizenID("110105194912310021")
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *Error, got %v", err)
	}
	if e.ZH != "公民身份号码校验位错误，应为 X" || e.EN != "citizen ID check character is wrong; expected X" {
		t.Errorf("messages = %q / %q", e.ZH, e.EN)
	}
	if !errors.Is(err, &Error{Code: CodeIDChecksum}) || errors.Is(err, &Error{Code: CodeIDLength}) {
		t.Error("errors.Is by code does not work")
	}
	if e.Message("zh-CN") != e.ZH || e.Message("en") != e.EN || e.Error() != e.EN {
		t.Error("Message/Error do not pick the right language")
	}
}

func TestCitizenIDCheckChar(t *testing.T) {
	tests := map[string]byte{
		"11010519491231002":  'X',
		"1101051949123100":   0,
		"110105194912310021": 0,
		"1101051949123100A":  0,
	}
	// Cross-check the algorithm by hand: Σ d·w for 11010519491231001.
	d, w := "11010519491231001", []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := range 17 {
		sum += int(d[i]-'0') * w[i]
	}
	tests[d] = "10X98765432"[sum%11]
	for in, want := range tests {
		if got := CitizenIDCheckChar(in); got != want {
			t.Errorf("CitizenIDCheckChar(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCitizenIDInfo(t *testing.T) {
	birth, male, region, err := CitizenIDInfo("11010519491231002X")
	if err != nil {
		t.Fatal(err)
	}
	if !birth.Equal(time.Date(1949, 12, 31, 0, 0, 0, 0, chinaTZ)) || male || region != "110105" {
		t.Errorf("got %v male=%v region=%q", birth, male, region)
	}
	_, male, _, err = CitizenIDInfo(MakeCitizenID("150102", time.Date(1985, 6, 7, 0, 0, 0, 0, time.UTC), 123))
	if err != nil || !male {
		t.Errorf("odd sequence: male=%v err=%v", male, err)
	}
	if _, _, _, err := CitizenIDInfo("110105194912310021"); errCode(err) != CodeIDChecksum {
		t.Errorf("invalid ID: err = %v", err)
	}
}

func TestNormalizeCitizenID(t *testing.T) {
	for in, want := range map[string]string{
		" 11010519491231002x\t":    "11010519491231002X",
		"１１０１０５１９４９１２３１００２ｘ":       "11010519491231002X",
		"\u300011010519491231002X": "11010519491231002X",
		"110105194912310021":       "110105194912310021",
	} {
		got := NormalizeCitizenID(in)
		if got != want {
			t.Errorf("NormalizeCitizenID(%q) = %q, want %q", in, got, want)
		}
	}
	if err := CitizenID(NormalizeCitizenID("１１０１０５１９４９１２３１００２ｘ")); err != nil {
		t.Error(err)
	}
}

func TestMakeCitizenID(t *testing.T) {
	got := MakeCitizenID("110105", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), 2)
	if got != "11010519491231002X" {
		t.Errorf("MakeCitizenID = %q", got)
	}
	for _, f := range []func(){
		func() { MakeCitizenID("11010", time.Now(), 1) },
		func() { MakeCitizenID("11010A", time.Now(), 1) },
		func() { MakeCitizenID("110105", time.Now(), -1) },
		func() { MakeCitizenID("110105", time.Now(), 1000) },
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
