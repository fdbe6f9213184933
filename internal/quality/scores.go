package quality

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/ids"
	"pubdata/internal/workday"
)

// Score is a quality score (质量评分), 0–100 per dimension; Total is their mean (minus, for an
// agency, a penalty for overdue correction tasks).
type Score struct {
	Completeness float64 `json:"completeness"`
	Accuracy     float64 `json:"accuracy"`
	Consistency  float64 `json:"consistency"`
	Timeliness   float64 `json:"timeliness"`
	Availability float64 `json:"availability"`
	Total        float64 `json:"total"`
}

// Dim returns one dimension's value.
func (s Score) Dim(d string) float64 {
	switch d {
	case Completeness:
		return s.Completeness
	case Accuracy:
		return s.Accuracy
	case Consistency:
		return s.Consistency
	case Timeliness:
		return s.Timeliness
	case Availability:
		return s.Availability
	}
	return s.Total
}

// ScorePoint is a score at a moment: one load, one agency snapshot or one day.
type ScorePoint struct {
	At       time.Time `json:"at"`
	Day      string    `json:"day,omitempty"`
	EntryID  string    `json:"entry_id,omitempty"`
	Version  int64     `json:"version,omitempty"`
	Rows     int64     `json:"rows,omitempty"`
	Problems int64     `json:"problems,omitempty"`
	Entries  int       `json:"entries,omitempty"`
	Penalty  float64   `json:"penalty,omitempty"`
	Score
}

// OverduePenalty is subtracted from an agency's total per correction task past its deadline
// (at most MaxPenalty).
const (
	OverduePenalty = 5
	MaxPenalty     = 50
)

// LateCap caps the timeliness of a load the loader found late for the entry's update frequency.
const LateCap = 60

func round1(f float64) float64 { return math.Round(f*10) / 10 }

func pct(good, all int) float64 {
	if all <= 0 {
		return 100
	}
	if good < 0 {
		good = 0
	}
	return round1(100 * float64(good) / float64(all))
}

// frequencyDays is the longest expected gap between loads for a declared update frequency
// (0 = no expectation).
func frequencyDays(f catalog.Frequency) float64 {
	switch f {
	case catalog.FreqRealtime, catalog.FreqDaily:
		return 1
	case catalog.FreqWeekly:
		return 7
	case catalog.FreqMonthly:
		return 31
	case catalog.FreqQuarterly:
		return 92
	case catalog.FreqYearly:
		return 366
	}
	return 0
}

