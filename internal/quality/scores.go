package quality

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/quality/scoring"
	"pubdata/internal/workday"
)

// Score is a quality score (质量评分), 0–100 per dimension; Total is their mean (minus, for an
// agency, a penalty for overdue correction tasks). Its one definition is package scoring.
type Score = scoring.Score

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

// LateCap is the most timeliness late data scores (scoring.LateCap).
const LateCap = scoring.LateCap

func round1(f float64) float64 { return scoring.Round1(f) }

// scoreEntry scores an entry's data as it stands after a load, inside the load's transaction
// (after the correction rows were updated), so that an upsert of a few rows is judged with the
// rest of the data and rows fixed earlier no longer count:
//   - completeness, accuracy, consistency: the share of the entry's rows with no open problem of
//     that dimension (open correction-task rows, plus this load's problems beyond them);
//   - timeliness: the same for timeliness problems, capped by scoring.Lateness when the gap
//     since the previous load exceeds what the entry's declared update frequency allows (AGG-5);
//     while the entry stays late afterwards, readers cap it further (scoring.AtTime);
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
	keyless := 0
	for _, p := range problems {
		switch {
		case p.Key == "" && p.Line <= 1: // about the file or the load, not a row: lateness is judged below
		case p.Key == "":
			mark(p.Dimension, "l:"+itoa(p.Line))
			keyless++
		default:
			mark(p.Dimension, "k:"+p.Key)
		}
	}
	held := max(ld.Held, 0)
	missing := max(len(notLoaded), ld.Rejected)
	c := scoring.Counts{Rows: held + missing, Held: held, Bad: map[string]int{}, Late: 1}
	for d, ids := range bad {
		c.Bad[d] = len(ids)
	}
	var prev int64
	if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(at), 0) FROM quality_load_scores WHERE entry_id = $1 AND at < $2", e.ID, db.Millis(ld.At)).Scan(&prev); err != nil {
		return ScorePoint{}, err
	}
	if prev > 0 {
		c.Late = scoring.Lateness(e.Frequency, db.FromMillis(prev), ld.At)
	}
	sp := ScorePoint{At: ld.At, EntryID: e.ID, Version: ld.Version, Rows: int64(held), Problems: int64(len(problems))}
	sp.Score = scoring.Of(c)
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
	op, err := s.orgScore(ctx, tx, ld.OrgID, ld.At)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO quality_org_scores (id, org_id, entry_id, version, at, entries, penalty,
		completeness, accuracy, consistency, timeliness, availability, total) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
		ids.New(), ld.OrgID, e.ID, ld.Version, db.Millis(ld.At), op.Entries, op.Penalty, op.Completeness, op.Accuracy, op.Consistency,
		op.Timeliness, op.Availability, op.Total)
	return err
}

