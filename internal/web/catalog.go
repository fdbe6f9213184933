package web

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/httpapi"
	"pubdata/internal/vocab"
	"pubdata/internal/workday"
)

// Catalog pages (资源目录): browse and search with facets, an entry with its versions, history
// and workflow actions, the field editor, the authority's review queue ordered by deadline, the
// version diff, the negative list, the source registry with duplicate claims, information
// systems, purchased data, re-assessments, import and the regional roll-up.
func init() {
	Register(catalogMessages)
	names := map[string][2]string{}
	for key, vals := range catalog.EnumNames {
		for v, n := range vals {
			names["cat."+key+"."+v] = n
		}
	}
	Register(names)
	for key, vals := range catalog.EnumNames {
		vocab.Register("catalog."+key, vals)
	}
	grades := map[string][2]string{}
	for _, g := range catalog.DefaultConfig().Grades {
		grades[string(g.Code)] = [2]string{g.Name, g.NameEN}
	}
	vocab.Register("catalog.grade", grades)
	staff := []authz.Role{authz.DataOfficer, authz.AgencyApprover, authz.AuthorityAdmin, authz.AuthorityReviewer}
	AddNav(NavItem{Key: "nav.catalog", Href: "/catalog", Public: true, Order: 10},
		NavItem{Key: "nav.catalog_review", Href: "/catalog/review", Roles: staff, Order: 11})
}

