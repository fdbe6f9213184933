package harvest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"pubdata/internal/errs"
)

// DCAT-AP 3 (the EU application profile of W3C DCAT 3): the catalogue with Hydra paging and
// modified_since, and each dataset, in Turtle and JSON-LD, both written from one small graph so
// they always say the same. Mandatory properties are always present (Catalogue: dct:title,
// dct:description, dct:publisher, dcat:dataset; Dataset: dct:title, dct:description;
// Distribution: dcat:accessURL), and the recommended ones we have: licence, format, media type,
// access rights (无条件开放 → PUBLIC, 有条件开放 → RESTRICTED), publisher, contact point,
// keywords, themes, frequency, issued/modified, identifier.

// prefixes of the vocabularies used, in output order.
var prefixes = [][2]string{
	{"dcat", "http://www.w3.org/ns/dcat#"},
	{"dct", "http://purl.org/dc/terms/"},
	{"foaf", "http://xmlns.com/foaf/0.1/"},
	{"vcard", "http://www.w3.org/2006/vcard/ns#"},
	{"xsd", "http://www.w3.org/2001/XMLSchema#"},
	{"hydra", "http://www.w3.org/ns/hydra/core#"},
	{"adms", "http://www.w3.org/ns/adms#"},
	{"rdfs", "http://www.w3.org/2000/01/rdf-schema#"},
}

// Graph is an RDF graph ready to be written as Turtle (TurtleOf) or JSON-LD (JSONLD).
type Graph = *gnode

// gnode is a resource of the graph: an IRI (or a blank node when IRI is "") with types and
// properties in insertion order.
type gnode struct {
	IRI   string
	Types []string // prefixed names
	Props []gprop
}

type gprop struct {
	Pred string // prefixed name
	Vals []gval
}

// gval is an object: an IRI, a literal (with a language or a datatype) or a nested node.
type gval struct {
	IRI  string
	Lit  string
	Lang string
	DT   string // prefixed datatype
	Node *gnode
}

func (n *gnode) add(pred string, vals ...gval) {
	var keep []gval
	for _, v := range vals {
		if v.IRI != "" || v.Node != nil || v.Lit != "" {
			keep = append(keep, v)
		}
	}
	if len(keep) == 0 {
		return
	}
	for i := range n.Props {
		if n.Props[i].Pred == pred {
			n.Props[i].Vals = append(n.Props[i].Vals, keep...)
			return
		}
	}
	n.Props = append(n.Props, gprop{pred, keep})
}

func iri(s string) gval           { return gval{IRI: s} }
func lit(s string) gval           { return gval{Lit: s} }
func langLit(s, lang string) gval { return gval{Lit: s, Lang: lang} }
func typed(s, dt string) gval     { return gval{Lit: s, DT: dt} }
func nested(n *gnode) gval        { return gval{Node: n} }
func dateTime(ms int64) gval {
	return typed(time.UnixMilli(ms).UTC().Format(time.RFC3339), "xsd:dateTime")
}
func intLit(n int) gval                 { return typed(strconv.Itoa(n), "xsd:integer") }
func datasetIRI(base, id string) string { return base + "/dcat/datasets/" + id }

// frequencies maps update frequencies to the EU frequency vocabulary.
var frequencies = map[string]string{"realtime": "UPDATE_CONT", "daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY",
	"quarterly": "QUARTERLY", "yearly": "ANNUAL", "irregular": "IRREG"}

// fileTypes maps distribution formats to the EU file-type vocabulary.
var fileTypes = map[string]string{"CSV": "CSV", "XLSX": "XLSX", "JSON": "JSON", "PARQUET": "PARQUET", "API": "JSON"}

func publisherNode(base, id, name, nameEN string) *gnode {
	p := &gnode{IRI: base + "/dcat/organizations/" + url.PathEscape(orgSlug(id)), Types: []string{"foaf:Agent"}}
	p.add("foaf:name", langLit(name, "zh"))
	if nameEN != "" {
		p.add("foaf:name", langLit(nameEN, "en"))
	}
	return p
}

