package web_test

import (
	"net/http/httptest"
	"testing"

	"pubdata/internal/web"
)

// A redirect's flash message goes in the query, before a #fragment: after it, the browser
// would read it as part of the fragment and the message would be lost.
func TestRedirectFlashBeforeFragment(t *testing.T) {
	for target, want := range map[string]string{
		"/operate#evaluations":   "/operate?flash=flash.operate_done#evaluations",
		"/share?box=mine#top":    "/share?box=mine&flash=flash.operate_done#top",
		"/share/grants/g1":       "/share/grants/g1?flash=flash.operate_done",
		"/ingest/entries/e#srcs": "/ingest/entries/e?flash=flash.operate_done#srcs",
	} {
		w := httptest.NewRecorder()
		web.Redirect(w, httptest.NewRequest("POST", "/x", nil), target, "flash.operate_done")
		if got := w.Header().Get("Location"); w.Code != 303 || got != want {
			t.Errorf("Redirect(%q) → %d %q, want %q", target, w.Code, got, want)
		}
	}
}
