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

// openSearch answers GET /api/v1/open/datasets: search the open catalog (no login).
func (api *API) openSearch(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Open.Search(r.Context(), OpenQuery(r))
}

// openStats answers GET /api/v1/open/stats: portal figures.
func (api *API) openStats(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Open.Stats(r.Context())
}

// openGetDataset answers GET /api/v1/open/datasets/{id}: open dataset.
func (api *API) openGetDataset(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Open.Dataset(r.Context(), r.PathValue("id"))
}

// openRecords answers GET /api/v1/open/datasets/{id}/records: open records API with filters and cursor paging.
func (api *API) openRecords(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
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
		return nil, apperr.BadRequest.With(apperr.Field("records_format", "记录格式须为 JSON 或 CSV", "the records format must be JSON or CSV"))
	}
	pg, err := api.App.Open.Records(r.Context(), OpenCaller(r, p), r.PathValue("id"), rq)
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
}

// openDownload answers GET /api/v1/open/datasets/{id}/download: download.
func (api *API) openDownload(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	q := r.URL.Query()
	v, err := intParam(q.Get("version"), "version")
	if err != nil {
		return nil, err
	}
	opt := open.DownloadOptions{Format: q.Get("format"), Version: int64(v), FormatOptions: open.FormatOptions{
		BOM: q.Get("bom") == "1", Encoding: strings.ToLower(q.Get("encoding")), Labels: q.Get("labels") == "1"}}
	dl, err := api.App.Open.BeginDownload(r.Context(), OpenCaller(r, p), r.PathValue("id"), opt)
	if err != nil {
		return nil, err
	}
	// From the export cache when the file is there, else streamed (and cached).
	dl.ServeHTTP(w, r)
	return Raw{}, nil
}

// openSetSettings answers PUT /api/v1/open/datasets/{id}/settings: set opening settings.
func (api *API) openSetSettings(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var st open.Settings
	if err := Decode(r, &st); err != nil {
		return nil, err
	}
	st.EntryID = r.PathValue("id")
	return api.App.Open.SetSettings(r.Context(), p, st)
}

// openListSuspensions answers GET /api/v1/open/datasets/{id}/suspensions: suspensions of a dataset.
func (api *API) openListSuspensions(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	list, err := api.App.Open.SuspensionsFor(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return map[string]any{"items": list}, nil
}

// openSuspend answers POST /api/v1/open/datasets/{id}/suspend: suspend opening.
func (api *API) openSuspend(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in open.SuspendInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	sp, err := api.App.Open.Suspend(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return nil, err
	}
	return Created{sp}, nil
}

// openRestore answers POST /api/v1/open/datasets/{id}/restore: restore opening.
func (api *API) openRestore(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in RestoreInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return nil, api.App.Open.Restore(r.Context(), p, r.PathValue("id"), in.SuspensionID, in.Note)
}

// openListKeys answers GET /api/v1/open/keys: my open API keys.
func (api *API) openListKeys(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	keys, err := api.App.Open.Keys(r.Context(), p)
	if err != nil {
		return nil, err
	}
	if keys == nil {
		keys = []open.Key{}
	}
	return map[string]any{"items": keys}, nil
}

// openCreateKey answers POST /api/v1/open/keys: create an open API key.
func (api *API) openCreateKey(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in open.KeyInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	k, err := api.App.Open.CreateKey(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{k}, nil
}

// openRevokeKey answers DELETE /api/v1/open/keys/{id}: revoke an open API key.
func (api *API) openRevokeKey(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return nil, api.App.Open.RevokeKey(r.Context(), p, r.PathValue("id"))
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