// datasetNode is the DCAT description of one dataset.
func datasetNode(base string, d *doc, ix *index) *gnode {
	ds := &d.ds
	n := &gnode{IRI: datasetIRI(base, ds.ID), Types: []string{"dcat:Dataset"}}
	n.add("dct:identifier", lit(ds.ID))
	n.add("dct:title", langLit(ds.Title, "zh"))
	if ds.TitleEN != "" {
		n.add("dct:title", langLit(ds.TitleEN, "en"))
	}
	desc := ds.Summary
	if desc == "" {
		desc = ds.Title // mandatory: never empty
	}
	n.add("dct:description", langLit(desc, "zh"))
	o := ix.orgs[ds.OrgID]
	name, nameEN := o.Name, o.NameEN
	if name == "" {
		name, nameEN = ds.OrgName, ds.OrgNameEN
	}
	if name == "" {
		name = ds.OrgID
	}
	n.add("dct:publisher", nested(publisherNode(base, ds.OrgID, name, nameEN)))
	cp := &gnode{Types: []string{"vcard:Organization"}}
	cp.add("vcard:fn", langLit(name, "zh"))
	cp.add("vcard:hasURL", iri(base+"/api/3/action/organization_show?id="+url.QueryEscape(orgSlug(ds.OrgID))))
	n.add("dcat:contactPoint", nested(cp))
	n.add("dct:accessRights", iri(AccessRights(ds.OpenType)))
	n.add("dct:issued", dateTime(ds.Created))
	n.add("dct:modified", dateTime(ds.Modified))
	n.add("adms:versionNotes", langLit("目录版本 "+strconv.Itoa(ds.Version), "zh"))
	n.add("dcat:version", lit(strconv.Itoa(ds.Version)))
	for _, t := range ds.Tags {
		n.add("dcat:keyword", langLit(t, "zh"))
	}
	if ds.Topic != "" {
		n.add("dcat:theme", iri(base+"/dcat/themes/"+url.PathEscape(ds.Topic)))
	}
	if f, ok := frequencies[ds.Frequency]; ok {
		n.add("dct:accrualPeriodicity", iri("http://publications.europa.eu/resource/authority/frequency/"+f))
	}
	if ds.Region != "" {
		n.add("dct:spatial", iri(base+"/dcat/regions/"+url.PathEscape(ds.Region)))
	}
	n.add("dcat:landingPage", iri(base+"/api/3/action/package_show?id="+url.QueryEscape(ds.Name)))
	if ds.OpenCondition != "" {
		n.add("rdfs:comment", langLit("开放条件："+ds.OpenCondition, "zh"))
	}
	for i := range ds.Distributions {
		x := &ds.Distributions[i]
		dn := &gnode{IRI: base + "/dcat/distributions/" + ResourceID(ds.ID, x.Format), Types: []string{"dcat:Distribution"}}
		dn.add("dct:title", langLit(x.Title, "zh"))
		dn.add("dcat:accessURL", iri(base+x.Path))
		if !x.API {
			dn.add("dcat:downloadURL", iri(base+x.Path))
		}
		if ft, ok := fileTypes[strings.ToUpper(x.Format)]; ok {
			dn.add("dct:format", iri("http://publications.europa.eu/resource/authority/file-type/"+ft))
		}
		if x.MediaType != "" {
			dn.add("dcat:mediaType", iri("https://www.iana.org/assignments/media-types/"+x.MediaType))
		}
		dn.add("dct:license", iri(base+LicensePath))
		dn.add("dct:rights", langLit(LicenseTitle, "zh"))
		dn.add("dct:modified", dateTime(ds.Modified))
		n.add("dcat:distribution", nested(dn))
	}
	return n
}

// DCATPage is a page of the catalogue.
type DCATPage struct {
	Page, PageSize int
	ModifiedSince  int64  // Unix ms; 0 = all
	Path           string // the path asked for (/dcat/catalog.ttl …): Hydra links keep its format
}

// MaxDCATPage bounds a catalogue page.
const MaxDCATPage = 1000

