package operate

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
)

// Budget is the state of a unit's privacy budget for a product's view in the agreement period.
type Budget struct {
	TotalMilli int64 `json:"total_milli"`
	SpentMilli int64 `json:"spent_milli"`
}

// StatsResult is a statistics answer with what it cost.
type StatsResult struct {
	Answer    *Answer `json:"answer"`
	CostMilli int64   `json:"cost_milli"`
	Budget    Budget  `json:"budget"`
}

func ledgerKey(g Agreement) string { return g.ApplicationID + "/" + g.StartDate }

func (s *Service) logUse(ctx context.Context, p *authz.Principal, g Agreement, pr Product, action, objType, objID, result string, detail map[string]any) error {
	return s.Audit.Log(ctx, audit.Event{At: s.Now(), ActorID: p.UserID, ActorName: p.DisplayName, OrgID: p.OrgID, Action: action,
		ObjectType: objType, ObjectID: objID, Purpose: g.Purpose, GrantID: g.ID, Result: result, ClientIP: ClientIPOf(ctx), Detail: detail, Retention: audit.Retain20Y})
}

// logQuery writes the query log, which meters use (OPR-5): volume is the number of result units
// (cells of a statistics answer, one per verification or score).
func (s *Service) logQuery(ctx context.Context, q db.Q, p *authz.Principal, g Agreement, pr Product, hash, query string, cost int64, cached bool, result string, volume int) error {
	_, err := q.ExecContext(ctx, `INSERT INTO opr_queries (id, product_id, version, agreement_id, unit_org_id, actor_id, query_hash, query, cost_milli, cached, result, at, volume)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`, ids.New(), pr.ID, pr.ReleasedVersion, g.ID, g.UnitOrgID, p.UserID, hash, query, cost, b2i(cached), result, s.now(), volume)
	return err
}

func answerCells(a *Answer) int {
	if a == nil {
		return 0
	}
	n := 0
	for _, r := range a.Rows {
		n += len(r.Values)
	}
	return n
}

// budget reads the ledger.
func (s *Service) budget(ctx context.Context, q db.Q, g Agreement, viewID string) Budget {
	b := Budget{TotalMilli: g.BudgetMilli}
	q.QueryRowContext(ctx, "SELECT spent_milli FROM opr_ledger WHERE agreement_id = $1 AND view_id = $2", ledgerKey(g), viewID).Scan(&b.SpentMilli)
	return b
}

