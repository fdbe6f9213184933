package web

import "net/http"

// The API reference (#11 item 6): /api/docs renders the OpenAPI document /api/v1/openapi.json for
// people, with Redoc vendored under static/vendor/redoc (MIT; see its README and LICENSE) — no
// build step, no script from another site. The page is static (static/apidocs.html); its one
// script of our own, static/apidocs.js, starts Redoc. Redoc builds its search index in a Web
// Worker made from a blob, so this page's Content-Security-Policy adds worker-src blob: to the
// site's policy; scripts stay 'self' only.
// APIDocsCSP is the Content-Security-Policy of /api/docs.
const APIDocsCSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'"

// apiDocs serves the API reference page (static, with its own Content-Security-Policy).
func (w *Web) apiDocs(rw http.ResponseWriter, r *http.Request) {
	b, err := staticFS.ReadFile("static/apidocs.html")
	if err != nil {
		http.Error(rw, err.Error(), http.StatusInternalServerError)
		return
	}
	h := rw.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Security-Policy", APIDocsCSP)
	rw.Write(b)
}
