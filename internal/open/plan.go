package open

import (
	"slices"
	"strconv"
	"strings"

	"pubdata/internal/catalog"
	"pubdata/internal/mask"
)

// The opening transformation (开放前处理, OPN-4, SEC-2) is written once, here, and every output
// path — downloads in every format, the preview on the dataset page, the records API, and the
// harvesting APIs built on this package — goes through it:
//
//   - an item whose open type (catalog.FieldOpen: the stricter of the entry's and the item's) is
//     "not open" is dropped; a conditionally open item is dropped unless the access is
//     conditional (an approved key) and, when the key names items, the key names it;
//   - an item the grading rules mask (catalog.Masked: core or important data, or an item above
//     L1) leaves with the entry's masking rule in force for its kind (the region's rules tightened
//     by the entry's, catalog.Entry.MaskingRules); a masked item whose kind has no rule is
//     redacted whole — opening fails closed;
//   - integer items the provider named as counts, when the dataset sets a minimum count, show
//     "<N" for values 1 … N-1 (小数抑制), and an unreadable count is blanked.
//
// The plan is computed once per request from the published entry and the dataset's settings;
// Apply transforms one row in place without allocating beyond the masked values.

// Access is the level a caller reads a dataset at.
type Access struct {
	// Conditional is set for a caller holding an open API key approved for this dataset
	// (有条件开放): conditionally open items may leave.
	Conditional bool
	// Fields, when not empty, are the only conditionally open items the key's approval covers
	// (narrowing only; unconditionally open items are everyone's).
	Fields []string
}

// Column is one data item as it leaves the platform.
type Column struct {
	Name    string            `json:"name"`
	Label   string            `json:"label"`
	LabelEN string            `json:"label_en,omitempty"`
	Type    catalog.FieldType `json:"type"`
	Kind    catalog.FieldKind `json:"kind"`
	// Masked: values are desensitized (脱敏) by Rule.
	Masked bool `json:"masked"`
	// MinCount > 0: the item is a count whose values below it are suppressed.
	MinCount int       `json:"min_count,omitempty"`
	Rule     mask.Rule `json:"-"`
}

// Plan is what one dataset lets out at one access level: its columns, in catalog order.
type Plan struct {
	EntryID string
	Columns []Column
	// Dropped names the items that never leave at this access level (for the dataset page and
	// the tests; their values are not even read).
	Dropped []string
}

// Names returns the column names, in order.
func (p *Plan) Names() []string {
	out := make([]string, len(p.Columns))
	for i, c := range p.Columns {
		out[i] = c.Name
	}
	return out
}

// Column returns the named column.
func (p *Plan) Column(name string) (Column, bool) {
	for _, c := range p.Columns {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// PlanFor computes the opening plan of a published entry for an access level, with the
// dataset's settings (nil: none). It is the one place the open rules are decided.
func PlanFor(e *catalog.Entry, st *Settings, a Access) *Plan {
	rules := e.MaskingRules()
	if rules == nil {
		rules = mask.DefaultRules() // an entry read without its masking resolved: the national defaults
	}
	p := &Plan{EntryID: e.ID}
	for i := range e.Fields {
		f := &e.Fields[i]
		ot := catalog.FieldOpen(e, f)
		ok := ot == catalog.OpenUnconditional || (ot == catalog.OpenConditional && a.Conditional)
		if ok && ot == catalog.OpenConditional && len(a.Fields) > 0 && !slices.Contains(a.Fields, f.Name) {
			ok = false
		}
		if !ok {
			p.Dropped = append(p.Dropped, f.Name)
			continue
		}
		c := Column{Name: f.Name, Label: f.Label, LabelEN: f.LabelEN, Type: f.Type, Kind: f.Kind}
		if catalog.Masked(e, f) {
			c.Masked = true
			r, has := rules[f.Kind]
			if !has || r.Method == mask.MethodKeep {
				r = mask.Rule{Kind: f.Kind, Method: mask.MethodRedact, MaskChar: mask.DefaultMaskChar}
			}
			c.Rule = r
		}
		if st != nil && st.MinCount > 1 && f.Type == catalog.TypeInteger && slices.Contains(st.CountFields, f.Name) {
			c.MinCount = st.MinCount
		}
		p.Columns = append(p.Columns, c)
	}
	return p
}

// Apply transforms one row in place: row holds the raw values of the plan's columns, in order.
func (p *Plan) Apply(row []string) {
	for i := range p.Columns {
		c := &p.Columns[i]
		v := row[i]
		if v == "" {
			continue
		}
		if c.Masked {
			row[i] = mask.Apply(c.Rule, v)
			continue
		}
		if c.MinCount > 0 {
			row[i] = suppress(v, c.MinCount)
		}
	}
}

// suppress hides a small count: 1 … min-1 become "<min"; a value that is not an integer is
// blanked (it cannot be shown to be large enough).
func suppress(v string, min int) string {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return ""
	}
	if n > 0 && n < int64(min) {
		return "<" + strconv.Itoa(min)
	}
	return v
}
