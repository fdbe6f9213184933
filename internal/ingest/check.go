package ingest

import (
	"cmp"
	"errors"
	"fmt"
	"hash/maphash"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"pubdata/internal/catalog"
	"pubdata/internal/mask"
	"pubdata/internal/validate"
	"pubdata/internal/vocab"
)

// Built-in rule names (stable: they appear in reports, the API and correction tasks).
const (
	RuleEncoding        = "structure.encoding"       // broken character encoding
	RuleParse           = "structure.parse"          // a line that cannot be parsed
	RuleRagged          = "structure.columns"        // a row with more or fewer columns than the header
	RuleUnknownColumn   = "structure.unknown_column" // a column that is not a field
	RuleDuplicateColumn = "structure.duplicate_column"
	RuleMissingColumn   = "structure.missing_column"
	RuleFormula         = "security.formula" // formula injection payload (=, +, -, @ …)
	RuleRequired        = "field.required"
	RuleNUL             = "field.nul"    // a NUL character (no text column can hold it)
	RuleLength          = "field.length" // longer than the item's declared length (or the per-value limit)
	RuleFormat          = "field.format" // validate package: ID numbers, credit codes, phones, e-mail, bank cards …
	RuleType            = "field.type"
	RuleEnum            = "field.enum"
	RuleRange           = "field.range"
	RuleDate            = "field.date"
	RuleRegion          = "field.region" // region code not in the region table
	RuleKeyMissing      = "key.missing"
	RuleKeyDuplicate    = "key.duplicate"
	RuleTimeliness      = "load.timeliness"
)

// fieldCheck is a field with its precomputed checks.
type fieldCheck struct {
	f        catalog.Field
	enum     map[string]bool
	isDate   bool
	isTime   bool
	isInt    bool
	isNum    bool
	isBool   bool
	isRegion bool
	birth    bool // a birth date: not in the future
	fmtKind  bool // validate.Value has a rule for the kind
}

// checker validates rows of one load. It runs in one goroutine.
type checker struct {
	e       *catalog.Entry
	fields  []fieldCheck
	keyIdx  []int
	regions map[string]bool
	seed    maphash.Seed
	seen    keySet
	extra   []RowRule
	rep     *reportBuilder
	today   time.Time
	maxDate time.Time
	masks   mask.Rules
	// maxCell bounds a value of an item that declares no length, in bytes (0: DefaultMaxCellBytes).
	maxCell int
}

var minDate = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

func newChecker(e *catalog.Entry, regions map[string]bool, extra []RowRule, rep *reportBuilder, now time.Time) *checker {
	c := &checker{e: e, keyIdx: keyIndexes(e), regions: regions, seed: maphash.MakeSeed(),
		extra: extra, rep: rep, masks: mask.DefaultRules()}
	y, m, d := now.Date()
	c.today = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	c.maxDate = c.today.AddDate(100, 0, 0)
	for _, f := range e.Fields {
		fc := fieldCheck{f: f}
		if len(f.EnumValues) > 0 {
			fc.enum = map[string]bool{}
			for _, v := range f.EnumValues {
				fc.enum[v] = true
			}
		}
		fc.isDate = f.Type == catalog.TypeDate || f.Kind == catalog.KindDate
		fc.isTime = f.Type == catalog.TypeTime
		fc.isInt = f.Type == catalog.TypeInteger
		fc.isNum = f.Type == catalog.TypeDecimal || f.Kind == catalog.KindNumber
		fc.isBool = f.Type == catalog.TypeBool
		fc.isRegion = f.Kind == catalog.KindRegionCode
		fc.birth = fc.isDate && (strings.Contains(f.Name, "birth") || strings.Contains(f.Label, "出生"))
		// The kind's load-time check (vocab.Kinds); dates are parsed by the date path below.
		chk := f.Kind.CheckRule()
		fc.fmtKind = chk != vocab.CheckNone && chk != vocab.CheckDate
		c.fields = append(c.fields, fc)
	}
	return c
}

