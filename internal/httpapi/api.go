// Package httpapi is the REST JSON API under /api/v1: thin handlers that decode a request, call
// a domain service and encode the result, all registered through one table that also produces
// the OpenAPI 3.1 document served at /api/v1/openapi.json.
package httpapi

import (
	"errors"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/authz"
)

// Route is one registered API operation.
type Route struct {
	Method  string
	Path    string // ServeMux pattern path, e.g. /api/v1/catalog/entries/{id}
	Summary string // "中文 / English"
	Tag     string
	Public  bool // reachable without authentication
	Body    bool // takes a JSON (or upload) body
	// Scope is the API-token scope the route needs, filled in from RouteScopes at registration
	// (the one table; only routes registered by tests name it inline).
	Scope string

	// In is the request body the handler decodes, as a zero value of its Go type
	// (In: catalog.Entry{}); Upload{} when the body is a file; nil when the route reads no body.
	// Set it whenever Body is true.
	In any
	// Out is what the handler answers, as a zero value of its Go type. Every route sets it:
	//   - T{} (or []T(nil), …) for 200 with a T — what the handler returns;
	//   - Created{V: T{}} for 201 (the handler returns Created{…});
	//   - Items[T]{} for {"items": [T…]} (the handler returns map[string]any{"items": …});
	//   - Paged[T]{} for a page (NewPaged); page and page_size are then declared as parameters;
	//   - NoContent{} for 204 (the handler returns nil, nil);
	//   - Raw{} for a file or stream the handler writes itself;
	//   - Outs{OK: A{}, Created: B{}} when it answers either.
	// The OpenAPI document derives the schemas from the Go types by reflection over their json
	// tags; TestEveryRouteTyped fails for a route without Out (or without In while Body is set).
	Out any
	// Query names the query parameters the handler reads (page and page_size are added for a
	// Paged answer).
	Query []string
}

// HandlerFunc answers an API call for an authenticated (or, on public routes, anonymous) caller
// and returns the value to encode, or an error in the error shape.
type HandlerFunc func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error)

// Raw marks a handler result that was already written (files, streams).
type Raw struct{}

// Created wraps a result to answer 201.
type Created struct{ V any }

// API holds the routes.
type API struct {
	App    *app.App
	Mux    *http.ServeMux
	Routes []Route
}

// New builds the API and registers every route on mux.
func New(a *app.App, mux *http.ServeMux) *API {
	api := &API{App: a, Mux: mux}
	api.install()
	return api
}

// metaOpenAPI answers GET /api/v1/openapi.json: the OpenAPI document of every registered route.
func (api *API) metaOpenAPI(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.OpenAPI(), nil
}

// Handle registers one operation.
//
// Before the handler runs it checks the route's token scope (RouteScopes): a token without it
// gets 403 insufficient_scope, except on public routes, where it is served as a visitor. On a
// record-addressed read ({id}, {key}) "forbidden" and "not found" get one answer (apperr.Hidden),
// so that nobody learns whether a record they may not see exists. A change addressed to a record
// answers "not found" alike too (apperr.Hidden): authz answers it for a record the caller may not
// read, and a missing record gets the same bytes; only a reader of the record hears 403.
func (api *API) Handle(rt Route, h HandlerFunc) {
	rt.Scope = scopeOf(rt)
	api.Routes = append(api.Routes, rt)
	api.Mux.HandleFunc(rt.Method+" "+rt.Path, func(w http.ResponseWriter, r *http.Request) {
		p := PrincipalOf(r)
		if rt.Public {
			if p.TokenID != "" && authz.RouteScope(p, rt.Scope) != nil {
				p = &authz.Principal{}
			}
		} else if err := authz.RouteScope(p, rt.Scope); err != nil {
			Fail(w, r, err)
			return
		}
		v, err := h(w, r, p)
		if err != nil {
			Fail(w, r, Conceal(rt.Method, rt.Path, err))
			return
		}
		switch x := v.(type) {
		case Raw:
		case Created:
			JSON(w, http.StatusCreated, x.V)
		case nil:
			w.WriteHeader(http.StatusNoContent)
		default:
			JSON(w, http.StatusOK, v)
		}
	})
}

// Conceal makes the answers of a record-addressed route ({id}, {key} in its pattern) alike for a
// record that does not exist and one the caller may not see (no existence oracle), for the API
// and the web pages alike: a read answers apperr.Hidden for "forbidden", "not found" and "log in
// first"; a change answers apperr.Hidden for "not found" — the authz decision of the record
// already answers apperr.Hidden when the caller may not read it, so that only a reader of the
// record hears 403 for a change it may not make.
func Conceal(method, pattern string, err error) error {
	if err == nil || !namesRecord(pattern) {
		return err
	}
	if apperr.As(err).Status == http.StatusNotFound {
		return apperr.Hidden
	}
	if (method == http.MethodGet || method == http.MethodHead) && (errors.Is(err, apperr.Forbidden) || errors.Is(err, apperr.Unauthenticated)) {
		return apperr.Hidden
	}
	return err
}

var paramRe = regexp.MustCompile(`\{([a-zA-Z_]+)\.{0,3}\}`)

