package authz

import "slices"

// Share actions (共享) beyond the generic Read/Create: each names one step of the share workflow
// (SHR-2 … SHR-11) so the matrix test can list who may take it.
const (
	ShareWithdraw  Action = "share.withdraw"  // consumer withdraws its request
	ShareDecide    Action = "share.decide"    // provider/source agency approves or refuses (审批)
	ShareForward   Action = "share.forward"   // authority routes a cross-level/cross-region request (转报)
	ShareDeliver   Action = "share.deliver"   // provider records an (offline) delivery (交付)
	ShareSuspend   Action = "share.suspend"   // suspend or resume a grant (暂停/恢复)
	ShareRevoke    Action = "share.revoke"    // end a grant before its end date (撤销)
	ShareIssue     Action = "share.issue"     // consumer issues the grant's credential (凭证)
	ShareReport    Action = "share.report"    // consumer files a use-and-effect report (使用评价)
	ShareUse       Action = "share.use"       // a gateway call under the grant (共享网关调用)
	ShareSupervise Action = "share.supervise" // authority's supervision board (督办)
)

// ShareAttrs are the facts about a share request (共享申请) or its grant (共享授权) that decide
// access: who consumes, who provides (the entry's provider and its source agency both count),
// and the regions on either side.
type ShareAttrs struct {
	ConsumerOrgID  string
	ProviderOrgIDs []string // provider agency and source agency (数源部门) of the entry
	EntryRegion    string
	ConsumerRegion string
	GrantID        string // for ShareUse: the grant a gateway token must be bound to
}

// CoversRegion tells whether an authority of region auth supervises region r: its own region and
// every region below it (province XX0000 → its cities and counties; city XXXX00 → its counties).
func CoversRegion(auth, r string) bool {
	if auth == "" || r == "" || len(auth) != 6 || len(r) != 6 {
		return false
	}
	switch {
	case auth == r:
		return true
	case auth[2:] == "0000":
		return r[:2] == auth[:2]
	case auth[4:] == "00":
		return r[:4] == auth[:4]
	}
	return false
}

// Share decides every step of inter-agency sharing. Consumer staff file, withdraw, issue the
// credential and report on use; the provider's approver decides, suspends and revokes; its data
// officer records deliveries; the authority of the consumer's region routes cross-region requests,
// supervises overdue items and may suspend or revoke (sanctions, SUP-1); auditors and oversight
// bodies read. Nobody decides a request its own agency filed, whatever roles it holds. An API token may do nothing here except call the gateway under the one grant it
// is bound to (scope "gateway", subject = grant id) — and a gateway call needs such a token.
//
// A refusal on a request or grant the caller may not even read is answered as not found (unseen).
func Share(p *Principal, act Action, s ShareAttrs) error {
	err := shareDecision(p, act, s)
	if act == Create || act == ShareUse || act == ShareSupervise {
		return err // not addressed to one record the caller names (the gateway's grant is its token's)
	}
	return unseen(p, act, err, func() error { return shareDecision(p, Read, s) })
}

func shareDecision(p *Principal, act Action, s ShareAttrs) error {
	if !p.Authenticated() {
		return deny(p)
	}
	inOrg := p.OrgID != ""
	consumer := inOrg && p.OrgID == s.ConsumerOrgID
	provider := inOrg && slices.Contains(s.ProviderOrgIDs, p.OrgID)
	authority := p.IsAuthority() && (CoversRegion(p.RegionCode, s.EntryRegion) || CoversRegion(p.RegionCode, s.ConsumerRegion))
	staff := p.Has(DataOfficer, AgencyApprover, SecurityOfficer)
	if p.TokenID != "" {
		if act == ShareUse {
			return allow(consumer && s.GrantID != "" && p.Subject == s.GrantID && p.Scoped("gateway"), p)
		}
		return deny(p)
	}
	switch act {
	case Read:
		return allow(((consumer || provider) && staff) || authority || p.Has(Auditor, Oversight), p)
	case Create:
		return allow(consumer && p.OrgKind.IsDataHolder() && p.Has(DataOfficer, AgencyApprover), p)
	case ShareWithdraw, ShareIssue, ShareReport:
		return allow(consumer && p.Has(DataOfficer, AgencyApprover), p)
	case ShareDecide:
		if !provider || !p.Has(AgencyApprover) {
			return deny(p)
		}
		return allow(!consumer, p, errOwnWork) // nobody decides a request its own agency filed (职责分离)
	case ShareForward:
		return allow(p.IsAuthority() && CoversRegion(p.RegionCode, s.ConsumerRegion), p)
	case ShareDeliver:
		return allow(provider && p.Has(DataOfficer, AgencyApprover), p)
	case ShareSuspend:
		return allow((provider && p.Has(AgencyApprover)) || (authority && p.Has(AuthorityAdmin)), p)
	case ShareRevoke:
		return allow((provider && p.Has(AgencyApprover)) || (consumer && p.Has(AgencyApprover)) || (authority && p.Has(AuthorityAdmin)), p)
	case ShareSupervise:
		return allow(p.IsAuthority() || p.Has(Oversight), p)
	}
	return deny(p)
}

