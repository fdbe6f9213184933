package authz

import (
	"net/http"
	"strings"

	"pubdata/internal/apperr"
)

// QualityAttrs describes what a quality rule, correction task or score is about: the entry's
// provider and source agencies (for a task: the agency it is assigned to) and its region.
type QualityAttrs struct {
	ProviderOrgID string
	SourceOrgID   string
	RegionCode    string
}

// qualityRegion tells whether region lies inside (or is) the principal's region: a province
// authority (150000) covers every 15xxxx code, a city authority (150200) every 1502xx code.
func qualityRegion(p *Principal, region string) bool {
	if p == nil || p.RegionCode == "" {
		return false
	}
	own := p.RegionCode
	for strings.HasSuffix(own, "00") && len(own) > 2 {
		own = own[:len(own)-2]
	}
	return region == "" || strings.HasPrefix(region, own)
}

// qualityScope checks an API token's scope for an action: reads need "read", changes "write".
func qualityScope(p *Principal, act Action) bool {
	if act == Read {
		return p.Scoped("read") || p.Scoped("write")
	}
	return p.Scoped("write")
}

// owns tells whether the principal is data staff (data officer, approver, security officer) of
// the provider or source agency.
func (q QualityAttrs) owns(p *Principal) bool {
	return p.Authenticated() && p.OrgID != "" && (p.OrgID == q.ProviderOrgID || p.OrgID == q.SourceOrgID) &&
		p.Has(DataOfficer, AgencyApprover, SecurityOfficer)
}

// QualityRule decides access to an entry's configurable quality rules (质量规则, QUA-1): the
// region's authority, auditors, oversight bodies and the provider's or source agency's data
// staff read them; the authority (administrators, reviewers) and the provider's or source agency's
// data officer create, change and delete them.
func QualityRule(p *Principal, act Action, q QualityAttrs) error {
	err := qualityRule(p, act, q)
	return unseen(p, act, err, func() error { return qualityRule(p, Read, q) })
}

func qualityRule(p *Principal, act Action, q QualityAttrs) error {
	if !qualityScope(p, act) {
		return deny(p)
	}
	authority := p.IsAuthority() && qualityRegion(p, q.RegionCode)
	switch act {
	case Read:
		return allow(authority || p.Has(Auditor, Oversight) || q.owns(p), p)
	case Create, Update, Delete:
		return allow(authority || (q.owns(p) && p.Has(DataOfficer)), p)
	}
	return deny(p)
}

// CorrectionTask decides access to a correction task (整改任务, QUA-2) assigned to the agency
// q.ProviderOrgID: its data staff, the region's authority, auditors and oversight bodies read it; the
// agency's data officer or approver acknowledges it and adds progress notes (Update); the
// authority adds notes too, and extends or waives it (Manage).
func CorrectionTask(p *Principal, act Action, q QualityAttrs) error {
	err := correctionTask(p, act, q)
	return unseen(p, act, err, func() error { return correctionTask(p, Read, q) })
}

func correctionTask(p *Principal, act Action, q QualityAttrs) error {
	if !qualityScope(p, act) {
		return deny(p)
	}
	authority := p.IsAuthority() && qualityRegion(p, q.RegionCode)
	assignee := p.Authenticated() && p.OrgID != "" && p.OrgID == q.ProviderOrgID
	switch act {
	case Read:
		return allow(authority || p.Has(Auditor, Oversight) || (assignee && p.Has(DataOfficer, AgencyApprover, SecurityOfficer)), p)
	case Update:
		return allow(authority || (assignee && p.Has(DataOfficer, AgencyApprover)), p)
	case Manage:
		return allow(authority, p)
	}
	return deny(p)
}

// QualityScores decides who sees quality scores and trends of an entry or agency: the
// authority, auditors, oversight bodies and experts, and the data staff of any data-holding
// agency (scores are a shared governance yardstick, not data). Public users, enterprises,
// operators and application units do not.
func QualityScores(p *Principal, act Action, q QualityAttrs) error {
	if act != Read || !qualityScope(p, act) {
		return deny(p)
	}
	return allow(p.IsAuthority() || p.Has(Auditor, Oversight, Expert) || q.owns(p) ||
		(p.Authenticated() && p.OrgID != "" && p.OrgKind.IsDataHolder() && p.Has(DataOfficer, AgencyApprover, SecurityOfficer)), p)
}

