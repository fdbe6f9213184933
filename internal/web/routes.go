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
	w.Page(mux, "GET /assessments", w.assessmentList)
	w.Page(mux, "POST /assessments", w.assessmentCreate)
	w.Page(mux, "GET /assessments/{id}", w.assessmentPlan)
	w.Page(mux, "POST /assessments/{id}/weights", w.assessmentWeights)
	w.Page(mux, "POST /assessments/{id}/compute", w.assessmentCompute)
	w.Page(mux, "POST /assessments/{id}/act", w.assessmentAct)
	w.Page(mux, "GET /assessments/{id}/orgs/{org}", w.assessmentOrg)
	w.Page(mux, "GET /assessments/{id}/orgs/{org}/print", w.assessmentOrgPrint)
	w.Page(mux, "GET /assessments/{id}/orgs/{org}/report.xlsx", w.assessmentOrgXLSX)

	// ── 资源目录 / catalog ──
	w.catalogPages(mux)

	// ── 目录分级 / catalog levels ──
	w.levelPages(mux)

	// ── 权益投诉 / rights complaints ──
	if w.App.Complaints != nil {
		w.PublicPage(mux, "GET /open/complaints/new", w.complaintNew)
		w.PublicPage(mux, "POST /open/complaints", w.complaintFile)
		w.PublicPage(mux, "GET /open/complaints/status", w.complaintStatusLookup)
		w.PublicPage(mux, "GET /open/complaints/status/{number}", w.complaintStatus)
		w.Page(mux, "GET /open/complaints", w.complaintList)
		w.Page(mux, "GET /open/complaints/{id}", w.complaintShow)
		w.Page(mux, "POST /open/complaints/{id}/act", w.complaintAct)
	}

	// ── 驾驶舱 / dashboard ──
	w.Page(mux, "GET /supervise/dashboard", w.dashboardHome)
	w.Page(mux, "GET /supervise/dashboard/items", w.dashboardItems)

	// ── 督办 / escalation ──
	w.escalationPages(mux)

	// ── 数据汇聚 / aggregation ──
	ingestWeb = w
	w.ingestPages(mux)

	// ── 数据要素市场 / market ──
	w.Page(mux, "GET /market", w.marketHome)
	w.PublicPage(mux, "GET /market/register", w.marketRegister)
	w.Page(mux, "POST /market/assets", w.marketAssetFile)
	w.Page(mux, "GET /market/assets/{id}", w.marketAsset)
	w.Page(mux, "POST /market/assets/{id}/review", w.marketAssetReview)
	w.Page(mux, "POST /market/rights", w.marketRightRecord)
	w.Page(mux, "POST /market/rights/{id}/transfer", w.marketRightTransfer)
	w.Page(mux, "GET /market/products/{id}", w.marketProduct)
	w.Page(mux, "POST /market/products/{id}/assess", w.marketProductAssess)
	w.Page(mux, "POST /market/listings", w.marketListingCreate)
	w.Page(mux, "GET /market/listings/{id}", w.marketListing)
	w.Page(mux, "POST /market/listings/{id}/delist", w.marketListingDelist)
	w.Page(mux, "POST /market/listings/{id}/trades", w.marketTradeRecord)
	w.Page(mux, "GET /market/trades/{id}", w.marketTrade)
	w.Page(mux, "POST /market/trades/{id}/review", w.marketTradeReview)
	w.Page(mux, "POST /market/brokers", w.marketBrokerRegister)
	w.Page(mux, "GET /market/brokers/{id}", w.marketBroker)
	w.Page(mux, "POST /market/brokers/{id}/move", w.marketBrokerMove)
	w.Page(mux, "POST /market/brokers/{id}/rate", w.marketBrokerRate)
	w.Page(mux, "GET /market/units", w.marketUnits)
	w.Page(mux, "POST /market/reports", w.marketReportFile)
	w.Page(mux, "GET /market/reports/{id}", w.marketReport)
	w.Page(mux, "POST /market/reports/{id}/no-objection", w.marketReportNoObjection)
	w.Page(mux, "POST /market/letters", w.marketLetterIssue)
	w.Page(mux, "GET /market/letters/{id}", w.marketLetter)
	w.Page(mux, "POST /market/letters/{id}/act", w.marketLetterAct)

	// ── 开放门户 / open portal ──
	mux.HandleFunc("GET /contrast", w.openContrast)
	w.PublicPage(mux, "GET /open", w.openPortal)
	w.PublicPage(mux, "GET /open/datasets/{id}", w.openDataset)
	w.Page(mux, "GET /open/keys", w.openKeys)
	w.Page(mux, "POST /open/keys", w.openKeyCreate)
	w.Page(mux, "POST /open/keys/{id}/revoke", w.openKeyRevoke)
	w.PublicPage(mux, "GET /open/api", w.openAPI)

	// ── 有条件开放申请 / conditional opening ──
	if w.App.Applications != nil {
		w.Page(mux, "GET /open/applications/new", w.applicationNew)
		w.Page(mux, "POST /open/applications", w.applicationFile)
		w.Page(mux, "GET /open/applications", w.applicationList)
		w.Page(mux, "GET /open/applications/{id}", w.applicationShow)
		w.Page(mux, "POST /open/applications/{id}/act", w.applicationAct)
		w.Page(mux, "POST /open/applications/{id}/sign", w.applicationSign)
	}

	// ── 开放计划 / open plans ──
	if w.App.Plans != nil {
		w.PublicPage(mux, "GET /open/plans", w.planList)
		w.Page(mux, "POST /open/plans", w.planSave)
		w.PublicPage(mux, "GET /open/plans/{id}", w.planShow)
		w.Page(mux, "POST /open/plans/{id}/items", w.planItemAdd)
		w.Page(mux, "POST /open/plans/{id}/items/{item}/remove", w.planItemRemove)
		w.Page(mux, "GET /open/reviews", w.planReviewList)
		w.Page(mux, "POST /open/reviews", w.planReviewSave)
		w.PublicPage(mux, "GET /open/demands", w.planDemandList)
		w.PublicPage(mux, "POST /open/demands", w.planDemandFile)
		w.PublicPage(mux, "GET /open/demands/{number}", w.planDemand)
		w.Page(mux, "POST /open/demands/{number}/answer", w.planDemandAnswer)
		w.PublicPage(mux, "GET /open/showcase", w.planShowcaseList)
		w.PublicPage(mux, "POST /open/showcase", w.planShowcaseSubmit)
		w.Page(mux, "GET /open/showcase/moderate", w.planShowcaseModeration)
		w.Page(mux, "POST /open/showcase/{id}/moderate", w.planShowcaseModerate)
	}

	// ── 授权运营 / authorized operation ──
	if w.App.Operate != nil {
		w.Page(mux, "GET /operate", w.operateHome)
		w.Page(mux, "POST /operate/units", w.operateUnitRegister)
		w.Page(mux, "POST /operate/units/{id}/decide", w.operateUnitDecide)
		w.Page(mux, "POST /operate/applications/{id}/decide", w.operateApplicationDecide)
		w.Page(mux, "POST /operate/agreements/{id}/sign", w.operateAgreementSign)
		w.Page(mux, "POST /operate/products/{id}/submit", w.operateProductSubmit)
		w.Page(mux, "POST /operate/products/{id}/review", w.operateProductReview)
		w.Page(mux, "POST /operate/products/{id}/expert", w.operateProductExpert)
		w.Page(mux, "POST /operate/products/{id}/apply", w.operateProductApply)
		w.Page(mux, "POST /operate/products/{id}/prices", w.operateProductPrices)
		w.Page(mux, "POST /operate/reports", w.operateReportFile)
		w.Page(mux, "POST /operate/evaluations", w.operateEvaluationRecord)
		w.Page(mux, "POST /operate/products/{id}/rate", w.operateProductRate)
		w.Page(mux, "GET /operate/products/{id}", w.operateProduct)
		w.Page(mux, "POST /operate/products/{id}/use", w.operateProductUse)
		w.Page(mux, "GET /me/data", w.operateMyData)
		w.Page(mux, "POST /me/authorizations", w.operateAuthorize)
		w.Page(mux, "POST /me/authorizations/{id}/revoke", w.operateAuthorizationRevoke)
		w.Page(mux, "POST /me/objections", w.operateObject)
	}

	// ── 运营公开页 / operation disclosures ──
	if w.App.Operate != nil {
		w.PublicPage(mux, "GET /operate/public", w.operatePublicHome)
	}

	// ── 数据质量 / quality ──
	w.qualityPages(mux)

	// ── 安全运营 / security operations ──
	w.Page(mux, "GET /security", w.securityList)
	w.Page(mux, "GET /security/{id}", w.securityRecord)
	w.Page(mux, "POST /security/{id}/steps", w.securityStep)
	w.Page(mux, "POST /security/{id}/notified", w.securityNotified)
	w.Page(mux, "POST /security", w.securityCreate)
	w.Page(mux, "POST /security/{id}/close", w.securityClose)

	// ── 数据共享 / sharing ──
	w.sharePages(mux)

	// ── 国家平台 / national platform ──
	w.nationalPages(mux)

	// ── 处罚与整改 / sanctions ──
	w.Page(mux, "GET /sanctions", w.sanctionList)
	w.Page(mux, "POST /sanctions", w.sanctionIssue)
	w.Page(mux, "GET /sanctions/{id}", w.sanctionShow)
	w.Page(mux, "POST /sanctions/{id}/act", w.sanctionAct)

	// ── 监督督办 / supervision ──
	w.Page(mux, "GET /supervision", w.supervisionHome)
	w.Page(mux, "GET /supervision/list", w.supervisionEscalated)
	w.Page(mux, "POST /supervision/notices", w.supervisionNoticeIssue)
	w.Page(mux, "POST /supervision/detect", w.supervisionDetect)
	w.Page(mux, "GET /supervision/notices/{id}", w.supervisionNotice)
	w.Page(mux, "POST /supervision/notices/{id}/act", w.supervisionNoticeAct)
	w.PublicPage(mux, "GET /report", w.supervisionReportForm)
	w.PublicPage(mux, "POST /report", w.supervisionReportFile)
	w.PublicPage(mux, "GET /report/status/{number}", w.supervisionReportStatus)
	w.Page(mux, "GET /supervision/reports", w.supervisionReports)
	w.Page(mux, "GET /supervision/reports/{id}", w.supervisionReport)
	w.Page(mux, "POST /supervision/reports/{id}/act", w.supervisionReportAct)
	w.Page(mux, "GET /supervision/dishonesty", w.supervisionDishonestyList)
	w.Page(mux, "POST /supervision/dishonesty", w.supervisionDishonestyRecord)
	w.Page(mux, "GET /supervision/dishonesty/{id}", w.supervisionDishonesty)
	w.Page(mux, "POST /supervision/dishonesty/{id}/act", w.supervisionDishonestyAct)
}
