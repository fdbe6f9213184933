package catalog

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tokens splits text for the search index: every Han character alone (so one-character queries
// work) and every pair of adjacent Han characters (so two-character and longer queries are
// matched by their bigrams), plus lower-cased words of letters and digits in other scripts.
func Tokens(text string, emit func(tok string)) {
	prevStart := -1 // byte offset of the previous rune when it was Han
	wordStart := -1
	flush := func(end int) {
		if wordStart >= 0 {
			emit(strings.ToLower(text[wordStart:end]))
			wordStart = -1
		}
	}
	for i, r := range text {
		switch {
		case isHan(r):
			flush(i)
			n := utf8.RuneLen(r)
			emit(text[i : i+n])
			if prevStart >= 0 {
				emit(text[prevStart : i+n])
			}
			prevStart = i
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			prevStart = -1
			if wordStart < 0 {
				wordStart = i
			}
		default:
			flush(i)
			prevStart = -1
		}
	}
	flush(len(text))
}

// queryTerm is one term of a parsed query: a token, or a word to match as a prefix.
type queryTerm struct {
	tok    string
	prefix bool
}

// parseQuery turns a user query into the terms that must all match: a single Han character is
// its unigram; a longer Han run becomes its bigrams; other words match as prefixes (≥ 2 chars)
// or exactly.
func parseQuery(q string) []queryTerm {
	var out []queryTerm
	seen := map[string]bool{}
	add := func(t queryTerm) {
		if !seen[t.tok] {
			seen[t.tok] = true
			out = append(out, t)
		}
	}
	var run []rune
	flushRun := func() {
		switch len(run) {
		case 0:
		case 1:
			add(queryTerm{tok: string(run)})
		default:
			for i := 0; i+1 < len(run); i++ {
				add(queryTerm{tok: string(run[i : i+2])})
			}
		}
		run = run[:0]
	}
	wordStart := -1
	flushWord := func(end int) {
		if wordStart >= 0 {
			w := strings.ToLower(q[wordStart:end])
			add(queryTerm{tok: w, prefix: utf8.RuneCountInString(w) >= 2})
			wordStart = -1
		}
	}
	for i, r := range q {
		switch {
		case isHan(r):
			flushWord(i)
			run = append(run, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			flushRun()
			if wordStart < 0 {
				wordStart = i
			}
		default:
			flushRun()
			flushWord(i)
		}
	}
	flushRun()
	flushWord(len(q))
	return out
}