// OpenAPI returns the OpenAPI 3.1 document of every registered route, with the request and
// response schemas reflected from each route's In and Out types (schema.go).
func (api *API) OpenAPI() map[string]any {
	ss := newSchemaSet()
	errRef := map[string]any{"$ref": "#/components/responses/Error"}
	paths := map[string]map[string]any{}
	for _, rt := range api.Routes {
		responses := map[string]any{"4XX": errRef, "default": errRef}
		for code, resp := range successResponses(ss, rt.Out) {
			responses[code] = resp
		}
		op := map[string]any{
			"summary":       rt.Summary,
			"operationId":   operationID(rt),
			"tags":          []string{rt.Tag},
			"x-token-scope": rt.Scope,
			"responses":     responses,
		}
		var params []any
		for _, m := range paramRe.FindAllStringSubmatch(rt.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		query := append([]string(nil), rt.Query...)
		if isPaged(rt.Out) {
			query = append(query, "page", "page_size")
		}
		seen := map[string]bool{}
		for _, q := range query {
			if seen[q] {
				continue
			}
			seen[q] = true
			params = append(params, queryParam(q))
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		switch in := rt.In.(type) {
		case nil:
			if rt.Body {
				op["requestBody"] = map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": map[string]any{}}}}
			}
		case Upload:
			file := map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"multipart/form-data":      map[string]any{"schema": map[string]any{"type": "object", "properties": map[string]any{"file": file}}},
				"application/octet-stream": map[string]any{"schema": file},
			}}
		default:
			op["requestBody"] = map[string]any{"required": rt.Body, "content": map[string]any{"application/json": map[string]any{"schema": ss.Input(in)}}}
		}
		if rt.Public {
			op["security"] = []any{}
		}
		p := paramRe.ReplaceAllString(rt.Path, "{$1}")
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(rt.Method)] = op
	}
	schemas := ss.Components()
	schemas["Error"] = errorSchema
	addExamples(paths, schemas)
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "pubdata 公共数据平台 API",
			"version":     "1.0.0",
			"description": "公共数据目录、汇聚、治理、共享、开放与授权运营 / Public data platform: catalog, aggregation, quality, sharing, opening and authorized operation.",
		},
		"servers": []any{map[string]any{"url": "/"}},
		"tags":    api.openAPITags(),
		"paths":   paths,
		"security": []any{
			map[string]any{"bearer": []string{}},
			map[string]any{"session": []string{}},
		},
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer", "description": "API 令牌 / API token (pd_…)"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": SessionCookie},
			},
			"responses": map[string]any{
				"Error": map[string]any{
					"description": "错误（中英文说明，字段错误逐项列出）/ error (Chinese and English message, field errors listed)",
					"content": map[string]any{"application/json": map[string]any{
						"schema": map[string]any{"$ref": "#/components/schemas/Error"},
						"example": map[string]any{"error": map[string]any{"code": "bad_request", "message": "请求有误", "message_en": "bad request",
							"fields": []any{map[string]any{"field": "page_size", "message": "每页条数须为 1–500", "message_en": "page_size must be 1–500"}}}},
					}},
				},
			},
			"schemas": schemas,
		},
	}
}

var errorSchema = map[string]any{
	"type":     "object",
	"required": []string{"error"},
	"properties": map[string]any{
		"error": map[string]any{
			"type":     "object",
			"required": []string{"code", "message", "message_en"},
			"properties": map[string]any{
				"code":       map[string]any{"type": "string"},
				"message":    map[string]any{"type": "string", "description": "中文说明"},
				"message_en": map[string]any{"type": "string"},
				"fields": map[string]any{"type": "array", "items": map[string]any{"type": "object", "properties": map[string]any{
					"field": map[string]any{"type": "string"}, "message": map[string]any{"type": "string"},
					"message_en": map[string]any{"type": "string"}, "line": map[string]any{"type": "integer"},
				}}},
			},
		},
	},
}

// successResponses answers the 2xx responses of a route's Out.
func successResponses(ss *schemaSet, out any) map[string]any {
	json := func(desc string, v any) map[string]any {
		return map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": ss.Schema(v)}}}
	}
	switch o := out.(type) {
	case nil:
		return map[string]any{"200": map[string]any{"description": "成功 / OK"}}
	case NoContent:
		return map[string]any{"204": map[string]any{"description": "完成，无内容 / done, no content"}}
	case Raw:
		return map[string]any{"200": map[string]any{"description": "文件或数据流 / a file or stream",
			"content": map[string]any{"*/*": map[string]any{"schema": map[string]any{"type": "string", "contentMediaType": "application/octet-stream"}}}}}
	case Created:
		return map[string]any{"201": json("已创建 / created", o.V)}
	case Outs:
		return map[string]any{"200": json("成功 / OK", o.OK), "201": json("已创建 / created", o.Created)}
	default:
		return map[string]any{"200": json("成功 / OK", o)}
	}
}

// isPaged tells whether v is a Paged[T].
func isPaged(v any) bool {
	if c, ok := v.(Created); ok {
		v = c.V
	}
	if v == nil {
		return false
	}
	t := reflect.TypeOf(v)
	return t.PkgPath() == reflect.TypeOf(Page{}).PkgPath() && strings.HasPrefix(t.Name(), "Paged[")
}

// queryParam declares one query parameter.
func queryParam(name string) map[string]any {
	s := map[string]any{"type": "string"}
	switch name {
	case "page":
		s = map[string]any{"type": "integer", "minimum": 1, "default": 1}
	case "page_size":
		s = map[string]any{"type": "integer", "minimum": 1, "maximum": 500, "default": 50}
	case "limit", "offset":
		s = map[string]any{"type": "integer", "minimum": 0}
	}
	return map[string]any{"name": name, "in": "query", "schema": s}
}

func operationID(rt Route) string {
	s := strings.TrimPrefix(rt.Path, "/api/v1/")
	s = paramRe.ReplaceAllString(s, "by_$1")
	s = strings.NewReplacer("/", "_", "-", "_", ".", "_").Replace(s)
	return strings.ToLower(rt.Method) + "_" + s
}

// SortedRoutes returns the routes ordered by path then method.
func (api *API) SortedRoutes() []Route {
	out := append([]Route(nil), api.Routes...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Method < out[j].Method
	})
	return out
}
