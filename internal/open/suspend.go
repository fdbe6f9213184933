package open

import (
	"context"
	"database/sql"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
)

// Suspension causes (暂停开放的原因类别); each has a label in internal/vocab.
const (
	CauseComplaint = "complaint" // a rights complaint (权益投诉, OPN-5)
	CauseSanction  = "sanction"  // a sanction or supervision decision
	CauseProvider  = "provider"  // the provider's own decision (verification, correction)
)

// Suspension is one suspension of a dataset's opening (暂停开放). While one is in force every
// download, preview and API call of the dataset is refused with its reason.
type Suspension struct {
	ID        string `json:"id"`
	EntryID   string `json:"entry_id"`
	Cause     string `json:"cause"`
	Reason    string `json:"reason"`
	RefID     string `json:"ref_id,omitempty"` // the complaint or decision it answers
	ActorID   string `json:"actor_id"`
	ActorName string `json:"actor_name"`
	CreatedAt int64  `json:"created_at"` // Unix ms
	LiftedAt  int64  `json:"lifted_at,omitempty"`
	LiftedBy  string `json:"lifted_by,omitempty"`
	LiftNote  string `json:"lift_note,omitempty"`
}

// SuspendInput names why a dataset is suspended.
type SuspendInput struct {
	Cause  string `json:"cause"`  // complaint | sanction | provider
	Reason string `json:"reason"` // shown to every caller refused
	RefID  string `json:"ref_id"` // e.g. the complaint id
}

// Suspend suspends a dataset's opening at once (OPN-5: "immediately suspends"): authz.Open
// OpenSuspend (provider approver or security officer, the authority). A dataset may carry several
// suspensions (a complaint and a sanction); it is open again when every one is lifted. Audited in
// the same transaction. Workflows that suspend on their own (a complaint filed by the public)
// call SuspendAs with authz.System.
func (s *Service) Suspend(ctx context.Context, p *authz.Principal, entryID string, in SuspendInput) (_ Suspension, err error) {
	defer errs.Wrap(&err, "open: Suspend(%s)", entryID)
	e, err := s.Catalog.Published(ctx, entryID)
	if err != nil {
		return Suspension{}, apperr.NotFound
	}
	if err := authz.Open(p, authz.OpenSuspend, attrsOf(&e, false)); err != nil {
		return Suspension{}, err
	}
	return s.SuspendAs(ctx, p, entryID, in)
}

// SuspendAs is Suspend without the authorization decision, for workflows that decided already
// (the complaint workflow suspends on filing, as OPN-5 requires, with p = the filer or
// authz.System).
func (s *Service) SuspendAs(ctx context.Context, p *authz.Principal, entryID string, in SuspendInput) (_ Suspension, err error) {
	defer errs.Wrap(&err, "open: SuspendAs(%s)", entryID)
	var fe []apperr.FieldError
	switch in.Cause {
	case CauseComplaint, CauseSanction, CauseProvider:
	default:
		fe = append(fe, apperr.Field("cause", "原因类别须为权益投诉、处理决定或提供部门自查", "the cause must be a rights complaint, a sanction or the provider's own review"))
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" {
		fe = append(fe, apperr.Field("reason", "请说明暂停开放的理由（将向调用方显示）", "state the reason (it is shown to callers)"))
	} else if len([]rune(in.Reason)) > 500 {
		fe = append(fe, apperr.Field("reason", "理由不能超过 500 个字", "reason must be at most 500 characters"))
	}
	if err := apperr.Validation(fe); err != nil {
		return Suspension{}, err
	}
	sp := Suspension{ID: ids.New(), EntryID: entryID, Cause: in.Cause, Reason: in.Reason, RefID: strings.TrimSpace(in.RefID),
		ActorID: p.UserID, ActorName: name(p), CreatedAt: db.Millis(s.now())}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO open_suspensions (id, entry_id, cause, reason, ref_id, actor_id, actor_name, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, sp.ID, sp.EntryID, sp.Cause, sp.Reason, sp.RefID, sp.ActorID, sp.ActorName, sp.CreatedAt); err != nil {
			return err
		}
		if s.OnSuspension != nil {
			if err := s.OnSuspension(ctx, tx, entryID, true, sp.Reason); err != nil {
				return err
			}
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: name(p), OrgID: p.OrgID, Action: "open.suspend",
			ObjectType: "catalog_entry", ObjectID: entryID, Detail: map[string]any{"suspension": sp.ID, "cause": sp.Cause, "reason": sp.Reason, "ref_id": sp.RefID}})
	})
	if err != nil {
		return Suspension{}, err
	}
	s.dropExports(entryID) // refused from now on anyway (begin); what is re-opened is re-derived
	return sp, nil
}

