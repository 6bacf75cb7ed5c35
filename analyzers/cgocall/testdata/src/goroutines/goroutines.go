// Package goroutines calls C from goroutines started in several ways.
package goroutines

/*
#cgo LDFLAGS: -lgomp
#include <stdlib.h>
#include <omp.h>
#include <time.h>
*/
import "C"

import "sync"

// Serve calls rand on goroutines it starts in a loop.
func Serve(n int) {
	for range n {
		go func() {
			_ = C.rand() // want `the goroutine started at goroutines.go:17 calls C.rand, which POSIX does not require to be thread-safe; use rand_r`
		}()
	}
}

// Group runs a function with wg.Go.
func Group() {
	var wg sync.WaitGroup
	wg.Go(tick)
	wg.Wait()
}

func tick() {
	t := C.time(nil)
	_ = C.ctime(&t) // want `the goroutine started at goroutines.go:26 calls C.ctime, which POSIX does not require to be thread-safe; use ctime_r`
	// Calls into other libraries are reported in worker code only.
	C.omp_set_num_threads(2)
}

// Direct calls C from no goroutine: not reported.
func Direct() int {
	return int(C.rand()) + int(C.omp_get_num_procs())
}

// Method runs a method on a goroutine.
func Method(c *clock) {
	go c.now()
}

type clock struct{}

func (c *clock) now() {
	var t C.time_t
	_ = *C.gmtime(&t) // want `the goroutine started at goroutines.go:44 calls C.gmtime`
}

// Locked holds a mutex around its calls: not reported.
func Locked() {
	var mu sync.Mutex
	go func() {
		mu.Lock()
		defer mu.Unlock()
		_ = C.rand()
		var t C.time_t
		_ = *C.gmtime(&t)
	}()
	go func() {
		mu.Lock()
		n := C.rand()
		mu.Unlock()
		m := C.rand() // want `calls C.rand`
		_ = n + m
	}()
}
