package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/httpapi"
	"pubdata/internal/open"
)

// ContrastCookie keeps the high-contrast mode (高对比度) on across pages.
const ContrastCookie = "pd_contrast"

// The open data portal (公共数据开放门户, OPN-1, OPN-2, OPN-7): public pages, no login — the
// portal home with search, facets and the portal's figures, a dataset page with its items,
// preview, downloads, versions, API use and monthly counts, and the API help. Accessible: the
// layout's skip link, large-text and high-contrast modes, labelled regions and tables, and
// layouts that fit 390 px.
func init() {
	Register(openMessages)
	AddNav(NavItem{Key: "nav.open", Href: "/open", Public: true, Order: 5})
}

var openMessages = map[string][2]string{
	"nav.open":         {"开放数据", "Open data"},
	"nav.contrast":     {"高对比度", "High contrast"},
	"nav.contrast_off": {"标准对比度", "Normal contrast"},

	"open.title":           {"公共数据开放", "Open public data"},
	"open.intro":           {"无条件开放的数据无需登录即可检索、预览、下载和调用接口；有条件开放的数据须经申请批准。", "Unconditionally open data can be searched, previewed, downloaded and called without logging in; conditionally open data needs an approved application."},
	"open.q":               {"搜索开放数据", "Search open data"},
	"open.search":          {"搜索", "Search"},
	"open.results":         {"共 %d 个数据集", "%d datasets"},
	"open.no_results":      {"没有符合条件的开放数据集", "No matching open datasets"},
	"open.clear":           {"清除筛选", "Clear filters"},
	"open.facets":          {"筛选", "Filters"},
	"open.facet.agency":    {"提供部门", "Agency"},
	"open.facet.topic":     {"主题", "Topic"},
	"open.facet.region":    {"地区", "Region"},
	"open.facet.data_form": {"资源形态", "Form"},
	"open.facet.open_type": {"开放属性", "Open type"},
	"open.remove_filter":   {"取消此筛选", "Remove this filter"},
	"open.stats":           {"开放概况", "At a glance"},
	"open.stats.datasets":  {"开放数据集", "Open datasets"},
	"open.stats.api":       {"提供接口的数据集占比（国家目标 ≥ %.0f%%）", "Datasets with an API (national target ≥ %.0f%%)"},
	"open.stats.month":     {"本月下载 / 接口调用", "Downloads / API calls this month"},
	"open.api_help":        {"开放接口说明", "Open API help"},

	"open.dataset":              {"开放数据集", "Open dataset"},
	"open.about":                {"数据集信息", "About this dataset"},
	"open.provider":             {"提供部门", "Provider"},
	"open.open_type":            {"开放属性", "Open type"},
	"open.conditions":           {"开放条件", "Conditions"},
	"open.freq":                 {"更新频率", "Update frequency"},
	"open.last_update":          {"最近更新", "Last updated"},
	"open.never":                {"尚未归集数据", "No data yet"},
	"open.rows":                 {"记录数", "Records"},
	"open.licence":              {"许可与使用条件", "Licence and terms"},
	"open.temporal":             {"时间范围", "Temporal coverage"},
	"open.spatial":              {"空间范围", "Spatial coverage"},
	"open.quality":              {"质量评分", "Quality score"},
	"open.no_score":             {"暂无评分", "Not scored yet"},
	"open.items":                {"数据项", "Data items"},
	"open.item":                 {"数据项", "Item"},
	"open.item_code":            {"英文名", "Code"},
	"open.item_type":            {"类型", "Type"},
	"open.item_note":            {"说明", "Note"},
	"open.masked":               {"已脱敏", "Masked"},
	"open.suppressed":           {"小于 %d 的计数显示为“<%d”", "Counts below %d show as \"<%d\""},
	"open.withheld":             {"未开放的数据项", "Items not opened"},
	"open.withheld.none":        {"不予开放", "Not open"},
	"open.withheld.conditional": {"须申请（有条件开放）", "On application (conditional)"},
	"open.preview":              {"数据预览（前 %d 行）", "Preview (first %d rows)"},
	"open.preview_none":         {"暂无数据可预览", "No data to preview"},
	"open.preview_key":          {"该数据集为有条件开放，预览与下载须经申请批准并使用开放接口密钥。", "This dataset is conditionally open: preview and download need an approved application and an open API key."},
	"open.downloads":            {"下载", "Downloads"},
	"open.dl.csv":               {"CSV（UTF-8）", "CSV (UTF-8)"},
	"open.dl.csv_bom":           {"CSV（Excel 适用，带 BOM）", "CSV for Excel (with BOM)"},
	"open.dl.gb18030":           {"CSV（GB18030，旧版 Excel）", "CSV (GB18030, older Excel)"},
	"open.dl.xlsx":              {"Excel（XLSX）", "Excel (XLSX)"},
	"open.dl.json":              {"JSON", "JSON"},
	"open.dl.parquet":           {"Parquet", "Parquet"},
	"open.versions":             {"历史版本", "Version history"},
	"open.version":              {"版本", "Version"},
	"open.version_at":           {"入库时间", "Loaded"},
	"open.version_dl":           {"下载该版本", "Download this version"},
	"open.version_gone":         {"已按保留策略清理", "Pruned by retention"},
	"open.current":              {"当前版本", "current"},
	"open.api":                  {"接口调用", "API use"},
	"open.api_text":             {"按条件查询、游标分页，每页最多 1000 条，可返回 JSON 或 CSV：", "Filter, page by cursor (up to 1000 records a page), JSON or CSV:"},
	"open.usage":                {"按月下载量与调用量", "Monthly downloads and API calls"},
	"open.month":                {"月份", "Month"},
	"open.downloads_n":          {"下载", "Downloads"},
	"open.calls_n":              {"接口调用", "API calls"},
	"open.no_usage":             {"暂无", "None yet"},
	"open.suspended":            {"该数据集已暂停开放：%s", "Opening of this dataset is suspended: %s"},
	"open.back":                 {"返回开放数据", "Back to open data"},
	"open.not_found":            {"该数据集不存在或未开放", "This dataset does not exist or is not open"},

	"open.api.title":     {"开放接口说明", "Open API"},
	"open.api.intro":     {"开放接口面向开发者，返回机器可读的数据。无条件开放的数据无需密钥；有条件开放的数据须在请求头 X-API-Key 中提供经批准的密钥。", "The open API returns machine-readable data. Unconditionally open data needs no key; conditionally open data needs an approved key in the X-API-Key header."},
	"open.api.list":      {"检索数据集", "Search datasets"},
	"open.api.show":      {"数据集详情", "A dataset"},
	"open.api.records":   {"查询记录：按信息项筛选，用游标翻页，可返回 CSV", "Records: filter by item, page by cursor, CSV on request"},
	"open.api.download":  {"下载：选择格式、历史版本、Excel 适用的 BOM 或 GB18030 编码", "Download: choose the format, a past version, a BOM for Excel or GB18030"},
	"open.api.limits":    {"限额：无密钥每个地址每分钟 120 次；持密钥每分钟 600 次；超过返回 429 与 Retry-After。密钥最长有效 180 天。", "Limits: 120 calls a minute per address without a key, 600 with one; over the limit: 429 with Retry-After. Keys last at most 180 days."},
	"open.api.keys":      {"登录后可在此创建和撤销您的开放接口密钥：", "Logged in, you create and revoke your open API keys here:"},
	"open.api.keys_link": {"创建或撤销开放接口密钥", "Create or revoke open API keys"},
	"open.api.errors":    {"错误以统一格式返回：稳定的错误代码和中英文说明；已暂停开放的数据集返回暂停理由。", "Errors come in one shape: a stable code and a Chinese and English message; a suspended dataset answers with the reason."},

	"open.keys.title":   {"开放接口密钥", "Open API keys"},
	"open.keys.intro":   {"密钥用于开放接口调用或数据下载：无条件开放的数据不需要密钥，持密钥可获得更高的调用频率并统计您的使用。", "Keys are for open API calls or downloads: unconditionally open data needs none; a key raises your rate and counts your use."},
	"open.keys.once":    {"请立即复制保存此密钥，它只显示这一次：", "Copy this key now; it is shown only once:"},
	"open.keys.name":    {"名称", "Name"},
	"open.keys.days":    {"有效期（天）", "Valid for (days)"},
	"open.keys.create":  {"创建密钥", "Create key"},
	"open.keys.prefix":  {"密钥开头", "Starts with"},
	"open.keys.scope":   {"数据集", "Datasets"},
	"open.keys.uses":    {"用途", "Use"},
	"open.keys.all":     {"全部无条件开放数据", "All unconditionally open data"},
	"open.keys.expires": {"到期时间", "Expires"},
	"open.keys.calls":   {"调用次数", "Calls"},
	"open.keys.revoke":  {"撤销", "Revoke"},
	"open.keys.revoked": {"已撤销", "Revoked"},
	"open.keys.none":    {"您还没有开放接口密钥。", "You have no open API keys yet."},
}

