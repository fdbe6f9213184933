package app

import (
	"testing"

	"pubdata/internal/share"
)

// The region's call limits come from the environment; bad values keep the built-in ones and a
// default never exceeds its cap.
func TestShareCallLimitsFromEnvironment(t *testing.T) {
	env := map[string]string{"PUBDATA_SHARE_CALLS_PER_MINUTE": "60", "PUBDATA_SHARE_CALLS_PER_DAY": "many",
		"PUBDATA_SHARE_CAP_PER_MINUTE": "-5", "PUBDATA_SHARE_CAP_PER_DAY": "5000"}
	l := share.DefaultLimits
	shareCallLimits(&l, func(k string) string { return env[k] })
	if l.CallsPerMinute != 60 || l.CapPerMinute != share.DefaultLimits.CapPerMinute || l.CapPerDay != 5000 || l.CallsPerDay != 5000 {
		t.Fatalf("limits %+v", l)
	}
	l = share.DefaultLimits
	shareCallLimits(&l, func(string) string { return "" })
	if l != share.DefaultLimits {
		t.Fatalf("unset changed the limits: %+v", l)
	}
}
