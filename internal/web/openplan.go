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

func (w *Web) planPages(mux *http.ServeMux) {
	s := w.App.Plans
	if s == nil {
		return
	}
	failed := func(rw http.ResponseWriter, v *View, err error) bool {
		ae := apperr.As(err)
		if ae.Code != "invalid" {
			return false
		}
		v.Error, v.Errors = ae, ae.Fields
		return true
	}
	// Plans: public.
	w.PublicPage(mux, "GET /open/plans", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
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
	})
	w.Page(mux, "POST /open/plans", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		year, _ := strconv.Atoi(r.PostFormValue("year"))
		pl, err := s.SavePlan(r.Context(), p, openplan.PlanInput{Year: year, Title: r.PostFormValue("title"), Note: r.PostFormValue("note")})
		if err != nil {
			return err
		}
		Redirect(rw, r, "/open/plans/"+pl.ID, "flash.plan_saved")
		return nil
	})
	planView := func(rw http.ResponseWriter, r *http.Request, p *authz.Principal, id string, ferr error) error {
		pl, err := s.Plan(r.Context(), id)
		if err != nil {
			return err
		}
		v := w.NewView(rw, r, "plan.view")
		v.Title = pl.Title
		status := http.StatusOK
		if ferr != nil && failed(rw, v, ferr) {
			status = http.StatusUnprocessableEntity
		}
		v.Data = map[string]any{"P": pl, "Manage": openplan.MayManage(p, pl.OrgID, pl.RegionCode), "Priorities": openplan.Priorities}
		w.Render(rw, status, "plan_view", v)
		return nil
	}
	w.PublicPage(mux, "GET /open/plans/{id}", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		return planView(rw, r, p, r.PathValue("id"), nil)
	})
	w.Page(mux, "POST /open/plans/{id}/items", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		_, err := s.AddItem(r.Context(), p, r.PathValue("id"), openplan.ItemInput{EntryID: r.PostFormValue("entry_id"), Priority: r.PostFormValue("priority"),
			Livelihood: r.PostFormValue("livelihood") == "1", TargetOpen: r.PostFormValue("target_open"), TargetDate: r.PostFormValue("target_date"), Note: r.PostFormValue("note")})
		if err != nil {
			if apperr.As(err).Code == "invalid" {
				return planView(rw, r, p, r.PathValue("id"), err)
			}
			return err
		}
		Redirect(rw, r, "/open/plans/"+r.PathValue("id"), "flash.plan_saved")
		return nil
	})
	w.Page(mux, "POST /open/plans/{id}/items/{item}/remove", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		if _, err := s.RemoveItem(r.Context(), p, r.PathValue("id"), r.PathValue("item")); err != nil {
			return err
		}
		Redirect(rw, r, "/open/plans/"+r.PathValue("id"), "flash.plan_saved")
		return nil
	})

	// Reviews: the agency, the authority; auditors and oversight read only.
	reviews := func(rw http.ResponseWriter, r *http.Request, p *authz.Principal, ferr error) error {
		nl, err := s.NotOpen(r.Context(), p)
		if err != nil {
			return err
		}
		rv, err := s.Reviews(r.Context(), p)
		if err != nil {
			return err
		}
		type row struct {
			openplan.NotOpenEntry
			Manage bool
		}
		var rows []row
		for _, n := range nl {
			rows = append(rows, row{n, openplan.MayManage(p, n.OrgID, n.RegionCode)})
		}
		v := w.NewView(rw, r, "review.list")
		status := http.StatusOK
		if ferr != nil && failed(rw, v, ferr) {
			status = http.StatusUnprocessableEntity
		}
		v.Data = map[string]any{"NotOpen": rows, "Reviews": rv, "Outcomes": openplan.Outcomes, "Period": strconv.Itoa(w.App.Now().Year())}
		w.Render(rw, status, "review_list", v)
		return nil
	}
	w.Page(mux, "GET /open/reviews", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		return reviews(rw, r, p, nil)
	})
	w.Page(mux, "POST /open/reviews", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		_, err := s.Review(r.Context(), p, openplan.ReviewInput{EntryID: r.PostFormValue("entry_id"), Period: r.PostFormValue("period"),
			Outcome: r.PostFormValue("outcome"), Reason: r.PostFormValue("reason"), Condition: r.PostFormValue("condition")})
		if err != nil {
			if apperr.As(err).Code == "invalid" {
				return reviews(rw, r, p, err)
			}
			return err
		}
		Redirect(rw, r, "/open/reviews", "flash.review_saved")
		return nil
	})

	// Demands: public list, form and answers.
	demands := func(rw http.ResponseWriter, r *http.Request, p *authz.Principal, in *openplan.DemandInput, ferr error) error {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		page = max(page, 1)
		list, err := s.Demands(r.Context(), p, "", 20, (page-1)*20)
		if err != nil {
			return err
		}
		v := w.NewView(rw, r, "demand.list")
		status := http.StatusOK
		if ferr != nil && failed(rw, v, ferr) {
			status = http.StatusUnprocessableEntity
		}
		v.Data = map[string]any{"Items": list, "In": in, "Entry": r.URL.Query().Get("entry"), "Page": page, "HasNext": len(list) == 20}
		w.Render(rw, status, "demand_list", v)
		return nil
	}
	w.PublicPage(mux, "GET /open/demands", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		return demands(rw, r, p, nil, nil)
	})
	w.PublicPage(mux, "POST /open/demands", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		in := openplan.DemandInput{Title: r.PostFormValue("title"), Description: r.PostFormValue("description"), EntryID: r.PostFormValue("entry_id"),
			Name: r.PostFormValue("requester_name"), Contact: r.PostFormValue("contact")}
		d, err := s.FileDemand(r.Context(), p, in, httpapi.ClientIP(r))
		if err != nil {
			if apperr.As(err).Code == "invalid" {
				return demands(rw, r, p, &in, err)
			}
			return err
		}
		Redirect(rw, r, "/open/demands/"+d.Number, "flash.demand_filed")
		return nil
	})
	demandView := func(rw http.ResponseWriter, r *http.Request, p *authz.Principal, number string, ferr error) error {
		d, err := s.Demand(r.Context(), p, number)
		if err != nil {
			return err
		}
		v := w.NewView(rw, r, "demand.view")
		status := http.StatusOK
		if ferr != nil && failed(rw, v, ferr) {
			status = http.StatusUnprocessableEntity
		}
		v.Data = map[string]any{"D": d, "Answer": d.State == "submitted" && openplan.MayManage(p, d.OrgID, d.RegionCode), "Kinds": openplan.AnswerKinds}
		w.Render(rw, status, "demand_view", v)
		return nil
	}
	w.PublicPage(mux, "GET /open/demands/{number}", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		return demandView(rw, r, p, r.PathValue("number"), nil)
	})
	w.Page(mux, "POST /open/demands/{number}/answer", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		_, err := s.Answer(r.Context(), p, r.PathValue("number"), openplan.AnswerInput{Kind: r.PostFormValue("answer_kind"), Answer: r.PostFormValue("answer"),
			LegalBasis: r.PostFormValue("legal_basis")})
		if err != nil {
			if apperr.As(err).Code == "invalid" {
				return demandView(rw, r, p, r.PathValue("number"), err)
			}
			return err
		}
		Redirect(rw, r, "/open/demands/"+r.PathValue("number"), "flash.demand_answered")
		return nil
	})

	// Showcase: public list and form; the authority moderates.
	showcase := func(rw http.ResponseWriter, r *http.Request, p *authz.Principal, in *openplan.ShowcaseInput, ferr error) error {
		list, err := s.Published(r.Context(), r.URL.Query().Get("dataset"))
		if err != nil {
			return err
		}
		v := w.NewView(rw, r, "showcase.list")
		status := http.StatusOK
		if ferr != nil && failed(rw, v, ferr) {
			status = http.StatusUnprocessableEntity
		}
		v.Data = map[string]any{"Items": list, "In": in, "Kinds": openplan.ShowcaseKinds, "Dataset": r.URL.Query().Get("dataset"),
			"Moderate": authz.Open(p, authz.OpenModerate, authz.OpenAttrs{}) == nil}
		w.Render(rw, status, "showcase_list", v)
		return nil
	}
	w.PublicPage(mux, "GET /open/showcase", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		return showcase(rw, r, p, nil, nil)
	})
	w.PublicPage(mux, "POST /open/showcase", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		r.ParseForm()
		in := openplan.ShowcaseInput{Title: r.PostFormValue("title"), Kind: r.PostFormValue("kind"), URL: r.PostFormValue("url"), Description: r.PostFormValue("description"),
			Datasets: r.PostForm["datasets"], Name: r.PostFormValue("submitter_name"), Contact: r.PostFormValue("contact")}
		if _, err := s.SubmitShowcase(r.Context(), p, in, httpapi.ClientIP(r)); err != nil {
			if apperr.As(err).Code == "invalid" {
				return showcase(rw, r, p, &in, err)
			}
			return err
		}
		Redirect(rw, r, "/open/showcase", "flash.showcase_sent")
		return nil
	})
	w.Page(mux, "GET /open/showcase/moderate", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		list, err := s.Pending(r.Context(), p)
		if err != nil {
			return err
		}
		v := w.NewView(rw, r, "showcase.moderate")
		v.Data = map[string]any{"Items": list}
		w.Render(rw, http.StatusOK, "showcase_moderate", v)
		return nil
	})
	w.Page(mux, "POST /open/showcase/{id}/moderate", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		if err := s.Moderate(r.Context(), p, r.PathValue("id"), r.PostFormValue("publish") == "1", r.PostFormValue("note")); err != nil {
			return err
		}
		Redirect(rw, r, "/open/showcase/moderate", "flash.showcase_done")
		return nil
	})
}
