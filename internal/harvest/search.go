package harvest

import (
	"context"
	"slices"
	"sort"
	"strconv"
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
	qe, fe = bind(qe, &s.dict), bind(fe, &s.dict)
	onlyActive := !sp.IncludeDeleted && !qState && !fState
	ckey := ""
	if !strings.Contains(strings.ToUpper(sp.Q+sp.FQ), "NOW") { // NOW-relative ranges move with the clock
		ckey = cacheKey(sp)
		if c := ix.cached(ckey); c != nil {
			return ix, c.page(ix, sp), nil
		}
	}
	var words []string
	collectWords(qe, &words)
	res := searchResult{}
	var fc *facetCounter
	if len(sp.Facets) > 0 {
		fc = newFacetCounter(sp.Facets, &s.dict)
	}
	key := sp.SortKey
	score := key == "score" && len(words) > 0
	if key == "score" && !score {
		key, sp.Desc = "metadata_modified", true
	}
	if score {
		key = "metadata_modified" // ranked; equal scores newest first
	}
	order := ix.orders[key]
	var scored []scoredDoc
	var hits []int32 // positions in order of every match, in answer order (for the cache)
	n := len(order)
	if !score && matchesAll(qe) && matchesAll(fe) {
		// Every (active) dataset in the order: the positions are kept on the index, so the
		// first call of a plain listing or a full harvest costs a page, not a pass.
		hits = ix.allHits(key, sp.Desc, onlyActive)
		res.count = len(hits)
		if sp.Start < len(hits) {
			for _, j := range hits[sp.Start:min(len(hits), sp.Start+sp.Rows)] {
				res.docs = append(res.docs, order[j])
			}
		}
		if fc != nil {
			for _, j := range hits {
				fc.count(order[j])
			}
			res.facets = fc.result(&s.dict)
		}
		if ckey != "" {
			ix.store(ckey, &cachedSearch{order: key, count: res.count, hits: hits, facets: res.facets})
		}
		return ix, res, nil
	}
	if ckey != "" && !score {
		hits = make([]int32, 0, n)
	}
	for i := 0; i < n; i++ {
		j := i
		if sp.Desc {
			j = n - 1 - i
		}
		d := order[j]
		if onlyActive && d.deleted {
			continue
		}
		if !qe.match(d) || !fe.match(d) {
			continue
		}
		if score {
			scored = append(scored, scoredDoc{d, scoreOf(d, words), int32(j)})
		} else {
			if res.count >= sp.Start && len(res.docs) < sp.Rows {
				res.docs = append(res.docs, d)
			}
			if ckey != "" {
				hits = append(hits, int32(j))
			}
		}
		res.count++
		if fc != nil {
			fc.count(d)
		}
	}
	if fc != nil {
		res.facets = fc.result(&s.dict)
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
		if ckey != "" {
			hits = make([]int32, len(scored))
			for i, x := range scored {
				hits[i] = x.pos
			}
		}
	}
	if ckey != "" {
		ix.store(ckey, &cachedSearch{order: key, count: res.count, hits: hits, facets: res.facets})
	}
	return ix, res, nil
}

// The query cache (per index version): a query's matches, in answer order, and its facet
// counts, kept on the immutable index they were computed from — so a harvester paging through
// one fq (start = 0, 100, 200, …) and repeated searches cost the page, not a pass over every
// dataset; any change to the catalog builds a new index, with an empty cache. Bounded: at most
// queryCacheSize queries (the cache is cleared when full), each at most one int32 per dataset.
const queryCacheSize = 64

type cachedSearch struct {
	order  string  // the index order hits point into
	count  int     // matches
	hits   []int32 // positions in the order, in answer order
	facets map[string]map[string]int
}

func cacheKey(sp SearchParams) string {
	return strings.Join([]string{sp.Q, sp.FQ, sp.SortKey, strconv.FormatBool(sp.Desc), strconv.FormatBool(sp.IncludeDeleted),
		strings.Join(sp.Facets, "\x00")}, "\x01")
}

func (ix *index) cached(k string) *cachedSearch {
	ix.qmu.Lock()
	defer ix.qmu.Unlock()
	return ix.qcache[k]
}

func (ix *index) store(k string, c *cachedSearch) {
	ix.qmu.Lock()
	defer ix.qmu.Unlock()
	if ix.qcache == nil || len(ix.qcache) >= queryCacheSize {
		ix.qcache = map[string]*cachedSearch{}
	}
	ix.qcache[k] = c
}