var catalogMessages = map[string][2]string{
	"nav.catalog":        {"资源目录", "Catalog"},
	"nav.catalog_review": {"目录审核", "Catalog review"},
	"cat.title":          {"公共数据资源目录", "Public data resource catalog"},
	"cat.entry":          {"目录条目", "Catalog entry"},
	"cat.new":            {"新建目录条目", "New catalog entry"},
	"cat.edit":           {"编辑目录条目", "Edit catalog entry"},
	"cat.review":         {"目录审核与期限", "Catalog review and deadlines"},
	"cat.diff":           {"版本比较", "Compare versions"},
	"cat.negative":       {"共享负面清单", "Negative list"},
	"cat.sources":        {"数源目录与一数一源", "Source registry — one data, one source"},
	"cat.systems":        {"政务信息系统", "Information systems"},
	"cat.system":         {"信息系统", "Information system"},
	"cat.purchases":      {"采购的非公共数据", "Purchased non-public data"},
	"cat.reassess":       {"定期评估", "Periodic re-assessment"},
	"cat.import":         {"导入目录", "Import catalog"},
	"cat.rollup":         {"目录逐级汇总", "Catalog roll-up"},

	"cat.search":          {"检索", "Search"},
	"cat.q":               {"关键词（中文或英文）", "Keywords (Chinese or English)"},
	"cat.results":         {"共 %d 条", "%d entries"},
	"cat.no_results":      {"没有符合条件的目录条目", "No matching entries"},
	"cat.clear":           {"清除筛选", "Clear filters"},
	"cat.export":          {"导出", "Export"},
	"cat.export_filtered": {"导出当前检索结果", "Export these results"},
	"cat.remove_filter":   {"取消此筛选", "Remove this filter"},
	"cat.export_working":  {"导出工作稿（含草稿）", "Export working copies"},
	"cat.working":         {"工作稿", "Working copy"},
	"cat.facet.agency":    {"提供部门", "Agency"},
	"cat.facet.region":    {"行政区划", "Region"},
	"cat.facet.topic":     {"主题分类", "Topic"},
	"cat.facet.grade":     {"分级", "Grade"},
	"cat.fields_n":        {"%d 个信息项", "%d fields"},
	"cat.more":            {"更多", "More"},
	"cat.code":            {"资源代码", "Code"},
	"cat.name":            {"资源名称", "Name"},
	"cat.name_en":         {"英文名称", "English name"},
	"cat.summary":         {"资源摘要", "Summary"},
	"cat.provider":        {"提供部门", "Provider agency"},
	"cat.source":          {"数源部门", "Source agency"},
	"cat.form":            {"资源形态", "Data form"},
	"cat.attr":            {"资源属性", "Resource attribute"},
	"cat.topic":           {"主题分类", "Topic"},
	"cat.grade":           {"分级", "Grade"},
	"cat.level":           {"级别", "Level"},
	"cat.level_n":         {"第 %d 级", "level %d"},
	"cat.share":           {"共享属性", "Share type"},
	"cat.share_cond":      {"共享条件", "Share conditions"},
	"cat.share_scope":     {"共享范围", "Share scope"},
	"cat.share_modes":     {"共享方式", "Share modes"},
	"cat.share_reason":    {"限制共享理由", "Reason for restriction"},
	"cat.share_basis":     {"共享依据（法律法规）", "Legal basis of the share type"},
	"cat.open":            {"开放属性", "Open type"},
	"cat.open_cond":       {"开放条件", "Open conditions"},
	"cat.open_reason":     {"不予开放理由", "Reason for not opening"},
	"cat.open_basis":      {"开放依据", "Legal basis of the open type"},
	"cat.freq":            {"更新周期", "Update frequency"},
	"cat.tags":            {"标签（以 | 分隔）", "Tags (separated by |)"},
	"cat.legal":           {"法律依据", "Legal basis"},
	"cat.status":          {"状态", "Status"},
	"cat.version":         {"版本", "Version"},
	"cat.published_at":    {"发布时间", "Published"},
	"cat.updated_at":      {"更新时间", "Updated"},
	"cat.fields":          {"信息项", "Data items"},
	"cat.f.name":          {"字段名", "Field name"},
	"cat.f.label":         {"中文名称", "Label"},
	"cat.f.label_en":      {"英文名称", "English label"},
	"cat.f.type":          {"数据类型", "Type"},
	"cat.f.kind":          {"数据项类别", "Kind"},
	"cat.f.sens":          {"敏感级别", "Sensitivity"},
	"cat.f.sens_default":  {"按类别默认（个人信息为脱敏级别）", "Kind default (masked for personal data)"},
	"cat.f.sens_reason":   {"降低级别的理由", "Reason for a lower level"},
	"cat.overrides":       {"分级保护例外", "Grading overrides"},
	"cat.override.share":  {"准予无条件共享", "May be unconditionally shared"},
	"cat.override.open":   {"准予无条件开放", "May be unconditionally opened"},
	"cat.override_record": {"登记分级保护例外（核心、重要或 L4 数据）", "Record a grading override (core, important or L4 data)"},
	"cat.override_reason": {"例外理由", "Reason"},
	"cat.masking":         {"共享时的脱敏规则", "Masking when shared"},
	"cat.f.key":           {"主键", "Key"},
	"cat.f.required":      {"必填", "Required"},
	"cat.f.enum":          {"枚举值（以 | 分隔）", "Enum values (|)"},
	"cat.f.share":         {"信息项共享属性", "Field share type"},
	"cat.f.same":          {"同资源", "As the entry"},
	"cat.f.reason":        {"限制理由", "Reason"},
	"cat.f.basis":         {"限制依据", "Legal basis"},
	"cat.f.cond":          {"条件", "Conditions"},
	"cat.f.open":          {"信息项开放属性", "Field open type"},
	"cat.f.open_reason":   {"不予开放理由", "Not-open reason"},
	"cat.f.source":        {"来源部门（引用他部门数据时）", "Source agency (when taken from another)"},
	"cat.f.add":           {"添加信息项", "Add a data item"},
	"cat.f.remove":        {"删除此信息项", "Remove this item"},
	"cat.save":            {"保存草稿", "Save draft"},
	"cat.none_selected":   {"（未选择）", "(not chosen)"},
	"cat.live_check":      {"实时校验", "Live check"},
	"cat.check_ok":        {"校验通过", "All rules pass"},
	"cat.warnings":        {"提示", "Warnings"},
	"cat.submit":          {"提交审核", "Submit for review"},
	"cat.recall":          {"撤回提交", "Recall"},
	"cat.approve":         {"审核通过", "Approve"},
	"cat.return":          {"退回", "Return"},
	"cat.reasons":         {"退回理由", "Reasons"},
	"cat.note":            {"审核意见", "Note"},
	"cat.withdraw":        {"申请下线", "Request withdrawal"},
	"cat.withdraw_reason": {"下线理由", "Reason for withdrawal"},
	"cat.legal_change":    {"登记法律依据或职能变化", "Record a legal change"},
	"cat.legal_note":      {"变化说明", "What changed"},
	"cat.review_due":      {"审核期限", "Review due"},
	"cat.update_due":      {"更新期限", "Update due"},
	"cat.left":            {"剩余 %d 个工作日", "%d working days left"},
	"cat.overdue_by":      {"已超期 %d 个工作日", "overdue by %d working days"},
	"cat.due_today":       {"今日到期", "due today"},
	"cat.returned_for":    {"退回理由", "Returned because"},
	"cat.versions":        {"历史版本", "Versions"},
	"cat.compare":         {"比较", "Compare"},
	"cat.compare_working": {"与工作稿比较", "Compare with working copy"},
	"cat.history":         {"流转记录", "History"},
	"cat.edit_btn":        {"编辑", "Edit"},
	"cat.view_published":  {"查看已发布版本", "View published version"},
	"cat.kind":            {"事项", "Item"},
	"cat.kind.review":     {"审核", "Review"},
	"cat.kind.withdrawal": {"下线审核", "Withdrawal"},
	"cat.kind.update":     {"法定更新", "Legal update"},
	"cat.due":             {"期限", "Due"},
	"cat.countdown":       {"倒计时", "Countdown"},
	"cat.queue_empty":     {"没有待办事项", "Nothing waiting"},
	"cat.changes":         {"变更", "Changes"},
	"cat.change.changed":  {"修改", "changed"},
	"cat.change.added":    {"新增", "added"},
	"cat.change.removed":  {"删除", "removed"},
	"cat.old":             {"原值", "Before"},
	"cat.new_val":         {"新值", "After"},
	"cat.no_changes":      {"两个版本内容相同", "The versions are identical"},
	"cat.whole":           {"整项不予共享", "Whole entry"},
	"cat.neg_fields":      {"不予共享的数据项", "Data items not shared"},
	"cat.neg_help":        {"负面清单由“不予共享”的目录条目和信息项自动生成；清单以外的数据均应共享。", "Derived from not-shared entries and data items; everything not on it is to be shared."},
	"cat.reason":          {"理由", "Reason"},
	"cat.registry":        {"数源目录", "Source registry"},
	"cat.category":        {"数据类别", "Category"},
	"cat.sectors":         {"法定数源（行业）", "Legal source (sector)"},
	"cat.keywords":        {"识别关键词", "Keywords"},
	"cat.basis_ref":       {"依据", "Basis"},
	"cat.dup_claims":      {"同一数据项由多个数源部门提供", "Data items claimed by more than one source agency"},
	"cat.dup_issues":      {"重复采集与数源不符（草稿）", "Duplicate collection and source mismatches (drafts)"},
	"cat.none":            {"无", "None"},
	"cat.sys.name":        {"系统名称", "System name"},
	"cat.sys.stage":       {"建设状态", "Stage"},
	"cat.sys.stage.built": {"已建", "Built"}, "cat.sys.stage.building": {"在建", "Being built"}, "cat.sys.stage.planned": {"拟建", "Planned"},
	"cat.sys.finance":     {"财政资金建设", "Funded by public finance"},
	"cat.sys.project":     {"立项编号", "Project approval no."},
	"cat.sys.desc":        {"系统说明", "Description"},
	"cat.sys.entries":     {"关联目录条目", "Linked catalog entries"},
	"cat.sys.acceptable":  {"可验收", "Acceptable"},
	"cat.sys.not_ok":      {"不予验收", "Not acceptable"},
	"cat.sys.accepted":    {"已验收", "Accepted"},
	"cat.sys.accept":      {"验收", "Accept"},
	"cat.sys.accept_note": {"验收意见", "Acceptance note"},
	"cat.sys.docs":        {"设计与数据结构文档", "Design and data-structure documents"},
	"cat.sys.upload":      {"上传文档", "Upload a document"},
	"cat.sys.doc_kind":    {"文档类型", "Document kind"},
	"cat.sys.doc.design":  {"设计文档", "Design"}, "cat.sys.doc.data_structure": {"数据结构文档", "Data structure"}, "cat.sys.doc.other": {"其他", "Other"},
	"cat.sys.file":     {"文件", "File"},
	"cat.sys.register": {"登记信息系统", "Register a system"},
	"cat.sys.save":     {"保存", "Save"},
	"cat.pu.name":      {"数据名称", "Data"},
	"cat.pu.supplier":  {"供应方", "Supplier"},
	"cat.pu.purpose":   {"采购用途", "Purpose"},
	"cat.pu.amount":    {"金额", "Amount"},
	"cat.pu.entry":     {"编目条目", "Cataloged as"},
	"cat.pu.status":    {"审批状态", "Status"},
	"cat.pu.pending":   {"待审批", "Pending"}, "cat.pu.approved": {"已批准", "Approved"}, "cat.pu.rejected": {"未批准", "Refused"},
	"cat.pu.request": {"申请采购", "Request a purchase"},
	"cat.pu.approve": {"批准", "Approve"},
	"cat.pu.reject":  {"不予批准", "Refuse"},
	"cat.pu.link":    {"关联目录", "Link entry"},
	"cat.ra.due":     {"评估日期", "Due"},
	"cat.ra.outcome": {"评估结论", "Outcome"},
	"cat.ra.keep":    {"维持限制", "Keep the restriction"}, "cat.ra.relax": {"放宽为无条件", "Move to unconditional"}, "cat.ra.desensitize": {"脱敏后共享", "Share desensitized"},
	"cat.ra.record":    {"记录结论", "Record"},
	"cat.ra.help":      {"有条件共享、不予共享和非无条件开放的目录条目每年评估一次；结论为放宽的，请随后编辑目录并提交审核。", "Conditionally shared, not-shared and restricted-open entries are re-assessed yearly; after a relaxing outcome, edit the entry and submit it."},
	"cat.im.file":      {"目录文件（CSV、XLSX 或 JSON）", "Catalog file (CSV, XLSX or JSON)"},
	"cat.im.skip":      {"跳过错误行，导入其余行", "Skip bad rows and import the rest"},
	"cat.im.publish":   {"直接发布（已审核的目录，仅主管部门）", "Publish directly (reviewed catalog; authority only)"},
	"cat.im.help":      {"列与导出文件相同：每行一个目录条目，信息项为 JSON 数组。任何一行有错误时不导入任何条目，并列出所有错误行的行号。", "Columns as in an export: one entry per row, data items as a JSON array. If any row is invalid nothing is imported and every bad line is listed."},
	"cat.im.result":    {"新增 %d 条，更新 %d 条，跳过 %d 行", "%d created, %d updated, %d rows skipped"},
	"cat.ru.region":    {"行政区划", "Region"},
	"cat.ru.published": {"已发布", "Published"},
	"cat.ru.review":    {"审核中", "In review"},
	"cat.ru.drafts":    {"草稿/退回", "Drafts"},
	"cat.ru.agencies":  {"提供部门数", "Agencies"},
	"cat.links":        {"目录管理", "Catalog management"},

	"flash.cat_saved":           {"目录草稿已保存", "Draft saved"},
	"flash.cat_submitted":       {"已提交审核", "Submitted for review"},
	"flash.cat_recalled":        {"已撤回提交", "Submission recalled"},
	"flash.cat_approved":        {"审核已通过", "Approved"},
	"flash.cat_returned":        {"已退回", "Returned"},
	"flash.cat_withdraw":        {"下线申请已提交", "Withdrawal requested"},
	"flash.cat_override":        {"已登记分级保护例外", "Override recorded"},
	"flash.cat_legal":           {"已登记，须在 15 个工作日内更新目录", "Recorded: update the entry within 15 working days"},
	"flash.cat_system":          {"信息系统已保存", "System saved"},
	"flash.cat_system_accepted": {"信息系统已验收", "System accepted"},
	"flash.cat_doc":             {"文档已上传", "Document uploaded"},
	"flash.cat_purchase":        {"采购记录已保存", "Purchase saved"},
	"flash.cat_reassess":        {"评估结论已记录", "Outcome recorded"},
}

