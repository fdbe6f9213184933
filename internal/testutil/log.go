package testutil

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
)

// Test logs (测试日志): the platform logs through the default slog logger (HTTP access lines,
// failed jobs, webhook errors …). In a test binary that would print hundreds of lines to
// stderr, so a failing package buries its failure under them. Importing testutil replaces the
// default logger, in test binaries only, with one that writes each record into the output of
// the test that is running — shown, like t.Log, only when that test fails or under -v. The
// test is the one that most recently opened a database or an app through this package (or
// called Logs) and has not finished; tests that run in parallel may see each other's lines.
// Records logged while no such test is running are dropped below ERROR and go to stderr at
// ERROR and above, so an unexpected failure is never silent.

var logTests struct {
	mu   sync.Mutex
	live []testing.TB // innermost last
}

func init() {
	if !testing.Testing() {
		return
	}
	// slog.SetDefault also routes the standard log package (e.g. net/http's server errors)
	// through this handler.
	slog.SetDefault(slog.New(slog.NewTextHandler(testLogWriter{}, &slog.HandlerOptions{Level: slog.LevelDebug})))
}

// Logs sends the platform's log records to t's output until t ends. Opening a database or an
// app through this package does it already; call it in tests that use neither.
func Logs(t testing.TB) {
	logTests.mu.Lock()
	logTests.live = append(logTests.live, t)
	logTests.mu.Unlock()
	t.Cleanup(func() {
		logTests.mu.Lock()
		defer logTests.mu.Unlock()
		for i := len(logTests.live) - 1; i >= 0; i-- {
			if logTests.live[i] == t {
				logTests.live = append(logTests.live[:i], logTests.live[i+1:]...)
				break
			}
		}
	})
}

// testLogWriter receives one formatted record per Write (slog's text handler writes each
// record whole).
type testLogWriter struct{}

func (testLogWriter) Write(p []byte) (int, error) {
	logTests.mu.Lock()
	defer logTests.mu.Unlock()
	if n := len(logTests.live); n > 0 {
		// Under the lock: the test cannot finish (its cleanup waits for the lock) while we write.
		return logTests.live[n-1].Output().Write(p)
	}
	if isErrorRecord(p) {
		return os.Stderr.Write(p)
	}
	return io.Discard.Write(p)
}

// isErrorRecord reports whether a text-handler line has level ERROR (or above, "ERROR+n").
func isErrorRecord(p []byte) bool { return bytes.Contains(p, []byte(" level=ERROR")) }
