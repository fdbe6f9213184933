package vocab

import (
	"sort"
	"strings"
	"sync"
)

// Labels (标签): the Chinese and English words people see for every code the platform stores —
// share modes, request, grant, task and objection states, audit actions, update frequencies,
// ingest channels and modes, rule codes — in one table, so that no page shows a raw code and
// no language falls back to the other. Label is what the web UI's template func "label" calls.

// Vocabularies (词表) named by Label.
const (
	ShareMode        = "share.mode"
	ShareKind        = "share.kind"
	ShareState       = "share.state"
	ShareEvent       = "share.event"
	GrantStatus      = "share.grant_status"
	DemandState      = "share.demand_state"
	DeliveryChannel  = "share.channel"
	ShareDue         = "share.due"
	EscalationState  = "share.escalation_state"
	CatalogStatus    = "catalog.status"
	CatalogEvent     = "catalog.event"
	UpdateFrequency  = "catalog.update_frequency"
	TaskState        = "quality.task_state"
	RowState         = "quality.row_state"
	ObjectionState   = "quality.objection_state"
	ObjectionKind    = "quality.objection_kind"
	ObjectorKind     = "quality.objector"
	QualityRuleKind  = "quality.rule_kind"
	QualityDimension = "quality.dimension"
	QualityEvent     = "quality.event"
	IngestChannel    = "ingest.channel"
	IngestMode       = "ingest.mode"
	IngestStatus     = "ingest.status"
	IngestRule       = "ingest.rule"
	IngestFreshness  = "ingest.freshness"
	ReturnState      = "ingest.return_state"
	PullMode         = "ingest.pull_mode"
	IngestFormat     = "ingest.format"
	AuditAction      = "audit.action"
	AuditObject      = "audit.object_type"
	AuditResult      = "audit.result"
	ActionObject     = "audit.action_object" // the first part of an audit action: "share.request" of "share.request.file"
	ActionVerb       = "audit.action_verb"   // its last part: "file"
	PersonKind       = "identity.person_kind"
	TokenScope       = "identity.scope"
	JobName          = "jobs.name"
)

