package authz

// DashboardAttrs say whose figures a dashboard shows: a region (the authority's view, SUP-7) or
// one organization (an agency's workbench).
type DashboardAttrs struct {
	Region string
	OrgID  string
}

// Dashboard decides who reads the supervision figures (SUP-7; nobody writes them, they are
// computed from the platform's records):
//   - a region's figures: the authority's staff whose region covers it, auditors and oversight
//     bodies of a covering region (read-only, the same view);
//   - one organization's figures (its workbench): its own data officers, approvers and security
//     officers, and whoever may read its region's.
func Dashboard(p *Principal, act Action, d DashboardAttrs) error {
	if act != Read {
		return deny(p)
	}
	regional := (p.IsAuthority() || p.Has(Auditor, Oversight)) && RegionCovers(p.RegionCode, d.Region)
	if d.OrgID == "" {
		return allow(regional, p)
	}
	own := p.Authenticated() && p.OrgID == d.OrgID && p.Has(DataOfficer, AgencyApprover, SecurityOfficer)
	return allow(own || regional, p)
}
