package validate

import (
	"testing"
	"time"

	"pubdata/internal/vocab"
)

func TestPhone(t *testing.T) {
	valid := []string{
		"13812345678", "19912345678", "16612345678", "+8613812345678", "+86 13812345678", "8613812345678",
		"0471-1234567", "04711234567", "010-12345678", "021-62345678", "0755-86013388", "010-12345678-801",
	}
	invalid := []string{
		"", "12812345678", "1381234567", "138123456789", "138-1234-5678", "10086", "0471-123456",
		"0471-0123456", "471-1234567", "010-123456789", "tel:13812345678", "１３８１２３４５６７８",
	}
	for _, s := range valid {
		if err := Phone(s); err != nil {
			t.Errorf("Phone(%q) = %v", s, err)
		}
	}
	for _, s := range invalid {
		if err := Phone(s); errCode(err) != CodePhoneFormat {
			t.Errorf("Phone(%q) = %v, want %s", s, err, CodePhoneFormat)
		}
	}
}

func TestDate(t *testing.T) {
	want := time.Date(2024, 2, 29, 0, 0, 0, 0, chinaTZ)
	for _, s := range []string{"2024-02-29", "2024/02/29", "20240229", "2024-2-29", "2024年2月29日", "2024年02月29日"} {
		got, err := Date(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("Date(%q) = %v, %v", s, got, err)
		}
	}
	for _, s := range []string{
		"", "2023-02-29", "2024-13-01", "2024-04-31", "20241301", "2024022", "202402290", "24-02-29",
		"2024.02.29", "2024-02-29T00:00:00Z", "2024-02-29 ", "02/29/2024", "abcdefgh",
	} {
		if _, err := Date(s); errCode(err) != CodeDateFormat {
			t.Errorf("Date(%q) = %v, want %s", s, err, CodeDateFormat)
		}
	}
}

func TestEmail(t *testing.T) {
	for _, s := range []string{"a@b.cn", "zhang.san+tag@example.com.cn", "x_y-z@mail.gov.cn", "A1@sub-domain.example.org"} {
		if err := Email(s); err != nil {
			t.Errorf("Email(%q) = %v", s, err)
		}
	}
	for _, s := range []string{
		"", "a", "@b.cn", "a@", "a@b", "a@b.c", "a@@b.cn", "a b@c.cn", ".a@b.cn", "a.@b.cn", "a..b@c.cn",
		"a@-b.cn", "a@b-.cn", "a@b..cn", "张三@example.com", "Name <a@b.cn>",
	} {
		if err := Email(s); errCode(err) != CodeEmailFormat {
			t.Errorf("Email(%q) = %v, want %s", s, err, CodeEmailFormat)
		}
	}
}

func TestBankCard(t *testing.T) {
	for _, s := range []string{"4111111111111111", "6011000990139424", "378282246310005", "6222020200000000006"} {
		if err := BankCard(s); err != nil {
			t.Errorf("BankCard(%q) = %v", s, err)
		}
	}
	for s, code := range map[string]string{
		"":                     CodeBankFormat,
		"79927398713":          CodeBankFormat, // Luhn-valid but 11 digits
		"41111111111111111111": CodeBankFormat,
		"4111 1111 1111 1111":  CodeBankFormat,
		"4111111111111112":     CodeBankChecksum,
		"6222020200000000007":  CodeBankChecksum,
	} {
		if err := BankCard(s); errCode(err) != code {
			t.Errorf("BankCard(%q) = %v, want %s", s, err, code)
		}
	}
	if c := LuhnCheckDigit("622202020000000000"); c != '6' {
		t.Errorf("LuhnCheckDigit = %q", c)
	}
	if c := LuhnCheckDigit("12a"); c != 0 {
		t.Errorf("LuhnCheckDigit(non-digits) = %q", c)
	}
}

func TestNumber(t *testing.T) {
	for _, s := range []string{"0", "12", "-3.5", "+7", ".5", "5.", "1e6", "2.5E-3"} {
		if err := Number(s); err != nil {
			t.Errorf("Number(%q) = %v", s, err)
		}
	}
	for _, s := range []string{"", "-", ".", "1,000", "0x10", "NaN", "Inf", "1e", "1 ", "一"} {
		if err := Number(s); errCode(err) != CodeNumberFormat {
			t.Errorf("Number(%q) = %v", s, err)
		}
	}
}

func TestValue(t *testing.T) {
	tests := []struct {
		kind  vocab.Kind
		value string
		code  string
	}{
		{vocab.KindCitizenID, "11010519491231002X", ""},
		{vocab.KindCitizenID, "110105194912310021", CodeIDChecksum},
		{vocab.KindCreditCode, "91350100M000100Y43", ""},
		{vocab.KindCreditCode, "91350100M000100Y44", CodeCreditChecksum},
		{vocab.KindPhone, "13812345678", ""},
		{vocab.KindPhone, "12345", CodePhoneFormat},
		{vocab.KindDate, "2024-02-29", ""},
		{vocab.KindDate, "2023-02-29", CodeDateFormat},
		{vocab.KindRegionCode, "150102", ""},
		{vocab.KindRegionCode, "15010", CodeRegionFormat},
		{vocab.KindBankCard, "4111111111111111", ""},
		{vocab.KindBankCard, "4111111111111112", CodeBankChecksum},
		{vocab.KindEmail, "a@b.cn", ""},
		{vocab.KindEmail, "a@b", CodeEmailFormat},
		{vocab.KindNumber, "3.14", ""},
		{vocab.KindNumber, "三", CodeNumberFormat},
		{vocab.KindName, "!!", ""},
		{vocab.KindAddress, "x", ""},
		{vocab.KindEnum, "anything", ""},
		{vocab.KindText, "任意文本", ""},
		{vocab.KindOther, "x", ""},
		{vocab.Kind("unknown"), "x", ""},
		{vocab.KindCitizenID, "", ""}, // presence is the Required flag's business
		{vocab.KindPhone, " ", CodePhoneFormat},
	}
	for _, tt := range tests {
		if err := Value(tt.kind, tt.value); errCode(err) != tt.code {
			t.Errorf("Value(%s, %q) = %v, want code %q", tt.kind, tt.value, err, tt.code)
		}
	}
}

// Every row of the kind table names a load-time check this package implements (or none), so a
// kind added to vocab without its check fails here.
func TestEveryKindHasItsCheck(t *testing.T) {
	for _, d := range vocab.Kinds {
		check, ok := ByCheck[d.Check]
		if !ok {
			t.Errorf("kind %s names load-time check %q, which package validate does not implement", d.Code, d.Check)
			continue
		}
		if (check == nil) != (d.Check == vocab.CheckNone) {
			t.Errorf("kind %s: check %q has no function", d.Code, d.Check)
		}
		if d.Check != vocab.CheckNone && Value(d.Code, "\x00not a value\x00") == nil {
			t.Errorf("kind %s: check %q accepts garbage", d.Code, d.Check)
		}
	}
}
