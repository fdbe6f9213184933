package operate

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/workday"
)

// The business side of authorized operation (OPR-5 … OPR-8, OPR-10): what a use costs, what it
// was used for, what the operator reports, and how the operator itself is judged.

// Use classes of an application (用途类别, OPR-5): public welfare and public governance use is
// free under the conditions the unit states and the agreement records; commercial use is priced.
const (
	UseWelfare    = "public_welfare"    // 公益事业
	UseGovernance = "public_governance" // 公共治理
	UseCommercial = "commercial"        // 产业发展、行业应用（有偿）
)

// UseClasses lists them in display order.
var UseClasses = []string{UseWelfare, UseGovernance, UseCommercial}

// Free tells whether a use class is free of charge.
func Free(class string) bool { return class == UseWelfare || class == UseGovernance }

// Price models (计价方式) of commercial use.
const (
	PricePerCall   = "per_call"   // 按次
	PricePerVolume = "per_volume" // 按量（每千个结果单元）
	PricePerPeriod = "per_period" // 按期（每月）
	PriceTiered    = "tiered"     // 阶梯（按次，分档递减）
)

// Price states: the operator proposes, the authority approves under the government-guided cap
// (政府指导价) or refuses; the latest approved version is the price in force.
const (
	PriceProposed = "proposed"
	PriceApproved = "approved"
	PriceRefused  = "refused"
)

// PriceTier is one step of a tiered price: calls up to UpTo in the month (0 = no bound) cost
// Cents each.
type PriceTier struct {
	UpTo  int64 `json:"up_to"`
	Cents int64 `json:"cents"`
}

// PriceSpec is how a product is priced for commercial use. Amounts are in fen (分).
type PriceSpec struct {
	Model     string      `json:"model"`
	UnitCents int64       `json:"unit_cents"`      // per call, per 1000 volume units, or per month
	Tiers     []PriceTier `json:"tiers,omitempty"` // tiered: ascending UpTo, the last 0
	CapCents  int64       `json:"cap_cents"`       // the most one unit pays for the product in a month
	// FreeConditions are the conditions of free public-welfare and governance use (e.g. non-profit,
	// results published, no resale).
	FreeConditions string `json:"free_conditions"`
}

// Price is one version of a product's price.
type Price struct {
	ProductID  string    `json:"product_id"`
	Version    int       `json:"version"`
	Spec       PriceSpec `json:"spec"`
	State      string    `json:"state"`
	ProposedBy string    `json:"proposed_by"`
	DecidedBy  string    `json:"decided_by,omitempty"`
	Note       string    `json:"note,omitempty"`
	CreatedAt  db.Stamp  `json:"created_at"`
	DecidedAt  db.Stamp  `json:"decided_at,omitempty"`
}

// MaxCapCents bounds any monthly cap (1,000,000 yuan): a typo does not become a bill.
const MaxCapCents = 100_000_000

func (sp *PriceSpec) check() error {
	var fe []apperr.FieldError
	sp.FreeConditions = strings.TrimSpace(sp.FreeConditions)
	if sp.FreeConditions == "" || len([]rune(sp.FreeConditions)) > 1000 {
		fe = append(fe, apperr.Field("free_conditions", "请写明公益与公共治理免费使用的条件（不超过1000字）", "state the conditions of free public use (at most 1000 characters)"))
	}
	if sp.CapCents <= 0 || sp.CapCents > MaxCapCents {
		fe = append(fe, apperr.Field("cap_cents", "请给出每月收费上限（分），不超过100万元", "give the monthly cap in fen, at most 1,000,000 yuan"))
	}
	switch sp.Model {
	case PricePerCall, PricePerVolume, PricePerPeriod:
		if sp.UnitCents <= 0 || sp.UnitCents > sp.CapCents {
			fe = append(fe, apperr.Field("unit_cents", "单价应大于0且不超过上限", "the unit price must be above 0 and within the cap"))
		}
		sp.Tiers = nil
	case PriceTiered:
		ok := len(sp.Tiers) >= 2 && len(sp.Tiers) <= 10
		for i, t := range sp.Tiers {
			last := i == len(sp.Tiers)-1
			if t.Cents <= 0 || (last != (t.UpTo == 0)) || (i > 0 && !last && t.UpTo <= sp.Tiers[i-1].UpTo) || (i > 0 && t.Cents > sp.Tiers[i-1].Cents) {
				ok = false
			}
		}
		if !ok {
			fe = append(fe, apperr.Field("tiers", "阶梯价须有2到10档，档位递增、单价不增，最后一档不设上限", "2 to 10 tiers, ascending bounds, non-increasing prices, the last unbounded"))
		}
		sp.UnitCents = 0
	default:
		fe = append(fe, apperr.Field("model", "计价方式应为按次、按量、按期或阶梯", "the model is per call, per volume, per period or tiered"))
	}
	if len(fe) > 0 {
		return apperr.Invalid.With(fe...)
	}
	return nil
}

