package httpapi

import (
	"net/http"
	"strconv"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/market"
	"pubdata/internal/workday"
)

// Data assets, market records and regulated units (MKT-1 … MKT-4, OPR-11): thin handlers over
// market.Service. The public register of approved assets needs no login; everything else is
// worked in a session (the market decision refuses API tokens).
func (api *API) marketRoutes() {
	a := api.App
	h := func(rt Route, fn HandlerFunc) { rt.Tag = "market"; api.Handle(rt, fn) }
	api.Handle(Route{Method: "GET", Path: "/api/v1/market/register", Summary: "数据资产登记公示（已登记资产）/ The public data asset register", Tag: "market", Public: true, Out: Paged[market.PublicAsset]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			pg, err := PageOf(r)
			if err != nil {
				return nil, err
			}
			items, total, err := a.Market.Register(r.Context(), pg.Size, pg.Offset)
			return NewPaged(items, pg, total), err
		})

	// Assets (MKT-1)
	h(Route{Method: "GET", Path: "/api/v1/market/assets", Summary: "数据资产登记列表 / Data asset registrations", Out: Paged[market.Asset]{}, Query: []string{"state"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			pg, err := PageOf(r)
			if err != nil {
				return nil, err
			}
			items, total, err := a.Market.Assets(r.Context(), p, r.URL.Query().Get("state"), pg.Size, pg.Offset)
			return NewPaged(items, pg, total), err
		})
	h(Route{Method: "POST", Path: "/api/v1/market/assets", Summary: "登记数据资产 / Register a data asset", Body: true, In: market.AssetInput{}, Out: Created{V: market.Asset{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in market.AssetInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			x, err := a.Market.RegisterAsset(r.Context(), p, in)
			if err != nil {
				return nil, err
			}
			return Created{x}, nil
		})
	h(Route{Method: "GET", Path: "/api/v1/market/assets/{id}", Summary: "数据资产登记及其经过 / A registration and its history", Out: market.Asset{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Market.Asset(r.Context(), p, r.PathValue("id"))
		})
	h(Route{Method: "POST", Path: "/api/v1/market/assets/{id}/review", Summary: "审核登记：通过（发证书编号）或不予登记 / Approve (certificate) or refuse", Body: true, In: MarketAssetReview{}, Out: market.Asset{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in MarketAssetReview
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Market.ReviewAsset(r.Context(), p, r.PathValue("id"), in.Approve, in.Reason)
		})

	// Rights (MKT-2)
	h(Route{Method: "GET", Path: "/api/v1/market/rights", Summary: "数据产品或数据资产的三权及其历史 / The rights on a product or asset, with their history", Out: Items[market.Right]{}, Query: []string{"object_kind", "object_id"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			q := r.URL.Query()
			items, err := a.Market.Rights(r.Context(), p, q.Get("object_kind"), q.Get("object_id"))
			return map[string]any{"items": nonNil(items)}, err
		})
	h(Route{Method: "POST", Path: "/api/v1/market/rights", Summary: "记录数据权利（持有权、加工使用权、经营权）/ Record a right", Body: true, In: market.RightInput{}, Out: Created{V: market.Right{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in market.RightInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			x, err := a.Market.RecordRight(r.Context(), p, in)
			if err != nil {
				return nil, err
			}
			return Created{x}, nil
		})
	h(Route{Method: "GET", Path: "/api/v1/market/rights/{id}", Summary: "一项数据权利 / A right", Out: market.Right{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Market.Right(r.Context(), p, r.PathValue("id"))
		})
	h(Route{Method: "POST", Path: "/api/v1/market/rights/{id}/transfer", Summary: "转让数据权利给新的持有单位 / Transfer a right to a new holder", Body: true, In: market.RightInput{}, Out: Created{V: market.Right{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in market.RightInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			x, err := a.Market.TransferRight(r.Context(), p, r.PathValue("id"), in)
			if err != nil {
				return nil, err
			}
			return Created{x}, nil
		})

	// Assessments (MKT-3)
	h(Route{Method: "GET", Path: "/api/v1/market/products/{id}/assessments", Summary: "数据产品质量与价值评估历史 / A product's assessments", Out: Items[market.Assessment]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			items, err := a.Market.Assessments(r.Context(), p, r.PathValue("id"))
			return map[string]any{"items": nonNil(items)}, err
		})
	h(Route{Method: "POST", Path: "/api/v1/market/products/{id}/assessments", Summary: "评估数据产品（平台可计算的由平台计算）/ Assess a product", Body: true, In: market.AssessInput{}, Out: Created{V: market.Assessment{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in market.AssessInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			x, err := a.Market.Assess(r.Context(), p, r.PathValue("id"), in)
			if err != nil {
				return nil, err
			}
			return Created{x}, nil
		})

	// Listings, trades, reviews (MKT-4)
	h(Route{Method: "GET", Path: "/api/v1/market/listings", Summary: "挂牌数据产品 / Listings", Out: Paged[market.Listing]{}, Query: []string{"state"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			pg, err := PageOf(r)
			if err != nil {
				return nil, err
			}
			items, total, err := a.Market.Listings(r.Context(), p, r.URL.Query().Get("state"), pg.Size, pg.Offset)
			return NewPaged(items, pg, total), err
		})
	h(Route{Method: "POST", Path: "/api/v1/market/listings", Summary: "挂牌数据产品（须持有有效经营权；原始数据不得挂牌）/ List a product", Body: true, In: market.ListingInput{}, Out: Created{V: market.Listing{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in market.ListingInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			x, err := a.Market.List(r.Context(), p, in)
			if err != nil {
				return nil, err
			}
			return Created{x}, nil
		})
	h(Route{Method: "GET", Path: "/api/v1/market/listings/{id}", Summary: "一项挂牌 / A listing", Out: market.Listing{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Market.Listing(r.Context(), p, r.PathValue("id"))
		})
	h(Route{Method: "POST", Path: "/api/v1/market/listings/{id}/delist", Summary: "摘牌 / Delist", Body: true, In: MarketNote{}, Out: market.Listing{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in MarketNote
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Market.Delist(r.Context(), p, r.PathValue("id"), in.Note)
		})
	h(Route{Method: "POST", Path: "/api/v1/market/listings/{id}/trades", Summary: "记录交易（核验双方身份）/ Record a trade (both identities verified)", Body: true, In: market.TradeInput{}, Out: Created{V: market.Trade{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in market.TradeInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			x, err := a.Market.RecordTrade(r.Context(), p, r.PathValue("id"), in)
			if err != nil {
				return nil, err
			}
			return Created{x}, nil
		})
	h(Route{Method: "GET", Path: "/api/v1/market/trades", Summary: "交易记录 / Trades", Out: Paged[market.Trade]{}, Query: []string{"listing_id"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			pg, err := PageOf(r)
			if err != nil {
				return nil, err
			}
			items, total, err := a.Market.Trades(r.Context(), p, r.URL.Query().Get("listing_id"), pg.Size, pg.Offset)
			return NewPaged(items, pg, total), err
		})
	h(Route{Method: "GET", Path: "/api/v1/market/trades/{id}", Summary: "一笔交易及其评价 / A trade and its reviews", Out: market.Trade{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Market.Trade(r.Context(), p, r.PathValue("id"))
		})
	h(Route{Method: "POST", Path: "/api/v1/market/trades/{id}/reviews", Summary: "交易一方评价交易 / A party reviews the trade", Body: true, In: market.ReviewInput{}, Out: Created{V: market.Review{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in market.ReviewInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			x, err := a.Market.ReviewTrade(r.Context(), p, r.PathValue("id"), in)
			if err != nil {
				return nil, err
			}
			return Created{x}, nil
		})

	// Brokers and service organizations
	h(Route{Method: "GET", Path: "/api/v1/market/brokers", Summary: "数据经纪人与第三方服务机构 / Brokers and service organizations", Out: Paged[market.Broker]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			pg, err := PageOf(r)
			if err != nil {
				return nil, err
			}
			items, total, err := a.Market.Brokers(r.Context(), p, pg.Size, pg.Offset)
			return NewPaged(items, pg, total), err
		})
	h(Route{Method: "POST", Path: "/api/v1/market/brokers", Summary: "登记数据经纪人或服务机构 / Register a broker or service organization", Body: true, In: market.BrokerInput{}, Out: Created{V: market.Broker{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in market.BrokerInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			x, err := a.Market.RegisterBroker(r.Context(), p, in)
			if err != nil {
				return nil, err
			}
			return Created{x}, nil
		})
	h(Route{Method: "GET", Path: "/api/v1/market/brokers/{id}", Summary: "数据经纪人及其评价 / A broker with its ratings", Out: market.Broker{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Market.Broker(r.Context(), p, r.PathValue("id"))
		})
	for _, mv := range []string{"suspend", "reinstate"} {
		summary := "因违规暂停数据经纪人 / Suspend a broker on a violation"
		if mv == "reinstate" {
			summary = "恢复数据经纪人 / Reinstate a broker"
		}
		h(Route{Method: "POST", Path: "/api/v1/market/brokers/{id}/" + mv, Summary: summary, Body: true, In: MarketReason{}, Out: market.Broker{}},
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in MarketReason
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				return a.Market.MoveBroker(r.Context(), p, r.PathValue("id"), mv, in.Reason)
			})
	}
	h(Route{Method: "POST", Path: "/api/v1/market/brokers/{id}/ratings", Summary: "客户评价数据经纪人 / A client rates a broker", Body: true, In: market.ReviewInput{}, Out: Created{V: market.Review{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in market.ReviewInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			x, err := a.Market.RateBroker(r.Context(), p, r.PathValue("id"), in)
			if err != nil {
				return nil, err
			}
			return Created{x}, nil
		})

	// Regulated units (OPR-11)
	h(Route{Method: "GET", Path: "/api/v1/market/reports", Summary: "受监管单位报告 / Regulated units' reports", Out: Paged[market.Report]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			pg, err := PageOf(r)
			if err != nil {
				return nil, err
			}
			items, total, err := a.Market.Reports(r.Context(), p, pg.Size, pg.Offset)
			return NewPaged(items, pg, total), err
		})
	h(Route{Method: "POST", Path: "/api/v1/market/reports", Summary: "报告（事前：外包、合作开发、投资；事后：进展、验收）/ File a report", Body: true, In: market.ReportInput{}, Out: Created{V: market.Report{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in market.ReportInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			x, err := a.Market.FileReport(r.Context(), p, in)
			if err != nil {
				return nil, err
			}
			return Created{x}, nil
		})
	h(Route{Method: "GET", Path: "/api/v1/market/reports/{id}", Summary: "一份报告及答复函件 / A report with the letters answering it", Out: market.Report{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Market.Report(r.Context(), p, r.PathValue("id"))
		})
	h(Route{Method: "POST", Path: "/api/v1/market/reports/{id}/no-objection", Summary: "对报告无异议 / No objection to a report", Body: true, In: MarketNote{}, Out: market.Report{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in MarketNote
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Market.NoObjection(r.Context(), p, r.PathValue("id"), in.Note)
		})
	h(Route{Method: "GET", Path: "/api/v1/market/letters", Summary: "主管部门函件（异议、整改函、通报、业务限制）/ The authority's letters", Out: Paged[market.Letter]{}, Query: []string{"state"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			pg, err := PageOf(r)
			if err != nil {
				return nil, err
			}
			items, total, err := a.Market.Letters(r.Context(), p, r.URL.Query().Get("state"), pg.Size, pg.Offset)
			return NewPaged(items, pg, total), err
		})
	h(Route{Method: "POST", Path: "/api/v1/market/letters", Summary: "发函（整改函期限按工作日）/ Issue a letter (rectification deadline in working days)", Body: true, In: market.LetterInput{}, Out: Created{V: market.Letter{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in market.LetterInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			x, err := a.Market.IssueLetter(r.Context(), p, in)
			if err != nil {
				return nil, err
			}
			return Created{x}, nil
		})
	h(Route{Method: "GET", Path: "/api/v1/market/letters/{id}", Summary: "一份函件及其经过 / A letter and its history", Out: market.Letter{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Market.Letter(r.Context(), p, r.PathValue("id"))
		})
	for _, ev := range []struct{ ev, summary string }{
		{market.LetterRespond, "单位回复函件（整改或落实情况）/ The unit answers the letter"},
		{market.LetterClose, "函件闭环 / Close the letter"},
		{market.LetterReopen, "退回单位继续落实 / Return the letter to the unit"},
	} {
		h(Route{Method: "POST", Path: "/api/v1/market/letters/{id}/" + ev.ev, Summary: ev.summary, Body: true, In: MarketNote{}, Out: market.Letter{}},
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in MarketNote
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				return a.Market.FireLetter(r.Context(), p, r.PathValue("id"), ev.ev, in.Note)
			})
	}
	h(Route{Method: "GET", Path: "/api/v1/market/units/{id}/facts", Summary: "受监管单位年度评价事实（函件、逾期、限制）/ A unit's letters for its annual evaluation", Out: market.UnitFacts{}, Query: []string{"year"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			year := a.Now().In(workday.Location).Year()
			if v := r.URL.Query().Get("year"); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil || n < 2000 || n > 2100 {
					return nil, apperr.BadRequest.With(apperr.Field("year", "年份不正确", "the year is not valid"))
				}
				year = n
			}
			return a.Market.UnitFactsFor(r.Context(), p, r.PathValue("id"), year)
		})
}
