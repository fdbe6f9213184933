package market

import (
	"context"
	"database/sql"
	"encoding/json"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
)

// Mining potential (挖掘潜力), recorded by an assessor.
var MiningLevels = []string{"high", "medium", "low"}

// Sources of an assessed figure.
const (
	FromPlatform = "platform" // computed from the platform's facts (loads, quality scores, catalog)
	FromAssessor = "assessor" // recorded by the assessor (the platform has no fact)
)

// Assessment is one quality and value assessment of a product (MKT-3). A figure of -1 (or an
// empty code) is unknown; Sources names where each known figure came from.
type Assessment struct {
	ID           string            `json:"id"`
	ProductID    string            `json:"product_id"`
	Timeliness   float64           `json:"timeliness"`   // 0–100
	TimeSpan     int               `json:"time_span"`    // days between the first and the latest load
	Coverage     int64             `json:"coverage"`     // sample coverage: records in the latest load
	Completeness float64           `json:"completeness"` // 0–100
	Kind         string            `json:"kind"`         // the product's kind (operate.kind)
	Level        string            `json:"level"`        // the source data's grade (core, important, general)
	Mining       string            `json:"mining"`       // high | medium | low
	Sources      map[string]string `json:"sources"`
	Note         string            `json:"note,omitempty"`
	Assessor     string            `json:"assessor"`
	At           db.Stamp          `json:"at"`
}

// AssessInput is what an assessor records: the figures the platform cannot compute.
type AssessInput struct {
	Timeliness   *float64 `json:"timeliness"`
	TimeSpan     *int     `json:"time_span"`
	Coverage     *int64   `json:"coverage"`
	Completeness *float64 `json:"completeness"`
	Level        string   `json:"level"`
	Mining       string   `json:"mining"`
	Note         string   `json:"note"`
}

func productAttrs(id string) authz.MarketAttrs { return authz.MarketAttrs{ID: id, Market: true} }

// facts computes what the platform knows of a product's source entry.
func (s *Service) facts(ctx context.Context, productID string) (Assessment, error) {
	a := Assessment{ProductID: productID, Timeliness: -1, TimeSpan: -1, Coverage: -1, Completeness: -1, Sources: map[string]string{}}
	var entry string
	err := s.DB.QueryRowContext(ctx, "SELECT pr.kind, v.entry_id FROM opr_products pr JOIN opr_views v ON v.id = pr.view_id WHERE pr.id = $1", productID).Scan(&a.Kind, &entry)
	if db.IsNoRows(err) {
		return a, apperr.Hidden
	}
	if err != nil {
		return a, err
	}
	a.Sources["kind"] = FromPlatform
	var grade string
	if s.DB.QueryRowContext(ctx, "SELECT grade FROM catalog_entries WHERE id = $1", entry).Scan(&grade) == nil && grade != "" {
		a.Level, a.Sources["level"] = grade, FromPlatform
	}
	if sc, ok := s.qualityOf(ctx, entry); ok {
		a.Timeliness, a.Completeness = sc.Timeliness, sc.Completeness
		a.Sources["timeliness"], a.Sources["completeness"] = FromPlatform, FromPlatform
	}
	var first, last, n int64
	if s.DB.QueryRowContext(ctx, "SELECT COALESCE(MIN(started_at), 0), COALESCE(MAX(started_at), 0), count(*) FROM ingest_loads WHERE entry_id = $1 AND status = 'committed'", entry).Scan(&first, &last, &n) == nil && n > 0 {
		a.TimeSpan, a.Sources["time_span"] = int((last-first)/86400000), FromPlatform
		var rows int64
		if s.DB.QueryRowContext(ctx, "SELECT rows_total FROM ingest_loads WHERE entry_id = $1 AND status = 'committed' ORDER BY version DESC, started_at DESC LIMIT 1", entry).Scan(&rows) == nil {
			a.Coverage, a.Sources["coverage"] = rows, FromPlatform
		}
	}
	return a, nil
}

