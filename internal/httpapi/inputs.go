package httpapi

import "pubdata/internal/catalog"

// Request bodies of single routes, named so that the OpenAPI document and the handler share one
// declaration (Route.In).
type (
	// PurchaseDecision is the body of /api/v1/catalog/purchases/{id}/decide.
	PurchaseDecision struct {
		Approve bool   `json:"approve"`
		Note    string `json:"note"`
	}
	// NoteBody is the body of a step that takes only a note (accepting an information system,
	// reporting a level's catalog upward).
	NoteBody struct {
		Note string `json:"note"`
	}
	// LevelDecisionInput is the body of /api/v1/catalog/level-reports/{id}/decide.
	LevelDecisionInput struct {
		Decisions []catalog.LevelDecision `json:"decisions"`
		Note      string                  `json:"note"`
	}
	// PurchaseLink is the body of /api/v1/catalog/purchases/{id}/link.
	PurchaseLink struct {
		EntryID string `json:"entry_id"`
	}
	// ReassessmentOutcome is the body of /api/v1/catalog/reassessments/{id}.
	ReassessmentOutcome struct {
		Outcome string `json:"outcome"`
		Note    string `json:"note"`
	}
	// LoginInput is the body of /api/v1/auth/login.
	LoginInput struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	// TokenInput is the body of /api/v1/tokens.
	TokenInput struct {
		Name    string   `json:"name"`
		Scopes  []string `json:"scopes"`
		TTLDays int      `json:"ttl_days"`
	}
	// VerificationInput is the body of /api/v1/users/{id}/verification.
	VerificationInput struct {
		Verified bool   `json:"verified"`
		Note     string `json:"note"`
	}
	// MyVerificationInput is the body of /api/v1/me/verification.
	MyVerificationInput struct {
		Provider  string `json:"provider"`
		Assertion string `json:"assertion"`
	}
	// WebhookInput is the body of /api/v1/webhooks.
	WebhookInput struct {
		URL string `json:"url"`
	}
	// PushTokenInput is the body of /api/v1/ingest/entries/{id}/tokens.
	PushTokenInput struct {
		Name    string `json:"name"`
		TTLDays int    `json:"ttl_days"`
	}
	// RetentionInput is the body of /api/v1/ingest/entries/{id}/retention.
	RetentionInput struct {
		Keep int `json:"keep"`
	}
	// ReturnStep is the body of /api/v1/ingest/returns/{id}/events.
	ReturnStep struct {
		Event  string `json:"event"`
		Reason string `json:"reason"`
	}
	// RestoreInput is the body of /api/v1/open/datasets/{id}/restore.
	RestoreInput struct {
		SuspensionID string `json:"suspension_id"`
		Note         string `json:"note"`
	}
	// ProductVerifyInput is the body of /api/v1/operate/products/{id}/verify.
	ProductVerifyInput struct {
		Subject string            `json:"subject"`
		Claims  map[string]string `json:"claims"`
	}
	// ProductScoreInput is the body of /api/v1/operate/products/{id}/score.
	ProductScoreInput struct {
		Subject string `json:"subject"`
	}
	// SecurityCloseInput is the body of /api/v1/security/records/{id}/close.
	SecurityCloseInput struct {
		Note string `json:"note"`
	}
	// DemandAssignInput is the body of /api/v1/share/demands/{id}/assign.
	DemandAssignInput struct {
		OrgID string `json:"org_id"`
		Note  string `json:"note"`
	}
	// DemandCompleteInput is the body of /api/v1/share/demands/{id}/complete.
	DemandCompleteInput struct {
		ResultEntry string `json:"result_entry"`
		Note        string `json:"note"`
	}
	// EscalationInput is the body of /api/v1/share/escalations.
	EscalationInput struct {
		SubjectType string `json:"subject_type"`
		SubjectID   string `json:"subject_id"`
	}
	// OpinionInput is the body of /api/v1/share/escalations/{id}/opinions.
	OpinionInput struct {
		Opinion string `json:"opinion"`
	}
	// SanctionStepInput is the body of /api/v1/sanctions/{id}/{event}.
	SanctionStepInput struct {
		Text string `json:"text"`
	}
)
