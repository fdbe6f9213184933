package authz

import "slices"

// Aggregation actions (数据归集) beyond the common ones.
const (
	IngestReadData Action = "ingest.read_data" // read the stored rows themselves (not just versions and reports)
	IngestPull     Action = "ingest.pull"      // run a table pull now
)

// IngestAttrs are the facts about a catalog entry's aggregated data that decide access to it.
type IngestAttrs struct {
	EntryID       string
	ProviderOrgID string
	SourceOrgID   string // 数源部门
	RegionCode    string
}

// Ingest decides access to an entry's aggregated data (AGG-1 … AGG-5):
//   - create (load a file, push a batch): the provider agency's data officer or approver. An API
//     token must carry the "ingest" scope and be bound to this entry (subject = entry id); a
//     "*" token of such a user may load any of the agency's entries;
//   - read (versions, quality reports, sources, freshness): the provider's and the source
//     agency's staff, authority staff whose region covers the entry, auditors and oversight;
//   - ingest.read_data (the rows): the provider's and source agency's data officers, approvers and
//     security officers, and authority administrators of a covering region;
//   - manage (register source databases, issue push tokens, retention) and ingest.pull: the
//     provider's data officer or approver; retention and pulls also covering authority admins.
//
// Tokens may only create (push) or read; everything else needs a session.
//
// A refusal on an entry whose data the caller may not even read is answered as not found (unseen).
func Ingest(p *Principal, act Action, e IngestAttrs) error {
	err := ingest(p, act, e)
	return unseen(p, act, err, func() error { return ingest(p, Read, e) })
}

func ingest(p *Principal, act Action, e IngestAttrs) error {
	if !p.Authenticated() {
		return deny(p)
	}
	if p.TokenID != "" {
		switch act {
		case Create:
			bound := p.Subject == e.EntryID || (p.Subject == "" && slices.Contains(p.Scopes, "*"))
			if !p.Scoped("ingest") || !bound {
				return deny(p)
			}
		case Read, IngestReadData:
			if !p.Scoped("read") && !(p.Scoped("ingest") && p.Subject == e.EntryID) {
				return deny(p)
			}
		default:
			return deny(p)
		}
	}
	provider := p.OrgID != "" && p.OrgID == e.ProviderOrgID && p.OrgKind.IsDataHolder()
	source := p.OrgID != "" && p.OrgID == e.SourceOrgID && p.OrgKind.IsDataHolder()
	covers := p.IsAuthority() && RegionCovers(p.RegionCode, e.RegionCode)
	switch act {
	case Create:
		return allow(provider && p.Has(DataOfficer, AgencyApprover), p)
	case Read:
		return allow(provider || source || covers || p.Has(Auditor, Oversight), p)
	case IngestReadData:
		return allow(((provider || source) && p.Has(DataOfficer, AgencyApprover, SecurityOfficer)) ||
			(covers && p.Has(AuthorityAdmin)), p)
	case Manage:
		return allow(provider && p.Has(DataOfficer, AgencyApprover) || covers && p.Has(AuthorityAdmin), p)
	case IngestPull:
		return allow(provider && p.Has(DataOfficer, AgencyApprover) || covers && p.Has(AuthorityAdmin), p)
	}
	return deny(p)
}

// Data return actions (数据回流, AGG-6).
const (
	ReturnRequest Action = "return.request" // a lower-level authority asks for an entry's data
	ReturnDecide  Action = "return.decide"  // the upper-level authority approves or refuses
	ReturnFetch   Action = "return.fetch"   // the lower region downloads the returned data
)

// ReturnAttrs are the facts of a data return request.
type ReturnAttrs struct {
	EntryRegion  string // region of the catalog entry (the upper level holding the data)
	ToRegion     string // the lower region the data flows back to
	RequesterOrg string
}

// DataReturn decides the flow of data between levels (NM 19, BT 20): an authority administrator
// of a region strictly below the entry's region requests a return to its own region; an authority
// administrator or reviewer whose region covers the entry's region decides; the requesting
// authority's administrators fetch the approved data; both sides, auditors and oversight read.
func DataReturn(p *Principal, act Action, r ReturnAttrs) error {
	err := dataReturn(p, act, r)
	if act == ReturnRequest {
		return err // names a published entry, not a return the caller may not see
	}
	return unseen(p, act, err, func() error { return dataReturn(p, Read, r) })
}

func dataReturn(p *Principal, act Action, r ReturnAttrs) error {
	if !p.Authenticated() || p.TokenID != "" {
		return deny(p)
	}
	lower := r.ToRegion != r.EntryRegion && RegionCovers(r.EntryRegion, r.ToRegion)
	switch act {
	case ReturnRequest:
		return allow(lower && p.IsAuthority() && p.Has(AuthorityAdmin) && p.RegionCode == r.ToRegion, p)
	case ReturnDecide:
		return allow(lower && p.IsAuthority() && RegionCovers(p.RegionCode, r.EntryRegion), p)
	case ReturnFetch:
		return allow(lower && p.IsAuthority() && p.Has(AuthorityAdmin) && p.RegionCode == r.ToRegion, p)
	case Read:
		return allow(p.IsAuthority() && (RegionCovers(p.RegionCode, r.EntryRegion) || p.RegionCode == r.ToRegion) ||
			p.Has(Auditor, Oversight), p)
	}
	return deny(p)
}

// BaseDB decides lookups in the base databases (基础库: population, legal persons, credit,
// e-licenses, spatial; AGG-4), which fuse many agencies' data about one person or enterprise:
// authority staff (administrators and reviewers) only. Agencies reach the same data through
// share grants.
//
// Defining subject and thematic databases (主题库/专题库) across agencies' entries (Manage) is for
// the authority's administrators.
func BaseDB(p *Principal, act Action) error {
	if p.TokenID != "" && !p.Scoped("read") || act != Read && !p.Scoped("write") {
		return deny(p)
	}
	switch act {
	case Read:
		return allow(p.IsAuthority(), p)
	case Manage:
		return allow(p.IsAuthority() && p.Has(AuthorityAdmin), p)
	}
	return deny(p)
}
