package app

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"pubdata/internal/backup"
	"pubdata/internal/jobs"
)

// Backups (SEC-5): encrypted snapshots written locally (PUBDATA_BACKUP_DIR, default
// <data>/backups) and off-site (PUBDATA_BACKUP_S3_*), to the recipient public key
// PUBDATA_BACKUP_RECIPIENT. The daily backup.run job runs only where a recipient is configured;
// the backup.drill job only on the node that holds the drill private key
// (PUBDATA_BACKUP_DRILL_IDENTITY), so the key stays off the serving nodes.
func wireBackup(ctx context.Context, a *App) error {
	dir := os.Getenv("PUBDATA_BACKUP_DIR")
	if dir == "" && a.Cfg.DataDir != "" {
		dir = filepath.Join(a.Cfg.DataDir, "backups")
	}
	b := &backup.Service{DB: a.DB, DSN: a.Cfg.DSN, Audit: a.Audit, Now: a.Now, Dir: dir, Offsite: backup.S3FromEnv()}
	b.Retention.Location = time.FixedZone("CST", 8*3600)
	if v := os.Getenv("PUBDATA_BACKUP_RECIPIENT"); v != "" {
		k, err := backup.ReadKeyText(v)
		if err != nil {
			return err
		}
		b.Recipient = k
	}
	if v := os.Getenv("PUBDATA_BACKUP_DRILL_IDENTITY"); v != "" {
		k, err := backup.ReadKeyText(v)
		if err != nil {
			return err
		}
		b.DrillIdentity = k
	}
	a.Backup = b
	if b.Recipient != "" {
		a.Jobs.Add(jobs.Job{Name: "backup.run", Every: 24 * time.Hour, Run: func(ctx context.Context, _ time.Time) error {
			_, err := b.Create(ctx, "jobs", nil)
			return err
		}})
	}
	if b.DrillIdentity != "" {
		a.Jobs.Add(jobs.Job{Name: "backup.drill", Every: 24 * time.Hour, Run: func(ctx context.Context, _ time.Time) error {
			d, err := b.RunDrill(ctx)
			if err == nil && !d.OK {
				return backup.ErrDrillFailed(d)
			}
			return err
		}})
	}
	return nil
}
