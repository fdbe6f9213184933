package httpapi

import (
	"pubdata/internal/audit"
	"pubdata/internal/catalog"
	"pubdata/internal/harvest"
	"pubdata/internal/identity"
	"pubdata/internal/ingest"
	"pubdata/internal/jobs"
	"pubdata/internal/notify"
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
	api.assessmentRoutes()

	// ── 审计 / audit ──
	api.auditRoutes()

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
	api.complaintRoutes()

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
	api.qualityRoutes()

	// ── 安全运营 / security operations ──
	api.securityRoutes()

	// ── 数据共享与网关 / sharing and the gateway ──
	api.shareRoutes()

	// ── 处罚与整改 / sanctions ──
	api.superviseRoutes()

	// ── 监督督办 / supervision ──
	api.supervisionRoutes()

	// ── 接口文档 / meta ──
	api.Handle(Route{Method: "GET", Path: "/api/v1/openapi.json", Summary: "OpenAPI 文档 / OpenAPI document", Tag: "meta", Public: true, Out: map[string]any{}}, api.metaOpenAPI)
}
