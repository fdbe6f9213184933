// Package chart renders charts on the server as SVG (no script, no build step): horizontal bars
// (one value per category, e.g. by agency), stacked columns (several series per category, e.g.
// requests by state and month) and lines over time (e.g. gateway calls per day).
//
// Every chart is a <figure> holding an <svg role="img"> labelled by its <title> and <desc>, and,
// under it, the same numbers as a table (the text alternative, in a scrolling box): screen
// readers and people who would rather read get every value, and every value that has a link in
// the chart has it in the table too (drill-down). The SVG has a viewBox and no fixed size, so it
// scales to the width of a phone. Every label is escaped; colours are dark enough for text on
// white (WCAG AA, 4.5:1), which also passes the 3:1 asked of graphics.
package chart

import (
	"fmt"
	"hash/fnv"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind is the shape of a chart.
type Kind int

// Kinds.
const (
	Bar     Kind = iota // horizontal bars, one series
	Stacked             // stacked columns, several series
	Line                // lines over time, one or more series
)

// Palette holds the series colours, each with a contrast of at least 4.5:1 against white.
var Palette = []string{"#0b5cad", "#b3261e", "#1a7f37", "#8a4b00", "#6a1b9a", "#00695c", "#505a64"}

// Series is one row of values, one per category; Hrefs (optional, same length) link each
// value to the items behind it.
type Series struct {
	Name   string
	Values []float64
	Hrefs  []string
}

// Chart is what to draw.
type Chart struct {
	// ID makes the element ids unique on a page (derived from Title when empty).
	ID    string
	Kind  Kind
	Title string
	// Desc says in words what the chart shows (read by screen readers).
	Desc string
	// Categories are the labels of the x axis (months, days) or of the bars (agencies).
	Categories []string
	Series     []Series
	// CategoryHeader heads the table's first column (e.g. 月份 / Month).
	CategoryHeader string
	// TotalHeader, when set, adds a total column to the table of a stacked chart.
	TotalHeader string
	// Empty is shown instead of the chart when there is no value at all.
	Empty string
	// Percent formats values as percentages (0–100).
	Percent bool
	// TableLabel, when set, heads the table as a disclosure (<details>) that starts closed when
	// the table is long (more than OpenRows rows), so a month-by-day table does not bury the page.
	TableLabel string
}

// OpenRows is how many rows a table may have and still start open.
const OpenRows = 8

const (
	width   = 640
	barRow  = 26
	labelW  = 200
	plotTop = 12
)

// HTML renders the chart and its table.
func (c Chart) HTML() template.HTML {
	var b strings.Builder
	id := c.ID
	if id == "" {
		h := fnv.New32a()
		h.Write([]byte(c.Title))
		id = "c" + strconv.FormatUint(uint64(h.Sum32()), 36)
	}
	id = safeID(id)
	fmt.Fprintf(&b, `<figure class="chart" id="%s">`, id)
	fmt.Fprintf(&b, `<figcaption>%s</figcaption>`, esc(c.Title))
	if c.empty() {
		fmt.Fprintf(&b, `<p class="help">%s</p></figure>`, esc(c.Empty))
		return template.HTML(b.String())
	}
	switch c.Kind {
	case Bar:
		c.bars(&b, id)
	case Stacked:
		c.stacked(&b, id)
	default:
		c.lines(&b, id)
	}
	c.table(&b)
	b.WriteString(`</figure>`)
	return template.HTML(b.String())
}

func (c Chart) empty() bool {
	for _, s := range c.Series {
		for _, v := range s.Values {
			if v != 0 {
				return false
			}
		}
	}
	return true
}

func (c Chart) open(b *strings.Builder, id string, h int) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-t %s-d" preserveAspectRatio="xMinYMin meet">`, width, h, id, id)
	fmt.Fprintf(b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(c.Title), id, esc(c.Desc))
}

