package httpapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/identity"
	"pubdata/internal/workday"
)

// Secure tells handlers whether cookies must carry the Secure flag (TLS).
var Secure bool

// foundationLogin answers POST /api/v1/auth/login: Log in.
func (api *API) foundationLogin(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in LoginInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	tok, csrf, u, err := api.App.Identity.Login(r.Context(), in.Username, in.Password, ClientIP(r))
	if err != nil {
		return nil, err
	}
	SetSession(w, tok, api.App.Identity.SessionTTL, Secure)
	return map[string]any{"user": u, "csrf_token": csrf}, nil
}

// foundationLogout answers POST /api/v1/auth/logout: Log out.
func (api *API) foundationLogout(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if c, err := r.Cookie(SessionCookie); err == nil {
		api.App.Identity.Logout(r.Context(), c.Value)
	}
	ClearSession(w, Secure)
	return nil, nil
}

// foundationRegister answers POST /api/v1/auth/register: Public self-registration.
func (api *API) foundationRegister(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in identity.Registration
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	u, err := api.App.Identity.Register(r.Context(), in, ClientIP(r))
	if err != nil {
		return nil, err
	}
	return Created{u}, nil
}

// foundationMe answers GET /api/v1/me: Who am I.
func (api *API) foundationMe(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return map[string]any{"principal": p, "csrf_token": CSRFOf(r)}, nil
}

// foundationListTokens answers GET /api/v1/tokens: My API tokens.
func (api *API) foundationListTokens(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if err := authz.Tokens(p, authz.Read, p.UserID, p.RegionCode); err != nil {
		return nil, err
	}
	ts, err := api.App.Identity.Tokens(r.Context(), p.UserID)
	return map[string]any{"items": nonNil(ts)}, err
}

// foundationIssueToken answers POST /api/v1/tokens: Create an API token (shown once).
func (api *API) foundationIssueToken(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in TokenInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	if in.TTLDays == 0 {
		in.TTLDays = 90
	}
	secret, t, err := api.App.Identity.IssueToken(r.Context(), p, in.Name, in.Scopes, time.Duration(in.TTLDays)*24*time.Hour)
	if err != nil {
		return nil, err
	}
	return Created{map[string]any{"token": secret, "info": t}}, nil
}

// foundationRevokeToken answers DELETE /api/v1/tokens/{id}: Revoke an API token.
func (api *API) foundationRevokeToken(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return nil, api.App.Identity.RevokeToken(r.Context(), p, r.PathValue("id"))
}

// foundationSearchAudit answers GET /api/v1/audit: Search the audit log.
func (api *API) foundationSearchAudit(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	f, pg, err := AuditFilter(r, p)
	if err != nil {
		return nil, err
	}
	recs, total, err := api.App.Audit.Search(r.Context(), f)
	if err != nil {
		return nil, err
	}
	api.App.Audit.Log(r.Context(), audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "audit.search", ClientIP: ClientIP(r),
		Detail: map[string]any{"query": r.URL.RawQuery}})
	return NewPaged(recs, pg, total), nil
}

// foundationVerifyAudit answers GET /api/v1/audit/verify: Verify the audit hash chain.
func (api *API) foundationVerifyAudit(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if err := authz.Audit(p, authz.Read, ""); err != nil {
		return nil, err
	}
	return api.App.Audit.Verify(r.Context())
}

// foundationCalendar answers GET /api/v1/calendar: Working-day calendar.
func (api *API) foundationCalendar(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if err := authz.Calendar(p, authz.Read); err != nil {
		return nil, err
	}
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	return map[string]any{"items": nonNil(api.App.Calendar.Days(year))}, nil
}

