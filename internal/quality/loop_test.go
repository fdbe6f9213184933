package quality_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"pubdata/internal/app"
	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/ingest"
	"pubdata/internal/quality"
	"pubdata/internal/testutil"
)

// resident is one row of the demo population entry (常住人口).
type resident struct{ id, name, sex, birth string }

func (r resident) csv() string {
	return fmt.Sprintf("%s,%s,%s,%s,内蒙古自治区呼和浩特市新城区中山路%d号,13900001111,150102", r.id, r.name, r.sex, r.birth, len(r.name))
}

func residents(n int) []resident {
	var out []resident
	for i := 0; i < n; i++ {
		birth := fmt.Sprintf("19%02d-0%d-1%d", 60+i, 1+i%9, i%10)
		seq := 100 + 2*i + 1 // odd: male
		out = append(out, resident{person("150102", birth, seq), fmt.Sprintf("居民%c", '甲'+rune(i)), "男", birth})
	}
	return out
}

func popFile(rows []resident, extra ...string) string {
	var b strings.Builder
	b.WriteString("citizen_id,name,sex,birth_date,address,phone,region_code\n")
	for _, r := range rows {
		b.WriteString(r.csv())
		b.WriteString("\n")
	}
	for _, e := range extra {
		b.WriteString(e + "\n")
	}
	return b.String()
}

func load(t *testing.T, a *app.App, p *authz.Principal, entry string, mode ingest.Mode, partial bool, body string) *ingest.LoadResult {
	t.Helper()
	res, err := a.Ingest.Load(ctx, p, ingest.LoadRequest{EntryID: entry, Mode: mode, Partial: partial, FileName: "data.csv", Body: strings.NewReader(body)})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return res
}

