package catalog

import (
	"container/heap"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/vocab"
)

// Search (CAT-11) runs on an in-memory inverted index kept by each node and brought up to date
// from the database before every query: every catalog write stamps its entry with the next value
// of catalog_seq inside its transaction, so a node reads "SELECT seq FROM catalog_seq" (one
// primary-key lookup) and, when it moved, loads only the entries with a higher seq. The index
// holds Han unigrams and bigrams and lower-cased words, with a weight per token telling where it
// occurs (name, code, tag, field, summary, agency) — so 1- and 2-character Chinese queries work,
// ranking puts name matches first, and count and facets over 100,000 entries cost one pass over
// the matching postings. It behaves the same on SQLite and PostgreSQL because the database is
// only its source. See bench/catalog for the measurements behind this choice.

// Token weights: a token's weight in a document is the sum of the places it occurs; a name
// match outweighs every other place together.
const (
	wName    = 64
	wCode    = 32
	wTag     = 16
	wField   = 8
	wSummary = 4
	wOrg     = 2
)

// Facet dimensions.
const (
	dimAgency = iota
	dimAttr
	dimTopic
	dimGrade
	dimShare
	dimOpen
	dimFreq
	dimRegion
	dimForm
	nDims
)

// FacetNames are the facet keys of a search result, in display order.
var FacetNames = [nDims]string{"agency", "resource_attr", "topic", "grade", "share_type", "open_type", "update_frequency", "region", "data_form"}

// SearchQuery is a search: free text plus facet filters (all optional).
type SearchQuery struct {
	Q      string `json:"q"`
	Agency string `json:"agency,omitempty"` // provider org id
	Attr   string `json:"resource_attr,omitempty"`
	Topic  string `json:"topic,omitempty"`
	Grade  string `json:"grade,omitempty"`
	Share  string `json:"share_type,omitempty"`
	Open   string `json:"open_type,omitempty"`
	Freq   string `json:"update_frequency,omitempty"`
	Region string `json:"region,omitempty"` // region code; covers its cities and counties
	Form   string `json:"data_form,omitempty"`
	// OpenOnly limits the search to the open catalog (开放目录, OPN-1): published versions whose
	// open type is unconditional or conditional.
	OpenOnly bool   `json:"open_only,omitempty"`
	Status   string `json:"status,omitempty"`
	Page     int    `json:"page"`
	PageSize int    `json:"page_size"`
}

// Hit is one search result.
type Hit struct {
	ID            string    `json:"id"`
	Code          string    `json:"code"`
	Name          string    `json:"name"`
	NameEN        string    `json:"name_en,omitempty"`
	Summary       string    `json:"summary"`
	ProviderOrgID string    `json:"provider_org_id"`
	ProviderName  string    `json:"provider_name"`
	RegionCode    string    `json:"region_code"`
	ResourceAttr  string    `json:"resource_attr"`
	Topic         string    `json:"topic,omitempty"`
	Grade         Grade     `json:"grade"`
	Level         int       `json:"level"`
	ShareType     ShareType `json:"share_type"`
	OpenType      OpenType  `json:"open_type"`
	Frequency     Frequency `json:"update_frequency"`
	Form          DataForm  `json:"data_form"`
	Tags          []string  `json:"tags,omitempty"`
	Status        Status    `json:"status"`
	Version       int       `json:"version"`
	Fields        int       `json:"field_count"`
	UpdatedAt     db.Stamp  `json:"updated_at"`
	Score         int       `json:"score"`
	Working       bool      `json:"working_copy"` // the hit shows an unpublished working copy
}