var (
	labelMu sync.RWMutex
	labels  = map[string]map[string][2]string{
		ShareMode: {"api": {"接口", "API"}, "table": {"库表", "Database table"}, "file": {"文件", "File"}, "offline": {"线下（专线、介质、纸质）", "Offline (line, media, paper)"}},
		ShareKind: {"data": {"数据共享", "Data sharing"}, "verify": {"核验比对", "Verification"}, "product": {"数据产品（可用不可见）", "Data product (usable, not visible)"}},
		ShareState: {"routing": {"待转报", "Awaiting routing"}, "pending": {"待审批", "Awaiting decision"}, "approved": {"已同意待交付", "Approved, delivery outstanding"},
			"active": {"共享中", "Active"}, "suspended": {"已暂停", "Suspended"}, "refused": {"已拒绝", "Refused"}, "withdrawn": {"已撤回", "Withdrawn"},
			"revoked": {"已撤销", "Revoked"}, "expired": {"已到期", "Expired"}},
		ShareEvent: {"file": {"提交申请", "Filed"}, "forward": {"主管部门转报", "Routed by the authority"}, "approve": {"同意共享", "Approved"},
			"refuse": {"拒绝共享", "Refused"}, "withdraw": {"撤回申请", "Withdrawn"}, "deliver": {"完成交付", "Delivered"}, "suspend": {"暂停授权", "Suspended"},
			"resume": {"恢复授权", "Resumed"}, "revoke": {"撤销授权", "Revoked"}, "expire": {"授权到期", "Expired"}, "remind": {"期限提醒", "Reminder"},
			"escalate": {"逾期督办", "Escalated (overdue)"}, "assign": {"审核并指定数源部门", "Assigned to a source agency"},
			"reject": {"审核不通过", "Rejected at review"}, "accept": {"数源部门答复受理", "Accepted by the source agency"},
			"return": {"退回主管部门", "Returned to the authority"}, "complete": {"办理完成", "Completed"},
			"catalog": {"目录变更，授权暂停", "Suspended by a catalog change"},
			"urge":    {"催办", "Urged"}, "coordinate": {"启动协调", "Coordination started"}, "meeting": {"记录协调会议", "Coordination meeting recorded"},
			"refer": {"提请专家委员会论证", "Referred to the expert committee"}, "opinion": {"专家意见", "Expert opinion"},
			"decide": {"作出督办决定", "Decision recorded"}, "settle": {"责任单位已办理，督办办结", "Settled by the responsible agency"},
			"overdue": {"督办事项逾期，报上级", "Escalation overdue, reported up"}},
		EscalationState: {"open": {"已督办待处理", "Escalated, to handle"}, "urged": {"已催办", "Urged"}, "coordinating": {"协调中", "In coordination"},
			"expert_review": {"专家论证中", "With the expert committee"}, "decided": {"已作出督办决定", "Decided"},
			"settled": {"已办理，督办办结", "Settled by the responsible agency"}},
		GrantStatus: {"pending": {"待交付", "Delivery outstanding"}, "active": {"有效", "Active"}, "suspended": {"已暂停", "Suspended"},
			"revoked": {"已撤销", "Revoked"}, "expired": {"已到期", "Expired"}},
		DemandState: {"submitted": {"待主管部门审核", "Awaiting review"}, "assigned": {"已列入责任清单", "Assigned"}, "accepted": {"已答复，办理中", "Accepted"},
			"completed": {"已完成", "Completed"}, "refused": {"数源部门拒绝", "Refused by the source"}, "rejected": {"审核不通过", "Rejected at review"},
			"withdrawn": {"已撤回", "Withdrawn"}},
		DeliveryChannel: {"secure_line": {"专线传输", "Secure line"}, "media": {"存储介质", "Storage media"}, "paper": {"纸质", "Paper"}, "download": {"网关批量下载", "Gateway bulk download"}},
		ShareDue: {"forward": {"转报", "routing"}, "decide": {"审批答复", "decision"}, "deliver": {"完成交付", "delivery"}, "review": {"需求审核", "review"},
			"answer": {"责任清单答复", "answer"}, "complete": {"办理完成", "completion"}, "handle": {"督办处理", "handling the escalation"},
			"urged": {"催办", "the urged date"}, "coordinate": {"协调办结", "coordination"}, "experts": {"专家论证", "expert opinions"}},
		CatalogStatus: {"draft": {"草稿", "Draft"}, "submitted": {"待审核", "Submitted"}, "published": {"已发布", "Published"}, "returned": {"已退回", "Returned"},
			"withdrawn": {"已下线", "Withdrawn"}, "withdrawing": {"下线待审核", "Withdrawal pending"}},
		CatalogEvent: {"create": {"创建", "Created"}, "update": {"修改", "Edited"}, "submit": {"提交审核", "Submitted for review"}, "recall": {"撤回提交", "Recalled"},
			"approve": {"审核通过", "Approved"}, "return": {"退回", "Returned"}, "withdraw": {"申请下线", "Withdrawal requested"}, "publish": {"发布", "Published"},
			"import": {"导入", "Imported"}, "import_publish": {"导入并发布", "Imported and published"}, "reassess": {"定期评估", "Re-assessed"},
			"legal_change": {"依据变更", "Legal basis changed"}, "review_due": {"审核期限", "Review deadline"}, "update_due": {"更新期限", "Update deadline"}},
		UpdateFrequency: {"realtime": {"实时", "Real-time"}, "daily": {"每日", "Daily"}, "weekly": {"每周", "Weekly"}, "monthly": {"每月", "Monthly"},
			"quarterly": {"每季度", "Quarterly"}, "yearly": {"每年", "Yearly"}, "irregular": {"不定期", "Irregular"}},
		TaskState: {"open": {"待整改", "Open"}, "in_progress": {"整改中", "In progress"}, "overdue": {"已逾期", "Overdue"},
			"escalated": {"已逾期并上报", "Overdue, escalated"}, "resolved": {"已闭环", "Resolved"}, "waived": {"已核销", "Waived"}},
		RowState: {"open": {"待整改", "Open"}, "passed": {"复核通过", "Passed"}, "removed": {"记录已不在数据中", "No longer in the data"}, "dropped": {"规则已删除或停用", "Rule removed"}},
		ObjectionState: {"open": {"待核实", "Open"}, "verifying": {"核实中", "Being verified"}, "overdue": {"逾期未答复", "Overdue"},
			"corrected": {"已更正并答复", "Corrected"}, "rejected": {"不予更正", "Not corrected"}, "withdrawn": {"已撤回", "Withdrawn"}},
		ObjectionKind: {"wrong": {"数据错误", "Wrong data"}, "missing": {"数据遗漏", "Missing data"}, "infringing": {"侵犯商业秘密、个人隐私", "Infringes secrets or privacy"}},
		ObjectorKind:  {"person": {"数据主体（自然人）", "Data subject (person)"}, "organization": {"数据主体（法人或组织）", "Data subject (organization)"}, "data_user": {"数据使用方", "Data user"}},
		QualityRuleKind: {"id_consistency": {"身份号码与出生日期、性别一致", "ID number matches birth date and sex"}, "date_order": {"日期先后", "Date order"},
			"conditional_required": {"条件必填", "Required when"}, "regex": {"格式（正则表达式）", "Pattern"}, "range": {"取值范围", "Range"},
			"enum": {"枚举值", "Allowed values"}, "cross_source": {"多源校核", "Cross-source check"}},
		QualityDimension: {"completeness": {"完整性", "Completeness"}, "accuracy": {"准确性", "Accuracy"}, "consistency": {"一致性", "Consistency"},
			"timeliness": {"及时性", "Timeliness"}, "availability": {"可用性", "Availability"}},
		QualityEvent: {"open": {"下发整改任务", "Task opened"}, "acknowledge": {"签收并开始整改", "Acknowledged"}, "note": {"补充说明", "Note"},
			"overdue": {"逾期", "Overdue"}, "escalate": {"上报主管部门", "Escalated"}, "pass": {"复核通过，闭环", "Passed, closed"}, "extend": {"延长期限", "Extended"},
			"waive": {"核销", "Waived"}, "raise": {"提出异议", "Raised"}, "verify": {"受理核实", "Verifying"},
			"correct": {"更正并答复", "Corrected and answered"}, "reject": {"不予更正并答复", "Answered: not corrected"}, "withdraw": {"撤回", "Withdrawn"}},
		IngestChannel: {"file": {"文件上传", "File upload"}, "api": {"接口推送", "API push"}, "pull": {"库表抽取", "Database pull"}, "return": {"数据回流", "Data return"},
			"demo": {"演示数据", "Demo data"}, "correction": {"记录更正", "Record correction"}},
		IngestMode:   {"replace": {"全量替换", "Replace all"}, "upsert": {"增量更新", "Update by key"}},
		IngestStatus: {"committed": {"已入库", "Loaded"}, "rejected": {"已拒收", "Rejected"}, "failed": {"失败", "Failed"}, "cancelled": {"已取消", "Cancelled"}},
		IngestRule: {"structure.encoding": {"字符编码错误", "Broken character encoding"}, "structure.parse": {"无法解析的行", "Unparsable line"},
			"structure.columns": {"列数与表头不符", "Wrong number of columns"}, "structure.unknown_column": {"未知的列", "Unknown column"},
			"structure.duplicate_column": {"重复的列", "Duplicate column"}, "structure.missing_column": {"缺少的列", "Missing column"},
			"security.formula": {"疑似公式注入", "Formula injection"}, "field.required": {"必填项为空", "Required value missing"},
			"field.nul": {"含有空字符", "NUL character"}, "field.length": {"超过声明长度", "Longer than declared"},
			"field.format": {"格式不正确", "Wrong format"}, "field.type": {"类型不符", "Wrong type"}, "field.enum": {"不在取值范围内", "Not an allowed value"},
			"field.range": {"超出范围", "Out of range"}, "field.date": {"日期不正确", "Invalid date"}, "field.region": {"行政区划代码不存在", "Unknown region code"},
			"key.missing": {"主键为空", "Key missing"}, "key.duplicate": {"主键重复", "Duplicate key"}, "load.timeliness": {"更新不及时", "Late update"}},
		IngestFreshness: {"on_time": {"按时", "On time"}, "late": {"逾期", "Late"}, "never": {"从未归集（已逾期）", "Never loaded (late)"},
			"pending": {"尚未归集，未到期", "Not loaded yet, not due"}, "untracked": {"不定期更新", "Irregular"}},
		ReturnState: {"requested": {"已申请", "Requested"}, "approved": {"已同意", "Approved"}, "refused": {"已拒绝", "Refused"}, "cancelled": {"已撤回", "Cancelled"},
			"revoked": {"已终止", "Ended"}},
		IngestFormat: {"csv": {"CSV", "CSV"}, "xlsx": {"XLSX", "XLSX"}, "jsonl": {"JSON Lines", "JSON Lines"}, "rows": {"数据行（接口或抽取）", "Rows (API or pull)"}},
		PullMode:     {"full": {"全量", "Full"}, "incremental": {"增量", "Incremental"}},
		AuditResult:  {"ok": {"成功", "Succeeded"}, "denied": {"已拒绝", "Denied"}, "error": {"出错", "Failed"}},
		AuditObject: {"api_token": {"API 令牌", "API token"}, "catalog_entry": {"目录条目", "Catalog entry"}, "catalog_system": {"信息系统", "Information system"},
			"catalog_purchase": {"采购数据", "Purchased data"}, "catalog_source": {"数源", "Data source"}, "catalog_reassessment": {"定期评估", "Re-assessment"},
			"quality_objection": {"数据异议", "Data objection"}, "quality_rule": {"质量规则", "Quality rule"}, "quality_task": {"整改任务", "Correction task"},
			"quality_settings": {"质量设置", "Quality settings"}, "region": {"行政区划", "Region"}, "share_demand": {"共享需求", "Share demand"},
			"share_grant": {"共享授权", "Share grant"}, "share_request": {"共享申请", "Share request"}, "user": {"用户", "User"}, "org": {"机构", "Organization"},
			"data_return": {"数据回流", "Data return"}, "ingest_source": {"归集数据源", "Ingest source"}, "ingest_load": {"归集批次", "Load"},
			"calendar": {"工作日历", "Calendar"}, "webhook": {"回调地址", "Webhook"}, "escalation": {"督办件", "Escalation"}, "audit_log": {"审计日志", "Audit log"}, "job": {"定时任务", "Job"}},
		AuditAction: {"demo.load": {"载入演示区域", "Demo region loaded"}, "audit.search": {"查阅审计日志", "Audit log searched"},
			"audit.verify": {"校验审计哈希链", "Audit chain verified"}, "audit.proof": {"查阅审计记录的存证证明", "Audit record proof read"}, "calendar.import": {"导入节假日表", "Holiday table imported"}, "calendar.recompute": {"按新节假日表重算期限", "Deadlines recomputed for a new holiday table"},
			"identity.login": {"登录", "Log in"}, "identity.logout": {"退出", "Log out"}, "identity.login_failed": {"登录失败", "Failed log in"},
			"request.escalate": {"共享申请逾期督办", "Share request escalated"}, "demand.escalate": {"共享需求逾期督办", "Share demand escalated"},
			"catalog.deadline.escalate": {"目录期限逾期督办", "Catalog deadline escalated"}, "share.gateway.lookup": {"共享接口：按主键查询", "Gateway: lookup by key"},
			"share.gateway.query": {"共享接口：条件查询", "Gateway: query"}, "share.gateway.verify": {"共享接口：核验比对", "Gateway: verification"},
			"share.gateway.download": {"共享接口：批量下载", "Gateway: bulk download"}, "share.gateway.denied": {"共享接口：拒绝访问", "Gateway: denied"},
			"share.grant.credential": {"签发接口凭证", "Gateway credential issued"}, "share.grant.report": {"提交使用情况报告", "Use report filed"},
			"share.usage.export":        {"导出调用记录", "Call log exported"},
			"catalog.mask_rules.update": {"修改脱敏规则", "Masking rules changed"}, "share.grant.anomaly": {"共享授权调用量异常告警", "Unusual grant volume alert"},
			"share.grant.limits": {"调整共享授权调用限制", "Grant call limits changed"}},
		ActionObject: {"catalog.entry": {"目录条目", "Catalog entry"}, "catalog.purchase": {"采购数据", "Purchased data"}, "catalog.system": {"信息系统", "Information system"},
			"catalog.reassess": {"定期评估", "Re-assessment"}, "catalog.source": {"数源", "Data source"}, "catalog.config": {"目录配置", "Catalog settings"},
			"catalog": {"资源目录", "Catalog"}, "share.request": {"共享申请", "Share request"}, "share.grant": {"共享授权", "Share grant"},
			"share.demand": {"共享需求", "Share demand"}, "share.gateway": {"共享接口", "Gateway"}, "share.usage": {"调用记录", "Call log"},
			"share.escalation": {"督办件", "Escalation"},
			"ingest.load":      {"数据归集", "Data load"}, "ingest.return": {"数据回流", "Data return"}, "ingest.freshness": {"更新及时性", "Freshness"},
			"ingest.report": {"归集报告", "Load report"}, "ingest.record": {"数据记录", "Record"}, "ingest.retention": {"保留期限", "Retention"}, "ingest.source": {"归集数据源", "Ingest source"},
			"ingest.pull": {"库表抽取", "Database pull"}, "ingest": {"数据归集", "Data load"}, "quality.task": {"整改任务", "Correction task"},
			"quality.rule": {"质量规则", "Quality rule"}, "quality.objection": {"数据异议", "Data objection"}, "quality.settings": {"质量设置", "Quality settings"},
			"identity.user": {"用户", "User"}, "identity.token": {"API 令牌", "API token"}, "identity": {"账户", "Account"}, "notify.webhook": {"回调地址", "Webhook"},
			"audit": {"审计日志", "Audit log"}, "calendar": {"工作日历", "Calendar"}, "demo": {"演示区域", "Demo region"}, "request": {"共享申请", "Share request"},
			"demand": {"共享需求", "Share demand"}, "jobs": {"定时任务", "Jobs"}},
		ActionVerb: {"create": {"创建", "created"}, "update": {"修改", "changed"}, "delete": {"删除", "deleted"}, "put": {"登记", "recorded"},
			"submit": {"提交审核", "submitted"}, "recall": {"撤回提交", "recalled"}, "approve": {"同意", "approved"}, "return": {"退回", "returned"},
			"withdraw": {"撤回", "withdrawn"}, "publish": {"发布", "published"}, "import": {"导入", "imported"}, "import_publish": {"导入并发布", "imported and published"},
			"export": {"导出", "exported"}, "file": {"提交", "filed"}, "forward": {"转报", "routed"}, "refuse": {"拒绝", "refused"}, "deliver": {"交付", "delivered"},
			"suspend": {"暂停", "suspended"}, "resume": {"恢复", "resumed"}, "revoke": {"撤销", "revoked"}, "expire": {"到期", "expired"}, "remind": {"提醒", "reminder sent"},
			"escalate": {"逾期督办", "escalated"}, "assign": {"列入责任清单", "assigned"}, "reject": {"审核不通过", "rejected"}, "accept": {"答复接受", "accepted"},
			"complete": {"完成", "completed"}, "open": {"下发", "opened"}, "acknowledge": {"签收", "acknowledged"}, "note": {"补充说明", "noted"},
			"overdue": {"逾期", "overdue"}, "pass": {"复核通过", "passed"}, "extend": {"延期", "extended"}, "waive": {"核销", "waived"}, "raise": {"提出", "raised"},
			"verify": {"核实", "verified"}, "correct": {"更正", "corrected"}, "answer": {"答复", "answered"}, "commit": {"入库", "loaded"}, "rejected": {"拒收", "rejected"},
			"committed": {"入库", "loaded"}, "failed": {"失败", "failed"}, "cancelled": {"取消", "cancelled"}, "cancel": {"撤回", "cancelled"}, "fail": {"失败", "failed"},
			"flag": {"标记逾期", "flagged late"}, "read": {"查阅", "read"}, "set": {"设置", "set"}, "request": {"申请", "requested"}, "fetch": {"取回", "fetched"},
			"register": {"注册", "registered"}, "link": {"关联", "linked"}, "attach": {"挂接", "attached"}, "download": {"下载", "downloaded"}, "search": {"检索", "searched"},
			"login": {"登录", "logged in"}, "logout": {"退出", "logged out"}, "credential": {"签发凭证", "credential issued"}, "report": {"提交报告", "report filed"},
			"lookup": {"按主键查询", "lookup"}, "page": {"分页查阅", "paged"}, "query": {"条件查询", "query"}, "load": {"载入", "loaded"}, "run": {"运行", "run"}, "denied": {"拒绝访问", "denied"},
			"legal_change": {"依据变更", "legal basis changed"}, "reassess": {"定期评估", "re-assessed"}, "decide": {"决定", "decided"}, "disable": {"停用", "disabled"},
			"enable": {"启用", "enabled"}, "reset": {"重置", "reset"}, "rotate": {"轮换", "rotated"}, "retire": {"退役", "retired"},
			"urge": {"催办", "urged"}, "coordinate": {"启动协调", "coordination started"}, "meeting": {"登记协调会议", "meeting recorded"},
			"refer": {"提请专家论证", "referred to the experts"}, "opinion": {"出具专家意见", "expert opinion given"}, "settle": {"督办办结", "settled"}},
		JobName: {"audit.checkpoint": {"审计日志存证检查点", "Audit checkpoints"}, "calendar.reload": {"重新载入工作日历", "Reload the calendar"}, "calendar.next_year": {"下一年节假日表提醒", "Next year's holiday table notice"},
			"catalog.deadlines": {"目录审核与更新期限提醒", "Catalog deadlines"}, "catalog.reassess": {"目录定期评估", "Catalog re-assessment"},
			"identity.purge": {"清理过期会话与令牌", "Purge expired sessions and tokens"}, "ingest.freshness": {"更新及时性检查", "Freshness check"},
			"ingest.return_deadlines": {"数据回流审批期限提醒", "Data return decision reminders"},
			"ingest.pull":             {"库表抽取", "Database pulls"}, "quality.daily_scores": {"每日质量评分", "Daily quality scores"},
			"quality.deadlines": {"整改与异议期限提醒", "Quality deadlines"},
			"share.deadlines":   {"共享期限提醒与督办", "Share deadlines and escalation"}, "share.expire": {"共享授权到期处理", "Expire grants"},
			"share.usage.push": {"推送调用记录", "Push call logs"}, "share.anomaly": {"共享调用量异常检测", "Unusual call volume check"},
			"share.grant_ending": {"共享授权到期前提醒", "Grant end reminders"}},
		TokenScope: {"read": {"读取", "Read"}, "write": {"写入", "Write"}, "ingest": {"数据归集", "Data loading"}, "gateway": {"共享接口调用", "Gateway calls"},
			"*": {"全部权限", "Everything"}, "inbox": {"消息", "Inbox"}, "audit": {"审计日志", "Audit log"},
			"directory": {"机构与用户", "Directory"}, "admin": {"系统管理", "Administration"}},
		PersonKind: {"natural": {"自然人", "Natural person"}, "legal": {"法人或其他组织", "Legal person or organization"}},
	}
)

