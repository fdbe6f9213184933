package app

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/jobs"
	"pubdata/internal/share"
	"pubdata/internal/supervise"
)

// Supervision (SUP): sanctions on data users. The identity service asks the sanctions service
// about every API key on every request; terminating an order revokes the subject's keys in the
// same transaction and its share grants right after.
func wireSupervise(ctx context.Context, a *App) error {
	s := supervise.New(a.DB, a.Audit, a.Notify, a.Calendar)
	s.Now = a.Now
	s.Revoke = func(ctx context.Context, tx *sql.Tx, kind, id, reason string) error {
		if _, err := a.Identity.RevokeSubjectTokens(ctx, tx, kind, id); err != nil {
			return err
		}
		// The subject's open API keys end with it (an organization's: its members' keys).
		cond := "user_id = $2"
		if kind == "org" {
			cond = "(org_id = $2 OR user_id IN (SELECT id FROM users WHERE org_id = $2))"
		}
		_, err := tx.ExecContext(ctx, "UPDATE open_keys SET revoked_at = $1 WHERE revoked_at = 0 AND "+cond, db.Millis(a.Now()), id)
		return err
	}
	s.OnTerminated = func(ctx context.Context, x supervise.Sanction, by *authz.Principal) {
		if a.Share == nil || x.SubjectKind != "org" {
			return
		}
		if by == authz.System { // the deadline passed: the revocation is the issuing administrator's order
			var uid string
			if err := a.DB.QueryRowContext(ctx, "SELECT id FROM users WHERE username = $1", x.IssuedBy).Scan(&uid); err != nil {
				slog.Error("sanction: issuer", "sanction", x.ID, "err", err)
				return
			}
			u, err := a.Identity.User(ctx, uid)
			if err == nil {
				by, err = a.Identity.Principal(ctx, u)
			}
			if err != nil {
				slog.Error("sanction: issuer", "sanction", x.ID, "err", err)
				return
			}
		}
		rows, err := a.DB.QueryContext(ctx, "SELECT request_id FROM share_grants WHERE consumer_org_id = $1 AND status IN ('pending', 'active', 'suspended') LIMIT 10000", x.SubjectID)
		if err != nil {
			slog.Error("sanction: grants", "sanction", x.ID, "err", err)
			return
		}
		var reqs []string
		for rows.Next() {
			var id string
			if rows.Scan(&id) == nil {
				reqs = append(reqs, id)
			}
		}
		rows.Close()
		for _, id := range reqs {
			if _, err := a.Share.Revoke(ctx, by, id, "未按期整改，处罚终止 / not rectified: sanction "+x.ID+" terminated"); err != nil {
				slog.Error("sanction: revoke grant", "sanction", x.ID, "request", id, "err", err)
			}
		}
	}
	// Disputed notices go to sharing's coordination and expert-committee workflow (SUP-5):
	// the escalation links the notice; the notice keeps the escalation's id.
	if a.Share != nil {
		if a.Share.Foreign == nil {
			a.Share.Foreign = map[string]share.ForeignSubject{}
		}
		a.Share.Foreign["supervision_notice"] = share.ForeignSubject{Resolve: func(ctx context.Context, q db.Q, id string) (share.ForeignInfo, error) {
			n, err := s.DisputeSubject(ctx, q, id)
			return share.ForeignInfo{Title: n.Title, Region: n.Region, Responsible: n.AuthorityOrgID, Requester: n.OrgID,
				Parties: []string{n.OrgID}, Waiting: n.Waiting,
				Cause: "部门对督办通知提出异议，提请协调", CauseEN: "The agency disputes a supervision notice; coordination requested"}, err
		}}
		s.ReferDispute = func(ctx context.Context, p *authz.Principal, id string) (string, error) {
			e, err := a.Share.OpenEscalation(ctx, p, "supervision_notice", id)
			return e.ID, err
		}
	}
	a.Identity.Sanctioned = s.Check
	if a.Open != nil {
		a.Open.Sanctioned = s.Check // open API keys too (SUP-1)
	}
	a.Supervise = s
	a.Jobs.Add(jobs.Job{Name: "supervise.sanctions", Every: time.Hour, Run: func(ctx context.Context, now time.Time) error {
		_, err := s.ExpireOverdue(ctx, now)
		return err
	}})
	// The daily supervision job (SUP-2): detectors open notices, missed deadlines go on the
	// government's supervision list.
	a.Jobs.Add(jobs.Job{Name: "supervise.detect", Every: 24 * time.Hour, Run: func(ctx context.Context, now time.Time) error {
		if _, err := s.Detect(ctx, now); err != nil {
			return err
		}
		_, err := s.EscalateOverdue(ctx, now)
		return err
	}})
	return nil
}
