// Package ids makes identifiers: time-ordered UUIDv7 strings for rows, random tokens for secrets.
package ids

import (
	"crypto/rand"
	"encoding/base32"
	"strings"

	"github.com/google/uuid"
)

// New returns a new time-ordered identifier (UUIDv7) as a string.
func New() string { return uuid.Must(uuid.NewV7()).String() }

// Token returns n random bytes encoded as lower-case base32 without padding, for secrets
// (session ids, API tokens, CSRF tokens).
func Token(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}