// FacetCount is one value of a facet with the number of matching entries.
type FacetCount struct {
	Value  string `json:"value"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
	Count  int    `json:"count"`
}

// SearchResult is a page of hits with the total and the facets of all matches.
type SearchResult struct {
	Query    string                  `json:"q"`
	Total    int                     `json:"total"`
	Page     int                     `json:"page"`
	PageSize int                     `json:"page_size"`
	Hits     []Hit                   `json:"items"`
	Facets   map[string][]FacetCount `json:"facets"`
}

// doc is what a hit shows; meta is what the scan over matches reads, kept compact and apart so
// that counting and ranking 100,000 matches stays within the CPU cache.
type doc struct {
	hit Hit
}

type meta struct {
	facet   [nDims]uint32
	code    uint64 // first 8 bytes of the code, for catalog order
	nameLen uint16
	status  uint8
	public  bool // a published version, readable by everyone
	shadow  bool // public doc of an entry that also has a working doc
	alive   bool
}

var statuses = []Status{StatusDraft, StatusSubmitted, StatusPublished, StatusReturned, StatusWithdrawn, StatusWithdrawing}

func statusID(st Status) uint8 {
	if i := slices.Index(statuses, st); i >= 0 {
		return uint8(i)
	}
	return 255
}

func codeKey(c string) uint64 {
	var k uint64
	for i := 0; i < 8; i++ {
		k <<= 8
		if i < len(c) {
			k |= uint64(c[i])
		}
	}
	return k
}

type index struct {
	mu      sync.RWMutex
	syncMu  sync.Mutex
	seq     int64
	built   bool
	docs    []doc
	meta    []meta
	byEntry map[string][]int32
	post    map[string][]uint32 // token → doc<<7 | weight, ascending doc
	vals    [nDims][]string
	valID   [nDims]map[string]uint32
	dead    int
	vocab   []string // sorted non-Han tokens, for prefix matching
	vocabOK bool
	scratch map[string]uint32
}

func newIndex() *index {
	ix := &index{byEntry: map[string][]int32{}, post: map[string][]uint32{}}
	for d := range ix.valID {
		ix.valID[d] = map[string]uint32{}
	}
	return ix
}

func (ix *index) intern(dim int, v string) uint32 {
	if id, ok := ix.valID[dim][v]; ok {
		return id
	}
	id := uint32(len(ix.vals[dim]))
	ix.vals[dim] = append(ix.vals[dim], v)
	ix.valID[dim][v] = id
	return id
}

// add indexes one document (a published version or a working copy of an entry).
func (ix *index) add(e *Entry, public, shadow bool, providerName string) {
	id := int32(len(ix.docs))
	summary := e.Summary
	if utf8.RuneCountInString(summary) > 140 {
		summary = string([]rune(summary)[:140]) + "…"
	}
	m := meta{public: public, shadow: shadow, alive: true, nameLen: uint16(min(utf8.RuneCountInString(e.Name), 65535)),
		code: codeKey(e.Code), status: statusID(e.Status)}
	d := doc{hit: Hit{ID: e.ID, Code: e.Code, Name: e.Name, NameEN: e.NameEN, Summary: summary, ProviderOrgID: e.ProviderOrgID, ProviderName: providerName,
		RegionCode: e.RegionCode, ResourceAttr: e.ResourceAttr, Topic: e.Topic, Grade: e.Grade, Level: e.Level, ShareType: e.ShareType,
		OpenType: e.OpenType, Frequency: e.Frequency, Form: e.Form, Tags: e.Tags, Status: e.Status, Version: e.Version, Fields: len(e.Fields),
		UpdatedAt: e.UpdatedAt, Working: !public}}
	for dim, v := range [nDims]string{e.ProviderOrgID, e.ResourceAttr, e.Topic, string(e.Grade), string(e.ShareType), string(e.OpenType), string(e.Frequency), e.RegionCode, string(e.Form)} {
		m.facet[dim] = ix.intern(dim, v)
	}
	ix.docs = append(ix.docs, d)
	ix.meta = append(ix.meta, m)
	ix.byEntry[e.ID] = append(ix.byEntry[e.ID], id)
	if ix.scratch == nil {
		ix.scratch = map[string]uint32{}
	}
	w := ix.scratch
	clear(w)
	put := func(weight uint32) func(string) {
		return func(t string) { w[t] |= weight }
	}
	Tokens(e.Name, put(wName))
	Tokens(e.NameEN, put(wName))
	Tokens(e.Code, put(wCode))
	for _, t := range e.Tags {
		Tokens(t, put(wTag))
	}
	for _, f := range e.Fields {
		Tokens(f.Label, put(wField))
		Tokens(f.LabelEN, put(wField))
		Tokens(strings.ReplaceAll(f.Name, "_", " "), put(wField))
	}
	Tokens(e.Summary, put(wSummary))
	Tokens(providerName, put(wOrg))
	for t, weight := range w {
		list, ok := ix.post[t]
		if !ok {
			t = strings.Clone(t) // the key must not pin the entry's text
			if r, _ := utf8.DecodeRuneInString(t); !isHan(r) {
				ix.vocabOK = false
			}
		}
		ix.post[t] = append(list, uint32(id)<<7|weight)
	}
}

// remove marks an entry's documents dead (postings are skipped until the next rebuild).
func (ix *index) remove(entryID string) {
	for _, id := range ix.byEntry[entryID] {
		if ix.meta[id].alive {
			ix.meta[id].alive = false
			ix.dead++
		}
	}
	delete(ix.byEntry, entryID)
}

// searchIndex returns this node's index, brought up to date with the database.
func (s *Service) searchIndex(ctx context.Context) (*index, error) {
	s.idxOnce.Do(func() { s.idx = newIndex() })
	ix := s.idx
	var cur int64
	if err := s.DB.QueryRowContext(ctx, "SELECT seq FROM catalog_seq WHERE id = 1").Scan(&cur); err != nil {
		return nil, err
	}
	ix.mu.RLock()
	fresh := ix.built && ix.seq >= cur
	ix.mu.RUnlock()
	if fresh {
		return ix, nil
	}
	ix.syncMu.Lock()
	defer ix.syncMu.Unlock()
	ix.mu.RLock()
	since, rebuild := ix.seq, !ix.built || (ix.dead > 1000 && ix.dead > len(ix.docs)/2)
	ix.mu.RUnlock()
	if rebuild {
		since = 0
	}
	if !rebuild && since >= cur {
		return ix, nil
	}
	changes, maxSeq, err := s.loadChanges(ctx, since)
	if err != nil {
		return nil, err
	}
	target := ix
	if rebuild {
		target = newIndex()
	}
	apply := func() {
		for _, c := range changes {
			target.remove(c.working.ID)
			name := s.orgName(ctx, c.working.ProviderOrgID)
			switch {
			case c.published != nil:
				target.add(c.published, true, true, name)
				target.add(&c.working, false, false, name)
			case c.live:
				target.add(&c.working, true, false, name)
			default:
				target.add(&c.working, false, false, name)
			}
		}
		if maxSeq > target.seq {
			target.seq = maxSeq
		}
		target.built = true
	}
	if rebuild {
		apply()
		ix.mu.Lock()
		ix.seq, ix.built, ix.docs, ix.meta, ix.byEntry, ix.post, ix.vals, ix.valID = target.seq, true, target.docs, target.meta, target.byEntry, target.post, target.vals, target.valID
		ix.dead, ix.vocab, ix.vocabOK = 0, nil, false
		ix.mu.Unlock()
		return ix, nil
	}
	ix.mu.Lock()
	apply()
	ix.mu.Unlock()
	return ix, nil
}

type change struct {
	working   Entry
	published *Entry // the published version, when a revision is in the workflow
	live      bool
}

// loadChanges reads every entry changed after seq, in one statement (one snapshot).
func (s *Service) loadChanges(ctx context.Context, since int64) ([]change, int64, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT e.id, e.status, e.version, e.live, e.data, e.seq, e.updated_at, e.published_at, COALESCE(v.data, '')
		FROM catalog_entries e LEFT JOIN catalog_versions v ON v.entry_id = e.id AND v.version = e.version AND e.live = 1 AND e.status <> 'published'
		WHERE e.seq > $1 ORDER BY e.seq`, since)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []change
	var maxSeq int64
	for rows.Next() {
		var c change
		var id, status, data, pub string
		var version, live int
		var seq, upd, pubAt int64
		if err := rows.Scan(&id, &status, &version, &live, &data, &seq, &upd, &pubAt, &pub); err != nil {
			return nil, 0, err
		}
		if err := json.Unmarshal([]byte(data), &c.working); err != nil {
			return nil, 0, err
		}
		c.working.ID, c.working.Status, c.working.Version, c.working.UpdatedAt, c.working.PublishedAt = id, Status(status), version, db.Stamp(upd), db.Stamp(pubAt)
		c.live = live != 0
		if pub != "" {
			var p Entry
			if err := json.Unmarshal([]byte(pub), &p); err == nil {
				p.ID = id
				c.published = &p
			}
		}
		out = append(out, c)
		maxSeq = max(maxSeq, seq)
	}
	return out, maxSeq, rows.Err()
}

