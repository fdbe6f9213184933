package supervise

// The supervision dashboard (监管驾驶舱, SUP-7): read-only figures computed from the platform's
// own records — data volume and growth, freshness, quality, sharing and opening activity,
// deadlines at risk, sanctions, incidents, backups and restore drills — for a region (the
// authority, auditors and oversight bodies) or for one organization (its workbench). This file
// is the one place these queries live: every count is defined by a set (a table and its
// condition), and the drill-down page lists the very rows a count counted.

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/workday"
)

// Scope is whose figures: a region (and below) or one organization.
type Scope struct {
	Region string `json:"region"`
	OrgID  string `json:"org_id,omitempty"`
}

// ScopeOf is the scope a caller may see by default: an agency's staff their organization, the
// authority, auditors and oversight bodies their region; org narrows a regional view to one
// organization of that region. The one authorization decision is authz.Dashboard.
func (s *Service) ScopeOf(ctx context.Context, p *authz.Principal, org string) (_ Scope, err error) {
	defer errs.Wrap(&err, "supervise: ScopeOf")
	sc := Scope{Region: p.RegionCode}
	regional := p.IsAuthority() || p.Has(authz.Auditor, authz.Oversight)
	if !regional {
		sc.OrgID = p.OrgID
	}
	if org != "" && org != sc.OrgID {
		var region string
		if err := s.DB.QueryRowContext(ctx, "SELECT region_code FROM orgs WHERE id = $1", org).Scan(&region); err != nil {
			if db.IsNoRows(err) {
				return sc, apperr.Hidden
			}
			return sc, err
		}
		sc = Scope{Region: region, OrgID: org}
	}
	if err := authz.Dashboard(p, authz.Read, authz.DashboardAttrs{Region: sc.Region, OrgID: sc.OrgID}); err != nil {
		if org != "" && p.Authenticated() {
			return sc, apperr.Hidden // another region's organization: as if it did not exist
		}
		return sc, err
	}
	return sc, nil
}

// set is a kind of item a figure counts: the table (alias t), the condition, and the columns
// that place an item in an organization, a region, a month and a deadline.
type set struct {
	from   string
	where  string
	org    string // the organization column
	region string // the region column ("" → the organization's region)
	at     string // Unix ms of the item's month
	due    string // YYYY-MM-DD deadline ("" none)
	state  string // the state column ("" none)
	live   string // the condition of items still open (deadlines at risk)
	id     string
	name   string
	href   string // the item's page, %s the id
	// orgCond, when set, places an item in an organization instead of org = ? (its ? each take
	// the organization id).
	orgCond string
	day     string // YYYY-MM-DD column of the item's day ("" none)
	value   string // the column a figure sums ("" → the figure counts items)
}

// Set names, used in drill-down links (/supervise/dashboard/items?set=…).
const (
	SetEntries   = "entries"   // published catalog entries
	SetLoads     = "loads"     // committed data loads (growth)
	SetLate      = "late"      // entries late on their updates, not yet resolved
	SetRequests  = "requests"  // share requests (state filter)
	SetShareDue  = "share_due" // share requests waiting on a deadline
	SetTasksDue  = "tasks_due" // quality correction tasks open
	SetReviewDue = "review_due"
	SetSanctions = "sanctions" // rectification orders (state filter)
	SetIncidents = "incidents" // security incidents (state filter)
	SetCalls     = "calls"     // share-gateway calls: a grant's calls on a day (value: calls)
	// SetOverdue is not a table: the items of OverdueSets past their deadline and still open
	// (filter Overdue), each listed under its own kind.
	SetOverdue = "overdue"
)

// OverdueSets are the kinds of item whose missed deadlines the overdue figure counts.
var OverdueSets = []string{SetShareDue, SetTasksDue, SetReviewDue, SetLate}

