package operate

import (
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/workday"
)

// The annual evaluation of the operator (运营单位年度评估, OPR-8, BTO 36–38): a third-party
// assessor's outcome is recorded by the authority — pass, fail (the operator exits), or rectify
// within 30 days and then be evaluated again; a second "rectify" in the same year counts as a
// fail. Units' ratings of the products are recorded with it as a fact (BTO 36).

// Evaluation outcomes.
const (
	EvalPass    = "pass"
	EvalFail    = "fail"
	EvalRectify = "rectify"
)

// Evaluation states of a year.
const (
	EvalNone       = ""           // not yet evaluated
	EvalPassed     = "passed"     // 合格
	EvalRectifying = "rectifying" // 整改中（30日内整改后复评）
	EvalExited     = "exited"     // 不合格，退出
)

// RectifyDays is the rectification period (calendar days, as BTO 37 states it).
const RectifyDays = 30

// NextEvaluation is the one state machine of a year's evaluation: from the state before and an
// outcome, the state after, the outcome as it counts (a second rectify counts as fail), and the
// rectification due date. A year that has passed or exited takes no more outcomes.
func NextEvaluation(state, outcome string, today time.Time) (next, effective, due string, err error) {
	if outcome != EvalPass && outcome != EvalFail && outcome != EvalRectify {
		return "", "", "", apperr.Invalid.With(apperr.Field("outcome", "评估结论应为合格、不合格或限期整改", "the outcome is pass, fail or rectify"))
	}
	switch state {
	case EvalNone:
		switch outcome {
		case EvalPass:
			return EvalPassed, EvalPass, "", nil
		case EvalFail:
			return EvalExited, EvalFail, "", nil
		}
		return EvalRectifying, EvalRectify, today.AddDate(0, 0, RectifyDays).Format("2006-01-02"), nil
	case EvalRectifying:
		if outcome == EvalPass {
			return EvalPassed, EvalPass, "", nil
		}
		return EvalExited, EvalFail, "", nil // fail, or a second rectify counted as fail
	}
	return "", "", "", ErrState
}

// Evaluation is one recorded round of a year's evaluation.
type Evaluation struct {
	ID         string             `json:"id"`
	Year       int                `json:"year"`
	Round      int                `json:"round"`
	Assessor   string             `json:"assessor"`
	Outcome    string             `json:"outcome"`   // as the assessor concluded
	Effective  string             `json:"effective"` // as it counts
	State      string             `json:"state"`     // the year's state after it
	DueDate    string             `json:"due_date,omitempty"`
	Findings   string             `json:"findings"`
	Facts      map[string]float64 `json:"facts"`
	RecordedBy string             `json:"recorded_by"`
	At         db.Stamp           `json:"at"`
}

// EvaluationInput is what the authority records.
type EvaluationInput struct {
	Year     int    `json:"year"`
	Assessor string `json:"assessor"` // the third-party assessment body
	Outcome  string `json:"outcome"`
	Findings string `json:"findings"`
}

const evalCols = "id, year, round, assessor, outcome, effective, state, due_date, findings, facts, recorded_by, at"

func scanEval(sc interface{ Scan(...any) error }) (Evaluation, error) {
	var e Evaluation
	var facts string
	err := sc.Scan(&e.ID, &e.Year, &e.Round, &e.Assessor, &e.Outcome, &e.Effective, &e.State, &e.DueDate, &e.Findings, &facts, &e.RecordedBy, &e.At)
	if err == nil {
		json.Unmarshal([]byte(facts), &e.Facts)
	}
	return e, err
}

