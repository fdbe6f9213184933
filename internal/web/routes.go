package web

import "net/http"

// install registers every page, surface by surface. It is the one place to look for "which
// handler answers this path"; the catch-all for unknown paths is registered after it (web.New).
func (w *Web) install(mux *http.ServeMux) {
	// ── 基础：登录、首页、账户、消息 / foundation ──
	mux.HandleFunc("GET /lang", w.foundationLang)
	mux.HandleFunc("GET /large", w.foundationLarge)
	w.PublicPage(mux, "GET /{$}", w.foundationHome)
	w.PublicPage(mux, "GET /login", w.foundationLogin)
	w.PublicPage(mux, "POST /login", w.foundationLoginPost)
	w.Page(mux, "POST /logout", w.foundationLogout)
	w.PublicPage(mux, "GET /register", w.foundationRegister)
	w.PublicPage(mux, "POST /register", w.foundationRegisterPost)
	w.Page(mux, "GET /audit", w.foundationAudit)
	w.Page(mux, "GET /calendar", w.foundationCalendar)
	w.Page(mux, "POST /calendar/import", w.foundationCalendarImport)
	w.Page(mux, "GET /inbox", w.foundationInbox)
	w.Page(mux, "POST /inbox/{id}/read", w.foundationMarkRead)
	w.Page(mux, "GET /tokens", w.foundationTokens)
	w.Page(mux, "POST /tokens", w.foundationIssueToken)
	w.Page(mux, "POST /tokens/{id}/revoke", w.foundationRevokeToken)
	w.Page(mux, "GET /directory", w.foundationDirectory)
	w.Page(mux, "GET /jobs", w.foundationJobs)
	w.Page(mux, "POST /jobs/{name}/run", w.foundationRunJob)

	// ── 接口文档 / API reference ──
	mux.HandleFunc("GET /api/docs", w.apiDocs)

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
	catalogWeb = w
	w.PublicPage(mux, "GET /catalog", w.catalogList)
	w.PublicPage(mux, "GET /catalog/entries/{id}", w.catalogEntry)
	w.Page(mux, "GET /catalog/new", w.catalogNew)
	w.Page(mux, "POST /catalog/new", w.catalogCreate)
	w.Page(mux, "GET /catalog/entries/{id}/edit", w.catalogEdit)
	w.Page(mux, "POST /catalog/entries/{id}/edit", w.catalogUpdate)
	w.Page(mux, "POST /catalog/entries/{id}/submit", w.catalogSubmit)
	w.Page(mux, "POST /catalog/entries/{id}/recall", w.catalogRecall)
	w.Page(mux, "POST /catalog/entries/{id}/approve", w.catalogApprove)
	w.Page(mux, "POST /catalog/entries/{id}/return", w.catalogReturn)
	w.Page(mux, "POST /catalog/entries/{id}/withdraw", w.catalogWithdraw)
	w.Page(mux, "POST /catalog/entries/{id}/override", w.catalogOverride)
	w.Page(mux, "POST /catalog/entries/{id}/legal-change", w.catalogLegalChange)
	w.Page(mux, "GET /catalog/review", w.catalogReview)
	w.PublicPage(mux, "GET /catalog/entries/{id}/diff", w.catalogDiff)
	w.Page(mux, "GET /catalog/negative", w.catalogNegative)
	w.Page(mux, "GET /catalog/sources", w.catalogSources)
	w.Page(mux, "GET /catalog/rollup", w.catalogRollup)
	w.Page(mux, "GET /catalog/systems", w.catalogSystems)
	w.Page(mux, "POST /catalog/systems", w.catalogSystemCreate)
	w.Page(mux, "GET /catalog/systems/{id}", w.catalogSystem)
	w.Page(mux, "POST /catalog/systems/{id}", w.catalogSystemUpdate)
	w.Page(mux, "POST /catalog/systems/{id}/accept", w.catalogSystemAccept)
	w.Page(mux, "POST /catalog/systems/{id}/documents", w.catalogSystemDocument)
	w.Page(mux, "GET /catalog/purchases", w.catalogPurchases)
	w.Page(mux, "POST /catalog/purchases", w.catalogPurchaseRequest)
	w.Page(mux, "POST /catalog/purchases/{id}/decide", w.catalogPurchaseDecide)
	w.Page(mux, "GET /catalog/reassessments", w.catalogReassessments)
	w.Page(mux, "POST /catalog/reassessments/{id}", w.catalogReassessment)
	w.Page(mux, "GET /catalog/import", w.catalogImport)
	w.Page(mux, "POST /catalog/import", w.catalogImportPost)

	// ── 目录分级 / catalog levels ──
	w.Page(mux, "GET /catalog/level-reports", w.catalogLevelReports)
	w.Page(mux, "POST /catalog/level-reports", w.catalogLevelSubmit)
	w.Page(mux, "GET /catalog/level-reports/{id}", w.catalogLevelReport)
	w.Page(mux, "POST /catalog/level-reports/{id}/decide", w.catalogLevelDecide)

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
	w.Page(mux, "GET /share/escalations", w.escalationList)
	w.Page(mux, "GET /share/escalations/{id}", w.escalationShow)
	w.Page(mux, "POST /share/escalations", w.escalationOpen)
	w.Page(mux, "POST /share/escalations/{id}/urge", w.escalationUrge)
	w.Page(mux, "POST /share/escalations/{id}/coordinate", w.escalationCoordinate)
	w.Page(mux, "POST /share/escalations/{id}/meetings", w.escalationMeeting)
	w.Page(mux, "POST /share/escalations/{id}/refer", w.escalationRefer)
	w.Page(mux, "POST /share/escalations/{id}/opinions", w.escalationOpinion)
	w.Page(mux, "POST /share/escalations/{id}/decide", w.escalationDecide)

	// ── 数据汇聚 / aggregation ──
	ingestWeb = w
	if w.App.Ingest != nil { // the aggregation pages exist only with the ingest service
		w.Page(mux, "GET /ingest", w.ingestIndex)
		w.Page(mux, "GET /ingest/entries/{id}", w.ingestEntry)
		w.Page(mux, "POST /ingest/entries/{id}/upload", w.ingestUpload)
		w.Page(mux, "POST /ingest/entries/{id}/sources", w.ingestRegisterSource)
		w.Page(mux, "POST /ingest/sources/{id}/pull", w.ingestPull)
		w.Page(mux, "POST /ingest/entries/{id}/token", w.ingestIssueToken)
		w.Page(mux, "POST /ingest/entries/{id}/retention", w.ingestRetention)
		w.Page(mux, "GET /ingest/loads/{id}", w.ingestLoad)
		w.Page(mux, "GET /ingest/freshness", w.ingestFreshness)
		w.Page(mux, "POST /ingest/themes", w.ingestDefineTheme)
		w.Page(mux, "GET /ingest/base", w.ingestBase)
		w.Page(mux, "GET /ingest/returns", w.ingestReturns)
		w.Page(mux, "POST /ingest/returns", w.ingestRequestReturn)
		w.Page(mux, "POST /ingest/returns/{id}/events", w.ingestDecideReturn)
		w.Page(mux, "GET /ingest/returns/{id}", w.ingestReturn)
	}

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
		mux.HandleFunc("GET /me", func(rw http.ResponseWriter, r *http.Request) { http.Redirect(rw, r, "/me/data", http.StatusSeeOther) }) // the page above the /me/… forms
		w.Page(mux, "POST /me/authorizations", w.operateAuthorize)
		w.Page(mux, "POST /me/authorizations/{id}/revoke", w.operateAuthorizationRevoke)
		w.Page(mux, "POST /me/objections", w.operateObject)
	}

	// ── 运营公开页 / operation disclosures ──
	if w.App.Operate != nil {
		w.PublicPage(mux, "GET /operate/public", w.operatePublicHome)
	}

	// ── 数据质量 / quality ──
	qualityWeb = w
	w.Page(mux, "GET /quality", w.qualityHome)
	w.Page(mux, "POST /quality/settings", w.qualitySettings)
	w.Page(mux, "GET /quality/tasks/{id}", w.qualityTask)
	w.Page(mux, "POST /quality/tasks/{id}/act", w.qualityTaskAct)
	w.Page(mux, "GET /quality/entries/{id}", w.qualityEntry)
	w.Page(mux, "POST /quality/entries/{id}/rules", w.qualityCreateRule)
	w.Page(mux, "POST /quality/rules/{id}/toggle", w.qualityToggleRule)
	w.Page(mux, "POST /quality/rules/{id}/delete", w.qualityDeleteRule)
	w.Page(mux, "GET /quality/orgs/{id}", w.qualityOrg)
	w.Page(mux, "GET /objections", w.qualityObjections)
	w.Page(mux, "POST /objections", w.qualityRaiseObjection)
	w.Page(mux, "GET /objections/{id}", w.qualityObjection)
	w.Page(mux, "POST /objections/{id}/correct-record", w.qualityCorrectRecord)
	w.Page(mux, "POST /objections/{id}/act", w.qualityObjectionAct)

	// ── 安全运营 / security operations ──
	w.Page(mux, "GET /security", w.securityList)
	w.Page(mux, "GET /security/{id}", w.securityRecord)
	w.Page(mux, "POST /security/{id}/steps", w.securityStep)
	w.Page(mux, "POST /security/{id}/notified", w.securityNotified)
	w.Page(mux, "POST /security", w.securityCreate)
	w.Page(mux, "POST /security/{id}/close", w.securityClose)

	// ── 数据共享 / sharing ──
	shareWeb = w
	w.Page(mux, "GET /share", w.shareList)
	w.Page(mux, "GET /share/new", w.shareNew)
	w.Page(mux, "POST /share/new", w.shareFile)
	w.Page(mux, "GET /share/new-product", w.shareNewProduct)
	w.Page(mux, "POST /share/new-product", w.shareFileProduct)
	w.Page(mux, "GET /share/requests/{id}", w.shareRequest)
	w.Page(mux, "POST /share/requests/{id}/approve", w.shareApprove)
	w.Page(mux, "POST /share/requests/{id}/refuse", w.shareRefuse)
	w.Page(mux, "POST /share/requests/{id}/forward", w.shareForward)
	w.Page(mux, "POST /share/requests/{id}/withdraw", w.shareWithdraw)
	w.Page(mux, "POST /share/requests/{id}/deliver", w.shareDeliver)
	w.Page(mux, "GET /share/overdue", w.shareOverdue)
	w.Page(mux, "GET /share/grants", w.shareGrants)
	w.Page(mux, "GET /share/grants/{id}", w.shareGrant)
	w.Page(mux, "POST /share/grants/{id}/credentials", w.shareIssueCredential)
	w.Page(mux, "POST /share/grants/{id}/suspend", w.shareSuspend)
	w.Page(mux, "POST /share/grants/{id}/resume", w.shareResume)
	w.Page(mux, "POST /share/grants/{id}/revoke", w.shareRevoke)
	w.Page(mux, "POST /share/grants/{id}/limits", w.shareChangeLimits)
	w.Page(mux, "POST /share/grants/{id}/reports", w.shareReport)
	w.Page(mux, "GET /share/renewals/{id}", w.shareRenewal)
	w.Page(mux, "POST /share/grants/{id}/renewals", w.shareRequestRenewal)
	w.Page(mux, "POST /share/renewals/{id}/approve", w.shareApproveRenewal)
	w.Page(mux, "POST /share/renewals/{id}/refuse", w.shareRefuseRenewal)
	w.Page(mux, "POST /share/renewals/{id}/withdraw", w.shareWithdrawRenewal)
	w.Page(mux, "GET /share/use-reports/{id}", w.shareUseReport)
	w.Page(mux, "POST /share/use-reports/{id}/submit", w.shareSubmitUseReport)
	w.Page(mux, "POST /share/use-reports/{id}/answer", w.shareAnswerUseReport)
	w.Page(mux, "GET /share/grants/{id}/usage.csv", w.shareUsageCSV)
	w.Page(mux, "GET /share/demands", w.shareDemands)
	w.Page(mux, "GET /share/demands/new", w.shareNewDemand)
	w.Page(mux, "POST /share/demands/new", w.shareFileDemand)
	w.Page(mux, "GET /share/demands/{id}", w.shareDemand)
	w.Page(mux, "POST /share/demands/{id}/assign", w.shareAssignDemand)
	w.Page(mux, "POST /share/demands/{id}/reject", w.shareRejectDemand)
	w.Page(mux, "POST /share/demands/{id}/accept", w.shareAcceptDemand)
	w.Page(mux, "POST /share/demands/{id}/refuse", w.shareRefuseDemand)
	w.Page(mux, "POST /share/demands/{id}/return", w.shareReturnDemand)
	w.Page(mux, "POST /share/demands/{id}/complete", w.shareCompleteDemand)
	w.Page(mux, "POST /share/demands/{id}/withdraw", w.shareWithdrawDemand)

	// ── 国家平台 / national platform ──
	w.Page(mux, "GET /share/national", w.shareNationalList)
	w.Page(mux, "POST /share/national", w.shareNationalFile)
	w.Page(mux, "GET /share/national/{id}", w.shareNational)
	w.Page(mux, "POST /share/national/{id}/steps", w.shareNationalStep)

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
