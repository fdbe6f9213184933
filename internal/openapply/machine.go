package openapply

// State is where a conditional-opening application stands (申请状态).
type State string

const (
	StateNew       State = ""          // not filed yet
	StateSubmitted State = "submitted" // 待审核: filed; the provider decides by the due day
	StateApproved  State = "approved"  // 已批准，待签署协议: approved (possibly narrowed); the applicant signs
	StateRefused   State = "refused"   // 不予开放: refused with reason and legal basis
	StateActive    State = "active"    // 已签署协议，密钥已发放: signed; the key is issued
	StateWithdrawn State = "withdrawn" // 已撤回: the applicant withdrew before signing
	StateRevoked   State = "revoked"   // 已终止: the provider ended the approval; the key is revoked
)

// StateNames are the states' Chinese and English names.
var StateNames = map[State][2]string{
	StateSubmitted: {"待审核", "Awaiting decision"},
	StateApproved:  {"已批准，待签署使用协议", "Approved; sign the use agreement"},
	StateRefused:   {"不予开放", "Refused"},
	StateActive:    {"已签署协议，密钥已发放", "Agreement signed; key issued"},
	StateWithdrawn: {"已撤回", "Withdrawn"},
	StateRevoked:   {"已终止使用", "Use ended"},
}

// Final tells whether the application is closed.
func (s State) Final() bool { return s == StateRefused || s == StateWithdrawn || s == StateRevoked }

// Ev is a step of the workflow.
type Ev string

const (
	EvSubmit   Ev = "submit"   // 提交申请 (the applicant)
	EvApprove  Ev = "approve"  // 批准 (the provider; narrowing only)
	EvRefuse   Ev = "refuse"   // 不予开放 (the provider; reason and legal basis)
	EvSign     Ev = "sign"     // 签署使用协议 (the applicant; issues the key)
	EvWithdraw Ev = "withdraw" // 撤回申请 (the applicant, before signing)
	EvRevoke   Ev = "revoke"   // 终止使用 (the provider; revokes the key)
	EvEscalate Ev = "escalate" // 逾期督办 (system, once; the state does not change)
)

// machine is the workflow, one table: (state, event) → state. API, pages and the deadline job
// all go through Next.
var machine = map[State]map[Ev]State{
	StateNew:       {EvSubmit: StateSubmitted},
	StateSubmitted: {EvApprove: StateApproved, EvRefuse: StateRefused, EvWithdraw: StateWithdrawn, EvEscalate: StateSubmitted},
	StateApproved:  {EvSign: StateActive, EvWithdraw: StateWithdrawn, EvRevoke: StateRevoked},
	StateActive:    {EvRevoke: StateRevoked},
}

// Next is the state after ev in s, or false when ev is not allowed there.
func Next(s State, ev Ev) (State, bool) {
	to, ok := machine[s][ev]
	return to, ok
}

// applicantEvents are the steps the applicant takes; the others are the provider's.
func applicantStep(ev Ev) bool { return ev == EvSign || ev == EvWithdraw }
