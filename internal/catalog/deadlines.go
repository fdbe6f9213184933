package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/jobs"
	"pubdata/internal/notify"
	"pubdata/internal/workday"
)

// DeadlinesJob reminds before and escalates after the catalog's legal deadlines: the
// authority's review (5 working days) and the agency's update after a legal change (15).
func DeadlinesJob(s *Service, every time.Duration) jobs.Job {
	return jobs.Job{Name: "catalog.deadlines", Every: every, Run: func(ctx context.Context, now time.Time) error {
		_, err := s.RunDeadlines(ctx, now)
		return err
	}}
}

// DeadlineRun counts what one run of the deadline job sent.
type DeadlineRun struct {
	Reminders   int `json:"reminders"`
	Escalations int `json:"escalations"`
}

type pendingDeadline struct {
	id, region, provider, name, status, due string
	since                                   int64
}

// RunDeadlines sends the reminders and escalations due at now. Each message carries a dedup
// key (entry, deadline kind, start), so running it again — on any node — sends nothing twice.
func (s *Service) RunDeadlines(ctx context.Context, now time.Time) (_ DeadlineRun, err error) {
	defer errs.Wrap(&err, "catalog: RunDeadlines")
	cfg := s.Config(ctx)
	var run DeadlineRun
	list := func(q string) ([]pendingDeadline, error) {
		rows, err := s.DB.QueryContext(ctx, q)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []pendingDeadline
		for rows.Next() {
			var d pendingDeadline
			if err := rows.Scan(&d.id, &d.region, &d.provider, &d.name, &d.status, &d.due, &d.since); err != nil {
				return nil, err
			}
			out = append(out, d)
		}
		return out, rows.Err()
	}
	reviews, err := list(`SELECT id, region_code, provider_org_id, name, status, review_due, submitted_at FROM catalog_entries
		WHERE status IN ('submitted', 'withdrawing') AND review_due <> '' ORDER BY review_due`)
	if err != nil {
		return run, err
	}
	for _, d := range reviews {
		due, err := workday.Parse(d.due)
		if err != nil {
			continue
		}
		auth := s.authorityFor(ctx, s.DB, d.region)
		if workday.Overdue(due, now) {
			body := fmt.Sprintf("目录“%s”的审核已于 %s 到期，尚未作出决定（审核期限 %d 个工作日）。", d.name, d.due, cfg.ReviewDays)
			bodyEN := fmt.Sprintf("The review of “%s” was due %s and is still open (%d working days).", d.name, d.due, cfg.ReviewDays)
			targets := []string{auth}
			if up := s.upperAuthority(ctx, d.region, auth); up != "" {
				targets = append(targets, up)
			}
			for _, org := range targets {
				sent, err := s.send(ctx, "catalog.deadline.escalate", notify.Message{OrgID: org, Kind: "escalation", TitleZH: "审核超期：" + d.name,
					TitleEN: "Review overdue: " + d.name, BodyZH: body, BodyEN: bodyEN, Link: entryLink(d.id), ObjectType: "catalog_entry", ObjectID: d.id,
					DedupKey: fmt.Sprintf("catalog.review.escalate:%s:%d:%s", d.id, d.since, org)})
				if err != nil {
					return run, err
				}
				if sent {
					run.Escalations++
				}
			}
			continue
		}
		if left := s.Cal.Remaining(due, now); left <= cfg.RemindBefore {
			sent, err := s.send(ctx, "", notify.Message{OrgID: auth, Kind: "reminder", TitleZH: "审核即将到期：" + d.name, TitleEN: "Review due soon: " + d.name,
				BodyZH: fmt.Sprintf("目录“%s”须于 %s 前完成审核，剩余 %d 个工作日。", d.name, d.due, left),
				BodyEN: fmt.Sprintf("Review “%s” by %s; %d working days left.", d.name, d.due, left), Link: entryLink(d.id),
				ObjectType: "catalog_entry", ObjectID: d.id, DedupKey: fmt.Sprintf("catalog.review.remind:%s:%d", d.id, d.since)})
			if err != nil {
				return run, err
			}
			if sent {
				run.Reminders++
			}
		}
	}
	if err := s.runLevelDeadlines(ctx, now, &run); err != nil {
		return run, err
	}
	updates, err := list(`SELECT id, region_code, provider_org_id, name, status, update_due, legal_change_at FROM catalog_entries
		WHERE update_due <> '' ORDER BY update_due`)
	if err != nil {
		return run, err
	}
	for _, d := range updates {
		due, err := workday.Parse(d.due)
		if err != nil {
			continue
		}
		if workday.Overdue(due, now) {
			body := fmt.Sprintf("%s 未在法定期限（%s，%d 个工作日）内更新目录“%s”。", s.orgName(ctx, d.provider), d.due, cfg.UpdateDays, d.name)
			bodyEN := fmt.Sprintf("%s did not update “%s” by the legal deadline %s (%d working days).", s.orgName(ctx, d.provider), d.name, d.due, cfg.UpdateDays)
			for _, org := range []string{s.authorityFor(ctx, s.DB, d.region), d.provider} {
				sent, err := s.send(ctx, "catalog.deadline.escalate", notify.Message{OrgID: org, Kind: "escalation", TitleZH: "目录更新超期：" + d.name,
					TitleEN: "Catalog update overdue: " + d.name, BodyZH: body, BodyEN: bodyEN, Link: entryLink(d.id), ObjectType: "catalog_entry", ObjectID: d.id,
					DedupKey: fmt.Sprintf("catalog.update.escalate:%s:%d:%s", d.id, d.since, org)})
				if err != nil {
					return run, err
				}
				if sent {
					run.Escalations++
				}
			}
			continue
		}
		if left := s.Cal.Remaining(due, now); left <= cfg.RemindBefore {
			sent, err := s.send(ctx, "", notify.Message{OrgID: d.provider, Kind: "reminder", TitleZH: "目录更新即将到期：" + d.name, TitleEN: "Catalog update due soon: " + d.name,
				BodyZH: fmt.Sprintf("法律依据或职能变化后，目录“%s”须于 %s 前更新，剩余 %d 个工作日。", d.name, d.due, left),
				BodyEN: fmt.Sprintf("After the legal change, update “%s” by %s; %d working days left.", d.name, d.due, left), Link: entryLink(d.id),
				ObjectType: "catalog_entry", ObjectID: d.id, DedupKey: fmt.Sprintf("catalog.update.remind:%s:%d", d.id, d.since)})
			if err != nil {
				return run, err
			}
			if sent {
				run.Reminders++
			}
		}
	}
	return run, nil
}

