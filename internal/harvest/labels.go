package harvest

import "pubdata/internal/vocab"

// Labels of this package's codes (change kinds, audit action and object).
func init() {
	vocab.Register(ChangeKind, map[string][2]string{
		"opened": {"新开放", "Opened"}, "updated": {"已更新", "Updated"}, "reopened": {"重新开放", "Reopened"},
		"withdrawn": {"已撤销开放", "Withdrawn"}, "suspended": {"暂停开放", "Suspended"}, "restored": {"恢复开放", "Restored"},
	})
	vocab.Register(vocab.AuditAction, map[string][2]string{"open.harvest.records": {"采集接口：读取开放数据记录", "Harvest API: open records read"}})
	vocab.Register(vocab.ActionObject, map[string][2]string{"open.harvest": {"采集接口", "Harvest API"}})
	vocab.Register(vocab.ActionVerb, map[string][2]string{"records": {"读取记录", "records read"}})
	vocab.Register(vocab.AuditObject, map[string][2]string{"open.dataset": {"开放数据集", "Open dataset"}})
}
