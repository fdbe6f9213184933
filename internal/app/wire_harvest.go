package app

import (
	"context"

	"pubdata/internal/harvest"
)

// Harvesting (opening to society, item 7): the CKAN-compatible read API, DCAT-AP 3 and Atom feeds
// over the open catalog. It follows catalog publications and withdrawals in the catalog's own
// transaction (identity at first opening, tombstones, the change log).
func wireHarvest(ctx context.Context, a *App) error {
	src := &harvest.CatalogSource{DB: a.DB, Now: a.Now}
	a.HarvestSource = src
	connectHarvestSource(a, src)
	a.Harvest = harvest.New(a.DB, a.Audit, src)
	a.Harvest.Now = a.Now
	if a.Catalog != nil {
		a.Catalog.OnChange = append(a.Catalog.OnChange, src.CatalogChanged)
	}
	return src.Backfill(ctx)
}
