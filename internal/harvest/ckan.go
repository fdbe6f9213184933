package harvest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/csvsafe"
	"pubdata/internal/vocab"
)

// The CKAN Action API (read side), as CKAN 2.10 answers it: every call returns the envelope
// {help, success, result}; failures carry error.__type and CKAN's HTTP codes — Not Found Error
// 404, Validation Error 409 (with the failing parameter named), Authorization Error 403, Search
// Query Error 400; an unknown action is a 400 "Bad request: …" string.

// Actions are the CKAN actions served, in documentation order.
var Actions = []string{"package_list", "package_show", "package_search", "organization_list", "organization_show",
	"resource_show", "datastore_search", "status_show"}

// CKANVersion is the CKAN version whose read API this one follows (status_show).
const CKANVersion = "2.10.4"

// CKANError is a failed action.
type CKANError struct {
	Status  int
	Type    string
	Message string
	Fields  map[string][]string // Validation Error: parameter → reasons
	Plain   string              // 400 bad request: the body is this JSON string
	Retry   int
}

func (e *CKANError) Error() string { return e.Type + ": " + e.Message }

func notFound(what string) *CKANError {
	return &CKANError{Status: http.StatusNotFound, Type: "Not Found Error", Message: "Not found: " + what}
}

func invalid(field, msg string) *CKANError {
	return &CKANError{Status: http.StatusConflict, Type: "Validation Error", Fields: map[string][]string{field: {msg}}}
}

// Params are an action's parameters: URL query values (GET) or a JSON object (POST).
type Params map[string]any

func (p Params) str(k string) (string, bool) {
	v, ok := p[k]
	if !ok || v == nil {
		return "", false
	}
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	}
	b, _ := json.Marshal(v)
	return string(b), true
}

func (p Params) natural(k string, def, maxV int) (int, error) {
	s, ok := p.str(k)
	if !ok || s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return 0, invalid(k, "Invalid integer / 须为整数")
	}
	if n < 0 {
		return 0, invalid(k, "Must be a natural number / 须为非负整数")
	}
	if maxV > 0 && n > maxV {
		return 0, invalid(k, fmt.Sprintf("Must be at most %d / 不得超过 %d", maxV, maxV))
	}
	return n, nil
}

func (p Params) boolean(k string) (bool, error) {
	s, ok := p.str(k)
	if !ok || s == "" {
		return false, nil
	}
	switch strings.ToLower(s) {
	case "true", "1", "yes", "on":
		return true, nil
	case "false", "0", "no", "off":
		return false, nil
	}
	return false, invalid(k, "Invalid boolean / 须为 true 或 false")
}

// list reads a parameter that is a JSON list, a single string, or repeated values.
func (p Params) list(k string) ([]string, error) {
	v, ok := p[k]
	if !ok || v == nil {
		return nil, nil
	}
	switch x := v.(type) {
	case []string:
		if len(x) == 1 && strings.HasPrefix(strings.TrimSpace(x[0]), "[") {
			var out []string
			if err := json.Unmarshal([]byte(x[0]), &out); err != nil {
				return nil, invalid(k, "Not a JSON list of strings / 须为字符串的 JSON 列表")
			}
			return out, nil
		}
		return x, nil
	case []any:
		var out []string
		for _, y := range x {
			s, ok := y.(string)
			if !ok {
				return nil, invalid(k, "Not a list of strings / 须为字符串列表")
			}
			out = append(out, s)
		}
		return out, nil
	case string:
		if strings.HasPrefix(strings.TrimSpace(x), "[") {
			var out []string
			if err := json.Unmarshal([]byte(x), &out); err != nil {
				return nil, invalid(k, "Not a JSON list of strings / 须为字符串的 JSON 列表")
			}
			return out, nil
		}
		if x == "" {
			return nil, nil
		}
		return strings.Split(x, ","), nil
	}
	return nil, invalid(k, "Not a list of strings / 须为字符串列表")
}

// Call is one action call.
type Call struct {
	Action    string
	Params    Params
	BaseURL   string // scheme://host of the portal, for absolute URLs
	Principal *authz.Principal
	ClientIP  string
	KeySecret string // open API key presented (X-API-Key or Authorization)
}

