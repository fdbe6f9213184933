package httpapi

import (
	"encoding/json"
	"reflect"
	"regexp"
	"strings"

	"github.com/invopop/jsonschema"

	"pubdata/internal/db"
)

// The shapes a Route.Out can take besides a plain value (see Route).
type (
	// NoContent declares a route that answers 204 with no body (its handler returns nil).
	NoContent struct{}
	// Items is the {"items": [...]} list most list routes answer.
	Items[T any] struct {
		Items []T `json:"items"`
	}
	// Outs declares a route that answers either 200 with OK or 201 with Created.
	Outs struct{ OK, Created any }
	// Upload declares a route whose body is a file: a multipart form with a "file" part, or the
	// raw file with ?filename=.
	Upload struct{}
)

// schemaSet turns Go types into JSON Schemas (2020-12, the dialect of OpenAPI 3.1) by reflection
// over their json tags, collecting named types under components/schemas and answering $refs.
//
// github.com/invopop/jsonschema does the reflection: it reads the json tags the domain types
// already carry (no second set of annotations), names definitions through a hook so that two
// packages' "Request" types do not collide, and does nothing else — the document itself stays
// the one table in api.go. In an answer every field without omitempty is required (encoding/json
// always writes it); a request body may leave any field out, so request types are reflected a
// second time, without required fields, under names ending in ".Input". A pointer, slice or map
// field without omitempty may be null, as encoding/json writes it.
type schemaSet struct {
	out, in *jsonschema.Reflector
	defs    map[string]any
}

var stampType = reflect.TypeOf(db.Stamp(0))

func newSchemaSet() *schemaSet {
	s := &schemaSet{defs: map[string]any{}}
	s.out = &jsonschema.Reflector{
		Anonymous:                 true,
		AllowAdditionalProperties: true,
		Namer:                     schemaName,
		Mapper: func(t reflect.Type) *jsonschema.Schema {
			switch {
			case t == stampType:
				return &jsonschema.Schema{OneOf: []*jsonschema.Schema{{Type: "string", Format: "date-time"}, {Type: "null"}},
					Description: "RFC 3339 时间，null 表示无 / RFC 3339 time, null for never"}
			case t.Kind() == reflect.Struct && t.Name() == "orderedRecord":
				return &jsonschema.Schema{Type: "object", AdditionalProperties: &jsonschema.Schema{Type: "string"},
					Description: "按列顺序的一条记录 / one record, keys in column order"}
			case t.Implements(reflect.TypeOf((*json.Marshaler)(nil)).Elem()) && t.PkgPath() != "time":
				return &jsonschema.Schema{}
			}
			return nil
		},
	}
	in := *s.out
	in.RequiredFromJSONSchemaTags = true
	in.Namer = func(t reflect.Type) string { return schemaName(t) + ".Input" }
	s.in = &in
	return s
}

var genericArg = regexp.MustCompile(`[\w./-]*/`)

// schemaName names a definition by package and type ("share.Request"), generic arguments
// spelled in ("httpapi.Paged_share.Request").
func schemaName(t reflect.Type) string {
	name := t.Name()
	name = genericArg.ReplaceAllString(name, "")
	name = strings.NewReplacer("[", "_", "]", "", ",", "_", "*", "", " ", "").Replace(name)
	pkg := t.PkgPath()
	if i := strings.LastIndex(pkg, "/"); i >= 0 {
		pkg = pkg[i+1:]
	}
	if pkg == "" {
		return name
	}
	return pkg + "." + name
}

// Schema returns the schema of an answer of v's type: a $ref for a named struct, inline otherwise.
func (s *schemaSet) Schema(v any) map[string]any { return s.schema(v, s.out) }

// Input returns the schema of a request body of v's type (no field required).
func (s *schemaSet) Input(v any) map[string]any { return s.schema(v, s.in) }

func (s *schemaSet) schema(v any, r *jsonschema.Reflector) map[string]any {
	t := reflect.TypeOf(v)
	sc := r.ReflectFromType(t)
	b, err := json.Marshal(sc)
	if err != nil {
		panic("httpapi: schema of " + t.String() + ": " + err.Error())
	}
	b = []byte(strings.ReplaceAll(string(b), `"#/$defs/`, `"#/components/schemas/`))
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		panic(err)
	}
	if defs, ok := m["$defs"].(map[string]any); ok {
		for k, d := range defs {
			s.defs[k] = d
		}
	}
	delete(m, "$defs")
	delete(m, "$schema")
	delete(m, "$id")
	s.nullables(t, r.Namer, map[reflect.Type]bool{})
	return m
}

// nullables marks, in the collected definitions, the fields encoding/json may write as null:
// pointers, slices and maps without omitempty.
func (s *schemaSet) nullables(t reflect.Type, namer func(reflect.Type) string, seen map[reflect.Type]bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] || t == stampType {
		return
	}
	seen[t] = true
	def, _ := s.defs[namer(t)].(map[string]any)
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() && !f.Anonymous {
				continue
			}
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				ft := f.Type
				if ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft)
					continue
				}
			}
			s.nullables(f.Type, namer, seen)
			if name == "" {
				name = f.Name
			}
			k := f.Type.Kind()
			if def == nil || strings.Contains(","+opts+",", ",omitempty,") || (k != reflect.Pointer && k != reflect.Slice && k != reflect.Map && k != reflect.Interface) {
				continue
			}
			props, _ := def["properties"].(map[string]any)
			p, _ := props[name].(map[string]any)
			if p == nil {
				continue
			}
			switch typ := p["type"].(type) {
			case string:
				p["type"] = []any{typ, "null"}
			case nil:
				if _, ok := p["$ref"]; ok {
					props[name] = map[string]any{"anyOf": []any{p, map[string]any{"type": "null"}}}
				}
			}
		}
	}
	walk(t)
}

// Components returns every definition collected so far.
func (s *schemaSet) Components() map[string]any { return s.defs }