// Charge is what a month of use costs under the price: per call, per started thousand volume
// units, a flat monthly fee once used, or graduated tiers; never above the cap, and nothing for
// free use classes.
func (sp PriceSpec) Charge(class string, calls, volume int64) int64 {
	if Free(class) || calls == 0 {
		return 0
	}
	var c int64
	switch sp.Model {
	case PricePerCall:
		c = calls * sp.UnitCents
	case PricePerVolume:
		c = (volume + 999) / 1000 * sp.UnitCents
	case PricePerPeriod:
		c = sp.UnitCents
	case PriceTiered:
		left, from := calls, int64(0)
		for _, t := range sp.Tiers {
			n := left
			if t.UpTo > 0 {
				n = min(left, t.UpTo-from)
				from = t.UpTo
			}
			c += n * t.Cents
			left -= n
			if left <= 0 {
				break
			}
		}
	}
	return min(c, sp.CapCents)
}

// ProposePrice files a new price version of a product (operator staff defining products).
func (s *Service) ProposePrice(ctx context.Context, p *authz.Principal, productID string, sp PriceSpec) (_ Price, err error) {
	defer errs.Wrap(&err, "operate: ProposePrice(%s)", productID)
	if err := authz.OperateOn(p, authz.OprProduct, productAttrs(p, "")); err != nil {
		return Price{}, err
	}
	if _, err := s.product(ctx, s.DB, productID, false); err != nil {
		return Price{}, err
	}
	if err := sp.check(); err != nil {
		return Price{}, err
	}
	var out Price
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var last int
		tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version),0) FROM opr_prices WHERE product_id = $1", productID).Scan(&last)
		js, _ := json.Marshal(sp)
		out = Price{ProductID: productID, Version: last + 1, Spec: sp, State: PriceProposed, ProposedBy: p.UserID, CreatedAt: db.Stamp(s.now())}
		if _, err := tx.ExecContext(ctx, "INSERT INTO opr_prices (product_id, version, spec, state, proposed_by, created_at) VALUES ($1,$2,$3,$4,$5,$6)",
			productID, out.Version, string(js), out.State, p.UserID, int64(out.CreatedAt)); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "operate.price.propose", "opr_product", productID, map[string]any{"version": out.Version, "model": sp.Model, "cap_cents": sp.CapCents})
	})
	return out, err
}

// DecidePrice approves or refuses a proposed price (the authority: government-guided prices).
func (s *Service) DecidePrice(ctx context.Context, p *authz.Principal, productID string, version int, approve bool, note string) (_ Price, err error) {
	defer errs.Wrap(&err, "operate: DecidePrice(%s)", productID)
	if err := authz.OperateOn(p, authz.OprPrice, productAttrs(p, "")); err != nil {
		return Price{}, err
	}
	note = strings.TrimSpace(note)
	if !approve && note == "" {
		return Price{}, apperr.Invalid.With(apperr.Field("note", "不予批准须说明理由", "a refusal needs a reason"))
	}
	var out Price
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		pr, err := scanPrice(tx.QueryRowContext(ctx, "SELECT "+priceCols+" FROM opr_prices WHERE product_id = $1 AND version = $2"+s.DB.ForUpdate(), productID, version))
		if db.IsNoRows(err) {
			return apperr.Hidden
		}
		if err != nil {
			return err
		}
		if pr.State != PriceProposed {
			return ErrState
		}
		if pr.ProposedBy == p.UserID {
			return errOwnPrice
		}
		pr.State, pr.DecidedBy, pr.Note, pr.DecidedAt = PriceRefused, p.UserID, note, db.Stamp(s.now())
		if approve {
			pr.State = PriceApproved
		}
		if _, err := tx.ExecContext(ctx, "UPDATE opr_prices SET state = $1, decided_by = $2, note = $3, decided_at = $4 WHERE product_id = $5 AND version = $6",
			pr.State, pr.DecidedBy, pr.Note, int64(pr.DecidedAt), productID, version); err != nil {
			return err
		}
		out = pr
		return s.record(ctx, tx, p, "operate.price."+map[bool]string{true: "approve", false: "refuse"}[approve], "opr_product", productID, map[string]any{"version": version})
	})
	return out, err
}

var errOwnPrice = apperr.New(403, "operate.own_price", "不能批准本人提出的价格", "you cannot approve a price you proposed")