func addIDRule(t *testing.T, a *app.App, p *authz.Principal) quality.Rule {
	t.Helper()
	clearRules(t, a, p, demo.EntryPopulation)
	r, err := a.Quality.CreateRule(ctx, p, demo.EntryPopulation, quality.RuleInput{Name: "身份号码与出生日期、性别一致", Kind: quality.KindIDConsistency,
		Params: quality.Params{IDField: "citizen_id", BirthField: "birth_date", SexField: "sex"}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func liveTasks(t *testing.T, a *app.App, p *authz.Principal) []quality.Task {
	t.Helper()
	ts, _, err := a.Quality.Tasks(ctx, p, quality.TaskFilter{State: "live", EntryID: demo.EntryPopulation})
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func rowStatus(tk quality.Task) map[string]string {
	m := map[string]string{}
	for _, r := range tk.Rows {
		m[r.Key+"/"+r.Field] = r.Status
	}
	return m
}

// QUA-2 end to end: a load with bad rows opens a correction task for the provider, listing the
// rows with masked values and a deadline in working days; a partial fix leaves it open; a
// corrected full load closes it by itself, with the whole loop in the history and the audit log.
func TestCorrectionLoopToClosure(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, clock := demoApp(t, d)
		officer, admin, civil := as(t, a, "officer"), as(t, a, "admin"), as(t, a, "civil")
		rule := addIDRule(t, a, officer)
		rs := residents(6)
		wrongBirth, wrongSex := rs[1], rs[2]
		wrongBirth.birth = "1961-02-12" // the ID says otherwise
		wrongSex.sex = "女"              // the ID's sequence is odd: male
		badID := rs[5]
		badID.id = badID.id[:17] + map[bool]string{true: "0", false: "1"}[badID.id[17] != '0'] // broken check digit
		bad := []resident{rs[0], wrongBirth, wrongSex, rs[3], rs[4], badID}

		// Load 1: "load valid rows, report the rest". The two cross-field problems are advisory
		// (rows loaded), the broken ID number is rejected.
		res := load(t, a, officer, demo.EntryPopulation, ingest.ModeReplace, true, popFile(bad))
		v1 := res.Load.Version
		if v1 == 0 || res.Load.RowsRejected != 1 {
			t.Fatalf("load 1: %+v", res.Load)
		}
		ts := liveTasks(t, a, officer)
		if len(ts) != 1 {
			t.Fatalf("want one open task, got %+v", ts)
		}
		tk, err := a.Quality.Task(ctx, officer, ts[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if tk.State != quality.TaskOpen || tk.OrgID != demo.OrgPublicSec || tk.Due != "2026-10-13" || tk.RowsOpen != 3 || len(tk.Rows) != 3 {
			t.Fatalf("task after load 1: state %s org %s due %s open %d rows %+v", tk.State, tk.OrgID, tk.Due, tk.RowsOpen, tk.Rows)
		}
		st := rowStatus(tk)
		for _, k := range []string{wrongBirth.id + "/birth_date", wrongSex.id + "/sex", badID.id + "/citizen_id"} {
			if st[k] != quality.RowOpen {
				t.Errorf("row %s: %q (rows %v)", k, st[k], st)
			}
		}
		for _, r := range tk.Rows {
			if r.Field == "citizen_id" && (r.Value == badID.id || !strings.Contains(r.Value, "*")) {
				t.Errorf("ID number shown unmasked in the task: %q", r.Value)
			}
			if r.Field == "birth_date" && r.Rule != rule.Name {
				t.Errorf("rule of the birth row: %q", r.Rule)
			}
		}
		if !hasMessage(inbox(t, a, officer), tk.ID, "flag") {
			t.Error("the provider got no inbox message for the task")
		}
		if hasMessage(inbox(t, a, civil), tk.ID, "") {
			t.Error("another agency sees the task in its inbox")
		}
		if _, err := a.Quality.Task(ctx, civil, tk.ID); !errors.Is(err, apperr.Hidden) { // as if there were none
			t.Errorf("another agency reads the task: %v", err)
		}

		// The agency starts work; the authority cannot "pass" a task by hand.
		if _, err := a.Quality.ActOnTask(ctx, officer, tk.ID, quality.TaskAction{Event: "acknowledge", Note: "已安排核查"}, "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Quality.ActOnTask(ctx, admin, tk.ID, quality.TaskAction{Event: "pass"}, ""); err == nil {
			t.Error("a person closed a task by hand")
		}
		if _, err := a.Quality.ActOnTask(ctx, officer, tk.ID, quality.TaskAction{Event: "waive", Note: "x"}, ""); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("the agency waived its own task: %v", err)
		}

		// Load 2, a day later: an upsert fixing only the birth date. The task stays open.
		clock.Set("2026-10-08 09:00")
		load(t, a, officer, demo.EntryPopulation, ingest.ModeUpsert, false, popFile([]resident{rs[1]}))
		tk, _ = a.Quality.Task(ctx, officer, tk.ID)
		st = rowStatus(tk)
		if tk.State != quality.TaskInProgress || tk.RowsOpen != 2 || st[rs[1].id+"/birth_date"] != quality.RowPassed ||
			st[wrongSex.id+"/sex"] != quality.RowOpen || st[badID.id+"/citizen_id"] != quality.RowOpen {
			t.Fatalf("after the partial fix: state %s open %d rows %v", tk.State, tk.RowsOpen, st)
		}

		// Load 3: the full corrected file (the broken ID number resent correctly, i.e. under
		// its right key). Every row passes: the task closes by itself.
		clock.Set("2026-10-09 15:00")
		load(t, a, officer, demo.EntryPopulation, ingest.ModeReplace, false, popFile(rs))
		tk, _ = a.Quality.Task(ctx, officer, tk.ID)
		st = rowStatus(tk)
		if tk.State != quality.TaskResolved || tk.RowsOpen != 0 || tk.ClosedAt.IsZero() {
			t.Fatalf("after the corrected load: state %s open %d rows %v", tk.State, tk.RowsOpen, st)
		}
		if st[wrongSex.id+"/sex"] != quality.RowPassed || st[badID.id+"/citizen_id"] != quality.RowRemoved {
			t.Errorf("row outcomes: %v", st)
		}
		if len(liveTasks(t, a, officer)) != 0 {
			t.Error("a task is still open after a clean load")
		}
		var evs []string
		for _, e := range tk.History {
			evs = append(evs, e.Event+":"+e.To)
		}
		if got := strings.Join(evs, " "); got != "open:open acknowledge:in_progress pass:resolved" {
			t.Errorf("history: %s", got)
		}
		for _, act := range []string{"quality.task.open", "quality.task.acknowledge", "quality.task.pass"} {
			if auditCount(t, d, act, tk.ID) != 1 {
				t.Errorf("%s not audited once", act)
			}
		}
		closed := false
		for _, m := range inbox(t, a, officer) {
			closed = closed || (m.ObjectID == tk.ID && strings.Contains(m.TitleZH, "闭环"))
		}
		if !closed {
			t.Error("the agency was not told the task closed")
		}

		// Scores: one point per load (ours: from v1 on, after the demo's own load), the clean
		// load scoring 100 on consistency.
		all, err := a.Quality.EntryScores(ctx, officer, demo.EntryPopulation, quality.PeriodLoad, 0)
		if err != nil {
			t.Fatal(err)
		}
		var sc []quality.ScorePoint
		for _, p := range all {
			if p.Version >= v1 {
				sc = append(sc, p)
			}
		}
		if len(sc) != 3 {
			t.Fatalf("scores: %+v", all)
		}
		if sc[0].Consistency >= 100 || sc[0].Availability >= 100 || sc[2].Consistency != 100 || sc[2].Total <= sc[0].Total {
			t.Errorf("scores per load: %+v", sc)
		}
		org, err := a.Quality.OrgScores(ctx, officer, demo.OrgPublicSec, quality.PeriodLoad, 0)
		if err != nil || len(org) < 3 || org[len(org)-1].Total != sc[2].Total || org[len(org)-1].Version != sc[2].Version {
			t.Errorf("agency scores (public security holds only this entry): %v %+v", err, org)
		}
		if err := a.Quality.SnapshotDaily(ctx, clock.Now()); err != nil {
			t.Fatal(err)
		}
		day, err := a.Quality.EntryScores(ctx, admin, demo.EntryPopulation, quality.PeriodDay, 0)
		if p, ok := onDay(day, "2026-10-09"); err != nil || !ok || p.Total != sc[2].Total {
			t.Errorf("daily scores: %v %+v", err, day)
		}
		if _, err := a.Quality.EntryScores(ctx, as(t, a, "citizen"), demo.EntryPopulation, "", 0); !errors.Is(err, apperr.Forbidden) {
			t.Errorf("a citizen reads quality scores: %v", err)
		}
		svg := quality.TrendSVG(sc, "趋势", "zh")
		if !strings.HasPrefix(svg, "<svg") || strings.Count(svg, "<circle") != 3 || !strings.Contains(svg, "2026-10-09") {
			t.Errorf("trend chart: %s", svg)
		}
	})
}

// A second load finding the same rows does not open a second task: the rows stay on the first
// task, counted once more.
func TestRepeatedProblemsStayOnOneTask(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, _ := demoApp(t, d)
		officer := as(t, a, "officer")
		addIDRule(t, a, officer)
		rs := residents(3)
		rs[1].sex = "女"
		load(t, a, officer, demo.EntryPopulation, ingest.ModeReplace, false, popFile(rs))
		load(t, a, officer, demo.EntryPopulation, ingest.ModeReplace, false, popFile(rs))
		ts := liveTasks(t, a, officer)
		if len(ts) != 1 {
			t.Fatalf("tasks: %+v", ts)
		}
		tk, _ := a.Quality.Task(ctx, officer, ts[0].ID)
		if len(tk.Rows) != 1 || tk.Rows[0].Fails != 2 {
			t.Fatalf("rows: %+v", tk.Rows)
		}
	})
}

// Overdue tasks escalate to the authority by job, counted in working days across the National
// Day holiday (2026-10-01…07, 10-10 a make-up working day): opened 2026-09-30 with 5 working
// days, the task is due 2026-10-13 — not 10-05.
func TestOverdueEscalationAcrossHoliday(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, clock := demoApp(t, d)
		officer, admin := as(t, a, "officer"), as(t, a, "admin")
		addIDRule(t, a, officer)
		rs := residents(2)
		rs[0].sex = "女"
		load(t, a, officer, demo.EntryPopulation, ingest.ModeReplace, false, popFile(rs))
		tk := liveTasks(t, a, officer)[0]
		if tk.Due != "2026-10-13" {
			t.Fatalf("due %s, want 2026-10-13", tk.Due)
		}
		run := func(at string) quality.Task {
			t.Helper()
			clock.Set(at)
			if _, err := a.Jobs.RunNow(ctx, "quality.deadlines", true); err != nil {
				t.Fatal(err)
			}
			got, err := a.Quality.Task(ctx, admin, tk.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		if got := run("2026-10-05 10:00"); got.State != quality.TaskOpen {
			t.Fatalf("2026-10-05 (holiday; calendar day 5): %s", got.State)
		}
		if got := run("2026-10-12 10:00"); got.State != quality.TaskOpen || got.DaysLeft != 1 {
			t.Fatalf("2026-10-12: %s, %d left", got.State, got.DaysLeft)
		}
		reminded := false
		for _, m := range inbox(t, a, officer) {
			reminded = reminded || (m.ObjectID == tk.ID && m.Kind == "reminder")
		}
		if !reminded {
			t.Error("no reminder the working day before the deadline")
		}
		if got := run("2026-10-13 23:00"); got.State != quality.TaskOpen {
			t.Fatalf("the due day itself counts: %s", got.State)
		}
		if hasMessage(inbox(t, a, admin), tk.ID, "escalation") {
			t.Fatal("escalated before the deadline")
		}
		got := run("2026-10-14 09:00")
		if got.State != quality.TaskEscalated {
			t.Fatalf("2026-10-14: %s", got.State)
		}
		run("2026-10-14 10:00") // again: nothing new
		n := 0
		for _, m := range inbox(t, a, admin) {
			if m.ObjectID == tk.ID && m.Kind == "escalation" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("authority escalation messages: %d, want 1", n)
		}
		if auditCount(t, d, "quality.task.overdue", tk.ID) != 1 || auditCount(t, d, "quality.task.escalate", tk.ID) != 1 {
			t.Error("overdue/escalation not audited once")
		}
		// The agency's score carries the overdue penalty (one escalated task: the demo's own
		// task was closed by our full replacement, which no longer holds its rows).
		late, _, _ := a.Quality.Tasks(ctx, admin, quality.TaskFilter{OrgID: demo.OrgPublicSec, State: quality.TaskEscalated})
		if len(late) != 1 {
			t.Fatalf("escalated tasks: %+v", late)
		}
		org, _ := a.Quality.OrgScores(ctx, admin, demo.OrgPublicSec, quality.PeriodLoad, 0)
		if err := a.Quality.SnapshotDaily(ctx, clock.Now()); err != nil {
			t.Fatal(err)
		}
		day, _ := a.Quality.OrgScores(ctx, admin, demo.OrgPublicSec, quality.PeriodDay, 0)
		// Two weeks without a load of the daily entry also lower its timeliness (AGG-5): the
		// day's score is the entry's current score (lateness included) minus the penalty.
		cur, ok, err := a.Quality.CurrentScore(ctx, admin, demo.EntryPopulation)
		if err != nil || !ok {
			t.Fatalf("current score: %v %v", ok, err)
		}
		if cur.Timeliness >= org[len(org)-1].Timeliness || cur.Timeliness > quality.LateCap {
			t.Errorf("a daily entry two weeks late keeps timeliness %v (at its load %v)", cur.Timeliness, org[len(org)-1].Timeliness)
		}
		if p, ok := onDay(day, "2026-10-14"); len(org) == 0 || !ok || math.Abs(p.Total-(cur.Total-quality.OverduePenalty)) > 0.05 {
			t.Errorf("agency score with an escalated task: current %+v load %+v day %+v", cur, org, day)
		}
		// The authority extends it: back in progress with a new working-day deadline.
		ext, err := a.Quality.ActOnTask(ctx, admin, tk.ID, quality.TaskAction{Event: "extend", Workdays: 3, Note: "数据量大，延期"}, "")
		if err != nil {
			t.Fatal(err)
		}
		if ext.State != quality.TaskInProgress || ext.Due != "2026-10-19" {
			t.Errorf("extended: %s due %s", ext.State, ext.Due)
		}
	})
}

// With EscalateAfter the authority hears of an overdue task only after further working days.
func TestEscalateAfterSetting(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, clock := demoApp(t, d)
		officer, admin := as(t, a, "officer"), as(t, a, "admin")
		if err := a.Quality.SetSettings(ctx, officer, quality.Settings{CorrectionWorkdays: 3, EscalateAfter: 2, ObjectionWorkdays: 5}); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("an agency changed the settings: %v", err)
		}
		if err := a.Quality.SetSettings(ctx, admin, quality.Settings{CorrectionWorkdays: 0}); !errors.Is(err, apperr.Invalid) {
			t.Fatalf("bad settings: %v", err)
		}
		if err := a.Quality.SetSettings(ctx, admin, quality.Settings{CorrectionWorkdays: 3, EscalateAfter: 2, ObjectionWorkdays: 5}); err != nil {
			t.Fatal(err)
		}
		addIDRule(t, a, officer)
		rs := residents(2)
		rs[0].sex = "女"
		load(t, a, officer, demo.EntryPopulation, ingest.ModeReplace, false, popFile(rs))
		tk := liveTasks(t, a, officer)[0]
		if tk.Due != "2026-10-10" { // 10-08 (1), 10-09 (2), Saturday 10-10 is a make-up working day (3)
			t.Fatalf("due %s", tk.Due)
		}
		state := func(at string) string {
			clock.Set(at)
			if err := a.Quality.CheckDeadlines(ctx, clock.Now()); err != nil {
				t.Fatal(err)
			}
			got, _ := a.Quality.Task(ctx, admin, tk.ID)
			return got.State
		}
		if s := state("2026-10-12 09:00"); s != quality.TaskOverdue { // overdue, 1 working day past
			t.Fatalf("2026-10-12: %s", s)
		}
		if s := state("2026-10-13 09:00"); s != quality.TaskEscalated { // 2 working days past
			t.Fatalf("2026-10-13: %s", s)
		}
	})
}

