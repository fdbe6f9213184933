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

func catalogRoutes(api *API) {
	a := api.App
	c := func() *catalog.Service { return a.Catalog }
	id := func(r *http.Request) string { return r.PathValue("id") }
	const tag = "catalog"

	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/entries", Summary: "检索目录（全文、分面）/ Search the catalog (full text, facets)", Tag: tag, Public: true, Out: catalog.SearchResult{}, Query: []string{"agency", "data_form", "grade", "open_type", "page", "page_size", "q", "region", "resource_attr", "share_type", "status", "topic", "update_frequency"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			res, err := c().Search(r.Context(), p, CatalogQuery(r))
			if err != nil {
				return nil, err
			}
			c().LabelFacets(r.Context(), &res)
			res.Hits = nonNil(res.Hits)
			return res, nil
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/entries", Summary: "起草目录条目 / Draft a catalog entry", Tag: tag, Body: true, In: catalog.Entry{}, Out: Created{V: catalog.Entry{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var e catalog.Entry
			if err := Decode(r, &e); err != nil {
				return nil, err
			}
			out, err := c().Create(r.Context(), p, e)
			if err != nil {
				return nil, err
			}
			return Created{out}, nil
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/check", Summary: "校验目录草稿（不保存）/ Check a draft without saving", Tag: tag, Body: true, In: catalog.Entry{}, Out: DraftChecked{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var e catalog.Entry
			if err := Decode(r, &e); err != nil {
				return nil, err
			}
			fe, warn, err := c().Check(r.Context(), p, e)
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
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/entries/{id}", Summary: "目录条目 / A catalog entry", Tag: tag, Public: true, Out: catalog.Entry{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return c().View(r.Context(), p, id(r))
		})
	api.Handle(Route{Method: "PUT", Path: "/api/v1/catalog/entries/{id}", Summary: "修改目录条目 / Update a catalog entry", Tag: tag, Body: true, In: catalog.Entry{}, Out: catalog.Entry{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var e catalog.Entry
			if err := Decode(r, &e); err != nil {
				return nil, err
			}
			e.ID = id(r)
			return c().Update(r.Context(), p, e)
		})
	type noteBody struct {
		Note    string `json:"note"`
		Reasons string `json:"reasons"`
		Reason  string `json:"reason"`
	}
	action := func(path, summary string, body bool, fn func(r *http.Request, p *authz.Principal, in noteBody) error) {
		api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/entries/{id}/" + path, Summary: summary, Tag: tag, Body: body, In: noteBody{}, Out: catalog.Entry{}},
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in noteBody
				if body && r.ContentLength != 0 {
					if err := Decode(r, &in); err != nil {
						return nil, err
					}
				}
				if err := fn(r, p, in); err != nil {
					return nil, err
				}
				return c().View(r.Context(), p, id(r))
			})
	}
	action("submit", "提交审核 / Submit for review", false, func(r *http.Request, p *authz.Principal, _ noteBody) error { return c().Submit(r.Context(), p, id(r)) })
	action("recall", "撤回提交 / Recall a submission", false, func(r *http.Request, p *authz.Principal, _ noteBody) error { return c().Recall(r.Context(), p, id(r)) })
	action("approve", "审核通过（发布或同意下线）/ Approve (publish or withdraw)", true, func(r *http.Request, p *authz.Principal, in noteBody) error {
		return c().Approve(r.Context(), p, id(r), in.Note)
	})
	action("return", "退回（附理由）/ Return with reasons", true, func(r *http.Request, p *authz.Principal, in noteBody) error {
		return c().Return(r.Context(), p, id(r), in.Reasons+in.Note)
	})
	action("withdraw", "申请下线 / Request withdrawal", true, func(r *http.Request, p *authz.Principal, in noteBody) error {
		return c().RequestWithdrawal(r.Context(), p, id(r), in.Reason+in.Note)
	})
	action("legal-change", "登记法律依据或职能变化（15 个工作日内更新）/ Record a legal change", true, func(r *http.Request, p *authz.Principal, in noteBody) error {
		return c().RecordLegalChange(r.Context(), p, id(r), in.Note)
	})
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/entries/{id}/versions", Summary: "已发布版本 / Published versions", Tag: tag, Public: true, Out: Items[catalog.VersionInfo]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if _, err := c().View(r.Context(), p, id(r)); err != nil {
				return nil, err
			}
			vs, err := c().Versions(r.Context(), id(r))
			return map[string]any{"items": nonNil(vs)}, err
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/entries/{id}/versions/{version}", Summary: "某一版本 / One version", Tag: tag, Public: true, Out: catalog.Entry{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if _, err := c().View(r.Context(), p, id(r)); err != nil {
				return nil, err
			}
			v, err := strconv.Atoi(r.PathValue("version"))
			if err != nil {
				return nil, apperr.BadRequest.With(apperr.Field("version", "版本号须为整数", "version must be an integer"))
			}
			return c().Version(r.Context(), id(r), v)
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/entries/{id}/diff", Summary: "比较两个版本（to=0 为工作稿）/ Diff two versions (0 = working copy)", Tag: tag, Public: true, Out: catalog.Comparison{}, Query: []string{"from", "to"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			from, err1 := strconv.Atoi(r.URL.Query().Get("from"))
			to, err2 := strconv.Atoi(r.URL.Query().Get("to"))
			if err1 != nil || err2 != nil {
				return nil, apperr.BadRequest.With(apperr.Field("from", "请给出 from 和 to 版本号", "give from and to version numbers"))
			}
			return c().Compare(r.Context(), p, id(r), from, to)
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/entries/{id}/history", Summary: "流转记录 / Workflow history", Tag: tag, Out: Items[catalog.Event]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			e, err := c().View(r.Context(), p, id(r))
			if err != nil {
				return nil, err
			}
			if !catalog.CanSeeWorking(p, e.ProviderOrgID, e.RegionCode) {
				return nil, apperr.Forbidden
			}
			h, err := c().History(r.Context(), id(r))
			return map[string]any{"items": nonNil(h)}, err
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/review-queue", Summary: "待办：审核与更新期限 / Review queue with deadlines", Tag: tag, Out: Items[catalog.QueueItem]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			q, err := c().ReviewQueue(r.Context(), p)
			return map[string]any{"items": nonNil(q)}, err
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/negative-list", Summary: "共享负面清单（format=csv|xlsx|json 下载）/ Negative list", Tag: tag, Out: Items[catalog.NegativeItem]{}, Query: []string{"agency", "format", "region"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			items, err := c().NegativeList(r.Context(), p, catalog.NegativeQuery{Agency: r.URL.Query().Get("agency"), Region: r.URL.Query().Get("region")})
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
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/export", Summary: "导出目录（format=csv|xlsx|json）/ Export the catalog", Tag: tag, Public: true, Out: Raw{}, Query: []string{"agency", "data_form", "format", "grade", "open_type", "page", "page_size", "q", "region", "resource_attr", "share_type", "status", "topic", "update_frequency", "working"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			q := r.URL.Query()
			f := q.Get("format")
			if f == "" {
				f = catalog.FormatCSV
			}
			entries, err := c().ExportEntries(r.Context(), p, catalog.ExportQuery{Region: q.Get("region"), Agency: q.Get("agency"), Working: q.Get("working") == "1"})
			if err != nil {
				return nil, err
			}
			if sq := CatalogQuery(r); sq.Q != "" || sq.Attr != "" || sq.Topic != "" || sq.Grade != "" || sq.Share != "" || sq.Open != "" || sq.Freq != "" || sq.Status != "" {
				// The export of a search holds what the search lists (every page of it).
				if entries, err = exportMatches(r, c(), p, sq, entries); err != nil {
					return nil, err
				}
			}
			if err := WriteCatalogFile(w, f, "catalog", entries); err != nil {
				return nil, err
			}
			return Raw{}, nil
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/import", Summary: "导入目录（CSV/XLSX/JSON；有错行则不导入，skip_bad=1 跳过）/ Import a catalog file", Tag: tag, Body: true, In: Upload{}, Out: catalog.ImportResult{}, Query: []string{"filename", "format", "publish", "skip_bad"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			name, data, err := ReadUpload(w, r, 32<<20)
			if err != nil {
				return nil, err
			}
			rows, err := catalog.ReadEntries(bytes.NewReader(data), CatalogFormat(r, name))
			if err != nil {
				return nil, err
			}
			q := r.URL.Query()
			res, err := c().Import(r.Context(), p, rows, catalog.ImportOptions{SkipBad: q.Get("skip_bad") == "1", Publish: q.Get("publish") == "1", Note: name})
			if err != nil {
				return nil, err
			}
			return res, nil
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/rollup", Summary: "目录逐级汇总（县→市→区）/ Catalog roll-up by region", Tag: tag, Out: Items[catalog.RollupRow]{}, Query: []string{"region"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			rows, err := c().Rollup(r.Context(), p, r.URL.Query().Get("region"))
			return map[string]any{"items": nonNil(rows)}, err
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/sources", Summary: "数源目录 / Source registry", Tag: tag, Out: Items[catalog.Source]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			src, err := c().Sources(r.Context())
			return map[string]any{"items": nonNil(src)}, err
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/sources", Summary: "登记或修改数源 / Put a source registry row", Tag: tag, Body: true, In: catalog.Source{}, Out: catalog.Source{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in catalog.Source
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return c().PutSource(r.Context(), p, in)
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/source-report", Summary: "一数一源：重复数源与重复采集 / Duplicate sources and collection", Tag: tag, Out: catalog.SourceReport{}, Query: []string{"region"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			rep, err := c().SourceReport(r.Context(), p, r.URL.Query().Get("region"))
			rep.Duplicates, rep.Issues = nonNil(rep.Duplicates), nonNil(rep.Issues)
			return rep, err
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/config", Summary: "分级方案、主题分类与期限 / Grading, topics and deadlines", Tag: tag, Public: true, Out: catalog.Config{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return c().Config(r.Context()), nil
		})
	api.Handle(Route{Method: "PUT", Path: "/api/v1/catalog/config", Summary: "修改分级方案、主题分类与期限 / Change the catalog configuration", Tag: tag, Body: true, In: catalog.Config{}, Out: catalog.Config{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in catalog.Config
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			if err := c().SetConfig(r.Context(), p, in); err != nil {
				return nil, err
			}
			return c().Config(r.Context()), nil
		})

	// Grading drives protection (SEC-1, SEC-2): the authority's overrides and masking rules.
	type overrideBody struct {
		Scope  string `json:"scope"`
		Reason string `json:"reason"`
	}
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/entries/{id}/overrides", Summary: "登记分级保护例外（核心、重要或最高敏感级别数据无条件共享或开放）/ Record a grading override", Tag: tag, Body: true, In: overrideBody{}, Out: catalog.Override{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in overrideBody
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return c().RecordOverride(r.Context(), p, id(r), in.Scope, in.Reason)
		})
	api.Handle(Route{Method: "DELETE", Path: "/api/v1/catalog/entries/{id}/overrides/{scope}", Summary: "撤销分级保护例外 / Revoke a grading override", Tag: tag, Out: catalog.Entry{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if err := c().RevokeOverride(r.Context(), p, id(r), r.PathValue("scope")); err != nil {
				return nil, err
			}
			return c().View(r.Context(), p, id(r))
		})
	maskRules := func(r *http.Request) (any, error) {
		region := r.URL.Query().Get("region")
		stored, inForce, err := c().MaskRules(r.Context(), region)
		return map[string]any{"region": region, "rules": nonNil(stored), "in_force": nonNil(inForce)}, err
	}
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/mask-rules", Summary: "地区脱敏规则 / A region's masking rules", Tag: tag, Public: true, Out: MaskRulesAnswer{}, Query: []string{"region"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) { return maskRules(r) })
	api.Handle(Route{Method: "PUT", Path: "/api/v1/catalog/mask-rules", Summary: "修改地区脱敏规则（不得宽于上级）/ Set a region's masking rules", Tag: tag, Body: true, In: MaskRulesInput{}, Out: MaskRulesAnswer{}, Query: []string{"region"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in MaskRulesInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			if err := c().SetMaskRules(r.Context(), p, r.URL.Query().Get("region"), in.Rules); err != nil {
				return nil, err
			}
			return maskRules(r)
		})

	// Information systems (CAT-10)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/systems", Summary: "信息系统 / Information systems", Tag: tag, Out: Items[catalog.System]{}, Query: []string{"org"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			s, err := c().Systems(r.Context(), p, r.URL.Query().Get("org"))
			return map[string]any{"items": nonNil(s)}, err
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/systems", Summary: "登记信息系统 / Register a system", Tag: tag, Body: true, In: catalog.System{}, Out: Created{V: catalog.System{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in catalog.System
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			in.ID = ""
			s, err := c().SaveSystem(r.Context(), p, in)
			if err != nil {
				return nil, err
			}
			return Created{s}, nil
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/systems/{id}", Summary: "信息系统详情 / A system", Tag: tag, Out: catalog.System{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return c().System(r.Context(), p, id(r))
		})
	api.Handle(Route{Method: "PUT", Path: "/api/v1/catalog/systems/{id}", Summary: "修改信息系统 / Update a system", Tag: tag, Body: true, In: catalog.System{}, Out: catalog.System{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in catalog.System
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			in.ID = id(r)
			return c().SaveSystem(r.Context(), p, in)
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/systems/{id}/accept", Summary: "验收信息系统（须符合验收条件：已编目、已发布、已归集数据）/ Accept a system (only when it meets the conditions)", Tag: tag, Body: true, In: NoteBody{}, Out: catalog.System{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in NoteBody
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return c().AcceptSystem(r.Context(), p, id(r), in.Note)
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/systems/{id}/documents", Summary: "上传设计或数据结构文档（kind=design|data_structure|other）/ Attach a document", Tag: tag, Body: true, In: Upload{}, Out: Created{V: catalog.SystemDoc{}}, Query: []string{"filename", "kind"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			name, data, err := ReadUpload(w, r, catalog.MaxDocSize)
			if err != nil {
				return nil, err
			}
			kind := r.URL.Query().Get("kind")
			if kind == "" {
				kind = r.FormValue("kind")
			}
			d, err := c().AttachDoc(r.Context(), p, id(r), kind, name, "", data)
			if err != nil {
				return nil, err
			}
			return Created{d}, nil
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/documents/{id}", Summary: "下载系统文档 / Download a document", Tag: tag, Out: Raw{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			d, data, err := c().Doc(r.Context(), p, id(r))
			if err != nil {
				return nil, err
			}
			w.Header().Set("Content-Type", d.ContentType)
			w.Header().Set("Content-Disposition", `attachment; filename="`+strings.ReplaceAll(d.Filename, `"`, "")+`"`)
			w.Header().Set("X-Content-Type-Options", "nosniff")
			w.Write(data)
			return Raw{}, nil
		})

	// Purchased non-public data (BT 16)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/purchases", Summary: "采购的非公共数据 / Purchased data", Tag: tag, Out: Items[catalog.Purchase]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			l, err := c().Purchases(r.Context(), p)
			return map[string]any{"items": nonNil(l)}, err
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/purchases", Summary: "申请采购非公共数据 / Request a data purchase", Tag: tag, Body: true, In: catalog.Purchase{}, Out: Created{V: catalog.Purchase{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in catalog.Purchase
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			pu, err := c().RequestPurchase(r.Context(), p, in)
			if err != nil {
				return nil, err
			}
			return Created{pu}, nil
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/purchases/{id}/decide", Summary: "审批采购 / Decide a purchase", Tag: tag, Body: true, In: PurchaseDecision{}, Out: NoContent{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in PurchaseDecision
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return nil, c().DecidePurchase(r.Context(), p, id(r), in.Approve, in.Note)
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/purchases/{id}/link", Summary: "关联目录条目 / Link the cataloging entry", Tag: tag, Body: true, In: PurchaseLink{}, Out: NoContent{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in PurchaseLink
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return nil, c().LinkPurchase(r.Context(), p, id(r), in.EntryID)
		})

	// Re-assessment (CAT-7)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/reassessments", Summary: "定期评估 / Re-assessments", Tag: tag, Out: Items[catalog.Reassessment]{}, Query: []string{"pending"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			l, err := c().Reassessments(r.Context(), p, r.URL.Query().Get("pending") == "1")
			return map[string]any{"items": nonNil(l)}, err
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/reassessments/{id}", Summary: "记录评估结论 / Record an outcome", Tag: tag, Body: true, In: ReassessmentOutcome{}, Out: NoContent{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in ReassessmentOutcome
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return nil, c().RecordReassessment(r.Context(), p, id(r), in.Outcome, in.Note)
		})

	// Upward review of a level's catalog (NM 10, CAT-1)
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/level-changes", Summary: "本级目录待报审的变化 / This level's changes to report upward", Tag: tag, Out: Items[catalog.LevelItem]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			l, err := c().LevelChanges(r.Context(), p)
			return map[string]any{"items": nonNil(l)}, err
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/level-reports", Summary: "目录报审 / Catalog reports to the level above", Tag: tag, Out: Paged[catalog.LevelReport]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			pg, err := PageOf(r)
			if err != nil {
				return nil, err
			}
			l, total, err := c().LevelReports(r.Context(), p, pg.Size, pg.Offset)
			return NewPaged(l, pg, total), err
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/level-reports", Summary: "向上级报审本级目录 / Report this level's catalog upward", Tag: tag, Body: true, In: NoteBody{}, Out: Created{V: catalog.LevelReport{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in NoteBody
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			rep, err := c().SubmitLevelReport(r.Context(), p, in.Note)
			if err != nil {
				return nil, err
			}
			return Created{rep}, nil
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/catalog/level-reports/{id}", Summary: "目录报审详情 / A catalog report", Tag: tag, Out: catalog.LevelReport{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return c().LevelReport(r.Context(), p, id(r))
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/catalog/level-reports/{id}/decide", Summary: "上级审核目录报审 / Decide a catalog report", Tag: tag, Body: true, In: LevelDecisionInput{}, Out: catalog.LevelReport{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in LevelDecisionInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return c().DecideLevelReport(r.Context(), p, id(r), in.Decisions, in.Note)
		})
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
