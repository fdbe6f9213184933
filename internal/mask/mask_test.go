package mask

import (
	"strings"
	"testing"
	"unicode/utf8"

	"pubdata/internal/vocab"
)

func TestDefaultRules(t *testing.T) {
	rs := DefaultRules()
	tests := []struct {
		kind     vocab.Kind
		in, want string
	}{
		{vocab.KindCitizenID, "15010219850607123X", "150102********123X"},
		{vocab.KindCitizenID, "11010519491231002x", "110105********002x"},
		{vocab.KindCitizenID, "12345", "*****"},
		{vocab.KindCitizenID, "1234567890", "**********"}, // 6+4 keeps everything: mask all
		{vocab.KindPhone, "13812345678", "138****5678"},
		{vocab.KindPhone, "0471-1234567", "047*****4567"},
		{vocab.KindPhone, "1234567", "*******"},
		{vocab.KindName, "张三", "张*"},
		{vocab.KindName, "张三丰", "张**"},
		{vocab.KindName, "欧阳娜娜", "欧阳**"},
		{vocab.KindName, "欧阳修", "欧阳*"},
		{vocab.KindName, "诸葛亮", "诸葛*"},
		{vocab.KindName, "欧阳", "欧*"}, // surname alone: keep one rune only
		{vocab.KindName, "张", "*"},
		{vocab.KindName, "阿卜杜拉·买买提", "阿*******"},
		{vocab.KindName, "John Smith", "J*********"},
		{vocab.KindBankCard, "6222020200000000006", "***************0006"},
		{vocab.KindBankCard, "0006", "****"},
		{vocab.KindCreditCode, "91350100M000100Y43", "91350100*********3"},
		{vocab.KindEmail, "zhangsan@example.com", "z*******@example.com"},
		{vocab.KindEmail, "a@b.cn", "*@b.cn"},
		{vocab.KindEmail, "@b.cn", "*****"},
		{vocab.KindEmail, "not-an-email", "n***********"},
		{vocab.KindText, "患者主诉头痛三天", "***"},
		{vocab.KindText, "x", "***"},
		{vocab.KindAddress, "北京市朝阳区建国路88号", "北京市朝阳区******"},
		{vocab.KindAddress, "内蒙古自治区呼和浩特市新城区锡林郭勒北路12号", "内蒙古自治区呼和浩特市新城区*********"},
		{vocab.KindAddress, "浙江省杭州市西湖区文三路90号", "浙江省杭州市西湖区******"},
		{vocab.KindAddress, "河北省石家庄市正定县正定镇常山路1号", "河北省石家庄市正定县********"},
		{vocab.KindAddress, "广东省东莞市南城街道鸿福路1号", "广东省东莞市*********"},
		{vocab.KindAddress, "浙江省金华市义乌市稠城街道1号", "浙江省金华市义乌市******"},
		{vocab.KindAddress, "内蒙古自治区锡林郭勒盟正蓝旗上都镇", "内蒙古自治区锡林郭勒盟正蓝旗***"},
		{vocab.KindAddress, "吉林省延边朝鲜族自治州延吉市河南街", "吉林省延边朝鲜族自治州延吉市***"},
		{vocab.KindAddress, "山东省济南市市中区经十路", "山东省济南市市中区***"},
		{vocab.KindAddress, "吉林省长春市红旗街1号", "吉林省长春市*****"},
		{vocab.KindAddress, "杭州市西湖区某某小区3幢", "杭州市西湖区******"},
		{vocab.KindAddress, "杭州市某某小区3幢", "杭州市******"},
		{vocab.KindAddress, "香港特别行政区中西区皇后大道中1号", "香港特别行政区中西区*******"},
		{vocab.KindAddress, "北京市朝阳区", "北京市***"},                 // divisions only: the last one is hidden too
		{vocab.KindAddress, "北京市", "北**"},                       // fallback: half
		{vocab.KindAddress, "建国路88号院", "建国路****"},               // no division: keep min(6, half)
		{vocab.KindAddress, "某某某某某某某某某某某某某某", "某某某某某某********"}, // no division: keep 6
		{vocab.KindAddress, "路", "*"},
		{vocab.KindDate, "1985-06-07", "1985-06-07"},
		{vocab.KindRegionCode, "150102", "150102"},
		{vocab.KindNumber, "42", "42"},
		{vocab.KindOther, "x", "x"},
		{vocab.KindCitizenID, "", ""},
		{vocab.KindText, "", ""},
	}
	for _, tt := range tests {
		if got := rs.Value(tt.kind, tt.in); got != tt.want {
			t.Errorf("Value(%s, %q) = %q, want %q", tt.kind, tt.in, got, tt.want)
		}
	}
}

