package app

import (
	"context"
	"time"

	"pubdata/internal/catalog"
)

func wireCatalog(ctx context.Context, a *App) error {
	a.Catalog = catalog.New(a.DB, a.Audit, a.Calendar, a.Notify)
	a.Catalog.Now = a.Now
	if err := a.Catalog.EnsureSources(ctx); err != nil {
		return err
	}
	a.Jobs.Add(catalog.DeadlinesJob(a.Catalog, 15*time.Minute))
	a.Jobs.Add(catalog.ReassessJob(a.Catalog, 24*time.Hour))
	return nil
}
