package web

import (
	"net/http"
	"strconv"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/backup"
	"pubdata/internal/httpapi"
	"pubdata/internal/identity"
	"pubdata/internal/jobs"
	"pubdata/internal/workday"
)

func init() {
	Register(map[string][2]string{
		"flash.token_revoked": {"令牌已撤销", "Token revoked"},
		"flash.marked_read":   {"已标为已读", "Marked read"},
		"flash.job_ran":       {"任务已运行", "Job ran"},
		"flash.registered":    {"注册成功，请登录。", "Registered. Please log in."},
	})
}

func (w *Web) foundationPages(mux *http.ServeMux) {
	a := w.App
	mux.HandleFunc("GET /lang", func(rw http.ResponseWriter, r *http.Request) {
		to := "zh"
		if r.URL.Query().Get("to") == "en" {
			to = "en"
		}
		http.SetCookie(rw, &http.Cookie{Name: httpapi.LangCookie, Value: to, Path: "/", MaxAge: 365 * 86400, SameSite: http.SameSiteLaxMode, Secure: w.Secure})
		http.Redirect(rw, r, SafeNext(r.URL.Query().Get("back")), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /large", func(rw http.ResponseWriter, r *http.Request) {
		val := "0"
		if r.URL.Query().Get("on") == "1" {
			val = "1"
		}
		http.SetCookie(rw, &http.Cookie{Name: httpapi.LargeCookie, Value: val, Path: "/", MaxAge: 365 * 86400, SameSite: http.SameSiteLaxMode, Secure: w.Secure})
		http.Redirect(rw, r, SafeNext(r.URL.Query().Get("back")), http.StatusSeeOther)
	})
	w.PublicPage(mux, "GET /{$}", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		v := w.NewView(rw, r, "home.title")
		data := map[string]any{}
		if p.Authenticated() {
			_, unread, _ := a.Notify.Inbox(r.Context(), p, true, 1, 0)
			data["Unread"] = unread
			var cards []HomeCard
			for _, h := range homeCards {
				cards = append(cards, h(r, p)...)
			}
			data["Cards"] = cards
			w.workbench(r, v, p, data)
			// From 1 November, next year's missing holiday table (administrators import it).
			if p.Has(authz.AuthorityAdmin) {
				if y := a.MissingNextYear(a.Now()); y != 0 {
					data["CalendarMissing"] = y
				}
			}
		} else {
			w.portal(r, v, data)
		}
		v.Data = data
		w.Render(rw, 200, "home", v)
		return nil
	})
	w.PublicPage(mux, "GET /login", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		v := w.NewView(rw, r, "login.title")
		v.Data = map[string]string{"Next": SafeNext(r.URL.Query().Get("next"))}
		w.Render(rw, 200, "login", v)
		return nil
	})
	w.PublicPage(mux, "POST /login", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		tok, _, _, err := a.Identity.Login(r.Context(), r.PostFormValue("username"), r.PostFormValue("password"), httpapi.ClientIP(r))
		if err != nil {
			v := w.NewView(rw, r, "login.title")
			v.Error = apperr.As(err)
			v.Data = map[string]string{"Next": SafeNext(r.PostFormValue("next")), "Username": r.PostFormValue("username")}
			w.Render(rw, v.Error.Status, "login", v)
			return nil
		}
		httpapi.SetSession(rw, tok, a.Identity.SessionTTL, w.Secure)
		http.Redirect(rw, r, SafeNext(r.PostFormValue("next")), http.StatusSeeOther)
		return nil
	})
	w.Page(mux, "POST /logout", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		if c, err := r.Cookie(httpapi.SessionCookie); err == nil {
			a.Identity.Logout(r.Context(), c.Value)
		}
		httpapi.ClearSession(rw, w.Secure)
		http.Redirect(rw, r, "/", http.StatusSeeOther)
		return nil
	})
	w.PublicPage(mux, "GET /register", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		v := w.NewView(rw, r, "register.title")
		v.Data = identity.Registration{PersonKind: "natural"}
		w.Render(rw, 200, "register", v)
		return nil
	})
	w.PublicPage(mux, "POST /register", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		in := identity.Registration{Username: r.PostFormValue("username"), DisplayName: r.PostFormValue("display_name"), Password: r.PostFormValue("password"),
			PersonKind: r.PostFormValue("person_kind"), IDNumber: r.PostFormValue("id_number"), CreditCode: r.PostFormValue("credit_code"),
			OrgName: r.PostFormValue("org_name"), Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone")}
		if _, err := a.Identity.Register(r.Context(), in, httpapi.ClientIP(r)); err != nil {
			v := w.NewView(rw, r, "register.title")
			v.Error = apperr.As(err)
			v.Errors = v.Error.Fields
			in.Password = ""
			v.Data = in
			w.Render(rw, v.Error.Status, "register", v)
			return nil
		}
		Redirect(rw, r, "/login", "flash.registered")
		return nil
	})
	w.Page(mux, "GET /audit", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		f, pg, err := httpapi.AuditFilter(r, p)
		if err != nil {
			return err
		}
		recs, total, err := a.Audit.Search(r.Context(), f)
		if err != nil {
			return err
		}
		a.Audit.Log(r.Context(), audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "audit.search", ClientIP: httpapi.ClientIP(r),
			Detail: map[string]any{"query": r.URL.RawQuery}})
		v := w.NewView(rw, r, "audit.title")
		data := map[string]any{"Records": recs, "Total": total, "Page": pg, "HasNext": pg.Offset+len(recs) < total}
		if r.URL.Query().Get("verify") == "1" && authz.Audit(p, authz.Read, "") == nil {
			res, err := a.Audit.Verify(r.Context())
			if err != nil {
				return err
			}
			data["Verify"] = res
		}
		v.Data = data
		w.Render(rw, 200, "audit", v)
		return nil
	})
	w.Page(mux, "GET /calendar", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		if err := authz.Calendar(p, authz.Read); err != nil {
			return err
		}
		v := w.NewView(rw, r, "cal.title")
		q := r.URL.Query()
		year, err := strconv.Atoi(q.Get("year"))
		if err != nil {
			year = a.Now().In(workday.Location).Year()
		}
		data := map[string]any{"Year": year, "Days": a.Calendar.Days(year), "CanEdit": authz.Calendar(p, authz.Update) == nil,
			"From": q.Get("from"), "Workdays": q.Get("workdays")}
		if q.Get("from") != "" {
			from, err1 := workday.Parse(q.Get("from"))
			n, err2 := strconv.Atoi(q.Get("workdays"))
			if err1 != nil || err2 != nil || n < 0 || n > 1000 {
				v.Errors = []apperr.FieldError{apperr.Field("from", "请输入 YYYY-MM-DD 日期和 0–1000 的工作日数", "enter a YYYY-MM-DD date and 0–1000 working days")}
			} else {
				data["Due"] = workday.Format(a.Calendar.AddWorkdays(from, n))
			}
		}
		v.Data = data
		w.Render(rw, 200, "calendar", v)
		return nil
	})
	w.Page(mux, "POST /calendar/import", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		if err := authz.Calendar(p, authz.Update); err != nil {
			return err
		}
		r.Body = http.MaxBytesReader(rw, r.Body, 2<<20)
		f, _, err := r.FormFile("file")
		if err != nil {
			return apperr.Invalid.With(apperr.Field("file", "请选择文件", "choose a file"))
		}
		defer f.Close()
		days, err := workday.ParseTable(f)
		if err != nil {
			return httpapi.CalendarError(err)
		}
		if err := a.CalStore.Import(r.Context(), a.Audit, p.UserID, p.Username, p.OrgID, days); err != nil {
			return err
		}
		years := workday.Years(days)
		http.Redirect(rw, r, "/calendar?year="+strconv.Itoa(years[0]), http.StatusSeeOther)
		return nil
	})
	w.Page(mux, "GET /inbox", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		pg, err := httpapi.PageOf(r)
		if err != nil {
			return err
		}
		ms, total, err := a.Notify.Inbox(r.Context(), p, false, pg.Size, pg.Offset)
		if err != nil {
			return err
		}
		v := w.NewView(rw, r, "inbox.title")
		v.Data = map[string]any{"Messages": ms, "Total": total, "Page": pg, "HasNext": pg.Offset+len(ms) < total}
		w.Render(rw, 200, "inbox", v)
		return nil
	})
	w.Page(mux, "POST /inbox/{id}/read", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		if err := a.Notify.MarkRead(r.Context(), p, r.PathValue("id")); err != nil {
			return err
		}
		Redirect(rw, r, "/inbox", "flash.marked_read")
		return nil
	})
	tokensPage := func(rw http.ResponseWriter, r *http.Request, p *authz.Principal, secret string, ferr error) error {
		ts, err := a.Identity.Tokens(r.Context(), p.UserID)
		if err != nil {
			return err
		}
		v := w.NewView(rw, r, "tokens.title")
		if ferr != nil {
			v.Error = apperr.As(ferr)
			v.Errors = v.Error.Fields
		}
		v.Data = map[string]any{"Tokens": ts, "Secret": secret, "Scopes": identity.Scopes}
		status := 200
		if v.Error != nil {
			status = v.Error.Status
		}
		w.Render(rw, status, "tokens", v)
		return nil
	}
	w.Page(mux, "GET /tokens", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		return tokensPage(rw, r, p, w.TakeSecret(rw, r), nil)
	})
	w.Page(mux, "POST /tokens", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		r.ParseForm()
		days, _ := strconv.Atoi(r.PostFormValue("ttl_days"))
		secret, _, err := a.Identity.IssueToken(r.Context(), p, r.PostFormValue("name"), r.PostForm["scopes"], time.Duration(days)*24*time.Hour)
		if err != nil {
			return tokensPage(rw, r, p, "", err)
		}
		w.RedirectWithSecret(rw, r, "/tokens", secret, "")
		return nil
	})
	w.Page(mux, "POST /tokens/{id}/revoke", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		if err := a.Identity.RevokeToken(r.Context(), p, r.PathValue("id")); err != nil {
			return err
		}
		Redirect(rw, r, "/tokens", "flash.token_revoked")
		return nil
	})
	w.Page(mux, "GET /directory", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		if err := authz.Directory(p, authz.Read, "", ""); err != nil {
			return err
		}
		regions, err := a.Identity.Regions(r.Context())
		if err != nil {
			return err
		}
		orgs, err := a.Identity.Orgs(r.Context(), "", "")
		if err != nil {
			return err
		}
		var users []identity.User
		if p.OrgID != "" || p.Has(authz.AuthorityAdmin, authz.Auditor, authz.Oversight, authz.AuthorityReviewer) {
			users, err = a.Identity.VisibleUsers(r.Context(), p, "")
			if err != nil {
				return err
			}
		}
		orgName := map[string]string{}
		for _, o := range orgs {
			orgName[o.ID] = o.Name
		}
		v := w.NewView(rw, r, "dir.title")
		v.Data = map[string]any{"Regions": regions, "Orgs": orgs, "Users": users, "OrgName": orgName}
		w.Render(rw, 200, "directory", v)
		return nil
	})
	w.Page(mux, "GET /jobs", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		if err := authz.Jobs(p, authz.Read); err != nil {
			return err
		}
		st, err := a.Jobs.Statuses(r.Context())
		if err != nil {
			return err
		}
		v := w.NewView(rw, r, "jobs.title")
		jp := jobsPage{Jobs: st}
		if a.Backup != nil {
			// Backups and restore drills (SEC-5): a running backup's progress, results, and
			// the measured recovery point and time of each drill.
			if jp.Backups, err = a.Backup.List(r.Context(), 20); err != nil {
				return err
			}
			if jp.Drills, err = a.Backup.Drills(r.Context(), 10); err != nil {
				return err
			}
		}
		v.Data = jp
		w.Render(rw, 200, "jobs", v)
		return nil
	})
	w.Page(mux, "POST /jobs/{name}/run", func(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
		if err := authz.Jobs(p, authz.Manage); err != nil {
			return err
		}
		if !a.Jobs.Has(r.PathValue("name")) {
			return apperr.NotFound
		}
		if _, err := a.Jobs.RunNow(r.Context(), r.PathValue("name"), true); err != nil {
			return err
		}
		Redirect(rw, r, "/jobs", "flash.job_ran")
		return nil
	})
}

// jobsPage is the jobs page: the scheduled jobs, then backups and restore drills.
type jobsPage struct {
	Jobs    []jobs.Status
	Backups []backup.Record
	Drills  []backup.Drill
}

// HomeCard is a dashboard tile a capability contributes (e.g. "3 entries awaiting review").
type HomeCard struct {
	TitleZH, TitleEN string
	Value            string
	Href             string
	Urgent           bool
}

// homeCards are the workbench's contributors, in the order their cards appear.
var homeCards = []func(r *http.Request, p *authz.Principal) []HomeCard{catalogCards, ingestCards, qualityCards, shareCards}