var catalogWeb *Web

func catalogCards(r *http.Request, p *authz.Principal) []HomeCard {
	if catalogWeb == nil || catalogWeb.App.Catalog == nil {
		return nil
	}
	if !p.Has(authz.DataOfficer, authz.AgencyApprover, authz.AuthorityAdmin, authz.AuthorityReviewer) {
		return nil
	}
	q, err := catalogWeb.App.Catalog.ReviewQueue(r.Context(), p)
	if err != nil {
		return nil
	}
	urgent := false
	for _, it := range q {
		urgent = urgent || it.Overdue || it.WorkdaysLeft <= 1
	}
	title := [2]string{"目录待办（审核/更新）", "Catalog items due"}
	return []HomeCard{{TitleZH: title[0], TitleEN: title[1], Value: strconv.Itoa(len(q)), Href: "/catalog/review", Urgent: urgent}}
}

// facetView is one facet block of the search page.
type facetView struct {
	Key    string
	Title  string
	Param  string
	Active string
	Items  []catalog.FacetCount
}

// catDue describes a deadline for display.
type catDue struct {
	Due     string
	Left    int
	Overdue bool
	workday.Mark
}

func (w *Web) catDue(due string) *catDue {
	if due == "" {
		return nil
	}
	d, err := workday.Parse(due)
	if err != nil {
		return nil
	}
	now := w.App.Now()
	return &catDue{Due: due, Left: w.App.Calendar.Remaining(d, now), Overdue: workday.Overdue(d, now), Mark: w.App.Calendar.Mark(due, now)}
}

var fieldKeyRe = regexp.MustCompile(`^fields\.(\d+)\.([a-z_]+)$`)

