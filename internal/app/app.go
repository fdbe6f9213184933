// Package app assembles the platform: it opens the database, applies migrations, builds every
// domain service on one clock and one audit log, and registers the background jobs. The HTTP
// API, the web UI, the CLI and the tests all drive the platform through an *App.
package app

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"pubdata/internal/audit"
	"pubdata/internal/backup"
	"pubdata/internal/catalog"
	"pubdata/internal/complaint"
	"pubdata/internal/db"
	"pubdata/internal/harvest"
	"pubdata/internal/identity"
	"pubdata/internal/ingest"
	"pubdata/internal/jobs"
	"pubdata/internal/keys"
	"pubdata/internal/market"
	"pubdata/internal/notify"
	"pubdata/internal/open"
	"pubdata/internal/openapply"
	"pubdata/internal/openplan"
	"pubdata/internal/operate"
	"pubdata/internal/quality"
	"pubdata/internal/security"
	"pubdata/internal/share"
	"pubdata/internal/supervise"
	"pubdata/internal/workday"
)

// Config selects the database and a few platform-wide settings.
type Config struct {
	DSN       string // postgres://… or empty / a SQLite path
	DataDir   string // where the SQLite file and uploaded files live
	AuditAlgo string // sha256 (default) or sm3
	// NoAuditSpool makes the embedded backend write access records straight into the database
	// (one transaction per group commit) instead of through the write-ahead spool.
	NoAuditSpool bool
	// SecretKey encrypts stored secrets (source DSNs, …); derived from the data dir when empty.
	SecretKey []byte
	// KeyFile holds the keys that seal stored secrets (internal/keys; env PUBDATA_KEY_FILE).
	// Empty keeps the keys in the database's settings table (zero configuration; not for
	// production: they would sit beside the data and in its backups).
	KeyFile string
	// National selects the national commercial cryptography (SEC-8; env PUBDATA_CRYPTO=national):
	// SM4-GCM for stored secrets, SM2/SM4 for backups, SM3 and SM2 for the audit log.
	National bool
	Now      func() time.Time
}

// App is the assembled platform.
type App struct {
	Cfg      Config
	DB       *db.DB
	Now      func() time.Time
	Audit    *audit.Service
	Identity *identity.Service
	Calendar *workday.Calendar
	CalStore *workday.Store
	Notify   *notify.Service
	Jobs     *jobs.Scheduler
	Catalog  *catalog.Service
	Share    *share.Service
	Quality  *quality.Service
	Ingest   *ingest.Service
	// Harvest serves harvesters (CKAN API, DCAT-AP, Atom); HarvestSource is its catalog adapter.
	Harvest       *harvest.Service
	HarvestSource *harvest.CatalogSource
	// Keys seals stored secrets; Secrets lists the columns that hold them (for rotation).
	Keys    *keys.Ring
	Secrets *keys.Registry
	Backup  *backup.Service
	// Supervise runs sanctions (SUP-1).
	Supervise *supervise.Service
	// Security keeps security operation records and opens incidents from signals (SEC-6).
	Security *security.Service
	Open     *open.Service
	Operate  *operate.Service
	// Complaints are rights complaints against open data (OPN-5).
	Complaints *complaint.Service
	// Applications are conditional-opening applications (OPN-3).
	Applications *openapply.Service
	// Plans are open plans, reviews of data not open, public demands and the reuse showcase
	// (OPN-1, OPN-6, OPN-7).
	Plans *openplan.Service
	// Market keeps the data asset register, the market's records and the regulated units' files (MKT, OPR-11).
	Market *market.Service
}