// isHan tells whether r is a Chinese character (CJK unified ideographs and extensions,
// compatibility ideographs, 〇) — not CJK punctuation such as 。、《》.
func isHan(r rune) bool {
	return (r >= 0x4E00 && r <= 0x9FFF) || (r >= 0x3400 && r <= 0x4DBF) || (r >= 0xF900 && r <= 0xFAFF) || (r >= 0x20000 && r <= 0x3FFFF) || r == 0x3007
}

// viewer is what a principal may see, precomputed from the same predicates as
// authz.CatalogEntry(Read): everybody reads published versions; working copies are read by the
// provider agency, by authority staff of a covering region, and by auditors and oversight.
type viewer struct {
	org        string
	all        bool
	authRegion string
}

func viewerOf(p *authz.Principal) viewer {
	v := viewer{all: p.Has(authz.Auditor, authz.Oversight)}
	if p.Authenticated() && p.OrgID != "" && p.OrgKind.IsDataHolder() {
		v.org = p.OrgID
	}
	if p.IsAuthority() {
		v.authRegion = p.RegionCode
	}
	return v
}

// vis is a viewer compiled against the index's interned values.
type vis struct {
	all     bool
	org     int64  // interned provider id of the viewer's agency, or -1
	regions []bool // per interned region: covered by the viewer's authority
}

