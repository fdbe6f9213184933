package quality

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/notify"
	"pubdata/internal/workday"
)

// Correction task states (整改任务状态).
const (
	TaskOpen       = "open"        // 待整改
	TaskInProgress = "in_progress" // 整改中
	TaskOverdue    = "overdue"     // 已逾期
	TaskEscalated  = "escalated"   // 已逾期并上报主管部门
	TaskResolved   = "resolved"    // 已闭环：问题行全部通过复核
	TaskWaived     = "waived"      // 主管部门核销
)

// TaskStateNames gives each state's Chinese and English name.
var TaskStateNames = map[string][2]string{
	TaskOpen:       {"待整改", "Open"},
	TaskInProgress: {"整改中", "In progress"},
	TaskOverdue:    {"已逾期", "Overdue"},
	TaskEscalated:  {"已上报主管部门", "Escalated"},
	TaskResolved:   {"已闭环", "Resolved"},
	TaskWaived:     {"已核销", "Waived"},
}

// Task row statuses.
const (
	RowOpen    = "open"    // 待整改
	RowPassed  = "passed"  // 复核通过
	RowRemoved = "removed" // 记录已不在数据中（被删除，或全量报送时不再报送）
	RowDropped = "dropped" // 规则已删除或停用
)

// taskCall is who fires a task event and with what.
type taskCall struct {
	p      *authz.Principal
	attrs  authz.QualityAttrs
	system bool
	note   string
}

func taskSystem(c taskCall) error {
	if c.system {
		return nil
	}
	return apperr.Forbidden
}

func taskAgency(c taskCall) error {
	if c.system {
		return apperr.Forbidden
	}
	return authz.CorrectionTask(c.p, authz.Update, c.attrs)
}

func taskAuthority(c taskCall) error {
	if c.system {
		return apperr.Forbidden
	}
	return authz.CorrectionTask(c.p, authz.Manage, c.attrs)
}

func needNote(g func(taskCall) error) func(taskCall) error {
	return func(c taskCall) error {
		if err := g(c); err != nil {
			return err
		}
		if strings.TrimSpace(c.note) == "" {
			return apperr.Invalid.With(apperr.Field("note", "请填写说明", "a note is required"))
		}
		return nil
	}
}

var live = []string{TaskOpen, TaskInProgress, TaskOverdue, TaskEscalated}

// taskMachine is the correction loop (整改闭环), QUA-2:
//
//	open ──acknowledge──▶ in_progress
//	open, in_progress ──overdue (job)──▶ overdue ──escalate (job)──▶ escalated
//	any live state ──pass (rows re-checked clean after a load)──▶ resolved
//	any live state ──extend (authority)──▶ in_progress (new deadline)
//	any live state ──waive (authority, with reason)──▶ waived
//	any live state ──note──▶ (unchanged)
var taskMachine = machine[taskCall]{
	name: "correction_task",
	rows: []transition[taskCall]{
		{From: []string{TaskOpen}, Event: "acknowledge", To: TaskInProgress, Guard: taskAgency},
		{From: live, Event: "note", To: "", Guard: needNote(taskAgency)},
		{From: []string{TaskOpen, TaskInProgress}, Event: "overdue", To: TaskOverdue, Guard: taskSystem},
		{From: []string{TaskOverdue}, Event: "escalate", To: TaskEscalated, Guard: taskSystem},
		{From: live, Event: "pass", To: TaskResolved, Guard: taskSystem},
		{From: live, Event: "extend", To: TaskInProgress, Guard: taskAuthority},
		{From: live, Event: "waive", To: TaskWaived, Guard: needNote(taskAuthority)},
	},
	final: []string{TaskResolved, TaskWaived},
}