// Open opens (and migrates) the database and builds the services.
func Open(ctx context.Context, cfg Config) (*App, error) {
	d, err := db.Open(ctx, cfg.DSN, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		d.Close()
		return nil, err
	}
	a, err := New(ctx, d, cfg)
	if err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

// New builds the services over an open, migrated database.
func New(ctx context.Context, d *db.DB, cfg Config) (*App, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	now := cfg.Now
	if cfg.KeyFile == "" {
		cfg.KeyFile = os.Getenv("PUBDATA_KEY_FILE")
	}
	if os.Getenv("PUBDATA_CRYPTO") == "national" {
		cfg.National = true
	}
	if cfg.National && cfg.AuditAlgo == "" {
		cfg.AuditAlgo = "sm3"
	}
	a := &App{Cfg: cfg, DB: d, Now: now}
	if err := a.openKeys(ctx); err != nil {
		return nil, err
	}
	a.Audit = audit.New(d, cfg.AuditAlgo)
	a.Audit.Keys = a.Keys
	a.Audit.Now = now
	if d.Dialect == db.SQLite && !cfg.NoAuditSpool {
		// The embedded database's access records go through a write-ahead spool beside the
		// file (see audit/spool.go); PostgreSQL nodes are stateless and write directly.
		if err := a.Audit.EnableSpool(ctx, d.Where+"-audit-spool"); err != nil {
			return nil, err
		}
	}
	a.Identity = identity.New(d, a.Audit)
	a.Identity.Now = now
	// Login protection and registration throttle (docs/install-and-operate.md); unset keeps the default.
	if v, err := strconv.Atoi(os.Getenv("PUBDATA_LOGIN_MAX_FAILURES")); err == nil && v > 0 {
		a.Identity.MaxFailures = v
	}
	if v, err := strconv.Atoi(os.Getenv("PUBDATA_LOGIN_ADDRESS_MAX_FAILURES")); err == nil && v > 0 {
		a.Identity.AddressMaxFailures = v
	}
	if v, err := strconv.Atoi(os.Getenv("PUBDATA_REGISTER_PER_HOUR")); err == nil && v > 0 {
		a.Identity.RegisterMax = v
	}
	a.Calendar = workday.New(nil)
	a.CalStore = &workday.Store{DB: d, Cal: a.Calendar}
	if err := a.CalStore.EnsureShipped(ctx); err != nil {
		return nil, fmt.Errorf("calendar: %w", err)
	}
	a.Notify = notify.New(d)
	a.Notify.Now = now
	a.Notify.Keys = a.Keys
	a.Jobs = jobs.New(d)
	a.Jobs.Now = now
	a.Jobs.Add(jobs.Job{Name: "calendar.reload", Every: time.Minute, Run: func(ctx context.Context, _ time.Time) error {
		return a.CalStore.Load(ctx)
	}})
	a.Jobs.Add(jobs.Job{Name: "identity.purge", Every: 24 * time.Hour, Run: func(ctx context.Context, _ time.Time) error {
		_, err := a.Identity.PurgeExpired(ctx)
		return err
	}})
	// The domain services, in dependency order: each wire function (one per file wire_*.go)
	// builds one capability from what the ones before it set, and registers its jobs.
	for _, wire := range []struct {
		name string
		fn   func(context.Context, *App) error
	}{
		{"audit", wireAudit},
		{"catalog", wireCatalog},
		{"ingest", wireIngest},
		{"quality", wireQuality},
		{"share", wireShare},
		{"open", wireOpen},
		{"operate", wireOperate},
		{"openapply", wireOpenapply},
		{"openplan", wireOpenplan},
		{"backup", wireBackup},
		{"harvest", wireHarvest},
		{"complaint", wireComplaint},
		{"supervise", wireSupervise},
		{"security", wireSecurity},
		{"market", wireMarket},
		{"calendar", wireCalendar},
		{"keys", wireKeys},
	} {
		if err := wire.fn(ctx, a); err != nil {
			return nil, fmt.Errorf("wiring %s: %w", wire.name, err)
		}
	}
	return a, nil
}

// Close inserts the spooled audit records and closes the database.
func (a *App) Close() error {
	err := a.Audit.Close()
	if cerr := a.DB.Close(); err == nil {
		err = cerr
	}
	return err
}
