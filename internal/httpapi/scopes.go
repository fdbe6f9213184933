package httpapi

import (
	"fmt"
	"sort"
	"strings"

	"pubdata/internal/authz"
)

// RouteScopes is the one route→scope table (接口权限范围表, SEC-3): every API operation, keyed
// "METHOD path", names the API-token scope it needs (authz.TokenScopes) or a pseudo-scope
// (public, any, session). Handle enforces it before the handler runs — so before any record is
// looked up — and refuses to register a route that is not in it; docs/api.md renders it
// (RenderRouteTable, kept in sync by TestDocsRouteTableInSync). A route added elsewhere is added
// here too. "read|ingest" means either scope will do (the domain decision narrows a push token to
// its own entry).
var RouteScopes = map[string]string{
	"GET /api/v1/operate/views":                                  authz.ScopeSession,
	"POST /api/v1/operate/views":                                 authz.ScopeSession,
	"GET /api/v1/operate/views/{id}":                             authz.ScopeSession,
	"GET /api/v1/operate/products":                               authz.ScopeSession,
	"POST /api/v1/operate/products":                              authz.ScopeSession,
	"GET /api/v1/operate/products/{id}":                          authz.ScopeSession,
	"PUT /api/v1/operate/products/{id}":                          authz.ScopeSession,
	"POST /api/v1/operate/products/{id}/submit":                  authz.ScopeSession,
	"POST /api/v1/operate/products/{id}/review":                  authz.ScopeSession,
	"POST /api/v1/operate/products/{id}/expert-opinion":          authz.ScopeSession,
	"POST /api/v1/operate/products/{id}/withdraw":                authz.ScopeSession,
	"POST /api/v1/operate/products/{id}/query":                   authz.ScopeProduct,
	"POST /api/v1/operate/products/{id}/verify":                  authz.ScopeProduct,
	"POST /api/v1/operate/products/{id}/score":                   authz.ScopeProduct,
	"GET /api/v1/operate/products/{id}/budget":                   authz.ScopeProduct,
	"GET /api/v1/operate/units":                                  authz.ScopeSession,
	"POST /api/v1/operate/units":                                 authz.ScopeSession,
	"POST /api/v1/operate/units/{id}/decide":                     authz.ScopeSession,
	"GET /api/v1/operate/applications":                           authz.ScopeSession,
	"POST /api/v1/operate/applications":                          authz.ScopeSession,
	"POST /api/v1/operate/applications/{id}/decide":              authz.ScopeSession,
	"POST /api/v1/operate/applications/{id}/amend":               authz.ScopeSession,
	"GET /api/v1/operate/agreements":                             authz.ScopeSession,
	"POST /api/v1/operate/agreements/{id}/sign":                  authz.ScopeSession,
	"GET /api/v1/operate/queries":                                authz.ScopeSession,
	"GET /api/v1/operate/products/{id}/prices":                   authz.ScopeSession,
	"POST /api/v1/operate/products/{id}/prices":                  authz.ScopeSession,
	"POST /api/v1/operate/products/{id}/prices/{version}/decide": authz.ScopeSession,
	"POST /api/v1/operate/products/{id}/feedback":                authz.ScopeSession,
	"GET /api/v1/operate/usage":                                  authz.ScopeSession,
	"GET /api/v1/operate/feedback":                               authz.ScopeSession,
	"GET /api/v1/operate/reports":                                authz.ScopeSession,
	"POST /api/v1/operate/reports":                               authz.ScopeSession,
	"GET /api/v1/operate/disclosures":                            authz.ScopePublic,
	"GET /api/v1/operate/contributions":                          authz.ScopeSession,
	"GET /api/v1/operate/evaluations":                            authz.ScopeSession,
	"POST /api/v1/operate/evaluations":                           authz.ScopeSession,
	"GET /api/v1/operate/board":                                  authz.ScopePublic,
	"POST /api/v1/operate/board":                                 authz.ScopeSession,
	"POST /api/v1/operate/board/{id}/close":                      authz.ScopeSession,
	"GET /api/v1/me/authorizations":                              authz.ScopeSession,
	"POST /api/v1/me/authorizations":                             authz.ScopeSession,
	"POST /api/v1/me/authorizations/{id}/revoke":                 authz.ScopeSession,
	"GET /api/v1/me/accesses":                                    authz.ScopeSession,
	"GET /api/v1/me/objections":                                  authz.ScopeSession,
	"POST /api/v1/me/objections":                                 authz.ScopeSession,
	// Data assets, market and regulated units (MKT, OPR-11): worked in sessions; the register is public
	"GET /api/v1/market/register":                   authz.ScopePublic,
	"GET /api/v1/market/assets":                     authz.ScopeSession,
	"POST /api/v1/market/assets":                    authz.ScopeSession,
	"GET /api/v1/market/assets/{id}":                authz.ScopeSession,
	"POST /api/v1/market/assets/{id}/review":        authz.ScopeSession,
	"GET /api/v1/market/rights":                     authz.ScopeSession,
	"POST /api/v1/market/rights":                    authz.ScopeSession,
	"GET /api/v1/market/rights/{id}":                authz.ScopeSession,
	"POST /api/v1/market/rights/{id}/transfer":      authz.ScopeSession,
	"GET /api/v1/market/products/{id}/assessments":  authz.ScopeSession,
	"POST /api/v1/market/products/{id}/assessments": authz.ScopeSession,
	"GET /api/v1/market/listings":                   authz.ScopeSession,
	"POST /api/v1/market/listings":                  authz.ScopeSession,
	"GET /api/v1/market/listings/{id}":              authz.ScopeSession,
	"POST /api/v1/market/listings/{id}/delist":      authz.ScopeSession,
	"POST /api/v1/market/listings/{id}/trades":      authz.ScopeSession,
	"GET /api/v1/market/trades":                     authz.ScopeSession,
	"GET /api/v1/market/trades/{id}":                authz.ScopeSession,
	"POST /api/v1/market/trades/{id}/reviews":       authz.ScopeSession,
	"GET /api/v1/market/brokers":                    authz.ScopeSession,
	"POST /api/v1/market/brokers":                   authz.ScopeSession,
	"GET /api/v1/market/brokers/{id}":               authz.ScopeSession,
	"POST /api/v1/market/brokers/{id}/suspend":      authz.ScopeSession,
	"POST /api/v1/market/brokers/{id}/reinstate":    authz.ScopeSession,
	"POST /api/v1/market/brokers/{id}/ratings":      authz.ScopeSession,
	"GET /api/v1/market/reports":                    authz.ScopeSession,
	"POST /api/v1/market/reports":                   authz.ScopeSession,
	"GET /api/v1/market/reports/{id}":               authz.ScopeSession,
	"POST /api/v1/market/reports/{id}/no-objection": authz.ScopeSession,
	"GET /api/v1/market/letters":                    authz.ScopeSession,
	"POST /api/v1/market/letters":                   authz.ScopeSession,
	"GET /api/v1/market/letters/{id}":               authz.ScopeSession,
	"POST /api/v1/market/letters/{id}/respond":      authz.ScopeSession,
	"POST /api/v1/market/letters/{id}/close":        authz.ScopeSession,
	"POST /api/v1/market/letters/{id}/reopen":       authz.ScopeSession,
	"GET /api/v1/market/units/{id}/facts":           authz.ScopeSession,
	// Authentication and tokens
	"POST /api/v1/auth/login":      authz.ScopePublic,
	"POST /api/v1/auth/logout":     authz.ScopeSession,
	"POST /api/v1/auth/register":   authz.ScopePublic,
	"GET /api/v1/me":               authz.ScopeAny,
	"POST /api/v1/me/verification": authz.ScopeSession,
	"GET /api/v1/tokens":           authz.ScopeSession,
	"POST /api/v1/tokens":          authz.ScopeSession,
	"DELETE /api/v1/tokens/{id}":   authz.ScopeSession,

	// Audit
	"GET /api/v1/audit":                    authz.ScopeAudit,
	"GET /api/v1/audit/verify":             authz.ScopeAudit,
	"GET /api/v1/audit/checkpoints":        authz.ScopeAudit,
	"GET /api/v1/audit/checkpoints/latest": authz.ScopeAudit,
	"GET /api/v1/audit/checkpoint-keys":    authz.ScopeAudit,
	"GET /api/v1/audit/proof":              authz.ScopeAudit,
	"GET /api/v1/audit/consistency":        authz.ScopeAudit,

	// Calendar
	"GET /api/v1/calendar":         authz.ScopeRead,
	"GET /api/v1/calendar/add":     authz.ScopeRead,
	"POST /api/v1/calendar/import": authz.ScopeAdmin,

	// Directory
	"GET /api/v1/regions":                 authz.ScopeRead,
	"GET /api/v1/orgs":                    authz.ScopeRead,
	"GET /api/v1/orgs/{id}":               authz.ScopeRead,
	"GET /api/v1/users":                   authz.ScopeDirectory,
	"POST /api/v1/users":                  authz.ScopeDirectory,
	"PUT /api/v1/users/{id}/verification": authz.ScopeDirectory,

	// Inbox and webhooks
	"GET /api/v1/notifications":            authz.ScopeInbox,
	"POST /api/v1/notifications/{id}/read": authz.ScopeInbox,
	"GET /api/v1/webhooks":                 authz.ScopeInbox,
	"POST /api/v1/webhooks":                authz.ScopeInbox,
	"DELETE /api/v1/webhooks/{id}":         authz.ScopeInbox,

	// Sanctions (SUP-1)
	"GET /api/v1/sanctions":               authz.ScopeRead,
	"POST /api/v1/sanctions":              authz.ScopeWrite,
	"GET /api/v1/sanctions/{id}":          authz.ScopeRead,
	"POST /api/v1/sanctions/{id}/{event}": authz.ScopeWrite,
	// Agency supervision (SUP-2, SUP-4, SUP-6).
	"GET /api/v1/supervision/notices":                 authz.ScopeRead,
	"GET /api/v1/supervision/escalated":               authz.ScopeRead,
	"POST /api/v1/supervision/notices":                authz.ScopeWrite,
	"POST /api/v1/supervision/detect":                 authz.ScopeWrite,
	"GET /api/v1/supervision/notices/{id}":            authz.ScopeRead,
	"POST /api/v1/supervision/notices/{id}/events":    authz.ScopeWrite,
	"POST /api/v1/supervision/reports":                authz.ScopePublic,
	"GET /api/v1/supervision/report-status/{number}":  authz.ScopePublic,
	"GET /api/v1/supervision/reports":                 authz.ScopeRead,
	"GET /api/v1/supervision/reports/{id}":            authz.ScopeRead,
	"POST /api/v1/supervision/reports/{id}/events":    authz.ScopeWrite,
	"GET /api/v1/supervision/dishonesty":              authz.ScopeRead,
	"POST /api/v1/supervision/dishonesty":             authz.ScopeWrite,
	"GET /api/v1/supervision/dishonesty/{id}":         authz.ScopeRead,
	"POST /api/v1/supervision/dishonesty/{id}/events": authz.ScopeWrite,
	// Annual assessment (SUP-3).
	"GET /api/v1/assessments":                             authz.ScopeRead,
	"POST /api/v1/assessments":                            authz.ScopeWrite,
	"GET /api/v1/assessments/{id}":                        authz.ScopeRead,
	"PUT /api/v1/assessments/{id}/indicators":             authz.ScopeWrite,
	"POST /api/v1/assessments/{id}/compute":               authz.ScopeWrite,
	"POST /api/v1/assessments/{id}/events":                authz.ScopeWrite,
	"GET /api/v1/assessments/{id}/orgs/{org}":             authz.ScopeRead,
	"GET /api/v1/assessments/{id}/orgs/{org}/report.xlsx": authz.ScopeRead,

	// Security operation records (SEC-6, SEC-9)
	"GET /api/v1/security/records":                authz.ScopeRead,
	"POST /api/v1/security/records":               authz.ScopeWrite,
	"GET /api/v1/security/records/{id}":           authz.ScopeRead,
	"POST /api/v1/security/records/{id}/close":    authz.ScopeWrite,
	"POST /api/v1/security/records/{id}/steps":    authz.ScopeWrite,
	"POST /api/v1/security/records/{id}/notified": authz.ScopeWrite,

	// Jobs
	"GET /api/v1/jobs":             authz.ScopeAdmin,
	"POST /api/v1/jobs/{name}/run": authz.ScopeAdmin,

	// Meta
	"GET /api/v1/openapi.json": authz.ScopePublic,

	// Catalog
	"GET /api/v1/catalog/entries":                         authz.ScopeRead,
	"POST /api/v1/catalog/entries":                        authz.ScopeWrite,
	"POST /api/v1/catalog/check":                          authz.ScopeWrite,
	"GET /api/v1/catalog/entries/{id}":                    authz.ScopeRead,
	"PUT /api/v1/catalog/entries/{id}":                    authz.ScopeWrite,
	"POST /api/v1/catalog/entries/{id}/submit":            authz.ScopeWrite,
	"POST /api/v1/catalog/entries/{id}/recall":            authz.ScopeWrite,
	"POST /api/v1/catalog/entries/{id}/approve":           authz.ScopeWrite,
	"POST /api/v1/catalog/entries/{id}/return":            authz.ScopeWrite,
	"POST /api/v1/catalog/entries/{id}/withdraw":          authz.ScopeWrite,
	"POST /api/v1/catalog/entries/{id}/legal-change":      authz.ScopeWrite,
	"GET /api/v1/catalog/entries/{id}/versions":           authz.ScopeRead,
	"GET /api/v1/catalog/entries/{id}/versions/{version}": authz.ScopeRead,
	"GET /api/v1/catalog/entries/{id}/diff":               authz.ScopeRead,
	"GET /api/v1/catalog/entries/{id}/history":            authz.ScopeRead,
	"GET /api/v1/catalog/review-queue":                    authz.ScopeRead,
	"GET /api/v1/catalog/negative-list":                   authz.ScopeRead,
	"GET /api/v1/catalog/export":                          authz.ScopeRead,
	"POST /api/v1/catalog/import":                         authz.ScopeWrite,
	"GET /api/v1/catalog/rollup":                          authz.ScopeRead,
	"GET /api/v1/catalog/sources":                         authz.ScopeRead,
	"POST /api/v1/catalog/sources":                        authz.ScopeWrite,
	"GET /api/v1/catalog/source-report":                   authz.ScopeRead,
	"GET /api/v1/catalog/config":                          authz.ScopeRead,
	"PUT /api/v1/catalog/config":                          authz.ScopeWrite,
	"GET /api/v1/catalog/systems":                         authz.ScopeRead,
	"POST /api/v1/catalog/systems":                        authz.ScopeWrite,
	"GET /api/v1/catalog/systems/{id}":                    authz.ScopeRead,
	"PUT /api/v1/catalog/systems/{id}":                    authz.ScopeWrite,
	"POST /api/v1/catalog/systems/{id}/documents":         authz.ScopeWrite,
	"POST /api/v1/catalog/systems/{id}/accept":            authz.ScopeWrite,
	"GET /api/v1/catalog/documents/{id}":                  authz.ScopeRead,
	"GET /api/v1/catalog/purchases":                       authz.ScopeRead,
	"POST /api/v1/catalog/purchases":                      authz.ScopeWrite,
	"POST /api/v1/catalog/purchases/{id}/decide":          authz.ScopeWrite,
	"POST /api/v1/catalog/purchases/{id}/link":            authz.ScopeWrite,
	"GET /api/v1/catalog/reassessments":                   authz.ScopeRead,
	"POST /api/v1/catalog/reassessments/{id}":             authz.ScopeWrite,
	"GET /api/v1/catalog/level-changes":                   authz.ScopeRead,
	"GET /api/v1/catalog/level-reports":                   authz.ScopeRead,
	"POST /api/v1/catalog/level-reports":                  authz.ScopeWrite,
	"GET /api/v1/catalog/level-reports/{id}":              authz.ScopeRead,
	"POST /api/v1/catalog/level-reports/{id}/decide":      authz.ScopeWrite,

	// Grading drives protection (SEC-1, SEC-2): the authority's overrides and masking rules
	"POST /api/v1/catalog/entries/{id}/overrides":           authz.ScopeWrite,
	"DELETE /api/v1/catalog/entries/{id}/overrides/{scope}": authz.ScopeWrite,
	"GET /api/v1/catalog/mask-rules":                        authz.ScopeRead,
	"PUT /api/v1/catalog/mask-rules":                        authz.ScopeWrite,

	// Opening to society (OPN): public reads, the provider's settings and suspensions, own keys
	"GET /api/v1/open/datasets":                  authz.ScopePublic,
	"GET /api/v1/open/stats":                     authz.ScopePublic,
	"GET /api/v1/open/datasets/{id}":             authz.ScopePublic,
	"GET /api/v1/open/datasets/{id}/records":     authz.ScopePublic,
	"GET /api/v1/open/datasets/{id}/download":    authz.ScopePublic,
	"PUT /api/v1/open/datasets/{id}/settings":    authz.ScopeWrite,
	"GET /api/v1/open/datasets/{id}/suspensions": authz.ScopeRead,
	"POST /api/v1/open/datasets/{id}/suspend":    authz.ScopeWrite,
	"POST /api/v1/open/datasets/{id}/restore":    authz.ScopeWrite,
	"GET /api/v1/open/keys":                      authz.ScopeSession,
	"POST /api/v1/open/keys":                     authz.ScopeSession,
	"DELETE /api/v1/open/keys/{id}":              authz.ScopeSession,

	// Aggregation
	"POST /api/v1/ingest/entries/{id}/uploads":      authz.ScopeIngest,
	"POST /api/v1/ingest/entries/{id}/batches":      authz.ScopeIngest,
	"POST /api/v1/ingest/entries/{id}/corrections":  authz.ScopeIngest,
	"POST /api/v1/ingest/entries/{id}/tokens":       authz.ScopeSession,
	"GET /api/v1/ingest/entries/{id}/current":       authz.ScopeRead + "|" + authz.ScopeIngest,
	"GET /api/v1/ingest/entries/{id}/versions":      authz.ScopeRead + "|" + authz.ScopeIngest,
	"GET /api/v1/ingest/entries/{id}/loads":         authz.ScopeRead + "|" + authz.ScopeIngest,
	"PUT /api/v1/ingest/entries/{id}/retention":     authz.ScopeSession,
	"GET /api/v1/ingest/entries/{id}/records":       authz.ScopeRead,
	"GET /api/v1/ingest/entries/{id}/records/{key}": authz.ScopeRead,
	"GET /api/v1/ingest/loads":                      authz.ScopeRead,
	"GET /api/v1/ingest/loads/{id}":                 authz.ScopeRead + "|" + authz.ScopeIngest,
	"GET /api/v1/ingest/entries/{id}/sources":       authz.ScopeRead,
	"POST /api/v1/ingest/entries/{id}/sources":      authz.ScopeSession,
	"POST /api/v1/ingest/sources/{id}/pull":         authz.ScopeSession,
	"GET /api/v1/ingest/freshness":                  authz.ScopeRead,
	"GET /api/v1/ingest/late":                       authz.ScopeRead,
	"GET /api/v1/ingest/bases":                      authz.ScopeRead,
	"POST /api/v1/ingest/themes":                    authz.ScopeWrite,
	"GET /api/v1/ingest/licences":                   authz.ScopeRead,
	"GET /api/v1/ingest/bases/{base}/members":       authz.ScopeRead,
	"GET /api/v1/ingest/bases/{base}/lookup/{key}":  authz.ScopeRead,
	"GET /api/v1/ingest/returns":                    authz.ScopeSession,
	"POST /api/v1/ingest/returns":                   authz.ScopeSession,
	"POST /api/v1/ingest/returns/{id}/events":       authz.ScopeSession,
	"GET /api/v1/ingest/returns/{id}/data":          authz.ScopeSession,
	"GET /api/v1/ingest/returns/{id}/records":       authz.ScopeSession,

	// Quality
	"GET /api/v1/quality/rule-kinds":              authz.ScopeRead,
	"GET /api/v1/quality/entries/{id}/rules":      authz.ScopeRead,
	"POST /api/v1/quality/entries/{id}/rules":     authz.ScopeWrite,
	"POST /api/v1/quality/entries/{id}/rules/try": authz.ScopeWrite,
	"GET /api/v1/quality/rules/{id}":              authz.ScopeRead,
	"PUT /api/v1/quality/rules/{id}":              authz.ScopeWrite,
	"DELETE /api/v1/quality/rules/{id}":           authz.ScopeWrite,
	"GET /api/v1/quality/tasks":                   authz.ScopeRead,
	"GET /api/v1/quality/tasks/{id}":              authz.ScopeRead,
	"POST /api/v1/quality/tasks/{id}/events":      authz.ScopeWrite,
	"GET /api/v1/quality/entries/{id}/scores":     authz.ScopeRead,
	"GET /api/v1/quality/entries/{id}/trend.svg":  authz.ScopeRead,
	"GET /api/v1/quality/orgs/{id}/scores":        authz.ScopeRead,
	"GET /api/v1/quality/orgs/{id}/trend.svg":     authz.ScopeRead,
	"GET /api/v1/quality/summary":                 authz.ScopeRead,
	"GET /api/v1/quality/settings":                authz.ScopeRead,
	"PUT /api/v1/quality/settings":                authz.ScopeWrite,
	"POST /api/v1/quality/objections":             authz.ScopeWrite,
	"GET /api/v1/quality/objections":              authz.ScopeRead,
	"GET /api/v1/quality/objections/{id}":         authz.ScopeRead,
	"POST /api/v1/quality/objections/{id}/events": authz.ScopeWrite,

	// Sharing: the workflow is for people in sessions.
	"POST /api/v1/share/requests":                    authz.ScopeSession,
	"GET /api/v1/share/requests":                     authz.ScopeSession,
	"GET /api/v1/share/requests/{id}":                authz.ScopeSession,
	"POST /api/v1/share/requests/{id}/forward":       authz.ScopeSession,
	"POST /api/v1/share/requests/{id}/approve":       authz.ScopeSession,
	"POST /api/v1/share/requests/{id}/refuse":        authz.ScopeSession,
	"POST /api/v1/share/requests/{id}/withdraw":      authz.ScopeSession,
	"POST /api/v1/share/requests/{id}/deliveries":    authz.ScopeSession,
	"GET /api/v1/share/overdue":                      authz.ScopeSession,
	"GET /api/v1/share/grants":                       authz.ScopeSession,
	"GET /api/v1/share/grants/{id}":                  authz.ScopeSession,
	"POST /api/v1/share/grants/{id}/credentials":     authz.ScopeSession,
	"POST /api/v1/share/grants/{id}/suspend":         authz.ScopeSession,
	"POST /api/v1/share/grants/{id}/resume":          authz.ScopeSession,
	"POST /api/v1/share/grants/{id}/revoke":          authz.ScopeSession,
	"PUT /api/v1/share/grants/{id}/limits":           authz.ScopeSession,
	"GET /api/v1/share/grants/{id}/usage":            authz.ScopeSession,
	"GET /api/v1/share/grants/{id}/reports":          authz.ScopeSession,
	"POST /api/v1/share/grants/{id}/reports":         authz.ScopeSession,
	"GET /api/v1/share/grants/{id}/renewals":         authz.ScopeSession,
	"POST /api/v1/share/grants/{id}/renewals":        authz.ScopeSession,
	"GET /api/v1/share/renewals/{id}":                authz.ScopeSession,
	"POST /api/v1/share/renewals/{id}/approve":       authz.ScopeSession,
	"POST /api/v1/share/renewals/{id}/refuse":        authz.ScopeSession,
	"POST /api/v1/share/renewals/{id}/withdraw":      authz.ScopeSession,
	"GET /api/v1/share/grants/{id}/use-reports":      authz.ScopeSession,
	"POST /api/v1/share/use-reports/{id}/submit":     authz.ScopeSession,
	"POST /api/v1/share/use-reports/{id}/answer":     authz.ScopeSession,
	"POST /api/v1/share/demands":                     authz.ScopeSession,
	"GET /api/v1/share/demands":                      authz.ScopeSession,
	"GET /api/v1/share/demands/{id}":                 authz.ScopeSession,
	"POST /api/v1/share/demands/{id}/assign":         authz.ScopeSession,
	"POST /api/v1/share/demands/{id}/reject":         authz.ScopeSession,
	"POST /api/v1/share/demands/{id}/accept":         authz.ScopeSession,
	"POST /api/v1/share/demands/{id}/refuse":         authz.ScopeSession,
	"POST /api/v1/share/demands/{id}/return":         authz.ScopeSession,
	"POST /api/v1/share/demands/{id}/complete":       authz.ScopeSession,
	"POST /api/v1/share/demands/{id}/withdraw":       authz.ScopeSession,
	"GET /api/v1/share/national":                     authz.ScopeRead,
	"POST /api/v1/share/national":                    authz.ScopeWrite,
	"GET /api/v1/share/national/{id}":                authz.ScopeRead,
	"POST /api/v1/share/national/{id}/steps":         authz.ScopeWrite,
	"GET /api/v1/share/escalations":                  authz.ScopeSession,
	"POST /api/v1/share/escalations":                 authz.ScopeSession,
	"GET /api/v1/share/escalations/{id}":             authz.ScopeSession,
	"POST /api/v1/share/escalations/{id}/urge":       authz.ScopeSession,
	"POST /api/v1/share/escalations/{id}/coordinate": authz.ScopeSession,
	"POST /api/v1/share/escalations/{id}/meetings":   authz.ScopeSession,
	"POST /api/v1/share/escalations/{id}/refer":      authz.ScopeSession,
	"POST /api/v1/share/escalations/{id}/opinions":   authz.ScopeSession,
	"POST /api/v1/share/escalations/{id}/decide":     authz.ScopeSession,

	// Share gateway: a credential bound to one grant.
	"GET /api/v1/gateway/grant":                 authz.ScopeGateway,
	"GET /api/v1/gateway/records/{key}":         authz.ScopeGateway,
	"GET /api/v1/gateway/records":               authz.ScopeGateway,
	"GET /api/v1/gateway/export":                authz.ScopeGateway,
	"POST /api/v1/gateway/verify":               authz.ScopeGateway,
	"POST /api/v1/gateway/products/{id}/query":  authz.ScopeGateway,
	"POST /api/v1/gateway/products/{id}/verify": authz.ScopeGateway,

	// Rights complaints (OPN-5)
	"POST /api/v1/open/complaints":                authz.ScopePublic,
	"GET /api/v1/open/complaint-status/{number}":  authz.ScopePublic,
	"GET /api/v1/open/complaints":                 authz.ScopeSession,
	"GET /api/v1/open/complaints/mine":            authz.ScopeSession,
	"GET /api/v1/open/complaints/{id}":            authz.ScopeSession,
	"POST /api/v1/open/complaints/{id}/events":    authz.ScopeSession,
	"GET /api/v1/open/agreement":                  authz.ScopePublic,
	"POST /api/v1/open/applications":              authz.ScopeSession,
	"GET /api/v1/open/applications":               authz.ScopeSession,
	"GET /api/v1/open/applications/{id}":          authz.ScopeSession,
	"POST /api/v1/open/applications/{id}/events":  authz.ScopeSession,
	"GET /api/v1/open/plans":                      authz.ScopePublic,
	"POST /api/v1/open/plans":                     authz.ScopeSession,
	"GET /api/v1/open/plans/{id}":                 authz.ScopePublic,
	"POST /api/v1/open/plans/{id}/items":          authz.ScopeSession,
	"DELETE /api/v1/open/plans/{id}/items/{item}": authz.ScopeSession,
	"GET /api/v1/open/reviews":                    authz.ScopeRead,
	"POST /api/v1/open/reviews":                   authz.ScopeSession,
	"GET /api/v1/open/demands":                    authz.ScopePublic,
	"POST /api/v1/open/demands":                   authz.ScopePublic,
	"GET /api/v1/open/demands/{number}":           authz.ScopePublic,
	"POST /api/v1/open/demands/{number}/answer":   authz.ScopeSession,
	"GET /api/v1/open/showcase":                   authz.ScopePublic,
	"POST /api/v1/open/showcase":                  authz.ScopePublic,
	"GET /api/v1/open/showcase/pending":           authz.ScopeSession,
	"POST /api/v1/open/showcase/{id}/moderate":    authz.ScopeSession,

	// Harvesters (opening to society): CKAN Action API, DCAT-AP 3, Atom — public reads.
	"GET /api/3/action/{action}":           authz.ScopePublic,
	"POST /api/3/action/{action}":          authz.ScopePublic,
	"GET /dcat/catalog":                    authz.ScopePublic,
	"GET /dcat/catalog.ttl":                authz.ScopePublic,
	"GET /dcat/catalog.jsonld":             authz.ScopePublic,
	"GET /dcat/datasets/{file}":            authz.ScopePublic,
	"GET /dcat/withdrawn":                  authz.ScopePublic,
	"GET /feeds/datasets.atom":             authz.ScopePublic,
	"GET /feeds/datasets/{file}":           authz.ScopePublic,
	"GET /api/3/action/package_list":       authz.ScopePublic,
	"POST /api/3/action/package_list":      authz.ScopePublic,
	"GET /api/3/action/package_show":       authz.ScopePublic,
	"POST /api/3/action/package_show":      authz.ScopePublic,
	"GET /api/3/action/package_search":     authz.ScopePublic,
	"POST /api/3/action/package_search":    authz.ScopePublic,
	"GET /api/3/action/organization_list":  authz.ScopePublic,
	"POST /api/3/action/organization_list": authz.ScopePublic,
	"GET /api/3/action/organization_show":  authz.ScopePublic,
	"POST /api/3/action/organization_show": authz.ScopePublic,
	"GET /api/3/action/resource_show":      authz.ScopePublic,
	"POST /api/3/action/resource_show":     authz.ScopePublic,
	"GET /api/3/action/datastore_search":   authz.ScopePublic,
	"POST /api/3/action/datastore_search":  authz.ScopePublic,
	"GET /api/3/action/status_show":        authz.ScopePublic,
	"POST /api/3/action/status_show":       authz.ScopePublic,
}

