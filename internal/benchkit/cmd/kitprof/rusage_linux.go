package main

import (
	"os"
	"syscall"
)

// maxRSSKiB returns the peak resident memory of an exited process in KiB,
// from the rusage wait4 returned: the largest of the process and of the
// descendants it waited for.
func maxRSSKiB(st *os.ProcessState) int64 {
	if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}