// QueryStats answers a statistics query under the caller's agreement in force (OPR-2): the query
// must be of the restricted form; an identical query on the same data returns the stored answer
// without spending budget; otherwise the privacy cost is taken from the ledger before anything
// runs, and refused when the budget would be exceeded. Every call is logged with its cost.
func (s *Service) QueryStats(ctx context.Context, p *authz.Principal, productID string, raw []byte) (_ StatsResult, err error) {
	defer errs.Wrap(&err, "operate: QueryStats(%s)", productID)
	g, err := s.agreementFor(ctx, p, productID)
	if err != nil {
		return StatsResult{}, err
	}
	pr, err := s.product(ctx, s.DB, productID, false)
	if err != nil {
		return StatsResult{}, err
	}
	if pr.Kind != KindStatistics {
		return StatsResult{}, ErrKind
	}
	sp, v, err := s.release(ctx, s.DB, pr)
	if err != nil {
		return StatsResult{}, err
	}
	q, err := ParseStatsQuery(raw, &v)
	if err != nil {
		s.logQuery(ctx, s.DB, p, g, pr, "", truncate(string(raw), 2000), 0, false, "refused: out of form", 0)
		s.logUse(ctx, p, g, pr, "operate.query.refused", "opr_product", pr.ID, audit.Denied, map[string]any{"reason": "query_form"})
		return StatsResult{}, err
	}
	rel, err := s.Data.RelationOf(ctx, v.EntryID)
	if err != nil {
		return StatsResult{}, err
	}
	hash := q.Hash()
	canon, _ := json.Marshal(q)
	var stored string
	err = s.DB.QueryRowContext(ctx, "SELECT answer FROM opr_answers WHERE product_id = $1 AND version = $2 AND data_version = $3 AND query_hash = $4",
		pr.ID, pr.ReleasedVersion, rel.Version, hash).Scan(&stored)
	if err == nil {
		var ans Answer
		if err := json.Unmarshal([]byte(stored), &ans); err != nil {
			return StatsResult{}, err
		}
		ans.Cached = true
		if err := s.logQuery(ctx, s.DB, p, g, pr, hash, string(canon), 0, true, "cached", answerCells(&ans)); err != nil {
			return StatsResult{}, err
		}
		if err := s.logUse(ctx, p, g, pr, "operate.query.statistics", "opr_product", pr.ID, audit.OK, map[string]any{"query_hash": hash, "cost_milli": 0, "cached": true}); err != nil {
			return StatsResult{}, err
		}
		return StatsResult{Answer: &ans, Budget: s.budget(ctx, s.DB, g, v.ID)}, nil
	} else if !db.IsNoRows(err) {
		return StatsResult{}, err
	}
	cost := sp.EpsilonMilli
	key := ledgerKey(g)
	// Reserve the cost before running (refused when it would exceed the budget).
	var b Budget
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO opr_ledger (agreement_id, view_id, spent_milli) VALUES ($1,$2,0) ON CONFLICT DO NOTHING", key, v.ID); err != nil {
			return err
		}
		var spent int64
		if err := tx.QueryRowContext(ctx, "SELECT spent_milli FROM opr_ledger WHERE agreement_id = $1 AND view_id = $2"+s.DB.ForUpdate(), key, v.ID).Scan(&spent); err != nil {
			return err
		}
		b = Budget{TotalMilli: g.BudgetMilli, SpentMilli: spent}
		if spent+cost > g.BudgetMilli {
			return ErrBudget
		}
		b.SpentMilli = spent + cost
		_, err := tx.ExecContext(ctx, "UPDATE opr_ledger SET spent_milli = $1 WHERE agreement_id = $2 AND view_id = $3", b.SpentMilli, key, v.ID)
		return err
	})
	if err != nil {
		if errors.Is(err, ErrBudget) {
			s.logQuery(ctx, s.DB, p, g, pr, hash, string(canon), 0, false, "refused: budget", 0)
			s.logUse(ctx, p, g, pr, "operate.query.refused", "opr_product", pr.ID, audit.Denied, map[string]any{"reason": "budget", "query_hash": hash, "spent_milli": b.SpentMilli, "budget_milli": b.TotalMilli})
			return StatsResult{Budget: b}, ErrBudget.With(apperr.Field("budget", "已用"+milli(b.SpentMilli)+"，总额"+milli(b.TotalMilli)+"，本次需"+milli(cost),
				"spent "+milli(b.SpentMilli)+" of "+milli(b.TotalMilli)+"; this query needs "+milli(cost)))
		}
		return StatsResult{}, err
	}
	refund := func() {
		s.DB.ExecContext(ctx, "UPDATE opr_ledger SET spent_milli = spent_milli - $1 WHERE agreement_id = $2 AND view_id = $3", cost, key, v.ID)
	}
	truth, err := s.Truth(ctx, rel, &v, &q)
	if err != nil {
		refund()
		return StatsResult{}, err
	}
	ans, err := Release(&v, &q, truth, cost, s.Rand)
	if err != nil {
		refund()
		return StatsResult{}, err
	}
	ans.DataVersion = rel.Version
	body, _ := json.Marshal(ans)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO opr_answers (product_id, version, data_version, query_hash, answer, at) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT DO NOTHING",
			pr.ID, pr.ReleasedVersion, rel.Version, hash, string(body), s.now())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			// the same question was answered meanwhile: everybody gets the one stored answer
			if err := tx.QueryRowContext(ctx, "SELECT answer FROM opr_answers WHERE product_id = $1 AND version = $2 AND data_version = $3 AND query_hash = $4",
				pr.ID, pr.ReleasedVersion, rel.Version, hash).Scan(&stored); err != nil {
				return err
			}
			ans = &Answer{}
			json.Unmarshal([]byte(stored), ans)
		}
		return s.logQuery(ctx, tx, p, g, pr, hash, string(canon), cost, false, "answered", answerCells(ans))
	})
	if err != nil {
		return StatsResult{}, err
	}
	if err := s.logUse(ctx, p, g, pr, "operate.query.statistics", "opr_product", pr.ID, audit.OK, map[string]any{"query_hash": hash, "cost_milli": cost, "cached": false}); err != nil {
		return StatsResult{}, err
	}
	return StatsResult{Answer: ans, CostMilli: cost, Budget: b}, nil
}

func milli(m int64) string { return strconv.FormatFloat(float64(m)/1000, 'f', -1, 64) }

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// VerifyResult is all a verification product says (核验结果): whether every named item matches,
// and the share of items that do. Never a value.
type VerifyResult struct {
	Match bool    `json:"match"`
	Score float64 `json:"score"`
}