// scopeOf returns the scope a route needs from the table; it panics for a route missing from it,
// so that no route can be registered without naming one.
func scopeOf(rt Route) string {
	s, ok := RouteScopes[rt.Method+" "+rt.Path]
	if rt.Scope != "" && !ok {
		s, ok = rt.Scope, true // routes registered by tests name their scope inline
	}
	if !ok || !authz.ValidRouteScope(s) {
		panic(fmt.Sprintf("httpapi: route %s %s has no valid scope in RouteScopes", rt.Method, rt.Path))
	}
	return s
}

// namesRecord tells whether a route's path names one record ({id}, {key}): such routes answer
// alike (apperr.Hidden, see Conceal) for a record that does not exist and for one the caller may
// not see, so that they cannot be used to learn what exists (no existence oracle). Organizations
// are public directory entries and jobs are named by the platform, not records. Changes are
// decided by the record's authz decision, which answers apperr.Hidden where the caller may not
// even read the record.
func namesRecord(path string) bool {
	return (strings.Contains(path, "{id}") || strings.Contains(path, "{key}")) && !strings.Contains(path, "/orgs/{id}")
}

// routeGroups are the route list's sections in docs/api.md, by route tag: title and a pointer
// to the page that explains the capability. A tag not listed here gets a section of its own.
var routeGroups = []struct{ tag, title, see string }{
	{"auth", "认证与 API 令牌 / Authentication and API tokens", ""},
	{"audit", "审计 / Audit", ""},
	{"calendar", "工作日历 / Working-day calendar", "[install-and-operate.md](install-and-operate.md#工作日历--working-day-calendar)"},
	{"directory", "行政区划、机构与用户 / Directory", ""},
	{"inbox", "消息与推送 / Inbox and webhooks", ""},
	{"jobs", "定时任务 / Scheduled jobs", "[install-and-operate.md](install-and-operate.md#定时任务--background-jobs)"},
	{"catalog", "资源目录 / Catalog", "[catalog.md](catalog.md)"},
	{"ingest", "数据汇聚 / Aggregation", "[aggregation-and-quality.md](aggregation-and-quality.md)"},
	{"quality", "数据治理 / Quality", "[aggregation-and-quality.md](aggregation-and-quality.md#质量规则--quality-rules-qua-1)"},
	{"share", "数据共享 / Sharing", "[sharing.md](sharing.md)"},
	{"gateway", "共享网关 / Share gateway", "[sharing.md](sharing.md#共享网关--the-share-gateway)"},
	{"operate", "授权运营与数据主体授权 / Authorized operation and data-subject authorizations", "[operation.md](operation.md)"},
	{"complaint", "权益投诉 / Rights complaints", "[complaints.md](complaints.md)"},
	{"harvest", "采集接口（CKAN、DCAT-AP、Atom） / Harvesters (CKAN, DCAT-AP, Atom)", "[harvesting.md](harvesting.md)"},
	{"open", "数据开放 / Open data", "[opening.md](opening.md)"},
	{"open-plan", "开放计划、评估、需求与成果 / Opening plans, reviews, demands and reuse", "[opening.md](opening.md#开放计划评估需求与成果--plans-reviews-demands-reuse-opn-1-opn-6-opn-7)"},
	{"open-application", "有条件开放申请 / Conditional opening applications", "[opening.md](opening.md#有条件开放申请--conditional-opening-opn-3)"},
	{"supervise", "监督管理 / Supervision", "[supervision.md](supervision.md)"},
	{"security", "安全事件与第三方机构 / Security incidents and service providers", "[security-operations.md](security-operations.md)"},
	{"market", "数据要素市场 / Data market", "[market.md](market.md)"},
	{"meta", "接口文档 / Meta", ""},
}

