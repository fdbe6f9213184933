// Package errs adds context to infrastructure errors where they leave a package: what was being
// done, so that a log line names the operation instead of a bare driver message. It follows
// golang/pkgsite's derrors.Wrap: a deferred call on the named error result.
//
// Typed user errors (*apperr.Error, *validate.Error) pass through untouched: their text is what the user sees and
// what tests and callers compare. Everything else keeps its cause reachable through errors.Is and
// errors.As (the wrapping uses %w).
package errs

import (
	"errors"
	"fmt"

	"pubdata/internal/apperr"
	"pubdata/internal/validate"
)

// Wrap prefixes *errp with the operation described by format and args, unless *errp is nil or
// carries a typed user error (*apperr.Error, *validate.Error, left exactly as it is). Use it deferred:
//
//	func (s *Service) Load(ctx context.Context, id string) (_ *Load, err error) {
//		defer errs.Wrap(&err, "ingest: load %s", id)
func Wrap(errp *error, format string, args ...any) {
	if *errp == nil || IsUser(*errp) {
		return
	}
	*errp = fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), *errp)
}

// IsUser tells whether err carries a typed user error (*apperr.Error, or *validate.Error whose
// bilingual text some callers show) anywhere in its chain.
func IsUser(err error) bool {
	var ae *apperr.Error
	var ve *validate.Error
	return errors.As(err, &ae) || errors.As(err, &ve)
}