// RecordEvaluation records a round of the year's evaluation (the authority's administrators).
func (s *Service) RecordEvaluation(ctx context.Context, p *authz.Principal, in EvaluationInput) (_ Evaluation, err error) {
	defer errs.Wrap(&err, "operate: RecordEvaluation")
	if err := authz.Operate(p, authz.OprEvaluate, authz.OperateAttrs{}); err != nil {
		return Evaluation{}, err
	}
	var fe []apperr.FieldError
	var e *apperr.FieldError
	if in.Assessor, e = text("assessor", in.Assessor, 200); e != nil {
		fe = append(fe, *e)
	}
	if in.Findings, e = text("findings", in.Findings, 4000); e != nil {
		fe = append(fe, *e)
	}
	if in.Year < 2000 || in.Year > s.Now().In(workday.Location).Year() {
		fe = append(fe, apperr.Field("year", "评估年度无效", "invalid year"))
	}
	if len(fe) > 0 {
		return Evaluation{}, apperr.Invalid.With(fe...)
	}
	supervision, err := s.supervisionFacts(ctx, in.Year)
	if err != nil {
		return Evaluation{}, err
	}
	var out Evaluation
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		state, round := EvalNone, 0
		last, err := scanEval(tx.QueryRowContext(ctx, "SELECT "+evalCols+" FROM opr_evaluations WHERE year = $1 ORDER BY round DESC LIMIT 1"+s.DB.ForUpdate(), in.Year))
		if err == nil {
			state, round = last.State, last.Round
		} else if !db.IsNoRows(err) {
			return err
		}
		next, eff, due, err := NextEvaluation(state, in.Outcome, s.Now().In(workday.Location))
		if err != nil {
			return err
		}
		facts := map[string]float64{}
		from := time.Date(in.Year, 1, 1, 0, 0, 0, 0, workday.Location)
		var n int
		var mean sql.NullFloat64
		tx.QueryRowContext(ctx, "SELECT COUNT(*), AVG(rating) FROM opr_feedback WHERE created_at >= $1 AND created_at < $2", db.Millis(from), db.Millis(from.AddDate(1, 0, 0))).Scan(&n, &mean)
		facts["unit_ratings"], facts["unit_mean_rating"] = float64(n), math.Round(mean.Float64*100)/100
		var filed int
		tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM opr_reports WHERE period LIKE $1", itoa(in.Year)+"%").Scan(&filed)
		facts["reports_filed"] = float64(filed)
		for k, v := range supervision {
			facts[k] = float64(v)
		}
		out = Evaluation{ID: ids.New(), Year: in.Year, Round: round + 1, Assessor: in.Assessor, Outcome: in.Outcome, Effective: eff, State: next, DueDate: due,
			Findings: in.Findings, Facts: facts, RecordedBy: p.UserID, At: db.Stamp(s.now())}
		js, _ := json.Marshal(facts)
		if _, err := tx.ExecContext(ctx, "INSERT INTO opr_evaluations ("+evalCols+") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
			out.ID, out.Year, out.Round, out.Assessor, out.Outcome, out.Effective, out.State, out.DueDate, out.Findings, string(js), out.RecordedBy, int64(out.At)); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "operate.evaluation."+out.Effective, "opr_evaluation", out.ID, map[string]any{"year": out.Year, "round": out.Round, "outcome": out.Outcome, "state": out.State})
	})
	return out, err
}

// SupervisionFacts counts one organization's supervision letters of a year: letters issued,
// of which rectification letters, letters not yet closed, rectification letters overdue, and
// business restrictions not yet closed.
type SupervisionFacts func(ctx context.Context, orgID string, year int) (letters, rectifications, open, overdue, restrictions int, err error)

