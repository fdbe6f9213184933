package ingest

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"

	"pubdata/internal/apperr"
	"pubdata/internal/audit"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/errs"
)

// ErrVersionGone is returned when a version's data was pruned by the retention setting.
var ErrVersionGone = apperr.New(http.StatusGone, "ingest_version_pruned", "该版本的数据已按保留策略清理", "the data of this version was pruned by the retention setting")

// prune deletes the rows no retained version can see: the entry keeps its last Retention
// versions, plus any version pinned by a data return (回流).
func (s *Service) prune(ctx context.Context, entryID string) error {
	t, err := s.tableOf(ctx, s.DB, entryID, false)
	if err != nil {
		return err
	}
	keep := max(t.Retention, 1)
	cutoff := t.CurrentVersion - keep + 1
	if cutoff <= 1 {
		return nil
	}
	rows, err := s.DB.QueryContext(ctx, "SELECT version FROM ingest_loads WHERE entry_id = $1 AND pinned = 1 AND version > 0 AND version < $2", entryID, cutoff)
	if err != nil {
		return err
	}
	var pins []int64
	for rows.Next() {
		var v int64
		rows.Scan(&v)
		pins = append(pins, v)
	}
	rows.Close()
	cond := []string{"_to <> 0", "_to <= $1"}
	args := []any{cutoff}
	for _, p := range pins {
		args = append(args, p)
		cond = append(cond, fmt.Sprintf("NOT (_from <= $%d AND _to > $%d)", len(args), len(args)))
	}
	_, err = s.DB.ExecContext(ctx, fmt.Sprintf("DELETE FROM %s WHERE %s", quote(t.Name), strings.Join(cond, " AND ")), args...)
	return err
}

// versionAvailable tells whether a version's rows are still stored.
func (s *Service) versionAvailable(ctx context.Context, t *table, v int64) bool {
	if v <= 0 || v > t.CurrentVersion {
		return false
	}
	if v > t.CurrentVersion-max(t.Retention, 1) {
		return true
	}
	var pinned int
	s.DB.QueryRowContext(ctx, "SELECT pinned FROM ingest_loads WHERE entry_id = $1 AND version = $2 AND status = 'committed'", t.EntryID, v).Scan(&pinned)
	return pinned == 1
}

// SetRetention sets how many versions of an entry's data are kept (1–100).
func (s *Service) SetRetention(ctx context.Context, p *authz.Principal, entryID string, keep int, clientIP string) (err error) {
	defer errs.Wrap(&err, "ingest: SetRetention(%s)", entryID)
	if keep < 1 || keep > 100 {
		return apperr.Invalid.With(apperr.Field("retention", "保留版本数应为 1–100", "versions kept must be 1–100"))
	}
	e, err := s.entry(ctx, entryID)
	if err != nil {
		return err
	}
	if err := authz.Ingest(p, authz.Manage, attrsOf(e)); err != nil {
		return err
	}
	if _, err := s.ensureTable(ctx, e); err != nil {
		return err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE ingest_tables SET retention = $2 WHERE entry_id = $1", entryID, keep); err != nil {
			return err
		}
		return s.Audit.Record(ctx, tx, audit.Event{ActorID: p.UserID, ActorName: p.Username, OrgID: p.OrgID, Action: "ingest.retention.set",
			ObjectType: "catalog_entry", ObjectID: entryID, ClientIP: clientIP, Detail: map[string]any{"keep": keep}})
	})
	if err != nil {
		return err
	}
	return s.prune(ctx, entryID)
}

// Summary is an entry's aggregation state for pages and lists.
type Summary struct {
	EntryID        string   `json:"entry_id"`
	CurrentVersion int64    `json:"current_version"`
	Rows           int64    `json:"rows"`
	LastLoadAt     db.Stamp `json:"last_load_at"`
	Retention      int64    `json:"retention"`
}

// SummaryOf returns an entry's aggregation state (zero values before the first load).
func (s *Service) SummaryOf(ctx context.Context, entryID string) Summary {
	t, err := s.tableOf(ctx, s.DB, entryID, false)
	if err != nil {
		return Summary{EntryID: entryID, Retention: 5}
	}
	return Summary{EntryID: entryID, CurrentVersion: t.CurrentVersion, Rows: t.RowCount, LastLoadAt: db.Stamp(t.LastLoadAt), Retention: t.Retention}
}

// VersionStamp names the data of one committed version of an entry (0: the current one) so
// that a cache of what was derived from it can tell when it is stale: the physical table and
// the load that committed the version. It changes with every new load and never repeats; a
// pruned version answers ErrVersionGone, an entry without data ErrNoData.
func (s *Service) VersionStamp(ctx context.Context, entryID string, version int64) (_ string, _ int64, err error) {
	defer errs.Wrap(&err, "ingest: VersionStamp(%s)", entryID)
	t, err := s.tableOf(ctx, s.DB, entryID, false)
	if err != nil {
		return "", 0, err
	}
	if t.CurrentVersion == 0 {
		return "", 0, ErrNoData
	}
	if version == 0 {
		version = t.CurrentVersion
	}
	if version != t.CurrentVersion && !s.versionAvailable(ctx, t, version) {
		return "", 0, ErrVersionGone
	}
	var loadID string
	if err := s.DB.QueryRowContext(ctx, "SELECT id FROM ingest_loads WHERE entry_id = $1 AND version = $2 AND status = 'committed'",
		entryID, version).Scan(&loadID); err != nil {
		if db.IsNoRows(err) {
			return "", 0, ErrVersionGone
		}
		return "", 0, err
	}
	return t.Name + "/" + loadID, version, nil
}
