package supervise

// Annual assessment of agencies (年度考核评价, SUP-3; NM 41, JM 30, BT 48, NM 39).
//
// A plan is one region's assessment of one year: indicators with weights the authority sets,
// then scores computed from the platform's own records. Every score keeps the fact rows it was
// computed from (assess_facts: source table, row id, for or against), shown on the agency's
// drill-down page and in its report. A plan is a draft while the authority adjusts weights and
// recomputes, then reviewed, then published; agencies see their own result once published.
//
// How each indicator scores an agency (0–100), over the plan's year:
//
//	catalog      目录完整性      its catalog entries (not withdrawn) and built information systems: published
//	                            entries and systems linked to an entry count for; share = for ÷ all (none: 0)
//	timeliness   归集与更新及时性 its published entries: those never flagged late in the year count for (none: 100)
//	quality      数据质量        its latest quality score of the year (none: 0)
//	aggregation  数据归集        its published entries: those holding data count for (none: 0)
//	sharing      共享开放量      share grants it gave in the year plus its entries open to the public; 100 × its
//	                            count ÷ the largest count among the plan's agencies
//	approval     审批及时性      share requests to it in the year: decided by the decision date count for,
//	                            decided late or still undecided past it against (none: 100)
//	security     安全            sanctions on it and notices for leaks, misuse or unauthorized changes in the year,
//	                            each 20 points off 100
//
// The total is the weighted mean of the indicator scores (Σ weight × score ÷ Σ weight).

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/vocab"
	"pubdata/internal/workday"
)

// Indicator is one assessment indicator and its weight.
type Indicator struct {
	Code   string  `json:"code"`
	Weight float64 `json:"weight"`
}

// IndicatorCodes lists the indicators in display order.
var IndicatorCodes = []string{"catalog", "timeliness", "quality", "aggregation", "sharing", "approval", "security"}

// DefaultIndicators are the weights of a new plan (they sum to 100).
func DefaultIndicators() []Indicator {
	return []Indicator{{"catalog", 15}, {"timeliness", 15}, {"quality", 15}, {"aggregation", 15}, {"sharing", 15}, {"approval", 15}, {"security", 10}}
}

// Plan states.
const (
	PlanDraft     = "draft"
	PlanReviewed  = "reviewed"
	PlanPublished = "published"
)

// Plan is a region's assessment of a year.
type Plan struct {
	ID          string      `json:"id"`
	RegionCode  string      `json:"region_code"`
	Year        int         `json:"year"`
	Title       string      `json:"title"`
	Indicators  []Indicator `json:"indicators"`
	State       string      `json:"state"`
	CreatedBy   string      `json:"created_by"`
	CreatedAt   time.Time   `json:"created_at"`
	ComputedAt  time.Time   `json:"computed_at,omitzero"`
	ReviewedBy  string      `json:"reviewed_by,omitempty"`
	ReviewedAt  time.Time   `json:"reviewed_at,omitzero"`
	PublishedBy string      `json:"published_by,omitempty"`
	PublishedAt time.Time   `json:"published_at,omitzero"`
	Totals      []Total     `json:"totals,omitempty"`
}

// Total is an agency's total score and rank in a plan.
type Total struct {
	OrgID   string  `json:"org_id"`
	OrgName string  `json:"org_name"`
	Total   float64 `json:"total"`
	Rank    int     `json:"rank"`
}

// Score is an agency's score on one indicator.
type Score struct {
	Indicator string  `json:"indicator"`
	Weight    float64 `json:"weight"`
	Good      int     `json:"good"`
	Facts     int     `json:"facts"`
	Score     float64 `json:"score"`
}

// Fact is one source row behind a score.
type Fact struct {
	Indicator   string  `json:"indicator"`
	SourceTable string  `json:"source_table"`
	SourceID    string  `json:"source_id"`
	Good        bool    `json:"counts_for"`
	Value       float64 `json:"value,omitempty"`
	Label       string  `json:"label"`
	Link        string  `json:"link,omitempty"`
}

// OrgResult is one agency's result with its facts (the drill-down and the report).
type OrgResult struct {
	Plan    Plan    `json:"plan"`
	OrgID   string  `json:"org_id"`
	OrgName string  `json:"org_name"`
	Total   float64 `json:"total"`
	Rank    int     `json:"rank"`
	Of      int     `json:"of"`
	Scores  []Score `json:"scores"`
	Facts   []Fact  `json:"facts"`
}

