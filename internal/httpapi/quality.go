package httpapi

import (
	"net/http"
	"strconv"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/quality"
)

// Quality (QUA-1…QUA-3): rules, correction tasks, scores and trends, objections — thin handlers
// over quality.Service.
func (api *API) qualityRoutes() {
	a := api.App
	h := func(rt Route, fn HandlerFunc) {
		rt.Tag = "quality"
		api.Handle(rt, fn)
	}
	limitOf := func(r *http.Request) (int, error) {
		s := r.URL.Query().Get("limit")
		if s == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1000 {
			return 0, apperr.BadRequest.With(apperr.Field("limit", "条数须为 1–1000", "limit must be 1–1000"))
		}
		return n, nil
	}

	// Rules (QUA-1)
	h(Route{Method: "GET", Path: "/api/v1/quality/rule-kinds", Summary: "质量规则类型与质量维度 / Rule kinds and quality dimensions", Out: RuleKinds{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return map[string]any{"kinds": quality.Kinds, "dimensions": quality.DimensionNames}, nil
		})
	h(Route{Method: "GET", Path: "/api/v1/quality/entries/{id}/rules", Summary: "目录条目的质量规则 / An entry's quality rules", Out: Items[quality.Rule]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			rs, err := a.Quality.Rules(r.Context(), p, r.PathValue("id"))
			return map[string]any{"items": nonNil(rs)}, err
		})
	h(Route{Method: "POST", Path: "/api/v1/quality/entries/{id}/rules", Summary: "新增质量规则（跨字段、多源校核）/ Add a quality rule", Body: true, In: quality.RuleInput{}, Out: Created{V: quality.Rule{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in quality.RuleInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			rule, err := a.Quality.CreateRule(r.Context(), p, r.PathValue("id"), in)
			if err != nil {
				return nil, err
			}
			return Created{rule}, nil
		})
	h(Route{Method: "POST", Path: "/api/v1/quality/entries/{id}/rules/try", Summary: "试运行质量规则 / Try a rule on one record", Body: true, In: RuleTrial{}, Out: RuleTried{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in RuleTrial
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			ps, err := a.Quality.TryRule(r.Context(), p, r.PathValue("id"), in.Rule, in.Record)
			return map[string]any{"problems": qualityProblems(ps)}, err
		})
	h(Route{Method: "GET", Path: "/api/v1/quality/rules/{id}", Summary: "质量规则 / A quality rule", Out: quality.Rule{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Quality.Rule(r.Context(), p, r.PathValue("id"))
		})
	h(Route{Method: "PUT", Path: "/api/v1/quality/rules/{id}", Summary: "修改质量规则 / Change a quality rule", Body: true, In: quality.RuleInput{}, Out: quality.Rule{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in quality.RuleInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Quality.UpdateRule(r.Context(), p, r.PathValue("id"), in)
		})
	h(Route{Method: "DELETE", Path: "/api/v1/quality/rules/{id}", Summary: "删除质量规则 / Delete a quality rule", Out: NoContent{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return nil, a.Quality.DeleteRule(r.Context(), p, r.PathValue("id"))
		})

	// Correction tasks (QUA-2)
	h(Route{Method: "GET", Path: "/api/v1/quality/tasks", Summary: "整改任务列表 / Correction tasks", Out: Paged[quality.Task]{}, Query: []string{"entry_id", "org_id", "page", "page_size", "state"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			pg, err := PageOf(r)
			if err != nil {
				return nil, err
			}
			q := r.URL.Query()
			items, total, err := a.Quality.Tasks(r.Context(), p, quality.TaskFilter{State: q.Get("state"), EntryID: q.Get("entry_id"),
				OrgID: q.Get("org_id"), Limit: pg.Size, Offset: pg.Offset})
			if err != nil {
				return nil, err
			}
			return NewPaged(items, pg, total), nil
		})
	h(Route{Method: "GET", Path: "/api/v1/quality/tasks/{id}", Summary: "整改任务详情（问题行与处理过程）/ A correction task with its rows and history", Out: quality.Task{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Quality.Task(r.Context(), p, r.PathValue("id"))
		})
	h(Route{Method: "POST", Path: "/api/v1/quality/tasks/{id}/events", Summary: "办理整改任务（acknowledge/note/extend/waive）/ Act on a correction task", Body: true, In: quality.TaskAction{}, Out: quality.Task{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in quality.TaskAction
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Quality.ActOnTask(r.Context(), p, r.PathValue("id"), in, ClientIP(r))
		})

	// Scores
	h(Route{Method: "GET", Path: "/api/v1/quality/entries/{id}/scores", Summary: "目录条目质量评分趋势（period=load|day）/ An entry's quality scores", Out: Items[quality.ScorePoint]{}, Query: []string{"limit", "period"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			n, err := limitOf(r)
			if err != nil {
				return nil, err
			}
			sc, err := a.Quality.EntryScores(r.Context(), p, r.PathValue("id"), r.URL.Query().Get("period"), n)
			return map[string]any{"items": nonNil(sc)}, err
		})
	h(Route{Method: "GET", Path: "/api/v1/quality/entries/{id}/trend.svg", Summary: "目录条目质量趋势图（SVG）/ An entry's quality trend chart", Out: Raw{}, Query: []string{"lang", "limit", "period"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			n, err := limitOf(r)
			if err != nil {
				return nil, err
			}
			sc, err := a.Quality.EntryScores(r.Context(), p, r.PathValue("id"), r.URL.Query().Get("period"), n)
			if err != nil {
				return nil, err
			}
			return qualitySVG(w, r, quality.TrendSVG(sc, "质量评分趋势 / Quality trend", r.URL.Query().Get("lang")))
		})
	h(Route{Method: "GET", Path: "/api/v1/quality/orgs/{id}/scores", Summary: "部门质量评分趋势（period=load|day）/ An agency's quality scores", Out: Items[quality.ScorePoint]{}, Query: []string{"limit", "period"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			n, err := limitOf(r)
			if err != nil {
				return nil, err
			}
			sc, err := a.Quality.OrgScores(r.Context(), p, r.PathValue("id"), r.URL.Query().Get("period"), n)
			return map[string]any{"items": nonNil(sc)}, err
		})
	h(Route{Method: "GET", Path: "/api/v1/quality/orgs/{id}/trend.svg", Summary: "部门质量趋势图（SVG）/ An agency's quality trend chart", Out: Raw{}, Query: []string{"lang", "limit", "period"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			n, err := limitOf(r)
			if err != nil {
				return nil, err
			}
			sc, err := a.Quality.OrgScores(r.Context(), p, r.PathValue("id"), r.URL.Query().Get("period"), n)
			if err != nil {
				return nil, err
			}
			return qualitySVG(w, r, quality.TrendSVG(sc, "部门质量评分趋势 / Agency quality trend", r.URL.Query().Get("lang")))
		})
	h(Route{Method: "GET", Path: "/api/v1/quality/summary", Summary: "各部门质量概况（主管部门）/ Agencies' quality at a glance", Out: Items[quality.OrgSummary]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			s, err := a.Quality.Summaries(r.Context(), p)
			return map[string]any{"items": nonNil(s)}, err
		})
	h(Route{Method: "GET", Path: "/api/v1/quality/settings", Summary: "质量整改与异议期限设置 / Quality deadline settings", Out: quality.Settings{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if err := authz.QualitySettings(p, authz.Read); err != nil {
				return nil, err
			}
			return a.Quality.Settings(r.Context()), nil
		})
	h(Route{Method: "PUT", Path: "/api/v1/quality/settings", Summary: "修改质量整改与异议期限（工作日）/ Change the quality deadlines", Body: true, In: quality.Settings{}, Out: quality.Settings{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in quality.Settings
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			if err := a.Quality.SetSettings(r.Context(), p, in); err != nil {
				return nil, err
			}
			return a.Quality.Settings(r.Context()), nil
		})

	// Objections (QUA-3)
	h(Route{Method: "POST", Path: "/api/v1/quality/objections", Summary: "提出数据异议 / Raise an objection to a record", Body: true, In: quality.ObjectionInput{}, Out: Created{V: quality.Objection{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in quality.ObjectionInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			o, err := a.Quality.Raise(r.Context(), p, in, ClientIP(r))
			if err != nil {
				return nil, err
			}
			return Created{o}, nil
		})
	h(Route{Method: "GET", Path: "/api/v1/quality/objections", Summary: "数据异议列表（box=mine|queue）/ Objections", Out: Paged[quality.Objection]{}, Query: []string{"box", "entry_id", "page", "page_size", "state"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			pg, err := PageOf(r)
			if err != nil {
				return nil, err
			}
			q := r.URL.Query()
			items, total, err := a.Quality.Objections(r.Context(), p, quality.ObjectionFilter{Mine: q.Get("box") == "mine", State: q.Get("state"),
				EntryID: q.Get("entry_id"), Limit: pg.Size, Offset: pg.Offset})
			if err != nil {
				return nil, err
			}
			return NewPaged(items, pg, total), nil
		})
	h(Route{Method: "GET", Path: "/api/v1/quality/objections/{id}", Summary: "数据异议详情与处理过程 / An objection and its history", Out: quality.Objection{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return a.Quality.Objection(r.Context(), p, r.PathValue("id"))
		})
	h(Route{Method: "POST", Path: "/api/v1/quality/objections/{id}/events", Summary: "办理数据异议（verify/correct/reject/withdraw/note）/ Act on an objection", Body: true, In: quality.ObjectionAction{}, Out: quality.Objection{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in quality.ObjectionAction
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Quality.ActOnObjection(r.Context(), p, r.PathValue("id"), in, ClientIP(r))
		})
}

// qualityProblem is a rule finding in the API's shape.
type qualityProblem struct {
	Line      int    `json:"line,omitempty"`
	Key       string `json:"key,omitempty"`
	Field     string `json:"field"`
	Rule      string `json:"rule"`
	Dimension string `json:"dimension"`
	ZH        string `json:"message"`
	EN        string `json:"message_en"`
	Value     string `json:"value,omitempty"`
}

func qualityProblems(ps []quality.Problem) []qualityProblem {
	out := make([]qualityProblem, 0, len(ps))
	for _, p := range ps {
		out = append(out, qualityProblem(p))
	}
	return out
}

// qualitySVG writes an SVG chart.
func qualitySVG(w http.ResponseWriter, r *http.Request, svg string) (any, error) {
	w.Header().Set("Content-Type", "image/svg+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write([]byte(svg))
	return Raw{}, nil
}
