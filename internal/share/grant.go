package share

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"pubdata/internal/apperr"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/identity"
	"pubdata/internal/ids"
	"pubdata/internal/workday"
)

// prepGrant makes the grant an approval produces and ties the request to it; insertGrant stores
// it once the request row exists.
func (s *Service) prepGrant(r *Request, fields, clear []string, mode Mode, end string) *Grant {
	now := s.Now()
	g := &Grant{ID: ids.New(), RequestID: r.ID, Kind: r.Kind, ConsumerOrgID: r.ConsumerOrgID, ConsumerRegion: r.ConsumerRegion,
		ProviderOrgID: r.ProviderOrgID, ProviderOrgs: r.ProviderOrgs, EntryID: r.EntryID, EntryCode: r.EntryCode, EntryName: r.EntryName,
		EntryRegion: r.EntryRegion, Fields: append([]string(nil), fields...), ClearFields: append([]string{}, clear...),
		Scenario: r.Scenario, Purpose: r.Purpose, Mode: mode, EndDate: end, CreatedAt: now, UpdatedAt: now}
	r.GrantID = g.ID
	return g
}

func (s *Service) insertGrant(ctx context.Context, q db.Q, g *Grant, r *Request) error {
	if g == nil {
		return nil
	}
	g.Status, g.Rev = grantStatus(r.State), 1
	if _, err := q.ExecContext(ctx, insertGrantSQL, db.Values(grantColumns(g))...); err != nil {
		return err
	}
	if err := s.insertReportPlan(ctx, q, g.ID, g.ReportEveryMonths); err != nil {
		return err
	}
	return s.insertLimits(ctx, q, g, r.DecidedBy)
}

// grantColumns binds every stored column of share_grants to its field of g (db.Column): the one
// list the insert and the scan are generated from. A new field on grants is one line here (and
// its migration); TestGrantColumnsRoundTrip fails when a field or a table column is not bound.
func grantColumns(g *Grant) []db.Column {
	return []db.Column{
		{Name: "id", Ptr: &g.ID},
		{Name: "request_id", Ptr: &g.RequestID},
		{Name: "kind", Ptr: (*string)(&g.Kind)},
		{Name: "consumer_org_id", Ptr: &g.ConsumerOrgID},
		{Name: "consumer_region", Ptr: &g.ConsumerRegion},
		{Name: "provider_org_id", Ptr: &g.ProviderOrgID},
		{Name: "provider_orgs", Ptr: db.JSONList(&g.ProviderOrgs)},
		{Name: "entry_id", Ptr: &g.EntryID},
		{Name: "entry_code", Ptr: &g.EntryCode},
		{Name: "entry_name", Ptr: &g.EntryName},
		{Name: "entry_region", Ptr: &g.EntryRegion},
		{Name: "fields", Ptr: db.JSONList(&g.Fields)},
		{Name: "clear_fields", Ptr: db.JSONList(&g.ClearFields)},
		{Name: "scenario", Ptr: &g.Scenario},
		{Name: "purpose", Ptr: &g.Purpose},
		{Name: "mode", Ptr: (*string)(&g.Mode)},
		{Name: "end_date", Ptr: &g.EndDate},
		{Name: "status", Ptr: (*string)(&g.Status)},
		{Name: "status_reason", Ptr: &g.StatusReason},
		{Name: "suspend_cause", Ptr: &g.SuspendCause},
		{Name: "rev", Ptr: &g.Rev},
		{Name: "created_at", Ptr: db.TimeMillis(&g.CreatedAt)},
		{Name: "updated_at", Ptr: db.TimeMillis(&g.UpdatedAt)},
	}
}

// grantJoined are the names joined in from orgs (not stored on the grant).
func grantJoined(g *Grant) []any { return []any{&g.ConsumerName, &g.ProviderName} }

var (
	insertGrantSQL = db.InsertSQL("share_grants", grantColumns(&Grant{}))
	// grantCols is the select list of a grant: its stored columns, then the joined names.
	grantCols = db.Names(grantColumns(&Grant{}), "g.") + ", COALESCE(co.name,''), COALESCE(po.name,'')"
)

