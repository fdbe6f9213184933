package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/chart"
	"pubdata/internal/httpapi"
	"pubdata/internal/supervise"
	"pubdata/internal/vocab"
)

// The supervision dashboard (监管驾驶舱, SUP-7): the authority's region at a glance — volume
// and growth, freshness, quality, sharing and opening activity, deadlines at risk, sanctions,
// incidents, backups and drills — as server-rendered SVG charts, each number a link to the
// items behind it (/supervise/dashboard/items). Auditors and oversight bodies read the same.
func init() {
	Register(map[string][2]string{
		"nav.dashboard":        {"监管驾驶舱", "Supervision"},
		"dash.title":           {"监管驾驶舱", "Supervision dashboard"},
		"dash.items":           {"明细", "Items"},
		"dash.scope":           {"范围", "Scope"},
		"dash.org":             {"部门", "Agency"},
		"dash.all":             {"本地区全部部门", "All agencies of the region"},
		"dash.show":            {"查看", "Show"},
		"dash.readonly":        {"只读视图：数字均由平台记录实时计算，点击数字可查看对应事项。", "Read-only: every figure is computed from the platform's records; follow a number to the items behind it."},
		"dash.volume":          {"数据量与增长", "Data volume and growth"},
		"dash.fresh":           {"更新及时性", "Freshness"},
		"dash.quality":         {"数据质量", "Quality"},
		"dash.sharing":         {"共享与开放", "Sharing and opening"},
		"dash.risk":            {"期限临近或逾期", "Deadlines at risk"},
		"dash.risk_help":       {"两个工作日内到期或已逾期、尚未办结的事项。", "Open items due within two working days or overdue."},
		"dash.security":        {"处罚、安全事件与备份", "Sanctions, incidents and backups"},
		"dash.kind":            {"事项", "Kind"},
		"dash.count":           {"数量", "Count"},
		"dash.name":            {"名称", "Name"},
		"dash.due":             {"期限", "Due"},
		"dash.left":            {"剩余工作日", "Working days left"},
		"dash.overdue":         {"已逾期", "Overdue"},
		"dash.when":            {"时间", "Time"},
		"dash.state":           {"状态", "State"},
		"dash.none":            {"没有符合条件的事项。", "No items."},
		"dash.back":            {"返回驾驶舱", "Back to the dashboard"},
		"dash.no_backup":       {"尚无备份", "No backups yet"},
		"dash.no_drill":        {"尚无恢复演练", "No restore drills yet"},
		"dash.backup":          {"最近一次备份", "Latest backup"},
		"dash.drill":           {"最近一次恢复演练", "Latest restore drill"},
		"dash.drill_ok":        {"通过", "Passed"},
		"dash.drill_failed":    {"未通过", "Failed"},
		"dash.rpo":             {"恢复点", "Recovery point"},
		"dash.rto":             {"恢复时间", "Recovery time"},
		"dash.incidents_open":  {"未关闭的安全事件", "Open security incidents"},
		"dash.filter":          {"筛选条件", "Filter"},
		"dash.entries":         {"已发布目录", "Published entries"},
		"dash.agencies":        {"提供部门", "Providing agencies"},
		"dash.rows":            {"数据量（行）", "Rows held"},
		"dash.late":            {"更新逾期", "Late updates"},
		"dash.quality_avg":     {"平均质量得分", "Average quality score"},
		"dash.calls30":         {"近 30 天网关调用", "Gateway calls, 30 days"},
		"dash.risk_total":      {"期限临近或逾期", "Deadlines at risk"},
		"dash.month":           {"月份", "Month"},
		"dash.day":             {"日期", "Day"},
		"dash.region":          {"地区", "Region"},
		"dash.total":           {"合计", "Total"},
		"dash.empty":           {"暂无数据", "No data yet"},
		"dash.table":           {"数据表", "The numbers"},
		"dash.c.entries_month": {"每月发布的目录条目", "Entries published per month"},
		"dash.c.rows_month":    {"每月归集入库的数据行", "Rows loaded per month"},
		"dash.c.entries_org":   {"各部门已发布目录", "Published entries by agency"},
		"dash.c.entries_reg":   {"各地区已发布目录", "Published entries by region"},
		"dash.c.fresh_org":     {"各部门按时更新的比例", "Share of entries updated on time, by agency"},
		"dash.c.late_month":    {"每月新增的更新逾期", "Late updates flagged per month"},
		"dash.c.quality_org":   {"各部门最新质量得分", "Latest quality score by agency"},
		"dash.c.requests":      {"共享申请（按月份、当前状态）", "Share requests by month and state"},
		"dash.c.calls":         {"共享网关每日调用", "Gateway calls per day"},
		"dash.c.open":          {"开放数据下载与调用（每月）", "Open data downloads and calls per month"},
		"dash.c.overdue":       {"逾期事项（按期限所在月份）", "Overdue items by the month they fell due"},
		"dash.c.sanctions":     {"责令整改（按状态）", "Rectification orders by state"},
		"dash.c.incidents":     {"每月安全事件", "Security incidents per month"},
		"dash.s.entries":       {"条目", "Entries"},
		"dash.s.rows":          {"行数", "Rows"},
		"dash.s.fresh":         {"按时更新", "On time"},
		"dash.s.late":          {"逾期", "Late"},
		"dash.s.score":         {"得分", "Score"},
		"dash.s.calls":         {"调用", "Calls"},
		"dash.s.denied":        {"拒绝", "Refused"},
		"dash.s.downloads":     {"下载", "Downloads"},
		"dash.s.items":         {"事项", "Items"},
		"dash.s.orders":        {"整改令", "Orders"},
		"dash.s.incidents":     {"安全事件", "Incidents"},
		"dash.set.entries":     {"已发布目录条目", "Published catalog entries"},
		"dash.set.loads":       {"入库的数据批次", "Committed data loads"},
		"dash.set.late":        {"更新逾期的目录", "Entries late on updates"},
		"dash.set.requests":    {"共享申请", "Share requests"},
		"dash.set.share_due":   {"待办结的共享申请", "Share requests awaiting action"},
		"dash.set.tasks_due":   {"未闭环的整改任务", "Open correction tasks"},
		"dash.set.review_due":  {"待审核的目录", "Catalog entries awaiting review"},
		"dash.set.sanctions":   {"责令整改", "Rectification orders"},
		"dash.set.incidents":   {"安全事件", "Security incidents"},
		"dash.set.calls":       {"共享网关调用（按授权）", "Share-gateway calls (by grant)"},
		"dash.set.overdue":     {"逾期未办结的事项", "Items past their deadline"},
		"dash.calls_n":         {"调用次数", "Calls"},
		"dash.calls_sum":       {"调用合计", "Calls in all"},
	})
	AddNav(NavItem{Key: "nav.dashboard", Href: "/supervise/dashboard", Roles: []authz.Role{authz.AuthorityAdmin, authz.AuthorityReviewer, authz.Auditor, authz.Oversight}, Order: 5})
}

