package harvest

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// The subset of Solr's query syntax that CKAN clients send in q and fq: field:value,
// field:"quoted value", field:(a OR b), field:[lo TO hi] and {lo TO hi} ranges with * and
// NOW[-nDAYS|HOURS|MINUTES], +/- prefixes (required / negated), NOT, AND, OR and parentheses,
// *:* for everything, and bare words searched in the text. Terms side by side must all hold
// (CKAN's default operator is AND); OR binds the terms it joins, so ckanext-harvest's
// "organization:a OR organization:b metadata_modified:[T TO *]" means (a or b) and the range.

// expr is a parsed query node.
type expr interface{ match(d *doc) bool }

type andExpr []expr
type orExpr []expr
type notExpr struct{ e expr }
type allExpr struct{}

type fieldExpr struct {
	field string
	value string
	dim   int    // interned dimension (bound by bind), -1 when matched by string
	id    uint32 // the value's number in dim (noID: no dataset has it)
}

type rangeExpr struct {
	field          string
	lo, hi         string // for string fields
	loT, hiT       int64  // for dates (Unix ms); open ends are min/max
	loIncl, hiIncl bool
	date           bool
}

type textExpr struct {
	word string
	sig  [4]uint64
}

func newText(w string) textExpr {
	w = strings.ToLower(w)
	return textExpr{w, signature(w)}
}

func (a andExpr) match(d *doc) bool {
	for _, e := range a {
		if !e.match(d) {
			return false
		}
	}
	return true
}

func (o orExpr) match(d *doc) bool {
	for _, e := range o {
		if e.match(d) {
			return true
		}
	}
	return false
}

func (n notExpr) match(d *doc) bool { return !n.e.match(d) }
func (allExpr) match(*doc) bool     { return true }
func (t textExpr) match(d *doc) bool {
	if t.word == "*" {
		return true
	}
	for i := range t.sig {
		if d.sig[i]&t.sig[i] != t.sig[i] {
			return false
		}
	}
	return strings.Contains(d.text, t.word)
}

// queryFields are the fields a query may name, with the kind of match.
var queryFields = map[string]string{
	"id": "exact", "name": "exact", "title": "text", "notes": "text", "text": "text",
	"organization": "exact", "owner_org": "exact", "tags": "exact", "res_format": "exact",
	"license_id": "exact", "state": "exact", "type": "exact", "capacity": "exact",
	"open_type": "exact", "region": "exact", "topic": "exact", "groups": "exact", "frequency": "exact",
	"metadata_modified": "date", "metadata_created": "date",
}

// LicenseID is the licence of every open dataset (the regulations' terms of use).
const LicenseID = "pubdata-open-terms"

func (f fieldExpr) match(d *doc) bool {
	if f.dim >= 0 && f.value != "*" {
		switch f.dim {
		case dimOrg:
			return d.org == f.id
		case dimOpen:
			return d.open == f.id
		case dimRegion:
			return d.region == f.id
		case dimTopic:
			return d.topic == f.id
		case dimFreq:
			return d.freq == f.id
		case dimFmt:
			return f.id < 64 && d.fmtMask&(1<<f.id) != 0
		case dimTag:
			for _, t := range d.tagIDs {
				if t == f.id {
					return true
				}
			}
			return false
		}
	}
	ds := &d.ds
	v := f.value
	eq := func(s string) bool { return v == "*" && s != "" || strings.EqualFold(s, v) }
	switch f.field {
	case "id":
		return eq(ds.ID)
	case "name":
		return eq(ds.Name)
	case "title":
		return strings.Contains(d.title, strings.ToLower(v))
	case "notes":
		return strings.Contains(strings.ToLower(ds.Summary), strings.ToLower(v))
	case "text":
		return newText(v).match(d)
	case "organization":
		return eq(d.orgName)
	case "owner_org":
		return eq(ds.OrgID)
	case "tags":
		for _, t := range ds.Tags {
			if eq(t) {
				return true
			}
		}
		return false
	case "res_format":
		for _, t := range d.formats {
			if eq(t) {
				return true
			}
		}
		return false
	case "license_id":
		return eq(LicenseID) && !ds.Deleted
	case "state":
		return eq(stateOf(ds))
	case "type":
		return eq("dataset")
	case "capacity":
		return eq("public")
	case "open_type":
		return eq(ds.OpenType)
	case "region":
		return eq(ds.Region)
	case "topic", "groups":
		return eq(ds.Topic)
	case "frequency":
		return eq(ds.Frequency)
	}
	return false
}

