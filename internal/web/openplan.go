package web

import (
	"net/http"
	"strconv"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/httpapi"
	"pubdata/internal/openplan"
)

// Open plans (OPN-1), reviews of data not open (OPN-6, read-only for auditors), public
// open-data demands and the reuse showcase (OPN-7).
func init() {
	Register(map[string][2]string{
		"plan.list":             {"年度开放计划", "Annual open plans"},
		"plan.view":             {"年度开放计划", "Annual open plan"},
		"review.list":           {"不予开放数据定期评估", "Reviews of data not open"},
		"demand.list":           {"开放需求", "Open-data demands"},
		"demand.view":           {"开放需求", "Open-data demand"},
		"showcase.list":         {"开发利用成果", "Reuse showcase"},
		"showcase.moderate":     {"审核开发利用成果", "Moderate the reuse showcase"},
		"nav.open_reviews":      {"开放评估", "Open reviews"},
		"flash.plan_saved":      {"已保存", "Saved"},
		"flash.review_saved":    {"评估结论已记录", "Review recorded"},
		"flash.demand_filed":    {"需求已提交，答复将在本页公开", "Demand filed; the answer will be shown on this page"},
		"flash.demand_answered": {"已答复", "Answered"},
		"flash.showcase_sent":   {"已提交，经主管部门审核后展示", "Submitted; shown after moderation"},
		"flash.showcase_done":   {"已审核", "Moderated"},
	})
	AddNav(NavItem{Key: "nav.open_reviews", Href: "/open/reviews", Roles: []authz.Role{authz.DataOfficer, authz.AgencyApprover,
		authz.AuthorityAdmin, authz.AuthorityReviewer, authz.Auditor, authz.Oversight}, Order: 45})
}

// planFailed puts a form error (invalid input) on the view; false for any other error.
func (w *Web) planFailed(rw http.ResponseWriter, v *View, err error) bool {
	ae := apperr.As(err)
	if ae.Code != "invalid" {
		return false
	}
	v.Error, v.Errors = ae, ae.Fields
	return true
}

// Plans: public.

// planList shows a year's open plans (public).
func (w *Web) planList(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Plans
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	if year == 0 {
		year = w.App.Now().Year()
	}
	list, err := s.Plans(r.Context(), year)
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "plan.list")
	v.Data = map[string]any{"Items": list, "Year": year, "Prev": year - 1, "Next": year + 1,
		"CanPlan": p.Authenticated() && openplan.MayManage(p, p.OrgID, p.RegionCode)}
	w.Render(rw, http.StatusOK, "plan_list", v)
	return nil
}

// planSave saves an agency's open plan for a year.
func (w *Web) planSave(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Plans
	year, _ := strconv.Atoi(r.PostFormValue("year"))
	pl, err := s.SavePlan(r.Context(), p, openplan.PlanInput{Year: year, Title: r.PostFormValue("title"), Note: r.PostFormValue("note")})
	if err != nil {
		return err
	}
	Redirect(rw, r, "/open/plans/"+pl.ID, "flash.plan_saved")
	return nil
}

// planView renders an open plan, with the form error ferr when there is one.
func (w *Web) planView(rw http.ResponseWriter, r *http.Request, p *authz.Principal, id string, ferr error) error {
	s := w.App.Plans
	pl, err := s.Plan(r.Context(), id)
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "plan.view")
	v.Title = pl.Title
	status := http.StatusOK
	if ferr != nil && w.planFailed(rw, v, ferr) {
		status = http.StatusUnprocessableEntity
	}
	v.Data = map[string]any{"P": pl, "Manage": openplan.MayManage(p, pl.OrgID, pl.RegionCode), "Priorities": openplan.Priorities}
	w.Render(rw, status, "plan_view", v)
	return nil
}

// planShow shows an open plan with its items (public); managers get the forms.
func (w *Web) planShow(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.planView(rw, r, p, r.PathValue("id"), nil)
}

// planItemAdd adds an item to a plan; a form error shows the plan again with the message.
func (w *Web) planItemAdd(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Plans
	_, err := s.AddItem(r.Context(), p, r.PathValue("id"), openplan.ItemInput{EntryID: r.PostFormValue("entry_id"), Priority: r.PostFormValue("priority"),
		Livelihood: r.PostFormValue("livelihood") == "1", TargetOpen: r.PostFormValue("target_open"), TargetDate: r.PostFormValue("target_date"), Note: r.PostFormValue("note")})
	if err != nil {
		if apperr.As(err).Code == "invalid" {
			return w.planView(rw, r, p, r.PathValue("id"), err)
		}
		return err
	}
	Redirect(rw, r, "/open/plans/"+r.PathValue("id"), "flash.plan_saved")
	return nil
}

