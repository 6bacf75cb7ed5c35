// Command twolibs runs workers that call into two libraries, libalpha and
// libbeta, each reported once, at its first call from worker code; a
// function the preamble declares itself belongs to neither as far as the
// headers tell, and is reported as such.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/include
#cgo LDFLAGS: -lalpha -lbeta
#include <stdlib.h>
#include "alpha.h"
#include "beta.h"

int mystery(void);
*/
import "C"

import (
	"fmt"
	"os"
	"os/exec"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "store" {
		store()
		return
	}
	// The parent's calls are not worker code.
	C.alpha_reset(0)
	C.beta_close(C.beta_open(nil))
	cmd := exec.Command(os.Args[0], "store")
	cmd.Stdout = os.Stdout
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func store() {
	h := C.beta_open(nil) // want `worker "store" calls C.beta_open from libbeta, which may not be thread-safe once the workers share one process \(2 calls into it from worker code\)`
	n := C.alpha_next()   // want `worker "store" calls C.alpha_next from libalpha, which may not be thread-safe once the workers share one process`
	m := C.mystery()      // want `worker "store" calls C.mystery, which no header of libalpha or libbeta is found to declare, so which library it is in is not known; it may not be thread-safe once the workers share one process`
	C.beta_close(h)
	p := C.malloc(16) // libc: not a call into either
	C.free(p)
	fmt.Println(n, m)
}