// page cuts a page out of a cached query (the facet counts are shared, read only).
func (c *cachedSearch) page(ix *index, sp SearchParams) searchResult {
	res := searchResult{count: c.count, facets: c.facets}
	order := ix.orders[c.order]
	if sp.Start < len(c.hits) {
		for _, j := range c.hits[sp.Start:min(len(c.hits), sp.Start+sp.Rows)] {
			res.docs = append(res.docs, order[j])
		}
	}
	return res
}

// matchesAll tells whether an expression matches every dataset (no query, *:*, or only such
// terms side by side).
func matchesAll(e expr) bool {
	switch x := e.(type) {
	case allExpr:
		return true
	case textExpr:
		return x.word == "*"
	case andExpr:
		for _, y := range x {
			if !matchesAll(y) {
				return false
			}
		}
		return true
	}
	return false
}

// allHits are the positions in an order of every dataset (onlyActive: every dataset not
// withdrawn), in answer order; computed once per index version and shared read-only.
func (ix *index) allHits(key string, desc, onlyActive bool) []int32 {
	k := key + "\x00" + strconv.FormatBool(desc) + strconv.FormatBool(onlyActive)
	ix.qmu.Lock()
	defer ix.qmu.Unlock()
	if h, ok := ix.all[k]; ok {
		return h
	}
	order := ix.orders[key]
	n := len(order)
	h := make([]int32, 0, n)
	for i := 0; i < n; i++ {
		j := i
		if desc {
			j = n - 1 - i
		}
		if onlyActive && order[j].deleted {
			continue
		}
		h = append(h, int32(j))
	}
	if ix.all == nil {
		ix.all = map[string][]int32{}
	}
	ix.all[k] = h
	return h
}

type scoredDoc struct {
	d     *doc
	score int
	pos   int32
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

// facetCounter counts facet values by interned number.
type facetCounter struct {
	names  []string
	counts [][]int // per facet: per value number
	dims   []int   // -1: license_id, -2: state
	lic    int
	state  [2]int
}

func newFacetCounter(names []string, in *interners) *facetCounter {
	fc := &facetCounter{names: names}
	for _, n := range names {
		dim, ok := fieldDims[n]
		switch {
		case ok:
			fc.dims = append(fc.dims, dim)
			fc.counts = append(fc.counts, make([]int, in[dim].size()+16))
		case n == "license_id":
			fc.dims = append(fc.dims, -1)
			fc.counts = append(fc.counts, nil)
		default:
			fc.dims = append(fc.dims, -2)
			fc.counts = append(fc.counts, nil)
		}
	}
	return fc
}

func (fc *facetCounter) inc(i int, id uint32) {
	c := fc.counts[i]
	if int(id) >= len(c) {
		c = append(c, make([]int, int(id)+16-len(c))...)
		fc.counts[i] = c
	}
	c[id]++
}

func (fc *facetCounter) count(d *doc) {
	for i, dim := range fc.dims {
		switch dim {
		case -1:
			fc.lic++
		case -2:
			if d.deleted {
				fc.state[1]++
			} else {
				fc.state[0]++
			}
		case dimOrg:
			fc.inc(i, d.org)
		case dimOpen:
			fc.inc(i, d.open)
		case dimRegion:
			fc.inc(i, d.region)
		case dimTopic:
			fc.inc(i, d.topic)
		case dimFreq:
			fc.inc(i, d.freq)
		case dimTag:
			for _, t := range d.tagIDs {
				fc.inc(i, t)
			}
		case dimFmt:
			for m, f := d.fmtMask, uint32(0); m != 0; m, f = m>>1, f+1 {
				if m&1 != 0 {
					fc.inc(i, f)
				}
			}
		}
	}
}

func (fc *facetCounter) result(in *interners) map[string]map[string]int {
	out := map[string]map[string]int{}
	for i, name := range fc.names {
		m := map[string]int{}
		switch dim := fc.dims[i]; dim {
		case -1:
			if fc.lic > 0 {
				m[LicenseID] = fc.lic
			}
		case -2:
			if fc.state[0] > 0 {
				m["active"] = fc.state[0]
			}
			if fc.state[1] > 0 {
				m["deleted"] = fc.state[1]
			}
		default:
			for id, c := range fc.counts[i] {
				if c > 0 {
					m[in[dim].value(uint32(id))] += c
				}
			}
		}
		out[name] = m
	}
	return out
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
