// Package nolint silences one call with a directive.
package nolint

/*
#include <stdlib.h>
*/
import "C"

// Run calls rand on goroutines.
func Run() {
	go func() {
		_ = C.rand() //nolint:cgocall // seeded and only used for jitter
	}()
	go func() {
		_ = C.rand() // want `calls C.rand`
	}()
}
