package market

import (
	"context"
	"database/sql"
	"errors"
	"math"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/validate"
)

// Listing states: listed → delisted.
const (
	Listed   = "listed"
	Delisted = "delisted"
)

// Delivery methods of a trade (交付方式).
var DeliveryMethods = []string{"api", "file", "sandbox", "offline"}

// Broker kinds and states.
const (
	BrokerKind     = "broker"  // 数据经纪人
	ServiceOrgKind = "service" // 第三方专业服务机构
	BrokerActive   = "active"
	BrokerSusp     = "suspended"
)

// Listing is a product listed on the market (挂牌) with the provider's data-source statement.
type Listing struct {
	ID              string   `json:"id"`
	ProductID       string   `json:"product_id"`
	ProductName     string   `json:"product_name"`
	ProviderOrgID   string   `json:"provider_org_id"`
	ProviderName    string   `json:"provider_name"`
	RegionCode      string   `json:"region_code"`
	RightID         string   `json:"right_id"` // the operation right it was listed under
	SourceStatement string   `json:"source_statement"`
	PriceNote       string   `json:"price_note,omitempty"`
	State           string   `json:"state"`
	ListedBy        string   `json:"listed_by"`
	ListedAt        db.Stamp `json:"listed_at"`
	DelistedAt      db.Stamp `json:"delisted_at,omitempty"`
	Note            string   `json:"note,omitempty"`
}

// ListingInput lists a product. ObjectKind other than "product" (an entry, a dataset) is raw data.
type ListingInput struct {
	ObjectKind      string `json:"object_kind"`
	ProductID       string `json:"product_id"`
	SourceStatement string `json:"source_statement"`
	PriceNote       string `json:"price_note"`
}

func listingAttrs(l Listing) authz.MarketAttrs {
	return authz.MarketAttrs{ID: l.ID, Region: l.RegionCode, OwnerOrg: l.ProviderOrgID, Market: true}
}

