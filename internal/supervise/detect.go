package supervise

// Detectors (SUP-2): the daily supervision job reads the platform's own facts and opens a notice
// to the agency responsible for each violation it finds. Each fact has an open key
// (source:fact id); while the notice for it runs, finding the fact again opens nothing, so the
// job may run on any node any number of times.

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"pubdata/internal/authz"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/workday"
)

// finding is one violation a detector found.
type finding struct {
	source, factType, factID, orgID, kind, violation, title, detail string
}

// detector is one query over the platform's facts.
type detector struct {
	source, factType, kind, violation string
	days                              int
	query                             string
	args                              func(today string, now time.Time) []any
	// text makes the title and detail from the row's name and its date or count.
	text func(name, extra string) (title, detail string)
}

// NoDataGraceDays is how long a published entry may go without data before it is a gap.
const NoDataGraceDays = 30

var detectors = []detector{
	{SrcShareApproval, "share_request", "supervise", "overdue_approval", 5,
		`SELECT id, provider_org_id, entry_name, due_date FROM share_requests WHERE state = 'pending' AND due_date <> '' AND due_date < $1 ORDER BY id`,
		func(today string, _ time.Time) []any { return []any{today} },
		func(name, due string) (string, string) {
			return "共享申请逾期未审批：" + name, "共享申请应于 " + due + " 前审批答复，至今未办理（NM 49）。请立即审批并说明逾期原因。"
		}},
	{SrcShareDelivery, "share_request", "supervise", "overdue_approval", 5,
		`SELECT id, provider_org_id, entry_name, due_date FROM share_requests WHERE state = 'approved' AND due_date <> '' AND due_date < $1 ORDER BY id`,
		func(today string, _ time.Time) []any { return []any{today} },
		func(name, due string) (string, string) {
			return "共享数据逾期未交付：" + name, "已同意的共享应于 " + due + " 前交付，至今未交付。请立即交付并说明逾期原因。"
		}},
	{SrcLateUpdate, "catalog_entry", "rectify", "late_update", 10,
		`SELECT l.entry_id, l.org_id, COALESCE(e.name, l.entry_id), MIN(l.due_day) FROM ingest_late l LEFT JOIN catalog_entries e ON e.id = l.entry_id
			WHERE l.resolved_at = 0 GROUP BY l.entry_id, l.org_id, e.name ORDER BY l.entry_id`,
		func(string, time.Time) []any { return nil },
		func(name, due string) (string, string) {
			return "数据未按更新周期更新：" + name, "该目录条目按声明的更新周期应于 " + due + " 前更新，至今未归集新数据（AGG-5）。请按周期更新数据。"
		}},
	{SrcQualityFix, "quality_task", "supervise", "refusing_quality_fix", 5,
		`SELECT id, org_id, entry_name, due FROM quality_tasks WHERE state IN ('overdue', 'escalated') ORDER BY id`,
		func(string, time.Time) []any { return nil },
		func(name, due string) (string, string) {
			return "数据质量问题逾期未整改：" + name, "质量整改任务应于 " + due + " 前完成，逾期未整改（QUA-2）。请整改问题数据并答复。"
		}},
	{SrcCatalogEmpty, "org", "rectify", "not_cataloging", 20,
		`SELECT o.id, o.id, o.name, '' FROM orgs o WHERE o.kind = 'agency'
			AND NOT EXISTS (SELECT 1 FROM catalog_entries e WHERE e.provider_org_id = o.id AND e.status <> 'withdrawn') ORDER BY o.id`,
		func(string, time.Time) []any { return nil },
		func(name, _ string) (string, string) {
			return "未编制公共数据资源目录：" + name, "本单位在平台上没有任何目录条目（CAT-1）。请按职责编制并提交公共数据资源目录。"
		}},
	{SrcEntryNoData, "catalog_entry", "rectify", "not_collecting", 15,
		`SELECT e.id, e.provider_org_id, e.name, '' FROM catalog_entries e
			WHERE e.status = 'published' AND e.published_at > 0 AND e.published_at < $1
			AND NOT EXISTS (SELECT 1 FROM ingest_tables t WHERE t.entry_id = e.id AND t.row_count > 0)
			AND NOT EXISTS (SELECT 1 FROM ingest_late l WHERE l.entry_id = e.id AND l.resolved_at = 0) ORDER BY e.id`,
		func(_ string, now time.Time) []any { return []any{now.AddDate(0, 0, -NoDataGraceDays).UnixMilli()} },
		func(name, _ string) (string, string) {
			return "目录已发布但未归集数据：" + name, fmt.Sprintf("该目录条目发布已超过 %d 天，平台上仍无数据（AGG-1）。请按目录归集数据。", NoDataGraceDays)
		}},
	{SrcSystemUncataloged, "catalog_system", "rectify", "not_cataloging", 20,
		`SELECT id, org_id, name, '' FROM catalog_systems WHERE stage = 'built' AND (entry_ids = '[]' OR entry_ids = '') ORDER BY id`,
		func(string, time.Time) []any { return nil },
		func(name, _ string) (string, string) {
			return "信息系统数据未编目：" + name, "该已建信息系统没有关联任何目录条目（CAT-2）。请为其数据编制目录。"
		}},
}

// Sources lists every source of notices, detectors first.
func Sources() []string {
	var out []string
	for _, d := range detectors {
		out = append(out, d.source)
	}
	return append(out, SrcManual)
}

// Detect runs every detector once and opens a notice for each new violation; it answers how many
// it opened. Safe to run on any node at any time.
func (s *Service) Detect(ctx context.Context, now time.Time) (_ int, err error) {
	defer errs.Wrap(&err, "supervise: Detect")
	today := workday.Format(now)
	opened := 0
	for _, d := range detectors {
		rows, err := s.DB.QueryContext(ctx, d.query, d.args(today, now)...)
		if err != nil {
			return opened, fmt.Errorf("supervise: detector %s: %w", d.source, err)
		}
		var found []finding
		for rows.Next() {
			var f finding
			var name, extra string
			if err := rows.Scan(&f.factID, &f.orgID, &name, &extra); err != nil {
				rows.Close()
				return opened, err
			}
			f.source, f.factType, f.kind, f.violation = d.source, d.factType, d.kind, d.violation
			f.title, f.detail = d.text(name, extra)
			found = append(found, f)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return opened, err
		}
		for _, f := range found {
			ok, err := s.open(ctx, f, d.days, now)
			if err != nil {
				return opened, err
			}
			if ok {
				opened++
			}
		}
	}
	return opened, nil
}

// open stores the notice of one finding unless the same fact's notice runs.
func (s *Service) open(ctx context.Context, f finding, days int, now time.Time) (bool, error) {
	var name, region string
	if err := s.DB.QueryRowContext(ctx, "SELECT name, region_code FROM orgs WHERE id = $1", f.orgID).Scan(&name, &region); err != nil {
		return false, nil // a fact of an organization that is gone: nobody to notify
	}
	n := Notice{RegionCode: region, OrgID: f.orgID, OrgName: name, Source: f.source, FactType: f.factType, FactID: f.factID, Kind: f.kind,
		Violation: f.violation, Title: f.title, Detail: f.detail, State: NoticeOpen, Days: days,
		Deadline: workday.Format(s.Calendar.AddWorkdays(now, days)), IssuedBy: authz.System.Username, IssuedAt: now}
	n.ID = ids.New()
	var created bool
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		created, err = s.insertNotice(ctx, tx, authz.System, &n, f.source+":"+f.factID)
		return err
	})
	if err != nil || !created {
		return false, err
	}
	s.noticeIssued(ctx, n)
	return true, nil
}
