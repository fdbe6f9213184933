package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/httpapi"
	"pubdata/internal/operate"
	"pubdata/internal/vocab"
	"pubdata/internal/workday"
)

// Authorized-operation pages (授权运营): the workbench of the operator, the application unit, the
// compliance reviewer and the expert (/operate), a product with its review, use forms and answers
// (/operate/products/{id}), and the data subject's page (/me/data): authorizations given, revoked,
// and every access to records about the person, with an objection form.
func init() {
	Register(map[string][2]string{
		"operate.title":        {"授权运营", "Authorized operation"},
		"operate.product":      {"数据产品", "Data product"},
		"operate.mydata":       {"我的数据授权与访问记录", "My data: authorizations and accesses"},
		"nav.operate":          {"授权运营", "Operation"},
		"nav.mydata":           {"我的数据", "My data"},
		"flash.operate_done":   {"已办理", "Done"},
		"flash.operate_signed": {"协议已签署", "Agreement signed"},
		"flash.operate_rated":  {"评价已保存（本季度内可修改）", "Rating saved (editable within the quarter)"},
		"flash.consent_given":  {"授权已生效", "Authorization in force"},
		"flash.consent_off":    {"授权已撤回，下一次请求起生效", "Authorization revoked; effective from the next request"},
		"flash.objected":       {"异议已提交", "Objection filed"},
	})
	AddNav(NavItem{Key: "nav.operate", Href: "/operate", Roles: []authz.Role{authz.OperatorStaff, authz.OperatorProduct, authz.OperatorReviewer, authz.OperatorUnits, authz.AppUnitUser, authz.AuthorityAdmin, authz.AuthorityReviewer,
		authz.Expert, authz.Auditor, authz.Oversight}, Order: 40},
		NavItem{Key: "nav.mydata", Href: "/me/data", Roles: []authz.Role{authz.PublicUser}, Order: 41})
	funcs["mstime"] = func(ms db.Stamp) string {
		if ms == 0 {
			return "—"
		}
		return ms.Time().In(workday.Location).Format("2006-01-02 15:04")
	}
}

// oprDim is a dimension or measure shown with its Chinese/English label.
type oprCol struct {
	Field, ZH, EN string
	Values        []string
}

func (w *Web) fieldLabels(ctx context.Context, entryID string) map[string][2]string {
	out := map[string][2]string{}
	if w.App.Catalog == nil {
		return out
	}
	if e, err := w.App.Catalog.Published(ctx, entryID); err == nil {
		for _, f := range e.Fields {
			en := f.LabelEN
			if en == "" {
				en = f.Label
			}
			out[f.Name] = [2]string{f.Label, en}
		}
	}
	return out
}

// operateRender renders an operation page with the form error ferr (and its status) when there is one.
func (w *Web) operateRender(rw http.ResponseWriter, r *http.Request, title, page string, data map[string]any, ferr error) {
	v := w.NewView(rw, r, title)
	status := 200
	if ferr != nil {
		v.Error = apperr.As(ferr)
		v.Errors = v.Error.Fields
		status = v.Error.Status
	}
	v.Data = data
	w.Render(rw, status, page, v)
}

