package httpapi

import (
	"pubdata/internal/market"
	"pubdata/internal/open"
	"pubdata/internal/openapply"
	"pubdata/internal/openplan"
	"pubdata/internal/operate"
)

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
