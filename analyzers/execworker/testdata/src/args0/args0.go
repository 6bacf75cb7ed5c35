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
	exec.Command(os.Args[0], "agent").Run()  // want `worker spawned with exec\.Command re-executes this binary \(os\.Args\[0\]\) as role "agent" served by serve; a candidate to run as a goroutine`
	exec.Command(os.Args[0], "helper").Run() // want `worker spawned with exec\.Command re-executes this binary \(os\.Args\[0\]\) as role "helper" served by serve; a candidate to run as a goroutine`
	exec.Command(os.Args[0], "inline").Run() // want `worker spawned with exec\.Command re-executes this binary \(os\.Args\[0\]\) as role "inline" handled inline in main; a candidate to run as a goroutine`
	exec.Command(os.Args[0], "judge").Run()  // want `worker spawned with exec\.Command re-executes this binary \(os\.Args\[0\]\) as role "judge"; no dispatch for the role found in this package`
	for _, role := range []string{"agent", "helper"} {
		exec.Command(os.Args[0], role).Run() // want `worker spawned with exec\.Command re-executes this binary \(os\.Args\[0\]\) with a non-constant role`
	}
	exec.Command(os.Args[0]).Run() // want `worker spawned with exec\.Command re-executes this binary \(os\.Args\[0\]\) without a role argument`
}

func serve() int { return 0 }
