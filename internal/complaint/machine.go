package complaint

// State is where a complaint stands (办理状态).
type State string

const (
	StateNew       State = ""          // not filed yet
	StateSuspended State = "suspended" // 已中止开放，待核实: filed; opening suspended at once
	StateVerifying State = "verifying" // 核实中: the provider is verifying
	StateWithdrawn State = "withdrawn" // 已撤回开放: the complaint holds; the data stays withdrawn
	StateRestored  State = "restored"  // 已恢复开放: the complaint does not hold (reason, legal basis)
	StateReopened  State = "reopened"  // 已处理并重新开放: the data was processed and re-opened
)

// StateNames are the states' Chinese and English names.
var StateNames = map[State][2]string{
	StateSuspended: {"已中止开放，待核实", "Suspended, awaiting verification"},
	StateVerifying: {"核实中", "Being verified"},
	StateWithdrawn: {"已撤回开放", "Withdrawn from opening"},
	StateRestored:  {"已恢复开放", "Opening restored"},
	StateReopened:  {"已处理并重新开放", "Processed and re-opened"},
}

// Final tells whether the complaint is closed (answered).
func (s State) Final() bool { return s == StateWithdrawn || s == StateRestored || s == StateReopened }

// Ev is a step of the workflow.
type Ev string

const (
	EvFile     Ev = "file"     // 提交投诉 (anyone; suspends at once)
	EvVerify   Ev = "verify"   // 开始核实 (provider)
	EvWithdraw Ev = "withdraw" // 撤回开放 (provider; the complaint holds)
	EvRestore  Ev = "restore"  // 恢复开放 (provider; the complaint does not hold)
	EvReopen   Ev = "reopen"   // 处理后重新开放 (provider)
	EvEscalate Ev = "escalate" // 逾期督办 (system, once; the state does not change)
)

// machine is the workflow, one table: (state, event) → state. Every step is audited by Act,
// File or Escalate.
var machine = map[State]map[Ev]State{
	StateNew:       {EvFile: StateSuspended},
	StateSuspended: {EvVerify: StateVerifying, EvWithdraw: StateWithdrawn, EvRestore: StateRestored, EvReopen: StateReopened, EvEscalate: StateSuspended},
	StateVerifying: {EvWithdraw: StateWithdrawn, EvRestore: StateRestored, EvReopen: StateReopened, EvEscalate: StateVerifying},
}

// Next is the state after ev in s, or false when ev is not allowed there.
func Next(s State, ev Ev) (State, bool) {
	to, ok := machine[s][ev]
	return to, ok
}
