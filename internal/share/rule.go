package share

import (
	"fmt"
	"slices"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/catalog"
)

// This file holds the one rule for what a grant may be (授权范围规则, SHR-4, SHR-6): every
// path that makes, widens back or uses a grant — filing (at once), routing, approval, resuming
// (renewal), the catalog hook and the gateway's plan — goes through checkScope or grantCause.

// Breadth orders share modes by how much leaves the platform, for "approval only narrows":
//
//   - api (接口) is per record: one lookup or one filtered page at a time, each call audited;
//   - table (库表) and file (文件) are bulk: the whole entry in one delivery through the gateway;
//   - offline (线下) is bulk and leaves the gateway: once handed over it cannot be suspended or
//     revoked, so it is the widest.
//
// The stricter reading holds: a grant's mode is the one asked for, or a mode of strictly lower
// breadth that the entry offers — table and file are not interchangeable, per-record api never
// becomes table or file, and nothing becomes offline unless offline was asked for.
func (m Mode) Breadth() int {
	switch m {
	case ModeAPI:
		return 1
	case ModeTable, ModeFile:
		return 2
	case ModeOffline:
		return 3
	}
	return 99
}

// ModeWithin tells whether a grant in mode granted stays within a request for mode asked on an
// entry offering offered (empty offered: the entry names no modes, only the asked mode fits).
func ModeWithin(granted, asked Mode, offered []string) bool {
	if granted == asked {
		return true
	}
	return granted.Breadth() < asked.Breadth() && slices.Contains(offered, string(granted))
}

// Scope is a grant's extent on every axis of minimum necessity (最小够用).
type Scope struct {
	Kind        Kind
	Fields      []string
	ClearFields []string
	Mode        Mode
	EndDate     string
}

func (r *Request) scope() Scope {
	return Scope{Kind: r.Kind, Fields: r.Fields, ClearFields: r.ClearFields, Mode: r.Mode, EndDate: r.EndDate}
}

func (g *Grant) scope() Scope {
	return Scope{Kind: g.Kind, Fields: g.Fields, ClearFields: g.ClearFields, Mode: g.Mode, EndDate: g.EndDate}
}

// comparable tells whether a verification may compare a field (SHR-6): it is not masked when
// shared (comparing a masked value would reveal it guess by guess) and not on the negative list
// (共享负面清单) — neither the field itself nor, as every field of it, a not-shared entry. On a
// not-shared entry verification therefore answers existence only ("does this ID number hold a
// marriage record?"), which is what SHR-6 allows without receiving the data.
func (s *Service) comparable(e *catalog.Entry, f *catalog.Field) bool {
	return fieldShareType(e, f) != catalog.ShareNone && !NeedsMask(e, f, s.Rules)
}

// isIdentifier tells whether a field names a person or an organization (ID number, credit
// code): a verification may look records up by it without comparing it.
func isIdentifier(f *catalog.Field) bool {
	return f.Kind == catalog.KindCitizenID || f.Kind == catalog.KindCreditCode
}

// checkScope is the rule: g may be granted on entry e (as published now) for a request asking
// asked. Fields exist, none repeats, at least one; g is never wider than asked on any axis —
// kind equal, fields ⊆ asked fields, clear fields ⊆ asked clear fields (and among g's fields),
// end date ≤ asked end date, mode within the asked mode (ModeWithin); a data grant takes no
// not-shared entry and no field on the negative list; a verification grant is api only and
// takes only fields it can compare or look records up by; a product grant (SHR-12) is api only,
// takes no clear values and, returning no records, may read fields of a not-shared entry. It names every problem under key
// (the fields' error key: "fields" when filing or approving).
func (s *Service) checkScope(e *catalog.Entry, asked, g Scope, key string) []apperr.FieldError {
	var fe []apperr.FieldError
	if g.Kind != asked.Kind {
		fe = append(fe, apperr.Field("kind", "授权类型须与申请一致", "the grant's kind must be the one requested"))
	}
	if g.Kind == KindData && e.ShareType == catalog.ShareNone {
		fe = append(fe, apperr.Field("kind", "该数据资源不予共享，只能申请核验比对", "this entry is not shared; only verification can be requested"))
	}
	fe = append(fe, checkFields(e, g.Kind, g.Fields, g.ClearFields, key)...)
	fe = append(fe, Narrows(asked.Fields, g.Fields, asked.EndDate, g.EndDate, key)...)
	for _, name := range g.Fields {
		if !slices.Contains(asked.Fields, name) {
			continue // named by Narrows
		}
		if f, ok := e.Field(name); ok && g.Kind == KindVerify && !isIdentifier(&f) && !s.comparable(e, &f) {
			fe = append(fe, apperr.Field(key, fmt.Sprintf("信息项 %q 需脱敏或列入负面清单，核验比对不能比对", name),
				fmt.Sprintf("field %q is masked or on the negative list; verification cannot compare it", name)))
		}
	}
	for _, name := range g.ClearFields {
		if !slices.Contains(asked.ClearFields, name) {
			fe = append(fe, apperr.Field("clear_fields", fmt.Sprintf("信息项 %q 未申请明文，不能批准明文", name), fmt.Sprintf("clear values of %q were not requested", name)))
		}
	}
	if g.Kind == KindVerify && len(g.ClearFields) > 0 {
		fe = append(fe, apperr.Field("clear_fields", "核验比对不返回数据，无需明文信息项", "verification returns no data; clear values do not apply"))
	}
	if g.Kind == KindProduct && len(g.ClearFields) > 0 {
		fe = append(fe, apperr.Field("clear_fields", "数据产品不返回记录，无需明文信息项", "a data product returns no records; clear values do not apply"))
	}
	switch {
	case !slices.Contains(Modes, g.Mode):
		fe = append(fe, apperr.Field("mode", "共享方式应为接口、库表、文件或线下之一", "mode must be api, table, file or offline"))
	case g.Kind == KindVerify && g.Mode != ModeAPI:
		fe = append(fe, apperr.Field("mode", "核验比对只通过接口方式进行", "verification is done through the API only"))
	case g.Kind == KindProduct && g.Mode != ModeAPI:
		fe = append(fe, apperr.Field("mode", "数据产品只通过接口方式调用", "a data product is called through the API only"))
	case g.Kind == KindData && len(e.ShareModes) > 0 && !slices.Contains(e.ShareModes, string(g.Mode)):
		fe = append(fe, apperr.Field("mode", "该数据资源不提供所选共享方式（可选："+strings.Join(e.ShareModes, "、")+"）", "the entry is not shared in this mode (offered: "+strings.Join(e.ShareModes, ", ")+")"))
	case !ModeWithin(g.Mode, asked.Mode, e.ShareModes):
		fe = append(fe, apperr.Field("mode", fmt.Sprintf("批准的共享方式不能宽于申请的方式（%s）：接口为逐条查询，库表、文件为批量交付，线下最宽", ModeNames[asked.Mode][0]),
			fmt.Sprintf("the approved mode cannot be wider than the requested one (%s): api is per record, table and file are bulk, offline is widest", asked.Mode)))
	}
	return fe
}