// Assess records an assessment of a product: the figures computed from the platform's facts where
// it has them, the assessor's for the rest (an assessor's figure never overrides a fact).
func (s *Service) Assess(ctx context.Context, p *authz.Principal, productID string, in AssessInput) (_ Assessment, err error) {
	defer errs.Wrap(&err, "market: Assess(%s)", productID)
	a, err := s.facts(ctx, productID)
	if err != nil {
		return a, err
	}
	if err := authz.Market(p, authz.MktAssess, productAttrs(productID)); err != nil {
		return Assessment{}, err
	}
	var fe []apperr.FieldError
	text(&fe, "note", &in.Note, 0, 2000, "说明不超过 2000 字", "at most 2000 characters")
	pct := func(field string, v *float64, into *float64) {
		if v == nil || a.Sources[field] != "" {
			return
		}
		if *v < 0 || *v > 100 {
			fe = append(fe, apperr.Field(field, "须为 0–100", "must be 0–100"))
			return
		}
		*into, a.Sources[field] = *v, FromAssessor
	}
	pct("timeliness", in.Timeliness, &a.Timeliness)
	pct("completeness", in.Completeness, &a.Completeness)
	if in.TimeSpan != nil && a.Sources["time_span"] == "" {
		if *in.TimeSpan < 0 {
			fe = append(fe, apperr.Field("time_span", "须为非负天数", "must be a non-negative number of days"))
		}
		a.TimeSpan, a.Sources["time_span"] = *in.TimeSpan, FromAssessor
	}
	if in.Coverage != nil && a.Sources["coverage"] == "" {
		if *in.Coverage < 0 {
			fe = append(fe, apperr.Field("coverage", "须为非负数", "must not be negative"))
		}
		a.Coverage, a.Sources["coverage"] = *in.Coverage, FromAssessor
	}
	if in.Level != "" && a.Sources["level"] == "" {
		if !oneOf(in.Level, []string{"core", "important", "general"}) {
			fe = append(fe, apperr.Field("level", "请选择级别", "choose the level"))
		}
		a.Level, a.Sources["level"] = in.Level, FromAssessor
	}
	if in.Mining != "" {
		if !oneOf(in.Mining, MiningLevels) {
			fe = append(fe, apperr.Field("mining", "请选择挖掘潜力", "choose the mining potential"))
		}
		a.Mining, a.Sources["mining"] = in.Mining, FromAssessor
	}
	if err := invalid(fe); err != nil {
		return Assessment{}, err
	}
	a.ID, a.Note, a.Assessor, a.At = ids.New(), in.Note, p.Username, db.StampOf(s.now())
	src, _ := json.Marshal(a.Sources)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mkt_assessments (id, product_id, timeliness, time_span, coverage, completeness, kind, level, mining,
			sources, note, assessor, at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`, a.ID, a.ProductID, a.Timeliness, a.TimeSpan, a.Coverage,
			a.Completeness, a.Kind, a.Level, a.Mining, string(src), a.Note, a.Assessor, int64(a.At)); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "market.assessment.record", "opr_product", productID, map[string]any{"assessment": a.ID, "sources": a.Sources})
	})
	if err != nil {
		return Assessment{}, err
	}
	return a, nil
}

// Assessments lists a product's assessments, newest first (the history).
func (s *Service) Assessments(ctx context.Context, p *authz.Principal, productID string) (_ []Assessment, err error) {
	defer errs.Wrap(&err, "market: Assessments(%s)", productID)
	if _, err := s.facts(ctx, productID); err != nil {
		return nil, err
	}
	if err := authz.Market(p, authz.Read, productAttrs(productID)); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, product_id, timeliness, time_span, coverage, completeness, kind, level, mining, sources, note, assessor, at
		FROM mkt_assessments WHERE product_id = $1 ORDER BY at DESC, id DESC LIMIT 200`, productID)
	return db.ScanAll(rows, err, func(r *sql.Rows) (Assessment, error) {
		var a Assessment
		var src string
		var at int64
		err := r.Scan(&a.ID, &a.ProductID, &a.Timeliness, &a.TimeSpan, &a.Coverage, &a.Completeness, &a.Kind, &a.Level, &a.Mining, &src, &a.Note, &a.Assessor, &at)
		a.At = db.Stamp(at)
		json.Unmarshal([]byte(src), &a.Sources)
		return a, err
	})
}
