package httpapi

import (
	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/identity"
	"pubdata/internal/mask"
	"pubdata/internal/operate"
	"pubdata/internal/quality"
	"pubdata/internal/share"
	"pubdata/internal/supervise"
)

// The answers that combine several values, named so that the OpenAPI document describes them
// (Route.Out). Each mirrors the JSON object its handler writes.
type (
	// LoginAnswer answers POST /api/v1/auth/login.
	LoginAnswer struct {
		User      identity.User `json:"user"`
		CSRFToken string        `json:"csrf_token"`
	}
	// MeAnswer answers GET /api/v1/me.
	MeAnswer struct {
		Principal *authz.Principal `json:"principal"`
		CSRFToken string           `json:"csrf_token"`
	}
	// TokenIssued answers the issue of an API or push token: the secret, shown once, and the
	// token's record.
	TokenIssued struct {
		Token string         `json:"token" jsonschema:"description=令牌（仅此一次显示）/ the secret, shown once"`
		Info  identity.Token `json:"info"`
	}
	// CredentialIssued answers the issue of a gateway credential: the secret, shown once.
	CredentialIssued struct {
		Token      string           `json:"token" jsonschema:"description=凭证（仅此一次显示）/ the secret, shown once"`
		Credential share.Credential `json:"credential"`
	}
	// DeadlineAnswer answers GET /api/v1/calendar/add.
	DeadlineAnswer struct {
		From                string `json:"from" jsonschema:"format=date"`
		Workdays            int    `json:"workdays"`
		Due                 string `json:"due" jsonschema:"format=date"`
		DeadlineProvisional bool   `json:"deadline_provisional"`
		MissingYears        []int  `json:"missing_years,omitempty"`
	}
	// CalendarImported answers POST /api/v1/calendar/import.
	CalendarImported struct {
		Imported int   `json:"imported"`
		Years    []int `json:"years"`
	}
	// JobRan answers POST /api/v1/jobs/{name}/run.
	JobRan struct {
		Ran bool `json:"ran"`
	}
	// ProofAnswer answers GET /api/v1/audit/proof.
	ProofAnswer struct {
		Proof      audit.InclusionProof `json:"proof"`
		Checkpoint audit.Checkpoint     `json:"checkpoint"`
	}
	// DraftChecked answers POST /api/v1/catalog/check.
	DraftChecked struct {
		Valid    bool                `json:"valid"`
		Errors   []apperr.FieldError `json:"errors"`
		Warnings []catalog.Warning   `json:"warnings"`
	}
	// MaskRulesAnswer answers the mask-rules routes: a region's stored rules and those in force.
	MaskRulesAnswer struct {
		Region  string      `json:"region"`
		Rules   []mask.Rule `json:"rules"`
		InForce []mask.Rule `json:"in_force"`
	}
	// MaskRulesInput is the body of PUT /api/v1/catalog/mask-rules.
	MaskRulesInput struct {
		Rules []mask.Rule `json:"rules"`
	}
	// NothingPulled answers a pull that found no new rows (200, no load made).
	NothingPulled struct {
		NoNewRows bool     `json:"no_new_rows"`
		SourceID  string   `json:"source_id"`
		PulledAt  db.Stamp `json:"pulled_at"`
		Message   string   `json:"message"`
		MessageEN string   `json:"message_en"`
	}
	// ProductAnswer answers GET /api/v1/operate/products/{id}.
	ProductAnswer struct {
		Product operate.Product  `json:"product"`
		Reviews []operate.Review `json:"reviews"`
	}
	// RuleKinds answers GET /api/v1/quality/rule-kinds.
	RuleKinds struct {
		Kinds      []RuleKind           `json:"kinds"`
		Dimensions map[string][2]string `json:"dimensions" jsonschema:"description=维度 → [中文, English] / dimension → [Chinese, English]"`
	}
	// RuleKind is one kind of quality rule (quality.Kinds).
	RuleKind struct {
		Kind      string `json:"kind"`
		ZH        string `json:"name"`
		EN        string `json:"name_en"`
		Dimension string `json:"dimension"`
	}
	// RuleTried answers POST /api/v1/quality/entries/{id}/rules/try.
	RuleTried struct {
		Problems []qualityProblem `json:"problems"`
	}
	// RuleTrial is the body of POST /api/v1/quality/entries/{id}/rules/try.
	RuleTrial struct {
		Rule   quality.RuleInput `json:"rule"`
		Record map[string]string `json:"record"`
	}
	// RequestAnswer answers GET /api/v1/share/requests/{id}.
	RequestAnswer struct {
		Request    share.Request    `json:"request"`
		History    []share.Event    `json:"history"`
		Deliveries []share.Delivery `json:"deliveries"`
	}
	// GrantAnswer answers GET /api/v1/share/grants/{id}.
	GrantAnswer struct {
		Grant       share.Grant        `json:"grant"`
		Credentials []share.Credential `json:"credentials"`
		Stats       []share.Stat       `json:"stats"`
	}
	// DemandAnswer answers GET /api/v1/share/demands/{id}.
	DemandAnswer struct {
		Demand  share.Demand  `json:"demand"`
		History []share.Event `json:"history"`
		// ShareRequest is offered to the requester once the demand is completed: a share request
		// prefilled from the demand (the published result entry, scenario, purpose, legal basis,
		// the items the demand named), to check, complete with its end date, sign and POST to
		// /api/v1/share/requests.
		ShareRequest *share.NewRequest `json:"share_request,omitempty"`
	}
	// VerifyAnswer answers POST /api/v1/gateway/verify.
	VerifyAnswer struct {
		Items []share.VerifyResult `json:"items"`
		Count int                  `json:"count"`
	}
	// VerifyInput is the body of POST /api/v1/gateway/verify.
	VerifyInput struct {
		Items []share.VerifyItem `json:"items"`
	}
	// Tombstone is a dataset withdrawn from opening (GET /dcat/withdrawn).
	Tombstone struct {
		ID          string `json:"id"`
		Name        string `json:"name"`
		Title       string `json:"title"`
		URI         string `json:"uri"`
		WithdrawnAt string `json:"withdrawn_at" jsonschema:"format=date-time"`
		Reason      string `json:"reason"`
	}
	// SanctionsAnswer answers GET /api/v1/sanctions.
	SanctionsAnswer struct {
		Items []supervise.Sanction `json:"items"`
		Total int                  `json:"total"`
	}
)
