// Package main imports os/exec under another name.
package main

import (
	"os"
	osexec "os/exec"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "agent" {
		serveAgent()
		return
	}
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	osexec.Command(exe, "agent").Run() // want `worker spawned with exec\.Command re-executes this binary \(os\.Executable\(\)\) as role "agent" served by serveAgent; a candidate to run as a goroutine`
}

func serveAgent() {}
