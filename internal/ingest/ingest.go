// Package ingest is data aggregation (数据归集/汇聚, docs/requirements.md AGG-1 … AGG-6): agencies load the data of
// their catalog entries into the platform by file upload (CSV in UTF-8 or GB18030, XLSX, JSON
// Lines), by API push (batches idempotent by batch id) or by table pull from a registered source
// database. Every load is checked field by field (format, check digits, required, enumerations,
// ranges, dates, key uniqueness, plus the quality engineer's rules plugged in through ExtraRules),
// gets a quality report (质量报告), and becomes a version of the entry's data atomically: readers
// keep seeing the previous version until the new one commits, and a failed or cancelled load
// leaves no data behind.
//
// Storage: each entry has its own table ing_<entry id> with one TEXT column per field and two
// version bounds, _from (the version that wrote the row) and _to (the version that replaced it,
// 0 while current). A full replacement retires every current row and inserts the new ones; an
// upsert retires and re-inserts only the changed keys. Older versions stay readable until the
// entry's retention prunes them. A table per entry was chosen over one generic key/JSON table
// after measuring (bench/ingest): typed columns match what a bulk COPY/.import writes, keep rows
// about half the size, and let equality filters and base-database lookups use plain indexes.
//
// Readers inside the platform (sharing, opening, products) use Lookup, Query, Stream and
// Current; they authorize and audit their own accesses. The principal-taking methods (Load,
// Records, Versions, …) authorize through authz.Ingest and audit themselves.
package ingest

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/identity"
	"pubdata/internal/keys"
	"pubdata/internal/notify"
	"pubdata/internal/quality/scoring"
	"pubdata/internal/workday"
	"pubdata/internal/ziplimit"
)

// Catalog is what aggregation needs from the catalog service.
type Catalog interface {
	// Published returns the published content of an entry (an error if it was never published).
	Published(ctx context.Context, id string) (catalog.Entry, error)
	// GetByCode finds an entry by its region and code.
	GetByCode(ctx context.Context, region, code string) (catalog.Entry, error)
}

// Service loads, versions, checks and serves the aggregated data.
type Service struct {
	schemas sync.Map // entry id → cachedTable (schemaOf)

	DB      *db.DB
	Audit   *audit.Service
	Notify  *notify.Service
	Catalog Catalog
	// Identity mints push tokens (IssuePushToken).
	Identity *identity.Service
	Now      func() time.Time
	// Calendar counts working-day deadlines (return decisions); nil means the shipped one.
	Calendar *workday.Calendar

	// ListPublished lists every published entry (for the freshness board and job); nil means
	// only entries that already hold data are tracked.
	ListPublished func(ctx context.Context) ([]catalog.Entry, error)

	// ExtraRules returns additional row rules for an entry (configurable cross-field and
	// cross-source rules of the quality service); nil means none.
	ExtraRules func(ctx context.Context, e *catalog.Entry) ([]RowRule, error)
	// AfterCommit runs after a load commits, with the new version and every problem found
	// (rows not loaded in "load valid rows" mode, advisory findings on loaded rows).
	AfterCommit []func(ctx context.Context, v Version, problems []Problem) error
	// Scored returns the quality score of an entry's data after the load of a version (the one
	// definition, package scoring, as the quality service stored it); a committed load's report
	// shows it. nil (or ok false) keeps the score computed over the load's own rows.
	Scored func(ctx context.Context, entryID string, version int64) (sc scoring.Score, ok bool)
	// IsDisputed tells which record keys of an entry are under objection (异议); it sets
	// Record.Disputed on every read. nil means none are.
	IsDisputed func(ctx context.Context, entryID string, keys []string) (map[string]bool, error)

	// LicenceLag is how old the newest load of a real-time e-licence entry may be (0 =
	// DefaultLicenceLag; env PUBDATA_LICENCE_LAG, e.g. "10m").
	LicenceLag time.Duration

	// MaxUpload is the largest accepted upload in bytes (0 = DefaultMaxUpload).
	MaxUpload int64
	// Input bounds what one file may expand to (XLSX) and how long one value may be.
	Input InputLimits
	// TempDir holds spooled XLSX uploads ("" = os.TempDir()).
	TempDir string
	// BatchRows is the number of rows validated and written together (0 = 1024).
	BatchRows int
	// MaxProblems bounds the problems kept for the report and the AfterCommit hooks; counts
	// stay exact beyond it (0 = 100000).
	MaxProblems int
	// PullRetry are the waits between attempts of an on-demand pull (source down).
	PullRetry []time.Duration

	// AllowLoopbackSources lets pulls reach source databases on this host (tests, a one-machine
	// trial); off in service, like webhooks (netguard).
	AllowLoopbackSources bool
	// SourceAllow, when set, is the only address ranges source databases may be in
	// (PUBDATA_SOURCE_ALLOW); loopback, link-local and metadata addresses are refused regardless.
	SourceAllow []netip.Prefix

	// SecretKey is the master secret for stored source DSNs (app.Config.SecretKey); empty means a
	// random key kept in the settings table, shared by all nodes.
	SecretKey []byte
	// Keys seals stored secrets (internal/keys); nil keeps the earlier single-key scheme.
	Keys *keys.Ring

	sealMu sync.Mutex
	sealer *sealer
}

