package keys_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"pubdata/internal/app"
	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/keys"
	"pubdata/internal/testutil"
)

func stored(t *testing.T, d *db.DB, q string, args ...any) string {
	t.Helper()
	var v string
	if err := d.QueryRowContext(context.Background(), q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// A platform that stored its secrets before the key ring (plain settings row, signing key under
// the earlier scheme) moves them under the key file's key, then through a rotation to the
// national algorithm, and its checkpoints and pseudonyms stay the same throughout.
func TestPlatformSecretsMoveUnderTheKeyRing(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		// Before: the audit service alone, without a ring.
		old := audit.New(d, "sha256")
		old.Log(ctx, audit.Event{Action: "demo.load", ActorName: "t"})
		cp1, _, err := old.MakeCheckpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pseudo, _ := old.Pseudonym(ctx, "110101199003071234")
		if keys.Sealed(stored(t, d, "SELECT private_key FROM audit_signing_keys WHERE algo = 'ed25519'")) {
			t.Fatal("the earlier scheme already wrote a ring ciphertext")
		}

		keyFile := filepath.Join(t.TempDir(), "keys.json")
		a, err := app.New(ctx, d, app.Config{DataDir: t.TempDir(), KeyFile: keyFile, NoAuditSpool: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Reencrypt(ctx, nil); err != nil {
			t.Fatal(err)
		}
		prefix, _ := a.Keys.Prefix(ctx)
		for _, q := range []string{"SELECT private_key FROM audit_signing_keys WHERE algo = 'ed25519'", "SELECT value FROM settings WHERE key = 'audit.secret_key'"} {
			if v := stored(t, d, q); !strings.HasPrefix(v, prefix) {
				t.Fatalf("%s: %.20s… not under the key file's key (%s)", q, v, prefix)
			}
		}
		if p, _ := a.Audit.Pseudonym(ctx, "110101199003071234"); p != pseudo {
			t.Fatal("the pseudonym of a data subject changed when its secret was re-sealed")
		}
		a.Audit.Log(ctx, audit.Event{Action: "demo.load", ActorName: "t"})
		cp2, _, err := a.Audit.MakeCheckpoint(ctx)
		if err != nil || cp2.KeyID != cp1.KeyID {
			t.Fatalf("checkpoint after re-sealing: key %s, want %s (%v)", cp2.KeyID, cp1.KeyID, err)
		}

		// Rotate to a new key and the national algorithm (a restart with --crypto national).
		if _, err := a.Keys.Rotate(ctx); err != nil {
			t.Fatal(err)
		}
		b, err := app.New(ctx, d, app.Config{DataDir: t.TempDir(), KeyFile: keyFile, National: true, AuditAlgo: "sha256", NoAuditSpool: true})
		if err != nil {
			t.Fatal(err)
		}
		n, err := b.Reencrypt(ctx, nil)
		if err != nil || n < 2 {
			t.Fatalf("re-encrypted %d (%v), want at least the signing key and the secret", n, err)
		}
		counts, _ := b.Keys.Census(ctx, d, b.Secrets)
		for _, c := range counts {
			if !c.Current || c.Algo != keys.SM4 {
				t.Fatalf("after rotation: %+v", counts)
			}
		}
		if p, _ := b.Audit.Pseudonym(ctx, "110101199003071234"); p != pseudo {
			t.Fatal("pseudonym changed by the rotation")
		}
		res, err := b.Audit.VerifyCheckpoint(ctx, cp2, nil)
		if err != nil || !res.Prefix {
			t.Fatalf("checkpoint after rotation: %+v %v", res, err)
		}
		b.Audit.Log(ctx, audit.Event{Action: "demo.load", ActorName: "t"})
		if cp3, _, err := b.Audit.MakeCheckpoint(ctx); err != nil || cp3.KeyID != cp1.KeyID {
			t.Fatalf("signing after rotation: %v", err)
		}
	})
}
