package vocab

// Labels of opening to society (公共数据开放, OPN): audit actions and objects, suspension causes,
// download formats and the withheld-item reasons of a dataset page.

// Vocabularies of opening.
const (
	OpenSuspendCause = "open.suspend_cause"
	OpenFormat       = "open.format"
	OpenKeyScope     = "open.key_scope"
)

func init() {
	Register(AuditAction, map[string][2]string{
		"open.download":        {"开放数据下载（开始）", "Open data download started"},
		"open.download.done":   {"开放数据下载（完成）", "Open data download finished"},
		"open.records":         {"开放接口调用", "Open API call"},
		"open.preview":         {"开放数据预览", "Open data preview"},
		"open.settings.update": {"修改开放设置", "Opening settings changed"},
		"open.suspend":         {"暂停开放", "Opening suspended"},
		"open.restore":         {"恢复开放", "Opening restored"},
		"open.key.create":      {"创建开放接口密钥", "Open API key created"},
		"open.key.issue":       {"签发开放接口密钥（有条件开放）", "Open API key issued (conditional opening)"},
		"open.key.revoke":      {"撤销开放接口密钥", "Open API key revoked"},
	})
	Register(ActionObject, map[string][2]string{
		"open": {"公共数据开放", "Open data"}, "open.download": {"开放数据下载", "Open data download"},
		"open.key": {"开放接口密钥", "Open API key"}, "open.settings": {"开放设置", "Opening settings"},
	})
	Register(ActionVerb, map[string][2]string{
		"download": {"下载", "downloaded"}, "records": {"接口调用", "called"}, "preview": {"预览", "previewed"},
		"restore": {"恢复", "restored"}, "done": {"完成", "finished"}, "issue": {"签发", "issued"},
	})
	Register(AuditObject, map[string][2]string{
		"open_key": {"开放接口密钥", "Open API key"}, "open_application": {"开放申请", "Open data application"},
	})
	Register(OpenSuspendCause, map[string][2]string{
		"complaint": {"权益投诉", "Rights complaint"}, "sanction": {"处理决定", "Sanction"}, "provider": {"提供部门自查", "Provider's review"},
	})
	Register(OpenKeyScope, map[string][2]string{
		"api": {"开放接口调用", "Open API calls"}, "download": {"数据下载", "Downloads"},
	})
	Register(OpenFormat, map[string][2]string{
		"csv": {"CSV（逗号分隔）", "CSV"}, "xlsx": {"Excel 表格（XLSX）", "Excel (XLSX)"}, "json": {"JSON", "JSON"}, "parquet": {"Parquet（列式）", "Parquet (columnar)"},
	})
}