func (r rangeExpr) match(d *doc) bool {
	if r.date {
		t := d.modified
		if r.field == "metadata_created" {
			t = d.created
		}
		if t < r.loT || (!r.loIncl && t == r.loT) || t > r.hiT || (!r.hiIncl && t == r.hiT) {
			return false
		}
		return true
	}
	var s string
	switch r.field {
	case "id":
		s = d.ds.ID
	case "name":
		s = d.ds.Name
	default:
		s = d.title
	}
	if r.lo != "*" {
		c := strings.Compare(s, r.lo)
		if c < 0 || (c == 0 && !r.loIncl) {
			return false
		}
	}
	if r.hi != "*" {
		c := strings.Compare(s, r.hi)
		if c > 0 || (c == 0 && !r.hiIncl) {
			return false
		}
	}
	return true
}

func stateOf(ds *Dataset) string {
	if ds.Deleted {
		return "deleted"
	}
	return "active"
}

// queryError is a malformed q, fq or sort (CKAN: "Search Query Error").
type queryError struct{ msg string }

func (e *queryError) Error() string { return e.msg }

func qerr(format string, a ...any) error { return &queryError{fmt.Sprintf(format, a...)} }

// parser is a recursive-descent parser over the query string.
type parser struct {
	s     []rune
	pos   int
	now   time.Time
	depth int
	state bool // the query names the state field
}

// parseQuery parses q or fq. An empty query matches everything.
func parseQuery(s string, now time.Time) (expr, bool, error) {
	if len(s) > 4000 {
		return nil, false, qerr("query longer than 4000 characters")
	}
	p := &parser{s: []rune(s), now: now}
	e, err := p.parseSeq(false)
	if err != nil {
		return nil, false, err
	}
	if p.pos < len(p.s) {
		return nil, false, qerr("unexpected %q at position %d", string(p.s[p.pos]), p.pos)
	}
	return e, p.state, nil
}

func (p *parser) skip() {
	for p.pos < len(p.s) && unicode.IsSpace(p.s[p.pos]) {
		p.pos++
	}
}

func (p *parser) peekWord(w string) bool {
	r := []rune(w)
	if p.pos+len(r) > len(p.s) || string(p.s[p.pos:p.pos+len(r)]) != w {
		return false
	}
	end := p.pos + len(r)
	return end == len(p.s) || unicode.IsSpace(p.s[end]) || p.s[end] == '(' || p.s[end] == '"'
}

// parseSeq parses terms until the end or a closing parenthesis: side by side = AND, OR joins
// its neighbours.
func (p *parser) parseSeq(inParen bool) (expr, error) {
	p.depth++
	if p.depth > 20 {
		return nil, qerr("query nested too deeply")
	}
	defer func() { p.depth-- }()
	var and andExpr
	var cur orExpr
	pendingOr := false
	flush := func() {
		if len(cur) == 1 {
			and = append(and, cur[0])
		} else if len(cur) > 1 {
			and = append(and, cur)
		}
		cur = nil
	}
	for {
		p.skip()
		if p.pos >= len(p.s) {
			if inParen {
				return nil, qerr("missing closing parenthesis")
			}
			break
		}
		if p.s[p.pos] == ')' {
			if !inParen {
				return nil, qerr("unexpected ')' at position %d", p.pos)
			}
			break
		}
		if p.peekWord("OR") || p.peekWord("||") {
			if len(cur) == 0 || pendingOr {
				return nil, qerr("OR without a term before it at position %d", p.pos)
			}
			p.pos += 2
			pendingOr = true
			continue
		}
		if p.peekWord("AND") || p.peekWord("&&") {
			if len(cur) == 0 || pendingOr {
				return nil, qerr("AND without a term before it at position %d", p.pos)
			}
			n := 3
			if p.s[p.pos] == '&' {
				n = 2
			}
			p.pos += n
			continue
		}
		t, err := p.parseTerm()
		if err != nil {
			return nil, err
		}
		if !pendingOr {
			flush()
		}
		cur = append(cur, t)
		pendingOr = false
	}
	if pendingOr {
		return nil, qerr("OR without a term after it")
	}
	flush()
	if len(and) == 0 {
		return allExpr{}, nil
	}
	if len(and) == 1 {
		return and[0], nil
	}
	return and, nil
}

func (p *parser) parseTerm() (expr, error) {
	neg := false
	switch {
	case p.s[p.pos] == '-' || p.s[p.pos] == '!':
		neg = true
		p.pos++
	case p.s[p.pos] == '+':
		p.pos++
	case p.peekWord("NOT"):
		neg = true
		p.pos += 3
		p.skip()
	}
	if p.pos >= len(p.s) {
		return nil, qerr("a term is missing after a prefix")
	}
	var e expr
	var err error
	if p.s[p.pos] == '(' {
		p.pos++
		e, err = p.parseSeq(true)
		if err != nil {
			return nil, err
		}
		p.pos++ // ')'
	} else {
		e, err = p.parseFieldTerm()
		if err != nil {
			return nil, err
		}
	}
	if neg {
		return notExpr{e}, nil
	}
	return e, nil
}

