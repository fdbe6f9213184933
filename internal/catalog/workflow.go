package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
	"pubdata/internal/ids"
	"pubdata/internal/notify"
	"pubdata/internal/workday"
)

// Workflow events (CAT-5).
const (
	EvUpdate   = "update"   // edit the working copy (a published entry becomes a draft revision)
	EvSubmit   = "submit"   // 提交审核
	EvRecall   = "recall"   // 撤回提交
	EvApprove  = "approve"  // 审核通过（发布，或同意下线）
	EvReturn   = "return"   // 退回（或驳回下线申请）
	EvWithdraw = "withdraw" // 申请下线
)

// machine is the review workflow as one table: (state, event) → state. A published entry keeps
// its published version in force while a revision is drafted, submitted or returned; withdrawal
// needs the authority's approval like publication does.
var machine = map[Status]map[string]Status{
	StatusDraft:       {EvUpdate: StatusDraft, EvSubmit: StatusSubmitted},
	StatusReturned:    {EvUpdate: StatusDraft, EvSubmit: StatusSubmitted},
	StatusSubmitted:   {EvApprove: StatusPublished, EvReturn: StatusReturned, EvRecall: StatusDraft},
	StatusPublished:   {EvUpdate: StatusDraft, EvWithdraw: StatusWithdrawing},
	StatusWithdrawing: {EvApprove: StatusWithdrawn, EvReturn: StatusPublished},
	StatusWithdrawn:   {EvUpdate: StatusDraft},
}

// Next returns the state an event leads to from a state, or an error naming both.
func Next(from Status, ev string) (Status, error) {
	if to, ok := machine[from][ev]; ok {
		return to, nil
	}
	return "", ErrState.With(apperr.Field("status", fmt.Sprintf("状态“%s”下不能执行“%s”", StatusName(from, "zh"), ev),
		fmt.Sprintf("cannot %s an entry in state %q", ev, from)))
}

// Allowed lists the events possible from a state (for the UI).
func Allowed(from Status) []string {
	var out []string
	for _, ev := range []string{EvUpdate, EvSubmit, EvRecall, EvApprove, EvReturn, EvWithdraw} {
		if _, ok := machine[from][ev]; ok {
			out = append(out, ev)
		}
	}
	return out
}

// StatusName is a status in Chinese or English.
func StatusName(st Status, lang string) string {
	n := map[Status][2]string{
		StatusDraft: {"草稿", "Draft"}, StatusSubmitted: {"待审核", "Submitted"}, StatusPublished: {"已发布", "Published"},
		StatusReturned: {"已退回", "Returned"}, StatusWithdrawn: {"已下线", "Withdrawn"}, StatusWithdrawing: {"下线待审核", "Withdrawal pending"},
	}[st]
	if lang == "en" {
		return n[1]
	}
	return n[0]
}

// prepare normalizes and validates an entry for p's write, checking referenced organizations.
func (s *Service) prepare(ctx context.Context, e *Entry, cfg Config) error {
	Normalize(e)
	fe := Validate(e, cfg)
	check := func(field, id string) {
		if id == "" {
			return
		}
		if _, ok := s.org(ctx, s.DB, id); !ok {
			fe = append(fe, apperr.Field(field, "机构不存在："+id, "no such organization: "+id))
		}
	}
	check("source_org_id", e.SourceOrgID)
	for i, o := range e.CollectingOrgs {
		check(fmt.Sprintf("collecting_orgs[%d]", i), o)
	}
	for i, o := range e.ApprovingOrgs {
		check(fmt.Sprintf("approving_orgs[%d]", i), o)
	}
	for i, f := range e.Fields {
		check(fieldPath("fields", i, "source_org_id"), f.SourceOrgID)
	}
	pe, err := s.protection(ctx, s.DB, e)
	if err != nil {
		return err
	}
	return apperr.Validation(append(fe, pe...))
}

// providerOf resolves the provider agency and fixes the entry's region to the provider's.
func (s *Service) providerOf(ctx context.Context, p *authz.Principal, e *Entry) error {
	if e.ProviderOrgID == "" {
		e.ProviderOrgID = p.OrgID
	}
	o, ok := s.org(ctx, s.DB, e.ProviderOrgID)
	if !ok {
		return apperr.Invalid.With(apperr.Field("provider_org_id", "资源提供部门不存在", "the provider agency does not exist"))
	}
	if !authz.OrgKind(o.Kind).IsDataHolder() {
		return apperr.Invalid.With(apperr.Field("provider_org_id", "该机构不是公共数据提供部门", "this organization does not hold public data"))
	}
	e.RegionCode = o.Region
	return nil
}

