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

// foundationLang switches the language (cookie) and goes back.
func (w *Web) foundationLang(rw http.ResponseWriter, r *http.Request) {
	to := "zh"
	if r.URL.Query().Get("to") == "en" {
		to = "en"
	}
	http.SetCookie(rw, &http.Cookie{Name: httpapi.LangCookie, Value: to, Path: "/", MaxAge: 365 * 86400, SameSite: http.SameSiteLaxMode, Secure: w.Secure})
	http.Redirect(rw, r, SafeNext(r.URL.Query().Get("back")), http.StatusSeeOther)
}

// foundationLarge switches large print (cookie) and goes back.
func (w *Web) foundationLarge(rw http.ResponseWriter, r *http.Request) {
	val := "0"
	if r.URL.Query().Get("on") == "1" {
		val = "1"
	}
	http.SetCookie(rw, &http.Cookie{Name: httpapi.LargeCookie, Value: val, Path: "/", MaxAge: 365 * 86400, SameSite: http.SameSiteLaxMode, Secure: w.Secure})
	http.Redirect(rw, r, SafeNext(r.URL.Query().Get("back")), http.StatusSeeOther)
}

// foundationHome is the home page: the workbench for people logged in, the portal for everyone
// else.
func (w *Web) foundationHome(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	v := w.NewView(rw, r, "home.title")
	data := map[string]any{}
	if p.Authenticated() {
		_, unread, _ := w.App.Notify.Inbox(r.Context(), p, true, 1, 0)
		data["Unread"] = unread
		var cards []HomeCard
		for _, h := range homeCards {
			cards = append(cards, h(r, p)...)
		}
		data["Cards"] = cards
		w.workbench(r, v, p, data)
		// From 1 November, next year's missing holiday table (administrators import it).
		if p.Has(authz.AuthorityAdmin) {
			if y := w.App.MissingNextYear(w.App.Now()); y != 0 {
				data["CalendarMissing"] = y
			}
		}
	} else {
		w.portal(r, v, data)
	}
	v.Data = data
	w.Render(rw, 200, "home", v)
	return nil
}

// foundationLogin is the login form.
func (w *Web) foundationLogin(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	v := w.NewView(rw, r, "login.title")
	v.Data = map[string]string{"Next": SafeNext(r.URL.Query().Get("next"))}
	w.Render(rw, 200, "login", v)
	return nil
}

// foundationLoginPost logs in and goes on to the page asked for.
func (w *Web) foundationLoginPost(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	tok, _, _, err := w.App.Identity.Login(r.Context(), r.PostFormValue("username"), r.PostFormValue("password"), httpapi.ClientIP(r))
	if err != nil {
		v := w.NewView(rw, r, "login.title")
		v.Error = apperr.As(err)
		v.Data = map[string]string{"Next": SafeNext(r.PostFormValue("next")), "Username": r.PostFormValue("username")}
		w.Render(rw, v.Error.Status, "login", v)
		return nil
	}
	httpapi.SetSession(rw, tok, w.App.Identity.SessionTTL, w.Secure)
	http.Redirect(rw, r, SafeNext(r.PostFormValue("next")), http.StatusSeeOther)
	return nil
}

// foundationLogout logs out.
func (w *Web) foundationLogout(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	if c, err := r.Cookie(httpapi.SessionCookie); err == nil {
		w.App.Identity.Logout(r.Context(), c.Value)
	}
	httpapi.ClearSession(rw, w.Secure)
	http.Redirect(rw, r, "/", http.StatusSeeOther)
	return nil
}

// foundationRegister is the self-registration form for natural and legal persons.
func (w *Web) foundationRegister(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	v := w.NewView(rw, r, "register.title")
	v.Data = identity.Registration{PersonKind: "natural"}
	w.Render(rw, 200, "register", v)
	return nil
}