// Restore lifts one suspension (suspensionID) or, with suspensionID empty, every suspension of
// the dataset: same roles as Suspend; the note says what was verified or done. Audited.
func (s *Service) Restore(ctx context.Context, p *authz.Principal, entryID, suspensionID, note string) (err error) {
	defer errs.Wrap(&err, "open: Restore(%s, %s)", entryID, suspensionID)
	e, err := s.Catalog.Published(ctx, entryID)
	if err != nil {
		return apperr.NotFound
	}
	if err := authz.Open(p, authz.OpenSuspend, attrsOf(&e, false)); err != nil {
		return err
	}
	return s.RestoreAs(ctx, p, entryID, suspensionID, note)
}

// RestoreAs is Restore without the authorization decision (workflows that decided already).
func (s *Service) RestoreAs(ctx context.Context, p *authz.Principal, entryID, suspensionID, note string) (err error) {
	defer errs.Wrap(&err, "open: RestoreAs(%s, %s)", entryID, suspensionID)
	note = strings.TrimSpace(note)
	if note == "" {
		return apperr.Invalid.With(apperr.Field("note", "请说明恢复开放的依据（核实结果或处理情况）", "state why opening is restored (what was verified or done)"))
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		q := "UPDATE open_suspensions SET lifted_at = $1, lifted_by = $2, lift_note = $3 WHERE entry_id = $4 AND lifted_at = 0"
		args := []any{db.Millis(s.now()), name(p), note, entryID}
		if suspensionID != "" {
			q += " AND id = $5"
			args = append(args, suspensionID)
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return apperr.Conflict.With(apperr.Field("suspension", "该数据集没有生效中的暂停", "the dataset has no suspension in force"))
		}
		if s.OnSuspension != nil {
			var left int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM open_suspensions WHERE entry_id = $1 AND lifted_at = 0", entryID).Scan(&left); err != nil {
				return err
			}
			if left == 0 { // open again: no other suspension (a sanction, another complaint) holds
				if err := s.OnSuspension(ctx, tx, entryID, false, note); err != nil {
					return err
				}
			}
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: name(p), OrgID: p.OrgID, Action: "open.restore",
			ObjectType: "catalog_entry", ObjectID: entryID, Detail: map[string]any{"suspension": suspensionID, "note": note}})
	})
}

// Suspended returns the suspensions in force on a dataset (none: it is open), newest first.
func (s *Service) Suspended(ctx context.Context, entryID string) (_ []Suspension, err error) {
	defer errs.Wrap(&err, "open: Suspended(%s)", entryID)
	return s.suspensions(ctx, "entry_id = $1 AND lifted_at = 0", entryID)
}

// Suspensions lists every suspension of a dataset, lifted or not, newest first (at most 100).
func (s *Service) Suspensions(ctx context.Context, entryID string) (_ []Suspension, err error) {
	defer errs.Wrap(&err, "open: Suspensions(%s)", entryID)
	return s.suspensions(ctx, "entry_id = $1", entryID)
}

func (s *Service) suspensions(ctx context.Context, cond, entryID string) ([]Suspension, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id, entry_id, cause, reason, ref_id, actor_id, actor_name, created_at, lifted_at, lifted_by, lift_note
		FROM open_suspensions WHERE `+cond+` ORDER BY created_at DESC, id DESC LIMIT 100`, entryID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Suspension
	for rows.Next() {
		var x Suspension
		if err := rows.Scan(&x.ID, &x.EntryID, &x.Cause, &x.Reason, &x.RefID, &x.ActorID, &x.ActorName, &x.CreatedAt, &x.LiftedAt, &x.LiftedBy, &x.LiftNote); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// checkSuspended refuses a call on a suspended dataset with the reason (every data path calls it,
// reading the database each time so a suspension takes effect at once on every node).
func (s *Service) checkSuspended(ctx context.Context, entryID string) error {
	var reason string
	err := s.DB.QueryRowContext(ctx, "SELECT reason FROM open_suspensions WHERE entry_id = $1 AND lifted_at = 0 ORDER BY created_at DESC LIMIT 1", entryID).Scan(&reason)
	if db.IsNoRows(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return ErrSuspended.With(apperr.Field("reason", "暂停原因："+reason, "reason: "+reason))
}

func name(p *authz.Principal) string {
	if p == nil {
		return ""
	}
	if p.DisplayName != "" {
		return p.DisplayName
	}
	return p.Username
}

// SuspensionsFor lists a dataset's suspensions for its provider, the authority covering its
// region, auditors and oversight bodies (authz.Open Read).
func (s *Service) SuspensionsFor(ctx context.Context, p *authz.Principal, entryID string) (_ []Suspension, err error) {
	defer errs.Wrap(&err, "open: SuspensionsFor(%s)", entryID)
	e, err := s.Catalog.Published(ctx, entryID)
	if err != nil {
		return nil, apperr.NotFound
	}
	if err := authz.Open(p, authz.Read, attrsOf(&e, false)); err != nil {
		return nil, err
	}
	list, err := s.Suspensions(ctx, entryID)
	if list == nil {
		list = []Suspension{}
	}
	return list, err
}
