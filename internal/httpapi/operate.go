package httpapi

import (
	"io"
	"net/http"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/operate"
)

// Authorized operation (OPR, SHR-12) and data-subject authorizations (SEC-7): thin handlers over
// operate.Service. Product calls (query, verify, score, budget) take an API token with scope
// "product"; everything else is a session's.
func (api *API) operateRoutes() {
	a := api.App
	if a.Operate == nil {
		return
	}
	s := a.Operate
	h := func(rt Route, fn HandlerFunc) {
		rt.Tag = "operate"
		api.Handle(rt, fn)
	}
	type note struct {
		Note     string `json:"note"`
		Reason   string `json:"reason"`
		Action   string `json:"action"`
		Approve  bool   `json:"approve"`
		Contact  string `json:"contact"`
		Opinion  string `json:"opinion"`
		AuditSeq int64  `json:"audit_seq"`
		Text     string `json:"text"`
	}
	decodeOpt := func(r *http.Request, v any) error {
		if r.ContentLength == 0 {
			return nil
		}
		return Decode(r, v)
	}

	// Views
	h(Route{Method: "GET", Path: "/api/v1/operate/views", Summary: "数据视图列表 / Data views", Out: Items[operate.View]{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		vs, err := s.Views(r.Context(), p)
		return map[string]any{"items": nonNil(vs)}, err
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/views", Summary: "登记数据视图（提供部门）/ Register a view (provider)", Body: true, In: operate.View{}, Out: Created{V: operate.View{}}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		var in operate.View
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		v, err := s.RegisterView(r.Context(), p, in)
		if err != nil {
			return nil, err
		}
		return Created{v}, nil
	})
	h(Route{Method: "GET", Path: "/api/v1/operate/views/{id}", Summary: "数据视图 / A data view", Out: operate.View{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		return s.View(r.Context(), p, r.PathValue("id"))
	})

	// Products
	h(Route{Method: "GET", Path: "/api/v1/operate/products", Summary: "数据产品列表 / Products", Out: Items[operate.Product]{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		ps, err := s.Products(r.Context(), p)
		return map[string]any{"items": nonNil(ps)}, err
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/products", Summary: "定义数据产品（运营单位）/ Define a product (operator)", Body: true, In: operate.ProductInput{}, Out: Created{V: operate.Product{}}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		var in operate.ProductInput
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		pr, err := s.CreateProduct(r.Context(), p, in)
		if err != nil {
			return nil, err
		}
		return Created{pr}, nil
	})
	h(Route{Method: "GET", Path: "/api/v1/operate/products/{id}", Summary: "数据产品与合规审查记录 / A product and its reviews", Out: ProductAnswer{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		pr, err := s.Product(r.Context(), p, r.PathValue("id"))
		if err != nil {
			return nil, err
		}
		rv, err := s.Reviews(r.Context(), p, pr.ID)
		return map[string]any{"product": pr, "reviews": nonNil(rv)}, err
	})
	h(Route{Method: "PUT", Path: "/api/v1/operate/products/{id}", Summary: "修改数据产品（已发布的产生新版本）/ Edit a product (a released one opens a new version)", Body: true, In: operate.ProductInput{}, Out: operate.Product{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		var in operate.ProductInput
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		return s.UpdateProduct(r.Context(), p, r.PathValue("id"), in)
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/products/{id}/submit", Summary: "提交合规审查 / Send to compliance review", Out: operate.Product{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		return s.SubmitProduct(r.Context(), p, r.PathValue("id"))
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/products/{id}/review", Summary: "合规审查决定（通过、退回、征求专家意见）/ Compliance review decision", Body: true, In: operate.ReviewInput{}, Out: operate.Product{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		var in operate.ReviewInput
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		return s.ReviewProduct(r.Context(), p, r.PathValue("id"), in)
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/products/{id}/expert-opinion", Summary: "专家意见 / Expert opinion", Body: true, In: note{}, Out: operate.Product{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		var in note
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		return s.ExpertOpinion(r.Context(), p, r.PathValue("id"), in.Opinion)
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/products/{id}/withdraw", Summary: "下架数据产品 / Withdraw a product", Out: operate.Product{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		return s.WithdrawProduct(r.Context(), p, r.PathValue("id"))
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/products/{id}/query", Summary: "统计产品查询（受限形式，差分隐私）/ Statistics query (restricted form, differential privacy)", Body: true, In: operate.StatsQuery{}, Out: operate.StatsResult{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 16<<10+1))
		if err != nil {
			return nil, apperr.BadRequest
		}
		return s.QueryStats(r.Context(), p, r.PathValue("id"), body)
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/products/{id}/verify", Summary: "核验产品调用（仅返回是否一致）/ Verification (yes/no only)", Body: true, In: ProductVerifyInput{}, Out: operate.VerifyResult{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		var in ProductVerifyInput
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		return s.Verify(r.Context(), p, r.PathValue("id"), in.Subject, in.Claims)
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/products/{id}/score", Summary: "指标产品调用（仅返回分值）/ Indicator (the score only)", Body: true, In: ProductScoreInput{}, Out: operate.ScoreResult{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		var in ProductScoreInput
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		return s.Score(r.Context(), p, r.PathValue("id"), in.Subject)
	})
	h(Route{Method: "GET", Path: "/api/v1/operate/products/{id}/budget", Summary: "本协议期隐私预算 / Privacy budget of the agreement period", Out: operate.Budget{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		return s.BudgetOf(r.Context(), p, r.PathValue("id"))
	})

	// Units, applications, agreements
	h(Route{Method: "GET", Path: "/api/v1/operate/units", Summary: "应用单位 / Application units", Out: Items[operate.Unit]{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		us, err := s.Units(r.Context(), p)
		return map[string]any{"items": nonNil(us)}, err
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/units", Summary: "登记为应用单位（核验统一社会信用代码）/ Register as an application unit", Body: true, In: note{}, Out: Created{V: operate.Unit{}}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		var in note
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		u, err := s.RegisterUnit(r.Context(), p, in.Contact)
		if err != nil {
			return nil, err
		}
		return Created{u}, nil
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/units/{id}/decide", Summary: "资质审核、暂停、恢复、终止合作 / Qualify, suspend, resume or terminate a unit", Body: true, In: note{}, Out: operate.Unit{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		var in note
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		return s.MoveUnit(r.Context(), p, r.PathValue("id"), in.Action, in.Reason)
	})
	h(Route{Method: "GET", Path: "/api/v1/operate/applications", Summary: "产品使用申请 / Product applications", Out: Items[operate.Application]{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		as, err := s.Applications(r.Context(), p)
		return map[string]any{"items": nonNil(as)}, err
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/applications", Summary: "申请使用数据产品 / Apply for a product", Body: true, In: operate.ApplicationInput{}, Out: Created{V: operate.Application{}}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		var in operate.ApplicationInput
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		ap, err := s.Apply(r.Context(), p, in)
		if err != nil {
			return nil, err
		}
		return Created{ap}, nil
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/applications/{id}/decide", Summary: "审核产品使用申请（资质与风险）/ Decide an application", Body: true, In: note{}, Out: operate.Application{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		var in note
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		return s.DecideApplication(r.Context(), p, r.PathValue("id"), in.Approve, in.Note)
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/applications/{id}/amend", Summary: "修订协议（新版本，双方重签）/ Amend the agreement (new version)", Body: true, In: operate.AmendInput{}, Out: operate.Agreement{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		var in operate.AmendInput
		if err := decodeOpt(r, &in); err != nil {
			return nil, err
		}
		return s.AmendAgreement(r.Context(), p, r.PathValue("id"), in)
	})
	h(Route{Method: "GET", Path: "/api/v1/operate/agreements", Summary: "服务与保密协议 / Agreements", Out: Items[operate.Agreement]{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		gs, err := s.Agreements(r.Context(), p)
		return map[string]any{"items": nonNil(gs)}, err
	})
	h(Route{Method: "POST", Path: "/api/v1/operate/agreements/{id}/sign", Summary: "签署协议（本方）/ Sign an agreement for one's side", Out: operate.Agreement{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		return s.SignAgreement(r.Context(), p, r.PathValue("id"))
	})
	h(Route{Method: "GET", Path: "/api/v1/operate/queries", Summary: "产品调用记录（含隐私成本）/ Product use log with costs", Out: Items[operate.QueryRecord]{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		qs, err := s.Queries(r.Context(), p)
		return map[string]any{"items": nonNil(qs)}, err
	})

	// Data subjects
	h(Route{Method: "GET", Path: "/api/v1/me/authorizations", Summary: "我的数据授权 / My authorizations", Out: Items[operate.Authorization]{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		as, err := s.MyAuthorizations(r.Context(), p)
		return map[string]any{"items": nonNil(as)}, err
	})
	h(Route{Method: "POST", Path: "/api/v1/me/authorizations", Summary: "授权第三方使用本人数据（逐项、限用途与期限）/ Authorize a third party", Body: true, In: operate.AuthorizationInput{}, Out: Created{V: operate.Authorization{}}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		var in operate.AuthorizationInput
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		au, err := s.Authorize(r.Context(), p, in)
		if err != nil {
			return nil, err
		}
		return Created{au}, nil
	})
	h(Route{Method: "POST", Path: "/api/v1/me/authorizations/{id}/revoke", Summary: "撤回授权（下一次请求起生效）/ Revoke (effective on the next request)", Out: operate.Authorization{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		return s.Revoke(r.Context(), p, r.PathValue("id"))
	})
	h(Route{Method: "GET", Path: "/api/v1/me/accesses", Summary: "谁访问了我的数据（来自审计日志）/ Who accessed my data (from the audit log)", Out: Paged[operate.Access]{}, Query: []string{"page", "page_size"}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		pg, err := PageOf(r)
		if err != nil {
			return nil, err
		}
		items, total, err := s.MyAccesses(r.Context(), p, pg.Size, pg.Offset)
		if err != nil {
			return nil, err
		}
		return NewPaged(nonNil(items), pg, total), nil
	})
	h(Route{Method: "GET", Path: "/api/v1/me/objections", Summary: "我的异议 / My objections", Out: Items[operate.Objection]{}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		os, err := s.MyObjections(r.Context(), p)
		return map[string]any{"items": nonNil(os)}, err
	})
	h(Route{Method: "POST", Path: "/api/v1/me/objections", Summary: "对一次访问提出异议 / Object to an access", Body: true, In: note{}, Out: Created{V: operate.Objection{}}}, func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
		var in note
		if err := Decode(r, &in); err != nil {
			return nil, err
		}
		o, err := s.Object(r.Context(), p, in.AuditSeq, in.Text)
		if err != nil {
			return nil, err
		}
		return Created{o}, nil
	})
}
