package web

// UIStrings returns every registered UI string pair (Chinese, English), for the crawl test.
func UIStrings() [][2]string {
	msgMu.RLock()
	defer msgMu.RUnlock()
	out := make([][2]string, 0, len(messages))
	for _, v := range messages {
		out = append(out, v)
	}
	return out
}

// SetUseAnswerMax sets the most a product answer may take in its cookie, for a test; the
// returned function restores it.
func SetUseAnswerMax(n int) func() {
	old := useAnswerMax
	useAnswerMax = n
	return func() { useAnswerMax = old }
}