// planItemRemove removes an item from a plan.
func (w *Web) planItemRemove(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Plans
	if _, err := s.RemoveItem(r.Context(), p, r.PathValue("id"), r.PathValue("item")); err != nil {
		return err
	}
	Redirect(rw, r, "/open/plans/"+r.PathValue("id"), "flash.plan_saved")
	return nil
}

// Reviews: the agency, the authority; auditors and oversight read only.

// planNotOpenRow is an entry not open, with whether the caller may review it.
type planNotOpenRow struct {
	openplan.NotOpenEntry
	Manage bool
}

// planReviews renders the entries not open and their reviews, with the form error ferr when there is one.
func (w *Web) planReviews(rw http.ResponseWriter, r *http.Request, p *authz.Principal, ferr error) error {
	s := w.App.Plans
	nl, err := s.NotOpen(r.Context(), p)
	if err != nil {
		return err
	}
	rv, err := s.Reviews(r.Context(), p)
	if err != nil {
		return err
	}
	var rows []planNotOpenRow
	for _, n := range nl {
		rows = append(rows, planNotOpenRow{n, openplan.MayManage(p, n.OrgID, n.RegionCode)})
	}
	v := w.NewView(rw, r, "review.list")
	status := http.StatusOK
	if ferr != nil && w.planFailed(rw, v, ferr) {
		status = http.StatusUnprocessableEntity
	}
	v.Data = map[string]any{"NotOpen": rows, "Reviews": rv, "Outcomes": openplan.Outcomes, "Period": strconv.Itoa(w.App.Now().Year())}
	w.Render(rw, status, "review_list", v)
	return nil
}

// planReviewList shows the entries not open and their periodic reviews.
func (w *Web) planReviewList(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.planReviews(rw, r, p, nil)
}

// planReviewSave records the review of an entry not open; a form error shows the list again.
func (w *Web) planReviewSave(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Plans
	_, err := s.Review(r.Context(), p, openplan.ReviewInput{EntryID: r.PostFormValue("entry_id"), Period: r.PostFormValue("period"),
		Outcome: r.PostFormValue("outcome"), Reason: r.PostFormValue("reason"), Condition: r.PostFormValue("condition")})
	if err != nil {
		if apperr.As(err).Code == "invalid" {
			return w.planReviews(rw, r, p, err)
		}
		return err
	}
	Redirect(rw, r, "/open/reviews", "flash.review_saved")
	return nil
}

// Demands: public list, form and answers.

// planDemands renders the public demands and the form, refilled from in on a form error.
func (w *Web) planDemands(rw http.ResponseWriter, r *http.Request, p *authz.Principal, in *openplan.DemandInput, ferr error) error {
	s := w.App.Plans
	pg, err := httpapi.PageOf(r)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("page_size") == "" {
		pg.Size = 20
	}
	pg.Size = min(pg.Size, 99) // the service lists at most 100 at a time
	pg.Offset = (pg.Page - 1) * pg.Size
	list, err := s.Demands(r.Context(), p, "", pg.Size+1, pg.Offset) // one more: is there a next page?
	if err != nil {
		return err
	}
	hasNext := len(list) > pg.Size
	list = list[:min(len(list), pg.Size)]
	v := w.NewView(rw, r, "demand.list")
	status := http.StatusOK
	if ferr != nil && w.planFailed(rw, v, ferr) {
		status = http.StatusUnprocessableEntity
	}
	v.Data = map[string]any{"Items": list, "In": in, "Entry": r.URL.Query().Get("entry"), "Page": pg, "HasNext": hasNext}
	w.Render(rw, status, "demand_list", v)
	return nil
}

// planDemandList shows the public demands for data and the form to file one (public).
func (w *Web) planDemandList(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.planDemands(rw, r, p, nil, nil)
}

// planDemandFile files a public demand for data; a form error shows the form again, refilled.
func (w *Web) planDemandFile(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Plans
	in := openplan.DemandInput{Title: r.PostFormValue("title"), Description: r.PostFormValue("description"), EntryID: r.PostFormValue("entry_id"),
		Name: r.PostFormValue("requester_name"), Contact: r.PostFormValue("contact")}
	d, err := s.FileDemand(r.Context(), p, in, httpapi.ClientIP(r))
	if err != nil {
		if apperr.As(err).Code == "invalid" {
			return w.planDemands(rw, r, p, &in, err)
		}
		return err
	}
	Redirect(rw, r, "/open/demands/"+d.Number, "flash.demand_filed")
	return nil
}

