// Package main re-executes itself through /proc/self/exe, the Linux path of
// the running binary, and serves the role with a method.
package main

import (
	"context"
	"io"
	"os"
	"os/exec"
)

const (
	self      = "/proc/self/exe"
	roleIndex = "indexer"
)

type indexer struct{}

func (ix *indexer) run(r io.Reader, w io.Writer) error { return nil }

func main() {
	if len(os.Args) > 1 && os.Args[1] == roleIndex {
		ix := &indexer{}
		if err := ix.run(os.Stdin, os.Stdout); err != nil {
			os.Exit(1)
		}
		return
	}
	cmd := exec.CommandContext(context.Background(), self, roleIndex) // want `worker spawned with exec\.CommandContext re-executes this binary \(/proc/self/exe\) as role "indexer" served by \(\*indexer\)\.run; a candidate to run as a goroutine`
	_ = cmd.Run()
	_ = exec.Command("/proc/self/exe", "indexer", "-v").Run() // want `re-executes this binary \(/proc/self/exe\) as role "indexer" served by`
}