// Envelope is CKAN's answer.
type Envelope struct {
	Help    string `json:"help"`
	Success bool   `json:"success"`
	Result  any    `json:"result,omitempty"`
	Error   any    `json:"error,omitempty"`
}

// Do runs an action and returns the HTTP status and the body to encode (an Envelope, or for an
// unknown action the plain "Bad request" string CKAN answers).
func (s *Service) Do(ctx context.Context, c Call) (int, any) {
	help := c.BaseURL + "/api/3/action/help_show?name=" + c.Action
	res, err := s.do(ctx, c)
	if err == nil {
		return http.StatusOK, Envelope{Help: help, Success: true, Result: res}
	}
	e := AsCKAN(err)
	if e.Plain != "" {
		return e.Status, e.Plain
	}
	return e.Status, Envelope{Help: help, Success: false, Error: e.Body()}
}

// Body is the error object of the envelope.
func (e *CKANError) Body() map[string]any {
	out := map[string]any{"__type": e.Type}
	if e.Message != "" {
		out["message"] = e.Message
	}
	for k, v := range e.Fields {
		out[k] = v
	}
	return out
}

// AsCKAN maps any error to CKAN's error types (domain errors keep their bilingual message).
func AsCKAN(err error) *CKANError {
	var ce *CKANError
	if errors.As(err, &ce) {
		return ce
	}
	var qe *queryError
	if errors.As(err, &qe) {
		return &CKANError{Status: http.StatusBadRequest, Type: "Search Query Error", Message: "Search Query is invalid: " + qe.msg}
	}
	ae := apperr.As(err)
	msg := ae.ZH + " / " + ae.EN
	for _, f := range ae.Fields {
		msg += "; " + f.Field + ": " + f.ZH + " / " + f.EN
	}
	switch {
	case ae.Status == http.StatusNotFound:
		return &CKANError{Status: 404, Type: "Not Found Error", Message: "Not found: " + msg}
	case ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden:
		return &CKANError{Status: 403, Type: "Authorization Error", Message: "Access denied: " + msg}
	case ae.Status == http.StatusTooManyRequests:
		return &CKANError{Status: 429, Type: "Authorization Error", Message: "Access denied: " + msg, Retry: ae.RetryAfter}
	case ae.Status >= 400 && ae.Status < 500:
		return &CKANError{Status: 409, Type: "Validation Error", Fields: map[string][]string{"message": {msg}}, Message: msg}
	}
	return &CKANError{Status: 500, Type: "Internal Server Error", Message: "Internal Server Error / 内部错误"}
}

func (s *Service) do(ctx context.Context, c Call) (any, error) {
	if c.Params == nil {
		c.Params = Params{}
	}
	switch c.Action {
	case "package_list":
		return s.packageList(ctx, c)
	case "package_show":
		return s.packageShow(ctx, c)
	case "package_search":
		return s.packageSearch(ctx, c)
	case "organization_list":
		return s.orgList(ctx, c)
	case "organization_show":
		return s.orgShow(ctx, c)
	case "resource_show":
		return s.resourceShow(ctx, c)
	case "datastore_search":
		return s.datastoreSearch(ctx, c)
	case "status_show":
		return map[string]any{"site_title": s.Site.Title, "site_url": c.BaseURL, "site_description": s.Site.Description,
			"ckan_version": CKANVersion, "error_emails_to": nil, "locale_default": "zh_Hans_CN",
			"extensions": []string{"datastore", "dcat", "harvest"}}, nil
	}
	return nil, &CKANError{Status: http.StatusBadRequest, Plain: "Bad request: Action name not known: " + c.Action}
}

// MaxList bounds package_list and organization_list without a limit.
const MaxList = 100000

func (s *Service) packageList(ctx context.Context, c Call) (any, error) {
	limit, err := c.Params.natural("limit", MaxList, MaxList)
	if err != nil {
		return nil, err
	}
	offset, err := c.Params.natural("offset", 0, 0)
	if err != nil {
		return nil, err
	}
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	out := []string{}
	i := 0
	for _, d := range ix.orders["name"] {
		if d.ds.Deleted {
			continue
		}
		if i >= offset && len(out) < limit {
			out = append(out, d.ds.Name)
		}
		i++
	}
	return out, nil
}

