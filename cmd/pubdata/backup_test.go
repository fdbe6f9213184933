package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"pubdata/internal/app"
	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// An operator backs up with the command, restores onto a fresh node with the private key (a
// wrong key is refused), and the restored node lists the backup it came from as done — not as
// the "running" its snapshot caught — with the restore and the manifest's hash in its audit log.
func TestBackupAndRestoreCommands(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, err := app.New(ctx, d, app.Config{DataDir: t.TempDir(), NoAuditSpool: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Audit.Log(ctx, audit.Event{ActorName: "officer", Action: "identity.login"}); err != nil {
			t.Fatal(err)
		}
		keys := t.TempDir()
		ident, wrong := filepath.Join(keys, "backup.key"), filepath.Join(keys, "other.key")
		r := pubdata(t, "", "backup", "keygen", ident)
		if r.code != 0 || !strings.HasPrefix(r.stdout, "age1") {
			t.Fatalf("keygen:\n%v", r)
		}
		rcpt := strings.TrimSpace(r.stdout)
		if r := pubdata(t, "", "backup", "keygen", wrong); r.code != 0 {
			t.Fatalf("keygen:\n%v", r)
		}
		dir := t.TempDir()
		if r := pubdata(t, "", append(dbArgs(d), "backup", "--dir", dir, "--recipient", rcpt)...); r.code != 0 || !strings.Contains(r.stdout, "backup done") {
			t.Fatalf("backup:\n%v", r)
		}
		mans, _ := filepath.Glob(filepath.Join(dir, "*.manifest.json"))
		if len(mans) != 1 {
			t.Fatalf("manifests: %v", mans)
		}
		mb, _ := os.ReadFile(mans[0])
		sum := sha256.Sum256(mb)
		id := strings.TrimSuffix(filepath.Base(mans[0]), ".manifest.json")

		var target []string
		var open func() *db.DB
		if d.IsPG() {
			u, _ := url.Parse(testutil.DSN(d))
			name := fmt.Sprintf("restore_cli_%d", time.Now().UnixNano())
			if _, err := d.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") })
			u.Path = "/" + name
			target = []string{"--db", u.String()}
			open = func() *db.DB { x, err := db.Open(ctx, u.String(), ""); must(t, err); return x }
		} else {
			tdir := t.TempDir()
			target = []string{"--data", tdir}
			open = func() *db.DB { x, err := db.Open(ctx, "", tdir); must(t, err); return x }
		}
		if r := pubdata(t, "", append(target, "restore", "--manifest", mans[0], "--identity", wrong)...); r.code == 0 || !strings.Contains(r.stderr+r.stdout, "backup_wrong_key") && !strings.Contains(r.stderr+r.stdout, "私钥与该备份") {
			t.Fatalf("restore with a wrong key:\n%v", r)
		}
		if r := pubdata(t, "", append(target, "restore", "--manifest", mans[0], "--identity", ident)...); r.code != 0 || !strings.Contains(r.stdout, "restored") {
			t.Fatalf("restore:\n%v", r)
		}
		rd := open()
		defer rd.Close()
		var state, msum string
		if err := rd.QueryRowContext(ctx, "SELECT state, manifest_sha256 FROM backups WHERE id = $1", id).Scan(&state, &msum); err != nil {
			t.Fatal(err)
		}
		if state != "done" || msum != hex.EncodeToString(sum[:]) {
			t.Fatalf("the restored node lists its backup as %q with manifest hash %q", state, msum)
		}
		if n := count(t, rd, "SELECT COUNT(*) FROM audit_log WHERE action = 'backup.restore' AND object_id = $1 AND detail LIKE $2", id, "%"+msum+"%"); n != 1 {
			t.Fatalf("%d restore records with the manifest hash in the restored log", n)
		}
		if v, err := audit.New(rd, a.Audit.Algo).Verify(ctx); err != nil || !v.OK {
			t.Fatalf("restored chain after the restore record: %+v %v", v, err)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
