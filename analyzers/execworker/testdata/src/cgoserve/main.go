// Package main has roles whose branches call into C. cgo turns each C.f
// into a call of a function it declares in the package, _Cfunc_f, and
// checks pointer arguments with helpers of its own: none of them serves a
// role.
package main

/*
#include <stdio.h>
#include <stdlib.h>

static int add(int a, int b) { return a + b; }
static void setup(void) {}
*/
import "C"

import (
	"encoding/json"
	"os"
	"os/exec"
	"unsafe"
)

type task struct{ A, B int }

type result struct{ Sum int }

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "add":
			// Only C: the branch itself serves the role.
			var t task
			json.NewDecoder(os.Stdin).Decode(&t)
			sum := C.add(C.int(t.A), C.int(t.B))
			json.NewEncoder(os.Stdout).Encode(result{Sum: int(sum)})
			return
		case "print":
			// A pointer argument, which cgo checks with a helper.
			cs := C.CString("hello")
			defer C.free(unsafe.Pointer(cs))
			C.puts(cs)
			return
		case "calc":
			// C first, then the serving function.
			C.setup()
			calc()
			return
		}
	}
	exec.Command(os.Args[0], "add").Run()   // want `worker spawned with exec\.Command re-executes this binary \(os\.Args\[0\]\) as role "add" handled inline in main; a candidate to run as a goroutine`
	exec.Command(os.Args[0], "print").Run() // want `worker spawned with exec\.Command re-executes this binary \(os\.Args\[0\]\) as role "print" handled inline in main; a candidate to run as a goroutine`
	exec.Command(os.Args[0], "calc").Run()  // want `worker spawned with exec\.Command re-executes this binary \(os\.Args\[0\]\) as role "calc" served by calc; a candidate to run as a goroutine`
}

func calc() {}
