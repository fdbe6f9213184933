package web_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"pubdata/internal/backup"
	"pubdata/internal/db"
	"pubdata/internal/server"
	"pubdata/internal/testutil"
)

// The dashboard shows the newest backup and the newest restore drill with the recovery point and
// time the drill measured (SEC-5, SUP-7).
func TestDashboardShowsDrillRecoveryPointAndTime(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := testutil.DirectoryApp(t, d, nil)
		rcpt, ident, err := backup.GenerateKeyPair(false)
		if err != nil {
			t.Fatal(err)
		}
		a.Backup.DSN, a.Backup.Dir, a.Backup.Recipient, a.Backup.DrillIdentity = testutil.DSN(d), t.TempDir(), rcpt, ident
		if _, err := a.Backup.Create(ctx, "tester", nil); err != nil {
			t.Fatal(err)
		}
		time.Sleep(1100 * time.Millisecond) // a recovery point of at least a second
		dr, err := a.Backup.RunDrill(ctx)
		if err != nil || !dr.OK || dr.RPO < time.Second || dr.RTO <= 0 {
			t.Fatalf("drill: %+v %v", dr, err)
		}
		h, _, err := server.Handler(a, false)
		if err != nil {
			t.Fatal(err)
		}
		s := site{t, h}
		page := s.get("/supervise/dashboard", s.login("admin")).Body.String()
		m := regexp.MustCompile(`(?s)<div class="card" id="backup-status">(.*?)</div>`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no backup status on the dashboard:\n%s", page)
		}
		sec := func(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
		for _, want := range []string{"已完成", "通过", "恢复点", "<dd>" + sec(dr.RPO.Truncate(time.Millisecond)) + "</dd>", "恢复时间", "<dd>" + sec(dr.RTO.Truncate(time.Millisecond)) + "</dd>"} {
			if !strings.Contains(m[1], want) {
				t.Errorf("backup status lacks %q:\n%s", want, m[1])
			}
		}
	})
}