// planDemandView renders a demand with the answer form, with the form error ferr when there is one.
func (w *Web) planDemandView(rw http.ResponseWriter, r *http.Request, p *authz.Principal, number string, ferr error) error {
	s := w.App.Plans
	d, err := s.Demand(r.Context(), p, number)
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "demand.view")
	status := http.StatusOK
	if ferr != nil && w.planFailed(rw, v, ferr) {
		status = http.StatusUnprocessableEntity
	}
	v.Data = map[string]any{"D": d, "Answer": d.State == "submitted" && openplan.MayManage(p, d.OrgID, d.RegionCode), "Kinds": openplan.AnswerKinds}
	w.Render(rw, status, "demand_view", v)
	return nil
}

// planDemand shows a demand and its answer (public); the agency gets the answer form.
func (w *Web) planDemand(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.planDemandView(rw, r, p, r.PathValue("number"), nil)
}

// planDemandAnswer records the agency's answer to a demand; a form error shows the demand again.
func (w *Web) planDemandAnswer(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Plans
	_, err := s.Answer(r.Context(), p, r.PathValue("number"), openplan.AnswerInput{Kind: r.PostFormValue("answer_kind"), Answer: r.PostFormValue("answer"),
		LegalBasis: r.PostFormValue("legal_basis")})
	if err != nil {
		if apperr.As(err).Code == "invalid" {
			return w.planDemandView(rw, r, p, r.PathValue("number"), err)
		}
		return err
	}
	Redirect(rw, r, "/open/demands/"+r.PathValue("number"), "flash.demand_answered")
	return nil
}

// Showcase: public list and form; the authority moderates.

// planShowcase renders the published showcase and the form, refilled from in on a form error.
func (w *Web) planShowcase(rw http.ResponseWriter, r *http.Request, p *authz.Principal, in *openplan.ShowcaseInput, ferr error) error {
	s := w.App.Plans
	list, err := s.Published(r.Context(), r.URL.Query().Get("dataset"))
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "showcase.list")
	status := http.StatusOK
	if ferr != nil && w.planFailed(rw, v, ferr) {
		status = http.StatusUnprocessableEntity
	}
	v.Data = map[string]any{"Items": list, "In": in, "Kinds": openplan.ShowcaseKinds, "Dataset": r.URL.Query().Get("dataset"),
		"Moderate": authz.Open(p, authz.OpenModerate, authz.OpenAttrs{}) == nil}
	w.Render(rw, status, "showcase_list", v)
	return nil
}

// planShowcaseList shows the published showcase of uses of open data and the form to submit one (public).
func (w *Web) planShowcaseList(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.planShowcase(rw, r, p, nil, nil)
}

// planShowcaseSubmit submits a use of open data to the showcase; a form error shows the form again, refilled.
func (w *Web) planShowcaseSubmit(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Plans
	r.ParseForm()
	in := openplan.ShowcaseInput{Title: r.PostFormValue("title"), Kind: r.PostFormValue("kind"), URL: r.PostFormValue("url"), Description: r.PostFormValue("description"),
		Datasets: r.PostForm["datasets"], Name: r.PostFormValue("submitter_name"), Contact: r.PostFormValue("contact")}
	if _, err := s.SubmitShowcase(r.Context(), p, in, httpapi.ClientIP(r)); err != nil {
		if apperr.As(err).Code == "invalid" {
			return w.planShowcase(rw, r, p, &in, err)
		}
		return err
	}
	Redirect(rw, r, "/open/showcase", "flash.showcase_sent")
	return nil
}

// planShowcaseModeration lists the showcase submissions awaiting moderation.
func (w *Web) planShowcaseModeration(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Plans
	list, err := s.Pending(r.Context(), p)
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "showcase.moderate")
	v.Data = map[string]any{"Items": list}
	w.Render(rw, http.StatusOK, "showcase_moderate", v)
	return nil
}

// planShowcaseModerate publishes or rejects a showcase submission.
func (w *Web) planShowcaseModerate(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	s := w.App.Plans
	if err := s.Moderate(r.Context(), p, r.PathValue("id"), r.PostFormValue("publish") == "1", r.PostFormValue("note")); err != nil {
		return err
	}
	Redirect(rw, r, "/open/showcase/moderate", "flash.showcase_done")
	return nil
}
