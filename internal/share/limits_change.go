package share

import (
	"context"
	"database/sql"
	"fmt"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
)

// LimitsChange changes a grant's call limits after approval (调整调用限制): zero values take the
// defaults; the reason is required.
type LimitsChange struct {
	RatePerMinute int    `json:"rate_per_minute"` // calls per minute (every call kind); 0: the default
	DailyQuota    int    `json:"daily_quota"`     // calls per calendar day (Asia/Shanghai); 0: the default
	Reason        string `json:"reason"`          // why they change (always required)
}

// ChangeLimits sets a grant's call rate and daily quota after approval (SHR-10). Only the
// providing agency's approver may (the rule that decides requests, so never an approver of the
// consuming agency), on an active or suspended grant, always with a reason; the values obey the
// rule of approval: not negative, never above the region's caps, above the defaults only with
// that reason. The change is audited (share.grant.limits, old and new values), the consuming
// agency is told, and the gateway applies it on the next call on every node (the grant's
// revision changes); calls this node had already reserved from today's quota stay counted.
// The filterable fields are kept as approved.
func (s *Service) ChangeLimits(ctx context.Context, p *authz.Principal, id string, in LimitsChange) (_ Grant, err error) {
	defer wrapErr(&err, "change limits of grant %s", id)
	var g Grant
	_, err = s.transact(ctx, s.requestOf(ctx, id), func(tx *sql.Tx, r *Request) error {
		if err := s.visible(p, r); err != nil {
			return err
		}
		if err := authz.Share(p, authz.ShareDecide, r.attrs().authz()); err != nil {
			return err
		}
		if r.GrantID == "" {
			return apperr.NotFound
		}
		var err error
		if g, err = s.loadGrant(ctx, tx, r.GrantID); err != nil {
			return err
		}
		if g.Status != GrantActive && g.Status != GrantSuspended {
			return ErrState
		}
		gl := GrantLimits{RatePerMinute: in.RatePerMinute, DailyQuota: in.DailyQuota, Reason: in.Reason}
		fe := s.checkLimits(nil, g.Kind, g.Fields, g.ClearFields, &gl)
		if gl.Reason == "" && len(fe) == 0 {
			fe = append(fe, apperr.Field("limits.reason", "调整调用限制须说明理由", "a change of the call limits needs a reason"))
		}
		if err := apperr.Validation(fe); err != nil {
			return err
		}
		old := g.Limits
		rate, quota := s.rates(gl)
		now := s.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO share_grant_limits (grant_id, rate_per_minute, daily_quota, reason, set_by, set_at) VALUES ($1,$2,$3,$4,$5,$6)
			ON CONFLICT (grant_id) DO UPDATE SET rate_per_minute = excluded.rate_per_minute, daily_quota = excluded.daily_quota,
			reason = excluded.reason, set_by = excluded.set_by, set_at = excluded.set_at`,
			g.ID, rate, quota, gl.Reason, p.UserID, db.Millis(now)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE share_grants SET rev = rev + 1, updated_at = $1 WHERE id = $2", db.Millis(now), g.ID); err != nil {
			return err
		}
		g.Limits.RatePerMinute, g.Limits.DailyQuota, g.Limits.Reason = int(rate), int(quota), gl.Reason
		if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.DisplayName, OrgID: p.OrgID, Action: "share.grant.limits",
			ObjectType: "share_grant", ObjectID: g.ID, GrantID: g.ID, Purpose: g.Scenario,
			Detail: map[string]any{"rate_per_minute": map[string]int{"old": old.RatePerMinute, "new": int(rate)},
				"daily_quota": map[string]int{"old": old.DailyQuota, "new": int(quota)}, "reason": gl.Reason, "consumer": g.ConsumerOrgID}}); err != nil {
			return err
		}
		return s.sendOrg(ctx, tx, g.ConsumerOrgID, "info", "共享授权调用限制已调整："+g.EntryName, "Call limits changed: "+g.EntryName,
			fmt.Sprintf("提供部门将“%s”共享授权的调用限制调整为每分钟 %d 次、每日 %d 次（原为每分钟 %d 次、每日 %d 次）。理由：%s",
				g.EntryName, rate, quota, old.RatePerMinute, old.DailyQuota, gl.Reason),
			fmt.Sprintf("The providing agency changed the call limits of your grant on %s to %d calls a minute and %d a day (were %d and %d). Reason: %s",
				g.EntryName, rate, quota, old.RatePerMinute, old.DailyQuota, gl.Reason),
			"/share/grants/"+g.ID, "share_grant", g.ID, "")
	})
	if err != nil {
		return Grant{}, err
	}
	s.gw.forget(g.ID)
	s.gw.mu.Lock()
	delete(s.gw.limits, g.ID) // this node counts afresh: a lowered quota holds at once here
	s.gw.mu.Unlock()
	return g, nil
}
