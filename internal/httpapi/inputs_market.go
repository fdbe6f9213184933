package httpapi

// Request bodies of the market routes (market.go).

// MarketAssetReview approves a data asset registration (a certificate number is issued) or
// refuses it with a reason.
type MarketAssetReview struct {
	Approve bool   `json:"approve"`
	Reason  string `json:"reason"`
}

// MarketNote is the note on a market move (delist, no objection, a letter's event).
type MarketNote struct {
	Note string `json:"note"`
}

// MarketReason is the reason for suspending or reinstating a broker.
type MarketReason struct {
	Reason string `json:"reason"`
}