// currentScores returns the latest load score of each scored entry (of one agency, or of all
// when orgID is ""), as it stands at now: an entry that is late for its declared update
// frequency has its timeliness lowered for as long as it stays late (scoring.AtTime), without
// waiting for its next load.
func (s *Service) currentScores(ctx context.Context, q db.Q, orgID, entryID string, now time.Time) ([]ScorePoint, error) {
	query := `SELECT s.entry_id, s.org_id, s.at, s.version, s.rows_checked, s.problems, s.completeness, s.accuracy, s.consistency, s.timeliness,
		s.availability, s.total, COALESCE(c.frequency, '')
		FROM quality_load_scores s LEFT JOIN catalog_entries c ON c.id = s.entry_id
		WHERE s.version = (SELECT MAX(x.version) FROM quality_load_scores x WHERE x.entry_id = s.entry_id)`
	var args []any
	if orgID != "" {
		args = append(args, orgID)
		query += " AND s.org_id = $1"
	}
	if entryID != "" {
		args = append(args, entryID)
		query += fmt.Sprintf(" AND s.entry_id = $%d", len(args))
	}
	rows, err := q.QueryContext(ctx, query+" ORDER BY s.entry_id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ScorePoint
	for rows.Next() {
		var sp ScorePoint
		var at int64
		var org, freq string
		if err := rows.Scan(&sp.EntryID, &org, &at, &sp.Version, &sp.Rows, &sp.Problems, &sp.Completeness, &sp.Accuracy, &sp.Consistency,
			&sp.Timeliness, &sp.Availability, &sp.Total, &freq); err != nil {
			return nil, err
		}
		sp.At = db.FromMillis(at)
		sp.Day = workday.Format(sp.At)
		sp.Score = scoring.AtTime(sp.Score, catalog.Frequency(freq), sp.At, now)
		out = append(out, sp)
	}
	return out, rows.Err()
}

// CurrentScore is an entry's score now: its latest load's score, with timeliness lowered while
// the entry is late (the number the entry page shows; the same definition as the load's
// report, which shows it as of the load). ok is false before any load was scored.
func (s *Service) CurrentScore(ctx context.Context, p *authz.Principal, entryID string) (sp ScorePoint, ok bool, err error) {
	defer errs.Wrap(&err, "quality: CurrentScore(%s)", entryID)
	e, err := s.entry(ctx, entryID)
	if err != nil {
		return sp, false, err
	}
	if err := authz.QualityScores(p, authz.Read, attrsOf(e)); err != nil {
		return sp, false, err
	}
	ps, err := s.currentScores(ctx, s.DB, "", entryID, s.Now())
	if err != nil || len(ps) == 0 {
		return sp, false, err
	}
	return ps[0], true, nil
}

// orgScore is an agency's score at now: the mean of its entries' current scores (currentScores),
// minus OverduePenalty per correction task past its deadline.
func (s *Service) orgScore(ctx context.Context, q db.Q, orgID string, now time.Time) (ScorePoint, error) {
	var sp ScorePoint
	ps, err := s.currentScores(ctx, q, orgID, "", now)
	if err != nil {
		return sp, err
	}
	var sum Score
	for _, c := range ps {
		sum.Completeness += c.Completeness
		sum.Accuracy += c.Accuracy
		sum.Consistency += c.Consistency
		sum.Timeliness += c.Timeliness
		sum.Availability += c.Availability
		sum.Total += c.Total
	}
	n := len(ps)
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
func (s *Service) SnapshotDaily(ctx context.Context, now time.Time) (err error) {
	defer errs.Wrap(&err, "quality: SnapshotDaily")
	day := workday.Format(now)
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		// Today's scores as they stand (an entry late since its last load scores lower each day).
		cur, err := s.currentScores(ctx, tx, "", "", now)
		if err != nil {
			return err
		}
		type row struct {
			id string
			Score
		}
		var es []row
		for _, c := range cur {
			es = append(es, row{id: c.EntryID, Score: c.Score})
		}
		orgs, err := queryStrings(ctx, tx, "SELECT DISTINCT org_id FROM quality_load_scores WHERE org_id <> '' ORDER BY org_id")
		if err != nil {
			return err
		}
		for _, o := range orgs {
			sp, err := s.orgScore(ctx, tx, o, now)
			if err != nil {
				return err
			}
			if sp.Entries > 0 {
				es = append(es, row{id: "org:" + o, Score: sp.Score})
				// The agency's score history (read by the dashboard and the annual assessment)
				// follows lateness too: a new point when today's score differs from its last.
				var last float64
				err := tx.QueryRowContext(ctx, "SELECT total FROM quality_org_scores WHERE org_id = $1 ORDER BY at DESC, id DESC LIMIT 1", o).Scan(&last)
				if err != nil && !db.IsNoRows(err) {
					return err
				}
				if err != nil || last != sp.Total {
					if _, err := tx.ExecContext(ctx, `INSERT INTO quality_org_scores (id, org_id, entry_id, version, at, entries, penalty,
						completeness, accuracy, consistency, timeliness, availability, total) VALUES ($1,$2,'',0,$3,$4,$5,$6,$7,$8,$9,$10,$11)`,
						ids.New(), o, db.Millis(now), sp.Entries, sp.Penalty, sp.Completeness, sp.Accuracy, sp.Consistency,
						sp.Timeliness, sp.Availability, sp.Total); err != nil {
						return err
					}
				}
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
func (s *Service) EntryScores(ctx context.Context, p *authz.Principal, entryID, period string, limit int) (_ []ScorePoint, err error) {
	defer errs.Wrap(&err, "quality: EntryScores(%s)", entryID)
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
func (s *Service) OrgScores(ctx context.Context, p *authz.Principal, orgID, period string, limit int) (_ []ScorePoint, err error) {
	defer errs.Wrap(&err, "quality: OrgScores(%s)", orgID)
	if err := authz.QualityScores(p, authz.Read, authz.QualityAttrs{ProviderOrgID: orgID}); err != nil {
		return nil, err
	}
	period, err = checkPeriod(period)
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
func (s *Service) Summaries(ctx context.Context, p *authz.Principal) (_ []OrgSummary, err error) {
	defer errs.Wrap(&err, "quality: Summaries")
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
	now := s.Now()
	for _, o := range orgs {
		if o == "" {
			continue
		}
		sm := OrgSummary{OrgID: o, Score: -1}
		s.DB.QueryRowContext(ctx, "SELECT name FROM orgs WHERE id = $1", o).Scan(&sm.OrgName)
		// The agency's score as it stands now (lateness included), by the same definition as
		// its score history; At is its latest scored load.
		op, err := s.orgScore(ctx, s.DB, o, now)
		if err != nil {
			return nil, err
		}
		if op.Entries > 0 {
			sm.Score, sm.Entries = op.Total, op.Entries
			var at int64
			s.DB.QueryRowContext(ctx, "SELECT COALESCE(MAX(at), 0) FROM quality_load_scores WHERE org_id = $1", o).Scan(&at)
			sm.At = db.FromMillis(at)
		}
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