func (ix *index) compile(v viewer) vis {
	c := vis{all: v.all, org: -1}
	if id, ok := ix.valID[dimAgency][v.org]; ok && v.org != "" {
		c.org = int64(id)
	}
	if v.authRegion != "" {
		c.regions = make([]bool, len(ix.vals[dimRegion]))
		for i, r := range ix.vals[dimRegion] {
			c.regions[i] = authz.RegionCovers(v.authRegion, r)
		}
	}
	return c
}

func (c *vis) working(m *meta) bool {
	return c.all || int64(m.facet[dimAgency]) == c.org || (c.regions != nil && c.regions[m.facet[dimRegion]])
}

func (c *vis) sees(m *meta) bool {
	if m.public {
		return !(m.shadow && c.working(m))
	}
	return c.working(m)
}

type scored struct {
	id    int32
	score int
}

// topK keeps the best k hits; the heap's root is the worst kept.
type topK struct {
	ix     *index
	h      []scored
	k      int
	browse bool // no query: catalog order (by code)
}

func (t *topK) better(a, b scored) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	da, db := &t.ix.meta[a.id], &t.ix.meta[b.id]
	if !t.browse && da.nameLen != db.nameLen {
		return da.nameLen < db.nameLen
	}
	if da.code != db.code {
		return da.code < db.code
	}
	return a.id < b.id
}
func (t *topK) Len() int           { return len(t.h) }
func (t *topK) Less(i, j int) bool { return t.better(t.h[j], t.h[i]) }
func (t *topK) Swap(i, j int)      { t.h[i], t.h[j] = t.h[j], t.h[i] }
func (t *topK) Push(x any)         { t.h = append(t.h, x.(scored)) }
func (t *topK) Pop() any           { x := t.h[len(t.h)-1]; t.h = t.h[:len(t.h)-1]; return x }
func (t *topK) offer(s scored) {
	if len(t.h) < t.k {
		heap.Push(t, s)
	} else if t.k > 0 && t.better(s, t.h[0]) {
		t.h[0] = s
		heap.Fix(t, 0)
	}
}

// postings returns the postings of a term (a prefix term merges every matching word).
func (ix *index) postings(t queryTerm) []uint32 {
	if !t.prefix {
		return ix.post[t.tok]
	}
	i := sort.SearchStrings(ix.vocab, t.tok)
	var lists [][]uint32
	for ; i < len(ix.vocab) && strings.HasPrefix(ix.vocab[i], t.tok); i++ {
		lists = append(lists, ix.post[ix.vocab[i]])
	}
	switch len(lists) {
	case 0:
		return nil
	case 1:
		return lists[0]
	}
	best := map[uint32]uint32{}
	for _, l := range lists {
		for _, p := range l {
			best[p>>7] |= p & 127
		}
	}
	out := make([]uint32, 0, len(best))
	for d, w := range best {
		out = append(out, d<<7|w)
	}
	slices.Sort(out)
	return out
}