func (s *Service) packageShow(ctx context.Context, c Call) (any, error) {
	id, _ := c.Params.str("id")
	if id == "" {
		id, _ = c.Params.str("name_or_id")
	}
	if id == "" {
		return nil, invalid("id", "Missing value / 缺少 id")
	}
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	d := ix.lookup(id)
	if d == nil {
		return nil, notFound("dataset " + id)
	}
	return json.RawMessage(s.pkgJSON(d, ix, c.BaseURL)), nil
}

// ParseSearch validates package_search's parameters.
func ParseSearch(p Params) (SearchParams, error) {
	var sp SearchParams
	var err error
	sp.Q, _ = p.str("q")
	sp.FQ, _ = p.str("fq")
	if l, err := p.list("fq_list"); err != nil {
		return sp, err
	} else if len(l) > 0 {
		sp.FQ = strings.TrimSpace(sp.FQ + " " + "(" + strings.Join(l, ") (") + ")")
	}
	if sp.Rows, err = p.natural("rows", 10, MaxRows); err != nil {
		return sp, err
	}
	if sp.Start, err = p.natural("start", 0, 0); err != nil {
		return sp, err
	}
	if sp.IncludeDeleted, err = p.boolean("include_deleted"); err != nil {
		return sp, err
	}
	srt, _ := p.str("sort")
	if sp.SortKey, sp.Desc, err = parseSort(srt); err != nil {
		return sp, err
	}
	sp.SortText = srt
	if sp.SortText == "" {
		sp.SortText = "score desc, metadata_modified desc"
	}
	if sp.Facets, err = p.list("facet.field"); err != nil {
		return sp, err
	}
	for _, f := range sp.Facets {
		if !facetFields[f] {
			return sp, invalid("facet.field", "Unknown facet field / 不支持的分面字段: "+f)
		}
	}
	if len(sp.Facets) > 10 {
		return sp, invalid("facet.field", "At most 10 facet fields / 分面字段不得超过 10 个")
	}
	if on, err := p.boolean("facet"); err != nil {
		return sp, err
	} else if _, given := p["facet"]; given && !on {
		sp.Facets = nil
	}
	if sp.FacetLimit, err = p.natural("facet.limit", 50, 1000); err != nil {
		return sp, err
	}
	if sp.FacetMinCount, err = p.natural("facet.mincount", 1, 0); err != nil {
		return sp, err
	}
	return sp, nil
}

// parseSort reads CKAN's sort: "field dir[, field dir]"; the first key orders, the rest only
// breaks ties the way the first key's order already does (by id).
func parseSort(s string) (string, bool, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "score", true, nil
	}
	first := strings.TrimSpace(strings.Split(s, ",")[0])
	parts := strings.Fields(first)
	if len(parts) == 0 || len(parts) > 2 {
		return "", false, qerr(`Invalid "sort" parameter`)
	}
	key := parts[0]
	desc := false
	if len(parts) == 2 {
		switch strings.ToLower(parts[1]) {
		case "asc":
		case "desc":
			desc = true
		default:
			return "", false, qerr(`Invalid "sort" parameter`)
		}
	}
	switch key {
	case "title_string":
		key = "title"
	case "score", "id", "name", "title", "metadata_modified", "metadata_created":
	default:
		return "", false, qerr("Invalid \"sort\" parameter: cannot sort on %s", key)
	}
	return key, desc, nil
}

func (s *Service) packageSearch(ctx context.Context, c Call) (any, error) {
	sp, err := ParseSearch(c.Params)
	if err != nil {
		return nil, err
	}
	ix, res, err := s.search(ctx, sp)
	if err != nil {
		return nil, err
	}
	results := make([]json.RawMessage, 0, len(res.docs))
	for _, d := range res.docs {
		results = append(results, s.pkgJSON(d, ix, c.BaseURL))
	}
	facets := map[string]map[string]int{}
	searchFacets := map[string]any{}
	for _, f := range sp.Facets {
		items := topItems(res.facets[f], sp.FacetLimit, max(sp.FacetMinCount, 1))
		fm := map[string]int{}
		var its []map[string]any
		for _, it := range items {
			fm[it.Name] = it.Count
			its = append(its, map[string]any{"name": it.Name, "display_name": displayName(ix, f, it.Name), "count": it.Count})
		}
		if its == nil {
			its = []map[string]any{}
		}
		facets[f] = fm
		searchFacets[f] = map[string]any{"title": f, "items": its}
	}
	return map[string]any{"count": res.count, "sort": sp.SortText, "results": results, "facets": facets, "search_facets": searchFacets}, nil
}

