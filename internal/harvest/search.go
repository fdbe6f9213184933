package harvest

import (
	"context"
	"slices"
	"sort"
	"strings"
)

// MaxRows is the largest page package_search returns (CKAN's ckan.search.rows_max); more is
// refused with a validation error rather than silently cut, so that a harvester that steps
// start by rows never skips datasets.
const MaxRows = 1000

// facetFields are the fields facet.field may name.
var facetFields = map[string]bool{"organization": true, "tags": true, "res_format": true, "license_id": true,
	"open_type": true, "region": true, "topic": true, "groups": true, "frequency": true, "state": true}

// SearchParams is a parsed package_search.
type SearchParams struct {
	Q, FQ          string
	SortKey        string // one of sortKeys or "score"
	Desc           bool
	SortText       string
	Rows, Start    int
	Facets         []string
	FacetLimit     int
	FacetMinCount  int
	IncludeDeleted bool
}

type searchResult struct {
	count  int
	docs   []*doc
	facets map[string]map[string]int
}

// search runs a query over the index: one pass over the chosen order.
func (s *Service) search(ctx context.Context, sp SearchParams) (*index, searchResult, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, searchResult{}, err
	}
	now := s.Now()
	qe, qState, err := parseQuery(sp.Q, now)
	if err != nil {
		return nil, searchResult{}, err
	}
	fe, fState, err := parseQuery(sp.FQ, now)
	if err != nil {
		return nil, searchResult{}, err
	}
	onlyActive := !sp.IncludeDeleted && !qState && !fState
	var words []string
	collectWords(qe, &words)
	res := searchResult{}
	if len(sp.Facets) > 0 {
		res.facets = map[string]map[string]int{}
		for _, f := range sp.Facets {
			res.facets[f] = map[string]int{}
		}
	}
	key := sp.SortKey
	score := key == "score" && len(words) > 0
	if key == "score" && !score {
		key, sp.Desc = "metadata_modified", true
	}
	order := ix.orders[key]
	if score {
		order = ix.orders["metadata_modified"]
	}
	var scored []scoredDoc
	n := len(order)
	for i := 0; i < n; i++ {
		d := order[i]
		if sp.Desc {
			d = order[n-1-i]
		}
		if onlyActive && d.ds.Deleted {
			continue
		}
		if !qe.match(d) || !fe.match(d) {
			continue
		}
		if score {
			scored = append(scored, scoredDoc{d, scoreOf(d, words)})
		} else if res.count >= sp.Start && len(res.docs) < sp.Rows {
			res.docs = append(res.docs, d)
		}
		res.count++
		if res.facets != nil {
			countFacets(res.facets, d)
		}
	}
	if score {
		// Stable: equal scores keep metadata_modified order (newest first).
		sort.SliceStable(scored, func(i, j int) bool { return scored[i].score > scored[j].score })
		if sp.Start < len(scored) {
			end := min(len(scored), sp.Start+sp.Rows)
			for _, x := range scored[sp.Start:end] {
				res.docs = append(res.docs, x.d)
			}
		}
	}
	return ix, res, nil
}

type scoredDoc struct {
	d     *doc
	score int
}

func collectWords(e expr, out *[]string) {
	switch x := e.(type) {
	case textExpr:
		if x.word != "*" {
			*out = append(*out, x.word)
		}
	case andExpr:
		for _, y := range x {
			collectWords(y, out)
		}
	case orExpr:
		for _, y := range x {
			collectWords(y, out)
		}
	}
}

func scoreOf(d *doc, words []string) int {
	sc := 0
	for _, w := range words {
		if strings.Contains(d.title, w) {
			sc += 4
		}
		if strings.Contains(d.text, w) {
			sc++
		}
	}
	return sc
}

func countFacets(f map[string]map[string]int, d *doc) {
	for name, m := range f {
		switch name {
		case "organization":
			m[d.orgName]++
		case "tags":
			for _, t := range d.ds.Tags {
				m[t]++
			}
		case "res_format":
			for _, x := range d.ds.Distributions {
				m[x.Format]++
			}
		case "license_id":
			m[LicenseID]++
		case "open_type":
			m[d.ds.OpenType]++
		case "region":
			m[d.ds.Region]++
		case "topic", "groups":
			if d.ds.Topic != "" {
				m[d.ds.Topic]++
			}
		case "frequency":
			m[d.ds.Frequency]++
		case "state":
			m[stateOf(&d.ds)]++
		}
	}
}

// facetItem is one value of a facet, ordered by count then value.
type facetItem struct {
	Name  string
	Count int
}

func topItems(m map[string]int, limit, minCount int) []facetItem {
	var out []facetItem
	for k, v := range m {
		if k == "" || v < minCount {
			continue
		}
		out = append(out, facetItem{k, v})
	}
	slices.SortFunc(out, func(a, b facetItem) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Name, b.Name)
	})
	if limit >= 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}