// Create drafts a new entry for the provider agency (CAT-2). The caller must be a data officer
// of the provider; the entry is validated against CAT-2/3/4 and refused with every problem named.
// Warnings (e.g. a field already published by another agency, CAT-8) come back on the entry.
func (s *Service) Create(ctx context.Context, p *authz.Principal, e Entry) (_ Entry, err error) {
	defer errs.Wrap(&err, "catalog: Create")
	if err := s.providerOf(ctx, p, &e); err != nil {
		return Entry{}, err
	}
	if err := authz.CatalogEntry(p, authz.Create, authz.CatalogAttrs{ProviderOrgID: e.ProviderOrgID, RegionCode: e.RegionCode}); err != nil {
		return Entry{}, err
	}
	cfg := s.Config(ctx)
	if err := s.prepare(ctx, &e, cfg); err != nil {
		return Entry{}, err
	}
	now := s.Now().UnixMilli()
	e.ID, e.Status, e.Version, e.PublishedAt, e.CreatedAt, e.UpdatedAt = ids.New(), StatusDraft, 0, 0, db.Stamp(now), db.Stamp(now)
	r := row{Entry: e}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := s.assignCode(ctx, tx, &r.Entry); err != nil {
			return err
		}
		if err := s.save(ctx, tx, &r, true); err != nil {
			return err
		}
		return s.event(ctx, tx, p, r.ID, "create", "", StatusDraft, "", map[string]any{"code": r.Code, "name": r.Name})
	})
	if err != nil {
		return Entry{}, err
	}
	out, err := s.Get(ctx, r.ID)
	if err != nil {
		return Entry{}, err
	}
	out.Warnings = s.DuplicateWarnings(ctx, out)
	return out, nil
}

// Update replaces the working copy of an entry (fields, types, conditions …). The provider,
// region and code stay; a published entry becomes a draft revision while its published version
// stays in force until the revision is approved.
func (s *Service) Update(ctx context.Context, p *authz.Principal, e Entry) (_ Entry, err error) {
	defer errs.Wrap(&err, "catalog: Update")
	cfg := s.Config(ctx)
	cur, err := s.load(ctx, s.DB, e.ID, false)
	if err != nil {
		return Entry{}, err
	}
	if err := authz.CatalogEntry(p, authz.Update, attrsOf(cur)); err != nil {
		return Entry{}, err
	}
	e.ProviderOrgID, e.RegionCode = cur.ProviderOrgID, cur.RegionCode
	if e.Code == "" {
		e.Code = cur.Code
	}
	if err := s.prepare(ctx, &e, cfg); err != nil {
		return Entry{}, err
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		r, err := s.load(ctx, tx, e.ID, true)
		if err != nil {
			return err
		}
		to, err := Next(r.Status, EvUpdate)
		if err != nil {
			return err
		}
		from := r.Status
		e.Status, e.Version, e.PublishedAt, e.CreatedAt, e.UpdatedAt = to, r.Version, r.PublishedAt, r.CreatedAt, db.Stamp(s.Now().UnixMilli())
		r.Entry = e
		if err := s.save(ctx, tx, &r, false); err != nil {
			return err
		}
		return s.event(ctx, tx, p, r.ID, EvUpdate, from, to, "", nil)
	})
	if err != nil {
		return Entry{}, err
	}
	out, err := s.Get(ctx, e.ID)
	if err != nil {
		return Entry{}, err
	}
	out.Warnings = s.DuplicateWarnings(ctx, out)
	return out, nil
}

