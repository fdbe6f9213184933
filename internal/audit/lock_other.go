//go:build !unix

package audit

import "os"

// tryLock: without advisory file locks the spool is not used (Log writes directly), so two
// processes can never both consume one spool.
func tryLock(f *os.File) (bool, error) { return false, nil }