var sets = map[string]set{
	SetEntries: {from: "catalog_entries t", where: "t.live = 1", org: "t.provider_org_id", region: "t.region_code", at: "t.published_at",
		id: "t.id", name: "t.name", href: "/catalog/entries/%s"},
	SetLoads: {from: "ingest_loads t", where: "t.status = 'committed'", org: "t.org_id", at: "t.finished_at",
		id: "t.id", name: "(SELECT e.name FROM catalog_entries e WHERE e.id = t.entry_id)", href: "/ingest/loads/%s"},
	SetLate: {from: "ingest_late t", where: "t.resolved_at = 0", org: "t.org_id", region: "t.region_code", at: "t.flagged_at", due: "t.due_day",
		id: "t.entry_id", name: "(SELECT e.name FROM catalog_entries e WHERE e.id = t.entry_id)", href: "/ingest/entries/%s"},
	SetRequests: {from: "share_requests t", where: "1 = 1", org: "t.provider_org_id", region: "t.entry_region", at: "t.submitted_at", state: "t.state",
		due: "t.due_date", id: "t.id", name: "t.entry_name", href: "/share/requests/%s"},
	SetShareDue: {from: "share_requests t", where: "t.state IN ('routing', 'pending', 'approved') AND t.due_date <> ''", org: "t.provider_org_id",
		region: "t.entry_region", at: "t.submitted_at", due: "t.due_date", id: "t.id", name: "t.entry_name", href: "/share/requests/%s"},
	SetTasksDue: {from: "quality_tasks t", where: "t.state IN ('open', 'overdue', 'escalated')", org: "t.org_id", region: "t.region_code",
		at: "t.created_at", due: "t.due", state: "t.state", id: "t.id", name: "t.entry_name", href: "/quality/tasks/%s"},
	SetReviewDue: {from: "catalog_entries t", where: "t.status IN ('submitted', 'withdrawing') AND t.review_due <> ''", org: "t.provider_org_id",
		region: "t.region_code", at: "t.submitted_at", due: "t.review_due", id: "t.id", name: "t.name", href: "/catalog/entries/%s"},
	SetSanctions: {from: "sanctions t", where: "1 = 1", org: "t.subject_id", region: "t.region_code", at: "t.issued_at", due: "t.deadline",
		state: "t.state", live: "t.state IN ('open', 'reported')", id: "t.id", name: "t.subject_name", href: "/sanctions/%s"},
	SetCalls: {from: "share_stats t", where: "1 = 1", org: "t.org_id", at: "t.last_at", day: "t.day", value: "t.calls",
		orgCond: "(t.org_id = ? OR t.grant_id IN (SELECT g.id FROM share_grants g JOIN share_requests r ON r.id = g.request_id WHERE r.provider_org_id = ?))",
		id:      "t.grant_id", name: "(SELECT g.entry_name FROM share_grants g WHERE g.id = t.grant_id)", href: "/share/grants/%s"},
	SetIncidents: {from: "security_records t", where: "t.kind = 'incident'", org: "''", region: "t.region_code", at: "t.created_at",
		due: "t.due", state: "t.state", live: "t.state = 'open'", id: "t.id", name: "t.title", href: "/security?kind=incident"},
}

// Filter narrows a set for a figure or its drill-down.
type Filter struct {
	Set    string `json:"set"`
	OrgID  string `json:"org,omitempty"`
	Region string `json:"region,omitempty"` // exactly this region
	Month  string `json:"month,omitempty"`  // YYYY-MM
	State  string `json:"state,omitempty"`
	Risk   bool   `json:"risk,omitempty"` // due within RiskDays working days, or overdue
	Open   bool   `json:"open,omitempty"` // still open, with a deadline
	// Overdue: past the deadline (before today) and still open; DueMonth (YYYY-MM): the deadline
	// fell in that month.
	Overdue  bool   `json:"overdue,omitempty"`
	DueMonth string `json:"due_month,omitempty"`
	Day      string `json:"day,omitempty"` // YYYY-MM-DD, sets with a day
}

// RiskDays is how near a deadline must be to count as at risk (working days).
const RiskDays = 2

// ErrNoSet answers a drill-down of an unknown kind of item.
var ErrNoSet = apperr.New(http.StatusNotFound, "dashboard_no_set", "没有这一类事项", "there is no such kind of item")

type sqlb struct {
	where []string
	args  []any
}

func (q *sqlb) add(cond string, args ...any) {
	for _, a := range args {
		q.args = append(q.args, a)
		cond = strings.Replace(cond, "?", fmt.Sprintf("$%d", len(q.args)), 1)
	}
	q.where = append(q.where, cond)
}

func (q *sqlb) sql() string { return strings.Join(q.where, " AND ") }

// regionLike is the LIKE pattern of a region and the regions under it (GB/T 2260).
func regionLike(r string) string {
	switch {
	case len(r) != 6:
		return r
	case r[2:] == "0000":
		return r[:2] + "%"
	case r[4:] == "00":
		return r[:4] + "%"
	}
	return r
}

func (st set) regionCol() string {
	if st.region != "" {
		return st.region
	}
	return "(SELECT o.region_code FROM orgs o WHERE o.id = " + st.org + ")"
}