// Catalog builds the catalogue graph of one page of active datasets (oldest change first, so
// that a harvester following next pages with modified_since sees each change once).
func (s *Service) Catalog(ctx context.Context, base string, pg DCATPage) (_ *gnode, _ *gnode, err error) {
	defer errs.Wrap(&err, "harvest: Catalog")
	ix, err := s.index(ctx)
	if err != nil {
		return nil, nil, err
	}
	var all []*doc
	for _, d := range ix.orders["metadata_modified"] {
		if !d.ds.Deleted && d.ds.Modified >= pg.ModifiedSince {
			all = append(all, d)
		}
	}
	cat := &gnode{IRI: base + "/dcat/catalog", Types: []string{"dcat:Catalog"}}
	cat.add("dct:title", langLit(s.Site.Title, "zh"), langLit(s.Site.TitleEN, "en"))
	cat.add("dct:description", langLit(s.Site.Description, "zh"), langLit(s.Site.DescriptionEN, "en"))
	pub := &gnode{IRI: base + "/dcat/publisher", Types: []string{"foaf:Agent"}}
	pub.add("foaf:name", langLit(s.Site.Publisher, "zh"), langLit(s.Site.PublisherEN, "en"))
	cat.add("dct:publisher", nested(pub))
	cat.add("foaf:homepage", iri(base+"/"))
	cat.add("dct:license", iri(base+LicensePath))
	cat.add("dct:language", iri("http://publications.europa.eu/resource/authority/language/ZHO"))
	if len(all) > 0 {
		cat.add("dct:modified", dateTime(all[len(all)-1].ds.Modified))
	}
	start := (pg.Page - 1) * pg.PageSize
	end := min(len(all), start+pg.PageSize)
	var items []*gnode
	if start < len(all) {
		for _, d := range all[start:end] {
			dn := datasetNode(base, d, ix)
			cat.add("dcat:dataset", iri(dn.IRI))
			items = append(items, dn)
		}
	}
	// Hydra paging (hydra:PartialCollectionView), as DCAT-AP harvesters (e.g. ckanext-dcat) follow it.
	last := max(1, (len(all)+pg.PageSize-1)/pg.PageSize)
	link := func(p int) string {
		v := url.Values{"page": {strconv.Itoa(p)}, "page_size": {strconv.Itoa(pg.PageSize)}}
		if pg.ModifiedSince > 0 {
			v.Set("modified_since", time.UnixMilli(pg.ModifiedSince).UTC().Format(time.RFC3339))
		}
		path := pg.Path
		if path == "" {
			path = "/dcat/catalog"
		}
		return base + path + "?" + v.Encode()
	}
	view := &gnode{IRI: link(pg.Page), Types: []string{"hydra:PartialCollectionView"}}
	view.add("hydra:totalItems", intLit(len(all)))
	view.add("hydra:itemsPerPage", intLit(pg.PageSize))
	view.add("hydra:first", iri(link(1)))
	view.add("hydra:last", iri(link(last)))
	if pg.Page > 1 {
		view.add("hydra:previous", iri(link(pg.Page-1)))
	}
	if pg.Page < last {
		view.add("hydra:next", iri(link(pg.Page+1)))
	}
	graph := &gnode{Props: nil}
	graph.add("@graph", nested(cat), nested(view))
	for _, it := range items {
		graph.add("@graph", nested(it))
	}
	return cat, graph, nil
}

// DatasetGraph is one dataset's description (a tombstone answers ErrWithdrawn).
func (s *Service) DatasetGraph(ctx context.Context, base, idOrName string) (_ *gnode, _ *Dataset, err error) {
	defer errs.Wrap(&err, "harvest: DatasetGraph")
	ix, err := s.index(ctx)
	if err != nil {
		return nil, nil, err
	}
	d := ix.lookup(idOrName)
	if d == nil {
		return nil, nil, ErrNotFound
	}
	if d.ds.Deleted {
		return nil, &d.ds, ErrWithdrawn
	}
	g := &gnode{}
	g.add("@graph", nested(datasetNode(base, d, ix)))
	return g, &d.ds, nil
}

// Withdrawn lists the tombstones changed since a time (Unix ms), oldest first.
func (s *Service) Withdrawn(ctx context.Context, base string, since int64) (_ []map[string]any, err error) {
	defer errs.Wrap(&err, "harvest: Withdrawn")
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	out := []map[string]any{}
	for _, d := range ix.orders["metadata_modified"] {
		if d.ds.Deleted && d.ds.WithdrawnAt >= since {
			out = append(out, map[string]any{"id": d.ds.ID, "name": d.ds.Name, "title": d.ds.Title, "uri": datasetIRI(base, d.ds.ID),
				"withdrawn_at": time.UnixMilli(d.ds.WithdrawnAt).UTC().Format(time.RFC3339), "reason": d.ds.WithdrawnReason})
		}
	}
	return out, nil
}

// ---- Turtle ----

// Turtle writes a graph (a node whose @graph property lists the top-level nodes) as Turtle.
func Turtle(g *gnode) string {
	var b strings.Builder
	for _, p := range prefixes {
		fmt.Fprintf(&b, "@prefix %s: <%s> .\n", p[0], p[1])
	}
	for _, pr := range g.Props {
		for _, v := range pr.Vals {
			b.WriteByte('\n')
			writeSubject(&b, v.Node)
		}
	}
	return b.String()
}

func writeSubject(b *strings.Builder, n *gnode) {
	if n.IRI != "" {
		b.WriteString(ttlIRI(n.IRI))
	} else {
		b.WriteString("[]")
	}
	writeBody(b, n, "    ")
	b.WriteString(" .\n")
}

