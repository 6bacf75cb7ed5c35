// Command worker re-executes itself as a "parse" worker whose code calls
// into C: into libc, and into functions of its preamble, some of which keep
// state.
package main

/*
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static unsigned long counter;

static unsigned long next_id(void) { return ++counter; }

static const char *const levels[] = {"debug", "info", "warn"};

// level only reads constant data.
static const char *level(int i) { return levels[i % 3]; }

static char line[128];

static const char *render(const char *key, long n) {
	snprintf(line, sizeof line, "%s=%ld", key, n);
	return line;
}

static int year_of(long t) {
	time_t tt = (time_t)t;
	return localtime(&tt)->tm_year + 1900;
}

static int calls(void) {
	static int n;
	return ++n;
}

static int add(int a, int b) { return a + b; }
*/
import "C"

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"unsafe"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "parse" {
		if err := serve(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "parse: %v\n", err)
			os.Exit(1)
		}
		return
	}

	// The parent alone runs this: not reported.
	fmt.Println(C.GoString(C.strerror(2)), C.next_id())

	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	cmd := exec.Command(exe, "parse")
	cmd.Stdin = os.Stdin
	cmd.Stdout = os.Stdout
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func serve(in io.Reader, out io.Writer) error {
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		fields := split(sc.Text())
		id := C.next_id() // want `worker "parse" calls C.next_id, whose preamble definition writes the static variable counter`
		lvl := C.GoString(C.level(C.int(len(fields))))
		key := C.CString(lvl)
		msg := C.GoString(C.render(key, C.long(id))) // want `worker "parse" calls C.render, whose preamble definition passes the static variable line to snprintf`
		C.free(unsafe.Pointer(key))
		year := C.year_of(C.long(len(fields))) // want `worker "parse" calls C.year_of, whose preamble definition calls localtime, which POSIX does not require to be thread-safe`
		n := C.calls()                         // want `worker "parse" calls C.calls, whose preamble definition keeps state in the static local variable n`
		sum := C.add(1, 2)
		if _, err := fmt.Fprintln(out, msg, year, n, sum, fields); err != nil {
			return err
		}
	}
	home := C.GoString(C.getenv(C.CString("HOME"))) // want `worker "parse" calls C.getenv, which POSIX does not require to be thread-safe; use os.Getenv, which reads Go's copy of the environment`
	C.setlocale(C.LC_ALL, C.CString("C"))           // want `worker "parse" calls C.setlocale, which POSIX does not require to be thread-safe; use uselocale with a locale from newlocale, which changes only the calling thread's`
	tmp := C.tmpnam(nil)                            // want `worker "parse" calls C.tmpnam with a nil argument, which POSIX does not require to be thread-safe; use mkstemp`
	var buf [C.L_tmpnam]C.char
	C.tmpnam(&buf[0])
	fmt.Fprintln(out, home, tmp)
	return sc.Err()
}

// split splits s at spaces with strtok.
func split(s string) []string {
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	sep := C.CString(" ")
	defer C.free(unsafe.Pointer(sep))
	var out []string
	for tok := C.strtok(cs, sep); tok != nil; tok = C.strtok(nil, sep) { // want `worker "parse" calls C.strtok, which POSIX does not require to be thread-safe; use strtok_r`
		out = append(out, C.GoString(tok))
	}
	return out
}
