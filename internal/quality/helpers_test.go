package quality_test

import (
	"context"
	"testing"

	"pubdata/internal/app"
	"pubdata/internal/authz"
	"pubdata/internal/db"
	"pubdata/internal/notify"
	"pubdata/internal/quality"
	"pubdata/internal/testutil"
	"pubdata/internal/validate"
	"pubdata/internal/workday"
)

var ctx = context.Background()

// as returns the principal of a demo user.
func as(t *testing.T, a *app.App, username string) *authz.Principal {
	t.Helper()
	u, err := a.Identity.UserByName(ctx, username)
	if err != nil {
		t.Fatalf("user %s: %v", username, err)
	}
	p, err := a.Identity.Principal(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// person makes a valid citizen ID number born on the date (odd seq = male).
func person(region, birth string, seq int) string {
	d, err := workday.Parse(birth)
	if err != nil {
		panic(err)
	}
	return validate.MakeCitizenID(region, d, seq)
}

// fakeData is an in-memory stand-in for loaded records, keyed by entry and key.
type fakeData map[string]map[string]map[string]string

func (f fakeData) lookup(ctx context.Context, entryID, key string) (quality.Record, bool, error) {
	if r, ok := f[entryID][key]; ok {
		return quality.Record{Key: key, Values: r, Version: 1}, true, nil
	}
	return quality.Record{}, false, nil
}

func (f fakeData) put(entryID, key string, values map[string]string) {
	if f[entryID] == nil {
		f[entryID] = map[string]map[string]string{}
	}
	f[entryID][key] = values
}

// clearRules deletes an entry's rules (the demo's included) so a test starts from its own.
func clearRules(t *testing.T, a *app.App, p *authz.Principal, entryID string) {
	t.Helper()
	rs, err := a.Quality.Rules(ctx, p, entryID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if err := a.Quality.DeleteRule(ctx, p, r.ID); err != nil {
			t.Fatal(err)
		}
	}
}

// inbox lists the messages a user (and its organization) would see.
func inbox(t *testing.T, a *app.App, p *authz.Principal) []notify.Message {
	t.Helper()
	ms, _, err := a.Notify.Inbox(ctx, p, false, 200, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func hasMessage(ms []notify.Message, objectID, kind string) bool {
	for _, m := range ms {
		if m.ObjectID == objectID && (kind == "" || m.Kind == kind) {
			return true
		}
	}
	return false
}

func auditCount(t *testing.T, d *db.DB, action, objectID string) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object_id = $2", action, objectID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// demoApp is the demo region on a settable clock (a Wednesday before the 2026 National Day
// holiday, so deadlines cross it).
func demoApp(t *testing.T, d *db.DB) (*app.App, *testutil.Clock) {
	t.Helper()
	clock := testutil.NewClock("2026-09-30 10:00")
	a := testutil.DemoApp(t, d, clock)
	return a, clock
}
