package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"pubdata/internal/authz"
	"pubdata/internal/demo"
	"pubdata/internal/httpapi"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
	"pubdata/internal/vocab"
	"pubdata/internal/web"
)

// Words that are proper terms in both languages (and so allowed in the Chinese UI).
var properTerms = map[string]bool{"API": true, "CSV": true, "XLSX": true, "JSON": true, "JSONL": true, "ID": true, "URL": true, "HTTP": true,
	"HTTPS": true, "SM3": true, "SHA256": true, "Excel": true, "PDF": true, "English": true, "pubdata": true, "curl": true, "Bearer": true, "SQL": true,
	"MySQL": true, "PostgreSQL": true, "Webhook": true, "OpenAPI": true, "UTF-8": true, "GBK": true, "IP": true, "TLS": true, "HMAC": true, "JSON Lines": true, "MiB": true, "GB18030": true, "Parquet": true}

var (
	structDump = regexp.MustCompile(`\{[0-9]|\{0x|map\[|&\{|\{<nil>`)
	orgID      = regexp.MustCompile(`\borg-[a-z0-9]`)
	codeToken  = regexp.MustCompile(`[A-Za-z][A-Za-z0-9_.]*[A-Za-z0-9]`)
	latinRun   = regexp.MustCompile(`[A-Za-z][A-Za-z']+(?:[ -][A-Za-z][A-Za-z']+)*`)
	hanRun     = regexp.MustCompile(`\p{Han}{2,}`)
	urlPath    = regexp.MustCompile(`(?:GET|POST|PUT|DELETE)?\s*/[^\s·]*`)
	biCall     = regexp.MustCompile(`bi \S+ "([^"]*)" "([^"]*)"`)
)

// leakDetector knows the platform's codes and UI strings.
type leakDetector struct {
	codes   map[string]bool // every code of every vocabulary, role and organization kind
	enUI    map[string]bool // English UI strings
	enUISub []string        // English UI strings of two words or more, for substring matches
	zhRuns  map[string]bool // runs of Han characters in Chinese UI strings and templates
}

func newLeakDetector(t *testing.T) *leakDetector {
	d := &leakDetector{codes: map[string]bool{}, enUI: map[string]bool{}, zhRuns: map[string]bool{}}
	addZH := func(s string) {
		for _, r := range hanRun.FindAllString(s, -1) {
			d.zhRuns[r] = true
		}
	}
	addEN := func(s string) {
		s = strings.TrimSpace(s)
		if s == "" || strings.ContainsRune(s, '%') {
			return
		}
		d.enUI[s] = true
		if strings.Count(s, " ") >= 1 && len(s) >= 8 {
			d.enUISub = append(d.enUISub, s)
		}
	}
	for _, v := range vocab.Vocabularies() {
		for _, c := range vocab.Codes(v) {
			// Field kinds and types share their codes with field names, which are the entry's
			// own data (shown beside the field's Chinese name).
			if v != vocab.ActionObject && v != vocab.ActionVerb && v != "catalog.kind" && v != "catalog.type" {
				d.codes[c] = true
			}
			l, _ := vocab.Lookup(v, c)
			addZH(l[0])
			addEN(l[1])
		}
	}
	for r := range authz.RoleNames {
		d.codes[string(r)] = true
	}
	for k := range authz.OrgKinds {
		d.codes[string(k)] = true
	}
	for _, m := range web.UIStrings() {
		addZH(m[0])
		addEN(m[1])
	}
	files, _ := filepath.Glob("templates/*.html")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		addZH(string(b))
		for _, m := range biCall.FindAllStringSubmatch(string(b), -1) {
			addEN(m[2])
		}
	}
	return d
}

// words are the matches of re in text that stand alone: not part of a longer name joined by
// "-", "_" or "." (such as org-civil, open_date or cat-enterprise).
func words(text string, re *regexp.Regexp) []string {
	var out []string
	for _, ix := range re.FindAllStringIndex(text, -1) {
		if ix[0] > 0 && strings.ContainsRune("-_./", rune(text[ix[0]-1])) {
			continue
		}
		if ix[1] < len(text) && strings.ContainsRune("-_./", rune(text[ix[1]])) {
			continue
		}
		out = append(out, text[ix[0]:ix[1]])
	}
	return out
}

