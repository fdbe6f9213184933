package httpapi

import (
	"net/http"

	"pubdata/internal/authz"
	"pubdata/internal/share"
)

// Sharing between agencies (SHR) and the share gateway (SHR-10): thin handlers over share.Service.
func init() {
	routeHooks = append(routeHooks, func(api *API) {
		a := api.App
		h := func(method, path, summary string, body bool, fn HandlerFunc) {
			api.Handle(Route{Method: method, Path: path, Summary: summary, Tag: "share", Body: body}, fn)
		}
		gw := func(method, path, summary string, body bool, fn HandlerFunc) {
			api.Handle(Route{Method: method, Path: path, Summary: summary, Tag: "gateway", Body: body}, fn)
		}
		// decodeOpt reads an optional JSON body (steps like withdraw take none).
		decodeOpt := func(r *http.Request, v any) error {
			if r.ContentLength == 0 {
				return nil
			}
			return Decode(r, v)
		}
		type note struct {
			Note   string `json:"note"`
			Reason string `json:"reason"`
		}
		text := func(n note) string {
			if n.Reason != "" {
				return n.Reason
			}
			return n.Note
		}

		// Requests
		h("POST", "/api/v1/share/requests", "提交共享申请 / File a share request", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in share.NewRequest
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				req, err := a.Share.File(r.Context(), p, in)
				if err != nil {
					return nil, err
				}
				return Created{req}, nil
			})
		h("GET", "/api/v1/share/requests", "共享申请列表（mine/queue/routing/region/all）/ Share requests", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				pg, err := PageOf(r)
				if err != nil {
					return nil, err
				}
				q := r.URL.Query()
				items, total, err := a.Share.List(r.Context(), p, share.ListFilter{Box: q.Get("box"), State: share.State(q.Get("state")), Limit: pg.Size, Offset: pg.Offset})
				if err != nil {
					return nil, err
				}
				return NewPaged(items, pg, total), nil
			})
		h("GET", "/api/v1/share/requests/{id}", "共享申请详情与办理进度 / A share request and its progress", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				req, err := a.Share.Get(r.Context(), p, r.PathValue("id"))
				if err != nil {
					return nil, err
				}
				hist, err := a.Share.History(r.Context(), p, req.ID)
				if err != nil {
					return nil, err
				}
				dl, err := a.Share.Deliveries(r.Context(), p, req.ID)
				if err != nil {
					return nil, err
				}
				return map[string]any{"request": req, "history": nonNil(hist), "deliveries": nonNil(dl)}, nil
			})
		h("POST", "/api/v1/share/requests/{id}/forward", "主管部门转报跨层级申请 / Route a cross-region request", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in note
				if err := decodeOpt(r, &in); err != nil {
					return nil, err
				}
				return a.Share.Forward(r.Context(), p, r.PathValue("id"), text(in))
			})
		h("POST", "/api/v1/share/requests/{id}/approve", "同意共享（可缩小范围）/ Approve (possibly narrower)", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in share.Approval
				if err := decodeOpt(r, &in); err != nil {
					return nil, err
				}
				return a.Share.Approve(r.Context(), p, r.PathValue("id"), in)
			})
		h("POST", "/api/v1/share/requests/{id}/refuse", "拒绝共享（须理由和依据）/ Refuse (reason and legal basis)", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in share.Refusal
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				return a.Share.Refuse(r.Context(), p, r.PathValue("id"), in)
			})
		h("POST", "/api/v1/share/requests/{id}/withdraw", "撤回共享申请 / Withdraw a request", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in note
				if err := decodeOpt(r, &in); err != nil {
					return nil, err
				}
				return a.Share.Withdraw(r.Context(), p, r.PathValue("id"), text(in))
			})
		h("POST", "/api/v1/share/requests/{id}/deliveries", "登记线下交付 / Record an offline delivery", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in share.NewDelivery
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				d, err := a.Share.Deliver(r.Context(), p, r.PathValue("id"), in)
				if err != nil {
					return nil, err
				}
				return Created{d}, nil
			})
		h("GET", "/api/v1/share/overdue", "逾期督办清单 / Overdue items for supervision", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				items, err := a.Share.Overdue(r.Context(), p)
				return map[string]any{"items": nonNil(items)}, err
			})

		// Grants
		h("GET", "/api/v1/share/grants", "共享授权列表（mine/provided/region/all）/ Share grants", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				pg, err := PageOf(r)
				if err != nil {
					return nil, err
				}
				items, total, err := a.Share.ListGrants(r.Context(), p, r.URL.Query().Get("box"), pg.Size, pg.Offset)
				if err != nil {
					return nil, err
				}
				return NewPaged(items, pg, total), nil
			})
		h("GET", "/api/v1/share/grants/{id}", "共享授权详情、凭证与调用统计 / A grant, its credentials and statistics", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				g, err := a.Share.GetGrant(r.Context(), p, r.PathValue("id"))
				if err != nil {
					return nil, err
				}
				creds, err := a.Share.Credentials(r.Context(), p, g.ID)
				if err != nil {
					return nil, err
				}
				stats, err := a.Share.Stats(r.Context(), p, g.ID)
				if err != nil {
					return nil, err
				}
				return map[string]any{"grant": g, "credentials": nonNil(creds), "stats": nonNil(stats)}, nil
			})
		h("POST", "/api/v1/share/grants/{id}/credentials", "生成调用凭证（仅显示一次）/ Issue a gateway credential (shown once)", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				secret, c, err := a.Share.IssueCredential(r.Context(), p, r.PathValue("id"))
				if err != nil {
					return nil, err
				}
				return Created{map[string]any{"token": secret, "credential": c}}, nil
			})
		for _, st := range []struct {
			path, summary string
			fn            func(*authz.Principal, *http.Request, string) (share.Request, error)
		}{
			{"suspend", "暂停授权 / Suspend a grant", func(p *authz.Principal, r *http.Request, t string) (share.Request, error) {
				return a.Share.Suspend(r.Context(), p, r.PathValue("id"), t)
			}},
			{"resume", "恢复授权 / Resume a grant", func(p *authz.Principal, r *http.Request, t string) (share.Request, error) {
				return a.Share.Resume(r.Context(), p, r.PathValue("id"), t)
			}},
			{"revoke", "撤销授权 / Revoke a grant", func(p *authz.Principal, r *http.Request, t string) (share.Request, error) {
				return a.Share.Revoke(r.Context(), p, r.PathValue("id"), t)
			}},
		} {
			h("POST", "/api/v1/share/grants/{id}/"+st.path, st.summary, true,
				func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
					var in note
					if err := decodeOpt(r, &in); err != nil {
						return nil, err
					}
					return st.fn(p, r, text(in))
				})
		}
		h("GET", "/api/v1/share/grants/{id}/usage", "授权使用日志（format=csv 导出）/ A grant's usage log (format=csv to export)", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				if r.URL.Query().Get("format") == "csv" {
					if _, err := a.Share.GetGrant(r.Context(), p, r.PathValue("id")); err != nil {
						return nil, err
					}
					w.Header().Set("Content-Type", "text/csv; charset=utf-8")
					w.Header().Set("Content-Disposition", `attachment; filename="usage-`+r.PathValue("id")+`.csv"`)
					w.Header().Set("Cache-Control", "no-store")
					if _, err := a.Share.ExportUsage(r.Context(), p, ClientIP(r), r.PathValue("id"), w); err != nil {
						return nil, err
					}
					return Raw{}, nil
				}
				pg, err := PageOf(r)
				if err != nil {
					return nil, err
				}
				recs, total, err := a.Share.UsageLog(r.Context(), p, r.PathValue("id"), pg.Size, pg.Offset)
				if err != nil {
					return nil, err
				}
				return NewPaged(recs, pg, total), nil
			})
		h("GET", "/api/v1/share/grants/{id}/reports", "使用情况和效果评价 / Use-and-effect reports", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				reps, err := a.Share.Reports(r.Context(), p, r.PathValue("id"))
				return map[string]any{"items": nonNil(reps)}, err
			})
		h("POST", "/api/v1/share/grants/{id}/reports", "提交使用评价 / File a use-and-effect report", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in share.NewReport
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				rep, err := a.Share.FileReport(r.Context(), p, r.PathValue("id"), in)
				if err != nil {
					return nil, err
				}
				return Created{rep}, nil
			})

		// Demand list and responsibility list (SHR-7)
		h("POST", "/api/v1/share/demands", "提交数据需求（需求清单）/ File a data demand", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in share.NewDemand
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				d, err := a.Share.FileDemand(r.Context(), p, in)
				if err != nil {
					return nil, err
				}
				return Created{d}, nil
			})
		h("GET", "/api/v1/share/demands", "需求清单与责任清单（mine/duty/region/all）/ Demand and responsibility lists", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				pg, err := PageOf(r)
				if err != nil {
					return nil, err
				}
				items, total, err := a.Share.ListDemands(r.Context(), p, r.URL.Query().Get("box"), pg.Size, pg.Offset)
				if err != nil {
					return nil, err
				}
				return NewPaged(items, pg, total), nil
			})
		h("GET", "/api/v1/share/demands/{id}", "数据需求详情与办理进度 / A demand and its progress", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				d, err := a.Share.GetDemand(r.Context(), p, r.PathValue("id"))
				if err != nil {
					return nil, err
				}
				hist, err := a.Share.DemandHistory(r.Context(), p, d.ID)
				return map[string]any{"demand": d, "history": nonNil(hist)}, err
			})
		h("POST", "/api/v1/share/demands/{id}/assign", "审核并指定数源部门 / Review and assign a source agency", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in struct {
					OrgID string `json:"org_id"`
					Note  string `json:"note"`
				}
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				return a.Share.AssignDemand(r.Context(), p, r.PathValue("id"), in.OrgID, in.Note)
			})
		h("POST", "/api/v1/share/demands/{id}/reject", "审核不通过 / Reject at review", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in note
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				return a.Share.RejectDemand(r.Context(), p, r.PathValue("id"), text(in))
			})
		h("POST", "/api/v1/share/demands/{id}/accept", "数源部门答复受理（可另定完成日期）/ Accept (optionally naming a date)", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in share.DemandAnswer
				if err := decodeOpt(r, &in); err != nil {
					return nil, err
				}
				return a.Share.AnswerDemand(r.Context(), p, r.PathValue("id"), true, in)
			})
		h("POST", "/api/v1/share/demands/{id}/refuse", "数源部门拒绝（须理由和依据）/ Refuse (reason and legal basis)", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in share.DemandAnswer
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				return a.Share.AnswerDemand(r.Context(), p, r.PathValue("id"), false, in)
			})
		h("POST", "/api/v1/share/demands/{id}/return", "退回主管部门（非本部门数据）/ Return to the authority", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in note
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				return a.Share.ReturnDemand(r.Context(), p, r.PathValue("id"), text(in))
			})
		h("POST", "/api/v1/share/demands/{id}/complete", "办理完成 / Complete", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in struct {
					ResultEntry string `json:"result_entry"`
					Note        string `json:"note"`
				}
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				return a.Share.CompleteDemand(r.Context(), p, r.PathValue("id"), in.ResultEntry, in.Note)
			})
		h("POST", "/api/v1/share/demands/{id}/withdraw", "撤回数据需求 / Withdraw a demand", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				return a.Share.WithdrawDemand(r.Context(), p, r.PathValue("id"))
			})

		// National-platform data (NM 25 ¶2): agencies ask, the province authority coordinates.
		h("GET", "/api/v1/share/national", "国家平台数据申请 / National-platform data requests", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				pg, err := PageOf(r)
				if err != nil {
					return nil, err
				}
				items, total, err := a.Share.ListNational(r.Context(), p, pg.Size, pg.Offset)
				if err != nil {
					return nil, err
				}
				return NewPaged(items, pg, total), nil
			})
		h("POST", "/api/v1/share/national", "申请国家平台数据 / Ask for national-platform data", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in share.NewNational
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				n, err := a.Share.FileNational(r.Context(), p, in)
				if err != nil {
					return nil, err
				}
				return Created{n}, nil
			})
		h("GET", "/api/v1/share/national/{id}", "国家平台数据申请详情 / A national-platform data request", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				return a.Share.GetNational(r.Context(), p, r.PathValue("id"))
			})
		h("POST", "/api/v1/share/national/{id}/steps", "办理国家平台数据申请（forward/received/unavailable/decline/withdraw）/ Act on a national-platform request", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in share.NationalStep
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				return a.Share.StepNational(r.Context(), p, r.PathValue("id"), in)
			})

		// Escalations (督办件): the authority urges, coordinates, refers to the experts, decides.
		h("GET", "/api/v1/share/escalations", "督办件列表（region/mine/experts/all）/ Escalations", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				pg, err := PageOf(r)
				if err != nil {
					return nil, err
				}
				items, total, err := a.Share.ListEscalations(r.Context(), p, r.URL.Query().Get("box"), pg.Size, pg.Offset)
				if err != nil {
					return nil, err
				}
				return NewPaged(items, pg, total), nil
			})
		h("POST", "/api/v1/share/escalations", "对逾期事项启动督办 / Escalate an overdue item", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in struct {
					SubjectType string `json:"subject_type"`
					SubjectID   string `json:"subject_id"`
				}
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				return a.Share.OpenEscalation(r.Context(), p, in.SubjectType, in.SubjectID)
			})
		h("GET", "/api/v1/share/escalations/{id}", "督办件详情、会议、专家意见与进度 / An escalation with meetings, opinions and history", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				d, err := a.Share.EscalationDetails(r.Context(), p, r.PathValue("id"))
				if err != nil {
					return nil, err
				}
				d.History, d.Meetings, d.Opinions = nonNil(d.History), nonNil(d.Meetings), nonNil(d.Opinions)
				return d, nil
			})
		h("POST", "/api/v1/share/escalations/{id}/urge", "催办（新的办理期限）/ Urge, with a new date", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in share.Urge
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				return a.Share.UrgeEscalation(r.Context(), p, r.PathValue("id"), in)
			})
		h("POST", "/api/v1/share/escalations/{id}/coordinate", "启动协调 / Start coordination", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in note
				if err := decodeOpt(r, &in); err != nil {
					return nil, err
				}
				return a.Share.CoordinateEscalation(r.Context(), p, r.PathValue("id"), text(in))
			})
		h("POST", "/api/v1/share/escalations/{id}/meetings", "登记协调会议及结果 / Record a coordination meeting", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in share.NewMeeting
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				return a.Share.RecordMeeting(r.Context(), p, r.PathValue("id"), in)
			})
		h("POST", "/api/v1/share/escalations/{id}/refer", "提请专家委员会论证 / Refer to the expert committee", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in note
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				return a.Share.ReferEscalation(r.Context(), p, r.PathValue("id"), text(in))
			})
		h("POST", "/api/v1/share/escalations/{id}/opinions", "专家出具意见 / Give an expert opinion", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in struct {
					Opinion string `json:"opinion"`
				}
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				return a.Share.GiveOpinion(r.Context(), p, r.PathValue("id"), in.Opinion)
			})
		h("POST", "/api/v1/share/escalations/{id}/decide", "作出督办决定（当事方可见）/ Decide (the parties see it)", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in share.EscDecision
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				return a.Share.DecideEscalation(r.Context(), p, r.PathValue("id"), in)
			})

		// Gateway: called with a credential bound to one grant (Authorization: Bearer pd_…).
		gw("GET", "/api/v1/gateway/grant", "本凭证的共享授权（字段、脱敏、期限）/ The caller's grant", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				return a.Share.GatewayInfo(r.Context(), p, ClientIP(r))
			})
		gw("GET", "/api/v1/gateway/records/{key}", "按键值查询一条记录（身份证号、信用代码或资源主键）/ Look up one record by key", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				return a.Share.Lookup(r.Context(), p, ClientIP(r), r.PathValue("key"))
			})
		gw("GET", "/api/v1/gateway/records", "条件分页查询（其他查询参数为字段=值）/ Filtered, paged query (other parameters are field=value)", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				pg, err := PageOf(r)
				if err != nil {
					return nil, err
				}
				filter := map[string]string{}
				for k, v := range r.URL.Query() {
					if k == "page" || k == "page_size" || len(v) == 0 {
						continue
					}
					filter[k] = v[0]
				}
				items, total, err := a.Share.Query(r.Context(), p, ClientIP(r), filter, pg.Size, pg.Offset)
				if err != nil {
					return nil, err
				}
				return NewPaged(items, pg, total), nil
			})
		gw("GET", "/api/v1/gateway/export", "批量交付（库表/文件方式，format=csv|json）/ Bulk delivery (table or file mode)", false,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				format := r.URL.Query().Get("format")
				if format == "" {
					format = "csv"
				}
				x, err := a.Share.BeginExport(r.Context(), p, ClientIP(r), format)
				if err != nil {
					return nil, err
				}
				w.Header().Set("Content-Type", x.ContentType())
				w.Header().Set("Content-Disposition", `attachment; filename="`+x.FileName()+`"`)
				w.Header().Set("Cache-Control", "no-store")
				// Once headers are out an error can only truncate the body; the delivery record and
				// the audit log note the export as incomplete.
				x.Write(r.Context(), w)
				return Raw{}, nil
			})
		gw("POST", "/api/v1/gateway/verify", "核验比对（只返回是否一致，不返回数据）/ Verify values (match or mismatch only)", true,
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in struct {
					Items []share.VerifyItem `json:"items"`
				}
				if err := Decode(r, &in); err != nil {
					return nil, err
				}
				res, err := a.Share.Verify(r.Context(), p, ClientIP(r), in.Items)
				if err != nil {
					return nil, err
				}
				return map[string]any{"items": res, "count": len(res)}, nil
			})
	})
}