// scoreEntry scores an entry's data as it stands after a load, inside the load's transaction
// (after the correction rows were updated), so that an upsert of a few rows is judged with the
// rest of the data and rows fixed earlier no longer count:
//   - completeness, accuracy, consistency: the share of the entry's rows with no open problem of
//     that dimension (open correction-task rows, plus this load's problems beyond them);
//   - timeliness: the same for timeliness problems, capped at LateCap when the loader found the
//     load late, and lowered further the longer the gap since the previous load exceeds the
//     entry's declared update frequency (AGG-5);
//   - availability: the share of the rows the agency sent that are held (loaded), i.e. not
//     rejected and still awaiting correction.
//
// The rows counted are those held plus those sent but not loaded.
func (s *Service) scoreEntry(ctx context.Context, tx db.Q, e *catalog.Entry, ld Load, problems []Problem) (ScorePoint, error) {
	bad := map[string]map[string]bool{}
	mark := func(d, id string) {
		if _, ok := DimensionNames[d]; !ok {
			d = Accuracy
		}
		if bad[d] == nil {
			bad[d] = map[string]bool{}
		}
		bad[d][id] = true
	}
	notLoaded := map[string]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT r.record_key, r.dimension, r.fingerprint FROM quality_task_rows r JOIN quality_tasks t ON t.id = r.task_id
		WHERE r.entry_id = $1 AND r.status = $2 AND t.state IN ($3, $4, $5, $6)`, e.ID, RowOpen, TaskOpen, TaskInProgress, TaskOverdue, TaskEscalated)
	if err != nil {
		return ScorePoint{}, err
	}
	for rows.Next() {
		var key, dim, fp string
		if err := rows.Scan(&key, &dim, &fp); err != nil {
			rows.Close()
			return ScorePoint{}, err
		}
		mark(dim, "k:"+key)
		if fp == "" {
			notLoaded[key] = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return ScorePoint{}, err
	}
	lateFlag := false
	keyless := 0
	for _, p := range problems {
		switch {
		case p.Key == "" && p.Line <= 1: // about the file or the load, not a row
			lateFlag = lateFlag || p.Dimension == Timeliness
		case p.Key == "":
			mark(p.Dimension, "l:"+itoa(p.Line))
			keyless++
		default:
			mark(p.Dimension, "k:"+p.Key)
		}
	}
	held := max(ld.Held, 0)
	missing := max(len(notLoaded), ld.Rejected)
	all := held + missing
	sp := ScorePoint{At: ld.At, EntryID: e.ID, Version: ld.Version, Rows: int64(held), Problems: int64(len(problems))}
	sp.Completeness = pct(all-len(bad[Completeness]), all)
	sp.Accuracy = pct(all-len(bad[Accuracy]), all)
	sp.Consistency = pct(all-len(bad[Consistency]), all)
	sp.Timeliness = pct(all-len(bad[Timeliness]), all)
	if lateFlag {
		sp.Timeliness = min(sp.Timeliness, LateCap)
	}
	if exp := frequencyDays(e.Frequency); exp > 0 {
		var prev int64
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(at), 0) FROM quality_load_scores WHERE entry_id = $1 AND at < $2", e.ID, db.Millis(ld.At)).Scan(&prev); err != nil {
			return ScorePoint{}, err
		}
		if prev > 0 {
			gap := ld.At.Sub(db.FromMillis(prev)).Hours() / 24
			allowed := exp*1.2 + 1
			if gap > allowed {
				sp.Timeliness = round1(min(sp.Timeliness, 100*allowed/gap))
			}
		}
	}
	sp.Availability = pct(held, all)
	sp.Total = round1((sp.Completeness + sp.Accuracy + sp.Consistency + sp.Timeliness + sp.Availability) / 5)
	return sp, nil
}

func (s *Service) storeScores(ctx context.Context, tx *sql.Tx, e *catalog.Entry, ld Load, problems []Problem) error {
	sp, err := s.scoreEntry(ctx, tx, e, ld, problems)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO quality_load_scores (entry_id, version, org_id, at, rows_checked, problems,
		completeness, accuracy, consistency, timeliness, availability, total) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
		e.ID, ld.Version, ld.OrgID, db.Millis(ld.At), sp.Rows, sp.Problems, sp.Completeness, sp.Accuracy, sp.Consistency,
		sp.Timeliness, sp.Availability, sp.Total); err != nil {
		return err
	}
	op, err := s.orgScore(ctx, tx, ld.OrgID)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO quality_org_scores (id, org_id, entry_id, version, at, entries, penalty,
		completeness, accuracy, consistency, timeliness, availability, total) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
		ids.New(), ld.OrgID, e.ID, ld.Version, db.Millis(ld.At), op.Entries, op.Penalty, op.Completeness, op.Accuracy, op.Consistency,
		op.Timeliness, op.Availability, op.Total)
	return err
}

// orgScore is an agency's current score: the mean of its entries' latest load scores, minus
// OverduePenalty per correction task past its deadline.
func (s *Service) orgScore(ctx context.Context, q db.Q, orgID string) (ScorePoint, error) {
	var sp ScorePoint
	rows, err := q.QueryContext(ctx, `SELECT s.completeness, s.accuracy, s.consistency, s.timeliness, s.availability, s.total
		FROM quality_load_scores s WHERE s.org_id = $1 AND s.version = (SELECT MAX(x.version) FROM quality_load_scores x WHERE x.entry_id = s.entry_id)`, orgID)
	if err != nil {
		return sp, err
	}
	var sum Score
	n := 0
	for rows.Next() {
		var c Score
		if err := rows.Scan(&c.Completeness, &c.Accuracy, &c.Consistency, &c.Timeliness, &c.Availability, &c.Total); err != nil {
			rows.Close()
			return sp, err
		}
		sum.Completeness += c.Completeness
		sum.Accuracy += c.Accuracy
		sum.Consistency += c.Consistency
		sum.Timeliness += c.Timeliness
		sum.Availability += c.Availability
		sum.Total += c.Total
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return sp, err
	}
	var overdue int
	if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM quality_tasks WHERE org_id = $1 AND state IN ($2, $3)", orgID, TaskOverdue, TaskEscalated).Scan(&overdue); err != nil {
		return sp, err
	}
	sp.Entries = n
	if n == 0 {
		return sp, nil
	}
	f := float64(n)
	sp.Completeness, sp.Accuracy, sp.Consistency = round1(sum.Completeness/f), round1(sum.Accuracy/f), round1(sum.Consistency/f)
	sp.Timeliness, sp.Availability = round1(sum.Timeliness/f), round1(sum.Availability/f)
	sp.Penalty = float64(min(overdue*OverduePenalty, MaxPenalty))
	sp.Total = round1(max(sum.Total/f-sp.Penalty, 0))
	return sp, nil
}

// SnapshotDaily records today's (Asia/Shanghai) score of every scored entry and agency; run by
// the daily job, idempotent within a day (the day's row is overwritten).
func (s *Service) SnapshotDaily(ctx context.Context, now time.Time) error {
	day := workday.Format(now)
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT s.entry_id, s.completeness, s.accuracy, s.consistency, s.timeliness, s.availability, s.total
			FROM quality_load_scores s WHERE s.version = (SELECT MAX(x.version) FROM quality_load_scores x WHERE x.entry_id = s.entry_id)`)
		if err != nil {
			return err
		}
		type row struct {
			id string
			Score
		}
		var es []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.Completeness, &r.Accuracy, &r.Consistency, &r.Timeliness, &r.Availability, &r.Total); err != nil {
				rows.Close()
				return err
			}
			es = append(es, r)
		}
		rows.Close()
		orgs, err := queryStrings(ctx, tx, "SELECT DISTINCT org_id FROM quality_load_scores WHERE org_id <> '' ORDER BY org_id")
		if err != nil {
			return err
		}
		for _, o := range orgs {
			sp, err := s.orgScore(ctx, tx, o)
			if err != nil {
				return err
			}
			if sp.Entries > 0 {
				es = append(es, row{id: "org:" + o, Score: sp.Score})
			}
		}
		for _, r := range es {
			scope, id := "entry", r.id
			if len(id) > 4 && id[:4] == "org:" {
				scope, id = "org", id[4:]
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO quality_daily_scores (scope, subject_id, day, at, completeness, accuracy, consistency, timeliness, availability, total)
				VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)
				ON CONFLICT (scope, subject_id, day) DO UPDATE SET at = excluded.at, completeness = excluded.completeness, accuracy = excluded.accuracy,
				consistency = excluded.consistency, timeliness = excluded.timeliness, availability = excluded.availability, total = excluded.total`,
				scope, id, day, db.Millis(now), r.Completeness, r.Accuracy, r.Consistency, r.Timeliness, r.Availability, r.Total); err != nil {
				return err
			}
		}
		return nil
	})
}

// Periods of a score series.
const (
	PeriodLoad = "load" // one point per load
	PeriodDay  = "day"  // one point per day
)

func checkPeriod(period string) (string, error) {
	switch period {
	case "", PeriodLoad:
		return PeriodLoad, nil
	case PeriodDay:
		return PeriodDay, nil
	}
	return "", apperr.Invalid.With(apperr.Field("period", "周期须为 load 或 day", "period must be load or day"))
}

// EntryScores returns an entry's scores, oldest first (at most limit, the latest ones).
func (s *Service) EntryScores(ctx context.Context, p *authz.Principal, entryID, period string, limit int) ([]ScorePoint, error) {
	e, err := s.entry(ctx, entryID)
	if err != nil {
		return nil, err
	}
	if err := authz.QualityScores(p, authz.Read, attrsOf(e)); err != nil {
		return nil, err
	}
	if period, err = checkPeriod(period); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 90
	}
	if period == PeriodDay {
		return s.daily(ctx, "entry", entryID, limit)
	}
	rows, err := s.DB.QueryContext(ctx, fmt.Sprintf(`SELECT at, version, rows_checked, problems, completeness, accuracy, consistency, timeliness, availability, total
		FROM quality_load_scores WHERE entry_id = $1 ORDER BY at DESC, version DESC LIMIT %d`, limit), entryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ScorePoint
	for rows.Next() {
		sp := ScorePoint{EntryID: entryID}
		var at int64
		if err := rows.Scan(&at, &sp.Version, &sp.Rows, &sp.Problems, &sp.Completeness, &sp.Accuracy, &sp.Consistency, &sp.Timeliness, &sp.Availability, &sp.Total); err != nil {
			return nil, err
		}
		sp.At = db.FromMillis(at)
		sp.Day = workday.Format(sp.At)
		out = append(out, sp)
	}
	reverse(out)
	return out, rows.Err()
}

// OrgScores returns an agency's scores, oldest first.
func (s *Service) OrgScores(ctx context.Context, p *authz.Principal, orgID, period string, limit int) ([]ScorePoint, error) {
	if err := authz.QualityScores(p, authz.Read, authz.QualityAttrs{ProviderOrgID: orgID}); err != nil {
		return nil, err
	}
	period, err := checkPeriod(period)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 90
	}
	if period == PeriodDay {
		return s.daily(ctx, "org", orgID, limit)
	}
	rows, err := s.DB.QueryContext(ctx, fmt.Sprintf(`SELECT at, entry_id, version, entries, penalty, completeness, accuracy, consistency, timeliness, availability, total
		FROM quality_org_scores WHERE org_id = $1 ORDER BY at DESC, id DESC LIMIT %d`, limit), orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ScorePoint
	for rows.Next() {
		var sp ScorePoint
		var at int64
		if err := rows.Scan(&at, &sp.EntryID, &sp.Version, &sp.Entries, &sp.Penalty, &sp.Completeness, &sp.Accuracy, &sp.Consistency, &sp.Timeliness, &sp.Availability, &sp.Total); err != nil {
			return nil, err
		}
		sp.At = db.FromMillis(at)
		sp.Day = workday.Format(sp.At)
		out = append(out, sp)
	}
	reverse(out)
	return out, rows.Err()
}

func (s *Service) daily(ctx context.Context, scope, id string, limit int) ([]ScorePoint, error) {
	rows, err := s.DB.QueryContext(ctx, fmt.Sprintf(`SELECT day, at, completeness, accuracy, consistency, timeliness, availability, total
		FROM quality_daily_scores WHERE scope = $1 AND subject_id = $2 ORDER BY day DESC LIMIT %d`, limit), scope, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ScorePoint
	for rows.Next() {
		var sp ScorePoint
		var at int64
		if err := rows.Scan(&sp.Day, &at, &sp.Completeness, &sp.Accuracy, &sp.Consistency, &sp.Timeliness, &sp.Availability, &sp.Total); err != nil {
			return nil, err
		}
		sp.At = db.FromMillis(at)
		out = append(out, sp)
	}
	reverse(out)
	return out, rows.Err()
}

func reverse[T any](xs []T) {
	for i, j := 0, len(xs)-1; i < j; i, j = i+1, j-1 {
		xs[i], xs[j] = xs[j], xs[i]
	}
}

// OrgSummary is one agency's standing for the authority's overview.
type OrgSummary struct {
	OrgID        string    `json:"org_id"`
	OrgName      string    `json:"org_name"`
	Score        float64   `json:"score"`
	Entries      int       `json:"entries"`
	At           time.Time `json:"at"`
	OpenTasks    int       `json:"open_tasks"`
	OverdueTasks int       `json:"overdue_tasks"`
	Objections   int       `json:"open_objections"`
	// NoData: the agency has published catalog entries but has aggregated no data (score 0).
	NoData bool `json:"no_data,omitempty"`
}

// Summaries lists every agency with quality activity: its latest score and open work, best
// score first. For the authority, auditors, oversight bodies (all) and experts.
func (s *Service) Summaries(ctx context.Context, p *authz.Principal) ([]OrgSummary, error) {
	if !(p.IsAuthority() || p.Has(authz.Auditor, authz.Oversight, authz.Expert)) || !p.Scoped("read") {
		if !p.Authenticated() {
			return nil, apperr.Unauthenticated
		}
		return nil, apperr.Forbidden
	}
	// Every agency with published catalog entries appears, also one that holds no data yet: it
	// scores 0 (nothing aggregated is nothing usable), with NoData set.
	orgs, err := queryStrings(ctx, s.DB, `SELECT org_id FROM quality_org_scores UNION SELECT org_id FROM quality_tasks
		UNION SELECT provider_org_id FROM quality_objections UNION SELECT provider_org_id FROM catalog_entries WHERE live = 1 ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	var out []OrgSummary
	for _, o := range orgs {
		if o == "" {
			continue
		}
		sm := OrgSummary{OrgID: o, Score: -1}
		s.DB.QueryRowContext(ctx, "SELECT name FROM orgs WHERE id = $1", o).Scan(&sm.OrgName)
		var at int64
		if err := s.DB.QueryRowContext(ctx, "SELECT total, entries, at FROM quality_org_scores WHERE org_id = $1 ORDER BY at DESC, id DESC LIMIT 1", o).
			Scan(&sm.Score, &sm.Entries, &at); err != nil && !db.IsNoRows(err) {
			return nil, err
		}
		sm.At = db.FromMillis(at)
		if sm.Score < 0 {
			var live int
			s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM catalog_entries WHERE live = 1 AND provider_org_id = $1", o).Scan(&live)
			if live > 0 {
				sm.Score, sm.Entries, sm.NoData = 0, live, true
			}
		}
		s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM quality_tasks WHERE org_id = $1 AND state IN ($2, $3)", o, TaskOpen, TaskInProgress).Scan(&sm.OpenTasks)
		s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM quality_tasks WHERE org_id = $1 AND state IN ($2, $3)", o, TaskOverdue, TaskEscalated).Scan(&sm.OverdueTasks)
		s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM quality_objections WHERE provider_org_id = $1 AND state IN ($2, $3, $4)", o, ObjOpen, ObjVerifying, ObjOverdue).Scan(&sm.Objections)
		out = append(out, sm)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Score > out[j-1].Score; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out, nil
}
