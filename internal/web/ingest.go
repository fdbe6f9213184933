package web

import (
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/httpapi"
	"pubdata/internal/ingest"
)

// Aggregation pages (数据归集): the index of an agency's loadable entries with recent loads, an
// entry's data page (upload with the mode choice, versions, attempts, source databases, push
// tokens, retention), the quality report of a load, the freshness board, base-database lookup
// and data returns between levels.
func init() {
	Register(map[string][2]string{
		"nav.ingest":             {"数据归集", "Aggregation"},
		"ingest.title":           {"数据归集", "Data aggregation"},
		"ingest.entry":           {"目录数据", "Entry data"},
		"ingest.report":          {"质量报告", "Quality report"},
		"ingest.freshness":       {"更新及时性", "Update freshness"},
		"ingest.base":            {"基础库、主题库与专题库", "Base, subject and thematic databases"},
		"flash.theme_saved":      {"主题库/专题库已保存", "Database saved"},
		"ingest.returns":         {"数据回流", "Data returns"},
		"ingest.return":          {"数据回流申请", "Data return request"},
		"flash.ingest_source":    {"源数据库已登记（连接串已加密保存）", "Source database registered (DSN stored encrypted)"},
		"flash.ingest_retention": {"保留策略已保存", "Retention saved"},
		"flash.ingest_pull_none": {"源数据库没有新数据", "No new data in the source"},
		"flash.ingest_return":    {"回流申请已提交", "Return requested"},
		"flash.ingest_decided":   {"已处理", "Done"},
	})
	staff := []authz.Role{authz.DataOfficer, authz.AgencyApprover, authz.SecurityOfficer, authz.AuthorityAdmin, authz.AuthorityReviewer, authz.Auditor, authz.Oversight}
	AddNav(NavItem{Key: "nav.ingest", Href: "/ingest", Roles: staff, Order: 20})
}

var ingestWeb *Web

func ingestCards(r *http.Request, p *authz.Principal) []HomeCard {
	if ingestWeb == nil || ingestWeb.App.Ingest == nil || !p.Has(authz.DataOfficer, authz.AgencyApprover, authz.AuthorityAdmin, authz.AuthorityReviewer) {
		return nil
	}
	rows, err := ingestWeb.App.Ingest.Freshness(r.Context(), p)
	if err != nil {
		return nil
	}
	late := 0
	for _, f := range rows {
		if f.Status == ingest.FreshLate || f.Status == ingest.FreshNever {
			late++
		}
	}
	return []HomeCard{{TitleZH: "更新逾期的目录", TitleEN: "Entries late on updates", Value: strconv.Itoa(late), Href: "/ingest/freshness", Urgent: late > 0}}
}

// dimNames are the quality dimensions in both languages.
var dimNames = map[string][2]string{
	ingest.DimCompleteness: {"完整性", "Completeness"},
	ingest.DimAccuracy:     {"准确性", "Accuracy"},
	ingest.DimConsistency:  {"一致性", "Consistency"},
	ingest.DimTimeliness:   {"及时性", "Timeliness"},
	ingest.DimAvailability: {"可用性", "Availability"},
}

var statusNames = map[string][2]string{
	ingest.StatusCommitted: {"已入库", "Committed"},
	ingest.StatusRejected:  {"已拒收", "Rejected"},
	ingest.StatusFailed:    {"失败", "Failed"},
	ingest.StatusCancelled: {"已取消", "Cancelled"},
	ingest.FreshOnTime:     {"按时", "On time"},
	ingest.FreshLate:       {"逾期", "Late"},
	ingest.FreshNever:      {"从未归集", "Never loaded"},
	ingest.FreshPending:    {"待首次归集", "Awaiting first load"},
	ingest.FreshUntracked:  {"不定期", "Irregular"},
	ingest.ReturnRequested: {"已申请", "Requested"},
	ingest.ReturnApproved:  {"已同意", "Approved"},
	ingest.ReturnRefused:   {"已拒绝", "Refused"},
	ingest.ReturnRevoked:   {"已终止", "Revoked"},
}

// returnFilters reads "field=value" pairs (one a line, or separated by ; or ；).
func returnFilters(s string) map[string]string {
	out := map[string]string{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ';' || r == '；' }) {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			k, v, ok = strings.Cut(strings.TrimSpace(part), "＝")
		}
		if ok || strings.TrimSpace(part) != "" {
			out[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return out
}

func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' })
}

// ingestCommon adds the dimension and status names every aggregation page uses, and sets the view's
// data.
func ingestCommon(v *View, data map[string]any) {
	data["Dims"], data["Statuses"] = dimNames, statusNames
	v.Data = data
}

