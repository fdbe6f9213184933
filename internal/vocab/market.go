package vocab

// Vocabularies of the data asset register, the data market and regulated units (internal/market).
const (
	MktAssetState    = "market.asset_state"
	MktQualitySource = "market.quality_source"
	MktRightKind     = "market.right_kind"
	MktBasis         = "market.basis"
	MktObject        = "market.object"
	MktRightState    = "market.right_state"
	MktMining        = "market.mining"
	MktLevel         = "market.level"
	MktFigureSource  = "market.figure_source"
	MktListingState  = "market.listing_state"
	MktDelivery      = "market.delivery"
	MktBrokerKind    = "market.broker_kind"
	MktBrokerState   = "market.broker_state"
	MktUnitRole      = "market.unit_role"
	MktReportKind    = "market.report_kind"
	MktReportState   = "market.report_state"
	MktLetterKind    = "market.letter_kind"
	MktLetterState   = "market.letter_state"
	MktEvent         = "market.event"
)

func init() {
	Register(MktAssetState, map[string][2]string{"submitted": {"待审核", "Awaiting review"}, "approved": {"已登记", "Registered"}, "refused": {"不予登记", "Refused"}})
	Register(MktQualitySource, map[string][2]string{"platform": {"平台质量评分", "Platform quality score"}, "declared": {"单位自报", "Declared by the agency"}})
	Register(MktRightKind, map[string][2]string{"holding": {"数据资源持有权", "Resource holding right"}, "processing": {"数据加工使用权", "Processing and use right"},
		"operation": {"数据产品经营权", "Product operation right"}})
	Register(MktBasis, map[string][2]string{"authorization": {"授权", "Authorization"}, "agreement": {"协议", "Agreement"}})
	Register(MktObject, map[string][2]string{"product": {"数据产品", "Data product"}, "asset": {"数据资产", "Data asset"}})
	Register(MktRightState, map[string][2]string{"active": {"有效", "In force"}, "transferred": {"已转让", "Transferred"}, "revoked": {"已撤销", "Revoked"}})
	Register(MktMining, map[string][2]string{"high": {"高", "High"}, "medium": {"中", "Medium"}, "low": {"低", "Low"}})
	Register(MktLevel, map[string][2]string{"core": {"核心数据", "Core data"}, "important": {"重要数据", "Important data"}, "general": {"一般数据", "General data"}})
	Register(MktFigureSource, map[string][2]string{"platform": {"平台计算", "Computed by the platform"}, "assessor": {"评估人填报", "Recorded by the assessor"}})
	Register(MktListingState, map[string][2]string{"listed": {"挂牌中", "Listed"}, "delisted": {"已摘牌", "Delisted"}})
	Register(MktDelivery, map[string][2]string{"api": {"接口调用", "API calls"}, "file": {"文件交付", "File delivery"}, "sandbox": {"隐私计算或沙箱", "Privacy computing or sandbox"},
		"offline": {"线下交付", "Offline delivery"}})
	Register(MktBrokerKind, map[string][2]string{"broker": {"数据经纪人", "Data broker"}, "service": {"第三方专业服务机构", "Third-party service organization"}})
	Register(MktBrokerState, map[string][2]string{"active": {"正常", "Active"}, "suspended": {"已暂停", "Suspended"}})
	Register(MktUnitRole, map[string][2]string{"operator": {"授权运营单位", "Authorized operator"}, "platform_service": {"平台技术服务单位", "Platform technical service unit"},
		"intensive": {"集约化建设单位", "Intensive-construction unit"}})
	Register(MktReportKind, map[string][2]string{"outsourcing": {"外包决定（事前）", "Outsourcing decision (before acting)"},
		"joint_development": {"合作开发决定（事前）", "Joint development decision (before acting)"}, "investment": {"投资决定（事前）", "Investment decision (before acting)"},
		"progress": {"进展报告（事后）", "Progress report (after)"}, "acceptance": {"验收报告（事后）", "Acceptance report (after)"}})
	Register(MktReportState, map[string][2]string{"filed": {"待主管部门答复", "Awaiting the authority"}, "no_objection": {"无异议", "No objection"},
		"answered": {"已答复（见函件）", "Answered (see the letters)"}})
	Register(MktLetterKind, map[string][2]string{"objection": {"异议", "Objection"}, "rectification": {"整改函", "Rectification letter"}, "notice": {"通报", "Notice"},
		"restriction": {"业务限制", "Business restriction"}})
	Register(MktLetterState, map[string][2]string{"open": {"待单位落实", "Awaiting the unit"}, "responded": {"单位已回复，待主管部门认定", "Answered by the unit, awaiting the authority"},
		"closed": {"已闭环", "Closed"}})
	Register(MktEvent, map[string][2]string{"register": {"登记", "Registered"}, "approve": {"审核通过", "Approved"}, "refuse": {"不予登记", "Refused"},
		"suspend": {"暂停", "Suspended"}, "reinstate": {"恢复", "Reinstated"}, "file": {"报告", "Filed"}, "no_objection": {"无异议", "No objection"},
		"answered": {"已发函答复", "Answered by letter"}, "issue": {"发函", "Letter issued"}, "overdue": {"逾期并上报", "Overdue, escalated"},
		"respond": {"单位回复", "Answered by the unit"}, "close": {"闭环", "Closed"}, "reopen": {"退回继续落实", "Returned to the unit"}})
	Register(AuditAction, map[string][2]string{
		"market.asset.register": {"登记数据资产", "Data asset registration filed"}, "market.asset.approve": {"数据资产登记通过", "Data asset registered"},
		"market.asset.refuse": {"数据资产不予登记", "Data asset registration refused"}, "market.right.record": {"记录数据权利", "Data right recorded"},
		"market.right.transfer": {"转让数据权利", "Data right transferred"}, "market.assessment.record": {"数据产品质量与价值评估", "Product quality and value assessed"},
		"market.listing.list": {"数据产品挂牌", "Product listed"}, "market.listing.refused": {"挂牌被拒绝（无经营权）", "Listing refused (no operation right)"},
		"market.listing.delist": {"数据产品摘牌", "Product delisted"}, "market.trade.record": {"记录数据交易", "Trade recorded"},
		"market.review.trade": {"评价交易", "Trade reviewed"}, "market.review.broker": {"评价数据经纪人", "Broker rated"},
		"market.broker.register": {"登记数据经纪人或服务机构", "Broker or service organization registered"}, "market.broker.suspend": {"暂停数据经纪人", "Broker suspended"},
		"market.broker.reinstate": {"恢复数据经纪人", "Broker reinstated"}, "market.report.file": {"受监管单位报告", "Regulated unit's report filed"},
		"market.report.no_objection": {"报告无异议", "No objection to a report"}, "market.letter.issue": {"主管部门发函", "Letter issued to a unit"},
		"market.letter.respond": {"单位回复函件", "Unit answered a letter"}, "market.letter.close": {"函件闭环", "Letter closed"},
		"market.letter.reopen": {"函件退回继续落实", "Letter returned to the unit"}, "market.letter.overdue": {"整改函逾期并上报", "Rectification letter overdue, escalated"},
	})
	Register(AuditObject, map[string][2]string{"mkt_asset": {"数据资产登记", "Data asset registration"}, "mkt_right": {"数据权利", "Data right"},
		"mkt_listing": {"挂牌", "Listing"}, "mkt_trade": {"数据交易", "Trade"}, "mkt_broker": {"数据经纪人或服务机构", "Broker or service organization"},
		"mkt_report": {"受监管单位报告", "Regulated unit's report"}, "mkt_letter": {"主管部门函件", "Authority's letter"}})
	Register(ActionObject, map[string][2]string{"market": {"数据资产与市场", "Data assets and market"}, "market.asset": {"数据资产登记", "Data asset registration"},
		"market.right": {"数据权利", "Data right"}, "market.assessment": {"质量与价值评估", "Quality and value assessment"}, "market.listing": {"挂牌", "Listing"},
		"market.trade": {"数据交易", "Trade"}, "market.review": {"评价", "Review"}, "market.broker": {"数据经纪人", "Broker"},
		"market.report": {"受监管单位报告", "Regulated unit's report"}, "market.letter": {"主管部门函件", "Authority's letter"}})
	Register(JobName, map[string][2]string{"market.letters": {"整改函逾期标记与上报", "Mark overdue rectification letters and escalate"}})
}
