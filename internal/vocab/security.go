package vocab

// BackupState is the state of a backup (备份状态).
const BackupState = "backup.state"

// Labels of security operations (keys, backups, restore drills, sanctions), registered from
// their own file so the shared table above stays append-mostly.
func init() {
	Register(AuditAction, map[string][2]string{
		"keys.rotate": {"轮换加密密钥", "Encryption key rotated"}, "keys.retire": {"退役加密密钥", "Encryption key retired"},
		"backup.create": {"数据库备份", "Database backup"}, "backup.drill": {"恢复演练", "Restore drill"},
	})
	Register(ActionObject, map[string][2]string{"keys": {"加密密钥", "Encryption keys"}, "backup": {"数据库备份", "Database backup"}})
	Register(ActionVerb, map[string][2]string{"drill": {"演练恢复", "drilled"}})
	Register(AuditObject, map[string][2]string{"key": {"加密密钥", "Encryption key"}, "backup": {"数据库备份", "Database backup"}})
	Register(JobName, map[string][2]string{"keys.reencrypt": {"密钥轮换后重新加密", "Re-encryption after key rotation"},
		"backup.run": {"数据库备份", "Database backup"}, "backup.drill": {"恢复演练", "Restore drill"}})
	Register(BackupState, map[string][2]string{"running": {"进行中", "Running"}, "done": {"已完成", "Done"}, "failed": {"失败", "Failed"},
		"pruned": {"已按保留规则清理", "Pruned by retention"}})
}
