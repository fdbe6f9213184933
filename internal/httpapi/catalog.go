package httpapi

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
)

// CatalogQuery reads a catalog search from the query string (shared with the web UI).
func CatalogQuery(r *http.Request) catalog.SearchQuery {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	size, _ := strconv.Atoi(q.Get("page_size"))
	return catalog.SearchQuery{Q: q.Get("q"), Agency: q.Get("agency"), Attr: q.Get("resource_attr"), Topic: q.Get("topic"), Grade: q.Get("grade"),
		Share: q.Get("share_type"), Open: q.Get("open_type"), Freq: q.Get("update_frequency"), Region: q.Get("region"), Status: q.Get("status"),
		Form: q.Get("data_form"), Page: page, PageSize: size}
}

// ReadUpload returns an uploaded file: the "file" part of a multipart form, or the raw body.
func ReadUpload(w http.ResponseWriter, r *http.Request, limit int64) (name string, data []byte, err error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit+1<<20)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		f, h, err := r.FormFile("file")
		if err != nil {
			return "", nil, apperr.BadRequest.With(apperr.Field("file", "请选择要上传的文件", "choose a file to upload"))
		}
		defer f.Close()
		data, err = io.ReadAll(io.LimitReader(f, limit+1))
		if err != nil {
			return "", nil, apperr.TooLarge
		}
		if int64(len(data)) > limit {
			return "", nil, apperr.TooLarge
		}
		return h.Filename, data, nil
	}
	data, err = io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil || int64(len(data)) > limit {
		return "", nil, apperr.TooLarge
	}
	return r.URL.Query().Get("filename"), data, nil
}

// CatalogFormat picks the file format from ?format=, the file name or the content type.
func CatalogFormat(r *http.Request, filename string) string {
	if f := r.URL.Query().Get("format"); f != "" {
		return f
	}
	if filename != "" {
		return catalog.FormatOf(filename)
	}
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.Contains(ct, "json"):
		return catalog.FormatJSON
	case strings.Contains(ct, "spreadsheet"):
		return catalog.FormatXLSX
	}
	return catalog.FormatCSV
}