// Task is a correction task (整改任务): the problem rows of one load, dispatched to the agency
// that produced them, with a deadline in working days.
type Task struct {
	ID         string `json:"id"`
	EntryID    string `json:"entry_id"`
	EntryName  string `json:"entry_name"`
	OrgID      string `json:"org_id"`
	RegionCode string `json:"region_code"`
	Version    int64  `json:"version"` // the load that found the problems
	State      string `json:"state"`
	Due        string `json:"due"` // YYYY-MM-DD, the whole day counts
	DaysLeft   int    `json:"days_left"`
	// DeadlineProvisional: Due runs into a year whose holiday table is not imported yet
	// (暂定, MissingYears names them); it is recomputed on import.
	DeadlineProvisional bool      `json:"deadline_provisional,omitempty"`
	MissingYears        []int     `json:"deadline_missing_years,omitempty"`
	RowsTotal           int       `json:"rows_total"`
	RowsOpen            int       `json:"rows_open"`
	Untracked           int       `json:"untracked"` // problems not listed: rows without a key, or beyond MaxRowsPerTask
	CreatedAt           time.Time `json:"created_at"`
	UpdatedAt           time.Time `json:"updated_at"`
	ClosedAt            time.Time `json:"closed_at,omitzero"`
	Rows                []TaskRow `json:"rows,omitempty"`
	History             []Event   `json:"history,omitempty"`
	Actions             []string  `json:"actions,omitempty"` // events the caller may fire now
}

// TaskRow is one problem row of a task. The value is masked; the key is shown so the agency
// can find the row.
type TaskRow struct {
	Seq             int       `json:"seq"`
	Key             string    `json:"key"`
	Field           string    `json:"field"`
	Rule            string    `json:"rule"`
	Dimension       string    `json:"dimension"`
	Line            int       `json:"line,omitempty"`
	ZH              string    `json:"message"`
	EN              string    `json:"message_en"`
	Value           string    `json:"value"`
	Status          string    `json:"status"`
	Fails           int       `json:"fails"` // loads in which the row failed
	ResolvedVersion int64     `json:"resolved_version,omitempty"`
	ResolvedAt      time.Time `json:"resolved_at,omitzero"`
}

const taskCols = `id, entry_id, entry_name, org_id, region_code, version, state, due, rows_total, rows_open, untracked, created_at, updated_at, closed_at`

func (s *Service) scanTask(sc interface{ Scan(...any) error }) (Task, error) {
	var t Task
	var c, u, cl int64
	if err := sc.Scan(&t.ID, &t.EntryID, &t.EntryName, &t.OrgID, &t.RegionCode, &t.Version, &t.State, &t.Due, &t.RowsTotal, &t.RowsOpen,
		&t.Untracked, &c, &u, &cl); err != nil {
		return t, err
	}
	t.CreatedAt, t.UpdatedAt, t.ClosedAt = db.FromMillis(c), db.FromMillis(u), db.FromMillis(cl)
	if due, err := workday.Parse(t.Due); err == nil && !taskMachine.isFinal(t.State) {
		t.DaysLeft = s.Cal.Remaining(due, s.Now())
		t.MissingYears = s.Cal.ProvisionalYears(due, s.Now())
		t.DeadlineProvisional = len(t.MissingYears) > 0
	}
	return t, nil
}

func (t *Task) attrs() authz.QualityAttrs {
	return authz.QualityAttrs{ProviderOrgID: t.OrgID, RegionCode: t.RegionCode}
}

// ---- the loop: after each load ----

type problemKey struct{ key, field, rule string }

type openRow struct {
	taskID      string
	seq         int
	key         string
	field, rule string
	ruleID      string
	fingerprint string
	status      string // decided: open | passed | removed | dropped
	newFP       string
	failed      bool
}