const priceCols = "product_id, version, spec, state, proposed_by, decided_by, note, created_at, decided_at"

func scanPrice(sc interface{ Scan(...any) error }) (Price, error) {
	var pr Price
	var spec string
	err := sc.Scan(&pr.ProductID, &pr.Version, &spec, &pr.State, &pr.ProposedBy, &pr.DecidedBy, &pr.Note, &pr.CreatedAt, &pr.DecidedAt)
	if err == nil {
		err = json.Unmarshal([]byte(spec), &pr.Spec)
	}
	return pr, err
}

// Prices lists a product's price versions, newest first (everyone who reads products).
func (s *Service) Prices(ctx context.Context, p *authz.Principal, productID string) (_ []Price, err error) {
	defer errs.Wrap(&err, "operate: Prices(%s)", productID)
	if _, err := s.Product(ctx, p, productID); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+priceCols+" FROM opr_prices WHERE product_id = $1 ORDER BY version DESC LIMIT 100", productID)
	return db.ScanAll(rows, err, scanPrice)
}

// priceInForce is the latest approved price of a product (ok=false: none approved).
func (s *Service) priceInForce(ctx context.Context, q db.Q, productID string) (Price, bool) {
	pr, err := scanPrice(q.QueryRowContext(ctx, "SELECT "+priceCols+" FROM opr_prices WHERE product_id = $1 AND state = $2 ORDER BY version DESC LIMIT 1", productID, PriceApproved))
	return pr, err == nil
}

// ---- metering ----

// UsageLine is one unit's metered use of one product in a month (from the query log).
type UsageLine struct {
	UnitOrgID   string `json:"unit_org_id"`
	ProductID   string `json:"product_id"`
	ProductName string `json:"product_name"`
	UseClass    string `json:"use_class"`
	Calls       int64  `json:"calls"`   // answered calls, stored answers included
	Refused     int64  `json:"refused"` // refused calls (budget, form): not charged
	Volume      int64  `json:"volume"`  // result units: cells of statistics answers, one per verification or score
	ChargeCents int64  `json:"charge_cents"`
	PriceModel  string `json:"price_model,omitempty"`
}

func monthRange(month string) (int64, int64, error) {
	t, err := time.ParseInLocation("2006-01", month, workday.Location)
	if err != nil {
		return 0, 0, apperr.Invalid.With(apperr.Field("month", "月份格式应为 YYYY-MM", "the month is YYYY-MM"))
	}
	return db.Millis(t), db.Millis(t.AddDate(0, 1, 0)), nil
}

