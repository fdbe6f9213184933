package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/notify"
	"pubdata/internal/workday"
)

// Upward review (目录逐级报审, NM 10, CAT-1): a city's or county's data authority compiles its
// level's catalog and reports it to the authority one level above, which reviews it. Entries are
// published at their own level as before; each report carries the entries changed since the
// level above last approved them (new, revised or withdrawn), the level above approves or
// returns each with a reason within ReviewDays working days, and returned entries go back to
// their agency for revision. The province has no level above and reports to nobody.

// Level report states and item outcomes.
const (
	LevelSubmitted = "submitted" // 待上级审核
	LevelApproved  = "approved"  // 上级审核通过
	LevelReturned  = "returned"  // 上级退回（部分或全部）

	ChangeNew       = "new"       // 新增
	ChangeRevised   = "revised"   // 修订
	ChangeWithdrawn = "withdrawn" // 下线

	ItemPending  = "pending"
	ItemApproved = "approved"
	ItemReturned = "returned"
)

var (
	errNoUpper = apperr.New(http.StatusConflict, "catalog.no_upper_level", "本级没有上一级公共数据主管部门，无需报审",
		"this level has no authority above it to report to")
	errNothingToReport = apperr.New(http.StatusConflict, "catalog.nothing_to_report", "自上次审核通过以来本级目录没有变化，无需报审",
		"nothing changed in this level's catalog since the level above last approved it")
	errReportOpen = apperr.New(http.StatusConflict, "catalog.report_open", "本级已有一份待上级审核的目录报审，请等待审核结果",
		"a report of this level is already waiting for the level above")
	errReportNotFound = apperr.New(http.StatusNotFound, "catalog.report_not_found", "目录报审不存在", "catalog report not found")
)

// LevelReport is one report of a level's catalog to the level above (目录报审单).
type LevelReport struct {
	ID           string      `json:"id"`
	OrgID        string      `json:"org_id"`
	OrgName      string      `json:"org_name"`
	RegionCode   string      `json:"region_code"`
	UpperOrgID   string      `json:"upper_org_id"`
	UpperOrgName string      `json:"upper_org_name"`
	Status       string      `json:"status"`
	Note         string      `json:"note,omitempty"`
	SubmittedBy  string      `json:"submitted_by"`
	SubmittedAt  db.Stamp    `json:"submitted_at"`
	Due          string      `json:"due"`
	WorkdaysLeft int         `json:"workdays_left"`
	Overdue      bool        `json:"overdue"`
	DecidedBy    string      `json:"decided_by,omitempty"`
	DecidedAt    db.Stamp    `json:"decided_at,omitempty"`
	DecisionNote string      `json:"decision_note,omitempty"`
	Items        []LevelItem `json:"items"`
	// Due runs into a year without a holiday table (暂定, while submitted)
	workday.Mark
}

// LevelItem is one changed entry in a report, with the level above's outcome.
type LevelItem struct {
	EntryID      string `json:"entry_id"`
	Code         string `json:"code"`
	Name         string `json:"name"`
	ProviderName string `json:"provider_name"`
	Version      int    `json:"version"`
	Change       string `json:"change"`
	Outcome      string `json:"outcome"`
	Reason       string `json:"reason,omitempty"`
}

// LevelDecision is the level above's outcome for one entry of a report.
type LevelDecision struct {
	EntryID string `json:"entry_id"`
	Approve bool   `json:"approve"`
	Reason  string `json:"reason"`
}

// levelOf answers the reporting authority's level: its region and the authority above it, or an
// error for a caller who may not report (only the authority's own staff report its level).
func (s *Service) levelOf(ctx context.Context, p *authz.Principal) (upper string, err error) {
	if err := authz.CatalogLevel(p, authz.Submit, authz.LevelAttrs{OrgID: p.OrgID, RegionCode: p.RegionCode}); err != nil {
		return "", err
	}
	upper = s.upperAuthority(ctx, p.RegionCode, p.OrgID)
	if upper == "" {
		return "", errNoUpper
	}
	return upper, nil
}

// LevelChanges lists the entries of p's level changed since the level above last approved
// them — what the next report will carry.
func (s *Service) LevelChanges(ctx context.Context, p *authz.Principal) (_ []LevelItem, err error) {
	defer errs.Wrap(&err, "catalog: LevelChanges")
	if _, err := s.levelOf(ctx, p); err != nil {
		return nil, err
	}
	return s.levelChanges(ctx, s.DB, p.OrgID, p.RegionCode)
}