// word reads an unquoted token: up to space, parenthesis or (when stopColon) a colon.
func (p *parser) word(stopColon bool) string {
	start := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if unicode.IsSpace(c) || c == '(' || c == ')' || (stopColon && c == ':') {
			break
		}
		if c == '\\' && p.pos+1 < len(p.s) {
			p.pos += 2
			continue
		}
		p.pos++
	}
	return unescape(string(p.s[start:p.pos]))
}

func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	esc := false
	for _, r := range s {
		if r == '\\' && !esc {
			esc = true
			continue
		}
		esc = false
		b.WriteRune(r)
	}
	return b.String()
}

func (p *parser) quoted() (string, error) {
	p.pos++ // opening quote
	var b strings.Builder
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '\\' && p.pos+1 < len(p.s) {
			b.WriteRune(p.s[p.pos+1])
			p.pos += 2
			continue
		}
		if c == '"' {
			p.pos++
			return b.String(), nil
		}
		b.WriteRune(c)
		p.pos++
	}
	return "", qerr("unterminated quoted value")
}

func (p *parser) parseFieldTerm() (expr, error) {
	if p.s[p.pos] == '"' {
		v, err := p.quoted()
		if err != nil {
			return nil, err
		}
		return newText(v), nil
	}
	w := p.word(true)
	if p.pos < len(p.s) && p.s[p.pos] == ':' {
		field := w
		p.pos++
		if field == "*" {
			if v := p.word(false); v != "*" {
				return nil, qerr("*: must be followed by *")
			}
			return allExpr{}, nil
		}
		kind, ok := queryFields[field]
		if !ok {
			return nil, qerr("undefined field %s", field)
		}
		if field == "state" {
			p.state = true
		}
		if p.pos >= len(p.s) {
			return nil, qerr("field %s has no value", field)
		}
		switch c := p.s[p.pos]; {
		case c == '[' || c == '{':
			return p.parseRange(field, kind)
		case c == '"':
			v, err := p.quoted()
			if err != nil {
				return nil, err
			}
			return fieldExpr{field: field, value: v, dim: -1}, nil
		case c == '(':
			// field:(a OR b c): the group's words each name a value of the field.
			p.pos++
			var or orExpr
			var and andExpr
			for {
				p.skip()
				if p.pos >= len(p.s) {
					return nil, qerr("missing closing parenthesis")
				}
				if p.s[p.pos] == ')' {
					p.pos++
					break
				}
				if p.peekWord("OR") {
					p.pos += 2
					continue
				}
				var v string
				if p.s[p.pos] == '"' {
					var err error
					if v, err = p.quoted(); err != nil {
						return nil, err
					}
				} else {
					v = p.word(false)
				}
				if v == "" {
					return nil, qerr("empty value for field %s", field)
				}
				or = append(or, fieldExpr{field: field, value: v, dim: -1})
			}
			if len(or) == 0 {
				return nil, qerr("empty group for field %s", field)
			}
			_ = and
			return or, nil
		default:
			v := p.word(false)
			if v == "" {
				return nil, qerr("field %s has no value", field)
			}
			if kind == "date" {
				if v == "*" {
					return rangeExpr{field: field, loT: minT, hiT: maxT, loIncl: true, hiIncl: true, date: true}, nil
				}
				t, err := p.parseDate(v)
				if err != nil {
					return nil, err
				}
				return rangeExpr{field: field, loT: t, hiT: t, loIncl: true, hiIncl: true, date: true}, nil
			}
			return fieldExpr{field: field, value: v, dim: -1}, nil
		}
	}
	if w == "" {
		return nil, qerr("unexpected %q at position %d", string(p.s[p.pos]), p.pos)
	}
	return newText(w), nil
}

// fieldDims are the fields matched by interned number.
var fieldDims = map[string]int{"organization": dimOrg, "tags": dimTag, "res_format": dimFmt, "open_type": dimOpen,
	"region": dimRegion, "topic": dimTopic, "groups": dimTopic, "frequency": dimFreq}