// operateHomeView renders the operation workbench: products, units, applications, agreements, queries, reports and evaluations the caller may see, with the form error ferr.
func (w *Web) operateHomeView(rw http.ResponseWriter, r *http.Request, p *authz.Principal, ferr error) error {
	s := w.App.Operate
	ctx := r.Context()
	ps, err := s.Products(ctx, p)
	if err != nil && authz.Operate(p, authz.OprRegister, authz.OperateAttrs{}) != nil {
		return err
	} // an enterprise not yet a unit sees the registration form and its own records only
	names := map[string]string{}
	for _, pr := range ps {
		names[pr.ID] = pr.Name
	}
	data := map[string]any{"Products": ps, "Names": names,
		"IsOperator": authz.Operate(p, authz.OprDecide, authz.OperateAttrs{}) == nil,
		"IsUnit":     p.Has(authz.AppUnitUser), "CanReview": authz.Operate(p, authz.OprReview, authz.OperateAttrs{}) == nil, "IsExpert": p.Has(authz.Expert),
		"CanRegister": authz.Operate(p, authz.OprRegister, authz.OperateAttrs{}) == nil,
		"Today":       time.Now().Format("2006-01-02"), "NextYear": time.Now().AddDate(1, 0, 0).Format("2006-01-02")}
	if us, err := s.Units(ctx, p); err == nil {
		data["Units"] = us
	}
	if as, err := s.Applications(ctx, p); err == nil {
		data["Apps"] = as
	}
	if gs, err := s.Agreements(ctx, p); err == nil {
		data["Agreements"] = gs
	}
	if qs, err := s.Queries(ctx, p); err == nil {
		if len(qs) > 50 {
			qs = qs[:50]
		}
		data["Queries"] = qs
	}
	if vs, err := s.Views(ctx, p); err == nil {
		data["Views"] = vs
	}
	rs, err := s.Ratings(ctx, p)
	if err != nil {
		rs = map[string]operate.Rating{}
	}
	data["Ratings"] = rs
	// Periodic reports (operator) and the annual evaluation (authority), OPR-6, OPR-8.
	data["CanReport"] = authz.Operate(p, authz.OprReport, authz.OperateAttrs{}) == nil
	data["CanEvaluate"] = authz.Operate(p, authz.OprEvaluate, authz.OperateAttrs{}) == nil
	if rps, err := s.Reports(ctx, p); err == nil {
		data["Reports"] = rps
	}
	if evs, err := s.Evaluations(ctx, p); err == nil {
		data["Evaluations"] = evs
	}
	data["ReportKinds"] = []string{operate.ReportAuthority, operate.ReportAssets, operate.ReportDisclosure}
	data["EvalOutcomes"] = []string{"pass", "rectify", "fail"}
	data["LastYear"] = time.Now().Year() - 1
	w.operateRender(rw, r, "operate.title", "operate_home", data, ferr)
	return nil
}

// operateHome shows the operation workbench (an enterprise not yet a unit sees the registration form).
func (w *Web) operateHome(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	if err := authz.Operate(p, authz.Read, authz.OperateAttrs{UnitOrgID: p.OrgID}); err != nil && authz.Operate(p, authz.OprRegister, authz.OperateAttrs{}) != nil {
		return err
	}
	return w.operateHomeView(rw, r, p, nil)
}

// operateAfter ends a workbench form: on success it redirects to target with the flash; a refusal the user can correct (422, 409, a 403 other than forbidden) shows the product page or the workbench again with the message.
func (w *Web) operateAfter(rw http.ResponseWriter, r *http.Request, p *authz.Principal, target, flash string, err error) error {
	if err != nil {
		if ae := apperr.As(err); ae.Status == 422 || ae.Status == 409 || ae.Status == 403 && ae.Code != "forbidden" {
			if strings.HasPrefix(target, "/operate/products/") {
				return w.productPage(rw, r, p, r.PathValue("id"), err, nil)
			}
			return w.operateHomeView(rw, r, p, err)
		}
		return err
	}
	Redirect(rw, r, target, flash)
	return nil
}

// operateUnitRegister registers the caller's organisation as an application unit.
func (w *Web) operateUnitRegister(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Operate
	_, err := s.RegisterUnit(r.Context(), p, r.PostFormValue("contact"))
	return w.operateAfter(rw, r, p, "/operate", "flash.operate_done", err)
}

// operateUnitDecide moves an application unit (approve, suspend, …) on the operator's decision.
func (w *Web) operateUnitDecide(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Operate
	_, err := s.MoveUnit(r.Context(), p, r.PathValue("id"), r.PostFormValue("action"), r.PostFormValue("reason"))
	return w.operateAfter(rw, r, p, "/operate", "flash.operate_done", err)
}

// operateApplicationDecide approves or refuses a unit's application for a product.
func (w *Web) operateApplicationDecide(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Operate
	_, err := s.DecideApplication(r.Context(), p, r.PathValue("id"), r.PostFormValue("approve") == "1", r.PostFormValue("note"))
	return w.operateAfter(rw, r, p, "/operate", "flash.operate_done", err)
}

