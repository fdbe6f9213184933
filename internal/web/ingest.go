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

func (w *Web) ingestPages(mux *http.ServeMux) {
	a := w.App
	if a.Ingest == nil {
		return
	}
	s := a.Ingest
	common := func(v *View, data map[string]any) {
		data["Dims"], data["Statuses"] = dimNames, statusNames
		v.Data = data
	}

	w.Page(mux, "GET /ingest", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
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
		common(v, map[string]any{"Board": board, "Loads": loads, "Names": names})
		w.Render(rw, 200, "ingest_index", v)
		return nil
	})

	entryPage := func(rw http.ResponseWriter, r *http.Request, p *authz.Principal, extra map[string]any) error {
		ctx := r.Context()
		id := r.PathValue("id")
		e, err := a.Catalog.Published(ctx, id)
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
		common(v, data)
		if e, ok := extra["Err"].(*apperr.Error); ok {
			v.Error, v.Errors = e, e.Fields
		}
		w.Render(rw, 200, "ingest_entry", v)
		return nil
	}
	w.Page(mux, "GET /ingest/entries/{id}", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		if secret := w.TakeSecret(rw, r); secret != "" {
			return entryPage(rw, r, p, map[string]any{"Secret": secret})
		}
		return entryPage(rw, r, p, nil)
	})
	w.Page(mux, "POST /ingest/entries/{id}/upload", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
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
	})
	w.Page(mux, "POST /ingest/entries/{id}/sources", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		every, _ := strconv.Atoi(r.PostFormValue("every_minutes"))
		in := ingest.SourceInput{Name: r.PostFormValue("name"), DSN: r.PostFormValue("dsn"), Table: r.PostFormValue("table"), Query: r.PostFormValue("query"),
			Mode: r.PostFormValue("mode"), Watermark: r.PostFormValue("watermark_column"), EveryMinutes: every}
		if _, err := s.RegisterSource(r.Context(), p, r.PathValue("id"), in, httpapi.ClientIP(r)); err != nil {
			if ae := apperr.As(err); ae.Status < 500 && ae.Status != http.StatusForbidden && ae.Status != http.StatusNotFound {
				return entryPage(rw, r, p, map[string]any{"Err": ae, "SourceForm": in})
			}
			return err
		}
		Redirect(rw, r, "/ingest/entries/"+r.PathValue("id")+"#sources", "flash.ingest_source")
		return nil
	})
	w.Page(mux, "POST /ingest/sources/{id}/pull", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
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
			return entryPage(rw, r, p, map[string]any{"Err": apperr.As(err)})
		}
		return err
	})
	w.Page(mux, "POST /ingest/entries/{id}/token", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
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
	})
	w.Page(mux, "POST /ingest/entries/{id}/retention", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		keep, _ := strconv.Atoi(r.PostFormValue("keep"))
		if err := s.SetRetention(r.Context(), p, r.PathValue("id"), keep, httpapi.ClientIP(r)); err != nil {
			return err
		}
		Redirect(rw, r, "/ingest/entries/"+r.PathValue("id"), "flash.ingest_retention")
		return nil
	})

	w.Page(mux, "GET /ingest/loads/{id}", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
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
		if e, err := a.Catalog.Published(ctx, l.EntryID); err == nil {
			for _, f := range e.Fields {
				labels[f.Name] = f.Label
			}
		}
		v := w.NewView(rw, r, "ingest.report")
		common(v, map[string]any{"L": l, "R": rep, "Labels": labels, "More": rep.ProblemsTotal > int64(len(rep.Problems))})
		w.Render(rw, 200, "ingest_report", v)
		return nil
	})

	w.Page(mux, "GET /ingest/freshness", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		board, err := s.Freshness(r.Context(), p)
		if err != nil {
			return err
		}
		flags, _ := s.LateFlags(r.Context(), p, "")
		v := w.NewView(rw, r, "ingest.freshness")
		common(v, map[string]any{"Board": board, "Flags": flags})
		w.Render(rw, 200, "ingest_freshness", v)
		return nil
	})

	w.Page(mux, "POST /ingest/themes", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		r.ParseForm()
		in := ingest.ThemeInput{Code: r.PostFormValue("code"), Kind: r.PostFormValue("kind"), Name: r.PostFormValue("name"),
			NameEN: r.PostFormValue("name_en"), KeyKind: r.PostFormValue("key_kind"), Entries: r.PostForm["entries"]}
		b, err := s.DefineTheme(r.Context(), p, in)
		if err != nil {
			return err
		}
		Redirect(rw, r, "/ingest/base?base="+b.Code, "flash.theme_saved")
		return nil
	})
	w.Page(mux, "GET /ingest/base", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
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
		common(v, data)
		w.Render(rw, 200, "ingest_base", v)
		return nil
	})

	w.Page(mux, "GET /ingest/returns", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		rs, err := s.Returns(r.Context(), p)
		if err != nil {
			return err
		}
		sort.SliceStable(rs, func(i, j int) bool { return rs[i].CreatedAt.After(rs[j].CreatedAt) })
		v := w.NewView(rw, r, "ingest.returns")
		common(v, map[string]any{"Returns": rs, "CanRequest": p.IsAuthority() && p.Has(authz.AuthorityAdmin) && p.RegionCode != "" && !strings.HasSuffix(p.RegionCode, "0000")})
		w.Render(rw, 200, "ingest_returns", v)
		return nil
	})
	w.Page(mux, "POST /ingest/returns", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		entry := strings.TrimSpace(r.PostFormValue("entry"))
		if e, err := a.Catalog.GetByCode(r.Context(), r.PostFormValue("region"), entry); err == nil {
			entry = e.ID
		}
		if _, err := s.RequestReturn(r.Context(), p, ingest.ReturnInput{EntryID: entry, Purpose: r.PostFormValue("purpose"), LegalBasis: r.PostFormValue("legal_basis"),
			Fields: splitList(r.PostFormValue("fields")), EndDate: r.PostFormValue("end_date"), Filters: returnFilters(r.PostFormValue("filters")),
			ClearFields: splitList(r.PostFormValue("clear_fields")), ClearReason: r.PostFormValue("clear_reason")}, httpapi.ClientIP(r)); err != nil {
			return err
		}
		Redirect(rw, r, "/ingest/returns", "flash.ingest_return")
		return nil
	})
	w.Page(mux, "POST /ingest/returns/{id}/events", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		r.ParseForm()
		if _, err := s.DecideReturnWith(r.Context(), p, r.PathValue("id"), ingest.ReturnDecision{Event: r.PostFormValue("event"), Reason: r.PostFormValue("reason"),
			ClearFields: r.PostForm["clear"]}, httpapi.ClientIP(r)); err != nil {
			return err
		}
		Redirect(rw, r, "/ingest/returns/"+r.PathValue("id"), "flash.ingest_decided")
		return nil
	})
	w.Page(mux, "GET /ingest/returns/{id}", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		ret, err := s.GetReturn(r.Context(), p, r.PathValue("id"))
		if err != nil {
			return err
		}
		labels := map[string]string{}
		if e, err := a.Catalog.Published(r.Context(), ret.EntryID); err == nil {
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
		common(v, data)
		w.Render(rw, 200, "ingest_return", v)
		return nil
	})
}
