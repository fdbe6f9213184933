package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/harvest"
)

// Harvesters: the CKAN Action API (read side) under /api/3/action/, DCAT-AP 3 under /dcat/ and
// Atom feeds under /feeds/ — all public, answering in CKAN's envelope on /api/3.

// harvestCKAN answers the CKAN action named action, in CKAN's envelope (ckanCall).
func (api *API) harvestCKAN(w http.ResponseWriter, r *http.Request, p *authz.Principal, action string) (any, error) {
	ckanCall(w, r, p, api.App.Harvest, action)
	return Raw{}, nil
}

// harvestCKANPackageList answers GET and POST /api/3/action/package_list: CKAN: names of open datasets.
func (api *API) harvestCKANPackageList(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.harvestCKAN(w, r, p, "package_list")
}

// harvestCKANPackageShow answers GET and POST /api/3/action/package_show: CKAN: one open dataset.
func (api *API) harvestCKANPackageShow(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.harvestCKAN(w, r, p, "package_show")
}

// harvestCKANPackageSearch answers GET and POST /api/3/action/package_search: CKAN: search open datasets.
func (api *API) harvestCKANPackageSearch(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.harvestCKAN(w, r, p, "package_search")
}

// harvestCKANOrganizationList answers GET and POST /api/3/action/organization_list: CKAN: publishing organizations.
func (api *API) harvestCKANOrganizationList(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.harvestCKAN(w, r, p, "organization_list")
}

// harvestCKANOrganizationShow answers GET and POST /api/3/action/organization_show: CKAN: one organization.
func (api *API) harvestCKANOrganizationShow(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.harvestCKAN(w, r, p, "organization_show")
}

// harvestCKANResourceShow answers GET and POST /api/3/action/resource_show: CKAN: one resource (distribution).
func (api *API) harvestCKANResourceShow(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.harvestCKAN(w, r, p, "resource_show")
}

// harvestCKANDatastoreSearch answers GET and POST /api/3/action/datastore_search: CKAN: records of an open dataset.
func (api *API) harvestCKANDatastoreSearch(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.harvestCKAN(w, r, p, "datastore_search")
}

// harvestCKANStatusShow answers GET and POST /api/3/action/status_show: CKAN: site status.
func (api *API) harvestCKANStatusShow(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.harvestCKAN(w, r, p, "status_show")
}

// harvestCKANOtherAction answers GET and POST /api/3/action/{action} for the actions not offered (400).
func (api *API) harvestCKANOtherAction(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.harvestCKAN(w, r, p, r.PathValue("action"))
}

// harvestDCATCatalogIn answers a page of the DCAT-AP 3 catalogue in format ("ttl", "jsonld", or
// "" to choose by Accept).
func (api *API) harvestDCATCatalogIn(w http.ResponseWriter, r *http.Request, format string) (any, error) {
	pg, err := dcatPage(r)
	if err != nil {
		return nil, err
	}
	_, g, err := api.App.Harvest.Catalog(r.Context(), baseURL(r), pg)
	if err != nil {
		return nil, err
	}
	return writeRDF(w, r, format, g)
}

// harvestDCATCatalog answers GET /dcat/catalog: the DCAT-AP 3 catalogue, Turtle or JSON-LD by Accept.
func (api *API) harvestDCATCatalog(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.harvestDCATCatalogIn(w, r, "")
}

// harvestDCATCatalogTurtle answers GET /dcat/catalog.ttl: the DCAT-AP 3 catalogue (Turtle).
func (api *API) harvestDCATCatalogTurtle(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.harvestDCATCatalogIn(w, r, "ttl")
}

// harvestDCATCatalogJSONLD answers GET /dcat/catalog.jsonld: the DCAT-AP 3 catalogue (JSON-LD).
func (api *API) harvestDCATCatalogJSONLD(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.harvestDCATCatalogIn(w, r, "jsonld")
}

// harvestDCATDataset answers GET /dcat/datasets/{file}: a DCAT-AP 3 dataset (410 once withdrawn).
func (api *API) harvestDCATDataset(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	id, format := splitExt(r.PathValue("file"), "ttl", "jsonld")
	g, _, err := api.App.Harvest.DatasetGraph(r.Context(), baseURL(r), id)
	if err != nil {
		return nil, err
	}
	return writeRDF(w, r, format, g)
}

// harvestDCATWithdrawn answers GET /dcat/withdrawn: withdrawn datasets (tombstones).
func (api *API) harvestDCATWithdrawn(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	since, err := modifiedSince(r)
	if err != nil {
		return nil, err
	}
	items, err := api.App.Harvest.Withdrawn(r.Context(), baseURL(r), since)
	return map[string]any{"items": items}, err
}

// harvestAtomDatasets answers GET /feeds/datasets.atom: dataset changes (Atom).
func (api *API) harvestAtomDatasets(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	b, err := api.App.Harvest.Feed(r.Context(), baseURL(r), "")
	return writeAtom(w, b, err)
}

