package vocab

// Vocabularies of authorized operation (授权运营, internal/operate).
const (
	OprKind         = "operate.kind"
	OprProductState = "operate.product_state"
	OprUnitState    = "operate.unit_state"
	OprAppState     = "operate.application_state"
	OprAgrState     = "operate.agreement_state"
	OprMark         = "operate.mark"
	OprFn           = "operate.fn"
	OprChecklist    = "operate.checklist"
	OprDecision     = "operate.review_decision"
	OprAuthState    = "operate.authorization_state"
	OprQueryResult  = "operate.query_result"
	OprUseClass     = "operate.use_class"
	OprPriceModel   = "operate.price_model"
	OprPriceState   = "operate.price_state"
	OprReportKind   = "operate.report_kind"
	OprEvalOutcome  = "operate.evaluation_outcome"
	OprEvalState    = "operate.evaluation_state"
	OprPostKind     = "operate.post_kind"
)

func init() {
	Register(OprKind, map[string][2]string{"statistics": {"统计查询", "Statistics"}, "verify": {"核验产品", "Verification"}, "indicator": {"指标评分", "Indicator"}})
	Register(OprProductState, map[string][2]string{"draft": {"草稿", "Draft"}, "in_review": {"合规审查中", "In compliance review"},
		"expert_review": {"征求专家意见中", "Awaiting expert opinion"}, "released": {"已发布", "Released"}, "withdrawn": {"已下架", "Withdrawn"}})
	Register(OprUnitState, map[string][2]string{"pending": {"待资质审核", "Awaiting qualification"}, "active": {"合作中", "Active"}, "refused": {"资质审核未通过", "Refused"},
		"suspended": {"已暂停合作", "Suspended"}, "terminated": {"已终止合作", "Terminated"}})
	Register(OprAppState, map[string][2]string{"submitted": {"待运营单位审核", "Awaiting the operator"}, "approved": {"已通过", "Approved"}, "refused": {"未通过", "Refused"}})
	Register(OprAgrState, map[string][2]string{"drafted": {"待双方签署", "Awaiting both signatures"}, "unit_signed": {"应用单位已签，待运营单位签署", "Signed by the unit, awaiting the operator"},
		"operator_signed": {"运营单位已签，待应用单位签署", "Signed by the operator, awaiting the unit"}, "in_force": {"生效中", "In force"},
		"superseded": {"已被新版本替代", "Superseded"}, "terminated": {"已终止", "Terminated"}})
	Register(OprMark, map[string][2]string{"small_group": {"分组过小，已抑制", "Group too small: suppressed"}, "dominance": {"单一主体占比过高，已抑制", "Dominated by one subject: suppressed"}})
	Register(OprFn, map[string][2]string{"count": {"记录数", "Count"}, "count_distinct": {"主体数", "Distinct subjects"}, "sum": {"合计", "Sum"}, "mean": {"平均值", "Mean"}, "quantile": {"分位数", "Quantile"}})
	Register(OprChecklist, map[string][2]string{"legal_basis": {"有合法依据与授权范围", "Legal basis and authorized scope"}, "minimum_necessary": {"符合最小必要原则", "Minimum necessary"},
		"no_raw_data": {"原始数据不出域，不能还原", "No raw data leaves; none can be reconstructed"}, "disclosure_control": {"最小分组、贡献上限与噪声已设置", "Group minimum, contribution bounds and noise set"},
		"security_measures": {"安全措施到位", "Security measures in place"}})
	Register(OprDecision, map[string][2]string{"approve": {"通过并发布", "Approved and released"}, "reject": {"退回修改", "Returned for changes"}, "expert": {"征求专家意见", "Expert opinion asked"}})
	Register(OprAuthState, map[string][2]string{"active": {"有效", "Active"}, "revoked": {"已撤回", "Revoked"}})
	Register(OprQueryResult, map[string][2]string{"answered": {"已计算", "Answered"}, "cached": {"重复查询，返回已存结果", "Repeat: stored answer"},
		"refused: budget": {"隐私预算不足，已拒绝", "Refused: budget"}, "refused: out of form": {"不符合受限形式，已拒绝", "Refused: out of form"}})
	Register(AuditObject, map[string][2]string{"opr_view": {"数据视图", "Data view"}, "opr_product": {"数据产品", "Data product"}, "opr_unit": {"应用单位登记", "Application unit registration"},
		"opr_application": {"产品使用申请", "Product application"}, "opr_agreement": {"服务与保密协议", "Agreement"}, "data_subject": {"数据主体", "Data subject"},
		"subj_objection": {"数据主体异议", "Data subject objection"}})
	Register(ActionObject, map[string][2]string{"operate": {"授权运营", "Authorized operation"}, "operate.view": {"数据视图", "Data view"}, "operate.product": {"数据产品", "Data product"},
		"operate.unit": {"应用单位管理", "Application unit management"}, "operate.application": {"产品使用申请", "Product application"}, "operate.agreement": {"服务与保密协议", "Agreement"},
		"operate.query": {"统计查询", "Statistics query"}, "operate.verification": {"核验产品", "Verification product"}, "operate.indicator": {"指标产品", "Indicator product"},
		"operate.consent": {"数据主体授权", "Data subject authorization"}, "operate.statistics": {"统计产品", "Statistics product"}})
	Register(ActionVerb, map[string][2]string{"edit": {"修改", "edited"}, "review": {"合规审查", "reviewed"}, "expert": {"专家意见", "expert opinion given"},
		"terminate": {"终止", "terminated"}, "sign": {"签署", "signed"}, "amend": {"修订", "amended"}, "statistics": {"统计查询", "statistics query"},
		"refused": {"已拒绝", "refused"}, "use": {"调用", "used"}, "grant": {"授权", "granted"}, "object": {"提出异议", "objection raised"}})
	Register(AuditAction, map[string][2]string{
		"operate.view.register": {"登记数据视图", "Data view registered"}, "operate.product.create": {"定义数据产品", "Product defined"},
		"operate.product.edit": {"修改数据产品", "Product edited"}, "operate.product.submit": {"提交合规审查", "Product sent to compliance review"},
		"operate.product.withdraw": {"下架数据产品", "Product withdrawn"}, "operate.product.review": {"数据产品合规审查", "Product compliance review"},
		"operate.product.expert": {"专家意见", "Expert opinion on a product"}, "operate.unit.register": {"应用单位登记", "Application unit registered"},
		"operate.unit.approve": {"应用单位资质审核通过", "Unit qualified"}, "operate.unit.refuse": {"应用单位资质审核未通过", "Unit refused"},
		"operate.unit.suspend": {"暂停与应用单位合作", "Unit suspended"}, "operate.unit.resume": {"恢复与应用单位合作", "Unit resumed"},
		"operate.unit.terminate": {"终止与应用单位合作", "Unit terminated"}, "operate.application.submit": {"提交产品使用申请", "Product application filed"},
		"operate.application.approve": {"产品使用申请通过", "Product application approved"}, "operate.application.refuse": {"产品使用申请未通过", "Product application refused"},
		"operate.agreement.sign": {"签署服务与保密协议", "Agreement signed"}, "operate.agreement.amend": {"修订服务与保密协议", "Agreement amended"},
		"operate.query.statistics": {"统计产品查询", "Statistics query answered"}, "operate.query.refused": {"统计产品查询被拒绝", "Statistics query refused"},
		"operate.verification.use": {"核验产品调用", "Verification used"}, "operate.verification.refused": {"核验产品调用被拒绝（未获授权）", "Verification refused (no authorization)"},
		"operate.indicator.use": {"指标产品调用", "Indicator used"}, "operate.indicator.refused": {"指标产品调用被拒绝（未获授权）", "Indicator refused (no authorization)"},
		"operate.consent.grant": {"数据主体授权", "Data subject authorized a unit"}, "operate.consent.revoke": {"数据主体撤回授权", "Data subject revoked an authorization"},
		"operate.consent.object": {"数据主体对访问提出异议", "Data subject objected to an access"},
	})
	Register(TokenScope, map[string][2]string{"product": {"数据产品调用", "Product calls"}})
	Register(OprUseClass, map[string][2]string{"public_welfare": {"公益事业（免费）", "Public welfare (free)"}, "public_governance": {"公共治理（免费）", "Public governance (free)"},
		"commercial": {"产业发展（有偿）", "Commercial (priced)"}})
	Register(OprPriceModel, map[string][2]string{"per_call": {"按次计费", "Per call"}, "per_volume": {"按量计费（每千个结果单元）", "Per volume (per 1000 result units)"},
		"per_period": {"按期计费（每月）", "Per period (monthly)"}, "tiered": {"阶梯计费", "Tiered"}})
	Register(OprPriceState, map[string][2]string{"proposed": {"待主管部门批准", "Awaiting the authority"}, "approved": {"已批准", "Approved"}, "refused": {"未批准", "Refused"}})
	Register(OprReportKind, map[string][2]string{"authority": {"向数据主管部门的定期报告", "Periodic report to the data authority"},
		"state_assets": {"向国有资产监管部门的定期报告", "Periodic report to the state-owned assets body"}, "disclosure": {"年度信息披露", "Annual public disclosure"}})
	Register(OprEvalOutcome, map[string][2]string{"pass": {"合格", "Pass"}, "fail": {"不合格", "Fail"}, "rectify": {"限期整改", "Rectify"}})
	Register(OprEvalState, map[string][2]string{"passed": {"合格", "Passed"}, "rectifying": {"整改中（30日内整改后复评）", "Rectifying (re-evaluation within 30 days)"},
		"exited": {"不合格，退出运营", "Failed: exits operation"}})
	Register(OprPostKind, map[string][2]string{"need": {"数据需求", "Need"}, "offer": {"数据产品供给", "Offer"}, "case": {"应用案例", "Showcase case"}, "notice": {"政策通知", "Policy notice"}})
	Register(AuditObject, map[string][2]string{"opr_report": {"运营报告", "Operation report"}, "opr_evaluation": {"运营单位年度评估", "Operator evaluation"}, "opr_post": {"供需对接发布", "Board item"}})
	Register(ActionObject, map[string][2]string{"operate.price": {"产品定价", "Product pricing"}, "operate.report": {"运营报告", "Operation reports"},
		"operate.evaluation": {"运营单位评估", "Operator evaluation"}, "operate.post": {"供需对接", "Board"}})
	Register(AuditAction, map[string][2]string{
		"operate.price.propose": {"提出产品价格", "Price proposed"}, "operate.price.approve": {"批准产品价格", "Price approved"}, "operate.price.refuse": {"不批准产品价格", "Price refused"},
		"operate.feedback":         {"应用单位评价产品", "Product rated by a unit"},
		"operate.report.authority": {"报送主管部门定期报告", "Report filed with the authority"}, "operate.report.state_assets": {"报送国资部门定期报告", "Report filed with the state-assets body"},
		"operate.report.disclosure": {"发布年度信息披露", "Annual disclosure published"},
		"operate.evaluation.pass":   {"年度评估：合格", "Evaluation: pass"}, "operate.evaluation.fail": {"年度评估：不合格（退出）", "Evaluation: fail (exit)"},
		"operate.evaluation.rectify": {"年度评估：限期整改", "Evaluation: rectify"},
		"operate.post.need":          {"发布数据需求", "Need posted"}, "operate.post.offer": {"发布产品供给", "Offer posted"}, "operate.post.case": {"发布应用案例", "Case posted"},
		"operate.post.notice": {"发布政策通知", "Notice posted"}, "operate.post.close": {"关闭发布", "Board item closed"},
	})
	Register(JobName, map[string][2]string{"operate.disclosure": {"年度信息披露提醒", "Annual disclosure reminder"}})
}