// entryFromForm reads the editor form into an entry.
func entryFromForm(r *http.Request) catalog.Entry {
	f := r.PostForm
	g := func(k string) string { return strings.TrimSpace(f.Get(k)) }
	level, _ := strconv.Atoi(g("level"))
	e := catalog.Entry{Name: g("name"), NameEN: g("name_en"), Summary: g("summary"), SourceOrgID: g("source_org_id"),
		Form: catalog.DataForm(g("data_form")), ResourceAttr: g("resource_attr"), Topic: g("topic"), Grade: catalog.Grade(g("grade")), Level: level,
		ShareType: catalog.ShareType(g("share_type")), ShareCondition: g("share_conditions"), ShareScope: g("share_scope"), ShareModes: f["share_modes"],
		ShareReason: g("share_reason"), ShareBasis: g("share_legal_basis"), OpenType: catalog.OpenType(g("open_type")), OpenCondition: g("open_conditions"),
		OpenReason: g("open_reason"), OpenBasis: g("open_legal_basis"), Frequency: catalog.Frequency(g("update_frequency")), LegalBasis: g("legal_basis"),
		Code: g("code")}
	for _, t := range strings.FieldsFunc(g("tags"), func(r rune) bool { return r == '|' || r == ',' || r == '，' || r == '、' }) {
		if t = strings.TrimSpace(t); t != "" {
			e.Tags = append(e.Tags, t)
		}
	}
	rows := map[int]*catalog.Field{}
	for k, vs := range f {
		m := fieldKeyRe.FindStringSubmatch(k)
		if m == nil || len(vs) == 0 {
			continue
		}
		i, _ := strconv.Atoi(m[1])
		if rows[i] == nil {
			rows[i] = &catalog.Field{}
		}
		fl, v := rows[i], strings.TrimSpace(vs[0])
		switch m[2] {
		case "name":
			fl.Name = v
		case "label":
			fl.Label = v
		case "label_en":
			fl.LabelEN = v
		case "type":
			fl.Type = catalog.FieldType(v)
		case "kind":
			fl.Kind = catalog.FieldKind(v)
		case "sensitivity":
			fl.Sensitivity, _ = strconv.Atoi(v)
		case "sensitivity_reason":
			fl.SensitivityReason = v
		case "is_key":
			fl.IsKey = v != ""
		case "required":
			fl.Required = v != ""
		case "enum_values":
			for _, x := range strings.Split(v, "|") {
				if x = strings.TrimSpace(x); x != "" {
					fl.EnumValues = append(fl.EnumValues, x)
				}
			}
		case "share_type":
			fl.ShareType = catalog.ShareType(v)
		case "reason":
			fl.Reason = v
		case "legal_basis":
			fl.LegalBasis = v
		case "condition":
			fl.Condition = v
		case "open_type":
			fl.OpenType = catalog.OpenType(v)
		case "open_reason":
			fl.OpenReason = v
		case "source_org_id":
			fl.SourceOrgID = v
		}
	}
	var idx []int
	for i := range rows {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	for _, i := range idx {
		fl := rows[i]
		if fl.Name == "" && fl.Label == "" {
			continue // an empty added row
		}
		e.Fields = append(e.Fields, *fl)
	}
	return e
}

// catalogList searches the catalog, with facets and export links (public).
func (w *Web) catalogList(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	q := httpapi.CatalogQuery(r)
	res, err := w.App.Catalog.Search(r.Context(), p, q)
	if err != nil {
		return err
	}
	w.App.Catalog.LabelFacets(r.Context(), &res)
	v := w.NewView(rw, r, "cat.title")
	var facets []facetView
	for _, k := range catalog.FacetNames {
		param, title := k, "cat.facet."+k
		switch k {
		case "resource_attr":
			title = "cat.attr"
		case "share_type":
			title = "cat.share"
		case "open_type":
			title = "cat.open"
		case "update_frequency":
			title = "cat.freq"
		case "data_form":
			title = "cat.form"
		}
		facets = append(facets, facetView{Key: k, Title: title, Param: param, Active: r.URL.Query().Get(param), Items: res.Facets[k]})
	}
	v.Data = map[string]any{"Res": res, "Facets": facets, "Page": map[string]int{"Page": res.Page}, "HasNext": res.Page*res.PageSize < res.Total,
		"CanCreate": p.Has(authz.DataOfficer) && p.OrgKind.IsDataHolder(), "Staff": p.Has(authz.DataOfficer, authz.AgencyApprover, authz.AuthorityAdmin, authz.AuthorityReviewer, authz.Auditor, authz.Oversight),
		"Authority": p.IsAuthority(), "Filtered": r.URL.RawQuery != "", "ExportQuery": exportQuery(r.URL.Query())}
	w.Render(rw, 200, "catalog_list", v)
	return nil
}

// catalogEntry shows one entry: the working copy to its holders and reviewers, the published
// version to everyone else.
func (w *Web) catalogEntry(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	id := r.PathValue("id")
	e, err := w.App.Catalog.View(r.Context(), p, id)
	if err != nil {
		return err
	}
	working := catalog.CanSeeWorking(p, e.ProviderOrgID, e.RegionCode)
	if r.URL.Query().Get("published") == "1" && e.Version > 0 {
		if pub, err := w.App.Catalog.Published(r.Context(), id); err == nil {
			e, working = pub, false
		}
	}
	at := authz.CatalogAttrs{ProviderOrgID: e.ProviderOrgID, RegionCode: e.RegionCode, Live: e.Review != nil && e.Review.Live}
	can := func(act authz.Action, ev string) bool {
		if !working || authz.CatalogEntry(p, act, at) != nil {
			return false
		}
		_, err := catalog.Next(e.Status, ev)
		return err == nil
	}
	versions, _ := w.App.Catalog.Versions(r.Context(), id)
	data := map[string]any{"E": e, "Working": working, "Versions": versions,
		"CanEdit": can(authz.Update, catalog.EvUpdate), "CanSubmit": can(authz.Submit, catalog.EvSubmit), "CanRecall": can(authz.Submit, catalog.EvRecall),
		"CanReview": can(authz.Review, catalog.EvApprove), "CanWithdraw": can(authz.Withdraw, catalog.EvWithdraw),
		"CanLegal":    working && authz.CatalogEntry(p, authz.Update, at) == nil && e.Review != nil && e.Review.Live,
		"CanOverride": working && authz.CatalogEntry(p, authz.Review, at) == nil}
	if working && e.Review != nil {
		data["ReviewDue"] = w.catDue(e.Review.ReviewDue)
		data["UpdateDue"] = w.catDue(e.Review.UpdateDue)
		h, _ := w.App.Catalog.History(r.Context(), id)
		// The event's own fields (an embedded catalog.Event would make .Event the whole
		// struct, printed as {1796… system …}).
		type hv struct {
			At            time.Time
			ActorName, Ev string
			From, To      catalog.Status
			Note          string
		}
		var hist []hv
		for _, x := range h {
			hist = append(hist, hv{time.UnixMilli(int64(x.At)), x.ActorName, x.Event, x.From, x.To, x.Note})
		}
		data["History"] = hist
		if reason, rep := w.App.Catalog.UpperReturned(r.Context(), e.ID); reason != "" {
			data["UpperReturn"] = map[string]string{"Reason": reason, "Report": rep}
		}
		if e.Status == catalog.StatusDraft || e.Status == catalog.StatusReturned {
			data["Warnings"] = w.App.Catalog.DuplicateWarnings(r.Context(), e)
		}
	}
	if e.PublishedAt > 0 {
		data["PublishedAt"] = time.UnixMilli(int64(e.PublishedAt))
	}
	data["UpdatedAt"] = time.UnixMilli(int64(e.UpdatedAt))
	if o, err := w.App.Identity.Org(r.Context(), e.SourceOrgID); err == nil {
		data["SourceName"] = o.Name
		if Lang(r) == "en" && o.NameEN != "" {
			data["SourceName"] = o.NameEN
		}
	}
	v := w.NewView(rw, r, "cat.entry")
	v.Title = e.Name
	v.Data = data
	w.Render(rw, 200, "catalog_entry", v)
	return nil
}

// catalogEditor renders the entry form (new or edit), with the field errors of a failed save.
func (w *Web) catalogEditor(rw http.ResponseWriter, r *http.Request, p *authz.Principal, e catalog.Entry, status int, err error) error {
	v := w.NewView(rw, r, "cat.new")
	if e.ID != "" {
		v.Title = T(v.Lang, "cat.edit") + "：" + e.Name
	}
	if err != nil {
		v.Error = apperr.As(err)
		v.Errors = v.Error.Fields
		if v.Error.Status >= 500 || v.Error.Status == 0 {
			return err
		}
		status = v.Error.Status
	}
	errs := map[string]string{}
	for _, f := range v.Errors {
		errs[f.Field] = f.ZH
		if v.Lang == "en" {
			errs[f.Field] = f.EN
		}
	}
	orgs, _ := w.App.Identity.Orgs(r.Context(), "", "")
	if len(e.Fields) == 0 {
		e.Fields = []catalog.Field{{Type: catalog.TypeString, Kind: catalog.KindText}} // sensitivity: the kind's default
	}
	v.Data = map[string]any{"E": e, "Cfg": w.App.Catalog.Config(r.Context()), "Orgs": orgs, "Errs": errs,
		"Forms": catalog.AllForms, "Attrs": catalog.AllAttrs, "Shares": catalog.AllShare, "Opens": catalog.AllOpen, "Freqs": catalog.AllFrequency,
		"Kinds": catalog.AllKinds, "Types": catalog.AllTypes, "Modes": catalog.AllModes, "Reasons": catalog.OpenReasons, "Levels": []int{1, 2, 3, 4},
		"Next": len(e.Fields), "Warnings": e.Warnings}
	w.Render(rw, status, "catalog_edit", v)
	return nil
}

// catalogNew is the empty form for a new entry.
func (w *Web) catalogNew(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	if err := authz.CatalogEntry(p, authz.Create, authz.CatalogAttrs{ProviderOrgID: p.OrgID, RegionCode: p.RegionCode}); err != nil {
		return err
	}
	return w.catalogEditor(rw, r, p, catalog.Entry{Form: catalog.FormTable, ResourceAttr: catalog.AttrDepartment, Grade: catalog.GradeGeneral, Level: 1,
		ShareType: catalog.ShareUnconditional, Frequency: catalog.FreqDaily}, 200, nil)
}

// catalogCreate saves a new entry as a draft.
func (w *Web) catalogCreate(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	r.ParseForm()
	e := entryFromForm(r)
	out, err := w.App.Catalog.Create(r.Context(), p, e)
	if err != nil {
		return w.catalogEditor(rw, r, p, e, 422, err)
	}
	Redirect(rw, r, "/catalog/entries/"+out.ID, "flash.cat_saved")
	return nil
}

// catalogEdit is the form to edit an entry.
func (w *Web) catalogEdit(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	e, err := w.App.Catalog.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := authz.CatalogEntry(p, authz.Update, authz.CatalogAttrs{ProviderOrgID: e.ProviderOrgID, RegionCode: e.RegionCode}); err != nil {
		return err
	}
	if _, err := catalog.Next(e.Status, catalog.EvUpdate); err != nil {
		return err
	}
	return w.catalogEditor(rw, r, p, e, 200, nil)
}

// catalogUpdate saves an edited entry.
func (w *Web) catalogUpdate(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	r.ParseForm()
	e := entryFromForm(r)
	e.ID = r.PathValue("id")
	out, err := w.App.Catalog.Update(r.Context(), p, e)
	if st := apperr.As(err).Status; st == http.StatusNotFound || st == http.StatusForbidden || st == http.StatusUnauthorized {
		return err // the error page, alike for an entry one may not see and one that is not there
	} else if err != nil {
		return w.catalogEditor(rw, r, p, e, 422, err)
	}
	Redirect(rw, r, "/catalog/entries/"+out.ID, "flash.cat_saved")
	return nil
}

// catalogAct runs one step of an entry's workflow and goes back to the entry (or to the review
// queue when the step was taken there).
func (w *Web) catalogAct(rw http.ResponseWriter, r *http.Request, p *authz.Principal, flash string, fn func(r *http.Request, p *authz.Principal, id string) error) error {
	id := r.PathValue("id")
	if err := fn(r, p, id); err != nil {
		return err
	}
	back := "/catalog/entries/" + id
	if r.PostFormValue("back") == "review" {
		back = "/catalog/review"
	}
	Redirect(rw, r, back, flash)
	return nil
}

// catalogSubmit submits an entry for review.
func (w *Web) catalogSubmit(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.catalogAct(rw, r, p, "flash.cat_submitted", func(r *http.Request, p *authz.Principal, id string) error {
		return w.App.Catalog.Submit(r.Context(), p, id)
	})
}

// catalogRecall takes a submitted entry back.
func (w *Web) catalogRecall(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.catalogAct(rw, r, p, "flash.cat_recalled", func(r *http.Request, p *authz.Principal, id string) error {
		return w.App.Catalog.Recall(r.Context(), p, id)
	})
}

// catalogApprove approves (publishes) an entry under review.
func (w *Web) catalogApprove(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.catalogAct(rw, r, p, "flash.cat_approved", func(r *http.Request, p *authz.Principal, id string) error {
		return w.App.Catalog.Approve(r.Context(), p, id, r.PostFormValue("note"))
	})
}

// catalogReturn returns an entry under review with the reasons.
func (w *Web) catalogReturn(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.catalogAct(rw, r, p, "flash.cat_returned", func(r *http.Request, p *authz.Principal, id string) error {
		return w.App.Catalog.Return(r.Context(), p, id, r.PostFormValue("reasons"))
	})
}

// catalogWithdraw requests the withdrawal of a published entry.
func (w *Web) catalogWithdraw(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.catalogAct(rw, r, p, "flash.cat_withdraw", func(r *http.Request, p *authz.Principal, id string) error {
		return w.App.Catalog.RequestWithdrawal(r.Context(), p, id, r.PostFormValue("reason"))
	})
}

// catalogOverride records a reviewer's override of a check.
func (w *Web) catalogOverride(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.catalogAct(rw, r, p, "flash.cat_override", func(r *http.Request, p *authz.Principal, id string) error {
		_, err := w.App.Catalog.RecordOverride(r.Context(), p, id, r.PostFormValue("scope"), r.PostFormValue("reason"))
		return err
	})
}

// catalogLegalChange records a change of the legal basis of a live entry.
func (w *Web) catalogLegalChange(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.catalogAct(rw, r, p, "flash.cat_legal", func(r *http.Request, p *authz.Principal, id string) error {
		return w.App.Catalog.RecordLegalChange(r.Context(), p, id, r.PostFormValue("note"))
	})
}

// catalogReview is the reviewer's queue.
func (w *Web) catalogReview(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	q, err := w.App.Catalog.ReviewQueue(r.Context(), p)
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "cat.review")
	v.Data = map[string]any{"Items": q}
	w.Render(rw, 200, "catalog_review", v)
	return nil
}

