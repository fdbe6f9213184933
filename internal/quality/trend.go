package quality

import (
	"fmt"
	"html"
	"strings"
)

// TrendSVG draws a score series as a self-contained, accessible SVG line chart (趋势图) — no
// JavaScript, no chart library: a thick line for the total and thin lines for the dimensions,
// a 0–100 axis, the first and last dates, and a <title> on every point for hover and screen
// readers. lang "en" labels in English, anything else in Chinese.
func TrendSVG(points []ScorePoint, title, lang string) string {
	const (
		w, h                   = 720, 260
		left, right, top, bott = 44, 150, 28, 36
	)
	pw, ph := float64(w-left-right), float64(h-top-bott)
	en := lang == "en"
	name := func(d string) string {
		if d == "total" {
			if en {
				return "Total"
			}
			return "总分"
		}
		if en {
			return DimensionNames[d][1]
		}
		return DimensionNames[d][0]
	}
	var b strings.Builder
	desc := fmt.Sprintf("%d 个评分点", len(points))
	if en {
		desc = fmt.Sprintf("%d score points", len(points))
	}
	if n := len(points); n > 0 {
		last := points[n-1]
		if en {
			desc += fmt.Sprintf("; latest %s total %.1f", last.Day, last.Total)
		} else {
			desc += fmt.Sprintf("，最近 %s 总分 %.1f", last.Day, last.Total)
		}
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-labelledby="qt-title qt-desc" class="trend" font-family="PingFang SC, Microsoft YaHei, Noto Sans CJK SC, Source Han Sans SC, WenQuanYi Micro Hei, sans-serif" font-size="12">`, w, h, w, h)
	fmt.Fprintf(&b, `<title id="qt-title">%s</title><desc id="qt-desc">%s</desc>`, html.EscapeString(title), html.EscapeString(desc))
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="%d" fill="#fff"/>`, w, h)
	y := func(v float64) float64 { return float64(top) + ph*(1-v/100) }
	for _, g := range []float64{0, 25, 50, 75, 100} {
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#d0d7de" stroke-width="1"/>`, left, y(g), float64(left)+pw, y(g))
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end" fill="#57606a">%.0f</text>`, left-6, y(g)+4, g)
	}
	if len(points) == 0 {
		msg := "暂无评分数据"
		if en {
			msg = "No scores yet"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#57606a">%s</text></svg>`, float64(left)+pw/2, float64(top)+ph/2, msg)
		return b.String()
	}
	x := func(i int) float64 {
		if len(points) == 1 {
			return float64(left) + pw/2
		}
		return float64(left) + pw*float64(i)/float64(len(points)-1)
	}
	series := []struct {
		dim, color string
		width      float64
		dash       string
	}{
		{Completeness, "#8250df", 1.2, "4 3"},
		{Accuracy, "#bf8700", 1.2, "2 2"},
		{Consistency, "#1a7f37", 1.2, "6 3"},
		{Timeliness, "#cf222e", 1.2, "1 3"},
		{Availability, "#57606a", 1.2, "8 2 2 2"},
		{"total", "#0b5cad", 3, ""},
	}
	for si, sr := range series {
		var pts []string
		for i, p := range points {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(p.Dim(sr.dim))))
		}
		dash := ""
		if sr.dash != "" {
			dash = ` stroke-dasharray="` + sr.dash + `"`
		}
		if len(points) > 1 {
			fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="%.1f"%s points="%s"/>`, sr.color, sr.width, dash, strings.Join(pts, " "))
		}
		ly := float64(top) + 8 + float64(si)*18
		lx := float64(left) + pw + 16
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="%.1f"%s/>`, lx, ly, lx+22, ly, sr.color, max(sr.width, 2), dash)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="#1b1f24">%s</text>`, lx+28, ly+4, html.EscapeString(name(sr.dim)))
	}
	for i, p := range points {
		label := p.Day
		if p.Version > 0 {
			if en {
				label += fmt.Sprintf(" v%d", p.Version)
			} else {
				label += fmt.Sprintf(" 第%d版", p.Version)
			}
		}
		tip := fmt.Sprintf("%s: %s %.1f · %s %.1f · %s %.1f · %s %.1f · %s %.1f · %s %.1f", label, name("total"), p.Total,
			name(Completeness), p.Completeness, name(Accuracy), p.Accuracy, name(Consistency), p.Consistency,
			name(Timeliness), p.Timeliness, name(Availability), p.Availability)
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="#0b5cad"><title>%s</title></circle>`, x(i), y(p.Total), html.EscapeString(tip))
	}
	first, last := points[0].Day, points[len(points)-1].Day
	fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#57606a">%s</text>`, left, h-12, html.EscapeString(first))
	if len(points) > 1 {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="end" fill="#57606a">%s</text>`, float64(left)+pw, h-12, html.EscapeString(last))
	}
	b.WriteString(`</svg>`)
	return b.String()
}