// scoped is the condition of a set within a scope and a filter.
func (s *Service) scoped(st set, sc Scope, f Filter) (*sqlb, error) {
	q := &sqlb{}
	q.add(st.where)
	if sc.OrgID != "" && st.orgCond != "" {
		q.add(st.orgCond, sc.OrgID, sc.OrgID)
	} else if sc.OrgID != "" {
		q.add(st.org+" = ?", sc.OrgID)
	} else {
		q.add(st.regionCol()+" LIKE ?", regionLike(sc.Region))
	}
	if f.OrgID != "" {
		q.add(st.org+" = ?", f.OrgID)
	}
	if f.Region != "" {
		q.add(st.regionCol()+" = ?", f.Region)
	}
	if f.Month != "" {
		from, err := time.ParseInLocation("2006-01", f.Month, workday.Location)
		if err != nil {
			return nil, apperr.Invalid.With(apperr.Field("month", "月份格式应为 YYYY-MM", "the month is written YYYY-MM"))
		}
		q.add(st.at+" >= ? AND "+st.at+" < ?", db.Millis(from), db.Millis(from.AddDate(0, 1, 0)))
	}
	if f.State != "" {
		if st.state == "" {
			return nil, apperr.BadRequest
		}
		q.add(st.state+" = ?", f.State)
	}
	if f.Open {
		if st.due == "" {
			return nil, apperr.BadRequest
		}
		q.add(st.due + " <> ''")
		if st.live != "" {
			q.add(st.live)
		}
	}
	if f.Day != "" {
		if _, err := workday.Parse(f.Day); err != nil || st.day == "" {
			return nil, apperr.Invalid.With(apperr.Field("day", "日期格式应为 YYYY-MM-DD", "the day is written YYYY-MM-DD"))
		}
		q.add(st.day+" = ?", f.Day)
	}
	if f.Overdue || f.DueMonth != "" {
		if st.due == "" {
			return nil, apperr.BadRequest
		}
	}
	if f.Overdue {
		q.add(st.due+" <> '' AND "+st.due+" < ?", workday.Format(s.Now()))
		if st.live != "" {
			q.add(st.live)
		}
	}
	if f.DueMonth != "" {
		if _, err := time.Parse("2006-01", f.DueMonth); err != nil {
			return nil, apperr.Invalid.With(apperr.Field("due_month", "月份格式应为 YYYY-MM", "the month is written YYYY-MM"))
		}
		q.add(st.due+" >= ? AND "+st.due+" <= ?", f.DueMonth+"-01", f.DueMonth+"-99")
	}
	if f.Risk {
		if st.due == "" {
			return nil, apperr.BadRequest
		}
		q.add(st.due+" <> '' AND "+st.due+" <= ?", s.riskDay())
		if st.live != "" {
			q.add(st.live)
		}
	}
	return q, nil
}

// riskDay is the last deadline day that counts as at risk today.
func (s *Service) riskDay() string {
	return workday.Format(s.Calendar.AddWorkdays(s.Now(), RiskDays))
}

func (s *Service) count(ctx context.Context, sc Scope, f Filter) (int, error) {
	st, ok := sets[f.Set]
	if !ok {
		return 0, ErrNoSet
	}
	q, err := s.scoped(st, sc, f)
	if err != nil {
		return 0, err
	}
	var n int
	err = s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+st.from+" WHERE "+q.sql(), q.args...).Scan(&n)
	return n, err
}

// Item is one row behind a figure.
type Item struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	OrgID   string   `json:"org_id,omitempty"`
	At      db.Stamp `json:"at"`
	Due     string   `json:"due,omitempty"`
	State   string   `json:"state,omitempty"`
	Href    string   `json:"href"`
	Left    int      `json:"remaining_workdays"`
	Overdue bool     `json:"overdue"`
	Set     string   `json:"set,omitempty"` // the kind of item (Pending, the overdue list)
	N       int64    `json:"n,omitempty"`   // the item's part of a summed figure (calls)
}

