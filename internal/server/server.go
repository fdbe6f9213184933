// Package server wires the HTTP surface: the REST API, the web UI, health, readiness and
// metrics, behind the one middleware that resolves the caller and checks CSRF.
package server

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"pubdata/internal/app"
	"pubdata/internal/httpapi"
	"pubdata/internal/web"
)

// Handler returns the platform's whole HTTP handler and the API (for its route table).
func Handler(a *app.App, secure bool) (http.Handler, *httpapi.API, error) {
	mux := http.NewServeMux()
	httpapi.Secure = secure
	api := httpapi.New(a, mux)
	if _, err := web.New(a, mux, secure); err != nil {
		return nil, nil, err
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		httpapi.JSON(w, 200, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := a.DB.PingContext(ctx); err != nil {
			httpapi.JSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
			return
		}
		httpapi.JSON(w, 200, map[string]string{"status": "ready", "backend": string(a.DB.Dialect)})
	})
	mux.Handle("GET /metrics", promhttp.Handler())
	// Unknown API paths answer in the error shape, not an HTML page.
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		httpapi.Fail(w, r, apiNotFound)
	})
	return httpapi.Middleware(a, secure, mux), api, nil
}