// Register adds labels to a vocabulary (a capability's own codes, from its own file); a code
// registered twice keeps the last labels.
func Register(vocabulary string, m map[string][2]string) {
	labelMu.Lock()
	defer labelMu.Unlock()
	v := labels[vocabulary]
	if v == nil {
		v = map[string][2]string{}
		labels[vocabulary] = v
	}
	for code, l := range m {
		v[code] = l
	}
}

// Lookup returns the Chinese and English labels of a code; audit actions without their own
// entry are named from their object and verb ("share.request" + "file").
func Lookup(vocabulary, code string) ([2]string, bool) {
	labelMu.RLock()
	defer labelMu.RUnlock()
	if l, ok := labels[vocabulary][code]; ok {
		return l, true
	}
	if vocabulary == AuditAction {
		if i := strings.LastIndexByte(code, '.'); i > 0 {
			obj, okO := labels[ActionObject][code[:i]]
			verb, okV := labels[ActionVerb][code[i+1:]]
			if okO && okV {
				return [2]string{obj[0] + "：" + verb[0], obj[1] + " " + verb[1]}, true
			}
		}
	}
	return [2]string{}, false
}

// Label is the label of a code in lang ("en" or Chinese otherwise). An unknown code is shown
// as "—" rather than as itself, so that a gap never shows a code; the label test keeps the
// table complete.
func Label(lang, vocabulary, code string) string {
	if code == "" {
		return "—"
	}
	l, ok := Lookup(vocabulary, code)
	if !ok {
		return "—"
	}
	if lang == "en" {
		return l[1]
	}
	return l[0]
}

// Codes lists the codes that have labels in a vocabulary, sorted.
func Codes(vocabulary string) []string {
	labelMu.RLock()
	defer labelMu.RUnlock()
	out := make([]string, 0, len(labels[vocabulary]))
	for c := range labels[vocabulary] {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Vocabularies lists the names of every vocabulary, sorted.
func Vocabularies() []string {
	labelMu.RLock()
	defer labelMu.RUnlock()
	out := make([]string, 0, len(labels))
	for v := range labels {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}
