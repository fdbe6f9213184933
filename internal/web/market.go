package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/identity"
	"pubdata/internal/market"
	"pubdata/internal/vocab"
	"pubdata/internal/workday"
)

// Market pages (数据资产与数据要素市场, MKT-1 … MKT-4; regulated units, OPR-11): the workbench
// (/market: asset registrations, listings, brokers, and the forms the caller may use), the public
// register (/market/register, no login), an asset with its review and rights, a product with its
// rights, assessments and listing form, a listing with its trades, a trade with its reviews, a
// broker with its ratings, and the regulated units' reports and the authority's letters.
func init() {
	Register(map[string][2]string{
		"nav.market":           {"数据资产与市场", "Data assets and market"},
		"market.title":         {"数据资产与数据市场", "Data assets and the data market"},
		"market.register":      {"数据资产登记公示", "Public data asset register"},
		"market.asset":         {"数据资产登记", "Data asset registration"},
		"market.product":       {"数据产品的权利与评估", "A product's rights and assessments"},
		"market.listing":       {"挂牌", "Listing"},
		"market.trade":         {"交易记录", "Trade record"},
		"market.broker":        {"数据经纪人", "Broker"},
		"market.units":         {"受监管单位报告与函件", "Regulated units: reports and letters"},
		"market.report":        {"受监管单位报告", "Regulated unit's report"},
		"market.letter":        {"主管部门函件", "Authority's letter"},
		"flash.market_done":    {"已办理", "Done"},
		"flash.market_asset":   {"已提交登记，待主管部门审核", "Registration filed; awaiting the authority"},
		"flash.market_listed":  {"已挂牌", "Listed"},
		"flash.market_traded":  {"交易已记录", "Trade recorded"},
		"flash.market_right":   {"权利已记录", "Right recorded"},
		"flash.market_letter":  {"函件已发出", "Letter issued"},
		"flash.market_report":  {"报告已提交", "Report filed"},
		"flash.market_broker":  {"已登记", "Registered"},
		"flash.market_assess":  {"评估已记录", "Assessment recorded"},
		"flash.market_reviews": {"评价已记录", "Review recorded"},
	})
	AddNav(NavItem{Key: "nav.market", Href: "/market", Roles: []authz.Role{authz.AuthorityAdmin, authz.AuthorityReviewer, authz.DataOfficer, authz.AgencyApprover,
		authz.OperatorStaff, authz.AppUnitUser, authz.Expert, authz.Auditor, authz.Oversight}, Order: 45})
}

type option struct{ ID, Name string }

func (w *Web) options(ctx context.Context, q string, args ...any) []option {
	rows, err := w.App.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return nil
	}
	defer rows.Close()
	var out []option
	for rows.Next() {
		var o option
		if rows.Scan(&o.ID, &o.Name) == nil {
			out = append(out, o)
		}
	}
	return out
}

func (w *Web) releasedProducts(ctx context.Context) []option {
	return w.options(ctx, "SELECT id, name FROM opr_products WHERE released_version > 0 AND state <> 'withdrawn' ORDER BY name LIMIT 500")
}

func (w *Web) allOrgs(ctx context.Context) []identity.Org {
	orgs, _ := w.App.Identity.Orgs(ctx, "", "")
	return orgs
}

func can(p *authz.Principal, act authz.Action, a authz.MarketAttrs) bool {
	return authz.Market(p, act, a) == nil
}

func formInt(r *http.Request, name string) *int {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		n = -1
	}
	return &n
}

func formFloat(r *http.Request, name string) *float64 {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		f = -1
	}
	return &f
}

// marketHome shows the market workbench: asset registrations, listings, brokers, trades and the forms the caller may use.
func (w *Web) marketHome(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	ctx := r.Context()
	assets, _, err := s.Assets(ctx, p, "", 100, 0)
	if err != nil {
		return err
	}
	listings, _, err := s.Listings(ctx, p, "", 100, 0)
	if err != nil {
		return err
	}
	brokers, _, err := s.Brokers(ctx, p, 100, 0)
	if err != nil {
		return err
	}
	trades, _, err := s.Trades(ctx, p, "", 100, 0)
	if err != nil {
		return err
	}
	d := map[string]any{"Assets": assets, "Listings": listings, "Brokers": brokers, "Trades": trades,
		"CanAsset": can(p, authz.MktAsset, authz.MarketAttrs{}), "CanList": can(p, authz.MktList, authz.MarketAttrs{}),
		"CanBroker": can(p, authz.MktBroker, authz.MarketAttrs{Region: p.RegionCode}), "Frequencies": vocab.Codes(vocab.UpdateFrequency)}
	if d["CanAsset"].(bool) {
		d["Entries"] = w.options(ctx, "SELECT id, name FROM catalog_entries WHERE provider_org_id = $1 ORDER BY name LIMIT 500", p.OrgID)
	}
	if p.IsAuthority() || p.Has(authz.Auditor, authz.Oversight, authz.Expert) || d["CanList"].(bool) {
		d["Products"] = w.releasedProducts(ctx)
	}
	v := w.NewView(rw, r, "market.title")
	v.Data = d
	w.Render(rw, 200, "market_home", v)
	return nil
}