func displayName(ix *index, facet, v string) string {
	switch facet {
	case "organization":
		ix.slugOnce.Do(func() {
			ix.orgBySlug = make(map[string]string, len(ix.orgs))
			for id, o := range ix.orgs {
				ix.orgBySlug[orgSlug(id)] = o.Name
			}
		})
		if n, ok := ix.orgBySlug[v]; ok {
			return n
		}
	case "open_type":
		return vocab.OpenType(v).Label("zh")
	case "frequency":
		return vocab.Label("zh", vocab.UpdateFrequency, v)
	case "state":
		if v == "deleted" {
			return "已撤销开放"
		}
		return "开放中"
	}
	return v
}

func (s *Service) orgList(ctx context.Context, c Call) (any, error) {
	all, err := c.Params.boolean("all_fields")
	if err != nil {
		return nil, err
	}
	limit, err := c.Params.natural("limit", 1000, 1000)
	if err != nil {
		return nil, err
	}
	offset, err := c.Params.natural("offset", 0, 0)
	if err != nil {
		return nil, err
	}
	want, err := c.Params.list("organizations")
	if err != nil {
		return nil, err
	}
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	counts := orgCounts(ix)
	var names []string
	for id := range counts {
		names = append(names, id)
	}
	sort.Strings(names)
	if len(want) > 0 {
		ok := map[string]bool{}
		for _, w := range want {
			ok[w] = true
		}
		var keep []string
		for _, n := range names {
			if ok[orgSlug(n)] {
				keep = append(keep, n)
			}
		}
		names = keep
	}
	if offset > len(names) {
		offset = len(names)
	}
	names = names[offset:min(len(names), offset+limit)]
	if !all {
		out := make([]string, 0, len(names))
		for _, n := range names {
			out = append(out, orgSlug(n))
		}
		return out, nil
	}
	out := make([]map[string]any, 0, len(names))
	for _, n := range names {
		out = append(out, orgDict(ix, n, counts[n]))
	}
	return out, nil
}

func orgCounts(ix *index) map[string]int {
	counts := map[string]int{}
	for _, d := range ix.byID {
		if !d.ds.Deleted {
			counts[d.ds.OrgID]++
		} else if _, ok := counts[d.ds.OrgID]; !ok {
			counts[d.ds.OrgID] = 0
		}
	}
	return counts
}

func orgDict(ix *index, id string, count int) map[string]any {
	o := ix.orgs[id]
	return map[string]any{"id": id, "name": orgSlug(id), "title": o.Name, "display_name": o.Name, "description": o.NameEN,
		"type": "organization", "is_organization": true, "state": "active", "approval_status": "approved",
		"image_url": "", "created": nil, "package_count": count, "region_code": o.Region}
}

func (s *Service) orgShow(ctx context.Context, c Call) (any, error) {
	id, _ := c.Params.str("id")
	if id == "" {
		return nil, invalid("id", "Missing value / 缺少 id")
	}
	inc, err := c.Params.boolean("include_datasets")
	if err != nil {
		return nil, err
	}
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	counts := orgCounts(ix)
	var orgID string
	for oid := range counts {
		if oid == id || orgSlug(oid) == strings.ToLower(id) {
			orgID = oid
		}
	}
	if orgID == "" {
		return nil, notFound("organization " + id)
	}
	out := orgDict(ix, orgID, counts[orgID])
	if inc {
		var pk []json.RawMessage
		for _, d := range ix.orders["name"] {
			if d.ds.OrgID == orgID && !d.ds.Deleted && len(pk) < 1000 {
				pk = append(pk, s.pkgJSON(d, ix, c.BaseURL))
			}
		}
		if pk == nil {
			pk = []json.RawMessage{}
		}
		out["packages"] = pk
	}
	return out, nil
}

// ResourceID is the stable identifier of a dataset's distribution.
func ResourceID(datasetID, format string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("pubdata:"+datasetID+":"+strings.ToLower(format))).String()
}

