package operate

import (
	"context"

	"pubdata/internal/db"
	"pubdata/internal/ingest"
)

// TruthPlainSQL computes the truth through the plain GROUP BY statement (the one PostgreSQL runs
// and SQLText prints), for comparison with the SQLite engine's Go aggregate.
func TruthPlainSQL(ctx context.Context, d *db.DB, rel ingest.Relation, v *View, q *StatsQuery) (Truth, error) {
	st := truthStatements(d.Dialect, rel, v, q)
	st.udf, st.main, st.args, st.hudf = false, st.plain, st.hargs, nil
	return truthOf(ctx, d, &st)
}
