package ingest

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"pubdata/internal/catalog"
	"pubdata/internal/db"
)

// table is the bookkeeping of one entry's data table (ingest_tables).
type table struct {
	EntryID        string
	Name           string   // physical table, ing_<id>
	Fields         []string // the entry's fields, in order, as of the last load
	KeyFields      []string
	KeyColumn      string // column holding Record.Key: the single key field, "_key" for composite keys, "" without a key
	Bases          []string
	RegionCode     string
	OrgID          string
	SourceOrgID    string
	Frequency      string
	NextVersion    int64
	CurrentVersion int64
	CurrentLoadID  string
	RowCount       int64
	LastLoadAt     int64
	Retention      int64
	// Sealed are the fields whose values are stored sealed (top sensitivity level, SEC-1).
	Sealed []string
}

var identRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)

// quote quotes an identifier; names are checked against identRE first, so this is only for
// reserved words (a field may be called "order" or "from").
func quote(s string) string { return `"` + s + `"` }

// tableName is the data table of an entry.
func tableName(entryID string) string {
	var b strings.Builder
	b.WriteString("ing_")
	for _, r := range strings.ToLower(entryID) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	s := b.String()
	if len(s) > 48 {
		s = s[:48]
	}
	return s
}

const tableCols = `entry_id, table_name, columns, key_fields, key_column, bases, region_code, org_id, source_org_id, frequency,
	next_version, current_version, current_load_id, row_count, last_load_at, retention, sealed`

func scanTable(sc interface{ Scan(...any) error }) (*table, error) {
	t := &table{}
	var cols, keys, bases, sealed string
	err := sc.Scan(&t.EntryID, &t.Name, &cols, &keys, &t.KeyColumn, &bases, &t.RegionCode, &t.OrgID, &t.SourceOrgID, &t.Frequency,
		&t.NextVersion, &t.CurrentVersion, &t.CurrentLoadID, &t.RowCount, &t.LastLoadAt, &t.Retention, &sealed)
	if err != nil {
		return nil, err
	}
	json.Unmarshal([]byte(cols), &t.Fields)
	json.Unmarshal([]byte(keys), &t.KeyFields)
	json.Unmarshal([]byte(bases), &t.Bases)
	json.Unmarshal([]byte(sealed), &t.Sealed)
	return t, nil
}

// tableOf reads an entry's table bookkeeping; ErrNoData if the entry never held data.
func (s *Service) tableOf(ctx context.Context, q db.Q, entryID string, lock bool) (*table, error) {
	sfx := ""
	if lock {
		sfx = s.DB.ForUpdate()
	}
	var row *sql.Row
	if d, ok := q.(*db.DB); ok && !lock {
		row = d.QueryRowFast(ctx, "SELECT "+tableCols+" FROM ingest_tables WHERE entry_id = $1", entryID)
	} else {
		row = q.QueryRowContext(ctx, "SELECT "+tableCols+" FROM ingest_tables WHERE entry_id = $1"+sfx, entryID)
	}
	t, err := scanTable(row)
	if db.IsNoRows(err) {
		return nil, ErrNoData
	}
	return t, err
}

func keyColumnOf(e *catalog.Entry) string {
	keys := e.KeyFields()
	switch len(keys) {
	case 0:
		return ""
	case 1:
		return keys[0]
	}
	return "_key"
}

// indexedKinds are field kinds that get a lookup index (base databases find people and
// enterprises by them even where they are not the key).
func indexedKind(k catalog.FieldKind) bool {
	return k == catalog.KindCitizenID || k == catalog.KindCreditCode
}

// physicalColumns lists the columns a data table has.
func (s *Service) physicalColumns(ctx context.Context, q db.Q, name string) (map[string]bool, error) {
	var rows *sql.Rows
	var err error
	if s.DB.IsPG() {
		rows, err = q.QueryContext(ctx, `SELECT column_name FROM information_schema.columns
			WHERE table_name = $1 AND table_schema = current_schema()`, name)
	} else {
		rows, err = q.QueryContext(ctx, "SELECT name FROM pragma_table_info($1)", name)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out[c] = true
	}
	return out, rows.Err()
}

