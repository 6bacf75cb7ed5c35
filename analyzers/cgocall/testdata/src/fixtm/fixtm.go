// Package fixtm formats times with localtime and gmtime on goroutines.
package fixtm

/*
#include <time.h>
*/
import "C"

import (
	"fmt"
	"sync"
)

// stamp formats ts as a date in UTC.
func stamp(ts int64) string {
	t := C.time_t(ts)
	tm := *C.gmtime(&t) // want `the goroutine started at fixtm.go:\d+ calls C.gmtime, which POSIX does not require to be thread-safe; use gmtime_r`
	return fmt.Sprintf("%04d-%02d-%02d", tm.tm_year+1900, tm.tm_mon+1, tm.tm_mday)
}

// dst reports whether ts is in daylight saving time where we are.
func dst(ts int64) bool {
	t := C.time_t(ts)
	tmBuf := 0                                   // the fix's buffer takes another name
	if tm := *C.localtime(&t); tm.tm_isdst > 0 { // want `calls C.localtime, which POSIX does not require to be thread-safe; use localtime_r`
		return tmBuf == 0
	}
	return false
}

// kept keeps the pointer into libc's storage: neither fix applies.
func kept(ts int64) *C.struct_tm {
	t := C.time_t(ts)
	return C.localtime(&t) // want `calls C.localtime, which POSIX does not require to be thread-safe; use localtime_r`
}

// Run formats n times on as many goroutines.
func Run(n int) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fmt.Println(stamp(int64(i)), dst(int64(i)), kept(0).tm_year)
		}()
	}
	wg.Wait()
}