// check validates and normalizes one row in place; it returns the row's blocking problems
// (and records advisory ones in the report only).
func (c *checker) check(row *rawRow) (key string, blocking bool) {
	probs := row.probs
	cells := row.cells
	line := row.line
	for _, p := range probs {
		if p.Rule == RuleParse {
			// an unparseable line has no values to check: report the line, nothing else
			for _, p := range probs {
				c.rep.add(p, "", false)
			}
			return "", true
		}
	}
	for i := range c.fields {
		fc := &c.fields[i]
		v := cells[i]
		if v != "" && (v[0] <= ' ' || v[len(v)-1] <= ' ') {
			v = strings.TrimSpace(v)
		}
		if v != "" {
			if p, ok := c.cell(fc, line, &v); !ok {
				probs = append(probs, p)
			}
		} else if fc.f.Required || fc.f.IsKey {
			c.rep.dims[DimCompleteness].failed++
			rule := RuleRequired
			if fc.f.IsKey {
				rule = RuleKeyMissing
			}
			probs = append(probs, Problem{Line: line, Field: fc.f.Name, Rule: rule, Dimension: DimCompleteness,
				ZH: fc.f.Label + "：必填项为空", EN: fc.f.Name + ": required value is empty"})
		}
		if fc.f.Required || fc.f.IsKey {
			c.rep.dims[DimCompleteness].checked++
		}
		cells[i] = v
	}
	if len(c.keyIdx) > 0 {
		key = keyOf(c.keyIdx, cells)
		c.rep.dims[DimConsistency].checked++
		if key != "" && len(key) >= len(c.keyIdx) {
			h := maphash.String(c.seed, key)
			if first, dup := c.seen.add(h, int32(line)); dup {
				c.rep.dims[DimConsistency].failed++
				probs = append(probs, Problem{Line: line, Key: key, Field: c.e.Fields[c.keyIdx[0]].Name, Rule: RuleKeyDuplicate, Dimension: DimConsistency,
					ZH: fmt.Sprintf("主键与第 %d 行重复", first), EN: fmt.Sprintf("the key repeats line %d", first)})
			}
		}
	}
	nblock := len(probs)
	if len(c.extra) > 0 {
		rec := make(map[string]string, len(cells))
		for i, f := range c.e.Fields {
			rec[f.Name] = cells[i]
		}
		for _, r := range c.extra {
			ps := r.Check(c.e, rec)
			adv := advisory(r)
			dim := r.Dimension()
			if d, ok := c.rep.dims[dim]; ok {
				d.checked++
				if len(ps) > 0 {
					d.failed++
				}
			}
			for _, p := range ps {
				if p.Line == 0 {
					p.Line = line
				}
				if p.Rule == "" {
					p.Rule = r.Name()
				}
				if p.Dimension == "" {
					p.Dimension = dim
				}
				if adv {
					c.rep.add(p, key, true)
				} else {
					probs = append(probs, p)
					nblock++
				}
			}
		}
	}
	for i := range probs {
		if probs[i].Key == "" {
			probs[i].Key = key
		}
		c.rep.add(probs[i], key, false)
	}
	return key, nblock > 0
}

func advisory(r RowRule) bool {
	a, ok := r.(interface{ Advisory() bool })
	return ok && a.Advisory()
}

