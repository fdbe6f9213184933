package authz

import (
	"net/http"

	"pubdata/internal/apperr"
)

// Open actions (开放, OPN): reading an open dataset's data (download, preview, API records) and
// the provider's and authority's steps on it.
const (
	OpenRead     Action = "open.read"     // download, preview or call the open API (开放数据获取)
	OpenSettings Action = "open.settings" // set licence, coverage and small-count suppression (开放设置)
	OpenSuspend  Action = "open.suspend"  // suspend or restore a dataset's opening (暂停/恢复开放)
	OpenKeys     Action = "open.keys"     // create, list and revoke one's own open API keys
	OpenApply    Action = "open.apply"    // apply for a conditionally open dataset (有条件开放申请)
	OpenDecide   Action = "open.decide"   // approve, refuse or revoke a conditional-opening application
	OpenManage   Action = "open.manage"   // open plans, reviews of entries not open, answers to open-data demands
	OpenModerate Action = "open.moderate" // moderate the reuse showcase
)

// OpenAttrs are the facts that decide access to an open dataset (开放数据集).
type OpenAttrs struct {
	OpenType      string // the entry's open type: unconditional | conditional | none (vocab.OpenType codes)
	ProviderOrgID string
	SourceOrgID   string
	RegionCode    string
	// KeyCovers: the call came with a valid open API key (not expired, not revoked) whose scope
	// names this dataset — the key a conditional-opening approval issues (OPN-3).
	KeyCovers bool
}

// ErrOpenKeyNeeded answers a call for conditionally open data without a key that covers it.
var ErrOpenKeyNeeded = apperr.New(http.StatusForbidden, "open_key_required",
	"该数据集为有条件开放，须持有经批准、覆盖该数据集的开放接口密钥", "this dataset is conditionally open: a key approved for it is required")

// Open decides access to open data (OPN-2, OPN-3):
//   - OpenRead: anyone, logged in or not, reads unconditionally open data; conditionally open
//     data only with an open API key that covers the dataset; data not open, nobody through
//     the open channel.
//   - OpenSettings: the provider's (or source agency's) data officer and approver; the authority
//     covering the entry's region.
//   - OpenSuspend: the provider's approver and security officer, and the authority covering the
//     region (rights complaints, sanctions); auditors cannot.
//   - OpenKeys: any logged-in user (its own keys); a token may not mint keys.
//   - OpenApply: a registered public user (natural or legal person) applies for a conditionally
//     open dataset; a token may not.
//   - OpenDecide: the provider's approver decides on an application (OPN-3); the authority
//     covering the region may too (it supervises the deadline); auditors cannot.
//   - OpenManage: an agency's data officer and approver for its own plans, reviews and answers
//     (OPN-1, OPN-6, OPN-7); the authority covering the region; auditors and oversight only read.
//   - OpenModerate: the authority (the reuse showcase).
func Open(p *Principal, act Action, o OpenAttrs) error {
	provider := p.Authenticated() && p.OrgID != "" && (p.OrgID == o.ProviderOrgID || p.OrgID == o.SourceOrgID)
	authority := p.IsAuthority() && CoversRegion(p.RegionCode, o.RegionCode)
	switch act {
	case OpenRead:
		switch o.OpenType {
		case "unconditional":
			return nil
		case "conditional":
			if o.KeyCovers {
				return nil
			}
			return ErrOpenKeyNeeded
		}
		return apperr.NotFound
	case Read:
		return allow(provider || authority || p.Has(Auditor, Oversight), p)
	case OpenSettings:
		if p.TokenID != "" {
			return deny(p)
		}
		return allow((provider && p.Has(DataOfficer, AgencyApprover)) || authority, p)
	case OpenSuspend:
		if p.TokenID != "" {
			return deny(p)
		}
		return allow((provider && p.Has(AgencyApprover, SecurityOfficer)) || authority, p)
	case OpenKeys:
		if p.TokenID != "" {
			return deny(p)
		}
		return allow(p.Authenticated(), p)
	case OpenApply:
		if p.TokenID != "" {
			return deny(p)
		}
		return allow(p.Authenticated() && p.Has(PublicUser) && o.OpenType == "conditional", p)
	case OpenDecide:
		if p.TokenID != "" {
			return deny(p)
		}
		return allow((provider && p.Has(AgencyApprover)) || authority, p)
	case OpenManage:
		if p.TokenID != "" {
			return deny(p)
		}
		return allow((provider && p.Has(DataOfficer, AgencyApprover)) || authority, p)
	case OpenModerate:
		if p.TokenID != "" {
			return deny(p)
		}
		return allow(p.IsAuthority(), p)
	}
	return deny(p)
}