// List puts a released product on the market. Raw data (a catalog entry, a dataset, anything
// not a product) is refused; so is a party without a valid product operation right.
func (s *Service) List(ctx context.Context, p *authz.Principal, in ListingInput) (_ Listing, err error) {
	defer errs.Wrap(&err, "market: List")
	if err := authz.Market(p, authz.MktList, authz.MarketAttrs{}); err != nil {
		return Listing{}, err
	}
	if in.ObjectKind != "" && in.ObjectKind != ObjectProduct {
		return Listing{}, ErrRawData
	}
	var name, state string
	var released int
	err = s.DB.QueryRowContext(ctx, "SELECT name, state, released_version FROM opr_products WHERE id = $1", in.ProductID).Scan(&name, &state, &released)
	if db.IsNoRows(err) {
		var n int
		s.DB.QueryRowContext(ctx, "SELECT count(*) FROM catalog_entries WHERE id = $1", in.ProductID).Scan(&n)
		if n > 0 {
			return Listing{}, ErrRawData
		}
		return Listing{}, apperr.Invalid.With(apperr.Field("product_id", "请选择已发布的数据产品", "choose a released product"))
	}
	if err != nil {
		return Listing{}, err
	}
	var fe []apperr.FieldError
	text(&fe, "source_statement", &in.SourceStatement, 10, 2000, "请写明数据来源声明（10–2000 字）：数据从何而来、依据什么授权",
		"state where the data comes from and under which authorization (10–2000 characters)")
	text(&fe, "price_note", &in.PriceNote, 0, 500, "价格说明不超过 500 字", "price note: at most 500 characters")
	if err := invalid(fe); err != nil {
		return Listing{}, err
	}
	if released == 0 || state == "withdrawn" {
		return Listing{}, ErrNotReleased
	}
	o, err := s.org(ctx, s.DB, p.OrgID)
	if err != nil {
		return Listing{}, err
	}
	l := Listing{ID: ids.New(), ProductID: in.ProductID, ProductName: name, ProviderOrgID: o.ID, ProviderName: o.Name, RegionCode: o.Region,
		SourceStatement: in.SourceStatement, PriceNote: in.PriceNote, State: Listed, ListedBy: p.Username, ListedAt: db.StampOf(s.now())}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if l.RightID = s.holdsOperation(ctx, tx, in.ProductID, p.OrgID); l.RightID == "" {
			return ErrNoOperationRight
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO mkt_listings (id, product_id, product_name, provider_org_id, provider_name, region_code, right_id,
			source_statement, price_note, state, listed_by, listed_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`, l.ID, l.ProductID, l.ProductName,
			l.ProviderOrgID, l.ProviderName, l.RegionCode, l.RightID, l.SourceStatement, l.PriceNote, l.State, l.ListedBy, int64(l.ListedAt)); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "market.listing.list", "mkt_listing", l.ID, map[string]any{"product_id": l.ProductID, "right_id": l.RightID})
	})
	if err != nil {
		if errors.Is(err, ErrNoOperationRight) {
			s.DB.Tx(ctx, func(tx *sql.Tx) error { // the refusal is audited too
				return s.record(ctx, tx, p, "market.listing.refused", "opr_product", in.ProductID, map[string]any{"reason": "no_operation_right"})
			})
		}
		return Listing{}, err
	}
	return l, nil
}

const listingCols = `id, product_id, product_name, provider_org_id, provider_name, region_code, right_id, source_statement, price_note, state,
	listed_by, listed_at, delisted_at, note`

func scanListing(sc interface{ Scan(...any) error }) (Listing, error) {
	var l Listing
	var at, del int64
	err := sc.Scan(&l.ID, &l.ProductID, &l.ProductName, &l.ProviderOrgID, &l.ProviderName, &l.RegionCode, &l.RightID, &l.SourceStatement, &l.PriceNote,
		&l.State, &l.ListedBy, &at, &del, &l.Note)
	l.ListedAt, l.DelistedAt = db.Stamp(at), db.Stamp(del)
	return l, err
}

func (s *Service) listing(ctx context.Context, q db.Q, id string, lock bool) (Listing, error) {
	qs := "SELECT " + listingCols + " FROM mkt_listings WHERE id = $1"
	if lock {
		qs += s.DB.ForUpdate()
	}
	l, err := scanListing(q.QueryRowContext(ctx, qs, id))
	if db.IsNoRows(err) {
		return l, apperr.Hidden
	}
	return l, err
}

// Listing returns a listing; one the caller may not read is not found.
func (s *Service) Listing(ctx context.Context, p *authz.Principal, id string) (_ Listing, err error) {
	defer errs.Wrap(&err, "market: Listing(%s)", id)
	l, err := s.listing(ctx, s.DB, id, false)
	if err != nil {
		return l, err
	}
	if err := authz.Market(p, authz.Read, listingAttrs(l)); err != nil {
		return Listing{}, err
	}
	return l, nil
}

// marketReader tells whether p reads every market record (listings, brokers).
func marketReader(p *authz.Principal) bool {
	return p.IsAuthority() || p.Has(authz.Auditor, authz.Oversight, authz.Expert) ||
		authz.Market(p, authz.MktList, authz.MarketAttrs{}) == nil
}

// Listings lists the listings p reads (the market's participants all; others their own), newest first.
func (s *Service) Listings(ctx context.Context, p *authz.Principal, state string, limit, offset int) (_ []Listing, _ int, err error) {
	defer errs.Wrap(&err, "market: Listings")
	if err := authz.Market(p, authz.Read, authz.MarketAttrs{}); err != nil {
		return nil, 0, err
	}
	limit, offset = page(limit, offset)
	w := &where{}
	if !marketReader(p) {
		w.add("provider_org_id = " + w.arg(p.OrgID))
	}
	if state != "" {
		w.add("state = " + w.arg(state))
	}
	total, err := s.count(ctx, "mkt_listings", w)
	if err != nil {
		return nil, 0, err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+listingCols+" FROM mkt_listings"+w.sql()+" ORDER BY listed_at DESC, id DESC LIMIT "+w.arg(limit)+" OFFSET "+w.arg(offset), w.args...)
	out, err := db.ScanAll(rows, err, scanListing)
	return out, total, err
}

// Delist takes a listing off the market (its provider, or the authority).
func (s *Service) Delist(ctx context.Context, p *authz.Principal, id, note string) (_ Listing, err error) {
	defer errs.Wrap(&err, "market: Delist(%s)", id)
	var out Listing
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		l, err := s.listing(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := authz.Market(p, authz.MktTrade, listingAttrs(l)); err != nil {
			if authz.Market(p, authz.MktSupervise, listingAttrs(l)) != nil {
				return err
			}
		}
		var fe []apperr.FieldError
		text(&fe, "note", &note, 0, 1000, "说明不超过 1000 字", "at most 1000 characters")
		if err := invalid(fe); err != nil {
			return err
		}
		if l.State != Listed {
			return ErrBadState
		}
		now := s.now()
		if _, err := tx.ExecContext(ctx, "UPDATE mkt_listings SET state = $1, delisted_at = $2, note = $3 WHERE id = $4", Delisted, db.Millis(now), note, id); err != nil {
			return err
		}
		l.State, l.DelistedAt, l.Note = Delisted, db.StampOf(now), note
		out = l
		return s.record(ctx, tx, p, "market.listing.delist", "mkt_listing", id, nil)
	})
	return out, err
}

// Trade is one transaction record (交易记录) of a listed product.
type Trade struct {
	ID               string   `json:"id"`
	ListingID        string   `json:"listing_id"`
	ProductID        string   `json:"product_id"`
	ProductName      string   `json:"product_name"`
	RegionCode       string   `json:"region_code"`
	SellerOrgID      string   `json:"seller_org_id"`
	SellerName       string   `json:"seller_name"`
	SellerCreditCode string   `json:"seller_credit_code"`
	SellerPerson     string   `json:"seller_person"`
	BuyerOrgID       string   `json:"buyer_org_id"`
	BuyerName        string   `json:"buyer_name"`
	BuyerCreditCode  string   `json:"buyer_credit_code"`
	BuyerPerson      string   `json:"buyer_person"`
	BrokerID         string   `json:"broker_id,omitempty"`
	Price            string   `json:"price"`
	Scope            string   `json:"scope"`
	PeriodFrom       string   `json:"period_from"`
	PeriodTo         string   `json:"period_to"`
	Delivery         string   `json:"delivery"`
	RecordedBy       string   `json:"recorded_by"`
	RecordedAt       db.Stamp `json:"recorded_at"`
	Reviews          []Review `json:"reviews,omitempty"`
}

// TradeInput records a trade of a listing.
type TradeInput struct {
	BuyerOrgID   string `json:"buyer_org_id"`
	BuyerPerson  string `json:"buyer_person"`  // the buyer's named responsible person
	SellerPerson string `json:"seller_person"` // the provider's named responsible person
	BrokerID     string `json:"broker_id"`     // optional: the broker or service organization
	Price        string `json:"price"`
	Scope        string `json:"scope"`
	PeriodFrom   string `json:"period_from"`
	PeriodTo     string `json:"period_to"`
	Delivery     string `json:"delivery"`
}

func tradeAttrs(t Trade) authz.MarketAttrs {
	return authz.MarketAttrs{ID: t.ID, Region: t.RegionCode, OwnerOrg: t.SellerOrgID, OtherOrg: t.BuyerOrgID}
}

// identity checks one party: a unified social credit code that passes the check, and a named person.
func identity(fe *[]apperr.FieldError, side string, code, person string) {
	if code == "" {
		*fe = append(*fe, apperr.Field(side+"_credit_code", "该方没有登记统一社会信用代码", "this party has no unified social credit code on record"))
	} else if err := validate.CreditCode(code); err != nil {
		var ve *validate.Error
		if errors.As(err, &ve) {
			*fe = append(*fe, apperr.Field(side+"_credit_code", ve.ZH, ve.EN))
		} else {
			*fe = append(*fe, apperr.Field(side+"_credit_code", "统一社会信用代码未通过校验", "the unified social credit code does not check"))
		}
	}
	if person == "" {
		*fe = append(*fe, apperr.Field(side+"_person", "请写明该方的责任人姓名", "name this party's responsible person"))
	}
}

// RecordTrade records a trade of a listed product by its provider, once both parties' identities
// are verified (credit code checked, a named responsible person for each) and the broker, if
// any, is not suspended.
func (s *Service) RecordTrade(ctx context.Context, p *authz.Principal, listingID string, in TradeInput) (_ Trade, err error) {
	defer errs.Wrap(&err, "market: RecordTrade(%s)", listingID)
	var t Trade
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		l, err := s.listing(ctx, tx, listingID, false)
		if err != nil {
			return err
		}
		if err := authz.Market(p, authz.MktTrade, listingAttrs(l)); err != nil {
			return err
		}
		var fe []apperr.FieldError
		text(&fe, "buyer_person", &in.BuyerPerson, 0, 50, "责任人姓名不超过 50 字", "at most 50 characters")
		text(&fe, "seller_person", &in.SellerPerson, 0, 50, "责任人姓名不超过 50 字", "at most 50 characters")
		text(&fe, "price", &in.Price, 1, 100, "请填写成交价格（1–100 字）", "give the price (1–100 characters)")
		text(&fe, "scope", &in.Scope, 1, 1000, "请写明使用范围（1–1000 字）", "state the scope of use (1–1000 characters)")
		if !validDate(in.PeriodFrom) || !validDate(in.PeriodTo) || in.PeriodTo < in.PeriodFrom {
			fe = append(fe, apperr.Field("period_to", "请填写使用期限（起止日期）", "give the period (from and to)"))
		}
		if !oneOf(in.Delivery, DeliveryMethods) {
			fe = append(fe, apperr.Field("delivery", "请选择交付方式", "choose the delivery method"))
		}
		if err := invalid(fe); err != nil {
			return err
		}
		if l.State != Listed {
			return ErrBadState
		}
		seller, err := s.org(ctx, tx, l.ProviderOrgID)
		if err != nil {
			return err
		}
		buyer, err := s.org(ctx, tx, in.BuyerOrgID)
		if db.IsNoRows(err) || in.BuyerOrgID == seller.ID {
			return apperr.Invalid.With(apperr.Field("buyer_org_id", "请选择买方（另一家单位）", "choose the buyer (another organization)"))
		}
		if err != nil {
			return err
		}
		identity(&fe, "seller", seller.CreditCode, in.SellerPerson)
		identity(&fe, "buyer", buyer.CreditCode, in.BuyerPerson)
		if len(fe) > 0 {
			return ErrIdentity.With(fe...)
		}
		if in.BrokerID != "" {
			var st string
			err := tx.QueryRowContext(ctx, "SELECT state FROM mkt_brokers WHERE id = $1", in.BrokerID).Scan(&st)
			if db.IsNoRows(err) {
				return apperr.Invalid.With(apperr.Field("broker_id", "没有这个数据经纪人或服务机构", "no such broker or service organization"))
			}
			if err != nil {
				return err
			}
			if st != BrokerActive {
				return ErrBrokerSuspended
			}
		}
		t = Trade{ID: ids.New(), ListingID: l.ID, ProductID: l.ProductID, ProductName: l.ProductName, RegionCode: l.RegionCode,
			SellerOrgID: seller.ID, SellerName: seller.Name, SellerCreditCode: seller.CreditCode, SellerPerson: in.SellerPerson,
			BuyerOrgID: buyer.ID, BuyerName: buyer.Name, BuyerCreditCode: buyer.CreditCode, BuyerPerson: in.BuyerPerson, BrokerID: in.BrokerID,
			Price: in.Price, Scope: in.Scope, PeriodFrom: in.PeriodFrom, PeriodTo: in.PeriodTo, Delivery: in.Delivery, RecordedBy: p.Username,
			RecordedAt: db.StampOf(s.now())}
		if _, err := tx.ExecContext(ctx, `INSERT INTO mkt_trades (id, listing_id, product_id, product_name, region_code, seller_org_id, seller_name,
			seller_credit_code, seller_person, buyer_org_id, buyer_name, buyer_credit_code, buyer_person, broker_id, price, scope, period_from, period_to,
			delivery, recorded_by, recorded_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)`,
			t.ID, t.ListingID, t.ProductID, t.ProductName, t.RegionCode, t.SellerOrgID, t.SellerName, t.SellerCreditCode, t.SellerPerson,
			t.BuyerOrgID, t.BuyerName, t.BuyerCreditCode, t.BuyerPerson, t.BrokerID, t.Price, t.Scope, t.PeriodFrom, t.PeriodTo, t.Delivery,
			t.RecordedBy, int64(t.RecordedAt)); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "market.trade.record", "mkt_trade", t.ID, map[string]any{"listing_id": l.ID, "buyer": t.BuyerOrgID, "broker": t.BrokerID})
	})
	return t, err
}

const tradeCols = `id, listing_id, product_id, product_name, region_code, seller_org_id, seller_name, seller_credit_code, seller_person, buyer_org_id,
	buyer_name, buyer_credit_code, buyer_person, broker_id, price, scope, period_from, period_to, delivery, recorded_by, recorded_at`

func scanTrade(sc interface{ Scan(...any) error }) (Trade, error) {
	var t Trade
	var at int64
	err := sc.Scan(&t.ID, &t.ListingID, &t.ProductID, &t.ProductName, &t.RegionCode, &t.SellerOrgID, &t.SellerName, &t.SellerCreditCode, &t.SellerPerson,
		&t.BuyerOrgID, &t.BuyerName, &t.BuyerCreditCode, &t.BuyerPerson, &t.BrokerID, &t.Price, &t.Scope, &t.PeriodFrom, &t.PeriodTo, &t.Delivery,
		&t.RecordedBy, &at)
	t.RecordedAt = db.Stamp(at)
	return t, err
}

func (s *Service) trade(ctx context.Context, q db.Q, id string) (Trade, error) {
	t, err := scanTrade(q.QueryRowContext(ctx, "SELECT "+tradeCols+" FROM mkt_trades WHERE id = $1", id))
	if db.IsNoRows(err) {
		return t, apperr.Hidden
	}
	return t, err
}

// Trade returns a trade with its reviews; one the caller may not read is not found.
func (s *Service) Trade(ctx context.Context, p *authz.Principal, id string) (_ Trade, err error) {
	defer errs.Wrap(&err, "market: Trade(%s)", id)
	t, err := s.trade(ctx, s.DB, id)
	if err != nil {
		return t, err
	}
	if err := authz.Market(p, authz.Read, tradeAttrs(t)); err != nil {
		return Trade{}, err
	}
	t.Reviews, err = s.reviews(ctx, "trade", id)
	return t, err
}

// Trades lists the trades p reads (the authority its region's, a party its own), newest first;
// listingID narrows to one listing.
func (s *Service) Trades(ctx context.Context, p *authz.Principal, listingID string, limit, offset int) (_ []Trade, _ int, err error) {
	defer errs.Wrap(&err, "market: Trades(%s)", listingID)
	if err := authz.Market(p, authz.Read, authz.MarketAttrs{}); err != nil {
		return nil, 0, err
	}
	limit, offset = page(limit, offset)
	w := &where{}
	w.scope(p, "region_code", "seller_org_id", "buyer_org_id")
	if listingID != "" {
		w.add("listing_id = " + w.arg(listingID))
	}
	total, err := s.count(ctx, "mkt_trades", w)
	if err != nil {
		return nil, 0, err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+tradeCols+" FROM mkt_trades"+w.sql()+" ORDER BY recorded_at DESC, id DESC LIMIT "+w.arg(limit)+" OFFSET "+w.arg(offset), w.args...)
	out, err := db.ScanAll(rows, err, scanTrade)
	return out, total, err
}

// Review is a party's review of a trade, or a client's rating of a broker.
type Review struct {
	ID         string   `json:"id"`
	TargetKind string   `json:"target_kind"` // trade | broker
	TargetID   string   `json:"target_id"`
	TradeID    string   `json:"trade_id"`
	Rating     int      `json:"rating"` // 1–5
	Comment    string   `json:"comment,omitempty"`
	ByOrgID    string   `json:"by_org_id"`
	ByUser     string   `json:"by_user"`
	At         db.Stamp `json:"at"`
}

// ReviewInput is a rating with its comment; on a broker, the trade it was a party of.
type ReviewInput struct {
	TradeID string `json:"trade_id"`
	Rating  int    `json:"rating"`
	Comment string `json:"comment"`
}

func (s *Service) reviews(ctx context.Context, kind, id string) ([]Review, error) {
	rows, err := s.DB.QueryContext(ctx, "SELECT id, target_kind, target_id, trade_id, rating, comment, by_org_id, by_user, at FROM mkt_reviews WHERE target_kind = $1 AND target_id = $2 ORDER BY at DESC, id DESC LIMIT 200", kind, id)
	return db.ScanAll(rows, err, func(r *sql.Rows) (Review, error) {
		var v Review
		var at int64
		err := r.Scan(&v.ID, &v.TargetKind, &v.TargetID, &v.TradeID, &v.Rating, &v.Comment, &v.ByOrgID, &v.ByUser, &at)
		v.At = db.Stamp(at)
		return v, err
	})
}

func (s *Service) addReview(ctx context.Context, tx *sql.Tx, p *authz.Principal, v Review) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO mkt_reviews (id, target_kind, target_id, trade_id, rating, comment, by_org_id, by_user, at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, v.ID, v.TargetKind, v.TargetID, v.TradeID, v.Rating, v.Comment, v.ByOrgID, v.ByUser, int64(v.At))
	if db.IsUniqueViolation(err) {
		return apperr.Conflict.With(apperr.Field("rating", "本单位已评价过", "your organization has already rated it"))
	}
	if err != nil {
		return err
	}
	action := "market.review.trade"
	if v.TargetKind == "broker" {
		action = "market.review.broker"
	}
	return s.record(ctx, tx, p, action, "mkt_"+v.TargetKind, v.TargetID, map[string]any{"rating": v.Rating, "trade_id": v.TradeID})
}

func (in *ReviewInput) validate() error {
	var fe []apperr.FieldError
	if in.Rating < 1 || in.Rating > 5 {
		fe = append(fe, apperr.Field("rating", "评分须为 1–5", "the rating must be 1–5"))
	}
	text(&fe, "comment", &in.Comment, 0, 1000, "评价不超过 1000 字", "at most 1000 characters")
	return invalid(fe)
}

// ReviewTrade records a party's review of a trade (one per party).
func (s *Service) ReviewTrade(ctx context.Context, p *authz.Principal, tradeID string, in ReviewInput) (_ Review, err error) {
	defer errs.Wrap(&err, "market: ReviewTrade(%s)", tradeID)
	t, err := s.trade(ctx, s.DB, tradeID)
	if err != nil {
		return Review{}, err
	}
	if err := authz.Market(p, authz.MktRate, tradeAttrs(t)); err != nil {
		return Review{}, err
	}
	if err := in.validate(); err != nil {
		return Review{}, err
	}
	v := Review{ID: ids.New(), TargetKind: "trade", TargetID: t.ID, TradeID: t.ID, Rating: in.Rating, Comment: in.Comment, ByOrgID: p.OrgID, ByUser: p.Username, At: db.StampOf(s.now())}
	return v, s.DB.Tx(ctx, func(tx *sql.Tx) error { return s.addReview(ctx, tx, p, v) })
}

// Broker is a registered data broker (数据经纪人) or third-party service organization.
type Broker struct {
	ID           string   `json:"id"`
	Kind         string   `json:"kind"`
	Name         string   `json:"name"`
	CreditCode   string   `json:"credit_code"`
	Person       string   `json:"person"`
	Scope        string   `json:"scope,omitempty"`
	RegionCode   string   `json:"region_code"`
	State        string   `json:"state"`
	Reason       string   `json:"reason,omitempty"`
	RegisteredBy string   `json:"registered_by"`
	RegisteredAt db.Stamp `json:"registered_at"`
	Rating       float64  `json:"rating"` // the clients' mean rating; 0 when none yet
	Ratings      int      `json:"ratings"`
	Reviews      []Review `json:"reviews,omitempty"`
	Events       []Event  `json:"events,omitempty"`
}

// BrokerInput registers a broker or service organization.
type BrokerInput struct {
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	CreditCode string `json:"credit_code"`
	Person     string `json:"person"`
	Scope      string `json:"scope"`
}

func brokerAttrs(b Broker) authz.MarketAttrs {
	return authz.MarketAttrs{ID: b.ID, Region: b.RegionCode, Market: true}
}

// RegisterBroker registers a broker or a service organization in the authority's region.
func (s *Service) RegisterBroker(ctx context.Context, p *authz.Principal, in BrokerInput) (_ Broker, err error) {
	defer errs.Wrap(&err, "market: RegisterBroker")
	if err := authz.Market(p, authz.MktBroker, authz.MarketAttrs{Region: p.RegionCode}); err != nil {
		return Broker{}, err
	}
	var fe []apperr.FieldError
	if !oneOf(in.Kind, []string{BrokerKind, ServiceOrgKind}) {
		fe = append(fe, apperr.Field("kind", "请选择数据经纪人或第三方服务机构", "choose broker or service organization"))
	}
	text(&fe, "name", &in.Name, 1, 200, "请填写名称（1–200 字）", "give the name (1–200 characters)")
	text(&fe, "person", &in.Person, 1, 50, "请写明责任人", "name the responsible person")
	text(&fe, "scope", &in.Scope, 0, 1000, "服务范围不超过 1000 字", "scope: at most 1000 characters")
	in.CreditCode = validate.NormalizeCreditCode(in.CreditCode)
	if err := validate.CreditCode(in.CreditCode); err != nil {
		var ve *validate.Error
		if errors.As(err, &ve) {
			fe = append(fe, apperr.Field("credit_code", ve.ZH, ve.EN))
		} else {
			fe = append(fe, apperr.Field("credit_code", "统一社会信用代码未通过校验", "the unified social credit code does not check"))
		}
	}
	if err := invalid(fe); err != nil {
		return Broker{}, err
	}
	now := s.now()
	b := Broker{ID: ids.New(), Kind: in.Kind, Name: in.Name, CreditCode: in.CreditCode, Person: in.Person, Scope: in.Scope, RegionCode: p.RegionCode,
		State: BrokerActive, RegisteredBy: p.Username, RegisteredAt: db.StampOf(now)}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mkt_brokers (id, kind, name, credit_code, person, scope, region_code, state, registered_by, registered_at, changed_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$10)`, b.ID, b.Kind, b.Name, b.CreditCode, b.Person, b.Scope, b.RegionCode, b.State, b.RegisteredBy, db.Millis(now)); err != nil {
			if db.IsUniqueViolation(err) {
				return apperr.Conflict.With(apperr.Field("credit_code", "该统一社会信用代码已登记", "this credit code is already registered"))
			}
			return err
		}
		if err := s.event(ctx, tx, "mkt_broker", b.ID, p.Username, "register", ""); err != nil {
			return err
		}
		return s.record(ctx, tx, p, "market.broker.register", "mkt_broker", b.ID, map[string]any{"kind": b.Kind})
	})
	if err != nil {
		return Broker{}, err
	}
	return s.broker(ctx, s.DB, b.ID, false)
}

