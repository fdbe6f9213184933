package complaint

import "pubdata/internal/vocab"

// Vocabularies of this package (labels in internal/vocab).
const (
	StateVocab = "open.complaint_state"
	EventVocab = "open.complaint_event"
	KindVocab  = "open.complaint_kind"
)

func init() {
	st := map[string][2]string{}
	for k, v := range StateNames {
		st[string(k)] = v
	}
	vocab.Register(StateVocab, st)
	vocab.Register(EventVocab, map[string][2]string{"file": {"提交投诉并中止开放", "Filed; opening suspended"}, "verify": {"开始核实", "Verification started"},
		"withdraw": {"撤回开放", "Withdrawn from opening"}, "restore": {"恢复开放", "Opening restored"}, "reopen": {"处理后重新开放", "Processed and re-opened"},
		"escalate": {"逾期督办", "Escalated as overdue"}})
	vocab.Register(KindVocab, map[string][2]string{"privacy": {"侵犯隐私", "Privacy"}, "personal_info": {"侵犯个人信息", "Personal information"}, "trade_secret": {"侵犯商业秘密", "Trade secret"}})
	vocab.Register(vocab.AuditAction, map[string][2]string{
		"open.complaint.file": {"提交权益投诉", "Rights complaint filed"}, "open.complaint.verify": {"权益投诉：开始核实", "Rights complaint: verification started"},
		"open.complaint.withdraw": {"权益投诉：撤回开放", "Rights complaint: data withdrawn"}, "open.complaint.restore": {"权益投诉：恢复开放", "Rights complaint: opening restored"},
		"open.complaint.reopen": {"权益投诉：处理后重新开放", "Rights complaint: processed and re-opened"}, "open.complaint.escalate": {"权益投诉逾期督办", "Rights complaint escalated"}})
	vocab.Register(vocab.ActionObject, map[string][2]string{"open.complaint": {"权益投诉", "Rights complaint"}})
	vocab.Register(vocab.ActionVerb, map[string][2]string{"restore": {"恢复", "restored"}, "reopen": {"重新开放", "re-opened"}})
	vocab.Register(vocab.AuditObject, map[string][2]string{"open_complaint": {"权益投诉", "Rights complaint"}})
	vocab.Register(vocab.JobName, map[string][2]string{"open.complaint.escalate": {"权益投诉逾期督办", "Rights complaint escalation"}})
}
