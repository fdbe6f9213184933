package vocab

// Vocabularies of incidents' stages, steps and notification duties (SEC-6).
const (
	SecurityStage     = "security.stage"
	SecurityStep      = "security.step"
	SecurityRecipient = "security.recipient"
)

func init() {
	Register(AuditAction, map[string][2]string{
		"security.incident.step":     {"记录安全事件处置步骤", "Incident response step recorded"},
		"security.incident.notified": {"履行安全事件报告义务", "Incident notification duty fulfilled"},
	})
	Register(ActionVerb, map[string][2]string{"step": {"记录处置步骤", "recorded a response step"}, "notified": {"履行报告义务", "notified"}})
	Register(JobName, map[string][2]string{"security.reminders": {"安全事件报告义务与第三方服务机构到期提醒", "Reminders of incident notifications and provider expiries"}})
	Register(SecuritySignal, map[string][2]string{
		"off_hours_bulk":  {"非工作时间批量调用", "Bulk calls off hours"},
		"quota_exhausted": {"共享授权日调用量用尽", "Daily gateway quota exhausted"},
		"verify_misses":   {"核验反复未命中", "Repeated verification misses"},
	})
	Register(SecurityStage, map[string][2]string{"reported": {"已报告", "Reported"}, "responding": {"处置中", "Responding"}, "closed": {"已关闭", "Closed"}})
	Register(SecurityStep, map[string][2]string{"report": {"报告事件", "Reported"}, "step": {"处置步骤", "Response step"},
		"notified": {"履行报告义务", "Notification made"}, "close": {"关闭事件", "Closed"}})
	Register(SecurityRecipient, map[string][2]string{"data_authority": {"数据主管部门（立即报告）", "Data authority (at once)"},
		"cyber_police": {"网信、公安部门", "Cyberspace and public security authorities"}, "affected_users": {"受影响的用户", "Users concerned"},
		"public": {"向社会发布警示信息", "Public warning notice"}})
}
