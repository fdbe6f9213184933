package share_test

import (
	"strings"
	"testing"

	"pubdata/internal/db"
	"pubdata/internal/demo"
	"pubdata/internal/share"
	"pubdata/internal/testutil"
)

// A consumer is told once, 10 working days before its grant ends; the count skips the National
// Day holiday and counts the make-up Saturday.
func TestGrantEndReminderTenWorkingDaysBefore(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		clock := testutil.NewClock("2026-09-21 10:00")
		a := testutil.DemoApp(t, d, clock)
		civil := who(t, a, "civil")
		r, err := a.Share.File(ctx, civil, share.NewRequest{EntryID: demo.EntryEnterprise, Fields: []string{"credit_code", "name", "status"},
			Scenario: "社会组织年检核对登记状态（到期提醒）", Purpose: "核对企业登记状态", LegalBasis: "《社会组织登记管理条例》", Mode: share.ModeAPI,
			EndDate: "2026-10-16", Authenticity: true, Compliance: true, Security: true})
		must(t, err)
		if r.State != share.StateActive {
			t.Fatalf("state %s", r.State)
		}
		reminders := func() int {
			n := 0
			for _, m := range inbox(t, a, civil) {
				if m.ObjectID == r.GrantID && m.Kind == "reminder" && strings.HasPrefix(m.TitleZH, "共享授权即将到期") {
					n++
				}
			}
			return n
		}
		// 24 September: 28, 29, 30 September, 8, 9, 10 (Saturday, a make-up day), 12 … 16 October = 11 left.
		clock.Set("2026-09-24 10:00")
		must(t, a.Share.RemindEnding(ctx))
		if n := reminders(); n != 0 {
			t.Fatalf("reminded with 11 working days left: %d", n)
		}
		clock.Set("2026-09-28 10:00") // 10 working days left
		must(t, a.Share.RemindEnding(ctx))
		must(t, a.Share.RemindEnding(ctx))
		if n := reminders(); n != 1 {
			t.Fatalf("reminders with 10 working days left: %d; want 1", n)
		}
		clock.Set("2026-10-12 10:00")
		must(t, a.Share.RemindEnding(ctx))
		if n := reminders(); n != 1 {
			t.Fatalf("reminded again: %d", n)
		}
		for _, m := range inbox(t, a, civil) {
			if m.ObjectID == r.GrantID && m.Kind == "reminder" && !strings.Contains(m.BodyZH, "还剩 10 个工作日") {
				t.Fatalf("reminder body %q", m.BodyZH)
			}
		}
	})
}