// operateAgreementSign signs a use agreement.
func (w *Web) operateAgreementSign(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Operate
	_, err := s.SignAgreement(r.Context(), p, r.PathValue("id"))
	return w.operateAfter(rw, r, p, "/operate", "flash.operate_signed", err)
}

// operateProductSubmit submits a product for review.
func (w *Web) operateProductSubmit(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Operate
	_, err := s.SubmitProduct(r.Context(), p, r.PathValue("id"))
	return w.operateAfter(rw, r, p, "/operate/products/"+r.PathValue("id"), "flash.operate_done", err)
}

// operateProductReview records the review of a product with its checklist.
func (w *Web) operateProductReview(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Operate
	cl := map[string]bool{}
	for _, c := range r.PostForm["checklist"] {
		cl[c] = true
	}
	_, err := s.ReviewProduct(r.Context(), p, r.PathValue("id"), operate.ReviewInput{Checklist: cl, Decision: r.PostFormValue("decision"), Note: r.PostFormValue("note")})
	return w.operateAfter(rw, r, p, "/operate/products/"+r.PathValue("id"), "flash.operate_done", err)
}

// operateProductExpert records an expert's opinion on a product.
func (w *Web) operateProductExpert(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Operate
	_, err := s.ExpertOpinion(r.Context(), p, r.PathValue("id"), r.PostFormValue("opinion"))
	return w.operateAfter(rw, r, p, "/operate/products/"+r.PathValue("id"), "flash.operate_done", err)
}

// operateProductApply files a unit's application to use a product.
func (w *Web) operateProductApply(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Operate
	_, err := s.Apply(r.Context(), p, operate.ApplicationInput{ProductID: r.PathValue("id"), Scenario: r.PostFormValue("scenario"), Items: r.PostForm["items"],
		StartDate: r.PostFormValue("start_date"), EndDate: r.PostFormValue("end_date"), Security: r.PostFormValue("security")})
	return w.operateAfter(rw, r, p, "/operate/products/"+r.PathValue("id"), "flash.operate_done", err)
}

// operateProductPrices proposes a product's price; amounts are read in yuan and kept in fen.
func (w *Web) operateProductPrices(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Operate
	var fe []apperr.FieldError
	yuan := func(name string) int64 {
		v := strings.TrimSpace(r.PostFormValue(name))
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 {
			fe = append(fe, apperr.Field(name, "请填写金额（元，最多两位小数）", "give an amount in yuan (at most two decimals)"))
			return 0
		}
		return int64(f*100 + 0.5)
	}
	sp := operate.PriceSpec{Model: r.PostFormValue("model"), CapCents: yuan("cap_cents"), FreeConditions: r.PostFormValue("free_conditions")}
	if sp.Model == operate.PriceTiered {
		// tiers: the filled rows of "calls up to" and "price per call"; the last row's bound empty
		ups, prices := r.PostForm["tier_up_to"], r.PostForm["tier_price"]
		bad := false
		for i := range min(len(ups), len(prices)) {
			up, pr := strings.TrimSpace(ups[i]), strings.TrimSpace(prices[i])
			if up == "" && pr == "" {
				continue
			}
			t := operate.PriceTier{}
			if up != "" {
				n, err := strconv.ParseInt(up, 10, 64)
				if err != nil || n <= 0 {
					bad = true
				}
				t.UpTo = n
			}
			f, err := strconv.ParseFloat(pr, 64)
			if err != nil || f <= 0 {
				bad = true
			}
			t.Cents = int64(f*100 + 0.5)
			sp.Tiers = append(sp.Tiers, t)
		}
		if bad {
			fe = append(fe, apperr.Field("tiers", "档位的调用次数须为正整数，单价须为金额（元）", "a tier's bound is a whole number of calls and its price an amount in yuan"))
		}
	} else {
		sp.UnitCents = yuan("unit_cents")
	}
	if len(fe) > 0 {
		return w.operateAfter(rw, r, p, "/operate/products/"+r.PathValue("id"), "", apperr.Invalid.With(fe...))
	}
	_, err := s.ProposePrice(r.Context(), p, r.PathValue("id"), sp)
	return w.operateAfter(rw, r, p, "/operate/products/"+r.PathValue("id"), "flash.operate_done", err)
}

