// Package openplan is the planning and feedback side of opening (OPN-1, OPN-6, OPN-7):
//
//   - annual open plans (年度开放计划) per authority and agency: planned entries with priority,
//     livelihood flag, target open type and date; progress is computed from the catalog (the
//     published open type now) and the harvest identities (when it first opened), never typed in;
//   - periodic reviews of entries not open (不予开放数据定期评估): keep (with reason), or open
//     conditionally or unconditionally — which submits a catalog revision with the new open type
//     (the tracked change the authority reviews; once approved the dataset opens and harvesters
//     see it in the Atom feeds);
//   - public requests for data not yet open (开放需求): anyone files, the responsible agency
//     answers by a working-day due day (escalated once when late), requests and answers are
//     shown publicly;
//   - the reuse showcase (开发利用成果): reusers submit apps and research built on open data, the
//     authority moderates, published items are linked from the dataset pages.
//
// Auditors and oversight bodies read every plan, review and request (authz.Open Read) and change
// nothing. Every change is audited in its transaction.
package openplan

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/identity"
	"pubdata/internal/ids"
	"pubdata/internal/notify"
	"pubdata/internal/workday"
)

// Service runs plans, reviews, demands and the showcase.
type Service struct {
	DB     *db.DB
	Audit  *audit.Service
	Notify *notify.Service
	Cal    *workday.Calendar
	// RemindDays: working days before a demand's due day that its provider is reminded
	// (0: DefaultRemindDays).
	RemindDays int
	Catalog    *catalog.Service
	Identity   *identity.Service
	Days       int // working days to answer a demand
	Now        func() time.Time
}

// DefaultDays is the working days a provider has to answer a public demand.
const DefaultDays = 10

// New makes the service.
func New(d *db.DB, a *audit.Service, n *notify.Service, cal *workday.Calendar, c *catalog.Service, id *identity.Service) *Service {
	return &Service{DB: d, Audit: a, Notify: n, Cal: cal, Catalog: c, Identity: id, Days: DefaultDays, Now: time.Now}
}

// Errors.
var (
	ErrNotFound = apperr.New(http.StatusNotFound, "open_plan.not_found", "记录不存在", "no such record")
	ErrState    = apperr.New(http.StatusConflict, "open_plan.invalid_state", "当前状态不允许此操作", "the state does not allow this")
)

func actorName(p *authz.Principal) string {
	if p == nil {
		return ""
	}
	if p.DisplayName != "" {
		return p.DisplayName
	}
	return p.Username
}

func orgAttrs(org, region string) authz.OpenAttrs {
	return authz.OpenAttrs{OpenType: "none", ProviderOrgID: org, SourceOrgID: org, RegionCode: region}
}

func entryAttrs(e *catalog.Entry) authz.OpenAttrs {
	return authz.OpenAttrs{OpenType: string(e.OpenType), ProviderOrgID: e.ProviderOrgID, SourceOrgID: e.SourceOrgID, RegionCode: e.RegionCode}
}

// ---- Annual open plans ----

// Priorities of a planned entry, highest first.
var Priorities = []string{"high", "medium", "low"}

// Plan is an annual open plan of an authority or agency (年度开放计划).
type Plan struct {
	ID         string     `json:"id"`
	OrgID      string     `json:"org_id"`
	OrgName    string     `json:"org_name"`
	RegionCode string     `json:"region_code"`
	Year       int        `json:"year"`
	Title      string     `json:"title"`
	Note       string     `json:"note,omitempty"`
	CreatedBy  string     `json:"created_by"`
	CreatedAt  db.Stamp   `json:"created_at"`
	UpdatedAt  db.Stamp   `json:"updated_at"`
	Items      []PlanItem `json:"items"`
	Progress   Progress   `json:"progress"`
}