// openAPITags are the document's tags in the route list's order, each with its name in both
// languages (x-displayName, shown by the reference page at /api/docs instead of the code).
func (api *API) openAPITags() []any {
	used := map[string]bool{}
	for _, rt := range api.Routes {
		used[rt.Tag] = true
	}
	var out []any
	for _, g := range routeGroups {
		if used[g.tag] {
			out = append(out, map[string]any{"name": g.tag, "x-displayName": g.title, "description": g.title})
			delete(used, g.tag)
		}
	}
	var rest []string
	for t := range used {
		rest = append(rest, t)
	}
	sort.Strings(rest)
	for _, t := range rest {
		out = append(out, map[string]any{"name": t})
	}
	return out
}

// RenderRouteTable renders the route list of docs/api.md (between its route-table markers) from
// the registry: every route with the token scope it needs, by capability in registration order.
func (api *API) RenderRouteTable() string {
	var b strings.Builder
	fmt.Fprintf(&b, "共 %d 个接口。/ %d operations.\n", len(api.Routes), len(api.Routes))
	byTag := map[string][]Route{}
	var tags []string
	for _, rt := range api.Routes {
		if byTag[rt.Tag] == nil {
			tags = append(tags, rt.Tag)
		}
		byTag[rt.Tag] = append(byTag[rt.Tag], rt)
	}
	groups := routeGroups
	for _, t := range tags {
		known := false
		for _, g := range routeGroups {
			known = known || g.tag == t
		}
		if !known {
			groups = append(groups, struct{ tag, title, see string }{t, t, ""})
		}
	}
	for _, g := range groups {
		rs := byTag[g.tag]
		if len(rs) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n### %s (%d)\n\n", g.title, len(rs))
		if g.see != "" {
			fmt.Fprintf(&b, "详见 / see %s。\n\n", g.see)
		}
		b.WriteString("| 方法 / method | 路径 / path | 令牌范围 / token scope | 说明 / summary |\n|---|---|---|---|\n")
		for _, rt := range rs {
			var sc []string
			for _, x := range strings.Split(rt.Scope, "|") {
				sc = append(sc, "`"+x+"`")
			}
			sum := strings.ReplaceAll(rt.Summary, "|", "\\|")
			if rt.Public {
				sum += " （无需登录 / public）"
			}
			fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s |\n", rt.Method, rt.Path, strings.Join(sc, " / "), sum)
		}
	}
	return b.String()
}
