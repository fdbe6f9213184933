package share

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/ids"
	"pubdata/internal/mask"
	"pubdata/internal/notify"
	"pubdata/internal/workday"
)

// maxYears bounds an end date: a grant is renewed by a new request, not granted open-ended.
const maxYears = 3

// entryFor reads the published entry a request names, as a field error when it is not there.
func (s *Service) entryFor(ctx context.Context, id string) (catalog.Entry, *apperr.FieldError) {
	if strings.TrimSpace(id) == "" {
		fe := apperr.Field("entry_id", "请选择要申请的数据资源", "choose the catalog entry to request")
		return catalog.Entry{}, &fe
	}
	e, err := s.Catalog.Published(ctx, id)
	if err != nil {
		var ae *apperr.Error
		if errors.As(err, &ae) && ae.Status < 500 {
			fe := apperr.Field("entry_id", "该数据资源不存在或未发布，不能申请共享", "the catalog entry does not exist or is not published; it cannot be requested")
			return e, &fe
		}
		fe := apperr.Field("entry_id", "暂时无法读取该数据资源", "the catalog entry cannot be read at the moment")
		return e, &fe
	}
	if e.Status != "" && e.Status != catalog.StatusPublished && e.Version == 0 {
		fe := apperr.Field("entry_id", "该数据资源未发布，不能申请共享", "the catalog entry is not published; it cannot be requested")
		return e, &fe
	}
	return e, nil
}

// providerOrgs are the agencies entitled to decide on an entry: its source agency (数源部门)
// first, then the provider.
func providerOrgs(e *catalog.Entry) []string {
	var out []string
	if e.SourceOrgID != "" {
		out = append(out, e.SourceOrgID)
	}
	if e.ProviderOrgID != "" && e.ProviderOrgID != e.SourceOrgID {
		out = append(out, e.ProviderOrgID)
	}
	return out
}

// NeedsMask tells whether a field is desensitized when shared (SEC-2): its kind has a masking
// rule and the catalog's grading policy masks it (catalog.Masked: core or important data, or a
// field above L1, where a personal kind's level counts below its default only with a reason).
func NeedsMask(e *catalog.Entry, f *catalog.Field, rules mask.Rules) bool {
	if _, ok := rules[f.Kind]; !ok {
		return false
	}
	return catalog.Masked(e, f)
}

// fieldShareType is the stricter of the entry's and the field's share type.
func fieldShareType(e *catalog.Entry, f *catalog.Field) catalog.ShareType {
	rank := map[catalog.ShareType]int{catalog.ShareUnconditional: 0, "": 0, catalog.ShareConditional: 1, catalog.ShareNone: 2}
	t := e.ShareType
	if rank[f.ShareType] > rank[t] {
		t = f.ShareType
	}
	return t
}

// checkFields validates a field selection against an entry: every field exists, none repeats,
// data requests take no not-shared field (负面清单), clear values only for selected fields.
func checkFields(e *catalog.Entry, kind Kind, fields, clear []string, key string) []apperr.FieldError {
	var fe []apperr.FieldError
	if len(fields) == 0 {
		fe = append(fe, apperr.Field(key, "至少选择一个信息项（按最小够用原则）", "choose at least one field (only what the use needs)"))
	}
	seen := map[string]bool{}
	for _, name := range fields {
		f, ok := e.Field(name)
		switch {
		case !ok:
			fe = append(fe, apperr.Field(key, fmt.Sprintf("信息项 %q 不存在于该数据资源", name), fmt.Sprintf("field %q does not exist in this entry", name)))
		case seen[name]:
			fe = append(fe, apperr.Field(key, fmt.Sprintf("信息项 %q 重复", name), fmt.Sprintf("field %q is listed twice", name)))
		case kind == KindData && fieldShareType(e, &f) == catalog.ShareNone:
			fe = append(fe, apperr.Field(key, fmt.Sprintf("信息项 %q 不予共享（负面清单），只能申请核验比对", name), fmt.Sprintf("field %q is not shared (negative list); only verification can be requested", name)))
		}
		seen[name] = true
	}
	for _, name := range clear {
		if !slices.Contains(fields, name) {
			fe = append(fe, apperr.Field("clear_fields", fmt.Sprintf("明文信息项 %q 不在所选信息项中", name), fmt.Sprintf("clear-value field %q is not among the chosen fields", name)))
		}
	}
	return fe
}

// needsDecision tells whether filing must wait for the source agency: the entry or a chosen
// field is conditional or not shared (verification), or clear values are wanted for a field
// that is otherwise masked — clear values are only ever decided by a person (SEC-2).
func (s *Service) needsDecision(e *catalog.Entry, kind Kind, fields, clear []string) bool {
	if e.ShareType != catalog.ShareUnconditional {
		return true
	}
	for _, name := range fields {
		f, _ := e.Field(name)
		if fieldShareType(e, &f) != catalog.ShareUnconditional {
			return true
		}
	}
	if kind == KindData {
		for _, name := range clear {
			f, _ := e.Field(name)
			if NeedsMask(e, &f, s.Rules) {
				return true
			}
		}
	}
	return false
}