// ensureVocab rebuilds the sorted word list after new words were indexed (caller holds mu).
func (ix *index) ensureVocab() {
	if !ix.vocabOK {
		ix.vocab = ix.vocab[:0]
		for tok := range ix.post {
			if r, _ := utf8.DecodeRuneInString(tok); !isHan(r) {
				ix.vocab = append(ix.vocab, tok)
			}
		}
		sort.Strings(ix.vocab)
		ix.vocabOK = true
	}
}

// seek advances l[*pos:] to the first posting of a document ≥ doc (galloping search).
func seek(l []uint32, pos *int, doc uint32) (uint32, bool) {
	i, step := *pos, 1
	for i+step < len(l) && l[i+step]>>7 < doc {
		i += step
		step *= 2
	}
	hi := min(i+step+1, len(l))
	j := i + sort.Search(hi-i, func(k int) bool { return l[i+k]>>7 >= doc })
	*pos = j
	if j < len(l) && l[j]>>7 == doc {
		return l[j] & 127, true
	}
	return 0, false
}

// Search finds entries by free text and facets, visible to p (CAT-11).
func (s *Service) Search(ctx context.Context, p *authz.Principal, q SearchQuery) (_ SearchResult, err error) {
	defer errs.Wrap(&err, "catalog: Search")
	if q.Page < 1 {
		q.Page = 1
	}
	if q.PageSize < 1 {
		q.PageSize = 20
	}
	if q.PageSize > 500 || q.Page > 10000 {
		return SearchResult{}, apperr.BadRequest.With(apperr.Field("page_size", "每页最多 500 条", "page_size is at most 500"))
	}
	ix, err := s.searchIndex(ctx)
	if err != nil {
		return SearchResult{}, err
	}
	res := SearchResult{Query: q.Q, Page: q.Page, PageSize: q.PageSize, Facets: map[string][]FacetCount{}}
	v := viewerOf(p)
	terms := parseQuery(q.Q)

	for _, t := range terms {
		if t.prefix {
			ix.mu.Lock()
			ix.ensureVocab()
			ix.mu.Unlock()
			break
		}
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var filter [nDims]int64
	for i := range filter {
		filter[i] = -1
	}
	for dim, val := range map[int]string{dimAgency: q.Agency, dimAttr: q.Attr, dimTopic: q.Topic, dimGrade: q.Grade, dimShare: q.Share, dimOpen: q.Open, dimFreq: q.Freq, dimForm: q.Form} {
		if val == "" {
			continue
		}
		id, ok := ix.valID[dim][val]
		if !ok {
			return res, nil
		}
		filter[dim] = int64(id)
	}
	var counts [nDims][]int
	for i := range counts {
		counts[i] = make([]int, len(ix.vals[i]))
	}
	top := &topK{ix: ix, k: q.Page * q.PageSize, browse: len(terms) == 0}
	vc := ix.compile(v)
	var regionOK []bool
	if q.Region != "" {
		regionOK = make([]bool, len(ix.vals[dimRegion]))
		for i, r := range ix.vals[dimRegion] {
			regionOK[i] = authz.RegionCovers(q.Region, r)
		}
	}
	wantStatus := uint8(254)
	if q.Status != "" {
		wantStatus = statusID(Status(q.Status))
	}
	qLen := uint16(utf8.RuneCountInString(q.Q))
	published := statusID(StatusPublished)
	noneOpen := uint32(1 << 31)
	if id, ok := ix.valID[dimOpen][string(OpenNone)]; ok {
		noneOpen = id
	}
	consider := func(id uint32, score int) {
		m := &ix.meta[id]
		if !m.alive || !vc.sees(m) {
			return
		}
		if q.OpenOnly && (!m.public || m.status != published || m.facet[dimOpen] == noneOpen) {
			return
		}
		for dim, f := range filter {
			if f >= 0 && m.facet[dim] != uint32(f) {
				return
			}
		}
		if regionOK != nil && !regionOK[m.facet[dimRegion]] {
			return
		}
		if wantStatus != 254 && m.status != wantStatus {
			return
		}
		if score > 0 && m.nameLen == qLen && ix.docs[id].hit.Name == q.Q {
			score += 1 << 10 // the exact name first
		}
		res.Total++
		for dim := range counts {
			counts[dim][m.facet[dim]]++
		}
		top.offer(scored{id: int32(id), score: score})
	}
	if len(terms) == 0 {
		for id := range ix.meta {
			consider(uint32(id), 0)
		}
	} else {
		lists := make([][]uint32, len(terms))
		for i, t := range terms {
			lists[i] = ix.postings(t)
			if len(lists[i]) == 0 {
				return res, nil
			}
		}
		slices.SortFunc(lists, func(a, b []uint32) int { return len(a) - len(b) })
		pos := make([]int, len(lists))
	outer:
		for _, p0 := range lists[0] {
			docID, score := p0>>7, int(p0&127)
			for i := 1; i < len(lists); i++ {
				w, ok := seek(lists[i], &pos[i], docID)
				if !ok {
					if pos[i] >= len(lists[i]) {
						break outer
					}
					continue outer
				}
				score += int(w)
			}
			consider(docID, score)
		}
	}
	sorted := append([]scored(nil), top.h...)
	slices.SortFunc(sorted, func(a, b scored) int {
		if top.better(a, b) {
			return -1
		}
		if top.better(b, a) {
			return 1
		}
		return 0
	})
	from := (q.Page - 1) * q.PageSize
	for i := from; i < len(sorted); i++ {
		h := ix.docs[sorted[i].id].hit
		h.Score = sorted[i].score
		res.Hits = append(res.Hits, h)
	}
	for dim, m := range counts {
		res.Facets[FacetNames[dim]] = topFacets(ix.vals[dim], m)
	}
	if res.Hits == nil {
		res.Hits = []Hit{}
	}
	return res, nil
}

// MaxFacetValues is how many values of each facet a result lists (the most frequent).
const MaxFacetValues = 50

func topFacets(vals []string, counts []int) []FacetCount {
	type vc struct{ id, n int }
	var all []vc
	for id, n := range counts {
		if n > 0 && vals[id] != "" {
			all = append(all, vc{id, n})
		}
	}
	slices.SortFunc(all, func(a, b vc) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return a.id - b.id
	})
	all = all[:min(len(all), MaxFacetValues)]
	fc := make([]FacetCount, len(all))
	for i, x := range all {
		fc[i] = FacetCount{Value: vals[x.id], Count: x.n}
	}
	slices.SortStableFunc(fc, func(a, b FacetCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Value, b.Value)
	})
	return fc
}