// DemandAttrs are the facts about a demand-list item (需求清单) that decide access.
type DemandAttrs struct {
	RequesterOrgID string
	AssignedOrgID  string // the source agency the authority assigned (责任清单)
	Region         string // the region whose authority reviews it
}

// ShareDemand decides the demand list and responsibility list (SHR-7): data-holding agencies file
// demands for data not yet cataloged; the region's authority reviews and assigns a source agency
// (Review); the assigned agency answers, refuses, completes or returns it (ShareDecide).
func ShareDemand(p *Principal, act Action, d DemandAttrs) error {
	err := shareDemand(p, act, d)
	if act == Create {
		return err
	}
	return unseen(p, act, err, func() error { return shareDemand(p, Read, d) })
}

func shareDemand(p *Principal, act Action, d DemandAttrs) error {
	if !p.Authenticated() || p.TokenID != "" {
		return deny(p)
	}
	inOrg := p.OrgID != ""
	requester := inOrg && p.OrgID == d.RequesterOrgID
	assigned := inOrg && d.AssignedOrgID != "" && p.OrgID == d.AssignedOrgID
	authority := p.IsAuthority() && CoversRegion(p.RegionCode, d.Region)
	switch act {
	case Read:
		return allow(((requester || assigned) && p.Has(DataOfficer, AgencyApprover, SecurityOfficer)) || authority || p.Has(Auditor, Oversight), p)
	case Create:
		return allow(requester && p.OrgKind.IsDataHolder() && p.Has(DataOfficer, AgencyApprover), p)
	case ShareWithdraw:
		return allow(requester && p.Has(DataOfficer, AgencyApprover), p)
	case Review:
		return allow(authority, p)
	case ShareDecide:
		if !assigned || !p.Has(DataOfficer, AgencyApprover) {
			return deny(p)
		}
		return allow(!requester, p, errOwnWork) // an agency does not answer its own demand (职责分离)
	}
	return deny(p)
}

// Escalation actions (督办): the supervising authority handles an escalated item — urges with a
// new date, coordinates, refers it to the expert committee and decides; experts record opinions
// on what was referred to them.
const (
	EscalationHandle  Action = "escalation.handle"
	EscalationOpinion Action = "escalation.opinion"
)

// EscalationAttrs are the facts about an escalation (督办件) that decide access: the region
// whose authority supervises it, the parties (the agencies on either side of its subject), and
// whether it was referred to the expert committee.
type EscalationAttrs struct {
	Region   string
	Parties  []string
	Referred bool
}

// Escalation decides the escalation workflow: the authority covering its region handles it
// (never when its own agency is a party — 职责分离); experts give opinions once it is referred
// to them; the parties' staff, auditors and oversight bodies read it.
func Escalation(p *Principal, act Action, e EscalationAttrs) error {
	if !p.Authenticated() || p.TokenID != "" {
		return deny(p)
	}
	party := p.OrgID != "" && slices.Contains(e.Parties, p.OrgID)
	authority := p.IsAuthority() && CoversRegion(p.RegionCode, e.Region)
	switch act {
	case Read:
		return allow((party && p.Has(DataOfficer, AgencyApprover, SecurityOfficer)) || authority || p.Has(Auditor, Oversight) ||
			(e.Referred && p.Has(Expert)), p)
	case EscalationHandle:
		if !authority {
			return deny(p)
		}
		return allow(!party, p, errOwnWork)
	case EscalationOpinion:
		return allow(e.Referred && p.Has(Expert), p)
	}
	return deny(p)
}

// NationalAttrs describe a request for national-platform data (NM 25 ¶2).
type NationalAttrs struct {
	OrgID       string
	RegionCode  string
	AuthorityID string // the province authority that coordinates it
}

// NationalRequest decides access to requests for national-platform data:
//   - file (Create) and withdraw (Update): the requesting agency's data officers and approvers;
//   - coordinate (Review: forward to the national platform, record the answer, decline): the
//     administrators and reviewers of the coordinating province authority;
//   - read: the agency, the coordinating authority, authority staff covering the agency's
//     region, auditors and oversight bodies.
//
// A refusal on a request the caller may not even read is answered as not found (unseen).
func NationalRequest(p *Principal, act Action, n NationalAttrs) error {
	err := nationalRequest(p, act, n)
	if act == Create || n.OrgID == "" {
		return err
	}
	return unseen(p, act, err, func() error { return nationalRequest(p, Read, n) })
}

func nationalRequest(p *Principal, act Action, n NationalAttrs) error {
	if act != Read && !p.Scoped("write") {
		return deny(p)
	}
	own := p.Authenticated() && p.OrgID != "" && p.OrgID == n.OrgID
	switch act {
	case Read:
		if n.OrgID == "" {
			return allow(p.Authenticated(), p)
		}
		return allow(own || p.OrgID == n.AuthorityID || ReadsAllCatalogs(p, n.RegionCode), p)
	case Create, Update:
		return allow(own && p.OrgKind.IsDataHolder() && p.Has(DataOfficer, AgencyApprover), p)
	case Review:
		return allow(p.IsAuthority() && p.OrgID == n.AuthorityID, p)
	}
	return deny(p)
}