// openContrast switches high contrast on or off (a cookie) and goes back to the page it came from.
func (w *Web) openContrast(rw http.ResponseWriter, r *http.Request) {
	val := "0"
	if r.URL.Query().Get("on") == "1" {
		val = "1"
	}
	http.SetCookie(rw, &http.Cookie{Name: ContrastCookie, Value: val, Path: "/", MaxAge: 365 * 86400, SameSite: http.SameSiteLaxMode, Secure: w.Secure})
	http.Redirect(rw, r, SafeNext(r.URL.Query().Get("back")), http.StatusSeeOther)
}

// openPortal shows the open data portal: search, facets and statistics (public).
func (w *Web) openPortal(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	q := httpapi.OpenQuery(r)
	if q.Page < 1 {
		q.Page = 1
	}
	res, err := a.Open.Search(r.Context(), q)
	if err != nil {
		return err
	}
	st, err := a.Open.Stats(r.Context())
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "open.title")
	var facets []facetView
	for _, k := range open.OpenFacets {
		facets = append(facets, facetView{Key: k, Title: "open.facet." + k, Param: k, Active: r.URL.Query().Get(k), Items: res.Facets[k]})
	}
	v.Data = map[string]any{"Res": res, "Facets": facets, "Stats": st, "Page": map[string]int{"Page": res.Page},
		"HasNext": res.Page*res.PageSize < res.Total, "Filtered": r.URL.RawQuery != ""}
	w.Render(rw, 200, "open_portal", v)
	return nil
}