// harvestAtomDataset answers GET /feeds/datasets/{file}: one dataset's changes (Atom).
func (api *API) harvestAtomDataset(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	id, _ := splitExt(r.PathValue("file"), "atom")
	b, err := api.App.Harvest.Feed(r.Context(), baseURL(r), id)
	return writeAtom(w, b, err)
}

// ckanCall decodes an action's parameters (URL query, or a JSON object posted) and answers in
// CKAN's envelope.
func ckanCall(w http.ResponseWriter, r *http.Request, p *authz.Principal, svc *harvest.Service, action string) {
	params := harvest.Params{}
	for k, v := range r.URL.Query() {
		if len(v) == 1 {
			params[k] = v[0]
		} else {
			params[k] = v
		}
	}
	if r.Method == http.MethodPost && r.ContentLength != 0 {
		ct := r.Header.Get("Content-Type")
		if ct != "" && !strings.HasPrefix(ct, "application/json") {
			writeCKAN(w, http.StatusBadRequest, "Bad request: JSON Error: the body must be a JSON object (Content-Type: application/json) / 请求体须为 JSON 对象")
			return
		}
		dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
		dec.UseNumber()
		var body map[string]any
		if err := dec.Decode(&body); err != nil && !errors.Is(err, io.EOF) {
			writeCKAN(w, http.StatusBadRequest, "Bad request: JSON Error: "+strings.ReplaceAll(err.Error(), "\n", " "))
			return
		}
		for k, v := range body {
			params[k] = v
		}
	}
	key := r.Header.Get("X-API-Key")
	if a := strings.TrimSpace(r.Header.Get("Authorization")); key == "" && strings.HasPrefix(a, "opk_") {
		key = a // CKAN clients send their key in Authorization
	}
	if k, ok := params["api_key"].(string); ok && key == "" {
		key = k
	}
	status, body := svc.Do(r.Context(), harvest.Call{Action: action, Params: params, BaseURL: baseURL(r), Principal: p, ClientIP: ClientIP(r), KeySecret: key})
	writeCKAN(w, status, body)
}

func writeCKAN(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(body)
}

// ckanFail answers an error raised before an /api/3 handler ran (a bad token, a panic) in
// CKAN's envelope.
func ckanFail(w http.ResponseWriter, r *http.Request, err error) {
	e := harvest.AsCKAN(err)
	if e.Retry > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.Retry))
	}
	action := strings.TrimPrefix(r.URL.Path, "/api/3/action/")
	writeCKAN(w, e.Status, harvest.Envelope{Help: baseURL(r) + "/api/3/action/help_show?name=" + action, Success: false, Error: e.Body()})
}

// baseURL is the portal's address as the caller reached it.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func splitExt(file string, exts ...string) (string, string) {
	for _, e := range exts {
		if strings.HasSuffix(file, "."+e) {
			return strings.TrimSuffix(file, "."+e), e
		}
	}
	return file, ""
}

func modifiedSince(r *http.Request) (int64, error) {
	v := r.URL.Query().Get("modified_since")
	if v == "" {
		return 0, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UnixMilli(), nil
		}
	}
	return 0, apperr.BadRequest.With(apperr.Field("modified_since", "须为 ISO 8601 时间，如 2026-01-31T00:00:00Z", "must be an ISO 8601 time such as 2026-01-31T00:00:00Z"))
}

func dcatPage(r *http.Request) (harvest.DCATPage, error) {
	pg := harvest.DCATPage{Page: 1, PageSize: 100, Path: r.URL.Path}
	q := r.URL.Query()
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000000 {
			return pg, apperr.BadRequest.With(apperr.Field("page", "页码须为正整数", "page must be a positive integer"))
		}
		pg.Page = n
	}
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > harvest.MaxDCATPage {
			return pg, apperr.BadRequest.With(apperr.Field("page_size", "每页条数须为 1–1000", "page_size must be 1–1000"))
		}
		pg.PageSize = n
	}
	var err error
	pg.ModifiedSince, err = modifiedSince(r)
	return pg, err
}

// writeRDF answers Turtle or JSON-LD: by the path's extension, else by Accept (JSON-LD unless
// Turtle is asked for).
func writeRDF(w http.ResponseWriter, r *http.Request, format string, g harvest.Graph) (any, error) {
	if format == "" {
		format = "jsonld"
		if acc := r.Header.Get("Accept"); strings.Contains(acc, "text/turtle") {
			format = "ttl"
		}
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Vary", "Accept")
	if format == "ttl" {
		w.Header().Set("Content-Type", "text/turtle; charset=utf-8")
		io.WriteString(w, harvest.TurtleOf(g))
		return Raw{}, nil
	}
	b, err := harvest.JSONLD(g)
	if err != nil {
		return nil, err
	}
	w.Header().Set("Content-Type", "application/ld+json; charset=utf-8")
	w.Write(b)
	return Raw{}, nil
}

func writeAtom(w http.ResponseWriter, b []byte, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Write(b)
	return Raw{}, nil
}