// setStates names the state vocabulary of the sets that have a state.
var setStates = map[string]string{supervise.SetRequests: vocab.ShareState, supervise.SetSanctions: vocab.SanctionState,
	supervise.SetIncidents: vocab.SecurityState, supervise.SetTasksDue: vocab.TaskState}

// dashboardHome shows the supervision dashboard for the caller's scope (or an organisation in it); the look is audited.
func (w *Web) dashboardHome(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	sc, err := a.Supervise.ScopeOf(r.Context(), p, r.URL.Query().Get("org"))
	if err != nil {
		return err
	}
	b, err := a.Supervise.Dashboard(r.Context(), sc, 12)
	if err != nil {
		return err
	}
	a.Audit.Log(r.Context(), audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "supervise.dashboard", ClientIP: httpapi.ClientIP(r),
		Detail: map[string]any{"region": sc.Region, "org": sc.OrgID}})
	v := w.NewView(rw, r, "dash.title")
	v.Data = w.boardView(r.Context(), v, p, b)
	w.Render(rw, 200, "dashboard", v)
	return nil
}

// dashboardItems lists the items behind a dashboard figure (drill-down); the look is audited.
func (w *Web) dashboardItems(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	q := r.URL.Query()
	sc, err := a.Supervise.ScopeOf(r.Context(), p, q.Get("scope"))
	if err != nil {
		return err
	}
	f := supervise.Filter{Set: q.Get("set"), OrgID: q.Get("org"), Region: q.Get("region"), Month: q.Get("month"), State: q.Get("state"), Risk: q.Get("risk") == "1",
		Day: q.Get("day"), DueMonth: q.Get("due_month")}
	pg, err := httpapi.PageOf(r)
	if err != nil {
		return err
	}
	items, total, err := a.Supervise.Items(r.Context(), sc, f, pg.Size, pg.Offset)
	if err != nil {
		return err
	}
	a.Audit.Log(r.Context(), audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "supervise.dashboard", ClientIP: httpapi.ClientIP(r),
		Detail: map[string]any{"query": r.URL.RawQuery}})
	v := w.NewView(rw, r, "dash.items")
	v.Title = T(v.Lang, "dash.set."+f.Set)
	var sum int64
	for _, it := range items {
		sum += it.N
	}
	v.Data = map[string]any{"Items": items, "Total": total, "Sum": sum, "Summed": f.Set == supervise.SetCalls, "Kinds": f.Set == supervise.SetOverdue, "Page": pg, "HasNext": pg.Offset+len(items) < total, "F": f,
		"StateVocab": setStates[f.Set], "Back": "/supervise/dashboard" + scopeQuery(q.Get("scope"), "?")}
	w.Render(rw, 200, "dashboard_items", v)
	return nil
}

