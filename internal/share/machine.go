package share

import (
	"pubdata/internal/authz"
)

// State is where a share request stands (办理状态). The request carries its grant's life too, so
// the whole story — filing, routing, decision, delivery, use, suspension, end — is one machine.
type State string

const (
	StateNew       State = ""          // not filed yet
	StateRouting   State = "routing"   // 待转报: cross-level/region, waiting for the authority (SHR-8)
	StatePending   State = "pending"   // 待审批: waiting for the source agency's decision (SHR-4)
	StateApproved  State = "approved"  // 已同意待交付: approved, offline delivery outstanding
	StateActive    State = "active"    // 共享中: grant in force
	StateSuspended State = "suspended" // 已暂停 (SUP-1)
	StateRefused   State = "refused"   // 已拒绝 (reason + legal basis)
	StateWithdrawn State = "withdrawn" // 已撤回
	StateRevoked   State = "revoked"   // 已撤销
	StateExpired   State = "expired"   // 已到期 (SHR-10)
)

// StateNames gives each state's Chinese and English name.
var StateNames = map[State][2]string{
	StateRouting:   {"待主管部门转报", "Awaiting routing"},
	StatePending:   {"待审批", "Awaiting decision"},
	StateApproved:  {"已同意待交付", "Approved, delivery pending"},
	StateActive:    {"共享中", "Active"},
	StateSuspended: {"已暂停", "Suspended"},
	StateRefused:   {"已拒绝", "Refused"},
	StateWithdrawn: {"已撤回", "Withdrawn"},
	StateRevoked:   {"已撤销", "Revoked"},
	StateExpired:   {"已到期", "Expired"},
}

// Live tells whether a request still counts as the consumer's use of the entry (for the
// one-request-per-use rule).
func (s State) Live() bool {
	return s == StateRouting || s == StatePending || s == StateApproved || s == StateActive || s == StateSuspended
}

// Ev is something that happens to a request.
type Ev string

const (
	EvFile     Ev = "file"     // 提交
	EvForward  Ev = "forward"  // 转报 (authority)
	EvApprove  Ev = "approve"  // 同意 (source agency)
	EvRefuse   Ev = "refuse"   // 拒绝 (source agency, or the authority when routing)
	EvWithdraw Ev = "withdraw" // 撤回 (consumer)
	EvDeliver  Ev = "deliver"  // 交付 (provider records an offline hand-over)
	EvSuspend  Ev = "suspend"  // 暂停
	EvResume   Ev = "resume"   // 恢复
	EvRevoke   Ev = "revoke"   // 撤销
	EvExpire   Ev = "expire"   // 到期 (system)
	// EvCatalog is a catalog change the grant no longer fits (目录变更: entry withdrawn or not
	// shared, a granted field on the negative list, the mode no longer offered): the platform
	// suspends the grant at once, with the cause.
	EvCatalog Ev = "catalog"
)

// EventNames gives each event's Chinese and English name (for the history).
var EventNames = map[string][2]string{
	string(EvFile): {"提交申请", "Filed"}, string(EvForward): {"主管部门转报", "Routed by the authority"},
	string(EvApprove): {"同意共享", "Approved"}, string(EvRefuse): {"拒绝共享", "Refused"},
	string(EvWithdraw): {"撤回申请", "Withdrawn"}, string(EvDeliver): {"完成交付", "Delivered"},
	string(EvSuspend): {"暂停授权", "Suspended"}, string(EvResume): {"恢复授权", "Resumed"},
	string(EvRevoke): {"撤销授权", "Revoked"}, string(EvExpire): {"授权到期", "Expired"},
	string(EvCatalog): {"目录变更，授权暂停", "Suspended by a catalog change"},
	"remind":          {"期限提醒", "Reminder"}, "escalate": {"逾期督办", "Escalated (overdue)"},
	"renew": {"申请续期", "Renewal requested"}, "renew_approve": {"同意续期", "Renewal approved"},
	"renew_refuse": {"拒绝续期", "Renewal refused"}, "renew_withdraw": {"撤回续期申请", "Renewal withdrawn"},
}

// facts feed the guards.
type facts struct {
	cross    bool // consumer and entry are in different regions and the request has not been routed yet
	decision bool // the entry, a requested field or a clear-value wish needs the source agency's decision
	offline  bool // offline delivery (the provider must record the hand-over)
	refusal  bool // a reason and a legal basis were given
	// undelivered: an approved offline grant not handed over yet (resuming it returns to delivery)
	undelivered bool
	// Escalations: an urge names a new date; a referred matter has expert opinions.
	dated    bool
	date     string
	opinions bool
}

// transition is one row of the machine: in state From, event Event leads to To when Guard holds;
// Act is the authorization action the actor needs ("" = the platform itself).
type transition struct {
	From  State
	Event Ev
	Guard func(facts) bool
	To    State
	Act   authz.Action
}