const grantFrom = ` FROM share_grants g LEFT JOIN orgs co ON co.id = g.consumer_org_id LEFT JOIN orgs po ON po.id = g.provider_org_id`

func scanGrant(sc scanner) (Grant, error) {
	var g Grant
	err := sc.Scan(append(db.Dests(grantColumns(&g)), grantJoined(&g)...)...)
	return g, err
}

func (s *Service) loadGrant(ctx context.Context, q db.Q, id string) (Grant, error) {
	g, err := scanGrant(q.QueryRowContext(ctx, "SELECT "+grantCols+grantFrom+" WHERE g.id = $1", id))
	if db.IsNoRows(err) {
		return g, apperr.NotFound
	}
	if err != nil {
		return g, err
	}
	s.loadReportPlan(ctx, q, &g)
	return g, s.loadLimits(ctx, q, &g)
}

// GetGrant returns a grant for those who may see it (consumer, provider, authority, auditors).
func (s *Service) GetGrant(ctx context.Context, p *authz.Principal, id string) (_ Grant, err error) {
	defer wrapErr(&err, "get grant %s", id)
	g, err := s.loadGrant(ctx, s.DB, id)
	if err != nil {
		return g, err
	}
	if err := authz.Share(p, authz.Read, g.attrs().authz()); err != nil {
		if p.Authenticated() {
			return Grant{}, apperr.NotFound
		}
		return Grant{}, err
	}
	if g.Kind == KindProduct {
		g.Product, err = s.requestProduct(ctx, s.DB, g.RequestID)
	}
	return g, err
}