// cell checks one non-empty value, normalizing it in place.
func (c *checker) cell(fc *fieldCheck, line int, v *string) (Problem, bool) {
	s := *v
	c.rep.dims[DimAccuracy].checked++
	fail := func(rule, zh, en string) (Problem, bool) {
		c.rep.dims[DimAccuracy].failed++
		return Problem{Line: line, Field: fc.f.Name, Rule: rule, Dimension: DimAccuracy,
			ZH: fc.f.Label + "：" + zh, EN: fc.f.Name + ": " + en, Value: c.maskValue(fc.f, s)}, false
	}
	if strings.IndexByte(s, 0) >= 0 {
		c.rep.dims[DimAccuracy].failed++
		return Problem{Line: line, Field: fc.f.Name, Rule: RuleNUL, Dimension: DimAccuracy,
			ZH: fc.f.Label + "：含有空字符（NUL），已拒收", EN: fc.f.Name + ": contains a NUL character and is refused"}, false
	}
	if n := fc.f.MaxLength; n > 0 {
		if got := utf8.RuneCountInString(s); got > n {
			return fail(RuleLength, fmt.Sprintf("长度 %d 个字符，超过该信息项声明的长度 %d", got, n),
				fmt.Sprintf("%d characters, longer than the item's declared length of %d", got, n))
		}
	} else if max := cmp.Or(c.maxCell, DefaultMaxCellBytes); len(s) > max {
		return fail(RuleLength, fmt.Sprintf("长度 %d 字节，超过单个值 %d 字节的上限", len(s), max),
			fmt.Sprintf("%d bytes, longer than the limit of %d bytes for one value", len(s), max))
	}
	if !asciiOnly(s) {
		if !utf8.ValidString(s) || strings.ContainsRune(s, utf8.RuneError) {
			c.rep.dims[DimAccuracy].failed++
			return encodingProblem(line, fc.f.Name), false
		}
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		legit := (fc.isNum || fc.isInt) && validate.Number(s) == nil ||
			fc.f.Kind == catalog.KindPhone && validate.Phone(s) == nil
		if !legit {
			return fail(RuleFormula, "以 = + - @ 等字符开头的内容可能是电子表格公式注入，已拒收",
				"a value starting with = + - @ may be a spreadsheet formula injection and is refused")
		}
	}
	switch fc.f.Kind {
	case catalog.KindCitizenID:
		s = validate.NormalizeCitizenID(s)
	case catalog.KindCreditCode:
		s = validate.NormalizeCreditCode(s)
	}
	if fc.fmtKind && !(fc.f.Kind == catalog.KindPhone && fastMobile(s)) {
		if err := validate.Value(fc.f.Kind, s); err != nil {
			zh, en := err.Error(), err.Error()
			var ve *validate.Error
			if errors.As(err, &ve) {
				zh, en = ve.ZH, ve.EN
			}
			return fail(RuleFormat, zh, en)
		}
	}
	if fc.isRegion && c.regions != nil && !c.regions[s] {
		return fail(RuleRegion, "行政区划代码不在区划表中", "the region code is not in the region table")
	}
	switch {
	case fc.isDate:
		t, ok := fastDate(s)
		if !ok {
			var err error
			t, err = validate.Date(s)
			if err != nil {
				return fail(RuleDate, "日期无效（应为真实日期，如 2006-01-02）", "invalid date (expected a real date such as 2006-01-02)")
			}
			t = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
			s = t.Format("2006-01-02")
		}
		if t.Before(minDate) || t.After(c.maxDate) || (fc.birth && t.After(c.today)) {
			return fail(RuleDate, "日期不合理（早于 1900 年、过于遥远，或出生日期晚于今天）", "implausible date (before 1900, too far ahead, or a birth date after today)")
		}
	case fc.isTime:
		if _, err := parseDateTime(s); err != nil {
			return fail(RuleType, "日期时间无效（应为 2006-01-02 15:04:05）", "invalid date-time (expected 2006-01-02 15:04:05)")
		}
	case fc.isInt:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fail(RuleType, "应为整数", "must be an integer")
		}
		if p, bad := c.rangeCheck(fc, float64(n), line, s); bad {
			return p, false
		}
	case fc.isNum:
		if validate.Number(s) != nil {
			return fail(RuleType, "应为数字", "must be a number")
		}
		x, _ := strconv.ParseFloat(s, 64)
		if p, bad := c.rangeCheck(fc, x, line, s); bad {
			return p, false
		}
	case fc.isBool:
		switch strings.ToLower(s) {
		case "true", "1", "是", "yes", "y":
			s = "true"
		case "false", "0", "否", "no", "n":
			s = "false"
		default:
			return fail(RuleType, "应为 是/否（true/false）", "must be true or false")
		}
	}
	if fc.enum != nil && !fc.enum[s] {
		return fail(RuleEnum, "不在允许的取值范围内（"+clip(strings.Join(fc.f.EnumValues, "、"), 60)+"）",
			"not one of the allowed values ("+clip(strings.Join(fc.f.EnumValues, ", "), 60)+")")
	}
	*v = s
	return Problem{}, true
}

