package fixlock

/*
#include <stdlib.h>
*/
import "C"

// other rolls in another file: the mutex is declared once, in a.go.
func other() int {
	C.srand(7)
	r := C.rand() // want `calls C.rand`
	return int(r)
}