// DefaultMaxUpload is the upload limit when none is configured: 512 MiB.
const DefaultMaxUpload = 512 << 20

// InputLimits bound one input file (输入限制). An XLSX workbook is a zip archive: its expanded
// size, compression ratio and entry count are checked before it is opened (ziplimit), and its
// rows and cells while it is read, so a small upload cannot make the server expand gigabytes.
// Every format: a value longer than its item's declared length (catalog.Field.MaxLength), or
// than MaxCellBytes when none is declared, and a value holding a NUL character are refused
// with the row and the item named. Zero fields take the defaults.
type InputLimits struct {
	Zip          ziplimit.Limits // default ziplimit.Default: 256 MiB expanded, ratio 200, 10,000 entries
	MaxRows      int             // XLSX rows of the sheet (default 1,048,576, Excel's own limit)
	MaxCells     int64           // XLSX cells of the sheet (default 20,000,000)
	MaxCellBytes int             // one value of an item without a declared length (default 64 KiB)
}

// Defaults of InputLimits.
const (
	DefaultMaxRows      = 1 << 20
	DefaultMaxCells     = 20_000_000
	DefaultMaxCellBytes = 64 << 10
)

// Resolved returns the limits with zero fields replaced by the defaults.
func (l InputLimits) Resolved() InputLimits {
	l.Zip = l.Zip.Resolved()
	l.MaxRows = cmp.Or(l.MaxRows, DefaultMaxRows)
	l.MaxCells = cmp.Or(l.MaxCells, DefaultMaxCells)
	l.MaxCellBytes = cmp.Or(l.MaxCellBytes, DefaultMaxCellBytes)
	return l
}

// New makes the service.
func New(d *db.DB, a *audit.Service, n *notify.Service, c Catalog) *Service {
	return &Service{DB: d, Audit: a, Notify: n, Catalog: c, Now: time.Now,
		PullRetry: []time.Duration{time.Second, 4 * time.Second}}
}

// Mode is how a load combines with the current version.
type Mode string

const (
	ModeReplace Mode = "replace" // 全量替换: the load is the whole new version
	ModeUpsert  Mode = "upsert"  // 增量更新: rows replace those with the same key, others stay
)

// Channel is how data arrived (AGG-1).
type Channel string

const (
	ChannelFile   Channel = "file"   // 文件上传 (UI, API or CLI)
	ChannelAPI    Channel = "api"    // 接口推送
	ChannelPull   Channel = "pull"   // 库表抽取
	ChannelReturn Channel = "return" // 数据回流
	ChannelDemo   Channel = "demo"
)

// Load statuses.
const (
	StatusCommitted = "committed" // 已入库: a version
	StatusRejected  = "rejected"  // 已拒收: problems found, nothing loaded
	StatusFailed    = "failed"    // 失败: an error (source down, storage) — nothing loaded
	StatusCancelled = "cancelled" // 已取消 — nothing loaded
)

// Quality dimensions (QUA-1).
const (
	DimCompleteness = "completeness" // 完整性
	DimAccuracy     = "accuracy"     // 准确性（规范性）
	DimConsistency  = "consistency"  // 一致性
	DimTimeliness   = "timeliness"   // 及时性
	DimAvailability = "availability" // 可用性
)

// Record is one stored row of an entry's current version.
type Record struct {
	Key      string            `json:"key"`
	Values   map[string]string `json:"values"`
	Version  int64             `json:"version"`
	Disputed bool              `json:"disputed"`
}

// Version is a committed load of an entry (数据版本).
type Version struct {
	EntryID     string    `json:"entry_id"`
	Version     int64     `json:"version"`
	LoadID      string    `json:"load_id"`
	Channel     Channel   `json:"channel"`
	Mode        Mode      `json:"mode"`
	Format      string    `json:"format,omitempty"`
	FileName    string    `json:"file_name,omitempty"`
	Rows        int64     `json:"rows"`        // rows in the version
	Loaded      int64     `json:"rows_loaded"` // rows written by this load
	Rejected    int64     `json:"rows_rejected"`
	Deleted     int64     `json:"rows_deleted,omitempty"`
	Checksum    string    `json:"checksum"` // SHA-256 of the loaded rows in load order
	Score       float64   `json:"score"`    // quality score 0–100
	ActorID     string    `json:"actor_id"`
	ActorName   string    `json:"actor_name"`
	OrgID       string    `json:"org_id"`
	CommittedAt time.Time `json:"committed_at"`
}