// Narrows is the rule "an approval only narrows" on the two axes every approval of a request
// for data has (SHR-4 share grants, OPN-3 conditional opening): the approved items are among
// the requested ones, and the approved end date (YYYY-MM-DD) is not later than the requested
// one. It names every item outside the request under key and a later end date under
// "end_date". One place for the rule: internal/share's checkScope and internal/openapply's
// approval both call it.
func Narrows(askedFields, fields []string, askedEnd, end, key string) []apperr.FieldError {
	var fe []apperr.FieldError
	for _, name := range fields {
		if !slices.Contains(askedFields, name) {
			fe = append(fe, apperr.Field(key, fmt.Sprintf("信息项 %q 超出申请范围", name), fmt.Sprintf("field %q was not requested", name)))
		}
	}
	if end > askedEnd {
		fe = append(fe, apperr.Field("end_date", "批准的截止日期不能晚于申请的截止日期", "the approved end date cannot be later than the requested one"))
	}
	return fe
}

// Catalog causes: why a catalog change suspended a grant (suspend_cause). Each has its stable
// gateway error.
const (
	CauseWithdrawn = "entry_withdrawn"  // the entry was withdrawn (下线)
	CauseNotShared = "entry_not_shared" // the entry became not shared (不予共享)
	CauseField     = "field_not_shared" // a granted field is on the negative list, gone, or (verification) masked
	CauseModeGone  = "mode_not_offered" // the entry no longer offers the grant's mode
)

// CauseNames explains each cause in Chinese and English (history, inbox, status reason).
var CauseNames = map[string][2]string{
	CauseWithdrawn: {"数据资源已下线", "the catalog entry was withdrawn"},
	CauseNotShared: {"数据资源已调整为不予共享", "the catalog entry is no longer shared"},
	CauseField:     {"授权的信息项已列入负面清单或不再提供", "a granted field is on the negative list or no longer offered"},
	CauseModeGone:  {"数据资源不再提供该共享方式", "the entry no longer offers this share mode"},
}

// causeErr is the gateway's (and resume's) answer for a grant suspended by a catalog change.
func causeErr(cause string) error {
	switch cause {
	case CauseWithdrawn:
		return ErrEntryWithdrawn
	case CauseNotShared:
		return ErrEntryNotShared
	case CauseField:
		return ErrFieldNotShared
	case CauseModeGone:
		return ErrModeNotOffered
	}
	return ErrGrantSusp
}

// grantCause applies the rule to an existing grant against its entry as published now (e nil:
// not published) and returns why it no longer fits, or "" when it does. The grant is measured
// against itself as the request (a grant only ever stays or narrows); the end date is the
// expiry job's business.
func (s *Service) grantCause(e *catalog.Entry, g *Grant) string {
	if e == nil {
		return CauseWithdrawn
	}
	sc := g.scope()
	fe := s.checkScope(e, sc, sc, "fields")
	if len(fe) == 0 {
		return ""
	}
	for _, f := range fe {
		if f.Field == "kind" {
			return CauseNotShared
		}
	}
	for _, f := range fe {
		if f.Field == "fields" || f.Field == "clear_fields" {
			return CauseField
		}
	}
	return CauseModeGone
}
