package app

import (
	"context"

	"pubdata/internal/operate"
)

// Authorized operation (OPR, SEC-7, SHR-12): views, products, reviews, units, applications,
// agreements, the privacy-budget ledger, data-subject authorizations. It reads aggregated data
// through ingest and writes to the one audit log.
func init() {
	domainHooks = append(domainHooks, func(ctx context.Context, a *App) error {
		s := operate.New(a.DB, a.Audit, a.Identity, a.Ingest)
		s.Now = a.Now
		a.Operate = s
		return nil
	})
}