// ListGrants lists the grants p's agency holds (box "mine") or provides ("provided"), or, for
// the authority, those of its region ("region"); auditors and oversight see all ("all").
func (s *Service) ListGrants(ctx context.Context, p *authz.Principal, box string, limit, offset int) (_ []Grant, _ int, err error) {
	defer wrapErr(&err, "list grants")
	var cond string
	var args []any
	if p.TokenID != "" {
		return nil, 0, apperr.Forbidden
	}
	switch box {
	case "", "mine":
		if p.OrgID == "" || !p.Has(authz.DataOfficer, authz.AgencyApprover, authz.SecurityOfficer) {
			return nil, 0, apperr.Forbidden
		}
		cond, args = " WHERE g.consumer_org_id = $1", []any{p.OrgID}
	case "provided":
		if p.OrgID == "" || !p.Has(authz.DataOfficer, authz.AgencyApprover, authz.SecurityOfficer) {
			return nil, 0, apperr.Forbidden
		}
		cond, args = " WHERE (g.provider_org_id = $1 OR g.provider_orgs LIKE $2)", []any{p.OrgID, `%"` + p.OrgID + `"%`}
	case "region":
		if !p.IsAuthority() {
			return nil, 0, apperr.Forbidden
		}
		pre := regionPrefix(p.RegionCode)
		cond, args = " WHERE (g.entry_region LIKE $1 OR g.consumer_region LIKE $1)", []any{pre}
	case "all":
		if !p.Has(authz.Auditor, authz.Oversight) {
			return nil, 0, apperr.Forbidden
		}
	default:
		return nil, 0, apperr.Invalid.With(apperr.Field("box", "未知列表", "unknown list"))
	}
	var total int
	if err := s.DB.QueryRowContext(ctx, "SELECT COUNT(*) FROM share_grants g"+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.DB.QueryContext(ctx, fmt.Sprintf("SELECT %s%s%s ORDER BY g.created_at DESC, g.id DESC LIMIT %d OFFSET %d", grantCols, grantFrom, cond, limit, max(offset, 0)), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Grant
	for rows.Next() {
		g, err := scanGrant(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, g)
	}
	return out, total, rows.Err()
}

// Credential is a gateway credential's public description.
type Credential struct {
	TokenID   string    `json:"token_id"`
	Prefix    string    `json:"prefix"`
	IssuedBy  string    `json:"issued_by"`
	IssuedAt  time.Time `json:"issued_at"`
	ExpiresAt time.Time `json:"expires_at"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
	LastUsed  time.Time `json:"last_used_at,omitzero"`
}

// IssueCredential mints an API token bound to the grant (scope "gateway", subject = grant id)
// for p, a member of the consumer agency. The secret is returned once and never stored.
func (s *Service) IssueCredential(ctx context.Context, p *authz.Principal, grantID string) (_ string, _ Credential, err error) {
	defer wrapErr(&err, "issue credential for grant %s", grantID)
	g, err := s.GetGrant(ctx, p, grantID)
	if err != nil {
		return "", Credential{}, err
	}
	if err := authz.Share(p, authz.ShareIssue, g.attrs().authz()); err != nil {
		return "", Credential{}, err
	}
	switch g.Status {
	case GrantActive:
	case GrantSuspended:
		return "", Credential{}, causeErr(g.SuspendCause)
	case GrantRevoked:
		return "", Credential{}, ErrGrantRevoked
	case GrantExpired:
		return "", Credential{}, ErrGrantExpired
	default:
		return "", Credential{}, ErrGrantPending
	}
	if g.Mode == ModeOffline {
		return "", Credential{}, apperr.New(409, "share.offline_no_credential", "线下交付方式的授权不通过网关调用", "an offline grant is not used through the gateway")
	}
	end, err := workday.Parse(g.EndDate)
	if err != nil {
		return "", Credential{}, err
	}
	// A credential never outlives its grant: it ends with the grant's end date (midnight at its
	// close, Beijing time), earlier at most a year after issue; revoking or expiring the grant
	// revokes it too (step).
	now := s.Now()
	ttl := end.AddDate(0, 0, 1).Sub(now)
	if ttl > 366*24*time.Hour {
		ttl = 366 * 24 * time.Hour
	}
	var secret string
	var tok identity.Token
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		secret, tok, err = s.Identity.CreateToken(ctx, tx, p, "共享授权 "+g.EntryCode+" / grant "+g.ID[:8], []string{"gateway"}, g.ID, ttl)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO share_credentials (token_id, grant_id, prefix, issued_by, issued_at, expires_at) VALUES ($1,$2,$3,$4,$5,$6)",
			tok.ID, g.ID, tok.Prefix, actorName(p), db.Millis(now), db.Millis(tok.ExpiresAt)); err != nil {
			return err
		}
		ae := auditEvent(p, "share.grant.credential", "share_grant", g.ID, map[string]any{"token_id": tok.ID, "prefix": tok.Prefix})
		ae.GrantID, ae.Purpose = g.ID, g.Scenario
		return s.Audit.Record(ctx, tx, ae)
	})
	if err != nil {
		return "", Credential{}, err
	}
	return secret, Credential{TokenID: tok.ID, Prefix: tok.Prefix, IssuedBy: actorName(p), IssuedAt: now, ExpiresAt: tok.ExpiresAt}, nil
}

// Credentials lists a grant's credentials (never their secrets).
func (s *Service) Credentials(ctx context.Context, p *authz.Principal, grantID string) (_ []Credential, err error) {
	defer wrapErr(&err, "credentials of grant %s", grantID)
	if _, err := s.GetGrant(ctx, p, grantID); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT c.token_id, c.prefix, c.issued_by, c.issued_at, c.expires_at, COALESCE(t.revoked_at,0), COALESCE(t.last_used_at,0)
		FROM share_credentials c LEFT JOIN api_tokens t ON t.id = c.token_id WHERE c.grant_id = $1 ORDER BY c.issued_at DESC`, grantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Credential
	for rows.Next() {
		var c Credential
		var i, e, r, l int64
		if err := rows.Scan(&c.TokenID, &c.Prefix, &c.IssuedBy, &i, &e, &r, &l); err != nil {
			return nil, err
		}
		c.IssuedAt, c.ExpiresAt, c.RevokedAt, c.LastUsed = db.FromMillis(i), db.FromMillis(e), db.FromMillis(r), db.FromMillis(l)
		out = append(out, c)
	}
	return out, rows.Err()
}

// NewDelivery records an offline hand-over (SHR-9).
type NewDelivery struct {
	Channel     string `json:"channel"`      // secure_line | media | paper
	Items       string `json:"items"`        // what was handed over (fields, files, media ids)
	Records     int64  `json:"records"`      // how many records
	ReceivedBy  string `json:"received_by"`  // who received it at the consumer
	DeliveredOn string `json:"delivered_on"` // YYYY-MM-DD, default today
	Note        string `json:"note"`
}

// Deliver records an offline delivery by the provider; the first one completes an approved
// offline request (SHR-4 delivery deadline), later ones are recorded on the active grant.
func (s *Service) Deliver(ctx context.Context, p *authz.Principal, id string, in NewDelivery) (_ Delivery, err error) {
	defer wrapErr(&err, "deliver request %s", id)
	in.Items, in.ReceivedBy, in.Note, in.DeliveredOn = clean(in.Items), clean(in.ReceivedBy), clean(in.Note), clean(in.DeliveredOn)
	var fe []apperr.FieldError
	if _, ok := Channels[in.Channel]; !ok || in.Channel == "download" {
		fe = append(fe, apperr.Field("channel", "交付渠道应为专线、存储介质或纸质", "the channel must be a secure line, storage media or paper"))
	}
	if in.Items == "" {
		fe = append(fe, apperr.Field("items", "请登记交付内容", "describe what was handed over"))
	}
	if in.ReceivedBy == "" {
		fe = append(fe, apperr.Field("received_by", "请登记接收人", "name the person who received it"))
	}
	if in.Records < 0 {
		fe = append(fe, apperr.Field("records", "记录数不能为负", "records cannot be negative"))
	}
	at := s.Now()
	if in.DeliveredOn != "" {
		d, err := workday.Parse(in.DeliveredOn)
		switch {
		case err != nil:
			fe = append(fe, apperr.Field("delivered_on", "日期格式应为 YYYY-MM-DD", "date must be YYYY-MM-DD"))
		case in.DeliveredOn > s.today():
			fe = append(fe, apperr.Field("delivered_on", "交付日期不能晚于今天", "the delivery date cannot be in the future"))
		case in.DeliveredOn < s.today():
			at = d.Add(12 * time.Hour) // a past day: record it at noon of that day
		}
	}
	var dl Delivery
	_, err = s.transact(ctx, s.requestOf(ctx, id), func(tx *sql.Tx, r *Request) error {
		if err := s.may(p, r, EvDeliver); err != nil {
			return err
		}
		var mode string
		tx.QueryRowContext(ctx, "SELECT mode FROM share_grants WHERE id = $1", r.GrantID).Scan(&mode)
		if Mode(mode) != ModeOffline {
			return apperr.New(409, "share.not_offline", "该授权不是线下交付方式", "this grant is not delivered offline")
		}
		if err := apperr.Validation(fe); err != nil {
			return err
		}
		if in.DeliveredOn < r.SubmittedAt.In(workday.Location).Format("2006-01-02") && in.DeliveredOn != "" {
			return apperr.Invalid.With(apperr.Field("delivered_on", "交付日期不能早于申请日期", "the delivery date cannot precede the request"))
		}
		dl = Delivery{ID: ids.New(), RequestID: r.ID, GrantID: r.GrantID, Channel: in.Channel, Items: in.Items, Records: in.Records,
			HandedByID: p.UserID, HandedBy: actorName(p), ReceivedBy: in.ReceivedBy, DeliveredAt: at, Note: in.Note}
		if r.DeliveredAt.IsZero() {
			r.DeliveredAt = at
		}
		if err := s.step(ctx, tx, p, r, EvDeliver, facts{offline: true}, in.Items, map[string]any{"channel": in.Channel, "records": in.Records, "received_by": in.ReceivedBy}); err != nil {
			return err
		}
		return s.insertDelivery(ctx, tx, &dl)
	})
	return dl, err
}

func (s *Service) insertDelivery(ctx context.Context, q db.Q, d *Delivery) error {
	_, err := q.ExecContext(ctx, `INSERT INTO share_deliveries (id, request_id, grant_id, channel, items, records, handed_by_id, handed_by,
		received_by, delivered_at, note, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
		d.ID, d.RequestID, d.GrantID, d.Channel, d.Items, d.Records, d.HandedByID, d.HandedBy, d.ReceivedBy, db.Millis(d.DeliveredAt), d.Note, db.Millis(s.Now()))
	return err
}

// Deliveries lists a request's (or grant's) deliveries, newest first.
func (s *Service) Deliveries(ctx context.Context, p *authz.Principal, id string) (_ []Delivery, err error) {
	defer wrapErr(&err, "deliveries of request %s", id)
	r, err := s.Get(ctx, p, s.requestOf(ctx, id))
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, request_id, grant_id, channel, items, records, handed_by_id, handed_by, received_by, delivered_at, note
		FROM share_deliveries WHERE request_id = $1 ORDER BY delivered_at DESC, id DESC LIMIT 200`, r.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var at int64
		if err := rows.Scan(&d.ID, &d.RequestID, &d.GrantID, &d.Channel, &d.Items, &d.Records, &d.HandedByID, &d.HandedBy, &d.ReceivedBy, &at, &d.Note); err != nil {
			return nil, err
		}
		d.DeliveredAt = db.FromMillis(at)
		out = append(out, d)
	}
	return out, rows.Err()
}

// Stats returns a grant's daily call statistics, newest day first (at most 90 days).
func (s *Service) Stats(ctx context.Context, p *authz.Principal, grantID string) (_ []Stat, err error) {
	defer wrapErr(&err, "stats of grant %s", grantID)
	if _, err := s.GetGrant(ctx, p, grantID); err != nil {
		return nil, err
	}
	s.FlushStats(ctx)
	rows, err := s.DB.QueryContext(ctx, "SELECT day, calls, records, denied FROM share_stats WHERE grant_id = $1 ORDER BY day DESC LIMIT 90", grantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Stat
	for rows.Next() {
		var st Stat
		if err := rows.Scan(&st.Day, &st.Calls, &st.Records, &st.Denied); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// NewReport is a use-and-effect report as filed.
type NewReport struct {
	PeriodFrom string `json:"period_from"`
	PeriodTo   string `json:"period_to"`
	Use        string `json:"use"`
	Effect     string `json:"effect"`
	Problems   string `json:"problems"`
}

// FileReport files a periodic use-and-effect report on a grant (SHR-11); the platform adds the
// number of gateway calls in the period, and the provider is told.
func (s *Service) FileReport(ctx context.Context, p *authz.Principal, grantID string, in NewReport) (_ UseReport, err error) {
	defer wrapErr(&err, "file report on grant %s", grantID)
	g, err := s.GetGrant(ctx, p, grantID)
	if err != nil {
		return UseReport{}, err
	}
	if err := authz.Share(p, authz.ShareReport, g.attrs().authz()); err != nil {
		return UseReport{}, err
	}
	in.PeriodFrom, in.PeriodTo, in.Use, in.Effect, in.Problems = clean(in.PeriodFrom), clean(in.PeriodTo), clean(in.Use), clean(in.Effect), clean(in.Problems)
	var fe []apperr.FieldError
	_, e1 := workday.Parse(in.PeriodFrom)
	_, e2 := workday.Parse(in.PeriodTo)
	if e1 != nil {
		fe = append(fe, apperr.Field("period_from", "起始日期格式应为 YYYY-MM-DD", "period start must be YYYY-MM-DD"))
	}
	if e2 != nil {
		fe = append(fe, apperr.Field("period_to", "截止日期格式应为 YYYY-MM-DD", "period end must be YYYY-MM-DD"))
	}
	if e1 == nil && e2 == nil && in.PeriodFrom > in.PeriodTo {
		fe = append(fe, apperr.Field("period_to", "截止日期不能早于起始日期", "the period ends before it starts"))
	}
	if e2 == nil && in.PeriodTo > s.today() {
		fe = append(fe, apperr.Field("period_to", "报告期不能晚于今天", "the period cannot end in the future"))
	}
	if in.Use == "" {
		fe = append(fe, apperr.Field("use", "请说明数据使用情况", "describe how the data was used"))
	}
	if in.Effect == "" {
		fe = append(fe, apperr.Field("effect", "请说明使用效果", "describe the effect"))
	}
	if err := apperr.Validation(fe); err != nil {
		return UseReport{}, err
	}
	s.FlushStats(ctx)
	var calls int64
	s.DB.QueryRowContext(ctx, "SELECT COALESCE(SUM(calls),0) FROM share_stats WHERE grant_id = $1 AND day >= $2 AND day <= $3", g.ID, in.PeriodFrom, in.PeriodTo).Scan(&calls)
	rep := UseReport{ID: ids.New(), GrantID: g.ID, PeriodFrom: in.PeriodFrom, PeriodTo: in.PeriodTo, Use: in.Use, Effect: in.Effect,
		Problems: in.Problems, Calls: calls, FiledByID: p.UserID, FiledBy: actorName(p), FiledAt: s.Now()}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		// A report for a period on the schedule is that period's submission (SHR-11).
		answerDue, err := s.attachScheduled(ctx, tx, &g, &rep)
		if err != nil {
			return err
		}
		scheduled := answerDue != ""
		if _, err := tx.ExecContext(ctx, `INSERT INTO share_reports (id, grant_id, period_from, period_to, use_text, effect, problems, calls, filed_by_id, filed_by, filed_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`, rep.ID, rep.GrantID, rep.PeriodFrom, rep.PeriodTo, rep.Use, rep.Effect, rep.Problems,
			rep.Calls, rep.FiledByID, rep.FiledBy, db.Millis(rep.FiledAt)); err != nil {
			return err
		}
		ae := auditEvent(p, "share.grant.report", "share_grant", g.ID, map[string]any{"period_from": rep.PeriodFrom, "period_to": rep.PeriodTo, "calls": calls, "scheduled": scheduled})
		ae.GrantID, ae.Purpose = g.ID, g.Scenario
		if err := s.Audit.Record(ctx, tx, ae); err != nil {
			return err
		}
		askZH, askEN := "", ""
		if scheduled {
			askZH, askEN = "（请于 "+answerDue+" 前在授权页确认或提出疑问）", " (accept it or question it on the grant page by "+answerDue+")"
		}
		return s.sendOrg(ctx, tx, g.ProviderOrgID, "info", "收到共享数据使用评价："+g.EntryName, "Use-and-effect report received: "+g.EntryName,
			g.ConsumerName+"："+truncate(rep.Effect, 80)+askZH, truncate(rep.Effect, 80)+askEN, "/share/grants/"+g.ID+"#reports", "share_grant", g.ID, "")
	})
	return rep, err
}

// Reports lists a grant's use-and-effect reports, newest first (consumer, provider, authority).
func (s *Service) Reports(ctx context.Context, p *authz.Principal, grantID string) (_ []UseReport, err error) {
	defer wrapErr(&err, "reports of grant %s", grantID)
	if _, err := s.GetGrant(ctx, p, grantID); err != nil {
		return nil, err
	}
	rows, err := s.DB.QueryContext(ctx, `SELECT id, grant_id, period_from, period_to, use_text, effect, problems, calls, filed_by_id, filed_by, filed_at
		FROM share_reports WHERE grant_id = $1 ORDER BY filed_at DESC, id DESC`, grantID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []UseReport
	for rows.Next() {
		var r UseReport
		var at int64
		if err := rows.Scan(&r.ID, &r.GrantID, &r.PeriodFrom, &r.PeriodTo, &r.Use, &r.Effect, &r.Problems, &r.Calls, &r.FiledByID, &r.FiledBy, &at); err != nil {
			return nil, err
		}
		r.FiledAt = db.FromMillis(at)
		out = append(out, r)
	}
	return out, rows.Err()
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// GrantAllows tells whether a field is delivered by a grant, and whether in clear.
func (g *Grant) GrantAllows(field string) (granted, clear bool) {
	return slices.Contains(g.Fields, field), slices.Contains(g.ClearFields, field)
}
