package share

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/ids"
	"pubdata/internal/notify"
)

func jsonList(v []string) string {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func parseList(s string) []string {
	var out []string
	_ = json.Unmarshal([]byte(s), &out)
	if out == nil {
		out = []string{}
	}
	return out
}

// requestColumns binds every stored column of share_requests to its field of r: the one list
// that the insert, the update and the scan are generated from (db.Column). A new field on
// requests is one line here (and its migration); TestRequestColumnsRoundTrip fails when a
// field or a table column is not bound.
func requestColumns(r *Request) []db.Column {
	return []db.Column{
		{Name: "id", Ptr: &r.ID},
		{Name: "kind", Ptr: (*string)(&r.Kind)},
		{Name: "consumer_org_id", Ptr: &r.ConsumerOrgID},
		{Name: "consumer_region", Ptr: &r.ConsumerRegion},
		{Name: "requester_id", Ptr: &r.RequesterID},
		{Name: "requester_name", Ptr: &r.RequesterName},
		{Name: "entry_id", Ptr: &r.EntryID},
		{Name: "entry_code", Ptr: &r.EntryCode},
		{Name: "entry_name", Ptr: &r.EntryName},
		{Name: "entry_region", Ptr: &r.EntryRegion},
		{Name: "provider_org_id", Ptr: &r.ProviderOrgID},
		{Name: "provider_orgs", Ptr: db.JSONList(&r.ProviderOrgs)},
		{Name: "path", Ptr: (*string)(&r.Path)},
		{Name: "fields", Ptr: db.JSONList(&r.Fields)},
		{Name: "clear_fields", Ptr: db.JSONList(&r.ClearFields)},
		{Name: "scenario", Ptr: &r.Scenario},
		{Name: "purpose", Ptr: &r.Purpose},
		{Name: "legal_basis", Ptr: &r.LegalBasis},
		{Name: "mode", Ptr: (*string)(&r.Mode)},
		{Name: "end_date", Ptr: &r.EndDate},
		{Name: "commitment", Ptr: db.JSON(&r.Commitment)},
		{Name: "state", Ptr: (*string)(&r.State)},
		{Name: "due_date", Ptr: &r.DueDate},
		{Name: "due_kind", Ptr: &r.DueKind},
		{Name: "cross_region", Ptr: db.IntBool(&r.CrossRegion)},
		{Name: "routed_via", Ptr: &r.RoutedVia},
		{Name: "submitted_at", Ptr: db.TimeMillis(&r.SubmittedAt)},
		{Name: "decide_due", Ptr: &r.DecideDue},
		{Name: "decided_at", Ptr: db.TimeMillis(&r.DecidedAt)},
		{Name: "decided_by", Ptr: &r.DecidedBy},
		{Name: "decision_note", Ptr: &r.DecisionNote},
		{Name: "deliver_due", Ptr: &r.DeliverDue},
		{Name: "delivered_at", Ptr: db.TimeMillis(&r.DeliveredAt)},
		{Name: "refuse_reason", Ptr: &r.RefuseReason},
		{Name: "refuse_basis", Ptr: &r.RefuseBasis},
		{Name: "escalated_at", Ptr: db.TimeMillis(&r.EscalatedAt)},
		{Name: "grant_id", Ptr: &r.GrantID},
		{Name: "updated_at", Ptr: db.TimeMillis(&r.UpdatedAt)},
	}
}

// requestJoined are the read-only names joined in from orgs (not stored on the request).
func requestJoined(r *Request) []any {
	return []any{&r.ConsumerName, &r.ProviderName, &r.RoutedViaName}
}

// reqCols is the select list of a request: its stored columns, then the joined names.
var reqCols = db.Names(requestColumns(&Request{}), "r.") + ", COALESCE(co.name,''), COALESCE(po.name,''), COALESCE(rv.name,'')"

const reqFrom = ` FROM share_requests r LEFT JOIN orgs co ON co.id = r.consumer_org_id LEFT JOIN orgs po ON po.id = r.provider_org_id
	LEFT JOIN orgs rv ON rv.id = r.routed_via`

type scanner interface{ Scan(...any) error }

func (s *Service) scanRequest(sc scanner) (Request, error) {
	var r Request
	if err := sc.Scan(append(db.Dests(requestColumns(&r)), requestJoined(&r)...)...); err != nil {
		return r, err
	}
	if r.State == StateRouting || r.State == StatePending || r.State == StateApproved {
		r.Remaining, r.Overdue = s.remaining(r.DueDate)
		r.MissingYears = s.Calendar.ProvisionalDue(r.DueDate, s.Now())
		r.DeadlineProvisional = len(r.MissingYears) > 0
	}
	return r, nil
}

func (s *Service) readRequest(ctx context.Context, q db.Q, id string) (Request, error) {
	return s.scanRequest(q.QueryRowContext(ctx, "SELECT "+reqCols+reqFrom+" WHERE r.id = $1", id))
}

// loadRequest reads one request.
func (s *Service) loadRequest(ctx context.Context, q db.Q, id string) (Request, error) {
	return found(s.readRequest(ctx, q, id))
}

// lockRequest reads one request under its row lock, for a state change in tx.
func (s *Service) lockRequest(ctx context.Context, tx db.Q, id string) (Request, error) {
	return found(db.LoadLocked(ctx, tx, s.DB, "share_requests", id, func(q db.Q) (Request, error) { return s.readRequest(ctx, q, id) }))
}

// found turns a missing row into apperr.NotFound.
func found[T any](v T, err error) (T, error) {
	if db.IsNoRows(err) {
		return v, apperr.NotFound
	}
	return v, err
}

// Authz returns the request's facts for authorization decisions (e.g. which actions a page offers).
func (r *Request) Authz() authz.ShareAttrs { return r.attrs().authz() }

// Authz returns the grant's facts for authorization decisions.
func (g *Grant) Authz() authz.ShareAttrs { return g.attrs().authz() }

// Authz returns the demand's facts for authorization decisions.
func (d *Demand) Authz() authz.DemandAttrs { return d.attrs() }

func (r *Request) attrs() attrs {
	return attrs{consumer: r.ConsumerOrgID, providers: r.ProviderOrgs, entryRegion: r.EntryRegion, consumerRegion: r.ConsumerRegion, grant: r.GrantID}
}

// attrs are the authorization facts of a request or grant.
type attrs struct {
	consumer, entryRegion, consumerRegion, grant string
	providers                                    []string
}

func (a attrs) authz() authz.ShareAttrs {
	return authz.ShareAttrs{ConsumerOrgID: a.consumer, ProviderOrgIDs: a.providers, EntryRegion: a.entryRegion, ConsumerRegion: a.consumerRegion, GrantID: a.grant}
}

// history appends one step to an object's visible history.
func (s *Service) history(ctx context.Context, q db.Q, p *authz.Principal, objType, objID, ev, from, to, note string) error {
	_, err := q.ExecContext(ctx, `INSERT INTO share_events (id, object_type, object_id, at, actor_id, actor_name, org_id, event, from_state, to_state, note)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)`, ids.New(), objType, objID, db.Millis(s.Now()), p.UserID, actorName(p), p.OrgID, ev, from, to, note)
	return err
}

func actorName(p *authz.Principal) string {
	if p.DisplayName != "" {
		return p.DisplayName
	}
	return p.Username
}

// events returns the steps of a request or demand, oldest first.
func (s *Service) events(ctx context.Context, objType, objID string) ([]Event, error) {
	rows, err := s.DB.QueryContext(ctx, `SELECT at, actor_name, org_id, event, from_state, to_state, note FROM share_events
		WHERE object_type = $1 AND object_id = $2 ORDER BY at, id`, objType, objID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&at, &e.ActorName, &e.OrgID, &e.Event, &e.From, &e.To, &e.Note); err != nil {
			return nil, err
		}
		e.At = db.FromMillis(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// auditEvent is the audit record of a step taken by p.
func auditEvent(p *authz.Principal, action, objType, objID string, detail map[string]any) audit.Event {
	return audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: action, ObjectType: objType, ObjectID: objID, Detail: detail}
}

// authorityOrg finds the data authority supervising a region: the authority of the region itself,
// else of its city, else of its province ("" when none is registered).
func authorityOrg(ctx context.Context, q db.Q, region string) string {
	if len(region) != 6 {
		return ""
	}
	for _, r := range []string{region, region[:4] + "00", region[:2] + "0000"} {
		var id string
		err := q.QueryRowContext(ctx, "SELECT id FROM orgs WHERE kind = 'authority' AND region_code = $1 ORDER BY id LIMIT 1", r).Scan(&id)
		if err == nil {
			return id
		}
	}
	return ""
}

func orgName(ctx context.Context, q db.Q, id string) string {
	var n string
	q.QueryRowContext(ctx, "SELECT name FROM orgs WHERE id = $1", id).Scan(&n)
	return n
}

// sendOrg puts a message in an organization's inbox (dedup makes it idempotent when set).
func (s *Service) sendOrg(ctx context.Context, q db.Q, org, kind, titleZH, titleEN, bodyZH, bodyEN, link, objType, objID, dedup string) error {
	if org == "" {
		return nil
	}
	_, err := s.Notify.Send(ctx, q, notify.Message{OrgID: org, Kind: kind, TitleZH: titleZH, TitleEN: titleEN, BodyZH: bodyZH, BodyEN: bodyEN,
		Link: link, ObjectType: objType, ObjectID: objID, DedupKey: dedup})
	return err
}

func clean(s string) string { return strings.TrimSpace(s) }

// wrapErr adds what was being done to an infrastructure error returned by an exported method
// ("share: approve request r1: …"); typed user-facing errors (apperr) pass unchanged so they keep
// their code and message. errors.Is and errors.As see through the wrapping.
func wrapErr(err *error, format string, args ...any) {
	if *err == nil {
		return
	}
	var ae *apperr.Error
	if errors.As(*err, &ae) {
		return
	}
	*err = fmt.Errorf("share: "+format+": %w", append(args, *err)...)
}