// send stores a message (and, for escalations, an audit record) in one transaction.
func (s *Service) send(ctx context.Context, auditAction string, m notify.Message) (bool, error) {
	if m.OrgID == "" {
		return false, nil
	}
	var sent bool
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		if sent, err = s.Notify.Send(ctx, tx, m); err != nil || !sent || auditAction == "" {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: authz.System.UserID, ActorName: authz.System.Username, Action: auditAction,
			ObjectType: m.ObjectType, ObjectID: m.ObjectID, Detail: map[string]any{"to_org": m.OrgID, "title": m.TitleZH}})
	})
	return sent, err
}

// upperAuthority is the authority one level above the one reviewing a region, if any.
func (s *Service) upperAuthority(ctx context.Context, region, reviewer string) string {
	for _, r := range ancestors(region) {
		if id := s.authorityFor(ctx, s.DB, r); id != "" && id != reviewer {
			return id
		}
	}
	return ""
}

// QueueItem is one entry waiting for a decision or an update, with its countdown.
type QueueItem struct {
	EntryID      string   `json:"entry_id"`
	Code         string   `json:"code"`
	Name         string   `json:"name"`
	ProviderName string   `json:"provider_name"`
	RegionCode   string   `json:"region_code"`
	Status       Status   `json:"status"`
	Kind         string   `json:"kind"` // review | withdrawal | update
	Due          string   `json:"due"`
	WorkdaysLeft int      `json:"workdays_left"` // negative once overdue
	Overdue      bool     `json:"overdue"`
	SubmittedAt  db.Stamp `json:"submitted_at,omitempty"`
	// Due runs into a year without a holiday table (暂定)
	workday.Mark
}

// ReviewQueue lists what p must act on, ordered by deadline: for the authority, submitted
// entries and withdrawal requests in its region and below; for an agency, its entries waiting
// for review and the updates it owes after a legal change.
func (s *Service) ReviewQueue(ctx context.Context, p *authz.Principal) (_ []QueueItem, err error) {
	defer errs.Wrap(&err, "catalog: ReviewQueue")
	if !p.Authenticated() {
		return nil, apperr.Unauthenticated
	}
	now := s.Now()
	rows, err := s.DB.QueryContext(ctx, `SELECT id, code, name, provider_org_id, region_code, status, review_due, update_due, submitted_at
		FROM catalog_entries WHERE (status IN ('submitted', 'withdrawing') AND review_due <> '') OR update_due <> ''`)
	if err != nil {
		return nil, err
	}
	type rec struct {
		id, code, name, prov, region, status, rdue, udue string
		sub                                              int64
	}
	var recs []rec
	for rows.Next() {
		var r rec
		if err := rows.Scan(&r.id, &r.code, &r.name, &r.prov, &r.region, &r.status, &r.rdue, &r.udue, &r.sub); err != nil {
			rows.Close()
			return nil, err
		}
		recs = append(recs, r)
	}
	rows.Close()
	var out []QueueItem
	add := func(r rec, kind, due string) {
		d, err := workday.Parse(due)
		if err != nil {
			return
		}
		out = append(out, QueueItem{EntryID: r.id, Code: r.code, Name: r.name, ProviderName: s.orgName(ctx, r.prov), RegionCode: r.region,
			Status: Status(r.status), Kind: kind, Due: due, WorkdaysLeft: s.Cal.Remaining(d, now), Overdue: workday.Overdue(d, now), SubmittedAt: db.Stamp(r.sub),
			Mark: s.Cal.Mark(due, now)})
	}
	for _, r := range recs {
		at := authz.CatalogAttrs{ProviderOrgID: r.prov, RegionCode: r.region}
		reviewer := authz.CatalogEntry(p, authz.Review, at) == nil
		own := p.OrgID == r.prov
		if r.rdue != "" && (r.status == string(StatusSubmitted) || r.status == string(StatusWithdrawing)) && (reviewer || own) {
			kind := "review"
			if r.status == string(StatusWithdrawing) {
				kind = "withdrawal"
			}
			add(r, kind, r.rdue)
		}
		if r.udue != "" && (own || reviewer) {
			add(r, "update", r.udue)
		}
	}
	sortQueue(out)
	return out, nil
}

func sortQueue(q []QueueItem) {
	for i := 1; i < len(q); i++ {
		for j := i; j > 0 && (q[j].Due < q[j-1].Due || (q[j].Due == q[j-1].Due && q[j].SubmittedAt < q[j-1].SubmittedAt)); j-- {
			q[j], q[j-1] = q[j-1], q[j]
		}
	}
}
