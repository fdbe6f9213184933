package httpapi

import (
	"pubdata/internal/audit"
	"pubdata/internal/catalog"
	"pubdata/internal/complaint"
	"pubdata/internal/harvest"
	"pubdata/internal/identity"
	"pubdata/internal/ingest"
	"pubdata/internal/jobs"
	"pubdata/internal/market"
	"pubdata/internal/notify"
	"pubdata/internal/open"
	"pubdata/internal/openapply"
	"pubdata/internal/openplan"
	"pubdata/internal/operate"
	"pubdata/internal/quality"
	"pubdata/internal/security"
	"pubdata/internal/share"
	"pubdata/internal/supervise"
	"pubdata/internal/workday"
)

// install registers every API operation, surface by surface, in the order the OpenAPI document
// and docs/api.md list them. It is the one place to look for "which handler answers this path".
func (api *API) install() {
	// ── 基础：账户、机构、会话、令牌、消息 / foundation ──
	// session and account
	api.Handle(Route{Method: "POST", Path: "/api/v1/auth/login", Summary: "登录 / Log in", Tag: "auth", Public: true, Body: true, In: LoginInput{}, Out: LoginAnswer{}}, api.foundationLogin)
	api.Handle(Route{Method: "POST", Path: "/api/v1/auth/logout", Summary: "退出登录 / Log out", Tag: "auth", Out: NoContent{}}, api.foundationLogout)
	api.Handle(Route{Method: "POST", Path: "/api/v1/auth/register", Summary: "公众注册（自然人/法人）/ Public self-registration", Tag: "auth", Public: true, Body: true, In: identity.Registration{}, Out: Created{V: identity.User{}}}, api.foundationRegister)
	api.Handle(Route{Method: "GET", Path: "/api/v1/me", Summary: "当前用户 / Who am I", Tag: "auth", Out: MeAnswer{}}, api.foundationMe)
	// API tokens
	api.Handle(Route{Method: "GET", Path: "/api/v1/tokens", Summary: "我的 API 令牌 / My API tokens", Tag: "auth", Out: Items[identity.Token]{}}, api.foundationListTokens)
	// API tokens
	api.Handle(Route{Method: "POST", Path: "/api/v1/tokens", Summary: "创建 API 令牌（仅显示一次）/ Create an API token (shown once)", Tag: "auth", Body: true, In: TokenInput{}, Out: Created{V: TokenIssued{}}}, api.foundationIssueToken)
	api.Handle(Route{Method: "DELETE", Path: "/api/v1/tokens/{id}", Summary: "撤销 API 令牌 / Revoke an API token", Tag: "auth", Out: NoContent{}}, api.foundationRevokeToken)
	// audit log
	api.Handle(Route{Method: "GET", Path: "/api/v1/audit", Summary: "审计日志检索 / Search the audit log", Tag: "audit", Out: Paged[audit.Record]{}, Query: []string{"action", "actor", "grant", "object_id", "object_type", "org", "page", "page_size"}}, api.foundationSearchAudit)
	api.Handle(Route{Method: "GET", Path: "/api/v1/audit/verify", Summary: "校验审计日志哈希链 / Verify the audit hash chain", Tag: "audit", Out: audit.VerifyResult{}}, api.foundationVerifyAudit)
	// working-day calendar
	api.Handle(Route{Method: "GET", Path: "/api/v1/calendar", Summary: "工作日历（节假日与调休）/ Working-day calendar", Tag: "calendar", Out: Items[workday.Day]{}, Query: []string{"year"}}, api.foundationCalendar)
	api.Handle(Route{Method: "GET", Path: "/api/v1/calendar/add", Summary: "计算 N 个工作日后的日期 / Add working days", Tag: "calendar", Out: DeadlineAnswer{}, Query: []string{"from", "workdays"}}, api.foundationAddWorkdays)
	api.Handle(Route{Method: "POST", Path: "/api/v1/calendar/import", Summary: "导入年度节假日表（CSV 或 JSON）/ Import a year's holiday table", Tag: "calendar", Body: true, In: Upload{}, Out: CalendarImported{}}, api.foundationImportCalendar)
	// directory
	api.Handle(Route{Method: "GET", Path: "/api/v1/regions", Summary: "行政区划 / Regions", Tag: "directory", Out: Items[identity.Region]{}}, api.foundationListRegions)
	api.Handle(Route{Method: "GET", Path: "/api/v1/orgs", Summary: "机构 / Organizations", Tag: "directory", Out: Items[identity.Org]{}, Query: []string{"kind", "region"}}, api.foundationListOrgs)
	api.Handle(Route{Method: "GET", Path: "/api/v1/orgs/{id}", Summary: "机构详情 / Organization", Tag: "directory", Out: identity.Org{}}, api.foundationGetOrg)
	api.Handle(Route{Method: "GET", Path: "/api/v1/users", Summary: "用户 / Users", Tag: "directory", Out: Paged[identity.User]{}, Query: []string{"org", "page", "page_size"}}, api.foundationListUsers)
	api.Handle(Route{Method: "POST", Path: "/api/v1/users", Summary: "创建用户 / Create a user", Tag: "directory", Body: true, In: identity.NewUser{}, Out: Created{V: identity.User{}}}, api.foundationCreateUser)
	api.Handle(Route{Method: "PUT", Path: "/api/v1/users/{id}/verification", Summary: "实名核验（主管部门登记或撤销）/ Record or withdraw real-name verification", Tag: "directory", Body: true, In: VerificationInput{}, Out: identity.User{}}, api.foundationSetVerification)
	api.Handle(Route{Method: "POST", Path: "/api/v1/me/verification", Summary: "以身份认证平台的认证结果完成实名核验 / Verify my real name with an identity provider", Tag: "auth", Body: true, In: MyVerificationInput{}, Out: identity.User{}}, api.foundationVerifyMe)
	// inbox
	api.Handle(Route{Method: "GET", Path: "/api/v1/notifications", Summary: "站内消息 / Inbox", Tag: "inbox", Out: Paged[notify.Message]{}, Query: []string{"page", "page_size", "unread"}}, api.foundationInbox)
	api.Handle(Route{Method: "POST", Path: "/api/v1/notifications/{id}/read", Summary: "标记已读 / Mark read", Tag: "inbox", Out: NoContent{}}, api.foundationMarkRead)
	api.Handle(Route{Method: "POST", Path: "/api/v1/webhooks", Summary: "登记消息推送地址 / Register a webhook", Tag: "inbox", Body: true, In: WebhookInput{}, Out: Created{V: notify.Webhook{}}}, api.foundationAddWebhook)
	api.Handle(Route{Method: "GET", Path: "/api/v1/webhooks", Summary: "我的消息推送地址 / My webhooks", Tag: "inbox", Out: Items[notify.Webhook]{}}, api.foundationListWebhooks)
	api.Handle(Route{Method: "DELETE", Path: "/api/v1/webhooks/{id}", Summary: "删除消息推送地址 / Remove a webhook", Tag: "inbox", Out: NoContent{}}, api.foundationRemoveWebhook)
	// jobs
	api.Handle(Route{Method: "GET", Path: "/api/v1/jobs", Summary: "定时任务状态 / Scheduled jobs", Tag: "jobs", Out: Items[jobs.Status]{}}, api.foundationListJobs)
	api.Handle(Route{Method: "POST", Path: "/api/v1/jobs/{name}/run", Summary: "立即运行任务 / Run a job now", Tag: "jobs", Out: JobRan{}}, api.foundationRunJob)

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
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/entries", Summary: "检索目录（全文、分面）/ Search the catalog (full text, facets)", Tag: "catalog", Public: true, Out: catalog.SearchResult{}, Query: []string{"agency", "data_form", "grade", "open_type", "page", "page_size", "q", "region", "resource_attr", "share_type", "status", "topic", "update_frequency"}}, api.catalogSearchEntries)
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/entries", Summary: "起草目录条目 / Draft a catalog entry", Tag: "catalog", Body: true, In: catalog.Entry{}, Out: Created{V: catalog.Entry{}}}, api.catalogCreateEntry)
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/check", Summary: "校验目录草稿（不保存）/ Check a draft without saving", Tag: "catalog", Body: true, In: catalog.Entry{}, Out: DraftChecked{}}, api.catalogCheckDraft)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/entries/{id}", Summary: "目录条目 / A catalog entry", Tag: "catalog", Public: true, Out: catalog.Entry{}}, api.catalogGetEntry)
	api.Handle(Route{Method: "PUT", Path: "/api/v1/catalog/entries/{id}", Summary: "修改目录条目 / Update a catalog entry", Tag: "catalog", Body: true, In: catalog.Entry{}, Out: catalog.Entry{}}, api.catalogUpdateEntry)
	// workflow steps on an entry
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/entries/{id}/submit", Summary: "提交审核 / Submit for review", Tag: "catalog", In: noteBody{}, Out: catalog.Entry{}}, api.catalogSubmitEntry)
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/entries/{id}/recall", Summary: "撤回提交 / Recall a submission", Tag: "catalog", In: noteBody{}, Out: catalog.Entry{}}, api.catalogRecallEntry)
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/entries/{id}/approve", Summary: "审核通过（发布或同意下线）/ Approve (publish or withdraw)", Tag: "catalog", Body: true, In: noteBody{}, Out: catalog.Entry{}}, api.catalogApproveEntry)
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/entries/{id}/return", Summary: "退回（附理由）/ Return with reasons", Tag: "catalog", Body: true, In: noteBody{}, Out: catalog.Entry{}}, api.catalogReturnEntry)
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/entries/{id}/withdraw", Summary: "申请下线 / Request withdrawal", Tag: "catalog", Body: true, In: noteBody{}, Out: catalog.Entry{}}, api.catalogRequestWithdrawal)
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/entries/{id}/legal-change", Summary: "登记法律依据或职能变化（15 个工作日内更新）/ Record a legal change", Tag: "catalog", Body: true, In: noteBody{}, Out: catalog.Entry{}}, api.catalogRecordLegalChange)
	// versions and history
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/entries/{id}/versions", Summary: "已发布版本 / Published versions", Tag: "catalog", Public: true, Out: Items[catalog.VersionInfo]{}}, api.catalogListVersions)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/entries/{id}/versions/{version}", Summary: "某一版本 / One version", Tag: "catalog", Public: true, Out: catalog.Entry{}}, api.catalogGetVersion)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/entries/{id}/diff", Summary: "比较两个版本（to=0 为工作稿）/ Diff two versions (0 = working copy)", Tag: "catalog", Public: true, Out: catalog.Comparison{}, Query: []string{"from", "to"}}, api.catalogDiffVersions)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/entries/{id}/history", Summary: "流转记录 / Workflow history", Tag: "catalog", Out: Items[catalog.Event]{}}, api.catalogEntryHistory)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/review-queue", Summary: "待办：审核与更新期限 / Review queue with deadlines", Tag: "catalog", Out: Items[catalog.QueueItem]{}}, api.catalogReviewQueue)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/negative-list", Summary: "共享负面清单（format=csv|xlsx|json 下载）/ Negative list", Tag: "catalog", Out: Items[catalog.NegativeItem]{}, Query: []string{"agency", "format", "region"}}, api.catalogNegativeList)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/export", Summary: "导出目录（format=csv|xlsx|json）/ Export the catalog", Tag: "catalog", Public: true, Out: Raw{}, Query: []string{"agency", "data_form", "format", "grade", "open_type", "page", "page_size", "q", "region", "resource_attr", "share_type", "status", "topic", "update_frequency", "working"}}, api.catalogExport)
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/import", Summary: "导入目录（CSV/XLSX/JSON；有错行则不导入，skip_bad=1 跳过）/ Import a catalog file", Tag: "catalog", Body: true, In: Upload{}, Out: catalog.ImportResult{}, Query: []string{"filename", "format", "publish", "skip_bad"}}, api.catalogImport)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/rollup", Summary: "目录逐级汇总（县→市→区）/ Catalog roll-up by region", Tag: "catalog", Out: Items[catalog.RollupRow]{}, Query: []string{"region"}}, api.catalogRollup)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/sources", Summary: "数源目录 / Source registry", Tag: "catalog", Out: Items[catalog.Source]{}}, api.catalogListSources)
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/sources", Summary: "登记或修改数源 / Put a source registry row", Tag: "catalog", Body: true, In: catalog.Source{}, Out: catalog.Source{}}, api.catalogPutSource)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/source-report", Summary: "一数一源：重复数源与重复采集 / Duplicate sources and collection", Tag: "catalog", Out: catalog.SourceReport{}, Query: []string{"region"}}, api.catalogSourceReport)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/config", Summary: "分级方案、主题分类与期限 / Grading, topics and deadlines", Tag: "catalog", Public: true, Out: catalog.Config{}}, api.catalogGetConfig)
	api.Handle(Route{Method: "PUT", Path: "/api/v1/catalog/config", Summary: "修改分级方案、主题分类与期限 / Change the catalog configuration", Tag: "catalog", Body: true, In: catalog.Config{}, Out: catalog.Config{}}, api.catalogSetConfig)
	// grading drives protection (SEC-1, SEC-2): overrides and masking rules
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/entries/{id}/overrides", Summary: "登记分级保护例外（核心、重要或最高敏感级别数据无条件共享或开放）/ Record a grading override", Tag: "catalog", Body: true, In: overrideBody{}, Out: catalog.Override{}}, api.catalogRecordOverride)
	api.Handle(Route{Method: "DELETE", Path: "/api/v1/catalog/entries/{id}/overrides/{scope}", Summary: "撤销分级保护例外 / Revoke a grading override", Tag: "catalog", Out: catalog.Entry{}}, api.catalogRevokeOverride)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/mask-rules", Summary: "地区脱敏规则 / A region's masking rules", Tag: "catalog", Public: true, Out: MaskRulesAnswer{}, Query: []string{"region"}}, api.catalogGetMaskRules)
	api.Handle(Route{Method: "PUT", Path: "/api/v1/catalog/mask-rules", Summary: "修改地区脱敏规则（不得宽于上级）/ Set a region's masking rules", Tag: "catalog", Body: true, In: MaskRulesInput{}, Out: MaskRulesAnswer{}, Query: []string{"region"}}, api.catalogSetMaskRules)
	// information systems (CAT-10)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/systems", Summary: "信息系统 / Information systems", Tag: "catalog", Out: Items[catalog.System]{}, Query: []string{"org"}}, api.catalogListSystems)
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/systems", Summary: "登记信息系统 / Register a system", Tag: "catalog", Body: true, In: catalog.System{}, Out: Created{V: catalog.System{}}}, api.catalogCreateSystem)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/systems/{id}", Summary: "信息系统详情 / A system", Tag: "catalog", Out: catalog.System{}}, api.catalogGetSystem)
	api.Handle(Route{Method: "PUT", Path: "/api/v1/catalog/systems/{id}", Summary: "修改信息系统 / Update a system", Tag: "catalog", Body: true, In: catalog.System{}, Out: catalog.System{}}, api.catalogUpdateSystem)
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/systems/{id}/accept", Summary: "验收信息系统（须符合验收条件：已编目、已发布、已归集数据）/ Accept a system (only when it meets the conditions)", Tag: "catalog", Body: true, In: NoteBody{}, Out: catalog.System{}}, api.catalogAcceptSystem)
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/systems/{id}/documents", Summary: "上传设计或数据结构文档（kind=design|data_structure|other）/ Attach a document", Tag: "catalog", Body: true, In: Upload{}, Out: Created{V: catalog.SystemDoc{}}, Query: []string{"filename", "kind"}}, api.catalogAttachDocument)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/documents/{id}", Summary: "下载系统文档 / Download a document", Tag: "catalog", Out: Raw{}}, api.catalogGetDocument)
	// purchased non-public data (BT 16)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/purchases", Summary: "采购的非公共数据 / Purchased data", Tag: "catalog", Out: Items[catalog.Purchase]{}}, api.catalogListPurchases)
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/purchases", Summary: "申请采购非公共数据 / Request a data purchase", Tag: "catalog", Body: true, In: catalog.Purchase{}, Out: Created{V: catalog.Purchase{}}}, api.catalogRequestPurchase)
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/purchases/{id}/decide", Summary: "审批采购 / Decide a purchase", Tag: "catalog", Body: true, In: PurchaseDecision{}, Out: NoContent{}}, api.catalogDecidePurchase)
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/purchases/{id}/link", Summary: "关联目录条目 / Link the cataloging entry", Tag: "catalog", Body: true, In: PurchaseLink{}, Out: NoContent{}}, api.catalogLinkPurchase)
	// re-assessment (CAT-7)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/reassessments", Summary: "定期评估 / Re-assessments", Tag: "catalog", Out: Items[catalog.Reassessment]{}, Query: []string{"pending"}}, api.catalogListReassessments)
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/reassessments/{id}", Summary: "记录评估结论 / Record an outcome", Tag: "catalog", Body: true, In: ReassessmentOutcome{}, Out: NoContent{}}, api.catalogRecordReassessment)
	// upward review of a level's catalog (NM 10, CAT-1)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/level-changes", Summary: "本级目录待报审的变化 / This level's changes to report upward", Tag: "catalog", Out: Items[catalog.LevelItem]{}}, api.catalogLevelChanges)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/level-reports", Summary: "目录报审 / Catalog reports to the level above", Tag: "catalog", Out: Paged[catalog.LevelReport]{}}, api.catalogListLevelReports)
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/level-reports", Summary: "向上级报审本级目录 / Report this level's catalog upward", Tag: "catalog", Body: true, In: NoteBody{}, Out: Created{V: catalog.LevelReport{}}}, api.catalogSubmitLevelReport)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/level-reports/{id}", Summary: "目录报审详情 / A catalog report", Tag: "catalog", Out: catalog.LevelReport{}}, api.catalogGetLevelReport)
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/level-reports/{id}/decide", Summary: "上级审核目录报审 / Decide a catalog report", Tag: "catalog", Body: true, In: LevelDecisionInput{}, Out: catalog.LevelReport{}}, api.catalogDecideLevelReport)

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
	if api.App.Harvest != nil { // an app built without harvesting serves none of its routes
		// CKAN Action API (read side), GET and POST alike: one pair per harvest.Actions entry (TestEveryCKANActionHasItsRoutes)
		api.Handle(Route{Method: "GET", Path: "/api/3/action/package_list", Summary: "CKAN：开放数据集名称列表 / CKAN: names of open datasets", Tag: "harvest", Public: true, In: harvest.Params{}, Out: Raw{}}, api.harvestCKANPackageList)
		api.Handle(Route{Method: "POST", Path: "/api/3/action/package_list", Summary: "CKAN：开放数据集名称列表 / CKAN: names of open datasets", Tag: "harvest", Public: true, Body: true, In: harvest.Params{}, Out: Raw{}}, api.harvestCKANPackageList)
		api.Handle(Route{Method: "GET", Path: "/api/3/action/package_show", Summary: "CKAN：开放数据集 / CKAN: one open dataset", Tag: "harvest", Public: true, In: harvest.Params{}, Out: Raw{}}, api.harvestCKANPackageShow)
		api.Handle(Route{Method: "POST", Path: "/api/3/action/package_show", Summary: "CKAN：开放数据集 / CKAN: one open dataset", Tag: "harvest", Public: true, Body: true, In: harvest.Params{}, Out: Raw{}}, api.harvestCKANPackageShow)
		api.Handle(Route{Method: "GET", Path: "/api/3/action/package_search", Summary: "CKAN：检索开放数据集（q、fq、sort、rows、start、facet.field） / CKAN: search open datasets", Tag: "harvest", Public: true, In: harvest.Params{}, Out: Raw{}}, api.harvestCKANPackageSearch)
		api.Handle(Route{Method: "POST", Path: "/api/3/action/package_search", Summary: "CKAN：检索开放数据集（q、fq、sort、rows、start、facet.field） / CKAN: search open datasets", Tag: "harvest", Public: true, Body: true, In: harvest.Params{}, Out: Raw{}}, api.harvestCKANPackageSearch)
		api.Handle(Route{Method: "GET", Path: "/api/3/action/organization_list", Summary: "CKAN：开放数据提供部门 / CKAN: publishing organizations", Tag: "harvest", Public: true, In: harvest.Params{}, Out: Raw{}}, api.harvestCKANOrganizationList)
		api.Handle(Route{Method: "POST", Path: "/api/3/action/organization_list", Summary: "CKAN：开放数据提供部门 / CKAN: publishing organizations", Tag: "harvest", Public: true, Body: true, In: harvest.Params{}, Out: Raw{}}, api.harvestCKANOrganizationList)
		api.Handle(Route{Method: "GET", Path: "/api/3/action/organization_show", Summary: "CKAN：提供部门 / CKAN: one organization", Tag: "harvest", Public: true, In: harvest.Params{}, Out: Raw{}}, api.harvestCKANOrganizationShow)
		api.Handle(Route{Method: "POST", Path: "/api/3/action/organization_show", Summary: "CKAN：提供部门 / CKAN: one organization", Tag: "harvest", Public: true, Body: true, In: harvest.Params{}, Out: Raw{}}, api.harvestCKANOrganizationShow)
		api.Handle(Route{Method: "GET", Path: "/api/3/action/resource_show", Summary: "CKAN：数据资源（分发） / CKAN: one resource (distribution)", Tag: "harvest", Public: true, In: harvest.Params{}, Out: Raw{}}, api.harvestCKANResourceShow)
		api.Handle(Route{Method: "POST", Path: "/api/3/action/resource_show", Summary: "CKAN：数据资源（分发） / CKAN: one resource (distribution)", Tag: "harvest", Public: true, Body: true, In: harvest.Params{}, Out: Raw{}}, api.harvestCKANResourceShow)
		api.Handle(Route{Method: "GET", Path: "/api/3/action/datastore_search", Summary: "CKAN：开放数据记录 / CKAN: records of an open dataset", Tag: "harvest", Public: true, In: harvest.Params{}, Out: Raw{}}, api.harvestCKANDatastoreSearch)
		api.Handle(Route{Method: "POST", Path: "/api/3/action/datastore_search", Summary: "CKAN：开放数据记录 / CKAN: records of an open dataset", Tag: "harvest", Public: true, Body: true, In: harvest.Params{}, Out: Raw{}}, api.harvestCKANDatastoreSearch)
		api.Handle(Route{Method: "GET", Path: "/api/3/action/status_show", Summary: "CKAN：站点状态 / CKAN: site status", Tag: "harvest", Public: true, In: harvest.Params{}, Out: Raw{}}, api.harvestCKANStatusShow)
		api.Handle(Route{Method: "POST", Path: "/api/3/action/status_show", Summary: "CKAN：站点状态 / CKAN: site status", Tag: "harvest", Public: true, Body: true, In: harvest.Params{}, Out: Raw{}}, api.harvestCKANStatusShow)
		api.Handle(Route{Method: "GET", Path: "/api/3/action/{action}", Summary: "CKAN：未提供的动作（400） / CKAN: actions not offered (400)", Tag: "harvest", Public: true, Out: Raw{}}, api.harvestCKANOtherAction)
		api.Handle(Route{Method: "POST", Path: "/api/3/action/{action}", Summary: "CKAN：未提供的动作（400） / CKAN: actions not offered (400)", Tag: "harvest", Public: true, Out: Raw{}}, api.harvestCKANOtherAction)
		// DCAT-AP 3
		api.Handle(Route{Method: "GET", Path: "/dcat/catalog", Summary: "DCAT-AP 3 目录（Hydra 分页，modified_since；按 Accept 返回 Turtle 或 JSON-LD） / DCAT-AP 3 catalogue", Tag: "harvest", Public: true, Out: Raw{}, Query: []string{"modified_since", "page", "page_size"}}, api.harvestDCATCatalog)
		api.Handle(Route{Method: "GET", Path: "/dcat/catalog.ttl", Summary: "DCAT-AP 3 目录（Turtle） / DCAT-AP 3 catalogue (Turtle)", Tag: "harvest", Public: true, Out: Raw{}, Query: []string{"modified_since", "page", "page_size"}}, api.harvestDCATCatalogTurtle)
		api.Handle(Route{Method: "GET", Path: "/dcat/catalog.jsonld", Summary: "DCAT-AP 3 目录（JSON-LD） / DCAT-AP 3 catalogue (JSON-LD)", Tag: "harvest", Public: true, Out: Raw{}, Query: []string{"modified_since", "page", "page_size"}}, api.harvestDCATCatalogJSONLD)
		api.Handle(Route{Method: "GET", Path: "/dcat/datasets/{file}", Summary: "DCAT-AP 3 数据集（{id}、{id}.ttl 或 {id}.jsonld；已撤销开放的答 410） / DCAT-AP 3 dataset (410 once withdrawn)", Tag: "harvest", Public: true, Out: Raw{}}, api.harvestDCATDataset)
		api.Handle(Route{Method: "GET", Path: "/dcat/withdrawn", Summary: "已撤销开放的数据集（墓碑，modified_since） / Withdrawn datasets (tombstones)", Tag: "harvest", Public: true, Out: Items[Tombstone]{}, Query: []string{"modified_since"}}, api.harvestDCATWithdrawn)
		// Atom
		api.Handle(Route{Method: "GET", Path: "/feeds/datasets.atom", Summary: "开放数据集变更（Atom） / Dataset changes (Atom)", Tag: "harvest", Public: true, Out: Raw{}}, api.harvestAtomDatasets)
		api.Handle(Route{Method: "GET", Path: "/feeds/datasets/{file}", Summary: "一个数据集的变更（{id}.atom） / One dataset's changes (Atom)", Tag: "harvest", Public: true, Out: Raw{}}, api.harvestAtomDataset)
	}

	// ── 数据汇聚 / aggregation ──
	if api.App.Ingest != nil { // an app built without aggregation serves none of its routes
		// uploads and pushes
		api.Handle(Route{Method: "POST", Path: "/api/v1/ingest/entries/{id}/uploads", Summary: "上传文件归集（CSV/XLSX/JSON Lines，流式读取）/ Upload a file (CSV, XLSX, JSON Lines; streamed)", Tag: "ingest", Body: true, In: Upload{}, Out: Created{V: ingest.LoadResult{}}}, api.ingestUpload)
		api.Handle(Route{Method: "POST", Path: "/api/v1/ingest/entries/{id}/corrections", Summary: "更正一条记录（作为新版本入库，审计）/ Correct one record (a new version; audited)", Tag: "ingest", Body: true, In: ingest.CorrectionInput{}, Out: Outs{OK: ingest.LoadResult{}, Created: ingest.LoadResult{}}}, api.ingestCorrectRecord)
		api.Handle(Route{Method: "POST", Path: "/api/v1/ingest/entries/{id}/batches", Summary: "接口推送一批数据（按批次号幂等）/ Push a batch (idempotent by batch id)", Tag: "ingest", Body: true, In: ingest.Batch{}, Out: Outs{OK: ingest.LoadResult{}, Created: ingest.LoadResult{}}}, api.ingestPushBatch)
		api.Handle(Route{Method: "POST", Path: "/api/v1/ingest/entries/{id}/tokens", Summary: "签发推送令牌（绑定该目录条目，仅显示一次）/ Issue a push token bound to the entry (shown once)", Tag: "ingest", Body: true, In: PushTokenInput{}, Out: Created{V: TokenIssued{}}}, api.ingestIssuePushToken)
		// versions and stored rows
		api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/entries/{id}/current", Summary: "当前数据版本 / Current data version", Tag: "ingest", Out: ingest.Version{}}, api.ingestCurrentVersion)
		api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/entries/{id}/versions", Summary: "数据版本列表 / Data versions", Tag: "ingest", Out: Paged[ingest.Load]{}, Query: []string{"page", "page_size"}}, api.ingestListVersions)
		api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/entries/{id}/loads", Summary: "归集记录（含被拒收和失败的）/ Load attempts (rejected and failed included)", Tag: "ingest", Out: Paged[ingest.Load]{}, Query: []string{"page", "page_size"}}, api.ingestListEntryLoads)
		api.Handle(Route{Method: "PUT", Path: "/api/v1/ingest/entries/{id}/retention", Summary: "设置历史版本保留数 / Set how many versions are kept", Tag: "ingest", Body: true, In: RetentionInput{}, Out: NoContent{}}, api.ingestSetRetention)
		api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/entries/{id}/records", Summary: "查询已归集数据（按信息项等值筛选，审计）/ Query the stored rows (equality filters; audited)", Tag: "ingest", Out: Paged[ingest.Record]{}, Query: []string{"page", "page_size"}}, api.ingestQueryRecords)
		api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/entries/{id}/records/{key}", Summary: "按主键查询一条记录（审计）/ One record by key (audited)", Tag: "ingest", Out: ingest.Record{}}, api.ingestRecordByKey)
		// loads and their quality reports
		api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/loads", Summary: "最近的归集记录 / Recent loads", Tag: "ingest", Out: Paged[ingest.Load]{}, Query: []string{"page", "page_size"}}, api.ingestRecentLoads)
		api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/loads/{id}", Summary: "一次归集及其质量报告 / A load and its quality report", Tag: "ingest", Out: ingest.LoadResult{}}, api.ingestGetLoad)
		// source databases
		api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/entries/{id}/sources", Summary: "已登记的源数据库 / Registered source databases", Tag: "ingest", Out: Items[ingest.Source]{}}, api.ingestListSources)
		api.Handle(Route{Method: "POST", Path: "/api/v1/ingest/entries/{id}/sources", Summary: "登记源数据库（连接串加密保存）/ Register a source database (DSN stored encrypted)", Tag: "ingest", Body: true, In: ingest.SourceInput{}, Out: Created{V: ingest.Source{}}}, api.ingestRegisterSource)
		api.Handle(Route{Method: "POST", Path: "/api/v1/ingest/sources/{id}/pull", Summary: "立即抽取（源不可用时退避重试）/ Pull now (retried with back-off when the source is down)", Tag: "ingest", Out: Outs{OK: NothingPulled{}, Created: ingest.LoadResult{}}}, api.ingestPullNow)
		// the freshness board
		api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/freshness", Summary: "更新及时性看板 / Freshness board", Tag: "ingest", Out: Items[ingest.FreshnessRow]{}}, api.ingestFreshness)
		api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/late", Summary: "逾期更新标记 / Late-update flags", Tag: "ingest", Out: Items[ingest.LateFlag]{}, Query: []string{"org"}}, api.ingestLateFlags)
		// base, subject and thematic databases
		api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/bases", Summary: "基础库 / Base databases", Tag: "ingest", Out: Items[ingest.BaseDef]{}}, api.ingestListBases)
		api.Handle(Route{Method: "POST", Path: "/api/v1/ingest/themes", Summary: "定义主题库或专题库 / Define a subject or thematic database", Tag: "ingest", Body: true, In: ingest.ThemeInput{}, Out: ingest.BaseDef{}}, api.ingestDefineTheme)
		api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/licences", Summary: "电子证照实时归集情况 / E-licence real-time aggregation", Tag: "ingest", Out: Items[ingest.LicenceRow]{}}, api.ingestLicenceFreshness)
		api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/bases/{base}/members", Summary: "基础库的来源目录 / Entries of a base database", Tag: "ingest", Out: Items[ingest.BaseMember]{}}, api.ingestBaseMembers)
		api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/bases/{base}/lookup/{key}", Summary: "基础库融合查询（审计）/ Fused base-database lookup (audited)", Tag: "ingest", Out: ingest.FusedRecord{}}, api.ingestFusedLookup)
		// returns between levels
		api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/returns", Summary: "数据回流申请 / Data return requests", Tag: "ingest", Out: Items[ingest.DataReturn]{}}, api.ingestListReturns)
		api.Handle(Route{Method: "POST", Path: "/api/v1/ingest/returns", Summary: "申请数据回流（下级向上级）/ Request a data return (lower level to upper)", Tag: "ingest", Body: true, In: ingest.ReturnInput{}, Out: Created{V: ingest.DataReturn{}}}, api.ingestRequestReturn)
		api.Handle(Route{Method: "POST", Path: "/api/v1/ingest/returns/{id}/events", Summary: "处理回流申请（approve/refuse/cancel/revoke；同意时可批准明文信息项 clear_fields）/ Act on a return request (approval may allow asked clear fields)", Tag: "ingest", Body: true, In: ingest.ReturnDecision{}, Out: ingest.DataReturn{}}, api.ingestDecideReturn)
		api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/returns/{id}/records", Summary: "分页查阅回流数据（本区域、按筛选条件、按分级脱敏；审计）/ Page through returned rows (own region, filtered, masked per grade; audited)", Tag: "ingest", Out: ingest.ReturnPage{}, Query: []string{"limit", "offset"}}, api.ingestPageReturn)
		api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/returns/{id}/data", Summary: "下载回流数据（CSV，审计）/ Download returned data (CSV; audited)", Tag: "ingest", Out: Raw{}}, api.ingestDownloadReturn)
	}

	// ── 数据要素市场 / market ──
	// The public register (no login)
	api.Handle(Route{Method: "GET", Path: "/api/v1/market/register", Tag: "market", Summary: "数据资产登记公示（已登记资产）/ The public data asset register", Public: true, Out: Paged[market.PublicAsset]{}}, api.marketPublicRegister)
	// Assets (MKT-1)
	api.Handle(Route{Method: "GET", Path: "/api/v1/market/assets", Tag: "market", Summary: "数据资产登记列表 / Data asset registrations", Out: Paged[market.Asset]{}, Query: []string{"state"}}, api.marketListAssets)
	api.Handle(Route{Method: "POST", Path: "/api/v1/market/assets", Tag: "market", Summary: "登记数据资产 / Register a data asset", Body: true, In: market.AssetInput{}, Out: Created{V: market.Asset{}}}, api.marketRegisterAsset)
	api.Handle(Route{Method: "GET", Path: "/api/v1/market/assets/{id}", Tag: "market", Summary: "数据资产登记及其经过 / A registration and its history", Out: market.Asset{}}, api.marketGetAsset)
	api.Handle(Route{Method: "POST", Path: "/api/v1/market/assets/{id}/review", Tag: "market", Summary: "审核登记：通过（发证书编号）或不予登记 / Approve (certificate) or refuse", Body: true, In: MarketAssetReview{}, Out: market.Asset{}}, api.marketReviewAsset)
	// Rights (MKT-2)
	api.Handle(Route{Method: "GET", Path: "/api/v1/market/rights", Tag: "market", Summary: "数据产品或数据资产的三权及其历史 / The rights on a product or asset, with their history", Out: Items[market.Right]{}, Query: []string{"object_kind", "object_id"}}, api.marketListRights)
	api.Handle(Route{Method: "POST", Path: "/api/v1/market/rights", Tag: "market", Summary: "记录数据权利（持有权、加工使用权、经营权）/ Record a right", Body: true, In: market.RightInput{}, Out: Created{V: market.Right{}}}, api.marketRecordRight)
	api.Handle(Route{Method: "GET", Path: "/api/v1/market/rights/{id}", Tag: "market", Summary: "一项数据权利 / A right", Out: market.Right{}}, api.marketGetRight)
	api.Handle(Route{Method: "POST", Path: "/api/v1/market/rights/{id}/transfer", Tag: "market", Summary: "转让数据权利给新的持有单位 / Transfer a right to a new holder", Body: true, In: market.RightInput{}, Out: Created{V: market.Right{}}}, api.marketTransferRight)
	// Assessments (MKT-3)
	api.Handle(Route{Method: "GET", Path: "/api/v1/market/products/{id}/assessments", Tag: "market", Summary: "数据产品质量与价值评估历史 / A product's assessments", Out: Items[market.Assessment]{}}, api.marketListAssessments)
	api.Handle(Route{Method: "POST", Path: "/api/v1/market/products/{id}/assessments", Tag: "market", Summary: "评估数据产品（平台可计算的由平台计算）/ Assess a product", Body: true, In: market.AssessInput{}, Out: Created{V: market.Assessment{}}}, api.marketAssess)
	// Listings, trades, reviews (MKT-4)
	api.Handle(Route{Method: "GET", Path: "/api/v1/market/listings", Tag: "market", Summary: "挂牌数据产品 / Listings", Out: Paged[market.Listing]{}, Query: []string{"state"}}, api.marketListListings)
	api.Handle(Route{Method: "POST", Path: "/api/v1/market/listings", Tag: "market", Summary: "挂牌数据产品（须持有有效经营权；原始数据不得挂牌）/ List a product", Body: true, In: market.ListingInput{}, Out: Created{V: market.Listing{}}}, api.marketCreateListing)
	api.Handle(Route{Method: "GET", Path: "/api/v1/market/listings/{id}", Tag: "market", Summary: "一项挂牌 / A listing", Out: market.Listing{}}, api.marketGetListing)
	api.Handle(Route{Method: "POST", Path: "/api/v1/market/listings/{id}/delist", Tag: "market", Summary: "摘牌 / Delist", Body: true, In: MarketNote{}, Out: market.Listing{}}, api.marketDelist)
	api.Handle(Route{Method: "POST", Path: "/api/v1/market/listings/{id}/trades", Tag: "market", Summary: "记录交易（核验双方身份）/ Record a trade (both identities verified)", Body: true, In: market.TradeInput{}, Out: Created{V: market.Trade{}}}, api.marketRecordTrade)
	api.Handle(Route{Method: "GET", Path: "/api/v1/market/trades", Tag: "market", Summary: "交易记录 / Trades", Out: Paged[market.Trade]{}, Query: []string{"listing_id"}}, api.marketListTrades)
	api.Handle(Route{Method: "GET", Path: "/api/v1/market/trades/{id}", Tag: "market", Summary: "一笔交易及其评价 / A trade and its reviews", Out: market.Trade{}}, api.marketGetTrade)
	api.Handle(Route{Method: "POST", Path: "/api/v1/market/trades/{id}/reviews", Tag: "market", Summary: "交易一方评价交易 / A party reviews the trade", Body: true, In: market.ReviewInput{}, Out: Created{V: market.Review{}}}, api.marketReviewTrade)
	// Brokers and service organizations
	api.Handle(Route{Method: "GET", Path: "/api/v1/market/brokers", Tag: "market", Summary: "数据经纪人与第三方服务机构 / Brokers and service organizations", Out: Paged[market.Broker]{}}, api.marketListBrokers)
	api.Handle(Route{Method: "POST", Path: "/api/v1/market/brokers", Tag: "market", Summary: "登记数据经纪人或服务机构 / Register a broker or service organization", Body: true, In: market.BrokerInput{}, Out: Created{V: market.Broker{}}}, api.marketRegisterBroker)
	api.Handle(Route{Method: "GET", Path: "/api/v1/market/brokers/{id}", Tag: "market", Summary: "数据经纪人及其评价 / A broker with its ratings", Out: market.Broker{}}, api.marketGetBroker)
	api.Handle(Route{Method: "POST", Path: "/api/v1/market/brokers/{id}/suspend", Tag: "market", Summary: "因违规暂停数据经纪人 / Suspend a broker on a violation", Body: true, In: MarketReason{}, Out: market.Broker{}}, api.marketSuspendBroker)
	api.Handle(Route{Method: "POST", Path: "/api/v1/market/brokers/{id}/reinstate", Tag: "market", Summary: "恢复数据经纪人 / Reinstate a broker", Body: true, In: MarketReason{}, Out: market.Broker{}}, api.marketReinstateBroker)
	api.Handle(Route{Method: "POST", Path: "/api/v1/market/brokers/{id}/ratings", Tag: "market", Summary: "客户评价数据经纪人 / A client rates a broker", Body: true, In: market.ReviewInput{}, Out: Created{V: market.Review{}}}, api.marketRateBroker)
	// Regulated units (OPR-11)
	api.Handle(Route{Method: "GET", Path: "/api/v1/market/reports", Tag: "market", Summary: "受监管单位报告 / Regulated units' reports", Out: Paged[market.Report]{}}, api.marketListReports)
	api.Handle(Route{Method: "POST", Path: "/api/v1/market/reports", Tag: "market", Summary: "报告（事前：外包、合作开发、投资；事后：进展、验收）/ File a report", Body: true, In: market.ReportInput{}, Out: Created{V: market.Report{}}}, api.marketFileReport)
	api.Handle(Route{Method: "GET", Path: "/api/v1/market/reports/{id}", Tag: "market", Summary: "一份报告及答复函件 / A report with the letters answering it", Out: market.Report{}}, api.marketGetReport)
	api.Handle(Route{Method: "POST", Path: "/api/v1/market/reports/{id}/no-objection", Tag: "market", Summary: "对报告无异议 / No objection to a report", Body: true, In: MarketNote{}, Out: market.Report{}}, api.marketNoObjection)
	api.Handle(Route{Method: "GET", Path: "/api/v1/market/letters", Tag: "market", Summary: "主管部门函件（异议、整改函、通报、业务限制）/ The authority's letters", Out: Paged[market.Letter]{}, Query: []string{"state"}}, api.marketListLetters)
	api.Handle(Route{Method: "POST", Path: "/api/v1/market/letters", Tag: "market", Summary: "发函（整改函期限按工作日）/ Issue a letter (rectification deadline in working days)", Body: true, In: market.LetterInput{}, Out: Created{V: market.Letter{}}}, api.marketIssueLetter)
	api.Handle(Route{Method: "GET", Path: "/api/v1/market/letters/{id}", Tag: "market", Summary: "一份函件及其经过 / A letter and its history", Out: market.Letter{}}, api.marketGetLetter)
	api.Handle(Route{Method: "POST", Path: "/api/v1/market/letters/{id}/respond", Tag: "market", Summary: "单位回复函件（整改或落实情况）/ The unit answers the letter", Body: true, In: MarketNote{}, Out: market.Letter{}}, api.marketRespondLetter)
	api.Handle(Route{Method: "POST", Path: "/api/v1/market/letters/{id}/close", Tag: "market", Summary: "函件闭环 / Close the letter", Body: true, In: MarketNote{}, Out: market.Letter{}}, api.marketCloseLetter)
	api.Handle(Route{Method: "POST", Path: "/api/v1/market/letters/{id}/reopen", Tag: "market", Summary: "退回单位继续落实 / Return the letter to the unit", Body: true, In: MarketNote{}, Out: market.Letter{}}, api.marketReopenLetter)
	api.Handle(Route{Method: "GET", Path: "/api/v1/market/units/{id}/facts", Tag: "market", Summary: "受监管单位年度评价事实（函件、逾期、限制）/ A unit's letters for its annual evaluation", Out: market.UnitFacts{}, Query: []string{"year"}}, api.marketUnitFacts)

	// ── 向社会开放 / opening ──
	// The public side: catalog, dataset pages, records, downloads (no login; an open API key for conditionally open data)
	api.Handle(Route{Method: "GET", Path: "/api/v1/open/datasets", Tag: "open", Summary: "开放目录检索（无需登录）/ Search the open catalog (no login)", Public: true, Out: open.SearchResult{}, Query: []string{"agency", "data_form", "open_type", "page", "page_size", "q", "region", "topic"}}, api.openSearch)
	api.Handle(Route{Method: "GET", Path: "/api/v1/open/stats", Tag: "open", Summary: "开放概况：数据集数、提供接口的比例、本月下载与调用 / Portal figures", Public: true, Out: open.Stats{}}, api.openStats)
	api.Handle(Route{Method: "GET", Path: "/api/v1/open/datasets/{id}", Tag: "open", Summary: "开放数据集详情 / Open dataset", Public: true, Out: open.Dataset{}}, api.openGetDataset)
	api.Handle(Route{Method: "GET", Path: "/api/v1/open/datasets/{id}/records", Tag: "open", Summary: "开放数据接口：按条件查询，游标分页（records_format=json|csv）/ Open records API with filters and cursor paging", Public: true, Out: open.RecordsPage{}, Query: []string{"api_key", "cursor", "limit", "records_format", "version"}}, api.openRecords)
	api.Handle(Route{Method: "GET", Path: "/api/v1/open/datasets/{id}/download", Tag: "open", Summary: "下载开放数据（format=csv|xlsx|json|parquet，version=历史版本，bom=1，encoding=gb18030）/ Download", Public: true, Out: Raw{}, Query: []string{"api_key", "bom", "encoding", "format", "labels", "version"}}, api.openDownload)
	// The provider's and the authority's side.
	api.Handle(Route{Method: "PUT", Path: "/api/v1/open/datasets/{id}/settings", Tag: "open", Summary: "设置开放许可、时空范围与小数抑制 / Set opening settings", Body: true, In: open.Settings{}, Out: open.Settings{}}, api.openSetSettings)
	api.Handle(Route{Method: "GET", Path: "/api/v1/open/datasets/{id}/suspensions", Tag: "open", Summary: "暂停开放记录 / Suspensions of a dataset", Out: Items[open.Suspension]{}}, api.openListSuspensions)
	api.Handle(Route{Method: "POST", Path: "/api/v1/open/datasets/{id}/suspend", Tag: "open", Summary: "暂停开放（立即生效，调用方看到理由）/ Suspend opening", Body: true, In: open.SuspendInput{}, Out: Created{V: open.Suspension{}}}, api.openSuspend)
	api.Handle(Route{Method: "POST", Path: "/api/v1/open/datasets/{id}/restore", Tag: "open", Summary: "恢复开放 / Restore opening", Body: true, In: RestoreInput{}, Out: NoContent{}}, api.openRestore)
	// Each user's open API keys.
	api.Handle(Route{Method: "GET", Path: "/api/v1/open/keys", Tag: "open", Summary: "我的开放接口密钥 / My open API keys", Out: Items[open.Key]{}}, api.openListKeys)
	api.Handle(Route{Method: "POST", Path: "/api/v1/open/keys", Tag: "open", Summary: "创建开放接口密钥（无条件开放数据，最长 180 天）/ Create an open API key", Body: true, In: open.KeyInput{}, Out: Created{V: open.Key{}}}, api.openCreateKey)
	api.Handle(Route{Method: "DELETE", Path: "/api/v1/open/keys/{id}", Tag: "open", Summary: "撤销开放接口密钥 / Revoke an open API key", Out: NoContent{}}, api.openRevokeKey)

	// ── 有条件开放申请 / conditional opening ──
	api.Handle(Route{Method: "GET", Path: "/api/v1/open/agreement", Tag: "open-application", Summary: "开放数据使用协议（当前版本） / The open data use agreement (current version)", Public: true, Out: OpenAgreementAnswer{}}, api.openapplyAgreement)
	api.Handle(Route{Method: "POST", Path: "/api/v1/open/applications", Tag: "open-application", Summary: "申请有条件开放数据 / Apply for conditionally open data", Body: true, In: openapply.Input{}, Out: Created{V: openapply.Application{}}}, api.openapplySubmit)
	api.Handle(Route{Method: "GET", Path: "/api/v1/open/applications", Tag: "open-application", Summary: "有条件开放申请列表（本人、提供部门、主管部门、审计） / Conditional-opening applications", Out: Items[openapply.Application]{}, Query: []string{"state"}}, api.openapplyList)
	api.Handle(Route{Method: "GET", Path: "/api/v1/open/applications/{id}", Tag: "open-application", Summary: "有条件开放申请详情与进度 / A conditional-opening application and its progress", Out: openapply.Application{}}, api.openapplyGet)
	api.Handle(Route{Method: "POST", Path: "/api/v1/open/applications/{id}/events", Tag: "open-application", Summary: "办理申请：批准（只能缩小）、不予开放、签署协议（返回一次性密钥）、撤回、终止使用 / Act: approve, refuse, sign (returns the key once), withdraw, revoke", Body: true, In: openapply.Step{}, Out: openapply.Result{}}, api.openapplyAct)

	// ── 开放计划、评审、需求、应用 / open plans ──
	// Annual open plans (OPN-1)
	api.Handle(Route{Method: "GET", Path: "/api/v1/open/plans", Tag: "open-plan", Summary: "年度开放计划及进度（公开；year 参数） / Annual open plans with progress (public)", Public: true, Out: Items[openplan.Plan]{}, Query: []string{"year"}}, api.openplanListPlans)
	api.Handle(Route{Method: "POST", Path: "/api/v1/open/plans", Tag: "open-plan", Summary: "新建或修改年度开放计划 / Create or update an annual open plan", Body: true, In: openplan.PlanInput{}, Out: openplan.Plan{}}, api.openplanSavePlan)
	api.Handle(Route{Method: "GET", Path: "/api/v1/open/plans/{id}", Tag: "open-plan", Summary: "年度开放计划详情与进度（公开） / An open plan with progress (public)", Public: true, Out: openplan.Plan{}}, api.openplanGetPlan)
	api.Handle(Route{Method: "POST", Path: "/api/v1/open/plans/{id}/items", Tag: "open-plan", Summary: "列入开放计划（优先级、民生数据、目标类型与日期） / Plan an entry", Body: true, In: openplan.ItemInput{}, Out: openplan.Plan{}}, api.openplanAddItem)
	api.Handle(Route{Method: "DELETE", Path: "/api/v1/open/plans/{id}/items/{item}", Tag: "open-plan", Summary: "移出开放计划 / Remove a planned entry", Out: openplan.Plan{}}, api.openplanRemoveItem)
	// Reviews of data not open (OPN-6)
	api.Handle(Route{Method: "GET", Path: "/api/v1/open/reviews", Tag: "open-plan", Summary: "不予开放数据及定期评估（部门、主管部门、审计只读） / Data not open and its reviews", Out: OpenReviewsAnswer{}}, api.openplanReviews)
	api.Handle(Route{Method: "POST", Path: "/api/v1/open/reviews", Tag: "open-plan", Summary: "记录定期评估结论（开放结论提交目录修订） / Record a review (opening outcomes submit a catalog revision)", Body: true, In: openplan.ReviewInput{}, Out: Created{V: openplan.Review{}}}, api.openplanRecordReview)
	// Open-data demands and answers (OPN-7)
	api.Handle(Route{Method: "GET", Path: "/api/v1/open/demands", Tag: "open-plan", Summary: "开放需求及答复（公开） / Open-data demands and answers (public)", Public: true, Out: Items[openplan.Demand]{}, Query: []string{"state", "limit", "offset"}}, api.openplanListDemands)
	api.Handle(Route{Method: "POST", Path: "/api/v1/open/demands", Tag: "open-plan", Summary: "提交开放需求（任何人） / File an open-data demand (anyone)", Public: true, Body: true, In: openplan.DemandInput{}, Out: Created{V: openplan.Demand{}}}, api.openplanFileDemand)
	api.Handle(Route{Method: "GET", Path: "/api/v1/open/demands/{number}", Tag: "open-plan", Summary: "开放需求及答复（公开） / An open-data demand and its answer (public)", Public: true, Out: openplan.Demand{}}, api.openplanGetDemand)
	api.Handle(Route{Method: "POST", Path: "/api/v1/open/demands/{number}/answer", Tag: "open-plan", Summary: "答复开放需求（答复公开） / Answer an open-data demand (public answer)", Body: true, In: openplan.AnswerInput{}, Out: openplan.Demand{}}, api.openplanAnswer)
	// The reuse showcase
	api.Handle(Route{Method: "GET", Path: "/api/v1/open/showcase", Tag: "open-plan", Summary: "开发利用成果（公开；dataset 参数按数据集） / The reuse showcase (public)", Public: true, Out: Items[openplan.Showcase]{}, Query: []string{"dataset"}}, api.openplanShowcase)
	api.Handle(Route{Method: "POST", Path: "/api/v1/open/showcase", Tag: "open-plan", Summary: "提交开发利用成果（待主管部门审核） / Submit a reuse (moderated)", Public: true, Body: true, In: openplan.ShowcaseInput{}, Out: Created{V: openplan.Showcase{}}}, api.openplanSubmitShowcase)
	api.Handle(Route{Method: "GET", Path: "/api/v1/open/showcase/pending", Tag: "open-plan", Summary: "待审核的开发利用成果（主管部门） / Reuse awaiting moderation (authority)", Out: Items[openplan.Showcase]{}}, api.openplanPendingShowcase)
	api.Handle(Route{Method: "POST", Path: "/api/v1/open/showcase/{id}/moderate", Tag: "open-plan", Summary: "审核开发利用成果：展示或不予展示 / Moderate a reuse", Body: true, In: ShowcaseModerateInput{}, Out: OpenModerated{}}, api.openplanModerate)

	// ── 授权运营 / authorized operation ──
	// Views
	api.Handle(Route{Method: "GET", Path: "/api/v1/operate/views", Tag: "operate", Summary: "数据视图列表 / Data views", Out: Items[operate.View]{}}, api.operateListViews)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/views", Tag: "operate", Summary: "登记数据视图（提供部门）/ Register a view (provider)", Body: true, In: operate.View{}, Out: Created{V: operate.View{}}}, api.operateRegisterView)
	api.Handle(Route{Method: "GET", Path: "/api/v1/operate/views/{id}", Tag: "operate", Summary: "数据视图 / A data view", Out: operate.View{}}, api.operateGetView)
	// Products
	api.Handle(Route{Method: "GET", Path: "/api/v1/operate/products", Tag: "operate", Summary: "数据产品列表 / Products", Out: Items[operate.Product]{}}, api.operateListProducts)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/products", Tag: "operate", Summary: "定义数据产品（运营单位）/ Define a product (operator)", Body: true, In: operate.ProductInput{}, Out: Created{V: operate.Product{}}}, api.operateCreateProduct)
	api.Handle(Route{Method: "GET", Path: "/api/v1/operate/products/{id}", Tag: "operate", Summary: "数据产品与合规审查记录 / A product and its reviews", Out: ProductAnswer{}}, api.operateGetProduct)
	api.Handle(Route{Method: "PUT", Path: "/api/v1/operate/products/{id}", Tag: "operate", Summary: "修改数据产品（已发布的产生新版本）/ Edit a product (a released one opens a new version)", Body: true, In: operate.ProductInput{}, Out: operate.Product{}}, api.operateUpdateProduct)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/products/{id}/submit", Tag: "operate", Summary: "提交合规审查 / Send to compliance review", Out: operate.Product{}}, api.operateSubmitProduct)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/products/{id}/review", Tag: "operate", Summary: "合规审查决定（通过、退回、征求专家意见）/ Compliance review decision", Body: true, In: operate.ReviewInput{}, Out: operate.Product{}}, api.operateReviewProduct)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/products/{id}/expert-opinion", Tag: "operate", Summary: "专家意见 / Expert opinion", Body: true, In: operateNote{}, Out: operate.Product{}}, api.operateExpertOpinion)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/products/{id}/withdraw", Tag: "operate", Summary: "下架数据产品 / Withdraw a product", Out: operate.Product{}}, api.operateWithdrawProduct)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/products/{id}/query", Tag: "operate", Summary: "统计产品查询（受限形式，差分隐私）/ Statistics query (restricted form, differential privacy)", Body: true, In: operate.StatsQuery{}, Out: operate.StatsResult{}}, api.operateQueryStats)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/products/{id}/verify", Tag: "operate", Summary: "核验产品调用（仅返回是否一致）/ Verification (yes/no only)", Body: true, In: ProductVerifyInput{}, Out: operate.VerifyResult{}}, api.operateVerify)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/products/{id}/score", Tag: "operate", Summary: "指标产品调用（仅返回分值）/ Indicator (the score only)", Body: true, In: ProductScoreInput{}, Out: operate.ScoreResult{}}, api.operateScore)
	api.Handle(Route{Method: "GET", Path: "/api/v1/operate/products/{id}/budget", Tag: "operate", Summary: "本协议期隐私预算 / Privacy budget of the agreement period", Out: operate.Budget{}}, api.operateBudget)
	// Units, applications, agreements
	api.Handle(Route{Method: "GET", Path: "/api/v1/operate/units", Tag: "operate", Summary: "应用单位 / Application units", Out: Items[operate.Unit]{}}, api.operateListUnits)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/units", Tag: "operate", Summary: "登记为应用单位（核验统一社会信用代码）/ Register as an application unit", Body: true, In: operateNote{}, Out: Created{V: operate.Unit{}}}, api.operateRegisterUnit)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/units/{id}/decide", Tag: "operate", Summary: "资质审核、暂停、恢复、终止合作 / Qualify, suspend, resume or terminate a unit", Body: true, In: operateNote{}, Out: operate.Unit{}}, api.operateMoveUnit)
	api.Handle(Route{Method: "GET", Path: "/api/v1/operate/applications", Tag: "operate", Summary: "产品使用申请 / Product applications", Out: Items[operate.Application]{}}, api.operateListApplications)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/applications", Tag: "operate", Summary: "申请使用数据产品 / Apply for a product", Body: true, In: operate.ApplicationInput{}, Out: Created{V: operate.Application{}}}, api.operateApply)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/applications/{id}/decide", Tag: "operate", Summary: "审核产品使用申请（资质与风险）/ Decide an application", Body: true, In: operateNote{}, Out: operate.Application{}}, api.operateDecideApplication)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/applications/{id}/amend", Tag: "operate", Summary: "修订协议（新版本，双方重签）/ Amend the agreement (new version)", Body: true, In: operate.AmendInput{}, Out: operate.Agreement{}}, api.operateAmendAgreement)
	api.Handle(Route{Method: "GET", Path: "/api/v1/operate/agreements", Tag: "operate", Summary: "服务与保密协议 / Agreements", Out: Items[operate.Agreement]{}}, api.operateListAgreements)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/agreements/{id}/sign", Tag: "operate", Summary: "签署协议（本方）/ Sign an agreement for one's side", Out: operate.Agreement{}}, api.operateSignAgreement)
	api.Handle(Route{Method: "GET", Path: "/api/v1/operate/queries", Tag: "operate", Summary: "产品调用记录（含隐私成本）/ Product use log with costs", Out: Items[operate.QueryRecord]{}}, api.operateListQueries)
	// Data subjects
	api.Handle(Route{Method: "GET", Path: "/api/v1/me/authorizations", Tag: "operate", Summary: "我的数据授权 / My authorizations", Out: Items[operate.Authorization]{}}, api.operateMyAuthorizations)
	api.Handle(Route{Method: "POST", Path: "/api/v1/me/authorizations", Tag: "operate", Summary: "授权第三方使用本人数据（逐项、限用途与期限）/ Authorize a third party", Body: true, In: operate.AuthorizationInput{}, Out: Created{V: operate.Authorization{}}}, api.operateAuthorize)
	api.Handle(Route{Method: "POST", Path: "/api/v1/me/authorizations/{id}/revoke", Tag: "operate", Summary: "撤回授权（下一次请求起生效）/ Revoke (effective on the next request)", Out: operate.Authorization{}}, api.operateRevokeAuthorization)
	api.Handle(Route{Method: "GET", Path: "/api/v1/me/accesses", Tag: "operate", Summary: "谁访问了我的数据（来自审计日志）/ Who accessed my data (from the audit log)", Out: Paged[operate.Access]{}, Query: []string{"page", "page_size"}}, api.operateMyAccesses)
	api.Handle(Route{Method: "GET", Path: "/api/v1/me/objections", Tag: "operate", Summary: "我的异议 / My objections", Out: Items[operate.Objection]{}}, api.operateMyObjections)
	api.Handle(Route{Method: "POST", Path: "/api/v1/me/objections", Tag: "operate", Summary: "对一次访问提出异议 / Object to an access", Body: true, In: operateNote{}, Out: Created{V: operate.Objection{}}}, api.operateObject)

	// ── 运营业务：价格、反馈、报告 / operation business ──
	// Prices (OPR-5)
	api.Handle(Route{Method: "GET", Path: "/api/v1/operate/products/{id}/prices", Tag: "operate", Summary: "产品价格（各版本）/ A product's prices", Out: Items[operate.Price]{}}, api.operateListPrices)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/products/{id}/prices", Tag: "operate", Summary: "提出产品价格（上限内，报主管部门批准）/ Propose a price under a cap", Body: true, In: operate.PriceSpec{}, Out: Created{V: operate.Price{}}}, api.operateProposePrice)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/products/{id}/prices/{version}/decide", Tag: "operate", Summary: "批准或不批准产品价格（主管部门）/ Approve or refuse a price (authority)", Body: true, In: PriceDecideInput{}, Out: operate.Price{}}, api.operateDecidePrice)
	// Metering and feedback (OPR-6)
	api.Handle(Route{Method: "GET", Path: "/api/v1/operate/usage", Tag: "operate", Summary: "产品使用计量与计费（按月）/ Metered use and charges of a month", Out: Items[operate.UsageLine]{}, Query: []string{"month"}}, api.operateUsage)
	api.Handle(Route{Method: "GET", Path: "/api/v1/operate/feedback", Tag: "operate", Summary: "应用单位评价与应用成效 / Units' ratings and reports of use", Out: Items[operate.Feedback]{}}, api.operateListFeedback)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/products/{id}/feedback", Tag: "operate", Summary: "评价产品并反馈应用情况与成效 / Rate a product, report use and effect", Body: true, In: operate.Feedback{}, Out: Created{V: operate.Feedback{}}}, api.operateGiveFeedback)
	// Reports and the annual disclosure (OPR-6)
	api.Handle(Route{Method: "GET", Path: "/api/v1/operate/reports", Tag: "operate", Summary: "运营报告（报主管部门、国资部门）与年度披露 / Reports and disclosures", Out: Items[operate.Report]{}}, api.operateListReports)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/reports", Tag: "operate", Summary: "报送运营报告或发布年度披露 / File a report or the annual disclosure", Body: true, In: ReportFileInput{}, Out: Created{V: operate.Report{}}}, api.operateFileReport)
	api.Handle(Route{Method: "GET", Path: "/api/v1/operate/disclosures", Tag: "operate", Summary: "年度信息披露（产品与价格，公开）/ Annual disclosures (products and prices, public)", Public: true, Out: Items[operate.Report]{}}, api.operateDisclosures)
	// Contribution scores and the operator's evaluation (OPR-7, OPR-8)
	api.Handle(Route{Method: "GET", Path: "/api/v1/operate/contributions", Tag: "operate", Summary: "数据贡献评价（按提供部门）/ Contribution scores of providing agencies", Out: Items[operate.Contribution]{}, Query: []string{"year"}}, api.operateContributions)
	api.Handle(Route{Method: "GET", Path: "/api/v1/operate/evaluations", Tag: "operate", Summary: "运营单位年度评估 / Annual evaluations of the operator", Out: Items[operate.Evaluation]{}}, api.operateListEvaluations)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/evaluations", Tag: "operate", Summary: "记录第三方评估结论（合格、不合格、限期整改）/ Record a third-party evaluation", Body: true, In: operate.EvaluationInput{}, Out: Created{V: operate.Evaluation{}}}, api.operateRecordEvaluation)
	// The public board
	api.Handle(Route{Method: "GET", Path: "/api/v1/operate/board", Tag: "operate", Summary: "供需对接、应用案例与政策通知（公开）/ Needs, offers, cases and notices (public)", Public: true, Out: Paged[operate.Post]{}, Query: []string{"kind"}}, api.operateBoard)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/board", Tag: "operate", Summary: "发布需求（应用单位）或供给、案例、通知（运营单位）/ Post a need, offer, case or notice", Body: true, In: operate.Post{}, Out: Created{V: operate.Post{}}}, api.operateAddPost)
	api.Handle(Route{Method: "POST", Path: "/api/v1/operate/board/{id}/close", Tag: "operate", Summary: "关闭一条发布 / Close a board item", Out: operate.Post{}}, api.operateClosePost)

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
	api.Handle(Route{Method: "PUT", Path: "/api/v1/share/grants/{id}/limits", Tag: "share", Summary: "调整授权的调用频率与每日调用次数（提供部门，须说明理由）/ Change a grant's call limits (provider, with a reason)", Body: true, In: share.LimitsChange{}, Out: share.Grant{}}, api.shareChangeLimits)
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

	// ── 接口文档 / meta ──
	api.Handle(Route{Method: "GET", Path: "/api/v1/openapi.json", Summary: "OpenAPI 文档 / OpenAPI document", Tag: "meta", Public: true, Out: map[string]any{}}, api.metaOpenAPI)
}
