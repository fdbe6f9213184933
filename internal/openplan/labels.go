package openplan

import "pubdata/internal/vocab"

// Vocabularies of this package (labels in internal/vocab).
const (
	PriorityVocab     = "open.plan_priority"
	OutcomeVocab      = "open.review_outcome"
	ChangeVocab       = "open.review_change"
	DemandStateVocab  = "open.demand_state"
	AnswerKindVocab   = "open.demand_answer"
	ShowcaseKindVocab = "open.showcase_kind"
	ShowcaseStateVoc  = "open.showcase_state"
)

func init() {
	vocab.Register(PriorityVocab, map[string][2]string{"high": {"高", "High"}, "medium": {"中", "Medium"}, "low": {"低", "Low"}})
	vocab.Register(OutcomeVocab, map[string][2]string{"keep": {"维持不予开放", "Keep not open"}, "conditional": {"改为有条件开放", "Open conditionally"},
		"unconditional": {"改为无条件开放", "Open unconditionally"}})
	vocab.Register(ChangeVocab, map[string][2]string{"submitted": {"目录修订待主管部门审核", "Catalog revision under the authority's review"},
		"opened": {"已开放", "Opened"}, "returned": {"目录修订被退回或已撤销", "Catalog revision returned or withdrawn"}})
	vocab.Register(DemandStateVocab, map[string][2]string{"submitted": {"待答复", "Awaiting answer"}, "answered": {"已答复", "Answered"}})
	vocab.Register(AnswerKindVocab, map[string][2]string{"will_open": {"将予开放", "Will be opened"}, "conditional": {"可依申请有条件开放", "Available on application (conditional)"},
		"already_open": {"已开放", "Already open"}, "cannot": {"不能开放", "Cannot be opened"}})
	vocab.Register(ShowcaseKindVocab, map[string][2]string{"app": {"应用", "App"}, "research": {"研究成果", "Research"},
		"visualization": {"可视化", "Visualization"}, "service": {"服务", "Service"}})
	vocab.Register(ShowcaseStateVoc, map[string][2]string{"pending": {"待审核", "Awaiting moderation"}, "published": {"已展示", "Published"}, "rejected": {"不予展示", "Not shown"}})
	vocab.Register(vocab.AuditAction, map[string][2]string{
		"open.plan.save": {"保存年度开放计划", "Open plan saved"}, "open.plan.item": {"开放计划：列入数据", "Open plan: entry planned"},
		"open.plan.item_remove": {"开放计划：移出数据", "Open plan: entry removed"}, "open.review": {"不予开放数据定期评估", "Review of data not open"},
		"open.demand.file": {"提交开放需求", "Open-data demand filed"}, "open.demand.answer": {"答复开放需求", "Open-data demand answered"},
		"open.demand.escalate": {"开放需求逾期督办", "Open-data demand escalated"}, "open.demand.remind": {"开放需求到期提醒", "Open-data demand reminder"}, "open.showcase.submit": {"提交开发利用成果", "Reuse submitted"},
		"open.showcase.moderate": {"审核开发利用成果", "Reuse moderated"}})
	vocab.Register(vocab.ActionObject, map[string][2]string{"open.plan": {"年度开放计划", "Open plan"}, "open.demand": {"开放需求", "Open-data demand"},
		"open.showcase": {"开发利用成果", "Reuse showcase"}})
	vocab.Register(vocab.AuditObject, map[string][2]string{"open_plan": {"年度开放计划", "Open plan"}, "open_demand": {"开放需求", "Open-data demand"},
		"open_showcase": {"开发利用成果", "Reuse showcase item"}})
	vocab.Register(vocab.JobName, map[string][2]string{"open.demand.escalate": {"开放需求逾期督办", "Open-data demand escalation"},
		"open.demand.remind": {"开放需求到期提醒", "Open-data demand reminders"}})
}
