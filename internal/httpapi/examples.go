package httpapi

import (
	_ "embed"
	"encoding/json"
	"regexp"
	"sort"
	"strings"
)

// Examples for every operation of the OpenAPI document. An answer's example is a real answer
// of the demo region where the demo walk (TestResponsesMatchSchemas) reached the route: it is
// captured, with identifiers and times made stable, into openapi_examples.json
// (PUBDATA_UPDATE_DOCS=1 rewrites it). Every other request and answer gets an example built
// from its schema (a string for each string, the first value of an enum, 1 for a number…), so
// a developer sees a filled-in body for every operation. kin-openapi validates every example
// against its schema (TestOpenAPIValidatesAndIsTyped).

//go:embed openapi_examples.json
var capturedJSON []byte

// CapturedExample is one real answer of the demo walk.
type CapturedExample struct {
	Status int             `json:"status"`
	Body   json.RawMessage `json:"body"`
}

var captured = func() map[string]CapturedExample {
	m := map[string]CapturedExample{}
	if err := json.Unmarshal(capturedJSON, &m); err != nil {
		panic("httpapi: openapi_examples.json: " + err.Error())
	}
	return m
}()

var (
	uuidRe   = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	stampRe  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$`)
	dayRe    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	monthRe  = regexp.MustCompile(`^\d{4}-\d{2}$`)
	hexRe    = regexp.MustCompile(`^[0-9a-f]{16,}$`)
	tokenRe  = regexp.MustCompile(`^[a-z2-7]{26,}$`)
	numberRe = regexp.MustCompile(`^[A-Z]{2}\d{8}[0-9A-F]{10}$`) // a generated case number (JB2026…)
	keyRe    = regexp.MustCompile(`MCowBQYDK2VwAyEA[A-Za-z0-9+/]{43}=`)
)

// ScrubExample makes a real answer fit for the document and stable between runs: generated
// identifiers, times, hashes, tokens and key material replaced by fixed ones (the demo's own
// names such as cat-social-org are kept), lists put in a fixed order and cut to two items.
func ScrubExample(body []byte) (json.RawMessage, bool) {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, false
	}
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k := range x {
				x[k] = walk(x[k])
				if _, isNum := x[k].(float64); isNum && k == "seq" { // the audit log's order of concurrent writes
					x[k] = 240.0
				} else if isNum && k == "seconds" {
					x[k] = 0.25
				} else if k == "prefix" && x[k] != "" {
					x[k] = "abcd2345"
				}
				if str, ok := x[k].(string); ok && numberRe.MatchString(str) {
					x[k] = str[:10] + "0000000001"
				}
			}
			return x
		case []any:
			for i := range x {
				x[i] = walk(x[i])
			}
			// rows with equal sort keys come in any order: order them by their content
			sort.SliceStable(x, func(i, j int) bool {
				a, _ := json.Marshal(x[i])
				b, _ := json.Marshal(x[j])
				return string(a) < string(b)
			})
			if len(x) > 2 {
				x = x[:2]
			}
			return x
		case string:
			switch {
			case stampRe.MatchString(x):
				return "2026-03-02T09:30:00+08:00"
			case dayRe.MatchString(x):
				return "2026-03-02"
			case monthRe.MatchString(x):
				return "2026-03"
			case hexRe.MatchString(x):
				return strings.Repeat("a", len(x))
			case tokenRe.MatchString(x):
				return strings.Repeat("x", len(x))
			}
			x = keyRe.ReplaceAllString(x, "MCowBQYDK2VwAyEA"+strings.Repeat("A", 43)+"=")
			return uuidRe.ReplaceAllString(x, exampleID)
		}
		return v
	}
	out, err := json.Marshal(walk(v))
	return out, err == nil
}

const exampleID = "0190f0c0-0000-7000-8000-000000000001"

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// exampleFrom builds an example value from a JSON Schema, following $refs into schemas.
func exampleFrom(s map[string]any, schemas map[string]any, depth int, name string) any {
	if s == nil || depth > 40 {
		return nil
	}
	if ref, ok := s["$ref"].(string); ok {
		def, _ := schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
		if def == nil || def["\x00visiting"] == true { // a type that contains itself: stop there
			return nil
		}
		def["\x00visiting"] = true
		defer delete(def, "\x00visiting")
		return exampleFrom(def, schemas, depth+1, name)
	}
	if ex, ok := s["examples"].([]any); ok && len(ex) > 0 {
		return ex[0]
	}
	if en, ok := s["enum"].([]any); ok && len(en) > 0 {
		return en[0]
	}
	if c, ok := s["const"]; ok {
		return c
	}
	for _, k := range []string{"oneOf", "anyOf", "allOf"} {
		if alts, ok := s[k].([]any); ok {
			for _, a := range alts {
				if m, ok := a.(map[string]any); ok && m["type"] != "null" {
					return exampleFrom(m, schemas, depth+1, name)
				}
			}
		}
	}
	typ := s["type"]
	if ts, ok := typ.([]any); ok {
		typ = nil
		for _, t := range ts {
			if t != "null" {
				typ = t
				break
			}
		}
	}
	switch typ {
	case "object":
		out := map[string]any{}
		props, _ := s["properties"].(map[string]any)
		for k, p := range props {
			if m, ok := p.(map[string]any); ok {
				if v := exampleFrom(m, schemas, depth+1, k); v != nil {
					out[k] = v
				}
			}
		}
		return out
	case "array":
		items, _ := s["items"].(map[string]any)
		if v := exampleFrom(items, schemas, depth+1, name); v != nil {
			return []any{v}
		}
		return []any{}
	case "integer":
		if m, ok := s["minimum"].(float64); ok && m > 1 {
			return m
		}
		return 1
	case "number":
		return 1.5
	case "boolean":
		return true
	case "string":
		switch s["format"] {
		case "date-time":
			return "2026-03-02T09:30:00+08:00"
		case "date":
			return "2026-03-02"
		case "email":
			return "someone@example.gov.cn"
		case "uri":
			return "https://data.example.gov.cn/"
		}
		switch {
		case name == "id" || strings.HasSuffix(name, "_id"):
			return exampleID
		case strings.HasSuffix(name, "_date") || strings.HasSuffix(name, "_on") || name == "date":
			return "2026-03-02"
		}
		return "示例 / example"
	}
	if _, ok := s["properties"]; ok {
		c := map[string]any{}
		for k, v := range s {
			c[k] = v
		}
		c["type"] = "object"
		return exampleFrom(c, schemas, depth, name)
	}
	return nil
}

// addExamples puts an example on every request body and JSON answer of the document.
func addExamples(paths map[string]map[string]any, schemas map[string]any) {
	for p, item := range paths {
		for method, o := range item {
			op := o.(map[string]any)
			key := strings.ToUpper(method) + " " + p
			if rb, ok := op["requestBody"].(map[string]any); ok {
				content, _ := rb["content"].(map[string]any)
				if mt, ok := content["application/json"].(map[string]any); ok {
					sc, _ := mt["schema"].(map[string]any)
					if v := exampleFrom(sc, schemas, 0, ""); v != nil {
						mt["example"] = v
					}
				}
			}
			if params, ok := op["parameters"].([]any); ok {
				for _, pa := range params {
					pm := pa.(map[string]any)
					if pm["in"] == "path" {
						pm["example"] = exampleID
					}
				}
			}
			resps, _ := op["responses"].(map[string]any)
			for code, r := range resps {
				rm, ok := r.(map[string]any)
				if !ok || !strings.HasPrefix(code, "2") {
					continue
				}
				content, _ := rm["content"].(map[string]any)
				mt, ok := content["application/json"].(map[string]any)
				if !ok {
					continue
				}
				if c, ok := captured[key]; ok && itoa(c.Status) == code {
					var v any
					if json.Unmarshal(c.Body, &v) == nil {
						mt["example"] = v
						continue
					}
				}
				sc, _ := mt["schema"].(map[string]any)
				if v := exampleFrom(sc, schemas, 0, ""); v != nil {
					mt["example"] = v
				}
			}
		}
	}
}
