package demo

import (
	"context"
	"os"
	"path/filepath"

	"pubdata/internal/app"
	"pubdata/internal/backup"
)

// Backups gives the demo a backup and a passed restore drill to look at on the jobs page. A
// demo key pair is made when no recipient is configured; its private key is written beside the
// backups as demo-identity.txt — exactly what a real deployment must not do (the private key is
// kept offline), so it is named for the demo and the docs say so.
func Backups(ctx context.Context, a *app.App) error {
	b := a.Backup
	if b == nil || b.Dir == "" {
		return nil
	}
	if b.Recipient == "" {
		rcpt, ident, err := backup.GenerateKeyPair(a.Cfg.National)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(b.Dir, 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(b.Dir, "demo-identity.txt"), []byte("# 仅用于演示 / demo only: a real backup key is kept offline\n"+ident+"\n"), 0o600); err != nil {
			return err
		}
		b.Recipient, b.DrillIdentity = rcpt, ident
	}
	if _, err := b.Create(ctx, "演示数据 / demo", nil); err != nil {
		return err
	}
	if b.DrillIdentity != "" {
		if _, err := b.RunDrill(ctx); err != nil {
			return err
		}
	}
	return nil
}
