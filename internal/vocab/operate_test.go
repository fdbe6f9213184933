package vocab_test

import (
	"testing"

	"pubdata/internal/operate"
	"pubdata/internal/vocab"
)

// Every code of authorized operation has labels in both languages.
func TestOperateCodesHaveLabels(t *testing.T) {
	for vocabulary, codes := range map[string][]string{
		vocab.OprKind:         {operate.KindStatistics, operate.KindVerification, operate.KindIndicator},
		vocab.OprProductState: {operate.ProductDraft, operate.ProductReview, operate.ProductExpert, operate.ProductReleased, operate.ProductWithdrawn},
		vocab.OprUnitState:    {operate.UnitPending, operate.UnitActive, operate.UnitRefused, operate.UnitSuspended, operate.UnitTerminated},
		vocab.OprAppState:     {operate.AppSubmitted, operate.AppApproved, operate.AppRefused},
		vocab.OprAgrState:     {operate.AgrDrafted, operate.AgrUnitSigned, operate.AgrOpSigned, operate.AgrInForce, operate.AgrSuperseded, operate.AgrTerminated},
		vocab.OprMark:         {operate.MarkSmallGroup, operate.MarkDominance},
		vocab.OprFn:           {operate.FnCount, operate.FnCountDistinct, operate.FnSum, operate.FnMean, operate.FnQuantile},
		vocab.OprChecklist:    operate.ReviewChecklist,
		vocab.OprDecision:     {"approve", "reject", "expert"},
		vocab.OprAuthState:    {operate.AuthActive, operate.AuthRevoked},
		vocab.TokenScope:      {"product"},
	} {
		checkLabels(t, vocabulary, codes)
	}
}
