package share

import (
	"testing"
	"time"

	"pubdata/internal/workday"
)

// BenchmarkAdmit measures what the call limits add to a gateway call on its hot path: the
// token bucket and the in-memory spend of a reserved quota chunk (the reservation itself is one
// database write per chunk of up to QuotaChunk calls, made in the background).
func BenchmarkAdmit(b *testing.B) {
	s := &Service{Limits: DefaultLimits, Now: time.Now, gw: newGateway()}
	pl := &plan{grant: Grant{ID: "g", Limits: GrantLimits{RatePerMinute: 1 << 40, DailyQuota: 1 << 40}}}
	l := s.gw.limiter("g")
	now := time.Now()
	l.day, l.dayEnd, l.left, l.chunk = workday.Format(now), workday.Date(now).AddDate(0, 0, 1), 1<<40, 1<<40
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := s.admit(b.Context(), pl); err != nil {
				b.Fatal(err)
			}
		}
	})
}