func (s *Service) checkEndDate(key, end string, latest string) []apperr.FieldError {
	if end == "" {
		return []apperr.FieldError{apperr.Field(key, "请填写使用截止日期", "the end date is required")}
	}
	t, err := workday.Parse(end)
	if err != nil {
		return []apperr.FieldError{apperr.Field(key, "截止日期格式应为 YYYY-MM-DD", "the end date must be YYYY-MM-DD")}
	}
	switch {
	case end < s.today():
		return []apperr.FieldError{apperr.Field(key, "截止日期不能早于今天", "the end date is in the past")}
	case t.After(workday.Date(s.Now()).AddDate(maxYears, 0, 0)):
		return []apperr.FieldError{apperr.Field(key, fmt.Sprintf("截止日期不能超过 %d 年，到期后可重新申请", maxYears), fmt.Sprintf("the end date may be at most %d years ahead; renew by a new request", maxYears))}
	case latest != "" && end > latest:
		return []apperr.FieldError{apperr.Field(key, "批准的截止日期不能晚于申请的截止日期", "the approved end date cannot be later than the requested one")}
	}
	return nil
}

func normList(v []string) []string {
	var out []string
	for _, x := range v {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	if out == nil {
		out = []string{}
	}
	return out
}

// File files a share request for p's agency (SHR-2). Unconditional requests are granted at once
// (SHR-3); conditional ones go to the source agency with a 5-working-day deadline (SHR-4);
// requests across regions go through the authority first (SHR-8). Bad input is refused with the
// error shape naming every problem.
func (s *Service) File(ctx context.Context, p *authz.Principal, in NewRequest) (_ Request, err error) {
	defer wrapErr(&err, "file request")
	if err := authz.Share(p, authz.Create, authz.ShareAttrs{ConsumerOrgID: p.OrgID}); err != nil {
		return Request{}, err
	}
	in.Scenario, in.Purpose, in.LegalBasis, in.EndDate = clean(in.Scenario), clean(in.Purpose), clean(in.LegalBasis), clean(in.EndDate)
	in.Fields, in.ClearFields = normList(in.Fields), normList(in.ClearFields)
	if in.Kind == "" {
		in.Kind = KindData
	}
	if in.Mode == "" && in.Kind == KindVerify {
		in.Mode = ModeAPI
	}
	var fe []apperr.FieldError
	var prod *RequestProduct
	if in.Kind == KindProduct {
		// A product request (SHR-12): the product fixes the entry, the fields it reads and the
		// mode; the asker names the product, the use and, for statistics, the budget.
		pi, pfe := s.productFor(ctx, clean(in.ProductID))
		if pfe != nil {
			fe = append(fe, *pfe)
			in.EntryID = ""
		} else {
			in.EntryID, in.Fields, in.ClearFields, in.Mode = pi.EntryID, pi.Fields, []string{}, ModeAPI
			if in.BudgetMilli == 0 {
				in.BudgetMilli = pi.BudgetMilli
			}
			fe = append(fe, checkBudget(pi.Kind, in.BudgetMilli, pi.BudgetMilli)...)
			prod = &RequestProduct{ProductID: pi.ID, ProductName: pi.Name, ProductKind: pi.Kind, ViewID: pi.ViewID, AskedBudgetMilli: in.BudgetMilli, BudgetMilli: in.BudgetMilli}
		}
	}
	e, efe := s.entryFor(ctx, in.EntryID)
	if efe != nil && (in.Kind != KindProduct || prod != nil) {
		fe = append(fe, *efe)
	}
	if in.Kind != KindData && in.Kind != KindVerify && in.Kind != KindProduct {
		fe = append(fe, apperr.Field("kind", "申请类型应为数据共享、核验比对或数据产品", "the kind must be shared data, verification or a data product"))
	}
	if in.Scenario == "" {
		fe = append(fe, apperr.Field("scenario", "请填写应用场景", "the application scenario is required"))
	}
	if in.Purpose == "" {
		fe = append(fe, apperr.Field("purpose", "请填写数据用途", "the purpose is required"))
	}
	if in.LegalBasis == "" {
		fe = append(fe, apperr.Field("legal_basis", "请填写申请依据（法律法规或职责依据）", "the legal basis (law or duty) is required"))
	}
	fe = append(fe, s.checkEndDate("end_date", in.EndDate, "")...)
	if !in.Authenticity {
		fe = append(fe, apperr.Field("commit_authenticity", "须承诺申请材料真实", "you must commit to the truthfulness of the request"))
	}
	if !in.Compliance {
		fe = append(fe, apperr.Field("commit_compliance", "须承诺合规使用、不向第三方提供", "you must commit to compliant use, not passing data to third parties"))
	}
	if !in.Security {
		fe = append(fe, apperr.Field("commit_security", "须承诺落实安全保护措施", "you must commit to keeping the data secure"))
	}
	if efe == nil && (in.Kind == KindData || in.Kind == KindVerify || in.Kind == KindProduct) {
		// What is asked must itself be a grant the entry admits (rule.go).
		sc := Scope{Kind: in.Kind, Fields: in.Fields, ClearFields: in.ClearFields, Mode: in.Mode, EndDate: in.EndDate}
		fe = append(fe, s.checkScope(&e, sc, sc, "fields")...)
	} else if in.Kind != KindProduct {
		if !slices.Contains(Modes, in.Mode) {
			fe = append(fe, apperr.Field("mode", "共享方式应为接口、库表、文件或线下之一", "mode must be api, table, file or offline"))
		}
		if len(in.Fields) == 0 {
			fe = append(fe, apperr.Field("fields", "至少选择一个信息项（按最小够用原则）", "choose at least one field (only what the use needs)"))
		}
	}
	if err := apperr.Validation(fe); err != nil {
		return Request{}, err
	}
	provs := providerOrgs(&e)
	if slices.Contains(provs, p.OrgID) {
		return Request{}, ErrOwnData
	}
	now := s.Now()
	r := Request{ID: ids.New(), Kind: in.Kind, ConsumerOrgID: p.OrgID, ConsumerRegion: p.RegionCode, RequesterID: p.UserID,
		RequesterName: actorName(p), EntryID: e.ID, EntryCode: e.Code, EntryName: e.Name, EntryRegion: e.RegionCode,
		ProviderOrgID: provs[0], ProviderOrgs: provs, Fields: in.Fields, ClearFields: in.ClearFields, Scenario: in.Scenario,
		Purpose: in.Purpose, LegalBasis: in.LegalBasis, Mode: in.Mode, EndDate: in.EndDate, State: StateNew, SubmittedAt: now,
		Commitment: Commitment{Authenticity: true, Compliance: true, Security: true, Text: CommitmentText, SignedBy: p.UserID, SignedName: actorName(p), SignedAt: now}}
	r.Path = PathAtOnce
	r.Product = prod
	if in.Kind == KindProduct || s.needsDecision(&e, in.Kind, in.Fields, in.ClearFields) {
		// a product is always decided by a person: the source agency weighs the purpose
		r.Path = PathDecision
	}
	r.CrossRegion = p.RegionCode != e.RegionCode
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM share_requests WHERE consumer_org_id = $1 AND entry_id = $2 AND kind = $3
			AND scenario = $4 AND state IN ('routing','pending','approved','active','suspended')`, r.ConsumerOrgID, r.EntryID, string(r.Kind), r.Scenario).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrDuplicate
		}
		if r.CrossRegion {
			r.RoutedVia = authorityOrg(ctx, tx, r.ConsumerRegion)
		}
		f := s.factsOf(&r)
		var g *Grant
		if !f.cross && !f.decision {
			g = s.prepGrant(&r, r.Fields, r.ClearFields, r.Mode, r.EndDate)
			s.markDelivered(&r, f)
		}
		var detail map[string]any
		if prod != nil {
			detail = map[string]any{"product": prod.ProductID, "budget_milli": prod.AskedBudgetMilli}
		}
		if err := s.step(ctx, tx, p, &r, EvFile, f, "", detail); err != nil {
			return err
		}
		if prod != nil {
			if err := s.insertRequestProduct(ctx, tx, r.ID, prod); err != nil {
				return err
			}
		}
		return s.insertGrant(ctx, tx, g, &r)
	})
	if err != nil {
		return Request{}, err
	}
	return s.Get(ctx, p, r.ID)
}

// factsOf derives the guard facts of a request as it stands.
func (s *Service) factsOf(r *Request) facts {
	return facts{cross: r.State == StateNew && r.CrossRegion, decision: r.Path == PathDecision, offline: r.Mode == ModeOffline}
}

// step takes one transition of the machine for p: it checks the table and p's right to the
// step, moves the request (starting the deadline of the new state), keeps the grant in line,
// and records the step in the history, the audit log and the inboxes — all inside tx.
func (s *Service) step(ctx context.Context, tx db.Q, p *authz.Principal, r *Request, ev Ev, f facts, note string, detail map[string]any) error {
	if p != authz.System && ev != EvFile {
		a := r.attrs().authz()
		if err := mayEver(machine, ev, func(act authz.Action) error { return authz.Share(p, act, a) }); err != nil {
			return err
		}
	}
	t, ok := next(r.State, ev, f)
	if !ok {
		return ErrState
	}
	if t.Act == "" {
		if p != authz.System {
			return apperr.Forbidden
		}
	} else {
		a := r.attrs()
		if ev == EvFile {
			a.consumer = p.OrgID
		}
		if err := authz.Share(p, t.Act, a.authz()); err != nil {
			return err
		}
	}
	from := r.State
	now := s.Now()
	r.State = t.To
	if from != t.To {
		kind, days := s.dueFor(t.To)
		r.DueKind, r.DueDate = kind, ""
		if kind != "" {
			r.DueDate = s.addWorkdays(now, days)
		}
		switch kind {
		case "decide":
			r.DecideDue = r.DueDate
		case "deliver":
			r.DeliverDue = r.DueDate
		}
		r.EscalatedAt = time.Time{}
	}
	r.UpdatedAt = now
	if err := s.saveRequest(ctx, tx, r, from == StateNew); err != nil {
		return err
	}
	if r.GrantID != "" {
		q := "UPDATE share_grants SET status = $1, rev = rev + 1, updated_at = $2 WHERE id = $3"
		args := []any{string(grantStatus(r.State)), db.Millis(now), r.GrantID}
		switch ev {
		case EvSuspend, EvRevoke, EvResume, EvWithdraw:
			q = "UPDATE share_grants SET status = $1, rev = rev + 1, updated_at = $2, status_reason = $4, suspend_cause = '' WHERE id = $3"
			args = append(args, note)
		case EvCatalog: // the cause travels in detail (see SuspendForCatalog)
			cause, _ := detail["cause"].(string)
			q = "UPDATE share_grants SET status = $1, rev = rev + 1, updated_at = $2, status_reason = $4, suspend_cause = $5 WHERE id = $3"
			args = append(args, note, cause)
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
		// A credential never outlives its grant: ending the grant ends its credentials.
		if t.To == StateRevoked || t.To == StateExpired {
			if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE revoked_at = 0
				AND id IN (SELECT token_id FROM share_credentials WHERE grant_id = $2)`, db.Millis(now), r.GrantID); err != nil {
				return err
			}
		}
	}
	if err := s.history(ctx, tx, p, "share_request", r.ID, string(ev), string(from), string(t.To), note); err != nil {
		return err
	}
	d := map[string]any{"from": string(from), "to": string(t.To), "entry": r.EntryCode, "consumer": r.ConsumerOrgID}
	if r.DueDate != "" {
		d["due"] = r.DueDate
	}
	if note != "" {
		d["note"] = note
	}
	for k, v := range detail {
		d[k] = v
	}
	ae := auditEvent(p, "share.request."+string(ev), "share_request", r.ID, d)
	ae.GrantID, ae.Purpose = r.GrantID, r.Scenario
	if err := s.Audit.Record(ctx, tx, ae); err != nil {
		return err
	}
	return s.announce(ctx, tx, r, ev)
}