// AfterLoad runs after each committed load of an entry (the loader's AfterCommit): it re-checks
// the rows of the entry's open correction tasks by key and closes tasks whose rows all pass,
// opens a task for the load's new problem rows, and records the load's quality scores. It is
// idempotent per (entry, version).
func (s *Service) AfterLoad(ctx context.Context, ld Load, problems []Problem) (err error) {
	defer errs.Wrap(&err, "quality: AfterLoad")
	e, err := s.published(ctx, ld.EntryID) // loads go into the published version
	if err != nil {
		if e, err = s.entry(ctx, ld.EntryID); err != nil {
			return err
		}
	}
	if ld.At.IsZero() {
		ld.At = s.Now()
	}
	if ld.OrgID == "" {
		ld.OrgID = providerOf(e)
	}
	var seen int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM quality_load_scores WHERE entry_id = $1 AND version = $2", e.ID, ld.Version).Scan(&seen); err != nil {
		return err
	}
	if seen > 0 {
		return nil
	}

	// 1. This load's problems, by (key, field, rule).
	failing := map[problemKey]Problem{}
	var order []problemKey
	keylessLines := map[int]bool{}
	for _, p := range problems {
		if p.Key == "" {
			if p.Line > 1 {
				keylessLines[p.Line] = true // a row without a key cannot be followed by key; counted, not listed
			}
			continue
		}
		k := problemKey{p.Key, p.Field, p.Rule}
		if _, dup := failing[k]; !dup {
			order = append(order, k)
		}
		failing[k] = p
	}

	// 2. Re-check the open rows of this entry's live tasks.
	open, err := s.openRows(ctx, e.ID)
	if err != nil {
		return err
	}
	rules, err := s.RowRules(ctx, e)
	if err != nil {
		return err
	}
	byID := map[string]*compiled{}
	for _, r := range rules {
		c := r.(*compiled)
		byID[c.rule.ID] = c
	}
	recs := map[string]*lookedUp{}
	look := func(key string) (*lookedUp, error) {
		if r, ok := recs[key]; ok {
			return r, nil
		}
		rec, found, err := s.lookup(ctx, e.ID, key)
		if err != nil {
			return nil, err
		}
		r := &lookedUp{found: found, values: rec.Values}
		if found {
			r.fp = s.fingerprint(rec.Values)
		}
		recs[key] = r
		return r, nil
	}
	tracked := map[problemKey]bool{}
	for _, r := range open {
		k := problemKey{r.key, r.field, r.rule}
		tracked[k] = true
		cur, err := look(r.key)
		if err != nil {
			return err
		}
		if _, still := failing[k]; still {
			r.status, r.failed, r.newFP = RowOpen, true, cur.fp
			continue
		}
		switch {
		case !cur.found && r.fingerprint == "" && ld.Replace:
			r.status = RowRemoved // never loaded, and no longer sent in a full replacement (e.g. resent under a corrected key)
		case !cur.found && r.fingerprint == "":
			r.status = RowOpen // never loaded, still not loaded
		case !cur.found:
			r.status = RowRemoved
		case cur.fp != r.fingerprint:
			r.status = RowPassed // changed, and this load's checks found nothing on it
		case r.ruleID != "":
			c := byID[r.ruleID]
			switch {
			case c == nil:
				r.status = RowDropped
			case hasProblem(c.Check(e, cur.values), r.field):
				r.status = RowOpen
			default:
				r.status = RowPassed // e.g. the other source was corrected
			}
		default:
			r.status = RowOpen // unchanged data fails a deterministic field rule again
		}
	}

	// 3. New problem rows (not already tracked by a live task).
	var fresh []Problem
	for _, k := range order {
		if !tracked[k] {
			fresh = append(fresh, failing[k])
		}
	}
	sort.SliceStable(fresh, func(i, j int) bool { return fresh[i].Line < fresh[j].Line })
	untracked := len(keylessLines)
	if max := s.MaxRowsPerTask; max > 0 && len(fresh) > max {
		untracked += len(fresh) - max
		fresh = fresh[:max]
	}
	freshFP := make([]string, len(fresh))
	for i, p := range fresh {
		cur, err := look(p.Key)
		if err != nil {
			return err
		}
		freshFP[i] = cur.fp
	}
	ruleIDs := map[string]string{}
	for id, c := range byID {
		ruleIDs[c.rule.Name] = id
	}

	sys := authz.System
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		touched := map[string]bool{}
		for _, r := range open {
			touched[r.taskID] = true
			switch {
			case r.failed:
				if _, err := tx.ExecContext(ctx, `UPDATE quality_task_rows SET fails = fails + 1, fingerprint = $1, last_version = $2 WHERE task_id = $3 AND seq = $4`,
					r.newFP, ld.Version, r.taskID, r.seq); err != nil {
					return err
				}
			case r.status != RowOpen:
				if _, err := tx.ExecContext(ctx, `UPDATE quality_task_rows SET status = $1, resolved_version = $2, resolved_at = $3 WHERE task_id = $4 AND seq = $5`,
					r.status, ld.Version, db.Millis(now), r.taskID, r.seq); err != nil {
					return err
				}
			}
		}
		for id := range touched {
			if err := s.settleTask(ctx, tx, id, ld.Version, fmt.Sprintf("第 %d 版数据复核通过，整改闭环 / rows passed in version %d", ld.Version, ld.Version), sys); err != nil {
				return err
			}
		}
		if len(fresh) > 0 {
			if err := s.openTask(ctx, tx, e, ld, fresh, freshFP, ruleIDs, untracked); err != nil {
				return err
			}
		}
		return s.storeScores(ctx, tx, e, ld, problems)
	})
	if err != nil {
		return err
	}
	return s.recheckDependents(ctx, e, ld)
}