// operateReportFile files the operator's periodic report.
func (w *Web) operateReportFile(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Operate
	_, err := s.FileReport(r.Context(), p, r.PostFormValue("kind"), strings.TrimSpace(r.PostFormValue("period")))
	return w.operateAfter(rw, r, p, "/operate#reports", "flash.operate_done", err)
}

// operateEvaluationRecord records the authority's annual evaluation of the operation.
func (w *Web) operateEvaluationRecord(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Operate
	year, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("year")))
	if err != nil {
		return w.operateAfter(rw, r, p, "/operate#evaluations", "", apperr.Invalid.With(apperr.Field("year", "年度须为四位数字", "the year must be four digits")))
	}
	_, err = s.RecordEvaluation(r.Context(), p, operate.EvaluationInput{Year: year, Assessor: r.PostFormValue("assessor"), Outcome: r.PostFormValue("outcome"), Findings: r.PostFormValue("findings")})
	return w.operateAfter(rw, r, p, "/operate#evaluations", "flash.operate_done", err)
}

// operateProductRate records a unit's feedback on a product.
func (w *Web) operateProductRate(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Operate
	rating, _ := strconv.Atoi(r.PostFormValue("rating"))
	_, err := s.GiveFeedback(r.Context(), p, r.PathValue("id"), operate.Feedback{Rating: rating, Quality: r.PostFormValue("quality"),
		Use: r.PostFormValue("use"), Effect: r.PostFormValue("effect")})
	return w.operateAfter(rw, r, p, "/operate/products/"+r.PathValue("id"), "flash.operate_rated", err)
}

// operateProduct shows a product page, with the answer of a use kept from the last form when there is one.
func (w *Web) operateProduct(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	id := r.PathValue("id")
	out := takeUseAnswer(rw, r, w.Secure)
	if ref, ok := out["StatsRef"].(statsRef); ok {
		delete(out, "StatsRef")
		// a large answer: read again from the store (only an answer this caller was given)
		if ans, err := w.App.Operate.StoredAnswer(r.Context(), p, id, ref.Query, ref.DataVersion); err == nil {
			ans.Cached = ref.Cached
			out["Stats"] = operate.StatsResult{Answer: ans, CostMilli: ref.CostMilli, Budget: ref.Budget}
		}
	}
	return w.productPage(rw, r, p, id, nil, out)
}

// operateProductUse uses a product (statistics, verification, indicator) and answers on the
// product page itself (the answer is not stored in a URL).
func (w *Web) operateProductUse(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Operate
	id := r.PathValue("id")
	ctx := operate.WithClientIP(r.Context(), httpapi.ClientIP(r))
	out := map[string]any{}
	var err error
	switch r.PostFormValue("kind") {
	case operate.KindStatistics:
		q := operate.StatsQuery{GroupBy: r.PostForm["group_by"], Where: map[string][]string{}}
		for k, vs := range r.PostForm {
			if f, ok := strings.CutPrefix(k, "where."); ok && len(vs) > 0 {
				q.Where[f] = vs
			}
		}
		for _, ag := range r.PostForm["agg"] {
			fn, m, _ := strings.Cut(ag, ":")
			a := operate.Agg{Fn: fn, Measure: m}
			if fn == operate.FnQuantile {
				a.Q, _ = strconv.ParseFloat(r.PostFormValue("q"), 64)
			}
			q.Aggregates = append(q.Aggregates, a)
		}
		raw, _ := json.Marshal(q)
		var res operate.StatsResult
		res, err = s.QueryStats(ctx, p, id, raw)
		if err == nil {
			out["Stats"], out["StatsQuery"] = res, raw
		}
	case operate.KindVerification:
		claims := map[string]string{}
		for k, vs := range r.PostForm {
			if f, ok := strings.CutPrefix(k, "claim."); ok && len(vs) > 0 && vs[0] != "" {
				claims[f] = vs[0]
			}
		}
		var res operate.VerifyResult
		res, err = s.Verify(ctx, p, id, r.PostFormValue("subject"), claims)
		if err == nil {
			out["Verify"] = res
		}
	case operate.KindIndicator:
		var res operate.ScoreResult
		res, err = s.Score(ctx, p, id, r.PostFormValue("subject"))
		if err == nil {
			out["Score"] = res
		}
	default:
		err = apperr.BadRequest
	}
	if err != nil {
		if ae := apperr.As(err); ae.Status >= 500 || ae.Code == "not_found" {
			return err
		}
		return w.productPage(rw, r, p, id, err, out)
	}
	// The answer is shown on the product page after a redirect, so a reload neither asks
	// again (spending budget or counting a call) nor meets "Method Not Allowed".
	if keepUseAnswer(rw, id, out, w.Secure) {
		Redirect(rw, r, "/operate/products/"+id+"#answer", "")
		return nil
	}
	return w.productPage(rw, r, p, id, nil, out) // too large for the cookie: shown at once
}

