package httpapi_test

import (
	"testing"

	"pubdata/internal/harvest"
	"pubdata/internal/testutil"
)

// routes.go lists the CKAN actions one by one; every action the harvest service offers has its
// GET and POST route there, with a summary of its own (not the catch-all's "not offered").
func TestEveryCKANActionHasItsRoutes(t *testing.T) {
	e := newDirEnv(t, testutil.SQLite(t))
	summary := map[string]string{}
	for _, rt := range e.api.Routes {
		summary[rt.Method+" "+rt.Path] = rt.Summary
	}
	catchAll := summary["GET /api/3/action/{action}"]
	for _, a := range harvest.Actions {
		for _, m := range []string{"GET", "POST"} {
			s, ok := summary[m+" /api/3/action/"+a]
			if !ok {
				t.Errorf("%s /api/3/action/%s is not registered", m, a)
			} else if s == "" || s == catchAll {
				t.Errorf("%s /api/3/action/%s has no summary of its own", m, a)
			}
		}
	}
}