// Items lists the rows a figure counted, by deadline (or newest first), paged.
func (s *Service) Items(ctx context.Context, sc Scope, f Filter, limit, offset int) (_ []Item, _ int, err error) {
	defer errs.Wrap(&err, "supervise: Items")
	if f.Set == SetOverdue {
		return s.overdueItems(ctx, sc, f, limit, offset)
	}
	st, ok := sets[f.Set]
	if !ok {
		return nil, 0, ErrNoSet
	}
	total, err := s.count(ctx, sc, f)
	if err != nil {
		return nil, 0, err
	}
	q, _ := s.scoped(st, sc, f)
	limit = min(max(limit, 1), 200)
	due, state, value, order := "''", "''", "0", st.at+" DESC, "+st.id
	if st.due != "" {
		due, order = st.due, st.due+", "+st.id
	}
	if st.state != "" {
		state = st.state
	}
	if st.value != "" {
		value = st.value
	}
	rows, err := s.DB.QueryContext(ctx, fmt.Sprintf("SELECT %s, COALESCE(%s, ''), %s, %s, %s, %s, %s FROM %s WHERE %s ORDER BY %s LIMIT %d OFFSET %d",
		st.id, st.name, st.org, st.at, due, state, value, st.from, q.sql(), order, limit, max(offset, 0)), q.args...)
	items, err := db.ScanAll(rows, err, func(r interface{ Scan(...any) error }) (Item, error) {
		var it Item
		err := r.Scan(&it.ID, &it.Name, &it.OrgID, &it.At, &it.Due, &it.State, &it.N)
		it.Href = st.href
		if strings.Contains(st.href, "%s") {
			it.Href = fmt.Sprintf(st.href, it.ID)
		}
		if d, perr := workday.Parse(it.Due); perr == nil && it.Due != "" {
			it.Left, it.Overdue = s.Calendar.Remaining(d, s.Now()), workday.Overdue(d, s.Now())
		}
		return it, err
	})
	return items, total, err
}

// overdueItems lists the items the overdue figure counts: those of every OverdueSets kind past
// their deadline and still open (in a month, with DueMonth), by deadline, each marked with its
// kind. At most 200 of each kind are gathered before paging.
func (s *Service) overdueItems(ctx context.Context, sc Scope, f Filter, limit, offset int) ([]Item, int, error) {
	var all []Item
	total := 0
	for _, k := range OverdueSets {
		g := f
		g.Set, g.Overdue = k, true
		items, n, err := s.Items(ctx, sc, g, 200, 0)
		if err != nil {
			return nil, 0, err
		}
		for i := range items {
			items[i].Set = k
		}
		all, total = append(all, items...), total+n
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Due < all[j].Due })
	limit = min(max(limit, 1), 200)
	offset = min(max(offset, 0), len(all))
	return all[offset:min(offset+limit, len(all))], total, nil
}

// Count is one figure by a key (an organization, a region, a state).
type Count struct {
	Key    string  `json:"key"`
	Name   string  `json:"name"`
	NameEN string  `json:"name_en,omitempty"`
	N      float64 `json:"n"`
}

// Months are the last n months to now, oldest first, as YYYY-MM.
func (s *Service) Months(n int) []string {
	now := workday.Date(s.Now())
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, workday.Location)
	out := make([]string, n)
	for i := range n {
		out[i] = first.AddDate(0, i-n+1, 0).Format("2006-01")
	}
	return out
}

// byMonth counts a set per month (value: COUNT, or a column to sum).
func (s *Service) byMonth(ctx context.Context, sc Scope, f Filter, months []string, value string) ([]float64, error) {
	st := sets[f.Set]
	q, err := s.scoped(st, sc, f)
	if err != nil {
		return nil, err
	}
	if value == "" {
		value = "1"
	}
	var cols []string
	for _, m := range months {
		from, _ := time.ParseInLocation("2006-01", m, workday.Location)
		n := len(q.args)
		q.args = append(q.args, db.Millis(from), db.Millis(from.AddDate(0, 1, 0)))
		cols = append(cols, fmt.Sprintf("COALESCE(SUM(CASE WHEN %s >= $%d AND %s < $%d THEN %s ELSE 0 END), 0)", st.at, n+1, st.at, n+2, value))
	}
	out := make([]float64, len(months))
	ptrs := make([]any, len(months))
	for i := range out {
		ptrs[i] = &out[i]
	}
	err = s.DB.QueryRowContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+st.from+" WHERE "+q.sql(), q.args...).Scan(ptrs...)
	return out, err
}