// operateMyDataView renders the data subject's page: authorizations, accesses, objections, with the form error ferr.
func (w *Web) operateMyDataView(rw http.ResponseWriter, r *http.Request, p *authz.Principal, ferr error) error {
	s := w.App.Operate
	ctx := r.Context()
	auths, err := s.MyAuthorizations(ctx, p)
	if err != nil {
		return err
	}
	data := map[string]any{"Auths": auths, "Verified": p.Verified,
		"Today": time.Now().Format("2006-01-02"), "NextYear": time.Now().AddDate(1, 0, 0).Format("2006-01-02")}
	if acc, total, err := s.MyAccesses(ctx, p, 100, 0); err == nil {
		data["Accesses"], data["AccessTotal"] = acc, total
	} else {
		data["NoKey"] = true
	}
	if obs, err := s.MyObjections(ctx, p); err == nil {
		data["Objections"] = obs
	}
	if us, err := s.ActiveUnits(ctx); err == nil {
		data["Units"] = us
	}
	// items one may authorize: the verifiable items of every view, with their names
	items := map[string][2]string{}
	if byEntry, err := s.AuthorizableItems(ctx); err == nil {
		for entry, its := range byEntry {
			labels := w.fieldLabels(ctx, entry)
			for _, it := range its {
				if l, ok := labels[it]; ok {
					items[it] = l
				}
			}
		}
	}
	data["Items"] = items
	w.operateRender(rw, r, "operate.mydata", "operate_mydata", data, ferr)
	return nil
}

// operateMyData shows the data subject's page.
func (w *Web) operateMyData(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.operateMyDataView(rw, r, p, nil)
}

// operateAuthorize records the data subject's authorization; a refusal shows the page again with the message.
func (w *Web) operateAuthorize(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Operate
	_, err := s.Authorize(r.Context(), p, operate.AuthorizationInput{GranteeOrgID: r.PostFormValue("grantee_org_id"), Items: r.PostForm["items"],
		Purpose: r.PostFormValue("purpose"), StartDate: r.PostFormValue("start_date"), EndDate: r.PostFormValue("end_date")})
	if err != nil {
		if ae := apperr.As(err); ae.Status == 422 || ae.Status == 403 {
			return w.operateMyDataView(rw, r, p, err)
		}
		return err
	}
	Redirect(rw, r, "/me/data", "flash.consent_given")
	return nil
}

// operateAuthorizationRevoke revokes a data subject's authorization.
func (w *Web) operateAuthorizationRevoke(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Operate
	if _, err := s.Revoke(r.Context(), p, r.PathValue("id")); err != nil {
		return err
	}
	Redirect(rw, r, "/me/data", "flash.consent_off")
	return nil
}

// operateObject records the data subject's objection to an access; a form error shows the page again.
func (w *Web) operateObject(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Operate
	seq, _ := strconv.ParseInt(r.PostFormValue("audit_seq"), 10, 64)
	if _, err := s.Object(r.Context(), p, seq, r.PostFormValue("text")); err != nil {
		if apperr.As(err).Status == 422 {
			return w.operateMyDataView(rw, r, p, err)
		}
		return err
	}
	Redirect(rw, r, "/me/data", "flash.objected")
	return nil
}