func TestDefaultRulesIsACopy(t *testing.T) {
	a := DefaultRules()
	a[vocab.KindPhone] = Rule{Kind: vocab.KindPhone, Method: MethodKeep}
	if DefaultRules()[vocab.KindPhone].Method != MethodPartial {
		t.Error("editing one DefaultRules result changed another")
	}
}

func TestApply(t *testing.T) {
	tests := []struct {
		rule     Rule
		in, want string
	}{
		{Rule{Method: MethodPartial, KeepHead: 1, KeepTail: 2}, "150102198506071234", "1***************34"},
		{Rule{Method: MethodPartial, KeepHead: 2, KeepTail: 2, MaskChar: '＊'}, "公民身份号码", "公民＊＊号码"},
		{Rule{Method: MethodPartial, KeepHead: -3, KeepTail: -1}, "abc", "***"},
		{Rule{Method: MethodPartial, KeepHead: 1, MaskChar: '#'}, "abc", "a##"},
		{Rule{Method: MethodKeep}, "abc", "abc"},
		{Rule{Method: MethodRedact, MaskChar: 'x'}, "abc", "xxx"},
		{Rule{Method: "no-such-method"}, "abc", "***"}, // fail closed
		{Rule{}, "abc", "***"},
		{Rule{Method: MethodHash}, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{Rule{Method: MethodHash}, "", ""},
		{Rule{Method: MethodEmail, KeepHead: 3}, "zhangsan@example.com", "zha*****@example.com"},
		{Rule{Method: MethodTail, KeepHead: 2}, "某某某某某某", "某某****"},
		{Rule{Method: MethodTail}, "北京市朝阳区建国路", "北京市朝阳区***"},
		{Rule{Method: MethodTail}, "建国路", "***"},
	}
	for _, tt := range tests {
		if got := Apply(tt.rule, tt.in); got != tt.want {
			t.Errorf("Apply(%+v, %q) = %q, want %q", tt.rule, tt.in, got, tt.want)
		}
	}
}

func TestHash(t *testing.T) {
	if got := Hash(""); got != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("Hash(\"\") = %s", got)
	}
	a, b := KeyedHash([]byte("k1"), "13812345678"), KeyedHash([]byte("k2"), "13812345678")
	if a == b || len(a) != 64 || a == Hash("13812345678") {
		t.Errorf("KeyedHash does not depend on the key: %s %s", a, b)
	}
	// RFC 4231 test case 2.
	if got := KeyedHash([]byte("Jefe"), "what do ya want for nothing?"); got != "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" {
		t.Errorf("KeyedHash = %s", got)
	}
}

func TestRuneSafe(t *testing.T) {
	for kind := range DefaultRules() {
		for _, in := range []string{"张三丰", "内蒙古自治区", "ａｂｃ１２３", "😀😀😀😀😀😀😀😀😀😀😀😀"} {
			if out := DefaultRules().Value(kind, in); !utf8.ValidString(out) {
				t.Errorf("%s: %q → invalid UTF-8 %q", kind, in, out)
			}
		}
	}
	if got := DefaultRules().Value(vocab.KindPhone, strings.Repeat("电", 11)); got != "电电电****电电电电" {
		t.Errorf("got %q", got)
	}
}

// Every row of the kind table names a masking rule this package implements (or none), so a kind
// added to vocab without its rule fails here.
func TestEveryKindHasItsRule(t *testing.T) {
	rs := DefaultRules()
	for _, d := range vocab.Kinds {
		if d.Mask == vocab.MaskNone {
			if _, ok := rs[d.Code]; ok {
				t.Errorf("kind %s: no masking rule expected", d.Code)
			}
			continue
		}
		if _, ok := ByID[d.Mask]; !ok {
			t.Errorf("kind %s names masking rule %q, which package mask does not implement", d.Code, d.Mask)
		}
		if got := rs.Value(d.Code, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"); got == "ABCDEFGHIJKLMNOPQRSTUVWXYZ" {
			t.Errorf("kind %s: rule %q leaves a value unchanged", d.Code, d.Mask)
		}
	}
}
