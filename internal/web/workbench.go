package web

import (
	"net/http"
	"slices"

	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/supervise"
)

// The home page: for visitors the portal (search, counts, topics, recent updates); for people
// logged in their workbench — what is pending, nearest deadline first with the working days
// left, and their figures as charts (requests by state and month, overdue items over time,
// quality and freshness by agency, gateway calls per day).
func init() {
	Register(map[string][2]string{
		"home.hero":         {"查找公共数据", "Find public data"},
		"home.search":       {"搜索数据资源目录", "Search the data catalog"},
		"home.search_btn":   {"搜索", "Search"},
		"home.search_hint":  {"输入数据名称、部门或关键词", "A dataset name, an agency or a keyword"},
		"home.n_entries":    {"目录条目", "Catalog entries"},
		"home.n_agencies":   {"提供部门", "Providing agencies"},
		"home.n_open":       {"开放数据集", "Open datasets"},
		"home.n_calls":      {"累计服务调用", "Calls served"},
		"home.topics":       {"按主题浏览", "Browse by topic"},
		"home.recent":       {"最近更新", "Recent updates"},
		"home.more":         {"查看全部", "See all"},
		"home.portals":      {"开放数据门户", "Open data portal"},
		"home.pending":      {"待办事项（按期限排序）", "Pending items (by deadline)"},
		"home.pending_none": {"没有待办的期限事项。", "Nothing pending with a deadline."},
		"home.pending_more": {"共 %d 项，此处列出期限最近的 %d 项。", "%d in all; the %d nearest deadlines are listed."},
		"home.item":         {"事项", "Item"},
		"home.kind":         {"类别", "Kind"},
		"home.due":          {"期限", "Due"},
		"home.left":         {"剩余", "Left"},
		"home.days_left":    {"%d 个工作日", "%d working days"},
		"home.due_today":    {"今天到期", "Due today"},
		"home.overdue":      {"已逾期 %d 个工作日", "Overdue by %d working days"},
		"home.figures":      {"我的图表", "My figures"},
		"home.dashboard":    {"打开监管驾驶舱", "Open the supervision dashboard"},
	})
}

// pendingKinds are the deadlines a role works on: an agency's staff their organization's
// share requests, correction tasks, late updates and rectification orders; the authority (and
// those who watch it) the region's reviews, requests, tasks, orders and incidents.
func pendingKinds(p *authz.Principal, sc supervise.Scope) []string {
	if sc.OrgID != "" {
		return []string{supervise.SetShareDue, supervise.SetTasksDue, supervise.SetLate, supervise.SetSanctions}
	}
	return []string{supervise.SetReviewDue, supervise.SetShareDue, supervise.SetTasksDue, supervise.SetSanctions, supervise.SetIncidents}
}

// workbench adds the pending list and the charts to a logged-in home page (nothing for roles
// without figures of their own, e.g. the public or an application unit).
func (w *Web) workbench(r *http.Request, v *View, p *authz.Principal, data map[string]any) {
	a := w.App
	if a.Supervise == nil || (p.OrgID == "" && !p.Has(authz.Auditor, authz.Oversight)) {
		return
	}
	sc, err := a.Supervise.ScopeOf(r.Context(), p, "")
	if err != nil {
		return // no figures for this role
	}
	items, total, err := a.Supervise.Pending(r.Context(), sc, pendingKinds(p, sc), 15)
	if err == nil {
		data["Pending"], data["PendingTotal"] = items, total
	}
	b, err := a.Supervise.Dashboard(r.Context(), sc, 12)
	if err != nil {
		return
	}
	c := boardCharts(v, b)
	data["Charts"] = []any{c["requests"], c["overdue"], c["quality_org"], c["fresh_org"], c["calls"]}
	data["Dashboard"] = p.IsAuthority() || p.Has(authz.Auditor, authz.Oversight)
}

// portal adds the public home page's search, counts, topics and recent updates.
func (w *Web) portal(r *http.Request, v *View, data map[string]any) {
	a := w.App
	v.Title = T(v.Lang, "app.name")
	if a.Supervise != nil {
		if f, err := a.Supervise.Public(r.Context(), 8); err == nil {
			data["Facts"] = f
		}
	}
	if a.Open != nil {
		if st, err := a.Open.Stats(r.Context()); err == nil {
			data["OpenDatasets"] = st.Datasets
		}
	}
	if a.Catalog != nil {
		res, err := a.Catalog.Search(r.Context(), &authz.Principal{}, catalog.SearchQuery{PageSize: 1})
		if err == nil {
			a.Catalog.LabelFacets(r.Context(), &res)
			topics := slices.Clone(res.Facets["topic"])
			data["Topics"] = topics[:min(len(topics), 16)]
		}
	}
}
