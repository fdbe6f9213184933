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
func init() {
	routeHooks = append(routeHooks, func(api *API) {
		a := api.App
		h := func(method, path, summary string, body bool, fn HandlerFunc) {
			api.Handle(Route{Method: method, Path: path, Summary: summary, Tag: "market", Body: body}, fn)
		}
		api.Handle(Route{Method: "GET", Path: "/api/v1/market/register", Summary: "数据资产登记公示（已登记资产）/ The public data asset register", Tag: "market", Public: true},
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				pg, err := PageOf(r)
				if err != nil {
					return nil, err
				}
				items, total, err := a.Market.Register(r.Context(), pg.Size, pg.Offset)
				return NewPaged(items, pg, total), err
			})

		// Assets (MKT-1)
		h("GET", "/api/v1/market/assets", "数据资产登记列表 / Data asset registrations", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				pg, err := PageOf(r)
				if err != nil {
					return nil, err
				}
				items, total, err := a.Market.Assets(r.Context(), p, r.URL.Query().Get("state"), pg.Size, pg.Offset)
				return NewPaged(items, pg, total), err
			})
		h("POST", "/api/v1/market/assets", "登记数据资产 / Register a data asset", true,
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
		h("GET", "/api/v1/market/assets/{id}", "数据资产登记及其经过 / A registration and its history", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				return a.Market.Asset(r.Context(), p, r.PathValue("id"))
			})
		h("POST", "/api/v1/market/assets/{id}/review", "审核登记：通过（发证书编号）或不予登记 / Approve (certificate) or refuse", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in struct {
					Approve bool   `json:"approve"`
					Reason  string `json:"reason"`
				}
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				return a.Market.ReviewAsset(r.Context(), p, r.PathValue("id"), in.Approve, in.Reason)
			})

		// Rights (MKT-2)
		h("GET", "/api/v1/market/rights", "数据产品或数据资产的三权及其历史 / The rights on a product or asset, with their history", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				q := r.URL.Query()
				items, err := a.Market.Rights(r.Context(), p, q.Get("object_kind"), q.Get("object_id"))
				return map[string]any{"items": nonNil(items)}, err
			})
		h("POST", "/api/v1/market/rights", "记录数据权利（持有权、加工使用权、经营权）/ Record a right", true,
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
		h("GET", "/api/v1/market/rights/{id}", "一项数据权利 / A right", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				return a.Market.Right(r.Context(), p, r.PathValue("id"))
			})
		h("POST", "/api/v1/market/rights/{id}/transfer", "转让数据权利给新的持有单位 / Transfer a right to a new holder", true,
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
		h("GET", "/api/v1/market/products/{id}/assessments", "数据产品质量与价值评估历史 / A product's assessments", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				items, err := a.Market.Assessments(r.Context(), p, r.PathValue("id"))
				return map[string]any{"items": nonNil(items)}, err
			})
		h("POST", "/api/v1/market/products/{id}/assessments", "评估数据产品（平台可计算的由平台计算）/ Assess a product", true,
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
		h("GET", "/api/v1/market/listings", "挂牌数据产品 / Listings", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				pg, err := PageOf(r)
				if err != nil {
					return nil, err
				}
				items, total, err := a.Market.Listings(r.Context(), p, r.URL.Query().Get("state"), pg.Size, pg.Offset)
				return NewPaged(items, pg, total), err
			})
		h("POST", "/api/v1/market/listings", "挂牌数据产品（须持有有效经营权；原始数据不得挂牌）/ List a product", true,
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
		h("GET", "/api/v1/market/listings/{id}", "一项挂牌 / A listing", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				return a.Market.Listing(r.Context(), p, r.PathValue("id"))
			})
		h("POST", "/api/v1/market/listings/{id}/delist", "摘牌 / Delist", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in struct {
					Note string `json:"note"`
				}
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				return a.Market.Delist(r.Context(), p, r.PathValue("id"), in.Note)
			})
		h("POST", "/api/v1/market/listings/{id}/trades", "记录交易（核验双方身份）/ Record a trade (both identities verified)", true,
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
		h("GET", "/api/v1/market/trades", "交易记录 / Trades", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				pg, err := PageOf(r)
				if err != nil {
					return nil, err
				}
				items, total, err := a.Market.Trades(r.Context(), p, r.URL.Query().Get("listing_id"), pg.Size, pg.Offset)
				return NewPaged(items, pg, total), err
			})
		h("GET", "/api/v1/market/trades/{id}", "一笔交易及其评价 / A trade and its reviews", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				return a.Market.Trade(r.Context(), p, r.PathValue("id"))
			})
		h("POST", "/api/v1/market/trades/{id}/reviews", "交易一方评价交易 / A party reviews the trade", true,
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
		h("GET", "/api/v1/market/brokers", "数据经纪人与第三方服务机构 / Brokers and service organizations", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				pg, err := PageOf(r)
				if err != nil {
					return nil, err
				}
				items, total, err := a.Market.Brokers(r.Context(), p, pg.Size, pg.Offset)
				return NewPaged(items, pg, total), err
			})
		h("POST", "/api/v1/market/brokers", "登记数据经纪人或服务机构 / Register a broker or service organization", true,
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
		h("GET", "/api/v1/market/brokers/{id}", "数据经纪人及其评价 / A broker with its ratings", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				return a.Market.Broker(r.Context(), p, r.PathValue("id"))
			})
		for _, mv := range []string{"suspend", "reinstate"} {
			summary := "因违规暂停数据经纪人 / Suspend a broker on a violation"
			if mv == "reinstate" {
				summary = "恢复数据经纪人 / Reinstate a broker"
			}
			h("POST", "/api/v1/market/brokers/{id}/"+mv, summary, true,
				func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
					var in struct {
						Reason string `json:"reason"`
					}
					if err := Decode(r, &in); err != nil {
						return nil, err
					}
					return a.Market.MoveBroker(r.Context(), p, r.PathValue("id"), mv, in.Reason)
				})
		}
		h("POST", "/api/v1/market/brokers/{id}/ratings", "客户评价数据经纪人 / A client rates a broker", true,
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
		h("GET", "/api/v1/market/reports", "受监管单位报告 / Regulated units' reports", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				pg, err := PageOf(r)
				if err != nil {
					return nil, err
				}
				items, total, err := a.Market.Reports(r.Context(), p, pg.Size, pg.Offset)
				return NewPaged(items, pg, total), err
			})
		h("POST", "/api/v1/market/reports", "报告（事前：外包、合作开发、投资；事后：进展、验收）/ File a report", true,
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
		h("GET", "/api/v1/market/reports/{id}", "一份报告及答复函件 / A report with the letters answering it", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				return a.Market.Report(r.Context(), p, r.PathValue("id"))
			})
		h("POST", "/api/v1/market/reports/{id}/no-objection", "对报告无异议 / No objection to a report", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in struct {
					Note string `json:"note"`
				}
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				return a.Market.NoObjection(r.Context(), p, r.PathValue("id"), in.Note)
			})
		h("GET", "/api/v1/market/letters", "主管部门函件（异议、整改函、通报、业务限制）/ The authority's letters", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				pg, err := PageOf(r)
				if err != nil {
					return nil, err
				}
				items, total, err := a.Market.Letters(r.Context(), p, r.URL.Query().Get("state"), pg.Size, pg.Offset)
				return NewPaged(items, pg, total), err
			})
		h("POST", "/api/v1/market/letters", "发函（整改函期限按工作日）/ Issue a letter (rectification deadline in working days)", true,
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
		h("GET", "/api/v1/market/letters/{id}", "一份函件及其经过 / A letter and its history", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				return a.Market.Letter(r.Context(), p, r.PathValue("id"))
			})
		for _, ev := range []struct{ ev, summary string }{
			{market.LetterRespond, "单位回复函件（整改或落实情况）/ The unit answers the letter"},
			{market.LetterClose, "函件闭环 / Close the letter"},
			{market.LetterReopen, "退回单位继续落实 / Return the letter to the unit"},
		} {
			h("POST", "/api/v1/market/letters/{id}/"+ev.ev, ev.summary, true,
				func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
					var in struct {
						Note string `json:"note"`
					}
					if err := Decode(r, &in); err != nil {
						return nil, err
					}
					return a.Market.FireLetter(r.Context(), p, r.PathValue("id"), ev.ev, in.Note)
				})
		}
		h("GET", "/api/v1/market/units/{id}/facts", "受监管单位年度评价事实（函件、逾期、限制）/ A unit's letters for its annual evaluation", false,
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
	})
}
