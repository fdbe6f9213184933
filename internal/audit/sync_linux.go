package audit

import (
	"os"
	"syscall"
)

// datasync flushes a file's data (and only the metadata needed to read it back).
func datasync(f *os.File) error { return syscall.Fdatasync(int(f.Fd())) }
