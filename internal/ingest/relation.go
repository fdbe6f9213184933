package ingest

import (
	"context"

	"pubdata/internal/errs"
)

// Relation describes an entry's data table for computations that run inside the platform
// (authorized-operation products, internal/operate): the physical table, its fields (each a
// checked identifier), the key column and the current version. Rows of the current version are
// those with _to = 0. The caller authorizes, bounds and audits what it computes; it never hands
// rows out.
type Relation struct {
	EntryID   string
	Table     string
	Fields    []string
	KeyFields []string
	KeyColumn string
	Version   int64
	Rows      int64
	OrgID     string
	Region    string
	// Sealed are the fields stored sealed (SEC-1): the table holds their ciphertext, so SQL over
	// them compares and groups ciphertext; computations over them read the rows through
	// ScanColumns, which opens them (see operate.Service.Truth).
	Sealed []string
}

// RelationOf returns the entry's relation; ErrNoData when it never held data.
func (s *Service) RelationOf(ctx context.Context, entryID string) (_ Relation, err error) {
	defer errs.Wrap(&err, "ingest: RelationOf(%s)", entryID)
	t, err := s.tableOf(ctx, s.DB, entryID, false)
	if err != nil {
		return Relation{}, err
	}
	return Relation{EntryID: t.EntryID, Table: t.Name, Fields: t.Fields, KeyFields: t.KeyFields, KeyColumn: t.KeyColumn,
		Version: t.CurrentVersion, Rows: t.RowCount, OrgID: t.OrgID, Region: t.RegionCode, Sealed: t.Sealed}, nil
}
