package httpapi

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/csvsafe"
	"pubdata/internal/db"
	"pubdata/internal/ingest"
)

// ingestUpload answers POST /api/v1/ingest/entries/{id}/uploads: Upload a file (CSV, XLSX, JSON Lines; streamed).
func (api *API) ingestUpload(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	req, err := UploadRequest(w, r, api.App.Ingest.MaxUploadBytes())
	if err != nil {
		return nil, err
	}
	req.EntryID, req.ClientIP = r.PathValue("id"), ClientIP(r)
	res, err := api.App.Ingest.Load(r.Context(), p, req)
	return loaded(w, res, err)
}

// ingestCorrectRecord answers POST /api/v1/ingest/entries/{id}/corrections: Correct one record (a new version; audited).
func (api *API) ingestCorrectRecord(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in ingest.CorrectionInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	res, err := api.App.Ingest.CorrectRecord(r.Context(), p, r.PathValue("id"), in, ClientIP(r))
	return loaded(w, res, err)
}

// ingestPushBatch answers POST /api/v1/ingest/entries/{id}/batches: Push a batch (idempotent by batch id).
func (api *API) ingestPushBatch(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var b ingest.Batch
	if err := Decode(r, &b); err != nil {
		return nil, err
	}
	res, err := api.App.Ingest.Push(r.Context(), p, r.PathValue("id"), b, ClientIP(r))
	if err == nil && res.Replayed {
		w.Header().Set("X-Ingest-Load", res.Load.ID)
		return res, nil
	}
	return loaded(w, res, err)
}

// ingestIssuePushToken answers POST /api/v1/ingest/entries/{id}/tokens: Issue a push token bound to the entry (shown once).
func (api *API) ingestIssuePushToken(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in PushTokenInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	if in.TTLDays == 0 {
		in.TTLDays = 365
	}
	secret, tok, err := api.App.Ingest.IssuePushToken(r.Context(), p, r.PathValue("id"), in.Name, time.Duration(in.TTLDays)*24*time.Hour)
	if err != nil {
		return nil, err
	}
	return Created{map[string]any{"token": secret, "info": tok}}, nil
}

// ingestCurrentVersion answers GET /api/v1/ingest/entries/{id}/current: Current data version.
func (api *API) ingestCurrentVersion(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if _, _, err := api.App.Ingest.Versions(r.Context(), p, r.PathValue("id"), 1, 0); err != nil {
		return nil, err
	}
	return api.App.Ingest.Current(r.Context(), r.PathValue("id"))
}

// ingestListVersions answers GET /api/v1/ingest/entries/{id}/versions: Data versions.
func (api *API) ingestListVersions(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	vs, total, err := api.App.Ingest.Versions(r.Context(), p, r.PathValue("id"), pg.Size, pg.Offset)
	return NewPaged(vs, pg, total), err
}

// ingestListEntryLoads answers GET /api/v1/ingest/entries/{id}/loads: Load attempts (rejected and failed included).
func (api *API) ingestListEntryLoads(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	ls, total, err := api.App.Ingest.Loads(r.Context(), p, r.PathValue("id"), pg.Size, pg.Offset)
	return NewPaged(ls, pg, total), err
}

// ingestSetRetention answers PUT /api/v1/ingest/entries/{id}/retention: Set how many versions are kept.
func (api *API) ingestSetRetention(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in RetentionInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return nil, api.App.Ingest.SetRetention(r.Context(), p, r.PathValue("id"), in.Keep, ClientIP(r))
}

// ingestQueryRecords answers GET /api/v1/ingest/entries/{id}/records: Query the stored rows (equality filters; audited).
func (api *API) ingestQueryRecords(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	filter := map[string]string{}
	for k, v := range r.URL.Query() {
		if k != "page" && k != "page_size" && len(v) > 0 {
			filter[k] = v[0]
		}
	}
	recs, total, err := api.App.Ingest.Records(r.Context(), p, r.PathValue("id"), filter, pg.Size, pg.Offset, ClientIP(r))
	return NewPaged(recs, pg, total), err
}

// ingestRecordByKey answers GET /api/v1/ingest/entries/{id}/records/{key}: One record by key (audited).
func (api *API) ingestRecordByKey(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Ingest.RecordByKey(r.Context(), p, r.PathValue("id"), r.PathValue("key"), ClientIP(r))
}

// ingestRecentLoads answers GET /api/v1/ingest/loads: Recent loads.
func (api *API) ingestRecentLoads(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	ls, total, err := api.App.Ingest.RecentLoads(r.Context(), p, pg.Size, pg.Offset)
	return NewPaged(ls, pg, total), err
}

