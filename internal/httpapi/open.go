package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/open"
)

// Opening to society (OPN): the open catalog, dataset pages, downloads and the open records API
// (public for unconditionally open data; an open API key in X-API-Key for conditionally open
// data), the provider's settings and suspensions, and each user's open API keys. Thin handlers
// over open.Service.
func (api *API) openRoutes() {
	a := api.App
	pub := func(rt Route, fn HandlerFunc) {
		rt.Tag = "open"
		rt.Public = true
		api.Handle(rt, fn)
	}
	h := func(rt Route, fn HandlerFunc) {
		rt.Tag = "open"
		api.Handle(rt, fn)
	}

	pub(Route{Method: "GET", Path: "/api/v1/open/datasets", Summary: "开放目录检索（无需登录）/ Search the open catalog (no login)", Out: open.SearchResult{}, Query: []string{"agency", "data_form", "open_type", "page", "page_size", "q", "region", "topic"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Open.Search(r.Context(), OpenQuery(r))
		})
	pub(Route{Method: "GET", Path: "/api/v1/open/stats", Summary: "开放概况：数据集数、提供接口的比例、本月下载与调用 / Portal figures", Out: open.Stats{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Open.Stats(r.Context())
		})
	pub(Route{Method: "GET", Path: "/api/v1/open/datasets/{id}", Summary: "开放数据集详情 / Open dataset", Out: open.Dataset{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Open.Dataset(r.Context(), r.PathValue("id"))
		})
	pub(Route{Method: "GET", Path: "/api/v1/open/datasets/{id}/records", Summary: "开放数据接口：按条件查询，游标分页（records_format=json|csv）/ Open records API with filters and cursor paging", Out: open.RecordsPage{}, Query: []string{"api_key", "cursor", "limit", "records_format", "version"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			q := r.URL.Query()
			rq := open.RecordsQuery{Cursor: q.Get("cursor"), Filter: map[string]string{}}
			var err error
			if rq.Limit, err = intParam(q.Get("limit"), "limit"); err != nil {
				return nil, err
			}
			v, err := intParam(q.Get("version"), "version")
			if err != nil {
				return nil, err
			}
			rq.Version = int64(v)
			for k, vs := range q {
				if name, ok := strings.CutPrefix(k, "f."); ok && len(vs) > 0 {
					rq.Filter[name] = vs[0]
				}
			}
			format := q.Get("records_format")
			if format != "" && format != open.FormatJSON && format != open.FormatCSV {
				return nil, apperr.BadRequest.With(apperr.Field("records_format", "records_format 须为 json 或 csv", "records_format must be json or csv"))
			}
			pg, err := a.Open.Records(r.Context(), OpenCaller(r, p), r.PathValue("id"), rq)
			if err != nil {
				return nil, err
			}
			if format == open.FormatCSV {
				w.Header().Set("Content-Type", open.ContentType(open.FormatCSV, open.FormatOptions{}))
				if pg.Next != "" {
					w.Header().Set("X-Next-Cursor", pg.Next)
				}
				w.WriteHeader(http.StatusOK)
				pg.WriteRows(open.FormatCSV, w, open.FormatOptions{})
				return Raw{}, nil
			}
			return pg, nil
		})
	pub(Route{Method: "GET", Path: "/api/v1/open/datasets/{id}/download", Summary: "下载开放数据（format=csv|xlsx|json|parquet，version=历史版本，bom=1，encoding=gb18030）/ Download", Out: Raw{}, Query: []string{"api_key", "bom", "encoding", "format", "labels", "version"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			q := r.URL.Query()
			v, err := intParam(q.Get("version"), "version")
			if err != nil {
				return nil, err
			}
			opt := open.DownloadOptions{Format: q.Get("format"), Version: int64(v), FormatOptions: open.FormatOptions{
				BOM: q.Get("bom") == "1", Encoding: strings.ToLower(q.Get("encoding")), Labels: q.Get("labels") == "1"}}
			dl, err := a.Open.BeginDownload(r.Context(), OpenCaller(r, p), r.PathValue("id"), opt)
			if err != nil {
				return nil, err
			}
			// From the export cache when the file is there, else streamed (and cached).
			dl.ServeHTTP(w, r)
			return Raw{}, nil
		})

	// The provider's and the authority's side.
	h(Route{Method: "PUT", Path: "/api/v1/open/datasets/{id}/settings", Summary: "设置开放许可、时空范围与小数抑制 / Set opening settings", Body: true, In: open.Settings{}, Out: open.Settings{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var st open.Settings
			if err := Decode(r, &st); err != nil {
				return nil, err
			}
			st.EntryID = r.PathValue("id")
			return a.Open.SetSettings(r.Context(), p, st)
		})
	h(Route{Method: "GET", Path: "/api/v1/open/datasets/{id}/suspensions", Summary: "暂停开放记录 / Suspensions of a dataset", Out: Items[open.Suspension]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			list, err := a.Open.SuspensionsFor(r.Context(), p, r.PathValue("id"))
			if err != nil {
				return nil, err
			}
			return map[string]any{"items": list}, nil
		})
	h(Route{Method: "POST", Path: "/api/v1/open/datasets/{id}/suspend", Summary: "暂停开放（立即生效，调用方看到理由）/ Suspend opening", Body: true, In: open.SuspendInput{}, Out: Created{V: open.Suspension{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in open.SuspendInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			sp, err := a.Open.Suspend(r.Context(), p, r.PathValue("id"), in)
			if err != nil {
				return nil, err
			}
			return Created{sp}, nil
		})
	h(Route{Method: "POST", Path: "/api/v1/open/datasets/{id}/restore", Summary: "恢复开放 / Restore opening", Body: true, In: RestoreInput{}, Out: NoContent{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in RestoreInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return nil, a.Open.Restore(r.Context(), p, r.PathValue("id"), in.SuspensionID, in.Note)
		})

	// Each user's open API keys.
	h(Route{Method: "GET", Path: "/api/v1/open/keys", Summary: "我的开放接口密钥 / My open API keys", Out: Items[open.Key]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			keys, err := a.Open.Keys(r.Context(), p)
			if err != nil {
				return nil, err
			}
			if keys == nil {
				keys = []open.Key{}
			}
			return map[string]any{"items": keys}, nil
		})
	h(Route{Method: "POST", Path: "/api/v1/open/keys", Summary: "创建开放接口密钥（无条件开放数据，最长 180 天）/ Create an open API key", Body: true, In: open.KeyInput{}, Out: Created{V: open.Key{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in open.KeyInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			k, err := a.Open.CreateKey(r.Context(), p, in)
			if err != nil {
				return nil, err
			}
			return Created{k}, nil
		})
	h(Route{Method: "DELETE", Path: "/api/v1/open/keys/{id}", Summary: "撤销开放接口密钥 / Revoke an open API key", Out: NoContent{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return nil, a.Open.RevokeKey(r.Context(), p, r.PathValue("id"))
		})
}

// OpenQuery reads an open catalog search from the query string (shared with the portal page).
func OpenQuery(r *http.Request) open.SearchQuery {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	size, _ := strconv.Atoi(q.Get("page_size"))
	return open.SearchQuery{Q: q.Get("q"), Agency: q.Get("agency"), Topic: q.Get("topic"), Region: q.Get("region"), Form: q.Get("data_form"),
		OpenType: q.Get("open_type"), Page: page, PageSize: size}
}

// OpenCaller is who makes an open-data call: the principal (may be nobody), the open API key
// from the X-API-Key header (or the api_key parameter) and the client address.
func OpenCaller(r *http.Request, p *authz.Principal) *open.Caller {
	key := r.Header.Get("X-API-Key")
	if key == "" {
		key = r.URL.Query().Get("api_key")
	}
	return &open.Caller{Principal: p, KeySecret: key, ClientIP: ClientIP(r)}
}

func intParam(s, name string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, apperr.BadRequest.With(apperr.Field(name, name+" 须为非负整数", name+" must be a non-negative integer"))
	}
	return n, nil
}