// foundationRegisterPost registers an account.
func (w *Web) foundationRegisterPost(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	in := identity.Registration{Username: r.PostFormValue("username"), DisplayName: r.PostFormValue("display_name"), Password: r.PostFormValue("password"),
		PersonKind: r.PostFormValue("person_kind"), IDNumber: r.PostFormValue("id_number"), CreditCode: r.PostFormValue("credit_code"),
		OrgName: r.PostFormValue("org_name"), Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone")}
	if _, err := w.App.Identity.Register(r.Context(), in, httpapi.ClientIP(r)); err != nil {
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
}

// foundationAudit searches the audit log (the search itself is audited) and verifies its chain on
// request.
func (w *Web) foundationAudit(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	f, pg, err := httpapi.AuditFilter(r, p)
	if err != nil {
		return err
	}
	recs, total, err := w.App.Audit.Search(r.Context(), f)
	if err != nil {
		return err
	}
	w.App.Audit.Log(r.Context(), audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "audit.search", ClientIP: httpapi.ClientIP(r),
		Detail: map[string]any{"query": r.URL.RawQuery}})
	v := w.NewView(rw, r, "audit.title")
	data := map[string]any{"Records": recs, "Total": total, "Page": pg, "HasNext": pg.Offset+len(recs) < total}
	if r.URL.Query().Get("verify") == "1" && authz.Audit(p, authz.Read, "") == nil {
		res, err := w.App.Audit.Verify(r.Context())
		if err != nil {
			return err
		}
		data["Verify"] = res
	}
	v.Data = data
	w.Render(rw, 200, "audit", v)
	return nil
}

// foundationCalendar shows a year's working-day calendar with a due-date calculator.
func (w *Web) foundationCalendar(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	if err := authz.Calendar(p, authz.Read); err != nil {
		return err
	}
	v := w.NewView(rw, r, "cal.title")
	q := r.URL.Query()
	year, err := strconv.Atoi(q.Get("year"))
	if err != nil {
		year = w.App.Now().In(workday.Location).Year()
	}
	data := map[string]any{"Year": year, "Days": w.App.Calendar.Days(year), "CanEdit": authz.Calendar(p, authz.Update) == nil,
		"From": q.Get("from"), "Workdays": q.Get("workdays")}
	if q.Get("from") != "" {
		from, err1 := workday.Parse(q.Get("from"))
		n, err2 := strconv.Atoi(q.Get("workdays"))
		if err1 != nil || err2 != nil || n < 0 || n > 1000 {
			v.Errors = []apperr.FieldError{apperr.Field("from", "请输入 YYYY-MM-DD 日期和 0–1000 的工作日数", "enter a YYYY-MM-DD date and 0–1000 working days")}
		} else {
			data["Due"] = workday.Format(w.App.Calendar.AddWorkdays(from, n))
		}
	}
	v.Data = data
	w.Render(rw, 200, "calendar", v)
	return nil
}

// foundationCalendarImport imports a holiday table.
func (w *Web) foundationCalendarImport(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
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
	if err := w.App.CalStore.Import(r.Context(), w.App.Audit, p.UserID, p.Username, p.OrgID, days); err != nil {
		return err
	}
	years := workday.Years(days)
	http.Redirect(rw, r, "/calendar?year="+strconv.Itoa(years[0]), http.StatusSeeOther)
	return nil
}

// foundationInbox lists the caller's messages.
func (w *Web) foundationInbox(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	pg, err := httpapi.PageOf(r)
	if err != nil {
		return err
	}
	ms, total, err := w.App.Notify.Inbox(r.Context(), p, false, pg.Size, pg.Offset)
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "inbox.title")
	v.Data = map[string]any{"Messages": ms, "Total": total, "Page": pg, "HasNext": pg.Offset+len(ms) < total}
	w.Render(rw, 200, "inbox", v)
	return nil
}

// foundationMarkRead marks a message read.
func (w *Web) foundationMarkRead(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	if err := w.App.Notify.MarkRead(r.Context(), p, r.PathValue("id")); err != nil {
		return err
	}
	Redirect(rw, r, "/inbox", "flash.marked_read")
	return nil
}

// foundationTokensPage renders the personal API tokens, with a just-issued secret once and a failed
// issue's errors.
func (w *Web) foundationTokensPage(rw http.ResponseWriter, r *http.Request, p *authz.Principal, secret string, ferr error) error {
	ts, err := w.App.Identity.Tokens(r.Context(), p.UserID)
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

// foundationTokens lists the caller's API tokens.
func (w *Web) foundationTokens(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	return w.foundationTokensPage(rw, r, p, w.TakeSecret(rw, r), nil)
}

// foundationIssueToken issues an API token, shown once after the redirect.
func (w *Web) foundationIssueToken(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	r.ParseForm()
	days, _ := strconv.Atoi(r.PostFormValue("ttl_days"))
	secret, _, err := w.App.Identity.IssueToken(r.Context(), p, r.PostFormValue("name"), r.PostForm["scopes"], time.Duration(days)*24*time.Hour)
	if err != nil {
		return w.foundationTokensPage(rw, r, p, "", err)
	}
	w.RedirectWithSecret(rw, r, "/tokens", secret, "")
	return nil
}

// foundationRevokeToken revokes an API token.
func (w *Web) foundationRevokeToken(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	if err := w.App.Identity.RevokeToken(r.Context(), p, r.PathValue("id")); err != nil {
		return err
	}
	Redirect(rw, r, "/tokens", "flash.token_revoked")
	return nil
}

// foundationDirectory is the directory of regions, organizations and the users the caller may see.
func (w *Web) foundationDirectory(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	if err := authz.Directory(p, authz.Read, "", ""); err != nil {
		return err
	}
	regions, err := w.App.Identity.Regions(r.Context())
	if err != nil {
		return err
	}
	orgs, err := w.App.Identity.Orgs(r.Context(), "", "")
	if err != nil {
		return err
	}
	var users []identity.User
	if p.OrgID != "" || p.Has(authz.AuthorityAdmin, authz.Auditor, authz.Oversight, authz.AuthorityReviewer) {
		users, err = w.App.Identity.VisibleUsers(r.Context(), p, "")
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
}

// foundationJobs lists the scheduled jobs, backups and restore drills.
func (w *Web) foundationJobs(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	if err := authz.Jobs(p, authz.Read); err != nil {
		return err
	}
	st, err := w.App.Jobs.Statuses(r.Context())
	if err != nil {
		return err
	}
	v := w.NewView(rw, r, "jobs.title")
	jp := jobsPage{Jobs: st}
	if w.App.Backup != nil {
		// Backups and restore drills (SEC-5): a running backup's progress, results, and
		// the measured recovery point and time of each drill.
		if jp.Backups, err = w.App.Backup.List(r.Context(), 20); err != nil {
			return err
		}
		if jp.Drills, err = w.App.Backup.Drills(r.Context(), 10); err != nil {
			return err
		}
	}
	v.Data = jp
	w.Render(rw, 200, "jobs", v)
	return nil
}

// foundationRunJob runs a scheduled job now.
func (w *Web) foundationRunJob(rw http.ResponseWriter, r *http.Request, p *authz.Principal) error {
	if err := authz.Jobs(p, authz.Manage); err != nil {
		return err
	}
	if !w.App.Jobs.Has(r.PathValue("name")) {
		return apperr.NotFound
	}
	if _, err := w.App.Jobs.RunNow(r.Context(), r.PathValue("name"), true); err != nil {
		return err
	}
	Redirect(rw, r, "/jobs", "flash.job_ran")
	return nil
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
