package harvest_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// triple is one parsed RDF statement; objects are IRIs (<…>), literals ("…", with @lang or
// ^^datatype kept apart) or blank nodes (_:bN).
type triple struct{ s, p, o, lang, dt string }

const (
	rdfType = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
	dcat    = "http://www.w3.org/ns/dcat#"
	dct     = "http://purl.org/dc/terms/"
	hydra   = "http://www.w3.org/ns/hydra/core#"
)

// parseTurtle is a small Turtle parser (prefixes, IRIs, prefixed names, "a", literals with
// escapes, language tags and datatypes, ';' and ',' lists, nested [ … ] blank nodes). It fails
// on anything else, so output outside this subset fails the test.
func parseTurtle(src string) ([]triple, error) {
	p := &ttl{s: []rune(src), pfx: map[string]string{}}
	for {
		p.ws()
		if p.i >= len(p.s) {
			return p.out, nil
		}
		if p.word("@prefix") {
			p.ws()
			name := p.until(':')
			p.i++
			p.ws()
			iri, err := p.iriRef()
			if err != nil {
				return nil, err
			}
			p.pfx[name] = iri
			p.ws()
			if !p.eat('.') {
				return nil, fmt.Errorf("prefix not closed at %d", p.i)
			}
			continue
		}
		subj, err := p.subject()
		if err != nil {
			return nil, err
		}
		if err := p.predicateObjects(subj); err != nil {
			return nil, err
		}
		p.ws()
		if !p.eat('.') {
			return nil, fmt.Errorf("statement not closed with '.' at %d: %q", p.i, string(p.s[p.i:min(len(p.s), p.i+40)]))
		}
	}
}

type ttl struct {
	s     []rune
	i     int
	pfx   map[string]string
	out   []triple
	blank int
}

func (p *ttl) ws() {
	for p.i < len(p.s) && (unicode.IsSpace(p.s[p.i]) || p.s[p.i] == '#') {
		if p.s[p.i] == '#' {
			for p.i < len(p.s) && p.s[p.i] != '\n' {
				p.i++
			}
			continue
		}
		p.i++
	}
}

func (p *ttl) eat(c rune) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *ttl) word(w string) bool {
	if strings.HasPrefix(string(p.s[p.i:min(len(p.s), p.i+len(w))]), w) {
		p.i += len(w)
		return true
	}
	return false
}

func (p *ttl) until(c rune) string {
	st := p.i
	for p.i < len(p.s) && p.s[p.i] != c {
		p.i++
	}
	return string(p.s[st:p.i])
}

func (p *ttl) iriRef() (string, error) {
	if !p.eat('<') {
		return "", fmt.Errorf("IRI expected at %d", p.i)
	}
	v := p.until('>')
	if !p.eat('>') {
		return "", fmt.Errorf("IRI not closed")
	}
	if strings.ContainsAny(v, " \"{}|^`\\") {
		return "", fmt.Errorf("bad character in IRI %q", v)
	}
	return v, nil
}

func (p *ttl) name() (string, error) {
	if p.i < len(p.s) && p.s[p.i] == '<' {
		return p.iriRef()
	}
	st := p.i
	for p.i < len(p.s) && !unicode.IsSpace(p.s[p.i]) && !strings.ContainsRune(";,.[]", p.s[p.i]) {
		p.i++
	}
	w := string(p.s[st:p.i])
	if w == "a" {
		return rdfType, nil
	}
	k, local, ok := strings.Cut(w, ":")
	ns, known := p.pfx[k]
	if !ok || !known {
		return "", fmt.Errorf("unknown prefixed name %q at %d", w, st)
	}
	return ns + local, nil
}

func (p *ttl) subject() (string, error) {
	if p.eat('[') {
		p.ws()
		if p.eat(']') {
			p.blank++
			return fmt.Sprintf("_:b%d", p.blank), nil
		}
		return "", fmt.Errorf("blank subject with properties not supported")
	}
	return p.name()
}

func (p *ttl) predicateObjects(subj string) error {
	for {
		p.ws()
		pred, err := p.name()
		if err != nil {
			return err
		}
		for {
			p.ws()
			t, err := p.object()
			if err != nil {
				return err
			}
			t.s, t.p = subj, pred
			p.out = append(p.out, t)
			p.ws()
			if !p.eat(',') {
				break
			}
		}
		p.ws()
		if !p.eat(';') {
			return nil
		}
		p.ws()
		if p.i < len(p.s) && (p.s[p.i] == '.' || p.s[p.i] == ']') {
			return nil
		}
	}
}

