package httpapi

import "pubdata/internal/openplan"

// Bodies and answers of the open-data (/api/v1/open/...) and operation-business
// (/api/v1/operate/...) routes, named so that the OpenAPI document describes them.
type (
	// OpenAgreementAnswer answers GET /api/v1/open/agreement.
	OpenAgreementAnswer struct {
		Version string `json:"version"`
		Text    string `json:"text"`
		TextEN  string `json:"text_en"`
		Digest  string `json:"digest"`
	}
	// OpenReviewsAnswer answers GET /api/v1/open/reviews: data not open and its reviews.
	OpenReviewsAnswer struct {
		NotOpen []openplan.NotOpenEntry `json:"not_open"`
		Reviews []openplan.Review       `json:"reviews"`
	}
	// ShowcaseModerateInput is the body of POST /api/v1/open/showcase/{id}/moderate.
	ShowcaseModerateInput struct {
		Publish bool   `json:"publish"`
		Note    string `json:"note"`
	}
	// OpenModerated answers POST /api/v1/open/showcase/{id}/moderate.
	OpenModerated struct {
		OK bool `json:"ok"`
	}
	// PriceDecideInput is the body of POST /api/v1/operate/products/{id}/prices/{version}/decide.
	PriceDecideInput struct {
		Approve bool   `json:"approve"`
		Note    string `json:"note"`
	}
	// ReportFileInput is the body of POST /api/v1/operate/reports.
	ReportFileInput struct {
		Kind   string `json:"kind"`
		Period string `json:"period"`
	}
)
