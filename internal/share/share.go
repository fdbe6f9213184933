// Package share is inter-agency data sharing (政务数据共享, docs/requirements.md §3, SHR-1 … SHR-12, SEC-2, SEC-4):
// share requests with their legal deadlines on the working-day calendar, decisions by share
// type, minimum grants with credentials, the gateway that serves an entry's data through a grant
// only (field filter, masking, audit, statistics), verification/comparison without revealing
// stored values, the demand and responsibility lists, offline deliveries, use-and-effect reports
// and the usage log pushed to consumers.
//
// One state machine (machine.go) drives every request from filing to expiry; every transition
// is audited in the transaction that makes it. Deadlines come from workday only.
package share

import (
	"context"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/identity"
	"pubdata/internal/ingest"
	"pubdata/internal/mask"
	"pubdata/internal/notify"
	"pubdata/internal/workday"
)

// Catalog is what sharing needs from the catalog: the published version of an entry (an error
// with code catalog.not_published, or not_found, when it is not published).
type Catalog interface {
	Published(ctx context.Context, entryID string) (catalog.Entry, error)
}

// Record is one stored record of an entry's current version (ingest's record type).
type Record = ingest.Record

// DataSource is the read side of aggregated data the gateway serves (implemented by ingest):
// the entry's current version, keyed lookups, filtered pages and a full stream.
type DataSource interface {
	Lookup(ctx context.Context, entryID, key string) (Record, error)
	// LookupAlongside is Lookup reading another table's row in the same statement (the gateway's
	// grant check): sql.ErrNoRows when that row is missing, found = false when the record is.
	LookupAlongside(ctx context.Context, entryID, key string, a ingest.Alongside) (rec Record, found bool, err error)
	Query(ctx context.Context, entryID string, filter map[string]string, limit, offset int) ([]Record, int, error)
	Stream(ctx context.Context, entryID string, fn func(Record) error) error
}

// Limits bound the gateway so that no grant can be used to enumerate stored data (SHR-6,
// SHR-10). Verification values are counted in the database per grant and window; every call
// kind also counts against its grant's call rate and daily quota (limits.go).
type Limits struct {
	MaxBatch  int // values per call
	PerMinute int // values per grant per minute
	PerDay    int // values per grant per calendar day
	MaxPage   int // records per gateway query page
	// Calls per grant, of every kind (调用频率与日配额): the defaults a grant gets at approval and
	// the region's caps an approver may raise them to, with a reason.
	CallsPerMinute, CallsPerDay int
	CapPerMinute, CapPerDay     int
	// Nodes is how many gateway nodes share the load: the per-minute rate is kept on each node,
	// each allowing its share (rate / Nodes). The daily quota is counted in the database.
	Nodes int
	// QuotaChunk is the most calls a node reserves from a daily quota at a time.
	QuotaChunk int
	// Unusual volume alerts the provider's security officer: today's calls reach AlertFactor
	// times the grant's median day (last 28 days), or AlertMinCalls calls are made off hours;
	// never below AlertMinCalls calls.
	AlertFactor, AlertMinCalls int
}

// DefaultLimits are conservative defaults an authority can raise per region.
var DefaultLimits = Limits{MaxBatch: 100, PerMinute: 600, PerDay: 20000, MaxPage: 500,
	CallsPerMinute: 120, CallsPerDay: 10000, CapPerMinute: 6000, CapPerDay: 2000000, Nodes: 1, QuotaChunk: 1000,
	AlertFactor: 10, AlertMinCalls: 100}

