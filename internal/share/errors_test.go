package share_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"pubdata/internal/apperr"
	"pubdata/internal/db"
	"pubdata/internal/testutil"
)

// An infrastructure error leaving the package says what was being done and keeps its cause; a
// typed user-facing error leaves unchanged, with its code and message.
func TestErrorsSayWhatWasBeingDone(t *testing.T) {
	testutil.ForEachDB(t, func(t *testing.T, d *db.DB) {
		a := testutil.DemoApp(t, d, testutil.NewClock("2026-03-02 10:00"))
		civil := who(t, a, "civil")
		_, err := a.Share.Get(ctx, civil, "no-such-request")
		if err != apperr.NotFound {
			t.Fatalf("unknown request: %v, want apperr.NotFound unchanged", err)
		}
		gone, cancel := context.WithCancel(ctx)
		cancel()
		_, err = a.Share.Get(gone, civil, "r-42")
		if err == nil || !strings.HasPrefix(err.Error(), "share: get request r-42: ") || !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled read: %v, want it wrapped with what was being done", err)
		}
		if e := apperr.As(err); e.Code != apperr.Internal.Code {
			t.Fatalf("cancelled read maps to %s, want %s", e.Code, apperr.Internal.Code)
		}
		_, _, err = a.Share.ListGrants(gone, civil, "mine", 10, 0)
		if err == nil || !strings.HasPrefix(err.Error(), "share: list grants: ") {
			t.Fatalf("cancelled list: %v", err)
		}
	})
}