// openDataset shows an open dataset with its preview, API address and showcase (public).
func (w *Web) openDataset(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	ds, err := a.Open.Dataset(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "open.dataset")
	v.Title = ds.Name
	data := map[string]any{"D": ds, "PreviewRows": a.Open.Limits.PreviewRows, "Base": "/api/v1/open/datasets/" + url.PathEscape(ds.ID)}
	pg, perr := a.Open.Preview(r.Context(), httpapi.OpenCaller(r, p), ds.ID)
	switch {
	case perr == nil:
		data["Preview"] = pg
	case errors.Is(perr, authz.ErrOpenKeyNeeded):
		data["NeedKey"] = true
	case errors.Is(perr, open.ErrNoData), errors.Is(perr, open.ErrSuspended):
	default:
		return perr
	}
	if len(ds.Suspended) > 0 {
		data["Suspended"] = ds.Suspended[0].Reason
	}
	if a.Plans != nil { // the reuse showcase built on this dataset (OPN-7)
		if sc, err := a.Plans.Published(r.Context(), ds.ID); err == nil {
			data["Showcase"] = sc
		}
	}
	v.Data = data
	w.Render(rw, 200, "open_dataset", v)
	return nil
}

// openKeysPage renders the caller's open API keys, with a new key's secret once and the form error ferr.
func (w *Web) openKeysPage(rw http.ResponseWriter, r *http.Request, p *authz.Principal, secret string, ferr error) error {
	a := w.App
	keys, err := a.Open.Keys(r.Context(), p)
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "open.keys.title")
	status := 200
	if ferr != nil {
		v.Error = apperr.As(ferr)
		v.Errors = v.Error.Fields
		status = v.Error.Status
	}
	v.Data = map[string]any{"Keys": keys, "Secret": secret, "MaxDays": a.Open.Limits.MaxKeyDays, "Scopes": open.KeyScopes}
	w.Render(rw, status, "open_keys", v)
	return nil
}

// openKeys shows the caller's open API keys (a new key's secret once).
func (w *Web) openKeys(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.openKeysPage(rw, r, p, w.TakeSecret(rw, r), nil)
}

// openKeyCreate creates an open API key and shows its secret once; an error shows the keys page with the message.
func (w *Web) openKeyCreate(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	r.ParseForm()
	days, _ := strconv.Atoi(r.PostFormValue("days"))
	k, err := a.Open.CreateKey(r.Context(), p, open.KeyInput{Name: r.PostFormValue("name"), Days: days, Scopes: r.PostForm["scopes"]})
	if err != nil {
		return w.openKeysPage(rw, r, p, "", err)
	}
	w.RedirectWithSecret(rw, r, "/open/keys", k.Secret, "")
	return nil
}

// openKeyRevoke revokes an open API key.
func (w *Web) openKeyRevoke(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	if err := a.Open.RevokeKey(r.Context(), p, r.PathValue("id")); err != nil {
		return err
	}
	Redirect(rw, r, "/open/keys", "flash.open_key_revoked")
	return nil
}

// openAPI shows the open API guide with an example dataset (public).
func (w *Web) openAPI(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	a := w.App
	v := w.NewView(rw, r, "open.api.title")
	res, err := a.Open.Search(r.Context(), open.SearchQuery{PageSize: 1})
	if err != nil {
		return err
	}
	example := "{id}"
	if len(res.Items) > 0 {
		example = res.Items[0].ID
	}
	v.Data = map[string]any{"Example": example, "LoggedIn": p.Authenticated()}
	w.Render(rw, 200, "open_api", v)
	return nil
}
