package errs

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"pubdata/internal/apperr"
)

func wrapped(err error) (out error) {
	out = err
	defer Wrap(&out, "pkg: op %s", "x1")
	return out
}

func TestWrap(t *testing.T) {
	if err := wrapped(nil); err != nil {
		t.Fatalf("nil became %v", err)
	}
	err := wrapped(sql.ErrNoRows)
	if err.Error() != "pkg: op x1: "+sql.ErrNoRows.Error() {
		t.Fatalf("text %q", err)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		t.Fatal("errors.Is lost the cause")
	}
	if err := wrapped(context.DeadlineExceeded); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("errors.Is lost the deadline: %v", err)
	}
	// User errors pass through as they are (same value, same text).
	nf := apperr.NotFound.With(apperr.Field("id", "无", "none"))
	if err := wrapped(nf); err != error(nf) {
		t.Fatalf("user error changed: %v", err)
	}
}