// check returns the leaks in one piece of visible text of a page in lang.
func (d *leakDetector) check(lang, text string) []string {
	var out []string
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	if m := structDump.FindString(text); m != "" {
		out = append(out, "Go value dump: "+text)
	}
	if orgID.MatchString(text) {
		out = append(out, "organization ID: "+text)
	}
	plain := urlPath.ReplaceAllString(text, " ")
	toks := words(plain, codeToken)
	allCodes := len(toks) > 0
	for _, tok := range toks {
		if !d.codes[tok] || properTerms[tok] {
			allCodes = false
			continue
		}
		codeLike := strings.ContainsAny(tok, "_.0123456789")
		if codeLike || lang == "zh" {
			out = append(out, fmt.Sprintf("raw code %q in %q", tok, text))
		}
	}
	if allCodes && lang == "en" && strings.ToLower(text) == text {
		out = append(out, "raw codes: "+text)
	}
	switch lang {
	case "zh":
		for _, run := range words(text, latinRun) {
			if properTerms[run] {
				continue
			}
			if d.enUI[run] {
				out = append(out, fmt.Sprintf("English %q in the Chinese UI: %q", run, text))
				continue
			}
			if strings.Contains(run, " ") {
				for _, s := range d.enUISub {
					if strings.Contains(s, run) && len(run) >= 8 {
						out = append(out, fmt.Sprintf("English %q in the Chinese UI: %q", run, text))
						break
					}
				}
			}
		}
	case "en":
		for _, run := range hanRun.FindAllString(text, -1) {
			if d.zhRuns[run] {
				out = append(out, fmt.Sprintf("Chinese %q in the English UI: %q", run, text))
			}
		}
	}
	return out
}

var voidTags = map[string]bool{"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true, "input": true,
	"link": true, "meta": true, "source": true, "track": true, "wbr": true}