// recheckDependents re-checks, after a load of entry e, the open rows that cross-source rules of
// other entries found against e (多源校核): when the other source was the one corrected, those
// rows pass without their own agency reloading anything.
func (s *Service) recheckDependents(ctx context.Context, e *catalog.Entry, ld Load) error {
	rows, err := s.DB.QueryContext(ctx, `SELECT r.task_id, r.seq, r.entry_id, r.record_key, r.field, r.rule_id, q.params
		FROM quality_task_rows r JOIN quality_tasks t ON t.id = r.task_id JOIN quality_rules q ON q.id = r.rule_id
		WHERE r.status = $1 AND q.kind = $2 AND r.entry_id <> $3 AND t.state IN ($4, $5, $6, $7) ORDER BY r.entry_id, r.task_id, r.seq`,
		RowOpen, KindCrossSource, e.ID, TaskOpen, TaskInProgress, TaskOverdue, TaskEscalated)
	if err != nil {
		return err
	}
	type dep struct {
		taskID, entryID, key, field, ruleID string
		seq                                 int
	}
	var deps []dep
	for rows.Next() {
		var d dep
		var pj string
		if err := rows.Scan(&d.taskID, &d.seq, &d.entryID, &d.key, &d.field, &d.ruleID, &pj); err != nil {
			rows.Close()
			return err
		}
		var p Params
		if json.Unmarshal([]byte(pj), &p) == nil && p.OtherEntryID == e.ID {
			deps = append(deps, d)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(deps) == 0 {
		return err
	}
	compiledFor := map[string]map[string]*compiled{} // entry → rule id → rule
	entries := map[string]*catalog.Entry{}
	type passed struct {
		taskID string
		seq    int
	}
	var ok []passed
	for _, d := range deps {
		if compiledFor[d.entryID] == nil {
			de, err := s.entry(ctx, d.entryID)
			if err != nil {
				continue
			}
			rs, err := s.RowRules(ctx, de)
			if err != nil {
				return err
			}
			entries[d.entryID] = de
			compiledFor[d.entryID] = map[string]*compiled{}
			for _, r := range rs {
				c := r.(*compiled)
				compiledFor[d.entryID][c.rule.ID] = c
			}
		}
		c := compiledFor[d.entryID][d.ruleID]
		if c == nil {
			continue
		}
		rec, found, err := s.lookup(ctx, d.entryID, d.key)
		if err != nil {
			return err
		}
		if found && !hasProblem(c.Check(entries[d.entryID], rec.Values), d.field) {
			ok = append(ok, passed{d.taskID, d.seq})
		}
	}
	if len(ok) == 0 {
		return nil
	}
	name := e.Name
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Millis(s.Now())
		touched := map[string]bool{}
		for _, p := range ok {
			if _, err := tx.ExecContext(ctx, "UPDATE quality_task_rows SET status = $1, resolved_at = $2 WHERE task_id = $3 AND seq = $4 AND status = $5",
				RowPassed, now, p.taskID, p.seq, RowOpen); err != nil {
				return err
			}
			touched[p.taskID] = true
		}
		for id := range touched {
			note := fmt.Sprintf("对照目录《%s》第 %d 版更新后复核通过 / rows passed after version %d of %s", name, ld.Version, ld.Version, orEN(e))
			if err := s.settleTask(ctx, tx, id, 0, note, authz.System); err != nil {
				return err
			}
		}
		return nil
	})
}

type lookedUp struct {
	found  bool
	values map[string]string
	fp     string
}

func hasProblem(ps []Problem, field string) bool {
	for _, p := range ps {
		if p.Field == field {
			return true
		}
	}
	return false
}