// ingestGetLoad answers GET /api/v1/ingest/loads/{id}: A load and its quality report.
func (api *API) ingestGetLoad(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	l, err := api.App.Ingest.GetLoad(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	rep, err := api.App.Ingest.Report(r.Context(), p, l.ID)
	if err != nil {
		return nil, err
	}
	return ingest.LoadResult{Load: l, Report: rep}, nil
}

// ingestListSources answers GET /api/v1/ingest/entries/{id}/sources: Registered source databases.
func (api *API) ingestListSources(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	srcs, err := api.App.Ingest.Sources(r.Context(), p, r.PathValue("id"))
	return map[string]any{"items": srcs}, err
}

// ingestRegisterSource answers POST /api/v1/ingest/entries/{id}/sources: Register a source database (DSN stored encrypted).
func (api *API) ingestRegisterSource(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in ingest.SourceInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	src, err := api.App.Ingest.RegisterSource(r.Context(), p, r.PathValue("id"), in, ClientIP(r))
	if err != nil {
		return nil, err
	}
	return Created{src}, nil
}

// ingestPullNow answers POST /api/v1/ingest/sources/{id}/pull: Pull now (retried with back-off when the source is down).
func (api *API) ingestPullNow(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	res, err := api.App.Ingest.PullNow(r.Context(), p, r.PathValue("id"), ClientIP(r))
	if err == nil && res != nil && res.NoNewRows {
		// Nothing was created: 200, saying so (not 201 with an empty load).
		return map[string]any{"no_new_rows": true, "source_id": r.PathValue("id"), "pulled_at": db.StampOf(time.Now()),
			"message": "源数据库中没有新的数据，未生成新的归集批次", "message_en": "no new rows in the source database; no load was made"}, nil
	}
	return loaded(w, res, err)
}

// ingestFreshness answers GET /api/v1/ingest/freshness: Freshness board.
func (api *API) ingestFreshness(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	rows, err := api.App.Ingest.Freshness(r.Context(), p)
	return map[string]any{"items": nonNilSlice(rows)}, err
}

// ingestLateFlags answers GET /api/v1/ingest/late: Late-update flags.
func (api *API) ingestLateFlags(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	flags, err := api.App.Ingest.LateFlags(r.Context(), p, r.URL.Query().Get("org"))
	return map[string]any{"items": nonNilSlice(flags)}, err
}

// ingestListBases answers GET /api/v1/ingest/bases: Base databases.
func (api *API) ingestListBases(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	l, err := api.App.Ingest.AllBases(r.Context(), p)
	return map[string]any{"items": l}, err
}

// ingestDefineTheme answers POST /api/v1/ingest/themes: Define a subject or thematic database.
func (api *API) ingestDefineTheme(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if err := authz.BaseDB(p, authz.Manage); err != nil {
		return nil, err
	}
	var in ingest.ThemeInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Ingest.DefineTheme(r.Context(), p, in)
}

// ingestLicenceFreshness answers GET /api/v1/ingest/licences: E-licence real-time aggregation.
func (api *API) ingestLicenceFreshness(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	l, err := api.App.Ingest.LicenceFreshness(r.Context(), p)
	return map[string]any{"items": l}, err
}

// ingestBaseMembers answers GET /api/v1/ingest/bases/{base}/members: Entries of a base database.
func (api *API) ingestBaseMembers(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	ms, err := api.App.Ingest.BaseMembers(r.Context(), p, r.PathValue("base"))
	return map[string]any{"items": ms}, err
}

// ingestFusedLookup answers GET /api/v1/ingest/bases/{base}/lookup/{key}: Fused base-database lookup (audited).
func (api *API) ingestFusedLookup(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Ingest.Fuse(r.Context(), p, r.PathValue("base"), r.PathValue("key"), ClientIP(r))
}

// ingestListReturns answers GET /api/v1/ingest/returns: Data return requests.
func (api *API) ingestListReturns(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	rs, err := api.App.Ingest.Returns(r.Context(), p)
	return map[string]any{"items": rs}, err
}

// ingestRequestReturn answers POST /api/v1/ingest/returns: Request a data return (lower level to upper).
func (api *API) ingestRequestReturn(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in ingest.ReturnInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	ret, err := api.App.Ingest.RequestReturn(r.Context(), p, in, ClientIP(r))
	if err != nil {
		return nil, err
	}
	return Created{ret}, nil
}

// ingestDecideReturn answers POST /api/v1/ingest/returns/{id}/events: Act on a return request (approval may allow asked clear fields).
func (api *API) ingestDecideReturn(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in ingest.ReturnDecision
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Ingest.DecideReturnWith(r.Context(), p, r.PathValue("id"), in, ClientIP(r))
}

// ingestPageReturn answers GET /api/v1/ingest/returns/{id}/records: Page through returned rows (own region, filtered, masked per grade; audited).
func (api *API) ingestPageReturn(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	// bounds are clamped by PageReturn (authorization comes first, so no 400 here)
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	return api.App.Ingest.PageReturn(r.Context(), p, r.PathValue("id"), limit, offset, ClientIP(r))
}

// ingestDownloadReturn answers GET /api/v1/ingest/returns/{id}/data: Download returned data (CSV; audited).
func (api *API) ingestDownloadReturn(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var cw *csvsafe.Writer
	err := api.App.Ingest.FetchReturn(r.Context(), p, r.PathValue("id"), ClientIP(r), func(fields []string, rec ingest.Record) error {
		if cw == nil {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", `attachment; filename="return-`+r.PathValue("id")+`.csv"`)
			w.Header().Set("Cache-Control", "no-store")
			cw = csvsafe.NewWriter(w)
			cw.Write(fields)
		}
		row := make([]string, len(fields))
		for i, f := range fields {
			row[i] = rec.Values[f]
		}
		return cw.Write(row)
	})
	if cw == nil {
		if err != nil {
			return nil, err
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		return Raw{}, nil
	}
	cw.Flush()
	return Raw{}, nil
}

// loaded answers a load: 201 with the result, or the error with the load's id in X-Ingest-Load
// (a rejected load's quality report stays readable at /api/v1/ingest/loads/{id}).
func loaded(w http.ResponseWriter, res *ingest.LoadResult, err error) (any, error) {
	if res != nil && res.Load.ID != "" {
		w.Header().Set("X-Ingest-Load", res.Load.ID)
	}
	if err != nil {
		return nil, err
	}
	return Created{res}, nil
}

// UploadRequest reads an upload's parameters and returns a request whose Body streams the
// file: a raw body (Content-Type text/csv, application/x-ndjson, the XLSX type, or
// application/octet-stream with ?filename=) or a multipart form whose "file" part comes after
// the optional mode/partial/format fields. The body is capped at limit bytes and refused at once
// when its declared length is over it; it is never read whole into memory.
func UploadRequest(w http.ResponseWriter, r *http.Request, limit int64) (ingest.LoadRequest, error) {
	var req ingest.LoadRequest
	if r.ContentLength > limit {
		return req, tooLarge(limit)
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	q := r.URL.Query()
	set := func(k, v string) error {
		switch k {
		case "mode":
			req.Mode = ingest.Mode(v)
		case "partial":
			req.Partial = v == "1" || v == "true" || v == "on"
		case "format":
			if v != "" {
				f, err := ingest.ParseFormat(v)
				if err != nil {
					return err
				}
				req.Format = f
			}
		case "filename":
			req.FileName = v
		}
		return nil
	}
	for _, k := range []string{"mode", "partial", "format", "filename"} {
		if err := set(k, q.Get(k)); err != nil {
			return req, err
		}
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		mr, err := r.MultipartReader()
		if err != nil {
			return req, apperr.BadRequest.With(apperr.Field("file", "无法解析上传表单", "cannot parse the upload form"))
		}
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				return req, apperr.Invalid.With(apperr.Field("file", "请选择要上传的文件", "choose a file to upload"))
			}
			if err != nil {
				return req, apperr.BadRequest.With(apperr.Field("file", "上传表单不完整", "the upload form is incomplete"))
			}
			if part.FormName() == "file" {
				if part.FileName() != "" && req.FileName == "" {
					req.FileName = part.FileName()
				}
				req.Body = part
				break
			}
			v, _ := io.ReadAll(io.LimitReader(part, 1024))
			if err := set(part.FormName(), strings.TrimSpace(string(v))); err != nil {
				return req, err
			}
		}
	} else {
		req.Body = r.Body
		if req.Format == "" {
			switch ct {
			case "text/csv":
				req.Format = ingest.FormatCSV
			case "application/x-ndjson", "application/jsonl", "application/x-jsonlines":
				req.Format = ingest.FormatJSONL
			case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
				req.Format = ingest.FormatXLSX
			}
		}
	}
	if req.Format == "" {
		f, err := ingest.FormatOf(req.FileName)
		if err != nil {
			return req, err
		}
		req.Format = f
	}
	return req, nil
}

func tooLarge(limit int64) error {
	mb := strconv.FormatInt(limit>>20, 10)
	return apperr.TooLarge.With(apperr.Field("file", "文件超过 "+mb+" MiB 的上限，未读取", "the file exceeds the "+mb+" MiB limit and was not read"))
}

func nonNilSlice[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
