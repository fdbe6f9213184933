package httpapi

import (
	"io"
	"net/http"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/operate"
	"pubdata/internal/share"
)

// Sharing between agencies (SHR) and the share gateway (SHR-10): thin handlers over share.Service.
func (api *API) shareRoutes() {
	a := api.App
	h := func(rt Route, fn HandlerFunc) {
		rt.Tag = "share"
		api.Handle(rt, fn)
	}
	gw := func(rt Route, fn HandlerFunc) {
		rt.Tag = "gateway"
		api.Handle(rt, fn)
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
	h(Route{Method: "POST", Path: "/api/v1/share/requests", Summary: "提交共享申请 / File a share request", Body: true, In: share.NewRequest{}, Out: Created{V: share.Request{}}},
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
	h(Route{Method: "GET", Path: "/api/v1/share/requests", Summary: "共享申请列表（mine/queue/routing/region/all）/ Share requests", Out: Paged[share.Request]{}, Query: []string{"box", "page", "page_size", "state"}},
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
	h(Route{Method: "GET", Path: "/api/v1/share/requests/{id}", Summary: "共享申请详情与办理进度 / A share request and its progress", Out: RequestAnswer{}},
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
	h(Route{Method: "POST", Path: "/api/v1/share/requests/{id}/forward", Summary: "主管部门转报跨层级申请 / Route a cross-region request", Body: true, In: note{}, Out: share.Request{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in note
			if err := decodeOpt(r, &in); err != nil {
				return nil, err
			}
			return a.Share.Forward(r.Context(), p, r.PathValue("id"), text(in))
		})
	h(Route{Method: "POST", Path: "/api/v1/share/requests/{id}/approve", Summary: "同意共享（可缩小范围）/ Approve (possibly narrower)", Body: true, In: share.Approval{}, Out: share.Request{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in share.Approval
			if err := decodeOpt(r, &in); err != nil {
				return nil, err
			}
			return a.Share.Approve(r.Context(), p, r.PathValue("id"), in)
		})
	h(Route{Method: "POST", Path: "/api/v1/share/requests/{id}/refuse", Summary: "拒绝共享（须理由和依据）/ Refuse (reason and legal basis)", Body: true, In: share.Refusal{}, Out: share.Request{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in share.Refusal
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Share.Refuse(r.Context(), p, r.PathValue("id"), in)
		})
	h(Route{Method: "POST", Path: "/api/v1/share/requests/{id}/withdraw", Summary: "撤回共享申请 / Withdraw a request", Body: true, In: note{}, Out: share.Request{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in note
			if err := decodeOpt(r, &in); err != nil {
				return nil, err
			}
			return a.Share.Withdraw(r.Context(), p, r.PathValue("id"), text(in))
		})
	h(Route{Method: "POST", Path: "/api/v1/share/requests/{id}/deliveries", Summary: "登记线下交付 / Record an offline delivery", Body: true, In: share.NewDelivery{}, Out: Created{V: share.Delivery{}}},
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
	h(Route{Method: "GET", Path: "/api/v1/share/overdue", Summary: "逾期督办清单 / Overdue items for supervision", Out: Items[share.BoardItem]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			items, err := a.Share.Overdue(r.Context(), p)
			return map[string]any{"items": nonNil(items)}, err
		})

	// Grants
	h(Route{Method: "GET", Path: "/api/v1/share/grants", Summary: "共享授权列表（mine/provided/region/all）/ Share grants", Out: Paged[share.Grant]{}, Query: []string{"box", "page", "page_size"}},
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
	h(Route{Method: "GET", Path: "/api/v1/share/grants/{id}", Summary: "共享授权详情、凭证与调用统计 / A grant, its credentials and statistics", Out: GrantAnswer{}},
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
	h(Route{Method: "POST", Path: "/api/v1/share/grants/{id}/credentials", Summary: "生成调用凭证（仅显示一次）/ Issue a gateway credential (shown once)", Out: Created{V: CredentialIssued{}}},
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
		h(Route{Method: "POST", Path: "/api/v1/share/grants/{id}/" + st.path, Summary: st.summary, Body: true, In: note{}, Out: share.Request{}},
			func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
				var in note
				if err := decodeOpt(r, &in); err != nil {
					return nil, err
				}
				return st.fn(p, r, text(in))
			})
	}
	h(Route{Method: "GET", Path: "/api/v1/share/grants/{id}/usage", Summary: "授权使用日志（format=csv 导出）/ A grant's usage log (format=csv to export)", Out: Paged[audit.Record]{}, Query: []string{"format", "page", "page_size"}},
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
	h(Route{Method: "GET", Path: "/api/v1/share/grants/{id}/reports", Summary: "使用情况和效果评价 / Use-and-effect reports", Out: Items[share.UseReport]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			reps, err := a.Share.Reports(r.Context(), p, r.PathValue("id"))
			return map[string]any{"items": nonNil(reps)}, err
		})
	h(Route{Method: "POST", Path: "/api/v1/share/grants/{id}/reports", Summary: "提交使用评价 / File a use-and-effect report", Body: true, In: share.NewReport{}, Out: Created{V: share.UseReport{}}},
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

	// Grants over time: renewals (续期) and scheduled use reports (使用评价, SHR-4, SHR-11)
	h(Route{Method: "GET", Path: "/api/v1/share/grants/{id}/renewals", Summary: "授权续期申请 / A grant's renewals", Out: Items[share.Renewal]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			items, err := a.Share.Renewals(r.Context(), p, r.PathValue("id"))
			return map[string]any{"items": nonNil(items)}, err
		})
	h(Route{Method: "POST", Path: "/api/v1/share/grants/{id}/renewals", Summary: "申请授权续期（只能缩小范围）/ Ask for a renewal (never wider)", Body: true, In: share.NewRenewal{}, Out: Created{V: share.Renewal{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in share.NewRenewal
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			n, err := a.Share.RequestRenewal(r.Context(), p, r.PathValue("id"), in)
			if err != nil {
				return nil, err
			}
			return Created{n}, nil
		})
	h(Route{Method: "GET", Path: "/api/v1/share/renewals/{id}", Summary: "续期申请详情 / A renewal", Out: share.Renewal{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Share.GetRenewal(r.Context(), p, r.PathValue("id"))
		})
	h(Route{Method: "POST", Path: "/api/v1/share/renewals/{id}/approve", Summary: "同意续期（可缩小范围）/ Approve a renewal (possibly narrower)", Body: true, In: share.RenewalApproval{}, Out: share.Renewal{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in share.RenewalApproval
			if err := decodeOpt(r, &in); err != nil {
				return nil, err
			}
			return a.Share.ApproveRenewal(r.Context(), p, r.PathValue("id"), in)
		})
	h(Route{Method: "POST", Path: "/api/v1/share/renewals/{id}/refuse", Summary: "拒绝续期（须理由和依据）/ Refuse a renewal (reason and legal basis)", Body: true, In: share.Refusal{}, Out: share.Renewal{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in share.Refusal
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Share.RefuseRenewal(r.Context(), p, r.PathValue("id"), in)
		})
	h(Route{Method: "POST", Path: "/api/v1/share/renewals/{id}/withdraw", Summary: "撤回续期申请 / Withdraw a renewal", Body: true, In: note{}, Out: share.Renewal{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in note
			if err := decodeOpt(r, &in); err != nil {
				return nil, err
			}
			return a.Share.WithdrawRenewal(r.Context(), p, r.PathValue("id"), text(in))
		})
	h(Route{Method: "GET", Path: "/api/v1/share/grants/{id}/use-reports", Summary: "使用评价报告期及其状态 / A grant's scheduled use reports", Out: Items[share.ScheduledReport]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			items, err := a.Share.ScheduledReports(r.Context(), p, r.PathValue("id"))
			return map[string]any{"items": nonNil(items)}, err
		})
	h(Route{Method: "POST", Path: "/api/v1/share/use-reports/{id}/submit", Summary: "提交本期使用评价 / Submit a period's use report", Body: true, In: share.NewReport{}, Out: Created{V: share.UseReport{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in share.NewReport
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			rep, err := a.Share.SubmitScheduled(r.Context(), p, r.PathValue("id"), in)
			if err != nil {
				return nil, err
			}
			return Created{rep}, nil
		})
	h(Route{Method: "POST", Path: "/api/v1/share/use-reports/{id}/answer", Summary: "提供部门确认使用评价或提出疑问 / The provider accepts or questions a use report", Body: true, In: share.AnswerReport{}, Out: share.ScheduledReport{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in share.AnswerReport
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Share.AnswerScheduled(r.Context(), p, r.PathValue("id"), in)
		})

	// Demand list and responsibility list (SHR-7)
	h(Route{Method: "POST", Path: "/api/v1/share/demands", Summary: "提交数据需求（需求清单）/ File a data demand", Body: true, In: share.NewDemand{}, Out: Created{V: share.Demand{}}},
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
	h(Route{Method: "GET", Path: "/api/v1/share/demands", Summary: "需求清单与责任清单（mine/duty/region/all）/ Demand and responsibility lists", Out: Paged[share.Demand]{}, Query: []string{"box", "page", "page_size"}},
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
	h(Route{Method: "GET", Path: "/api/v1/share/demands/{id}", Summary: "数据需求详情与办理进度 / A demand and its progress", Out: DemandAnswer{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			d, err := a.Share.GetDemand(r.Context(), p, r.PathValue("id"))
			if err != nil {
				return nil, err
			}
			hist, err := a.Share.DemandHistory(r.Context(), p, d.ID)
			return map[string]any{"demand": d, "history": nonNil(hist)}, err
		})
	h(Route{Method: "POST", Path: "/api/v1/share/demands/{id}/assign", Summary: "审核并指定数源部门 / Review and assign a source agency", Body: true, In: DemandAssignInput{}, Out: share.Demand{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in DemandAssignInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Share.AssignDemand(r.Context(), p, r.PathValue("id"), in.OrgID, in.Note)
		})
	h(Route{Method: "POST", Path: "/api/v1/share/demands/{id}/reject", Summary: "审核不通过 / Reject at review", Body: true, In: note{}, Out: share.Demand{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in note
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Share.RejectDemand(r.Context(), p, r.PathValue("id"), text(in))
		})
	h(Route{Method: "POST", Path: "/api/v1/share/demands/{id}/accept", Summary: "数源部门答复受理（可另定完成日期）/ Accept (optionally naming a date)", Body: true, In: share.DemandAnswer{}, Out: share.Demand{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in share.DemandAnswer
			if err := decodeOpt(r, &in); err != nil {
				return nil, err
			}
			return a.Share.AnswerDemand(r.Context(), p, r.PathValue("id"), true, in)
		})
	h(Route{Method: "POST", Path: "/api/v1/share/demands/{id}/refuse", Summary: "数源部门拒绝（须理由和依据）/ Refuse (reason and legal basis)", Body: true, In: share.DemandAnswer{}, Out: share.Demand{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in share.DemandAnswer
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Share.AnswerDemand(r.Context(), p, r.PathValue("id"), false, in)
		})
	h(Route{Method: "POST", Path: "/api/v1/share/demands/{id}/return", Summary: "退回主管部门（非本部门数据）/ Return to the authority", Body: true, In: note{}, Out: share.Demand{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in note
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Share.ReturnDemand(r.Context(), p, r.PathValue("id"), text(in))
		})
	h(Route{Method: "POST", Path: "/api/v1/share/demands/{id}/complete", Summary: "办理完成 / Complete", Body: true, In: DemandCompleteInput{}, Out: share.Demand{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in DemandCompleteInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Share.CompleteDemand(r.Context(), p, r.PathValue("id"), in.ResultEntry, in.Note)
		})
	h(Route{Method: "POST", Path: "/api/v1/share/demands/{id}/withdraw", Summary: "撤回数据需求 / Withdraw a demand", Out: share.Demand{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Share.WithdrawDemand(r.Context(), p, r.PathValue("id"))
		})

	// National-platform data (NM 25 ¶2): agencies ask, the province authority coordinates.
	h(Route{Method: "GET", Path: "/api/v1/share/national", Summary: "国家平台数据申请 / National-platform data requests", Out: Paged[share.NationalRequest]{}},
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
	h(Route{Method: "POST", Path: "/api/v1/share/national", Summary: "申请国家平台数据 / Ask for national-platform data", Body: true, In: share.NewNational{}, Out: Created{V: share.NationalRequest{}}},
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
	h(Route{Method: "GET", Path: "/api/v1/share/national/{id}", Summary: "国家平台数据申请详情 / A national-platform data request", Out: share.NationalRequest{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Share.GetNational(r.Context(), p, r.PathValue("id"))
		})
	h(Route{Method: "POST", Path: "/api/v1/share/national/{id}/steps", Summary: "办理国家平台数据申请（forward/received/unavailable/decline/withdraw）/ Act on a national-platform request", Body: true, In: share.NationalStep{}, Out: share.NationalRequest{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in share.NationalStep
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Share.StepNational(r.Context(), p, r.PathValue("id"), in)
		})

	// Escalations (督办件): the authority urges, coordinates, refers to the experts, decides.
	h(Route{Method: "GET", Path: "/api/v1/share/escalations", Summary: "督办件列表（region/mine/experts/all）/ Escalations", Out: Paged[share.Escalation]{}, Query: []string{"box", "page", "page_size"}},
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
	h(Route{Method: "POST", Path: "/api/v1/share/escalations", Summary: "对逾期事项启动督办 / Escalate an overdue item", Body: true, In: EscalationInput{}, Out: share.Escalation{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in EscalationInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Share.OpenEscalation(r.Context(), p, in.SubjectType, in.SubjectID)
		})
	h(Route{Method: "GET", Path: "/api/v1/share/escalations/{id}", Summary: "督办件详情、会议、专家意见与进度 / An escalation with meetings, opinions and history", Out: share.EscalationDetail{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			d, err := a.Share.EscalationDetails(r.Context(), p, r.PathValue("id"))
			if err != nil {
				return nil, err
			}
			d.History, d.Meetings, d.Opinions = nonNil(d.History), nonNil(d.Meetings), nonNil(d.Opinions)
			return d, nil
		})
	h(Route{Method: "POST", Path: "/api/v1/share/escalations/{id}/urge", Summary: "催办（新的办理期限）/ Urge, with a new date", Body: true, In: share.Urge{}, Out: share.Escalation{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in share.Urge
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Share.UrgeEscalation(r.Context(), p, r.PathValue("id"), in)
		})
	h(Route{Method: "POST", Path: "/api/v1/share/escalations/{id}/coordinate", Summary: "启动协调 / Start coordination", Body: true, In: note{}, Out: share.Escalation{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in note
			if err := decodeOpt(r, &in); err != nil {
				return nil, err
			}
			return a.Share.CoordinateEscalation(r.Context(), p, r.PathValue("id"), text(in))
		})
	h(Route{Method: "POST", Path: "/api/v1/share/escalations/{id}/meetings", Summary: "登记协调会议及结果 / Record a coordination meeting", Body: true, In: share.NewMeeting{}, Out: share.Escalation{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in share.NewMeeting
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Share.RecordMeeting(r.Context(), p, r.PathValue("id"), in)
		})
	h(Route{Method: "POST", Path: "/api/v1/share/escalations/{id}/refer", Summary: "提请专家委员会论证 / Refer to the expert committee", Body: true, In: note{}, Out: share.Escalation{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in note
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Share.ReferEscalation(r.Context(), p, r.PathValue("id"), text(in))
		})
	h(Route{Method: "POST", Path: "/api/v1/share/escalations/{id}/opinions", Summary: "专家出具意见 / Give an expert opinion", Body: true, In: OpinionInput{}, Out: share.Escalation{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in OpinionInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Share.GiveOpinion(r.Context(), p, r.PathValue("id"), in.Opinion)
		})
	h(Route{Method: "POST", Path: "/api/v1/share/escalations/{id}/decide", Summary: "作出督办决定（当事方可见）/ Decide (the parties see it)", Body: true, In: share.EscDecision{}, Out: share.Escalation{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in share.EscDecision
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Share.DecideEscalation(r.Context(), p, r.PathValue("id"), in)
		})

	// Gateway: called with a credential bound to one grant (Authorization: Bearer pd_…).
	// A product grant (SHR-12) calls its one product here, never a record.
	gw(Route{Method: "POST", Path: "/api/v1/gateway/products/{id}/query", Summary: "按数据产品授权调用统计产品（受限形式，差分隐私）/ Statistics product under a product grant", Body: true, In: operate.StatsQuery{}, Out: operate.StatsResult{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if a.Operate == nil {
				return nil, share.ErrNotProduct
			}
			body, err := io.ReadAll(io.LimitReader(r.Body, 16<<10+1))
			if err != nil {
				return nil, apperr.BadRequest
			}
			return a.Operate.QueryStats(r.Context(), p, r.PathValue("id"), body)
		})
	gw(Route{Method: "POST", Path: "/api/v1/gateway/products/{id}/verify", Summary: "按数据产品授权调用核验产品（仅返回是否一致）/ Verification product under a product grant", Body: true, In: ProductVerifyInput{}, Out: operate.VerifyResult{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if a.Operate == nil {
				return nil, share.ErrNotProduct
			}
			var in ProductVerifyInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Operate.Verify(r.Context(), p, r.PathValue("id"), in.Subject, in.Claims)
		})
	gw(Route{Method: "GET", Path: "/api/v1/gateway/grant", Summary: "本凭证的共享授权（字段、脱敏、期限）/ The caller's grant", Out: share.GrantView{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Share.GatewayInfo(r.Context(), p, ClientIP(r))
		})
	gw(Route{Method: "GET", Path: "/api/v1/gateway/records/{key}", Summary: "按键值查询一条记录（身份证号、信用代码或资源主键）/ Look up one record by key", Out: share.Out{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Share.Lookup(r.Context(), p, ClientIP(r), r.PathValue("key"))
		})
	gw(Route{Method: "GET", Path: "/api/v1/gateway/records", Summary: "条件分页查询（其他查询参数为字段=值）/ Filtered, paged query (other parameters are field=value)", Out: Paged[share.Out]{}, Query: []string{"page", "page_size"}},
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
	gw(Route{Method: "GET", Path: "/api/v1/gateway/export", Summary: "批量交付（库表/文件方式，format=csv|json）/ Bulk delivery (table or file mode)", Out: Raw{}, Query: []string{"format"}},
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
	gw(Route{Method: "POST", Path: "/api/v1/gateway/verify", Summary: "核验比对（只返回是否一致，不返回数据）/ Verify values (match or mismatch only)", Body: true, In: VerifyInput{}, Out: VerifyAnswer{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in VerifyInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			res, err := a.Share.Verify(r.Context(), p, ClientIP(r), in.Items)
			if err != nil {
				return nil, err
			}
			return map[string]any{"items": res, "count": len(res)}, nil
		})
}
