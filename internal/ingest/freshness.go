package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/notify"
	"pubdata/internal/quality/scoring"
	"pubdata/internal/workday"
)

// FrequencyPeriod is the longest gap between two loads that a declared update frequency allows
// (更新周期, AGG-5); 0 for irregular updates, which are never late. Its one definition is
// scoring.Period, which the quality scores use too.
func FrequencyPeriod(f catalog.Frequency) time.Duration { return scoring.Period(f) }

// grace is the slack after a period before a load counts as late (scoring.Grace).
func grace(period time.Duration) time.Duration { return scoring.Grace(period) }

// Freshness statuses.
const (
	FreshOnTime    = "on_time"   // 按时
	FreshLate      = "late"      // 逾期
	FreshNever     = "never"     // 从未归集（已逾期）
	FreshPending   = "pending"   // 尚未归集，未到期
	FreshUntracked = "untracked" // 不定期更新
)

// FreshnessRow is one entry on the freshness board (更新及时性看板).
type FreshnessRow struct {
	EntryID    string    `json:"entry_id"`
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	OrgID      string    `json:"org_id"`
	RegionCode string    `json:"region_code"`
	Frequency  string    `json:"frequency"`
	Version    int64     `json:"version"`
	Rows       int64     `json:"rows"`
	LastLoadAt time.Time `json:"last_load_at,omitzero"`
	DueAt      time.Time `json:"due_at,omitzero"`
	Status     string    `json:"status"`
	DaysLate   int       `json:"days_late,omitempty"`
}

// freshnessOf computes the state of one entry at now.
func freshnessOf(e *catalog.Entry, t *table, now time.Time) FreshnessRow {
	r := FreshnessRow{EntryID: e.ID, Code: e.Code, Name: e.Name, OrgID: e.ProviderOrgID, RegionCode: e.RegionCode, Frequency: string(e.Frequency)}
	if t != nil {
		r.Version, r.Rows = t.CurrentVersion, t.RowCount
		if t.LastLoadAt > 0 {
			r.LastLoadAt = time.UnixMilli(t.LastLoadAt)
		}
	}
	period := FrequencyPeriod(e.Frequency)
	if period == 0 {
		r.Status = FreshUntracked
		return r
	}
	from := r.LastLoadAt
	if from.IsZero() {
		from = time.UnixMilli(int64(e.PublishedAt))
		if e.PublishedAt == 0 {
			from = time.UnixMilli(int64(e.UpdatedAt))
		}
	}
	r.DueAt = from.Add(period + grace(period))
	switch {
	case !now.After(r.DueAt) && r.LastLoadAt.IsZero():
		r.Status = FreshPending
	case !now.After(r.DueAt):
		r.Status = FreshOnTime
	case r.LastLoadAt.IsZero():
		r.Status = FreshNever
	default:
		r.Status = FreshLate
	}
	if r.Status == FreshNever || r.Status == FreshLate {
		r.DaysLate = int(now.Sub(r.DueAt).Hours()/24) + 1
	}
	return r
}

// trackedEntries lists the published entries (from the catalog when ListPublished is set, else
// those holding data) with their tables.
func (s *Service) trackedEntries(ctx context.Context) ([]catalog.Entry, map[string]*table, error) {
	tables := map[string]*table{}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+tableCols+" FROM ingest_tables")
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		t, err := scanTable(rows)
		if err != nil {
			rows.Close()
			return nil, nil, err
		}
		tables[t.EntryID] = t
	}
	rows.Close()
	var entries []catalog.Entry
	if s.ListPublished != nil {
		if entries, err = s.ListPublished(ctx); err != nil {
			return nil, nil, err
		}
	} else {
		for id := range tables {
			if e, err := s.entry(ctx, id); err == nil {
				entries = append(entries, *e)
			}
		}
	}
	return entries, tables, nil
}