// PlanItem is one planned entry, with its progress from the facts.
type PlanItem struct {
	ID         string `json:"id"`
	EntryID    string `json:"entry_id"`
	EntryName  string `json:"entry_name"`
	Priority   string `json:"priority"`
	Livelihood bool   `json:"livelihood"` // 民生数据 (first, OPN-1)
	TargetOpen string `json:"target_open"`
	TargetDate string `json:"target_date"`
	Note       string `json:"note,omitempty"`
	// Computed: the published open type now, whether the target is met, when it first opened.
	OpenType string   `json:"open_type"`
	Opened   bool     `json:"opened"`
	OpenedAt db.Stamp `json:"opened_at"`
	Overdue  bool     `json:"overdue"`
}

// Progress counts a plan's entries.
type Progress struct {
	Planned int `json:"planned"`
	Opened  int `json:"opened"`
	Overdue int `json:"overdue"`
	Percent int `json:"percent"`
}

// PlanInput creates or renames a plan.
type PlanInput struct {
	OrgID string `json:"org_id"` // empty: the caller's organization
	Year  int    `json:"year"`
	Title string `json:"title"`
	Note  string `json:"note"`
}

// SavePlan creates the plan of an organization for a year, or updates its title and note
// (authz.Open OpenManage on the organization: its data officer or approver, or the authority
// covering its region). Audited.
func (s *Service) SavePlan(ctx context.Context, p *authz.Principal, in PlanInput) (Plan, error) {
	if in.OrgID == "" {
		in.OrgID = p.OrgID
	}
	org, err := s.Identity.Org(ctx, in.OrgID)
	if err != nil {
		return Plan{}, apperr.Forbidden
	}
	if err := authz.Open(p, authz.OpenManage, orgAttrs(org.ID, org.RegionCode)); err != nil {
		return Plan{}, err
	}
	var fe []apperr.FieldError
	in.Title = apperr.Text(&fe, "title", in.Title, 200, true, "计划名称", "title")
	in.Note = apperr.Text(&fe, "note", in.Note, 4000, false, "说明", "note")
	this := s.Now().In(workday.Location).Year()
	if in.Year < this-1 || in.Year > this+1 {
		fe = append(fe, apperr.Field("year", fmt.Sprintf("计划年度应为 %d–%d", this-1, this+1), fmt.Sprintf("the year must be %d–%d", this-1, this+1)))
	}
	if err := apperr.Validation(fe); err != nil {
		return Plan{}, err
	}
	now := db.Millis(s.Now())
	var id string
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT id FROM open_plans WHERE org_id = $1 AND year = $2", org.ID, in.Year).Scan(&id)
		switch {
		case db.IsNoRows(err):
			id = ids.New()
			_, err = tx.ExecContext(ctx, `INSERT INTO open_plans (id, org_id, region_code, year, title, note, created_by, created_at, updated_at)
				VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, id, org.ID, org.RegionCode, in.Year, in.Title, in.Note, actorName(p), now, now)
		case err == nil:
			_, err = tx.ExecContext(ctx, "UPDATE open_plans SET title = $1, note = $2, updated_at = $3 WHERE id = $4", in.Title, in.Note, now, id)
		}
		if err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: actorName(p), OrgID: p.OrgID, Action: "open.plan.save",
			ObjectType: "open_plan", ObjectID: id, Detail: map[string]any{"org": org.ID, "year": in.Year, "title": in.Title}})
	})
	if err != nil {
		return Plan{}, err
	}
	return s.Plan(ctx, id)
}

// ItemInput plans an entry.
type ItemInput struct {
	EntryID    string `json:"entry_id"`
	Priority   string `json:"priority"`
	Livelihood bool   `json:"livelihood"`
	TargetOpen string `json:"target_open"` // unconditional | conditional
	TargetDate string `json:"target_date"` // YYYY-MM-DD within the plan's year
	Note       string `json:"note"`
}

func (s *Service) loadPlan(ctx context.Context, id string) (Plan, error) {
	var pl Plan
	err := s.DB.QueryRowContext(ctx, `SELECT p.id, p.org_id, COALESCE(o.name, ''), p.region_code, p.year, p.title, p.note, p.created_by, p.created_at, p.updated_at
		FROM open_plans p LEFT JOIN orgs o ON o.id = p.org_id WHERE p.id = $1`, id).Scan(&pl.ID, &pl.OrgID, &pl.OrgName, &pl.RegionCode, &pl.Year, &pl.Title,
		&pl.Note, &pl.CreatedBy, &pl.CreatedAt, &pl.UpdatedAt)
	if db.IsNoRows(err) {
		return pl, ErrNotFound
	}
	return pl, err
}

// AddItem plans a published catalog entry in a plan: an entry of the plan's organization (the
// authority's plan: any entry of its region). Audited.
func (s *Service) AddItem(ctx context.Context, p *authz.Principal, planID string, in ItemInput) (Plan, error) {
	pl, err := s.loadPlan(ctx, planID)
	if err != nil {
		return Plan{}, err
	}
	if err := authz.Open(p, authz.OpenManage, orgAttrs(pl.OrgID, pl.RegionCode)); err != nil {
		return Plan{}, err
	}
	var fe []apperr.FieldError
	e, err := s.Catalog.Published(ctx, strings.TrimSpace(in.EntryID))
	if err != nil || !(e.ProviderOrgID == pl.OrgID || e.SourceOrgID == pl.OrgID || authz.CoversRegion(pl.RegionCode, e.RegionCode) && p.IsAuthority()) {
		fe = append(fe, apperr.Field("entry_id", "须为本单位（主管部门：本地区）已发布的目录条目", "must be a published entry of this organization (the authority: of its region)"))
	}
	if !slices.Contains(Priorities, in.Priority) {
		fe = append(fe, apperr.Field("priority", "优先级须为高、中或低", "priority must be high, medium or low"))
	}
	if in.TargetOpen != string(catalog.OpenUnconditional) && in.TargetOpen != string(catalog.OpenConditional) {
		fe = append(fe, apperr.Field("target_open", "目标开放类型须为无条件开放或有条件开放", "target must be unconditional or conditional"))
	}
	if d, err := workday.Parse(in.TargetDate); err != nil || d.Year() != pl.Year {
		fe = append(fe, apperr.Field("target_date", fmt.Sprintf("计划开放日期须为 %d 年内的 YYYY-MM-DD", pl.Year), fmt.Sprintf("the target date must be YYYY-MM-DD within %d", pl.Year)))
	}
	in.Note = apperr.Text(&fe, "note", in.Note, 1000, false, "说明", "note")
	if err := apperr.Validation(fe); err != nil {
		return Plan{}, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		id := ids.New()
		_, err := tx.ExecContext(ctx, `INSERT INTO open_plan_items (id, plan_id, entry_id, priority, livelihood, target_open, target_date, note, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (plan_id, entry_id) DO UPDATE SET priority = excluded.priority, livelihood = excluded.livelihood,
			target_open = excluded.target_open, target_date = excluded.target_date, note = excluded.note`,
			id, planID, e.ID, in.Priority, b2i(in.Livelihood), in.TargetOpen, in.TargetDate, in.Note, db.Millis(s.Now()))
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE open_plans SET updated_at = $1 WHERE id = $2", db.Millis(s.Now()), planID); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: actorName(p), OrgID: p.OrgID, Action: "open.plan.item",
			ObjectType: "open_plan", ObjectID: planID, Detail: map[string]any{"entry": e.ID, "priority": in.Priority, "target_open": in.TargetOpen, "target_date": in.TargetDate}})
	})
	if err != nil {
		return Plan{}, err
	}
	return s.Plan(ctx, planID)
}

// RemoveItem takes an entry out of a plan. Audited.
func (s *Service) RemoveItem(ctx context.Context, p *authz.Principal, planID, itemID string) (Plan, error) {
	pl, err := s.loadPlan(ctx, planID)
	if err != nil {
		return Plan{}, err
	}
	if err := authz.Open(p, authz.OpenManage, orgAttrs(pl.OrgID, pl.RegionCode)); err != nil {
		return Plan{}, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM open_plan_items WHERE id = $1 AND plan_id = $2", itemID, planID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: actorName(p), OrgID: p.OrgID, Action: "open.plan.item_remove",
			ObjectType: "open_plan", ObjectID: planID, Detail: map[string]any{"item": itemID}})
	})
	if err != nil {
		return Plan{}, err
	}
	return s.Plan(ctx, planID)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Plan returns a plan with its entries and progress (public: plans are published).
func (s *Service) Plan(ctx context.Context, id string) (Plan, error) {
	pl, err := s.loadPlan(ctx, id)
	if err != nil {
		return pl, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT i.id, i.entry_id, i.priority, i.livelihood, i.target_open, i.target_date, i.note, COALESCE(h.first_open_at, 0)
		FROM open_plan_items i LEFT JOIN harvest_datasets h ON h.id = i.entry_id WHERE i.plan_id = $1 ORDER BY i.target_date, i.id LIMIT 1000`, id)
	if err != nil {
		return pl, err
	}
	var items []PlanItem
	for rows.Next() {
		var it PlanItem
		var lv int
		if err := rows.Scan(&it.ID, &it.EntryID, &it.Priority, &lv, &it.TargetOpen, &it.TargetDate, &it.Note, &it.OpenedAt); err != nil {
			rows.Close()
			return pl, err
		}
		it.Livelihood = lv == 1
		items = append(items, it)
	}
	rows.Close()
	today := workday.Date(s.Now()).Format("2006-01-02")
	pl.Items = []PlanItem{}
	for _, it := range items {
		if e, err := s.Catalog.Published(ctx, it.EntryID); err == nil {
			it.EntryName, it.OpenType = e.Name, string(e.OpenType)
		} else {
			it.EntryName, it.OpenType = it.EntryID, string(catalog.OpenNone)
		}
		// Met: open at the target level or wider (unconditional meets a conditional target).
		it.Opened = it.OpenType == string(catalog.OpenUnconditional) || it.OpenType == string(catalog.OpenConditional) && it.TargetOpen == string(catalog.OpenConditional)
		if !it.Opened {
			it.OpenedAt = 0
		}
		it.Overdue = !it.Opened && it.TargetDate < today
		pl.Progress.Planned++
		if it.Opened {
			pl.Progress.Opened++
		}
		if it.Overdue {
			pl.Progress.Overdue++
		}
		pl.Items = append(pl.Items, it)
	}
	// Livelihood data first, then priority, then the target date (OPN-1).
	sort.SliceStable(pl.Items, func(i, j int) bool {
		a, b := pl.Items[i], pl.Items[j]
		if a.Livelihood != b.Livelihood {
			return a.Livelihood
		}
		return slices.Index(Priorities, a.Priority) < slices.Index(Priorities, b.Priority)
	})
	if pl.Progress.Planned > 0 {
		pl.Progress.Percent = pl.Progress.Opened * 100 / pl.Progress.Planned
	}
	return pl, nil
}

// Plans lists the plans of a year (0: this year), each with its progress (public).
func (s *Service) Plans(ctx context.Context, year int) ([]Plan, error) {
	if year == 0 {
		year = s.Now().In(workday.Location).Year()
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT id FROM open_plans WHERE year = $1 ORDER BY region_code, org_id LIMIT 500", year)
	if err != nil {
		return nil, err
	}
	var idl []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		idl = append(idl, id)
	}
	rows.Close()
	out := []Plan{}
	for _, id := range idl {
		pl, err := s.Plan(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, pl)
	}
	return out, nil
}

// MayManage tells whether p may change the plans (or reviews, answers) of an organization.
func MayManage(p *authz.Principal, orgID, region string) bool {
	return authz.Open(p, authz.OpenManage, orgAttrs(orgID, region)) == nil
}

// ---- Reviews of entries not open ----

// Review outcomes (评估结论).
const (
	OutcomeKeep          = "keep"          // 维持不予开放
	OutcomeConditional   = "conditional"   // 改为有条件开放
	OutcomeUnconditional = "unconditional" // 改为无条件开放
)

// Outcomes lists the outcomes.
var Outcomes = []string{OutcomeKeep, OutcomeConditional, OutcomeUnconditional}

// Review is one periodic review of an entry not open.
type Review struct {
	ID         string   `json:"id"`
	EntryID    string   `json:"entry_id"`
	EntryName  string   `json:"entry_name"`
	OrgID      string   `json:"org_id"`
	RegionCode string   `json:"region_code"`
	Period     string   `json:"period"`
	Outcome    string   `json:"outcome"`
	Reason     string   `json:"reason"`
	Reviewer   string   `json:"reviewer"`
	CreatedAt  db.Stamp `json:"created_at"`
	// Change: for an outcome that opens, where the catalog revision stands now —
	// "submitted" (under the authority's review), "opened" (published with the new open type),
	// "returned" (sent back), or "" for keep.
	Change string `json:"change,omitempty"`
}

// NotOpenEntry is an entry not open with its last review.
type NotOpenEntry struct {
	EntryID    string  `json:"entry_id"`
	Name       string  `json:"name"`
	OrgID      string  `json:"org_id"`
	RegionCode string  `json:"region_code"`
	OpenReason string  `json:"open_reason"`
	OpenBasis  string  `json:"open_basis"`
	Last       *Review `json:"last_review,omitempty"`
}

// ReviewInput is a reviewer's outcome.
type ReviewInput struct {
	EntryID   string `json:"entry_id"`
	Period    string `json:"period"` // e.g. 2026 or 2026H2
	Outcome   string `json:"outcome"`
	Reason    string `json:"reason"`
	Condition string `json:"condition"` // conditional: the open condition
}

// NotOpen lists the published entries not open that p reads (its agency's; the authority's
// region; auditors and oversight: all), with their last review, at most 500.
func (s *Service) NotOpen(ctx context.Context, p *authz.Principal) ([]NotOpenEntry, error) {
	if !p.Authenticated() {
		return nil, apperr.Unauthenticated
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT id FROM catalog_entries WHERE live = 1 ORDER BY code LIMIT 5000")
	if err != nil {
		return nil, err
	}
	var idl []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		idl = append(idl, id)
	}
	rows.Close()
	out := []NotOpenEntry{}
	for _, id := range idl {
		e, err := s.Catalog.Published(ctx, id)
		if err != nil || e.OpenType != catalog.OpenNone || authz.Open(p, authz.Read, entryAttrs(&e)) != nil {
			continue
		}
		n := NotOpenEntry{EntryID: e.ID, Name: e.Name, OrgID: e.ProviderOrgID, RegionCode: e.RegionCode, OpenReason: string(e.OpenReason), OpenBasis: e.OpenBasis}
		if rs, err := s.reviews(ctx, "entry_id = $1", e.ID, 1); err == nil && len(rs) > 0 {
			n.Last = &rs[0]
		}
		out = append(out, n)
		if len(out) >= 500 {
			break
		}
	}
	return out, nil
}

func (s *Service) reviews(ctx context.Context, cond string, arg any, n int) ([]Review, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, entry_id, entry_name, org_id, region_code, period, outcome, reason, reviewer, created_at
		FROM open_reviews WHERE `+cond+` ORDER BY created_at DESC, id DESC LIMIT `+strconv.Itoa(n), arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Review{}
	for rows.Next() {
		var r Review
		if err := rows.Scan(&r.ID, &r.EntryID, &r.EntryName, &r.OrgID, &r.RegionCode, &r.Period, &r.Outcome, &r.Reason, &r.Reviewer, &r.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// change says where the catalog revision an opening outcome submitted stands now.
func (s *Service) change(ctx context.Context, r *Review) {
	if r.Outcome == OutcomeKeep {
		return
	}
	if e, err := s.Catalog.Published(ctx, r.EntryID); err == nil && string(e.OpenType) == r.Outcome {
		r.Change = "opened"
		return
	}
	if e, err := s.Catalog.Get(ctx, r.EntryID); err == nil && string(e.OpenType) == r.Outcome {
		switch e.Status {
		case catalog.StatusSubmitted:
			r.Change = "submitted"
		default:
			r.Change = "returned"
		}
		return
	}
	r.Change = "returned"
}

// Reviews lists the reviews p reads, newest first (at most 500).
func (s *Service) Reviews(ctx context.Context, p *authz.Principal) ([]Review, error) {
	if !p.Authenticated() {
		return nil, apperr.Unauthenticated
	}
	all, err := s.reviews(ctx, "1 = $1", 1, 2000)
	if err != nil {
		return nil, err
	}
	out := []Review{}
	for _, r := range all {
		if authz.Open(p, authz.Read, orgAttrs(r.OrgID, r.RegionCode)) == nil && len(out) < 500 {
			s.change(ctx, &r)
			out = append(out, r)
		}
	}
	return out, nil
}

// Review records a periodic review of an entry not open (OPN-6): the provider's data officer or
// approver, or the authority (authz.Open OpenManage). Keep needs a reason; an outcome that opens
// revises the catalog entry's open type (and condition) and submits it for the authority's
// review in the catalog — the tracked change. Audited.
func (s *Service) Review(ctx context.Context, p *authz.Principal, in ReviewInput) (Review, error) {
	e, err := s.Catalog.Published(ctx, strings.TrimSpace(in.EntryID))
	if err != nil {
		return Review{}, ErrNotFound
	}
	if authz.Open(p, authz.Read, entryAttrs(&e)) != nil {
		return Review{}, ErrNotFound
	}
	if err := authz.Open(p, authz.OpenManage, entryAttrs(&e)); err != nil {
		return Review{}, err
	}
	var fe []apperr.FieldError
	if e.OpenType != catalog.OpenNone {
		fe = append(fe, apperr.Field("entry_id", "该目录条目已开放，无需评估", "this entry is already open"))
	}
	if !slices.Contains(Outcomes, in.Outcome) {
		fe = append(fe, apperr.Field("outcome", "评估结论须为维持、改为有条件开放或改为无条件开放", "outcome must be keep, conditional or unconditional"))
	}
	in.Period = apperr.Text(&fe, "period", in.Period, 20, true, "评估周期", "period")
	in.Reason = apperr.Text(&fe, "reason", in.Reason, 2000, true, "评估理由", "reason")
	in.Condition = apperr.Text(&fe, "condition", in.Condition, 500, in.Outcome == OutcomeConditional, "开放条件", "condition")
	if err := apperr.Validation(fe); err != nil {
		return Review{}, err
	}
	if in.Outcome != OutcomeKeep {
		// The tracked change: a catalog revision with the new open type, submitted for review.
		rev := e
		rev.OpenType = catalog.OpenType(in.Outcome)
		rev.OpenReason, rev.OpenBasis, rev.OpenCondition = "", "", ""
		if in.Outcome == OutcomeConditional {
			rev.OpenCondition = in.Condition
		}
		if _, err := s.Catalog.Update(ctx, p, rev); err != nil {
			return Review{}, err
		}
		if err := s.Catalog.Submit(ctx, p, e.ID); err != nil {
			return Review{}, err
		}
	}
	r := Review{ID: ids.New(), EntryID: e.ID, EntryName: e.Name, OrgID: e.ProviderOrgID, RegionCode: e.RegionCode, Period: in.Period,
		Outcome: in.Outcome, Reason: in.Reason, Reviewer: actorName(p), CreatedAt: db.StampOf(s.Now())}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO open_reviews (id, entry_id, entry_name, org_id, region_code, period, outcome, reason, reviewer, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)`, r.ID, r.EntryID, r.EntryName, r.OrgID, r.RegionCode, r.Period, r.Outcome, r.Reason, r.Reviewer, int64(r.CreatedAt)); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: actorName(p), OrgID: p.OrgID, Action: "open.review",
			ObjectType: "catalog_entry", ObjectID: e.ID, Detail: map[string]any{"review": r.ID, "period": r.Period, "outcome": r.Outcome, "reason": r.Reason}})
	})
	if err != nil {
		return Review{}, err
	}
	s.change(ctx, &r)
	return r, nil
}