func scopeQuery(org, sep string) string {
	if org == "" {
		return ""
	}
	return sep + "org=" + url.QueryEscape(org)
}

// drill is the link to the items behind a figure.
func drill(scopeOrg string, kv ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			q.Set(kv[i], kv[i+1])
		}
	}
	if scopeOrg != "" {
		q.Set("scope", scopeOrg)
	}
	return "/supervise/dashboard/items?" + q.Encode()
}

// figure is a number with its link.
type figure struct {
	Key   string
	Value string
	Href  string
	Bad   bool
}

// boardView turns the figures into what the page shows: tiles, charts and the at-risk table.
func (w *Web) boardView(ctx context.Context, v *View, p *authz.Principal, b *supervise.Board) map[string]any {
	c := boardCharts(v, b)
	org := b.Scope.OrgID
	risk := 0
	var rows []figure
	for _, k := range supervise.RiskSets {
		risk += b.AtRisk[k]
		rows = append(rows, figure{Key: "dash.set." + k, Value: strconv.Itoa(b.AtRisk[k]), Href: drill(org, "set", k, "risk", "1"), Bad: b.AtRisk[k] > 0})
	}
	calls := 0.0
	for _, n := range b.CallsByDay {
		calls += n
	}
	tiles := []figure{
		{Key: "dash.entries", Value: strconv.Itoa(b.Entries), Href: drill(org, "set", supervise.SetEntries)},
		{Key: "dash.agencies", Value: strconv.Itoa(b.Agencies), Href: "#c-entries-org"},
		{Key: "dash.rows", Value: groupInt(b.Rows), Href: drill(org, "set", supervise.SetLoads)},
		{Key: "dash.late", Value: strconv.Itoa(b.Late), Href: drill(org, "set", supervise.SetLate), Bad: b.Late > 0},
		{Key: "dash.quality_avg", Value: fmt.Sprintf("%.1f", b.Quality), Href: "#c-quality-org"},
		{Key: "dash.calls30", Value: groupInt(int64(calls)), Href: "#c-calls"},
		{Key: "dash.risk_total", Value: strconv.Itoa(risk), Href: "#risk", Bad: risk > 0},
		{Key: "dash.incidents_open", Value: strconv.Itoa(b.Incidents), Href: drill(org, "set", supervise.SetIncidents, "state", "open"), Bad: b.Incidents > 0},
	}
	data := map[string]any{"B": b, "Tiles": tiles, "Risk": rows, "C": c, "Jobs": authz.Jobs(p, authz.Read) == nil}
	if p.IsAuthority() || p.Has(authz.Auditor, authz.Oversight) {
		orgs, _ := w.App.Identity.Orgs(ctx, "", "")
		var in []map[string]string
		for _, o := range orgs {
			if authz.RegionCovers(p.RegionCode, o.RegionCode) && o.Kind.IsDataHolder() {
				in = append(in, map[string]string{"ID": o.ID, "Name": pick(v.Lang, o.Name, o.NameEN)})
			}
		}
		data["Orgs"] = in
	}
	return data
}

