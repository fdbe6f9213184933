package httpapi

import (
	"pubdata/internal/audit"
	"pubdata/internal/complaint"
	"pubdata/internal/operate"
	"pubdata/internal/quality"
	"pubdata/internal/security"
	"pubdata/internal/share"
	"pubdata/internal/supervise"
)

// install registers every API operation, surface by surface, in the order the OpenAPI document
// and docs/api.md list them. It is the one place to look for "which handler answers this path".
func (api *API) install() {
	// ── 基础：账户、机构、会话、令牌、消息 / foundation ──
	api.foundationRoutes()

	// ── 考核评估 / assessment ──
	api.Handle(Route{Method: "GET", Path: "/api/v1/assessments", Tag: "supervise", Summary: "年度考核方案 / Annual assessment plans", Out: Items[supervise.Plan]{}}, api.assessmentListPlans)
	api.Handle(Route{Method: "POST", Path: "/api/v1/assessments", Tag: "supervise", Summary: "制定年度考核方案（指标与权重）/ Create a plan (indicators and weights)", Body: true, In: supervise.NewPlan{}, Out: Created{V: supervise.Plan{}}}, api.assessmentCreatePlan)
	api.Handle(Route{Method: "GET", Path: "/api/v1/assessments/{id}", Tag: "supervise", Summary: "考核方案及排名 / A plan and its ranking", Out: supervise.Plan{}}, api.assessmentGetPlan)
	api.Handle(Route{Method: "PUT", Path: "/api/v1/assessments/{id}/indicators", Tag: "supervise", Summary: "调整指标与权重（草稿）/ Set the indicators and weights (draft)", Body: true, In: AssessmentIndicators{}, Out: supervise.Plan{}}, api.assessmentSetIndicators)
	api.Handle(Route{Method: "POST", Path: "/api/v1/assessments/{id}/compute", Tag: "supervise", Summary: "按平台事实计算得分（草稿）/ Compute the scores from the platform's facts (draft)", Out: supervise.Plan{}}, api.assessmentCompute)
	api.Handle(Route{Method: "POST", Path: "/api/v1/assessments/{id}/events", Tag: "supervise", Summary: "审核（review）、发布（publish）、退回修改（reopen）/ Review, publish or reopen", Body: true, In: AssessmentEvent{}, Out: supervise.Plan{}}, api.assessmentStepPlan)
	api.Handle(Route{Method: "GET", Path: "/api/v1/assessments/{id}/orgs/{org}", Tag: "supervise", Summary: "单位得分及其依据的事实记录 / An agency's scores and the fact rows behind them", Out: supervise.OrgResult{}}, api.assessmentOrgResult)
	api.Handle(Route{Method: "GET", Path: "/api/v1/assessments/{id}/orgs/{org}/report.xlsx", Tag: "supervise", Summary: "单位考核报告（XLSX）/ An agency's report (XLSX)", Out: Raw{}}, api.assessmentOrgReport)

	// ── 审计 / audit ──
	api.Handle(Route{Method: "GET", Path: "/api/v1/audit/checkpoints", Tag: "audit", Summary: "审计日志签名检查点（新的在前，limit ≤ 1000）/ Signed audit checkpoints, newest first", Out: Items[audit.Checkpoint]{}, Query: []string{"limit"}}, api.auditListCheckpoints)
	api.Handle(Route{Method: "GET", Path: "/api/v1/audit/checkpoints/latest", Tag: "audit", Summary: "最新的审计检查点 / The latest audit checkpoint", Out: audit.Checkpoint{}}, api.auditLatestCheckpoint)
	api.Handle(Route{Method: "GET", Path: "/api/v1/audit/checkpoint-keys", Tag: "audit", Summary: "检查点签名公钥（Ed25519 / SM2）/ Public keys that verify checkpoints", Out: Items[audit.PublicKey]{}}, api.auditCheckpointKeys)
	api.Handle(Route{Method: "GET", Path: "/api/v1/audit/proof", Tag: "audit", Summary: "单条审计记录的默克尔包含证明（seq，可选 size 指定检查点）/ Merkle inclusion proof of one record (seq; size picks the checkpoint)", Out: ProofAnswer{}, Query: []string{"seq", "size"}}, api.auditProof)
	api.Handle(Route{Method: "GET", Path: "/api/v1/audit/consistency", Tag: "audit", Summary: "两个检查点之间的一致性证明（from 为先前检查点的大小，to 可选，默认最新）/ Consistency proof from an earlier checkpoint's size to a later checkpoint (to: default the latest)", Out: audit.ConsistencyProof{}, Query: []string{"from", "to"}}, api.auditConsistency)

	// ── 资源目录 / catalog ──
	catalogRoutes(api)

	// ── 权益投诉 / rights complaints ──
	// Only when the complaint service is configured.
	if api.App.Complaints != nil {
		api.Handle(Route{Method: "POST", Path: "/api/v1/open/complaints", Tag: "complaint", Summary: "提交权益投诉（立即中止开放） / File a rights complaint (suspends opening at once)", Public: true, Body: true, In: complaint.Filing{}, Out: Created{V: complaint.Receipt{}}}, api.complaintFile)
		api.Handle(Route{Method: "GET", Path: "/api/v1/open/complaint-status/{number}", Tag: "complaint", Summary: "按投诉编号查询办理情况 / Complaint status by number", Public: true, Out: complaint.Public{}}, api.complaintStatus)
		api.Handle(Route{Method: "GET", Path: "/api/v1/open/complaints", Tag: "complaint", Summary: "权益投诉列表（提供部门、主管部门） / Rights complaints (provider, authority)", Out: Items[complaint.Complaint]{}, Query: []string{"state"}}, api.complaintList)
		api.Handle(Route{Method: "GET", Path: "/api/v1/open/complaints/mine", Tag: "complaint", Summary: "我提交的权益投诉 / My rights complaints", Out: Items[complaint.Public]{}}, api.complaintMine)
		api.Handle(Route{Method: "GET", Path: "/api/v1/open/complaints/{id}", Tag: "complaint", Summary: "权益投诉详情 / A rights complaint", Out: complaint.Complaint{}}, api.complaintGet)
		api.Handle(Route{Method: "POST", Path: "/api/v1/open/complaints/{id}/events", Tag: "complaint", Summary: "办理权益投诉：核实、撤回开放、恢复开放、处理后重新开放 / Act on a complaint", Body: true, In: complaint.Step{}, Out: complaint.Complaint{}}, api.complaintAct)
	}

	// ── 采集接口（CKAN、DCAT、Atom） / harvesting ──
	api.harvestRoutes()

	// ── 数据汇聚 / aggregation ──
	api.ingestRoutes()

	// ── 数据要素市场 / market ──
	api.marketRoutes()

	// ── 向社会开放 / opening ──
	api.openRoutes()

	// ── 有条件开放申请 / conditional opening ──
	api.openapplyRoutes()

	// ── 开放计划、评审、需求、应用 / open plans ──
	api.openplanRoutes()

	// ── 授权运营 / authorized operation ──
	api.operateRoutes()

	// ── 运营业务：价格、反馈、报告 / operation business ──
	api.operateBusinessRoutes()

	// ── 数据质量 / quality ──
	// Rules (QUA-1)
	api.Handle(Route{Method: "GET", Path: "/api/v1/quality/rule-kinds", Tag: "quality", Summary: "质量规则类型与质量维度 / Rule kinds and quality dimensions", Out: RuleKinds{}}, api.qualityRuleKinds)
	api.Handle(Route{Method: "GET", Path: "/api/v1/quality/entries/{id}/rules", Tag: "quality", Summary: "目录条目的质量规则 / An entry's quality rules", Out: Items[quality.Rule]{}}, api.qualityListRules)
	api.Handle(Route{Method: "POST", Path: "/api/v1/quality/entries/{id}/rules", Tag: "quality", Summary: "新增质量规则（跨字段、多源校核）/ Add a quality rule", Body: true, In: quality.RuleInput{}, Out: Created{V: quality.Rule{}}}, api.qualityCreateRule)
	api.Handle(Route{Method: "POST", Path: "/api/v1/quality/entries/{id}/rules/try", Tag: "quality", Summary: "试运行质量规则 / Try a rule on one record", Body: true, In: RuleTrial{}, Out: RuleTried{}}, api.qualityTryRule)
	api.Handle(Route{Method: "GET", Path: "/api/v1/quality/rules/{id}", Tag: "quality", Summary: "质量规则 / A quality rule", Out: quality.Rule{}}, api.qualityGetRule)
	api.Handle(Route{Method: "PUT", Path: "/api/v1/quality/rules/{id}", Tag: "quality", Summary: "修改质量规则 / Change a quality rule", Body: true, In: quality.RuleInput{}, Out: quality.Rule{}}, api.qualityUpdateRule)
	api.Handle(Route{Method: "DELETE", Path: "/api/v1/quality/rules/{id}", Tag: "quality", Summary: "删除质量规则 / Delete a quality rule", Out: NoContent{}}, api.qualityDeleteRule)

	// Correction tasks (QUA-2)
	api.Handle(Route{Method: "GET", Path: "/api/v1/quality/tasks", Tag: "quality", Summary: "整改任务列表 / Correction tasks", Out: Paged[quality.Task]{}, Query: []string{"entry_id", "org_id", "page", "page_size", "state"}}, api.qualityListTasks)
	api.Handle(Route{Method: "GET", Path: "/api/v1/quality/tasks/{id}", Tag: "quality", Summary: "整改任务详情（问题行与处理过程）/ A correction task with its rows and history", Out: quality.Task{}}, api.qualityGetTask)
	api.Handle(Route{Method: "POST", Path: "/api/v1/quality/tasks/{id}/events", Tag: "quality", Summary: "办理整改任务（acknowledge/note/extend/waive）/ Act on a correction task", Body: true, In: quality.TaskAction{}, Out: quality.Task{}}, api.qualityActOnTask)

	// Scores
	api.Handle(Route{Method: "GET", Path: "/api/v1/quality/entries/{id}/scores", Tag: "quality", Summary: "目录条目质量评分趋势（period=load|day）/ An entry's quality scores", Out: Items[quality.ScorePoint]{}, Query: []string{"limit", "period"}}, api.qualityEntryScores)
	api.Handle(Route{Method: "GET", Path: "/api/v1/quality/entries/{id}/trend.svg", Tag: "quality", Summary: "目录条目质量趋势图（SVG）/ An entry's quality trend chart", Out: Raw{}, Query: []string{"lang", "limit", "period"}}, api.qualityEntryTrendSVG)
	api.Handle(Route{Method: "GET", Path: "/api/v1/quality/orgs/{id}/scores", Tag: "quality", Summary: "部门质量评分趋势（period=load|day）/ An agency's quality scores", Out: Items[quality.ScorePoint]{}, Query: []string{"limit", "period"}}, api.qualityOrgScores)
	api.Handle(Route{Method: "GET", Path: "/api/v1/quality/orgs/{id}/trend.svg", Tag: "quality", Summary: "部门质量趋势图（SVG）/ An agency's quality trend chart", Out: Raw{}, Query: []string{"lang", "limit", "period"}}, api.qualityOrgTrendSVG)
	api.Handle(Route{Method: "GET", Path: "/api/v1/quality/summary", Tag: "quality", Summary: "各部门质量概况（主管部门）/ Agencies' quality at a glance", Out: Items[quality.OrgSummary]{}}, api.qualitySummary)
	api.Handle(Route{Method: "GET", Path: "/api/v1/quality/settings", Tag: "quality", Summary: "质量整改与异议期限设置 / Quality deadline settings", Out: quality.Settings{}}, api.qualitySettings)
	api.Handle(Route{Method: "PUT", Path: "/api/v1/quality/settings", Tag: "quality", Summary: "修改质量整改与异议期限（工作日）/ Change the quality deadlines", Body: true, In: quality.Settings{}, Out: quality.Settings{}}, api.qualitySetSettings)

	// Objections (QUA-3)
	api.Handle(Route{Method: "POST", Path: "/api/v1/quality/objections", Tag: "quality", Summary: "提出数据异议 / Raise an objection to a record", Body: true, In: quality.ObjectionInput{}, Out: Created{V: quality.Objection{}}}, api.qualityRaiseObjection)
	api.Handle(Route{Method: "GET", Path: "/api/v1/quality/objections", Tag: "quality", Summary: "数据异议列表（box=mine|queue）/ Objections", Out: Paged[quality.Objection]{}, Query: []string{"box", "entry_id", "page", "page_size", "state"}}, api.qualityListObjections)
	api.Handle(Route{Method: "GET", Path: "/api/v1/quality/objections/{id}", Tag: "quality", Summary: "数据异议详情与处理过程 / An objection and its history", Out: quality.Objection{}}, api.qualityGetObjection)
	api.Handle(Route{Method: "POST", Path: "/api/v1/quality/objections/{id}/events", Tag: "quality", Summary: "办理数据异议（verify/correct/reject/withdraw/note）/ Act on an objection", Body: true, In: quality.ObjectionAction{}, Out: quality.Objection{}}, api.qualityActOnObjection)

	// ── 安全运营 / security operations ──
	api.Handle(Route{Method: "GET", Path: "/api/v1/security/records", Tag: "security", Summary: "安全运营记录（检查、评估、预案、演练、事件、第三方服务机构）/ Security operation records", Out: Items[security.Record]{}, Query: []string{"kind"}}, api.securityListRecords)
	api.Handle(Route{Method: "POST", Path: "/api/v1/security/records", Tag: "security", Summary: "登记安全运营记录 / Create a security record", Body: true, In: security.NewRecord{}, Out: Created{V: security.Record{}}}, api.securityCreateRecord)
	api.Handle(Route{Method: "GET", Path: "/api/v1/security/records/{id}", Tag: "security", Summary: "安全运营记录 / A security record", Out: security.Record{}}, api.securityGetRecord)
	api.Handle(Route{Method: "POST", Path: "/api/v1/security/records/{id}/close", Tag: "security", Summary: "关闭安全运营记录（写明处置情况）/ Close a record with a note", Body: true, In: SecurityCloseInput{}, Out: security.Record{}}, api.securityCloseRecord)
	api.Handle(Route{Method: "POST", Path: "/api/v1/security/records/{id}/steps", Tag: "security", Summary: "记录安全事件处置步骤 / Record a response step of an incident", Body: true, In: NoteBody{}, Out: security.Record{}}, api.securityAddStep)
	api.Handle(Route{Method: "POST", Path: "/api/v1/security/records/{id}/notified", Tag: "security", Summary: "登记已履行的事件报告义务 / Record a notification duty fulfilled", Body: true, In: SecurityNotifiedInput{}, Out: security.Record{}}, api.securityNotified)

	// ── 数据共享与网关 / sharing and the gateway ──
	// Requests
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/requests", Tag: "share", Summary: "提交共享申请 / File a share request", Body: true, In: share.NewRequest{}, Out: Created{V: share.Request{}}}, api.shareFileRequest)
	api.Handle(Route{Method: "GET", Path: "/api/v1/share/requests", Tag: "share", Summary: "共享申请列表（mine/queue/routing/region/all）/ Share requests", Out: Paged[share.Request]{}, Query: []string{"box", "page", "page_size", "state"}}, api.shareListRequests)
	api.Handle(Route{Method: "GET", Path: "/api/v1/share/requests/{id}", Tag: "share", Summary: "共享申请详情与办理进度 / A share request and its progress", Out: RequestAnswer{}}, api.shareGetRequest)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/requests/{id}/forward", Tag: "share", Summary: "主管部门转报跨层级申请 / Route a cross-region request", Body: true, In: note{}, Out: share.Request{}}, api.shareForwardRequest)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/requests/{id}/approve", Tag: "share", Summary: "同意共享（可缩小范围）/ Approve (possibly narrower)", Body: true, In: share.Approval{}, Out: share.Request{}}, api.shareApproveRequest)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/requests/{id}/refuse", Tag: "share", Summary: "拒绝共享（须理由和依据）/ Refuse (reason and legal basis)", Body: true, In: share.Refusal{}, Out: share.Request{}}, api.shareRefuseRequest)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/requests/{id}/withdraw", Tag: "share", Summary: "撤回共享申请 / Withdraw a request", Body: true, In: note{}, Out: share.Request{}}, api.shareWithdrawRequest)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/requests/{id}/deliveries", Tag: "share", Summary: "登记线下交付 / Record an offline delivery", Body: true, In: share.NewDelivery{}, Out: Created{V: share.Delivery{}}}, api.shareRecordDelivery)
	api.Handle(Route{Method: "GET", Path: "/api/v1/share/overdue", Tag: "share", Summary: "逾期督办清单 / Overdue items for supervision", Out: Items[share.BoardItem]{}}, api.shareOverdue)

	// Grants
	api.Handle(Route{Method: "GET", Path: "/api/v1/share/grants", Tag: "share", Summary: "共享授权列表（mine/provided/region/all）/ Share grants", Out: Paged[share.Grant]{}, Query: []string{"box", "page", "page_size"}}, api.shareListGrants)
	api.Handle(Route{Method: "GET", Path: "/api/v1/share/grants/{id}", Tag: "share", Summary: "共享授权详情、凭证与调用统计 / A grant, its credentials and statistics", Out: GrantAnswer{}}, api.shareGetGrant)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/grants/{id}/credentials", Tag: "share", Summary: "生成调用凭证（仅显示一次）/ Issue a gateway credential (shown once)", Out: Created{V: CredentialIssued{}}}, api.shareIssueCredential)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/grants/{id}/suspend", Tag: "share", Summary: "暂停授权 / Suspend a grant", Body: true, In: note{}, Out: share.Request{}}, api.shareSuspendGrant)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/grants/{id}/resume", Tag: "share", Summary: "恢复授权 / Resume a grant", Body: true, In: note{}, Out: share.Request{}}, api.shareResumeGrant)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/grants/{id}/revoke", Tag: "share", Summary: "撤销授权 / Revoke a grant", Body: true, In: note{}, Out: share.Request{}}, api.shareRevokeGrant)
	api.Handle(Route{Method: "GET", Path: "/api/v1/share/grants/{id}/usage", Tag: "share", Summary: "授权使用日志（format=csv 导出）/ A grant's usage log (format=csv to export)", Out: Paged[audit.Record]{}, Query: []string{"format", "page", "page_size"}}, api.shareGrantUsage)
	api.Handle(Route{Method: "GET", Path: "/api/v1/share/grants/{id}/reports", Tag: "share", Summary: "使用情况和效果评价 / Use-and-effect reports", Out: Items[share.UseReport]{}}, api.shareListReports)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/grants/{id}/reports", Tag: "share", Summary: "提交使用评价 / File a use-and-effect report", Body: true, In: share.NewReport{}, Out: Created{V: share.UseReport{}}}, api.shareFileReport)

	// Grants over time: renewals (续期) and scheduled use reports (使用评价, SHR-4, SHR-11)
	api.Handle(Route{Method: "GET", Path: "/api/v1/share/grants/{id}/renewals", Tag: "share", Summary: "授权续期申请 / A grant's renewals", Out: Items[share.Renewal]{}}, api.shareListRenewals)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/grants/{id}/renewals", Tag: "share", Summary: "申请授权续期（只能缩小范围）/ Ask for a renewal (never wider)", Body: true, In: share.NewRenewal{}, Out: Created{V: share.Renewal{}}}, api.shareRequestRenewal)
	api.Handle(Route{Method: "GET", Path: "/api/v1/share/renewals/{id}", Tag: "share", Summary: "续期申请详情 / A renewal", Out: share.Renewal{}}, api.shareGetRenewal)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/renewals/{id}/approve", Tag: "share", Summary: "同意续期（可缩小范围）/ Approve a renewal (possibly narrower)", Body: true, In: share.RenewalApproval{}, Out: share.Renewal{}}, api.shareApproveRenewal)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/renewals/{id}/refuse", Tag: "share", Summary: "拒绝续期（须理由和依据）/ Refuse a renewal (reason and legal basis)", Body: true, In: share.Refusal{}, Out: share.Renewal{}}, api.shareRefuseRenewal)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/renewals/{id}/withdraw", Tag: "share", Summary: "撤回续期申请 / Withdraw a renewal", Body: true, In: note{}, Out: share.Renewal{}}, api.shareWithdrawRenewal)
	api.Handle(Route{Method: "GET", Path: "/api/v1/share/grants/{id}/use-reports", Tag: "share", Summary: "使用评价报告期及其状态 / A grant's scheduled use reports", Out: Items[share.ScheduledReport]{}}, api.shareListUseReports)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/use-reports/{id}/submit", Tag: "share", Summary: "提交本期使用评价 / Submit a period's use report", Body: true, In: share.NewReport{}, Out: Created{V: share.UseReport{}}}, api.shareSubmitUseReport)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/use-reports/{id}/answer", Tag: "share", Summary: "提供部门确认使用评价或提出疑问 / The provider accepts or questions a use report", Body: true, In: share.AnswerReport{}, Out: share.ScheduledReport{}}, api.shareAnswerUseReport)

	// Demand list and responsibility list (SHR-7)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/demands", Tag: "share", Summary: "提交数据需求（需求清单）/ File a data demand", Body: true, In: share.NewDemand{}, Out: Created{V: share.Demand{}}}, api.shareFileDemand)
	api.Handle(Route{Method: "GET", Path: "/api/v1/share/demands", Tag: "share", Summary: "需求清单与责任清单（mine/duty/region/all）/ Demand and responsibility lists", Out: Paged[share.Demand]{}, Query: []string{"box", "page", "page_size"}}, api.shareListDemands)
	api.Handle(Route{Method: "GET", Path: "/api/v1/share/demands/{id}", Tag: "share", Summary: "数据需求详情与办理进度 / A demand and its progress", Out: DemandAnswer{}}, api.shareGetDemand)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/demands/{id}/assign", Tag: "share", Summary: "审核并指定数源部门 / Review and assign a source agency", Body: true, In: DemandAssignInput{}, Out: share.Demand{}}, api.shareAssignDemand)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/demands/{id}/reject", Tag: "share", Summary: "审核不通过 / Reject at review", Body: true, In: note{}, Out: share.Demand{}}, api.shareRejectDemand)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/demands/{id}/accept", Tag: "share", Summary: "数源部门答复受理（可另定完成日期）/ Accept (optionally naming a date)", Body: true, In: share.DemandAnswer{}, Out: share.Demand{}}, api.shareAcceptDemand)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/demands/{id}/refuse", Tag: "share", Summary: "数源部门拒绝（须理由和依据）/ Refuse (reason and legal basis)", Body: true, In: share.DemandAnswer{}, Out: share.Demand{}}, api.shareRefuseDemand)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/demands/{id}/return", Tag: "share", Summary: "退回主管部门（非本部门数据）/ Return to the authority", Body: true, In: note{}, Out: share.Demand{}}, api.shareReturnDemand)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/demands/{id}/complete", Tag: "share", Summary: "办理完成 / Complete", Body: true, In: DemandCompleteInput{}, Out: share.Demand{}}, api.shareCompleteDemand)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/demands/{id}/withdraw", Tag: "share", Summary: "撤回数据需求 / Withdraw a demand", Out: share.Demand{}}, api.shareWithdrawDemand)

	// National-platform data (NM 25 ¶2): agencies ask, the province authority coordinates.
	api.Handle(Route{Method: "GET", Path: "/api/v1/share/national", Tag: "share", Summary: "国家平台数据申请 / National-platform data requests", Out: Paged[share.NationalRequest]{}}, api.shareListNational)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/national", Tag: "share", Summary: "申请国家平台数据 / Ask for national-platform data", Body: true, In: share.NewNational{}, Out: Created{V: share.NationalRequest{}}}, api.shareFileNational)
	api.Handle(Route{Method: "GET", Path: "/api/v1/share/national/{id}", Tag: "share", Summary: "国家平台数据申请详情 / A national-platform data request", Out: share.NationalRequest{}}, api.shareGetNational)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/national/{id}/steps", Tag: "share", Summary: "办理国家平台数据申请（forward/received/unavailable/decline/withdraw）/ Act on a national-platform request", Body: true, In: share.NationalStep{}, Out: share.NationalRequest{}}, api.shareStepNational)

	// Escalations (督办件): the authority urges, coordinates, refers to the experts, decides.
	api.Handle(Route{Method: "GET", Path: "/api/v1/share/escalations", Tag: "share", Summary: "督办件列表（region/mine/experts/all）/ Escalations", Out: Paged[share.Escalation]{}, Query: []string{"box", "page", "page_size"}}, api.shareListEscalations)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/escalations", Tag: "share", Summary: "对逾期事项启动督办 / Escalate an overdue item", Body: true, In: EscalationInput{}, Out: share.Escalation{}}, api.shareOpenEscalation)
	api.Handle(Route{Method: "GET", Path: "/api/v1/share/escalations/{id}", Tag: "share", Summary: "督办件详情、会议、专家意见与进度 / An escalation with meetings, opinions and history", Out: share.EscalationDetail{}}, api.shareGetEscalation)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/escalations/{id}/urge", Tag: "share", Summary: "催办（新的办理期限）/ Urge, with a new date", Body: true, In: share.Urge{}, Out: share.Escalation{}}, api.shareUrgeEscalation)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/escalations/{id}/coordinate", Tag: "share", Summary: "启动协调 / Start coordination", Body: true, In: note{}, Out: share.Escalation{}}, api.shareCoordinateEscalation)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/escalations/{id}/meetings", Tag: "share", Summary: "登记协调会议及结果 / Record a coordination meeting", Body: true, In: share.NewMeeting{}, Out: share.Escalation{}}, api.shareRecordMeeting)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/escalations/{id}/refer", Tag: "share", Summary: "提请专家委员会论证 / Refer to the expert committee", Body: true, In: note{}, Out: share.Escalation{}}, api.shareReferEscalation)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/escalations/{id}/opinions", Tag: "share", Summary: "专家出具意见 / Give an expert opinion", Body: true, In: OpinionInput{}, Out: share.Escalation{}}, api.shareGiveOpinion)
	api.Handle(Route{Method: "POST", Path: "/api/v1/share/escalations/{id}/decide", Tag: "share", Summary: "作出督办决定（当事方可见）/ Decide (the parties see it)", Body: true, In: share.EscDecision{}, Out: share.Escalation{}}, api.shareDecideEscalation)

	// Gateway: called with a credential bound to one grant (Authorization: Bearer pd_…).
	// A product grant (SHR-12) calls its one product here, never a record.
	api.Handle(Route{Method: "POST", Path: "/api/v1/gateway/products/{id}/query", Tag: "gateway", Summary: "按数据产品授权调用统计产品（受限形式，差分隐私）/ Statistics product under a product grant", Body: true, In: operate.StatsQuery{}, Out: operate.StatsResult{}}, api.shareGatewayQueryProduct)
	api.Handle(Route{Method: "POST", Path: "/api/v1/gateway/products/{id}/verify", Tag: "gateway", Summary: "按数据产品授权调用核验产品（仅返回是否一致）/ Verification product under a product grant", Body: true, In: ProductVerifyInput{}, Out: operate.VerifyResult{}}, api.shareGatewayVerifyProduct)
	api.Handle(Route{Method: "GET", Path: "/api/v1/gateway/grant", Tag: "gateway", Summary: "本凭证的共享授权（字段、脱敏、期限）/ The caller's grant", Out: share.GrantView{}}, api.shareGatewayGrant)
	api.Handle(Route{Method: "GET", Path: "/api/v1/gateway/records/{key}", Tag: "gateway", Summary: "按键值查询一条记录（身份证号、信用代码或资源主键）/ Look up one record by key", Out: share.Out{}}, api.shareGatewayLookup)
	api.Handle(Route{Method: "GET", Path: "/api/v1/gateway/records", Tag: "gateway", Summary: "条件分页查询（其他查询参数为字段=值）/ Filtered, paged query (other parameters are field=value)", Out: Paged[share.Out]{}, Query: []string{"page", "page_size"}}, api.shareGatewayQuery)
	api.Handle(Route{Method: "GET", Path: "/api/v1/gateway/export", Tag: "gateway", Summary: "批量交付（库表/文件方式，format=csv|json）/ Bulk delivery (table or file mode)", Out: Raw{}, Query: []string{"format"}}, api.shareGatewayExport)
	api.Handle(Route{Method: "POST", Path: "/api/v1/gateway/verify", Tag: "gateway", Summary: "核验比对（只返回是否一致，不返回数据）/ Verify values (match or mismatch only)", Body: true, In: VerifyInput{}, Out: VerifyAnswer{}}, api.shareGatewayVerify)

	// ── 处罚与整改 / sanctions ──
	api.Handle(Route{Method: "GET", Path: "/api/v1/sanctions", Tag: "supervise", Summary: "责令整改（处罚）列表 / Rectification orders (sanctions)", Out: SanctionsAnswer{}, Query: []string{"limit", "offset", "state"}}, api.superviseListSanctions)
	api.Handle(Route{Method: "POST", Path: "/api/v1/sanctions", Tag: "supervise", Summary: "责令整改：暂停对象的全部接口访问 / Order rectification, suspending the subject's API access", Body: true, In: supervise.NewSanction{}, Out: Created{V: supervise.Sanction{}}}, api.superviseIssueSanction)
	api.Handle(Route{Method: "GET", Path: "/api/v1/sanctions/{id}", Tag: "supervise", Summary: "责令整改及其经过 / A rectification order and its history", Out: supervise.Sanction{}}, api.superviseGetSanction)
	api.Handle(Route{Method: "POST", Path: "/api/v1/sanctions/{id}/{event}", Tag: "supervise", Summary: "报告整改（report）、认定通过（accept）、退回（reject）、终止（terminate）/ Report, accept, reject or terminate", Body: true, In: SanctionStepInput{}, Out: supervise.Sanction{}}, api.superviseStepSanction)

	// ── 监督督办 / supervision ──
	api.Handle(Route{Method: "GET", Path: "/api/v1/supervision/notices", Tag: "supervise", Summary: "督办/整改通知（主管部门本地区；部门本单位）/ Supervision notices", Out: Paged[supervise.Notice]{}, Query: []string{"state", "source", "org_id"}}, api.supervisionListNotices)
	api.Handle(Route{Method: "GET", Path: "/api/v1/supervision/escalated", Tag: "supervise", Summary: "政府督办清单：逾期未整改的通知 / The government's supervision list", Out: Paged[supervise.Notice]{}, Query: []string{"state", "source", "org_id"}}, api.supervisionListEscalated)
	api.Handle(Route{Method: "POST", Path: "/api/v1/supervision/notices", Tag: "supervise", Summary: "登记违规并下达通知 / Record a violation and issue a notice", Body: true, In: supervise.NewNotice{}, Out: Created{V: supervise.Notice{}}}, api.supervisionRecordNotice)
	api.Handle(Route{Method: "POST", Path: "/api/v1/supervision/detect", Tag: "supervise", Summary: "立即运行违规检测与逾期督办 / Run the detectors and escalation now", Out: SupervisionDetected{}}, api.supervisionDetect)
	api.Handle(Route{Method: "GET", Path: "/api/v1/supervision/notices/{id}", Tag: "supervise", Summary: "通知及其经过 / A notice and its history", Out: supervise.Notice{}}, api.supervisionGetNotice)
	api.Handle(Route{Method: "POST", Path: "/api/v1/supervision/notices/{id}/events", Tag: "supervise", Summary: "办理通知：respond、dispute、accept、reject、refer、uphold、dismiss、withdraw / Act on a notice", Body: true, In: SupervisionStep{}, Out: supervise.Notice{}}, api.supervisionStepNotice)

	api.Handle(Route{Method: "POST", Path: "/api/v1/supervision/reports", Tag: "supervise", Summary: "举报违法违规使用数据（无需登录）/ Report illegal use (no login needed)", Public: true, Body: true, In: supervise.Filing{}, Out: Created{V: supervise.PublicReport{}}}, api.supervisionFileReport)
	api.Handle(Route{Method: "GET", Path: "/api/v1/supervision/report-status/{number}", Tag: "supervise", Summary: "按举报编号查询办理与答复 / Report status and answer by number", Public: true, Out: supervise.PublicReport{}}, api.supervisionReportStatus)
	api.Handle(Route{Method: "GET", Path: "/api/v1/supervision/reports", Tag: "supervise", Summary: "举报列表 / Reports of illegal use", Out: Paged[supervise.Report]{}, Query: []string{"state"}}, api.supervisionListReports)
	api.Handle(Route{Method: "GET", Path: "/api/v1/supervision/reports/{id}", Tag: "supervise", Summary: "举报详情 / A report", Out: supervise.Report{}}, api.supervisionGetReport)
	api.Handle(Route{Method: "POST", Path: "/api/v1/supervision/reports/{id}/events", Tag: "supervise", Summary: "办理举报：handle、answer、notice / Handle, answer or turn a report into a notice", Body: true, In: supervise.ReportStep{}, Out: supervise.Report{}}, api.supervisionHandleReport)

	api.Handle(Route{Method: "GET", Path: "/api/v1/supervision/dishonesty", Tag: "supervise", Summary: "失信记录 / Dishonesty records", Out: Paged[supervise.Dishonesty]{}}, api.supervisionListDishonesty)
	api.Handle(Route{Method: "POST", Path: "/api/v1/supervision/dishonesty", Tag: "supervise", Summary: "登记失信记录（依据：通知或处罚）/ Enter a dishonesty record", Body: true, In: supervise.NewDishonesty{}, Out: Created{V: supervise.Dishonesty{}}}, api.supervisionRecordDishonesty)
	api.Handle(Route{Method: "GET", Path: "/api/v1/supervision/dishonesty/{id}", Tag: "supervise", Summary: "失信记录详情 / A dishonesty record", Out: supervise.Dishonesty{}}, api.supervisionGetDishonesty)
	api.Handle(Route{Method: "POST", Path: "/api/v1/supervision/dishonesty/{id}/events", Tag: "supervise", Summary: "公示（publish）或撤销（withdraw）失信记录 / Publish or withdraw a record", Body: true, In: SupervisionStep{}, Out: supervise.Dishonesty{}}, api.supervisionStepDishonesty)
}
