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

// Aggregation routes (AGG-1 … AGG-6): uploads, pushes, versions, quality reports, rows, source
// databases, the freshness board, base databases and returns between levels.
func (api *API) ingestRoutes() {
	a := api.App
	if a.Ingest == nil {
		return
	}
	s := a.Ingest
	api.Handle(Route{Method: "POST", Path: "/api/v1/ingest/entries/{id}/uploads", Summary: "上传文件归集（CSV/XLSX/JSON Lines，流式读取）/ Upload a file (CSV, XLSX, JSON Lines; streamed)", Tag: "ingest", Body: true, In: Upload{}, Out: Created{V: ingest.LoadResult{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			req, err := UploadRequest(w, r, s.MaxUploadBytes())
			if err != nil {
				return nil, err
			}
			req.EntryID, req.ClientIP = r.PathValue("id"), ClientIP(r)
			res, err := s.Load(r.Context(), p, req)
			return loaded(w, res, err)
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/ingest/entries/{id}/corrections", Summary: "更正一条记录（作为新版本入库，审计）/ Correct one record (a new version; audited)", Tag: "ingest", Body: true, In: ingest.CorrectionInput{}, Out: Outs{OK: ingest.LoadResult{}, Created: ingest.LoadResult{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in ingest.CorrectionInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			res, err := s.CorrectRecord(r.Context(), p, r.PathValue("id"), in, ClientIP(r))
			return loaded(w, res, err)
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/ingest/entries/{id}/batches", Summary: "接口推送一批数据（按批次号幂等）/ Push a batch (idempotent by batch id)", Tag: "ingest", Body: true, In: ingest.Batch{}, Out: Outs{OK: ingest.LoadResult{}, Created: ingest.LoadResult{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var b ingest.Batch
			if err := Decode(r, &b); err != nil {
				return nil, err
			}
			res, err := s.Push(r.Context(), p, r.PathValue("id"), b, ClientIP(r))
			if err == nil && res.Replayed {
				w.Header().Set("X-Ingest-Load", res.Load.ID)
				return res, nil
			}
			return loaded(w, res, err)
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/ingest/entries/{id}/tokens", Summary: "签发推送令牌（绑定该目录条目，仅显示一次）/ Issue a push token bound to the entry (shown once)", Tag: "ingest", Body: true, In: PushTokenInput{}, Out: Created{V: TokenIssued{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in PushTokenInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			if in.TTLDays == 0 {
				in.TTLDays = 365
			}
			secret, tok, err := s.IssuePushToken(r.Context(), p, r.PathValue("id"), in.Name, time.Duration(in.TTLDays)*24*time.Hour)
			if err != nil {
				return nil, err
			}
			return Created{map[string]any{"token": secret, "info": tok}}, nil
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/entries/{id}/current", Summary: "当前数据版本 / Current data version", Tag: "ingest", Out: ingest.Version{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if _, _, err := s.Versions(r.Context(), p, r.PathValue("id"), 1, 0); err != nil {
				return nil, err
			}
			return s.Current(r.Context(), r.PathValue("id"))
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/entries/{id}/versions", Summary: "数据版本列表 / Data versions", Tag: "ingest", Out: Paged[ingest.Load]{}, Query: []string{"page", "page_size"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			pg, err := PageOf(r)
			if err != nil {
				return nil, err
			}
			vs, total, err := s.Versions(r.Context(), p, r.PathValue("id"), pg.Size, pg.Offset)
			return NewPaged(vs, pg, total), err
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/entries/{id}/loads", Summary: "归集记录（含被拒收和失败的）/ Load attempts (rejected and failed included)", Tag: "ingest", Out: Paged[ingest.Load]{}, Query: []string{"page", "page_size"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			pg, err := PageOf(r)
			if err != nil {
				return nil, err
			}
			ls, total, err := s.Loads(r.Context(), p, r.PathValue("id"), pg.Size, pg.Offset)
			return NewPaged(ls, pg, total), err
		})
	api.Handle(Route{Method: "PUT", Path: "/api/v1/ingest/entries/{id}/retention", Summary: "设置历史版本保留数 / Set how many versions are kept", Tag: "ingest", Body: true, In: RetentionInput{}, Out: NoContent{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in RetentionInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return nil, s.SetRetention(r.Context(), p, r.PathValue("id"), in.Keep, ClientIP(r))
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/entries/{id}/records", Summary: "查询已归集数据（按信息项等值筛选，审计）/ Query the stored rows (equality filters; audited)", Tag: "ingest", Out: Paged[ingest.Record]{}, Query: []string{"page", "page_size"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
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
			recs, total, err := s.Records(r.Context(), p, r.PathValue("id"), filter, pg.Size, pg.Offset, ClientIP(r))
			return NewPaged(recs, pg, total), err
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/entries/{id}/records/{key}", Summary: "按主键查询一条记录（审计）/ One record by key (audited)", Tag: "ingest", Out: ingest.Record{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return s.RecordByKey(r.Context(), p, r.PathValue("id"), r.PathValue("key"), ClientIP(r))
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/loads", Summary: "最近的归集记录 / Recent loads", Tag: "ingest", Out: Paged[ingest.Load]{}, Query: []string{"page", "page_size"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			pg, err := PageOf(r)
			if err != nil {
				return nil, err
			}
			ls, total, err := s.RecentLoads(r.Context(), p, pg.Size, pg.Offset)
			return NewPaged(ls, pg, total), err
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/loads/{id}", Summary: "一次归集及其质量报告 / A load and its quality report", Tag: "ingest", Out: ingest.LoadResult{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			l, err := s.GetLoad(r.Context(), p, r.PathValue("id"))
			if err != nil {
				return nil, err
			}
			rep, err := s.Report(r.Context(), p, l.ID)
			if err != nil {
				return nil, err
			}
			return ingest.LoadResult{Load: l, Report: rep}, nil
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/entries/{id}/sources", Summary: "已登记的源数据库 / Registered source databases", Tag: "ingest", Out: Items[ingest.Source]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			srcs, err := s.Sources(r.Context(), p, r.PathValue("id"))
			return map[string]any{"items": srcs}, err
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/ingest/entries/{id}/sources", Summary: "登记源数据库（连接串加密保存）/ Register a source database (DSN stored encrypted)", Tag: "ingest", Body: true, In: ingest.SourceInput{}, Out: Created{V: ingest.Source{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in ingest.SourceInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			src, err := s.RegisterSource(r.Context(), p, r.PathValue("id"), in, ClientIP(r))
			if err != nil {
				return nil, err
			}
			return Created{src}, nil
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/ingest/sources/{id}/pull", Summary: "立即抽取（源不可用时退避重试）/ Pull now (retried with back-off when the source is down)", Tag: "ingest", Out: Outs{OK: NothingPulled{}, Created: ingest.LoadResult{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			res, err := s.PullNow(r.Context(), p, r.PathValue("id"), ClientIP(r))
			if err == nil && res != nil && res.NoNewRows {
				// Nothing was created: 200, saying so (not 201 with an empty load).
				return map[string]any{"no_new_rows": true, "source_id": r.PathValue("id"), "pulled_at": db.StampOf(time.Now()),
					"message": "源数据库中没有新的数据，未生成新的归集批次", "message_en": "no new rows in the source database; no load was made"}, nil
			}
			return loaded(w, res, err)
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/freshness", Summary: "更新及时性看板 / Freshness board", Tag: "ingest", Out: Items[ingest.FreshnessRow]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			rows, err := s.Freshness(r.Context(), p)
			return map[string]any{"items": nonNilSlice(rows)}, err
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/late", Summary: "逾期更新标记 / Late-update flags", Tag: "ingest", Out: Items[ingest.LateFlag]{}, Query: []string{"org"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			flags, err := s.LateFlags(r.Context(), p, r.URL.Query().Get("org"))
			return map[string]any{"items": nonNilSlice(flags)}, err
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/bases", Summary: "基础库 / Base databases", Tag: "ingest", Out: Items[ingest.BaseDef]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			l, err := s.AllBases(r.Context(), p)
			return map[string]any{"items": l}, err
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/ingest/themes", Summary: "定义主题库或专题库 / Define a subject or thematic database", Tag: "ingest", Body: true, In: ingest.ThemeInput{}, Out: ingest.BaseDef{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if err := authz.BaseDB(p, authz.Manage); err != nil {
				return nil, err
			}
			var in ingest.ThemeInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return s.DefineTheme(r.Context(), p, in)
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/licences", Summary: "电子证照实时归集情况 / E-licence real-time aggregation", Tag: "ingest", Out: Items[ingest.LicenceRow]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			l, err := s.LicenceFreshness(r.Context(), p)
			return map[string]any{"items": l}, err
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/bases/{base}/members", Summary: "基础库的来源目录 / Entries of a base database", Tag: "ingest", Out: Items[ingest.BaseMember]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			ms, err := s.BaseMembers(r.Context(), p, r.PathValue("base"))
			return map[string]any{"items": ms}, err
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/bases/{base}/lookup/{key}", Summary: "基础库融合查询（审计）/ Fused base-database lookup (audited)", Tag: "ingest", Out: ingest.FusedRecord{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return s.Fuse(r.Context(), p, r.PathValue("base"), r.PathValue("key"), ClientIP(r))
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/returns", Summary: "数据回流申请 / Data return requests", Tag: "ingest", Out: Items[ingest.DataReturn]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			rs, err := s.Returns(r.Context(), p)
			return map[string]any{"items": rs}, err
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/ingest/returns", Summary: "申请数据回流（下级向上级）/ Request a data return (lower level to upper)", Tag: "ingest", Body: true, In: ingest.ReturnInput{}, Out: Created{V: ingest.DataReturn{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in ingest.ReturnInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			ret, err := s.RequestReturn(r.Context(), p, in, ClientIP(r))
			if err != nil {
				return nil, err
			}
			return Created{ret}, nil
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/ingest/returns/{id}/events", Summary: "处理回流申请（approve/refuse/cancel/revoke；同意时可批准明文信息项 clear_fields）/ Act on a return request (approval may allow asked clear fields)", Tag: "ingest", Body: true, In: ingest.ReturnDecision{}, Out: ingest.DataReturn{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in ingest.ReturnDecision
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return s.DecideReturnWith(r.Context(), p, r.PathValue("id"), in, ClientIP(r))
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/returns/{id}/records", Summary: "分页查阅回流数据（本区域、按筛选条件、按分级脱敏；审计）/ Page through returned rows (own region, filtered, masked per grade; audited)", Tag: "ingest", Out: ingest.ReturnPage{}, Query: []string{"limit", "offset"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			// bounds are clamped by PageReturn (authorization comes first, so no 400 here)
			limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
			offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
			return s.PageReturn(r.Context(), p, r.PathValue("id"), limit, offset, ClientIP(r))
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/ingest/returns/{id}/data", Summary: "下载回流数据（CSV，审计）/ Download returned data (CSV; audited)", Tag: "ingest", Out: Raw{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var cw *csvsafe.Writer
			err := s.FetchReturn(r.Context(), p, r.PathValue("id"), ClientIP(r), func(fields []string, rec ingest.Record) error {
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
		})
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