// byGroup counts a set per organization ("org"), region ("region") or state ("state"),
// largest first, at most limit groups.
func (s *Service) byGroup(ctx context.Context, sc Scope, f Filter, group string, limit int) ([]Count, error) {
	st := sets[f.Set]
	q, err := s.scoped(st, sc, f)
	if err != nil {
		return nil, err
	}
	key, names := st.org, "LEFT JOIN orgs n ON n.id = g.k"
	switch group {
	case "region":
		key, names = st.regionCol(), "LEFT JOIN regions n ON n.code = g.k"
	case "state":
		key, names = st.state, ""
	}
	nameCols := "'', ''"
	if names != "" {
		nameCols = "COALESCE(n.name, ''), COALESCE(n.name_en, '')"
	}
	query := fmt.Sprintf("SELECT g.k, %s, g.n FROM (SELECT %s AS k, COUNT(*) AS n FROM %s WHERE %s GROUP BY 1) g %s ORDER BY g.n DESC, g.k LIMIT %d",
		nameCols, key, st.from, q.sql(), names, limit)
	rows, err := s.DB.QueryContext(ctx, query, q.args...)
	return db.ScanAll(rows, err, func(r interface{ Scan(...any) error }) (Count, error) {
		var c Count
		return c, r.Scan(&c.Key, &c.Name, &c.NameEN, &c.N)
	})
}

// Board is the figures of a scope.
type Board struct {
	Scope  Scope    `json:"scope"`
	Months []string `json:"months"`
	Days   []string `json:"days"`

	Entries  int     `json:"entries"`
	Agencies int     `json:"agencies"`
	Rows     int64   `json:"rows"`
	Late     int     `json:"late"`
	Quality  float64 `json:"quality"` // average of the organizations' latest scores

	EntriesByMonth []float64 `json:"entries_by_month"`
	RowsByMonth    []float64 `json:"rows_by_month"` // rows loaded (growth)
	LateByMonth    []float64 `json:"late_by_month"`
	EntriesByOrg   []Count   `json:"entries_by_org"`
	EntriesByReg   []Count   `json:"entries_by_region"`
	LateByOrg      []Count   `json:"late_by_org"`
	QualityByOrg   []Count   `json:"quality_by_org"`
	FreshByOrg     []Count   `json:"fresh_by_org"` // share of an organization's entries with data that are on time (%)

	RequestStates []string             `json:"request_states"`
	Requests      map[string][]float64 `json:"requests"` // state → per month
	CallsByDay    []float64            `json:"calls_by_day"`
	DeniedByDay   []float64            `json:"denied_by_day"`
	Downloads     []float64            `json:"open_downloads_by_month"`
	OpenCalls     []float64            `json:"open_calls_by_month"`

	AtRisk        map[string]int `json:"at_risk"` // set → items due within RiskDays or overdue
	Overdue       []float64      `json:"overdue_by_month"`
	Sanctions     []Count        `json:"sanctions"` // by state
	Incidents     int            `json:"incidents_open"`
	IncidentMonth []float64      `json:"incidents_by_month"`

	LastBackup *BackupFact `json:"last_backup,omitempty"`
	LastDrill  *DrillFact  `json:"last_drill,omitempty"`
}

// BackupFact is the newest backup.
type BackupFact struct {
	At    db.Stamp `json:"at"`
	State string   `json:"state"`
	Size  int64    `json:"size"`
}

// DrillFact is the newest restore drill with its measured recovery point and time.
type DrillFact struct {
	At  db.Stamp      `json:"at"`
	OK  bool          `json:"ok"`
	RPO time.Duration `json:"rpo_ns"`
	RTO time.Duration `json:"rto_ns"`
}

// RiskSets are the deadlines the dashboard watches.
var RiskSets = []string{SetShareDue, SetTasksDue, SetReviewDue, SetSanctions, SetIncidents, SetLate}

