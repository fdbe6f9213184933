package chart

import (
	"fmt"
	"strings"
	"testing"

	goldenfile "pubdata/internal/golden"
)

func golden(t *testing.T, name string, got string) {
	t.Helper()
	goldenfile.Check(t, name+".golden.html", []byte(got))
}

var months = []string{"2025-01", "2025-02", "2025-03", "2025-04"}

func days(n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("03-%02d", i+1))
	}
	return out
}

// A long table starts closed under its label, a short one open; the last day is labelled once.
func TestTableDisclosure(t *testing.T) {
	long := string(Chart{Kind: Line, Title: "t", TableLabel: "数据表", Categories: days(30), Series: []Series{{Name: "a", Values: []float64{1}}}}.HTML())
	if !strings.Contains(long, `<details class="chart-table"><summary>数据表</summary>`) {
		t.Fatalf("long table: %s", long)
	}
	if strings.Count(long, ">03-30</text>") != 1 || strings.Contains(long, ">03-29</text>") {
		t.Fatal("the last day is not labelled once, or its neighbour overlaps it")
	}
	short := string(Chart{Kind: Bar, Title: "t", TableLabel: "数据表", Categories: months, Series: []Series{{Name: "a", Values: []float64{1}}}}.HTML())
	if !strings.Contains(short, `<details class="chart-table" open>`) {
		t.Fatal("a short table starts closed")
	}
}

func TestGolden(t *testing.T) {
	cases := map[string]Chart{
		"bar": {ID: "agencies", Kind: Bar, Title: "各部门数据量 / Rows by agency", Desc: "每个部门归集的数据行数",
			CategoryHeader: "部门", Categories: []string{"市场监督管理局", "公安局", "一个名字特别特别长的部门名称用于截断"},
			Series: []Series{{Name: "行数", Values: []float64{120000, 45000, 3}, Hrefs: []string{"/catalog?org=a", "/catalog?org=b", ""}}}},
		"stacked": {ID: "requests", Kind: Stacked, Title: "共享申请（按状态、月份）", Desc: "每月提交的共享申请，按当前状态分段",
			CategoryHeader: "月份", TotalHeader: "合计", Categories: months,
			Series: []Series{{Name: "已批准", Values: []float64{3, 5, 0, 2}, Hrefs: []string{"/x?m=1", "/x?m=2", "/x?m=3", "/x?m=4"}},
				{Name: "待审批", Values: []float64{1, 0, 4, 1}}, {Name: "已拒绝", Values: []float64{0, 1, 1, 0}}}},
		"line": {ID: "calls", Kind: Line, Title: "网关调用（每天）", Desc: "共享网关每天的调用次数",
			CategoryHeader: "日期", Categories: []string{"03-01", "03-02", "03-03"},
			Series: []Series{{Name: "调用", Values: []float64{10, 250, 40}}, {Name: "拒绝", Values: []float64{0, 2, 1}}}},
		"days": {ID: "days", Kind: Line, Title: "三十天", Desc: "每天的调用", CategoryHeader: "日期", TableLabel: "数据表", Categories: days(30),
			Series: []Series{{Name: "调用", Values: []float64{0, 3, 0, 7}, Hrefs: []string{"/a"}}}},
		"percent": {ID: "quality", Kind: Bar, Title: "质量得分", Desc: "各部门最新质量得分", Percent: true,
			CategoryHeader: "部门", Categories: []string{"甲", "乙"}, Series: []Series{{Name: "得分", Values: []float64{92.5, 61}}}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			out := string(c.HTML())
			for _, want := range []string{`role="img"`, `<title id="` + c.ID + `-t">`, `<desc id="` + c.ID + `-d">`, `aria-labelledby="` + c.ID + `-t ` + c.ID + `-d"`, `viewBox="0 0 640 `, `<table class="chart-data">`} {
				if !strings.Contains(out, want) {
					t.Errorf("lacks %s", want)
				}
			}
			if strings.Contains(out, `width="640"`) {
				t.Error("fixed width: the chart would not scale on a phone")
			}
			golden(t, name, out)
		})
	}
}

// Labels, titles and series names are escaped everywhere; only links on this site are kept.
func TestEscaping(t *testing.T) {
	evil := `<script>alert("x")</script>&`
	c := Chart{Kind: Stacked, Title: evil, Desc: evil, CategoryHeader: evil, TotalHeader: evil, Categories: []string{evil},
		Series: []Series{{Name: evil, Values: []float64{1}, Hrefs: []string{`/a?b="><script>`}},
			{Name: "b", Values: []float64{2}, Hrefs: []string{"javascript:alert(1)"}}}}
	for _, k := range []Kind{Bar, Stacked, Line} {
		c.Kind = k
		out := string(c.HTML())
		if strings.Contains(out, "<script") || strings.Contains(out, `"x"`) {
			t.Fatalf("kind %d: unescaped label:\n%s", k, out)
		}
		if strings.Contains(out, "javascript:") {
			t.Fatalf("kind %d: a javascript: link survived", k)
		}
		if !strings.Contains(out, `href="/a?b=&#34;&gt;&lt;script&gt;"`) {
			t.Fatalf("kind %d: the site link is missing or unescaped:\n%s", k, out)
		}
	}
}

func TestEmpty(t *testing.T) {
	out := string(Chart{Kind: Line, Title: "调用", Empty: "暂无数据", Categories: months, Series: []Series{{Name: "a", Values: []float64{0, 0, 0, 0}}}}.HTML())
	if strings.Contains(out, "<svg") || !strings.Contains(out, "暂无数据") {
		t.Fatalf("empty chart: %s", out)
	}
}

// Every series colour is readable as text on white (WCAG AA 4.5:1).
func TestPaletteContrast(t *testing.T) {
	for _, c := range append(Palette, "#1b1f24") {
		if r := Contrast(c, "#ffffff"); r < 4.5 {
			t.Errorf("%s on white: %.2f < 4.5", c, r)
		}
	}
	if r := Contrast("#000000", "#ffffff"); r < 20.9 || r > 21.1 {
		t.Fatalf("black on white = %.2f, want 21", r)
	}
}

func TestGroup(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := group(n); got != want {
			t.Errorf("group(%d) = %s, want %s", n, got, want)
		}
	}
}
