package httpapi

import (
	"net/http"

	"pubdata/internal/authz"
	"pubdata/internal/supervise"
)

// Agency supervision (SUP-2, SUP-4, SUP-5, SUP-6): notices to agencies and the government's
// supervision list, reports of illegal use (filed by anyone), dishonesty records — thin handlers
// over supervise.Service.
func (api *API) supervisionRoutes() {
	a := api.App
	h := func(rt Route, fn HandlerFunc) { rt.Tag = "supervise"; api.Handle(rt, fn) }
	notices := func(escalated bool) HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			pg, err := PageOf(r)
			if err != nil {
				return nil, err
			}
			q := r.URL.Query()
			items, total, err := a.Supervise.ListNotices(r.Context(), p, supervise.NoticeFilter{State: q.Get("state"), Source: q.Get("source"),
				OrgID: q.Get("org_id"), Escalated: escalated, Limit: pg.Size, Offset: pg.Offset})
			return NewPaged(items, pg, total), err
		}
	}
	h(Route{Method: "GET", Path: "/api/v1/supervision/notices", Summary: "督办/整改通知（主管部门本地区；部门本单位）/ Supervision notices", Out: Paged[supervise.Notice]{}, Query: []string{"state", "source", "org_id"}}, notices(false))
	h(Route{Method: "GET", Path: "/api/v1/supervision/escalated", Summary: "政府督办清单：逾期未整改的通知 / The government's supervision list", Out: Paged[supervise.Notice]{}, Query: []string{"state", "source", "org_id"}}, notices(true))
	h(Route{Method: "POST", Path: "/api/v1/supervision/notices", Summary: "登记违规并下达通知 / Record a violation and issue a notice", Body: true, In: supervise.NewNotice{}, Out: Created{V: supervise.Notice{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in supervise.NewNotice
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			n, err := a.Supervise.Record(r.Context(), p, in)
			if err != nil {
				return nil, err
			}
			return Created{n}, nil
		})
	h(Route{Method: "POST", Path: "/api/v1/supervision/detect", Summary: "立即运行违规检测与逾期督办 / Run the detectors and escalation now", Out: SupervisionDetected{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if !supervise.CanIssue(p) {
				return nil, authz.Supervision(p, authz.Create, authz.SanctionAttrs{Region: p.RegionCode})
			}
			now := a.Supervise.Now()
			opened, err := a.Supervise.Detect(r.Context(), now)
			if err != nil {
				return nil, err
			}
			escalated, err := a.Supervise.EscalateOverdue(r.Context(), now)
			return SupervisionDetected{Opened: opened, Escalated: escalated}, err
		})
	h(Route{Method: "GET", Path: "/api/v1/supervision/notices/{id}", Summary: "通知及其经过 / A notice and its history", Out: supervise.Notice{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Supervise.GetNotice(r.Context(), p, r.PathValue("id"))
		})
	h(Route{Method: "POST", Path: "/api/v1/supervision/notices/{id}/events", Summary: "办理通知：respond、dispute、accept、reject、refer、uphold、dismiss、withdraw / Act on a notice", Body: true, In: SupervisionStep{}, Out: supervise.Notice{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in SupervisionStep
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Supervise.FireNotice(r.Context(), p, r.PathValue("id"), supervise.NoticeEvent(in.Event), in.Text)
		})

	h(Route{Method: "POST", Path: "/api/v1/supervision/reports", Summary: "举报违法违规使用数据（无需登录）/ Report illegal use (no login needed)", Public: true, Body: true, In: supervise.Filing{}, Out: Created{V: supervise.PublicReport{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in supervise.Filing
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			rc, err := a.Supervise.FileReport(r.Context(), p, in, ClientIP(r))
			if err != nil {
				return nil, err
			}
			return Created{rc}, nil
		})
	h(Route{Method: "GET", Path: "/api/v1/supervision/report-status/{number}", Summary: "按举报编号查询办理与答复 / Report status and answer by number", Public: true, Out: supervise.PublicReport{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Supervise.ReportStatus(r.Context(), r.PathValue("number"))
		})
	h(Route{Method: "GET", Path: "/api/v1/supervision/reports", Summary: "举报列表 / Reports of illegal use", Out: Paged[supervise.Report]{}, Query: []string{"state"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			pg, err := PageOf(r)
			if err != nil {
				return nil, err
			}
			items, total, err := a.Supervise.ListReports(r.Context(), p, r.URL.Query().Get("state"), pg.Size, pg.Offset)
			return NewPaged(items, pg, total), err
		})
	h(Route{Method: "GET", Path: "/api/v1/supervision/reports/{id}", Summary: "举报详情 / A report", Out: supervise.Report{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Supervise.GetReport(r.Context(), p, r.PathValue("id"))
		})
	h(Route{Method: "POST", Path: "/api/v1/supervision/reports/{id}/events", Summary: "办理举报：handle、answer、notice / Handle, answer or turn a report into a notice", Body: true, In: supervise.ReportStep{}, Out: supervise.Report{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in supervise.ReportStep
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Supervise.HandleReport(r.Context(), p, r.PathValue("id"), in)
		})

	h(Route{Method: "GET", Path: "/api/v1/supervision/dishonesty", Summary: "失信记录 / Dishonesty records", Out: Paged[supervise.Dishonesty]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			pg, err := PageOf(r)
			if err != nil {
				return nil, err
			}
			items, total, err := a.Supervise.ListDishonesty(r.Context(), p, pg.Size, pg.Offset)
			return NewPaged(items, pg, total), err
		})
	h(Route{Method: "POST", Path: "/api/v1/supervision/dishonesty", Summary: "登记失信记录（依据：通知或处罚）/ Enter a dishonesty record", Body: true, In: supervise.NewDishonesty{}, Out: Created{V: supervise.Dishonesty{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in supervise.NewDishonesty
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			x, err := a.Supervise.RecordDishonesty(r.Context(), p, in)
			if err != nil {
				return nil, err
			}
			return Created{x}, nil
		})
	h(Route{Method: "GET", Path: "/api/v1/supervision/dishonesty/{id}", Summary: "失信记录详情 / A dishonesty record", Out: supervise.Dishonesty{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Supervise.GetDishonesty(r.Context(), p, r.PathValue("id"))
		})
	h(Route{Method: "POST", Path: "/api/v1/supervision/dishonesty/{id}/events", Summary: "公示（publish）或撤销（withdraw）失信记录 / Publish or withdraw a record", Body: true, In: SupervisionStep{}, Out: supervise.Dishonesty{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in SupervisionStep
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Supervise.StepDishonesty(r.Context(), p, r.PathValue("id"), in.Event, in.Text)
		})
}
