package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// The operator exports a signed checkpoint; later `audit verify --checkpoint` proves the log still
// holds it — and catches a truncation that the plain chain check passes (SEC-4).
func TestAuditCheckpointCommands(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.NewApp(t, d, nil)
		ctx := context.Background()
		for i := 0; i < 8; i++ {
			if err := a.Audit.Log(ctx, audit.Event{ActorID: "u1", ActorName: "officer", Action: "share.gateway.lookup", ObjectID: fmt.Sprint(i)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := a.Audit.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		cpFile := filepath.Join(dir, "cp.json")
		r := pubdata(t, dir, append(dbArgs(d), "audit", "checkpoint", "-o", cpFile)...)
		if r.code != 0 {
			t.Fatalf("checkpoint:\n%v", r)
		}
		var cp audit.Checkpoint
		b, _ := os.ReadFile(cpFile)
		if err := json.Unmarshal(b, &cp); err != nil || cp.Size < 8 || cp.SigAlgo != "ed25519" {
			t.Fatalf("checkpoint file: %s %v", b, err)
		}
		verify := func(extra ...string) result {
			return pubdata(t, dir, append(append(dbArgs(d), "audit", "verify"), extra...)...)
		}
		if r := verify("--checkpoint", cpFile); r.code != 0 || !strings.Contains(r.stdout, fmt.Sprintf("the log still holds its %d records", cp.Size)) {
			t.Fatalf("verify against the checkpoint:\n%v", r)
		}
		// The auditor pins the key it fetched from the API.
		keys, err := a.Audit.PublicKeys(ctx)
		if err != nil {
			t.Fatal(err)
		}
		keyFile := filepath.Join(dir, "key.pem")
		os.WriteFile(keyFile, []byte(keys[0].PEM), 0o600)
		if r := verify("--checkpoint", cpFile, "--key", keyFile); r.code != 0 {
			t.Fatalf("verify with the pinned key:\n%v", r)
		}

		// A forged checkpoint (a smaller size, to excuse a truncation) is refused.
		forged := cp
		forged.Size = 3
		fb, _ := json.Marshal(forged)
		forgedFile := filepath.Join(dir, "forged.json")
		os.WriteFile(forgedFile, fb, 0o600)
		if r := verify("--checkpoint", forgedFile); r.code != 2 || !strings.Contains(r.stderr, "audit_checkpoint_signature") {
			t.Fatalf("forged checkpoint:\n%v", r)
		}

		// Truncate the tail together with the head row: the plain check passes, the checkpoint
		// check does not.
		var h string
		d.QueryRowContext(ctx, "SELECT hash FROM audit_log WHERE seq = 5").Scan(&h)
		if _, err := d.ExecContext(ctx, "DELETE FROM audit_log WHERE seq > 5"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ExecContext(ctx, "UPDATE audit_head SET seq = 5, hash = $1 WHERE id = 1", h); err != nil {
			t.Fatal(err)
		}
		if r := verify(); r.code != 0 {
			t.Fatalf("plain verify of the truncated log (passes, as it always did):\n%v", r)
		}
		r = verify("--checkpoint", cpFile)
		if r.code != 2 || !strings.Contains(r.stdout, "first bad position 6") || !strings.Contains(r.stdout, "removed") {
			t.Fatalf("verify the truncated log against the checkpoint:\n%v", r)
		}
		// And no new checkpoint is signed over it.
		if r := pubdata(t, dir, append(dbArgs(d), "audit", "checkpoint")...); r.code != 2 {
			t.Fatalf("checkpoint of the truncated log:\n%v", r)
		}
	})
}
