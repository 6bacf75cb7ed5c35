// Package fixreuse already has the mutex an earlier fix declared.
package fixreuse

/*
#include <stdlib.h>
*/
import "C"

import (
	"fmt"
	gosync "sync"
)

// libcMu serializes the calls into libc that are not safe
// to make from several goroutines at once.
var libcMu gosync.Mutex

func roll() int {
	libcMu.Lock()
	n := C.rand()
	libcMu.Unlock()
	return int(n) % 6
}

func roll2() int {
	n := C.rand() // want `calls C.rand`
	return int(n) % 6
}

// Run rolls on goroutines.
func Run() {
	var wg gosync.WaitGroup
	wg.Go(func() { fmt.Println(roll(), roll2()) })
	wg.Wait()
}
