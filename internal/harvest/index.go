package harvest

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// The harvest index: every open dataset and tombstone in memory, in the orders a harvester pages
// by (id, name, title, metadata_modified, metadata_created), brought up to date from the Source
// before every call (one counter read when nothing changed). A query is one pass over the chosen
// order: filters are checked per dataset, the page is cut while counting, facets are counted on
// the way — so package_search costs O(datasets) with small constants and no sort per call.

type doc struct {
	// Compact, interned attributes first (filters and facets read only these, on the same
	// cache line: a pass over 100,000 datasets touches one line per dataset).
	modified int64 // ds.Modified
	created  int64 // ds.Created
	deleted  bool
	org      uint32
	open     uint32
	region   uint32
	topic    uint32
	freq     uint32
	fmtMask  uint64
	sig      [4]uint64 // which characters the text holds (256-bit signature): skips most docs before strings.Contains
	tagIDs   []uint32
	ds       Dataset
	text     string // lower-cased title, code, summary, tags, organization, item labels
	title    string // lower-cased title, for ranking
	orgName  string // CKAN organization name
	formats  []string
	cache    atomic.Pointer[pkgCache] // encoded package dict (ckan.go)
}

// sortKeys are the orders kept sorted.
var sortKeys = []string{"id", "name", "title", "metadata_modified", "metadata_created"}

type index struct {
	seq    int64
	built  bool
	byID   map[string]*doc
	byName map[string]*doc
	orders map[string][]*doc
	orgs   map[string]Org

	qmu    sync.Mutex
	qcache map[string]*cachedSearch // search.go
	all    map[string][]int32       // allHits (search.go)

	slugOnce  sync.Once
	orgBySlug map[string]string // organization slug → name (facet display names)
}

func newIndex() *index {
	return &index{byID: map[string]*doc{}, byName: map[string]*doc{}, orders: map[string][]*doc{}, orgs: map[string]Org{}}
}

func less(key string) func(a, b *doc) int {
	tie := func(a, b *doc) int { return strings.Compare(a.ds.ID, b.ds.ID) }
	switch key {
	case "name":
		return func(a, b *doc) int {
			if c := strings.Compare(a.ds.Name, b.ds.Name); c != 0 {
				return c
			}
			return tie(a, b)
		}
	case "title":
		return func(a, b *doc) int {
			if c := strings.Compare(a.title, b.title); c != 0 {
				return c
			}
			return tie(a, b)
		}
	case "metadata_modified":
		return func(a, b *doc) int {
			if a.ds.Modified != b.ds.Modified {
				if a.ds.Modified < b.ds.Modified {
					return -1
				}
				return 1
			}
			return tie(a, b)
		}
	case "metadata_created":
		return func(a, b *doc) int {
			if a.ds.Created != b.ds.Created {
				if a.ds.Created < b.ds.Created {
					return -1
				}
				return 1
			}
			return tie(a, b)
		}
	}
	return tie
}

func newDoc(ds Dataset, in *interners) *doc {
	d := &doc{ds: ds, orgName: orgSlug(ds.OrgID), deleted: ds.Deleted, modified: ds.Modified, created: ds.Created}
	d.org = in[dimOrg].id(d.orgName)
	d.open = in[dimOpen].id(ds.OpenType)
	d.region = in[dimRegion].id(ds.Region)
	d.topic = in[dimTopic].id(ds.Topic)
	d.freq = in[dimFreq].id(ds.Frequency)
	for _, t := range ds.Tags {
		d.tagIDs = append(d.tagIDs, in[dimTag].id(t))
	}
	for _, x := range ds.Distributions {
		if f := in[dimFmt].id(x.Format); f < 64 {
			d.fmtMask |= 1 << f
		}
	}
	var b strings.Builder
	for _, s := range []string{ds.Title, ds.TitleEN, ds.Code, ds.Name, ds.Summary, ds.OrgName, ds.OrgNameEN, strings.Join(ds.Tags, " ")} {
		b.WriteString(strings.ToLower(s))
		b.WriteByte('\n')
	}
	for _, f := range ds.Fields {
		b.WriteString(strings.ToLower(f.Label))
		b.WriteByte(' ')
		b.WriteString(strings.ToLower(f.Name))
		b.WriteByte('\n')
	}
	d.text = b.String()
	d.sig = signature(d.text)
	d.title = strings.ToLower(ds.Title)
	for _, x := range ds.Distributions {
		d.formats = append(d.formats, strings.ToLower(x.Format))
	}
	return d
}

// orgSlug is the CKAN organization name of an organization id (lower case, URL-safe).
func orgSlug(id string) string { return strings.ToLower(id) }