// subjectRow finds the current row of a subject in the view's entry.
func (s *Service) subjectRow(ctx context.Context, v View, subject string) (map[string]string, bool, error) {
	recs, _, err := s.Data.Query(ctx, v.EntryID, map[string]string{v.Subject: subject}, 1, 0)
	if err != nil {
		return nil, false, err
	}
	if len(recs) == 0 {
		return nil, false, nil
	}
	return recs[0].Values, true, nil
}

func (s *Service) perSubject(ctx context.Context, p *authz.Principal, productID, kind, subject string) (Agreement, Product, ProductSpec, View, string, error) {
	g, err := s.agreementFor(ctx, p, productID)
	if err != nil {
		return g, Product{}, ProductSpec{}, View{}, "", err
	}
	pr, err := s.product(ctx, s.DB, productID, false)
	if err != nil {
		return g, pr, ProductSpec{}, View{}, "", err
	}
	if pr.Kind != kind {
		return g, pr, ProductSpec{}, View{}, "", ErrKind
	}
	sp, v, err := s.release(ctx, s.DB, pr)
	if err != nil {
		return g, pr, sp, v, "", err
	}
	subject = strings.TrimSpace(subject)
	if subject == "" || len(subject) > 100 {
		return g, pr, sp, v, "", apperr.Invalid.With(apperr.Field("subject", "请给出要核验的主体标识", "give the subject to verify"))
	}
	ref, err := s.Audit.Pseudonym(ctx, subject)
	if err != nil {
		return g, pr, sp, v, "", err
	}
	items := sp.Items
	if kind == KindIndicator {
		items = nil
		for m := range sp.Weights {
			items = append(items, m)
		}
	}
	if sp.RequireConsent {
		ok, err := s.Authorized(ctx, ref, p.OrgID, items)
		if err != nil {
			return g, pr, sp, v, ref, err
		}
		if !ok {
			s.logUse(ctx, p, g, pr, "operate."+kind+".refused", "data_subject", ref, audit.Denied, map[string]any{"product_id": pr.ID, "reason": "no_authorization"})
			return g, pr, sp, v, ref, ErrNoConsent
		}
	}
	return g, pr, sp, v, ref, nil
}

// Verify answers a verification product for one presented subject: do the claimed values of the
// product's items match the record? Honours the subject's authorizations when the product needs
// them. The access is audited against the subject's pseudonym, so the subject can see it.
func (s *Service) Verify(ctx context.Context, p *authz.Principal, productID, subject string, claims map[string]string) (_ VerifyResult, err error) {
	defer errs.Wrap(&err, "operate: Verify(%s)", productID)
	g, pr, sp, v, ref, err := s.perSubject(ctx, p, productID, KindVerification, subject)
	if err != nil {
		return VerifyResult{}, err
	}
	for k := range claims {
		if !slices.Contains(sp.Items, k) {
			return VerifyResult{}, apperr.Invalid.With(apperr.Field("claims", "“"+k+"”不是该产品核验的信息项", k+" is not an item of this product"))
		}
	}
	row, found, err := s.subjectRow(ctx, v, strings.TrimSpace(subject))
	if err != nil {
		return VerifyResult{}, err
	}
	res := VerifyResult{}
	if found {
		n := 0
		for _, it := range sp.Items {
			if c, ok := claims[it]; ok && strings.TrimSpace(c) == strings.TrimSpace(row[it]) {
				n++
			}
		}
		res.Score = math.Round(float64(n)/float64(len(sp.Items))*100) / 100
		res.Match = n == len(sp.Items)
	}
	if err := s.logQuery(ctx, s.DB, p, g, pr, "", "", 0, false, "answered", 1); err != nil {
		return VerifyResult{}, err
	}
	err = s.logUse(ctx, p, g, pr, "operate.verification.use", "data_subject", ref, audit.OK, map[string]any{"product_id": pr.ID, "product": pr.Name, "match": res.Match})
	return res, err
}

// ScoreResult is all an indicator product says: the score (0–100).
type ScoreResult struct {
	Score int  `json:"score"`
	Found bool `json:"found"`
}

