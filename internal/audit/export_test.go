package audit

// HoldInserts makes the spool's inserter wait before its next transaction until release is
// called: records stay in the spool only, as when a process dies before inserting them.
func HoldInserts(s *Service) (release func()) {
	h := make(chan struct{})
	s.sp.Load().hold = h
	return func() { close(h) }
}

// Crash abandons the spool as a killed process would: nothing more is inserted, the files stay
// as they are and the lock is released.
func Crash(s *Service) {
	sp := s.sp.Load()
	sp.wmu.Lock()
	sp.closed = true
	sp.wmu.Unlock()
	close(sp.stop)
	<-sp.gone
	sp.f.Close()
	sp.lock.Close()
	s.sp.Store(nil)
}

// BreakSpool closes the current segment file under the spool, so that the next append fails.
func BreakSpool(s *Service) { s.sp.Load().f.Close() }

// Spooling tells whether the service writes through a spool.
func Spooling(s *Service) bool { return s.sp.Load() != nil }

// Frame round trip, for the property test.
func FrameRoundTrip(ev Event, detail string) (Event, string, error) {
	b := encodeFrame(prepared{ev: ev, detail: detail})
	p, err := decodeFrame(b[frameHeader:])
	return p.ev, p.detail, err
}

// ChainHash is the hash a record must carry (for tests that re-hash a tampered chain, as an
// attacker with write access to the table would).
func ChainHash(r *Record) string { return chainHash(r) }

// SpoolOpen tells whether the service's spool still takes appends.
func SpoolOpen(s *Service) bool {
	sp := s.sp.Load()
	if sp == nil {
		return false
	}
	sp.wmu.Lock()
	defer sp.wmu.Unlock()
	return !sp.closed
}
