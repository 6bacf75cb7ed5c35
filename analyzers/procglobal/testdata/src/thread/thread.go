// Package main has two workers that lock their goroutine to its thread.
// Alone that is harmless; a worker that then moves the thread into other
// namespaces leaves a thread unlike the others under the whole program.
package main

import (
	"os"
	"os/exec"
	"runtime"

	"golang.org/x/sys/unix"
)

func main() {
	switch os.Args[1] {
	case "render":
		render()
		return
	case "jail":
		jail()
		return
	}
	runtime.LockOSThread()
	unix.Unshare(unix.CLONE_NEWNET)
	for _, role := range []string{"render", "jail"} {
		cmd := exec.Command(os.Args[0], role)
		if _, err := cmd.StdinPipe(); err != nil {
			return
		}
	}
	_ = exec.Command(os.Args[0], "render").Run()
	_ = exec.Command(os.Args[0], "jail").Run()
}

// render needs a thread of its own for a C library: no namespaces, so
// LockOSThread alone is not reported.
func render() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
}

func jail() {
	runtime.LockOSThread()                                 // want `worker code for role "jail" uses runtime\.LockOSThread, which ties the worker to a thread of the shared process; migrate rewrite leaves the site unchanged`
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil { // want `worker code for role "jail" uses unix\.Unshare, which moves the calling thread into other namespaces, under the parent's goroutines`
		return
	}
	enter(3)
}

func enter(fd int) {
	_ = unix.Setns(fd, 0) // want `uses unix\.Setns, which moves the calling thread into other namespaces`
}
