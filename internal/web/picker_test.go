package web_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"pubdata/internal/app"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
)

// fieldCodes are the codes of the data items of every published catalog entry, each with its
// Chinese name.
func fieldCodes(t *testing.T, a *app.App) map[string]string {
	ctx := context.Background()
	res, err := a.Catalog.Search(ctx, &authz.Principal{}, catalog.SearchQuery{PageSize: 500})
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]string{}
	for _, h := range res.Hits {
		e, err := a.Catalog.Published(ctx, h.ID)
		if err != nil {
			continue
		}
		for _, f := range e.Fields {
			codes[f.Name] = f.Label
		}
	}
	if len(codes) < 10 {
		t.Fatalf("only %d item codes in the demo catalog", len(codes))
	}
	return codes
}

var hanChar = regexp.MustCompile(`\p{Han}`)

// textOf is all the text under n (whatever its translate attribute: an item's name is data).
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// pickerName says whether a form field's name is one whose choices are data items (fields,
// clear_fields, items, group_by, before/after and every name ending in "field"); other
// pickers (an item's kind, a base, a role) share some codes with item names but are not items.
func pickerName(name string) bool {
	switch name {
	case "fields", "clear_fields", "clear", "items", "group_by", "before", "after":
		return true
	}
	return strings.HasSuffix(name, "field")
}

// pickerLeaks finds the choices of data items in a page (check boxes, radio buttons and
// options whose value is an item's code) that do not show the item's Chinese name beside its
// code (for the public, withCode false, the Chinese name alone). It returns the problems and
// how many such choices it read.
func pickerLeaks(body string, codes map[string]string, withCode bool) (leaks []string, choices int) {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return []string{"unparsable page: " + err.Error()}, 0
	}
	labelFor := map[string]*html.Node{}
	var index func(*html.Node)
	index = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "label" && attrOf(n, "for") != "" {
			labelFor[attrOf(n, "for")] = n
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			index(c)
		}
	}
	index(doc)
	judge := func(code, text string) {
		choices++
		if withCode && !strings.Contains(text, code) || !hanChar.MatchString(strings.ReplaceAll(text, code, "")) {
			leaks = append(leaks, fmt.Sprintf("item %s (%s) offered as %q", code, codes[code], text))
		}
	}
	var walk func(n *html.Node, label *html.Node, sel string)
	walk = func(n *html.Node, label *html.Node, sel string) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "label":
				label = n
			case "select":
				sel = attrOf(n, "name")
			case "input":
				typ, v := attrOf(n, "type"), attrOf(n, "value")
				if _, ok := codes[v]; ok && (typ == "checkbox" || typ == "radio") && pickerName(attrOf(n, "name")) {
					l := label
					if l == nil {
						l = labelFor[attrOf(n, "id")]
					}
					text := ""
					if l != nil {
						text = textOf(l)
					}
					judge(v, text)
				}
			case "option":
				if v := attrOf(n, "value"); v != "" && pickerName(sel) {
					if _, ok := codes[v]; ok {
						judge(v, textOf(n))
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, label, sel)
		}
	}
	walk(doc, nil, "")
	return leaks, choices
}