// ensureTable creates or widens the entry's data table to the entry's current fields, in its
// own short transaction (so a long load never holds a schema lock readers would wait on).
func (s *Service) ensureTable(ctx context.Context, e *catalog.Entry) (*table, error) {
	for _, f := range e.Fields {
		if !identRE.MatchString(f.Name) {
			return nil, fmt.Errorf("field name %q is not a valid identifier", f.Name)
		}
	}
	name := tableName(e.ID)
	var out *table
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.tableOf(ctx, tx, e.ID, true)
		if err != nil && err != ErrNoData {
			return err
		}
		phys, err := s.physicalColumns(ctx, tx, name)
		if err != nil {
			return err
		}
		if len(phys) == 0 {
			var b strings.Builder
			fmt.Fprintf(&b, "CREATE TABLE %s (_from BIGINT NOT NULL, _to BIGINT NOT NULL DEFAULT 0", quote(name))
			for _, f := range e.Fields {
				fmt.Fprintf(&b, ", %s TEXT", quote(f.Name))
			}
			if keyColumnOf(e) == "_key" {
				b.WriteString(", _key TEXT")
			}
			b.WriteString(")")
			if _, err := tx.ExecContext(ctx, b.String()); err != nil {
				return fmt.Errorf("create data table: %w", err)
			}
			phys = map[string]bool{"_from": true, "_to": true, "_key": keyColumnOf(e) == "_key"}
			for _, f := range e.Fields {
				phys[f.Name] = true
			}
		}
		for _, f := range e.Fields {
			if !phys[f.Name] {
				if _, err := tx.ExecContext(ctx, fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s TEXT", quote(name), quote(f.Name))); err != nil {
					return fmt.Errorf("add column: %w", err)
				}
			}
		}
		kc := keyColumnOf(e)
		if kc == "_key" && !phys["_key"] {
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("ALTER TABLE %s ADD COLUMN _key TEXT", quote(name))); err != nil {
				return err
			}
		}
		if kc != "" {
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (%s) WHERE _to = 0",
				quote(name+"_k_"+strings.TrimPrefix(kc, "_")), quote(name), quote(kc))); err != nil {
				return fmt.Errorf("key index: %w", err)
			}
		}
		for _, f := range e.Fields {
			if indexedKind(f.Kind) && f.Name != kc {
				if _, err := tx.ExecContext(ctx, fmt.Sprintf("CREATE INDEX IF NOT EXISTS %s ON %s (%s) WHERE _to = 0",
					quote(name+"_i_"+f.Name), quote(name), quote(f.Name))); err != nil {
					return fmt.Errorf("lookup index: %w", err)
				}
			}
		}
		fields := make([]string, len(e.Fields))
		for i, f := range e.Fields {
			fields[i] = f.Name
		}
		fj, _ := json.Marshal(fields)
		var was []string
		if cur != nil {
			was = cur.Sealed
		}
		sj, _ := json.Marshal(nonNilStrings(s.sealedFields(e, was)))
		kj, _ := json.Marshal(nonNilStrings(e.KeyFields()))
		bj, _ := json.Marshal(nonNilStrings(BasesOf(e)))
		if cur == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO ingest_tables (entry_id, table_name, columns, key_fields, key_column, bases, region_code,
				org_id, source_org_id, frequency, created_at, sealed) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
				e.ID, name, string(fj), string(kj), kc, string(bj), e.RegionCode, e.ProviderOrgID, e.SourceOrgID, string(e.Frequency), db.Millis(s.now()), string(sj))
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE ingest_tables SET columns = $2, key_fields = $3, key_column = $4, bases = $5, region_code = $6,
				org_id = $7, source_org_id = $8, frequency = $9, sealed = $10 WHERE entry_id = $1`,
				e.ID, string(fj), string(kj), kc, string(bj), e.RegionCode, e.ProviderOrgID, e.SourceOrgID, string(e.Frequency), string(sj))
		}
		if err != nil {
			return err
		}
		out, err = s.tableOf(ctx, tx, e.ID, false)
		return err
	})
	s.schemas.Delete(e.ID) // the schema may have changed: keyed reads re-read it
	return out, err
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// keyOf joins a row's key field values with "|" (Record.Key).
func keyOf(keyIdx []int, cells []string) string {
	switch len(keyIdx) {
	case 0:
		return ""
	case 1:
		return cells[keyIdx[0]]
	}
	parts := make([]string, len(keyIdx))
	for i, k := range keyIdx {
		parts[i] = cells[k]
	}
	return strings.Join(parts, "|")
}

func keyIndexes(e *catalog.Entry) []int {
	var out []int
	for i, f := range e.Fields {
		if f.IsKey {
			out = append(out, i)
		}
	}
	return out
}

// hasField tells whether the table stores a field.
func (t *table) hasField(name string) bool { return slices.Contains(t.Fields, name) }
