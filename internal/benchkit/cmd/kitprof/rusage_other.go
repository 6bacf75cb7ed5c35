//go:build !linux

package main

import "os"

// maxRSSKiB returns 0: only Linux reports maxrss in KiB for the process
// and the descendants it waited for, which the scripts rely on.
func maxRSSKiB(*os.ProcessState) int64 { return 0 }