// productPage renders a product: its definition in words, its reviews, and the forms the caller
// may use (review, expert opinion, application, queries), with an answer when there is one.
func (w *Web) productPage(rw http.ResponseWriter, r *http.Request, p *authz.Principal, id string, ferr error, answer map[string]any) error {
	ctx := r.Context()
	s := w.App.Operate
	pr, err := s.Product(ctx, p, id)
	if err != nil {
		return err
	}
	if p.Has(authz.AppUnitUser) && p.OrgKind != authz.KindOperator && (pr.ReleasedVersion == 0 || pr.State == operate.ProductWithdrawn) {
		return apperr.Hidden
	}
	v, err := s.ProductView(ctx, p, pr.ID)
	if err != nil {
		return err
	}
	labels := w.fieldLabels(ctx, v.EntryID)
	col := func(f string) oprCol {
		l, ok := labels[f]
		if !ok {
			l = [2]string{f, f}
		}
		return oprCol{Field: f, ZH: l[0], EN: l[1]}
	}
	var dims, meas, items []oprCol
	for _, d := range v.Dimensions {
		c := col(d.Field)
		c.Values = d.Values
		dims = append(dims, c)
	}
	for _, m := range v.Measures {
		meas = append(meas, col(m.Field))
	}
	its := pr.Spec.Items
	for m := range pr.Spec.Weights {
		its = append(its, m)
	}
	for _, it := range its {
		items = append(items, col(it))
	}
	reviews, _ := s.Reviews(ctx, p, pr.ID)
	data := map[string]any{"P": pr, "V": v, "Dims": dims, "Measures": meas, "Items": items, "Reviews": reviews, "Checklist": operate.ReviewChecklist,
		"IsOperator": authz.Operate(p, authz.OprProduct, authz.OperateAttrs{}) == nil,
		"CanReview":  pr.State == operate.ProductReview && authz.Operate(p, authz.OprReview, authz.OperateAttrs{EditedBy: pr.EditedBy}) == nil,
		"CanExpert":  pr.State == operate.ProductExpert && p.Has(authz.Expert),
		"IsUnit":     p.Has(authz.AppUnitUser) && p.OrgKind != authz.KindOperator,
		"Today":      time.Now().Format("2006-01-02"), "NextYear": time.Now().AddDate(1, 0, 0).Format("2006-01-02"),
		"EpsilonText": strconv.FormatFloat(float64(pr.Spec.EpsilonMilli)/1000, 'f', -1, 64), "BudgetText": strconv.FormatFloat(float64(pr.Spec.BudgetMilli)/1000, 'f', -1, 64)}
	if data["IsOperator"] == true {
		if ps, err := s.Prices(ctx, p, pr.ID); err == nil {
			data["Prices"] = ps
		}
		data["PriceModels"] = []string{"per_call", "per_volume", "per_period", "tiered"}
		data["TierRows"] = []int{1, 2, 3, 4}
	}
	if rs, err := s.Ratings(ctx, p); err == nil {
		data["Rating"] = rs[pr.ID]
	} else {
		data["Rating"] = operate.Rating{}
	}
	if data["IsUnit"] == true {
		if b, err := s.BudgetOf(ctx, p, pr.ID); err == nil {
			data["Budget"] = b
			data["HasAgreement"] = true
			data["SpentText"] = strconv.FormatFloat(float64(b.SpentMilli)/1000, 'f', -1, 64)
			data["TotalText"] = strconv.FormatFloat(float64(b.TotalMilli)/1000, 'f', -1, 64)
		}
	}
	for k, x := range answer {
		data[k] = x
	}
	if st, ok := answer["Stats"].(operate.StatsResult); ok {
		// column headings in words
		var heads [][2]string
		for _, c := range st.Answer.Columns {
			if l, ok := labels[c]; ok {
				heads = append(heads, l)
				continue
			}
			fn, rest, _ := strings.Cut(c, "(")
			lz, le := vocab.Label("zh", vocab.OprFn, fn), vocab.Label("en", vocab.OprFn, fn)
			if rest != "" {
				m, q, _ := strings.Cut(strings.TrimSuffix(rest, ")"), ",")
				ml := col(m)
				lz, le = ml.ZH+" "+lz, ml.EN+" "+le
				if q != "" {
					lz, le = lz+" "+q, le+" "+q
				}
			}
			heads = append(heads, [2]string{lz, le})
		}
		data["Heads"] = heads
		data["CostText"] = strconv.FormatFloat(float64(st.CostMilli)/1000, 'f', -1, 64)
	}
	w.operateRender(rw, r, "operate.product", "operate_product", data, ferr)
	return nil
}

