package audit_test

import (
	"context"
	"testing"

	"pubdata/internal/audit"
	"pubdata/internal/mask"
	"pubdata/internal/testutil"
)

// The gateway keeps every looked-up key as a pseudonym: what that costs per call, against the
// plain SHA-256 it replaced.
func BenchmarkPseudonym(b *testing.B) {
	s := audit.New(testutil.SQLite(b), "")
	ctx := context.Background()
	b.Run("hmac-sha256", func(b *testing.B) {
		for b.Loop() {
			s.Pseudonym(ctx, "110101199003077777")
		}
	})
	b.Run("plain-sha256", func(b *testing.B) {
		for b.Loop() {
			mask.Hash("110101199003077777")
		}
	})
}