// foundationAddWorkdays answers GET /api/v1/calendar/add: Add working days.
func (api *API) foundationAddWorkdays(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if err := authz.Calendar(p, authz.Read); err != nil {
		return nil, err
	}
	from, err := workday.Parse(r.URL.Query().Get("from"))
	if err != nil {
		return nil, apperr.Invalid.With(apperr.Field("from", "日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD"))
	}
	n, err := strconv.Atoi(r.URL.Query().Get("workdays"))
	if err != nil || n < 0 || n > 1000 {
		return nil, apperr.Invalid.With(apperr.Field("workdays", "工作日数须为 0–1000 的整数", "workdays must be an integer 0–1000"))
	}
	dl := api.App.Calendar.Deadline(from, n)
	out := map[string]any{"from": workday.Format(from), "workdays": n, "due": workday.Format(dl.Due), "deadline_provisional": dl.Provisional()}
	if dl.Provisional() {
		out["missing_years"] = dl.Missing
	}
	return out, nil
}

// foundationImportCalendar answers POST /api/v1/calendar/import: Import a year's holiday table.
func (api *API) foundationImportCalendar(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if err := authz.Calendar(p, authz.Update); err != nil {
		return nil, err
	}
	days, err := workday.ParseTable(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		return nil, CalendarError(err)
	}
	if err := api.App.CalStore.Import(r.Context(), api.App.Audit, p.UserID, p.Username, p.OrgID, days); err != nil {
		return nil, err
	}
	return map[string]any{"imported": len(days), "years": workday.Years(days)}, nil
}

// foundationListRegions answers GET /api/v1/regions: Regions.
func (api *API) foundationListRegions(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if err := authz.Directory(p, authz.Read, "", ""); err != nil {
		return nil, err
	}
	rs, err := api.App.Identity.Regions(r.Context())
	return map[string]any{"items": nonNil(rs)}, err
}

// foundationListOrgs answers GET /api/v1/orgs: Organizations.
func (api *API) foundationListOrgs(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if err := authz.Directory(p, authz.Read, "", ""); err != nil {
		return nil, err
	}
	os, err := api.App.Identity.Orgs(r.Context(), authz.OrgKind(r.URL.Query().Get("kind")), r.URL.Query().Get("region"))
	return map[string]any{"items": nonNil(os)}, err
}

// foundationGetOrg answers GET /api/v1/orgs/{id}: Organization.
func (api *API) foundationGetOrg(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if err := authz.Directory(p, authz.Read, "", ""); err != nil {
		return nil, err
	}
	return api.App.Identity.Org(r.Context(), r.PathValue("id"))
}

// foundationListUsers answers GET /api/v1/users: Users.
func (api *API) foundationListUsers(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	// Authority staff see their region and below, auditors and oversight everyone,
	// others their own organization; a user without an organization (a natural
	// person) sees none rather than everyone.
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	us, err := api.App.Identity.VisibleUsers(r.Context(), p, r.URL.Query().Get("org"))
	if err != nil {
		return nil, err
	}
	total := len(us)
	us = us[min(pg.Offset, total):min(pg.Offset+pg.Size, total)]
	return NewPaged(us, pg, total), nil
}

// foundationCreateUser answers POST /api/v1/users: Create a user.
func (api *API) foundationCreateUser(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in identity.NewUser
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	u, err := api.App.Identity.AddUser(r.Context(), p, in)
	if err != nil {
		return nil, err
	}
	return Created{u}, nil
}

// foundationSetVerification answers PUT /api/v1/users/{id}/verification: Record or withdraw real-name verification.
func (api *API) foundationSetVerification(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in VerificationInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Identity.SetVerified(r.Context(), p, r.PathValue("id"), in.Verified, in.Note)
}

// foundationVerifyMe answers POST /api/v1/me/verification: Verify my real name with an identity provider.
func (api *API) foundationVerifyMe(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in MyVerificationInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	return api.App.Identity.VerifyByClaim(r.Context(), p, in.Provider, in.Assertion)
}

// foundationInbox answers GET /api/v1/notifications: Inbox.
func (api *API) foundationInbox(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	pg, err := PageOf(r)
	if err != nil {
		return nil, err
	}
	ms, total, err := api.App.Notify.Inbox(r.Context(), p, r.URL.Query().Get("unread") == "1", pg.Size, pg.Offset)
	if err != nil {
		return nil, err
	}
	return NewPaged(ms, pg, total), nil
}