// catalogDiff compares two versions of an entry (public).
func (w *Web) catalogDiff(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	from, _ := strconv.Atoi(r.URL.Query().Get("from"))
	to, _ := strconv.Atoi(r.URL.Query().Get("to"))
	c, err := w.App.Catalog.Compare(r.Context(), p, r.PathValue("id"), from, to)
	if err != nil {
		return err
	}
	versions, _ := w.App.Catalog.Versions(r.Context(), r.PathValue("id"))
	v := w.NewView(rw, r, "cat.diff")
	v.Title = T(v.Lang, "cat.diff") + "：" + c.New.Name
	v.Data = map[string]any{"C": c, "Versions": versions, "ID": r.PathValue("id"), "Working": catalog.CanSeeWorking(p, c.New.ProviderOrgID, c.New.RegionCode)}
	w.Render(rw, 200, "catalog_diff", v)
	return nil
}

// catalogNegative is the negative list (entries not shared or not opened).
func (w *Web) catalogNegative(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	q := catalog.NegativeQuery{Agency: r.URL.Query().Get("agency"), Region: r.URL.Query().Get("region")}
	items, err := w.App.Catalog.NegativeList(r.Context(), p, q)
	if err != nil {
		return err
	}
	orgs, _ := w.App.Identity.Orgs(r.Context(), "", "")
	regions, _ := w.App.Identity.Regions(r.Context())
	v := w.NewView(rw, r, "cat.negative")
	v.Data = map[string]any{"Items": items, "Orgs": orgs, "Regions": regions, "Export": r.URL.RawQuery}
	w.Render(rw, 200, "catalog_negative", v)
	return nil
}

