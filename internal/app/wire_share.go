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
	// The region's call limits: the defaults a grant gets and the caps an approver may raise them to.
	shareCallLimits(&s.Limits, os.Getenv)
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

// shareCallLimits reads the region's call limits of the share gateway (SHR-10) from the
// environment: PUBDATA_SHARE_CALLS_PER_MINUTE and PUBDATA_SHARE_CALLS_PER_DAY are the defaults a
// grant gets at approval, PUBDATA_SHARE_CAP_PER_MINUTE and PUBDATA_SHARE_CAP_PER_DAY the most an
// approver may set (with a reason). Unset, unreadable or non-positive values keep the built-in
// ones; a default is never above its cap (it is lowered to the cap).
func shareCallLimits(l *share.Limits, getenv func(string) string) {
	for env, v := range map[string]*int{"PUBDATA_SHARE_CALLS_PER_MINUTE": &l.CallsPerMinute, "PUBDATA_SHARE_CALLS_PER_DAY": &l.CallsPerDay,
		"PUBDATA_SHARE_CAP_PER_MINUTE": &l.CapPerMinute, "PUBDATA_SHARE_CAP_PER_DAY": &l.CapPerDay} {
		if n, err := strconv.Atoi(getenv(env)); err == nil && n > 0 {
			*v = n
		}
	}
	l.CallsPerMinute, l.CallsPerDay = min(l.CallsPerMinute, l.CapPerMinute), min(l.CallsPerDay, l.CapPerDay)
}