// announce tells the side that has to act (or to know) about a step.
func (s *Service) announce(ctx context.Context, tx db.Q, r *Request, ev Ev) error {
	link := "/share/requests/" + r.ID
	title := r.EntryName
	var m notify.Message
	switch r.State {
	case StateRouting:
		m = notify.Message{OrgID: r.RoutedVia, Kind: "info", TitleZH: "跨层级共享申请待转报：" + title, TitleEN: "Cross-region share request to route: " + title,
			BodyZH: "请在 " + r.DueDate + " 前转报或说明理由退回。", BodyEN: "Route it or send it back with reasons by " + r.DueDate + "."}
	case StatePending:
		m = notify.Message{OrgID: r.ProviderOrgID, Kind: "info", TitleZH: "共享申请待审批：" + title, TitleEN: "Share request awaiting your decision: " + title,
			BodyZH: "申请单位：" + orgName(ctx, tx, r.ConsumerOrgID) + "；应用场景：" + r.Scenario + "；请在 " + r.DueDate + " 前答复（5 个工作日）。",
			BodyEN: "Scenario: " + r.Scenario + ". Please decide by " + r.DueDate + " (5 working days)."}
	case StateApproved:
		if ev == EvFile || ev == EvApprove || ev == EvForward {
			m = notify.Message{OrgID: r.ProviderOrgID, Kind: "info", TitleZH: "共享已同意，请线下交付：" + title, TitleEN: "Share approved; deliver offline: " + title,
				BodyZH: "请在 " + r.DueDate + " 前完成交付并登记。", BodyEN: "Complete and record the delivery by " + r.DueDate + "."}
			if _, err := s.Notify.Send(ctx, tx, notify.Message{OrgID: r.ConsumerOrgID, Kind: "info", TitleZH: "共享申请已同意：" + title, TitleEN: "Share request approved: " + title,
				Link: link, ObjectType: "share_request", ObjectID: r.ID}); err != nil {
				return err
			}
		}
	case StateActive:
		switch ev {
		case EvFile, EvApprove, EvForward, EvDeliver:
			m = notify.Message{OrgID: r.ConsumerOrgID, Kind: "info", TitleZH: "共享已开通：" + title, TitleEN: "Sharing is active: " + title,
				BodyZH: "可在授权页面生成调用凭证，使用截止 " + r.EndDate + "。", BodyEN: "Issue a credential on the grant page; valid until " + r.EndDate + "."}
			link = "/share/grants/" + r.GrantID
		case EvResume:
			m = notify.Message{OrgID: r.ConsumerOrgID, Kind: "info", TitleZH: "共享授权已恢复：" + title, TitleEN: "Grant resumed: " + title}
		}
	case StateRefused:
		m = notify.Message{OrgID: r.ConsumerOrgID, Kind: "info", TitleZH: "共享申请未获同意：" + title, TitleEN: "Share request refused: " + title,
			BodyZH: "理由：" + r.RefuseReason + "；依据：" + r.RefuseBasis, BodyEN: "Reason: " + r.RefuseReason + "; legal basis: " + r.RefuseBasis}
	case StateWithdrawn:
		m = notify.Message{OrgID: r.ProviderOrgID, Kind: "info", TitleZH: "共享申请已撤回：" + title, TitleEN: "Share request withdrawn: " + title}
	case StateSuspended:
		m = notify.Message{OrgID: r.ConsumerOrgID, Kind: "flag", TitleZH: "共享授权已暂停：" + title, TitleEN: "Grant suspended: " + title}
		if ev == EvCatalog {
			return s.announceCatalog(ctx, tx, r)
		}
	case StateRevoked:
		m = notify.Message{OrgID: r.ConsumerOrgID, Kind: "flag", TitleZH: "共享授权已撤销：" + title, TitleEN: "Grant revoked: " + title}
	case StateExpired:
		m = notify.Message{OrgID: r.ConsumerOrgID, Kind: "info", TitleZH: "共享授权已到期：" + title, TitleEN: "Grant expired: " + title,
			BodyZH: "如需继续使用，请重新提交申请。", BodyEN: "File a new request to continue."}
	}
	if m.OrgID == "" {
		return nil
	}
	if m.Link == "" {
		m.Link = link
	}
	m.ObjectType, m.ObjectID = "share_request", r.ID
	_, err := s.Notify.Send(ctx, tx, m)
	return err
}

