package vocab

// Vocabularies of agency supervision (SUP-2 … SUP-6).
const (
	NoticeState      = "supervise.notice_state"
	NoticeEvent      = "supervise.notice_event"
	NoticeSource     = "supervise.notice_source"
	NoticeKind       = "supervise.notice_kind"
	NoticeViolation  = "supervise.violation"
	ReportState      = "supervise.report_state"
	DishonestyState  = "supervise.dishonesty_state"
	DishonestyBasis  = "supervise.dishonesty_basis"
	AssessState      = "supervise.assess_state"
	AssessIndicator  = "supervise.assess_indicator"
	AssessFactSource = "supervise.assess_fact_source"
)

func init() {
	Register(NoticeState, map[string][2]string{"open": {"待整改", "Awaiting rectification"}, "responded": {"已答复，待认定", "Answered, awaiting decision"},
		"disputed": {"部门有异议", "Disputed by the agency"}, "escalated": {"逾期，已列入政府督办清单", "Overdue; on the government's supervision list"},
		"accepted": {"整改通过（办结）", "Rectified (closed)"}, "withdrawn": {"已撤销", "Withdrawn"}})
	Register(NoticeEvent, map[string][2]string{"issue": {"下达通知", "Notice issued"}, "respond": {"答复已整改", "Answer: rectified"},
		"dispute": {"提出异议", "Dispute"}, "accept": {"认定整改通过", "Accept"}, "reject": {"退回答复", "Reject the answer"},
		"refer": {"异议转协调与专家论证", "Refer the dispute to coordination and experts"}, "uphold": {"异议成立，撤销通知", "Uphold the dispute (withdraw)"},
		"dismiss": {"异议不成立，继续整改", "Dismiss the dispute"}, "withdraw": {"撤销通知", "Withdraw"},
		"escalate": {"逾期列入督办清单", "Put on the supervision list"}})
	Register(NoticeSource, map[string][2]string{"share_approval": {"共享申请逾期未审批", "Share request not decided in time"},
		"share_delivery": {"共享数据逾期未交付", "Approved share not delivered in time"}, "late_update": {"数据未按更新周期更新", "Data not updated on schedule"},
		"quality_fix": {"质量问题逾期未整改", "Quality fix overdue"}, "catalog_empty": {"未编制目录", "No catalog entries"},
		"entry_no_data": {"目录已发布但无数据", "Published entry without data"}, "system_uncataloged": {"信息系统数据未编目", "Information system without cataloged data"},
		"manual": {"主管部门登记", "Recorded by the authority"}})
	Register(NoticeKind, map[string][2]string{"supervise": {"督办通知", "Supervision notice"}, "rectify": {"整改通知", "Rectification notice"}})
	Register(NoticeViolation, map[string][2]string{"not_collecting": {"未按规定归集数据", "Not collecting data"},
		"not_cataloging": {"未按规定编目", "Not cataloging"}, "not_connecting": {"未按规定接入平台", "Not connecting to the platform"},
		"misuse": {"违规使用数据", "Misuse of data"}, "leak": {"泄露数据", "Data leak"}, "unauthorized_change": {"擅自变更、删除公共数据", "Unauthorized change or deletion"},
		"asking_again":     {"可共享获取的数据仍向群众重复索要", "Asking citizens again for shareable data"},
		"overdue_approval": {"共享审批逾期", "Overdue approval"}, "refusing_quality_fix": {"拒不整改质量问题", "Refusing quality fixes"},
		"late_update": {"未按周期更新数据", "Late data updates"}})
	Register(ReportState, map[string][2]string{"received": {"已受理", "Received"}, "handling": {"办理中", "Being handled"}, "answered": {"已答复", "Answered"}})
	Register(DishonestyState, map[string][2]string{"recorded": {"已登记（未公示）", "Recorded (not published)"}, "published": {"已公示", "Published"},
		"withdrawn": {"已撤销", "Withdrawn"}})
	Register(DishonestyBasis, map[string][2]string{"notice": {"督办/整改通知", "Supervision notice"}, "sanction": {"责令整改（处罚）", "Sanction"}})
	Register(AssessState, map[string][2]string{"draft": {"草稿", "Draft"}, "reviewed": {"已审核", "Reviewed"}, "published": {"已发布", "Published"}})
	Register(AssessIndicator, map[string][2]string{"catalog": {"目录完整性", "Catalog completeness"}, "timeliness": {"归集与更新及时性", "Collection and update timeliness"},
		"quality": {"数据质量", "Data quality"}, "aggregation": {"数据归集", "Aggregation"}, "sharing": {"共享开放量", "Sharing and opening volume"},
		"approval": {"审批及时性", "Approval timeliness"}, "security": {"安全", "Security"}})
	Register(AssessFactSource, map[string][2]string{"catalog_entries": {"目录条目", "Catalog entries"}, "ingest_tables": {"归集数据表", "Aggregated tables"},
		"ingest_late": {"更新逾期记录", "Late update flags"}, "quality_org_scores": {"质量评分", "Quality scores"}, "share_requests": {"共享申请", "Share requests"},
		"share_grants": {"共享授权", "Share grants"}, "sanctions": {"责令整改", "Sanctions"}, "sup_notices": {"督办/整改通知", "Supervision notices"},
		"security_records": {"安全运营记录", "Security records"}})
	Register(AuditAction, map[string][2]string{
		"supervision.notice.issue": {"下达督办/整改通知", "Supervision notice issued"}, "supervision.notice.respond": {"答复督办通知", "Notice answered"},
		"supervision.notice.dispute": {"对督办通知提出异议", "Notice disputed"}, "supervision.notice.accept": {"认定整改通过", "Rectification accepted"},
		"supervision.notice.reject": {"退回通知答复", "Notice answer rejected"}, "supervision.notice.refer": {"异议转协调与专家论证", "Dispute referred"},
		"supervision.notice.uphold": {"异议成立，撤销通知", "Dispute upheld"}, "supervision.notice.dismiss": {"异议不成立", "Dispute dismissed"},
		"supervision.notice.withdraw": {"撤销督办通知", "Notice withdrawn"}, "supervision.notice.escalate": {"逾期列入政府督办清单", "Put on the supervision list"},
		"supervision.report.file": {"提交违法违规使用举报", "Report of illegal use filed"}, "supervision.report.read": {"查阅举报", "Report read"},
		"supervision.report.handle": {"受理举报", "Report taken up"}, "supervision.report.answer": {"答复举报人", "Report answered"},
		"supervision.report.notice":     {"举报转督办通知", "Report turned into a notice"},
		"supervision.dishonesty.record": {"登记失信记录", "Dishonesty record entered"}, "supervision.dishonesty.publish": {"公示失信记录", "Dishonesty record published"},
		"supervision.dishonesty.withdraw": {"撤销失信记录", "Dishonesty record withdrawn"},
		"assessment.plan.create":          {"制定年度考核方案", "Assessment plan created"}, "assessment.plan.compute": {"计算考核得分", "Assessment scores computed"},
		"assessment.plan.review": {"审核考核结果", "Assessment reviewed"}, "assessment.plan.publish": {"发布考核结果", "Assessment published"},
		"assessment.plan.weights": {"调整考核指标与权重", "Assessment weights changed"}, "assessment.export": {"导出考核报告", "Assessment report exported"},
	})
	Register(ActionObject, map[string][2]string{"supervision.notice": {"督办通知", "Supervision notice"}, "supervision.report": {"举报", "Report"},
		"supervision.dishonesty": {"失信记录", "Dishonesty record"}, "assessment.plan": {"年度考核", "Annual assessment"}, "assessment": {"年度考核", "Annual assessment"}})
	Register(AuditObject, map[string][2]string{"supervision_notice": {"督办通知", "Supervision notice"}, "supervision_report": {"举报", "Report"},
		"dishonesty": {"失信记录", "Dishonesty record"}, "assessment_plan": {"年度考核", "Annual assessment"}})
	Register(JobName, map[string][2]string{"supervise.detect": {"发现部门违规并督办", "Detect agency violations and escalate"}})
}
