package openapply

import "pubdata/internal/vocab"

// Vocabularies of this package (labels in internal/vocab).
const (
	StateVocab  = "open.application_state"
	EventVocab  = "open.application_event"
	MethodVocab = "open.application_method"
	KindVocab   = "open.applicant_kind"
)

func init() {
	st := map[string][2]string{}
	for k, v := range StateNames {
		st[string(k)] = v
	}
	vocab.Register(StateVocab, st)
	vocab.Register(EventVocab, map[string][2]string{"submit": {"提交申请", "Application filed"}, "approve": {"批准", "Approved"},
		"refuse": {"不予开放", "Refused"}, "sign": {"签署使用协议", "Use agreement signed"}, "withdraw": {"撤回申请", "Withdrawn"},
		"revoke": {"终止使用", "Use ended"}, "escalate": {"逾期督办", "Escalated as overdue"}})
	vocab.Register(MethodVocab, map[string][2]string{"api": {"接口调用（逐条、分页）", "API calls (per record, paged)"}, "file": {"文件下载（整体）", "File download (whole dataset)"}})
	vocab.Register(KindVocab, map[string][2]string{"natural": {"自然人", "Natural person"}, "legal": {"法人或其他组织", "Legal person or organization"}})
	vocab.Register(vocab.AuditAction, map[string][2]string{
		"open.application.submit":   {"提交有条件开放申请", "Conditional-opening application filed"},
		"open.application.approve":  {"批准有条件开放申请", "Conditional-opening application approved"},
		"open.application.refuse":   {"不予开放（有条件开放申请）", "Conditional-opening application refused"},
		"open.application.sign":     {"签署开放数据使用协议", "Open data use agreement signed"},
		"open.application.withdraw": {"撤回有条件开放申请", "Conditional-opening application withdrawn"},
		"open.application.revoke":   {"终止有条件开放使用", "Conditional-opening use ended"},
		"open.application.escalate": {"有条件开放申请逾期督办", "Conditional-opening application escalated"}})
	vocab.Register(vocab.ActionObject, map[string][2]string{"open.application": {"有条件开放申请", "Conditional-opening application"}})
	vocab.Register(vocab.ActionVerb, map[string][2]string{"sign": {"签署", "signed"}})
	vocab.Register(vocab.AuditObject, map[string][2]string{"open_application": {"有条件开放申请", "Conditional-opening application"}})
	vocab.Register(vocab.JobName, map[string][2]string{"open.application.deadlines": {"有条件开放申请期限提醒与督办", "Conditional-opening deadlines"}})
}
