package web

import (
	"net/http"
	"strconv"

	"pubdata/internal/authz"
	"pubdata/internal/catalog"
)

// Upward review of a level's catalog (目录逐级报审, NM 10): the list of reports with this
// level's pending changes and the form to report them, and one report with the level above's
// per-entry decision form.
func init() {
	Register(map[string][2]string{
		"nav.level_reports":        {"目录报审", "Catalog reports"},
		"cat.level":                {"本级目录向上级报审", "Reporting this level's catalog upward"},
		"cat.level.one":            {"目录报审", "Catalog report"},
		"cat.level.help":           {"盟市、旗县（市、区）公共数据主管部门编制本级目录后报上一级主管部门审核（《内蒙古自治区公共数据管理暂行办法》第十条）。报审单列出自上次审核通过以来新增、修订和下线的目录；上级逐项通过或退回，退回的目录须由提供部门修订后随下一次报审再报。", "A city's or county's data authority reports its level's catalog to the authority above for review (NM 10). A report lists the entries added, revised or withdrawn since the last approval; the level above approves or returns each, and a returned entry is revised by its agency and reported again."},
		"cat.level.changes":        {"待报审的变化", "Changes to report"},
		"cat.level.none":           {"自上次审核通过以来没有变化。", "Nothing changed since the last approval."},
		"cat.level.submit":         {"报上一级审核", "Report to the level above"},
		"cat.level.note":           {"报审说明", "Note"},
		"cat.level.reports":        {"报审记录", "Reports"},
		"cat.level.noreport":       {"没有报审记录。", "No reports."},
		"cat.level.from":           {"报审单位", "Reported by"},
		"cat.level.to":             {"审核单位", "Reviewed by"},
		"cat.level.state":          {"状态", "State"},
		"cat.level.due":            {"审核期限", "Review due"},
		"cat.level.change":         {"变化", "Change"},
		"cat.level.version":        {"版本", "Version"},
		"cat.level.outcome":        {"审核结果", "Outcome"},
		"cat.level.reason":         {"退回理由", "Reason for return"},
		"cat.level.approve":        {"通过", "Approve"},
		"cat.level.return":         {"退回", "Return"},
		"cat.level.decide":         {"提交审核决定", "Record the decision"},
		"cat.level.decided":        {"审核", "Decided"},
		"cat.level.left":           {"剩余 %d 个工作日", "%d working days left"},
		"cat.level.overdue":        {"已超期", "Overdue"},
		"cat.level.upper_returned": {"上级审核退回本目录，请修订后重新提交", "The level above returned this entry; revise and submit it again"},
		"flash.level_sent":         {"已报上一级审核", "Reported to the level above"},
		"flash.level_done":         {"审核决定已记录", "Decision recorded"},
	})
	AddNav(NavItem{Key: "nav.level_reports", Href: "/catalog/level-reports", Roles: []authz.Role{authz.AuthorityAdmin, authz.AuthorityReviewer, authz.Auditor, authz.Oversight}, Order: 25})
}

// catalogLevelReports lists the reports to the level above, with the changes still to report.
func (w *Web) catalogLevelReports(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	list, total, err := w.App.Catalog.LevelReports(r.Context(), p, 50, max(offset, 0))
	if err != nil {
		return err
	}
	// The changes to report, for staff of an authority that has a level above it.
	changes, cerr := w.App.Catalog.LevelChanges(r.Context(), p)
	v := w.NewView(rw, r, "cat.level")
	v.Data = map[string]any{"Reports": list, "Total": total, "Offset": offset, "Next": offset + 50,
		"CanReport": cerr == nil, "Changes": changes}
	w.Render(rw, 200, "catalog_level", v)
	return nil
}

// catalogLevelSubmit reports the catalog's changes to the level above.
func (w *Web) catalogLevelSubmit(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	rep, err := w.App.Catalog.SubmitLevelReport(r.Context(), p, r.PostFormValue("note"))
	if err != nil {
		return err
	}
	Redirect(rw, r, "/catalog/level-reports/"+rep.ID, "flash.level_sent")
	return nil
}

// catalogLevelReport shows one level report, with the decision form for the level above.
func (w *Web) catalogLevelReport(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	rep, err := w.App.Catalog.LevelReport(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	canDecide := rep.Status == catalog.LevelSubmitted &&
		authz.CatalogLevel(p, authz.Review, authz.LevelAttrs{OrgID: rep.OrgID, RegionCode: rep.RegionCode, UpperOrgID: rep.UpperOrgID}) == nil
	v := w.NewView(rw, r, "cat.level.one")
	v.Data = map[string]any{"R": rep, "CanDecide": canDecide}
	w.Render(rw, 200, "catalog_level_report", v)
	return nil
}

// catalogLevelDecide records the level above's decision on each entry of a report.
func (w *Web) catalogLevelDecide(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	id := r.PathValue("id")
	rep, err := w.App.Catalog.LevelReport(r.Context(), p, id)
	if err != nil {
		return err
	}
	var ds []catalog.LevelDecision
	for _, it := range rep.Items {
		switch r.PostFormValue("d_" + it.EntryID) {
		case "approve":
			ds = append(ds, catalog.LevelDecision{EntryID: it.EntryID, Approve: true})
		case "return":
			ds = append(ds, catalog.LevelDecision{EntryID: it.EntryID, Reason: r.PostFormValue("reason_" + it.EntryID)})
		}
	}
	if _, err := w.App.Catalog.DecideLevelReport(r.Context(), p, id, ds, r.PostFormValue("note")); err != nil {
		return err
	}
	Redirect(rw, r, "/catalog/level-reports/"+id, "flash.level_done")
	return nil
}