func (c Chart) format(v float64) string {
	if c.Percent {
		return strconv.FormatFloat(v, 'f', 1, 64) + "%"
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return group(int64(v))
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// group writes an integer with thousands separators (1,234,567).
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

func (c Chart) max(stack bool) float64 {
	m := 0.0
	for i := range c.Categories {
		sum := 0.0
		for _, s := range c.Series {
			v := at(s.Values, i)
			if stack {
				sum += v
			} else {
				m = math.Max(m, v)
			}
		}
		m = math.Max(m, sum)
	}
	if c.Percent {
		return math.Max(m, 100)
	}
	if m <= 0 {
		return 2
	}
	if m == math.Trunc(m) {
		return math.Ceil(m/2) * 2 // counts: the middle gridline falls on a whole number
	}
	return m
}

// bars draws one horizontal bar per category, the value at its end.
func (c Chart) bars(b *strings.Builder, id string) {
	h := plotTop + barRow*len(c.Categories) + 8
	c.open(b, id, h)
	m := c.max(false)
	plot := float64(width - labelW - 70)
	var s Series
	if len(c.Series) > 0 {
		s = c.Series[0]
	}
	for i, cat := range c.Categories {
		y := plotTop + i*barRow
		v := at(s.Values, i)
		w := plot * v / m
		if v > 0 && w < 2 {
			w = 2
		}
		fmt.Fprintf(b, `<text x="%d" y="%d" text-anchor="end" font-size="13" fill="#1b1f24">%s</text>`, labelW-8, y+15, esc(clip(cat, 14)))
		link(b, href(s.Hrefs, i), func() {
			fmt.Fprintf(b, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>%s: %s</title></rect>`, labelW, y+3, w, barRow-8, Palette[0], esc(cat), c.format(v))
			fmt.Fprintf(b, `<text x="%.1f" y="%d" font-size="13" fill="#1b1f24">%s</text>`, float64(labelW)+w+6, y+15, c.format(v))
		})
	}
	b.WriteString(`</svg>`)
}

const (
	colTop    = 12
	colH      = 180
	colLeft   = 56
	colBottom = 40
)

func (c Chart) axis(b *strings.Builder, m float64) {
	for _, f := range []float64{0, 0.5, 1} {
		y := float64(colTop) + colH*(1-f)
		fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#8c959f" stroke-width="1"/>`, colLeft, width-8, y, y)
		fmt.Fprintf(b, `<text x="%d" y="%.1f" text-anchor="end" font-size="12" fill="#1b1f24">%s</text>`, colLeft-6, y+4, c.format(math.Round(m*f)))
	}
}

// xlabels writes at most about eight category labels under the plot, the last one always,
// none so close to another that they overlap, none beyond the edges.
func (c Chart) xlabels(b *strings.Builder, x func(i int) float64) {
	n := len(c.Categories)
	step := max(1, (n+7)/8)
	var at []int
	for i := 0; i < n; i += step {
		at = append(at, i)
	}
	if last := at[len(at)-1]; last != n-1 {
		if n-1-last < step && len(at) > 1 {
			at = at[:len(at)-1]
		}
		at = append(at, n-1)
	}
	for _, i := range at {
		anchor := "middle"
		half := 3.5 * float64(utf8.RuneCountInString(clip(c.Categories[i], 10)))
		switch {
		case x(i)+half > width:
			anchor = "end"
		case x(i)-half < 0:
			anchor = "start"
		}
		fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="%s" font-size="12" fill="#1b1f24">%s</text>`, x(i), colTop+colH+18, anchor, esc(clip(c.Categories[i], 10)))
	}
}

func (c Chart) legend(b *strings.Builder, y int) {
	x := colLeft
	for i, s := range c.Series {
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="12" height="12" fill="%s"/>`, x, y, color(i))
		fmt.Fprintf(b, `<text x="%d" y="%d" font-size="12" fill="#1b1f24">%s</text>`, x+16, y+11, esc(clip(s.Name, 12)))
		x += 24 + 13*min(utf8.RuneCountInString(s.Name), 12)
		if x > width-120 {
			x, y = colLeft, y+18
		}
	}
}

// stacked draws one column per category with the series stacked, and a legend.
func (c Chart) stacked(b *strings.Builder, id string) {
	rows := 1 + (len(c.Series)-1)/4
	h := colTop + colH + colBottom + rows*18
	c.open(b, id, h)
	m := c.max(true)
	c.axis(b, m)
	n := max(len(c.Categories), 1)
	slot := float64(width-colLeft-8) / float64(n)
	bw := math.Max(2, slot*0.7)
	x := func(i int) float64 { return float64(colLeft) + slot*float64(i) + slot/2 }
	for i, cat := range c.Categories {
		base := 0.0
		for k, s := range c.Series {
			v := at(s.Values, i)
			if v <= 0 {
				continue
			}
			y := float64(colTop) + colH*(1-(base+v)/m)
			hh := colH * v / m
			link(b, href(s.Hrefs, i), func() {
				fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s · %s: %s</title></rect>`,
					x(i)-bw/2, y, bw, hh, color(k), esc(cat), esc(s.Name), c.format(v))
			})
			base += v
		}
	}
	c.xlabels(b, x)
	c.legend(b, colTop+colH+colBottom-12)
	b.WriteString(`</svg>`)
}

// lines draws each series as a line with a dot per value, and a legend when there are several.
func (c Chart) lines(b *strings.Builder, id string) {
	rows := 0
	if len(c.Series) > 1 {
		rows = 1 + (len(c.Series)-1)/4
	}
	h := colTop + colH + colBottom - 12 + rows*18 + 4
	c.open(b, id, h)
	m := c.max(false)
	c.axis(b, m)
	n := len(c.Categories)
	x := func(i int) float64 {
		if n <= 1 {
			return float64(colLeft+width-8) / 2
		}
		return float64(colLeft+8) + float64(width-colLeft-24)*float64(i)/float64(n-1)
	}
	y := func(v float64) float64 { return float64(colTop) + colH*(1-v/m) }
	for k, s := range c.Series {
		var pts []string
		for i := range c.Categories {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(at(s.Values, i))))
		}
		fmt.Fprintf(b, `<polyline fill="none" stroke="%s" stroke-width="2.5" points="%s"/>`, color(k), strings.Join(pts, " "))
		for i, cat := range c.Categories {
			v := at(s.Values, i)
			link(b, href(s.Hrefs, i), func() {
				fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s · %s: %s</title></circle>`, x(i), y(v), color(k), esc(cat), esc(s.Name), c.format(v))
			})
		}
	}
	c.xlabels(b, x)
	if rows > 0 {
		c.legend(b, colTop+colH+colBottom-12)
	}
	b.WriteString(`</svg>`)
}

// table writes the text alternative: a row per category, a column per series.
func (c Chart) table(b *strings.Builder) {
	if c.TableLabel != "" {
		open := ""
		if len(c.Categories) <= OpenRows {
			open = " open"
		}
		fmt.Fprintf(b, `<details class="chart-table"%s><summary>%s</summary>`, open, esc(c.TableLabel))
		defer b.WriteString(`</details>`)
	}
	b.WriteString(`<div class="scroll"><table class="chart-data"><thead><tr>`)
	fmt.Fprintf(b, `<th scope="col">%s</th>`, esc(c.CategoryHeader))
	for _, s := range c.Series {
		fmt.Fprintf(b, `<th scope="col">%s</th>`, esc(s.Name))
	}
	total := c.Kind == Stacked && c.TotalHeader != ""
	if total {
		fmt.Fprintf(b, `<th scope="col">%s</th>`, esc(c.TotalHeader))
	}
	b.WriteString(`</tr></thead><tbody>`)
	for i, cat := range c.Categories {
		fmt.Fprintf(b, `<tr><th scope="row">%s</th>`, esc(cat))
		sum := 0.0
		for _, s := range c.Series {
			v := at(s.Values, i)
			sum += v
			if u := href(s.Hrefs, i); u != "" {
				fmt.Fprintf(b, `<td><a href="%s">%s</a></td>`, esc(u), c.format(v))
			} else {
				fmt.Fprintf(b, `<td>%s</td>`, c.format(v))
			}
		}
		if total {
			fmt.Fprintf(b, `<td>%s</td>`, c.format(sum))
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table></div>`)
}

func link(b *strings.Builder, u string, draw func()) {
	if u == "" {
		draw()
		return
	}
	fmt.Fprintf(b, `<a href="%s">`, esc(u))
	draw()
	b.WriteString(`</a>`)
}

// href is the i-th link when it is a path on this site; anything else (another site, a
// javascript: URL) is dropped.
func href(hs []string, i int) string {
	if i >= len(hs) {
		return ""
	}
	u := hs[i]
	if !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") || strings.ContainsAny(u, "\\\x00\r\n\t") {
		return ""
	}
	return u
}

func at(v []float64, i int) float64 {
	if i < len(v) && !math.IsNaN(v[i]) && !math.IsInf(v[i], 0) {
		return v[i]
	}
	return 0
}

func color(i int) string { return Palette[i%len(Palette)] }

func esc(s string) string { return html.EscapeString(s) }

// clip shortens a label drawn in the chart (the table keeps it whole).
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

func safeID(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '-' || r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "chart"
	}
	return b.String()
}

// Contrast is the WCAG contrast ratio of two colours written #rrggbb.
func Contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(hex string) float64 {
	hex = strings.TrimPrefix(hex, "#")
	if len(hex) != 6 {
		return 0
	}
	ch := func(s string) float64 {
		v, _ := strconv.ParseUint(s, 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(hex[0:2]) + 0.7152*ch(hex[2:4]) + 0.0722*ch(hex[4:6])
}