// WriteCatalogFile writes entries as a download.
func WriteCatalogFile(w http.ResponseWriter, format, base string, entries []catalog.Entry) error {
	var buf bytes.Buffer
	if err := catalog.WriteEntries(&buf, format, entries); err != nil {
		return err
	}
	w.Header().Set("Content-Type", catalog.ContentType(format))
	w.Header().Set("Content-Disposition", `attachment; filename="`+base+`.`+format+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write(buf.Bytes())
	return err
}

// catalogSearchEntries answers GET /api/v1/catalog/entries: Search the catalog (full text, facets).
func (api *API) catalogSearchEntries(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	res, err := api.App.Catalog.Search(r.Context(), p, CatalogQuery(r))
	if err != nil {
		return nil, err
	}
	api.App.Catalog.LabelFacets(r.Context(), &res)
	res.Hits = nonNil(res.Hits)
	return res, nil
}

// catalogCreateEntry answers POST /api/v1/catalog/entries: Draft a catalog entry.
func (api *API) catalogCreateEntry(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var e catalog.Entry
	if err := Decode(r, &e); err != nil {
		return nil, err
	}
	out, err := api.App.Catalog.Create(r.Context(), p, e)
	if err != nil {
		return nil, err
	}
	return Created{out}, nil
}

// catalogCheckDraft answers POST /api/v1/catalog/check: Check a draft without saving.
func (api *API) catalogCheckDraft(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var e catalog.Entry
	if err := Decode(r, &e); err != nil {
		return nil, err
	}
	fe, warn, err := api.App.Catalog.Check(r.Context(), p, e)
	if err != nil {
		return nil, err
	}
	if fe == nil {
		fe = []apperr.FieldError{}
	}
	if warn == nil {
		warn = []catalog.Warning{}
	}
	return map[string]any{"valid": len(fe) == 0, "errors": fe, "warnings": warn}, nil
}

// catalogGetEntry answers GET /api/v1/catalog/entries/{id}: A catalog entry.
func (api *API) catalogGetEntry(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Catalog.View(r.Context(), p, r.PathValue("id"))
}

// catalogUpdateEntry answers PUT /api/v1/catalog/entries/{id}: Update a catalog entry.
func (api *API) catalogUpdateEntry(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var e catalog.Entry
	if err := Decode(r, &e); err != nil {
		return nil, err
	}
	e.ID = r.PathValue("id")
	return api.App.Catalog.Update(r.Context(), p, e)
}

// noteBody is what a workflow step on a catalog entry may carry (its name is the OpenAPI schema's).
type noteBody struct {
	Note    string `json:"note"`
	Reasons string `json:"reasons"`
	Reason  string `json:"reason"`
}

// catalogEntryAction runs one workflow step on the entry {id}, with the note body when body is
// set and one was sent, and answers the entry as it now stands.
func (api *API) catalogEntryAction(r *http.Request, p *authz.Principal, body bool, step func(in noteBody) error) (any, error) {
	var in noteBody
	if body && r.ContentLength != 0 {
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
	}
	if err := step(in); err != nil {
		return nil, err
	}
	return api.App.Catalog.View(r.Context(), p, r.PathValue("id"))
}

// catalogSubmitEntry answers POST /api/v1/catalog/entries/{id}/submit: Submit for review.
func (api *API) catalogSubmitEntry(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.catalogEntryAction(r, p, false, func(noteBody) error {
		return api.App.Catalog.Submit(r.Context(), p, r.PathValue("id"))
	})
}

// catalogRecallEntry answers POST /api/v1/catalog/entries/{id}/recall: Recall a submission.
func (api *API) catalogRecallEntry(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.catalogEntryAction(r, p, false, func(noteBody) error {
		return api.App.Catalog.Recall(r.Context(), p, r.PathValue("id"))
	})
}

// catalogApproveEntry answers POST /api/v1/catalog/entries/{id}/approve: Approve (publish or withdraw).
func (api *API) catalogApproveEntry(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.catalogEntryAction(r, p, true, func(in noteBody) error {
		return api.App.Catalog.Approve(r.Context(), p, r.PathValue("id"), in.Note)
	})
}

// catalogReturnEntry answers POST /api/v1/catalog/entries/{id}/return: Return with reasons.
func (api *API) catalogReturnEntry(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.catalogEntryAction(r, p, true, func(in noteBody) error {
		return api.App.Catalog.Return(r.Context(), p, r.PathValue("id"), in.Reasons+in.Note)
	})
}

// catalogRequestWithdrawal answers POST /api/v1/catalog/entries/{id}/withdraw: Request withdrawal.
func (api *API) catalogRequestWithdrawal(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.catalogEntryAction(r, p, true, func(in noteBody) error {
		return api.App.Catalog.RequestWithdrawal(r.Context(), p, r.PathValue("id"), in.Reason+in.Note)
	})
}

// catalogRecordLegalChange answers POST /api/v1/catalog/entries/{id}/legal-change: Record a legal change.
func (api *API) catalogRecordLegalChange(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.catalogEntryAction(r, p, true, func(in noteBody) error {
		return api.App.Catalog.RecordLegalChange(r.Context(), p, r.PathValue("id"), in.Note)
	})
}

// catalogListVersions answers GET /api/v1/catalog/entries/{id}/versions: Published versions.
func (api *API) catalogListVersions(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if _, err := api.App.Catalog.View(r.Context(), p, r.PathValue("id")); err != nil {
		return nil, err
	}
	vs, err := api.App.Catalog.Versions(r.Context(), r.PathValue("id"))
	return map[string]any{"items": nonNil(vs)}, err
}

// catalogGetVersion answers GET /api/v1/catalog/entries/{id}/versions/{version}: One version.
func (api *API) catalogGetVersion(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if _, err := api.App.Catalog.View(r.Context(), p, r.PathValue("id")); err != nil {
		return nil, err
	}
	v, err := strconv.Atoi(r.PathValue("version"))
	if err != nil {
		return nil, apperr.BadRequest.With(apperr.Field("version", "版本号须为整数", "version must be an integer"))
	}
	return api.App.Catalog.Version(r.Context(), r.PathValue("id"), v)
}

// catalogDiffVersions answers GET /api/v1/catalog/entries/{id}/diff: Diff two versions (0 = working copy).
func (api *API) catalogDiffVersions(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	from, err1 := strconv.Atoi(r.URL.Query().Get("from"))
	to, err2 := strconv.Atoi(r.URL.Query().Get("to"))
	if err1 != nil || err2 != nil {
		return nil, apperr.BadRequest.With(apperr.Field("from", "请给出 from 和 to 版本号", "give from and to version numbers"))
	}
	return api.App.Catalog.Compare(r.Context(), p, r.PathValue("id"), from, to)
}

// catalogEntryHistory answers GET /api/v1/catalog/entries/{id}/history: Workflow history.
func (api *API) catalogEntryHistory(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	e, err := api.App.Catalog.View(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if !catalog.CanSeeWorking(p, e.ProviderOrgID, e.RegionCode) {
		return nil, apperr.Forbidden
	}
	h, err := api.App.Catalog.History(r.Context(), r.PathValue("id"))
	return map[string]any{"items": nonNil(h)}, err
}

// catalogReviewQueue answers GET /api/v1/catalog/review-queue: Review queue with deadlines.
func (api *API) catalogReviewQueue(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	q, err := api.App.Catalog.ReviewQueue(r.Context(), p)
	return map[string]any{"items": nonNil(q)}, err
}

// catalogNegativeList answers GET /api/v1/catalog/negative-list: Negative list.
func (api *API) catalogNegativeList(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	items, err := api.App.Catalog.NegativeList(r.Context(), p, catalog.NegativeQuery{Agency: r.URL.Query().Get("agency"), Region: r.URL.Query().Get("region")})
	if err != nil {
		return nil, err
	}
	if f := r.URL.Query().Get("format"); f != "" {
		var buf bytes.Buffer
		if err := catalog.WriteNegativeList(&buf, f, items); err != nil {
			return nil, err
		}
		w.Header().Set("Content-Type", catalog.ContentType(f))
		w.Header().Set("Content-Disposition", `attachment; filename="negative-list.`+f+`"`)
		w.Write(buf.Bytes())
		return Raw{}, nil
	}
	return map[string]any{"items": nonNil(items)}, nil
}

// catalogExport answers GET /api/v1/catalog/export: Export the catalog.
func (api *API) catalogExport(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	q := r.URL.Query()
	f := q.Get("format")
	if f == "" {
		f = catalog.FormatCSV
	}
	entries, err := api.App.Catalog.ExportEntries(r.Context(), p, catalog.ExportQuery{Region: q.Get("region"), Agency: q.Get("agency"), Working: q.Get("working") == "1"})
	if err != nil {
		return nil, err
	}
	if sq := CatalogQuery(r); sq.Q != "" || sq.Attr != "" || sq.Topic != "" || sq.Grade != "" || sq.Share != "" || sq.Open != "" || sq.Freq != "" || sq.Status != "" {
		// The export of a search holds what the search lists (every page of it).
		if entries, err = exportMatches(r, api.App.Catalog, p, sq, entries); err != nil {
			return nil, err
		}
	}
	if err := WriteCatalogFile(w, f, "catalog", entries); err != nil {
		return nil, err
	}
	return Raw{}, nil
}

// catalogImport answers POST /api/v1/catalog/import: Import a catalog file.
func (api *API) catalogImport(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	name, data, err := ReadUpload(w, r, 32<<20)
	if err != nil {
		return nil, err
	}
	rows, err := catalog.ReadEntries(bytes.NewReader(data), CatalogFormat(r, name))
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	res, err := api.App.Catalog.Import(r.Context(), p, rows, catalog.ImportOptions{SkipBad: q.Get("skip_bad") == "1", Publish: q.Get("publish") == "1", Note: name})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// catalogRollup answers GET /api/v1/catalog/rollup: Catalog roll-up by region.
func (api *API) catalogRollup(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	rows, err := api.App.Catalog.Rollup(r.Context(), p, r.URL.Query().Get("region"))
	return map[string]any{"items": nonNil(rows)}, err
}

// catalogListSources answers GET /api/v1/catalog/sources: Source registry.
func (api *API) catalogListSources(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	src, err := api.App.Catalog.Sources(r.Context())
	return map[string]any{"items": nonNil(src)}, err
}

// catalogPutSource answers POST /api/v1/catalog/sources: Put a source registry row.
func (api *API) catalogPutSource(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in catalog.Source
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Catalog.PutSource(r.Context(), p, in)
}

// catalogSourceReport answers GET /api/v1/catalog/source-report: Duplicate sources and collection.
func (api *API) catalogSourceReport(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	rep, err := api.App.Catalog.SourceReport(r.Context(), p, r.URL.Query().Get("region"))
	rep.Duplicates, rep.Issues = nonNil(rep.Duplicates), nonNil(rep.Issues)
	return rep, err
}

// catalogGetConfig answers GET /api/v1/catalog/config: Grading, topics and deadlines.
func (api *API) catalogGetConfig(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Catalog.Config(r.Context()), nil
}

// catalogSetConfig answers PUT /api/v1/catalog/config: Change the catalog configuration.
func (api *API) catalogSetConfig(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in catalog.Config
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	if err := api.App.Catalog.SetConfig(r.Context(), p, in); err != nil {
		return nil, err
	}
	return api.App.Catalog.Config(r.Context()), nil
}

// overrideBody records a grading override (its name is the OpenAPI schema's). Grading drives
// protection (SEC-1, SEC-2): the authority's overrides and masking rules.
type overrideBody struct {
	Scope  string `json:"scope"`
	Reason string `json:"reason"`
}

// catalogRecordOverride answers POST /api/v1/catalog/entries/{id}/overrides: Record a grading override.
func (api *API) catalogRecordOverride(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in overrideBody
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Catalog.RecordOverride(r.Context(), p, r.PathValue("id"), in.Scope, in.Reason)
}

// catalogRevokeOverride answers DELETE /api/v1/catalog/entries/{id}/overrides/{scope}: Revoke a grading override.
func (api *API) catalogRevokeOverride(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if err := api.App.Catalog.RevokeOverride(r.Context(), p, r.PathValue("id"), r.PathValue("scope")); err != nil {
		return nil, err
	}
	return api.App.Catalog.View(r.Context(), p, r.PathValue("id"))
}

// catalogMaskRules answers a region's masking rules: those stored for it and those in force.
func (api *API) catalogMaskRules(r *http.Request) (any, error) {
	region := r.URL.Query().Get("region")
	stored, inForce, err := api.App.Catalog.MaskRules(r.Context(), region)
	return map[string]any{"region": region, "rules": nonNil(stored), "in_force": nonNil(inForce)}, err
}

// catalogGetMaskRules answers GET /api/v1/catalog/mask-rules: A region's masking rules.
func (api *API) catalogGetMaskRules(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.catalogMaskRules(r)
}

// catalogSetMaskRules answers PUT /api/v1/catalog/mask-rules: Set a region's masking rules.
func (api *API) catalogSetMaskRules(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in MaskRulesInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	if err := api.App.Catalog.SetMaskRules(r.Context(), p, r.URL.Query().Get("region"), in.Rules); err != nil {
		return nil, err
	}
	return api.catalogMaskRules(r)
}

// catalogListSystems answers GET /api/v1/catalog/systems: Information systems.
func (api *API) catalogListSystems(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	s, err := api.App.Catalog.Systems(r.Context(), p, r.URL.Query().Get("org"))
	return map[string]any{"items": nonNil(s)}, err
}

// catalogCreateSystem answers POST /api/v1/catalog/systems: Register a system.
func (api *API) catalogCreateSystem(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in catalog.System
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	in.ID = ""
	s, err := api.App.Catalog.SaveSystem(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{s}, nil
}

// catalogGetSystem answers GET /api/v1/catalog/systems/{id}: A system.
func (api *API) catalogGetSystem(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Catalog.System(r.Context(), p, r.PathValue("id"))
}

// catalogUpdateSystem answers PUT /api/v1/catalog/systems/{id}: Update a system.
func (api *API) catalogUpdateSystem(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in catalog.System
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	in.ID = r.PathValue("id")
	return api.App.Catalog.SaveSystem(r.Context(), p, in)
}

// catalogAcceptSystem answers POST /api/v1/catalog/systems/{id}/accept: Accept a system (only when it meets the conditions).
func (api *API) catalogAcceptSystem(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in NoteBody
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Catalog.AcceptSystem(r.Context(), p, r.PathValue("id"), in.Note)
}

// catalogAttachDocument answers POST /api/v1/catalog/systems/{id}/documents: Attach a document.
func (api *API) catalogAttachDocument(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	name, data, err := ReadUpload(w, r, catalog.MaxDocSize)
	if err != nil {
		return nil, err
	}
	kind := r.URL.Query().Get("kind")
	if kind == "" {
		kind = r.FormValue("kind")
	}
	d, err := api.App.Catalog.AttachDoc(r.Context(), p, r.PathValue("id"), kind, name, "", data)
	if err != nil {
		return nil, err
	}
	return Created{d}, nil
}

// catalogGetDocument answers GET /api/v1/catalog/documents/{id}: Download a document.
func (api *API) catalogGetDocument(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	d, data, err := api.App.Catalog.Doc(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	w.Header().Set("Content-Type", d.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.ReplaceAll(d.Filename, `"`, "")+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(data)
	return Raw{}, nil
}

// catalogListPurchases answers GET /api/v1/catalog/purchases: Purchased data.
func (api *API) catalogListPurchases(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	l, err := api.App.Catalog.Purchases(r.Context(), p)
	return map[string]any{"items": nonNil(l)}, err
}

// catalogRequestPurchase answers POST /api/v1/catalog/purchases: Request a data purchase.
func (api *API) catalogRequestPurchase(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in catalog.Purchase
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	pu, err := api.App.Catalog.RequestPurchase(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{pu}, nil
}

// catalogDecidePurchase answers POST /api/v1/catalog/purchases/{id}/decide: Decide a purchase.
func (api *API) catalogDecidePurchase(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in PurchaseDecision
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return nil, api.App.Catalog.DecidePurchase(r.Context(), p, r.PathValue("id"), in.Approve, in.Note)
}

// catalogLinkPurchase answers POST /api/v1/catalog/purchases/{id}/link: Link the cataloging entry.
func (api *API) catalogLinkPurchase(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in PurchaseLink
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return nil, api.App.Catalog.LinkPurchase(r.Context(), p, r.PathValue("id"), in.EntryID)
}

// catalogListReassessments answers GET /api/v1/catalog/reassessments: Re-assessments.
func (api *API) catalogListReassessments(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	l, err := api.App.Catalog.Reassessments(r.Context(), p, r.URL.Query().Get("pending") == "1")
	return map[string]any{"items": nonNil(l)}, err
}

// catalogRecordReassessment answers POST /api/v1/catalog/reassessments/{id}: Record an outcome.
func (api *API) catalogRecordReassessment(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in ReassessmentOutcome
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return nil, api.App.Catalog.RecordReassessment(r.Context(), p, r.PathValue("id"), in.Outcome, in.Note)
}

// catalogLevelChanges answers GET /api/v1/catalog/level-changes: This level's changes to report upward.
func (api *API) catalogLevelChanges(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	l, err := api.App.Catalog.LevelChanges(r.Context(), p)
	return map[string]any{"items": nonNil(l)}, err
}

// catalogListLevelReports answers GET /api/v1/catalog/level-reports: Catalog reports to the level above.
func (api *API) catalogListLevelReports(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	l, total, err := api.App.Catalog.LevelReports(r.Context(), p, pg.Size, pg.Offset)
	return NewPaged(l, pg, total), err
}

// catalogSubmitLevelReport answers POST /api/v1/catalog/level-reports: Report this level's catalog upward.
func (api *API) catalogSubmitLevelReport(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in NoteBody
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	rep, err := api.App.Catalog.SubmitLevelReport(r.Context(), p, in.Note)
	if err != nil {
		return nil, err
	}
	return Created{rep}, nil
}

// catalogGetLevelReport answers GET /api/v1/catalog/level-reports/{id}: A catalog report.
func (api *API) catalogGetLevelReport(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Catalog.LevelReport(r.Context(), p, r.PathValue("id"))
}

// catalogDecideLevelReport answers POST /api/v1/catalog/level-reports/{id}/decide: Decide a catalog report.
func (api *API) catalogDecideLevelReport(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in LevelDecisionInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Catalog.DecideLevelReport(r.Context(), p, r.PathValue("id"), in.Decisions, in.Note)
}

// exportMatches keeps the entries that the catalog search sq finds, reading the search in pages
// of 500 up to the search's own bound.
func exportMatches(r *http.Request, svc *catalog.Service, p *authz.Principal, sq catalog.SearchQuery, entries []catalog.Entry) ([]catalog.Entry, error) {
	hit := map[string]bool{}
	sq.PageSize = 500
	for sq.Page = 1; sq.Page <= 200; sq.Page++ {
		res, err := svc.Search(r.Context(), p, sq)
		if err != nil {
			return nil, err
		}
		for _, h := range res.Hits {
			hit[h.ID] = true
		}
		if sq.Page*sq.PageSize >= res.Total {
			break
		}
	}
	out := entries[:0]
	for _, e := range entries {
		if hit[e.ID] {
			out = append(out, e)
		}
	}
	return out, nil
}
