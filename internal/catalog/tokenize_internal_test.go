package catalog

import (
	"strings"
	"testing"
)

func TestTokensShape(t *testing.T) {
	var got []string
	Tokens("婚姻登记 Population-2026 数据", func(s string) { got = append(got, s) })
	want := "婚 姻 婚姻 登 姻登 记 登记 population 2026 数 据 数据"
	if strings.Join(got, " ") != want {
		t.Fatalf("%q", strings.Join(got, " "))
	}
	var q []string
	for _, t := range parseQuery("婚姻登记 水 Pop") {
		q = append(q, t.tok)
	}
	if strings.Join(q, " ") != "婚姻 姻登 登记 水 pop" {
		t.Fatalf("%q", q)
	}
}

func TestTokensSkipPunctuation(t *testing.T) {
	var got []string
	Tokens("《婚姻登记条例》第十七条。", func(s string) { got = append(got, s) })
	for _, g := range got {
		if strings.ContainsAny(g, "《》。") {
			t.Fatalf("punctuation indexed: %q", got)
		}
	}
}
