// Package main dot-imports os and os/exec.
package main

import (
	. "os"
	. "os/exec"
)

func main() {
	switch {
	case len(Args) > 1 && Args[1] == "agent":
		serveAgent(Stdin)
		return
	}
	exe, _ := Executable()
	cmd := Command(exe, "agent") // want `worker spawned with exec\.Command re-executes this binary \(os\.Executable\(\)\) as role "agent" served by serveAgent; a candidate to run as a goroutine`
	cmd.Run()
}

func serveAgent(in *File) {}