// saveRequest writes a request row (insert for a new one), every column from requestColumns.
func (s *Service) saveRequest(ctx context.Context, q db.Q, r *Request, insert bool) error {
	cols := requestColumns(r)
	query := updateRequestSQL
	if insert {
		query = insertRequestSQL
	}
	_, err := q.ExecContext(ctx, query, db.Values(cols)...)
	return err
}

var (
	insertRequestSQL = db.InsertSQL("share_requests", requestColumns(&Request{}))
	updateRequestSQL = db.UpdateSQL("share_requests", requestColumns(&Request{}))
)

// transact loads a request under lock and runs fn on it inside one transaction.
func (s *Service) transact(ctx context.Context, id string, fn func(tx *sql.Tx, r *Request) error) (Request, error) {
	var r Request
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if r, err = s.lockRequest(ctx, tx, id); err != nil {
			return err
		}
		return fn(tx, &r)
	})
	return r, err
}

// visible turns "exists but you may not see it" into not found for p, so ids do not leak.
func (s *Service) visible(p *authz.Principal, r *Request) error {
	if err := authz.Share(p, authz.Read, r.attrs().authz()); err != nil {
		if p.Authenticated() {
			return apperr.NotFound
		}
		return err
	}
	return nil
}

// may is visible plus the caller's right to take event ev in some state of the machine: it runs
// before any check of the record's state or of the input, so that a reader who may not take the
// step hears 403 and not what the record's state is (mayEver).
func (s *Service) may(p *authz.Principal, r *Request, ev Ev) error {
	if err := s.visible(p, r); err != nil {
		return err
	}
	a := r.attrs().authz()
	return mayEver(machine, ev, func(act authz.Action) error { return authz.Share(p, act, a) })
}

