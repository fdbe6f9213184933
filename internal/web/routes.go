package web

import "net/http"

// install registers every page, surface by surface. It is the one place to look for "which
// handler answers this path"; the catch-all for unknown paths is registered after it (web.New).
func (w *Web) install(mux *http.ServeMux) {
	// ── 基础：登录、首页、账户、消息 / foundation ──
	w.foundationPages(mux)

	// ── 接口文档 / API reference ──
	apiDocsPage(w, mux)

	// ── 考核评估 / assessment ──
	w.assessmentPages(mux)

	// ── 资源目录 / catalog ──
	w.catalogPages(mux)

	// ── 目录分级 / catalog levels ──
	w.levelPages(mux)

	// ── 权益投诉 / rights complaints ──
	w.complaintPages(mux)

	// ── 驾驶舱 / dashboard ──
	w.dashboardPages(mux)

	// ── 督办 / escalation ──
	w.escalationPages(mux)

	// ── 数据汇聚 / aggregation ──
	ingestWeb = w
	w.ingestPages(mux)

	// ── 数据要素市场 / market ──
	w.marketPages(mux)

	// ── 开放门户 / open portal ──
	w.openPages(mux)

	// ── 有条件开放申请 / conditional opening ──
	w.applicationPages(mux)

	// ── 开放计划 / open plans ──
	w.planPages(mux)

	// ── 授权运营 / authorized operation ──
	w.operatePages(mux)

	// ── 运营公开页 / operation disclosures ──
	w.operatePublicPage(mux)

	// ── 数据质量 / quality ──
	w.qualityPages(mux)

	// ── 安全运营 / security operations ──
	w.securityPages(mux)

	// ── 数据共享 / sharing ──
	w.sharePages(mux)

	// ── 国家平台 / national platform ──
	w.nationalPages(mux)

	// ── 处罚与整改 / sanctions ──
	w.sanctionPages(mux)

	// ── 监督督办 / supervision ──
	w.supervisionPages(mux)
}
