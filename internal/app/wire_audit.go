package app

import (
	"context"
	"time"

	"pubdata/internal/jobs"
)

// CheckpointEvery is how often the audit log's state is signed (审计检查点, SEC-4) when it has
// grown: oversight bodies fetch these checkpoints and later prove the log still holds them.
const CheckpointEvery = time.Hour

// Audit checkpoints and pseudonyms: the platform secret keys the pseudonyms of personal keys in
// audit details and seals the checkpoint signing key; a scheduled job signs checkpoints.
func wireAudit(ctx context.Context, a *App) error {
	a.Audit.SecretKey = a.Cfg.SecretKey
	if err := a.Audit.LoadSecret(ctx); err != nil {
		return err
	}
	// A log that no longer matches its last checkpoint (audit.ErrLogRewritten) gets no new
	// signature: the job fails, which the jobs status shows and the log records loudly.
	a.Jobs.Add(jobs.Job{Name: "audit.checkpoint", Every: CheckpointEvery, Run: func(ctx context.Context, _ time.Time) error {
		_, _, err := a.Audit.MakeCheckpoint(ctx)
		return err
	}})
	return nil
}
