// Package main dispatches with a switch on os.Args[1] and spawns through
// os.Args[0].
package main

import (
	"os"
	"os/exec"
)

func main() {
	switch os.Args[1] {
	case "agent", "helper":
		os.Exit(serve())
	case "inline":
		os.Stdout.WriteString("inline worker\n")
		return
	}
	exec.Command(os.Args[0], "agent").Run()    // want `worker spawned with exec\.Command re-executes this binary \(os\.Args\[0\]\) as role "agent" served by serve; a candidate to run as a goroutine`
	exec.Command(os.Args[0], "helper").Run()   // want `worker spawned with exec\.Command re-executes this binary \(os\.Args\[0\]\) as role "helper" served by serve; a candidate to run as a goroutine`
	exec.Command(os.Args[0], "inline").Run()   // want `worker spawned with exec\.Command re-executes this binary \(os\.Args\[0\]\) as role "inline" handled inline in main; a candidate to run as a goroutine`
	judge := exec.Command(os.Args[0], "judge") // want `worker spawned with exec\.Command re-executes this binary \(os\.Args\[0\]\) as role "judge"; no dispatch for the role found in this package`
	judge.StdoutPipe()
	for _, role := range []string{"agent", "helper"} {
		cmd := exec.Command(os.Args[0], role) // want `worker spawned with exec\.Command re-executes this binary \(os\.Args\[0\]\) with a non-constant role`
		cmd.StdinPipe()
	}
	bare := exec.Command(os.Args[0]) // want `worker spawned with exec\.Command re-executes this binary \(os\.Args\[0\]\) without a role argument`
	bare.StdoutPipe()

	// A re-exec that serves no role here and talks over no pipe is not a
	// worker: a daemon detaching itself, a restart handing over listeners.
	exec.Command(os.Args[0], "serve").Start()
	exec.Command(os.Args[0], os.Args[1:]...).Start()
}

func serve() int { return 0 }
