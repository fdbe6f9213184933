package app

import (
	"context"
	"os"
	"strconv"

	"pubdata/internal/share"
)

// Sharing between agencies (SHR): requests, grants, the gateway, demand lists. It reads entries
// from the catalog and data from aggregation (ingest), and registers its deadline, expiry and
// usage-push jobs.
func wireShare(ctx context.Context, a *App) error {
	s := share.New(a.DB, a.Audit, a.Identity, a.Notify, a.Calendar, a.Catalog, nil)
	if a.Ingest != nil {
		s.Data = a.Ingest
	}
	s.Now = a.Now
	// Gateway nodes sharing the load: each keeps its share of a grant's per-minute rate.
	if n, err := strconv.Atoi(os.Getenv("PUBDATA_GATEWAY_NODES")); err == nil && n > 0 {
		s.Limits.Nodes = n
	}
	// Escalation deadlines in working days (督办处理, 协调, 专家论证); unset keeps the default.
	for env, v := range map[string]*int{"PUBDATA_ESCALATION_HANDLE_DAYS": &s.EscHandleDays, "PUBDATA_COORDINATE_DAYS": &s.CoordinateDays,
		"PUBDATA_EXPERT_DAYS": &s.ExpertDays} {
		if n, err := strconv.Atoi(os.Getenv(env)); err == nil && n > 0 && n <= 60 {
			*v = n
		}
	}
	a.Share = s
	if a.Quality != nil {
		// Objections (QUA-3) are announced to the agencies that received the data.
		a.Quality.Receivers = s.Receivers
	}
	if a.Catalog != nil {
		// Catalog changes reach grants: a withdrawn or no-longer-shared entry, a field put on
		// the negative list, suspend the grants they affect in the same transaction.
		a.Catalog.OnChange = append(a.Catalog.OnChange, s.CatalogChanged)
	}
	for _, j := range a.Share.Jobs() {
		a.Jobs.Add(j)
	}
	return nil
}