// Usage meters a month's use per unit and product, with its charge under the price in force:
// operator staff, the authority, auditors and oversight see every unit; a unit its own.
func (s *Service) Usage(ctx context.Context, p *authz.Principal, month string) (_ []UsageLine, err error) {
	defer errs.Wrap(&err, "operate: Usage")
	all := s.seesAll(p)
	if !all && !p.Has(authz.AppUnitUser) {
		return nil, apperr.Forbidden
	}
	from, to, err := monthRange(month)
	if err != nil {
		return nil, err
	}
	cond, args := "", []any{from, to}
	if !all {
		cond, args = " AND q.unit_org_id = $3", append(args, p.OrgID)
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT q.unit_org_id, q.product_id, COALESCE(MAX(a.use_class), ''),
		SUM(CASE WHEN q.result IN ('answered','cached') THEN 1 ELSE 0 END), SUM(CASE WHEN q.result IN ('answered','cached') THEN 0 ELSE 1 END), SUM(q.volume)
		FROM opr_queries q LEFT JOIN opr_agreements g ON g.id = q.agreement_id LEFT JOIN opr_applications a ON a.id = g.application_id
		WHERE q.at >= $1 AND q.at < $2`+cond+` GROUP BY q.unit_org_id, q.product_id ORDER BY q.unit_org_id, q.product_id LIMIT 2000`, args...)
	lines, err := db.ScanAll(rows, err, func(r *sql.Rows) (UsageLine, error) {
		var u UsageLine
		return u, r.Scan(&u.UnitOrgID, &u.ProductID, &u.UseClass, &u.Calls, &u.Refused, &u.Volume)
	})
	if err != nil {
		return nil, err
	}
	for i := range lines {
		u := &lines[i]
		if u.UseClass == "" {
			u.UseClass = UseGovernance // an agency's use through a share grant (SHR-12)
		}
		if pr, err := s.product(ctx, s.DB, u.ProductID, false); err == nil {
			u.ProductName = pr.Name
		}
		if price, ok := s.priceInForce(ctx, s.DB, u.ProductID); ok {
			u.PriceModel = price.Spec.Model
			u.ChargeCents = price.Spec.Charge(u.UseClass, u.Calls, u.Volume)
		}
	}
	return lines, nil
}

// seesAll: operator staff, the authority, auditors and oversight bodies read every unit's records.
func (s *Service) seesAll(p *authz.Principal) bool {
	return p.TokenID == "" && (p.OrgKind == authz.KindOperator && p.Has(authz.OperatorStaff) || p.IsAuthority() || p.Has(authz.Auditor, authz.Oversight))
}

// ---- feedback ----

// Feedback is a unit's rating of a product with its report of use and effect (OPR-6, BTO 26).
type Feedback struct {
	ID        string   `json:"id"`
	UnitOrgID string   `json:"unit_org_id"`
	ProductID string   `json:"product_id"`
	Rating    int      `json:"rating"` // 1–5
	Quality   string   `json:"quality"`
	Use       string   `json:"use"`
	Effect    string   `json:"effect"`
	CreatedBy string   `json:"created_by"`
	CreatedAt db.Stamp `json:"created_at"`
	// Period is the calendar quarter the rating belongs to (YYYY-Qn): one rating per unit,
	// product and period; rating again in the period edits it (OPR-8).
	Period    string   `json:"period,omitempty"`
	UpdatedAt db.Stamp `json:"updated_at,omitempty"`
}

// ratingPeriod is the calendar quarter of t (Asia/Shanghai), YYYY-Qn.
func ratingPeriod(t time.Time) string {
	t = t.In(workday.Location)
	return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
}

// Rating is a product's average rating (OPR-8): all periods, and the current one.
type Rating struct {
	Count       int     `json:"count"`
	Mean        float64 `json:"mean"`
	Period      string  `json:"period"`
	PeriodCount int     `json:"period_count"`
	PeriodMean  float64 `json:"period_mean"`
	MineRating  int     `json:"mine_rating,omitempty"` // the caller's unit's rating this period
}

// Ratings returns every product's average rating (product id → rating), for the product page
// and the operator board.
func (s *Service) Ratings(ctx context.Context, p *authz.Principal) (_ map[string]Rating, err error) {
	defer errs.Wrap(&err, "operate: Ratings")
	period := ratingPeriod(s.Now())
	rows, err := s.DB.QueryContext(ctx, `SELECT product_id, COUNT(*), AVG(rating),
		SUM(CASE WHEN period = $1 THEN 1 ELSE 0 END), AVG(CASE WHEN period = $1 THEN rating END),
		MAX(CASE WHEN period = $1 AND unit_org_id = $2 THEN rating ELSE 0 END)
		FROM opr_feedback GROUP BY product_id`, period, p.OrgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Rating{}
	for rows.Next() {
		var id string
		var r Rating
		var mean, pmean sql.NullFloat64
		if err := rows.Scan(&id, &r.Count, &mean, &r.PeriodCount, &pmean, &r.MineRating); err != nil {
			return nil, err
		}
		r.Period, r.Mean, r.PeriodMean = period, math.Round(mean.Float64*100)/100, math.Round(pmean.Float64*100)/100
		out[id] = r
	}
	return out, rows.Err()
}

// GiveFeedback records a unit's rating and report on a product it has an agreement for: once per
// unit, product and calendar quarter; rating again in the same quarter edits the rating.
func (s *Service) GiveFeedback(ctx context.Context, p *authz.Principal, productID string, in Feedback) (_ Feedback, err error) {
	defer errs.Wrap(&err, "operate: GiveFeedback(%s)", productID)
	if err := authz.OperateOn(p, authz.OprApply, productAttrs(p, "")); err != nil {
		return Feedback{}, err
	}
	if _, err := s.product(ctx, s.DB, productID, false); err != nil {
		return Feedback{}, err
	}
	var fe []apperr.FieldError
	if in.Rating < 1 || in.Rating > 5 {
		fe = append(fe, apperr.Field("rating", "评分为1到5", "the rating is 1 to 5"))
	}
	var e *apperr.FieldError
	if in.Use, e = text("use", in.Use, 2000); e != nil {
		fe = append(fe, *e)
	}
	if in.Effect, e = text("effect", in.Effect, 2000); e != nil {
		fe = append(fe, *e)
	}
	in.Quality = strings.TrimSpace(in.Quality)
	if len([]rune(in.Quality)) > 2000 {
		fe = append(fe, apperr.Field("quality", "不超过2000字", "at most 2000 characters"))
	}
	if len(fe) > 0 {
		return Feedback{}, apperr.Invalid.With(fe...)
	}
	var n int
	s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM opr_agreements WHERE unit_org_id = $1 AND product_id = $2 AND state IN ($3,$4,$5)", p.OrgID, productID, AgrInForce, AgrSuperseded, AgrTerminated).Scan(&n)
	if n == 0 {
		return Feedback{}, ErrNoAgreement
	}
	now := db.Stamp(s.now())
	f := Feedback{ID: ids.New(), UnitOrgID: p.OrgID, ProductID: productID, Rating: in.Rating, Quality: in.Quality, Use: in.Use, Effect: in.Effect, CreatedBy: p.UserID,
		CreatedAt: now, Period: ratingPeriod(s.Now()), UpdatedAt: now}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var old Feedback
		err := tx.QueryRowContext(ctx, "SELECT id, rating, created_by, created_at FROM opr_feedback WHERE unit_org_id = $1 AND product_id = $2 AND period = $3"+s.DB.ForUpdate(),
			f.UnitOrgID, f.ProductID, f.Period).Scan(&old.ID, &old.Rating, &old.CreatedBy, &old.CreatedAt)
		switch {
		case err == nil: // this period's rating exists: edit it
			f.ID, f.CreatedBy, f.CreatedAt = old.ID, old.CreatedBy, old.CreatedAt
			if _, err := tx.ExecContext(ctx, "UPDATE opr_feedback SET rating = $1, quality = $2, use_note = $3, effect = $4, updated_at = $5 WHERE id = $6",
				f.Rating, f.Quality, f.Use, f.Effect, int64(now), f.ID); err != nil {
				return err
			}
			return s.record(ctx, tx, p, "operate.feedback.edit", "opr_product", productID, map[string]any{"rating": f.Rating, "was": old.Rating, "period": f.Period})
		case !db.IsNoRows(err):
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO opr_feedback (id, unit_org_id, product_id, rating, quality, use_note, effect, created_by, created_at, period, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
			f.ID, f.UnitOrgID, f.ProductID, f.Rating, f.Quality, f.Use, f.Effect, f.CreatedBy, int64(f.CreatedAt), f.Period, int64(now)); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "operate.feedback", "opr_product", productID, map[string]any{"rating": f.Rating, "period": f.Period})
	})
	return f, err
}

// FeedbackList lists feedback, newest first (at most 500): everything for those who see all
// units, the unit's own otherwise.
func (s *Service) FeedbackList(ctx context.Context, p *authz.Principal) (_ []Feedback, err error) {
	defer errs.Wrap(&err, "operate: FeedbackList")
	cond, args := "", []any{}
	if !s.seesAll(p) {
		if !p.Has(authz.AppUnitUser) || p.TokenID != "" {
			return nil, apperr.Forbidden
		}
		cond, args = " WHERE unit_org_id = $1", []any{p.OrgID}
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT id, unit_org_id, product_id, rating, quality, use_note, effect, created_by, created_at, period, updated_at FROM opr_feedback"+cond+" ORDER BY created_at DESC LIMIT 500", args...)
	return db.ScanAll(rows, err, func(r *sql.Rows) (Feedback, error) {
		var f Feedback
		return f, r.Scan(&f.ID, &f.UnitOrgID, &f.ProductID, &f.Rating, &f.Quality, &f.Use, &f.Effect, &f.CreatedBy, &f.CreatedAt, &f.Period, &f.UpdatedAt)
	})
}

// ---- reports and the annual disclosure ----

// Report kinds (报告): periodic reports to the data authority and to the state-owned assets body
// (OPR-6, BTO 26, QZ 2), and the annual public disclosure of products and prices (年度信息披露),
// due by the end of March for the year before.
const (
	ReportAuthority  = "authority"
	ReportAssets     = "state_assets"
	ReportDisclosure = "disclosure"
)

// ReportBody is what a report states, computed from the records of its period.
type ReportBody struct {
	From          string            `json:"from"`
	To            string            `json:"to"`
	Products      []DisclosedItem   `json:"products"`
	UnitsActive   int               `json:"units_active"`
	Calls         int64             `json:"calls"`
	RevenueCents  int64             `json:"revenue_cents"`
	FreeCalls     int64             `json:"free_calls"`
	Feedback      int               `json:"feedback"`
	MeanRating    float64           `json:"mean_rating"`
	Contributions []Contribution    `json:"contributions,omitempty"`
	ByUseClass    map[string]int64  `json:"by_use_class,omitempty"`
	Extra         map[string]string `json:"extra,omitempty"`
}

// DisclosedItem is one product as disclosed: name, kind, and its price in force.
type DisclosedItem struct {
	ProductID string     `json:"product_id"`
	Name      string     `json:"name"`
	Kind      string     `json:"kind"`
	State     string     `json:"state"`
	Price     *PriceSpec `json:"price,omitempty"`
}

// Report is one filed report.
type Report struct {
	ID      string     `json:"id"`
	Kind    string     `json:"kind"`
	Period  string     `json:"period"` // YYYY-Qn for periodic reports, YYYY for the disclosure
	Body    ReportBody `json:"body"`
	FiledBy string     `json:"filed_by"`
	FiledAt db.Stamp   `json:"filed_at"`
}

// periodRange is the [from, to) dates of a period: "2026" or "2026-Q3".
func periodRange(kind, period string) (time.Time, time.Time, error) {
	bad := apperr.Invalid.With(apperr.Field("period", "期间格式应为 YYYY（年度披露）或 YYYY-Qn（季度报告）", "the period is YYYY (disclosure) or YYYY-Qn (quarterly reports)"))
	if kind == ReportDisclosure {
		y, err := strconv.Atoi(period)
		if err != nil || len(period) != 4 {
			return time.Time{}, time.Time{}, bad
		}
		from := time.Date(y, 1, 1, 0, 0, 0, 0, workday.Location)
		return from, from.AddDate(1, 0, 0), nil
	}
	y, err := strconv.Atoi(strings.SplitN(period, "-", 2)[0])
	if err != nil || len(period) != 7 || period[4:6] != "-Q" || period[6] < '1' || period[6] > '4' {
		return time.Time{}, time.Time{}, bad
	}
	from := time.Date(y, time.Month(int(period[6]-'1')*3+1), 1, 0, 0, 0, 0, workday.Location)
	return from, from.AddDate(0, 3, 0), nil
}

// FileReport files the operator's report of a kind for a period, its figures computed from the
// records (products, prices, metered use, charges, feedback, contributions). One per kind and
// period; a period must have ended.
func (s *Service) FileReport(ctx context.Context, p *authz.Principal, kind, period string) (_ Report, err error) {
	defer errs.Wrap(&err, "operate: FileReport")
	if err := authz.Operate(p, authz.OprReport, authz.OperateAttrs{}); err != nil {
		return Report{}, err
	}
	if kind != ReportAuthority && kind != ReportAssets && kind != ReportDisclosure {
		return Report{}, apperr.Invalid.With(apperr.Field("kind", "报告类型应为向数据主管部门、向国资部门的定期报告或年度披露", "the kind is a report to the data authority, a report to the state-assets authority or the annual disclosure"))
	}
	from, to, err := periodRange(kind, period)
	if err != nil {
		return Report{}, err
	}
	if s.Now().Before(to) {
		return Report{}, apperr.Invalid.With(apperr.Field("period", "报告期尚未结束", "the period has not ended yet"))
	}
	body, err := s.reportBody(ctx, p, from, to)
	if err != nil {
		return Report{}, err
	}
	r := Report{ID: ids.New(), Kind: kind, Period: period, Body: body, FiledBy: p.UserID, FiledAt: db.Stamp(s.now())}
	js, _ := json.Marshal(body)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, "INSERT INTO opr_reports (id, kind, period, body, filed_by, filed_at) VALUES ($1,$2,$3,$4,$5,$6)", r.ID, r.Kind, r.Period, string(js), r.FiledBy, int64(r.FiledAt))
		if db.IsUniqueViolation(err) {
			return apperr.Conflict.With(apperr.Field("period", "该期报告已报送", "this report has been filed for the period"))
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, p, "operate.report."+kind, "opr_report", r.ID, map[string]any{"period": period})
	})
	return r, err
}

func (s *Service) reportBody(ctx context.Context, p *authz.Principal, from, to time.Time) (ReportBody, error) {
	b := ReportBody{From: from.Format("2006-01-02"), To: to.AddDate(0, 0, -1).Format("2006-01-02"), ByUseClass: map[string]int64{}}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+productCols+" FROM opr_products WHERE released_version > 0 ORDER BY name LIMIT 500")
	prods, err := db.ScanAll(rows, err, scanProduct)
	if err != nil {
		return b, err
	}
	for _, pr := range prods {
		it := DisclosedItem{ProductID: pr.ID, Name: pr.Name, Kind: pr.Kind, State: pr.State}
		if price, ok := s.priceInForce(ctx, s.DB, pr.ID); ok {
			it.Price = &price.Spec
		}
		b.Products = append(b.Products, it)
	}
	s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM opr_units WHERE state = $1", UnitActive).Scan(&b.UnitsActive)
	for m := from; m.Before(to); m = m.AddDate(0, 1, 0) {
		lines, err := s.Usage(ctx, p, m.Format("2006-01"))
		if err != nil {
			return b, err
		}
		for _, u := range lines {
			b.Calls += u.Calls
			b.RevenueCents += u.ChargeCents
			b.ByUseClass[u.UseClass] += u.Calls
			if Free(u.UseClass) {
				b.FreeCalls += u.Calls
			}
		}
	}
	var mean sql.NullFloat64
	s.DB.QueryRowContext(ctx, "SELECT COUNT(*), AVG(rating) FROM opr_feedback WHERE created_at >= $1 AND created_at < $2", db.Millis(from), db.Millis(to)).Scan(&b.Feedback, &mean)
	b.MeanRating = math.Round(mean.Float64*100) / 100
	cs, err := s.contributions(ctx, from, to)
	if err != nil {
		return b, err
	}
	b.Contributions = cs
	return b, nil
}

const reportCols = "id, kind, period, body, filed_by, filed_at"

func scanReport(sc interface{ Scan(...any) error }) (Report, error) {
	var r Report
	var body string
	err := sc.Scan(&r.ID, &r.Kind, &r.Period, &body, &r.FiledBy, &r.FiledAt)
	if err == nil {
		err = json.Unmarshal([]byte(body), &r.Body)
	}
	return r, err
}

// Reports lists filed reports (operator staff, the authority, auditors, oversight bodies —
// the state-assets body among them), newest first.
func (s *Service) Reports(ctx context.Context, p *authz.Principal) (_ []Report, err error) {
	defer errs.Wrap(&err, "operate: Reports")
	if !s.seesAll(p) {
		return nil, apperr.Forbidden
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+reportCols+" FROM opr_reports ORDER BY filed_at DESC LIMIT 200")
	return db.ScanAll(rows, err, scanReport)
}

// Disclosures lists the annual public disclosures (public: anyone reads them), newest first.
func (s *Service) Disclosures(ctx context.Context) (_ []Report, err error) {
	defer errs.Wrap(&err, "operate: Disclosures")
	rows, err := s.DB.QueryContext(ctx, "SELECT "+reportCols+" FROM opr_reports WHERE kind = $1 ORDER BY period DESC LIMIT 50", ReportDisclosure)
	out, err := db.ScanAll(rows, err, scanReport)
	for i := range out {
		out[i].Body.Contributions, out[i].FiledBy = nil, "" // the public page: products and prices, figures; no staff ids
	}
	return out, err
}

// DisclosureDue tells, on the day now, the year whose disclosure is due and by when (the end of
// March), and whether it is filed.
func (s *Service) DisclosureDue(ctx context.Context, now time.Time) (year int, due string, filed bool) {
	now = now.In(workday.Location)
	year = now.Year() - 1
	var n int
	s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM opr_reports WHERE kind = $1 AND period = $2", ReportDisclosure, strconv.Itoa(year)).Scan(&n)
	return year, fmt.Sprintf("%d-03-31", now.Year()), n > 0
}

// Notifier sends an inbox message to an organization (wired to notify in the app).
type Notifier func(ctx context.Context, orgID, dedup, titleZH, titleEN, bodyZH, bodyEN, link string) error

// RemindDisclosure is the daily job: from January to March, and after, until the disclosure of
// the year before is filed, every operator organization is reminded once a month (overdue after
// March 31).
func (s *Service) RemindDisclosure(ctx context.Context, now time.Time) (err error) {
	defer errs.Wrap(&err, "operate: RemindDisclosure")
	if s.Notify == nil {
		return nil
	}
	year, due, filed := s.DisclosureDue(ctx, now)
	if filed {
		return nil
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT id FROM orgs WHERE kind = $1 ORDER BY id", string(authz.KindOperator))
	orgsList, err := db.ScanAll(rows, err, func(r *sql.Rows) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
	if err != nil {
		return err
	}
	month := now.In(workday.Location).Format("2006-01")
	over := now.In(workday.Location).Format("2006-01-02") > due
	for _, org := range orgsList {
		zh, en := fmt.Sprintf("请于%s前公开披露%d年度产品与价格", due, year), fmt.Sprintf("Publish the %d disclosure of products and prices by %s", year, due)
		if over {
			zh, en = fmt.Sprintf("%d年度信息披露已逾期（应于%s前完成）", year, due), fmt.Sprintf("The %d disclosure is overdue (due %s)", year, due)
		}
		if err := s.Notify(ctx, org, "opr-disclosure-"+strconv.Itoa(year)+"-"+org+"-"+month, zh, en, zh, en, "/operate/public"); err != nil {
			return err
		}
	}
	return nil
}

// ---- contribution evaluation (OPR-7) ----

// Contribution scores a providing agency by the facts of its views' products in a period:
// quality (the latest quality score of its entries), use (answered calls) and value (distinct
// units served, their mean rating). Score = 40 % quality + 30 % use + 30 % value, use and value
// relative to the best provider of the period.
type Contribution struct {
	OrgID      string  `json:"org_id"`
	Views      int     `json:"views"`
	Quality    float64 `json:"quality"` // 0–100
	Calls      int64   `json:"calls"`
	Units      int     `json:"units"`
	MeanRating float64 `json:"mean_rating"`
	Score      float64 `json:"score"` // 0–100
}

// QualityOf returns an entry's latest quality score (0–100); wired to the quality service.
type QualityOf func(ctx context.Context, entryID string) (float64, bool)

func (s *Service) contributions(ctx context.Context, from, to time.Time) ([]Contribution, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT v.org_id, v.entry_id, v.id FROM opr_views v ORDER BY v.org_id LIMIT 2000`)
	type vrow struct{ org, entry, id string }
	vs, err := db.ScanAll(rows, err, func(r *sql.Rows) (vrow, error) {
		var v vrow
		return v, r.Scan(&v.org, &v.entry, &v.id)
	})
	if err != nil {
		return nil, err
	}
	by := map[string]*Contribution{}
	var order []string
	qsum, qn := map[string]float64{}, map[string]int{}
	for _, v := range vs {
		c := by[v.org]
		if c == nil {
			c = &Contribution{OrgID: v.org}
			by[v.org] = c
			order = append(order, v.org)
		}
		c.Views++
		if s.Quality != nil {
			if q, ok := s.Quality(ctx, v.entry); ok {
				qsum[v.org] += q
				qn[v.org]++
			}
		}
		var calls int64
		var units int
		s.DB.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT q.unit_org_id) FROM opr_queries q JOIN opr_products p ON p.id = q.product_id
			WHERE p.view_id = $1 AND q.result IN ('answered','cached') AND q.at >= $2 AND q.at < $3`, v.id, db.Millis(from), db.Millis(to)).Scan(&calls, &units)
		c.Calls += calls
		c.Units += units
		var mean sql.NullFloat64
		s.DB.QueryRowContext(ctx, `SELECT AVG(f.rating) FROM opr_feedback f JOIN opr_products p ON p.id = f.product_id WHERE p.view_id = $1 AND f.created_at >= $2 AND f.created_at < $3`,
			v.id, db.Millis(from), db.Millis(to)).Scan(&mean)
		if mean.Valid && (c.MeanRating == 0 || mean.Float64 > c.MeanRating) {
			c.MeanRating = math.Round(mean.Float64*100) / 100
		}
	}
	var maxCalls int64
	var maxValue float64
	value := func(c *Contribution) float64 { return float64(c.Units) * (1 + c.MeanRating/5) }
	for _, c := range by {
		if qn[c.OrgID] > 0 {
			c.Quality = math.Round(qsum[c.OrgID]/float64(qn[c.OrgID])*10) / 10
		}
		maxCalls = max(maxCalls, c.Calls)
		maxValue = math.Max(maxValue, value(c))
	}
	out := make([]Contribution, 0, len(order))
	for _, org := range order {
		c := by[org]
		use, val := 0.0, 0.0
		if maxCalls > 0 {
			use = float64(c.Calls) / float64(maxCalls) * 100
		}
		if maxValue > 0 {
			val = value(c) / maxValue * 100
		}
		c.Score = math.Round((0.4*c.Quality+0.3*use+0.3*val)*10) / 10
		out = append(out, *c)
	}
	slices.SortStableFunc(out, func(a, b Contribution) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return strings.Compare(a.OrgID, b.OrgID)
	})
	return out, nil
}

// Contributions scores every providing agency for a year (operator staff, the authority,
// auditors, oversight); a provider's officer sees its own line.
func (s *Service) Contributions(ctx context.Context, p *authz.Principal, year int) (_ []Contribution, err error) {
	defer errs.Wrap(&err, "operate: Contributions")
	all := s.seesAll(p)
	if !all && !p.Has(authz.DataOfficer, authz.AgencyApprover) {
		return nil, apperr.Forbidden
	}
	if year < 2000 || year > 2200 {
		return nil, apperr.Invalid.With(apperr.Field("year", "年份无效", "invalid year"))
	}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, workday.Location)
	cs, err := s.contributions(ctx, from, from.AddDate(1, 0, 0))
	if err != nil || all {
		return cs, err
	}
	return slices.DeleteFunc(cs, func(c Contribution) bool { return c.OrgID != p.OrgID }), nil
}
