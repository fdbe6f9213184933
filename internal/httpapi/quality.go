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
// The routes are listed in routes.go.

// qualityLimitOf reads the optional limit parameter (1–1000; 0 when absent).
func qualityLimitOf(r *http.Request) (int, error) {
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

// qualityRuleKinds serves GET /api/v1/quality/rule-kinds: Rule kinds and quality dimensions.
func (api *API) qualityRuleKinds(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return map[string]any{"kinds": quality.Kinds, "dimensions": quality.DimensionNames}, nil
}

// qualityListRules serves GET /api/v1/quality/entries/{id}/rules: An entry's quality rules.
func (api *API) qualityListRules(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	rs, err := api.App.Quality.Rules(r.Context(), p, r.PathValue("id"))
	return map[string]any{"items": nonNil(rs)}, err
}

// qualityCreateRule serves POST /api/v1/quality/entries/{id}/rules: Add a quality rule.
func (api *API) qualityCreateRule(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in quality.RuleInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	rule, err := api.App.Quality.CreateRule(r.Context(), p, r.PathValue("id"), in)
	if err != nil {
		return nil, err
	}
	return Created{rule}, nil
}

// qualityTryRule serves POST /api/v1/quality/entries/{id}/rules/try: Try a rule on one record.
func (api *API) qualityTryRule(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in RuleTrial
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	ps, err := api.App.Quality.TryRule(r.Context(), p, r.PathValue("id"), in.Rule, in.Record)
	return map[string]any{"problems": qualityProblems(ps)}, err
}

// qualityGetRule serves GET /api/v1/quality/rules/{id}: A quality rule.
func (api *API) qualityGetRule(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Quality.Rule(r.Context(), p, r.PathValue("id"))
}

// qualityUpdateRule serves PUT /api/v1/quality/rules/{id}: Change a quality rule.
func (api *API) qualityUpdateRule(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in quality.RuleInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Quality.UpdateRule(r.Context(), p, r.PathValue("id"), in)
}

// qualityDeleteRule serves DELETE /api/v1/quality/rules/{id}: Delete a quality rule.
func (api *API) qualityDeleteRule(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return nil, api.App.Quality.DeleteRule(r.Context(), p, r.PathValue("id"))
}

// qualityListTasks serves GET /api/v1/quality/tasks: Correction tasks.
func (api *API) qualityListTasks(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	items, total, err := api.App.Quality.Tasks(r.Context(), p, quality.TaskFilter{State: q.Get("state"), EntryID: q.Get("entry_id"),
		OrgID: q.Get("org_id"), Limit: pg.Size, Offset: pg.Offset})
	if err != nil {
		return nil, err
	}
	return NewPaged(items, pg, total), nil
}

// qualityGetTask serves GET /api/v1/quality/tasks/{id}: A correction task with its rows and history.
func (api *API) qualityGetTask(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Quality.Task(r.Context(), p, r.PathValue("id"))
}

// qualityActOnTask serves POST /api/v1/quality/tasks/{id}/events: Act on a correction task.
func (api *API) qualityActOnTask(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in quality.TaskAction
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Quality.ActOnTask(r.Context(), p, r.PathValue("id"), in, ClientIP(r))
}

// qualityEntryScores serves GET /api/v1/quality/entries/{id}/scores: An entry's quality scores.
func (api *API) qualityEntryScores(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	n, err := qualityLimitOf(r)
	if err != nil {
		return nil, err
	}
	sc, err := api.App.Quality.EntryScores(r.Context(), p, r.PathValue("id"), r.URL.Query().Get("period"), n)
	return map[string]any{"items": nonNil(sc)}, err
}

// qualityEntryTrendSVG serves GET /api/v1/quality/entries/{id}/trend.svg: An entry's quality trend chart.
func (api *API) qualityEntryTrendSVG(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	n, err := qualityLimitOf(r)
	if err != nil {
		return nil, err
	}
	sc, err := api.App.Quality.EntryScores(r.Context(), p, r.PathValue("id"), r.URL.Query().Get("period"), n)
	if err != nil {
		return nil, err
	}
	return qualitySVG(w, r, quality.TrendSVG(sc, "质量评分趋势 / Quality trend", r.URL.Query().Get("lang")))
}

// qualityOrgScores serves GET /api/v1/quality/orgs/{id}/scores: An agency's quality scores.
func (api *API) qualityOrgScores(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	n, err := qualityLimitOf(r)
	if err != nil {
		return nil, err
	}
	sc, err := api.App.Quality.OrgScores(r.Context(), p, r.PathValue("id"), r.URL.Query().Get("period"), n)
	return map[string]any{"items": nonNil(sc)}, err
}

// qualityOrgTrendSVG serves GET /api/v1/quality/orgs/{id}/trend.svg: An agency's quality trend chart.
func (api *API) qualityOrgTrendSVG(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	n, err := qualityLimitOf(r)
	if err != nil {
		return nil, err
	}
	sc, err := api.App.Quality.OrgScores(r.Context(), p, r.PathValue("id"), r.URL.Query().Get("period"), n)
	if err != nil {
		return nil, err
	}
	return qualitySVG(w, r, quality.TrendSVG(sc, "部门质量评分趋势 / Agency quality trend", r.URL.Query().Get("lang")))
}

// qualitySummary serves GET /api/v1/quality/summary: Agencies' quality at a glance.
func (api *API) qualitySummary(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	s, err := api.App.Quality.Summaries(r.Context(), p)
	return map[string]any{"items": nonNil(s)}, err
}

// qualitySettings serves GET /api/v1/quality/settings: Quality deadline settings.
func (api *API) qualitySettings(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if err := authz.QualitySettings(p, authz.Read); err != nil {
		return nil, err
	}
	return api.App.Quality.Settings(r.Context()), nil
}

// qualitySetSettings serves PUT /api/v1/quality/settings: Change the quality deadlines.
func (api *API) qualitySetSettings(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in quality.Settings
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	if err := api.App.Quality.SetSettings(r.Context(), p, in); err != nil {
		return nil, err
	}
	return api.App.Quality.Settings(r.Context()), nil
}

// qualityRaiseObjection serves POST /api/v1/quality/objections: Raise an objection to a record.
func (api *API) qualityRaiseObjection(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in quality.ObjectionInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	o, err := api.App.Quality.Raise(r.Context(), p, in, ClientIP(r))
	if err != nil {
		return nil, err
	}
	return Created{o}, nil
}

// qualityListObjections serves GET /api/v1/quality/objections: Objections.
func (api *API) qualityListObjections(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	items, total, err := api.App.Quality.Objections(r.Context(), p, quality.ObjectionFilter{Mine: q.Get("box") == "mine", State: q.Get("state"),
		EntryID: q.Get("entry_id"), Limit: pg.Size, Offset: pg.Offset})
	if err != nil {
		return nil, err
	}
	return NewPaged(items, pg, total), nil
}

// qualityGetObjection serves GET /api/v1/quality/objections/{id}: An objection and its history.
func (api *API) qualityGetObjection(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return api.App.Quality.Objection(r.Context(), p, r.PathValue("id"))
}

// qualityActOnObjection serves POST /api/v1/quality/objections/{id}/events: Act on an objection.
func (api *API) qualityActOnObjection(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in quality.ObjectionAction
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Quality.ActOnObjection(r.Context(), p, r.PathValue("id"), in, ClientIP(r))
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