// Score computes an indicator product for one subject: Σ weight·(clamped value − lo)/(hi − lo)
// over the weighted measures, scaled to 0–100. Only the score is returned.
func (s *Service) Score(ctx context.Context, p *authz.Principal, productID, subject string) (_ ScoreResult, err error) {
	defer errs.Wrap(&err, "operate: Score(%s)", productID)
	g, pr, sp, v, ref, err := s.perSubject(ctx, p, productID, KindIndicator, subject)
	if err != nil {
		return ScoreResult{}, err
	}
	row, found, err := s.subjectRow(ctx, v, strings.TrimSpace(subject))
	if err != nil {
		return ScoreResult{}, err
	}
	res := ScoreResult{Found: found}
	if found {
		var sum, wsum float64
		for m, w := range sp.Weights {
			meas := v.measure(m)
			wsum += w
			if meas == nil {
				continue
			}
			if u, ok := meas.clampUnits(row[m]); ok {
				sum += w * float64(u-meas.Lo*meas.unit()) / float64((meas.Hi-meas.Lo)*meas.unit())
			}
		}
		if wsum > 0 {
			res.Score = int(math.Round(sum / wsum * 100))
		}
	}
	if err := s.logQuery(ctx, s.DB, p, g, pr, "", "", 0, false, "answered", 1); err != nil {
		return ScoreResult{}, err
	}
	err = s.logUse(ctx, p, g, pr, "operate.indicator.use", "data_subject", ref, audit.OK, map[string]any{"product_id": pr.ID, "product": pr.Name})
	return res, err
}

// Queries lists the product-use log: the unit's own, or everything for operator staff and
// supervisors (at most 500, newest first).
func (s *Service) Queries(ctx context.Context, p *authz.Principal) (_ []QueryRecord, err error) {
	defer errs.Wrap(&err, "operate: Queries")
	cond, args := "", []any{}
	if !s.seesAll(p) {
		if !p.Has(authz.AppUnitUser) {
			return nil, apperr.Forbidden
		}
		cond, args = " WHERE unit_org_id = $1", []any{p.OrgID}
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, product_id, version, agreement_id, unit_org_id, actor_id, query_hash, query, cost_milli, cached, result, at
		FROM opr_queries`+cond+" ORDER BY at DESC LIMIT 500", args...)
	return db.ScanAll(rows, err, func(r *sql.Rows) (QueryRecord, error) {
		var q QueryRecord
		var cached int64
		err := r.Scan(&q.ID, &q.ProductID, &q.Version, &q.AgreementID, &q.UnitOrgID, &q.ActorID, &q.QueryHash, &q.Query, &q.CostMilli, &cached, &q.Result, &q.At)
		q.Cached = cached != 0
		return q, err
	})
}

// BudgetOf tells the caller's budget for a statistics product under its agreement in force.
func (s *Service) BudgetOf(ctx context.Context, p *authz.Principal, productID string) (_ Budget, err error) {
	defer errs.Wrap(&err, "operate: BudgetOf(%s)", productID)
	g, err := s.agreementFor(ctx, p, productID)
	if err != nil {
		return Budget{}, err
	}
	pr, err := s.product(ctx, s.DB, productID, false)
	if err != nil {
		return Budget{}, err
	}
	return s.budget(ctx, s.DB, g, pr.ViewID), nil
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// StoredAnswer reads again the stored answer of a statistics query the caller asked — its call is
// in the query log under the caller's name, answered or served from the store — for showing it
// once more (the web use form does so after its redirect when the answer is too large to carry).
// It costs nothing and logs nothing: it reveals no more than the caller was already given.
// Anything else is "not found".
func (s *Service) StoredAnswer(ctx context.Context, p *authz.Principal, productID string, raw []byte, dataVersion int64) (_ *Answer, err error) {
	defer errs.Wrap(&err, "operate: StoredAnswer(%s)", productID)
	if p == nil || p.UserID == "" {
		return nil, apperr.Hidden
	}
	pr, err := s.product(ctx, s.DB, productID, false)
	if err != nil {
		return nil, err
	}
	if pr.Kind != KindStatistics {
		return nil, ErrKind
	}
	_, v, err := s.release(ctx, s.DB, pr)
	if err != nil {
		return nil, err
	}
	q, err := ParseStatsQuery(raw, &v)
	if err != nil {
		return nil, err
	}
	var stored string
	err = s.DB.QueryRowContext(ctx, `SELECT a.answer FROM opr_answers a
		WHERE a.product_id = $1 AND a.data_version = $2 AND a.query_hash = $3
		AND EXISTS (SELECT 1 FROM opr_queries q WHERE q.unit_org_id = $5 AND q.product_id = a.product_id AND q.version = a.version
			AND q.query_hash = a.query_hash AND q.actor_id = $4 AND q.result IN ('answered', 'cached'))
		ORDER BY a.version DESC LIMIT 1`, pr.ID, dataVersion, q.Hash(), p.UserID, p.OrgID).Scan(&stored)
	if db.IsNoRows(err) {
		return nil, apperr.Hidden
	}
	if err != nil {
		return nil, err
	}
	var ans Answer
	if err := json.Unmarshal([]byte(stored), &ans); err != nil {
		return nil, err
	}
	return &ans, nil
}
