// Package fixstrtok splits strings with strtok on goroutines.
package fixstrtok

/*
#include <stdlib.h>
#include <string.h>

// count_words tokenizes with strtok itself.
static int count_words(char *s) {
	int n = 0;
	for (char *w = strtok(s, " "); w; w = strtok(NULL, " ")) n++;
	return n;
}
*/
import "C"

import (
	"strings"
	"sync"
	"unsafe"
)

// fields splits s at the characters of sep.
func fields(s, sep string) []string {
	cs, csep := C.CString(s), C.CString(sep)
	defer C.free(unsafe.Pointer(cs))
	defer C.free(unsafe.Pointer(csep))
	var out []string
	for tok := C.strtok(cs, csep); tok != nil; tok = C.strtok(nil, csep) { // want `calls C.strtok, which POSIX does not require to be thread-safe; use strtok_r`
		out = append(out, C.GoString(tok))
	}
	return out
}

// nested counts the words of each field: the body's own strtok calls
// would interleave with the loop's, so the loop keeps strtok.
func nested(s string) int {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	n := 0
	for f := C.strtok(cs, C.CString(",")); f != nil; f = C.strtok(nil, C.CString(",")) { // want `calls C.strtok`
		n += int(C.count_words(f)) // want `calls C.count_words, whose preamble definition calls strtok, which POSIX does not require to be thread-safe`
	}
	return n
}

// first takes the first token alone: no loop, no fix.
func first(s string) string {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	return C.GoString(C.strtok(cs, C.CString(" "))) // want `calls C.strtok`
}

// Run splits the lines on goroutines.
func Run(lines []string) []string {
	out := make([]string, len(lines))
	var wg sync.WaitGroup
	for i, l := range lines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = strings.Join(fields(l, " \t"), ",") + first(l) + string(rune('0'+nested(l)))
		}()
	}
	wg.Wait()
	return out
}
