// Package fixname takes the names the lock fix would use.
package fixname

/*
#include <stdlib.h>
*/
import "C"

import "fmt"

// libcMu is not a mutex, so the fix's takes another name.
var libcMu = "taken"

// sync is not the package, so the fix imports it under another name.
func sync() {}

// roll returns a die roll.
func roll() int {
	n := C.rand() // want `calls C.rand`
	return int(n) % 6
}

// Run rolls on a goroutine.
func Run() {
	done := make(chan int)
	go func() { done <- roll() }()
	fmt.Println(<-done, libcMu)
	sync()
}