// Problem is one finding about one row (or the file, Line 1 for the header).
type Problem struct {
	Line      int    `json:"line"`
	Key       string `json:"key,omitempty"`
	Field     string `json:"field,omitempty"`
	Rule      string `json:"rule"`
	Dimension string `json:"dimension"` // completeness|accuracy|consistency|timeliness|availability
	ZH        string `json:"message"`
	EN        string `json:"message_en"`
	Value     string `json:"value,omitempty"` // masked sample
}

// RowRule is a check run on every row. Problems of a rule make the row invalid (not loaded in
// strict mode), unless the rule also implements Advisory() bool returning true.
type RowRule interface {
	Name() string
	Dimension() string
	Check(e *catalog.Entry, rec map[string]string) []Problem
}

// Actor is who a load or access is attributed to.
type Actor struct {
	ID, Name, OrgID string
	ClientIP        string
}

// ActorOf makes the actor of a principal.
func ActorOf(p *authz.Principal, clientIP string) Actor {
	if p == nil {
		return Actor{ID: "system", Name: "system"}
	}
	return Actor{ID: p.UserID, Name: p.Username, OrgID: p.OrgID, ClientIP: clientIP}
}

// Errors.
var (
	ErrRejected = apperr.New(http.StatusUnprocessableEntity, "ingest_rejected",
		"数据未通过校验，未入库；请查看质量报告中逐行列出的问题，修正后重新提交，或选择“仅导入有效行”",
		"the data did not pass validation and nothing was loaded; see the problems listed row by row in the quality report, fix them and resubmit, or choose \"load valid rows, report the rest\"")
	ErrNoData      = apperr.New(http.StatusNotFound, "ingest_no_data", "该目录条目尚无已入库的数据", "this catalog entry holds no loaded data yet")
	ErrNoRecord    = apperr.New(http.StatusNotFound, "ingest_no_record", "未找到该主键对应的记录", "no record has this key")
	ErrNotLoadable = apperr.New(http.StatusConflict, "ingest_not_published", "目录条目尚未发布，不能归集数据", "the catalog entry is not published; data cannot be loaded into it")
	ErrNoKey       = apperr.New(http.StatusConflict, "ingest_no_key", "该目录条目没有主键信息项，不能按主键查询或增量更新", "this catalog entry has no key field; it cannot be read by key or upserted")
	ErrEmpty       = apperr.New(http.StatusUnprocessableEntity, "ingest_empty", "文件中没有数据行", "the input holds no data rows")
	ErrFormat      = apperr.New(http.StatusUnsupportedMediaType, "ingest_format", "不支持的文件格式（支持 CSV、XLSX、JSON Lines）", "unsupported file format (CSV, XLSX and JSON Lines are supported)")
	ErrCancelled   = apperr.New(499, "ingest_cancelled", "导入已取消，未入库任何数据", "the load was cancelled; nothing was loaded")
)

var defaultCalendar = sync.OnceValue(workday.Default)

func (s *Service) calendar() *workday.Calendar {
	if s.Calendar == nil {
		return defaultCalendar()
	}
	return s.Calendar
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

func (s *Service) maxUpload() int64 {
	if s.MaxUpload > 0 {
		return s.MaxUpload
	}
	return DefaultMaxUpload
}

// MaxUploadBytes is the configured upload limit.
func (s *Service) MaxUploadBytes() int64 { return s.maxUpload() }

func (s *Service) batchRows() int {
	if s.BatchRows > 0 {
		return s.BatchRows
	}
	return 1024
}

func (s *Service) maxProblems() int {
	if s.MaxProblems > 0 {
		return s.MaxProblems
	}
	return 100000
}

// entry returns the published entry.
func (s *Service) entry(ctx context.Context, id string) (*catalog.Entry, error) {
	if s.Catalog == nil {
		return nil, apperr.NotFound
	}
	e, err := s.Catalog.Published(ctx, id)
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// EntryByCode resolves a catalog code in a region to its published entry.
func (s *Service) EntryByCode(ctx context.Context, region, code string) (_ *catalog.Entry, err error) {
	defer errs.Wrap(&err, "ingest: EntryByCode")
	if s.Catalog == nil {
		return nil, apperr.NotFound
	}
	e, err := s.Catalog.GetByCode(ctx, region, code)
	if err != nil {
		return nil, err
	}
	return s.entry(ctx, e.ID)
}

func attrsOf(e *catalog.Entry) authz.IngestAttrs {
	return authz.IngestAttrs{EntryID: e.ID, ProviderOrgID: e.ProviderOrgID, SourceOrgID: e.SourceOrgID, RegionCode: e.RegionCode}
}

// logAccess writes a data-access audit record (group-committed, durable on return).
func (s *Service) logAccess(ctx context.Context, act Actor, action, objType, objID string, detail map[string]any) error {
	if s.Audit == nil {
		return nil
	}
	err := s.Audit.Log(ctx, audit.Event{ActorID: act.ID, ActorName: act.Name, OrgID: act.OrgID, Action: action,
		ObjectType: objType, ObjectID: objID, ClientIP: act.ClientIP, Detail: detail})
	if err != nil {
		slog.Error("audit log", "action", action, "err", err)
	}
	return err
}
