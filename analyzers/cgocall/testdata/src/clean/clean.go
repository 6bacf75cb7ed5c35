// Package clean calls C from goroutines, but only what is safe.
package clean

/*
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const int primes[] = {2, 3, 5, 7};

static int prime(int i) { return primes[i & 3]; }

static _Thread_local int calls;

static int count(void) { return ++calls; }

static int square(int x) { return x * x; }
*/
import "C"

import (
	"sync"
	"unsafe"
)

// Run makes only thread-safe calls on goroutines.
func Run() int {
	var (
		wg  sync.WaitGroup
		sum int
		mu  sync.Mutex
	)
	for i := range 4 {
		wg.Go(func() {
			s := C.CString("a b")
			defer C.free(unsafe.Pointer(s))
			var save *C.char
			tok := C.strtok_r(s, C.CString(" "), &save)
			var t C.time_t
			var tm C.struct_tm
			C.localtime_r(&t, &tm)
			n := int(C.prime(C.int(i))) + int(C.square(2)) + int(C.count()) + int(C.strlen(tok))
			mu.Lock()
			sum += n
			mu.Unlock()
		})
	}
	wg.Wait()
	return sum
}