// Dashboard computes the figures of a scope (ScopeOf decides it) over the last months.
func (s *Service) Dashboard(ctx context.Context, sc Scope, months int) (_ *Board, err error) {
	defer errs.Wrap(&err, "supervise: Dashboard")
	b := &Board{Scope: sc, Months: s.Months(months), Requests: map[string][]float64{}, AtRisk: map[string]int{}}
	one := func(f func() error) {
		if err == nil {
			err = f()
		}
	}
	one(func() error { b.Entries, err = s.count(ctx, sc, Filter{Set: SetEntries}); return err })
	one(func() error { b.Late, err = s.count(ctx, sc, Filter{Set: SetLate}); return err })
	one(func() error {
		b.EntriesByMonth, err = s.byMonth(ctx, sc, Filter{Set: SetEntries}, b.Months, "")
		return err
	})
	one(func() error {
		b.RowsByMonth, err = s.byMonth(ctx, sc, Filter{Set: SetLoads}, b.Months, "t.rows_loaded")
		return err
	})
	one(func() error { b.LateByMonth, err = s.byMonth(ctx, sc, Filter{Set: SetLate}, b.Months, ""); return err })
	one(func() error { b.EntriesByOrg, err = s.byGroup(ctx, sc, Filter{Set: SetEntries}, "org", 15); return err })
	one(func() error {
		b.EntriesByReg, err = s.byGroup(ctx, sc, Filter{Set: SetEntries}, "region", 15)
		return err
	})
	one(func() error { b.LateByOrg, err = s.byGroup(ctx, sc, Filter{Set: SetLate}, "org", 15); return err })
	one(func() error {
		st := sets[SetEntries]
		q, _ := s.scoped(st, sc, Filter{})
		return s.DB.QueryRowContext(ctx, "SELECT COUNT(DISTINCT "+st.org+") FROM "+st.from+" WHERE "+q.sql(), q.args...).Scan(&b.Agencies)
	})
	one(func() error { return s.volume(ctx, sc, b) })
	one(func() error { return s.quality(ctx, sc, b) })
	one(func() error {
		states, err := s.byGroup(ctx, sc, Filter{Set: SetRequests}, "state", 20)
		for _, c := range states {
			b.RequestStates = append(b.RequestStates, c.Key)
			if b.Requests[c.Key], err = s.byMonth(ctx, sc, Filter{Set: SetRequests, State: c.Key}, b.Months, ""); err != nil {
				return err
			}
		}
		return err
	})
	one(func() error { return s.calls(ctx, sc, b) })
	one(func() error {
		for _, k := range RiskSets {
			if b.AtRisk[k], err = s.count(ctx, sc, Filter{Set: k, Risk: true}); err != nil {
				return err
			}
		}
		return nil
	})
	one(func() error { return s.overdue(ctx, sc, b) })
	one(func() error {
		b.Sanctions, err = s.byGroup(ctx, sc, Filter{Set: SetSanctions}, "state", 10)
		return err
	})
	one(func() error {
		b.Incidents, err = s.count(ctx, sc, Filter{Set: SetIncidents, State: "open"})
		return err
	})
	one(func() error {
		b.IncidentMonth, err = s.byMonth(ctx, sc, Filter{Set: SetIncidents}, b.Months, "")
		return err
	})
	one(func() error { return s.backups(ctx, b) })
	return b, err
}

// volume: rows held (the current versions of the entries' data).
func (s *Service) volume(ctx context.Context, sc Scope, b *Board) error {
	st := set{from: "ingest_tables t", where: "t.current_version > 0", org: "t.org_id", region: "t.region_code"}
	q, _ := s.scoped(st, sc, Filter{})
	return s.DB.QueryRowContext(ctx, "SELECT COALESCE(SUM(t.row_count), 0) FROM ingest_tables t WHERE "+q.sql(), q.args...).Scan(&b.Rows)
}