func writeBody(b *strings.Builder, n *gnode, indent string) {
	first := true
	sep := func() {
		if first {
			b.WriteString(" ")
			first = false
			return
		}
		b.WriteString(" ;\n" + indent)
	}
	if len(n.Types) > 0 {
		sep()
		b.WriteString("a " + strings.Join(n.Types, ", "))
	}
	for _, p := range n.Props {
		sep()
		b.WriteString(p.Pred + " ")
		for i, v := range p.Vals {
			if i > 0 {
				b.WriteString(", ")
			}
			writeObject(b, v, indent+"    ")
		}
	}
}

func writeObject(b *strings.Builder, v gval, indent string) {
	switch {
	case v.Node != nil:
		if v.Node.IRI != "" && len(v.Node.Props) == 0 && len(v.Node.Types) == 0 {
			b.WriteString(ttlIRI(v.Node.IRI))
			return
		}
		b.WriteString("[")
		writeBody(b, v.Node, indent)
		b.WriteString(" ]")
	case v.IRI != "":
		b.WriteString(ttlIRI(v.IRI))
	default:
		b.WriteString(ttlString(v.Lit))
		if v.Lang != "" {
			b.WriteString("@" + v.Lang)
		} else if v.DT != "" {
			b.WriteString("^^" + v.DT)
		}
	}
}

func ttlIRI(s string) string {
	var b strings.Builder
	b.WriteByte('<')
	for _, r := range s {
		switch {
		case r <= 0x20 || strings.ContainsRune("<>\"{}|^`\\", r):
			fmt.Fprintf(&b, "%%%02X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('>')
	return b.String()
}

func ttlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(&b, `\u%04X`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// flatten moves nested nodes that have an IRI to the top level (Turtle cannot nest a named node),
// leaving a reference in their place; blank nodes stay nested.
func flatten(g *gnode) *gnode {
	out := &gnode{}
	seen := map[string]bool{}
	var walk func(n *gnode) *gnode
	walk = func(n *gnode) *gnode {
		c := &gnode{IRI: n.IRI, Types: n.Types}
		for _, p := range n.Props {
			np := gprop{Pred: p.Pred}
			for _, v := range p.Vals {
				if v.Node != nil {
					inner := walk(v.Node)
					if v.Node.IRI != "" {
						if !seen[v.Node.IRI] {
							seen[v.Node.IRI] = true
							out.add("@graph", nested(inner))
						}
						np.Vals = append(np.Vals, iri(v.Node.IRI))
						continue
					}
					np.Vals = append(np.Vals, nested(inner))
					continue
				}
				np.Vals = append(np.Vals, v)
			}
			c.Props = append(c.Props, np)
		}
		return c
	}
	var top []*gnode
	for _, p := range g.Props {
		for _, v := range p.Vals {
			seen[v.Node.IRI] = v.Node.IRI != ""
			top = append(top, walk(v.Node))
		}
	}
	res := &gnode{}
	for _, t := range top {
		res.add("@graph", nested(t))
	}
	for _, p := range out.Props {
		res.add("@graph", p.Vals...)
	}
	return res
}

// TurtleOf writes a graph as Turtle.
func TurtleOf(g *gnode) string { return Turtle(flatten(g)) }

// ---- JSON-LD ----

// JSONLD writes a graph as compact JSON-LD with the prefixes in the context.
func JSONLD(g *gnode) ([]byte, error) {
	ctx := map[string]any{}
	for _, p := range prefixes {
		ctx[p[0]] = p[1]
	}
	var graph []any
	for _, p := range g.Props {
		for _, v := range p.Vals {
			graph = append(graph, ldNode(v.Node))
		}
	}
	return json.MarshalIndent(map[string]any{"@context": ctx, "@graph": graph}, "", "  ")
}

func ldNode(n *gnode) map[string]any {
	m := map[string]any{}
	if n.IRI != "" {
		m["@id"] = n.IRI
	}
	if len(n.Types) > 0 {
		t := append([]string(nil), n.Types...)
		sort.Strings(t)
		m["@type"] = t
	}
	for _, p := range n.Props {
		var vals []any
		for _, v := range p.Vals {
			switch {
			case v.Node != nil:
				vals = append(vals, ldNode(v.Node))
			case v.IRI != "":
				vals = append(vals, map[string]any{"@id": v.IRI})
			case v.Lang != "":
				vals = append(vals, map[string]any{"@value": v.Lit, "@language": v.Lang})
			case v.DT != "":
				vals = append(vals, map[string]any{"@value": v.Lit, "@type": v.DT})
			default:
				vals = append(vals, map[string]any{"@value": v.Lit})
			}
		}
		m[p.Pred] = vals
	}
	return m
}