// supervisionFacts totals the year's supervision letters over the operator organizations, as the
// evaluation's facts (nil when the market is not wired).
func (s *Service) supervisionFacts(ctx context.Context, year int) (map[string]int, error) {
	if s.Supervision == nil {
		return nil, nil
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT id FROM orgs WHERE kind = $1 ORDER BY id", string(authz.KindOperator))
	orgs, err := db.ScanAll(rows, err, func(r *sql.Rows) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
	if err != nil {
		return nil, err
	}
	out := map[string]int{"supervision_letters": 0, "rectification_letters": 0, "letters_open": 0, "letters_overdue": 0, "restrictions_open": 0}
	for _, org := range orgs {
		l, r, o, od, rs, err := s.Supervision(ctx, org, year)
		if err != nil {
			return nil, err
		}
		out["supervision_letters"] += l
		out["rectification_letters"] += r
		out["letters_open"] += o
		out["letters_overdue"] += od
		out["restrictions_open"] += rs
	}
	return out, nil
}

// Evaluations lists every recorded round, newest first (those who see all operation records).
func (s *Service) Evaluations(ctx context.Context, p *authz.Principal) (_ []Evaluation, err error) {
	defer errs.Wrap(&err, "operate: Evaluations")
	if !s.seesAll(p) {
		return nil, apperr.Forbidden
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+evalCols+" FROM opr_evaluations ORDER BY year DESC, round DESC LIMIT 200")
	return db.ScanAll(rows, err, scanEval)
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// ---- the public board: needs, offers, showcase cases, policy notices (OPR-1) ----

// Post kinds.
const (
	PostNeed   = "need"   // 需求（应用单位发布）
	PostOffer  = "offer"  // 供给（运营单位发布）
	PostCase   = "case"   // 应用案例
	PostNotice = "notice" // 政策通知
)

// Post is one item of the board.
type Post struct {
	ID        string   `json:"id"`
	Kind      string   `json:"kind"`
	Title     string   `json:"title"`
	Body      string   `json:"body"`
	OrgID     string   `json:"org_id"`
	State     string   `json:"state"` // open | closed
	CreatedAt db.Stamp `json:"created_at"`
}

// AddPost publishes a board item: needs by application units in cooperation, offers, cases and
// notices by operator staff.
func (s *Service) AddPost(ctx context.Context, p *authz.Principal, in Post) (_ Post, err error) {
	defer errs.Wrap(&err, "operate: AddPost")
	act := authz.OprBoard
	if in.Kind == PostNeed {
		if err := authz.Operate(p, authz.OprApply, authz.OperateAttrs{UnitOrgID: p.OrgID}); err != nil {
			return Post{}, err
		}
		if s.unitState(ctx, s.DB, p.OrgID) != UnitActive {
			return Post{}, ErrSuspended
		}
	} else if err := authz.Operate(p, act, authz.OperateAttrs{}); err != nil {
		return Post{}, err
	}
	var fe []apperr.FieldError
	if in.Kind != PostNeed && in.Kind != PostOffer && in.Kind != PostCase && in.Kind != PostNotice {
		fe = append(fe, apperr.Field("kind", "类型应为需求、供给、案例或政策通知", "the kind is need, offer, case or notice"))
	}
	var e *apperr.FieldError
	if in.Title, e = text("title", in.Title, 200); e != nil {
		fe = append(fe, *e)
	}
	if in.Body, e = text("body", in.Body, 8000); e != nil {
		fe = append(fe, *e)
	}
	if len(fe) > 0 {
		return Post{}, apperr.Invalid.With(fe...)
	}
	po := Post{ID: ids.New(), Kind: in.Kind, Title: in.Title, Body: in.Body, OrgID: p.OrgID, State: "open", CreatedAt: db.Stamp(s.now())}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO opr_posts (id, kind, title, body, org_id, created_by, state, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
			po.ID, po.Kind, po.Title, po.Body, po.OrgID, p.UserID, po.State, int64(po.CreatedAt)); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "operate.post."+po.Kind, "opr_post", po.ID, nil)
	})
	return po, err
}

// ClosePost closes a board item (its author's organization, or operator staff).
func (s *Service) ClosePost(ctx context.Context, p *authz.Principal, id string) (_ Post, err error) {
	defer errs.Wrap(&err, "operate: ClosePost(%s)", id)
	var out Post
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		po, err := scanPost(tx.QueryRowContext(ctx, "SELECT "+postCols+" FROM opr_posts WHERE id = $1"+s.DB.ForUpdate(), id))
		if db.IsNoRows(err) {
			return apperr.Hidden
		}
		if err != nil {
			return err
		}
		if err := authz.OperateOn(p, authz.OprBoard, authz.OperateAttrs{UnitOrgID: po.OrgID}); err != nil {
			return err
		}
		if po.State != "open" {
			return ErrState
		}
		po.State = "closed"
		if _, err := tx.ExecContext(ctx, "UPDATE opr_posts SET state = $1 WHERE id = $2", po.State, po.ID); err != nil {
			return err
		}
		out = po
		return s.record(ctx, tx, p, "operate.post.close", "opr_post", po.ID, nil)
	})
	return out, err
}

const postCols = "id, kind, title, body, org_id, state, created_at"

func scanPost(sc interface{ Scan(...any) error }) (Post, error) {
	var po Post
	return po, sc.Scan(&po.ID, &po.Kind, &po.Title, &po.Body, &po.OrgID, &po.State, &po.CreatedAt)
}

// Posts lists the open board items of a kind ("" = all kinds), newest first — public.
func (s *Service) Posts(ctx context.Context, kind string, limit, offset int) (_ []Post, _ int, err error) {
	defer errs.Wrap(&err, "operate: Posts")
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	cond, args := " WHERE state = 'open'", []any{}
	if kind != "" {
		cond, args = cond+" AND kind = $1", append(args, kind)
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM opr_posts"+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+postCols+" FROM opr_posts"+cond+" ORDER BY created_at DESC, id LIMIT "+itoa(limit)+" OFFSET "+itoa(max(offset, 0)), args...)
	out, err := db.ScanAll(rows, err, scanPost)
	return out, total, err
}