// Forward routes a cross-level or cross-region request on to the holding region's source agency
// (转报, SHR-8); the decision deadline starts then. Unconditional ones are granted on forwarding.
func (s *Service) Forward(ctx context.Context, p *authz.Principal, id, note string) (_ Request, err error) {
	defer wrapErr(&err, "forward request %s", id)
	_, err = s.transact(ctx, id, func(tx *sql.Tx, r *Request) error {
		if err := s.may(p, r, EvForward); err != nil {
			return err
		}
		if r.RoutedVia == "" {
			r.RoutedVia = p.OrgID
		}
		if r.State == StateRouting { // the entry may have changed since filing: the rule again, and the path anew
			e, efe := s.entryFor(ctx, r.EntryID)
			if efe != nil {
				return apperr.Invalid.With(*efe)
			}
			if err := apperr.Validation(s.checkScope(&e, r.scope(), r.scope(), "fields")); err != nil {
				return err
			}
			r.Path = PathAtOnce
			if s.needsDecision(&e, r.Kind, r.Fields, r.ClearFields) {
				r.Path = PathDecision
			}
		}
		f := s.factsOf(r)
		f.cross = false
		var g *Grant
		if r.Path == PathAtOnce {
			g = s.prepGrant(r, r.Fields, r.ClearFields, r.Mode, r.EndDate)
			s.markDelivered(r, f)
		}
		if err := s.step(ctx, tx, p, r, EvForward, f, clean(note), map[string]any{"routed_via": p.OrgID}); err != nil {
			return err
		}
		return s.insertGrant(ctx, tx, g, r)
	})
	if err != nil {
		return Request{}, err
	}
	return s.Get(ctx, p, id)
}