const brokerCols = `b.id, b.kind, b.name, b.credit_code, b.person, b.scope, b.region_code, b.state, b.reason, b.registered_by, b.registered_at,
	COALESCE((SELECT AVG(rating) FROM mkt_reviews r WHERE r.target_kind = 'broker' AND r.target_id = b.id), 0),
	(SELECT count(*) FROM mkt_reviews r WHERE r.target_kind = 'broker' AND r.target_id = b.id)`

func scanBroker(sc interface{ Scan(...any) error }) (Broker, error) {
	var b Broker
	var at int64
	err := sc.Scan(&b.ID, &b.Kind, &b.Name, &b.CreditCode, &b.Person, &b.Scope, &b.RegionCode, &b.State, &b.Reason, &b.RegisteredBy, &at, &b.Rating, &b.Ratings)
	b.RegisteredAt = db.Stamp(at)
	b.Rating = math.Round(b.Rating*10) / 10
	return b, err
}

func (s *Service) broker(ctx context.Context, q db.Q, id string, lock bool) (Broker, error) {
	qs := "SELECT " + brokerCols + " FROM mkt_brokers b WHERE b.id = $1"
	if lock {
		qs = "SELECT b.id, b.kind, b.name, b.credit_code, b.person, b.scope, b.region_code, b.state, b.reason, b.registered_by, b.registered_at, 0, 0 FROM mkt_brokers b WHERE b.id = $1" + s.DB.ForUpdate()
	}
	b, err := scanBroker(q.QueryRowContext(ctx, qs, id))
	if db.IsNoRows(err) {
		return b, apperr.Hidden
	}
	return b, err
}