// visible reads a page: its visible texts (text nodes and the attributes people read) and its
// links. Scripts, styles, text areas, samples of input and output (kbd, samp) and elements
// marked translate="no" (user-entered data) are not read.
func visible(body string) (texts, links []string) {
	type el struct {
		name string
		skip bool
	}
	stack := []el{{"", false}}
	z := html.NewTokenizer(strings.NewReader(body))
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return
		case html.TextToken:
			if !stack[len(stack)-1].skip {
				texts = append(texts, string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			skip := stack[len(stack)-1].skip || tok.Data == "script" || tok.Data == "style" || tok.Data == "textarea" || tok.Data == "samp" || tok.Data == "kbd"
			attr := map[string]string{}
			for _, a := range tok.Attr {
				attr[a.Key] = a.Val
			}
			if attr["translate"] == "no" {
				skip = true
			}
			if !skip {
				for _, k := range []string{"title", "placeholder", "aria-label", "alt"} {
					if v := attr[k]; v != "" {
						texts = append(texts, v)
					}
				}
				if tok.Data == "input" && (attr["type"] == "submit" || attr["type"] == "button") {
					texts = append(texts, attr["value"])
				}
			}
			if tok.Data == "a" && attr["href"] != "" {
				links = append(links, attr["href"])
			}
			if tt == html.StartTagToken && !voidTags[tok.Data] {
				stack = append(stack, el{tok.Data, skip})
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			for i := len(stack) - 1; i > 0; i-- {
				if stack[i].name == string(name) {
					stack = stack[:i]
					break
				}
			}
		}
	}
}

var idSegment = regexp.MustCompile(`[0-9]|^[a-z]+-[a-z0-9-]+$|^[A-Za-z0-9_-]{16,}$`)

// shape names a family of pages: IDs in the path and the values of the query are dropped.
func shape(u *url.URL) string {
	segs := strings.Split(u.Path, "/")
	for i, s := range segs {
		if idSegment.MatchString(s) {
			segs[i] = "{id}"
		}
	}
	var keys []string
	for k := range u.Query() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(segs, "/") + "?" + strings.Join(keys, "&")
}

// Every page reachable from the workbench, as every demo user (and a visitor) in Chinese and
// in English, shows people no internal codes: no Go value dumps, no organization IDs, no raw
// codes of the platform's vocabularies, no Chinese UI text in the English UI and no English UI
// text in the Chinese UI; where people pick data items, each item's Chinese name beside its
// code; and no link leads to a missing page or a server error. The crawl only
// reads (GET), so it runs on SQLite alone.
func TestNoInternalCodesOnAnyPage(t *testing.T) {
	start := time.Now()
	d := testutil.SQLite(t)
	a := testutil.DemoApp(t, d, nil)
	h, _, err := server.Handler(a, false)
	if err != nil {
		t.Fatal(err)
	}
	s := site{t, h}
	det := newLeakDetector(t)
	type finding struct{ what, where string }
	found := map[string]finding{}
	pages, pickers := 0, 0
	codes := fieldCodes(t, a)
	users := append([]string{""}, func() []string {
		var u []string
		for _, acc := range demo.Accounts {
			u = append(u, acc.Username)
		}
		return u
	}()...)
	for _, user := range users {
		var session *http.Cookie
		if user != "" {
			session = s.login(user)
		}
		for _, lang := range []string{"zh", "en"} {
			cookies := []*http.Cookie{{Name: httpapi.LangCookie, Value: lang}}
			if session != nil {
				cookies = append(cookies, session)
			}
			who := user
			if who == "" {
				who = "visitor"
			}
			// Besides the workbench: the error pages.
			queue := []string{"/", "/no-such-page", "/catalog/entries/no-such-entry"}
			seen := map[string]bool{}
			for _, q := range queue {
				seen[q] = true
			}
			shapes := map[string]int{}
			for n := 0; len(queue) > 0 && n < 60; n++ {
				path := queue[0]
				queue = queue[1:]
				w := s.get(path, cookies...)
				pages++
				where := who + " " + lang + " " + path
				switch {
				case path == "/no-such-page" || path == "/catalog/entries/no-such-entry":
					if w.Code != 404 || !strings.Contains(w.Body.String(), `href="/static/style.css"`) {
						found["status "+path] = finding{fmt.Sprintf("HTTP %d, not the styled error page", w.Code), where}
					}
				case w.Code >= 500 || w.Code == 404 || w.Code == 405:
					found["status "+path] = finding{fmt.Sprintf("HTTP %d", w.Code), where}
				case w.Code >= 300 && w.Code < 400:
					if loc := w.Header().Get("Location"); strings.HasPrefix(loc, "/") && !seen[loc] && !strings.HasPrefix(loc, "/login") {
						seen[loc] = true
						queue = append(queue, loc)
					}
					continue
				}
				if !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
					continue
				}
				if lang == "zh" {
					leaks, n := pickerLeaks(w.Body.String(), codes, user != "" && user != "citizen")
					pickers += n
					for _, leak := range leaks {
						if _, ok := found[leak]; !ok {
							found[leak] = finding{"item choice without its Chinese name beside its code: " + leak, where}
						}
					}
				}
				texts, links := visible(w.Body.String())
				for _, tx := range texts {
					for _, leak := range det.check(lang, tx) {
						if os.Getenv("CRAWL_DUMP") != "" {
							os.WriteFile(filepath.Join(os.Getenv("CRAWL_DUMP"), strings.NewReplacer("/", "_", "?", "_").Replace(path)+"."+lang+".html"), w.Body.Bytes(), 0o644)
						}
						if _, ok := found[leak]; !ok {
							found[leak] = finding{leak, where}
						}
					}
				}
				for _, l := range links {
					u, err := url.Parse(l)
					if err != nil || u.Host != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(l, "//") {
						continue
					}
					u.Fragment = ""
					p := u.String()
					if seen[p] || strings.HasPrefix(u.Path, "/api/") || strings.HasPrefix(u.Path, "/static/") || u.Path == "/lang" || u.Path == "/large" ||
						u.Path == "/logout" || strings.Contains(u.Path, "/download") || strings.Contains(u.Path, "/export") || u.Query().Get("format") != "" {
						continue
					}
					seen[p] = true
					sh := shape(u)
					if shapes[sh] >= 2 {
						continue
					}
					shapes[sh]++
					queue = append(queue, p)
				}
			}
		}
	}
	var lines []string
	for _, f := range found {
		lines = append(lines, f.what+"  ["+f.where+"]")
	}
	sort.Strings(lines)
	t.Logf("crawled %d pages in %s; %d choices of data items read", pages, time.Since(start).Round(time.Millisecond), pickers)
	if len(lines) > 0 {
		t.Fatalf("%d leaks:\n%s", len(lines), strings.Join(lines, "\n"))
	}
}

// The detector finds what it is meant to find (so that a clean crawl means something).
func TestLeakDetector(t *testing.T) {
	det := newLeakDetector(t)
	for _, c := range []struct {
		lang, text string
		leak       bool
	}{
		{"zh", "{1796588560785 system 系统}", true},
		{"zh", "提供单位：org-ps", true},
		{"zh", "general L3", true},
		{"en", "file · replace", true},
		{"zh", "每日", false},
		{"zh", "daily", true},
		{"en", "Daily", false},
		{"en", "share.gateway.lookup ok", true},
		{"zh", "Overdue", true},
		{"zh", "导出 CSV、XLSX 或 JSON", false},
		{"en", "已逾期", true},
		{"en", "常住人口基本信息", false},
	} {
		if got := len(det.check(c.lang, c.text)) > 0; got != c.leak {
			t.Errorf("%s %q: leak = %v, want %v (%v)", c.lang, c.text, got, c.leak, det.check(c.lang, c.text))
		}
	}
}