// Submit sends a draft (or returned) entry to the authority for review. The review is due
// ReviewDays (5) working days after the day of submission; submitting also fulfils a pending
// update after a legal change.
func (s *Service) Submit(ctx context.Context, p *authz.Principal, id string) (err error) {
	defer errs.Wrap(&err, "catalog: Submit(%s)", id)
	cfg := s.Config(ctx)
	return s.step(ctx, p, id, authz.Submit, EvSubmit, func(tx *sql.Tx, r *row, to Status) error {
		fe := Validate(&r.Entry, cfg)
		pe, err := s.protection(ctx, tx, &r.Entry)
		if err != nil {
			return err
		}
		if fe = append(fe, pe...); len(fe) > 0 {
			return apperr.Validation(fe)
		}
		from, now := r.Status, s.Now()
		due := workday.Format(s.Cal.AddWorkdays(now, cfg.ReviewDays))
		r.Status, r.UpdatedAt = to, db.Stamp(now.UnixMilli())
		r.rv.SubmittedAt, r.rv.ReviewDue, r.rv.ReturnReasons, r.rv.UpdateDue = db.Stamp(now.UnixMilli()), due, "", ""
		if err := s.save(ctx, tx, r, false); err != nil {
			return err
		}
		if err := s.event(ctx, tx, p, id, EvSubmit, from, to, "", map[string]any{"review_due": due}); err != nil {
			return err
		}
		return s.notifyAuthority(ctx, tx, *r, "info", "目录待审核："+r.Name, "Catalog entry to review: "+r.Name,
			fmt.Sprintf("%s 提交了目录“%s”，请于 %s 前完成审核。", s.orgName(ctx, r.ProviderOrgID), r.Name, due),
			fmt.Sprintf("%s submitted “%s”; review it by %s.", s.orgName(ctx, r.ProviderOrgID), r.Name, due), "")
	})
}

// Recall takes a submitted entry back to draft before the authority decides.
func (s *Service) Recall(ctx context.Context, p *authz.Principal, id string) (err error) {
	defer errs.Wrap(&err, "catalog: Recall(%s)", id)
	return s.step(ctx, p, id, authz.Submit, EvRecall, func(tx *sql.Tx, r *row, to Status) error {
		from := r.Status
		r.Status, r.UpdatedAt, r.rv.SubmittedAt, r.rv.ReviewDue = to, db.Stamp(s.Now().UnixMilli()), 0, ""
		if err := s.save(ctx, tx, r, false); err != nil {
			return err
		}
		return s.event(ctx, tx, p, id, EvRecall, from, to, "", nil)
	})
}