// Broker returns a broker with its clients' reviews and its history.
func (s *Service) Broker(ctx context.Context, p *authz.Principal, id string) (_ Broker, err error) {
	defer errs.Wrap(&err, "market: Broker(%s)", id)
	b, err := s.broker(ctx, s.DB, id, false)
	if err != nil {
		return b, err
	}
	if err := authz.Market(p, authz.Read, brokerAttrs(b)); err != nil {
		return Broker{}, err
	}
	if b.Reviews, err = s.reviews(ctx, "broker", id); err != nil {
		return b, err
	}
	b.Events, err = s.events(ctx, "mkt_broker", id)
	return b, err
}

// Brokers lists the registered brokers and service organizations (for the market's readers).
func (s *Service) Brokers(ctx context.Context, p *authz.Principal, limit, offset int) (_ []Broker, _ int, err error) {
	defer errs.Wrap(&err, "market: Brokers")
	if err := authz.Market(p, authz.Read, authz.MarketAttrs{}); err != nil {
		return nil, 0, err
	}
	if !marketReader(p) {
		return nil, 0, nil
	}
	limit, offset = page(limit, offset)
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT count(*) FROM mkt_brokers").Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+brokerCols+" FROM mkt_brokers b ORDER BY b.registered_at DESC, b.id DESC LIMIT $1 OFFSET $2", limit, offset)
	out, err := db.ScanAll(rows, err, scanBroker)
	return out, total, err
}