// catalogSources lists the data sources and the source report.
func (w *Web) catalogSources(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	src, err := w.App.Catalog.Sources(r.Context())
	if err != nil {
		return err
	}
	rep, err := w.App.Catalog.SourceReport(r.Context(), p, r.URL.Query().Get("region"))
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "cat.sources")
	v.Data = map[string]any{"Sources": src, "Report": rep}
	w.Render(rw, 200, "catalog_sources", v)
	return nil
}

// catalogRollup sums the catalog up by region and agency.
func (w *Web) catalogRollup(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	rows, err := w.App.Catalog.Rollup(r.Context(), p, r.URL.Query().Get("region"))
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "cat.rollup")
	v.Data = map[string]any{"Rows": rows}
	w.Render(rw, 200, "catalog_rollup", v)
	return nil
}

// Information systems.

// catalogSystemsPage renders the information-system list with the registration form.
func (w *Web) catalogSystemsPage(rw http.ResponseWriter, r *http.Request, p *authz.Principal, form catalog.System, status int, ferr error) error {
	list, err := w.App.Catalog.Systems(r.Context(), p, "")
	if err != nil {
		return err
	}
	mine, _ := w.App.Catalog.Search(r.Context(), p, catalog.SearchQuery{Agency: p.OrgID, PageSize: 500})
	v := w.NewView(rw, r, "cat.systems")
	if ferr != nil {
		v.Error = apperr.As(ferr)
		v.Errors = v.Error.Fields
		status = v.Error.Status
	}
	v.Data = map[string]any{"Systems": list, "Form": form, "MyEntries": mine.Hits, "CanRegister": p.Has(authz.DataOfficer, authz.AgencyApprover) && p.OrgKind.IsDataHolder()}
	w.Render(rw, status, "catalog_systems", v)
	return nil
}

// catalogSystemForm reads an information system from the posted form.
func catalogSystemForm(r *http.Request) catalog.System {
	return catalog.System{Name: r.PostFormValue("name"), Stage: r.PostFormValue("stage"), FinanceFunded: r.PostFormValue("finance_funded") != "",
		ProjectCode: strings.TrimSpace(r.PostFormValue("project_code")), Description: r.PostFormValue("description"), EntryIDs: r.PostForm["entry_ids"]}
}

// catalogSystems lists the information systems.
func (w *Web) catalogSystems(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.catalogSystemsPage(rw, r, p, catalog.System{Stage: catalog.StagePlanned}, 200, nil)
}

// catalogSystemCreate registers an information system.
func (w *Web) catalogSystemCreate(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	r.ParseForm()
	in := catalogSystemForm(r)
	s, err := w.App.Catalog.SaveSystem(r.Context(), p, in)
	if err != nil {
		return w.catalogSystemsPage(rw, r, p, in, 422, err)
	}
	Redirect(rw, r, "/catalog/systems/"+s.ID, "flash.cat_system")
	return nil
}