// findResource finds the dataset and distribution of a resource id (a dataset id stands for its
// records API).
func findResource(ix *index, rid string) (*doc, *Distribution) {
	if d := ix.lookup(rid); d != nil {
		for i := range d.ds.Distributions {
			if d.ds.Distributions[i].API {
				return d, &d.ds.Distributions[i]
			}
		}
		return d, nil
	}
	for _, d := range ix.byID {
		for i := range d.ds.Distributions {
			if ResourceID(d.ds.ID, d.ds.Distributions[i].Format) == rid {
				return d, &d.ds.Distributions[i]
			}
		}
	}
	return nil, nil
}

func (s *Service) resourceShow(ctx context.Context, c Call) (any, error) {
	id, _ := c.Params.str("id")
	if id == "" {
		return nil, invalid("id", "Missing value / 缺少 id")
	}
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	d, r := findResource(ix, id)
	if d == nil || r == nil || d.ds.Deleted {
		return nil, notFound("resource " + id)
	}
	return resourceDict(d, r, c.BaseURL, 0), nil
}

// MaxRecords bounds datastore_search's limit; MaxOffset its offset (beyond, the open records
// API pages by cursor).
const (
	MaxRecords = 1000
	MaxOffset  = 100000
)

func (s *Service) datastoreSearch(ctx context.Context, c Call) (any, error) {
	rid, _ := c.Params.str("resource_id")
	if rid == "" {
		rid, _ = c.Params.str("id")
	}
	if rid == "" {
		return nil, invalid("resource_id", "Missing value / 缺少 resource_id")
	}
	limit, err := c.Params.natural("limit", 100, MaxRecords)
	if err != nil {
		return nil, err
	}
	offset, err := c.Params.natural("offset", 0, 0)
	if err != nil {
		return nil, err
	}
	format, _ := c.Params.str("records_format")
	if format == "" {
		format = "objects"
	}
	if format != "objects" && format != "lists" && format != "csv" && format != "tsv" {
		return nil, invalid("records_format", "Value must be one of: objects; lists; csv; tsv / 须为 objects、lists、csv、tsv 之一")
	}
	if offset > MaxOffset {
		return nil, invalid("offset", fmt.Sprintf("Must be at most %d; page further with the open records API's cursor (/api/v1/open/datasets/{id}/records) / 不得超过 %d，更多记录请用开放数据接口的游标翻页", MaxOffset, MaxOffset))
	}
	rq := RecordQuery{Limit: limit, Offset: offset, KeySecret: c.KeySecret, ClientIP: c.ClientIP}
	rq.Q, _ = c.Params.str("q")
	rq.Sort, _ = c.Params.str("sort")
	if rq.Fields, err = c.Params.list("fields"); err != nil {
		return nil, err
	}
	if v, ok := c.Params["filters"]; ok && v != nil {
		rq.Filters = map[string]string{}
		var m map[string]any
		switch x := v.(type) {
		case map[string]any:
			m = x
		default:
			s, _ := c.Params.str("filters")
			if err := json.Unmarshal([]byte(s), &m); err != nil {
				return nil, invalid("filters", "Not a JSON object / 须为 JSON 对象")
			}
		}
		for k, val := range m {
			switch y := val.(type) {
			case string:
				rq.Filters[k] = y
			case float64, bool, json.Number:
				rq.Filters[k] = fmt.Sprint(y)
			default:
				return nil, invalid("filters", "Filter values must be strings or numbers / 过滤值须为字符串或数字: "+k)
			}
		}
	}
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	d, r := findResource(ix, rid)
	if d == nil || d.ds.Deleted {
		return nil, notFound("resource " + rid)
	}
	if r == nil || !r.API {
		return nil, notFound("resource " + rid + " has no datastore table")
	}
	p := c.Principal
	if p == nil {
		p = &authz.Principal{}
	}
	if d.ds.Suspended {
		s.audit(ctx, p, c.ClientIP, d.ds.ID, audit.Denied, map[string]any{"reason": "suspended"})
		return nil, &CKANError{Status: http.StatusForbidden, Type: "Authorization Error",
			Message: "Access denied: 该数据集已暂停开放 / opening of this dataset is suspended: " + d.ds.SuspendReason}
	}
	page, err := s.Source.Records(ctx, p, d.ds.ID, rq)
	if err != nil {
		s.audit(ctx, p, c.ClientIP, d.ds.ID, audit.Denied, map[string]any{"reason": apperr.As(err).Code})
		return nil, err
	}
	if err := s.audit(ctx, p, c.ClientIP, d.ds.ID, audit.OK, map[string]any{"records": len(page.Records), "offset": offset}); err != nil {
		return nil, err
	}
	rid = ResourceID(d.ds.ID, r.Format)
	fields := []map[string]any{{"id": "_id", "type": "int"}}
	for _, f := range page.Fields {
		fields = append(fields, map[string]any{"id": f.Name, "type": datastoreType(f.Type), "info": map[string]any{"label": f.Label}})
	}
	out := map[string]any{"resource_id": rid, "fields": fields, "limit": limit, "offset": offset, "include_total": page.TotalKnown, "records_format": format}
	if page.TotalKnown {
		out["total"] = page.Total
	}
	base := "/api/3/action/datastore_search?resource_id=" + rid + "&limit=" + strconv.Itoa(limit)
	links := map[string]any{"start": base}
	if page.More {
		links["next"] = base + "&offset=" + strconv.Itoa(offset+limit)
	}
	out["_links"] = links
	switch format {
	case "objects":
		recs := make([]map[string]any, 0, len(page.Records))
		for i, rec := range page.Records {
			m := map[string]any{"_id": offset + i + 1}
			for _, f := range page.Fields {
				m[f.Name] = rec[f.Name]
			}
			recs = append(recs, m)
		}
		out["records"] = recs
	case "lists":
		recs := make([][]any, 0, len(page.Records))
		for i, rec := range page.Records {
			row := []any{offset + i + 1}
			for _, f := range page.Fields {
				row = append(row, rec[f.Name])
			}
			recs = append(recs, row)
		}
		out["records"] = recs
	default:
		var b bytes.Buffer
		w := csvsafe.NewWriter(&b) // every cell neutralised against formula injection
		if format == "tsv" {
			w.Comma = '\t'
		}
		for i, rec := range page.Records {
			row := []string{strconv.Itoa(offset + i + 1)}
			for _, f := range page.Fields {
				row = append(row, fmt.Sprint(valueOr(rec[f.Name])))
			}
			w.Write(row)
		}
		w.Flush()
		out["records"] = b.String()
	}
	return out, nil
}