func (s *Service) openRows(ctx context.Context, entryID string) ([]*openRow, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT r.task_id, r.seq, r.record_key, r.field, r.rule, r.rule_id, r.fingerprint
		FROM quality_task_rows r JOIN quality_tasks t ON t.id = r.task_id
		WHERE r.entry_id = $1 AND r.status = $2 AND t.state IN ($3, $4, $5, $6) ORDER BY r.task_id, r.seq`,
		entryID, RowOpen, TaskOpen, TaskInProgress, TaskOverdue, TaskEscalated)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*openRow
	for rows.Next() {
		r := &openRow{}
		if err := rows.Scan(&r.taskID, &r.seq, &r.key, &r.field, &r.rule, &r.ruleID, &r.fingerprint); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// settleTask recounts a task's open rows and closes it when none are left.
func (s *Service) settleTask(ctx context.Context, tx *sql.Tx, id string, version int64, note string, sys *authz.Principal) error {
	t, err := s.scanTask(tx.QueryRowContext(ctx, "SELECT "+taskCols+" FROM quality_tasks WHERE id = $1"+s.DB.ForUpdate(), id))
	if err != nil {
		return err
	}
	var openN int
	// rows, not problems: a record with two failing fields is one row to correct
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(DISTINCT record_key) FROM quality_task_rows WHERE task_id = $1 AND status = $2", id, RowOpen).Scan(&openN); err != nil {
		return err
	}
	now := s.Now()
	if openN > 0 || taskMachine.isFinal(t.State) {
		_, err := tx.ExecContext(ctx, "UPDATE quality_tasks SET rows_open = $1, updated_at = $2 WHERE id = $3", openN, db.Millis(now), id)
		return err
	}
	to, err := taskMachine.next(t.State, "pass", taskCall{p: sys, attrs: t.attrs(), system: true})
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE quality_tasks SET rows_open = 0, state = $1, updated_at = $2, closed_at = $2 WHERE id = $3", to, db.Millis(now), id); err != nil {
		return err
	}
	if err := s.addEvent(ctx, tx, "quality_task", id, sys, t.OrgID, "pass", t.State, to, note, map[string]any{"version": version}, ""); err != nil {
		return err
	}
	_, err = s.Notify.Send(ctx, tx, notify.Message{OrgID: t.OrgID, Kind: "info",
		TitleZH: "整改任务已闭环：《" + t.EntryName + "》", TitleEN: "Correction task resolved: " + t.EntryName,
		BodyZH: "整改任务所列问题行已全部通过复核：" + note,
		BodyEN: "All rows of the correction task passed: " + note,
		Link:   "/quality/tasks/" + id, ObjectType: "quality_task", ObjectID: id})
	return err
}

// openTask creates the task for a load's new problem rows and tells the agency.
func (s *Service) openTask(ctx context.Context, tx *sql.Tx, e *catalog.Entry, ld Load, fresh []Problem, fps []string, ruleIDs map[string]string, untracked int) error {
	now := s.Now()
	st := s.Settings(ctx)
	due := workday.Format(s.Cal.AddWorkdays(now, st.CorrectionWorkdays))
	keys := map[string]bool{} // rows, not problems: a record with two failing fields is one row
	for _, p := range fresh {
		keys[p.Key] = true
	}
	t := Task{ID: ids.New(), EntryID: e.ID, EntryName: e.Name, OrgID: ld.OrgID, RegionCode: e.RegionCode, Version: ld.Version,
		State: TaskOpen, Due: due, RowsTotal: len(keys), RowsOpen: len(keys), Untracked: untracked}
	if _, err := tx.ExecContext(ctx, "INSERT INTO quality_tasks ("+taskCols+") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)",
		t.ID, t.EntryID, t.EntryName, t.OrgID, t.RegionCode, t.Version, t.State, t.Due, t.RowsTotal, t.RowsOpen, t.Untracked,
		db.Millis(now), db.Millis(now), int64(0)); err != nil {
		return err
	}
	for i, p := range fresh {
		dim := p.Dimension
		if _, ok := DimensionNames[dim]; !ok {
			dim = Accuracy
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO quality_task_rows (task_id, seq, entry_id, record_key, field, rule, rule_id, dimension, line,
			message_zh, message_en, masked_value, fingerprint, status, fails, last_version)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,1,$15)`, t.ID, i+1, e.ID, p.Key, p.Field, p.Rule, ruleIDs[p.Rule], dim, p.Line,
			p.ZH, p.EN, s.maskValue(e, p.Field, p.Value), fps[i], RowOpen, ld.Version); err != nil {
			return err
		}
	}
	sys := authz.System
	if err := s.addEvent(ctx, tx, "quality_task", t.ID, sys, t.OrgID, "open", "", TaskOpen,
		fmt.Sprintf("第 %d 版数据发现 %d 行问题 / %d problem rows in version %d", ld.Version, len(keys)+untracked, len(keys)+untracked, ld.Version),
		map[string]any{"entry_id": e.ID, "version": ld.Version, "rows": len(keys), "problems": len(fresh), "untracked": untracked, "due": due}, ""); err != nil {
		return err
	}
	_, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: t.OrgID, Kind: "flag",
		TitleZH: "数据整改任务：《" + e.Name + "》", TitleEN: "Correction task: " + orEN(e),
		BodyZH: fmt.Sprintf("第 %d 版数据有 %d 行问题未通过质量校验，请于 %s 前整改并重新汇聚（任一渠道）。", ld.Version, len(keys)+untracked, due),
		BodyEN: fmt.Sprintf("%d rows of version %d failed quality checks. Correct them and load them again (any channel) by %s.", len(keys)+untracked, ld.Version, due),
		Link:   "/quality/tasks/" + t.ID, ObjectType: "quality_task", ObjectID: t.ID, DedupKey: "quality.task.open:" + t.ID})
	return err
}

