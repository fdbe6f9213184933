package share

import (
	"context"

	"pubdata/internal/db"
)

// Test hooks: the storage of one request row, without the workflow around it.

// SaveRequestRow inserts (insert) or updates r as saveRequest does.
func (s *Service) SaveRequestRow(ctx context.Context, r *Request, insert bool) error {
	return s.saveRequest(ctx, s.DB, r, insert)
}

// LoadRequestRow reads one request as loadRequest does.
func (s *Service) LoadRequestRow(ctx context.Context, id string) (Request, error) {
	return s.loadRequest(ctx, s.DB, id)
}

// SaveGrantRow inserts g's row as insertGrant does (without its limits and report plan).
func (s *Service) SaveGrantRow(ctx context.Context, g *Grant) error {
	_, err := s.DB.ExecContext(ctx, insertGrantSQL, db.Values(grantColumns(g))...)
	return err
}

// LoadGrantRow reads one grant as loadGrant does.
func (s *Service) LoadGrantRow(ctx context.Context, id string) (Grant, error) {
	return s.loadGrant(ctx, s.DB, id)
}

// SaveDemandRow inserts (insert) or updates d as saveDemand does.
func (s *Service) SaveDemandRow(ctx context.Context, d *Demand, insert bool) error {
	return s.saveDemand(ctx, s.DB, d, insert)
}

// LoadDemandRow reads one demand as loadDemand does.
func (s *Service) LoadDemandRow(ctx context.Context, id string) (Demand, error) {
	return s.loadDemand(ctx, s.DB, id)
}

// SaveRenewalRow inserts (insert) or updates n as saveRenewal does.
func (s *Service) SaveRenewalRow(ctx context.Context, n *Renewal, insert bool) error {
	return s.saveRenewal(ctx, s.DB, n, insert)
}

// LoadRenewalRow reads one renewal as loadRenewal does.
func (s *Service) LoadRenewalRow(ctx context.Context, id string) (Renewal, error) {
	return s.loadRenewal(ctx, s.DB, id)
}

// SaveEscalationRow inserts (insert) or updates e as saveEsc does.
func (s *Service) SaveEscalationRow(ctx context.Context, e *Escalation, insert bool) error {
	return s.saveEsc(ctx, s.DB, e, insert)
}

// LoadEscalationRow reads one escalation as loadEsc does.
func (s *Service) LoadEscalationRow(ctx context.Context, id string) (Escalation, error) {
	return s.loadEsc(ctx, s.DB, id)
}

// EscalationDueSince is the stored start of an escalation's running deadline (unexported).
func EscalationDueSince(e *Escalation) *int64 { return &e.dueSince }

// ColumnNames are the stored columns bound for a table's rows.
func ColumnNames(table string) []string {
	var cols []db.Column
	switch table {
	case "share_requests":
		cols = requestColumns(&Request{})
	case "share_grants":
		cols = grantColumns(&Grant{})
	case "share_demands":
		cols = demandColumns(&Demand{})
	case "share_renewals":
		cols = renewalColumns(&Renewal{})
	case "escalations":
		cols = escColumns(&Escalation{})
	}
	var out []string
	for _, c := range cols {
		out = append(out, c.Name)
	}
	return out
}
