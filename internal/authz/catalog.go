package authz

import (
	"net/http"
	"slices"
	"strings"

	"pubdata/internal/apperr"
)

// Catalog actions beyond the common ones.
const (
	Submit   Action = "submit"   // 提交审核
	Withdraw Action = "withdraw" // 申请下线
)

// CatalogAttrs are the attributes of a catalog entry (目录条目) that decide access to it.
type CatalogAttrs struct {
	ProviderOrgID string
	RegionCode    string
	Live          bool // a published version is in force
	// Authors are the users who drafted, edited, submitted or asked to withdraw the entry
	// (filled in for Review): separation of duties (职责分离) keeps them from deciding it.
	Authors []string
}

// RegionCovers tells whether region parent is child or one of its ancestors in the GB/T 2260
// hierarchy: XX0000 covers its cities and counties, XXXX00 its counties (CAT-1 roll-up).
func RegionCovers(parent, child string) bool {
	if parent == "" || child == "" {
		return false
	}
	if parent == child {
		return true
	}
	if len(parent) != 6 || len(child) != 6 {
		return false
	}
	switch {
	case strings.HasSuffix(parent, "0000"):
		return child[:2] == parent[:2]
	case strings.HasSuffix(parent, "00"):
		return child[:4] == parent[:4]
	}
	return false
}

// ReadsAllCatalogs tells whether p may read every catalog object in its region, drafts included:
// authority staff (in their region and below), auditors and oversight bodies.
func ReadsAllCatalogs(p *Principal, region string) bool {
	if p.Has(Auditor, Oversight) {
		return true
	}
	return p.IsAuthority() && RegionCovers(p.RegionCode, region)
}

// CatalogEntry decides access to a catalog entry:
//   - read: a published entry (live) is readable by everyone, visitors included (the catalog is
//     public); drafts, submitted, returned and withdrawn entries only by the provider agency's
//     staff, by authority staff whose region covers the entry, and by auditors and oversight;
//   - create, update, submit, withdraw: the provider agency's data officer (an agency approver
//     may also submit and request withdrawal); tokens need the "catalog" scope;
//   - review (approve, return, decide withdrawal): authority reviewers and administrators whose
//     region covers the entry's region (county → city → province, CAT-1) — never one of the
//     entry's Authors, whatever roles they hold (separation of duties);
//   - manage (import for any agency, taxonomy, source registry): authority administrators of a
//     covering region.
//
// A refusal on an entry the caller may not even read is answered as not found (unseen).
func CatalogEntry(p *Principal, act Action, e CatalogAttrs) error {
	err := catalogEntry(p, act, e)
	if act == Create || e.ProviderOrgID == "" {
		return err // a new entry, or a region-wide power (import, taxonomy, sources): no record named
	}
	return unseen(p, act, err, func() error { return catalogEntry(p, Read, e) })
}

func catalogEntry(p *Principal, act Action, e CatalogAttrs) error {
	if act != Read && !p.Scoped("write") {
		return deny(p)
	}
	own := p.Authenticated() && p.OrgID != "" && p.OrgID == e.ProviderOrgID && p.OrgKind.IsDataHolder()
	switch act {
	case Read:
		if e.Live {
			return nil
		}
		return allow(own || ReadsAllCatalogs(p, e.RegionCode), p)
	case Create, Update:
		return allow(own && p.Has(DataOfficer), p)
	case Submit, Withdraw:
		return allow(own && p.Has(DataOfficer, AgencyApprover), p)
	case Review:
		if !p.IsAuthority() || !RegionCovers(p.RegionCode, e.RegionCode) {
			return deny(p)
		}
		return allow(!slices.Contains(e.Authors, p.UserID), p, errOwnWork)
	case Manage:
		return allow(p.IsAuthority() && p.Has(AuthorityAdmin) && RegionCovers(p.RegionCode, e.RegionCode), p)
	}
	return deny(p)
}

// errOwnWork refuses a decision on one's own work (separation of duties, 职责分离), whatever
// roles the person holds.
var errOwnWork = apperr.New(http.StatusForbidden, "separation_of_duties", "不能审核或决定本人起草、提交的事项，或本单位提出的申请", "you may not decide something you drafted or submitted, or a request your own agency filed")

// ErrOwnWork is the separation-of-duties refusal, for callers that check it themselves.
var ErrOwnWork = errOwnWork

// CatalogRegistry decides access to an agency's registry records (information systems and
// their documents, purchased data, re-assessments) of organization orgID in region:
// the agency's data officer writes; its staff, covering authority staff, auditors and oversight
// read; covering authority staff review (approve purchases).
func CatalogRegistry(p *Principal, act Action, orgID, region string) error {
	err := catalogRegistry(p, act, orgID, region)
	if orgID == "" {
		return err
	}
	return unseen(p, act, err, func() error { return catalogRegistry(p, Read, orgID, region) })
}

func catalogRegistry(p *Principal, act Action, orgID, region string) error {
	if act != Read && !p.Scoped("write") {
		return deny(p)
	}
	own := p.Authenticated() && p.OrgID != "" && p.OrgID == orgID
	switch act {
	case Read:
		return allow(own || ReadsAllCatalogs(p, region), p)
	case Create, Update, Delete:
		return allow(own && p.Has(DataOfficer, AgencyApprover), p)
	case Review:
		return allow(p.IsAuthority() && RegionCovers(p.RegionCode, region), p)
	case Manage:
		return allow(p.IsAuthority() && p.Has(AuthorityAdmin) && RegionCovers(p.RegionCode, region), p)
	}
	return deny(p)
}

// LevelAttrs describe a level's catalog report to the level above (目录报审, NM 10): the
// reporting authority, its region and the authority above it.
type LevelAttrs struct {
	OrgID      string
	RegionCode string
	UpperOrgID string
}

// CatalogLevel decides access to catalog reports:
//   - submit: the reporting authority's administrators and reviewers, for their own level;
//   - review (approve or return entries): administrators and reviewers of the authority above;
//   - read: both authorities' staff, authority staff whose region covers the reporting level,
//     auditors and oversight bodies.
//
// A refusal on a report the caller may not even read is answered as not found (unseen).
func CatalogLevel(p *Principal, act Action, l LevelAttrs) error {
	err := catalogLevel(p, act, l)
	if act == Submit {
		return err
	}
	return unseen(p, act, err, func() error { return catalogLevel(p, Read, l) })
}

func catalogLevel(p *Principal, act Action, l LevelAttrs) error {
	if act != Read && !p.Scoped("write") {
		return deny(p)
	}
	switch act {
	case Read:
		return allow(p.Authenticated() && (p.OrgID == l.OrgID || p.OrgID == l.UpperOrgID || ReadsAllCatalogs(p, l.RegionCode)), p)
	case Submit:
		return allow(p.IsAuthority() && p.OrgID == l.OrgID, p)
	case Review:
		return allow(p.IsAuthority() && l.UpperOrgID != "" && p.OrgID == l.UpperOrgID, p)
	}
	return deny(p)
}