// Service runs sharing.
type Service struct {
	DB       *db.DB
	Audit    *audit.Service
	Identity *identity.Service
	Notify   *notify.Service
	Calendar *workday.Calendar
	Catalog  Catalog
	Data     DataSource
	Now      func() time.Time
	// Rules are the masking rules per field kind (SEC-2); per-region settings may replace them.
	Rules  mask.Rules
	Limits Limits
	// Deadlines in working days (NM 23, NM 24 defaults; per-region configuration may change them).
	ForwardDays        int // authority routes a cross-region request (SHR-8)
	DecideDays         int // source agency answers a conditional request (SHR-4)
	DeliverDays        int // sharing completed after the answer (SHR-4)
	DemandReviewDays   int // authority reviews a demand (SHR-7)
	DemandAnswerDays   int // source answers a responsibility-list item (SHR-7)
	DemandCompleteDays int // source completes after answering (SHR-7)
	RemindDays         int // reminders go out this many working days before a deadline
	// Escalations (督办): the authority handles an escalated item, coordination concludes and the
	// expert committee gives its opinions within these many working days.
	EscHandleDays, CoordinateDays, ExpertDays int
	// GrantEndNoticeDays: consumers are told this many working days before a grant ends.
	GrantEndNoticeDays int
	// Use reports (SHR-11): a grant reports every ReportEveryMonths months unless set at approval;
	// each report is due ReportDueDays working days after its period and reminded
	// ReportRemindDays working days before.
	ReportEveryMonths, ReportDueDays, ReportRemindDays int
	// ReportAnswerDays: the provider accepts or questions a submitted report within these many
	// working days (reminded RemindDays before, escalated to the authority when overdue).
	ReportAnswerDays int
	// PlanTTL bounds how long the gateway trusts its cached view of an entry; grant changes are
	// seen on the next call regardless (the grant row is read on every call).
	PlanTTL time.Duration
	// Foreign resolves escalation subjects kept by other packages, by subject type (a disputed
	// supervision notice, SUP-5): the escalation links them and copies nothing.
	Foreign map[string]ForeignSubject
	// Products supplies the products of authorized operation an agency may request (SHR-12).
	Products ProductSource

	gw *gateway
}

// New makes the service.
func New(d *db.DB, a *audit.Service, id *identity.Service, n *notify.Service, cal *workday.Calendar, cat Catalog, data DataSource) *Service {
	return &Service{DB: d, Audit: a, Identity: id, Notify: n, Calendar: cal, Catalog: cat, Data: data, Now: time.Now,
		Rules: mask.DefaultRules(), Limits: DefaultLimits,
		ForwardDays: 5, DecideDays: 5, DeliverDays: 5, DemandReviewDays: 5, DemandAnswerDays: 5, DemandCompleteDays: 7, RemindDays: 1,
		EscHandleDays: 5, CoordinateDays: 10, ExpertDays: 10, GrantEndNoticeDays: 10,
		ReportEveryMonths: 3, ReportDueDays: 10, ReportRemindDays: 5, ReportAnswerDays: 5,
		PlanTTL: 5 * time.Second, gw: newGateway()}
}

// WithClock returns a copy of the service that reads time from now (demo data and tests that
// back-date filings); caches and statistics are shared with the original.
func (s *Service) WithClock(now func() time.Time) *Service {
	c := *s
	c.Now = now
	return &c
}

