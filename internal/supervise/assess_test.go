package supervise_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"pubdata/internal/apperr"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/supervise"
	"pubdata/internal/testutil"
	"pubdata/internal/workday"
)

func ms(day string) int64 {
	t, err := time.ParseInLocation("2006-01-02", day, workday.Location)
	if err != nil {
		panic(err)
	}
	return t.Add(10 * time.Hour).UnixMilli()
}

// assessFixtures lays the facts of 2026 (and a few of other years, which must not count) for two
// provincial agencies: A (public security) and B (civil affairs).
func assessFixtures(t *testing.T, d *db.DB) {
	A, B := demo.OrgPublicSec, demo.OrgCivil
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := d.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%v: %s", err, q)
		}
	}
	entry := func(id, org, status, open string) {
		exec(`INSERT INTO catalog_entries (id, region_code, code, name, provider_org_id, status, open_type, data, published_at, created_at, updated_at)
			VALUES ($1, '150000', $1, $1, $2, $3, $4, '{}', $5, $5, $5)`, id, org, status, open, ms("2026-02-01"))
	}
	entry("e1", A, "published", "")
	entry("e2", A, "published", "")
	entry("e3", A, "draft", "")
	entry("f1", B, "published", "")
	exec(`INSERT INTO catalog_systems (id, org_id, region_code, name, stage, entry_ids, created_at, updated_at) VALUES
		('sysA', $1, '150000', '人口系统', 'built', '["e1"]', $3, $3), ('sysB', $2, '150000', '婚姻系统', 'built', '[]', $3, $3)`, A, B, ms("2026-01-10"))
	exec(`INSERT INTO ingest_late (entry_id, due_day, org_id, region_code, flagged_at) VALUES
		('e2', '2026-05-10', $1, '150000', $3), ('f1', '2025-12-20', $2, '150000', $3)`, A, B, ms("2026-05-11"))
	exec(`INSERT INTO ingest_tables (entry_id, table_name, row_count, created_at) VALUES ('e1', 'ing_e1', 10, $1)`, ms("2026-02-02"))
	exec(`INSERT INTO quality_org_scores (id, org_id, at, completeness, accuracy, consistency, timeliness, availability, total) VALUES
		('q1', $1, $2, 0, 0, 0, 0, 0, 80), ('q2', $1, $3, 0, 0, 0, 0, 0, 90), ('q3', $1, $4, 0, 0, 0, 0, 0, 10)`, A, ms("2026-03-01"), ms("2026-06-01"), ms("2027-01-05"))
	req := func(id, provider, submitted, due string, decided int64) {
		exec(`INSERT INTO share_requests (id, kind, consumer_org_id, requester_id, entry_id, entry_name, provider_org_id, path, scenario, mode, end_date,
			state, submitted_at, decide_due, decided_at, updated_at) VALUES ($1, 'data', 'org-hrss', 'u', 'e1', $1, $2, 'direct', '核验', 'api', '2027-12-31',
			'active', $3, $4, $5, $3)`, id, provider, ms(submitted), due, decided)
	}
	req("r1", A, "2026-04-01", "2026-04-10", ms("2026-04-08"))
	req("r2", A, "2026-04-01", "2026-04-10", ms("2026-04-15"))
	req("r3", B, "2026-05-01", "2026-05-10", ms("2026-05-09"))
	req("r4", A, "2026-11-25", "2026-12-05", 0) // still within its time on 2026-12-01
	grant := func(id, request, provider, created string) {
		exec(`INSERT INTO share_grants (id, request_id, kind, consumer_org_id, provider_org_id, entry_id, entry_name, scenario, mode, end_date, status,
			created_at, updated_at) VALUES ($1, $2, 'data', 'org-hrss', $3, 'e1', $1, '核验', 'api', '2027-12-31', 'active', $4, $4)`, id, request, provider, ms(created))
	}
	grant("g1", "r1", A, "2026-04-08")
	grant("g2", "r2", A, "2026-04-15")
	grant("g3", "r3", B, "2026-05-09")
	sanction := func(id, org, issued string) {
		exec(`INSERT INTO sanctions (id, subject_kind, subject_id, subject_name, region_code, ground, reason, state, days, deadline, issued_by, issued_at, updated_at)
			VALUES ($1, 'org', $2, $2, '150000', 'no_safeguards', '未落实安全措施', 'lifted', 10, '2026-07-15', 'admin', $3, $3)`, id, org, ms(issued))
	}
	sanction("s1", A, "2026-07-01")
	sanction("s0", B, "2025-06-01")
}

