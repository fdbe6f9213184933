package ingest

import (
	"testing"

	"pgregory.net/rapid"

	"pubdata/internal/validate"
)

// The fast paths accept only what the validate package accepts.
func TestPropFastPathsAgreeWithValidate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := rapid.StringMatching(`1[0-9]{10}|[0-9+ -]{0,14}`).Draw(t, "phone")
		if fastMobile(s) && validate.Phone(s) != nil {
			t.Fatalf("fastMobile accepts %q, validate.Phone refuses it", s)
		}
		d := rapid.StringMatching(`[0-9]{4}-[0-9]{2}-[0-9]{2}`).Draw(t, "date")
		ft, ok := fastDate(d)
		vt, err := validate.Date(d)
		if ok != (err == nil) {
			t.Fatalf("fastDate(%q) = %v, validate.Date error %v", d, ok, err)
		}
		if ok && ft.Format("2006-01-02") != vt.Format("2006-01-02") {
			t.Fatalf("fastDate(%q) = %v, validate.Date = %v", d, ft, vt)
		}
	})
}

func TestEncodingSniff(t *testing.T) {
	for _, c := range []struct {
		in []byte
		gb bool
	}{
		{[]byte("a,b\n中文,1\n"), false},
		{[]byte{0xd6, 0xd0, 0xce, 0xc4, ',', '1', '\n'}, true},                      // 中文 in GB18030
		{append([]byte("中文,1\n中文,2\n中文,3\n中文,4\n中文,5\n中文,6\n"), 0xff, '\n'), false}, // one broken byte in UTF-8
		{[]byte("abc\xe4\xb8"), false},                                              // a character cut by the sniff
	} {
		if got := looksGB18030(c.in); got != c.gb {
			t.Errorf("%q: gb18030=%v, want %v", c.in, got, c.gb)
		}
	}
}