// QualitySettings decides who reads and changes the quality deadlines: everyone logged in
// reads; authority administrators change.
func QualitySettings(p *Principal, act Action) error {
	if act == Read {
		return allow(p.Authenticated(), p)
	}
	return allow(p.Has(AuthorityAdmin) && p.OrgKind == KindAuthority && qualityScope(p, act), p)
}

// ObjectionAttrs describes an objection (异议, QUA-3) for authorization.
type ObjectionAttrs struct {
	ProviderOrgID  string // the agency that answers it
	RegionCode     string // the entry's region
	ObjectorUserID string // who raised it ("" while it is being raised)
	// Record is set when the objection is about one record (a key), not the entry as a whole.
	Record bool
	// Verified is set when the caller's real-name identity is verified (users.verified_at).
	Verified bool
	// AboutCaller is set by the service when the record is about the caller: it carries the
	// caller's own citizen ID number (users.id_number) or the credit code of the caller's
	// organization (orgs.credit_code).
	AboutCaller bool
}

// ErrUnverified refuses a record-level objection from a data subject whose real-name identity is
// not verified yet, and says how to get verified.
var ErrUnverified = apperr.New(http.StatusForbidden, "quality.identity_unverified",
	"完成实名核验后，才能对与您本人有关的具体记录提出异议。请携带身份证件（法人携带营业执照）到数据主管部门办理实名核验，或通过统一身份认证平台完成认证；在此之前，您可以对目录条目整体提出异议（不填写记录标识）。",
	"You can object to a record about yourself once your real-name identity is verified: have the data authority verify it (bring your ID card, or a business licence for an organization), or verify through the identity provider. Until then you can object to the catalog entry as a whole (leave the record key empty).")

// ObjectionDataUser tells whether p objects as a data user (数据利用主体): the data officer or
// approver of a data-holding agency, or the authorized operator's staff. Data users may dispute
// any record of another agency's entry.
func ObjectionDataUser(p *Principal) bool {
	return p.Authenticated() && p.OrgID != "" && ((p.OrgKind.IsDataHolder() && p.Has(DataOfficer, AgencyApprover)) || p.Has(OperatorStaff))
}

// Objection decides who raises, reads, answers and withdraws objections:
//   - Create: nobody objects to its own agency's data. About an entry as a whole: anyone logged
//     in. About one record: a data user (ObjectionDataUser), or a data subject for a record about
//     itself (its own ID number, its organization's credit code) once its real-name identity is
//     verified — before that, ErrUnverified. The service decides this before it looks the record up.
//   - Read: the objector, the provider's staff, the region's authority, auditors, oversight.
//   - Review (verify, correct, reject, note): the provider's data officer or approver.
//   - Delete (withdraw): the objector.
//
// A refusal on an objection the caller may not even read is answered as not found (unseen).
func Objection(p *Principal, act Action, o ObjectionAttrs) error {
	err := objection(p, act, o)
	if act == Create {
		return err // the service answers alike for records the caller may not read (Raise)
	}
	return unseen(p, act, err, func() error { return objection(p, Read, o) })
}

func objection(p *Principal, act Action, o ObjectionAttrs) error {
	if !p.Authenticated() || !qualityScope(p, act) {
		return deny(p)
	}
	provider := p.OrgID != "" && p.OrgID == o.ProviderOrgID
	switch act {
	case Create:
		switch {
		case provider:
			return deny(p)
		case ObjectionDataUser(p) || !o.Record:
			return nil
		case !o.Verified:
			return ErrUnverified
		}
		return allow(o.AboutCaller, p)
	case Read:
		return allow(p.UserID == o.ObjectorUserID || (provider && p.Has(DataOfficer, AgencyApprover, SecurityOfficer)) ||
			(p.IsAuthority() && qualityRegion(p, o.RegionCode)) || p.Has(Auditor, Oversight), p)
	case Review:
		return allow(provider && p.Has(DataOfficer, AgencyApprover), p)
	case Delete:
		return allow(o.ObjectorUserID != "" && p.UserID == o.ObjectorUserID, p)
	}
	return deny(p)
}
