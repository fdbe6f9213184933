package httpapi_test

import (
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// Every tag of the OpenAPI document carries its name in both languages (x-displayName), so the
// reference page at /api/docs and docs/api.md head their sections "数据共享 / Sharing", not with
// the code "share".
func TestEveryTagHasItsNameInBothLanguages(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		doc := newEnv(t, d).api.OpenAPI()
		tags, _ := doc["tags"].([]any)
		named := map[string]bool{}
		for _, x := range tags {
			tag := x.(map[string]any)
			name, _ := tag["name"].(string)
			display, _ := tag["x-displayName"].(string)
			zh, en, ok := strings.Cut(display, " / ")
			if !ok || zh == "" || en == "" || !strings.ContainsFunc(zh, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
				t.Errorf("tag %s: display name %q is not \"中文 / English\"", name, display)
			}
			named[name] = true
		}
		paths, _ := doc["paths"].(map[string]map[string]any)
		for p, item := range paths {
			for m, op := range item {
				for _, tg := range op.(map[string]any)["tags"].([]string) {
					if !named[tg] {
						t.Errorf("%s %s: tag %s is not among the document's tags", m, p, tg)
					}
				}
			}
		}
		if len(named) < 15 {
			t.Errorf("only %d tags named", len(named))
		}
	})
}
