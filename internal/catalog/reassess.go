package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/jobs"
	"pubdata/internal/notify"
	"pubdata/internal/workday"
)

// ReassessJob lists conditional-share and non-open entries due for re-assessment (CAT-7).
func ReassessJob(s *Service, every time.Duration) jobs.Job {
	return jobs.Job{Name: "catalog.reassess", Every: every, Run: func(ctx context.Context, now time.Time) error {
		_, err := s.RunReassessment(ctx, now)
		return err
	}}
}

// Reassessment outcomes.
const (
	OutcomeKeep        = "keep"        // 维持现有共享/开放属性
	OutcomeRelax       = "relax"       // 放宽：改为无条件共享或开放（随后提交目录修订）
	OutcomeDesensitize = "desensitize" // 脱敏后可共享（NM 22）
)

// Outcomes lists the valid outcomes.
var Outcomes = []string{OutcomeKeep, OutcomeRelax, OutcomeDesensitize}

// Reassessment is one periodic re-assessment (定期评估) of a restricted entry: whether it still
// needs its conditions or can move to unconditional share or open (NM 22, NM 29, BT 30).
type Reassessment struct {
	ID        string   `json:"id"`
	EntryID   string   `json:"entry_id"`
	EntryCode string   `json:"entry_code"`
	EntryName string   `json:"entry_name"`
	OrgID     string   `json:"org_id"`
	OrgName   string   `json:"org_name"`
	DueDate   string   `json:"due_date"`
	Reason    string   `json:"reason"`
	Outcome   string   `json:"outcome,omitempty"`
	Note      string   `json:"note,omitempty"`
	DecidedBy string   `json:"decided_by,omitempty"`
	DecidedAt db.Stamp `json:"decided_at,omitempty"`
	CreatedAt db.Stamp `json:"created_at"`
	ShareType string   `json:"share_type"`
	OpenType  string   `json:"open_type"`
	// DueDate runs into a year without a holiday table (暂定, while undecided)
	workday.Mark
}

