package share_test

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"strings"
	"testing"

	"pubdata/internal/audit"
	"pubdata/internal/db"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
)

// The usage-log export neutralizes spreadsheet formulas in every cell (the scenario and the
// details are text that users typed).
func TestUsageExportNeutralizesFormulas(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, nil)
		r, gp, _ := grantFor(t, a, "公式导出", share.KindData, []string{"citizen_id", "name"}, nil, share.ModeAPI)
		payloads := []string{`=HYPERLINK("http://evil.example")`, "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1"}
		evs := make([]audit.Event, len(payloads))
		for i, p := range payloads {
			evs[i] = audit.Event{ActorID: gp.UserID, ActorName: p, OrgID: gp.OrgID, Action: "share.gateway.lookup", ObjectType: "catalog_entry",
				GrantID: r.GrantID, Purpose: p, ClientIP: p}
		}
		must(t, d.Tx(ctx, func(tx *sql.Tx) error { return a.Audit.Record(ctx, tx, evs...) }))
		var exp bytes.Buffer
		n, err := a.Share.ExportUsage(ctx, who(t, a, "civil"), "", r.GrantID, &exp)
		must(t, err)
		lines, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(exp.Bytes(), []byte("\uFEFF")))).ReadAll()
		must(t, err)
		if n != len(payloads) || len(lines) != n+1 {
			t.Fatalf("exported %d calls in %d lines", n, len(lines))
		}
		seen := 0
		for _, l := range lines[1:] {
			for _, c := range l {
				if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
					t.Errorf("usage export cell %q would be evaluated", c)
				}
				if strings.HasPrefix(c, "'") {
					seen++
				}
			}
		}
		if seen < len(payloads)*3 {
			t.Fatalf("only %d neutralized cells; want %d", seen, len(payloads)*3)
		}
	})
}
