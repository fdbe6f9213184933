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
func init() {
	routeHooks = append(routeHooks, func(api *API) {
		a := api.App
		if a.Operate == nil {
			return
		}
		s := a.Operate
		h := func(method, path, summary string, body bool, fn HandlerFunc) {
			api.Handle(Route{Method: method, Path: path, Summary: summary, Tag: "operate", Body: body}, fn)
		}
		pub := func(method, path, summary string, fn HandlerFunc) {
			api.Handle(Route{Method: method, Path: path, Summary: summary, Tag: "operate", Public: true}, fn)
		}

		h("GET", "/api/v1/operate/products/{id}/prices", "产品价格（各版本）/ A product's prices", false, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			ps, err := s.Prices(r.Context(), p, r.PathValue("id"))
			return map[string]any{"items": nonNil(ps)}, err
		})
		h("POST", "/api/v1/operate/products/{id}/prices", "提出产品价格（上限内，报主管部门批准）/ Propose a price under a cap", true, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
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
		h("POST", "/api/v1/operate/products/{id}/prices/{version}/decide", "批准或不批准产品价格（主管部门）/ Approve or refuse a price (authority)", true, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in struct {
				Approve bool   `json:"approve"`
				Note    string `json:"note"`
			}
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			v, _ := strconv.Atoi(r.PathValue("version"))
			return s.DecidePrice(r.Context(), p, r.PathValue("id"), v, in.Approve, in.Note)
		})
		h("GET", "/api/v1/operate/usage", "产品使用计量与计费（按月）/ Metered use and charges of a month", false, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			us, err := s.Usage(r.Context(), p, r.URL.Query().Get("month"))
			return map[string]any{"items": nonNil(us)}, err
		})
		h("GET", "/api/v1/operate/feedback", "应用单位评价与应用成效 / Units' ratings and reports of use", false, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			fs, err := s.FeedbackList(r.Context(), p)
			return map[string]any{"items": nonNil(fs)}, err
		})
		h("POST", "/api/v1/operate/products/{id}/feedback", "评价产品并反馈应用情况与成效 / Rate a product, report use and effect", true, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
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
		h("GET", "/api/v1/operate/reports", "运营报告（报主管部门、国资部门）与年度披露 / Reports and disclosures", false, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			rs, err := s.Reports(r.Context(), p)
			return map[string]any{"items": nonNil(rs)}, err
		})
		h("POST", "/api/v1/operate/reports", "报送运营报告或发布年度披露 / File a report or the annual disclosure", true, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in struct {
				Kind   string `json:"kind"`
				Period string `json:"period"`
			}
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			rep, err := s.FileReport(r.Context(), p, in.Kind, in.Period)
			if err != nil {
				return nil, err
			}
			return Created{rep}, nil
		})
		pub("GET", "/api/v1/operate/disclosures", "年度信息披露（产品与价格，公开）/ Annual disclosures (products and prices, public)", func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			ds, err := s.Disclosures(r.Context())
			return map[string]any{"items": nonNil(ds)}, err
		})
		h("GET", "/api/v1/operate/contributions", "数据贡献评价（按提供部门）/ Contribution scores of providing agencies", false, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			y, err := strconv.Atoi(r.URL.Query().Get("year"))
			if err != nil {
				return nil, apperr.Invalid.With(apperr.Field("year", "请给出年份", "give the year"))
			}
			cs, err := s.Contributions(r.Context(), p, y)
			return map[string]any{"items": nonNil(cs)}, err
		})
		h("GET", "/api/v1/operate/evaluations", "运营单位年度评估 / Annual evaluations of the operator", false, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			es, err := s.Evaluations(r.Context(), p)
			return map[string]any{"items": nonNil(es)}, err
		})
		h("POST", "/api/v1/operate/evaluations", "记录第三方评估结论（合格、不合格、限期整改）/ Record a third-party evaluation", true, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
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
		pub("GET", "/api/v1/operate/board", "供需对接、应用案例与政策通知（公开）/ Needs, offers, cases and notices (public)", func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
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
		h("POST", "/api/v1/operate/board", "发布需求（应用单位）或供给、案例、通知（运营单位）/ Post a need, offer, case or notice", true, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
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
		h("POST", "/api/v1/operate/board/{id}/close", "关闭一条发布 / Close a board item", false, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return s.ClosePost(r.Context(), p, r.PathValue("id"))
		})
	})
}
