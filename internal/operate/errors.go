package operate

import "pubdata/internal/apperr"

// Errors of authorized operation (stable codes; labels in internal/vocab).
var (
	ErrQueryForm   = apperr.New(422, "operate.query_form", "查询不符合受限查询形式", "the query is outside the restricted form")
	ErrBudget      = apperr.New(403, "operate.budget_exhausted", "本协议期内该视图的隐私预算不足，查询未执行", "the privacy budget of this view for the agreement period would be exceeded; the query was not run")
	ErrState       = apperr.New(409, "operate.bad_state", "当前状态下不能执行该操作", "this step is not possible in the current state")
	ErrNoAgreement = apperr.New(403, "operate.no_agreement", "没有生效的服务协议与保密协议，不能使用该产品", "no agreement in force covers this product")
	ErrSuspended   = apperr.New(403, "operate.suspended", "合作已暂停或终止，不能使用产品", "cooperation is suspended or terminated; products cannot be used")
	ErrNotReleased = apperr.New(409, "operate.not_released", "产品尚未通过合规审查发布", "the product has not been released after compliance review")
	ErrNoConsent   = apperr.New(403, "operate.no_authorization", "数据主体未授权贵单位使用这些信息项", "the data subject has not authorized your unit to use these items")
	ErrKind        = apperr.New(422, "operate.wrong_kind", "该产品不是此类产品", "the product is not of this kind")
)