// 多源校核 through real loads: the marriage registry's party name must agree with the
// population registry. A disagreement opens a task for civil affairs; when the population side
// is the one corrected, the row passes and the task closes without civil affairs reloading.
func TestCrossSourceLoop(t *testing.T) {
	t.Parallel()
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a, _ := demoApp(t, d)
		officer, civil := as(t, a, "officer"), as(t, a, "civil")
		rs := residents(3)
		load(t, a, officer, demo.EntryPopulation, ingest.ModeReplace, false, popFile(rs))
		clearRules(t, a, civil, demo.EntryMarriage)
		if _, err := a.Quality.CreateRule(ctx, civil, demo.EntryMarriage, quality.RuleInput{Name: "当事人姓名与常住人口一致", Kind: quality.KindCrossSource,
			Params: quality.Params{KeyField: "citizen_id", Field: "name", OtherEntryID: demo.EntryPopulation, OtherField: "name"}}); err != nil {
			t.Fatal(err)
		}
		marriage := "cert_no,citizen_id,name,spouse_name,reg_type,reg_date,reg_region\n" +
			"J2026-001," + rs[0].id + "," + rs[0].name + ",李秀英,结婚,2020-05-20,150102\n" +
			"J2026-002," + rs[1].id + ",王建国,赵淑芬,结婚,2021-06-01,150102\n"
		res := load(t, a, civil, demo.EntryMarriage, ingest.ModeReplace, false, marriage)
		if res.Load.RowsLoaded != 2 {
			t.Fatalf("advisory cross-source problems must not block the load: %+v", res.Load)
		}
		ts, _, err := a.Quality.Tasks(ctx, civil, quality.TaskFilter{State: "live", EntryID: demo.EntryMarriage})
		if err != nil || len(ts) != 1 {
			t.Fatalf("tasks: %v %+v", err, ts)
		}
		tk, _ := a.Quality.Task(ctx, civil, ts[0].ID)
		if tk.OrgID != demo.OrgCivil || len(tk.Rows) != 1 || tk.Rows[0].Key != "J2026-002" || tk.Rows[0].Field != "name" ||
			tk.Rows[0].Value == "王建国" || !strings.HasPrefix(tk.Rows[0].Value, "王") || tk.Rows[0].Dimension != quality.Consistency {
			t.Fatalf("task: %+v rows %+v", tk, tk.Rows)
		}
		// The population registry had the name wrong; public security corrects it.
		fixed := rs[1]
		fixed.name = "王建国"
		load(t, a, officer, demo.EntryPopulation, ingest.ModeUpsert, false, popFile([]resident{fixed}))
		tk, _ = a.Quality.Task(ctx, civil, tk.ID)
		if tk.State != quality.TaskResolved || tk.Rows[0].Status != quality.RowPassed {
			t.Fatalf("after the other source was corrected: %s %+v", tk.State, tk.Rows)
		}
	})
}

// onDay finds the daily score of a day.
func onDay(ps []quality.ScorePoint, day string) (quality.ScorePoint, bool) {
	for _, p := range ps {
		if p.Day == day {
			return p, true
		}
	}
	return quality.ScorePoint{}, false
}