func valueOr(v any) any {
	if v == nil {
		return ""
	}
	return v
}

func datastoreType(t string) string {
	switch t {
	case "integer":
		return "int"
	case "decimal":
		return "numeric"
	case "date":
		return "date"
	case "datetime":
		return "timestamp"
	case "boolean":
		return "bool"
	}
	return "text"
}

func (s *Service) audit(ctx context.Context, p *authz.Principal, ip, id, result string, detail map[string]any) error {
	if s.Audit == nil {
		return nil
	}
	name := p.Username
	if name == "" {
		name = "anonymous"
	}
	return s.Audit.Log(ctx, audit.Event{ActorID: p.UserID, ActorName: name, OrgID: p.OrgID, Action: "open.harvest.records",
		ObjectType: "open.dataset", ObjectID: id, Result: result, ClientIP: ip, Detail: detail})
}

// ckanTime writes a Unix ms time as CKAN does: UTC, microseconds, no zone letter.
func ckanTime(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000000")
}

type pkgCache struct {
	base string
	b    []byte
}

// pkgJSON returns the package dict of a dataset, encoded once per dataset version and base URL.
func (s *Service) pkgJSON(d *doc, ix *index, base string) []byte {
	if c := d.cache.Load(); c != nil && c.base == base {
		return c.b
	}
	b, _ := json.Marshal(packageDict(d, ix, base))
	d.cache.Store(&pkgCache{base, b})
	return b
}