// useAnswer is one answer of a product's use form, carried to the product page once.
type useAnswer struct {
	Stats  *operate.StatsResult  `json:"stats,omitempty"`
	Verify *operate.VerifyResult `json:"verify,omitempty"`
	Score  *operate.ScoreResult  `json:"score,omitempty"`
	// StatsRef stands for a statistics answer too large for the cookie: the page reads the
	// stored answer again (operate.StoredAnswer) — no cost, no new call.
	StatsRef *statsRef `json:"stats_ref,omitempty"`
}

// statsRef is what finds a stored statistics answer again, with what its call cost.
type statsRef struct {
	Query       json.RawMessage `json:"query"`
	DataVersion int64           `json:"data_version"`
	Cached      bool            `json:"cached"`
	CostMilli   int64           `json:"cost_milli"`
	Budget      operate.Budget  `json:"budget"`
}

// useAnswerMax is the most a kept answer may take in its cookie (base64 of the gzipped JSON).
var useAnswerMax = 3500

const useAnswerCookie = "pd_use_answer"

// keepUseAnswer stores the answer for the product page in a short-lived cookie scoped to that
// page (HttpOnly, SameSite strict), compressed; false when it does not fit (about 3.5 KB).
func keepUseAnswer(rw http.ResponseWriter, productID string, out map[string]any, secure bool) bool {
	var a useAnswer
	switch v := out["Stats"].(type) {
	case operate.StatsResult:
		a.Stats = &v
	}
	switch v := out["Verify"].(type) {
	case operate.VerifyResult:
		a.Verify = &v
	}
	switch v := out["Score"].(type) {
	case operate.ScoreResult:
		a.Score = &v
	}
	v, ok := packUseAnswer(a)
	if !ok && a.Stats != nil && a.Stats.Answer != nil {
		// too large: keep only what finds the stored answer again
		raw, _ := out["StatsQuery"].([]byte)
		a.StatsRef = &statsRef{Query: raw, DataVersion: a.Stats.Answer.DataVersion, Cached: a.Stats.Answer.Cached, CostMilli: a.Stats.CostMilli, Budget: a.Stats.Budget}
		a.Stats = nil
		v, ok = packUseAnswer(a)
	}
	if !ok {
		return false
	}
	http.SetCookie(rw, &http.Cookie{Name: useAnswerCookie, Value: v, Path: "/operate/products/" + productID, MaxAge: 120,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode})
	return true
}

// packUseAnswer is the cookie value of a kept answer; false when it would be too large.
func packUseAnswer(a useAnswer) (string, bool) {
	b, err := json.Marshal(a)
	if err != nil {
		return "", false
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(b)
	zw.Close()
	v := base64.RawURLEncoding.EncodeToString(z.Bytes())
	return v, len(v) <= useAnswerMax
}

// takeUseAnswer reads and clears the answer left by keepUseAnswer (nil when there is none).
func takeUseAnswer(rw http.ResponseWriter, r *http.Request, secure bool) map[string]any {
	c, err := r.Cookie(useAnswerCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	http.SetCookie(rw, &http.Cookie{Name: useAnswerCookie, Value: "", Path: r.URL.Path, MaxAge: -1, HttpOnly: true, Secure: secure,
		SameSite: http.SameSiteStrictMode})
	z, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(zr, 1<<20))
	var a useAnswer
	if err != nil || json.Unmarshal(b, &a) != nil {
		return nil
	}
	out := map[string]any{}
	if a.Stats != nil {
		out["Stats"] = *a.Stats
	}
	if a.Verify != nil {
		out["Verify"] = *a.Verify
	}
	if a.Score != nil {
		out["Score"] = *a.Score
	}
	if a.StatsRef != nil {
		out["StatsRef"] = *a.StatsRef
	}
	return out
}