// quality: each organization's latest score, and freshness: the share of its entries with
// data that are not late.
func (s *Service) quality(ctx context.Context, sc Scope, b *Board) error {
	st := set{from: "quality_org_scores t", where: "t.at = (SELECT MAX(q2.at) FROM quality_org_scores q2 WHERE q2.org_id = t.org_id)", org: "t.org_id"}
	q, _ := s.scoped(st, sc, Filter{})
	rows, err := s.DB.QueryContext(ctx, "SELECT t.org_id, COALESCE(n.name, ''), COALESCE(n.name_en, ''), MAX(t.total) FROM quality_org_scores t LEFT JOIN orgs n ON n.id = t.org_id WHERE "+
		q.sql()+" GROUP BY t.org_id, n.name, n.name_en ORDER BY 4, 1 LIMIT 15", q.args...)
	b.QualityByOrg, err = db.ScanAll(rows, err, func(r interface{ Scan(...any) error }) (Count, error) {
		var c Count
		err := r.Scan(&c.Key, &c.Name, &c.NameEN, &c.N)
		if c.N <= 1 { // scores kept as fractions show as percentages
			c.N *= 100
		}
		return c, err
	})
	if err != nil {
		return err
	}
	// An agency with catalog entries but no data yet has no score row: it appears with its 0
	// (the quality overview's rule), first among the lowest.
	nd := set{from: "catalog_entries t", where: "t.live = 1 AND NOT EXISTS (SELECT 1 FROM quality_org_scores q2 WHERE q2.org_id = t.provider_org_id)", org: "t.provider_org_id"}
	q, _ = s.scoped(nd, sc, Filter{})
	rows, err = s.DB.QueryContext(ctx, "SELECT DISTINCT t.provider_org_id, COALESCE(n.name, ''), COALESCE(n.name_en, '') FROM catalog_entries t LEFT JOIN orgs n ON n.id = t.provider_org_id WHERE "+
		q.sql()+" ORDER BY 1 LIMIT 15", q.args...)
	zeros, err := db.ScanAll(rows, err, func(r interface{ Scan(...any) error }) (Count, error) {
		var c Count
		return c, r.Scan(&c.Key, &c.Name, &c.NameEN)
	})
	if err != nil {
		return err
	}
	if len(zeros) > 0 {
		b.QualityByOrg = append(zeros, b.QualityByOrg...)
		if len(b.QualityByOrg) > 15 {
			b.QualityByOrg = b.QualityByOrg[:15]
		}
	}
	sum := 0.0
	for _, c := range b.QualityByOrg {
		sum += c.N
	}
	if len(b.QualityByOrg) > 0 {
		b.Quality = float64(int(sum/float64(len(b.QualityByOrg))*10+0.5)) / 10
	}
	tables := set{from: "ingest_tables t", where: "t.current_version > 0", org: "t.org_id", region: "t.region_code"}
	q, _ = s.scoped(tables, sc, Filter{})
	rows, err = s.DB.QueryContext(ctx, `SELECT t.org_id, COALESCE(n.name, ''), COALESCE(n.name_en, ''), COUNT(*),
		SUM(CASE WHEN EXISTS (SELECT 1 FROM ingest_late l WHERE l.entry_id = t.entry_id AND l.resolved_at = 0) THEN 1 ELSE 0 END)
		FROM ingest_tables t LEFT JOIN orgs n ON n.id = t.org_id WHERE `+q.sql()+" GROUP BY t.org_id, n.name, n.name_en ORDER BY 1 LIMIT 15", q.args...)
	b.FreshByOrg, err = db.ScanAll(rows, err, func(r interface{ Scan(...any) error }) (Count, error) {
		var c Count
		var all, late float64
		err := r.Scan(&c.Key, &c.Name, &c.NameEN, &all, &late)
		if all > 0 {
			c.N = float64(int((all-late)/all*1000+0.5)) / 10
		}
		return c, err
	})
	return err
}

// calls: share-gateway calls per day over the last 30 days (of the consumer organizations in
// scope), and open-data downloads and calls per month (of the entries in scope).
func (s *Service) calls(ctx context.Context, sc Scope, b *Board) error {
	today := workday.Date(s.Now())
	for i := 29; i >= 0; i-- {
		b.Days = append(b.Days, workday.Format(today.AddDate(0, 0, -i)))
	}
	q, err := s.scoped(sets[SetCalls], sc, Filter{Set: SetCalls})
	if err != nil {
		return err
	}
	q.add("t.day >= ?", b.Days[0])
	rows, err := s.DB.QueryContext(ctx, "SELECT t.day, SUM(t.calls), SUM(t.denied) FROM share_stats t WHERE "+q.sql()+" GROUP BY t.day", q.args...)
	if err != nil {
		return err
	}
	calls, denied := map[string]float64{}, map[string]float64{}
	for rows.Next() {
		var d string
		var c, x float64
		if err := rows.Scan(&d, &c, &x); err != nil {
			rows.Close()
			return err
		}
		calls[d], denied[d] = c, x
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, d := range b.Days {
		b.CallsByDay = append(b.CallsByDay, calls[d])
		b.DeniedByDay = append(b.DeniedByDay, denied[d])
	}
	es := sets[SetEntries]
	eq, _ := s.scoped(set{from: es.from, where: "1 = 1", org: es.org, region: es.region}, sc, Filter{})
	eq.add("t.id = u.entry_id")
	rows, err = s.DB.QueryContext(ctx, "SELECT u.month, SUM(u.downloads), SUM(u.calls) FROM open_usage u WHERE EXISTS (SELECT 1 FROM catalog_entries t WHERE "+eq.sql()+") GROUP BY u.month", eq.args...)
	if err != nil {
		return err
	}
	dl, oc := map[string]float64{}, map[string]float64{}
	for rows.Next() {
		var m string
		var d, c float64
		if err := rows.Scan(&m, &d, &c); err != nil {
			rows.Close()
			return err
		}
		dl[m], oc[m] = d, c
	}
	rows.Close()
	for _, m := range b.Months {
		b.Downloads = append(b.Downloads, dl[m])
		b.OpenCalls = append(b.OpenCalls, oc[m])
	}
	return rows.Err()
}

// overdue: per month, the items whose deadline fell in that month and are still open past it
// (share requests, correction tasks, catalog reviews, late updates).
func (s *Service) overdue(ctx context.Context, sc Scope, b *Board) error {
	b.Overdue = make([]float64, len(b.Months))
	for _, k := range OverdueSets {
		st := sets[k]
		q, err := s.scoped(st, sc, Filter{Set: k, Overdue: true})
		if err != nil {
			return err
		}
		var cols []string
		for _, m := range b.Months {
			n := len(q.args)
			q.args = append(q.args, m+"-01", m+"-99")
			cols = append(cols, fmt.Sprintf("COALESCE(SUM(CASE WHEN %s >= $%d AND %s <= $%d THEN 1 ELSE 0 END), 0)", st.due, n+1, st.due, n+2))
		}
		vals := make([]float64, len(b.Months))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := s.DB.QueryRowContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+st.from+" WHERE "+q.sql(), q.args...).Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			b.Overdue[i] += v
		}
	}
	return nil
}