// Errors of assessments.
var (
	ErrPlanState  = apperr.New(http.StatusConflict, "assessment_bad_state", "考核方案当前状态不允许此操作", "this action is not possible in the plan's current state")
	ErrPlanExists = apperr.New(http.StatusConflict, "assessment_exists", "本地区该年度的考核方案已存在", "the region already has a plan for that year")
	ErrNotScored  = apperr.New(http.StatusConflict, "assessment_not_computed", "请先计算考核得分", "compute the scores first")
)

// NewPlan is the input of CreatePlan.
type NewPlan struct {
	Year       int         `json:"year"`
	Title      string      `json:"title"`
	Indicators []Indicator `json:"indicators"` // empty: the defaults
}

func checkIndicators(list []Indicator) ([]Indicator, error) {
	if len(list) == 0 {
		return DefaultIndicators(), nil
	}
	seen := map[string]bool{}
	sum := 0.0
	var out []Indicator
	for _, code := range IndicatorCodes { // keep the display order
		for _, in := range list {
			if in.Code == code && !seen[code] {
				seen[code] = true
				if in.Weight < 0 || in.Weight > 100 || math.IsNaN(in.Weight) {
					return nil, apperr.Invalid.With(apperr.Field("indicators", "权重须为 0–100", "each weight must be 0–100"))
				}
				sum += in.Weight
				out = append(out, Indicator{code, in.Weight})
			}
		}
	}
	for _, in := range list {
		if !seen[in.Code] {
			return nil, apperr.Invalid.With(apperr.Field("indicators", "未知或重复的指标："+in.Code, "unknown or repeated indicator: "+in.Code))
		}
	}
	if sum <= 0 {
		return nil, apperr.Invalid.With(apperr.Field("indicators", "权重之和须大于 0", "the weights must add up to more than 0"))
	}
	return out, nil
}

func planAttrs(pl Plan) authz.SanctionAttrs { return authz.SanctionAttrs{Region: pl.RegionCode} }

