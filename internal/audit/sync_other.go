//go:build !linux

package audit

import "os"

// datasync flushes a file's data; fsync where fdatasync is not available.
func datasync(f *os.File) error { return f.Sync() }
