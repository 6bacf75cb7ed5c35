// Command library runs workers that call into libgomp.
package main

/*
#cgo LDFLAGS: -lgomp
#include <stdlib.h>
#include <omp.h>
*/
import "C"

import (
	"fmt"
	"os"
	"os/exec"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "solve" {
		solve()
		return
	}
	// The parent's calls are not worker code.
	C.omp_set_num_threads(1)
	cmd := exec.Command(os.Args[0], "solve")
	cmd.Stdout = os.Stdout
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func solve() {
	procs := C.omp_get_num_procs() // want `worker "solve" calls C.omp_get_num_procs from libgomp, which may not be thread-safe once the workers share one process \(2 calls into it from worker code\)`
	C.omp_set_num_threads(procs)
	p := C.malloc(16) // libc: not a call into libgomp
	C.free(p)
	done := make(chan bool)
	go func() {
		// A goroutine of the worker: still worker code.
		done <- C.rand() > 0 // want `calls C.rand`
	}()
	fmt.Println(procs, <-done)
}