// ingestIndex is the aggregation overview: the freshness board and the recent loads.
func (w *Web) ingestIndex(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Ingest
	ctx := r.Context()
	v := w.NewView(rw, r, "ingest.title")
	board, err := s.Freshness(ctx, p)
	if err != nil {
		return err
	}
	loads, _, err := s.RecentLoads(ctx, p, 30, 0)
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, f := range board {
		names[f.EntryID] = f.Name
	}
	ingestCommon(v, map[string]any{"Board": board, "Loads": loads, "Names": names})
	w.Render(rw, 200, "ingest_index", v)
	return nil
}

// ingestEntryPage renders one entry's aggregation page: versions, loads, sources, and a failed
// form's error (extra["Err"]).
func (w *Web) ingestEntryPage(rw http.ResponseWriter, r *http.Request, p *authz.Principal, extra map[string]any) error {
	s := w.App.Ingest
	ctx := r.Context()
	id := r.PathValue("id")
	e, err := w.App.Catalog.Published(ctx, id)
	if err != nil {
		return err
	}
	versions, _, err := s.Versions(ctx, p, id, 20, 0)
	if err != nil {
		return err
	}
	loads, _, _ := s.Loads(ctx, p, id, 20, 0)
	srcs, _ := s.Sources(ctx, p, id)
	v := w.NewView(rw, r, "ingest.entry")
	attrs := authz.IngestAttrs{EntryID: e.ID, ProviderOrgID: e.ProviderOrgID, SourceOrgID: e.SourceOrgID, RegionCode: e.RegionCode}
	data := map[string]any{"E": e, "Summary": s.SummaryOf(ctx, id), "Versions": versions, "Loads": loads, "Sources": srcs,
		"CanLoad": authz.Ingest(p, authz.Create, attrs) == nil, "CanManage": authz.Ingest(p, authz.Manage, attrs) == nil,
		"CanRead": authz.Ingest(p, authz.IngestReadData, attrs) == nil, "MaxMiB": s.MaxUploadBytes() >> 20}
	if cur, err := s.Current(ctx, id); err == nil {
		data["Current"] = cur
	}
	for k, x := range extra {
		data[k] = x
	}
	ingestCommon(v, data)
	status := http.StatusOK
	if e, ok := extra["Err"].(*apperr.Error); ok {
		v.Error, v.Errors = e, e.Fields
		status = e.Status // a refused form: its status, never 200 (the page is the refusal)
	}
	w.Render(rw, status, "ingest_entry", v)
	return nil
}

// ingestEntry shows one entry's aggregation page, with a just-issued push token once.
func (w *Web) ingestEntry(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	if secret := w.TakeSecret(rw, r); secret != "" {
		return w.ingestEntryPage(rw, r, p, map[string]any{"Secret": secret})
	}
	return w.ingestEntryPage(rw, r, p, nil)
}

// ingestUpload loads an uploaded file and goes to the load's report.
func (w *Web) ingestUpload(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Ingest
	req, err := httpapi.UploadRequest(rw, r, s.MaxUploadBytes())
	if err != nil {
		return err
	}
	req.EntryID, req.ClientIP = r.PathValue("id"), httpapi.ClientIP(r)
	res, err := s.Load(r.Context(), p, req)
	if res != nil && res.Load.ID != "" {
		Redirect(rw, r, "/ingest/loads/"+res.Load.ID, "")
		return nil
	}
	return err
}

// ingestRegisterSource registers a database source to pull from.
func (w *Web) ingestRegisterSource(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Ingest
	every, _ := strconv.Atoi(r.PostFormValue("every_minutes"))
	in := ingest.SourceInput{Name: r.PostFormValue("name"), DSN: r.PostFormValue("dsn"), Table: r.PostFormValue("table"), Query: r.PostFormValue("query"),
		Mode: r.PostFormValue("mode"), Watermark: r.PostFormValue("watermark_column"), EveryMinutes: every}
	if _, err := s.RegisterSource(r.Context(), p, r.PathValue("id"), in, httpapi.ClientIP(r)); err != nil {
		if ae := apperr.As(err); ae.Status < 500 && ae.Status != http.StatusForbidden && ae.Status != http.StatusNotFound {
			return w.ingestEntryPage(rw, r, p, map[string]any{"Err": ae, "SourceForm": in})
		}
		return err
	}
	Redirect(rw, r, "/ingest/entries/"+r.PathValue("id")+"#sources", "flash.ingest_source")
	return nil
}

