//go:build cgo

package main

// #include <time.h>
import "C"

import "fmt"

// stamp formats ts, in seconds since the epoch, as a UTC date.
func stamp(ts int64) string {
	t := C.time_t(ts)
	tm := *C.gmtime(&t) // want `worker "stamp" calls C.gmtime, which POSIX does not require to be thread-safe; use gmtime_r`
	return fmt.Sprintf("%04d-%02d-%02d", tm.tm_year+1900, tm.tm_mon+1, tm.tm_mday)
}