func (p *ttl) object() (triple, error) {
	switch {
	case p.eat('['):
		p.blank++
		b := fmt.Sprintf("_:b%d", p.blank)
		if err := p.predicateObjects(b); err != nil {
			return triple{}, err
		}
		p.ws()
		if !p.eat(']') {
			return triple{}, fmt.Errorf("blank node not closed at %d", p.i)
		}
		return triple{o: b}, nil
	case p.eat('"'):
		var b strings.Builder
		for {
			if p.i >= len(p.s) {
				return triple{}, fmt.Errorf("unterminated literal")
			}
			c := p.s[p.i]
			p.i++
			if c == '"' {
				break
			}
			if c == '\n' {
				return triple{}, fmt.Errorf("raw newline in a literal")
			}
			if c == '\\' {
				e := p.s[p.i]
				p.i++
				switch e {
				case 'n':
					b.WriteRune('\n')
				case 't':
					b.WriteRune('\t')
				case 'r':
					b.WriteRune('\r')
				case '"', '\\':
					b.WriteRune(e)
				default:
					return triple{}, fmt.Errorf("bad escape \\%c", e)
				}
				continue
			}
			b.WriteRune(c)
		}
		t := triple{o: b.String()}
		if p.eat('@') {
			st := p.i
			for p.i < len(p.s) && (unicode.IsLetter(p.s[p.i]) || p.s[p.i] == '-') {
				p.i++
			}
			t.lang = string(p.s[st:p.i])
		} else if p.word("^^") {
			dt, err := p.name()
			if err != nil {
				return triple{}, err
			}
			t.dt = dt
		}
		t.o = "\"" + t.o
		return t, nil
	default:
		n, err := p.name()
		return triple{o: n}, err
	}
}

type graph []triple

func (g graph) objects(s, p string) []triple {
	var out []triple
	for _, t := range g {
		if t.s == s && t.p == p {
			out = append(out, t)
		}
	}
	return out
}

func (g graph) subjectsOfType(typ string) []string {
	var out []string
	for _, t := range g {
		if t.p == rdfType && t.o == typ {
			out = append(out, t.s)
		}
	}
	return out
}

