// Package main runs other programs only: nothing is reported.
package main

import (
	"os"
	"os/exec"
)

func main() {
	exec.Command("git", "status").Run()
	if goBin, err := exec.LookPath("go"); err == nil {
		exec.Command(goBin, "version").Run()
	}
	// os.Args[1] is a program named by the user, not this binary.
	if len(os.Args) > 2 {
		exec.Command(os.Args[1], os.Args[2:]...).Run()
	}
	shell := os.Getenv("SHELL")
	exec.Command(shell, "-c", "true").Run()
	exe, err := os.Executable()
	if err != nil {
		exe = "sh" // falls back to another program
	}
	exec.Command(exe, "agent").Run()
}
