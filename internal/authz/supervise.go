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
