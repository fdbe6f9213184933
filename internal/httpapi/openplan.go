package httpapi

import (
	"net/http"
	"strconv"

	"pubdata/internal/authz"
	"pubdata/internal/openplan"
)

// Open plans, reviews of data not open, public open-data demands and the reuse showcase
// (OPN-1, OPN-6, OPN-7). Plans, demands with their answers and the published showcase are
// public; reviews are read by the agency, the authority, auditors and oversight.
func (api *API) openplanRoutes() {
	a := api.App
	if a.Plans == nil {
		return
	}
	s := a.Plans
	h := func(rt Route, fn HandlerFunc) { rt.Tag = "open-plan"; api.Handle(rt, fn) }
	h(Route{Method: "GET", Path: "/api/v1/open/plans", Summary: "年度开放计划及进度（公开；year 参数） / Annual open plans with progress (public)", Public: true, Out: Items[openplan.Plan]{}, Query: []string{"year"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			y, _ := strconv.Atoi(r.URL.Query().Get("year"))
			list, err := s.Plans(r.Context(), y)
			return map[string]any{"items": list}, err
		})
	h(Route{Method: "POST", Path: "/api/v1/open/plans", Summary: "新建或修改年度开放计划 / Create or update an annual open plan", Body: true, In: openplan.PlanInput{}, Out: openplan.Plan{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in openplan.PlanInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return s.SavePlan(r.Context(), p, in)
		})
	h(Route{Method: "GET", Path: "/api/v1/open/plans/{id}", Summary: "年度开放计划详情与进度（公开） / An open plan with progress (public)", Public: true, Out: openplan.Plan{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return s.Plan(r.Context(), r.PathValue("id"))
		})
	h(Route{Method: "POST", Path: "/api/v1/open/plans/{id}/items", Summary: "列入开放计划（优先级、民生数据、目标类型与日期） / Plan an entry", Body: true, In: openplan.ItemInput{}, Out: openplan.Plan{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in openplan.ItemInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return s.AddItem(r.Context(), p, r.PathValue("id"), in)
		})
	h(Route{Method: "DELETE", Path: "/api/v1/open/plans/{id}/items/{item}", Summary: "移出开放计划 / Remove a planned entry", Out: openplan.Plan{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return s.RemoveItem(r.Context(), p, r.PathValue("id"), r.PathValue("item"))
		})
	h(Route{Method: "GET", Path: "/api/v1/open/reviews", Summary: "不予开放数据及定期评估（部门、主管部门、审计只读） / Data not open and its reviews", Out: OpenReviewsAnswer{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			list, err := s.NotOpen(r.Context(), p)
			if err != nil {
				return nil, err
			}
			rv, err := s.Reviews(r.Context(), p)
			return OpenReviewsAnswer{NotOpen: list, Reviews: rv}, err
		})
	h(Route{Method: "POST", Path: "/api/v1/open/reviews", Summary: "记录定期评估结论（开放结论提交目录修订） / Record a review (opening outcomes submit a catalog revision)", Body: true, In: openplan.ReviewInput{}, Out: Created{V: openplan.Review{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in openplan.ReviewInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			rv, err := s.Review(r.Context(), p, in)
			if err != nil {
				return nil, err
			}
			return Created{rv}, nil
		})
	h(Route{Method: "GET", Path: "/api/v1/open/demands", Summary: "开放需求及答复（公开） / Open-data demands and answers (public)", Public: true, Out: Items[openplan.Demand]{}, Query: []string{"state", "limit", "offset"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			lim, _ := strconv.Atoi(r.URL.Query().Get("limit"))
			off, _ := strconv.Atoi(r.URL.Query().Get("offset"))
			list, err := s.Demands(r.Context(), p, r.URL.Query().Get("state"), lim, off)
			return map[string]any{"items": list}, err
		})
	h(Route{Method: "POST", Path: "/api/v1/open/demands", Summary: "提交开放需求（任何人） / File an open-data demand (anyone)", Public: true, Body: true, In: openplan.DemandInput{}, Out: Created{V: openplan.Demand{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in openplan.DemandInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			d, err := s.FileDemand(r.Context(), p, in, ClientIP(r))
			if err != nil {
				return nil, err
			}
			return Created{d}, nil
		})
	h(Route{Method: "GET", Path: "/api/v1/open/demands/{number}", Summary: "开放需求及答复（公开） / An open-data demand and its answer (public)", Public: true, Out: openplan.Demand{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return s.Demand(r.Context(), p, r.PathValue("number"))
		})
	h(Route{Method: "POST", Path: "/api/v1/open/demands/{number}/answer", Summary: "答复开放需求（答复公开） / Answer an open-data demand (public answer)", Body: true, In: openplan.AnswerInput{}, Out: openplan.Demand{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in openplan.AnswerInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return s.Answer(r.Context(), p, r.PathValue("number"), in)
		})
	h(Route{Method: "GET", Path: "/api/v1/open/showcase", Summary: "开发利用成果（公开；dataset 参数按数据集） / The reuse showcase (public)", Public: true, Out: Items[openplan.Showcase]{}, Query: []string{"dataset"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			list, err := s.Published(r.Context(), r.URL.Query().Get("dataset"))
			return map[string]any{"items": list}, err
		})
	h(Route{Method: "POST", Path: "/api/v1/open/showcase", Summary: "提交开发利用成果（待主管部门审核） / Submit a reuse (moderated)", Public: true, Body: true, In: openplan.ShowcaseInput{}, Out: Created{V: openplan.Showcase{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in openplan.ShowcaseInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			x, err := s.SubmitShowcase(r.Context(), p, in, ClientIP(r))
			if err != nil {
				return nil, err
			}
			return Created{x}, nil
		})
	h(Route{Method: "GET", Path: "/api/v1/open/showcase/pending", Summary: "待审核的开发利用成果（主管部门） / Reuse awaiting moderation (authority)", Out: Items[openplan.Showcase]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			list, err := s.Pending(r.Context(), p)
			return map[string]any{"items": list}, err
		})
	h(Route{Method: "POST", Path: "/api/v1/open/showcase/{id}/moderate", Summary: "审核开发利用成果：展示或不予展示 / Moderate a reuse", Body: true, In: ShowcaseModerateInput{}, Out: OpenModerated{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in ShowcaseModerateInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return OpenModerated{OK: true}, s.Moderate(r.Context(), p, r.PathValue("id"), in.Publish, in.Note)
		})
}