func pick(lang, zh, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	return zh
}

func groupInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	out := []byte{}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// boardCharts draws every chart of a board, keyed by name; the workbench shows some of them.
func boardCharts(v *View, b *supervise.Board) map[string]template.HTML {
	t := func(k string) string { return T(v.Lang, k) }
	org := b.Scope.OrgID
	monthLinks := func(kv ...string) []string {
		out := make([]string, len(b.Months))
		for i, m := range b.Months {
			out[i] = drill(org, append(kv, "month", m)...)
		}
		return out
	}
	counts := func(cs []supervise.Count, href func(c supervise.Count) string) ([]string, []float64, []string) {
		var cats, hrefs []string
		var vals []float64
		for _, c := range cs {
			name := pick(v.Lang, c.Name, c.NameEN)
			if name == "" {
				name = "—"
			}
			cats, vals = append(cats, name), append(vals, c.N)
			if href != nil {
				hrefs = append(hrefs, href(c))
			}
		}
		return cats, vals, hrefs
	}
	mk := func(id, title string, kind chart.Kind, header string, cats []string, series ...chart.Series) template.HTML {
		return chart.Chart{ID: id, Kind: kind, Title: t(title), Desc: t(title), Categories: cats, Series: series,
			CategoryHeader: t(header), TotalHeader: t("dash.total"), Empty: t("dash.empty"), TableLabel: t("dash.table")}.HTML()
	}
	out := map[string]template.HTML{}
	out["entries_month"] = mk("c-entries-month", "dash.c.entries_month", chart.Line, "dash.month", b.Months,
		chart.Series{Name: t("dash.s.entries"), Values: b.EntriesByMonth, Hrefs: monthLinks("set", supervise.SetEntries)})
	out["rows_month"] = mk("c-rows-month", "dash.c.rows_month", chart.Line, "dash.month", b.Months,
		chart.Series{Name: t("dash.s.rows"), Values: b.RowsByMonth, Hrefs: monthLinks("set", supervise.SetLoads)})
	cats, vals, hrefs := counts(b.EntriesByOrg, func(c supervise.Count) string { return drill(org, "set", supervise.SetEntries, "org", c.Key) })
	out["entries_org"] = mk("c-entries-org", "dash.c.entries_org", chart.Bar, "dash.org", cats, chart.Series{Name: t("dash.s.entries"), Values: vals, Hrefs: hrefs})
	cats, vals, hrefs = counts(b.EntriesByReg, func(c supervise.Count) string { return drill(org, "set", supervise.SetEntries, "region", c.Key) })
	out["entries_reg"] = mk("c-entries-reg", "dash.c.entries_reg", chart.Bar, "dash.region", cats, chart.Series{Name: t("dash.s.entries"), Values: vals, Hrefs: hrefs})
	cats, vals, hrefs = counts(b.FreshByOrg, func(c supervise.Count) string { return drill(org, "set", supervise.SetLate, "org", c.Key) })
	fresh := chart.Chart{ID: "c-fresh-org", Kind: chart.Bar, Title: t("dash.c.fresh_org"), Desc: t("dash.c.fresh_org"), Categories: cats, Percent: true,
		Series: []chart.Series{{Name: t("dash.s.fresh"), Values: vals, Hrefs: hrefs}}, CategoryHeader: t("dash.org"), Empty: t("dash.empty"), TableLabel: t("dash.table")}
	out["fresh_org"] = fresh.HTML()
	out["late_month"] = mk("c-late-month", "dash.c.late_month", chart.Line, "dash.month", b.Months,
		chart.Series{Name: t("dash.s.late"), Values: b.LateByMonth, Hrefs: monthLinks("set", supervise.SetLate)})
	cats, vals, hrefs = counts(b.QualityByOrg, func(c supervise.Count) string { return "/quality/orgs/" + url.PathEscape(c.Key) })
	q := chart.Chart{ID: "c-quality-org", Kind: chart.Bar, Title: t("dash.c.quality_org"), Desc: t("dash.c.quality_org"), Categories: cats, Percent: true,
		Series: []chart.Series{{Name: t("dash.s.score"), Values: vals, Hrefs: hrefs}}, CategoryHeader: t("dash.org"), Empty: t("dash.empty"), TableLabel: t("dash.table")}
	out["quality_org"] = q.HTML()
	var req []chart.Series
	for _, st := range b.RequestStates {
		req = append(req, chart.Series{Name: vocab.Label(v.Lang, vocab.ShareState, st), Values: b.Requests[st], Hrefs: monthLinks("set", supervise.SetRequests, "state", st)})
	}
	out["requests"] = mk("c-requests", "dash.c.requests", chart.Stacked, "dash.month", b.Months, req...)
	days := make([]string, len(b.Days))
	for i, d := range b.Days {
		days[i] = d[5:]
	}
	dayLinks := make([]string, len(b.Days))
	for i, d := range b.Days {
		dayLinks[i] = drill(org, "set", supervise.SetCalls, "day", d)
	}
	out["calls"] = mk("c-calls", "dash.c.calls", chart.Line, "dash.day", days,
		chart.Series{Name: t("dash.s.calls"), Values: b.CallsByDay, Hrefs: dayLinks}, chart.Series{Name: t("dash.s.denied"), Values: b.DeniedByDay, Hrefs: dayLinks})
	openLinks := make([]string, len(b.Months))
	for i := range openLinks {
		openLinks[i] = "/open"
	}
	out["open"] = mk("c-open", "dash.c.open", chart.Line, "dash.month", b.Months,
		chart.Series{Name: t("dash.s.downloads"), Values: b.Downloads, Hrefs: openLinks}, chart.Series{Name: t("dash.s.calls"), Values: b.OpenCalls, Hrefs: openLinks})
	dueLinks := make([]string, len(b.Months))
	for i, m := range b.Months {
		dueLinks[i] = drill(org, "set", supervise.SetOverdue, "due_month", m)
	}
	out["overdue"] = mk("c-overdue", "dash.c.overdue", chart.Line, "dash.month", b.Months, chart.Series{Name: t("dash.s.items"), Values: b.Overdue, Hrefs: dueLinks})
	var sc []string
	var sv []float64
	var sh []string
	for _, c := range b.Sanctions {
		sc, sv, sh = append(sc, vocab.Label(v.Lang, vocab.SanctionState, c.Key)), append(sv, c.N), append(sh, drill(org, "set", supervise.SetSanctions, "state", c.Key))
	}
	out["sanctions"] = mk("c-sanctions", "dash.c.sanctions", chart.Bar, "dash.state", sc, chart.Series{Name: t("dash.s.orders"), Values: sv, Hrefs: sh})
	out["incidents"] = mk("c-incidents", "dash.c.incidents", chart.Line, "dash.month", b.Months,
		chart.Series{Name: t("dash.s.incidents"), Values: b.IncidentMonth, Hrefs: monthLinks("set", supervise.SetIncidents)})
	return out
}
