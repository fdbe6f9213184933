package vocab

// BackupState is the state of a backup (备份状态).
const BackupState = "backup.state"

// Vocabularies of supervision (SUP-1).
const (
	SanctionState    = "supervise.sanction_state"
	SanctionEvent    = "supervise.sanction_event"
	SanctionGround   = "supervise.ground"
	SecurityKind     = "security.kind"
	SecurityState    = "security.state"
	SecuritySeverity = "security.severity"
	SecuritySignal   = "security.signal"
)

// Labels of security operations (keys, backups, restore drills, sanctions), registered from
// their own file so the shared table above stays append-mostly.
func init() {
	Register(AuditAction, map[string][2]string{
		"keys.rotate": {"轮换加密密钥", "Encryption key rotated"}, "keys.retire": {"退役加密密钥", "Encryption key retired"},
		"backup.create": {"数据库备份", "Database backup"}, "backup.drill": {"恢复演练", "Restore drill"},
		"backup.restore":         {"从备份恢复本节点", "Node restored from a backup"},
		"security.record.create": {"登记安全运营记录", "Security record created"}, "security.record.close": {"关闭安全运营记录", "Security record closed"},
		"security.incident.open": {"平台发现安全事件", "Security incident opened by the platform"},
		"sanction.issue":         {"责令整改（暂停接口访问）", "Rectification ordered (API access suspended)"}, "sanction.report": {"报告整改情况", "Rectification reported"},
		"sanction.accept": {"整改通过，恢复访问", "Rectification accepted; access restored"}, "sanction.reject": {"整改报告退回", "Rectification report rejected"},
		"sanction.terminate": {"终止访问（处罚）", "Access terminated (sanction)"}, "sanction.expire": {"逾期未整改，终止访问", "Not rectified by the deadline; access terminated"},
	})
	Register(SanctionState, map[string][2]string{"open": {"整改中（访问已暂停）", "Rectifying (access suspended)"},
		"reported": {"已报告整改，待认定", "Rectification reported, awaiting decision"}, "lifted": {"整改通过，已恢复访问", "Accepted; access restored"},
		"terminated": {"未整改，已终止访问", "Not rectified; access terminated"}})
	Register(SanctionEvent, map[string][2]string{"issue": {"下达责令整改", "Order issued"}, "report": {"报告整改情况", "Report rectification"},
		"accept": {"认定整改通过", "Accept"}, "reject": {"退回整改报告", "Reject the report"}, "terminate": {"终止访问", "Terminate access"},
		"expire": {"逾期终止", "Terminated at the deadline"}})
	Register(SanctionGround, map[string][2]string{"no_safeguards": {"未落实安全保障措施", "No security safeguards"},
		"serious_violation": {"严重违反管理规定", "Serious violation of the rules"}, "beyond_scope": {"超出授权范围使用数据", "Use beyond the authorized scope"},
		"illegal_gain": {"利用数据谋取非法利益", "Illegal gain from the data"}})
	Register(ActionObject, map[string][2]string{"keys": {"加密密钥", "Encryption keys"}, "backup": {"数据库备份", "Database backup"}, "sanction": {"责令整改", "Sanction"},
		"security.record": {"安全运营记录", "Security record"}, "security.incident": {"安全事件", "Security incident"}})
	Register(ActionVerb, map[string][2]string{"drill": {"演练恢复", "drilled"}, "issue": {"下达", "issued"}, "terminate": {"终止", "terminated"}, "close": {"关闭", "closed"}})
	Register(AuditObject, map[string][2]string{"key": {"加密密钥", "Encryption key"}, "backup": {"数据库备份", "Database backup"}, "sanction": {"责令整改", "Sanction"},
		"security_record": {"安全运营记录", "Security record"}, "security_duty": {"安全事件报告义务", "Incident notification duty"}})
	Register(JobName, map[string][2]string{"keys.reencrypt": {"密钥轮换后重新加密", "Re-encryption after key rotation"},
		"backup.run": {"数据库备份", "Database backup"}, "backup.drill": {"恢复演练", "Restore drill"},
		"supervise.sanctions": {"责令整改逾期终止", "Terminate orders not rectified in time"},
		"security.signals":    {"从平台信号发现安全事件", "Open incidents from platform signals"}})
	Register(SecurityKind, map[string][2]string{"check": {"安全检查", "Security check"}, "risk_assessment": {"风险评估", "Risk assessment"},
		"emergency_plan": {"应急预案", "Emergency plan"}, "drill": {"应急演练", "Emergency drill"}, "incident": {"安全事件", "Incident"},
		"provider": {"第三方服务机构（安全审查、保密协议）", "Third-party provider (security review, confidentiality agreement)"}})
	Register(SecurityState, map[string][2]string{"open": {"处理中", "Open"}, "closed": {"已关闭", "Closed"}})
	Register(SecuritySeverity, map[string][2]string{"low": {"低", "Low"}, "medium": {"中", "Medium"}, "high": {"高", "High"}})
	Register(SecuritySignal, map[string][2]string{"share_anomaly": {"共享调用量异常告警", "Unusual gateway volume alert"},
		"login_burst": {"登录失败集中出现", "Burst of failed logins"}, "checkpoint_mismatch": {"审计日志与检查点不一致", "Audit log does not match its checkpoint"},
		"restore_drill_failed": {"恢复演练未通过", "Restore drill failed"}})
	Register(BackupState, map[string][2]string{"running": {"进行中", "Running"}, "done": {"已完成", "Done"}, "failed": {"失败", "Failed"},
		"pruned": {"已按保留规则清理", "Pruned by retention"}})
}