// fromJSONLD reads compact JSON-LD as written (an @context of prefixes and an @graph of nodes).
func fromJSONLD(t *testing.T, b []byte) graph {
	var doc struct {
		Context map[string]string `json:"@context"`
		Graph   []map[string]any  `json:"@graph"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("JSON-LD: %v", err)
	}
	expand := func(s string) string {
		if k, l, ok := strings.Cut(s, ":"); ok {
			if ns, ok := doc.Context[k]; ok {
				return ns + l
			}
		}
		return s
	}
	var g graph
	blank := 0
	var node func(n map[string]any) string
	node = func(n map[string]any) string {
		id, _ := n["@id"].(string)
		if id == "" {
			blank++
			id = fmt.Sprintf("_:j%d", blank)
		}
		for k, v := range n {
			switch k {
			case "@id":
			case "@type":
				for _, x := range v.([]any) {
					g = append(g, triple{s: id, p: rdfType, o: expand(x.(string))})
				}
			default:
				for _, x := range v.([]any) {
					m := x.(map[string]any)
					switch {
					case m["@value"] != nil:
						tr := triple{s: id, p: expand(k), o: "\"" + m["@value"].(string)}
						tr.lang, _ = m["@language"].(string)
						if dt, ok := m["@type"].(string); ok {
							tr.dt = expand(dt)
						}
						g = append(g, tr)
					case len(m) == 1 && m["@id"] != nil:
						g = append(g, triple{s: id, p: expand(k), o: m["@id"].(string)})
					default:
						g = append(g, triple{s: id, p: expand(k), o: node(m)})
					}
				}
			}
		}
		return id
	}
	for _, n := range doc.Graph {
		node(n)
	}
	return g
}

// checkMandatory checks DCAT-AP 3's mandatory properties and the recommended ones we promise.
func checkMandatory(t *testing.T, g graph, wantDatasets int, accessRights map[string]string) {
	t.Helper()
	cats := g.subjectsOfType(dcat + "Catalog")
	if len(cats) != 1 {
		t.Fatalf("catalogs: %v", cats)
	}
	for _, p := range []string{dct + "title", dct + "description", dct + "publisher"} {
		if len(g.objects(cats[0], p)) == 0 {
			t.Errorf("catalog lacks %s", p)
		}
	}
	if n := len(g.objects(cats[0], dcat+"dataset")); n != wantDatasets {
		t.Errorf("catalog lists %d datasets, want %d", n, wantDatasets)
	}
	checkDatasets(t, g, wantDatasets, accessRights)
}

func checkDatasets(t *testing.T, g graph, want int, accessRights map[string]string) {
	t.Helper()
	ds := g.subjectsOfType(dcat + "Dataset")
	if len(ds) != want {
		t.Fatalf("datasets: %d, want %d", len(ds), want)
	}
	for _, d := range ds {
		for _, p := range []string{dct + "title", dct + "description", dct + "publisher", dct + "identifier", dct + "modified", dcat + "distribution"} {
			os := g.objects(d, p)
			if len(os) == 0 || os[0].o == "\"" {
				t.Errorf("dataset %s lacks %s", d, p)
			}
		}
		if ar := g.objects(d, dct+"accessRights"); len(ar) != 1 || ar[0].o != accessRights[g.objects(d, dct+"identifier")[0].o[1:]] {
			t.Errorf("dataset %s access rights %v", d, ar)
		}
		if mod := g.objects(d, dct+"modified"); mod[0].dt != "http://www.w3.org/2001/XMLSchema#dateTime" {
			t.Errorf("modified not typed: %+v", mod)
		}
		for _, dist := range g.objects(d, dcat+"distribution") {
			if len(g.objects(dist.o, dcat+"accessURL")) != 1 {
				t.Errorf("distribution %s of %s lacks dcat:accessURL", dist.o, d)
			}
			if len(g.objects(dist.o, dct+"license")) != 1 || len(g.objects(dist.o, dct+"format")) != 1 {
				t.Errorf("distribution %s lacks licence or format", dist.o)
			}
		}
	}
}

func TestDCATMandatoryProperties(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a := e.publish("公交站点 \"线路\"", catalog.OpenUnconditional, "交通")
		b := e.publish("医疗机构名录", catalog.OpenConditional)
		e.publish("户籍人口", catalog.OpenNone)
		rights := map[string]string{
			a.ID: "http://publications.europa.eu/resource/authority/access-right/PUBLIC",
			b.ID: "http://publications.europa.eu/resource/authority/access-right/RESTRICTED",
		}

		code, body, hdr := e.get("/dcat/catalog.ttl")
		if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/turtle") {
			t.Fatalf("catalog.ttl %d %s", code, body)
		}
		g, err := parseTurtle(body)
		if err != nil {
			t.Fatalf("Turtle does not parse: %v\n%s", err, body)
		}
		checkMandatory(t, g, 2, rights)

		code, body, hdr = e.get("/dcat/catalog.jsonld")
		if code != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "application/ld+json") {
			t.Fatalf("catalog.jsonld %d", code)
		}
		checkMandatory(t, fromJSONLD(t, []byte(body)), 2, rights)

		// One dataset, both formats.
		_, body, _ = e.get("/dcat/datasets/" + a.ID + ".ttl")
		g, err = parseTurtle(body)
		if err != nil {
			t.Fatalf("dataset Turtle: %v\n%s", err, body)
		}
		checkDatasets(t, g, 1, rights)
		if titles := graph(g).objects(graph(g).subjectsOfType(dcat + "Dataset")[0], dct+"title"); titles[0].o != "\"公交站点 \"线路\"" || titles[0].lang != "zh" {
			t.Fatalf("title with quotes: %+v", titles)
		}
		_, body, _ = e.get("/dcat/datasets/" + b.ID + ".jsonld")
		checkDatasets(t, fromJSONLD(t, []byte(body)), 1, rights)
		if code, _, _ := e.get("/dcat/datasets/nothing.ttl"); code != 404 {
			t.Fatalf("unknown dataset: %d", code)
		}

		// Hydra paging: page_size 1 gives two pages linked by hydra:next; modified_since filters.
		_, body, _ = e.get("/dcat/catalog.ttl?page_size=1")
		g, _ = parseTurtle(body)
		views := graph(g).subjectsOfType(hydra + "PartialCollectionView")
		if len(views) != 1 || len(graph(g).objects(views[0], hydra+"next")) != 1 || graph(g).objects(views[0], hydra+"totalItems")[0].o != "\"2" {
			t.Fatalf("hydra view: %v", views)
		}
		checkMandatory(t, g, 1, rights)
		next := graph(g).objects(views[0], hydra+"next")[0].o
		_, body, _ = e.get(next[strings.Index(next, "/dcat/"):])
		g, _ = parseTurtle(body)
		views = graph(g).subjectsOfType(hydra + "PartialCollectionView")
		if len(graph(g).objects(views[0], hydra+"next")) != 0 || len(graph(g).objects(views[0], hydra+"previous")) != 1 {
			t.Fatalf("last page links: %s", body)
		}
		_, body, _ = e.get("/dcat/catalog.ttl?modified_since=2030-01-01T00:00:00Z")
		g, _ = parseTurtle(body)
		if len(graph(g).subjectsOfType(dcat+"Dataset")) != 0 {
			t.Fatal("modified_since in the future still lists datasets")
		}
		for _, bad := range []string{"?page_size=5000", "?page=0", "?modified_since=yesterday"} {
			if code, body, _ := e.get("/dcat/catalog.ttl" + bad); code != 400 || !strings.Contains(body, `"code"`) {
				t.Errorf("%s: %d %s", bad, code, body)
			}
		}
	})
}
