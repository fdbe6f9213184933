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

// marketPublicRegister answers GET /api/v1/market/register: the public data asset register.
func (api *API) marketPublicRegister(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	items, total, err := api.App.Market.Register(r.Context(), pg.Size, pg.Offset)
	return NewPaged(items, pg, total), err
}

// marketListAssets answers GET /api/v1/market/assets: data asset registrations.
func (api *API) marketListAssets(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	items, total, err := api.App.Market.Assets(r.Context(), p, r.URL.Query().Get("state"), pg.Size, pg.Offset)
	return NewPaged(items, pg, total), err
}

// marketRegisterAsset answers POST /api/v1/market/assets: register a data asset.
func (api *API) marketRegisterAsset(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in market.AssetInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	x, err := api.App.Market.RegisterAsset(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{x}, nil
}

// marketGetAsset answers GET /api/v1/market/assets/{id}: a registration and its history.
func (api *API) marketGetAsset(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Market.Asset(r.Context(), p, r.PathValue("id"))
}

// marketReviewAsset answers POST /api/v1/market/assets/{id}/review: approve (certificate) or refuse.
func (api *API) marketReviewAsset(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in MarketAssetReview
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Market.ReviewAsset(r.Context(), p, r.PathValue("id"), in.Approve, in.Reason)
}

// marketListRights answers GET /api/v1/market/rights: the rights on a product or asset, with their history.
func (api *API) marketListRights(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	q := r.URL.Query()
	items, err := api.App.Market.Rights(r.Context(), p, q.Get("object_kind"), q.Get("object_id"))
	return map[string]any{"items": nonNil(items)}, err
}

// marketRecordRight answers POST /api/v1/market/rights: record a right.
func (api *API) marketRecordRight(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in market.RightInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	x, err := api.App.Market.RecordRight(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{x}, nil
}

// marketGetRight answers GET /api/v1/market/rights/{id}: a right.
func (api *API) marketGetRight(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Market.Right(r.Context(), p, r.PathValue("id"))
}

// marketTransferRight answers POST /api/v1/market/rights/{id}/transfer: transfer a right to a new holder.
func (api *API) marketTransferRight(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in market.RightInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	x, err := api.App.Market.TransferRight(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return nil, err
	}
	return Created{x}, nil
}

// marketListAssessments answers GET /api/v1/market/products/{id}/assessments: a product's assessments.
func (api *API) marketListAssessments(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	items, err := api.App.Market.Assessments(r.Context(), p, r.PathValue("id"))
	return map[string]any{"items": nonNil(items)}, err
}

// marketAssess answers POST /api/v1/market/products/{id}/assessments: assess a product.
func (api *API) marketAssess(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in market.AssessInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	x, err := api.App.Market.Assess(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return nil, err
	}
	return Created{x}, nil
}

// marketListListings answers GET /api/v1/market/listings: listings.
func (api *API) marketListListings(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	items, total, err := api.App.Market.Listings(r.Context(), p, r.URL.Query().Get("state"), pg.Size, pg.Offset)
	return NewPaged(items, pg, total), err
}

// marketCreateListing answers POST /api/v1/market/listings: list a product.
func (api *API) marketCreateListing(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in market.ListingInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	x, err := api.App.Market.List(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{x}, nil
}

// marketGetListing answers GET /api/v1/market/listings/{id}: a listing.
func (api *API) marketGetListing(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Market.Listing(r.Context(), p, r.PathValue("id"))
}

// marketDelist answers POST /api/v1/market/listings/{id}/delist: delist.
func (api *API) marketDelist(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in MarketNote
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Market.Delist(r.Context(), p, r.PathValue("id"), in.Note)
}

// marketRecordTrade answers POST /api/v1/market/listings/{id}/trades: record a trade (both identities verified).
func (api *API) marketRecordTrade(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in market.TradeInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	x, err := api.App.Market.RecordTrade(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return nil, err
	}
	return Created{x}, nil
}

// marketListTrades answers GET /api/v1/market/trades: trades.
func (api *API) marketListTrades(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	items, total, err := api.App.Market.Trades(r.Context(), p, r.URL.Query().Get("listing_id"), pg.Size, pg.Offset)
	return NewPaged(items, pg, total), err
}

// marketGetTrade answers GET /api/v1/market/trades/{id}: a trade and its reviews.
func (api *API) marketGetTrade(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Market.Trade(r.Context(), p, r.PathValue("id"))
}

// marketReviewTrade answers POST /api/v1/market/trades/{id}/reviews: a party reviews the trade.
func (api *API) marketReviewTrade(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in market.ReviewInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	x, err := api.App.Market.ReviewTrade(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return nil, err
	}
	return Created{x}, nil
}

// marketListBrokers answers GET /api/v1/market/brokers: brokers and service organizations.
func (api *API) marketListBrokers(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	items, total, err := api.App.Market.Brokers(r.Context(), p, pg.Size, pg.Offset)
	return NewPaged(items, pg, total), err
}

// marketRegisterBroker answers POST /api/v1/market/brokers: register a broker or service organization.
func (api *API) marketRegisterBroker(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in market.BrokerInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	x, err := api.App.Market.RegisterBroker(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{x}, nil
}

// marketGetBroker answers GET /api/v1/market/brokers/{id}: a broker with its ratings.
func (api *API) marketGetBroker(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Market.Broker(r.Context(), p, r.PathValue("id"))
}

// marketSuspendBroker answers POST /api/v1/market/brokers/{id}/suspend: suspend a broker on a violation.
func (api *API) marketSuspendBroker(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.marketMoveBroker(r, p, "suspend")
}

// marketReinstateBroker answers POST /api/v1/market/brokers/{id}/reinstate: reinstate a broker.
func (api *API) marketReinstateBroker(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.marketMoveBroker(r, p, "reinstate")
}

// marketMoveBroker suspends or reinstates the broker in the path, with the reason in the body.
func (api *API) marketMoveBroker(r *http.Request, p *authz.Principal, move string) (any, error) {
	var in MarketReason
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Market.MoveBroker(r.Context(), p, r.PathValue("id"), move, in.Reason)
}

// marketRateBroker answers POST /api/v1/market/brokers/{id}/ratings: a client rates a broker.
func (api *API) marketRateBroker(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in market.ReviewInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	x, err := api.App.Market.RateBroker(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return nil, err
	}
	return Created{x}, nil
}

// marketListReports answers GET /api/v1/market/reports: regulated units' reports.
func (api *API) marketListReports(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	items, total, err := api.App.Market.Reports(r.Context(), p, pg.Size, pg.Offset)
	return NewPaged(items, pg, total), err
}

// marketFileReport answers POST /api/v1/market/reports: file a report.
func (api *API) marketFileReport(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in market.ReportInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	x, err := api.App.Market.FileReport(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{x}, nil
}

// marketGetReport answers GET /api/v1/market/reports/{id}: a report with the letters answering it.
func (api *API) marketGetReport(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Market.Report(r.Context(), p, r.PathValue("id"))
}

// marketNoObjection answers POST /api/v1/market/reports/{id}/no-objection: no objection to a report.
func (api *API) marketNoObjection(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in MarketNote
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Market.NoObjection(r.Context(), p, r.PathValue("id"), in.Note)
}

// marketListLetters answers GET /api/v1/market/letters: the authority's letters.
func (api *API) marketListLetters(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	items, total, err := api.App.Market.Letters(r.Context(), p, r.URL.Query().Get("state"), pg.Size, pg.Offset)
	return NewPaged(items, pg, total), err
}

// marketIssueLetter answers POST /api/v1/market/letters: issue a letter (rectification deadline in working days).
func (api *API) marketIssueLetter(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in market.LetterInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	x, err := api.App.Market.IssueLetter(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{x}, nil
}

// marketGetLetter answers GET /api/v1/market/letters/{id}: a letter and its history.
func (api *API) marketGetLetter(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Market.Letter(r.Context(), p, r.PathValue("id"))
}

// marketRespondLetter answers POST /api/v1/market/letters/{id}/respond: the unit answers the letter.
func (api *API) marketRespondLetter(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.marketFireLetter(r, p, market.LetterRespond)
}

// marketCloseLetter answers POST /api/v1/market/letters/{id}/close: close the letter.
func (api *API) marketCloseLetter(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.marketFireLetter(r, p, market.LetterClose)
}

// marketReopenLetter answers POST /api/v1/market/letters/{id}/reopen: return the letter to the unit.
func (api *API) marketReopenLetter(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.marketFireLetter(r, p, market.LetterReopen)
}

// marketFireLetter moves the letter in the path by the event ev, with the note in the body.
func (api *API) marketFireLetter(r *http.Request, p *authz.Principal, ev string) (any, error) {
	var in MarketNote
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Market.FireLetter(r.Context(), p, r.PathValue("id"), ev, in.Note)
}

// marketUnitFacts answers GET /api/v1/market/units/{id}/facts: a unit's letters for its annual evaluation.
func (api *API) marketUnitFacts(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	year := api.App.Now().In(workday.Location).Year()
	if v := r.URL.Query().Get("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2000 || n > 2100 {
			return nil, apperr.BadRequest.With(apperr.Field("year", "年份不正确", "the year is not valid"))
		}
		year = n
	}
	return api.App.Market.UnitFactsFor(r.Context(), p, r.PathValue("id"), year)
}