// levelChanges finds the changed entries whose authority of record is org (its region and the
// regions below it without an authority of their own), skipping entries in an open report.
func (s *Service) levelChanges(ctx context.Context, q db.Q, org, region string) ([]LevelItem, error) {
	prefix := region
	switch {
	case strings.HasSuffix(region, "0000"):
		prefix = region[:2]
	case strings.HasSuffix(region, "00"):
		prefix = region[:4]
	}
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.code, e.name, e.provider_org_id, e.region_code, e.version, e.live, e.status,
		COALESCE(u.version, -2)
		FROM catalog_entries e LEFT JOIN catalog_upper_state u ON u.entry_id = e.id
		WHERE e.region_code LIKE $1 AND e.version > 0
		  AND NOT EXISTS (SELECT 1 FROM catalog_level_items i JOIN catalog_level_reports r ON r.id = i.report_id
		                  WHERE i.entry_id = e.id AND r.status = 'submitted')
		  AND NOT EXISTS (SELECT 1 FROM catalog_level_items i WHERE i.entry_id = e.id AND i.outcome = 'returned' AND i.version = e.version)
		ORDER BY e.code LIMIT 5000`, prefix+"%")
	if err != nil {
		return nil, err
	}
	type cand struct {
		LevelItem
		provider, region string
	}
	var cands []cand
	for rows.Next() {
		var c cand
		var live int
		var status string
		var upper int
		if err := rows.Scan(&c.EntryID, &c.Code, &c.Name, &c.provider, &c.region, &c.Version, &live, &status, &upper); err != nil {
			rows.Close()
			return nil, err
		}
		switch {
		case live != 0 && upper != c.Version:
			c.Change = ChangeRevised
			if upper < 0 {
				c.Change = ChangeNew
			}
		case live == 0 && Status(status) == StatusWithdrawn && upper >= 0:
			c.Change = ChangeWithdrawn
		default:
			continue
		}
		cands = append(cands, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []LevelItem{}
	of := map[string]string{}
	for _, c := range cands {
		a, ok := of[c.region]
		if !ok {
			a = s.authorityFor(ctx, q, c.region)
			of[c.region] = a
		}
		if a != org {
			continue // a lower level with an authority of its own reports to org itself
		}
		c.ProviderName = s.orgName(ctx, c.provider)
		c.Outcome = ItemPending
		out = append(out, c.LevelItem)
	}
	return out, nil
}

// SubmitLevelReport reports p's level catalog to the authority above: every entry changed since
// the last approval. The review is due ReviewDays working days later.
func (s *Service) SubmitLevelReport(ctx context.Context, p *authz.Principal, note string) (_ LevelReport, err error) {
	defer errs.Wrap(&err, "catalog: SubmitLevelReport")
	upper, err := s.levelOf(ctx, p)
	if err != nil {
		return LevelReport{}, err
	}
	cfg := s.Config(ctx)
	id := ids.New()
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var open int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM catalog_level_reports WHERE org_id = $1 AND status = 'submitted'", p.OrgID).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return errReportOpen
		}
		items, err := s.levelChanges(ctx, tx, p.OrgID, p.RegionCode)
		if err != nil {
			return err
		}
		if len(items) == 0 {
			return errNothingToReport
		}
		now := s.Now()
		due := workday.Format(s.Cal.AddWorkdays(now, cfg.ReviewDays))
		if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_level_reports (id, org_id, region_code, upper_org_id, status, note, submitted_by, submitted_at, due)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, id, p.OrgID, p.RegionCode, upper, LevelSubmitted, strings.TrimSpace(note), actorName(p), db.Millis(now), due); err != nil {
			return err
		}
		for _, it := range items {
			if _, err := tx.ExecContext(ctx, "INSERT INTO catalog_level_items (report_id, entry_id, version, change) VALUES ($1,$2,$3,$4)",
				id, it.EntryID, it.Version, it.Change); err != nil {
				return err
			}
		}
		if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: actorName(p), OrgID: p.OrgID, Action: "catalog.level.submit",
			ObjectType: "catalog_level_report", ObjectID: id, Detail: map[string]any{"entries": len(items), "due": due, "to_org": upper}}); err != nil {
			return err
		}
		_, err = s.Notify.Send(ctx, tx, notify.Message{OrgID: upper, Kind: "info",
			TitleZH: "下级目录报审：" + s.orgName(ctx, p.OrgID), TitleEN: "Lower-level catalog to review: " + s.orgName(ctx, p.OrgID),
			BodyZH: fmt.Sprintf("%s 报送本级公共数据目录的 %d 项变化，请于 %s 前审核。", s.orgName(ctx, p.OrgID), len(items), due),
			BodyEN: fmt.Sprintf("%s reported %d changes to its level's catalog; review them by %s.", s.orgName(ctx, p.OrgID), len(items), due),
			Link:   levelLink(id), ObjectType: "catalog_level_report", ObjectID: id})
		return err
	})
	if err != nil {
		return LevelReport{}, err
	}
	return s.LevelReport(ctx, p, id)
}

func levelLink(id string) string { return "/catalog/level-reports/" + id }

const levelCols = `id, org_id, region_code, upper_org_id, status, note, submitted_by, submitted_at, due, decided_by, decided_at, decision_note`

func scanLevel(sc interface{ Scan(...any) error }) (LevelReport, error) {
	var r LevelReport
	err := sc.Scan(&r.ID, &r.OrgID, &r.RegionCode, &r.UpperOrgID, &r.Status, &r.Note, &r.SubmittedBy, &r.SubmittedAt, &r.Due,
		&r.DecidedBy, &r.DecidedAt, &r.DecisionNote)
	return r, err
}

func (r LevelReport) attrs() authz.LevelAttrs {
	return authz.LevelAttrs{OrgID: r.OrgID, RegionCode: r.RegionCode, UpperOrgID: r.UpperOrgID}
}

// fill adds names, the countdown and the items.
func (s *Service) fillLevel(ctx context.Context, q db.Q, r *LevelReport, items bool) error {
	r.OrgName, r.UpperOrgName = s.orgName(ctx, r.OrgID), s.orgName(ctx, r.UpperOrgID)
	if r.Status == LevelSubmitted {
		if due, err := workday.Parse(r.Due); err == nil {
			now := s.Now()
			r.Overdue = workday.Overdue(due, now)
			r.WorkdaysLeft = s.Cal.Remaining(due, now)
			r.Mark = s.Cal.Mark(r.Due, now)
		}
	}
	if !items {
		return nil
	}
	rows, err := q.QueryContext(ctx, `SELECT i.entry_id, COALESCE(e.code, ''), COALESCE(e.name, ''), COALESCE(e.provider_org_id, ''), i.version, i.change, i.outcome, i.reason
		FROM catalog_level_items i LEFT JOIN catalog_entries e ON e.id = i.entry_id WHERE i.report_id = $1 ORDER BY e.code`, r.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	r.Items = []LevelItem{}
	for rows.Next() {
		var it LevelItem
		var provider string
		if err := rows.Scan(&it.EntryID, &it.Code, &it.Name, &provider, &it.Version, &it.Change, &it.Outcome, &it.Reason); err != nil {
			return err
		}
		it.ProviderName = s.orgName(ctx, provider)
		r.Items = append(r.Items, it)
	}
	return rows.Err()
}

// LevelReport returns one report with its items.
func (s *Service) LevelReport(ctx context.Context, p *authz.Principal, id string) (_ LevelReport, err error) {
	defer errs.Wrap(&err, "catalog: LevelReport(%s)", id)
	r, err := scanLevel(s.DB.QueryRowContext(ctx, "SELECT "+levelCols+" FROM catalog_level_reports WHERE id = $1", id))
	if db.IsNoRows(err) {
		return r, errReportNotFound
	}
	if err != nil {
		return r, err
	}
	if err := authz.CatalogLevel(p, authz.Read, r.attrs()); err != nil {
		return LevelReport{}, err
	}
	err = s.fillLevel(ctx, s.DB, &r, true)
	return r, err
}

// LevelReports lists the reports p may read — its own level's and those sent to it — newest first.
func (s *Service) LevelReports(ctx context.Context, p *authz.Principal, limit, offset int) (_ []LevelReport, _ int, err error) {
	defer errs.Wrap(&err, "catalog: LevelReports")
	if !p.Authenticated() {
		return nil, 0, apperr.Unauthenticated
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+levelCols+" FROM catalog_level_reports ORDER BY submitted_at DESC, id LIMIT 10000")
	if err != nil {
		return nil, 0, err
	}
	var all []LevelReport
	for rows.Next() {
		r, err := scanLevel(rows)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		if authz.CatalogLevel(p, authz.Read, r.attrs()) == nil {
			all = append(all, r)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	total := len(all)
	if offset > total {
		offset = total
	}
	page := all[offset:min(total, offset+limit)]
	for i := range page {
		if err := s.fillLevel(ctx, s.DB, &page[i], false); err != nil {
			return nil, 0, err
		}
	}
	return page, total, nil
}

// DecideLevelReport is the level above's review: each entry of the report approved or returned
// with a reason (every entry must be decided). Approved entries are recorded as the version the
// level above accepted; returned entries go back to their agency and to the reporting authority
// with the reason, and come up again in the next report once revised.
func (s *Service) DecideLevelReport(ctx context.Context, p *authz.Principal, id string, ds []LevelDecision, note string) (_ LevelReport, err error) {
	defer errs.Wrap(&err, "catalog: DecideLevelReport(%s)", id)
	err = s.tx(ctx, func(tx *sql.Tx) error {
		r, err := scanLevel(tx.QueryRowContext(ctx, "SELECT "+levelCols+" FROM catalog_level_reports WHERE id = $1"+s.DB.ForUpdate(), id))
		if db.IsNoRows(err) {
			return errReportNotFound
		}
		if err != nil {
			return err
		}
		if err := authz.CatalogLevel(p, authz.Review, r.attrs()); err != nil {
			return err
		}
		if r.Status != LevelSubmitted {
			return ErrState.With(apperr.Field("status", "该报审已审核", "this report has been decided already"))
		}
		if err := s.fillLevel(ctx, tx, &r, true); err != nil {
			return err
		}
		byEntry := map[string]LevelDecision{}
		for _, d := range ds {
			byEntry[d.EntryID] = d
		}
		var fe []apperr.FieldError
		for _, it := range r.Items {
			d, ok := byEntry[it.EntryID]
			switch {
			case !ok:
				fe = append(fe, apperr.Field("decisions."+it.EntryID, "请对“"+it.Name+"”作出审核决定", "decide on “"+it.Name+"”"))
			case !d.Approve && strings.TrimSpace(d.Reason) == "":
				fe = append(fe, apperr.Field("decisions."+it.EntryID, "退回“"+it.Name+"”须说明理由", "returning “"+it.Name+"” needs a reason"))
			}
		}
		if len(ds) > len(r.Items) {
			fe = append(fe, apperr.Field("decisions", "审核决定中含有不属于本报审的目录", "a decision names an entry that is not in this report"))
		}
		if err := apperr.Validation(fe); err != nil {
			return err
		}
		now := db.Millis(s.Now())
		status, returned := LevelApproved, 0
		for _, it := range r.Items {
			d := byEntry[it.EntryID]
			outcome, reason := ItemApproved, ""
			if !d.Approve {
				outcome, reason, status = ItemReturned, strings.TrimSpace(d.Reason), LevelReturned
				returned++
			}
			if _, err := tx.ExecContext(ctx, "UPDATE catalog_level_items SET outcome = $1, reason = $2 WHERE report_id = $3 AND entry_id = $4",
				outcome, reason, id, it.EntryID); err != nil {
				return err
			}
			if d.Approve {
				v := it.Version
				if it.Change == ChangeWithdrawn {
					v = -1
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_upper_state (entry_id, version, report_id, approved_at) VALUES ($1,$2,$3,$4)
					ON CONFLICT (entry_id) DO UPDATE SET version = excluded.version, report_id = excluded.report_id, approved_at = excluded.approved_at`,
					it.EntryID, v, id, now); err != nil {
					return err
				}
				continue
			}
			e, err := s.load(ctx, tx, it.EntryID, false)
			if err != nil {
				return err
			}
			if err := s.event(ctx, tx, p, it.EntryID, "upper_return", "", "", reason, map[string]any{"report": id}); err != nil {
				return err
			}
			if _, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: e.ProviderOrgID, Kind: "info",
				TitleZH: "上级审核退回目录：" + e.Name, TitleEN: "Returned by the level above: " + e.Name,
				BodyZH: fmt.Sprintf("%s 审核本级目录时退回了“%s”：%s。请修订后重新提交。", s.orgName(ctx, r.UpperOrgID), e.Name, reason),
				BodyEN: fmt.Sprintf("%s returned “%s” when reviewing the level's catalog: %s. Revise it and submit it again.", s.orgName(ctx, r.UpperOrgID), e.Name, reason),
				Link:   entryLink(e.ID), ObjectType: "catalog_entry", ObjectID: e.ID}); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE catalog_level_reports SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4 WHERE id = $5",
			status, actorName(p), now, strings.TrimSpace(note), id); err != nil {
			return err
		}
		if err := s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: actorName(p), OrgID: p.OrgID, Action: "catalog.level.decide",
			ObjectType: "catalog_level_report", ObjectID: id, Detail: map[string]any{"status": status, "returned": returned, "entries": len(r.Items)}}); err != nil {
			return err
		}
		title, titleEN := "上级已审核通过本级目录报审", "The level above approved the catalog report"
		if status == LevelReturned {
			title, titleEN = fmt.Sprintf("上级退回了本级目录报审中的 %d 项", returned), fmt.Sprintf("The level above returned %d entries of the catalog report", returned)
		}
		_, err = s.Notify.Send(ctx, tx, notify.Message{OrgID: r.OrgID, Kind: "info", TitleZH: title, TitleEN: titleEN,
			BodyZH: note, BodyEN: note, Link: levelLink(id), ObjectType: "catalog_level_report", ObjectID: id})
		return err
	})
	if err != nil {
		return LevelReport{}, err
	}
	return s.LevelReport(ctx, p, id)
}