func (c *checker) rangeCheck(fc *fieldCheck, x float64, line int, s string) (Problem, bool) {
	if fc.f.MinValue != nil && x < *fc.f.MinValue || fc.f.MaxValue != nil && x > *fc.f.MaxValue {
		c.rep.dims[DimAccuracy].failed++
		lo, hi := "−∞", "+∞"
		if fc.f.MinValue != nil {
			lo = strconv.FormatFloat(*fc.f.MinValue, 'f', -1, 64)
		}
		if fc.f.MaxValue != nil {
			hi = strconv.FormatFloat(*fc.f.MaxValue, 'f', -1, 64)
		}
		return Problem{Line: line, Field: fc.f.Name, Rule: RuleRange, Dimension: DimAccuracy,
			ZH: fmt.Sprintf("%s：超出取值范围 [%s, %s]", fc.f.Label, lo, hi), EN: fmt.Sprintf("%s: out of range [%s, %s]", fc.f.Name, lo, hi),
			Value: c.maskValue(fc.f, s)}, true
	}
	return Problem{}, false
}

// maskValue is the sample of a value shown in reports: masked per the field kind, and any value
// of a sensitive field (level 3+) without a masking rule is redacted.
func (c *checker) maskValue(f catalog.Field, v string) string {
	v = clip(v, 40)
	if _, ok := c.masks[f.Kind]; ok {
		return c.masks.Value(f.Kind, v)
	}
	if f.Sensitivity >= 3 {
		return mask.Apply(mask.Rule{Method: mask.MethodRedact}, v)
	}
	return v
}

func asciiOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// fastMobile accepts the common 11-digit mobile number 1[3-9]XXXXXXXXX without a regular
// expression; everything else goes to validate.Phone (the fast path accepts a strict subset of
// what validate.Phone accepts, checked by a property test).
func fastMobile(s string) bool {
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' {
		return false
	}
	for i := 2; i < 11; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// fastDate parses the canonical YYYY-MM-DD spelling (a real calendar date) without allocating.
func fastDate(s string) (time.Time, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	n := func(a, b int) (int, bool) {
		x := 0
		for i := a; i < b; i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			x = x*10 + int(s[i]-'0')
		}
		return x, true
	}
	y, ok1 := n(0, 4)
	m, ok2 := n(5, 7)
	d, ok3 := n(8, 10)
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

var dateTimeLayouts = []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05", "2006/01/02 15:04:05", "2006-01-02 15:04"}

func parseDateTime(s string) (time.Time, error) {
	var err error
	for _, l := range dateTimeLayouts {
		var t time.Time
		if t, err = time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// keySet remembers the hashes of the keys seen in a load with the line of each, for the
// uniqueness check: open addressing with linear probing over a flat table, one cache miss per
// lookup on a million keys (a 64-bit hash: a false duplicate has odds below 1 in 10^7 at 10^6
// rows). The zero hash is remapped so 0 can mark an empty slot.
type keySet struct {
	hashes []uint64
	lines  []int32
	n      int
}

// add records h at line and reports the line of an earlier key with the same hash, if any.
func (k *keySet) add(h uint64, line int32) (int32, bool) {
	if h == 0 {
		h = 1
	}
	if k.n*2 >= len(k.hashes) {
		k.grow()
	}
	mask := uint64(len(k.hashes) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch k.hashes[i] {
		case 0:
			k.hashes[i], k.lines[i] = h, line
			k.n++
			return 0, false
		case h:
			return k.lines[i], true
		}
	}
}

func (k *keySet) grow() {
	size := max(1024, len(k.hashes)*2)
	old, oldLines := k.hashes, k.lines
	k.hashes, k.lines, k.n = make([]uint64, size), make([]int32, size), 0
	for i, h := range old {
		if h != 0 {
			k.add(h, oldLines[i])
		}
	}
}