// bind resolves exact-match values to their interned numbers.
func bind(e expr, in *interners) expr {
	switch x := e.(type) {
	case fieldExpr:
		if dim, ok := fieldDims[x.field]; ok {
			x.dim, x.id = dim, in[dim].lookup(x.value)
		}
		return x
	case andExpr:
		out := make(andExpr, len(x))
		for i, y := range x {
			out[i] = bind(y, in)
		}
		return out
	case orExpr:
		out := make(orExpr, len(x))
		for i, y := range x {
			out[i] = bind(y, in)
		}
		return out
	case notExpr:
		return notExpr{bind(x.e, in)}
	}
	return e
}

const (
	minT = int64(-1 << 62)
	maxT = int64(1 << 62)
)

func (p *parser) parseRange(field, kind string) (expr, error) {
	loIncl := p.s[p.pos] == '['
	p.pos++
	p.skip()
	lo := p.rangeWord()
	p.skip()
	if !p.peekWord("TO") {
		return nil, qerr("range for %s must read [from TO to]", field)
	}
	p.pos += 2
	p.skip()
	hi := p.rangeWord()
	p.skip()
	if p.pos >= len(p.s) || (p.s[p.pos] != ']' && p.s[p.pos] != '}') {
		return nil, qerr("range for %s is not closed with ] or }", field)
	}
	hiIncl := p.s[p.pos] == ']'
	p.pos++
	if lo == "" || hi == "" {
		return nil, qerr("range for %s has an empty end", field)
	}
	r := rangeExpr{field: field, lo: lo, hi: hi, loIncl: loIncl, hiIncl: hiIncl}
	if kind == "date" {
		r.date = true
		r.loT, r.hiT = minT, maxT
		var err error
		if lo != "*" {
			if r.loT, err = p.parseDate(lo); err != nil {
				return nil, err
			}
		}
		if hi != "*" {
			if r.hiT, err = p.parseDate(hi); err != nil {
				return nil, err
			}
		}
		return r, nil
	}
	if field != "id" && field != "name" && field != "title" {
		return nil, qerr("field %s does not take a range", field)
	}
	return r, nil
}

func (p *parser) rangeWord() string {
	if p.pos < len(p.s) && p.s[p.pos] == '"' {
		v, err := p.quoted()
		if err != nil {
			return ""
		}
		return v
	}
	start := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if unicode.IsSpace(c) || c == ']' || c == '}' {
			break
		}
		p.pos++
	}
	return string(p.s[start:p.pos])
}

// parseDate reads an ISO 8601 time as Solr and CKAN write it (UTC; "Z" optional; fractions of a
// second allowed) or NOW with date math (NOW-1DAY, NOW/DAY, NOW-2HOURS).
func (p *parser) parseDate(v string) (int64, error) {
	if strings.HasPrefix(v, "NOW") {
		t := p.now.UTC()
		rest := v[3:]
		for rest != "" {
			switch rest[0] {
			case '/':
				unit, r := leadingUnit(rest[1:])
				switch unit {
				case "DAY", "DAYS":
					t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
				case "HOUR", "HOURS":
					t = t.Truncate(time.Hour)
				default:
					return 0, qerr("cannot round NOW by %q", unit)
				}
				rest = r
			case '-', '+':
				sign := 1
				if rest[0] == '-' {
					sign = -1
				}
				i := 1
				for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
					i++
				}
				n, err := strconv.Atoi(rest[1:i])
				if err != nil || n > 100000 {
					return 0, qerr("bad date math in %q", v)
				}
				unit, r := leadingUnit(rest[i:])
				n *= sign
				switch unit {
				case "YEAR", "YEARS":
					t = t.AddDate(n, 0, 0)
				case "MONTH", "MONTHS":
					t = t.AddDate(0, n, 0)
				case "DAY", "DAYS":
					t = t.AddDate(0, 0, n)
				case "HOUR", "HOURS":
					t = t.Add(time.Duration(n) * time.Hour)
				case "MINUTE", "MINUTES":
					t = t.Add(time.Duration(n) * time.Minute)
				case "SECOND", "SECONDS":
					t = t.Add(time.Duration(n) * time.Second)
				default:
					return 0, qerr("bad date math unit %q", unit)
				}
				rest = r
			default:
				return 0, qerr("bad date math in %q", v)
			}
		}
		return t.UnixMilli(), nil
	}
	s := strings.TrimSuffix(v, "Z")
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UnixMilli(), nil
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.UnixMilli(), nil
	}
	return 0, qerr("%q is not a date (use e.g. 2026-01-31T00:00:00Z or NOW-1DAY)", v)
}

func leadingUnit(s string) (string, string) {
	i := 0
	for i < len(s) && s[i] >= 'A' && s[i] <= 'Z' {
		i++
	}
	return s[:i], s[i:]
}
