package main

// The formatting helpers below come from the C tool the workers replaced.
// They keep their results in static storage, which is safe as long as
// each worker is a process with one thread calling them.

/*
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// field holds the field render_field formatted last: callers copy it out
// before the next call.
static char field[256];

static const char *render_field(const char *key, const char *value) {
	snprintf(field, sizeof field, "%s=\"%s\"", key, value);
	return field;
}
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// tokens splits line at blanks with strtok, as the C tool did.
func tokens(line string) []string {
	cs := C.CString(line)
	defer C.free(unsafe.Pointer(cs))
	blanks := C.CString(" \t")
	defer C.free(unsafe.Pointer(blanks))

	var out []string
	for tok := C.strtok(cs, blanks); tok != nil; tok = C.strtok(nil, blanks) {
		out = append(out, C.GoString(tok))
	}
	return out
}

// utcDate formats unix, in seconds since the epoch, as a UTC date.
func utcDate(unix int64) string {
	t := C.time_t(unix)
	tm := *C.gmtime(&t)
	return fmt.Sprintf("%04d-%02d-%02d", int(tm.tm_year)+1900, int(tm.tm_mon)+1, int(tm.tm_mday))
}

// renderField formats one field as key="value".
func renderField(key, value string) string {
	ck, cv := C.CString(key), C.CString(value)
	defer C.free(unsafe.Pointer(ck))
	defer C.free(unsafe.Pointer(cv))
	rendered := C.GoString(C.render_field(ck, cv))
	return rendered
}