// CreatePlan starts a draft plan for the caller's region.
func (s *Service) CreatePlan(ctx context.Context, p *authz.Principal, in NewPlan) (_ Plan, err error) {
	defer errs.Wrap(&err, "supervise: CreatePlan")
	if err := authz.Supervision(p, authz.Create, authz.SanctionAttrs{Region: p.RegionCode}); err != nil {
		return Plan{}, err
	}
	var fe []apperr.FieldError
	if in.Year < 2000 || in.Year > 2100 {
		fe = append(fe, apperr.Field("year", "请填写考核年度", "give the year"))
	}
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" {
		in.Title = fmt.Sprintf("%d 年度公共数据工作考核", in.Year)
	}
	if utf8.RuneCountInString(in.Title) > 200 {
		fe = append(fe, apperr.Field("title", "标题不超过 200 字", "at most 200 characters"))
	}
	if err := apperr.Validation(fe); err != nil {
		return Plan{}, err
	}
	inds, err := checkIndicators(in.Indicators)
	if err != nil {
		return Plan{}, err
	}
	now := s.Now()
	pl := Plan{ID: ids.New(), RegionCode: p.RegionCode, Year: in.Year, Title: in.Title, Indicators: inds, State: PlanDraft, CreatedBy: p.Username, CreatedAt: now}
	b, _ := json.Marshal(inds)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM assess_plans WHERE region_code = $1 AND year = $2", pl.RegionCode, pl.Year).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrPlanExists
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO assess_plans (id, region_code, year, title, indicators, state, created_by, created_at, updated_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$8)`, pl.ID, pl.RegionCode, pl.Year, pl.Title, string(b), pl.State, pl.CreatedBy, db.Millis(now)); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "assessment.plan.create",
			ObjectType: "assessment_plan", ObjectID: pl.ID, Detail: map[string]any{"year": pl.Year, "indicators": inds}})
	})
	return pl, err
}

const planCols = "id, region_code, year, title, indicators, state, created_by, created_at, computed_at, reviewed_by, reviewed_at, published_by, published_at"

func scanPlan(sc interface{ Scan(...any) error }) (Plan, error) {
	var pl Plan
	var inds string
	var created, computed, reviewed, published int64
	err := sc.Scan(&pl.ID, &pl.RegionCode, &pl.Year, &pl.Title, &inds, &pl.State, &pl.CreatedBy, &created, &computed, &pl.ReviewedBy, &reviewed,
		&pl.PublishedBy, &published)
	if err != nil {
		return pl, err
	}
	_ = json.Unmarshal([]byte(inds), &pl.Indicators)
	pl.CreatedAt = db.FromMillis(created)
	if computed > 0 {
		pl.ComputedAt = db.FromMillis(computed)
	}
	if reviewed > 0 {
		pl.ReviewedAt = db.FromMillis(reviewed)
	}
	if published > 0 {
		pl.PublishedAt = db.FromMillis(published)
	}
	return pl, nil
}

func (s *Service) loadPlan(ctx context.Context, q db.Q, id string) (Plan, error) {
	pl, err := scanPlan(q.QueryRowContext(ctx, "SELECT "+planCols+" FROM assess_plans WHERE id = $1", id))
	if db.IsNoRows(err) {
		return pl, apperr.Hidden
	}
	return pl, err
}

// sees tells whether p reads the whole plan (the authority of its region, auditors, oversight).
func sees(p *authz.Principal, pl Plan) bool {
	return authz.Supervision(p, authz.Read, planAttrs(pl)) == nil
}

// GetPlan returns a plan with its ranking: to the authority of the region, auditors and oversight
// bodies; to an agency assessed by it, once published, with its own line only.
func (s *Service) GetPlan(ctx context.Context, p *authz.Principal, id string) (_ Plan, err error) {
	defer errs.Wrap(&err, "supervise: GetPlan(%s)", id)
	pl, err := s.loadPlan(ctx, s.DB, id)
	if err != nil {
		return pl, err
	}
	totals, err := s.totals(ctx, id)
	if err != nil {
		return pl, err
	}
	if sees(p, pl) {
		pl.Totals = totals
		return pl, nil
	}
	if pl.State == PlanPublished && p.Authenticated() {
		for _, t := range totals {
			if t.OrgID == p.OrgID {
				pl.Totals = []Total{t}
				return pl, nil
			}
		}
	}
	return Plan{}, apperr.Hidden
}

func (s *Service) totals(ctx context.Context, id string) ([]Total, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT org_id, org_name, total, rank FROM assess_totals WHERE plan_id = $1 ORDER BY rank, org_id LIMIT 5000", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Total
	for rows.Next() {
		var t Total
		if err := rows.Scan(&t.OrgID, &t.OrgName, &t.Total, &t.Rank); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// ListPlans lists the plans p may read, newest year first: the authority its region's (and those
// below), auditors and oversight all, an agency the published plans that assessed it.
func (s *Service) ListPlans(ctx context.Context, p *authz.Principal) (_ []Plan, err error) {
	defer errs.Wrap(&err, "supervise: ListPlans")
	if err := authz.Supervision(p, authz.Read, authz.SanctionAttrs{}); err != nil {
		return nil, err
	}
	var q string
	var args []any
	switch {
	case p.Has(authz.Auditor, authz.Oversight):
		q = "SELECT " + planCols + " FROM assess_plans"
	case p.IsAuthority():
		q, args = "SELECT "+planCols+" FROM assess_plans WHERE region_code LIKE $1", []any{regionPrefix(p.RegionCode) + "%"}
	default:
		q, args = "SELECT "+planCols+" FROM assess_plans WHERE state = 'published' AND id IN (SELECT plan_id FROM assess_totals WHERE org_id = $1)", []any{p.OrgID}
	}
	rows, err := s.DB.QueryContext(ctx, q+" ORDER BY year DESC, region_code LIMIT 200", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Plan
	for rows.Next() {
		pl, err := scanPlan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, pl)
	}
	return out, rows.Err()
}

// SetWeights changes a draft plan's indicators and weights (recompute afterwards).
func (s *Service) SetWeights(ctx context.Context, p *authz.Principal, id string, list []Indicator) (_ Plan, err error) {
	defer errs.Wrap(&err, "supervise: SetWeights(%s)", id)
	pl, err := s.loadPlan(ctx, s.DB, id)
	if err != nil {
		return pl, err
	}
	if err := authz.Supervision(p, authz.Review, planAttrs(pl)); err != nil {
		return Plan{}, err
	}
	if len(list) == 0 {
		return Plan{}, apperr.Invalid.With(apperr.Field("indicators", "请给出指标与权重", "give the indicators and weights"))
	}
	inds, err := checkIndicators(list)
	if err != nil {
		return Plan{}, err
	}
	if pl.State != PlanDraft {
		return Plan{}, ErrPlanState
	}
	b, _ := json.Marshal(inds)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE assess_plans SET indicators = $1, computed_at = 0, updated_at = $2 WHERE id = $3 AND state = 'draft'",
			string(b), db.Millis(s.Now()), id)
		if err != nil {
			return err
		}
		if c, _ := res.RowsAffected(); c == 0 {
			return ErrPlanState
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "assessment.plan.weights",
			ObjectType: "assessment_plan", ObjectID: id, Detail: map[string]any{"indicators": inds}})
	})
	if err != nil {
		return Plan{}, err
	}
	return s.GetPlan(ctx, p, id)
}

// StepPlan moves a plan: review (draft → reviewed, once computed), publish (reviewed →
// published; the assessed agencies are told) or reopen (reviewed → draft).
func (s *Service) StepPlan(ctx context.Context, p *authz.Principal, id, event string) (_ Plan, err error) {
	defer errs.Wrap(&err, "supervise: StepPlan(%s)", id)
	pl, err := s.loadPlan(ctx, s.DB, id)
	if err != nil {
		return pl, err
	}
	if err := authz.Supervision(p, authz.Review, planAttrs(pl)); err != nil {
		return Plan{}, err
	}
	now := db.Millis(s.Now())
	var q string
	var from string
	switch event {
	case "review":
		from, q = PlanDraft, "UPDATE assess_plans SET state = 'reviewed', reviewed_by = $1, reviewed_at = $2, updated_at = $2 WHERE id = $3 AND state = 'draft' AND computed_at > 0"
	case "publish":
		from, q = PlanReviewed, "UPDATE assess_plans SET state = 'published', published_by = $1, published_at = $2, updated_at = $2 WHERE id = $3 AND state = 'reviewed'"
	case "reopen":
		from, q = PlanReviewed, "UPDATE assess_plans SET state = 'draft', reviewed_by = '', reviewed_at = 0, updated_at = $1 WHERE id = $2 AND state = 'reviewed'"
	default:
		return Plan{}, apperr.Invalid.With(apperr.Field("event", "请选择审核、发布或退回修改", "choose review, publish or reopen"))
	}
	if pl.State != from {
		return Plan{}, ErrPlanState
	}
	if event == "review" && pl.ComputedAt.IsZero() {
		return Plan{}, ErrNotScored
	}
	args := []any{p.Username, now, id}
	if event == "reopen" {
		args = args[1:]
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if c, _ := res.RowsAffected(); c == 0 {
			return ErrPlanState
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "assessment.plan." + event,
			ObjectType: "assessment_plan", ObjectID: id})
	})
	if err != nil {
		return Plan{}, err
	}
	if event == "publish" {
		totals, _ := s.totals(ctx, id)
		for _, t := range totals {
			s.sendOrg(ctx, t.OrgID, "info", "年度考核结果已发布："+pl.Title, "Annual assessment published: "+pl.Title,
				fmt.Sprintf("本单位得分 %.2f，排名第 %d。", t.Total, t.Rank), fmt.Sprintf("Your score %.2f, rank %d.", t.Total, t.Rank),
				"/assessments/"+id+"/orgs/"+t.OrgID, "assessment_plan", id, "assess:pub:"+id+":"+t.OrgID)
		}
	}
	return s.GetPlan(ctx, p, id)
}

// factRow is one fact found for an agency.
type factRow struct {
	org, table, id, label string
	good                  bool
	value                 float64
}

// window is a plan's year in Unix milliseconds and as dates.
type window struct {
	from, to         int64
	fromDay, lastDay string
	today            string
}

func yearWindow(year int, now time.Time) window {
	a := time.Date(year, 1, 1, 0, 0, 0, 0, workday.Location)
	b := time.Date(year+1, 1, 1, 0, 0, 0, 0, workday.Location)
	return window{from: a.UnixMilli(), to: b.UnixMilli(), fromDay: workday.Format(a), lastDay: workday.Format(b.AddDate(0, 0, -1)), today: workday.Format(now)}
}

// collect runs a fact query: each row is (org, id, label, good, value).
func (s *Service) collect(ctx context.Context, q db.Q, query string, args ...any) ([]factRow, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []factRow
	for rows.Next() {
		var f factRow
		var good int
		if err := rows.Scan(&f.org, &f.id, &f.label, &good, &f.value); err != nil {
			return nil, err
		}
		f.good = good == 1
		out = append(out, f)
	}
	return out, rows.Err()
}

// facts gathers the fact rows of one indicator for every agency of the plan's region.
func (s *Service) facts(ctx context.Context, q db.Q, code, prefix string, w window) ([]factRow, error) {
	tag := func(rows []factRow, table string) []factRow {
		for i := range rows {
			rows[i].table = table
		}
		return rows
	}
	var out []factRow
	add := func(table, query string, args ...any) error {
		rows, err := s.collect(ctx, q, query, args...)
		out = append(out, tag(rows, table)...)
		return err
	}
	agencyOf := "(SELECT id FROM orgs WHERE kind = 'agency' AND region_code LIKE $1)"
	switch code {
	case "catalog":
		if err := add("catalog_entries", `SELECT provider_org_id, id, name, CASE WHEN status = 'published' THEN 1 ELSE 0 END, 0 FROM catalog_entries
			WHERE provider_org_id IN `+agencyOf+` AND status <> 'withdrawn' AND created_at < $2`, prefix, w.to); err != nil {
			return nil, err
		}
		return out, add("catalog_systems", `SELECT org_id, id, name, CASE WHEN entry_ids NOT IN ('[]', '') THEN 1 ELSE 0 END, 0 FROM catalog_systems
			WHERE org_id IN `+agencyOf+` AND stage = 'built' AND created_at < $2`, prefix, w.to)
	case "timeliness":
		return out, add("catalog_entries", `SELECT e.provider_org_id, e.id, e.name,
			CASE WHEN EXISTS (SELECT 1 FROM ingest_late l WHERE l.entry_id = e.id AND l.due_day >= $3 AND l.due_day <= $4) THEN 0 ELSE 1 END, 0
			FROM catalog_entries e WHERE e.provider_org_id IN `+agencyOf+` AND e.status = 'published' AND e.published_at < $2`, prefix, w.to, w.fromDay, w.lastDay)
	case "aggregation":
		return out, add("catalog_entries", `SELECT e.provider_org_id, e.id, e.name,
			CASE WHEN EXISTS (SELECT 1 FROM ingest_tables t WHERE t.entry_id = e.id AND t.row_count > 0) THEN 1 ELSE 0 END, 0
			FROM catalog_entries e WHERE e.provider_org_id IN `+agencyOf+` AND e.status = 'published' AND e.published_at < $2`, prefix, w.to)
	case "quality":
		return out, add("quality_org_scores", `SELECT q.org_id, q.id, '', 1, q.total FROM quality_org_scores q
			WHERE q.org_id IN `+agencyOf+` AND q.at >= $2 AND q.at < $3
			AND NOT EXISTS (SELECT 1 FROM quality_org_scores r WHERE r.org_id = q.org_id AND r.at >= $2 AND r.at < $3
				AND (r.at > q.at OR (r.at = q.at AND r.id > q.id)))`, prefix, w.from, w.to)
	case "sharing":
		if err := add("share_grants", `SELECT provider_org_id, id, entry_name, 1, 0 FROM share_grants
			WHERE provider_org_id IN `+agencyOf+` AND created_at >= $2 AND created_at < $3`, prefix, w.from, w.to); err != nil {
			return nil, err
		}
		return out, add("catalog_entries", `SELECT provider_org_id, id, name, 1, 0 FROM catalog_entries
			WHERE provider_org_id IN `+agencyOf+` AND status = 'published' AND open_type IN ('unconditional', 'conditional') AND published_at < $2`, prefix, w.to)
	case "approval":
		rows, err := s.collect(ctx, q, `SELECT provider_org_id, id, entry_name, 0, decided_at FROM share_requests
			WHERE provider_org_id IN `+agencyOf+` AND decide_due <> '' AND submitted_at >= $2 AND submitted_at < $3`, prefix, w.from, w.to)
		if err != nil {
			return nil, err
		}
		var due = map[string]string{}
		dr, err := q.QueryContext(ctx, `SELECT id, decide_due FROM share_requests WHERE provider_org_id IN `+agencyOf+` AND decide_due <> ''
			AND submitted_at >= $2 AND submitted_at < $3`, prefix, w.from, w.to)
		if err != nil {
			return nil, err
		}
		for dr.Next() {
			var id, d string
			if err := dr.Scan(&id, &d); err != nil {
				dr.Close()
				return nil, err
			}
			due[id] = d
		}
		dr.Close()
		for _, f := range rows {
			decided := int64(f.value)
			f.value = 0
			switch {
			case decided > 0:
				f.good = workday.Format(db.FromMillis(decided)) <= due[f.id]
			case due[f.id] < w.today:
				f.good = false
			default:
				continue // still within its time
			}
			f.table = "share_requests"
			out = append(out, f)
		}
		return out, nil
	case "security":
		if err := add("sanctions", `SELECT subject_id, id, reason, 0, 0 FROM sanctions WHERE subject_kind = 'org' AND subject_id IN `+agencyOf+`
			AND issued_at >= $2 AND issued_at < $3`, prefix, w.from, w.to); err != nil {
			return nil, err
		}
		return out, add("sup_notices", `SELECT org_id, id, title, 0, 0 FROM sup_notices WHERE org_id IN `+agencyOf+`
			AND violation IN ('leak', 'misuse', 'unauthorized_change') AND state <> 'withdrawn' AND issued_at >= $2 AND issued_at < $3`, prefix, w.from, w.to)
	}
	return nil, fmt.Errorf("supervise: unknown indicator %q", code)
}

// scoreOf turns an agency's facts on one indicator into a score (0–100); most is the largest
// sharing count among the plan's agencies.
func scoreOf(code string, fs []factRow, most int) (good int, score float64) {
	for _, f := range fs {
		if f.good {
			good++
		}
	}
	n := len(fs)
	switch code {
	case "catalog", "aggregation":
		if n == 0 {
			return good, 0
		}
		return good, 100 * float64(good) / float64(n)
	case "timeliness", "approval":
		if n == 0 {
			return good, 100
		}
		return good, 100 * float64(good) / float64(n)
	case "quality":
		if n == 0 {
			return 0, 0
		}
		return good, math.Max(0, math.Min(100, fs[0].value))
	case "sharing":
		if most == 0 {
			return good, 0
		}
		return good, 100 * float64(n) / float64(most)
	case "security":
		return good, math.Max(0, 100-20*float64(n))
	}
	return good, 0
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// Compute (re)computes a draft plan's scores from the platform's facts, storing every fact row
// used, and ranks the agencies.
func (s *Service) Compute(ctx context.Context, p *authz.Principal, id string) (_ Plan, err error) {
	defer errs.Wrap(&err, "supervise: Compute(%s)", id)
	pl, err := s.loadPlan(ctx, s.DB, id)
	if err != nil {
		return pl, err
	}
	if err := authz.Supervision(p, authz.Review, planAttrs(pl)); err != nil {
		return Plan{}, err
	}
	if pl.State != PlanDraft {
		return Plan{}, ErrPlanState
	}
	now := s.Now()
	w := yearWindow(pl.Year, now)
	prefix := regionPrefix(pl.RegionCode) + "%"
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		type org struct{ id, name string }
		var orgs []org
		rows, err := tx.QueryContext(ctx, "SELECT id, name FROM orgs WHERE kind = 'agency' AND region_code LIKE $1 ORDER BY id", prefix)
		if err != nil {
			return err
		}
		for rows.Next() {
			var o org
			if err := rows.Scan(&o.id, &o.name); err != nil {
				rows.Close()
				return err
			}
			orgs = append(orgs, o)
		}
		rows.Close()
		for _, t := range []string{"assess_facts", "assess_scores", "assess_totals"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+t+" WHERE plan_id = $1", id); err != nil {
				return err
			}
		}
		sum := map[string]float64{}
		wsum := 0.0
		for _, ind := range pl.Indicators {
			wsum += ind.Weight
			fs, err := s.facts(ctx, tx, ind.Code, prefix, w)
			if err != nil {
				return err
			}
			by := map[string][]factRow{}
			for _, f := range fs {
				by[f.org] = append(by[f.org], f)
			}
			most := 0
			for _, o := range orgs {
				most = max(most, len(by[o.id]))
			}
			for _, o := range orgs {
				good, score := scoreOf(ind.Code, by[o.id], most)
				sum[o.id] += ind.Weight * score
				if _, err := tx.ExecContext(ctx, `INSERT INTO assess_scores (plan_id, org_id, indicator, weight, good, facts, score) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
					id, o.id, ind.Code, ind.Weight, good, len(by[o.id]), round2(score)); err != nil {
					return err
				}
				for _, f := range by[o.id] {
					g := 0
					if f.good {
						g = 1
					}
					if _, err := tx.ExecContext(ctx, `INSERT INTO assess_facts (id, plan_id, org_id, indicator, source_table, source_id, good, value, label)
						VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, ids.New(), id, o.id, ind.Code, f.table, f.id, g, f.value, f.label); err != nil {
						return err
					}
				}
			}
		}
		totals := make([]Total, 0, len(orgs))
		for _, o := range orgs {
			t := 0.0
			if wsum > 0 {
				t = sum[o.id] / wsum
			}
			totals = append(totals, Total{OrgID: o.id, OrgName: o.name, Total: round2(t)})
		}
		sort.SliceStable(totals, func(i, j int) bool { return totals[i].Total > totals[j].Total })
		for i := range totals {
			totals[i].Rank = i + 1
			if i > 0 && totals[i].Total == totals[i-1].Total {
				totals[i].Rank = totals[i-1].Rank
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO assess_totals (plan_id, org_id, org_name, total, rank) VALUES ($1,$2,$3,$4,$5)",
				id, totals[i].OrgID, totals[i].OrgName, totals[i].Total, totals[i].Rank); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE assess_plans SET computed_at = $1, updated_at = $1 WHERE id = $2", db.Millis(now), id); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "assessment.plan.compute",
			ObjectType: "assessment_plan", ObjectID: id, Detail: map[string]any{"agencies": len(orgs)}})
	})
	if err != nil {
		return Plan{}, err
	}
	return s.GetPlan(ctx, p, id)
}

// OrgResult is one agency's result with every fact behind it: for the authority of the region,
// auditors and oversight bodies; for the agency itself once the plan is published.
func (s *Service) OrgResult(ctx context.Context, p *authz.Principal, id, orgID string) (_ OrgResult, err error) {
	defer errs.Wrap(&err, "supervise: OrgResult(%s, %s)", id, orgID)
	pl, err := s.loadPlan(ctx, s.DB, id)
	if err != nil {
		return OrgResult{}, err
	}
	var r OrgResult
	err = s.DB.QueryRowContext(ctx, "SELECT org_name, total, rank FROM assess_totals WHERE plan_id = $1 AND org_id = $2", id, orgID).Scan(&r.OrgName, &r.Total, &r.Rank)
	if db.IsNoRows(err) {
		return OrgResult{}, apperr.Hidden
	}
	if err != nil {
		return OrgResult{}, err
	}
	own := pl.State == PlanPublished && authz.Supervision(p, authz.Read, authz.SanctionAttrs{Region: pl.RegionCode, SubjectKind: "org", SubjectID: orgID}) == nil
	if !sees(p, pl) && !own {
		return OrgResult{}, apperr.Hidden
	}
	r.Plan, r.OrgID = pl, orgID
	if err := s.DB.QueryRowContext(ctx, "SELECT count(*) FROM assess_totals WHERE plan_id = $1", id).Scan(&r.Of); err != nil {
		return r, err
	}
	order := map[string]int{}
	for i, c := range IndicatorCodes {
		order[c] = i
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT indicator, weight, good, facts, score FROM assess_scores WHERE plan_id = $1 AND org_id = $2", id, orgID)
	if err != nil {
		return r, err
	}
	for rows.Next() {
		var sc Score
		if err := rows.Scan(&sc.Indicator, &sc.Weight, &sc.Good, &sc.Facts, &sc.Score); err != nil {
			rows.Close()
			return r, err
		}
		r.Scores = append(r.Scores, sc)
	}
	rows.Close()
	sort.Slice(r.Scores, func(i, j int) bool { return order[r.Scores[i].Indicator] < order[r.Scores[j].Indicator] })
	rows, err = s.DB.QueryContext(ctx, `SELECT indicator, source_table, source_id, good, value, label FROM assess_facts WHERE plan_id = $1 AND org_id = $2
		ORDER BY indicator, source_table, source_id LIMIT 20000`, id, orgID)
	if err != nil {
		return r, err
	}
	defer rows.Close()
	for rows.Next() {
		var f Fact
		var good int
		if err := rows.Scan(&f.Indicator, &f.SourceTable, &f.SourceID, &good, &f.Value, &f.Label); err != nil {
			return r, err
		}
		f.Good = good == 1
		f.Link = sourceLink(f.SourceTable, f.SourceID)
		r.Facts = append(r.Facts, f)
	}
	sort.SliceStable(r.Facts, func(i, j int) bool { return order[r.Facts[i].Indicator] < order[r.Facts[j].Indicator] })
	return r, rows.Err()
}

// sourceLink is the page of a fact's source row.
func sourceLink(table, id string) string {
	switch table {
	case "catalog_entries":
		return "/catalog/entries/" + id
	case "catalog_systems":
		return "/catalog/systems/" + id
	case "share_requests":
		return "/share/requests/" + id
	case "share_grants":
		return "/share/grants/" + id
	case "sanctions":
		return "/sanctions/" + id
	case "sup_notices":
		return "/supervision/notices/" + id
	}
	return ""
}

// ExportXLSX writes an agency's report as a workbook: its scores, then every fact behind them.
func (s *Service) ExportXLSX(ctx context.Context, p *authz.Principal, id, orgID string, out io.Writer) (err error) {
	defer errs.Wrap(&err, "supervise: ExportXLSX(%s, %s)", id, orgID)
	r, err := s.OrgResult(ctx, p, id, orgID)
	if err != nil {
		return err
	}
	label := func(v, code string) string { l, _ := vocab.Lookup(v, code); return l[0] + " / " + l[1] }
	f := excelize.NewFile()
	defer f.Close()
	const sh, fsh = "得分 Scores", "事实 Facts"
	f.SetSheetName("Sheet1", sh)
	put := func(sheet string, row int, vals ...any) {
		for i, v := range vals {
			cell, _ := excelize.CoordinatesToCellName(i+1, row)
			f.SetCellValue(sheet, cell, v)
		}
	}
	put(sh, 1, r.Plan.Title)
	put(sh, 2, "单位 Agency", r.OrgName)
	put(sh, 3, "总分 Total", r.Total, "排名 Rank", fmt.Sprintf("%d / %d", r.Rank, r.Of))
	put(sh, 4, "状态 State", label(vocab.AssessState, r.Plan.State))
	put(sh, 6, "指标 Indicator", "权重 Weight", "计分事实 Facts counted for", "事实数 Facts", "得分 Score")
	for i, sc := range r.Scores {
		put(sh, 7+i, label(vocab.AssessIndicator, sc.Indicator), sc.Weight, sc.Good, sc.Facts, sc.Score)
	}
	f.NewSheet(fsh)
	put(fsh, 1, "指标 Indicator", "来源 Source", "记录编号 Row id", "名称 Name", "计分 Counts for", "数值 Value")
	for i, x := range r.Facts {
		yes := "否 No"
		if x.Good {
			yes = "是 Yes"
		}
		put(fsh, 2+i, label(vocab.AssessIndicator, x.Indicator), label(vocab.AssessFactSource, x.SourceTable), x.SourceID, x.Label, yes, x.Value)
	}
	if err := f.Write(out); err != nil {
		return err
	}
	return s.Audit.Log(ctx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "assessment.export",
		ObjectType: "assessment_plan", ObjectID: id, Detail: map[string]any{"org_id": orgID}})
}

// CanAssess tells whether p may create and run plans (an authority administrator).
func CanAssess(p *authz.Principal) bool { return CanIssue(p) }