// ingestPull pulls a source now and goes to the load's report.
func (w *Web) ingestPull(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Ingest
	res, err := s.PullNow(r.Context(), p, r.PathValue("id"), httpapi.ClientIP(r))
	if res != nil && res.Load.ID != "" {
		Redirect(rw, r, "/ingest/loads/"+res.Load.ID, "")
		return nil
	}
	entry := r.PostFormValue("entry")
	if err == nil {
		Redirect(rw, r, "/ingest/entries/"+entry+"#sources", "flash.ingest_pull_none")
		return nil
	}
	if errors.Is(err, ingest.ErrSourceDown) && entry != "" {
		r.SetPathValue("id", entry)
		return w.ingestEntryPage(rw, r, p, map[string]any{"Err": apperr.As(err)})
	}
	return err
}

// ingestIssueToken issues a push token for an entry, shown once.
func (w *Web) ingestIssueToken(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Ingest
	days, _ := strconv.Atoi(r.PostFormValue("ttl_days"))
	if days <= 0 {
		days = 365
	}
	secret, _, err := s.IssuePushToken(r.Context(), p, r.PathValue("id"), r.PostFormValue("name"), time.Duration(days)*24*time.Hour)
	if err != nil {
		return err
	}
	w.RedirectWithSecret(rw, r, "/ingest/entries/"+r.PathValue("id"), secret, "")
	return nil
}

// ingestRetention sets how many versions an entry keeps.
func (w *Web) ingestRetention(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Ingest
	keep, _ := strconv.Atoi(r.PostFormValue("keep"))
	if err := s.SetRetention(r.Context(), p, r.PathValue("id"), keep, httpapi.ClientIP(r)); err != nil {
		return err
	}
	Redirect(rw, r, "/ingest/entries/"+r.PathValue("id"), "flash.ingest_retention")
	return nil
}

// ingestLoad is one load's quality report.
func (w *Web) ingestLoad(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Ingest
	ctx := r.Context()
	l, err := s.GetLoad(ctx, p, r.PathValue("id"))
	if err != nil {
		return err
	}
	rep, err := s.Report(ctx, p, l.ID)
	if err != nil {
		return err
	}
	labels := map[string]string{}
	if e, err := w.App.Catalog.Published(ctx, l.EntryID); err == nil {
		for _, f := range e.Fields {
			labels[f.Name] = f.Label
		}
	}
	v := w.NewView(rw, r, "ingest.report")
	ingestCommon(v, map[string]any{"L": l, "R": rep, "Labels": labels, "More": rep.ProblemsTotal > int64(len(rep.Problems))})
	w.Render(rw, 200, "ingest_report", v)
	return nil
}

// ingestFreshness is the freshness board with the late flags.
func (w *Web) ingestFreshness(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Ingest
	board, err := s.Freshness(r.Context(), p)
	if err != nil {
		return err
	}
	flags, _ := s.LateFlags(r.Context(), p, "")
	v := w.NewView(rw, r, "ingest.freshness")
	ingestCommon(v, map[string]any{"Board": board, "Flags": flags})
	w.Render(rw, 200, "ingest_freshness", v)
	return nil
}

// ingestDefineTheme defines a theme (base) database.
func (w *Web) ingestDefineTheme(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Ingest
	r.ParseForm()
	in := ingest.ThemeInput{Code: r.PostFormValue("code"), Kind: r.PostFormValue("kind"), Name: r.PostFormValue("name"),
		NameEN: r.PostFormValue("name_en"), KeyKind: r.PostFormValue("key_kind"), Entries: r.PostForm["entries"]}
	b, err := s.DefineTheme(r.Context(), p, in)
	if err != nil {
		return err
	}
	Redirect(rw, r, "/ingest/base?base="+b.Code, "flash.theme_saved")
	return nil
}

// ingestBase shows the base and theme databases and fuses records by key.
func (w *Web) ingestBase(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Ingest
	if err := authz.BaseDB(p, authz.Read); err != nil {
		return err
	}
	base, key := r.URL.Query().Get("base"), strings.TrimSpace(r.URL.Query().Get("key"))
	if base == "" {
		base = "population"
	}
	v := w.NewView(rw, r, "ingest.base")
	bases, err := s.AllBases(r.Context(), p)
	if err != nil {
		return err
	}
	data := map[string]any{"Bases": bases, "Base": base, "Key": key}
	if base == "license" {
		data["Licences"], _ = s.LicenceFreshness(r.Context(), p)
	}
	if authz.BaseDB(p, authz.Manage) == nil {
		type kk struct{ Code, ZH, EN string }
		var kinds []kk
		for _, k := range ingest.ThemeKeyKinds {
			kinds = append(kinds, kk{string(k), k.Label("zh"), k.Label("en")})
		}
		data["CanDefine"], data["KeyKinds"] = true, kinds
		data["Candidates"], _ = s.ThemeCandidates(r.Context())
	}
	if ms, err := s.BaseMembers(r.Context(), p, base); err == nil {
		data["Members"] = ms
	}
	if key != "" {
		fr, err := s.Fuse(r.Context(), p, base, key, httpapi.ClientIP(r))
		if err != nil {
			ae := apperr.As(err)
			if ae.Status >= 500 {
				return err
			}
			v.Error, v.Errors = ae, ae.Fields
		} else {
			data["F"] = fr
		}
	}
	ingestCommon(v, data)
	w.Render(rw, 200, "ingest_base", v)
	return nil
}

