package httpapi

// install registers every API operation, surface by surface, in the order the OpenAPI document
// and docs/api.md list them. It is the one place to look for "which handler answers this path".
func (api *API) install() {
	// ── 基础：账户、机构、会话、令牌、消息 / foundation ──
	api.foundationRoutes()

	// ── 考核评估 / assessment ──
	api.assessmentRoutes()

	// ── 审计 / audit ──
	api.auditRoutes()

	// ── 资源目录 / catalog ──
	catalogRoutes(api)

	// ── 权益投诉 / rights complaints ──
	api.complaintRoutes()

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
	api.qualityRoutes()

	// ── 安全运营 / security operations ──
	api.securityRoutes()

	// ── 数据共享与网关 / sharing and the gateway ──
	api.shareRoutes()

	// ── 处罚与整改 / sanctions ──
	api.superviseRoutes()

	// ── 监督督办 / supervision ──
	api.supervisionRoutes()
}