func orEN(e *catalog.Entry) string {
	if e.NameEN != "" {
		return e.NameEN
	}
	return e.Name
}

// ---- reading and acting on tasks ----

// TaskFilter selects tasks.
type TaskFilter struct {
	State   string // a state, or "live" for every unfinished state
	EntryID string
	OrgID   string
	Limit   int
	Offset  int
}

// Tasks lists the tasks the caller may see, newest first: its own agency's, or, for the
// authority, its region's; auditors and oversight bodies see all.
func (s *Service) Tasks(ctx context.Context, p *authz.Principal, f TaskFilter) (_ []Task, _ int, err error) {
	defer errs.Wrap(&err, "quality: Tasks")
	where, args := []string{"1=1"}, []any{}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	switch {
	case p.Has(authz.Auditor, authz.Oversight) && p.Scoped("read"):
	case p.IsAuthority() && p.Scoped("read"):
		where = append(where, "region_code LIKE "+arg(regionPrefix(p.RegionCode)+"%"))
	case p.Authenticated() && p.OrgID != "" && p.Scoped("read"):
		where = append(where, "org_id = "+arg(p.OrgID))
	default:
		if !p.Authenticated() {
			return nil, 0, apperr.Unauthenticated
		}
		return nil, 0, apperr.Forbidden
	}
	switch f.State {
	case "":
	case "live":
		where = append(where, "state IN ("+arg(TaskOpen)+","+arg(TaskInProgress)+","+arg(TaskOverdue)+","+arg(TaskEscalated)+")")
	default:
		where = append(where, "state = "+arg(f.State))
	}
	if f.EntryID != "" {
		where = append(where, "entry_id = "+arg(f.EntryID))
	}
	if f.OrgID != "" {
		where = append(where, "org_id = "+arg(f.OrgID))
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM quality_tasks WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT "+taskCols+" FROM quality_tasks WHERE "+cond+
		fmt.Sprintf(" ORDER BY created_at DESC, id DESC LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0)), args...)
	out, err := db.ScanAll(rows, err, s.scanTask)
	return out, total, err
}

// Task returns one task with its rows and history.
func (s *Service) Task(ctx context.Context, p *authz.Principal, id string) (_ Task, err error) {
	defer errs.Wrap(&err, "quality: Task(%s)", id)
	t, err := s.scanTask(s.DB.QueryRowContext(ctx, "SELECT "+taskCols+" FROM quality_tasks WHERE id = $1", id))
	if db.IsNoRows(err) {
		return t, apperr.NotFound
	}
	if err != nil {
		return t, err
	}
	if err := authz.CorrectionTask(p, authz.Read, t.attrs()); err != nil {
		return t, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT seq, record_key, field, rule, dimension, line, message_zh, message_en, masked_value, status, fails, resolved_version, resolved_at
		FROM quality_task_rows WHERE task_id = $1 ORDER BY seq`, id)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var r TaskRow
		var at int64
		if err := rows.Scan(&r.Seq, &r.Key, &r.Field, &r.Rule, &r.Dimension, &r.Line, &r.ZH, &r.EN, &r.Value, &r.Status, &r.Fails, &r.ResolvedVersion, &at); err != nil {
			return t, err
		}
		r.ResolvedAt = db.FromMillis(at)
		t.Rows = append(t.Rows, r)
	}
	if err := rows.Err(); err != nil {
		return t, err
	}
	if t.History, err = s.history(ctx, "quality_task", id); err != nil {
		return t, err
	}
	t.Actions = taskMachine.events(t.State, taskCall{p: p, attrs: t.attrs(), note: "-"})
	return t, nil
}

// TaskAction is an event a person fires on a task.
type TaskAction struct {
	Event    string `json:"event"` // acknowledge | note | extend | waive
	Note     string `json:"note,omitempty"`
	Workdays int    `json:"workdays,omitempty"` // extend: new deadline in working days from today
}

// ActOnTask fires an event on a task through the state machine, audited.
func (s *Service) ActOnTask(ctx context.Context, p *authz.Principal, id string, in TaskAction, clientIP string) (_ Task, err error) {
	defer errs.Wrap(&err, "quality: ActOnTask(%s)", id)
	in.Note = strings.TrimSpace(in.Note)
	if len([]rune(in.Note)) > 2000 {
		return Task{}, apperr.Invalid.With(apperr.Field("note", "说明不超过 2000 个字符", "the note must have at most 2000 characters"))
	}
	switch in.Event {
	case "overdue", "escalate", "pass":
		return Task{}, ErrBadEvent.With(apperr.Field("event", "此操作由系统执行", "this action is taken by the system"))
	case "extend":
		if in.Workdays < 1 || in.Workdays > 60 {
			return Task{}, apperr.Invalid.With(apperr.Field("workdays", "延期须为 1–60 个工作日", "the extension must be 1–60 working days"))
		}
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		t, err := s.scanTask(tx.QueryRowContext(ctx, "SELECT "+taskCols+" FROM quality_tasks WHERE id = $1"+s.DB.ForUpdate(), id))
		if db.IsNoRows(err) {
			return apperr.NotFound
		}
		if err != nil {
			return err
		}
		if err := authz.CorrectionTask(p, authz.Read, t.attrs()); err != nil {
			return err
		}
		to, err := taskMachine.next(t.State, in.Event, taskCall{p: p, attrs: t.attrs(), note: in.Note})
		if err != nil {
			return err
		}
		now := s.Now()
		detail := map[string]any{}
		due := t.Due
		if in.Event == "extend" {
			due = workday.Format(s.Cal.AddWorkdays(now, in.Workdays))
			detail["due"], detail["previous_due"] = due, t.Due
		}
		closed := int64(0)
		if taskMachine.isFinal(to) {
			closed = db.Millis(now)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE quality_tasks SET state = $1, due = $2, updated_at = $3, closed_at = $4 WHERE id = $5",
			to, due, db.Millis(now), closed, id); err != nil {
			return err
		}
		if to == TaskWaived {
			if _, err := tx.ExecContext(ctx, "UPDATE quality_task_rows SET status = $1, resolved_at = $2 WHERE task_id = $3 AND status = $4",
				RowDropped, db.Millis(now), id, RowOpen); err != nil {
				return err
			}
		}
		if err := s.addEvent(ctx, tx, "quality_task", id, p, t.OrgID, in.Event, t.State, to, in.Note, detail, clientIP); err != nil {
			return err
		}
		switch in.Event {
		case "extend", "waive":
			zh, en := "整改期限已延长至 "+due, "The correction deadline was extended to "+due
			if in.Event == "waive" {
				zh, en = "主管部门已核销整改任务："+in.Note, "The authority waived the correction task: "+in.Note
			}
			_, err = s.Notify.Send(ctx, tx, notify.Message{OrgID: t.OrgID, Kind: "info", TitleZH: "整改任务变更：《" + t.EntryName + "》",
				TitleEN: "Correction task changed: " + t.EntryName, BodyZH: zh, BodyEN: en, Link: "/quality/tasks/" + id, ObjectType: "quality_task", ObjectID: id})
		}
		return err
	})
	if err != nil {
		return Task{}, err
	}
	return s.Task(ctx, p, id)
}

// ---- deadlines (job) ----

// CheckDeadlines reminds agencies a working day before a task's deadline, marks tasks overdue
// once the whole due day has passed, and escalates them to the data authority after the
// configured number of further working days; the same for objections. Idempotent (DedupKey), so
// it can run on every tick.
func (s *Service) CheckDeadlines(ctx context.Context, now time.Time) (err error) {
	defer errs.Wrap(&err, "quality: CheckDeadlines")
	if err := s.taskDeadlines(ctx, now); err != nil {
		return err
	}
	return s.objectionDeadlines(ctx, now)
}

func (s *Service) taskDeadlines(ctx context.Context, now time.Time) error {
	rows, err := s.DB.QueryContext(ctx, "SELECT "+taskCols+" FROM quality_tasks WHERE state IN ($1, $2, $3) ORDER BY due, id",
		TaskOpen, TaskInProgress, TaskOverdue)
	if err != nil {
		return err
	}
	var ts []Task
	for rows.Next() {
		t, err := s.scanTask(rows)
		if err != nil {
			rows.Close()
			return err
		}
		ts = append(ts, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	st := s.Settings(ctx)
	sys := authz.System
	for _, t := range ts {
		due, err := workday.Parse(t.Due)
		if err != nil {
			continue
		}
		left := s.Cal.Remaining(due, now)
		if !workday.Overdue(due, now) {
			if left <= 1 {
				_, err := s.Notify.Send(ctx, s.DB, notify.Message{OrgID: t.OrgID, Kind: "reminder",
					TitleZH: "整改任务即将到期：《" + t.EntryName + "》", TitleEN: "Correction task due soon: " + t.EntryName,
					BodyZH: "整改期限为 " + t.Due + "，尚有 " + itoa(t.RowsOpen) + " 行未通过复核。",
					BodyEN: "Due " + t.Due + "; " + itoa(t.RowsOpen) + " rows have not passed yet.",
					Link:   "/quality/tasks/" + t.ID, ObjectType: "quality_task", ObjectID: t.ID, DedupKey: "quality.task.remind:" + t.ID + ":" + t.Due})
				if err != nil {
					return err
				}
			}
			continue
		}
		err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
			var state string
			if err := tx.QueryRowContext(ctx, "SELECT state FROM quality_tasks WHERE id = $1"+s.DB.ForUpdate(), t.ID).Scan(&state); err != nil {
				return err
			}
			call := taskCall{p: sys, attrs: t.attrs(), system: true}
			if state == TaskOpen || state == TaskInProgress {
				to, err := taskMachine.next(state, "overdue", call)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, "UPDATE quality_tasks SET state = $1, updated_at = $2 WHERE id = $3", to, db.Millis(now), t.ID); err != nil {
					return err
				}
				if err := s.addEvent(ctx, tx, "quality_task", t.ID, sys, t.OrgID, "overdue", state, to, "已超过整改期限 "+t.Due+" / past the deadline "+t.Due, nil, ""); err != nil {
					return err
				}
				if _, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: t.OrgID, Kind: "reminder",
					TitleZH: "整改任务已逾期：《" + t.EntryName + "》", TitleEN: "Correction task overdue: " + t.EntryName,
					BodyZH: "整改期限 " + t.Due + " 已过，仍有 " + itoa(t.RowsOpen) + " 行未通过复核。",
					BodyEN: "The deadline " + t.Due + " has passed; " + itoa(t.RowsOpen) + " rows have not passed yet.",
					Link:   "/quality/tasks/" + t.ID, ObjectType: "quality_task", ObjectID: t.ID, DedupKey: "quality.task.overdue:" + t.ID + ":" + t.Due}); err != nil {
					return err
				}
				state = to
			}
			if state != TaskOverdue || -left < st.EscalateAfter {
				return nil
			}
			to, err := taskMachine.next(state, "escalate", call)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE quality_tasks SET state = $1, updated_at = $2 WHERE id = $3", to, db.Millis(now), t.ID); err != nil {
				return err
			}
			auths, err := s.authorityOrgs(ctx, tx, t.RegionCode)
			if err != nil {
				return err
			}
			if err := s.addEvent(ctx, tx, "quality_task", t.ID, sys, t.OrgID, "escalate", state, to, "逾期上报主管部门 / escalated to the data authority",
				map[string]any{"authorities": auths}, ""); err != nil {
				return err
			}
			for _, a := range auths {
				if _, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: a, Kind: "escalation",
					TitleZH: "整改任务逾期未闭环：《" + t.EntryName + "》", TitleEN: "Overdue correction task: " + t.EntryName,
					BodyZH: "整改期限 " + t.Due + " 已过，" + itoa(t.RowsOpen) + " 行问题数据仍未整改，请督办。",
					BodyEN: "The deadline " + t.Due + " has passed with " + itoa(t.RowsOpen) + " rows still failing; please follow up.",
					Link:   "/quality/tasks/" + t.ID, ObjectType: "quality_task", ObjectID: t.ID, DedupKey: "quality.task.escalate:" + t.ID + ":" + t.Due + ":" + a}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}