// marketRegister shows the public data asset register (no login).
func (w *Web) marketRegister(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	items, total, err := s.Register(r.Context(), 100, max(offset, 0))
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "market.register")
	v.Data = map[string]any{"Items": items, "Total": total}
	w.Render(rw, 200, "market_register", v)
	return nil
}

// Assets

// marketAssetFile files a data asset registration for the authority's review.
func (w *Web) marketAssetFile(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	in := market.AssetInput{Name: r.PostFormValue("name"), EntryID: r.PostFormValue("entry_id"), ProductID: r.PostFormValue("product_id"),
		Volume: r.PostFormValue("volume"), Frequency: r.PostFormValue("frequency"), Quality: formFloat(r, "quality"), Cost: r.PostFormValue("cost"),
		Usage: r.PostFormValue("usage")}
	x, err := s.RegisterAsset(r.Context(), p, in)
	if err != nil {
		return err
	}
	Redirect(rw, r, "/market/assets/"+x.ID, "flash.market_asset")
	return nil
}

// marketAsset shows an asset registration with its review and rights.
func (w *Web) marketAsset(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	x, err := s.Asset(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	rights, err := s.Rights(r.Context(), p, market.ObjectAsset, x.ID)
	if err != nil {
		return err
	}
	attrs := authz.MarketAttrs{ID: x.ID, Region: x.RegionCode, OwnerOrg: x.OrgID}
	d := map[string]any{"A": x, "Rights": rights, "CanReview": x.State == market.AssetSubmitted && can(p, authz.MktReview, attrs),
		"CanRights": can(p, authz.MktRights, attrs)}
	if d["CanRights"].(bool) {
		d["Orgs"] = w.allOrgs(r.Context())
	}
	v := w.NewView(rw, r, "market.asset")
	v.Data = d
	w.Render(rw, 200, "market_asset", v)
	return nil
}

// marketAssetReview records the authority's decision on an asset registration.
func (w *Web) marketAssetReview(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	if _, err := s.ReviewAsset(r.Context(), p, r.PathValue("id"), r.PostFormValue("decision") == "approve", r.PostFormValue("reason")); err != nil {
		return err
	}
	Redirect(rw, r, "/market/assets/"+r.PathValue("id"), "flash.market_done")
	return nil
}

// Rights

// marketRightInput reads a right (record or transfer) from the posted form.
func (w *Web) marketRightInput(r *http.Request) market.RightInput {
	return market.RightInput{ObjectKind: r.PostFormValue("object_kind"), ObjectID: r.PostFormValue("object_id"), Kind: r.PostFormValue("kind"),
		HolderOrgID: r.PostFormValue("holder_org_id"), BasisKind: r.PostFormValue("basis_kind"), BasisRef: r.PostFormValue("basis_ref"),
		ValidFrom: r.PostFormValue("valid_from"), ValidTo: r.PostFormValue("valid_to"), Note: r.PostFormValue("note")}
}

// marketObjectPage is the page of a right's object: an asset or a product.
func (w *Web) marketObjectPage(kind, id string) string {
	if kind == market.ObjectAsset {
		return "/market/assets/" + id
	}
	return "/market/products/" + id
}

// marketRightRecord records a right on an asset or a product.
func (w *Web) marketRightRecord(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	x, err := s.RecordRight(r.Context(), p, w.marketRightInput(r))
	if err != nil {
		return err
	}
	Redirect(rw, r, w.marketObjectPage(x.ObjectKind, x.ObjectID), "flash.market_right")
	return nil
}

// marketRightTransfer transfers a right to another holder.
func (w *Web) marketRightTransfer(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	x, err := s.TransferRight(r.Context(), p, r.PathValue("id"), w.marketRightInput(r))
	if err != nil {
		return err
	}
	Redirect(rw, r, w.marketObjectPage(x.ObjectKind, x.ObjectID), "flash.market_right")
	return nil
}

// Products: rights, assessments, the listing form

// marketProduct shows a product's rights, assessments and listing form.
func (w *Web) marketProduct(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	a := w.App
	id := r.PathValue("id")
	hist, err := s.Assessments(r.Context(), p, id)
	if err != nil {
		return err
	}
	rights, err := s.Rights(r.Context(), p, market.ObjectProduct, id)
	if err != nil {
		return err
	}
	var name string
	a.DB.QueryRowContext(r.Context(), "SELECT name FROM opr_products WHERE id = $1", id).Scan(&name)
	attrs := authz.MarketAttrs{ID: id, Market: true}
	d := map[string]any{"ID": id, "Name": name, "Assessments": hist, "Rights": rights, "CanRights": can(p, authz.MktRights, authz.MarketAttrs{ID: id, Region: p.RegionCode, Market: true}),
		"CanAssess": can(p, authz.MktAssess, attrs), "CanList": can(p, authz.MktList, authz.MarketAttrs{}), "Mining": market.MiningLevels}
	if d["CanRights"].(bool) {
		d["Orgs"] = w.allOrgs(r.Context())
	}
	v := w.NewView(rw, r, "market.product")
	v.Data = d
	w.Render(rw, 200, "market_product", v)
	return nil
}

// marketProductAssess records an assessment of a product.
func (w *Web) marketProductAssess(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	in := market.AssessInput{Timeliness: formFloat(r, "timeliness"), TimeSpan: formInt(r, "time_span"), Completeness: formFloat(r, "completeness"),
		Level: r.PostFormValue("level"), Mining: r.PostFormValue("mining"), Note: r.PostFormValue("note")}
	if c := formInt(r, "coverage"); c != nil {
		n := int64(*c)
		in.Coverage = &n
	}
	if _, err := s.Assess(r.Context(), p, r.PathValue("id"), in); err != nil {
		return err
	}
	Redirect(rw, r, "/market/products/"+r.PathValue("id"), "flash.market_assess")
	return nil
}

// Listings and trades

// marketListingCreate lists a product on the market.
func (w *Web) marketListingCreate(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	l, err := s.List(r.Context(), p, market.ListingInput{ObjectKind: r.PostFormValue("object_kind"), ProductID: r.PostFormValue("product_id"),
		SourceStatement: r.PostFormValue("source_statement"), PriceNote: r.PostFormValue("price_note")})
	if err != nil {
		return err
	}
	Redirect(rw, r, "/market/listings/"+l.ID, "flash.market_listed")
	return nil
}

// marketListing shows a listing with its trades.
func (w *Web) marketListing(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	a := w.App
	l, err := s.Listing(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	trades, _, err := s.Trades(r.Context(), p, l.ID, 200, 0)
	if err != nil {
		return err
	}
	attrs := authz.MarketAttrs{ID: l.ID, Region: l.RegionCode, OwnerOrg: l.ProviderOrgID, Market: true}
	d := map[string]any{"L": l, "Trades": trades, "CanTrade": l.State == market.Listed && can(p, authz.MktTrade, attrs),
		"CanDelist": l.State == market.Listed && (can(p, authz.MktTrade, attrs) || can(p, authz.MktSupervise, attrs)), "Delivery": market.DeliveryMethods}
	if d["CanTrade"].(bool) {
		d["Buyers"] = w.options(r.Context(), "SELECT id, name FROM orgs WHERE id <> $1 AND kind IN ('app_unit', 'enterprise', 'operator') ORDER BY name LIMIT 500", l.ProviderOrgID)
		d["Brokers"] = w.options(r.Context(), "SELECT id, name FROM mkt_brokers WHERE state = 'active' ORDER BY name LIMIT 500")
		d["Today"] = workday.Format(a.Now())
	}
	v := w.NewView(rw, r, "market.listing")
	v.Data = d
	w.Render(rw, 200, "market_listing", v)
	return nil
}

// marketListingDelist takes a listing off the market.
func (w *Web) marketListingDelist(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	if _, err := s.Delist(r.Context(), p, r.PathValue("id"), r.PostFormValue("note")); err != nil {
		return err
	}
	Redirect(rw, r, "/market/listings/"+r.PathValue("id"), "flash.market_done")
	return nil
}

// marketTradeRecord records a trade on a listing.
func (w *Web) marketTradeRecord(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	t, err := s.RecordTrade(r.Context(), p, r.PathValue("id"), market.TradeInput{BuyerOrgID: r.PostFormValue("buyer_org_id"),
		BuyerPerson: r.PostFormValue("buyer_person"), SellerPerson: r.PostFormValue("seller_person"), BrokerID: r.PostFormValue("broker_id"),
		Price: r.PostFormValue("price"), Scope: r.PostFormValue("scope"), PeriodFrom: r.PostFormValue("period_from"), PeriodTo: r.PostFormValue("period_to"),
		Delivery: r.PostFormValue("delivery")})
	if err != nil {
		return err
	}
	Redirect(rw, r, "/market/trades/"+t.ID, "flash.market_traded")
	return nil
}

// marketTrade shows a trade with its reviews.
func (w *Web) marketTrade(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	t, err := s.Trade(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	attrs := authz.MarketAttrs{ID: t.ID, Region: t.RegionCode, OwnerOrg: t.SellerOrgID, OtherOrg: t.BuyerOrgID}
	d := map[string]any{"T": t, "CanRate": can(p, authz.MktRate, attrs)}
	if t.BrokerID != "" {
		b, err := s.Broker(r.Context(), p, t.BrokerID)
		if err == nil {
			d["Broker"] = b
		}
	}
	v := w.NewView(rw, r, "market.trade")
	v.Data = d
	w.Render(rw, 200, "market_trade", v)
	return nil
}

// marketReviewInput reads a trade review from the posted form.
func (w *Web) marketReviewInput(r *http.Request) market.ReviewInput {
	n, _ := strconv.Atoi(r.PostFormValue("rating"))
	return market.ReviewInput{TradeID: r.PostFormValue("trade_id"), Rating: n, Comment: r.PostFormValue("comment")}
}

// marketTradeReview records a party's review of a trade.
func (w *Web) marketTradeReview(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	if _, err := s.ReviewTrade(r.Context(), p, r.PathValue("id"), w.marketReviewInput(r)); err != nil {
		return err
	}
	Redirect(rw, r, "/market/trades/"+r.PathValue("id"), "flash.market_reviews")
	return nil
}

// Brokers

// marketBrokerRegister registers a data broker.
func (w *Web) marketBrokerRegister(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	b, err := s.RegisterBroker(r.Context(), p, market.BrokerInput{Kind: r.PostFormValue("kind"), Name: r.PostFormValue("name"),
		CreditCode: r.PostFormValue("credit_code"), Person: r.PostFormValue("person"), Scope: r.PostFormValue("scope")})
	if err != nil {
		return err
	}
	Redirect(rw, r, "/market/brokers/"+b.ID, "flash.market_broker")
	return nil
}

// marketBroker shows a broker with its ratings.
func (w *Web) marketBroker(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	b, err := s.Broker(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := map[string]any{"B": b, "CanMove": can(p, authz.MktBroker, authz.MarketAttrs{ID: b.ID, Region: b.RegionCode, Market: true})}
	if p.OrgID != "" {
		d["MyTrades"] = w.options(r.Context(), "SELECT id, product_name FROM mkt_trades WHERE broker_id = $1 AND (seller_org_id = $2 OR buyer_org_id = $2) ORDER BY recorded_at DESC LIMIT 100", b.ID, p.OrgID)
	}
	v := w.NewView(rw, r, "market.broker")
	v.Data = d
	w.Render(rw, 200, "market_broker", v)
	return nil
}

// marketBrokerMove suspends or reinstates a broker.
func (w *Web) marketBrokerMove(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	mv := r.PostFormValue("move")
	if mv != "suspend" && mv != "reinstate" {
		return apperr.BadRequest
	}
	if _, err := s.MoveBroker(r.Context(), p, r.PathValue("id"), mv, r.PostFormValue("reason")); err != nil {
		return err
	}
	Redirect(rw, r, "/market/brokers/"+r.PathValue("id"), "flash.market_done")
	return nil
}

// marketBrokerRate records a rating of a broker.
func (w *Web) marketBrokerRate(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	if _, err := s.RateBroker(r.Context(), p, r.PathValue("id"), w.marketReviewInput(r)); err != nil {
		return err
	}
	Redirect(rw, r, "/market/brokers/"+r.PathValue("id"), "flash.market_reviews")
	return nil
}

// Regulated units

// marketUnits shows the regulated units' reports and the authority's letters.
func (w *Web) marketUnits(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	a := w.App
	ctx := r.Context()
	reports, _, err := s.Reports(ctx, p, 100, 0)
	if err != nil {
		return err
	}
	letters, _, err := s.Letters(ctx, p, r.URL.Query().Get("state"), 100, 0)
	if err != nil {
		return err
	}
	canFile := can(p, authz.MktFile, authz.MarketAttrs{})
	d := map[string]any{"Reports": reports, "Letters": letters, "CanFile": canFile,
		"CanIssue": can(p, authz.MktSupervise, authz.MarketAttrs{Region: p.RegionCode}), "Kinds": append(append([]string{}, market.BeforeKinds...), market.AfterKinds...),
		"LetterKinds": market.LetterKinds}
	if canFile {
		roles := []string{market.UnitOperator}
		if p.OrgKind == authz.KindPlatformService {
			roles = []string{market.UnitPlatformService, market.UnitIntensive}
		}
		d["Roles"] = roles
		if f, err := s.UnitFactsFor(ctx, p, p.OrgID, a.Now().In(workday.Location).Year()); err == nil {
			d["Facts"] = f
		}
	}
	if d["CanIssue"].(bool) {
		d["Units"] = w.options(ctx, "SELECT id, name FROM orgs WHERE kind IN ('operator', 'platform_service') ORDER BY name LIMIT 500")
	}
	v := w.NewView(rw, r, "market.units")
	v.Data = d
	w.Render(rw, 200, "market_units", v)
	return nil
}

// marketReportFile files a regulated unit's report.
func (w *Web) marketReportFile(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	x, err := s.FileReport(r.Context(), p, market.ReportInput{UnitRole: r.PostFormValue("unit_role"), Kind: r.PostFormValue("kind"),
		Title: r.PostFormValue("title"), Body: r.PostFormValue("body")})
	if err != nil {
		return err
	}
	Redirect(rw, r, "/market/reports/"+x.ID, "flash.market_report")
	return nil
}

// marketReport shows a regulated unit's report.
func (w *Web) marketReport(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	x, err := s.Report(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	canAnswer := can(p, authz.MktSupervise, authz.MarketAttrs{ID: x.ID, Region: x.RegionCode, OwnerOrg: x.OrgID})
	v := w.NewView(rw, r, "market.report")
	v.Data = map[string]any{"R": x, "CanAnswer": canAnswer, "LetterKinds": market.LetterKinds}
	w.Render(rw, 200, "market_report", v)
	return nil
}

// marketReportNoObjection records the authority's no-objection to a report.
func (w *Web) marketReportNoObjection(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	if _, err := s.NoObjection(r.Context(), p, r.PathValue("id"), r.PostFormValue("note")); err != nil {
		return err
	}
	Redirect(rw, r, "/market/reports/"+r.PathValue("id"), "flash.market_done")
	return nil
}

// marketLetterIssue issues an authority's letter to a regulated unit.
func (w *Web) marketLetterIssue(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	days, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue("days")))
	l, err := s.IssueLetter(r.Context(), p, market.LetterInput{OrgID: r.PostFormValue("org_id"), ReportID: r.PostFormValue("report_id"),
		Kind: r.PostFormValue("kind"), Body: r.PostFormValue("body"), Days: days})
	if err != nil {
		return err
	}
	Redirect(rw, r, "/market/letters/"+l.ID, "flash.market_letter")
	return nil
}

// marketLetter shows an authority's letter.
func (w *Web) marketLetter(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	l, err := s.Letter(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "market.letter")
	v.Data = map[string]any{"L": l, "Actions": market.LetterActions(p, l)}
	w.Render(rw, 200, "market_letter", v)
	return nil
}

// marketLetterAct records a step on a letter: respond, close or reopen.
func (w *Web) marketLetterAct(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Market
	ev := r.PostFormValue("event")
	if ev != market.LetterRespond && ev != market.LetterClose && ev != market.LetterReopen {
		return apperr.BadRequest
	}
	if _, err := s.FireLetter(r.Context(), p, r.PathValue("id"), ev, r.PostFormValue("note")); err != nil {
		return err
	}
	Redirect(rw, r, "/market/letters/"+r.PathValue("id"), "flash.market_done")
	return nil
}
