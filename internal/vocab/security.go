package vocab

// BackupState is the state of a backup (备份状态).
const BackupState = "backup.state"

// Vocabularies of supervision (SUP-1).
const (
	SanctionState  = "supervise.sanction_state"
	SanctionEvent  = "supervise.sanction_event"
	SanctionGround = "supervise.ground"
)

// Labels of security operations (keys, backups, restore drills, sanctions), registered from
// their own file so the shared table above stays append-mostly.
func init() {
	Register(AuditAction, map[string][2]string{
		"keys.rotate": {"轮换加密密钥", "Encryption key rotated"}, "keys.retire": {"退役加密密钥", "Encryption key retired"},
		"backup.create": {"数据库备份", "Database backup"}, "backup.drill": {"恢复演练", "Restore drill"},
		"sanction.issue": {"责令整改（暂停接口访问）", "Rectification ordered (API access suspended)"}, "sanction.report": {"报告整改情况", "Rectification reported"},
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
	Register(ActionObject, map[string][2]string{"keys": {"加密密钥", "Encryption keys"}, "backup": {"数据库备份", "Database backup"}, "sanction": {"责令整改", "Sanction"}})
	Register(ActionVerb, map[string][2]string{"drill": {"演练恢复", "drilled"}, "issue": {"下达", "issued"}, "terminate": {"终止", "terminated"}})
	Register(AuditObject, map[string][2]string{"key": {"加密密钥", "Encryption key"}, "backup": {"数据库备份", "Database backup"}, "sanction": {"责令整改", "Sanction"}})
	Register(JobName, map[string][2]string{"keys.reencrypt": {"密钥轮换后重新加密", "Re-encryption after key rotation"},
		"backup.run": {"数据库备份", "Database backup"}, "backup.drill": {"恢复演练", "Restore drill"},
		"supervise.sanctions": {"责令整改逾期终止", "Terminate orders not rectified in time"}})
	Register(BackupState, map[string][2]string{"running": {"进行中", "Running"}, "done": {"已完成", "Done"}, "failed": {"失败", "Failed"},
		"pruned": {"已按保留规则清理", "Pruned by retention"}})
}