// Receivers lists the consumer organizations holding a live grant on an entry (the agencies
// that received its data), for objection notices (QUA-3). The key is accepted for the quality
// hook's signature; grants are entry-wide.
func (s *Service) Receivers(ctx context.Context, entryID, key string) (_ []string, err error) {
	defer wrapErr(&err, "receivers of entry %s", entryID)
	rows, err := s.DB.QueryContext(ctx, `SELECT DISTINCT consumer_org_id FROM share_grants
		WHERE entry_id = $1 AND kind = 'data' AND status IN ('active','suspended','pending') ORDER BY consumer_org_id`, entryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var o string
		if err := rows.Scan(&o); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Errors of this package: stable codes, Chinese first, with the HTTP status they map to (plain
// numbers — the domain does not import net/http).
var (
	ErrState        = apperr.New(409, "share.bad_state", "当前状态下不能执行该操作", "this step is not possible in the current state")
	ErrDuplicate    = apperr.New(409, "share.duplicate", "本单位已就同一资源、同一应用场景提交过有效申请；其他用途请另行申请", "your agency already has a live request for this entry and scenario; file a new request for another use")
	ErrOwnData      = apperr.New(422, "share.own_data", "不能申请本单位提供的数据", "an agency does not request its own data")
	ErrGrantExpired = apperr.New(403, "share.grant_expired", "共享授权已到期，请重新申请", "the share grant has expired; file a new request")
	ErrGrantRevoked = apperr.New(403, "share.grant_revoked", "共享授权已被撤销", "the share grant was revoked")
	ErrGrantSusp    = apperr.New(403, "share.grant_suspended", "共享授权已暂停，请联系数据提供部门", "the share grant is suspended; contact the providing agency")
	ErrGrantPending = apperr.New(403, "share.grant_not_delivered", "共享授权尚未交付完成", "the share grant is not delivered yet")
	ErrNeedGrant    = apperr.New(403, "share.grant_required", "共享网关须使用绑定共享授权的访问凭证调用", "the gateway must be called with a credential bound to a share grant")
	ErrModeBulk     = apperr.New(403, "share.mode_not_bulk", "本授权的共享方式不含批量交付（仅库表或文件方式可批量下载）", "this grant's mode does not include bulk delivery (table or file mode only)")
	ErrVerifyOnly   = apperr.New(403, "share.verify_only", "本授权仅可核验比对，不返回数据", "this grant allows verification only; it returns no data")
	ErrEntryGone    = apperr.New(503, "share.entry_unavailable", "数据资源暂时无法读取，请稍后再试", "the catalog entry cannot be read at the moment; try again later")
	ErrVerifyGrant  = apperr.New(403, "share.verify_grant_required", "核验比对须使用核验比对授权；数据共享授权请按键值查询", "verification needs a verification grant; a data grant looks records up instead")
	// A catalog change suspended the grant (see rule.go): the entry was withdrawn, is no longer
	// shared, a granted field went on the negative list, or the mode is no longer offered.
	ErrEntryWithdrawn = apperr.New(403, "share.entry_withdrawn", "数据资源已下线，共享授权已暂停", "the catalog entry was withdrawn; the grant is suspended")
	ErrEntryNotShared = apperr.New(403, "share.entry_not_shared", "数据资源已调整为不予共享，共享授权已暂停；可改为申请核验比对", "the catalog entry is no longer shared; the grant is suspended — request verification instead")
	ErrFieldNotShared = apperr.New(403, "share.field_not_shared", "授权的信息项已列入负面清单或不再提供，共享授权已暂停；可重新申请或改为申请核验比对", "a granted field is on the negative list or no longer offered; the grant is suspended — file a new request or request verification")
	ErrModeNotOffered = apperr.New(403, "share.mode_not_offered", "数据资源不再提供该共享方式，共享授权已暂停，请重新申请", "the entry no longer offers this share mode; the grant is suspended — file a new request")
	ErrTooMany        = apperr.New(429, "share.rate_limited", "核验比对请求超过频率或数量限制，请稍后再试", "verification exceeds the rate or volume limit; try again later")
	ErrRate           = apperr.New(429, "share.rate_limited", "调用过于频繁，超过本授权的调用频率限制，请稍后再试", "calls exceed this grant's rate limit; try again later")
	ErrQuota          = apperr.New(429, "share.quota_exceeded", "本授权今日的调用次数已用完，请明日再试或联系数据提供部门调整", "this grant's daily call quota is used up; try again tomorrow or ask the providing agency")
	ErrNeedFilter     = apperr.New(403, "share.filter_required", "接口方式的授权只能按键值查询或按可筛选的信息项筛选，不能列出全部记录", "an API grant answers keyed lookups and filtered queries only; it cannot list every record")
)

// today is the calendar date of now (Asia/Shanghai).
func (s *Service) today() string { return workday.Format(s.Now()) }

// addWorkdays is the due date n working days after t, as YYYY-MM-DD.
func (s *Service) addWorkdays(t time.Time, n int) string {
	return workday.Format(s.Calendar.AddWorkdays(t, n))
}

// remaining returns the working days left before due and whether it is overdue.
func (s *Service) remaining(due string) (int, bool) {
	if due == "" {
		return 0, false
	}
	d, err := workday.Parse(due)
	if err != nil {
		return 0, false
	}
	now := s.Now()
	return s.Calendar.Remaining(d, now), workday.Overdue(d, now)
}