func packageDict(d *doc, ix *index, base string) map[string]any {
	ds := &d.ds
	o := ix.orgs[ds.OrgID]
	if o.Name == "" {
		o.Name = ds.OrgName
	}
	tags := []map[string]any{}
	for _, t := range ds.Tags {
		tags = append(tags, map[string]any{"name": t, "display_name": t, "state": "active", "vocabulary_id": nil})
	}
	groups := []map[string]any{}
	if ds.Topic != "" {
		groups = append(groups, map[string]any{"name": ds.Topic, "title": ds.Topic, "display_name": ds.Topic})
	}
	extras := []map[string]string{
		{"key": "catalog_code", "value": ds.Code},
		{"key": "catalog_version", "value": strconv.Itoa(ds.Version)},
		{"key": "open_type", "value": ds.OpenType},
		{"key": "open_type_label", "value": vocab.OpenType(ds.OpenType).Label("zh")},
		{"key": "access_rights", "value": AccessRights(ds.OpenType)},
		{"key": "update_frequency", "value": ds.Frequency},
		{"key": "region_code", "value": ds.Region},
		{"key": "dcat_uri", "value": base + "/dcat/datasets/" + ds.ID},
	}
	if ds.TitleEN != "" {
		extras = append(extras, map[string]string{"key": "title_en", "value": ds.TitleEN})
	}
	if ds.OpenCondition != "" {
		extras = append(extras, map[string]string{"key": "open_conditions", "value": ds.OpenCondition})
	}
	if ds.LegalBasis != "" {
		extras = append(extras, map[string]string{"key": "legal_basis", "value": ds.LegalBasis})
	}
	if len(ds.Fields) > 0 {
		fb, _ := json.Marshal(ds.Fields)
		extras = append(extras, map[string]string{"key": "data_items", "value": string(fb)})
	}
	if ds.Suspended {
		extras = append(extras, map[string]string{"key": "suspended", "value": "true"}, map[string]string{"key": "suspend_reason", "value": ds.SuspendReason})
	}
	if ds.Deleted {
		extras = append(extras, map[string]string{"key": "withdrawn_at", "value": ckanTime(ds.WithdrawnAt)}, map[string]string{"key": "withdrawn_reason", "value": ds.WithdrawnReason})
	}
	resources := []map[string]any{}
	if !ds.Deleted {
		for i := range ds.Distributions {
			resources = append(resources, resourceDict(d, &ds.Distributions[i], base, i))
		}
	}
	return map[string]any{
		"id": ds.ID, "name": ds.Name, "title": ds.Title, "notes": ds.Summary, "type": "dataset", "state": stateOf(ds),
		"private": false, "isopen": ds.OpenType == string(vocab.OpenUnconditional) && !ds.Deleted,
		"author": o.Name, "author_email": nil, "maintainer": o.Name, "maintainer_email": nil,
		"license_id": LicenseID, "license_title": LicenseTitle, "license_url": base + LicensePath,
		"url": base + "/dcat/datasets/" + ds.ID, "version": strconv.Itoa(ds.Version),
		"metadata_created": ckanTime(ds.Created), "metadata_modified": ckanTime(ds.Modified),
		"owner_org": ds.OrgID, "creator_user_id": nil,
		"organization": map[string]any{"id": ds.OrgID, "name": orgSlug(ds.OrgID), "title": o.Name, "type": "organization",
			"description": o.NameEN, "is_organization": true, "state": "active", "approval_status": "approved", "image_url": ""},
		"tags": tags, "num_tags": len(tags), "groups": groups, "extras": extras,
		"resources": resources, "num_resources": len(resources),
		"relationships_as_object": []any{}, "relationships_as_subject": []any{},
	}
}

// LicenseTitle and LicensePath name the terms every open dataset is offered under.
const (
	LicenseTitle = "公共数据开放利用条款 / Open public data terms of use"
	LicensePath  = "/open/terms"
)

func resourceDict(d *doc, r *Distribution, base string, pos int) map[string]any {
	ds := &d.ds
	url := base + r.Path
	return map[string]any{"id": ResourceID(ds.ID, r.Format), "package_id": ds.ID, "name": r.Title, "description": ds.Title + " — " + r.Title,
		"format": r.Format, "mimetype": r.MediaType, "url": url, "url_type": nil, "state": "active", "position": pos,
		"created": ckanTime(ds.Created), "last_modified": ckanTime(ds.Modified), "datastore_active": r.API,
		"size": nil, "hash": "", "cache_url": nil}
}

// AccessRights is the EU access-right vocabulary URI of an open type (dct:accessRights).
func AccessRights(openType string) string {
	if openType == string(vocab.OpenConditional) {
		return "http://publications.europa.eu/resource/authority/access-right/RESTRICTED"
	}
	return "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
}