// Annual assessment (SUP-3): scores recomputed from fixtures equal the hand-computed values, each
// fact traceable to its row; weights change the totals; draft → reviewed → published, agencies
// see their own result only once published; the report exports as XLSX.
func TestAssessmentScoresFromFacts(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-12-01 10:00")
		a := testutil.DirectoryApp(t, d, clock)
		assessFixtures(t, d)
		admin, officer, civil, auditor := mustP(t, a, "admin"), mustP(t, a, "officer"), mustP(t, a, "civil"), mustP(t, a, "auditor")
		if _, err := a.Supervise.CreatePlan(ctx, officer, supervise.NewPlan{Year: 2026}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("an agency created a plan: %v", err)
		}
		pl, err := a.Supervise.CreatePlan(ctx, admin, supervise.NewPlan{Year: 2026})
		must(t, err)
		if _, err := a.Supervise.CreatePlan(ctx, admin, supervise.NewPlan{Year: 2026}); !errors.Is(err, supervise.ErrPlanExists) {
			t.Fatalf("a second plan for the year: %v", err)
		}
		if _, err := a.Supervise.StepPlan(ctx, admin, pl.ID, "review"); !errors.Is(err, supervise.ErrNotScored) {
			t.Fatalf("reviewed before computing: %v", err)
		}
		pl, err = a.Supervise.Compute(ctx, admin, pl.ID)
		must(t, err)
		// By hand (weights 15 × 6, security 10):
		//   A: catalog 3/4 = 75, timeliness 1/2 = 50, quality 90 (latest of 2026), aggregation 1/2 = 50,
		//      sharing 2 grants of a most of 2 = 100, approval 1/2 = 50 (r4 not yet due), security 100 − 20 = 80
		//      → (15 × 415 + 10 × 80) / 100 = 70.25
		//   B: catalog 1/2 = 50, timeliness 100 (its late flag is of 2025), quality 0, aggregation 0,
		//      sharing 1/2 = 50, approval 1/1 = 100, security 100 (its sanction is of 2025) → (15 × 300 + 1000) / 100 = 55
		//   any other agency: no facts → catalog 0, timeliness 100, quality 0, aggregation 0, sharing 0,
		//      approval 100, security 100 → (1500 + 1500 + 1000) / 100 = 40
		want := map[string]float64{demo.OrgPublicSec: 70.25, demo.OrgCivil: 55}
		if len(pl.Totals) < 3 {
			t.Fatalf("only %d agencies assessed", len(pl.Totals))
		}
		for _, tt := range pl.Totals {
			w, ok := want[tt.OrgID]
			if !ok {
				w = 40
			}
			if tt.Total != w {
				t.Errorf("%s: total %.2f, want %.2f", tt.OrgName, tt.Total, w)
			}
		}
		if pl.Totals[0].OrgID != demo.OrgPublicSec || pl.Totals[0].Rank != 1 || pl.Totals[1].OrgID != demo.OrgCivil || pl.Totals[2].Rank != 3 || pl.Totals[len(pl.Totals)-1].Rank != 3 {
			t.Errorf("ranking: %+v", pl.Totals[:3])
		}
		r, err := a.Supervise.OrgResult(ctx, admin, pl.ID, demo.OrgPublicSec)
		must(t, err)
		scores := map[string]float64{}
		for _, sc := range r.Scores {
			scores[sc.Indicator] = sc.Score
		}
		for k, v := range map[string]float64{"catalog": 75, "timeliness": 50, "quality": 90, "aggregation": 50, "sharing": 100, "approval": 50, "security": 80} {
			if scores[k] != v {
				t.Errorf("A %s: %.2f, want %.2f", k, scores[k], v)
			}
		}
		facts := map[string]bool{}
		for _, f := range r.Facts {
			facts[f.Indicator+":"+f.SourceTable+":"+f.SourceID] = f.Good
		}
		for k, good := range map[string]bool{"catalog:catalog_entries:e1": true, "catalog:catalog_entries:e3": false, "catalog:catalog_systems:sysA": true,
			"timeliness:catalog_entries:e2": false, "quality:quality_org_scores:q2": true, "approval:share_requests:r2": false,
			"sharing:share_grants:g1": true, "security:sanctions:s1": false} {
			if g, ok := facts[k]; !ok || g != good {
				t.Errorf("fact %s: present %v, counts for %v (want %v)", k, ok, g, good)
			}
		}
		for _, k := range []string{"approval:share_requests:r4", "quality:quality_org_scores:q1", "quality:quality_org_scores:q3"} {
			if _, ok := facts[k]; ok {
				t.Errorf("fact %s should not count", k)
			}
		}
		if len(r.Facts) != 4+2+1+2+2+2+1 {
			t.Errorf("A has %d facts, want 14", len(r.Facts))
		}
		// Agencies see nothing before publication.
		if _, err := a.Supervise.OrgResult(ctx, officer, pl.ID, demo.OrgPublicSec); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("the agency read a draft: %v", err)
		}
		// New weights: catalog and quality only.
		_, err = a.Supervise.SetWeights(ctx, admin, pl.ID, []supervise.Indicator{{Code: "catalog", Weight: 1}, {Code: "quality", Weight: 1}})
		must(t, err)
		if _, err := a.Supervise.StepPlan(ctx, admin, pl.ID, "review"); !errors.Is(err, supervise.ErrNotScored) {
			t.Fatalf("reviewed with stale scores: %v", err)
		}
		pl, err = a.Supervise.Compute(ctx, admin, pl.ID)
		must(t, err)
		if pl.Totals[0].OrgID != demo.OrgPublicSec || pl.Totals[0].Total != 82.5 || pl.Totals[1].Total != 25 {
			t.Fatalf("reweighted: %+v", pl.Totals[:2])
		}
		if _, err := a.Supervise.StepPlan(ctx, auditor, pl.ID, "review"); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("the auditor reviewed: %v", err)
		}
		_, err = a.Supervise.StepPlan(ctx, admin, pl.ID, "review")
		must(t, err)
		if _, err := a.Supervise.Compute(ctx, admin, pl.ID); !errors.Is(err, supervise.ErrPlanState) {
			t.Fatalf("recomputed a reviewed plan: %v", err)
		}
		pl, err = a.Supervise.StepPlan(ctx, admin, pl.ID, "publish")
		must(t, err)
		if pl.State != supervise.PlanPublished {
			t.Fatalf("state %s", pl.State)
		}
		// Published: each agency sees its own line and facts, not another's.
		own, err := a.Supervise.GetPlan(ctx, civil, pl.ID)
		must(t, err)
		if len(own.Totals) != 1 || own.Totals[0].OrgID != demo.OrgCivil {
			t.Fatalf("the agency's view of the plan: %+v", own.Totals)
		}
		if _, err := a.Supervise.OrgResult(ctx, civil, pl.ID, demo.OrgPublicSec); !errors.Is(err, apperr.Hidden) {
			t.Fatalf("an agency read another's result: %v", err)
		}
		mine, err := a.Supervise.OrgResult(ctx, officer, pl.ID, demo.OrgPublicSec)
		must(t, err)
		if mine.Total != 82.5 || mine.Rank != 1 {
			t.Fatalf("own result: %.2f rank %d", mine.Total, mine.Rank)
		}
		// The report as a workbook.
		var buf bytes.Buffer
		must(t, a.Supervise.ExportXLSX(ctx, officer, pl.ID, demo.OrgPublicSec, &buf))
		f, err := excelize.OpenReader(&buf)
		must(t, err)
		total, _ := f.GetCellValue("得分 Scores", "B3")
		first, _ := f.GetCellValue("得分 Scores", "A7")
		rows, _ := f.GetRows("事实 Facts")
		if total != "82.5" || first != "目录完整性 / Catalog completeness" || len(rows) != 1+len(mine.Facts) {
			t.Fatalf("workbook: total %q, first indicator %q, %d fact rows", total, first, len(rows))
		}
	})
}