// LabelFacets fills the display names of a result's facet values.
func (s *Service) LabelFacets(ctx context.Context, res *SearchResult) {
	cfg := s.Config(ctx)
	for key, list := range res.Facets {
		for i := range list {
			list[i].Name, list[i].NameEN = s.FacetLabel(ctx, cfg, key, list[i].Value)
		}
		res.Facets[key] = list
	}
}

var regionNames sync.Map

// FacetLabel names a facet value in Chinese and English.
func (s *Service) FacetLabel(ctx context.Context, cfg Config, key, val string) (string, string) {
	switch key {
	case "agency":
		o, ok := s.org(ctx, s.DB, val)
		if !ok {
			return val, val
		}
		return o.Name, o.NameEN
	case "region":
		if n, ok := regionNames.Load(s.DB.Where + "|" + val); ok {
			nn := n.([2]string)
			return nn[0], nn[1]
		}
		var zh, en string
		if err := s.DB.QueryRowContext(ctx, "SELECT name, name_en FROM regions WHERE code = $1", val).Scan(&zh, &en); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return val, val
		}
		if zh == "" {
			zh, en = val, val
		}
		regionNames.Store(s.DB.Where+"|"+val, [2]string{zh, en})
		return zh, en
	case "topic":
		if t, ok := cfg.topic(val); ok {
			return t.Name, t.NameEN
		}
	case "grade":
		if g, ok := cfg.grade(Grade(val)); ok {
			return g.Name, g.NameEN
		}
	}
	if n, ok := EnumNames[key][val]; ok {
		return n[0], n[1]
	}
	return val, val
}