// catalogSystemPage renders one information system with its linked entries.
func (w *Web) catalogSystemPage(rw http.ResponseWriter, r *http.Request, p *authz.Principal, s catalog.System, status int, ferr error) error {
	v := w.NewView(rw, r, "cat.system")
	v.Title = s.Name
	if ferr != nil {
		v.Error = apperr.As(ferr)
		v.Errors = v.Error.Fields
		status = v.Error.Status
	}
	mine, _ := w.App.Catalog.Search(r.Context(), p, catalog.SearchQuery{Agency: s.OrgID, PageSize: 500})
	linked := map[string]bool{}
	for _, id := range s.EntryIDs {
		linked[id] = true
	}
	v.Data = map[string]any{"S": s, "Entries": mine.Hits, "Linked": linked, "CanEdit": authz.CatalogRegistry(p, authz.Update, s.OrgID, s.RegionCode) == nil,
		"CanAccept": !s.Accepted && authz.CatalogRegistry(p, authz.Review, s.OrgID, s.RegionCode) == nil}
	w.Render(rw, status, "catalog_system", v)
	return nil
}

// catalogSystem shows one information system.
func (w *Web) catalogSystem(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s, err := w.App.Catalog.System(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	return w.catalogSystemPage(rw, r, p, s, 200, nil)
}

// catalogSystemUpdate saves an edited information system.
func (w *Web) catalogSystemUpdate(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	r.ParseForm()
	in := catalogSystemForm(r)
	in.ID = r.PathValue("id")
	s, err := w.App.Catalog.SaveSystem(r.Context(), p, in)
	if err != nil {
		cur, err2 := w.App.Catalog.System(r.Context(), p, in.ID)
		if err2 != nil {
			return err2
		}
		return w.catalogSystemPage(rw, r, p, cur, 422, err)
	}
	Redirect(rw, r, "/catalog/systems/"+s.ID, "flash.cat_system")
	return nil
}

// catalogSystemAccept accepts an information system (its data cataloged).
func (w *Web) catalogSystemAccept(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	if _, err := w.App.Catalog.AcceptSystem(r.Context(), p, r.PathValue("id"), r.PostFormValue("note")); err != nil {
		ae := apperr.As(err)
		if ae.Code != catalog.ErrNotAcceptable.Code {
			return err
		}
		cur, err2 := w.App.Catalog.System(r.Context(), p, r.PathValue("id"))
		if err2 != nil {
			return err2
		}
		return w.catalogSystemPage(rw, r, p, cur, ae.Status, err)
	}
	Redirect(rw, r, "/catalog/systems/"+r.PathValue("id"), "flash.cat_system_accepted")
	return nil
}

// catalogSystemDocument attaches a document to an information system.
func (w *Web) catalogSystemDocument(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	r.Body = http.MaxBytesReader(rw, r.Body, catalog.MaxDocSize+1<<20)
	f, h, err := r.FormFile("file")
	if err != nil {
		return apperr.BadRequest.With(apperr.Field("file", "请选择要上传的文件", "choose a file to upload"))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, catalog.MaxDocSize+1))
	if err != nil {
		return apperr.TooLarge
	}
	if _, err := w.App.Catalog.AttachDoc(r.Context(), p, r.PathValue("id"), r.FormValue("kind"), h.Filename, h.Header.Get("Content-Type"), data); err != nil {
		return err
	}
	Redirect(rw, r, "/catalog/systems/"+r.PathValue("id"), "flash.cat_doc")
	return nil
}

// Purchased non-public data.

// catalogPurchasesPage renders the purchased-data list with the request form.
func (w *Web) catalogPurchasesPage(rw http.ResponseWriter, r *http.Request, p *authz.Principal, form catalog.Purchase, status int, ferr error) error {
	list, err := w.App.Catalog.Purchases(r.Context(), p)
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "cat.purchases")
	if ferr != nil {
		v.Error = apperr.As(ferr)
		v.Errors = v.Error.Fields
		status = v.Error.Status
	}
	type row struct {
		catalog.Purchase
		CanDecide bool
	}
	var rows []row
	for _, pu := range list {
		rows = append(rows, row{pu, pu.Status == catalog.PurchasePending && authz.CatalogRegistry(p, authz.Review, pu.OrgID, pu.RegionCode) == nil})
	}
	v.Data = map[string]any{"Items": rows, "Form": form, "CanRequest": p.Has(authz.DataOfficer, authz.AgencyApprover) && p.OrgKind.IsDataHolder()}
	w.Render(rw, status, "catalog_purchases", v)
	return nil
}

// catalogPurchases lists the purchased non-public data.
func (w *Web) catalogPurchases(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.catalogPurchasesPage(rw, r, p, catalog.Purchase{}, 200, nil)
}

// catalogPurchaseRequest requests approval for a data purchase.
func (w *Web) catalogPurchaseRequest(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	in := catalog.Purchase{Name: r.PostFormValue("name"), Supplier: r.PostFormValue("supplier"), Purpose: r.PostFormValue("purpose"), Amount: catalog.Amount(r.PostFormValue("amount"))}
	if _, err := w.App.Catalog.RequestPurchase(r.Context(), p, in); err != nil {
		return w.catalogPurchasesPage(rw, r, p, in, 422, err)
	}
	Redirect(rw, r, "/catalog/purchases", "flash.cat_purchase")
	return nil
}

// catalogPurchaseDecide approves or refuses a data purchase.
func (w *Web) catalogPurchaseDecide(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	if err := w.App.Catalog.DecidePurchase(r.Context(), p, r.PathValue("id"), r.PostFormValue("approve") == "1", r.PostFormValue("note")); err != nil {
		return err
	}
	Redirect(rw, r, "/catalog/purchases", "flash.cat_purchase")
	return nil
}

// Re-assessments.