// Freshness is the board of declared update frequency against actual loads, for the entries p
// may read (an agency its own, an authority its region), late ones first.
func (s *Service) Freshness(ctx context.Context, p *authz.Principal) (_ []FreshnessRow, err error) {
	defer errs.Wrap(&err, "ingest: Freshness")
	entries, tables, err := s.trackedEntries(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var out []FreshnessRow
	for i := range entries {
		e := &entries[i]
		if authz.Ingest(p, authz.Read, attrsOf(e)) != nil {
			continue
		}
		out = append(out, freshnessOf(e, tables[e.ID], now))
	}
	rank := map[string]int{FreshNever: 0, FreshLate: 1, FreshPending: 2, FreshOnTime: 3, FreshUntracked: 4}
	sort.SliceStable(out, func(i, j int) bool {
		if rank[out[i].Status] != rank[out[j].Status] {
			return rank[out[i].Status] < rank[out[j].Status]
		}
		if out[i].DaysLate != out[j].DaysLate {
			return out[i].DaysLate > out[j].DaysLate
		}
		return out[i].Code < out[j].Code
	})
	return out, nil
}

// CheckFreshness flags every late entry once per missed due day: a row in ingest_late (the
// authority's list and the agency's score) and a message in the provider agency's inbox. It is
// the body of the ingest.freshness job; it returns how many new flags it raised.
func (s *Service) CheckFreshness(ctx context.Context, now time.Time) (_ int, err error) {
	defer errs.Wrap(&err, "ingest: CheckFreshness")
	entries, tables, err := s.trackedEntries(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range entries {
		e := &entries[i]
		r := freshnessOf(e, tables[e.ID], now)
		if r.Status != FreshLate && r.Status != FreshNever {
			continue
		}
		due := workday.Format(r.DueAt)
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `INSERT INTO ingest_late (entry_id, due_day, org_id, region_code, flagged_at) VALUES ($1,$2,$3,$4,$5)
				ON CONFLICT (entry_id, due_day) DO NOTHING`, e.ID, due, e.ProviderOrgID, e.RegionCode, db.Millis(now))
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 0 {
				return nil
			}
			n++
			if s.Notify != nil {
				last := "从未归集 / never loaded"
				if !r.LastLoadAt.IsZero() {
					last = workday.Format(r.LastLoadAt)
				}
				if _, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: e.ProviderOrgID, Kind: "flag",
					TitleZH: "数据更新逾期：" + e.Name, TitleEN: "Data update overdue: " + firstNonEmpty(e.NameEN, e.Name),
					BodyZH: fmt.Sprintf("目录条目 %s 声明的更新周期为 %s，最近一次归集：%s，应于 %s 前更新。请尽快归集。", e.Code, freqZH(e.Frequency), last, due),
					BodyEN: fmt.Sprintf("Catalog entry %s declares a %s update frequency; last load: %s; an update was due by %s. Please load the data.", e.Code, e.Frequency, last, due),
					Link:   "/ingest/entries/" + e.ID, ObjectType: "catalog_entry", ObjectID: e.ID,
					DedupKey: "ingest.late:" + e.ID + ":" + due}); err != nil {
					return err
				}
			}
			if s.Audit == nil {
				return nil
			}
			return s.Audit.Record(ctx, tx, audit.Event{ActorID: "system", ActorName: "system", OrgID: e.ProviderOrgID, Action: "ingest.freshness.flag",
				ObjectType: "catalog_entry", ObjectID: e.ID, Detail: map[string]any{"due": due, "status": r.Status, "days_late": r.DaysLate}})
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// LateFlag is one raised freshness flag.
type LateFlag struct {
	EntryID    string    `json:"entry_id"`
	DueDay     string    `json:"due_day"`
	OrgID      string    `json:"org_id"`
	RegionCode string    `json:"region_code"`
	FlaggedAt  time.Time `json:"flagged_at"`
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
}

// LateFlags lists the flags raised for an organization ("" = every one p may read), newest
// first; they count in the agency's score.
func (s *Service) LateFlags(ctx context.Context, p *authz.Principal, orgID string) (_ []LateFlag, err error) {
	defer errs.Wrap(&err, "ingest: LateFlags(%s)", orgID)
	q := "SELECT entry_id, due_day, org_id, region_code, flagged_at, resolved_at FROM ingest_late"
	var args []any
	if orgID != "" {
		q += " WHERE org_id = $1"
		args = append(args, orgID)
	}
	rows, err := s.DB.QueryContext(ctx, q+" ORDER BY flagged_at DESC", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []LateFlag
	for rows.Next() {
		var f LateFlag
		var at, res int64
		if err := rows.Scan(&f.EntryID, &f.DueDay, &f.OrgID, &f.RegionCode, &at, &res); err != nil {
			return nil, err
		}
		f.FlaggedAt, f.ResolvedAt = db.FromMillis(at), db.FromMillis(res)
		if authz.Ingest(p, authz.Read, authz.IngestAttrs{EntryID: f.EntryID, ProviderOrgID: f.OrgID, RegionCode: f.RegionCode}) != nil {
			continue
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func firstNonEmpty(a ...string) string {
	for _, s := range a {
		if s != "" {
			return s
		}
	}
	return ""
}

func freqZH(f catalog.Frequency) string {
	switch f {
	case catalog.FreqRealtime:
		return "实时"
	case catalog.FreqDaily:
		return "每日"
	case catalog.FreqWeekly:
		return "每周"
	case catalog.FreqMonthly:
		return "每月"
	case catalog.FreqQuarterly:
		return "每季度"
	case catalog.FreqYearly:
		return "每年"
	}
	return "不定期"
}
