package identity

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters (OWASP minimum: m=19 MiB, t=2, p=1).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword hashes a password with argon2id in the PHC string format.
func HashPassword(pw string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", argonMemory, argonTime, argonThreads, b.EncodeToString(salt), b.EncodeToString(key))
}

// CheckPassword tells whether pw matches the stored hash.
func CheckPassword(stored, pw string) bool {
	parts := strings.Split(stored, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	b := base64.RawStdEncoding
	salt, err1 := b.DecodeString(parts[4])
	want, err2 := b.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// MinPasswordLen is the shortest accepted password, in characters.
const MinPasswordLen = 10

//go:embed common-passwords.txt
var commonList string

var common = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(commonList, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			m[l] = true
		}
	}
	return m
})

// deleet undoes look-alike substitutions (p@ssw0rd → password).
var deleet = strings.NewReplacer("@", "a", "0", "o", "1", "i", "3", "e", "$", "s", "5", "s", "!", "i", "7", "t", "4", "a")

// core trims digits and symbols around a password (Password@2026 → password).
func core(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
}

// PasswordProblem says why a password is too weak (口令强度), in Chinese and English, or ok. A
// password must have MinPasswordLen characters, not be a common password (alone or with
// digits and symbols around it, or with look-alike characters), not be a few characters
// repeated or a run such as 1234567890 or abcdefghij, and not contain the username.
func PasswordProblem(pw, username string) (zh, en string, ok bool) {
	n := utf8.RuneCountInString(pw)
	if n < MinPasswordLen {
		return fmt.Sprintf("密码至少 %d 位", MinPasswordLen), fmt.Sprintf("password must have at least %d characters", MinPasswordLen), false
	}
	rs := []rune(pw)
	distinct := map[rune]bool{}
	for _, r := range rs {
		distinct[unicode.ToLower(r)] = true
	}
	repeated := len(distinct) < 5
	for k := 1; k <= n/2 && !repeated; k++ {
		repeated = n%k == 0 && strings.Repeat(string(rs[:k]), n/k) == pw
	}
	if repeated {
		return "密码不能由少数几个字符重复组成", "the password may not be a few characters repeated", false
	}
	run := true
	for i := 2; i < n && run; i++ {
		run = rs[i]-rs[i-1] == rs[1]-rs[0] && (rs[1]-rs[0] == 1 || rs[1]-rs[0] == -1)
	}
	lower := strings.ToLower(pw)
	set := common()
	if run || set[lower] || set[core(lower)] || set[deleet.Replace(lower)] || set[core(deleet.Replace(lower))] || strings.Trim(pw, "0123456789") == "" ||
		set[core(deleet.Replace(core(lower)))] {
		return "该密码过于常见或容易猜到，请换一个", "this password is too common or easy to guess; choose another", false
	}
	if u := strings.ToLower(strings.TrimSpace(username)); len(u) >= 3 && strings.Contains(lower, u) {
		return "密码不能包含用户名", "the password may not contain the username", false
	}
	return "", "", true
}
