package httpapi

import "pubdata/internal/supervise"

// Request bodies and answers of the supervision and assessment routes (supervision.go,
// assessment.go).
type (
	// SupervisionStep is the body of /api/v1/supervision/notices/{id}/events and
	// /api/v1/supervision/dishonesty/{id}/events.
	SupervisionStep struct {
		Event string `json:"event"`
		Text  string `json:"text"`
	}
	// SupervisionDetected answers /api/v1/supervision/detect: how many notices the detectors
	// opened and how many overdue notices were escalated.
	SupervisionDetected struct {
		Opened    int `json:"opened"`
		Escalated int `json:"escalated"`
	}
	// AssessmentIndicators is the body of /api/v1/assessments/{id}/indicators.
	AssessmentIndicators struct {
		Indicators []supervise.Indicator `json:"indicators"`
	}
	// AssessmentEvent is the body of /api/v1/assessments/{id}/events.
	AssessmentEvent struct {
		Event string `json:"event"`
	}
)
