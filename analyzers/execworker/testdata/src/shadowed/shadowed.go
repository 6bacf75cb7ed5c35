// Package main declares names that look like os and os/exec but are not:
// nothing is reported.
package main

import (
	realexec "os/exec"
)

type runner struct{ Args []string }

func (runner) Command(name string, args ...string) *realexec.Cmd {
	return realexec.Command("true")
}

func main() {
	os := runner{Args: []string{"/bin/true"}}
	exec := os
	exec.Command(os.Args[0], "agent").Run()
	if os.Args[0] == "agent" {
		return
	}
}
