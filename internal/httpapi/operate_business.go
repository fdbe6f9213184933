package httpapi

import (
	"net/http"
	"strconv"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/operate"
)

// The business side of authorized operation (OPR-1, OPR-5 … OPR-8): prices, metering, feedback,
// reports and the annual disclosure, contribution scores, the operator's annual evaluation, and
// the public board. Thin handlers over operate.Service.
func (api *API) operateBusinessRoutes() {
	a := api.App
	if a.Operate == nil {
		return
	}
	s := a.Operate
	h := func(rt Route, fn HandlerFunc) { rt.Tag = "operate"; api.Handle(rt, fn) }

	h(Route{Method: "GET", Path: "/api/v1/operate/products/{id}/prices", Summary: "产品价格（各版本）/ A product's prices", Out: Items[operate.Price]{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		ps, err := s.Prices(r.Context(), p, r.PathValue("id"))
		return map[string]any{"items": nonNil(ps)}, err
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/products/{id}/prices", Summary: "提出产品价格（上限内，报主管部门批准）/ Propose a price under a cap", Body: true, In: operate.PriceSpec{}, Out: Created{V: operate.Price{}}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		var in operate.PriceSpec
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		pr, err := s.ProposePrice(r.Context(), p, r.PathValue("id"), in)
		if err != nil {
			return nil, err
		}
		return Created{pr}, nil
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/products/{id}/prices/{version}/decide", Summary: "批准或不批准产品价格（主管部门）/ Approve or refuse a price (authority)", Body: true, In: PriceDecideInput{}, Out: operate.Price{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		var in PriceDecideInput
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		v, _ := strconv.Atoi(r.PathValue("version"))
		return s.DecidePrice(r.Context(), p, r.PathValue("id"), v, in.Approve, in.Note)
	})
	h(Route{Method: "GET", Path: "/api/v1/operate/usage", Summary: "产品使用计量与计费（按月）/ Metered use and charges of a month", Out: Items[operate.UsageLine]{}, Query: []string{"month"}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		us, err := s.Usage(r.Context(), p, r.URL.Query().Get("month"))
		return map[string]any{"items": nonNil(us)}, err
	})
	h(Route{Method: "GET", Path: "/api/v1/operate/feedback", Summary: "应用单位评价与应用成效 / Units' ratings and reports of use", Out: Items[operate.Feedback]{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		fs, err := s.FeedbackList(r.Context(), p)
		return map[string]any{"items": nonNil(fs)}, err
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/products/{id}/feedback", Summary: "评价产品并反馈应用情况与成效 / Rate a product, report use and effect", Body: true, In: operate.Feedback{}, Out: Created{V: operate.Feedback{}}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		var in operate.Feedback
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		f, err := s.GiveFeedback(r.Context(), p, r.PathValue("id"), in)
		if err != nil {
			return nil, err
		}
		return Created{f}, nil
	})
	h(Route{Method: "GET", Path: "/api/v1/operate/reports", Summary: "运营报告（报主管部门、国资部门）与年度披露 / Reports and disclosures", Out: Items[operate.Report]{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		rs, err := s.Reports(r.Context(), p)
		return map[string]any{"items": nonNil(rs)}, err
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/reports", Summary: "报送运营报告或发布年度披露 / File a report or the annual disclosure", Body: true, In: ReportFileInput{}, Out: Created{V: operate.Report{}}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		var in ReportFileInput
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		rep, err := s.FileReport(r.Context(), p, in.Kind, in.Period)
		if err != nil {
			return nil, err
		}
		return Created{rep}, nil
	})
	h(Route{Method: "GET", Path: "/api/v1/operate/disclosures", Summary: "年度信息披露（产品与价格，公开）/ Annual disclosures (products and prices, public)", Public: true, Out: Items[operate.Report]{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		ds, err := s.Disclosures(r.Context())
		return map[string]any{"items": nonNil(ds)}, err
	})
	h(Route{Method: "GET", Path: "/api/v1/operate/contributions", Summary: "数据贡献评价（按提供部门）/ Contribution scores of providing agencies", Out: Items[operate.Contribution]{}, Query: []string{"year"}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		y, err := strconv.Atoi(r.URL.Query().Get("year"))
		if err != nil {
			return nil, apperr.Invalid.With(apperr.Field("year", "请给出年份", "give the year"))
		}
		cs, err := s.Contributions(r.Context(), p, y)
		return map[string]any{"items": nonNil(cs)}, err
	})
	h(Route{Method: "GET", Path: "/api/v1/operate/evaluations", Summary: "运营单位年度评估 / Annual evaluations of the operator", Out: Items[operate.Evaluation]{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		es, err := s.Evaluations(r.Context(), p)
		return map[string]any{"items": nonNil(es)}, err
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/evaluations", Summary: "记录第三方评估结论（合格、不合格、限期整改）/ Record a third-party evaluation", Body: true, In: operate.EvaluationInput{}, Out: Created{V: operate.Evaluation{}}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		var in operate.EvaluationInput
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		ev, err := s.RecordEvaluation(r.Context(), p, in)
		if err != nil {
			return nil, err
		}
		return Created{ev}, nil
	})
	h(Route{Method: "GET", Path: "/api/v1/operate/board", Summary: "供需对接、应用案例与政策通知（公开）/ Needs, offers, cases and notices (public)", Public: true, Out: Paged[operate.Post]{}, Query: []string{"kind"}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		pg, err := PageOf(r)
		if err != nil {
			return nil, err
		}
		items, total, err := s.Posts(r.Context(), r.URL.Query().Get("kind"), pg.Size, pg.Offset)
		if err != nil {
			return nil, err
		}
		return NewPaged(nonNil(items), pg, total), nil
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/board", Summary: "发布需求（应用单位）或供给、案例、通知（运营单位）/ Post a need, offer, case or notice", Body: true, In: operate.Post{}, Out: Created{V: operate.Post{}}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		var in operate.Post
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		po, err := s.AddPost(r.Context(), p, in)
		if err != nil {
			return nil, err
		}
		return Created{po}, nil
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/board/{id}/close", Summary: "关闭一条发布 / Close a board item", Out: operate.Post{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		return s.ClosePost(r.Context(), p, r.PathValue("id"))
	})
}
