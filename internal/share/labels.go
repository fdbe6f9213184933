package share

import "pubdata/internal/vocab"

// Vocabularies of grants over time (续期 and 使用评价, SHR-4, SHR-11).
const (
	RenewalStateVocab   = "share.renewal_state"
	UseReportStateVocab = "share.use_report_state"
)

func init() {
	rs := map[string][2]string{}
	for k, v := range RenewalStateNames {
		rs[string(k)] = v
	}
	vocab.Register(RenewalStateVocab, rs)
	us := map[string][2]string{}
	for k, v := range UseReportStateNames {
		us[string(k)] = v
	}
	vocab.Register(UseReportStateVocab, us)
	vocab.Register(vocab.ShareEvent, map[string][2]string{"renew": EventNames["renew"], "renew_approve": EventNames["renew_approve"],
		"renew_refuse": EventNames["renew_refuse"], "renew_withdraw": EventNames["renew_withdraw"]})
	vocab.Register(vocab.ShareDue, map[string][2]string{"renew": {"续期审批", "renewal decision"},
		"report": {"提交使用评价", "use report"}, "report_answer": {"确认使用评价", "use report answer"}})
	vocab.Register(vocab.AuditAction, map[string][2]string{
		"share.renewal.request": {"申请授权续期", "Grant renewal requested"}, "share.renewal.approve": {"同意授权续期", "Grant renewal approved"},
		"share.renewal.refuse": {"拒绝授权续期", "Grant renewal refused"}, "share.renewal.withdraw": {"撤回续期申请", "Grant renewal withdrawn"},
		"renewal.escalate":                {"续期审批逾期督办", "Grant renewal escalated"},
		"share.use_report.accept":         {"确认使用评价", "Use report accepted"},
		"share.use_report.question":       {"对使用评价提出疑问", "Use report questioned"},
		"share.use_report.overdue":        {"使用评价逾期未报", "Use report overdue"},
		"share.use_report.answer_overdue": {"使用评价逾期未确认", "Use report answer overdue"},
	})
	vocab.Register(vocab.ActionObject, map[string][2]string{"share.renewal": {"授权续期", "Grant renewal"}, "share.use_report": {"使用评价", "Use report"},
		"renewal": {"授权续期", "Grant renewal"}})
	vocab.Register(vocab.ActionVerb, map[string][2]string{"question": {"提出疑问", "questioned"}})
	vocab.Register(vocab.AuditObject, map[string][2]string{"share_renewal": {"授权续期", "Grant renewal"}, "share_use_report": {"使用评价", "Use report"}})
	vocab.Register(vocab.JobName, map[string][2]string{"share.use_reports": {"共享使用评价提醒与逾期告知", "Use-report reminders and overdue notices"}})
}
