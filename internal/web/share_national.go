package web

import (
	"net/http"
	"strconv"

	"pubdata/internal/authz"
	"pubdata/internal/share"
)

// National-platform data requests (国家平台数据申请, NM 25 ¶2): the agency's form and list, and
// one request with the coordinating authority's steps.
func init() {
	Register(map[string][2]string{
		"nav.national":      {"国家平台数据", "National data"},
		"nat.title":         {"国家平台数据申请", "National-platform data requests"},
		"nat.one":           {"国家平台数据申请", "National-platform data request"},
		"nat.help":          {"部门需要国家平台的公共数据时，由自治区公共数据主管部门协调获取（《内蒙古自治区公共数据管理暂行办法》第二十五条第二款）：部门提出申请，主管部门在 5 个工作日内向国家平台申请（登记国家平台申请编号）或说明不予转报的理由，并登记国家平台的答复。", "When an agency needs national-platform data, the region's data authority obtains it (NM 25 ¶2): the agency asks, the authority requests it from the national platform within 5 working days (recording the national request number) or declines with a reason, and records the national platform's answer."},
		"nat.new":           {"提出申请", "Ask"},
		"nat.data":          {"需要的数据", "Data needed"},
		"nat.source":        {"国家部门或系统", "National department or system"},
		"nat.purpose":       {"用途", "Purpose"},
		"nat.basis":         {"依据", "Legal basis"},
		"nat.org":           {"申请部门", "Agency"},
		"nat.state":         {"状态", "State"},
		"nat.due":           {"协调期限", "Due"},
		"nat.ref":           {"国家平台申请编号", "National request number"},
		"nat.answer":        {"答复或理由", "Answer or reason"},
		"nat.none":          {"没有申请。", "No requests."},
		"nat.forward":       {"已向国家平台申请", "Requested from the national platform"},
		"nat.received":      {"国家平台已提供", "Provided"},
		"nat.unavailable":   {"国家平台未提供", "Not provided"},
		"nat.decline":       {"不予转报", "Decline"},
		"nat.withdraw":      {"撤回申请", "Withdraw"},
		"nat.left":          {"剩余 %d 个工作日", "%d working days left"},
		"nat.overdue":       {"已逾期", "Overdue"},
		"flash.nat_filed":   {"申请已提交主管部门", "Sent to the data authority"},
		"flash.nat_stepped": {"已办理", "Done"},
	})
	AddNav(NavItem{Key: "nav.national", Href: "/share/national", Roles: []authz.Role{authz.AuthorityAdmin, authz.AuthorityReviewer, authz.Auditor, authz.Oversight,
		authz.DataOfficer, authz.AgencyApprover}, Order: 46})
}

// shareNationalList lists the requests to the national platform.
func (w *Web) shareNationalList(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	list, total, err := w.App.Share.ListNational(r.Context(), p, 50, max(offset, 0))
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "nat.title")
	v.Data = map[string]any{"Items": list, "Total": total, "Next": offset + 50,
		"CanFile": p.OrgKind.IsDataHolder() && p.Has(authz.DataOfficer, authz.AgencyApprover)}
	w.Render(rw, 200, "share_national", v)
	return nil
}

// shareNationalFile files a request to the national platform.
func (w *Web) shareNationalFile(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	n, err := w.App.Share.FileNational(r.Context(), p, share.NewNational{DataWanted: r.PostFormValue("data_wanted"), Source: r.PostFormValue("source"),
		Purpose: r.PostFormValue("purpose"), Basis: r.PostFormValue("basis")})
	if err != nil {
		return err
	}
	Redirect(rw, r, "/share/national/"+n.ID, "flash.nat_filed")
	return nil
}

// shareNational shows one national platform request.
func (w *Web) shareNational(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	n, err := w.App.Share.GetNational(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	at := authz.NationalAttrs{OrgID: n.OrgID, RegionCode: n.RegionCode, AuthorityID: n.AuthorityID}
	v := w.NewView(rw, r, "nat.one")
	v.Data = map[string]any{"N": n, "CanCoordinate": authz.NationalRequest(p, authz.Review, at) == nil,
		"CanWithdraw": n.State == share.NatFiled && authz.NationalRequest(p, authz.Update, at) == nil}
	w.Render(rw, 200, "share_national_one", v)
	return nil
}

// shareNationalStep takes a step on a national platform request.
func (w *Web) shareNationalStep(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	id := r.PathValue("id")
	if _, err := w.App.Share.StepNational(r.Context(), p, id, share.NationalStep{Event: r.PostFormValue("event"),
		NationalRef: r.PostFormValue("national_ref"), Note: r.PostFormValue("note")}); err != nil {
		return err
	}
	Redirect(rw, r, "/share/national/"+id, "flash.nat_stepped")
	return nil
}
