package app

import (
	"context"
	"database/sql"
	"strings"

	"pubdata/internal/authz"
	"pubdata/internal/harvest"
	"pubdata/internal/open"
)

// connectHarvestSource gives the harvest API the opening package's records (its one transformation,
// keys, rate limits, suspension check and audit), downloads and suspensions.
func connectHarvestSource(a *App, src *harvest.CatalogSource) {
	if a.Open == nil {
		return
	}
	o := a.Open
	o.OnSuspension = func(ctx context.Context, tx *sql.Tx, entryID string, suspended bool, note string) error {
		return src.Suspension(ctx, tx, entryID, suspended, note)
	}
	src.RecordsFn = func(ctx context.Context, p *authz.Principal, id string, q harvest.RecordQuery) (harvest.RecordPage, error) {
		c := &open.Caller{Principal: p, KeySecret: q.KeySecret, ClientIP: q.ClientIP}
		var out harvest.RecordPage
		cursor, skip := "", q.Offset
		for {
			n := q.Limit
			if skip > 0 {
				n = min(1000, skip)
			}
			pg, err := o.Records(ctx, c, id, open.RecordsQuery{Filter: q.Filters, Cursor: cursor, Limit: max(n, 1)})
			if err != nil {
				return out, err
			}
			if out.Fields == nil {
				for _, col := range pg.Columns {
					out.Fields = append(out.Fields, harvest.Field{Name: col.Name, Label: col.Label, Type: string(col.Type)})
				}
			}
			if skip > 0 {
				skip -= len(pg.Rows)
				if pg.Next == "" || skip > 0 && len(pg.Rows) == 0 {
					out.TotalKnown, out.Total = true, q.Offset-max(skip, 0)
					return out, nil
				}
				cursor = pg.Next
				continue
			}
			for _, row := range pg.Rows {
				rec := map[string]any{}
				for i, col := range pg.Columns {
					if i < len(row) {
						rec[col.Name] = row[i]
					}
				}
				out.Records = append(out.Records, rec)
			}
			out.More = pg.Next != ""
			if !out.More {
				out.TotalKnown, out.Total = true, q.Offset+len(out.Records)
			}
			return out, nil
		}
	}
	src.Downloads = func(id string) []harvest.Distribution {
		var out []harvest.Distribution
		for _, f := range []struct{ format, media string }{{"CSV", "text/csv"}, {"XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
			{"JSON", "application/json"}, {"Parquet", "application/vnd.apache.parquet"}} {
			out = append(out, harvest.Distribution{Format: f.format, MediaType: f.media, Title: "下载 " + f.format + " / Download " + f.format,
				Path: "/api/v1/open/datasets/" + id + "/download?format=" + strings.ToLower(f.format)})
		}
		return out
	}
	src.SuspendedFn = func(ctx context.Context) (map[string]string, error) {
		rows, err := a.DB.QueryContext(ctx, "SELECT entry_id, reason FROM open_suspensions WHERE lifted_at = 0 ORDER BY created_at")
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var id, r string
			if err := rows.Scan(&id, &r); err != nil {
				return nil, err
			}
			out[id] = r
		}
		return out, rows.Err()
	}
	src.ExtraCursor = func(ctx context.Context) (int64, error) {
		// Every suspension and every lift moves this number.
		var n, lifted int64
		err := a.DB.QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(SUM(CASE WHEN lifted_at > 0 THEN 1 ELSE 0 END), 0) FROM open_suspensions").Scan(&n, &lifted)
		return n + lifted, err
	}
}