// catalogReassessments lists the re-assessments due.
func (w *Web) catalogReassessments(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	list, err := w.App.Catalog.Reassessments(r.Context(), p, false)
	if err != nil {
		return err
	}
	type row struct {
		catalog.Reassessment
		CanDecide bool
	}
	var rows []row
	for _, x := range list {
		rows = append(rows, row{x, x.Outcome == "" && p.OrgID == x.OrgID && p.Has(authz.DataOfficer, authz.AgencyApprover)})
	}
	v := w.NewView(rw, r, "cat.reassess")
	v.Data = map[string]any{"Items": rows, "Outcomes": catalog.Outcomes}
	w.Render(rw, 200, "catalog_reassess", v)
	return nil
}

// catalogReassessment records the outcome of a re-assessment.
func (w *Web) catalogReassessment(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	if err := w.App.Catalog.RecordReassessment(r.Context(), p, r.PathValue("id"), r.PostFormValue("outcome"), r.PostFormValue("note")); err != nil {
		return err
	}
	Redirect(rw, r, "/catalog/reassessments", "flash.cat_reassess")
	return nil
}

// Import.

// catalogImportPage renders the import form and, after an import, its result.
func (w *Web) catalogImportPage(rw http.ResponseWriter, r *http.Request, p *authz.Principal, res *catalog.ImportResult, status int, ferr error) {
	v := w.NewView(rw, r, "cat.import")
	if ferr != nil {
		v.Error = apperr.As(ferr)
		v.Errors = v.Error.Fields
		status = v.Error.Status
	}
	v.Data = map[string]any{"Res": res, "Authority": p.IsAuthority() && p.Has(authz.AuthorityAdmin), "Columns": strings.Join(catalog.ColumnKeys(), ", ")}
	w.Render(rw, status, "catalog_import", v)
}

// catalogImport is the import form and, after a redirect, the import's result.
func (w *Web) catalogImport(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	var res *catalog.ImportResult
	if q := r.URL.Query(); q.Has("created") { // the result of an import, after its redirect
		c, _ := strconv.Atoi(q.Get("created"))
		u, _ := strconv.Atoi(q.Get("updated"))
		k, _ := strconv.Atoi(q.Get("skipped"))
		res = &catalog.ImportResult{Created: c, Updated: u, Skipped: k}
		if errs := takeSkipped(rw, r, w.Secure); len(errs) > 0 {
			res.Errors = errs
			w.catalogImportPage(rw, r, p, res, 200, skippedRows(errs))
			return nil
		}
	}
	w.catalogImportPage(rw, r, p, res, 200, nil)
	return nil
}

// catalogImportPost imports entries from a spreadsheet and redirects to the result.
func (w *Web) catalogImportPost(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	r.Body = http.MaxBytesReader(rw, r.Body, 33<<20)
	f, h, err := r.FormFile("file")
	if err != nil {
		w.catalogImportPage(rw, r, p, nil, 400, apperr.BadRequest.With(apperr.Field("file", "请选择要上传的文件", "choose a file to upload")))
		return nil
	}
	defer f.Close()
	data, _ := io.ReadAll(io.LimitReader(f, 32<<20))
	rows, err := catalog.ReadEntries(bytes.NewReader(data), catalog.FormatOf(h.Filename))
	if err != nil {
		w.catalogImportPage(rw, r, p, nil, 422, err)
		return nil
	}
	res, err := w.App.Catalog.Import(r.Context(), p, rows, catalog.ImportOptions{SkipBad: r.FormValue("skip_bad") != "", Publish: r.FormValue("publish") != "", Note: h.Filename})
	if err != nil {
		w.catalogImportPage(rw, r, p, nil, 422, err)
		return nil
	}
	// The result is a redirect, so a reload of the result page imports nothing again; the
	// rows skipped (and why) travel to it once in a short-lived cookie.
	if len(res.Errors) > 0 {
		keepSkipped(rw, res.Errors, w.Secure)
	}
	Redirect(rw, r, fmt.Sprintf("/catalog/import?created=%d&updated=%d&skipped=%d", res.Created, res.Updated, res.Skipped), "")
	return nil
}

// skippedCookie carries an import's skipped rows to its result page, once.
const skippedCookie = "pd_import_skipped"

// keepSkipped stores the skipped rows' errors for the result page: as many as fit in a cookie
// (about 3 KB), the rest counted in a last line.
func keepSkipped(rw http.ResponseWriter, errs []apperr.FieldError, secure bool) {
	keep := errs
	var v string
	for {
		b, _ := json.Marshal(keep)
		if v = base64.RawURLEncoding.EncodeToString(b); len(v) <= 3000 || len(keep) <= 1 {
			break
		}
		keep = keep[:len(keep)/2]
	}
	if n := len(errs) - len(keep); n > 0 {
		keep = append(keep[:len(keep):len(keep)], apperr.Field("", fmt.Sprintf("另有 %d 行错误未列出", n), fmt.Sprintf("%d more skipped rows not listed", n)))
		b, _ := json.Marshal(keep)
		v = base64.RawURLEncoding.EncodeToString(b)
	}
	http.SetCookie(rw, &http.Cookie{Name: skippedCookie, Value: v, Path: "/catalog/import", MaxAge: 300, HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteStrictMode})
}

// takeSkipped reads and clears the skipped rows left by keepSkipped.
func takeSkipped(rw http.ResponseWriter, r *http.Request, secure bool) []apperr.FieldError {
	c, err := r.Cookie(skippedCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	http.SetCookie(rw, &http.Cookie{Name: skippedCookie, Value: "", Path: "/catalog/import", MaxAge: -1, HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteStrictMode})
	b, err := base64.RawURLEncoding.DecodeString(c.Value)
	var errs []apperr.FieldError
	if err != nil || json.Unmarshal(b, &errs) != nil {
		return nil
	}
	return errs
}

// skippedRows is the notice above the list of skipped rows (the other rows were imported).
func skippedRows(errs []apperr.FieldError) error {
	e := catalog.ErrImport.With(errs...)
	e.Status, e.ZH, e.EN = 200, "以下错误行已跳过", "These rows were skipped"
	return e
}

// exportQuery is the current search (without paging) for the export links, so that an export
// holds what the page lists.
func exportQuery(q url.Values) template.URL {
	c := url.Values{}
	for _, k := range []string{"q", "agency", "resource_attr", "topic", "grade", "share_type", "open_type", "update_frequency", "region", "status"} {
		if v := q.Get(k); v != "" {
			c.Set(k, v)
		}
	}
	return template.URL(c.Encode())
}
