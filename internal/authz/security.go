package authz

// SecurityRecords decides access to security operation records (安全运营记录, SEC-6, SEC-9):
// checks, assessments, plans, drills, incidents and third-party providers belong to a region.
//   - keeping them (Create, Update: response steps, notification duties, closing) is for the
//     administrators and security officers of an authority whose region covers the record's;
//   - reading: such an authority's administrators, reviewers and security officers, auditors and oversight bodies (every region).
//
// region "" with Read is the list, which the service narrows to the caller's region. A refusal on
// a record the caller may not even read is answered as not found (unseen).
func SecurityRecords(p *Principal, act Action, region string) error {
	err := securityRecords(p, act, region)
	if region == "" {
		return err
	}
	return unseen(p, act, err, func() error { return securityRecords(p, Read, region) })
}

func securityRecords(p *Principal, act Action, region string) error {
	covers := p.Authenticated() && p.OrgKind == KindAuthority && (region == "" || RegionCovers(p.RegionCode, region))
	switch act {
	case Read:
		return allow(covers && p.Has(AuthorityAdmin, AuthorityReviewer, SecurityOfficer) || p.Has(Auditor, Oversight), p)
	case Create, Update:
		return allow(covers && p.Has(AuthorityAdmin, SecurityOfficer), p)
	}
	return deny(p)
}

// SecurityRegionFilter is the region the caller's list of security records is narrowed to
// ("" = every region: auditors and oversight bodies).
func SecurityRegionFilter(p *Principal) string {
	if p.Has(Auditor, Oversight) {
		return ""
	}
	return p.RegionCode
}