// apply puts changed datasets into the index (datasets with no Name were never open: removed).
func (ix *index) apply(changes []Dataset, in *interners) {
	full := len(changes) > 500 || !ix.built
	var added, removed []*doc
	for _, ds := range changes {
		if old := ix.byID[ds.ID]; old != nil {
			delete(ix.byID, ds.ID)
			delete(ix.byName, old.ds.Name)
			removed = append(removed, old)
		}
		if ds.Name == "" {
			continue
		}
		d := newDoc(ds, in)
		ix.byID[ds.ID] = d
		ix.byName[ds.Name] = d
		added = append(added, d)
	}
	if full {
		all := make([]*doc, 0, len(ix.byID))
		for _, d := range ix.byID {
			all = append(all, d)
		}
		for _, k := range sortKeys {
			o := slices.Clone(all)
			slices.SortFunc(o, less(k))
			ix.orders[k] = o
		}
		return
	}
	gone := map[*doc]bool{}
	for _, d := range removed {
		gone[d] = true
	}
	for _, k := range sortKeys {
		cmp := less(k)
		o := ix.orders[k]
		if len(gone) > 0 {
			o = slices.DeleteFunc(slices.Clone(o), func(d *doc) bool { return gone[d] })
		} else {
			o = slices.Clone(o)
		}
		for _, d := range added {
			i, _ := slices.BinarySearchFunc(o, d, cmp)
			o = slices.Insert(o, i, d)
		}
		ix.orders[k] = o
	}
}

// index returns the index brought up to date with the source. The returned index must not be
// changed by the caller; updates replace the maps and slices rather than editing them in place
// (copy on write), so readers holding an older snapshot keep a consistent one.
func (s *Service) index(ctx context.Context) (*index, error) {
	cur, err := s.Source.Cursor(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	ix := s.ix
	s.mu.RUnlock()
	if ix.built && ix.seq >= cur {
		return ix, nil
	}
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	s.mu.RLock()
	ix = s.ix
	s.mu.RUnlock()
	if ix.built && ix.seq >= cur {
		return ix, nil
	}
	since := ix.seq
	if !ix.built {
		since = 0
	}
	changes, maxSeq, err := s.Source.Changed(ctx, since)
	if err != nil {
		return nil, err
	}
	orgs, err := s.Source.Orgs(ctx)
	if err != nil {
		return nil, err
	}
	next := &index{seq: max(maxSeq, cur), built: true, byID: make(map[string]*doc, len(ix.byID)+len(changes)),
		byName: make(map[string]*doc, len(ix.byName)+len(changes)), orders: map[string][]*doc{}, orgs: map[string]Org{}}
	if ix.built {
		for k, v := range ix.byID {
			next.byID[k] = v
		}
		for k, v := range ix.byName {
			next.byName[k] = v
		}
		for k, v := range ix.orders {
			next.orders[k] = v
		}
		next.built = true
	} else {
		next.built = false
	}
	for _, o := range orgs {
		next.orgs[o.ID] = o
	}
	next.apply(changes, &s.dict)
	next.built = true
	s.mu.Lock()
	s.ix = next
	s.mu.Unlock()
	return next, nil
}

// lookup finds a dataset by id or name.
func (ix *index) lookup(idOrName string) *doc {
	if d := ix.byID[idOrName]; d != nil {
		return d
	}
	return ix.byName[idOrName]
}

// Facet and filter dimensions with interned values.
const (
	dimOrg = iota
	dimTag
	dimFmt
	dimOpen
	dimRegion
	dimTopic
	dimFreq
	nDims
)

// interner gives each value of a dimension a small number, case-insensitively; it only grows
// and is shared by every index version.
type interner struct {
	mu   sync.RWMutex
	ids  map[string]uint32
	vals []string
}

type interners [nDims]interner

func (in *interner) id(v string) uint32 {
	k := strings.ToLower(v)
	in.mu.RLock()
	n, ok := in.ids[k]
	in.mu.RUnlock()
	if ok {
		return n
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if n, ok := in.ids[k]; ok {
		return n
	}
	if in.ids == nil {
		in.ids = map[string]uint32{}
	}
	n = uint32(len(in.vals))
	in.ids[k] = n
	in.vals = append(in.vals, v)
	return n
}

// lookup returns the number of a value, or noID when no dataset has it.
func (in *interner) lookup(v string) uint32 {
	in.mu.RLock()
	defer in.mu.RUnlock()
	if n, ok := in.ids[strings.ToLower(v)]; ok {
		return n
	}
	return noID
}

func (in *interner) value(n uint32) string {
	in.mu.RLock()
	defer in.mu.RUnlock()
	if int(n) < len(in.vals) {
		return in.vals[n]
	}
	return ""
}

func (in *interner) size() int {
	in.mu.RLock()
	defer in.mu.RUnlock()
	return len(in.vals)
}

const noID = ^uint32(0)

// signature sets one of 256 bits per character of s.
func signature(s string) [4]uint64 {
	var sig [4]uint64
	for _, r := range s {
		h := uint32(r) * 2654435761 >> 24
		sig[h>>6] |= 1 << (h & 63)
	}
	return sig
}
