package authz

import (
	"net/http"
	"slices"
	"strings"

	"pubdata/internal/apperr"
)

// API token scopes (令牌权限范围, SEC-3). Every API route names the scope a token needs to call it
// (httpapi's route→scope table); a session may call every route its roles allow. A token never
// does more than its user's roles allow, and never more than its scopes.
const (
	ScopeRead      = "read"      // read catalog, aggregation, quality and sharing data the user may see
	ScopeWrite     = "write"     // change the catalog and quality rules, raise and answer objections
	ScopeIngest    = "ingest"    // load data into the one entry the token is bound to
	ScopeGateway   = "gateway"   // call the share gateway under the one grant the token is bound to
	ScopeInbox     = "inbox"     // read the caller's inbox; register, list and remove its own webhooks
	ScopeAudit     = "audit"     // search and verify the audit log
	ScopeDirectory = "directory" // read and manage users and their verification
	ScopeAdmin     = "admin"     // platform administration: calendar import, scheduled jobs
	ScopeProduct   = "product"   // query authorized-operation products under the unit's agreements
	ScopeAll       = "*"         // every scope above

	// Pseudo-scopes a route may name instead of a real one.
	ScopePublic  = "public"  // no login needed; a token adds nothing
	ScopeAny     = "any"     // any logged-in caller, any token (who am I)
	ScopeSession = "session" // a logged-in session only: API tokens are refused
)

// TokenScopes are the scopes an API token may carry, in display order, with their names.
var TokenScopes = []string{ScopeRead, ScopeWrite, ScopeIngest, ScopeGateway, ScopeInbox, ScopeAudit, ScopeDirectory, ScopeAdmin, ScopeProduct, ScopeAll}

// ScopeNames gives each scope (and pseudo-scope) its Chinese and English description.
var ScopeNames = map[string][2]string{
	ScopeRead:      {"读取业务数据", "read business data"},
	ScopeWrite:     {"修改目录、质量规则与异议", "change catalog, quality rules and objections"},
	ScopeIngest:    {"向绑定的目录条目归集数据", "load data into the bound entry"},
	ScopeGateway:   {"在绑定的共享授权下调用共享网关", "call the gateway under the bound grant"},
	ScopeInbox:     {"站内消息与本人的消息推送地址", "inbox and own webhooks"},
	ScopeAudit:     {"检索与校验审计日志", "search and verify the audit log"},
	ScopeDirectory: {"用户管理与实名核验", "users and real-name verification"},
	ScopeAdmin:     {"平台管理：工作日历、定时任务", "administration: calendar, jobs"},
	ScopeProduct:   {"在本单位的协议下调用数据产品", "query products under the unit's agreements"},
	ScopeAll:       {"全部范围", "every scope"},
	ScopePublic:    {"无需登录", "no login needed"},
	ScopeAny:       {"任何已登录的调用方", "any logged-in caller"},
	ScopeSession:   {"仅限会话登录，API 令牌不可调用", "session only; API tokens refused"},
}

// ErrScope answers a token call whose token lacks the route's scope.
var ErrScope = apperr.New(http.StatusForbidden, "insufficient_scope", "访问令牌的权限范围不足以调用此接口", "the access token's scopes do not cover this operation")

// errSessionOnly answers a token call to a session-only route.
var errSessionOnly = apperr.New(http.StatusForbidden, "insufficient_scope", "此接口只能通过登录会话调用，不接受 API 令牌", "this operation needs a logged-in session; API tokens are not accepted")

// RouteScope decides whether p may call a route that needs scope (one of the scopes above, or
// several joined by "|", any of which will do). Sessions pass (their roles decide later); tokens
// must carry the scope. It is the middleware's first check, made before any record is looked up.
func RouteScope(p *Principal, scope string) error {
	switch scope {
	case ScopePublic:
		return nil
	case "":
		return apperr.Forbidden // a route without a scope is closed
	}
	if !p.Authenticated() {
		return apperr.Unauthenticated
	}
	if p.TokenID == "" || scope == ScopeAny {
		return nil
	}
	if scope == ScopeSession {
		return errSessionOnly
	}
	for rest := scope; rest != ""; { // "read|ingest": either will do (no allocation: every call passes here)
		var s string
		s, rest, _ = strings.Cut(rest, "|")
		if p.Scoped(s) {
			return nil
		}
	}
	return ErrScope.With(apperr.Field("scope", "需要范围："+scope, "needs scope: "+scope))
}

// ValidRouteScope tells whether s names a scope a route may require.
func ValidRouteScope(s string) bool {
	switch s {
	case ScopePublic, ScopeAny, ScopeSession:
		return true
	}
	for _, x := range strings.Split(s, "|") {
		if x == ScopeAll || !slices.Contains(TokenScopes, x) {
			return false
		}
	}
	return s != ""
}
