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
	"pubdata/internal/jobs"
	"pubdata/internal/notify"
	"pubdata/internal/workday"
)

// Secure tells handlers whether cookies must carry the Secure flag (TLS).
var Secure bool

func (api *API) foundationRoutes() {
	a := api.App
	api.Handle(Route{Method: "POST", Path: "/api/v1/auth/login", Summary: "登录 / Log in", Tag: "auth", Public: true, Body: true, In: LoginInput{}, Out: LoginAnswer{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in LoginInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			tok, csrf, u, err := a.Identity.Login(r.Context(), in.Username, in.Password, ClientIP(r))
			if err != nil {
				return nil, err
			}
			SetSession(w, tok, a.Identity.SessionTTL, Secure)
			return map[string]any{"user": u, "csrf_token": csrf}, nil
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/auth/logout", Summary: "退出登录 / Log out", Tag: "auth", Out: NoContent{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if c, err := r.Cookie(SessionCookie); err == nil {
				a.Identity.Logout(r.Context(), c.Value)
			}
			ClearSession(w, Secure)
			return nil, nil
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/auth/register", Summary: "公众注册（自然人/法人）/ Public self-registration", Tag: "auth", Public: true, Body: true, In: identity.Registration{}, Out: Created{V: identity.User{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in identity.Registration
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			u, err := a.Identity.Register(r.Context(), in, ClientIP(r))
			if err != nil {
				return nil, err
			}
			return Created{u}, nil
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/me", Summary: "当前用户 / Who am I", Tag: "auth", Out: MeAnswer{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return map[string]any{"principal": p, "csrf_token": CSRFOf(r)}, nil
		})

	// API tokens
	api.Handle(Route{Method: "GET", Path: "/api/v1/tokens", Summary: "我的 API 令牌 / My API tokens", Tag: "auth", Out: Items[identity.Token]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if err := authz.Tokens(p, authz.Read, p.UserID, p.RegionCode); err != nil {
				return nil, err
			}
			ts, err := a.Identity.Tokens(r.Context(), p.UserID)
			return map[string]any{"items": nonNil(ts)}, err
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/tokens", Summary: "创建 API 令牌（仅显示一次）/ Create an API token (shown once)", Tag: "auth", Body: true, In: TokenInput{}, Out: Created{V: TokenIssued{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in TokenInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			if in.TTLDays == 0 {
				in.TTLDays = 90
			}
			secret, t, err := a.Identity.IssueToken(r.Context(), p, in.Name, in.Scopes, time.Duration(in.TTLDays)*24*time.Hour)
			if err != nil {
				return nil, err
			}
			return Created{map[string]any{"token": secret, "info": t}}, nil
		})
	api.Handle(Route{Method: "DELETE", Path: "/api/v1/tokens/{id}", Summary: "撤销 API 令牌 / Revoke an API token", Tag: "auth", Out: NoContent{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return nil, a.Identity.RevokeToken(r.Context(), p, r.PathValue("id"))
		})

	// Audit
	api.Handle(Route{Method: "GET", Path: "/api/v1/audit", Summary: "审计日志检索 / Search the audit log", Tag: "audit", Out: Paged[audit.Record]{}, Query: []string{"action", "actor", "grant", "object_id", "object_type", "org", "page", "page_size"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			f, pg, err := AuditFilter(r, p)
			if err != nil {
				return nil, err
			}
			recs, total, err := a.Audit.Search(r.Context(), f)
			if err != nil {
				return nil, err
			}
			a.Audit.Log(r.Context(), audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "audit.search", ClientIP: ClientIP(r),
				Detail: map[string]any{"query": r.URL.RawQuery}})
			return NewPaged(recs, pg, total), nil
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/audit/verify", Summary: "校验审计日志哈希链 / Verify the audit hash chain", Tag: "audit", Out: audit.VerifyResult{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if err := authz.Audit(p, authz.Read, ""); err != nil {
				return nil, err
			}
			return a.Audit.Verify(r.Context())
		})

	// Working-day calendar
	api.Handle(Route{Method: "GET", Path: "/api/v1/calendar", Summary: "工作日历（节假日与调休）/ Working-day calendar", Tag: "calendar", Out: Items[workday.Day]{}, Query: []string{"year"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if err := authz.Calendar(p, authz.Read); err != nil {
				return nil, err
			}
			year, _ := strconv.Atoi(r.URL.Query().Get("year"))
			return map[string]any{"items": nonNil(a.Calendar.Days(year))}, nil
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/calendar/add", Summary: "计算 N 个工作日后的日期 / Add working days", Tag: "calendar", Out: DeadlineAnswer{}, Query: []string{"from", "workdays"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
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
			dl := a.Calendar.Deadline(from, n)
			out := map[string]any{"from": workday.Format(from), "workdays": n, "due": workday.Format(dl.Due), "deadline_provisional": dl.Provisional()}
			if dl.Provisional() {
				out["missing_years"] = dl.Missing
			}
			return out, nil
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/calendar/import", Summary: "导入年度节假日表（CSV 或 JSON）/ Import a year's holiday table", Tag: "calendar", Body: true, In: Upload{}, Out: CalendarImported{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if err := authz.Calendar(p, authz.Update); err != nil {
				return nil, err
			}
			days, err := workday.ParseTable(http.MaxBytesReader(w, r.Body, 1<<20))
			if err != nil {
				return nil, CalendarError(err)
			}
			if err := a.CalStore.Import(r.Context(), a.Audit, p.UserID, p.Username, p.OrgID, days); err != nil {
				return nil, err
			}
			return map[string]any{"imported": len(days), "years": workday.Years(days)}, nil
		})

	// Directory
	api.Handle(Route{Method: "GET", Path: "/api/v1/regions", Summary: "行政区划 / Regions", Tag: "directory", Out: Items[identity.Region]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if err := authz.Directory(p, authz.Read, "", ""); err != nil {
				return nil, err
			}
			rs, err := a.Identity.Regions(r.Context())
			return map[string]any{"items": nonNil(rs)}, err
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/orgs", Summary: "机构 / Organizations", Tag: "directory", Out: Items[identity.Org]{}, Query: []string{"kind", "region"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if err := authz.Directory(p, authz.Read, "", ""); err != nil {
				return nil, err
			}
			os, err := a.Identity.Orgs(r.Context(), authz.OrgKind(r.URL.Query().Get("kind")), r.URL.Query().Get("region"))
			return map[string]any{"items": nonNil(os)}, err
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/orgs/{id}", Summary: "机构详情 / Organization", Tag: "directory", Out: identity.Org{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if err := authz.Directory(p, authz.Read, "", ""); err != nil {
				return nil, err
			}
			return a.Identity.Org(r.Context(), r.PathValue("id"))
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/users", Summary: "用户 / Users", Tag: "directory", Out: Paged[identity.User]{}, Query: []string{"org", "page", "page_size"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			// Authority staff see their region and below, auditors and oversight everyone,
			// others their own organization; a user without an organization (a natural
			// person) sees none rather than everyone.
			pg, err := PageOf(r)
			if err != nil {
				return nil, err
			}
			us, err := a.Identity.VisibleUsers(r.Context(), p, r.URL.Query().Get("org"))
			if err != nil {
				return nil, err
			}
			total := len(us)
			us = us[min(pg.Offset, total):min(pg.Offset+pg.Size, total)]
			return NewPaged(us, pg, total), nil
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/users", Summary: "创建用户 / Create a user", Tag: "directory", Body: true, In: identity.NewUser{}, Out: Created{V: identity.User{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in identity.NewUser
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			u, err := a.Identity.AddUser(r.Context(), p, in)
			if err != nil {
				return nil, err
			}
			return Created{u}, nil
		})

	api.Handle(Route{Method: "PUT", Path: "/api/v1/users/{id}/verification", Summary: "实名核验（主管部门登记或撤销）/ Record or withdraw real-name verification", Tag: "directory", Body: true, In: VerificationInput{}, Out: identity.User{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in VerificationInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Identity.SetVerified(r.Context(), p, r.PathValue("id"), in.Verified, in.Note)
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/me/verification", Summary: "以身份认证平台的认证结果完成实名核验 / Verify my real name with an identity provider", Tag: "auth", Body: true, In: MyVerificationInput{}, Out: identity.User{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in MyVerificationInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			return a.Identity.VerifyByClaim(r.Context(), p, in.Provider, in.Assertion)
		})

	// Inbox
	api.Handle(Route{Method: "GET", Path: "/api/v1/notifications", Summary: "站内消息 / Inbox", Tag: "inbox", Out: Paged[notify.Message]{}, Query: []string{"page", "page_size", "unread"}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			pg, err := PageOf(r)
			if err != nil {
				return nil, err
			}
			ms, total, err := a.Notify.Inbox(r.Context(), p, r.URL.Query().Get("unread") == "1", pg.Size, pg.Offset)
			if err != nil {
				return nil, err
			}
			return NewPaged(ms, pg, total), nil
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/notifications/{id}/read", Summary: "标记已读 / Mark read", Tag: "inbox", Out: NoContent{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			return nil, a.Notify.MarkRead(r.Context(), p, r.PathValue("id"))
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/webhooks", Summary: "登记消息推送地址 / Register a webhook", Tag: "inbox", Body: true, In: WebhookInput{}, Out: Created{V: notify.Webhook{}}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			var in WebhookInput
			if err := Decode(r, &in); err != nil {
				return nil, err
			}
			wh, err := a.Notify.AddWebhook(r.Context(), p, in.URL)
			if err != nil {
				return nil, err
			}
			if err := a.Audit.Log(r.Context(), audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "notify.webhook.create",
				ObjectType: "webhook", ObjectID: wh.ID, ClientIP: ClientIP(r), Detail: map[string]any{"url": wh.URL}}); err != nil {
				return nil, err
			}
			return Created{wh}, nil
		})
	api.Handle(Route{Method: "GET", Path: "/api/v1/webhooks", Summary: "我的消息推送地址 / My webhooks", Tag: "inbox", Out: Items[notify.Webhook]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			hs, err := a.Notify.Webhooks(r.Context(), p)
			return map[string]any{"items": nonNil(hs)}, err
		})
	api.Handle(Route{Method: "DELETE", Path: "/api/v1/webhooks/{id}", Summary: "删除消息推送地址 / Remove a webhook", Tag: "inbox", Out: NoContent{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			wh, err := a.Notify.RemoveWebhook(r.Context(), p, r.PathValue("id"))
			if err != nil {
				return nil, err
			}
			return nil, a.Audit.Log(r.Context(), audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "notify.webhook.delete",
				ObjectType: "webhook", ObjectID: wh.ID, ClientIP: ClientIP(r), Detail: map[string]any{"url": wh.URL, "owner": wh.UserID}})
		})

	// Jobs
	api.Handle(Route{Method: "GET", Path: "/api/v1/jobs", Summary: "定时任务状态 / Scheduled jobs", Tag: "jobs", Out: Items[jobs.Status]{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if err := authz.Jobs(p, authz.Read); err != nil {
				return nil, err
			}
			st, err := a.Jobs.Statuses(r.Context())
			return map[string]any{"items": nonNil(st)}, err
		})
	api.Handle(Route{Method: "POST", Path: "/api/v1/jobs/{name}/run", Summary: "立即运行任务 / Run a job now", Tag: "jobs", Out: JobRan{}},
		func(w http.ResponseWriter, r *http.Request, p *authz.Principal) (any, error) {
			if err := authz.Jobs(p, authz.Manage); err != nil {
				return nil, err
			}
			if !a.Jobs.Has(r.PathValue("name")) {
				return nil, apperr.NotFound
			}
			ran, err := a.Jobs.RunNow(r.Context(), r.PathValue("name"), true)
			return map[string]any{"ran": ran}, err
		})
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

var _ = notify.Message{}