// backups: the newest backup and restore drill (platform-wide: one database).
func (s *Service) backups(ctx context.Context, b *Board) error {
	var bf BackupFact
	err := s.DB.QueryRowContext(ctx, "SELECT created_at, state, size FROM backups ORDER BY created_at DESC LIMIT 1").Scan(&bf.At, &bf.State, &bf.Size)
	switch {
	case err == nil:
		b.LastBackup = &bf
	case !db.IsNoRows(err):
		return err
	}
	var df DrillFact
	var ok int
	var rpo, rto int64
	err = s.DB.QueryRowContext(ctx, "SELECT started_at, ok, rpo_ms, rto_ms FROM backup_drills ORDER BY started_at DESC LIMIT 1").Scan(&df.At, &ok, &rpo, &rto)
	switch {
	case err == nil:
		df.OK, df.RPO, df.RTO = ok == 1, time.Duration(rpo)*time.Millisecond, time.Duration(rto)*time.Millisecond
		b.LastDrill = &df
	case !db.IsNoRows(err):
		return err
	}
	return nil
}

// PublicFacts are the public home page's counts (everyone may read them).
type PublicFacts struct {
	Entries  int   `json:"entries"`
	Agencies int   `json:"agencies"`
	Calls    int64 `json:"calls"` // share-gateway calls and open-data calls served, all time
	Recent   []Item
}

// Public computes the home page's counts and its recent updates (published entries).
func (s *Service) Public(ctx context.Context, recent int) (_ PublicFacts, err error) {
	defer errs.Wrap(&err, "supervise: Public")
	var f PublicFacts
	err = s.DB.QueryRowContext(ctx, "SELECT COUNT(*), COUNT(DISTINCT provider_org_id) FROM catalog_entries WHERE live = 1").Scan(&f.Entries, &f.Agencies)
	if err != nil {
		return f, err
	}
	var a, o int64
	if err := s.DB.QueryRowContext(ctx, "SELECT COALESCE(SUM(calls), 0) FROM share_stats").Scan(&a); err != nil {
		return f, err
	}
	if err := s.DB.QueryRowContext(ctx, "SELECT COALESCE(SUM(calls), 0) FROM open_usage").Scan(&o); err != nil {
		return f, err
	}
	f.Calls = a + o
	rows, err := s.DB.QueryContext(ctx, fmt.Sprintf("SELECT id, name, provider_org_id, published_at FROM catalog_entries WHERE live = 1 ORDER BY published_at DESC, id LIMIT %d", min(max(recent, 1), 20)))
	f.Recent, err = db.ScanAll(rows, err, func(r interface{ Scan(...any) error }) (Item, error) {
		var it Item
		err := r.Scan(&it.ID, &it.Name, &it.OrgID, &it.At)
		it.Href = "/catalog/entries/" + it.ID
		return it, err
	})
	return f, err
}

// Pending lists the open items with a deadline of the given sets in a scope, nearest deadline
// first (a workbench's to-do list), at most limit, and how many there are in all.
func (s *Service) Pending(ctx context.Context, sc Scope, kinds []string, limit int) (_ []Item, _ int, err error) {
	defer errs.Wrap(&err, "supervise: Pending")
	var all []Item
	total := 0
	for _, k := range kinds {
		items, n, err := s.Items(ctx, sc, Filter{Set: k, Open: true}, limit, 0)
		if err != nil {
			return nil, 0, err
		}
		for i := range items {
			items[i].Set = k
		}
		all, total = append(all, items...), total+n
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Due < all[j].Due })
	return all[:min(len(all), limit)], total, nil
}
