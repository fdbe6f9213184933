package authz

// SanctionAttrs describe a sanction for the decision: the region of the subject and who the
// subject is (an organization, or one user).
type SanctionAttrs struct {
	Region      string
	SubjectKind string // org or user
	SubjectID   string
}

// Sanctions decides access to sanctions (处罚, SUP-1):
//   - issuing one and deciding on it (Create, Review) is for the authority's administrators
//     whose region covers the subject;
//   - the subject reports its rectification (Update): a member of the sanctioned organization,
//     or the sanctioned user;
//   - reading: the authority of the region, auditors and oversight bodies, and the subject.
//
// A refusal on a sanction the caller may not even read is answered as not found (unseen).
func Sanctions(p *Principal, act Action, s SanctionAttrs) error {
	err := sanctions(p, act, s)
	if act == Create || (s.Region == "" && s.SubjectID == "") {
		return err // a new sanction, or the list
	}
	return unseen(p, act, err, func() error { return sanctions(p, Read, s) })
}

func sanctions(p *Principal, act Action, s SanctionAttrs) error {
	authority := p.IsAuthority() && RegionCovers(p.RegionCode, s.Region)
	subject := p.Authenticated() && s.SubjectID != "" &&
		((s.SubjectKind == "org" && p.OrgID == s.SubjectID) || (s.SubjectKind == "user" && p.UserID == s.SubjectID))
	switch act {
	case Read:
		if s.Region == "" && s.SubjectID == "" { // the list: narrowed by the service
			return allow(p.Authenticated(), p)
		}
		return allow(authority || subject || p.Has(Auditor, Oversight), p)
	case Create, Review:
		return allow(authority && p.Has(AuthorityAdmin), p)
	case Update:
		return allow(subject, p)
	}
	return deny(p)
}

// Supervision decides access to the supervision of agencies (SUP-2, SUP-3, SUP-6): notices to an
// agency, dishonesty records and assessment scores. The rule is the sanctions' rule, the subject
// being the agency (SubjectKind org) or, for a dishonesty record, a user: the authority of the
// region reads; its administrators issue, decide, publish and withdraw (Create, Review); the
// subject reads its own and answers a notice (Update); auditors and oversight bodies read
// everything and change nothing. Region set and SubjectID empty is a region-wide record (an
// assessment plan): the authority of the region, auditors and oversight bodies read it.
func Supervision(p *Principal, act Action, s SanctionAttrs) error { return Sanctions(p, act, s) }

// Reports decides access to reports of illegal use (举报, SUP-4): anyone files one (Create), logged
// in or not; the authority of the region, auditors and oversight bodies read them; the
// authority's administrators handle and answer them (Review). region "" is the list.
func Reports(p *Principal, act Action, region string) error {
	authority := p.IsAuthority() && (region == "" || RegionCovers(p.RegionCode, region))
	var err error
	switch act {
	case Create:
		return nil
	case Read:
		err = allow(authority || p.Has(Auditor, Oversight), p)
	case Review:
		err = allow(authority && p.Has(AuthorityAdmin) && region != "", p)
	default:
		err = deny(p)
	}
	if region == "" {
		return err
	}
	return unseen(p, act, err, func() error { return Reports(p, Read, region) })
}
