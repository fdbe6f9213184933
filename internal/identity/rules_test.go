package identity_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/db"
	"pubdata/internal/identity"
	"pubdata/internal/testutil"
)

func TestPasswordRules(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		s := f.a.Identity
		for _, c := range []struct{ pw, zh, en string }{
			{"short1!", "至少 10 位", "at least 10 characters"},
			{"aaaaaaaaaaaa", "少数几个字符重复", "a few characters repeated"},
			{"abababababab", "少数几个字符重复", "a few characters repeated"},
			{"Xy7!qXy7!qXy7!q", "少数几个字符重复", "a few characters repeated"},
			{"1234567890", "过于常见", "too common"},
			{"abcdefghijk", "过于常见", "too common"},
			{"qwertyuiop", "过于常见", "too common"},
			{"Password@2026", "过于常见", "too common"},
			{"P@ssw0rd12345", "过于常见", "too common"},
			{"woaini131452", "过于常见", "too common"},
			{"1qaz2wsx3edc", "过于常见", "too common"},
			{"13912345678", "过于常见", "too common"},
			{"Admin123456!", "过于常见", "too common"},
			{"my-xu.min-pass", "包含用户名", "contain the username"},
		} {
			_, err := s.Register(f.ctx, identity.Registration{Username: "xu.min", DisplayName: "许敏", Password: c.pw, PersonKind: "natural"}, "")
			e := apperr.As(err)
			if e.Code != "invalid" || len(e.Fields) != 1 || e.Fields[0].Field != "password" || !strings.Contains(e.Fields[0].ZH, c.zh) || !strings.Contains(e.Fields[0].EN, c.en) {
				t.Errorf("password %q: %v", c.pw, err)
			}
		}
		// The same rules when an administrator creates a user.
		_, err := s.AddUser(f.ctx, f.principal(t, f.admin), identity.NewUser{Username: "newbie", DisplayName: "新人", Password: "qwerty123456", OrgID: "org-auth"})
		if e := apperr.As(err); e.Code != "invalid" || e.Fields[0].Field != "password" {
			t.Fatalf("common password for a new user: %v", err)
		}
		// Good passwords pass.
		for i, good := range []string{pw, "Tg7#kq2Lm9wz", "呼和浩特青城2026春"} {
			if _, err := s.Register(f.ctx, identity.Registration{Username: fmt.Sprintf("good%d", i), DisplayName: "某", Password: good, PersonKind: "natural"}, ""); err != nil {
				t.Errorf("password %q refused: %v", good, err)
			}
		}
	})
}

func TestRegistrationThrottle(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		s := f.a.Identity
		reg := func(i int, ip string) error {
			_, err := s.Register(f.ctx, identity.Registration{Username: fmt.Sprintf("pub%03d", i), DisplayName: "某", Password: pw, PersonKind: "natural"}, ip)
			return err
		}
		for i := 0; i < s.RegisterMax; i++ {
			if err := reg(i, "198.51.100.7"); err != nil {
				t.Fatalf("registration %d: %v", i+1, err)
			}
		}
		err := reg(100, "198.51.100.7")
		if e := apperr.As(err); e.Code != "register_throttled" || e.Status != 429 || !strings.Contains(e.ZH, "60 分钟") && !strings.Contains(e.ZH, "1 小时") || !strings.Contains(e.EN, "1 h") {
			t.Fatalf("registration past the limit: %v (%s)", err, e.ZH)
		}
		// Another address is not affected; the throttled one may register again after the wait.
		if err := reg(101, "198.51.100.8"); err != nil {
			t.Fatalf("another address: %v", err)
		}
		f.clock.Advance(s.RegisterWindow + time.Second)
		if err := reg(102, "198.51.100.7"); err != nil {
			t.Fatalf("after the wait: %v", err)
		}
	})
}
