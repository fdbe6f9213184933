package httpapi

// install registers every API operation, surface by surface, in the order the OpenAPI document
// and docs/api.md list them. It is the one place to look for "which handler answers this path".
func (api *API) install() {
	api.foundationRoutes()
	api.assessmentRoutes()
	api.auditRoutes()
	catalogRoutes(api)
	api.complaintRoutes()
	api.harvestRoutes()
	api.ingestRoutes()
	api.marketRoutes()
	api.openRoutes()
	api.openapplyRoutes()
	api.openplanRoutes()
	api.operateRoutes()
	api.operateBusinessRoutes()
	api.qualityRoutes()
	api.securityRoutes()
	api.shareRoutes()
	api.superviseRoutes()
	api.supervisionRoutes()
}