// markDelivered notes that online delivery is complete at once (the gateway serves the grant).
func (s *Service) markDelivered(r *Request, f facts) {
	if !f.offline {
		r.DeliveredAt = s.Now()
	}
}

// Approve decides yes on a conditional request (SHR-4). The approver may narrow fields, clear
// values, mode and end date; the grant is the approved minimum. Online grants are usable at once;
// offline ones must be delivered within 5 working days of the decision.
func (s *Service) Approve(ctx context.Context, p *authz.Principal, id string, a Approval) (_ Request, err error) {
	defer wrapErr(&err, "approve request %s", id)
	_, err = s.transact(ctx, id, func(tx *sql.Tx, r *Request) error {
		if err := s.may(p, r, EvApprove); err != nil {
			return err
		}
		if r.State != StatePending {
			return ErrState
		}
		fields, clear := normList(a.Fields), normList(a.ClearFields)
		if r.Kind == KindProduct {
			fields, clear = r.Fields, []string{} // the product fixes what it reads
		} else if len(a.Fields) == 0 {
			fields = r.Fields
			if a.ClearFields == nil {
				clear = r.ClearFields
			}
		}
		mode, end := a.Mode, clean(a.EndDate)
		if mode == "" {
			mode = r.Mode
		}
		if end == "" {
			end = r.EndDate
		}
		// Approval only narrows (SHR-4): the rule (rule.go) measures the grant against the request
		// on every axis and against the entry as published now.
		fe := s.checkEndDate("end_date", end, "")
		scopeEnd := end
		if len(fe) > 0 {
			scopeEnd = r.EndDate // already named as malformed or out of range
		}
		e, efe := s.entryFor(ctx, r.EntryID)
		if efe != nil {
			fe = append(fe, *efe)
		} else {
			fe = append(fe, s.checkScope(&e, r.scope(), Scope{Kind: r.Kind, Fields: fields, ClearFields: clear, Mode: mode, EndDate: scopeEnd}, "fields")...)
			fe = append(fe, s.checkLimits(&e, r.Kind, fields, clear, &a.Limits)...)
		}
		var prod *RequestProduct
		if r.Kind == KindProduct {
			var err error
			if prod, err = s.requestProduct(ctx, tx, r.ID); err != nil {
				return err
			}
			if prod == nil {
				return apperr.Internal
			}
			if a.BudgetMilli == 0 {
				a.BudgetMilli = prod.AskedBudgetMilli
			}
			fe = append(fe, checkBudget(prod.ProductKind, a.BudgetMilli, prod.AskedBudgetMilli)...)
		}
		fe = append(fe, checkReportEvery(a.ReportEveryMonths)...)
		if err := apperr.Validation(fe); err != nil {
			return err
		}
		if prod != nil && a.BudgetMilli != prod.BudgetMilli {
			if _, err := tx.ExecContext(ctx, "UPDATE share_request_products SET budget_milli = $1 WHERE request_id = $2", a.BudgetMilli, r.ID); err != nil {
				return err
			}
		}
		now := s.Now()
		r.DecidedAt, r.DecidedBy, r.DecisionNote = now, actorName(p), clean(a.Note)
		f := facts{offline: mode == ModeOffline}
		g := s.prepGrant(r, fields, clear, mode, end)
		g.Limits, g.ReportEveryMonths = a.Limits, a.ReportEveryMonths
		s.markDelivered(r, f)
		narrowed := len(fields) < len(r.Fields) || len(clear) < len(r.ClearFields) || mode != r.Mode || end != r.EndDate
		detail := map[string]any{"fields": fields, "clear_fields": clear, "mode": mode, "end_date": end, "narrowed": narrowed, "limits": a.Limits}
		if prod != nil {
			detail["product"], detail["budget_milli"] = prod.ProductID, a.BudgetMilli
			detail["narrowed"] = narrowed || a.BudgetMilli < prod.AskedBudgetMilli
		}
		if err := s.step(ctx, tx, p, r, EvApprove, f, r.DecisionNote, detail); err != nil {
			return err
		}
		return s.insertGrant(ctx, tx, g, r)
	})
	if err != nil {
		return Request{}, err
	}
	return s.Get(ctx, p, id)
}