// MoveBroker suspends a broker on a violation (it takes part in no new trade) or reinstates it.
func (s *Service) MoveBroker(ctx context.Context, p *authz.Principal, id, move, reason string) (_ Broker, err error) {
	defer errs.Wrap(&err, "market: MoveBroker(%s)", id)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		b, err := s.broker(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := authz.Market(p, authz.MktBroker, brokerAttrs(b)); err != nil {
			return err
		}
		var fe []apperr.FieldError
		text(&fe, "reason", &reason, 1, 1000, "请写明理由（违规事实）", "state the reason (the violation)")
		if move != "suspend" && move != "reinstate" {
			fe = append(fe, apperr.Field("move", "须为暂停或恢复", "must be suspend or reinstate"))
		}
		if err := invalid(fe); err != nil {
			return err
		}
		to := BrokerSusp
		if move == "reinstate" {
			to = BrokerActive
		}
		if (move == "suspend") != (b.State == BrokerActive) {
			return ErrBadState
		}
		if _, err := tx.ExecContext(ctx, "UPDATE mkt_brokers SET state = $1, reason = $2, changed_at = $3 WHERE id = $4", to, reason, db.Millis(s.now()), id); err != nil {
			return err
		}
		if err := s.event(ctx, tx, "mkt_broker", id, p.Username, move, reason); err != nil {
			return err
		}
		action := "market.broker.suspend"
		if move == "reinstate" {
			action = "market.broker.reinstate"
		}
		return s.record(ctx, tx, p, action, "mkt_broker", id, map[string]any{"reason": reason})
	})
	if err != nil {
		return Broker{}, err
	}
	return s.Broker(ctx, p, id)
}

// RateBroker records a client's rating of a broker: the caller's organization must be a party of
// the named trade made through it.
func (s *Service) RateBroker(ctx context.Context, p *authz.Principal, brokerID string, in ReviewInput) (_ Review, err error) {
	defer errs.Wrap(&err, "market: RateBroker(%s)", brokerID)
	b, err := s.broker(ctx, s.DB, brokerID, false)
	if err != nil {
		return Review{}, err
	}
	if err := authz.Market(p, authz.Read, brokerAttrs(b)); err != nil {
		return Review{}, err
	}
	t, err := s.trade(ctx, s.DB, in.TradeID)
	if err != nil || t.BrokerID != b.ID || authz.Market(p, authz.MktRate, tradeAttrs(t)) != nil {
		return Review{}, ErrNotClient
	}
	if err := in.validate(); err != nil {
		return Review{}, err
	}
	v := Review{ID: ids.New(), TargetKind: "broker", TargetID: b.ID, TradeID: t.ID, Rating: in.Rating, Comment: in.Comment, ByOrgID: p.OrgID, ByUser: p.Username, At: db.StampOf(s.now())}
	return v, s.DB.Tx(ctx, func(tx *sql.Tx) error { return s.addReview(ctx, tx, p, v) })
}
