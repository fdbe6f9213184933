package web

import "net/http"

// install registers every page, surface by surface. It is the one place to look for "which
// handler answers this path"; the catch-all for unknown paths is registered after it (web.New).
func (w *Web) install(mux *http.ServeMux) {
	w.foundationPages(mux)
	apiDocsPage(w, mux)
	w.assessmentPages(mux)
	w.catalogPages(mux)
	w.levelPages(mux)
	w.complaintPages(mux)
	w.dashboardPages(mux)
	w.escalationPages(mux)
	ingestWeb = w
	w.ingestPages(mux)
	w.marketPages(mux)
	w.openPages(mux)
	w.applicationPages(mux)
	w.planPages(mux)
	w.operatePages(mux)
	w.operatePublicPage(mux)
	w.qualityPages(mux)
	w.securityPages(mux)
	w.sharePages(mux)
	w.nationalPages(mux)
	w.sanctionPages(mux)
	w.supervisionPages(mux)
}