// Refuse decides no (SHR-4) — or, for the authority at routing, declines to forward. A refusal
// needs both a reason and a legal basis.
func (s *Service) Refuse(ctx context.Context, p *authz.Principal, id string, rf Refusal) (_ Request, err error) {
	defer wrapErr(&err, "refuse request %s", id)
	rf.Reason, rf.LegalBasis = clean(rf.Reason), clean(rf.LegalBasis)
	var fe []apperr.FieldError
	if rf.Reason == "" {
		fe = append(fe, apperr.Field("reason", "拒绝须说明理由", "a refusal needs a reason"))
	}
	if rf.LegalBasis == "" {
		fe = append(fe, apperr.Field("legal_basis", "拒绝须说明法律依据", "a refusal needs a legal basis"))
	}
	_, err = s.transact(ctx, id, func(tx *sql.Tx, r *Request) error {
		if err := s.may(p, r, EvRefuse); err != nil {
			return err
		}
		if r.State != StatePending && r.State != StateRouting {
			return ErrState
		}
		if err := apperr.Validation(fe); err != nil {
			return err
		}
		r.RefuseReason, r.RefuseBasis = rf.Reason, rf.LegalBasis
		r.DecidedAt, r.DecidedBy = s.Now(), actorName(p)
		return s.step(ctx, tx, p, r, EvRefuse, facts{refusal: true}, rf.Reason, map[string]any{"legal_basis": rf.LegalBasis})
	})
	if err != nil {
		return Request{}, err
	}
	return s.Get(ctx, p, id)
}

// Withdraw takes back a request not yet decided.
func (s *Service) Withdraw(ctx context.Context, p *authz.Principal, id, note string) (_ Request, err error) {
	defer wrapErr(&err, "withdraw request %s", id)
	_, err = s.transact(ctx, id, func(tx *sql.Tx, r *Request) error {
		if err := s.may(p, r, EvWithdraw); err != nil {
			return err
		}
		return s.step(ctx, tx, p, r, EvWithdraw, facts{}, clean(note), nil)
	})
	if err != nil {
		return Request{}, err
	}
	return s.Get(ctx, p, id)
}

// Suspend pauses a grant (e.g. a sanction, SUP-1); the next gateway call is refused.
func (s *Service) Suspend(ctx context.Context, p *authz.Principal, id, reason string) (_ Request, err error) {
	defer wrapErr(&err, "suspend request %s", id)
	return s.grantStep(ctx, p, id, EvSuspend, reason, true)
}

// Resume lifts a suspension.
func (s *Service) Resume(ctx context.Context, p *authz.Principal, id, note string) (_ Request, err error) {
	defer wrapErr(&err, "resume request %s", id)
	return s.grantStep(ctx, p, id, EvResume, note, false)
}

// Revoke ends a grant before its end date; the next gateway call is refused.
func (s *Service) Revoke(ctx context.Context, p *authz.Principal, id, reason string) (_ Request, err error) {
	defer wrapErr(&err, "revoke request %s", id)
	return s.grantStep(ctx, p, id, EvRevoke, reason, true)
}

func (s *Service) grantStep(ctx context.Context, p *authz.Principal, id string, ev Ev, note string, needReason bool) (Request, error) {
	note = clean(note)
	r, err := s.transact(ctx, s.requestOf(ctx, id), func(tx *sql.Tx, r *Request) error {
		if err := s.may(p, r, ev); err != nil {
			return err
		}
		if needReason && note == "" {
			return apperr.Invalid.With(apperr.Field("reason", "请说明理由", "a reason is required"))
		}
		if ev == EvResume && r.State == StateSuspended {
			// A grant is resumed only as far as the rule admits it on the entry as published now.
			if err := authz.Share(p, authz.ShareSuspend, r.attrs().authz()); err != nil {
				return err
			}
			g, err := s.loadGrant(ctx, tx, r.GrantID)
			if err != nil {
				return err
			}
			e, err := s.Catalog.Published(ctx, r.EntryID)
			ep := &e
			if err != nil {
				if apperr.As(err).Status >= 500 {
					return ErrEntryGone.Wrap(err)
				}
				ep = nil
			}
			if cause := s.grantCause(ep, &g); cause != "" {
				return causeErr(cause)
			}
		}
		return s.step(ctx, tx, p, r, ev, facts{undelivered: r.DeliveredAt.IsZero()}, note, nil)
	})
	if err != nil {
		return Request{}, err
	}
	s.gw.forget(r.GrantID)
	return s.Get(ctx, p, r.ID)
}