// EnumNames gives the Chinese and English names of the catalog's enumerations, by field key.
var EnumNames = map[string]map[string][2]string{
	"resource_attr": {AttrBase: {"基础信息资源", "Base resources"}, AttrSubject: {"主题信息资源", "Subject resources"}, AttrDepartment: {"部门信息资源", "Departmental resources"}},
	"update_frequency": {string(FreqRealtime): {"实时", "Real-time"}, string(FreqDaily): {"每日", "Daily"}, string(FreqWeekly): {"每周", "Weekly"},
		string(FreqMonthly): {"每月", "Monthly"}, string(FreqQuarterly): {"每季度", "Quarterly"}, string(FreqYearly): {"每年", "Yearly"}, string(FreqIrregular): {"不定期", "Irregular"}},
	"data_form":   {string(FormTable): {"库表", "Table"}, string(FormAPI): {"接口", "API"}, string(FormFile): {"文件", "File"}},
	"open_reason": {ReasonTradeSecret: {"商业秘密", "Trade secret"}, ReasonPrivacy: {"个人隐私", "Personal privacy"}, ReasonLegalBar: {"法律法规禁止", "Legal bar"}},
	"type": {string(TypeString): {"字符串", "String"}, string(TypeInteger): {"整数", "Integer"}, string(TypeDecimal): {"小数", "Decimal"}, string(TypeDate): {"日期", "Date"},
		string(TypeTime): {"日期时间", "Date-time"}, string(TypeBool): {"布尔", "Boolean"}},
	"status": {string(StatusDraft): {"草稿", "Draft"}, string(StatusSubmitted): {"待审核", "Submitted"}, string(StatusPublished): {"已发布", "Published"},
		string(StatusReturned): {"已退回", "Returned"}, string(StatusWithdrawn): {"已下线", "Withdrawn"}, string(StatusWithdrawing): {"下线待审核", "Withdrawal pending"}},
}

// The share type, open type, kind and grade names come from their vocab tables.
func init() {
	EnumNames["share_type"] = map[string][2]string{}
	for _, d := range vocab.ShareTypes {
		EnumNames["share_type"][string(d.Code)] = [2]string{d.ZH, d.EN}
	}
	EnumNames["open_type"] = map[string][2]string{}
	for _, d := range vocab.OpenTypes {
		EnumNames["open_type"][string(d.Code)] = [2]string{d.ZH, d.EN}
	}
	EnumNames["kind"] = map[string][2]string{}
	for _, d := range vocab.Kinds {
		EnumNames["kind"][string(d.Code)] = [2]string{d.ZH, d.EN}
	}
	EnumNames["grade"] = map[string][2]string{} // the national grades; a region's scheme may add more
	for _, d := range vocab.Grades {
		EnumNames["grade"][string(d.Code)] = [2]string{d.ZH, d.EN}
	}
	EnumNames["level"] = map[string][2]string{}
	for _, d := range vocab.Levels {
		EnumNames["level"][strconv.Itoa(d.Level)] = [2]string{d.ZH, d.EN}
	}
}

// RawIndexCount is the benchmark baseline (bench/catalog): the posting-list intersection of a
// query's terms alone — no freshness check, visibility, filters, ranking, paging or facets. It
// uses the index as last synchronized (call Search first).
func (s *Service) RawIndexCount(q string) int {
	s.idxOnce.Do(func() { s.idx = newIndex() })
	ix := s.idx
	terms := parseQuery(q)
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if len(terms) == 0 {
		return len(ix.docs)
	}
	lists := make([][]uint32, len(terms))
	for i, t := range terms {
		if lists[i] = ix.postings(t); len(lists[i]) == 0 {
			return 0
		}
	}
	slices.SortFunc(lists, func(a, b []uint32) int { return len(a) - len(b) })
	pos := make([]int, len(lists))
	n := 0
outer:
	for _, p0 := range lists[0] {
		for i := 1; i < len(lists); i++ {
			if _, ok := seek(lists[i], &pos[i], p0>>7); !ok {
				if pos[i] >= len(lists[i]) {
					break outer
				}
				continue outer
			}
		}
		n++
	}
	return n
}

// Warm builds this node's search index now (serve calls it in the background at start), so
// the first search after a start does not pay for reading the whole catalog.
func (s *Service) Warm(ctx context.Context) (err error) {
	defer errs.Wrap(&err, "catalog: Warm")
	_, err = s.searchIndex(ctx)
	return err
}