// UpperReturned tells, for an entry page, the level above's latest return of the entry that a
// later report has not yet approved: the reason and the report, or empty.
func (s *Service) UpperReturned(ctx context.Context, entryID string) (reason, report string) {
	err := s.DB.QueryRowContext(ctx, `SELECT i.reason, i.report_id FROM catalog_level_items i JOIN catalog_level_reports r ON r.id = i.report_id
		WHERE i.entry_id = $1 AND r.status <> 'submitted' ORDER BY r.decided_at DESC LIMIT 1`, entryID).Scan(&reason, &report)
	if err != nil || reason == "" {
		return "", ""
	}
	return reason, report
}

// runLevelDeadlines reminds the level above of reports due soon and escalates overdue ones to
// it and to the authority above it; each message once (dedup key).
func (s *Service) runLevelDeadlines(ctx context.Context, now time.Time, run *DeadlineRun) error {
	cfg := s.Config(ctx)
	rows, err := s.DB.QueryContext(ctx, "SELECT "+levelCols+" FROM catalog_level_reports WHERE status = 'submitted' ORDER BY due LIMIT 1000")
	if err != nil {
		return err
	}
	var open []LevelReport
	for rows.Next() {
		r, err := scanLevel(rows)
		if err != nil {
			rows.Close()
			return err
		}
		open = append(open, r)
	}
	rows.Close()
	for _, r := range open {
		due, err := workday.Parse(r.Due)
		if err != nil {
			continue
		}
		from := s.orgName(ctx, r.OrgID)
		if workday.Overdue(due, now) {
			targets := []string{r.UpperOrgID}
			if region := s.regionOfOrg(ctx, r.UpperOrgID); region != "" {
				if up := s.upperAuthority(ctx, region, r.UpperOrgID); up != "" {
					targets = append(targets, up)
				}
			}
			for _, org := range targets {
				sent, err := s.send(ctx, "catalog.deadline.escalate", notify.Message{OrgID: org, Kind: "escalation",
					TitleZH: "目录报审审核超期：" + from, TitleEN: "Catalog report review overdue: " + from,
					BodyZH: fmt.Sprintf("%s 的本级目录报审已于 %s 到期，尚未审核（期限 %d 个工作日）。", from, r.Due, cfg.ReviewDays),
					BodyEN: fmt.Sprintf("The catalog report of %s was due %s and is still open (%d working days).", from, r.Due, cfg.ReviewDays),
					Link:   levelLink(r.ID), ObjectType: "catalog_level_report", ObjectID: r.ID, DedupKey: "catalog.level.escalate:" + r.ID + ":" + org})
				if err != nil {
					return err
				}
				if sent {
					run.Escalations++
				}
			}
			continue
		}
		if left := s.Cal.Remaining(due, now); left <= cfg.RemindBefore {
			sent, err := s.send(ctx, "", notify.Message{OrgID: r.UpperOrgID, Kind: "reminder",
				TitleZH: "目录报审即将到期：" + from, TitleEN: "Catalog report due soon: " + from,
				BodyZH: fmt.Sprintf("%s 的本级目录报审须于 %s 前审核，剩余 %d 个工作日。", from, r.Due, left),
				BodyEN: fmt.Sprintf("Review the catalog report of %s by %s; %d working days left.", from, r.Due, left),
				Link:   levelLink(r.ID), ObjectType: "catalog_level_report", ObjectID: r.ID, DedupKey: "catalog.level.remind:" + r.ID})
			if err != nil {
				return err
			}
			if sent {
				run.Reminders++
			}
		}
	}
	return nil
}

func (s *Service) regionOfOrg(ctx context.Context, org string) string {
	var region string
	s.DB.QueryRowContext(ctx, "SELECT region_code FROM orgs WHERE id = $1", org).Scan(&region)
	return region
}