// requestOf accepts a request id or a grant id and returns the request id.
func (s *Service) requestOf(ctx context.Context, id string) string {
	var rid string
	if err := s.DB.QueryRowContext(ctx, "SELECT request_id FROM share_grants WHERE id = $1", id).Scan(&rid); err == nil {
		return rid
	}
	return id
}

// expire ends a grant whose end date has passed (platform step).
func (s *Service) expire(ctx context.Context, id string) error {
	_, err := s.transact(ctx, id, func(tx *sql.Tx, r *Request) error {
		if r.EndDate >= s.today() {
			return nil // renewed or already handled meanwhile
		}
		return s.step(ctx, tx, authz.System, r, EvExpire, facts{}, "", map[string]any{"end_date": r.EndDate})
	})
	if errors.Is(err, ErrState) {
		return nil
	}
	return err
}

// Get returns one request with its remaining working days, for those who may see it.
func (s *Service) Get(ctx context.Context, p *authz.Principal, id string) (_ Request, err error) {
	defer wrapErr(&err, "get request %s", id)
	r, err := s.loadRequest(ctx, s.DB, id)
	if err != nil {
		return r, err
	}
	if err := s.visible(p, &r); err != nil {
		return Request{}, err
	}
	return r, s.withProduct(ctx, &r)
}

// History returns a request's steps (办理进度), oldest first.
func (s *Service) History(ctx context.Context, p *authz.Principal, id string) (_ []Event, err error) {
	defer wrapErr(&err, "history of request %s", id)
	if _, err := s.Get(ctx, p, id); err != nil {
		return nil, err
	}
	return s.events(ctx, "share_request", id)
}

// ListFilter selects requests.
type ListFilter struct {
	Box    string // mine (consumer) | queue (provider, by deadline) | routing (authority) | region (authority) | all (auditors)
	State  State
	Limit  int
	Offset int
}

// Boxes are the request lists a principal can open.
func Boxes(p *authz.Principal) []string {
	var out []string
	if p.TokenID != "" {
		return nil // API tokens only call the gateway (authz.Share)
	}
	if p.OrgID != "" && p.Has(authz.DataOfficer, authz.AgencyApprover, authz.SecurityOfficer) {
		out = append(out, "mine", "queue")
	}
	if p.IsAuthority() {
		out = append(out, "routing", "region")
	}
	if p.Has(authz.Auditor, authz.Oversight) {
		out = append(out, "all")
	}
	return out
}

// regionPrefix is the LIKE pattern of the regions an authority of region r covers.
func regionPrefix(r string) string {
	switch {
	case len(r) != 6:
		return r
	case r[2:] == "0000":
		return r[:2] + "%"
	case r[4:] == "00":
		return r[:4] + "%"
	}
	return r
}

// List returns a box of requests and the total. The provider's queue is ordered by deadline,
// soonest (or most overdue) first; other boxes newest first.
func (s *Service) List(ctx context.Context, p *authz.Principal, f ListFilter) (_ []Request, _ int, err error) {
	defer wrapErr(&err, "list requests")
	if !p.Authenticated() {
		return nil, 0, apperr.Unauthenticated
	}
	if f.Box == "" {
		f.Box = "mine"
	}
	if !slices.Contains(Boxes(p), f.Box) {
		return nil, 0, apperr.Forbidden
	}
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	order := "r.submitted_at DESC, r.id DESC"
	switch f.Box {
	case "mine":
		where = append(where, "r.consumer_org_id = "+arg(p.OrgID))
	case "queue":
		where = append(where, "(r.provider_org_id = "+arg(p.OrgID)+" OR r.provider_orgs LIKE "+arg(`%"`+p.OrgID+`"%`)+")")
		if f.State == "" {
			where = append(where, "r.state IN ('pending','approved')")
		}
		order = "CASE WHEN r.due_date = '' THEN 1 ELSE 0 END, r.due_date, r.submitted_at"
	case "routing":
		where = append(where, "r.state = 'routing'", "r.consumer_region LIKE "+arg(regionPrefix(p.RegionCode)))
		order = "r.due_date, r.submitted_at"
	case "region":
		pre := regionPrefix(p.RegionCode)
		where = append(where, "(r.entry_region LIKE "+arg(pre)+" OR r.consumer_region LIKE "+arg(pre)+")")
	}
	if f.State != "" {
		where = append(where, "r.state = "+arg(string(f.State)))
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM share_requests r"+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, fmt.Sprintf("SELECT %s%s%s ORDER BY %s LIMIT %d OFFSET %d", reqCols, reqFrom, cond, order, f.Limit, max(f.Offset, 0)), args...)
	out, err := db.ScanAll(rows, err, s.scanRequest)
	return out, total, err
}
