// Package fixlock calls C functions that a lock makes safe.
package fixlock

/*
#include <stdlib.h>
#include <string.h>

static int counter;

static int next_id(void) { return ++counter; }
*/
import "C"

import (
	"fmt"
	"sync"
)

// describe returns the message of an errno value.
func describe(code int) string {
	msg := C.GoString(C.strerror(C.int(code))) // want `calls C.strerror, which POSIX does not require to be thread-safe; use strerror_r`
	return msg
}

// roll returns a die roll.
func roll() int {
	n := int(C.rand()) % 6 // want `calls C.rand, which POSIX does not require to be thread-safe; use rand_r`
	return n
}

// id returns a new identifier.
func id() int {
	v := C.next_id() // want `calls C.next_id, whose preamble definition writes the static variable counter`
	return int(v)
}

// both would hold libc's lock while describe takes it again: no fix.
func both() string {
	s := describe(int(C.rand())) // want `calls C.rand`
	return s
}

// kept keeps the pointer into strerror's buffer: no fix.
func kept(code int) *C.char {
	p := C.strerror(C.int(code)) // want `calls C.strerror`
	return p
}

// Run runs it all on goroutines.
func Run() {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		fmt.Println(describe(2), roll(), id(), both(), kept(1), other())
	}()
	wg.Wait()
}