// RunReassessment opens a re-assessment for every published entry with conditional or no share,
// or conditional or no open, whose last assessment is ReassessMonths old, and tells its agency.
// It is idempotent per entry and due date.
func (s *Service) RunReassessment(ctx context.Context, now time.Time) (_ int, err error) {
	defer errs.Wrap(&err, "catalog: RunReassessment")
	cfg := s.Config(ctx)
	rows, err := s.DB.QueryContext(ctx, `SELECT id, name, provider_org_id, share_type, open_type, assessed_at, published_at FROM catalog_entries
		WHERE live = 1 AND (share_type IN ('conditional', 'none') OR open_type IN ('conditional', 'none'))`)
	if err != nil {
		return 0, err
	}
	type cand struct {
		id, name, org, share, open string
		assessed, published        int64
	}
	var cands []cand
	for rows.Next() {
		var c cand
		if err := rows.Scan(&c.id, &c.name, &c.org, &c.share, &c.open, &c.assessed, &c.published); err != nil {
			rows.Close()
			return 0, err
		}
		cands = append(cands, c)
	}
	rows.Close()
	today := workday.Date(now)
	opened := 0
	for _, c := range cands {
		base := c.assessed
		if base == 0 {
			base = c.published
		}
		if base == 0 {
			continue
		}
		due := workday.Date(db.FromMillis(base)).AddDate(0, cfg.ReassessMonths, 0)
		if due.After(today) {
			continue
		}
		dueS := workday.Format(due)
		var open int
		if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM catalog_reassessments WHERE entry_id = $1 AND (outcome = '' OR due_date = $2)", c.id, dueS).Scan(&open); err != nil {
			return opened, err
		}
		if open > 0 {
			continue
		}
		reason := fmt.Sprintf("共享属性：%s；开放属性：%s", EnumNames["share_type"][c.share][0], EnumNames["open_type"][c.open][0])
		err := s.tx(ctx, func(tx *sql.Tx) error {
			id := ids.New()
			if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_reassessments (id, entry_id, org_id, due_date, reason, created_at) VALUES ($1,$2,$3,$4,$5,$6)
				ON CONFLICT (entry_id, due_date) DO NOTHING`, id, c.id, c.org, dueS, reason, now.UnixMilli()); err != nil {
				return err
			}
			if _, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: c.org, Kind: "reminder", TitleZH: "目录定期评估：" + c.name, TitleEN: "Periodic re-assessment: " + c.name,
				BodyZH: "请评估该目录的共享、开放限制是否仍有必要；符合条件的应调整为无条件共享或开放。" + reason,
				BodyEN: "Assess whether the entry's share and open restrictions are still needed; move it to unconditional when it qualifies.",
				Link:   "/catalog/reassessments", ObjectType: "catalog_entry", ObjectID: c.id, DedupKey: "catalog.reassess:" + c.id + ":" + dueS}); err != nil {
				return err
			}
			return s.Audit.RecordAction(ctx, tx, authz.System.UserID, authz.System.Username, "", "catalog.reassess.open", "catalog_entry", c.id, map[string]any{"due": dueS})
		})
		if err != nil {
			return opened, err
		}
		opened++
	}
	return opened, nil
}

// Reassessments lists re-assessments visible to p (its agency's, or all in the authority's
// region); pendingOnly keeps the undecided ones.
func (s *Service) Reassessments(ctx context.Context, p *authz.Principal, pendingOnly bool) (_ []Reassessment, err error) {
	defer errs.Wrap(&err, "catalog: Reassessments")
	if !p.Authenticated() {
		return nil, apperr.Unauthenticated
	}
	q := `SELECT r.id, r.entry_id, e.code, e.name, r.org_id, e.region_code, r.due_date, r.reason, r.outcome, r.note, r.decided_by, r.decided_at, r.created_at, e.share_type, e.open_type
		FROM catalog_reassessments r JOIN catalog_entries e ON e.id = r.entry_id`
	if pendingOnly {
		q += " WHERE r.outcome = ''"
	}
	rows, err := s.DB.QueryContext(ctx, q+" ORDER BY r.due_date, e.code")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Reassessment
	for rows.Next() {
		var r Reassessment
		var region string
		if err := rows.Scan(&r.ID, &r.EntryID, &r.EntryCode, &r.EntryName, &r.OrgID, &region, &r.DueDate, &r.Reason, &r.Outcome, &r.Note, &r.DecidedBy, &r.DecidedAt, &r.CreatedAt, &r.ShareType, &r.OpenType); err != nil {
			return nil, err
		}
		if authz.CatalogRegistry(p, authz.Read, r.OrgID, region) != nil {
			continue
		}
		if r.Outcome == "" {
			r.Mark = s.Cal.Mark(r.DueDate, s.Now())
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		out[i].OrgName = s.orgName(ctx, out[i].OrgID)
	}
	return out, nil
}

// RecordReassessment records the agency's outcome of a re-assessment; the entry's next
// assessment is counted from now. A "relax" or "desensitize" outcome is followed by a revision of
// the entry, submitted for review like any other.
func (s *Service) RecordReassessment(ctx context.Context, p *authz.Principal, id, outcome, note string) (err error) {
	defer errs.Wrap(&err, "catalog: RecordReassessment(%s)", id)
	if !slices.Contains(Outcomes, outcome) {
		return apperr.Invalid.With(apperr.Field("outcome", "评估结论须为维持、放宽或脱敏后共享", "the outcome must be keep, relax, or share once desensitized"))
	}
	if outcome == OutcomeKeep && blank(note) {
		return apperr.Invalid.With(apperr.Field("note", "维持限制须说明理由", "keeping the restriction needs a reason"))
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		var entryID, org, done string
		if err := tx.QueryRowContext(ctx, "SELECT entry_id, org_id, outcome FROM catalog_reassessments WHERE id = $1"+s.DB.ForUpdate(), id).Scan(&entryID, &org, &done); err != nil {
			if db.IsNoRows(err) {
				return apperr.NotFound
			}
			return err
		}
		r, err := s.load(ctx, tx, entryID, true)
		if err != nil {
			return err
		}
		if err := authz.CatalogRegistry(p, authz.Update, org, r.RegionCode); err != nil {
			return err
		}
		if done != "" {
			return ErrState.With(apperr.Field("outcome", "该评估已有结论", "this re-assessment is already decided"))
		}
		now := s.Now()
		if _, err := tx.ExecContext(ctx, "UPDATE catalog_reassessments SET outcome = $1, note = $2, decided_by = $3, decided_at = $4 WHERE id = $5",
			outcome, note, actorName(p), now.UnixMilli(), id); err != nil {
			return err
		}
		r.rv.AssessedAt = db.Stamp(now.UnixMilli())
		detail := map[string]any{"outcome": outcome, "reassessment": id}
		if outcome != OutcomeKeep {
			// The outcome requires a change of the entry: the revision is due like one after a
			// change of legal basis (NM 11: 15 working days), reminded and escalated by the
			// catalog deadline job; submitting the revision fulfils it.
			due := workday.Format(s.Cal.AddWorkdays(now, s.Config(ctx).UpdateDays))
			what := map[string]string{OutcomeRelax: "定期评估结论：放宽共享/开放属性", OutcomeDesensitize: "定期评估结论：脱敏后共享"}[outcome]
			r.rv.LegalChangeAt, r.rv.LegalChangeNote, r.rv.UpdateDue = db.Stamp(now.UnixMilli()), strings.TrimSpace(what+"。"+note), due
			detail["update_due"] = due
		}
		if err := s.save(ctx, tx, &r, false); err != nil {
			return err
		}
		return s.event(ctx, tx, p, entryID, "reassess", r.Status, r.Status, note, detail)
	})
}