// foundationMarkRead answers POST /api/v1/notifications/{id}/read: Mark read.
func (api *API) foundationMarkRead(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	return nil, api.App.Notify.MarkRead(r.Context(), p, r.PathValue("id"))
}

// foundationAddWebhook answers POST /api/v1/webhooks: Register a webhook.
func (api *API) foundationAddWebhook(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	var in WebhookInput
	if err := Decode(r, &in); err != nil {
		return nil, err
	}
	wh, err := api.App.Notify.AddWebhook(r.Context(), p, in.URL)
	if err != nil {
		return nil, err
	}
	if err := api.App.Audit.Log(r.Context(), audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "notify.webhook.create",
		ObjectType: "webhook", ObjectID: wh.ID, ClientIP: ClientIP(r), Detail: map[string]any{"url": wh.URL}}); err != nil {
		return nil, err
	}
	return Created{wh}, nil
}

// foundationListWebhooks answers GET /api/v1/webhooks: My webhooks.
func (api *API) foundationListWebhooks(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	hs, err := api.App.Notify.Webhooks(r.Context(), p)
	return map[string]any{"items": nonNil(hs)}, err
}

// foundationRemoveWebhook answers DELETE /api/v1/webhooks/{id}: Remove a webhook.
func (api *API) foundationRemoveWebhook(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	wh, err := api.App.Notify.RemoveWebhook(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return nil, api.App.Audit.Log(r.Context(), audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "notify.webhook.delete",
		ObjectType: "webhook", ObjectID: wh.ID, ClientIP: ClientIP(r), Detail: map[string]any{"url": wh.URL, "owner": wh.UserID}})
}

// foundationListJobs answers GET /api/v1/jobs: Scheduled jobs.
func (api *API) foundationListJobs(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if err := authz.Jobs(p, authz.Read); err != nil {
		return nil, err
	}
	st, err := api.App.Jobs.Statuses(r.Context())
	return map[string]any{"items": nonNil(st)}, err
}

// foundationRunJob answers POST /api/v1/jobs/{name}/run: Run a job now.
func (api *API) foundationRunJob(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
	if err := authz.Jobs(p, authz.Manage); err != nil {
		return nil, err
	}
	if !api.App.Jobs.Has(r.PathValue("name")) {
		return nil, apperr.NotFound
	}
	ran, err := api.App.Jobs.RunNow(r.Context(), r.PathValue("name"), true)
	return map[string]any{"ran": ran}, err
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// CalendarError wraps a holiday-table parse error in the error shape.
func CalendarError(err error) error {
	var fe []apperr.FieldError
	for _, line := range strings.Split(err.Error(), "\n") {
		fe = append(fe, apperr.Field("file", line, line))
	}
	return apperr.Invalid.With(fe...)
}

// AuditFilter reads the audit search query and applies the caller's visibility: those who may
// read everything see everything, others only their own organization.
func AuditFilter(r *http.Request, p *authz.Principal) (audit.Filter, Page, error) {
	pg, err := PageOf(r)
	if err != nil {
		return audit.Filter{}, pg, err
	}
	q := r.URL.Query()
	f := audit.Filter{Actor: q.Get("actor"), OrgID: q.Get("org"), Action: q.Get("action"), ObjectType: q.Get("object_type"),
		ObjectID: q.Get("object_id"), GrantID: q.Get("grant"), Limit: pg.Size, Offset: pg.Offset}
	for _, k := range []string{"from", "to"} {
		if s := q.Get(k); s != "" {
			t, err := workday.Parse(s)
			if err != nil {
				return f, pg, apperr.Invalid.With(apperr.Field(k, "日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD"))
			}
			if k == "from" {
				f.From = t
			} else {
				f.To = t.AddDate(0, 0, 1)
			}
		}
	}
	if authz.Audit(p, authz.Read, "") != nil {
		f.OrgID = p.OrgID
		if err := authz.Audit(p, authz.Read, p.OrgID); err != nil {
			return f, pg, err
		}
	}
	return f, pg, nil
}
