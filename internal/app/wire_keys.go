package app

import (
	"context"
	"fmt"
	"time"

	"pubdata/internal/jobs"
	"pubdata/internal/keys"
)

// openKeys builds the key ring that seals stored secrets (SEC-1, SEC-8): from the key file when
// one is configured, else from the settings table; the settings keys stay a fallback for opening
// values sealed before a key file was introduced, until re-encryption has moved them.
func (a *App) openKeys(ctx context.Context) error {
	dbp := &keys.DBProvider{DB: a.DB, Now: a.Now}
	if a.Cfg.KeyFile != "" {
		fp := &keys.FileProvider{Path: a.Cfg.KeyFile, Now: a.Now}
		if _, err := fp.Ensure(ctx); err != nil {
			return fmt.Errorf("key file: %w", err)
		}
		a.Keys = keys.NewRing(fp, a.Cfg.National, dbp)
	} else {
		a.Keys = keys.NewRing(dbp, a.Cfg.National)
	}
	if err := a.Keys.Reload(ctx); err != nil {
		return err
	}
	a.Secrets = &keys.Registry{}
	return nil
}

// KeysOnFile reports whether the keys come from a key file (false: the settings table).
func (a *App) KeysOnFile() bool { return a.Cfg.KeyFile != "" }

// ReencryptBatch is how many stored secrets one step of the re-encryption job re-seals.
const ReencryptBatch = 500

// Re-encryption after a key rotation or a change of algorithm: every registered secret column is
// re-sealed under the primary key in batches; values stay readable throughout (the old key still
// opens them), so nothing stops while it runs.
func wireKeys(ctx context.Context, a *App) error {
	for _, c := range a.Audit.SecretColumns() {
		a.Secrets.Add(c)
	}
	a.Secrets.Add(a.Notify.SecretColumn())  // webhook signing secrets
	a.Secrets.Add(a.Open.CursorKeyColumn()) // the open data paging cursors' key
	if a.Ingest != nil {
		for _, c := range a.Ingest.SecretColumns() {
			a.Secrets.Add(c)
		}
		a.Secrets.AddSource(a.Ingest.SealedColumns) // top-sensitivity items in data tables (SEC-1)
	}
	a.Jobs.Add(jobs.Job{Name: "keys.reencrypt", Every: time.Minute, Run: func(ctx context.Context, _ time.Time) error {
		_, err := a.Reencrypt(ctx, nil)
		return err
	}})
	return nil
}

// Reencrypt re-seals every stored secret that is not under the primary key, batch by batch,
// calling progress after each batch; it returns how many values it re-sealed.
func (a *App) Reencrypt(ctx context.Context, progress func(keys.Progress)) (int, error) {
	if err := a.Keys.Reload(ctx); err != nil {
		return 0, err
	}
	total := 0
	for {
		pr, err := a.Keys.Reencrypt(ctx, a.DB, a.Secrets, ReencryptBatch)
		total += pr.Done
		if progress != nil {
			progress(keys.Progress{Done: total, Remaining: pr.Remaining})
		}
		if err != nil || pr.Done == 0 || pr.Remaining == 0 {
			return total, err
		}
	}
}