func always(facts) bool        { return true }
func crossRegion(f facts) bool { return f.cross }
func needsDecision(f facts) bool {
	return !f.cross && f.decision
}
func atOnceOnline(f facts) bool  { return !f.cross && !f.decision && !f.offline }
func atOnceOffline(f facts) bool { return !f.cross && !f.decision && f.offline }
func online(f facts) bool        { return !f.offline }
func offline(f facts) bool       { return f.offline }
func reasoned(f facts) bool      { return f.refusal }
func undelivered(f facts) bool   { return f.undelivered }

// machine is the share workflow, read top to bottom: the first row whose state, event and
// guard match decides. Deadlines start on entering a state (see dueFor).
var machine = []transition{
	// Filing (SHR-2): cross-region requests go to the authority first (SHR-8); conditional ones
	// to the source agency (SHR-4); unconditional ones are granted at once (SHR-3).
	{StateNew, EvFile, crossRegion, StateRouting, authz.Create},
	{StateNew, EvFile, needsDecision, StatePending, authz.Create},
	{StateNew, EvFile, atOnceOnline, StateActive, authz.Create},
	{StateNew, EvFile, atOnceOffline, StateApproved, authz.Create},

	{StateRouting, EvForward, needsDecision, StatePending, authz.ShareForward},
	{StateRouting, EvForward, atOnceOnline, StateActive, authz.ShareForward},
	{StateRouting, EvForward, atOnceOffline, StateApproved, authz.ShareForward},
	{StateRouting, EvRefuse, reasoned, StateRefused, authz.ShareForward},
	{StateRouting, EvWithdraw, always, StateWithdrawn, authz.ShareWithdraw},

	{StatePending, EvApprove, online, StateActive, authz.ShareDecide},
	{StatePending, EvApprove, offline, StateApproved, authz.ShareDecide},
	{StatePending, EvRefuse, reasoned, StateRefused, authz.ShareDecide},
	{StatePending, EvWithdraw, always, StateWithdrawn, authz.ShareWithdraw},

	{StateApproved, EvDeliver, always, StateActive, authz.ShareDeliver},
	{StateApproved, EvRevoke, always, StateRevoked, authz.ShareRevoke},
	{StateApproved, EvExpire, always, StateExpired, ""},
	{StateApproved, EvCatalog, always, StateSuspended, ""},

	{StateActive, EvDeliver, always, StateActive, authz.ShareDeliver}, // further offline hand-overs
	{StateActive, EvSuspend, always, StateSuspended, authz.ShareSuspend},
	{StateActive, EvRevoke, always, StateRevoked, authz.ShareRevoke},
	{StateActive, EvExpire, always, StateExpired, ""},
	{StateActive, EvCatalog, always, StateSuspended, ""},

	{StateSuspended, EvResume, undelivered, StateApproved, authz.ShareSuspend},
	{StateSuspended, EvResume, always, StateActive, authz.ShareSuspend},
	{StateSuspended, EvRevoke, always, StateRevoked, authz.ShareRevoke},
	{StateSuspended, EvExpire, always, StateExpired, ""},
	{StateSuspended, EvCatalog, always, StateSuspended, ""}, // a further change: the cause is updated
}

// mayEver answers the refusal when p may take event ev in no state of the table at all (decide
// answers for one action), and nil when some state allows it: a caller is refused for what it is
// before it is told that the step does not fit the record's state — which would tell a reader
// nothing new, but would let anybody else learn the state of a record it may not see.
func mayEver(table []transition, ev Ev, decide func(authz.Action) error) error {
	var first error
	for _, t := range table {
		if t.Event != ev || t.Act == "" {
			continue
		}
		err := decide(t.Act)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// next finds the transition for an event in a state.
func next(from State, ev Ev, f facts) (transition, bool) {
	for _, t := range machine {
		if t.From == from && t.Event == ev && t.Guard(f) {
			return t, true
		}
	}
	return transition{}, false
}

// dueFor names the deadline that runs while a request is in a state, and how many working days
// it gives.
func (s *Service) dueFor(st State) (string, int) {
	switch st {
	case StateRouting:
		return "forward", s.ForwardDays
	case StatePending:
		return "decide", s.DecideDays
	case StateApproved:
		return "deliver", s.DeliverDays
	}
	return "", 0
}

// grantStatus is the gateway-facing status of a grant whose request is in st.
func grantStatus(st State) GrantStatus {
	switch st {
	case StateApproved:
		return GrantPending
	case StateActive:
		return GrantActive
	case StateSuspended:
		return GrantSuspended
	case StateRevoked, StateWithdrawn, StateRefused:
		return GrantRevoked
	case StateExpired:
		return GrantExpired
	}
	return GrantPending
}