// ingestReturns lists data returns (回流).
func (w *Web) ingestReturns(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Ingest
	rs, err := s.Returns(r.Context(), p)
	if err != nil {
		return err
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].CreatedAt.After(rs[j].CreatedAt) })
	v := w.NewView(rw, r, "ingest.returns")
	ingestCommon(v, map[string]any{"Returns": rs, "CanRequest": p.IsAuthority() && p.Has(authz.AuthorityAdmin) && p.RegionCode != "" && !strings.HasSuffix(p.RegionCode, "0000")})
	w.Render(rw, 200, "ingest_returns", v)
	return nil
}

// ingestRequestReturn requests a data return.
func (w *Web) ingestRequestReturn(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Ingest
	entry := strings.TrimSpace(r.PostFormValue("entry"))
	if e, err := w.App.Catalog.GetByCode(r.Context(), r.PostFormValue("region"), entry); err == nil {
		entry = e.ID
	}
	if _, err := s.RequestReturn(r.Context(), p, ingest.ReturnInput{EntryID: entry, Purpose: r.PostFormValue("purpose"), LegalBasis: r.PostFormValue("legal_basis"),
		Fields: splitList(r.PostFormValue("fields")), EndDate: r.PostFormValue("end_date"), Filters: returnFilters(r.PostFormValue("filters")),
		ClearFields: splitList(r.PostFormValue("clear_fields")), ClearReason: r.PostFormValue("clear_reason")}, httpapi.ClientIP(r)); err != nil {
		return err
	}
	Redirect(rw, r, "/ingest/returns", "flash.ingest_return")
	return nil
}

// ingestDecideReturn decides, cancels or revokes a data return.
func (w *Web) ingestDecideReturn(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Ingest
	r.ParseForm()
	if _, err := s.DecideReturnWith(r.Context(), p, r.PathValue("id"), ingest.ReturnDecision{Event: r.PostFormValue("event"), Reason: r.PostFormValue("reason"),
		ClearFields: r.PostForm["clear"]}, httpapi.ClientIP(r)); err != nil {
		return err
	}
	Redirect(rw, r, "/ingest/returns/"+r.PathValue("id"), "flash.ingest_decided")
	return nil
}

// ingestReturn shows one data return and, once approved, its data page by page.
func (w *Web) ingestReturn(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Ingest
	ret, err := s.GetReturn(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	labels := map[string]string{}
	if e, err := w.App.Catalog.Published(r.Context(), ret.EntryID); err == nil {
		for _, f := range e.Fields {
			labels[f.Name] = f.Label
		}
	}
	attrs := authz.ReturnAttrs{EntryRegion: ret.FromRegion, ToRegion: ret.ToRegion, RequesterOrg: ret.RequesterOrg}
	pending := ret.Status == ingest.ReturnRequested
	data := map[string]any{"R": ret, "Labels": labels,
		"CanDecide": pending && authz.DataReturn(p, authz.ReturnDecide, attrs) == nil,
		"CanCancel": pending && authz.DataReturn(p, authz.ReturnRequest, attrs) == nil,
		"CanRevoke": ret.Status == ingest.ReturnApproved && authz.DataReturn(p, authz.ReturnDecide, attrs) == nil}
	if ret.Status == ingest.ReturnApproved && authz.DataReturn(p, authz.ReturnFetch, attrs) == nil {
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		pg, err := s.PageReturn(r.Context(), p, ret.ID, 50, offset, httpapi.ClientIP(r))
		if err != nil {
			ae := apperr.As(err)
			if ae.Status >= 500 {
				return err
			}
			data["PageError"] = ae
		} else {
			data["Page"] = pg
			if pg.Offset+pg.Limit < pg.Total {
				data["Next"] = pg.Offset + pg.Limit
			}
		}
	}
	v := w.NewView(rw, r, "ingest.return")
	ingestCommon(v, data)
	w.Render(rw, 200, "ingest_return", v)
	return nil
}
