package web

import (
	"fmt"
	"time"
)

// Backups and restore drills (备份与恢复演练, SEC-5) on the jobs page: each backup's state (with
// the bytes written while it runs), size and off-site copy; each drill's result with the measured
// recovery point (how old the newest backup was) and recovery time (restore and check).
func init() {
	Register(map[string][2]string{
		"backup.title":     {"数据库备份", "Database backups"},
		"backup.at":        {"时间", "Time"},
		"backup.state":     {"状态", "State"},
		"backup.size":      {"大小", "Size"},
		"backup.offsite":   {"异地副本", "Off-site copy"},
		"backup.none":      {"尚无备份。配置接收方公钥后由定时任务每天备份，也可在命令行中立即备份。", "No backups yet. With a recipient key configured the daily job makes them; they can also be made from the command line."},
		"backup.drills":    {"恢复演练", "Restore drills"},
		"backup.result":    {"结果", "Result"},
		"backup.rpo":       {"恢复点（备份时长）", "Recovery point (backup age)"},
		"backup.rto":       {"恢复时间", "Recovery time"},
		"backup.tables":    {"表", "Tables"},
		"backup.audit":     {"审计记录", "Audit records"},
		"backup.problems":  {"异常", "Problems"},
		"backup.passed":    {"通过", "Passed"},
		"backup.failed":    {"未通过", "Failed"},
		"backup.no_drills": {"尚无恢复演练。演练在持有备份私钥的演练主机上每天运行。", "No restore drills yet. They run daily on the drill host that holds the backup private key."},
	})
	funcs["mib"] = func(n int64) string {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	funcs["dur"] = func(d time.Duration) string {
		switch {
		case d >= time.Hour:
			return fmt.Sprintf("%.1f h", d.Hours())
		case d >= time.Minute:
			return fmt.Sprintf("%.1f min", d.Minutes())
		}
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
}
