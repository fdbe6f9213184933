package web

import (
	"net/http"
	"strconv"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/identity"
	"pubdata/internal/supervise"
)

// Sanctions pages (责令整改, SUP-1): the list (the authority's region; an agency or user its own),
// the authority's form to order rectification, and one order with its history and the actions
// the caller may take (report the rectification; accept, reject, terminate).
func init() {
	Register(map[string][2]string{
		"nav.sanctions":         {"责令整改", "Sanctions"},
		"sanction.title":        {"责令整改（处罚）", "Rectification orders (sanctions)"},
		"sanction.one":          {"责令整改", "Rectification order"},
		"sanction.subject":      {"对象", "Subject"},
		"sanction.ground":       {"事由", "Ground"},
		"sanction.state":        {"状态", "State"},
		"sanction.deadline":     {"整改期限", "Deadline"},
		"sanction.issued":       {"下达时间", "Issued"},
		"sanction.none":         {"没有责令整改记录。", "No rectification orders."},
		"sanction.new":          {"下达责令整改", "Order rectification"},
		"sanction.kind":         {"对象类型", "Subject kind"},
		"sanction.kind_org":     {"机构（部门或应用单位）", "Organization (agency or application unit)"},
		"sanction.kind_user":    {"用户（接口密钥持有人）", "User (key holder)"},
		"sanction.org":          {"机构", "Organization"},
		"sanction.username":     {"用户名（对象为用户时）", "Username (for a user)"},
		"sanction.reason":       {"违法违规事实", "Facts"},
		"sanction.days":         {"整改期限（工作日）", "Deadline (working days)"},
		"sanction.effect":       {"下达后，对象的全部接口密钥（含共享网关凭证）在下一次请求时即被拒绝，直至整改通过；逾期未整改则撤销其密钥与共享授权。", "Once issued, every API key of the subject (share-gateway credentials included) is refused on its next request until the rectification is accepted; not rectified by the deadline, its keys and share grants are revoked."},
		"sanction.report":       {"整改情况", "Rectification report"},
		"sanction.note":         {"认定意见", "Decision"},
		"sanction.history":      {"经过", "History"},
		"sanction.act":          {"办理", "Act"},
		"sanction.text":         {"说明", "Text"},
		"flash.sanction_issued": {"已下达责令整改，对象的接口访问已暂停", "Rectification ordered; the subject's API access is suspended"},
		"flash.sanction_done":   {"已办理", "Done"},
	})
	AddNav(NavItem{Key: "nav.sanctions", Href: "/sanctions", Roles: []authz.Role{authz.AuthorityAdmin, authz.AuthorityReviewer, authz.Auditor, authz.Oversight,
		authz.DataOfficer, authz.AgencyApprover, authz.SecurityOfficer, authz.AppUnitUser}, Order: 80})
}

// sanctionList lists the sanctions, with the form to issue one to an organisation in the caller's region.
func (w *Web) sanctionList(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	items, total, err := a.Supervise.List(r.Context(), p, "", 50, max(offset, 0))
	if err != nil {
		return err
	}
	var orgs []identity.Org
	if supervise.CanIssue(p) {
		all, err := a.Identity.Orgs(r.Context(), "", "")
		if err != nil {
			return err
		}
		for _, o := range all {
			if authz.RegionCovers(p.RegionCode, o.RegionCode) && o.ID != p.OrgID {
				orgs = append(orgs, o)
			}
		}
	}
	v := w.NewView(rw, r, "sanction.title")
	v.Data = map[string]any{"Items": items, "Total": total, "Orgs": orgs, "Grounds": supervise.Grounds}
	w.Render(rw, 200, "sanctions", v)
	return nil
}

// sanctionIssue issues a sanction to an organisation or a user (named by username).
func (w *Web) sanctionIssue(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	in := supervise.NewSanction{SubjectKind: r.PostFormValue("subject_kind"), SubjectID: r.PostFormValue("org_id"),
		Ground: r.PostFormValue("ground"), Reason: r.PostFormValue("reason")}
	in.Days, _ = strconv.Atoi(strings.TrimSpace(r.PostFormValue("days")))
	if in.SubjectKind == "user" {
		u, err := a.Identity.UserByName(r.Context(), strings.TrimSpace(r.PostFormValue("username")))
		if err != nil {
			return supervise.ErrNoSubject
		}
		in.SubjectID = u.ID
	}
	sc, err := a.Supervise.Issue(r.Context(), p, in)
	if err != nil {
		return err
	}
	Redirect(rw, r, "/sanctions/"+sc.ID, "flash.sanction_issued")
	return nil
}

// sanctionShow shows a sanction with the steps the caller may take.
func (w *Web) sanctionShow(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	x, err := a.Supervise.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "sanction.one")
	v.Data = map[string]any{"S": x, "Actions": supervise.Actions(p, x)}
	w.Render(rw, 200, "sanction", v)
	return nil
}

// sanctionAct records a step on a sanction: report, accept, reject or terminate.
func (w *Web) sanctionAct(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	ev := supervise.SanctionEvent(r.PostFormValue("event"))
	switch ev {
	case supervise.EvReport, supervise.EvAccept, supervise.EvReject, supervise.EvTerminate:
	default:
		return apperr.BadRequest
	}
	if _, err := a.Supervise.Fire(r.Context(), p, r.PathValue("id"), ev, r.PostFormValue("text")); err != nil {
		return err
	}
	Redirect(rw, r, "/sanctions/"+r.PathValue("id"), "flash.sanction_done")
	return nil
}
