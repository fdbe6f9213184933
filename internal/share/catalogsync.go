package share

import (
	"context"
	"database/sql"
	"errors"

	"pubdata/internal/authz"
	"pubdata/internal/catalog"
	"pubdata/internal/db"
	"pubdata/internal/notify"
)

// CatalogChanged is the catalog's hook (目录变更同步): it runs inside the transaction that
// publishes a version of entry e or withdraws it (live = false). Every grant on the entry that
// the rule (rule.go) no longer admits — the entry withdrawn or not shared, a granted field on
// the negative list or gone, the grant's mode no longer offered — is suspended at once with its
// cause, so the gateway answers that cause's 4xx code from the next call on, on every node; the
// consumer (its data officer and approver) and the provider are told, and the consumer may
// request verification instead. Grants that still fit are left as they are.
func (s *Service) CatalogChanged(ctx context.Context, tx db.Q, e catalog.Entry, live bool) (err error) {
	defer wrapErr(&err, "catalog change of entry %s", e.ID)
	rows, err := tx.QueryContext(ctx, "SELECT "+grantCols+grantFrom+" WHERE g.entry_id = $1 AND g.status IN ('active','pending','suspended') ORDER BY g.id", e.ID)
	grants, err := db.ScanAll(rows, err, func(sc scanner) (Grant, error) { return scanGrant(sc) })
	if err != nil {
		return err
	}
	ep := &e
	if !live {
		ep = nil
	}
	for i := range grants {
		g := &grants[i]
		cause := s.grantCause(ep, g)
		if cause == "" || (g.Status == GrantSuspended && g.SuspendCause == cause) {
			continue
		}
		if err := s.suspendForCatalog(ctx, tx, g.RequestID, cause, e.Version); err != nil {
			return err
		}
		s.gw.forget(g.ID)
	}
	return nil
}

// suspendForCatalog takes the platform's EvCatalog step on one request inside tx.
func (s *Service) suspendForCatalog(ctx context.Context, tx db.Q, requestID, cause string, version int) error {
	r, err := s.lockRequest(ctx, tx, requestID)
	if err != nil {
		return err
	}
	n := CauseNames[cause]
	err = s.step(ctx, tx, authz.System, &r, EvCatalog, s.factsOf(&r), n[0]+" / "+n[1], map[string]any{"cause": cause, "entry_version": version})
	if errors.Is(err, ErrState) {
		return nil // ended meanwhile
	}
	return err
}

// suspendNow suspends a grant the gateway found no longer fitting its entry (a change the hook
// did not see, e.g. made while an approval was being committed), in a transaction of its own.
func (s *Service) suspendNow(ctx context.Context, requestID, cause string) {
	_ = s.DB.Tx(ctx, func(tx *sql.Tx) error { return s.suspendForCatalog(ctx, tx, requestID, cause, 0) })
}

// announceCatalog tells the consumer and the provider that a catalog change suspended a grant,
// why, and what the consumer can do: request verification (核验比对) instead, or a new request.
func (s *Service) announceCatalog(ctx context.Context, q db.Q, r *Request) error {
	var cause string
	q.QueryRowContext(ctx, "SELECT suspend_cause FROM share_grants WHERE id = $1", r.GrantID).Scan(&cause)
	n := CauseNames[cause]
	title := r.EntryName
	if _, err := s.Notify.Send(ctx, q, notify.Message{OrgID: r.ConsumerOrgID, Kind: "flag",
		TitleZH: "目录变更，共享授权已暂停：" + title, TitleEN: "Grant suspended by a catalog change: " + title,
		BodyZH: "原因：" + n[0] + "。网关将拒绝该授权的调用。如仍需核对，可改为申请核验比对（只回答是否存在、是否一致），或按目录现状重新申请。",
		BodyEN: "Cause: " + n[1] + ". The gateway refuses this grant's calls. To keep checking, request verification instead (exists / match only), or file a new request on the entry as it is now.",
		Link:   "/share/new?entry=" + r.EntryID + "&kind=verify", ObjectType: "share_request", ObjectID: r.ID}); err != nil {
		return err
	}
	_, err := s.Notify.Send(ctx, q, notify.Message{OrgID: r.ProviderOrgID, Kind: "info",
		TitleZH: "目录变更，已暂停相关共享授权：" + title, TitleEN: "Catalog change suspended a grant: " + title,
		BodyZH: "原因：" + n[0] + "。", BodyEN: "Cause: " + n[1] + ".", Link: "/share/grants/" + r.GrantID, ObjectType: "share_request", ObjectID: r.ID})
	return err
}
