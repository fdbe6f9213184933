package catalog_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/testutil"
)

// An infrastructure failure leaving the catalog names what was being done and keeps its cause
// for errors.Is; a user error (not found) comes back as the very typed error it was, so what the
// user sees does not change.
func TestInfraErrorsCarryTheOperation(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := a.Catalog.Get(cctx, demo.EntryPopulation)
		if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "catalog: Get("+demo.EntryPopulation+"): ") {
			t.Fatalf("cancelled Get: %v", err)
		}

		_, err = a.Catalog.Get(ctx, "no-such-entry")
		if err != error(catalog.ErrNotFound) || apperr.As(err).EN != "catalog entry not found" {
			t.Fatalf("not found changed: %v", err)
		}

		// A database that is gone: the text names the operation and the driver's reason.
		gone := testutil.Reopen(t, d)
		gone.Close()
		_, err = catalog.New(gone, nil, nil, nil).Get(ctx, demo.EntryPopulation)
		if err == nil || !strings.HasPrefix(err.Error(), "catalog: Get("+demo.EntryPopulation+"): ") || !strings.Contains(err.Error(), "closed") {
			t.Fatalf("closed database: %v", err)
		}
		if apperr.As(err).Code != "internal" {
			t.Fatalf("an infrastructure error became a user error: %v", apperr.As(err))
		}
	})
}