// Approve is the authority's positive decision: a submitted entry is published as the next
// version (every version is kept); a withdrawal request takes the entry off the catalog (下线).
func (s *Service) Approve(ctx context.Context, p *authz.Principal, id string, note string) (err error) {
	defer errs.Wrap(&err, "catalog: Approve(%s)", id)
	return s.step(ctx, p, id, authz.Review, EvApprove, func(tx *sql.Tx, r *row, to Status) error {
		if to == StatusPublished { // an override revoked since submission, or a region rule tightened
			pe, err := s.protection(ctx, tx, &r.Entry)
			if err != nil {
				return err
			}
			if err := apperr.Validation(pe); err != nil {
				return err
			}
		}
		from, now := r.Status, s.Now()
		r.rv.SubmittedAt, r.rv.ReviewDue, r.rv.ReturnReasons = 0, "", ""
		r.Status, r.UpdatedAt = to, db.Stamp(now.UnixMilli())
		ev, title, titleEN := EvApprove, "目录已发布："+r.Name, "Catalog entry published: "+r.Name
		if to == StatusWithdrawn {
			r.rv.Live = false
			ev, title, titleEN = "withdraw_approve", "目录已下线："+r.Name, "Catalog entry withdrawn: "+r.Name
		} else {
			r.Version++
			r.PublishedAt = db.Stamp(now.UnixMilli())
			r.rv.Live = true
			if r.rv.AssessedAt == 0 {
				r.rv.AssessedAt = db.Stamp(now.UnixMilli())
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO catalog_versions (entry_id, version, data, published_at, approved_by, note)
				VALUES ($1,$2,$3,$4,$5,$6)`, r.ID, r.Version, content(r.Entry), r.PublishedAt, actorName(p), note); err != nil {
				return err
			}
		}
		if err := s.save(ctx, tx, r, false); err != nil {
			return err
		}
		if err := s.refreshDerived(ctx, tx, r.Entry, r.rv.Live); err != nil {
			return err
		}
		if err := s.event(ctx, tx, p, id, ev, from, to, note, map[string]any{"version": r.Version}); err != nil {
			return err
		}
		_, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: r.ProviderOrgID, Kind: "info", TitleZH: title, TitleEN: titleEN,
			BodyZH: note, BodyEN: note, Link: entryLink(id), ObjectType: "catalog_entry", ObjectID: id})
		return err
	})
}

// Return sends a submitted entry back to its agency with reasons; on a withdrawal request it
// refuses the withdrawal (the entry stays published).
func (s *Service) Return(ctx context.Context, p *authz.Principal, id, reasons string) (err error) {
	defer errs.Wrap(&err, "catalog: Return(%s)", id)
	if blank(reasons) {
		return apperr.Invalid.With(apperr.Field("reasons", "退回须说明理由", "returning needs reasons"))
	}
	return s.step(ctx, p, id, authz.Review, EvReturn, func(tx *sql.Tx, r *row, to Status) error {
		from := r.Status
		r.Status, r.UpdatedAt, r.rv.SubmittedAt, r.rv.ReviewDue = to, db.Stamp(s.Now().UnixMilli()), 0, ""
		ev := EvReturn
		if from == StatusWithdrawing {
			ev, r.rv.WithdrawReason = "withdraw_reject", ""
		} else {
			r.rv.ReturnReasons = reasons
		}
		if err := s.save(ctx, tx, r, false); err != nil {
			return err
		}
		if err := s.event(ctx, tx, p, id, ev, from, to, reasons, nil); err != nil {
			return err
		}
		_, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: r.ProviderOrgID, Kind: "info", TitleZH: "目录被退回：" + r.Name,
			TitleEN: "Catalog entry returned: " + r.Name, BodyZH: reasons, BodyEN: reasons, Link: entryLink(id), ObjectType: "catalog_entry", ObjectID: id})
		return err
	})
}

// RequestWithdrawal asks the authority to take a published entry off the catalog (下线).
func (s *Service) RequestWithdrawal(ctx context.Context, p *authz.Principal, id, reason string) (err error) {
	defer errs.Wrap(&err, "catalog: RequestWithdrawal(%s)", id)
	if blank(reason) {
		return apperr.Invalid.With(apperr.Field("reason", "申请下线须说明理由", "a withdrawal needs a reason"))
	}
	cfg := s.Config(ctx)
	return s.step(ctx, p, id, authz.Withdraw, EvWithdraw, func(tx *sql.Tx, r *row, to Status) error {
		from, now := r.Status, s.Now()
		due := workday.Format(s.Cal.AddWorkdays(now, cfg.ReviewDays))
		r.Status, r.UpdatedAt = to, db.Stamp(now.UnixMilli())
		r.rv.SubmittedAt, r.rv.ReviewDue, r.rv.WithdrawReason = db.Stamp(now.UnixMilli()), due, reason
		if err := s.save(ctx, tx, r, false); err != nil {
			return err
		}
		if err := s.event(ctx, tx, p, id, EvWithdraw, from, to, reason, map[string]any{"review_due": due}); err != nil {
			return err
		}
		return s.notifyAuthority(ctx, tx, *r, "info", "目录下线申请："+r.Name, "Withdrawal request: "+r.Name,
			reason+"（请于 "+due+" 前审核）", reason+" (decide by "+due+")", "")
	})
}

// RecordLegalChange records that the legal basis or duties behind an entry changed; the agency
// must update the entry within UpdateDays (15) working days (CAT-5). Submitting the update
// fulfils it.
func (s *Service) RecordLegalChange(ctx context.Context, p *authz.Principal, id, note string) (err error) {
	defer errs.Wrap(&err, "catalog: RecordLegalChange(%s)", id)
	if blank(note) {
		return apperr.Invalid.With(apperr.Field("note", "请说明法律依据或职能的变化", "describe the change of legal basis or duties"))
	}
	cfg := s.Config(ctx)
	return s.tx(ctx, func(tx *sql.Tx) error {
		r, err := s.load(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := authz.CatalogEntry(p, authz.Update, attrsOf(r)); err != nil {
			return err
		}
		now := s.Now()
		due := workday.Format(s.Cal.AddWorkdays(now, cfg.UpdateDays))
		r.rv.LegalChangeAt, r.rv.LegalChangeNote, r.rv.UpdateDue = db.Stamp(now.UnixMilli()), note, due
		if err := s.save(ctx, tx, &r, false); err != nil {
			return err
		}
		return s.event(ctx, tx, p, id, "legal_change", r.Status, r.Status, note, map[string]any{"update_due": due})
	})
}

func entryLink(id string) string { return "/catalog/entries/" + id }

// notifyAuthority sends a message to the authority reviewing the entry's region.
func (s *Service) notifyAuthority(ctx context.Context, tx db.Q, r row, kind, title, titleEN, body, bodyEN, dedup string) error {
	auth := s.authorityFor(ctx, tx, r.RegionCode)
	if auth == "" {
		return nil
	}
	_, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: auth, Kind: kind, TitleZH: title, TitleEN: titleEN, BodyZH: body, BodyEN: bodyEN,
		Link: entryLink(r.ID), ObjectType: "catalog_entry", ObjectID: r.ID, DedupKey: dedup})
	return err
}

// attrDigit is the first digit of a classification code: 1 base, 2 subject, 3 department.
func attrDigit(attr string) string {
	switch attr {
	case AttrBase:
		return "1"
	case AttrSubject:
		return "2"
	}
	return "3"
}

// ClassCode is an entry's classification code: resource attribute digit + topic code.
func ClassCode(e *Entry) string {
	t := e.Topic
	if t == "" {
		t = "00"
	}
	return attrDigit(e.ResourceAttr) + t
}

// assignCode gives an entry without a code the next sequence under its classification code in
// its region; a given code is kept (the unique index refuses a duplicate).
func (s *Service) assignCode(ctx context.Context, tx db.Q, e *Entry) error {
	if e.Code != "" {
		return nil
	}
	prefix := ClassCode(e) + "-"
	var last string
	err := tx.QueryRowContext(ctx, "SELECT code FROM catalog_entries WHERE region_code = $1 AND code LIKE $2 ORDER BY code DESC LIMIT 1",
		e.RegionCode, prefix+"%").Scan(&last)
	if err != nil && !db.IsNoRows(err) {
		return err
	}
	n := 0
	if last != "" {
		n, _ = strconv.Atoi(strings.TrimPrefix(last, prefix))
	}
	e.Code = fmt.Sprintf("%s%06d", prefix, n+1)
	return nil
}

// Check validates a draft without saving it, for live feedback while editing: the rule
// violations (each naming its field) and the warnings (duplicate collection, source registry).
func (s *Service) Check(ctx context.Context, p *authz.Principal, e Entry) (_ []apperr.FieldError, _ []Warning, err error) {
	defer errs.Wrap(&err, "catalog: Check")
	if e.ID != "" {
		cur, err := s.load(ctx, s.DB, e.ID, false)
		if err != nil {
			return nil, nil, err
		}
		e.ProviderOrgID, e.RegionCode = cur.ProviderOrgID, cur.RegionCode
	} else if err := s.providerOf(ctx, p, &e); err != nil {
		return apperr.As(err).Fields, nil, nil
	}
	if err := authz.CatalogEntry(p, authz.Read, authz.CatalogAttrs{ProviderOrgID: e.ProviderOrgID, RegionCode: e.RegionCode}); err != nil {
		return nil, nil, err
	}
	var fe []apperr.FieldError
	if err := s.prepare(ctx, &e, s.Config(ctx)); err != nil {
		fe = apperr.As(err).Fields
	}
	return fe, s.DuplicateWarnings(ctx, e), nil
}

// step is one transition of the review workflow: it loads the entry for update, checks that
// the caller may do act on it, finds where event ev leads from its state (the table in Next),
// and runs fn in the same transaction.
func (s *Service) step(ctx context.Context, p *authz.Principal, id string, act authz.Action, ev string, fn func(tx *sql.Tx, r *row, to Status) error) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		r, err := s.load(ctx, tx, id, true)
		if err != nil {
			return err
		}
		at := attrsOf(r)
		if act == authz.Review {
			if at.Authors, err = s.authors(ctx, tx, id); err != nil {
				return err
			}
		}
		if err := authz.CatalogEntry(p, act, at); err != nil {
			return err
		}
		to, err := Next(r.Status, ev)
		if err != nil {
			return err
		}
		return fn(tx, &r, to)
	})
}

// authorEvents are the workflow events whose actors authored an entry: drafting, editing,
// importing, submitting and asking to withdraw it. Separation of duties (职责分离) keeps those
// people from reviewing it, whatever roles they also hold.
var authorEvents = []string{"create", EvUpdate, "import", EvSubmit, EvWithdraw, "legal_change"}

// authors lists the users who authored entry id (at most a bounded number of events are read).
func (s *Service) authors(ctx context.Context, q db.Q, id string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT actor_id FROM catalog_events WHERE entry_id = $1 AND actor_id <> ''
		AND event IN ($2, $3, $4, $5, $6, $7) LIMIT 1000`, id, authorEvents[0], authorEvents[1], authorEvents[2], authorEvents[3], authorEvents[4], authorEvents[5])
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		if a != authz.System.UserID {
			out = append(out, a)
		}
	}
	return out, rows.Err()
}
