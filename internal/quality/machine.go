package quality

import (
	"slices"

	"pubdata/internal/apperr"
)

// transition is one row of a workflow table: in any of the From states, Event leads to To
// (To "" keeps the state: a note). Guard decides whether the caller may fire it.
type transition[C any] struct {
	From  []string
	Event string
	To    string
	Guard func(c C) error
}

// machine is a workflow written once as a table of (state, event) → state with guards; the API,
// the UI and the jobs all go through next.
type machine[C any] struct {
	name  string
	rows  []transition[C]
	final []string
}

// next returns the state after event from state, or why it cannot happen.
//
// The caller's right comes first: when no row of the event admits it in any state, its refusal is
// the answer — a reader who may not act hears 403, not the record's state.
func (m machine[C]) next(state, event string, c C) (string, error) {
	known, allowed := false, false
	var refusal error
	for _, t := range m.rows {
		if t.Event != event {
			continue
		}
		known = true
		if t.Guard == nil {
			allowed = true
		} else if err := t.Guard(c); err == nil {
			allowed = true
		} else if refusal == nil {
			refusal = err
		}
	}
	if known && !allowed {
		return "", refusal
	}
	for _, t := range m.rows {
		if t.Event != event {
			continue
		}
		known = true
		if !slices.Contains(t.From, state) {
			continue
		}
		if t.Guard != nil {
			if err := t.Guard(c); err != nil {
				return "", err
			}
		}
		if t.To == "" {
			return state, nil
		}
		return t.To, nil
	}
	if !known {
		return "", ErrBadEvent.With(apperr.Field("event", "未知操作："+event, "unknown action: "+event))
	}
	return "", ErrState.With(apperr.Field("event", "当前状态（"+state+"）不能执行"+event, "cannot "+event+" in state "+state))
}

// events lists the events a caller may fire from state (for the UI's buttons).
func (m machine[C]) events(state string, c C) []string {
	var out []string
	for _, t := range m.rows {
		if !slices.Contains(t.From, state) || slices.Contains(out, t.Event) {
			continue
		}
		if t.Guard != nil && t.Guard(c) != nil {
			continue
		}
		out = append(out, t.Event)
	}
	return out
}

func (m machine[C]) isFinal(state string) bool { return slices.Contains(m.final, state) }

// EventNames gives each workflow event's Chinese and English name (for histories).
var EventNames = map[string][2]string{
	"open":        {"下发整改任务", "Task opened"},
	"acknowledge": {"签收并开始整改", "Acknowledged"},
	"note":        {"补充说明", "Note"},
	"overdue":     {"逾期", "Overdue"},
	"escalate":    {"上报主管部门", "Escalated"},
	"pass":        {"复核通过，闭环", "Passed, closed"},
	"extend":      {"延长期限", "Extended"},
	"waive":       {"核销", "Waived"},
	"raise":       {"提出异议", "Raised"},
	"verify":      {"受理核实", "Verifying"},
	"correct":     {"更正并答复", "Corrected and answered"},
	"reject":      {"不予更正并答复", "Answered: not corrected"},
	"withdraw":    {"撤回", "Withdrawn"},
}
